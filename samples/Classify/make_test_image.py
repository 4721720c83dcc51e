"""Writes test.png, the image samples/Classify classifies by default: a synthetic 320x240 RGB landscape (sky, sun,
hills, a red ball), drawn here so the repository holds no downloaded image. Standard library only; deterministic.

    python3 samples/Classify/make_test_image.py
"""
import math
import os
import struct
import zlib

WIDTH, HEIGHT = 320, 240


def pixel(x: int, y: int) -> tuple:
    # sky: light blue fading to white at the horizon
    t = y / HEIGHT
    r, g, b = 90 + 150 * t, 150 + 95 * t, 235 + 15 * t
    # sun, with a soft edge
    d = math.hypot(x - 250, y - 55)
    if d < 32:
        s = min(1.0, (32 - d) / 3)
        r, g, b = r + (255 - r) * s, g + (225 - g) * s, b + (90 - b) * s
    # rolling hills
    horizon = 165 + 12 * math.sin(x / 37.0) + 6 * math.sin(x / 11.0 + 1.3)
    if y > horizon:
        shade = 0.75 + 0.25 * math.sin((x + 2 * y) / 9.0)
        r, g, b = 60 * shade, 150 * shade, 55 * shade
    # a red ball with a highlight, resting on the grass
    d = math.hypot(x - 110, y - 170)
    if d < 36:
        light = max(0.0, 1 - math.hypot(x - 98, y - 158) / 40)
        r, g, b = 170 + 85 * light, 25 + 150 * light ** 3, 30 + 150 * light ** 3
    return tuple(max(0, min(255, int(round(c)))) for c in (r, g, b))


def png(width: int, height: int, rows) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 (none) on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


rows = [[c for x in range(WIDTH) for c in pixel(x, y)] for y in range(HEIGHT)]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "test.png")
with open(path, "wb") as f:
    f.write(png(WIDTH, HEIGHT, rows))
print(f"wrote {path}")
