/* ss-socket-options.c — setsockopt() and getsockopt(): what is set, and what the kernel holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "ss-error.h"
#include "ss-socket-options.h"
#include "ss-socket-private.h"

static const SsOption options[] = {
  { "SO_REUSEADDR", "SOL_SOCKET", SOL_SOCKET, SO_REUSEADDR, SS_OPTION_BOOL, 0, FALSE,
    N_("Bind to an address still in TIME_WAIT from an earlier socket") },
  { "SO_REUSEPORT", "SOL_SOCKET", SOL_SOCKET, SO_REUSEPORT, SS_OPTION_BOOL, 0, FALSE,
    N_("Let several sockets bind the same port; the kernel spreads connections among them") },
  { "SO_KEEPALIVE", "SOL_SOCKET", SOL_SOCKET, SO_KEEPALIVE, SS_OPTION_BOOL, 0, TRUE,
    N_("Probe an idle connection so a dead peer is noticed") },
  { "SO_BROADCAST", "SOL_SOCKET", SOL_SOCKET, SO_BROADCAST, SS_OPTION_BOOL, 0, FALSE,
    N_("Allow datagrams to broadcast addresses") },
  { "SO_LINGER", "SOL_SOCKET", SOL_SOCKET, SO_LINGER, SS_OPTION_LINGER, 0, TRUE,
    N_("How long close waits for unsent data, in seconds (-1: off); 0 makes close send a reset") },
  { "SO_RCVBUF", "SOL_SOCKET", SOL_SOCKET, SO_RCVBUF, SS_OPTION_INT, 0, FALSE,
    N_("Receive buffer size in bytes; Linux doubles what is asked, for its own bookkeeping") },
  { "SO_SNDBUF", "SOL_SOCKET", SOL_SOCKET, SO_SNDBUF, SS_OPTION_INT, 0, FALSE,
    N_("Send buffer size in bytes; Linux doubles what is asked, for its own bookkeeping") },
  { "TCP_NODELAY", "IPPROTO_TCP", IPPROTO_TCP, TCP_NODELAY, SS_OPTION_BOOL, 0, TRUE,
    N_("Send small writes at once instead of gathering them (Nagle's algorithm off)") },
  { "IP_TTL", "IPPROTO_IP", IPPROTO_IP, IP_TTL, SS_OPTION_INT, AF_INET, FALSE,
    N_("How many routers a packet may cross") },
  { "IP_MULTICAST_TTL", "IPPROTO_IP", IPPROTO_IP, IP_MULTICAST_TTL, SS_OPTION_INT, AF_INET, FALSE,
    N_("How many routers a multicast datagram may cross") },
  { "IP_MULTICAST_LOOP", "IPPROTO_IP", IPPROTO_IP, IP_MULTICAST_LOOP, SS_OPTION_BOOL, AF_INET, FALSE,
    N_("Deliver this socket's multicast datagrams to this machine too") },
  { "IPV6_V6ONLY", "IPPROTO_IPV6", IPPROTO_IPV6, IPV6_V6ONLY, SS_OPTION_BOOL, AF_INET6, FALSE,
    N_("IPv6 only. When off, a socket bound to [::] also takes IPv4 clients (dual stack); set it before bind") },
  { "IPV6_MULTICAST_HOPS", "IPPROTO_IPV6", IPPROTO_IPV6, IPV6_MULTICAST_HOPS, SS_OPTION_INT, AF_INET6, FALSE,
    N_("How many routers a multicast datagram may cross") },
  { "IPV6_MULTICAST_LOOP", "IPPROTO_IPV6", IPPROTO_IPV6, IPV6_MULTICAST_LOOP, SS_OPTION_BOOL, AF_INET6, FALSE,
    N_("Deliver this socket's multicast datagrams to this machine too") },
};

const SsOption *
ss_socket_options (guint *n_options)
{
  *n_options = G_N_ELEMENTS (options);
  return options;
}

const SsOption *
ss_socket_option_find (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    if (g_str_equal (options[i].name, name))
      return &options[i];
  return NULL;
}

/* Options of another family's protocol level, or of TCP on a datagram
 * socket, are not offered (learner mode can still try any call). */
gboolean
ss_socket_option_applies (const SsOption *option,
                          SsSocket       *socket)
{
  int family = ss_socket_get_family (socket);
  gboolean inet = family == AF_INET || family == AF_INET6;

  if (option->family != 0 && option->family != family)
    return FALSE;
  if (option->level == IPPROTO_TCP && !(inet && ss_socket_get_socket_type (socket) == SOCK_STREAM))
    return FALSE;
  if (option->stream_only && ss_socket_get_socket_type (socket) != SOCK_STREAM)
    return FALSE;
  if ((option->optname == SO_BROADCAST && option->level == SOL_SOCKET) && !inet)
    return FALSE;
  return TRUE;
}

/**
 * ss_socket_get_option:
 * @value: (out): a boolean as 0/1, a number, or for SO_LINGER the seconds
 *   (-1 when off)
 *
 * Reads what the kernel holds (getsockopt). Reading is not recorded: the
 * window does it to show values, not as a step of the session.
 */
