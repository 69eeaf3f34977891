#!/usr/bin/env python3
"""Check that a PPM screendump shows Weston's desktop as desktop.sh configures it.

Usage: ppm-desktop.py FILE PANEL BACKGROUND [EARLIER-FILE]
PANEL and BACKGROUND are the RRGGBB colours of weston.ini's panel-color and
background-color (both opaque). Weston's desktop shell draws a 32-pixel panel along the
top with the first launcher's icon at its left end (x < 38) and the clock at its right
end (the last 150 pixels), and the background below it. Passes when
- the panel's middle (rows 2-29, x from 200 to width - 200) is the panel colour (95 %),
- the first launcher's cell holds an icon (100+ pixels that are not the panel colour),
- below the panel the most common colour is the background colour, on at least 30 %,
- the screen holds at least 64 distinct colours (a client window, antialiased text),
and, with EARLIER-FILE, at least 2000 pixels below the panel differ from it (a window has
opened since). A black screen, the text console or the wrong colours fail. Prints what
it measured; exits 0 when everything passes, 1 otherwise.
"""

import sys
from collections import Counter

from ppm import read_ppm

PANEL_HEIGHT = 32
LAUNCHER_WIDTH = 38


def colour(hexstr):
    return bytes.fromhex(hexstr)


def region(width, pixels, x0, x1, y0, y1):
    """The pixels of [x0, x1) x [y0, y1), as 3-byte strings."""
    out = []
    for y in range(y0, y1):
        row = pixels[(y * width + x0) * 3:(y * width + x1) * 3]
        out.extend(row[i:i + 3] for i in range(0, len(row), 3))
    return out


def main(argv):
    if len(argv) not in (4, 5):
        sys.exit(__doc__)
    width, height, pixels = read_ppm(argv[1])
    panel, background = colour(argv[2]), colour(argv[3])
    ok = True

    def report(passed, text):
        nonlocal ok
        ok = ok and passed
        print(("ok: " if passed else "FAILED: ") + text)

    middle = region(width, pixels, 200, width - 200, 2, PANEL_HEIGHT - 2)
    share = sum(p == panel for p in middle) / len(middle)
    report(share >= 0.95, f"panel middle is #{argv[2]} on {share:.1%}")

    cell = region(width, pixels, 0, LAUNCHER_WIDTH, 0, PANEL_HEIGHT)
    icon = sum(p != panel for p in cell)
    report(icon >= 100, f"launcher cell: {icon} pixels of the icon")

    below = region(width, pixels, 0, width, PANEL_HEIGHT, height)
    common, count = Counter(below).most_common(1)[0]
    report(common == background and count >= 0.3 * len(below),
           f"below the panel: most common #{common.hex()} on {count / len(below):.1%}")

    colours = len(set(region(width, pixels, 0, width, 0, height)))
    report(colours >= 64, f"{colours} distinct colours on the screen")

    if len(argv) == 5:
        ew, eh, earlier = read_ppm(argv[4])
        if (ew, eh) != (width, height):
            report(False, f"earlier screendump is {ew}x{eh}, this one {width}x{height}")
        else:
            start = PANEL_HEIGHT * width * 3
            changed = sum(pixels[i:i + 3] != earlier[i:i + 3]
                          for i in range(start, len(pixels), 3))
            report(changed >= 2000, f"{changed} pixels below the panel changed since the earlier one")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
