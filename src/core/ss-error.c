/* ss-error.c — errors from syscalls, keeping the raw errno
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "ss-constants.h"
#include "ss-error.h"

G_DEFINE_QUARK (ss-errno-error-quark, ss_errno_error)

/* "connect: Connection refused (ECONNREFUSED)" */
void
ss_set_errno_error (GError     **error,
                    int          errsv,
                    const char  *call)
{
  g_set_error (error, SS_ERRNO_ERROR, errsv,
               /* Translators: %s are a call name, a message, an errno name */
               _("%s: %s (%s)"),
               call, g_strerror (errsv), ss_errno_name (errsv));
}

/* The usual cause of each errno a socket call meets, and what to try, in
 * one sentence a learner can act on. */
static const struct
{
  int         errsv;
  const char *text;
} explanations[] = {
  { ECONNREFUSED, N_("Nothing is listening on that address and port: start the server first, or check the port.") },
  { EADDRINUSE, N_("Another socket holds this address, or a recent one is still in TIME_WAIT: pick another port, or set SO_REUSEADDR before bind.") },
  { EACCES, N_("Not allowed: ports below 1024 need privileges (use 1024 or more), a broadcast needs SO_BROADCAST, and a ping socket needs the user's group in net.ipv4.ping_group_range.") },
  { EADDRNOTAVAIL, N_("This machine has no such address: bind to 127.0.0.1, to one of its own addresses, or to 0.0.0.0.") },
  { ECONNRESET, N_("The peer ended the connection abruptly (a reset), for example because it closed with unread data or crashed.") },
  { EPIPE, N_("The connection's sending side is closed: the peer went away, or this side called shutdown for writing.") },
  { ETIMEDOUT, N_("The peer did not answer in time: it may be down, or a firewall drops the packets.") },
  { ENETUNREACH, N_("There is no route to that network from this machine.") },
  { EHOSTUNREACH, N_("That host cannot be reached from this machine.") },
  { EAFNOSUPPORT, N_("This system's kernel does not support that address family, or the address does not belong to the socket's family.") },
  { EPROTONOSUPPORT, N_("The kernel does not support that protocol with this family and type.") },
  { ESOCKTNOSUPPORT, N_("The kernel does not support that socket type in this family.") },
  { EOPNOTSUPP, N_("This kind of socket does not do that: for example listen and accept need a stream socket, not a datagram one.") },
  { ENOTCONN, N_("The socket is not connected: connect it first, or give a destination (sendto) for a datagram socket.") },
  { EISCONN, N_("The socket is already connected: close it and make a new one to connect elsewhere.") },
  { EINVAL, N_("The call does not fit the socket's state, for example a second bind, or accept on a socket that is not listening.") },
  { EAGAIN, N_("Nothing could be done right now without waiting: no data or connection is waiting, or the send buffer is full. Try again later.") },
  { EINPROGRESS, N_("The connection is being made in the background; a non-blocking connect always starts this way.") },
  { EALREADY, N_("A connection attempt on this socket is already under way.") },
  { EMFILE, N_("This process has as many open descriptors as it may (RLIMIT_NOFILE): close some sockets.") },
  { ENFILE, N_("The whole system has run out of open files.") },
  { EPERM, N_("The system does not allow this process to do that: raw sockets and some options need privileges (CAP_NET_RAW).") },
  { EBADF, N_("The descriptor is not open: the socket was closed.") },
  { EDESTADDRREQ, N_("A datagram socket needs a destination: fill in where to send, or connect it first.") },
  { EMSGSIZE, N_("The datagram is larger than the socket can send in one piece.") },
  { ENOENT, N_("No socket file exists at that path: start the server that makes it first.") },
  { ENOBUFS, N_("The kernel ran out of buffer space for sockets.") },
};

/**
 * ss_errno_explain:
 *
 * Returns: (nullable): a translated sentence on the usual cause of @errsv
 *   and what to try, or %NULL for an errno with no explanation yet
 */
const char *
ss_errno_explain (int errsv)
{
  for (guint i = 0; i < G_N_ELEMENTS (explanations); i++)
    if (explanations[i].errsv == errsv)
      return _(explanations[i].text);
  return NULL;
}
