"""Reading QEMU's screendumps (binary PPM, P6) for the end-to-end checks; the daemon's
PNG screenshots are read by png.py, through the same call."""

from png import read_png


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x89PNG":
        return read_png(path)
    fields = []
    pos = 0
    # Header: magic, width, height, maxval, separated by whitespace; comments start with #.
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        start = pos
        while pos < len(data) and not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError(f"{path}: not an 8-bit binary PPM")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos:pos + width * height * 3]
    if len(pixels) != width * height * 3:
        raise ValueError(f"{path}: truncated")
    return width, height, pixels
