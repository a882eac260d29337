"""A minimal .xls (BIFF8 records in a compound file), written by hand for the hostile-file tests."""
from __future__ import annotations

import struct


def _rec(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(dt: int) -> bytes:
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))


def _label(row: int, col: int, text: str) -> bytes:
    raw = text.encode("utf-16-le")
    return _rec(0x0204, struct.pack("<HHHHB", row, col, 0, len(text), 1) + raw)


def workbook_stream(rows, merges=()) -> bytes:
    sheet_name = "名册"
    name = sheet_name.encode("utf-16-le")
    boundsheet_len = 4 + 8 + 2 + len(name)  # header + pos,vis,type + len,flag + chars

    def globals_(pos: int) -> bytes:
        return (_bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200))
                + _rec(0x0085, struct.pack("<IBBBB", pos, 0, 0, len(sheet_name), 1) + name) + _rec(0x000A, b""))
    pos = len(globals_(0))
    ncols = max((len(r) for r in rows), default=0)
    sheet = _bof(0x0010) + _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            sheet += _label(r, c, text)
    if merges:
        sheet += _rec(0x00E5, struct.pack("<H", len(merges)) + b"".join(struct.pack("<HHHH", *m) for m in merges))
    sheet += _rec(0x000A, b"")
    return globals_(pos) + sheet


def compound_file(stream: bytes) -> bytes:
    """One stream named Workbook in a CFB v3 container (512-byte sectors, no mini stream)."""
    stream = stream + b"\0" * max(0, 4096 - len(stream))
    stream += b"\0" * (-len(stream) % 512)
    n = len(stream) // 512
    dir_sector, fat_sector = n, n + 1
    fat = list(range(1, n)) + [0xFFFFFFFE]  # the stream's chain
    fat += [0xFFFFFFFE, 0xFFFFFFFD]  # the directory, the FAT itself
    assert len(fat) <= 128
    fat += [0xFFFFFFFF] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child) + b"\0" * 16 + struct.pack("<I", 0)
                + b"\0" * 16 + struct.pack("<II", start, size) + b"\0" * 4)
    directory = (entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry("Workbook", 2, 0xFFFFFFFF, 0, len(stream))
                 + b"\0" * 256)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIII", 0, 1, dir_sector, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
              + struct.pack("<I", 0) + struct.pack("<I", fat_sector) + struct.pack("<108I", *([0xFFFFFFFF] * 108)))
    assert len(header) == 512, len(header)
    return header + stream + directory + struct.pack("<128I", *fat)
