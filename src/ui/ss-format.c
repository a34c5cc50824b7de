/* ss-format.c — socket facts in the words the window shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <time.h>

#include <glib/gi18n.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "ss-format.h"

/* The state as a person reads it, including what happened to the
 * connection after it was made. */
const char *
ss_format_state (SsSocket *socket)
{
  switch (ss_socket_get_state (socket))
    {
    case SS_SOCKET_CREATED:
      return _("created");
    case SS_SOCKET_BOUND:
      return _("bound");
    case SS_SOCKET_LISTENING:
      return _("listening");
    case SS_SOCKET_CONNECTING:
      return _("connecting");
    case SS_SOCKET_CONNECTED:
      {
        int failure = 0;

        g_object_get (socket, "failure", &failure, NULL);
        if (failure != 0)
          return _("connection failed");
        if (ss_socket_get_peer_closed (socket))
          return _("peer closed");
        return _("connected");
      }
    case SS_SOCKET_CLOSED:
    default:
      return _("closed");
    }
}

/* "TCP listener", "TCP connection", "UDP socket", "Unix stream socket" */
char *
ss_format_kind (SsSocket *socket)
{
  int family = ss_socket_get_family (socket);
  int type = ss_socket_get_socket_type (socket);
  const char *protocol;

  if ((family == AF_INET || family == AF_INET6) && type == SOCK_STREAM)
    protocol = "TCP";
  else if ((family == AF_INET || family == AF_INET6) && type == SOCK_DGRAM)
    protocol = "UDP";
  else if (family == AF_UNIX)
    protocol = type == SOCK_STREAM ? _("Unix stream") : _("Unix datagram");
  else
    protocol = _("Raw");

  if (ss_socket_get_listener (socket) != NULL)
    /* Translators: %s is TCP, UDP, Unix stream, … */
    return g_strdup_printf (_("%s connection"), protocol);
  if (ss_socket_get_relay_target (socket) != NULL &&
      (ss_socket_get_state (socket) == SS_SOCKET_LISTENING || type == SOCK_DGRAM))
    /* Translators: %s is TCP, UDP or Unix stream: a socket that relays each client to a server */
    return g_strdup_printf (_("%s relay"), protocol);
  if (ss_socket_get_state (socket) == SS_SOCKET_LISTENING)
    /* Translators: %s is TCP, UDP, Unix stream, … */
    return g_strdup_printf (_("%s listener"), protocol);
  /* an unnamed Unix peer (a socketpair end) has an empty address */
  if (ss_socket_get_state (socket) == SS_SOCKET_CONNECTING ||
      (ss_socket_get_peer_address (socket) != NULL && *ss_socket_get_peer_address (socket) != '\0'))
    /* Translators: %s is TCP, UDP, Unix stream, … */
    return g_strdup_printf (_("%s client"), protocol);
  /* Translators: %s is TCP, UDP, Unix stream, … */
  return g_strdup_printf (_("%s socket"), protocol);
}

/* Exact below a kilobyte, then both: "1.5 MB (1,572,864 bytes)" */
char *
ss_format_bytes (guint64 bytes)
{
  g_autofree char *size = NULL;

  if (bytes < 1000)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " byte",
                                         "%" PRIu64 " bytes", bytes), bytes);
  size = g_format_size (bytes);
  return g_strdup_printf (_("%s (%'" PRIu64 " bytes)"), size, bytes);
}
