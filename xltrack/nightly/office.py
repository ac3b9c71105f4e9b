"""LibreOffice headless through UNO, for the emailed copy only (recalculation, the inline picture).

``import uno`` works only with Debian's ``/usr/bin/python3`` (python3-uno), so each job is a small
script run by that interpreter in a subprocess: it starts ``soffice`` with a private
``-env:UserInstallation`` profile (LibreOffice refuses concurrent use of one profile) listening on
a named pipe, connects, runs the job's body with macros disabled, and always stops LibreOffice.
The start-up and shutdown are written once here; :mod:`.recalc` and :mod:`.chart` give the body.
LibreOffice's own save is lossy, so no job ever opens the user's workbook — only a private copy.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

UNO_PYTHON = "/usr/bin/python3"

# argv = profile_url, soffice, *job arguments (available to the body as ARGS).
_PRELUDE = r'''
import os, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue

profile, soffice = sys.argv[1:3]
ARGS = sys.argv[3:]
pipe = "xltrack_uno_%d" % os.getpid()
proc = subprocess.Popen([soffice, "-env:UserInstallation=" + profile, "--headless", "--invisible",
                         "--nologo", "--norestore", "--nodefault",
                         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def pv(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

def open_doc(desktop, path):
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                       (pv("Hidden", True), pv("MacroExecutionMode", 0)))
    if doc is None:
        sys.exit("LibreOffice could not open the workbook")
    return doc

try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    deadline = time.time() + 90
    while ctx is None:
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        except Exception:
            if proc.poll() is not None or time.time() > deadline:
                sys.exit("LibreOffice did not start")
            time.sleep(0.2)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
'''

_EPILOGUE = r'''
    try:
        desktop.terminate()
    except Exception:
        pass
    proc.wait(timeout=30)
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
'''


def libreoffice_available() -> str | None:
    """The soffice executable when LibreOffice and python3-uno are both installed, else None."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None or not os.access(UNO_PYTHON, os.X_OK):
        return None
    ok = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0
    return exe if ok else None


def run_uno(body: str, *args: str, soffice: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run ``body`` (Python for /usr/bin/python3, with ``desktop``, ``open_doc``, ``pv`` and
    ``ARGS`` in scope) inside a private LibreOffice; returns the finished process."""
    script = _PRELUDE + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n" + _EPILOGUE
    with tempfile.TemporaryDirectory(prefix="xltrack-lo-") as prof:
        return subprocess.run([UNO_PYTHON, "-c", script, Path(prof).as_uri(), soffice, *args],
                              capture_output=True, text=True, timeout=timeout)


def last_line(proc: subprocess.CompletedProcess) -> str:
    """The last line the job printed (its reason for failing), for a one-line log message."""
    return ((proc.stderr or proc.stdout or "").strip().splitlines()[-1:] or ["no output"])[0]
