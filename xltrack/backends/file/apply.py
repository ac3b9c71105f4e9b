"""Apply a :class:`xltrack.plan.WritePlan` to an .xlsx/.xlsm package: ``apply_plan(src, plan, dst)``.

What is rewritten: user worksheet parts that receive computed cells (only those cells change,
:mod:`.sheet_cells`), the owned sheets (whole, :mod:`.owned_sheet`) with their drawings and charts,
``xl/styles.xml`` (append-only, :mod:`.styles`), and — only when sheets or charts are added — the
workbook part, its relationships, ``[Content_Types].xml`` and ``docProps/app.xml``. Every other
member is copied as its raw compressed bytes (:mod:`.package`).
"""
from __future__ import annotations

import dataclasses
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ...plan import Cell, RowWrite, SheetWrite, WritePlan
from .cells import CellWriter
from .owned_sheet import owned_sheet_xml
from .package import BIG_PART, Package, deflate, write_package
from .sheet_cells import SheetEdit, rewrite_sheet, _prefix
from .styles import MINIMAL_STYLES, StyleBook
from .tables import table_headers
from .user_rows import row_cells, stretch_sheet, stretch_table
from .workbook_parts import (CT_PART, WORKBOOK, Rel, WorkbookInfo, add_sheet_entries, ct_add_override,
                             ct_remove_override, free_name, parse_rels, read_rels, rels_name, rels_xml,
                             relative, resolve)
from .xmlutil import CT_CHART, CT_DRAWING, RT, col_letter

_MISS = object()
_DRAWN = {"drawing", "chart", "table", "chartStyle", "chartColorStyle"}
# Kept on an owned sheet across refreshes: the VML drawing holding the Refresh button (and any
# notes), its comments, and form-control properties. Their parts are never rewritten.
_KEEP = {"vmlDrawing", "comments", "ctrlProp"}
_CONTROLS = re.compile(rb"<mc:AlternateContent\b(?:(?!</mc:AlternateContent>).)*?<controls\b.*?</mc:AlternateContent>"
                       rb"|<controls\b.*?</controls>", re.S)


def _has_formula(xml: bytes) -> bool:
    """Whether a worksheet part holds a ``<f>`` element (substring tests before the regex)."""
    if b"<" + _prefix(xml) + b"f" not in xml:    # one substring scan: ~4× faster than the regex
        return False
    return re.search(rb"<(\w+:)?f[ >]", xml) is not None


def _charts_module():
    try:
        from . import charts
    except ImportError:
        return None
    return charts if hasattr(charts, "chart_xml") and hasattr(charts, "drawing_xml") else None


