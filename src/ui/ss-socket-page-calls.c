/* ss-socket-page-calls.c — which calls a socket's page shows, and the address
 * its Bind starts with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "ss-socket-page-private.h"

/* The rows of the calls grid in ss-socket-page.ui, one call each. */
typedef enum
{
  CALL_BIND,
  CALL_LISTEN,
  CALL_ACCEPT,
  CALL_CONNECT,
  CALL_CONNECT_EX,
  CALL_AUTO_RECEIVE,
  CALL_RECEIVE,
  CALL_SHUTDOWN,
  CALL_MODE,
  CALL_CLOSE,
  N_CALLS
} CallRow;

static void
show_row (GtkGrid *grid,
          CallRow  row,
          gboolean shown)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (grid));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int top;

      gtk_grid_query_child (grid, child, NULL, &top, NULL, NULL);
      if (top == (int) row)
        gtk_widget_set_visible (child, shown);
    }
}

/* Once bound (by Bind, by connect, from the command line), the bind row
 * says where: the port the kernel chose, not the 0 that asked for it. */
static void
show_bound_address (SsSocketPage *self)
{
  const char *local = ss_socket_get_local_address (self->socket);
  SsSocketState state = ss_socket_get_state (self->socket);

  if (local != NULL && state != SS_SOCKET_CREATED && state != SS_SOCKET_CLOSED &&
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->bind_entry)), local) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->bind_entry), local);
}

/* A call the socket can never make again is not shown, outside Learner
 * Mode: what the socket has become (a listener, a client, an accepted
 * connection) decides, not the step it is at, so the buttons of the
 * recipe under way stay where they are and the next step's is disabled
 * until it applies. A closed socket keeps the calls it had. Learner Mode
 * shows every call, for the kernel's own error. */
void
ss_socket_page_update_calls_shown (SsSocketPage *self)
{
  SsSocketState state = ss_socket_get_state (self->socket);
  int type = ss_socket_get_socket_type (self->socket);
  gboolean stream = type == SOCK_STREAM || type == SOCK_SEQPACKET;
  gboolean accepted = ss_socket_get_listener (self->socket) != NULL;
  /* a UDP relay receives and forwards by itself, to its target only */
  gboolean relay = ss_socket_get_relay_target (self->socket) != NULL;
  gboolean learner = g_settings_get_boolean (self->settings, "learner-mode");
  gboolean shown[N_CALLS];

  if (state == SS_SOCKET_LISTENING)
    self->was_listening = TRUE;
  if (state == SS_SOCKET_CONNECTING || state == SS_SOCKET_CONNECTED)
    self->was_connected = TRUE;

  shown[CALL_BIND] = !accepted;
  /* a listener only takes connections; a client or a datagram socket
   * never listens */
  shown[CALL_LISTEN] = stream && !accepted && !self->was_connected;
  shown[CALL_ACCEPT] = shown[CALL_LISTEN];
  shown[CALL_CONNECT] = !accepted && !self->was_listening && !relay;
  shown[CALL_CONNECT_EX] = shown[CALL_CONNECT];
  shown[CALL_AUTO_RECEIVE] = !self->was_listening && !relay;
  shown[CALL_RECEIVE] = shown[CALL_AUTO_RECEIVE];
  /* shutdown ends a direction of a connection */
  shown[CALL_SHUTDOWN] = stream && !self->was_listening;
  shown[CALL_MODE] = TRUE;
  shown[CALL_CLOSE] = TRUE;

  for (guint row = 0; row < N_CALLS; row++)
    show_row (self->calls_grid, row, learner || shown[row]);
  show_bound_address (self);
}

/* "HOST:PORT" → PORT, or 0 when @address has no port (a Unix path). */
static guint
port_of (const char *address)
{
  const char *colon = strrchr (address, ':');
  guint64 port = 0;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    return 0;
  return port;
}

/* The default bind host of the preferences, in the socket's family:
 * loopback and "all interfaces" have a name in each. */
static char *
dup_bind_host (SsSocketPage *self,
               int           family)
{
  g_autofree char *host = g_settings_get_string (self->settings, "default-bind-host");
  static const char *pairs[][2] = { { "127.0.0.1", "::1" }, { "0.0.0.0", "::" } };

  const char *shown = g_strstrip (host);

  if (*shown == '\0')
    shown = "127.0.0.1";
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    if (g_str_equal (shown, pairs[i][family == AF_INET6 ? 0 : 1]))
      shown = pairs[i][family == AF_INET6 ? 1 : 0];
  if (family == AF_INET6 && strchr (shown, ':') != NULL)
    return g_strdup_printf ("[%s]", shown);
  return g_strdup (shown);
}

/**
 * ss_socket_page_prefill_bind:
 *
 * The bind address a page starts with: the default bind host of the
 * preferences and the port last bound (0 lets the kernel choose); a Unix
 * socket starts empty, for a path.
 */
void
ss_socket_page_prefill_bind (SsSocketPage *self)
{
  int family = ss_socket_get_family (self->socket);
  g_autofree char *last = g_settings_get_string (self->settings, "last-bind-address");
  g_autofree char *host = NULL;
  g_autofree char *address = NULL;

  if (family != AF_INET && family != AF_INET6)
    address = g_strdup (g_str_has_prefix (last, "/") || g_str_has_prefix (last, "@") ? last : "");
  else
    {
      host = dup_bind_host (self, family);
      address = g_strdup_printf ("%s:%u", host, port_of (last));
    }
  gtk_editable_set_text (GTK_EDITABLE (self->bind_entry), address);
  g_free (self->bind_prefill);
  self->bind_prefill = g_steal_pointer (&address);
}

/* A new default bind host shows on the pages whose address the person
 * has not typed over yet. */
void
ss_socket_page_bind_host_changed (SsSocketPage *self)
{
  if (ss_socket_get_state (self->socket) == SS_SOCKET_CREATED &&
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->bind_entry)), self->bind_prefill) == 0)
    ss_socket_page_prefill_bind (self);
}
