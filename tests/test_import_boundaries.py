"""The architecture, checked: who may import Excel libraries, click and xlwings, and who reads the clock.

read → normalize/validate → compute → plan → apply (file backend | live backend).
"""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "xltrack"

EXCEL_LIBS = {"openpyxl", "python_calamine", "xlsxwriter", "fastexcel", "lxml", "zipfile"}
# Where Excel libraries (and raw zip access to the package) may be used.
EXCEL_OK = ("read/", "backends/", "build/", "macro/")
PURE = ("compute/", "normalize/", "planner/", "sheets/", "formats/", "pipeline/models.py",
        "plan.py", "tables.py", "issues.py")


def _modules():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree: ast.AST):
    """(top-level module name, node, is_module_level) for every import."""
    top_level = set(id(n) for n in getattr(tree, "body", []))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name.split(".")[0], node, id(node) in top_level
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node, id(node) in top_level


def test_only_the_cli_imports_click():
    bad = [f"{rel}:{n.lineno}" for rel, t in _modules() for m, n, _ in _imports(t)
           if m == "click" and not rel.startswith("cli/")]
    assert bad == []


def test_only_the_live_backend_imports_xlwings_and_lazily():
    bad = []
    for rel, t in _modules():
        for m, n, top in _imports(t):
            if m != "xlwings":
                continue
            allowed = rel.startswith("backends/live") or rel == "excel.py"
            if not allowed or top:
                bad.append(f"{rel}:{n.lineno}")
    assert bad == []


def test_excel_libraries_stay_in_readers_and_backends():
    bad = [f"{rel}:{n.lineno} imports {m}" for rel, t in _modules() for m, n, _ in _imports(t)
           if m in EXCEL_LIBS and not rel.startswith(EXCEL_OK)]
    assert bad == []


def test_the_pure_middle_never_reads_the_clock():
    bad = []
    for rel, t in _modules():
        if not rel.startswith(PURE):
            continue
        for node in ast.walk(t):
            if isinstance(node, ast.Attribute) and node.attr in {"today", "now", "utcnow"}:
                bad.append(f"{rel}:{node.lineno} .{node.attr}")
    assert bad == []
