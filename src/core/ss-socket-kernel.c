/* ss-socket-kernel.c — what the kernel holds for a socket: FIONREAD, SIOCOUTQ, TCP_INFO, the backlog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "ss-socket-private.h"

/**
 * ss_socket_get_readable:
 *
 * Returns: the bytes waiting in the kernel to be read (FIONREAD), or -1
 *   when the kernel does not say
 */
int
ss_socket_get_readable (SsSocket *self)
{
  int n = 0;

  g_return_val_if_fail (SS_IS_SOCKET (self), -1);

  if (self->state == SS_SOCKET_CLOSED || ioctl (self->fd, FIONREAD, &n) < 0)
    return -1;
  return n;
}

/**
 * ss_socket_get_unsent:
 *
 * Returns: the bytes in the kernel's send buffer, not yet sent or not yet
 *   acknowledged (SIOCOUTQ), or -1 when the kernel does not say
 */
int
ss_socket_get_unsent (SsSocket *self)
{
  int n = 0;

  g_return_val_if_fail (SS_IS_SOCKET (self), -1);

  if (self->state == SS_SOCKET_CLOSED || ioctl (self->fd, SIOCOUTQ, &n) < 0)
    return -1;
  return n;
}

static const char *tcp_states[] = {
  [TCP_ESTABLISHED] = "ESTABLISHED",
  [TCP_SYN_SENT] = "SYN_SENT",
  [TCP_SYN_RECV] = "SYN_RECV",
  [TCP_FIN_WAIT1] = "FIN_WAIT1",
  [TCP_FIN_WAIT2] = "FIN_WAIT2",
  [TCP_TIME_WAIT] = "TIME_WAIT",
  [TCP_CLOSE] = "CLOSE",
  [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
  [TCP_LAST_ACK] = "LAST_ACK",
  [TCP_LISTEN] = "LISTEN",
  [TCP_CLOSING] = "CLOSING",
};

/**
 * ss_socket_get_tcp_info:
 * @info: (out): the kernel's view of the connection
 *
 * Returns: %FALSE when this is no TCP socket or the kernel does not say
 */
gboolean
ss_socket_get_tcp_info (SsSocket  *self,
                        SsTcpInfo *info)
{
  struct tcp_info tcp = { 0 };
  socklen_t len = sizeof tcp;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  if (self->state == SS_SOCKET_CLOSED || self->type != SOCK_STREAM ||
      (self->family != AF_INET && self->family != AF_INET6) ||
      getsockopt (self->fd, IPPROTO_TCP, TCP_INFO, &tcp, &len) < 0)
    return FALSE;

  info->state = tcp.tcpi_state < G_N_ELEMENTS (tcp_states) && tcp_states[tcp.tcpi_state]
                ? tcp_states[tcp.tcpi_state] : "?";
  info->rtt_us = tcp.tcpi_rtt;
  /* for a listener, Linux reports the accept queue in these two fields */
  info->queue = tcp.tcpi_state == TCP_LISTEN ? tcp.tcpi_unacked : 0;
  info->backlog = tcp.tcpi_state == TCP_LISTEN ? tcp.tcpi_sacked : 0;
  return TRUE;
}

/**
 * ss_socket_max_backlog:
 *
 * The longest accept queue the kernel allows (net.core.somaxconn): a
 * larger backlog is cut to it, a smaller one drops a burst of connections
 * that a server could have held. Read from
 * /proc/sys/net/core/somaxconn, or SOMAXCONN where it cannot be read.
 *
 * Returns: the backlog to pass to listen() for a server
 */
int
ss_socket_max_backlog (void)
{
  g_autofree char *text = NULL;
  gint64 value;
  char *end;

  if (!g_file_get_contents ("/proc/sys/net/core/somaxconn", &text, NULL, NULL))
    return SOMAXCONN;
  value = g_ascii_strtoll (text, &end, 10);
  if (end == text || value <= 0 || value > G_MAXINT)
    return SOMAXCONN;
  return value;
}

/**
 * ss_socket_get_backlog:
 *
 * Returns: the backlog last passed to a successful listen(), or -1
 */
int
ss_socket_get_backlog (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), -1);
  return self->backlog;
}
