#!/usr/bin/env python3
"""Draws the default theme's touch and manifest icons from the same shapes as favicon.svg (a
red rounded square with a white "N") as PNGs: themes/default/static/touch-icon.png (180 px, for
apple-touch-icon) and icon-512.png (for the web manifest). Standard library only; the PNGs are
committed, so run this again only when the favicon changes: python3 tools/touch-icons.py"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "themes", "default", "static")
RED, WHITE = (0x9C, 0x1C, 0x1C), (0xFF, 0xFF, 0xFF)
# favicon.svg's path in its 32-unit box: M9 24V8h3.2l7.1 10.6V8H23v16h-3.1l-7.2-10.7V24z
N = [(9, 24), (9, 8), (12.2, 8), (19.3, 18.6), (19.3, 8), (23, 8), (23, 24), (19.9, 24),
     (12.7, 13.3), (12.7, 24)]


def inside(poly, x, y):
    hit = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def in_square(x, y, r=6, size=32):
    cx = min(max(x, r), size - r)
    cy = min(max(y, r), size - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def pixel(size, px, py, ss=4):
    """The colour of one pixel, averaged over ss x ss samples (RGBA)."""
    acc, alpha = [0, 0, 0], 0
    for i in range(ss):
        for j in range(ss):
            x = (px + (i + 0.5) / ss) * 32 / size
            y = (py + (j + 0.5) / ss) * 32 / size
            if not in_square(x, y):
                continue
            c = WHITE if inside(N, x, y) else RED
            acc = [a + b for a, b in zip(acc, c)]
            alpha += 1
    if alpha == 0:
        return (0, 0, 0, 0)
    return tuple(round(a / alpha) for a in acc) + (round(255 * alpha / (ss * ss)),)


def png(size):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(size, x, y)) for x in range(size))
                    for y in range(size))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


for name, size in (("touch-icon.png", 180), ("icon-512.png", 512)):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(png(size))
