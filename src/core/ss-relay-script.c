/* ss-relay-script.c — a relay as a small runnable Python script, in the seed's style
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Export as Python writes for a relay: the seed's recipes (socket,
 * bind, listen, accept, connect, send, recv) put together as the relay
 * does it, with its listening address and its target. A stream relay is
 * one thread a direction, ends passed on as half-closes and resets as
 * resets; a datagram relay gives each client address its own socket to
 * the target, in one selectors loop, and closes pairs left idle.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <sys/socket.h>

#include "ss-constants.h"
#include "ss-relay-script.h"

/* An address as Python writes it; an abstract Unix name starts with NUL. */
static char *
dup_python_address (const SsAddress *address)
{
  g_autofree char *text = NULL;

  if (ss_address_get_family (address) != AF_UNIX)
    return ss_address_to_python (address);
  text = ss_address_to_string (address);
  if (text[0] == '@')
    return g_strdup_printf ("'\\0%s'", text + 1);
  return g_strdup_printf ("'%s'", text);
}

static char *
stream_script (const char *listen,
               const char *target,
               int         family,
               int         target_family)
{
  return g_strdup_printf (
    "#!/usr/bin/env python3\n"
    "# Exported by Sockscope: a relay, in the seed's recipes. Each client\n"
    "# accepted gets its own connection to the target; one thread a direction.\n"
    "import socket\n"
    "import struct\n"
    "import threading\n"
    "\n"
    "LISTEN = %s\n"
    "TARGET = %s\n"
    "\n"
    "\n"
    "def forward(src, dst, ended):\n"
    "    try:\n"
    "        while True:\n"
    "            data = src.recv(65536)\n"
    "            if not data:\n"
    "                # a half-close is passed on as a half-close\n"
    "                dst.shutdown(socket.SHUT_WR)\n"
    "                break\n"
    "            dst.sendall(data)\n"
    "    except OSError:\n"
    "        # a reset is passed on as a reset\n"
    "        dst.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))\n"
    "        dst.close()\n"
    "        src.close()\n"
    "        return\n"
    "    ended.append(src)\n"
    "    if len(ended) == 2:\n"
    "        src.close()\n"
    "        dst.close()\n"
    "\n"
    "\n"
    "sk = socket.socket(socket.%s, socket.SOCK_STREAM)\n"
    "%s"
    "sk.bind(LISTEN)\n"
    "sk.listen(128)\n"
    "while True:\n"
    "    conn, addr = sk.accept()\n"
    "    upstream = socket.socket(socket.%s, socket.SOCK_STREAM)\n"
    "    try:\n"
    "        upstream.connect(TARGET)\n"
    "    except OSError as error:\n"
    "        print(addr, error)\n"
    "        upstream.close()\n"
    "        conn.close()\n"
    "        continue\n"
    "    ended = []\n"
    "    threading.Thread(target=forward, args=(conn, upstream, ended), daemon=True).start()\n"
    "    threading.Thread(target=forward, args=(upstream, conn, ended), daemon=True).start()\n",
    listen, target, ss_family_name (family),
    family == AF_UNIX ? "" : "sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n",
    ss_family_name (target_family));
}

static char *
datagram_script (const char *listen,
                 const char *target,
                 int         family,
                 int         target_family,
                 guint       idle_ms)
{
  char idle[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (idle, sizeof idle, idle_ms / 1000.0);
  return g_strdup_printf (
    "#!/usr/bin/env python3\n"
    "# Exported by Sockscope: a UDP relay, in the seed's recipes. Each client\n"
    "# address gets its own socket to the target, and what the target answers\n"
    "# on it goes back to that client. A pair idle for IDLE seconds is closed.\n"
    "import selectors\n"
    "import socket\n"
    "import time\n"
    "\n"
    "LISTEN = %s\n"
    "TARGET = %s\n"
    "IDLE = %s\n"
    "\n"
    "sel = selectors.DefaultSelector()\n"
    "sk = socket.socket(socket.%s, socket.SOCK_DGRAM)\n"
    "sk.bind(LISTEN)\n"
    "sel.register(sk, selectors.EVENT_READ)\n"
    "upstreams = {}  # client address: its socket to the target\n"
    "used = {}  # socket to the target: when it last carried a datagram\n"
    "while True:\n"
    "    for key, _ in sel.select(timeout=1.0):\n"
    "        if key.fileobj is sk:\n"
    "            data, addr = sk.recvfrom(65536)\n"
    "            upstream = upstreams.get(addr)\n"
    "            if upstream is None:\n"
    "                upstream = socket.socket(socket.%s, socket.SOCK_DGRAM)\n"
    "                upstream.connect(TARGET)\n"
    "                upstreams[addr] = upstream\n"
    "                sel.register(upstream, selectors.EVENT_READ, addr)\n"
    "            try:\n"
    "                upstream.send(data)\n"
    "            except OSError as error:\n"
    "                print(addr, error)\n"
    "        else:\n"
    "            upstream, addr = key.fileobj, key.data\n"
    "            try:\n"
    "                data = upstream.recv(65536)\n"
    "            except OSError as error:\n"
    "                # ECONNREFUSED: nothing listens at the target\n"
    "                print(addr, error)\n"
    "                continue\n"
    "            sk.sendto(data, addr)\n"
    "        used[upstream] = time.monotonic()\n"
    "    for addr, upstream in list(upstreams.items()):\n"
    "        if time.monotonic() - used[upstream] >= IDLE:\n"
    "            sel.unregister(upstream)\n"
    "            upstream.close()\n"
    "            del upstreams[addr], used[upstream]\n",
    listen, target, idle, ss_family_name (family), ss_family_name (target_family));
}

/**
 * ss_relay_script_new:
 * @type: SOCK_STREAM or SOCK_DGRAM
 * @listen: where the relay is bound (its real port, not 0)
 * @target: where it forwards to
 * @idle_ms: a datagram relay's idle timeout
 *
 * Returns: (transfer full): the script
 */
char *
ss_relay_script_new (int              type,
                     const SsAddress *listen,
                     const SsAddress *target,
                     guint            idle_ms)
{
  g_autofree char *listen_text = dup_python_address (listen);
  g_autofree char *target_text = dup_python_address (target);
  int family = ss_address_get_family (listen);
  int target_family = ss_address_get_family (target);

  if (type == SOCK_DGRAM)
    return datagram_script (listen_text, target_text, family, target_family, idle_ms);
  return stream_script (listen_text, target_text, family, target_family);
}
