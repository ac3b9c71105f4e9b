"""LibreOffice headless as the real spreadsheet application in tests.

Each call uses its own profile directory (LibreOffice refuses concurrent use of one profile).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed; .ci/run must install it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe


def convert(src: Path, fmt: str, outdir: Path, *, timeout: int = 180) -> Path:
    """``soffice --headless --convert-to fmt``; returns the output path (asserts it exists)."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as prof:
        cmd = [soffice(), f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    ext = fmt.split(":")[0]
    out = outdir / (Path(src).stem + "." + ext)
    assert out.exists(), f"LibreOffice did not produce {out}: {proc.stdout} {proc.stderr}"
    return out


def pdf_text(pdf: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_to_png(pdf: Path, prefix: Path, *, dpi: int = 80, first: int = 1, last: int = 1) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(first), "-l", str(last),
                    str(pdf), str(prefix)], check=True)
    return sorted(prefix.parent.glob(prefix.name + "*.png"))


def run_uno_script(script: str, *args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    """Run a Python script with Debian's /usr/bin/python3 (the only one that can ``import uno``)."""
    py = "/usr/bin/python3"
    check = subprocess.run([py, "-c", "import uno"], capture_output=True)
    if check.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("python3-uno is not installed; .ci/run must install it")
        pytest.skip("python3-uno is not installed")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}   # uno_office for the scripts
    return subprocess.run([py, "-c", script, *args], capture_output=True, text=True, timeout=timeout, env=env)
