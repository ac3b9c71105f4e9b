"""xltrack: keep the sales pipeline in Excel, get what a CRM gives.

The public API mirrors the CLI one to one (``xltrack refresh`` ↔ :func:`xltrack.refresh`).
Functions are imported lazily so that ``import xltrack`` stays fast and light.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__version__ = "0.1.0"

_API = {
    "init": "xltrack.build.api:init",
    "demo": "xltrack.build.api:demo",
    "read_workbook": "xltrack.normalize.api:read_workbook",
    "validate": "xltrack.normalize.api:validate",
    "compute": "xltrack.compute.api:compute",
    "report": "xltrack.compute.api:report",
    "refresh": "xltrack.refresh:refresh",
    "nightly": "xltrack.nightly.api:nightly",
    "notify": "xltrack.notify.api:notify",
    "import_rows": "xltrack.importer.api:import_rows",
    "split": "xltrack.team.split:split",
    "merge": "xltrack.team.merge:merge",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    target = _API.get(name)
    if target is None:
        raise AttributeError(f"module 'xltrack' has no attribute {name!r}")
    mod, attr = target.split(":")
    return getattr(importlib.import_module(mod), attr)


class _ApiModule(types.ModuleType):
    """A subpackage or module named like an API function (``xltrack/refresh.py``,
    ``xltrack/nightly/``, ``xltrack/notify/``): calling it calls the function."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return __getattr__(self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Package(types.ModuleType):
    """Importing ``xltrack.refresh`` binds the *module* to ``xltrack.refresh``, hiding the lazy API
    function of the same name; such a module is made callable, so ``xltrack.refresh(path)`` works
    whatever was imported before (and ``xltrack.refresh.<attr>`` still reaches the module)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _API and type(value) is types.ModuleType:
            value.__class__ = _ApiModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
