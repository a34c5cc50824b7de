/* ss-socket-page-calls.c — which calls a socket's page shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

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
  shown[CALL_CONNECT] = !accepted && !self->was_listening;
  shown[CALL_CONNECT_EX] = shown[CALL_CONNECT];
  shown[CALL_AUTO_RECEIVE] = !self->was_listening;
  shown[CALL_RECEIVE] = !self->was_listening;
  /* shutdown ends a direction of a connection */
  shown[CALL_SHUTDOWN] = stream && !self->was_listening;
  shown[CALL_MODE] = TRUE;
  shown[CALL_CLOSE] = TRUE;

  for (guint row = 0; row < N_CALLS; row++)
    show_row (self->calls_grid, row, learner || shown[row]);
}
