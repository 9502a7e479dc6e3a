"""Reads 8-bit RGB/RGBA PNG files (as the workbench's --screenshot writes
them, through libpng) into rows of pixel tuples, with the standard library
only: zlib plus the five PNG row filters."""

from __future__ import annotations

import struct
import zlib
from collections import Counter


class Image:
    def __init__(self, width: int, height: int, rows: list[bytes], channels: int):
        self.width = width
        self.height = height
        self.rows = rows
        self.channels = channels

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        o = x * self.channels
        r = self.rows[y]
        return r[o], r[o + 1], r[o + 2]

    def colours(self, x0: int = 0, y0: int = 0, x1: int | None = None,
                y1: int | None = None) -> Counter:
        """How many pixels of each RGB colour the rectangle holds."""
        x1 = self.width if x1 is None else x1
        y1 = self.height if y1 is None else y1
        c: Counter = Counter()
        n = self.channels
        for y in range(y0, y1):
            row = self.rows[y]
            for x in range(x0, x1):
                o = x * n
                c[(row[o], row[o + 1], row[o + 2])] += 1
        return c


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path: str) -> Image:
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    pos = 8
    idat = b""
    width = height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"{path}: only 8-bit RGB/RGBA, non-interlaced PNGs")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    i = 0
    for _ in range(height):
        filt = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if filt == 1:
                line[x] = (line[x] + a) & 0xFF
            elif filt == 2:
                line[x] = (line[x] + b) & 0xFF
            elif filt == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 0xFF
            elif filt == 4:
                line[x] = (line[x] + _paeth(a, b, c)) & 0xFF
            elif filt != 0:
                raise ValueError(f"{path}: bad filter {filt}")
        rows.append(bytes(line))
        prev = line
    return Image(width, height, rows, channels)
