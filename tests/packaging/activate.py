#!/usr/bin/env python3
# Starts a daemon the way its systemd socket unit would: the listening socket from the
# .socket unit's ListenStream=, the command line from the .service unit's ExecStart=
# (specifiers and $VARIABLES expanded as systemd does for these units), run through
# systemd-socket-activate. Then it acts as a front-end and as systemd's notify socket,
# and prints TAP lines (5 per unit pair, no plan).
#   activate.py SERVICE SOCKET BUILT-BINARY-DIR WORKDIR
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time

service, socket_unit, bindir, work = sys.argv[1:5]
name = os.path.basename(service).split('@')[0]
instance = 'vm1'
runtime = os.path.join(work, 'runtime')
config = os.path.join(work, 'config')
os.makedirs(config, exist_ok=True)
os.makedirs(runtime, mode=0o700, exist_ok=True)
n = 0


def tap(ok, what):
    global n
    n += 1
    print('%s %d - %s: %s' % ('ok' if ok else 'not ok', n, name, what), flush=True)


def specifiers(s):
    return s.replace('%t', runtime).replace('%i', instance).replace('%E', config)


def unit_values(path, key):
    with open(path) as f:
        return [l.split('=', 1)[1].strip() for l in f if l.startswith(key + '=')]


env = {}
for assignment in unit_values(service, 'Environment'):
    k, v = assignment.split('=', 1)
    env[k] = v
argv = []
for word in specifiers(unit_values(service, 'ExecStart')[-1]).split():
    m = re.fullmatch(r'\$([A-Za-z_][A-Za-z0-9_]*)', word)
    # An unbraced $VAR alone is split into words, and vanishes when empty.
    argv += env.get(m.group(1), '').split() if m else [word]
# The installed path is not there yet: run the built binary of the same name.
argv[0] = os.path.join(bindir, os.path.basename(argv[0]))
listen = specifiers(unit_values(socket_unit, 'ListenStream')[-1])
os.makedirs(os.path.dirname(listen), mode=0o700, exist_ok=True)

notify_path = os.path.join(work, 'notify-' + name)
if os.path.exists(notify_path):
    os.unlink(notify_path)
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
notify.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)

log = open(os.path.join(work, name + '.log'), 'w')
print('# ' + ' '.join(argv), flush=True)
proc = subprocess.Popen(['systemd-socket-activate', '-l', listen, '--fdname=' + name,
                         '-E', 'NOTIFY_SOCKET=' + notify_path, '-E', 'LANG=C.UTF-8'] + argv,
                        stdout=log, stderr=subprocess.STDOUT)
try:
    for _ in range(100):
        if os.path.exists(listen):
            break
        time.sleep(0.05)
    fe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    fe.settimeout(10)
    reply = b''
    try:
        fe.connect(listen)
        # VHOST_USER_GET_FEATURES: request 1, flags 1 (version 1), no payload.
        fe.sendall(struct.pack('<III', 1, 1, 0))
        while len(reply) < 20:
            chunk = fe.recv(20 - len(reply))
            if not chunk:
                break
            reply += chunk
    except OSError as e:
        print('# front-end: %s' % e)
    if len(reply) == 20:
        req, flags, size, features = struct.unpack('<IIIQ', reply)
        print('# reply: request %u flags %#x size %u features %#x' % (req, flags, size, features))
        tap(req == 1 and flags & 4 and flags & 3 == 1 and size == 8,
            'GET_FEATURES through the activated socket is answered')
        tap(features & (1 << 30) and features & (1 << 32),
            'features offer PROTOCOL_FEATURES and VERSION_1')
    else:
        tap(False, 'GET_FEATURES through the activated socket is answered (got %r)' % reply)
        tap(False, 'features offer PROTOCOL_FEATURES and VERSION_1')

    notify.settimeout(10)
    ready = False
    sender = None
    try:
        while not ready:
            msg, anc, _, _ = notify.recvmsg(4096, socket.CMSG_SPACE(12))
            for level, typ, data in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
                    sender = struct.unpack('iII', data[:12])[0]
            ready = b'READY=1' in msg.split(b'\n')
    except OSError as e:
        print('# notify: %s' % e)
    tap(ready and sender == proc.pid,
        'READY=1 sent by the main process (pid %s, sender %s)' % (proc.pid, sender))

    control = [a.split('=', 1)[1] for a in argv if a.startswith('--control=')]
    tap(len(control) == 1 and os.path.exists(control[0]),
        'the control socket of ExecStart= is served (%s)' % control)

    proc.send_signal(signal.SIGTERM)
    try:
        status = proc.wait(10)
    except subprocess.TimeoutExpired:
        status = None
    tap(status == 0, 'exits 0 on SIGTERM (status %s)' % status)
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    log.close()
    with open(os.path.join(work, name + '.log')) as f:
        for line in f:
            print('# ' + line.rstrip())