gboolean
ss_socket_get_option (SsSocket        *self,
                      const SsOption  *option,
                      int             *value,
                      GError         **error)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (option != NULL && value != NULL, FALSE);

  if (!ss_socket_check_open (self, "getsockopt", error))
    return FALSE;

  {
    struct linger linger = { 0 };
    int number = 0;
    gboolean is_linger = option->kind == SS_OPTION_LINGER;
    socklen_t len = is_linger ? sizeof linger : sizeof number;

    if (getsockopt (self->fd, option->level, option->optname,
                    is_linger ? (void *) &linger : (void *) &number, &len) < 0)
      {
        ss_set_errno_error (error, errno, "getsockopt");
        return FALSE;
      }
    if (is_linger)
      *value = linger.l_onoff ? linger.l_linger : -1;
    else
      *value = option->kind == SS_OPTION_BOOL ? number != 0 : number;
  }
  return TRUE;
}

/**
 * ss_socket_set_option:
 *
 * One setsockopt() call, recorded as a step of the session. Read the value
 * back with ss_socket_get_option(): the kernel may hold something else
 * (SO_RCVBUF doubles on Linux).
 */
gboolean
ss_socket_set_option (SsSocket        *self,
                      const SsOption  *option,
                      int              value,
                      GError         **error)
{
  g_autofree char *name = NULL;
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  int result;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (option != NULL, FALSE);

  if (!ss_socket_check_open (self, "setsockopt", error))
    return FALSE;

  name = ss_socket_dup_python_name (self);
  if (option->kind == SS_OPTION_LINGER)
    {
      struct linger linger = { .l_onoff = value >= 0, .l_linger = MAX (value, 0) };

      result = setsockopt (self->fd, option->level, option->optname, &linger, sizeof linger);
      args = g_strdup_printf ("%d, %s, %s, {l_onoff=%d, l_linger=%d}, %u", self->fd, option->level_name,
                              option->name, linger.l_onoff, linger.l_linger, (guint) sizeof linger);
      python = g_strdup_printf ("%s.setsockopt(socket.%s, socket.%s, struct.pack('ii', %d, %d))",
                                name, option->level_name, option->name, linger.l_onoff, linger.l_linger);
    }
  else
    {
      int number = option->kind == SS_OPTION_BOOL ? value != 0 : value;

      result = setsockopt (self->fd, option->level, option->optname, &number, sizeof number);
      args = g_strdup_printf ("%d, %s, %s, [%d], %u", self->fd, option->level_name, option->name,
                              number, (guint) sizeof number);
      python = g_strdup_printf ("%s.setsockopt(socket.%s, socket.%s, %d)",
                                name, option->level_name, option->name, number);
    }

  return ss_socket_record (self, "setsockopt", args, python, result, result < 0 ? errno : 0, error);
}

/**
 * ss_socket_set_membership:
 * @group: a multicast group address, "239.1.2.3" or "ff02::1234"
 * @join: join (IP_ADD_MEMBERSHIP) or leave (IP_DROP_MEMBERSHIP)
 *
 * Joins or leaves a multicast group on the default interface.
 */
gboolean
ss_socket_set_membership (SsSocket    *self,
                          const char  *group,
                          gboolean     join,
                          GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  const char *option;
  int result;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (group != NULL, FALSE);

  if (!ss_socket_check_open (self, "setsockopt", error))
    return FALSE;

  name = ss_socket_dup_python_name (self);
  if (self->family == AF_INET6)
    {
      struct ipv6_mreq mreq = { 0 };

      if (inet_pton (AF_INET6, group, &mreq.ipv6mr_multiaddr) != 1)
        goto bad_group;
      option = join ? "IPV6_JOIN_GROUP" : "IPV6_LEAVE_GROUP";
      result = setsockopt (self->fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP,
                           &mreq, sizeof mreq);
      args = g_strdup_printf ("%d, IPPROTO_IPV6, %s, {%s, 0}, %u", self->fd, option, group,
                              (guint) sizeof mreq);
      python = g_strdup_printf ("%s.setsockopt(socket.IPPROTO_IPV6, socket.%s, "
                                "socket.inet_pton(socket.AF_INET6, '%s') + struct.pack('I', 0))",
                                name, option, group);
    }
  else
    {
      struct ip_mreq mreq = { .imr_interface.s_addr = htonl (INADDR_ANY) };

      if (inet_pton (AF_INET, group, &mreq.imr_multiaddr) != 1)
        goto bad_group;
      option = join ? "IP_ADD_MEMBERSHIP" : "IP_DROP_MEMBERSHIP";
      result = setsockopt (self->fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
                           &mreq, sizeof mreq);
      args = g_strdup_printf ("%d, IPPROTO_IP, %s, {%s, 0.0.0.0}, %u", self->fd, option, group,
                              (guint) sizeof mreq);
      python = g_strdup_printf ("%s.setsockopt(socket.IPPROTO_IP, socket.%s, "
                                "socket.inet_aton('%s') + socket.inet_aton('0.0.0.0'))",
                                name, option, group);
    }
  return ss_socket_record (self, "setsockopt", args, python, result, result < 0 ? errno : 0, error);

bad_group:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a multicast group address of this socket's family"), group);
  return FALSE;
}
