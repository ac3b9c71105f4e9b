from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """``../shared/fixtures``: real files from outside the project. Absent → skip (CI: fail)."""
    if not SHARED_FIXTURES.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_FIXTURES} is missing on CI")
        pytest.skip(f"{SHARED_FIXTURES} is not present (tests using real fixtures need it)")
    return SHARED_FIXTURES
