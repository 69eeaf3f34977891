#!/usr/bin/env python3
# Writes the seed corpus of the GPU command fuzz target (tests/gpu/corpus).
# Each command: u16 length, u8 queue (0 control, 1 cursor), then the request.
import os
import struct
import sys

BASE = 0x100000
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")


def hdr(t, flags=0, fence=0):
    return struct.pack("<IIQII", t, flags, fence, 0, 0)


def cmd(body, queue=0):
    return struct.pack("<HB", len(body), queue) + body


def create(rid, w, h, fmt=2):
    return cmd(hdr(0x101) + struct.pack("<IIII", rid, fmt, w, h))


def attach(rid, entries):
    body = hdr(0x106) + struct.pack("<II", rid, len(entries))
    for a, l in entries:
        body += struct.pack("<QII", a, l, 0)
    return cmd(body)


def transfer(rid, x, y, w, h, off):
    return cmd(hdr(0x105, 1, 7) + struct.pack("<IIIIQII", x, y, w, h, off, rid, 0))


def scanout(sid, rid, w, h):
    return cmd(hdr(0x103) + struct.pack("<IIIIII", 0, 0, w, h, sid, rid))


def flush(rid, w, h):
    return cmd(hdr(0x104) + struct.pack("<IIIIII", 0, 0, w, h, rid, 0))


def cursor(t, sid, x, y, rid):
    return cmd(hdr(t) + struct.pack("<IIIIIIII", sid, x, y, 0, rid, 0, 0, 0), 1)


seeds = {
    "display-info": cmd(hdr(0x100)) + cmd(hdr(0x10a) + struct.pack("<II", 1, 0)),
    "frame": create(1, 64, 64) + attach(1, [(BASE + i * 4096, 4096) for i in range(4)])
    + transfer(1, 0, 0, 64, 64, 0) + scanout(0, 1, 64, 64) + flush(1, 64, 64)
    + cmd(hdr(0x10b) + struct.pack("<II", 1, 0)),
    "partial": create(2, 100, 50, 67) + attach(2, [(BASE + 65536, 20000)])
    + transfer(2, 10, 10, 20, 20, 10 * 400 + 40) + scanout(1, 2, 50, 50) + flush(2, 30, 30)
    + cmd(hdr(0x102) + struct.pack("<II", 2, 0)),
    "cursor": create(3, 64, 64, 1) + attach(3, [(BASE, 16384)]) + transfer(3, 0, 0, 64, 64, 0)
    + cursor(0x300, 0, 10, 10, 3) + cursor(0x301, 1, 20, 20, 0) + cursor(0x300, 0, 0, 0, 0),
    "detach": create(4, 16, 16) + attach(4, [(BASE, 1024)]) + cmd(hdr(0x107) + struct.pack("<II", 4, 0))
    + attach(4, [(BASE, 1024)]) + attach(4, [(BASE, 1024)]),
}
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
