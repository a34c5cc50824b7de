#!/usr/bin/env python3
# starttls_peer.py — a line protocol that upgrades to TLS after "STARTTLS",
# as SMTP, IMAP or POP3 do, for Sockscope's Start TLS.
#
#   starttls_peer.py server CERT KEY    listens on 127.0.0.1:0, prints the port;
#                                       reads "STARTTLS\n", answers "OK\n", then
#                                       speaks TLS: a line in, "echo:" + it out
#   starttls_peer.py client PORT CAFILE connects, says "STARTTLS\n", reads
#                                       "OK\n" and starts TLS at once (its
#                                       ClientHello may come before Sockscope's
#                                       Start TLS), sends "hello\n", expects
#                                       "echo:hello\n"
#
# Diagnostics go to stderr; the exit status is 0 when all went as expected.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import socket
import ssl
import sys


def log(message):
    sys.stderr.write('starttls_peer: %s\n' % message)
    sys.stderr.flush()


def read_line(conn):
    # plaintext one byte at a time: the line must not take the handshake's bytes
    data = b''
    while not data.endswith(b'\n'):
        chunk = conn.recv(4096 if isinstance(conn, ssl.SSLSocket) else 1)
        if not chunk:
            break
        data += chunk
    return data


def server(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)
    listener.settimeout(20)
    print(listener.getsockname()[1], flush=True)
    raw, _ = listener.accept()
    raw.settimeout(20)
    line = read_line(raw)
    if line != b'STARTTLS\n':
        log('expected STARTTLS, got %r' % line)
        return 1
    raw.sendall(b'OK\n')
    conn = ctx.wrap_socket(raw, server_side=True)
    line = read_line(conn)
    conn.sendall(b'echo:' + line)
    try:
        conn.unwrap()
    except (ssl.SSLError, OSError) as error:
        log('unwrap: %s' % error)
    conn.close()
    return 0 if line == b'hello\n' else 1


def client(port, cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    raw = socket.create_connection(('127.0.0.1', int(port)), timeout=20)
    raw.sendall(b'STARTTLS\n')
    line = read_line(raw)
    if line != b'OK\n':
        log('expected OK, got %r' % line)
        return 1
    conn = ctx.wrap_socket(raw, server_hostname='localhost')
    conn.sendall(b'hello\n')
    line = read_line(conn)
    conn.close()
    if line != b'echo:hello\n':
        log('expected echo:hello, got %r' % line)
        return 1
    return 0


if __name__ == '__main__':
    if sys.argv[1] == 'server':
        sys.exit(server(sys.argv[2], sys.argv[3]))
    sys.exit(client(sys.argv[2], sys.argv[3]))
