#!/usr/bin/env python3
# seed_server.py — the seed's server recipe, as a person would type it,
# accepting one Sockscope client.
#
#   seed_server.py EXPECT_TEXT_HEX EXPECT_RAW_HEX REPLY_TEXT_HEX REPLY_RAW_HEX
#
# Binds 127.0.0.1 port 0 and prints the port as the first line of stdout,
# accepts one connection and prints the client's address "HOST:PORT" as the
# second line, receives the expected text and raw bytes, decodes the text
# as the seed does (str(data,'utf8')), sends the reply text and raw bytes,
# then waits for the client to close. Exits 0 only when everything is
# exactly as expected; diagnostics go to stderr.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import socket
import sys


def log(message):
    sys.stderr.write('seed_server: %s\n' % message)
    sys.stderr.flush()


def main():
    expect_text = bytes.fromhex(sys.argv[1]).decode('utf8')
    expect_raw = bytes.fromhex(sys.argv[2])
    reply_text = bytes.fromhex(sys.argv[3]).decode('utf8')
    reply_raw = bytes.fromhex(sys.argv[4])

    # 创建网络通信管道
    sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sk.settimeout(20)  # the test bounds every wait; so does the peer

    # 绑定设置地址(必须是元祖类型)
    address = ('127.0.0.1', 0)
    sk.bind(address)

    # 开启网络监听
    sk.listen()
    print(sk.getsockname()[1], flush=True)

    # 开启接收网络请求
    conn, addr = sk.accept()
    conn.settimeout(20)
    print('%s:%d' % (addr[0], addr[1]), flush=True)

    # 接收信息
    text_len = len(bytes(expect_text, 'utf8'))
    expected = bytes(expect_text, 'utf8') + expect_raw
    received = b''
    while len(received) < len(expected):
        data = conn.recv(1024)
        if not data:
            break
        received += data
    log('received %d bytes: %s' % (len(received), received.hex()))
    ok = received == expected
    if not ok:
        log('expected %d bytes: %s' % (len(expected), expected.hex()))
    else:
        data = str(received[:text_len], 'utf8')
        ok = data == expect_text
        log('text %r%s' % (data, '' if ok else ', expected %r' % expect_text))

    # 发送信息
    conn.send(bytes(reply_text, 'utf8'))
    conn.send(reply_raw)

    # the client closes first; nothing more may come before that
    rest = conn.recv(1024)
    if rest:
        log('unexpected bytes before the close: %s' % rest.hex())
        ok = False

    # 关闭连接通道
    conn.close()
    sk.close()
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
