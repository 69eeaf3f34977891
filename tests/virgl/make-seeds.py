#!/usr/bin/env python3
# Writes the seed corpus of tests/virgl/fuzz-commands.c: each command is
# flags (bit 0 fenced, bit 1 keep the SUBMIT_3D stream), u16 length, request.
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
os.makedirs(out, exist_ok=True)
RAM = 0x100000


def hdr(t, ctx=0, flags=0, fence=0):
    return struct.pack("<IIQII4x", t, flags, fence, ctx, 0)[:24]


def cmd(req, flags=0):
    return struct.pack("<BH", flags, len(req)) + req


def ctx_create(ctx, name=b"seed"):
    return hdr(0x200, ctx) + struct.pack("<II", len(name), 0) + name.ljust(64, b"\0")


def ctx_res(t, ctx, res):
    return hdr(t, ctx) + struct.pack("<II", res, 0)


def create_rt(res, w, h):
    return hdr(0x204) + struct.pack("<12I", res, 2, 2, 2, w, h, 1, 1, 0, 0, 0, 0)


def attach(res, addr, length):
    return hdr(0x106) + struct.pack("<II", res, 1) + struct.pack("<QII", addr, length, 0)


def submit(ctx, dwords):
    return hdr(0x207, ctx) + struct.pack("<II", len(dwords) * 4, 0) + struct.pack(
        "<%dI" % len(dwords), *dwords)


def transfer(t, ctx, res, w, h, stride):
    return hdr(t, ctx) + struct.pack("<6IQ4I", 0, 0, 0, w, h, 1, 0, res, 0, stride, 0)


def f32(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def clear(surf, res):
    d = list(struct.unpack("<II", struct.pack("<d", 1.0)))
    return [1 | 8 << 8 | 5 << 16, surf, res, 2, 0, 0,
            5 | 3 << 16, 1, 0, surf,
            7 | 8 << 16, 4, f32(1), f32(0.6), f32(0.2), f32(1)] + d + [0]


seeds = {
    "capsets": cmd(hdr(0x108) + struct.pack("<II", 0, 0)) +
               cmd(hdr(0x108) + struct.pack("<II", 1, 0)) +
               cmd(hdr(0x109) + struct.pack("<II", 2, 2)) +
               cmd(hdr(0x109) + struct.pack("<II", 1, 1)),
    "clear-readback": cmd(ctx_create(1)) + cmd(create_rt(10, 16, 16)) +
                      cmd(attach(10, RAM, 1024)) + cmd(ctx_res(0x202, 1, 10)) +
                      cmd(submit(1, clear(1, 10)), 2) +
                      cmd(transfer(0x206, 1, 10, 16, 16, 64), 1) +
                      cmd(transfer(0x205, 1, 10, 16, 16, 64)) +
                      cmd(ctx_res(0x203, 1, 10)) + cmd(hdr(0x102) + struct.pack("<II", 10, 0)) +
                      cmd(hdr(0x201, 1)),
    "fenced-errors": cmd(submit(5, [0]), 1) + cmd(ctx_create(0), 1) + cmd(hdr(0x2ff), 1) +
                     cmd(b"\0" * 8, 1),
    "2d": cmd(hdr(0x101) + struct.pack("<4I", 20, 2, 8, 8)) + cmd(attach(20, RAM, 256)) +
          cmd(hdr(0x105) + struct.pack("<4IQII", 0, 0, 8, 8, 0, 20, 0)) +
          cmd(hdr(0x107) + struct.pack("<II", 20, 0)),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
