#!/usr/bin/env python3
# device_sim.py — a device on a line protocol, as an embedded developer
# tests one by hand with a send sequence.
#
#   device_sim.py
#
# Binds 127.0.0.1 port 0 and prints the port as the first line of stdout,
# accepts one connection, and answers each line it receives:
#   INIT   → OK
#   BAD    → ERROR
#   READ   → VALUE n (n counts the READs from 1)
#   SPLIT  → OK, in two TCP writes 100 ms apart ("O", then "K\n")
#   SILENT → nothing, ever
# When the client closes, prints the commands it received, space
# separated, as the second line, and exits 0.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import socket
import sys
import time


def main():
    sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sk.settimeout(30)  # the test bounds every wait; so does the device
    sk.bind(('127.0.0.1', 0))
    sk.listen()
    print(sk.getsockname()[1], flush=True)

    conn, _ = sk.accept()
    conn.settimeout(30)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    received = []
    reads = 0
    pending = b''
    while True:
        data = conn.recv(4096)
        if not data:
            break
        pending += data
        while b'\n' in pending:
            line, pending = pending.split(b'\n', 1)
            command = line.strip().decode('ascii', 'replace')
            received.append(command)
            if command == 'INIT':
                conn.sendall(b'OK\n')
            elif command == 'BAD':
                conn.sendall(b'ERROR\n')
            elif command == 'READ':
                reads += 1
                conn.sendall(b'VALUE %d\n' % reads)
            elif command == 'SPLIT':
                conn.sendall(b'O')
                time.sleep(0.1)
                conn.sendall(b'K\n')
    print(' '.join(received), flush=True)
    conn.close()
    sk.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
