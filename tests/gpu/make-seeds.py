#!/usr/bin/env python3
# Writes the seed corpus of the GPU command fuzz target (tests/gpu/corpus).
# Each command: u16 length, u8 queue (0 control, 1 cursor), then the request.
# With --virgl, writes the seeds of the 3D variant (tests/gpu/corpus-virgl): the
# 2D ones (their resources then live in virglrenderer) and 3D display cases.
import os
import struct
import sys

BASE = 0x100000
virgl = "--virgl" in sys.argv[1:]
args = [a for a in sys.argv[1:] if a != "--virgl"]
out = args[0] if args else os.path.join(os.path.dirname(__file__), "corpus-virgl" if virgl else "corpus")


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


def create_3d(rid, target, fmt, bind, w, h, depth=1, array=1, levels=0):
    return cmd(hdr(0x204) + struct.pack("<IIIIIIIIIIII", rid, target, fmt, bind, w, h, depth,
                                       array, levels, 0, 0, 0))


def ctx_create(ctx):
    return cmd(struct.pack("<IIQII", 0x200, 0, 0, ctx, 0) + struct.pack("<II", 4, 0)
               + b"fuzz".ljust(64, b"\0"))


def ctx_attach(ctx, rid):
    return cmd(struct.pack("<IIQII", 0x202, 0, 0, ctx, 0) + struct.pack("<II", rid, 0))


def clear(ctx, surf, rid, fence):
    # create surface, set framebuffer state, clear colour 0 (virgl_protocol.h)
    stream = struct.pack("<IIIIII", 1 | 8 << 8 | 5 << 16, surf, rid, 2, 0, 0)
    stream += struct.pack("<IIII", 5 | 3 << 16, 1, 0, surf)
    stream += struct.pack("<II", 7 | 8 << 16, 4) + struct.pack("<ffffdI", 0, 1, 0, 1, 1.0, 0)
    return cmd(struct.pack("<IIQII", 0x207, 1 if fence else 0, fence, ctx, 0)
               + struct.pack("<II", len(stream), 0) + stream)


if virgl:
    seeds.update({
        "3d-scanout": ctx_create(1) + create_3d(5, 2, 2, 2 | 1 << 14, 64, 48) + ctx_attach(1, 5)
        + clear(1, 1, 5, 3) + scanout(0, 5, 64, 48) + flush(5, 64, 48) + scanout(1, 5, 32, 32)
        + flush(5, 64, 48) + cmd(hdr(0x102) + struct.pack("<II", 5, 0)) + flush(5, 64, 48),
        "3d-cursor": ctx_create(2) + create_3d(6, 2, 1, 2, 64, 64) + ctx_attach(2, 6)
        + clear(2, 2, 6, 0) + cursor(0x300, 0, 5, 5, 6) + create_3d(7, 2, 1, 2, 65, 64)
        + cursor(0x300, 0, 5, 5, 7),
        "3d-odd": create_3d(8, 0, 64, 1, 4096, 1) + scanout(0, 8, 16, 1)
        + create_3d(9, 2, 71, 2, 64, 48) + scanout(0, 9, 64, 48) + create_3d(10, 2, 2, 2, 4000, 4000)
        + scanout(0, 10, 64, 48) + flush(10, 4000, 4000),
    })
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
