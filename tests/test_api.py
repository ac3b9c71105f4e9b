"""The lazy public API: every name in ``xltrack._API`` is callable as ``xltrack.<name>(...)``, also
after the module or subpackage of the same name was imported (xltrack/refresh.py, nightly/, notify/)."""
from __future__ import annotations

import importlib
import importlib.util

import pytest

import xltrack


@pytest.mark.parametrize("name", sorted(xltrack._API))
def test_every_api_name_stays_callable_after_its_module_is_imported(name):
    mod, attr = xltrack._API[name].split(":")
    importlib.import_module(mod)
    if importlib.util.find_spec(f"xltrack.{name}") is not None:
        importlib.import_module(f"xltrack.{name}")      # binds xltrack.<name> to the module
    assert callable(getattr(xltrack, name))


def test_calling_the_module_calls_the_function(tmp_path):
    import xltrack.notify.api  # noqa: F401
    import xltrack.refresh  # noqa: F401
    with pytest.raises(xltrack.errors.UsageError, match="没有机器人 webhook 地址"):
        xltrack.notify(tmp_path / "x.xlsx", [""])
    with pytest.raises(xltrack.errors.WorkbookUnreadable):
        xltrack.refresh(tmp_path / "missing.xlsx")
    assert xltrack.refresh.__name__ == "xltrack.refresh"      # still the module for attribute access
