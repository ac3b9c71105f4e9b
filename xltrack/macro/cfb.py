"""A small Compound File Binary (MS-CFB) reader and writer: the container of ``vbaProject.bin``.

Written here (about 200 lines) rather than taken from a package because olefile can only
overwrite streams in place at the same size, and the writers on PyPI are unmaintained. Scope:
version 3 files (512-byte sectors), streams held in memory, at most 109 FAT sectors (~6.8 MB),
which is far more than a VBA project needs. Output is deterministic (zero timestamps).
"""
from __future__ import annotations

import struct

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
SECTOR = 512
MINI = 64
CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


class CfbError(ValueError):
    pass


def _chain(fat: list[int], start: int) -> list[int]:
    out, seen = [], set()
    while start not in (ENDOFCHAIN, FREESECT) and start < len(fat):
        if start in seen:
            raise CfbError("loop in sector chain")
        seen.add(start)
        out.append(start)
        start = fat[start]
    return out


def read(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file, keyed by its path ("VBA/dir", "PROJECT")."""
    if data[:8] != SIGNATURE:
        raise CfbError("not a compound file")
    shift = struct.unpack_from("<H", data, 30)[0]
    ssize = 1 << shift
    (n_fat, first_dir, _, cutoff, first_minifat, n_minifat, first_difat, n_difat) = struct.unpack_from(
        "<IIIIIIII", data, 44)

    def sector(i: int) -> bytes:
        off = (i + 1) * ssize
        return data[off:off + ssize]

    difat = [x for x in struct.unpack_from("<109I", data, 76)]
    d = first_difat
    for _ in range(n_difat):
        vals = struct.unpack(f"<{ssize // 4}I", sector(d))
        difat += vals[:-1]
        d = vals[-1]
    fat: list[int] = []
    for s in difat[:n_fat]:
        fat += struct.unpack(f"<{ssize // 4}I", sector(s))

    def big(start: int, size: int) -> bytes:
        return b"".join(sector(s) for s in _chain(fat, start))[:size]

    dirdata = b"".join(sector(s) for s in _chain(fat, first_dir))
    entries = []
    for off in range(0, len(dirdata), 128):
        e = dirdata[off:off + 128]
        nlen = struct.unpack_from("<H", e, 64)[0]
        name = e[:max(nlen - 2, 0)].decode("utf-16-le")
        etype = e[66]
        left, right, child = struct.unpack_from("<III", e, 68)
        start, size = struct.unpack_from("<IQ", e, 116)
        if ssize == 512:
            size &= 0xFFFFFFFF
        entries.append((name, etype, left, right, child, start, size))
    root = entries[0]
    ministream = big(root[5], root[6])
    minifat: list[int] = []
    for s in _chain(fat, first_minifat):
        minifat += struct.unpack(f"<{ssize // 4}I", sector(s))

    def small(start: int, size: int) -> bytes:
        return b"".join(ministream[s * MINI:(s + 1) * MINI] for s in _chain(minifat, start))[:size]

    streams: dict[str, bytes] = {}

    def walk(idx: int, prefix: str) -> None:
        stack = [idx]
        while stack:
            i = stack.pop()
            if i == NOSTREAM or i >= len(entries):
                continue
            name, etype, left, right, child, start, size = entries[i]
            stack += [left, right]
            path = prefix + name
            if etype == 2:
                streams[path] = small(start, size) if size < cutoff else big(start, size)
            elif etype == 1:
                walk(child, path + "/")

    walk(root[4], "")
    return streams


def _key(name: str) -> tuple[int, str]:
    return (len(name), name.upper())          # MS-CFB 2.6.4: shorter first, then uppercase


def write(streams: dict[str, bytes], *, root_clsid: bytes = b"\0" * 16) -> bytes:
    """A compound file holding ``streams`` ("VBA/dir" creates storage "VBA")."""
    # Build the tree of storages.
    tree: dict[str, dict] = {}
    for path, payload in streams.items():
        parts = path.split("/")
        node = tree
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise CfbError(f"{path}: a stream and a storage share a name")
        node[parts[-1]] = payload

    entries: list[dict] = [dict(name="Root Entry", type=5, left=NOSTREAM, right=NOSTREAM,
                                child=NOSTREAM, data=b"")]

    def add_children(parent: int, node: dict) -> None:
        ids = []
        for name in sorted(node, key=_key):
            if len(name) > 31:
                raise CfbError(f"name too long for a compound file: {name}")
            val = node[name]
            e = dict(name=name, type=1 if isinstance(val, dict) else 2, left=NOSTREAM,
                     right=NOSTREAM, child=NOSTREAM, data=b"" if isinstance(val, dict) else bytes(val))
            entries.append(e)
            ids.append(len(entries) - 1)
            if isinstance(val, dict):
                add_children(len(entries) - 1, val)

        def balanced(lo: int, hi: int) -> int:   # a balanced binary tree, all nodes black
            if lo >= hi:
                return NOSTREAM
            mid = (lo + hi) // 2
            entries[ids[mid]]["left"] = balanced(lo, mid)
            entries[ids[mid]]["right"] = balanced(mid + 1, hi)
            return ids[mid]

        entries[parent]["child"] = balanced(0, len(ids))

    add_children(0, tree)

    # Mini stream: every stream below the cutoff, in 64-byte mini sectors.
    ministream = bytearray()
    minifat: list[int] = []
    for e in entries[1:]:
        if e["type"] != 2:
            continue
        e["size"] = len(e["data"])
        if len(e["data"]) < CUTOFF:
            if not e["data"]:
                e["start"] = ENDOFCHAIN
                continue
            n = -(-len(e["data"]) // MINI)
            first = len(minifat)
            minifat += list(range(first + 1, first + n)) + [ENDOFCHAIN]
            ministream += e["data"].ljust(n * MINI, b"\0")
            e["start"], e["mini"] = first, True

    sectors: list[bytes] = []
    fat: list[int] = []

    def place(payload: bytes) -> int:
        if not payload:
            return ENDOFCHAIN
        n = -(-len(payload) // SECTOR)
        first = len(sectors)
        for k in range(n):
            sectors.append(payload[k * SECTOR:(k + 1) * SECTOR].ljust(SECTOR, b"\0"))
        fat.extend(list(range(first + 1, first + n)) + [ENDOFCHAIN])
        return first

    entries[0]["start"], entries[0]["size"] = place(bytes(ministream)), len(ministream)
    for e in entries[1:]:
        if e["type"] == 2 and not e.get("mini") and e["data"]:
            e["start"] = place(e["data"])
    mf = b"".join(struct.pack("<I", x) for x in minifat)
    mf += b"\xff" * (-len(mf) % SECTOR)
    first_minifat = place(mf) if minifat else ENDOFCHAIN
    n_minifat = len(mf) // SECTOR if minifat else 0

    dirbytes = bytearray()
    for e in entries:
        name = e["name"].encode("utf-16-le") + b"\0\0"
        start = e.get("start", 0 if e["type"] == 1 else ENDOFCHAIN)
        if e["type"] == 1:
            start = 0
        dirbytes += name.ljust(64, b"\0")
        dirbytes += struct.pack("<HBB", len(name), e["type"], 1)
        dirbytes += struct.pack("<III", e["left"], e["right"], e["child"])
        dirbytes += (root_clsid if e["type"] == 5 else b"\0" * 16) + b"\0" * 4 + b"\0" * 16
        dirbytes += struct.pack("<IQ", start, e.get("size", 0) if e["type"] != 1 else 0)
    while len(dirbytes) % SECTOR:      # unused entries: empty, no siblings
        dirbytes += b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 48
    first_dir = place(bytes(dirbytes))

    # FAT sectors come last; they describe themselves too.
    n_fat = 1
    while (len(sectors) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    if n_fat > 109:
        raise CfbError("compound file too large for this writer (more than 109 FAT sectors)")
    fat_start = len(sectors)
    fat += [FATSECT] * n_fat
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))
    fatbytes = struct.pack(f"<{len(fat)}I", *fat)
    for k in range(n_fat):
        sectors.append(fatbytes[k * SECTOR:(k + 1) * SECTOR])

    header = bytearray(SIGNATURE + b"\0" * 16)
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, n_fat, first_dir, 0, CUTOFF, first_minifat, n_minifat,
                          ENDOFCHAIN, 0)
    difat = [fat_start + k for k in range(n_fat)] + [FREESECT] * (109 - n_fat)
    header += struct.pack("<109I", *difat)
    assert len(header) == SECTOR
    return bytes(header) + b"".join(sectors)
