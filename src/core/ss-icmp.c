/* ss-icmp.c — ICMP echo requests, for ping and raw sockets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "ss-icmp.h"

#define ICMP_ECHO_REQUEST   8
#define ICMPV6_ECHO_REQUEST 128
#define HEADER_SIZE         8

/* The Internet checksum (RFC 1071): the one's complement of the one's
 * complement sum of 16-bit words. */
guint16
ss_icmp_checksum (const guint8 *data,
                  gsize         len)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (guint32) data[i] << 8 | data[i + 1];
  if (len % 2)
    sum += (guint32) data[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/**
 * ss_icmp_echo_request:
 * @family: AF_INET or AF_INET6
 * @data: the echo's payload
 *
 * An echo request as a ping or raw socket sends it. For ICMPv4 the
 * checksum is filled in (a raw socket needs it; a ping socket's kernel
 * redoes it); for ICMPv6 the kernel always computes it.
 *
 * Returns: (transfer full): the ICMP message
 */
GBytes *
ss_icmp_echo_request (int           family,
                      guint16       identifier,
                      guint16       sequence,
                      const guint8 *data,
                      gsize         len)
{
  guint8 *message = g_malloc0 (HEADER_SIZE + len);

  message[0] = family == AF_INET6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO_REQUEST;
  message[4] = identifier >> 8;
  message[5] = identifier & 0xff;
  message[6] = sequence >> 8;
  message[7] = sequence & 0xff;
  if (len > 0)
    memcpy (message + HEADER_SIZE, data, len);

  if (family != AF_INET6)
    {
      guint16 checksum = ss_icmp_checksum (message, HEADER_SIZE + len);
      message[2] = checksum >> 8;
      message[3] = checksum & 0xff;
    }
  return g_bytes_new_take (message, HEADER_SIZE + len);
}
