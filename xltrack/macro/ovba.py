"""MS-OVBA run-length compression (MS-OVBA 2.4.1), both directions.

VBA module source and the ``dir`` stream are stored compressed in 4096-byte chunks. We write our
own compressor because the only packaged one we found (``ms-ovba`` 0.0.1) corrupts modules larger
than about 1 KB. Tested by round trip and against oletools' independent decompressor.
"""
from __future__ import annotations

import struct

CHUNK = 4096


def _copy_token_split(pos: int) -> tuple[int, int]:
    """(bit_count, length_mask) for a copy token at ``pos`` bytes into the chunk (2.4.1.3.19.1)."""
    bit_count = 4
    while (1 << bit_count) < pos:
        bit_count += 1
    return bit_count, 0xFFFF >> bit_count


def decompress(data: bytes) -> bytes:
    """Decompress a CompressedContainer; raise ValueError on a malformed stream."""
    if not data or data[0] != 1:
        raise ValueError("not an MS-OVBA compressed container (signature byte != 1)")
    out = bytearray()
    i = 1
    while i < len(data):
        if i + 2 > len(data):
            break
        header = struct.unpack_from("<H", data, i)[0]
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x7 != 0b011:
            raise ValueError("bad chunk signature in MS-OVBA stream")
        compressed = header >> 15
        end = min(i + size, len(data))
        i += 2
        start = len(out)
        if not compressed:
            out += data[i:i + CHUNK]
            i += CHUNK
            continue
        while i < end:
            flags = data[i]
            i += 1
            for bit in range(8):
                if i >= end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[i])
                    i += 1
                    continue
                token = struct.unpack_from("<H", data, i)[0]
                i += 2
                bit_count, length_mask = _copy_token_split(len(out) - start)
                length = (token & length_mask) + 3
                offset = (token >> (16 - bit_count)) + 1
                src = len(out) - offset
                if src < start:
                    raise ValueError("copy token points before its chunk")
                for k in range(length):         # byte by byte: copies may overlap
                    out.append(out[src + k])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    n = len(chunk)
    pos = 0
    heads: dict[bytes, list[int]] = {}
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos >= 1 and pos + 3 <= n:
                bit_count, length_mask = _copy_token_split(pos)
                max_len = min(length_mask + 3, n - pos)
                for cand in reversed(heads.get(chunk[pos:pos + 3], ())[-48:]):
                    off = pos - cand          # always <= pos <= 1 << bit_count: representable
                    length = 3
                    while length < max_len and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, off
                        if length == max_len:
                            break
            if best_len >= 3:
                bit_count, _ = _copy_token_split(pos)
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[pos])
                step = 1
            for p in range(pos, min(pos + step, n - 2)):
                heads.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into a CompressedContainer (deterministic)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) > CHUNK:   # incompressible: a raw chunk, zero-padded to 4096 (2.4.1.3.10)
            out += struct.pack("<H", 0x3000 | (CHUNK - 1)) + chunk.ljust(CHUNK, b"\0")
            continue
        out += struct.pack("<H", 0x8000 | 0x3000 | (len(body) + 2 - 3)) + body
    return bytes(out)
