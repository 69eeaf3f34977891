#!/usr/bin/env python3
"""Print the shell commands of a document's tested example, one per line, tagged.

Usage: doc-examples.py README.md | PAGE.1
README.md: the indented block under "### Plain QEMU" and the one after the comment
naming tests/e2e/doc-examples.sh. A man page (its .in or the generated page): the
.nf/.fi block after the roff comment naming the script, with roff escapes undone.
Each command is printed as "DAEMON cmd" (vhost-desktop-*, without its final &),
"DEVICE -chardev ... -device ..." (one per vhost-user device of the QEMU command) or
"RUN cmd" (anything else, such as gdbus). The QEMU command itself is not printed: the
test boots its own guest on the same sockets.
"""

import re
import sys

MARK = "tests/e2e/doc-examples.sh"


def indented_block(lines, start):
    """The 4-space indented block that begins at or after lines[start]."""
    i = start
    while i < len(lines) and not lines[i].startswith("    "):
        i += 1
    block = []
    while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
        block.append(lines[i][4:])
        i += 1
    return block


def readme_blocks(lines):
    heading = lines.index("### Plain QEMU")
    mark = next(i for i, line in enumerate(lines) if MARK in line and line.startswith("<!--"))
    return indented_block(lines, heading) + indented_block(lines, mark + 1)


def man_block(lines):
    mark = next(i for i, line in enumerate(lines) if line.startswith('.\\"') and MARK in line)
    start = lines.index(".nf", mark) + 1
    end = lines.index(".fi", start)
    return [l.replace("\\-", "-").replace("\\e", "\\").replace("\\\\", "\\")
            for l in lines[start:end]]


def commands(block):
    cmd = ""
    for line in block:
        if not cmd and (not line.strip() or line.lstrip().startswith("#")):
            continue
        cmd += line.strip()
        if cmd.endswith("\\"):
            cmd = cmd[:-1].rstrip() + " "
            continue
        yield cmd
        cmd = ""


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    block = readme_blocks(lines) if path.endswith(".md") else man_block(lines)
    for cmd in commands(block):
        if cmd.startswith("vhost-desktop-"):
            print("DAEMON", re.sub(r"\s*&$", "", cmd))
        elif cmd.startswith("qemu-system-"):
            words = cmd.split()
            for i, w in enumerate(words):
                if w == "-chardev":
                    chardev = words[i + 1]
                    cid = re.search(r"id=([^,]+)", chardev).group(1)
                    dev = next(words[j + 1] for j in range(len(words) - 1)
                               if words[j] == "-device" and f"chardev={cid}" in words[j + 1])
                    print("DEVICE", "-chardev", chardev, "-device", dev)
        else:
            print("RUN", cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
