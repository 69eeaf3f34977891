#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets: well-formed sessions the fuzzer mutates."""
import os
import struct
import sys

top = os.path.dirname(os.path.abspath(__file__))

def rec(req, flags=1, payload=b"", fds=0):
    return struct.pack("<IIHB", req, flags, len(payload), fds) + payload

def ram(offset, data):
    return rec(0xFFFF, offset, data)

def state(i, n):
    return struct.pack("<II", i, n)

def u64(v):
    return struct.pack("<Q", v)

UADDR = 0x7F0000000000
def session(features, indirect=False, ring_size=8, nregions=1):
    s = b""
    s += rec(1) + rec(15) + rec(16, payload=u64(0x9B62B)) + rec(3)
    s += rec(2, payload=u64(features))
    regions = b"".join(struct.pack("<QQQQ", i * 0x10000, 0x10000, UADDR + i * 0x100000, i * 0x10000)
                       for i in range(nregions))
    s += rec(5, payload=struct.pack("<II", nregions, 0) + regions, fds=0x10 | nregions)
    desc, avail, used = 0x1000, 0x2000, 0x3000
    s += rec(8, payload=state(0, ring_size)) + rec(10, payload=state(0, 0))
    s += rec(9, payload=struct.pack("<IIQQQQ", 0, 0, UADDR + desc, UADDR + used, UADDR + avail, 0))
    s += rec(13, payload=u64(0), fds=1) + rec(12, payload=u64(0), fds=1)
    s += rec(18, payload=state(0, 1))
    # one request: out 16 bytes at 0x4000, in 16 bytes at 0x5000
    if indirect:
        table = struct.pack("<QIHH", 0x4000, 16, 1, 1) + struct.pack("<QIHH", 0x5000, 16, 2, 0)
        s += ram(0x6000, table)
        s += ram(desc, struct.pack("<QIHH", 0x6000, 32, 4, 0))
    else:
        s += ram(desc, struct.pack("<QIHH", 0x4000, 16, 1, 1) + struct.pack("<QIHH", 0x5000, 16, 2, 0))
    s += ram(0x4000, b"hello fuzzer!!!!")
    s += ram(avail, struct.pack("<HHH", 0, 1, 0))
    s += rec(24, payload=struct.pack("<III", 0, 16, 0) + bytes(16))
    s += rec(25, payload=struct.pack("<III", 8, 4, 0) + b"abcd")
    s += rec(11, payload=state(0, 0))
    return s

F = (1 << 32) | (1 << 30)
seeds = {
    "message/plain": session(F),
    "message/indirect": session(F | (1 << 28), indirect=True),
    "message/event-idx": session(F | (1 << 29)),
    "message/two-regions": session(F, nregions=2),
    "message/config-only": rec(1) + rec(15) + rec(16, payload=u64(1 << 9)) + rec(24, payload=struct.pack("<III", 0, 16, 0) + bytes(16)),
    "message/inflight": rec(15) + rec(16, payload=u64(1 << 12)) + rec(31, payload=struct.pack("<QQHH", 0, 0, 2, 8)),
}

def vq(setup, ram_bytes):
    return bytes(setup) + ram_bytes

ramimg = bytearray(0x10000)
struct.pack_into("<QIHH", ramimg, 0x1000, 0x4000, 16, 1, 1)
struct.pack_into("<QIHH", ramimg, 0x1010, 0x5000, 16, 2, 0)
struct.pack_into("<HHH", ramimg, 0x2000, 0, 1, 0)
ramimg[0x4000:0x4010] = b"hello fuzzer!!!!"
seeds["virtqueue/simple"] = vq([3, 3, 0, 0x10, 0, 0x20, 0, 0x30, 0, 0, 0, 0], bytes(ramimg))
ind = bytearray(ramimg)
struct.pack_into("<QIHH", ind, 0x1000, 0x6000, 32, 4, 0)
struct.pack_into("<QIHH", ind, 0x6000, 0x4000, 16, 1, 1)
struct.pack_into("<QIHH", ind, 0x6010, 0x5000, 16, 2, 0)
seeds["virtqueue/indirect"] = vq([1, 3, 0, 0x10, 0, 0x20, 0, 0x30, 0, 0, 0, 0], bytes(ind))

for name, data in seeds.items():
    path = os.path.join(top, "corpus", name)
    with open(path, "wb") as f:
        f.write(data)
print(f"wrote {len(seeds)} seeds", file=sys.stderr)
