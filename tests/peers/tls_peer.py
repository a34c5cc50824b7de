#!/usr/bin/env python3
# tls_peer.py — python3's ssl module as the other end of a Sockscope TLS socket.
#
#   tls_peer.py server CERT KEY VERSION END     listens on 127.0.0.1:0, prints the port
#   tls_peer.py client PORT CAFILE VERSION END  connects to a Sockscope tls-listen:
#
# VERSION is 1.2 or 1.3. The server reads a line and answers "echo:" and
# the line; the client sends "hello\n" and expects "echo:hello\n" back.
# END says how it ends: "notify" (close_notify, then close), "truncate"
# (close without close_notify), or, after the first bytes of the
# ClientHello, "reset" (an RST) or "close" (a FIN: a truncated handshake). stdout carries the port (server); diagnostics go to
# stderr; the exit status is 0 when all went as expected.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import socket
import ssl
import struct
import sys


def log(message):
    sys.stderr.write('tls_peer: %s\n' % message)
    sys.stderr.flush()


def version(text):
    return ssl.TLSVersion.TLSv1_3 if text == '1.3' else ssl.TLSVersion.TLSv1_2


def read_line(conn):
    data = b''
    while not data.endswith(b'\n'):
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def end(conn, how):
    if how == 'notify':
        # unwrap() sends close_notify, then waits for the peer's
        try:
            conn.unwrap()
        except (ssl.SSLError, OSError) as error:
            log('unwrap: %s' % error)
    elif how == 'reset':
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    # an SSLSocket closes without a close_notify: a truncation
    conn.close()


def server(cert, key, ver, how):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ctx.maximum_version = version(ver)
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(['h2', 'http/1.1'])
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)
    listener.settimeout(20)
    print(listener.getsockname()[1], flush=True)
    raw, _ = listener.accept()
    raw.settimeout(20)
    if how in ('reset', 'close'):
        raw.recv(5)
        if how == 'close':
            # all of it: a close with unread bytes would be an RST
            raw.recv(65536)
        end(raw, how)
        return 0
    try:
        conn = ctx.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError) as error:
        # the client refused the certificate: that is what the test wants
        log('handshake: %s' % error)
        return 0
    try:
        line = read_line(conn)
        conn.sendall(b'echo:' + line)
    except (ssl.SSLError, OSError) as error:
        # the client's alert (it refused the certificate); the test
        # checks what Sockscope says
        log('after the handshake: %s' % error)
        return 0
    end(conn, how)
    return 0


def client(port, cafile, ver, how):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ctx.maximum_version = version(ver)
    raw = socket.create_connection(('127.0.0.1', int(port)), timeout=20)
    conn = ctx.wrap_socket(raw, server_hostname='localhost')
    conn.sendall(b'hello\n')
    answer = read_line(conn)
    if answer != b'echo:hello\n':
        log('unexpected answer %r' % answer)
        return 1
    end(conn, how)
    return 0


def main():
    if sys.argv[1] == 'server':
        return server(*sys.argv[2:6])
    return client(*sys.argv[2:6])


if __name__ == '__main__':
    sys.exit(main())
