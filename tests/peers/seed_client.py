#!/usr/bin/env python3
# seed_client.py — the seed's client recipe, as a person would type it,
# pointed at a Sockscope listener.
#
#   seed_client.py HOST PORT SEND_TEXT_HEX SEND_RAW_HEX EXPECT_TEXT_HEX EXPECT_RAW_HEX
#
# Sends the text (UTF-8) and then the raw bytes, receives until it has as
# many bytes as expected, decodes the text part as the seed does
# (str(data,'utf8')) and exits 0 only when everything is exactly as
# expected. stdout carries one line, the client's own address "HOST:PORT";
# diagnostics go to stderr.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import socket
import sys


def log(message):
    sys.stderr.write('seed_client: %s\n' % message)
    sys.stderr.flush()


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    send_text = bytes.fromhex(sys.argv[3]).decode('utf8')
    send_raw = bytes.fromhex(sys.argv[4])
    expect_text = bytes.fromhex(sys.argv[5]).decode('utf8')
    expect_raw = bytes.fromhex(sys.argv[6])

    # 创建网络通信管道
    sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sk.settimeout(20)  # the test bounds every wait; so does the peer

    # 连接服务器端
    address = (host, port)
    sk.connect(address)
    local = sk.getsockname()
    print('%s:%d' % (local[0], local[1]), flush=True)

    # 发送信息
    payload = bytes(send_text, 'utf8')
    n = sk.send(payload)
    if n != len(payload):
        log('send took %d of %d bytes' % (n, len(payload)))
        return 1
    n = sk.send(send_raw)
    if n != len(send_raw):
        log('send took %d of %d bytes' % (n, len(send_raw)))
        return 1

    # 接收信息
    text_len = len(bytes(expect_text, 'utf8'))
    expected = bytes(expect_text, 'utf8') + expect_raw
    received = b''
    while len(received) < len(expected):
        data = sk.recv(1024)
        if not data:
            break
        received += data
    log('received %d bytes: %s' % (len(received), received.hex()))

    # 关闭连接通道
    sk.close()

    if received != expected:
        log('expected %d bytes: %s' % (len(expected), expected.hex()))
        return 1
    data = str(received[:text_len], 'utf8')
    if data != expect_text:
        log('text %r, expected %r' % (data, expect_text))
        return 1
    if received[text_len:] != expect_raw:
        log('raw bytes %s, expected %s' % (received[text_len:].hex(), expect_raw.hex()))
        return 1
    log('text %r and %d raw bytes as expected' % (data, len(expect_raw)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
