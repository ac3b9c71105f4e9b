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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On CI every part is installed (LibreOffice, python3-uno, fonts, ../shared): a skip there
    would hide a failure, so it is reported as one."""
    outcome = yield
    rep = outcome.get_result()
    if os.environ.get("CI") and rep.skipped and not hasattr(rep, "wasxfail"):
        rep.outcome = "failed"
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        rep.longrepr = f"skipped on CI, where nothing may be skipped: {reason}"
