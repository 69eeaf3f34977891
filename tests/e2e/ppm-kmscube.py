#!/usr/bin/env python3
"""Check that a PPM screendump shows a frame of kmscube's smooth-shaded cube.

Usage: ppm-kmscube.py FILE [EARLIER-FILE]
kmscube clears to grey (0.5, 0.5, 0.5) and draws a cube whose faces blend the colours of
its corners, so a rendered frame has a grey background around a patch of many colours.
Passes when the most common colour is that grey (each channel 120..136), covers between
20 % and 98 % of the screen, and the rest holds at least 64 distinct colours. A black
screen (one colour), the text console (a handful of colours on black) or the guest's test
bands fail. With EARLIER-FILE (a screendump taken before) it must also differ from it: the
cube turns from frame to frame. Prints a summary; exits 1 when the frame fails the check,
3 when it passes but equals EARLIER-FILE, 0 when all passes.
"""

import sys
from collections import Counter

from ppm import read_ppm


def sample(width, height, pixels):
    """Every other pixel of every other row, as one tuple (r, g, b) per pixel."""
    stride = width * 3
    rows = range(0, height, 2)
    return list(zip(*(b"".join(pixels[y * stride + c:(y + 1) * stride:6] for y in rows)
                      for c in range(3))))


def hexcolour(rgb):
    return "#" + bytes(rgb).hex()


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        width, height, pixels = read_ppm(sys.argv[1])
    except (OSError, ValueError, IndexError) as e:
        print(f"ppm-kmscube: {e}")
        return 1
    # Every other pixel of every other row: a quarter of the work, the same verdict; the
    # host is busy running the guest while this runs.
    sub = sample(width, height, pixels)
    colours = Counter(sub)
    bg, bg_count = colours.most_common(1)[0]
    share = 100.0 * bg_count / len(sub)
    others = len(colours) - 1
    print(f"ppm-kmscube: {width}x{height}, {len(colours)} colours in a quarter of the pixels, "
          f"most common {hexcolour(bg)} on {share:.1f} % of the screen, top colours: " +
          ", ".join(f"{hexcolour(c)} {n}" for c, n in colours.most_common(6)))
    ok = True
    if not all(120 <= v <= 136 for v in bg):
        print("ppm-kmscube: the background is not kmscube's grey")
        ok = False
    if not 20.0 <= share <= 98.0:
        print("ppm-kmscube: the background covers too much or too little of the screen")
        ok = False
    if others < 64:
        print(f"ppm-kmscube: only {others} colours besides the background, want 64")
        ok = False
    if not ok:
        return 1
    if len(sys.argv) == 3:
        try:
            _, _, earlier = read_ppm(sys.argv[2])
        except (OSError, ValueError, IndexError) as e:
            print(f"ppm-kmscube: {e}")
            return 1
        if earlier == pixels:
            print("ppm-kmscube: same picture as the earlier screendump: the cube did not turn")
            return 3
        before = sample(width, height, earlier)
        changed = sum(1 for a, b in zip(sub, before) if a != b)
        print(f"ppm-kmscube: {changed} of a quarter of the pixels changed since the earlier "
              "screendump")
    return 0


if __name__ == "__main__":
    sys.exit(main())
