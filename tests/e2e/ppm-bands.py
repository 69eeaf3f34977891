#!/usr/bin/env python3
"""Check that a PPM screendump shows horizontal colour bands, pixel for pixel.

Usage: ppm-bands.py FILE WIDTHxHEIGHT RRGGBB...
The image must have exactly the given size; with N colours, band i covers rows
[i*H//N, (i+1)*H//N) and every pixel in it must equal colour i. This is what
vd_fb_bands in guest-lib.sh paints. Prints a summary and exits 1 on any difference.
"""

import sys

from ppm import read_ppm


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, size, colours = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        want_w, want_h = (int(v) for v in size.split("x"))
    except ValueError:
        print(f"ppm-bands: bad size {size!r}, expected WIDTHxHEIGHT")
        return 2
    try:
        width, height, pixels = read_ppm(path)
    except (OSError, ValueError, IndexError) as e:
        print(f"ppm-bands: {e}")
        return 1
    if (width, height) != (want_w, want_h):
        print(f"ppm-bands: image is {width}x{height}, expected {want_w}x{want_h}")
        return 1
    bad = 0
    n = len(colours)
    for i, colour in enumerate(colours):
        rgb = bytes.fromhex(colour)
        first, last = i * height // n, (i + 1) * height // n
        band = pixels[first * width * 3:last * width * 3]
        expect = rgb * (width * (last - first))
        if band == expect:
            continue
        wrong = sum(1 for p in range(0, len(band), 3) if band[p:p + 3] != rgb)
        off = next(p for p in range(0, len(band), 3) if band[p:p + 3] != rgb)
        x, y = (off // 3) % width, first + (off // 3) // width
        print(f"ppm-bands: band {i} (rows {first}..{last - 1}, #{colour}): {wrong} pixels "
              f"differ, first at ({x},{y}) = #{band[off:off + 3].hex()}")
        bad += wrong
    if bad:
        return 1
    print(f"ppm-bands: {width}x{height}, {n} bands match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
