# Generates static/og.png (1200x630): the theme's share image,
# a rating-bar motif in the default scale's colours. Deterministic: zlib
# level 9, no timestamps. Run: python3 themes/default/og.py themes/default/static/og.png
import struct, sys, zlib

W, H = 1200, 630
BG = (0xF6, 0xF8, 0xFA)
INK = (0x1F, 0x23, 0x28)
BLUE = (0x0B, 0x5C, 0xAD)
SCALE = [(0x1A, 0x5E, 0x9A), (0x2E, 0x7D, 0x32), (0x9A, 0x67, 0x00), (0xC2, 0x41, 0x0C), (0xB3, 0x26, 0x1E)]
SHARES = [0.30, 0.34, 0.20, 0.10, 0.06]

def row(y):
    px = [BG] * W
    if y < 24:
        px = [BLUE] * W
    # Five stacked rating bars, one per row of the motif.
    for b in range(5):
        top = 150 + b * 70
        if top <= y < top + 44:
            x0, width = 120, 960
            shares = SHARES[b:] + SHARES[:b]
            x = x0
            for share, col in zip(shares, SCALE):
                n = int(width * share)
                for i in range(x, min(x + n, x0 + width)):
                    px[i] = col
                x += n
    if 520 <= y < 526:
        for i in range(120, 1080):
            px[i] = INK
    return b"\x00" + bytes(c for p in px for c in p)

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

raw = b"".join(row(y) for y in range(H))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