class _Apply:
    def __init__(self, pkg: Package, level: int, pool: ThreadPoolExecutor | None = None):
        self.pkg = pkg
        self.level = level
        self.pool = pool
        self.wb = WorkbookInfo(pkg)
        self.replace: dict[str, bytes] = {}
        self.add: dict[str, bytes] = {}
        self.delete: set[str] = set()
        self.taken = set(pkg.names)
        self.ct = pkg.read(CT_PART)
        self.ct_changed = False
        self.dropped_formula = False
        if self.wb.styles_part and pkg.has(self.wb.styles_part):
            self.styles_part = self.wb.styles_part
            self.styles = StyleBook(pkg.read(self.styles_part))
        else:  # a package without a style part (rare): add a minimal one
            self.styles_part = "xl/styles.xml"
            self.styles = StyleBook(MINIMAL_STYLES)
            self.styles.changed = True

    # -- user sheets: computed columns and assigned IDs ----------------------------------
    def user_sheets(self, plan: WritePlan) -> None:
        names = dict.fromkeys([c.sheet for c in plan.columns] + [c.sheet for c in plan.cells]
                              + [r.sheet for r in plan.rows])
        for name in names:
            ref = self.wb.sheet(name)
            if ref is None or not self.pkg.has(ref.part):
                continue
            xml = self.pkg.read(ref.part)
            cw = CellWriter(self.styles, date1904=self.wb.date1904, prefix=_prefix(xml).decode())
            headers = table_headers(self.pkg, ref.part)
            edit = SheetEdit()
            for col in (c for c in plan.columns if c.sheet == name):
                header = col.header
                fixed = headers.get((col.header_row, col.col))
                if fixed is not None and fixed != header.value:
                    header = dataclasses.replace(header, value=fixed)
                self._put(edit, cw, col.header_row, col.col, header)
                # bytes built from cached per-value tails (see cells.py), looked up first by the
                # Cell object (the planner shares one Cell per distinct value): the hot loop
                head, c, cells, tail_of = cw.open_b + col_letter(col.col).encode(), col.col, edit.cells, cw.tail_bytes
                memo: dict[int, bytes | None] = {}
                for r, cell in zip(col.rows, col.cells):
                    row = cells.get(r)
                    if row is None:
                        row = cells[r] = {}
                    t = memo.get(id(cell), _MISS)
                    if t is _MISS:
                        t = memo[id(cell)] = tail_of(cell)
                    row[c] = None if t is None else b"%s%d%s" % (head, r, t)
                last = max([col.clear_to_row or 0, *col.rows, col.header_row])
                edit.owned[col.col] = (col.header_row + 1, last)
                if col.width:
                    edit.widths[col.col] = col.width
            for cwr in (c for c in plan.cells if c.sheet == name):
                self._put(edit, cw, cwr.row, cwr.col, cwr.cell)
                edit.fill_only.add((cwr.row, cwr.col))
            grow = []
            for rw in (r for r in plan.rows if r.sheet == name):
                cells, last = row_cells(xml, rw, cw, self.styles, rw.header_row)
                for r, by_col in cells.items():
                    edit.cells.setdefault(r, {}).update(by_col)
                if rw.last_row > max(last, rw.header_row + 1):
                    grow.append((rw, max(last, rw.header_row + 1)))
            new_xml = rewrite_sheet(xml, edit)
            for rw, last in grow:
                new_xml = stretch_sheet(new_xml, self._grow_tables(ref.part, rw, last), rw.last_row)
            self.dropped_formula |= edit.dropped_formula
            if new_xml != xml:
                self.replace[ref.part] = self._deflating(new_xml)

    def _grow_tables(self, part: str, rw: RowWrite, last: int) -> int:
        """Stretch the sheet's tables headed on ``rw.header_row`` to ``rw.last_row``; return the
        row the table ended on before (else the last data row), which the validations reach."""
        old_end = last
        for rel in read_rels(self.pkg, part):
            if rel.kind != "table" or rel.external:
                continue
            tpart = resolve(part, rel.target)
            if not self.pkg.has(tpart):
                continue
            txml = self.pkg.read(tpart)
            grown = stretch_table(txml, rw.header_row, rw.last_row)
            if grown is not None:
                m = re.search(rb'\sref="[A-Z]+\d+:[A-Z]+(\d+)"', txml)
                old_end = max(old_end, int(m.group(1))) if m else old_end
                self._put_part(tpart, grown)
        return old_end

    @staticmethod
    def _put(edit: SheetEdit, cw: CellWriter, row: int, col: int, cell: Cell | None) -> None:
        edit.cells.setdefault(row, {})[col] = cw.xml(f"{col_letter(col)}{row}", cell)

    # -- owned sheets ---------------------------------------------------------------------
    def owned_sheets(self, plan: WritePlan) -> None:
        new: list[SheetWrite] = []
        parts: dict[str, str] = {}
        for sw in plan.sheets:
            ref = self.wb.sheet(sw.name)
            if ref is None:
                new.append(sw)
            else:
                parts[sw.name] = ref.part
        if new:
            app_name = "docProps/app.xml"
            app = self.pkg.read(app_name) if self.pkg.has(app_name) else None
            wb_xml, wb_rels, self.ct, app, refs = add_sheet_entries(
                self.pkg.read(WORKBOOK), self.wb.rels, self.ct, app, self.taken, self.wb.sheets,
                [(sw.name, sw.hidden) for sw in new])
            self.ct_changed = True
            self.replace[WORKBOOK] = wb_xml
            self.replace[rels_name(WORKBOOK)] = rels_xml(wb_rels)
            if app is not None:
                self.replace[app_name] = app
            for sw, ref in zip(new, refs):
                parts[sw.name] = ref.part
        for sw in plan.sheets:
            self._write_owned(sw, parts[sw.name], is_new=sw in new)

    def _old_owned_parts(self, part: str) -> tuple[list[str], list[str]]:
        """Drawings and charts an owned sheet had (reused by name), and the parts to drop."""
        drawings, charts, drop = [], [], set()
        for rel in read_rels(self.pkg, part):
            if rel.external or rel.kind not in _DRAWN:
                continue
            target = resolve(part, rel.target)
            if rel.kind == "drawing":
                drawings.append(target)
                for crel in read_rels(self.pkg, target):
                    if crel.kind == "chart" and not crel.external:
                        chart = resolve(target, crel.target)
                        charts.append(chart)
                        for srel in read_rels(self.pkg, chart):
                            if srel.kind in _DRAWN and not srel.external:
                                drop.add(resolve(chart, srel.target))
                        drop.add(rels_name(chart))
                drop.add(rels_name(target))
            drop.add(target)
        return drawings + charts, sorted(drop)

    def _write_owned(self, sw: SheetWrite, part: str, *, is_new: bool) -> None:
        cw = CellWriter(self.styles, date1904=self.wb.date1904)
        old, drop = ([], []) if is_new else self._old_owned_parts(part)
        old_xml = None if is_new else self.pkg.read(part)   # read once (History: 20 MB at 50k)
        if old_xml is not None and _has_formula(old_xml):
            self.dropped_formula = True
        charts_mod = _charts_module() if sw.charts else None
        drawing_rid = "rId1" if charts_mod else None
        kept, carried = ([], "") if old_xml is None else self._kept(part, old_xml)
        sx = owned_sheet_xml(sw, cw, drawing_rid=drawing_rid, carried=carried)
        rels = list(sx.rels) + kept
        written: set[str] = set()
        if charts_mod:
            old_drawings = [p for p in old if p.startswith("xl/drawings/")]
            old_charts = [p for p in old if p.startswith("xl/charts/")]
            drawing = old_drawings[0] if old_drawings else self._free("xl/drawings/drawing%d.xml")
            rels.insert(0, Rel("rId1", RT + "drawing", relative(part, drawing)))
            items, d_rels = [], []
            for i, chart in enumerate(sw.charts):
                cpart = old_charts[i] if i < len(old_charts) else self._free("xl/charts/chart%d.xml")
                rid = f"rId{i + 1}"
                d_rels.append(Rel(rid, RT + "chart", relative(drawing, cpart)))
                items.append((chart, rid))
                self._put_part(cpart, charts_mod.chart_xml(chart, sw.name), CT_CHART)
                written.add(cpart)
            self._put_part(drawing, charts_mod.drawing_xml(items), CT_DRAWING)
            self._put_part(rels_name(drawing), rels_xml(d_rels))
            written |= {drawing, rels_name(drawing)}
        self._put_part(part, sx.xml, old=old_xml)
        if rels:
            self._put_part(rels_name(part), rels_xml(rels))
            written.add(rels_name(part))
        elif self.pkg.has(rels_name(part)):
            self.delete.add(rels_name(part))
        for gone in drop:
            if gone not in written and self.pkg.has(gone):
                self.delete.add(gone)
                self.ct = ct_remove_override(self.ct, gone)
                self.ct_changed = True

    def _kept(self, part: str, old_xml: bytes) -> tuple[list[Rel], str]:
        """Relationships and elements of the old owned sheet that a refresh keeps (see _KEEP)."""
        kept, ids = [], {}
        for rel in read_rels(self.pkg, part):
            if rel.kind in _KEEP and not rel.external:
                ids[rel.id] = f"rIdX{len(kept) + 1}"   # never collides with the rIdN written anew
                kept.append(Rel(ids[rel.id], rel.type, rel.target))
        carried = ""
        # substring tests first: a regex scan of a 20 MB History part costs ~0.1 s, `in` ~5 ms
        legacy = (re.search(rb'<(?:\w+:)?legacyDrawing\b[^>]*?r:id="([^"]+)"', old_xml)
                  if b"legacyDrawing" in old_xml else None)
        if legacy and legacy.group(1).decode() in ids:
            carried += f'<legacyDrawing r:id="{ids[legacy.group(1).decode()]}"/>'
        controls = _CONTROLS.search(old_xml) if b"<controls" in old_xml else None
        if controls:
            block = controls.group(0).decode("utf-8")
            block = re.sub(r'r:id="([^"]+)"', lambda m: f'r:id="{ids.get(m.group(1), m.group(1))}"', block)
            carried += block
        return kept, carried

    def _free(self, pattern: str) -> str:
        name = free_name(self.taken, pattern)
        self.taken.add(name)
        return name

    def _deflating(self, data: bytes):
        """A big part is compressed on the worker thread while the next part is built."""
        if self.pool is None or len(data) <= BIG_PART:
            return data
        return self.pool.submit(deflate, data, self.level)

    def _put_part(self, name: str, data: bytes, ctype: str | None = None, *, old: bytes | None = None) -> None:
        self.taken.add(name)
        if self.pkg.has(name):
            self.delete.discard(name)
            if (old if old is not None else self.pkg.read(name)) != data:
                self.replace[name] = self._deflating(data)
        else:
            self.add[name] = self._deflating(data)
        if ctype:
            new_ct = ct_add_override(self.ct, name, ctype)
            if new_ct != self.ct:
                self.ct, self.ct_changed = new_ct, True

    # -- finish ---------------------------------------------------------------------------
    def _drop_calc_chain(self) -> None:
        """calcChain.xml lists formula cells; one that lists a cell xltrack overwrote makes Excel
        "repair" the file. It is a cache Excel rebuilds silently, so it goes (only then)."""
        rels = parse_rels(self.replace.get(rels_name(WORKBOOK))) or list(self.wb.rels)
        chain = [r for r in rels if r.kind == "calcChain"]
        if not chain:
            return
        part = resolve(WORKBOOK, chain[0].target)
        self.replace[rels_name(WORKBOOK)] = rels_xml([r for r in rels if r.kind != "calcChain"])
        if self.pkg.has(part):
            self.delete.add(part)
        self.ct = ct_remove_override(self.ct, part)
        self.ct_changed = True

    def write(self, dst: Path) -> None:
        if self.dropped_formula:
            self._drop_calc_chain()
        if self.styles.changed:
            if self.pkg.has(self.styles_part):
                self.replace[self.styles_part] = self.styles.to_bytes()
            else:
                self._add_styles_part()
        if self.ct_changed:
            self.replace[CT_PART] = self.ct
        write_package(self.pkg, dst, replace=self.replace, add=self.add, delete=self.delete,
                      level=self.level)

    def _add_styles_part(self) -> None:
        self.add[self.styles_part] = self.styles.to_bytes()
        rels = parse_rels(self.replace.get(rels_name(WORKBOOK))) or list(self.wb.rels)
        from .workbook_parts import free_rid
        rels.append(Rel(free_rid(rels), RT + "styles", "styles.xml"))
        self.replace[rels_name(WORKBOOK)] = rels_xml(rels)
        self.ct = ct_add_override(self.ct, self.styles_part,
                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml")
        self.ct_changed = True


def apply_plan(src: Path, plan: WritePlan, dst: Path, *, level: int = -1, lang: str = "en") -> None:
    """Write ``dst``: ``src`` with ``plan`` applied. ``src`` is never modified.

    Raises :class:`xltrack.errors.WorkbookUnreadable` for a file that is not an .xlsx/.xlsm
    package (or is .xlsb / Strict Open XML / encrypted).
    """
    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        raise ValueError("apply_plan writes a new file; use xltrack.refresh for in-place updates")
    # one worker: compression of the big parts overlaps with building the next ones (zlib
    # releases the GIL); on the 2-core target the main thread needs the other core
    with Package(src, lang=lang) as pkg, ThreadPoolExecutor(max_workers=1) as pool:
        job = _Apply(pkg, level, pool)
        job.user_sheets(plan)
        job.owned_sheets(plan)
        job.write(dst)
