#!/usr/bin/env python3
"""Send one QMP command to a QEMU monitor socket and print its result as JSON.

Usage: qmp.py SOCKET COMMAND [JSON-ARGUMENTS]
Exits 0 with the "return" value on stdout, 1 with the error on stderr, 2 on a timeout or a
broken connection. Events that arrive before the answer are skipped.
"""

import json
import socket
import sys
import time

TIMEOUT = 30.0


def read_message(sock, buf, deadline):
    while b"\n" not in buf[0]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no answer from QEMU")
        sock.settimeout(remaining)
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("QEMU closed the monitor")
        buf[0] += chunk
    line, buf[0] = buf[0].split(b"\n", 1)
    return json.loads(line)


def answer(sock, buf, deadline):
    while True:
        msg = read_message(sock, buf, deadline)
        if "return" in msg or "error" in msg:
            return msg


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, command = sys.argv[1], sys.argv[2]
    arguments = json.loads(sys.argv[3]) if len(sys.argv) == 4 else None
    deadline = time.monotonic() + TIMEOUT
    buf = [b""]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(TIMEOUT)
            sock.connect(path)
            read_message(sock, buf, deadline)  # greeting
            sock.sendall(b'{"execute": "qmp_capabilities"}\n')
            answer(sock, buf, deadline)
            request = {"execute": command}
            if arguments is not None:
                request["arguments"] = arguments
            sock.sendall(json.dumps(request).encode() + b"\n")
            try:
                msg = answer(sock, buf, deadline)
            except ConnectionError:
                # "quit" may close the socket before its answer arrives.
                if command == "quit":
                    return 0
                raise
    except (OSError, ValueError) as e:
        print(f"qmp.py: {command}: {e}", file=sys.stderr)
        return 2
    if "error" in msg:
        print(f"qmp.py: {command}: {msg['error'].get('desc', msg['error'])}", file=sys.stderr)
        return 1
    print(json.dumps(msg["return"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
