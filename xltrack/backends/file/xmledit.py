"""Editing the small XML parts of a package through an XML parser: never a byte search.

The workbook part, ``[Content_Types].xml``, relationship parts and ``docProps/app.xml`` are
written by many producers (Excel, openpyxl/pandas, XlsxWriter, LibreOffice, Google Sheets, WPS),
each with its own choices: where a namespace is declared (openpyxl declares the relationships
namespace on each ``<sheet>``, not on the root), which prefix it gets, attribute order, self-closing
or empty elements, whitespace. A parser sees none of that: elements are found by namespace URI
and local name, a new element that needs a namespace the part does not declare gets its own
declaration, and the serialized part is well-formed by construction.

The parser refuses what a workbook part never needs: a DTD is not loaded, entities are not
resolved, nothing is fetched from the network (the package guard, :mod:`xltrack.read.guard`,
refuses any part with a ``<!DOCTYPE`` before this point).
"""
from __future__ import annotations

from typing import Mapping

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                         huge_tree=False, remove_blank_text=False)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, PARSER)


def serialize(root: etree._Element) -> bytes:
    """The part as bytes, with the XML declaration Excel writes (UTF-8, standalone)."""
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body


def qname(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def child(parent: etree._Element, ns: str, local: str) -> etree._Element | None:
    return parent.find(qname(ns, local))


def add_child(parent: etree._Element, ns: str, local: str, attrs: Mapping[str, str], *,
              before: etree._Element | None = None, text: str | None = None,
              nsmap: Mapping[str, str] | None = None) -> etree._Element:
    """A new ``{ns}local`` child (appended, or inserted before ``before``). Attributes named
    ``{uri}name`` are namespaced; a namespace in scope keeps its prefix, one that is not in scope
    gets the prefix given in ``nsmap`` declared on the new element."""
    scope = parent.nsmap
    extra = {p: u for p, u in (nsmap or {}).items() if u not in scope.values()}
    el = etree.Element(qname(ns, local), nsmap=extra or None)
    for k, v in attrs.items():
        el.set(k, v)
    if text is not None:
        el.text = text
    if before is not None:
        before.addprevious(el)
    else:
        parent.append(el)
    return el


def ensure_child(parent: etree._Element, ns: str, local: str, *, after: tuple[str, ...] = ()) -> etree._Element:
    """The ``{ns}local`` child of ``parent``, created (after the last child named in ``after``,
    else first) when missing."""
    el = child(parent, ns, local)
    if el is not None:
        return el
    anchor = None
    for c in parent:
        if isinstance(c.tag, str) and etree.QName(c).localname in after:
            anchor = c
    el = etree.Element(qname(ns, local))
    if anchor is not None:
        anchor.addnext(el)
    else:
        parent.insert(0, el)
    return el
