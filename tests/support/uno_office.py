"""A LibreOffice session over UNO for the test scripts run by ``run_uno_script`` (with Debian's
/usr/bin/python3, which can ``import uno``; this folder is on its PYTHONPATH)."""
import os
import subprocess
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def pv(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def start():
    """Start a headless LibreOffice with its own profile; return (desktop, process)."""
    prof = tempfile.mkdtemp(prefix="lo-uno-")
    port = 2000 + os.getpid() % 5000
    proc = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
                             f"--accept=socket,host=127.0.0.1,port={port};urp;"])
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.5)
    return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx), proc


def load(desktop, path):
    return desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (pv("Hidden", True),))


def save_xlsx(doc, path):
    doc.storeToURL(uno.systemPathToFileUrl(path), (pv("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)


def stop(desktop, proc):
    try:
        desktop.terminate()
    except Exception:
        pass
    proc.wait(timeout=60)
