/* bench-session.c — the Sockscope side of the benchmarks: a session's
 * socket on loopback, opened as the core runs open it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <string.h>
#include <sys/socket.h>

#include "bench-session.h"

SsSocket *
bench_session_socket (SsSession *session,
                      int        type,
                      int        backlog,
                      guint16   *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;
  SsSocket *socket;
  const char *local;

  socket = ss_session_create_socket (session, AF_INET, type, 0, &error);
  address = ss_address_parse_numeric ("127.0.0.1:0", AF_INET, NULL, &error);
  if (socket == NULL || address == NULL || !ss_socket_bind (socket, address, &error) ||
      (backlog > 0 && !ss_socket_listen (socket, backlog, &error)))
    g_error ("%s: %s", backlog > 0 ? "listener" : "bind", error->message);
  local = ss_socket_get_local_address (socket);
  *port = (guint16) g_ascii_strtoull (strrchr (local, ':') + 1, NULL, 10);
  return socket;
}
