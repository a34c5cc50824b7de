/* test-server-close.c — a listener's connections close as a server's do,
 * closed ones leave its list, and a server's backlog is the kernel's
 * longest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-socket.h"

#define CHURN_CYCLES 2000
#define CHURN_BATCH  50

typedef struct
{
  SsSocket *listener;
  guint     n;
} ClosedWait;

static guint
count_closed (SsSocket *listener)
{
  GListModel *connections = ss_socket_get_connections (listener);
  guint n = g_list_model_get_n_items (connections), closed = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (connections, i);

      if (ss_socket_get_state (connection) == SS_SOCKET_CLOSED)
        closed++;
    }
  return closed;
}

static gboolean
all_closed (gpointer user_data)
{
  ClosedWait *wait = user_data;

  return count_closed (wait->listener) == wait->n;
}

static gboolean
fds_back (gpointer user_data)
{
  return ss_test_count_fds () <= GPOINTER_TO_UINT (user_data);
}

static SsSocket *
server_new (SsSession *session,
            gboolean   close_on_peer_close)
{
  g_autoptr(GError) error = NULL;
  SsSocket *listener = ss_test_create (session, AF_INET, SOCK_STREAM);

  ss_socket_set_close_on_peer_close (listener, close_on_peer_close);
  ss_test_bind_ok (listener, "127.0.0.1:0");
  g_assert_true (ss_socket_listen (listener, ss_socket_max_backlog (), &error));
  g_assert_no_error (error);
  return listener;
}

static int
connect_client (SsSocket *listener)
{
  return ss_test_raw_connect (AF_INET, ss_test_port_of (ss_socket_get_local_address (listener)),
                              SS_TEST_TIMEOUT_MS);
}

/* One client, and the listener's connection to it (its first). */
static int
accept_client (SsSocket  *listener,
               SsSocket **connection)
{
  int client = connect_client (listener);

  ss_test_wait_connections (listener, 1);
  *connection = ss_test_connection_at (listener, 0);
  return client;
}

/* 2,000 clients connect and go, in the three ways a client goes: after
 * sending a line, at once, and with a reset (SO_LINGER 0). Every
 * connection closes, and the process holds the descriptors it held. */
static void
test_churn_releases_descriptors (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsSocket *listener = server_new (session, TRUE);
  ClosedWait wait = { listener, 0 };
  guint start = ss_test_count_fds ();
  guint accepted = 0;

  for (guint done = 0; done < CHURN_CYCLES; done += CHURN_BATCH)
    {
      int clients[CHURN_BATCH];

      for (guint i = 0; i < CHURN_BATCH; i++)
        clients[i] = connect_client (listener);
      accepted += CHURN_BATCH;
      ss_test_wait_connections (listener, accepted);
      for (guint i = 0; i < CHURN_BATCH; i++)
        switch (i % 3)
          {
          case 0:
            ss_test_raw_send_all (clients[i], "line\n", 5, SS_TEST_TIMEOUT_MS);
            g_assert_no_errno (close (clients[i]));
            break;
          case 1:
            g_assert_no_errno (close (clients[i]));
            break;
          default:
            ss_test_raw_close_with_reset (clients[i]);
            break;
          }
      wait.n = accepted;
      ss_test_wait_until (all_closed, &wait, SS_TEST_LONG_TIMEOUT_MS);
    }

  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, CHURN_CYCLES);
  g_assert_cmpuint (ss_test_count_calls (ss_session_get_calls (session), "close"), ==, CHURN_CYCLES);
  ss_test_wait_until (fds_back, GUINT_TO_POINTER (start), SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (ss_test_count_fds (), ==, start);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* The close is in the call log like any call, in C and in the seed's
 * Python, after the recv() that returned 0; the connection's traffic
 * stays and says it closed. */
static void
test_close_is_a_call (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  SsSocket *listener = server_new (session, TRUE);
  g_autofree char *python = NULL;
  g_autoptr(SsCall) close_call = NULL;
  g_autoptr(SsCall) recv_call = NULL;
  g_autofree char *c = NULL;
  g_autofree char *expected_c = NULL;
  SsSocket *connection;
  ClosedWait wait = { listener, 1 };
  guint close_at, recv_at;
  int client, fd;

  client = accept_client (listener, &connection);
  g_assert_true (ss_socket_get_close_on_peer_close (connection));
  fd = ss_socket_get_fd (connection);
  ss_test_raw_send_all (client, "hello", 5, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (close (client));
  ss_test_wait_until (all_closed, &wait, SS_TEST_TIMEOUT_MS);

  python = g_strdup_printf ("conn%d.close()", fd);
  close_at = ss_test_assert_call (calls, "close", fd, 0, 0, python);
  close_call = g_list_model_get_item (G_LIST_MODEL (calls), close_at);
  c = ss_call_to_c (close_call);
  expected_c = g_strdup_printf ("close(%d) = 0", fd);
  g_assert_cmpstr (c, ==, expected_c);
  recv_call = ss_test_find_call (calls, "recv", fd, &recv_at);
  g_assert_nonnull (recv_call);
  g_assert_cmpuint (recv_at, <, close_at);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, "hello", 5);
  ss_test_assert_event (connection, "Closed");
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

static gboolean
peer_closed (gpointer socket)
{
  return ss_socket_get_peer_closed (socket);
}

/* With data still queued the close waits until the queue has gone out:
 * the client reads everything, then the end of the stream. */
static void
test_close_waits_for_queue (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  SsSocket *listener = server_new (session, TRUE);
  gsize size = 8 * 1024 * 1024;
  g_autofree guint8 *data = g_malloc (size);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GError) error = NULL;
  SsSocket *connection;
  guint sendall_at, close_at;
  int client, fd;

  for (gsize i = 0; i < size; i++)
    data[i] = i * 7;
  payload = g_bytes_new_static (data, size);
  client = accept_client (listener, &connection);
  fd = ss_socket_get_fd (connection);

  /* the client reads nothing yet: most of the payload stays queued */
  g_assert_true (ss_socket_send (connection, payload, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ss_socket_get_queued (connection), >, 0);
  g_assert_no_errno (shutdown (client, SHUT_WR));
  ss_test_wait_until (peer_closed, connection, SS_TEST_TIMEOUT_MS);
  ss_test_drain_main_context ();
  g_assert_cmpint (ss_socket_get_state (connection), ==, SS_SOCKET_CONNECTED);
  g_assert_cmpuint (ss_socket_get_queued (connection), >, 0);

  received = ss_test_raw_recv (client, G_MAXSIZE, TRUE, SS_TEST_LONG_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received), data, size);
  g_assert_cmpint (ss_socket_get_state (connection), ==, SS_SOCKET_CLOSED);
  sendall_at = ss_test_assert_call (calls, "sendall", fd, size, 0, NULL);
  close_at = ss_test_assert_call (calls, "close", fd, 0, 0, NULL);
  g_assert_cmpuint (sendall_at, <, close_at);
  g_assert_no_errno (close (client));
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

static gboolean
is_closed (gpointer socket)
{
  return ss_socket_get_state (socket) == SS_SOCKET_CLOSED;
}

/* A reset while data is queued ends the sending: the connection closes,
 * and the sendall() says what it could not send. */
static void
test_reset_with_queue_closes (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  SsSocket *listener = server_new (session, TRUE);
  g_autoptr(GBytes) payload = g_bytes_new_take (g_malloc0 (8 * 1024 * 1024), 8 * 1024 * 1024);
  g_autoptr(SsCall) sendall = NULL;
  g_autoptr(GError) error = NULL;
  SsSocket *connection;
  int client, fd;

  client = accept_client (listener, &connection);
  fd = ss_socket_get_fd (connection);
  g_assert_true (ss_socket_send (connection, payload, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ss_socket_get_queued (connection), >, 0);
  ss_test_raw_close_with_reset (client);

  ss_test_wait_until (is_closed, connection, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (ss_test_get_failure (connection), !=, 0);
  g_assert_cmpuint (ss_socket_get_queued (connection), ==, 0);
  sendall = ss_test_find_call (calls, "sendall", fd, NULL);
  g_assert_nonnull (sendall);
  g_assert_cmpint (ss_call_get_errno (sendall), !=, 0);
  ss_test_assert_call (calls, "close", fd, 0, 0, NULL);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* Switched off, a connection whose peer closed stays open (CLOSE_WAIT),
 * as in the seed's recipe until the person closes it; switched on on the
 * listener, it closes at once. */
static void
test_switch_off_keeps_connection (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsSocket *listener = server_new (session, FALSE);
  SsSocket *connection;
  SsTcpInfo info;
  int client, fd;

  client = accept_client (listener, &connection);
  g_assert_false (ss_socket_get_close_on_peer_close (connection));
  fd = ss_socket_get_fd (connection);
  g_assert_no_errno (close (client));
  ss_test_wait_until (peer_closed, connection, SS_TEST_TIMEOUT_MS);
  ss_test_drain_main_context ();

  g_assert_cmpint (ss_socket_get_state (connection), ==, SS_SOCKET_CONNECTED);
  g_assert_cmpint (fcntl (fd, F_GETFD), !=, -1);
  g_assert_true (ss_socket_get_tcp_info (connection, &info));
  g_assert_cmpstr (info.state, ==, "CLOSE_WAIT");
  g_assert_cmpuint (ss_test_count_calls (ss_session_get_calls (session), "close"), ==, 0);

  /* changed on the listener while it listens: its connections follow */
  ss_socket_set_close_on_peer_close (listener, TRUE);
  g_assert_true (ss_socket_get_close_on_peer_close (connection));
  g_assert_cmpint (ss_socket_get_state (connection), ==, SS_SOCKET_CLOSED);
  g_assert_cmpint (ss_socket_get_state (listener), ==, SS_SOCKET_LISTENING);
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

static void
remember_change_cb (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    guint      *change)
{
  change[0] = position;
  change[1] = removed;
  change[2] = added;
}

/* Six connections, four closed: keeping one closed removes the three
 * oldest closed in one change, and the open ones stay in order. */
static void
test_remove_closed (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsSocket *listener = server_new (session, FALSE);
  GListModel *connections = ss_socket_get_connections (listener);
  g_autoptr(SsSocket) removed_one = NULL;
  g_autoptr(SsTrafficLog) removed_log = NULL;
  SsSocket *kept[3];
  int clients[6];
  guint changes = 0;
  guint change[3] = { 0 };

  for (guint i = 0; i < 6; i++)
    clients[i] = connect_client (listener);
  ss_test_wait_connections (listener, 6);
  for (guint i = 0; i < 6; i++)
    {
      SsSocket *connection = ss_test_connection_at (listener, i);

      if (i != 1 && i != 4)
        ss_socket_close (connection);
    }
  kept[0] = ss_test_connection_at (listener, 1);
  kept[1] = ss_test_connection_at (listener, 4);
  kept[2] = ss_test_connection_at (listener, 5);
  /* someone (a merged log) holds a connection and its log */
  removed_one = g_object_ref (ss_test_connection_at (listener, 0));
  removed_log = g_object_ref (ss_socket_get_traffic (removed_one));

  g_signal_connect (connections, "items-changed", G_CALLBACK (ss_test_count_changes_cb), &changes);
  g_signal_connect (connections, "items-changed", G_CALLBACK (remember_change_cb), change);
  g_assert_cmpuint (ss_socket_remove_closed_connections (listener, 1), ==, 3);
  g_assert_cmpuint (changes, ==, 1);
  /* from the first to go to the last: the one open between them stays,
   * the newest two are not touched */
  g_assert_cmpuint (change[0], ==, 0);
  g_assert_cmpuint (change[1], ==, 4);
  g_assert_cmpuint (change[2], ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (ss_test_connection_at (listener, i) == kept[i]);

  /* nothing more to remove: no change */
  g_assert_cmpuint (ss_socket_remove_closed_connections (listener, 1), ==, 0);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (ss_socket_remove_closed_connections (listener, 0), ==, 1);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 2);
  g_signal_handlers_disconnect_by_func (connections, ss_test_count_changes_cb, &changes);
  g_signal_handlers_disconnect_by_func (connections, remember_change_cb, change);

  /* the removed connection's traffic is still there for its holder */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (removed_log)), >, 0);
  g_assert_cmpint (ss_socket_get_state (removed_one), ==, SS_SOCKET_CLOSED);

  for (guint i = 0; i < 6; i++)
    g_assert_no_errno (close (clients[i]));
  g_clear_object (&removed_log);
  g_clear_object (&removed_one);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

typedef struct
{
  SsSocket *listener;
  guint     n_items;
  guint     closed;
} ListWait;

static gboolean
list_is (gpointer user_data)
{
  ListWait *wait = user_data;

  return g_list_model_get_n_items (ss_socket_get_connections (wait->listener)) == wait->n_items &&
         count_closed (wait->listener) == wait->closed;
}

/* With a retention of two, the list keeps the two newest closed
 * connections and every open one, set from the session. */
static void
test_retention (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsSocket *listener;
  SsSocket *expected[3];
  ListWait wait = { NULL, 3, 2 };
  int clients[5];

  ss_session_set_close_on_peer_close (session, TRUE);
  ss_session_set_closed_retention (session, 2);
  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  g_assert_true (ss_socket_get_close_on_peer_close (listener));
  g_assert_cmpuint (ss_socket_get_closed_retention (listener), ==, 2);
  wait.listener = listener;

  for (guint i = 0; i < 5; i++)
    clients[i] = connect_client (listener);
  ss_test_wait_connections (listener, 5);
  expected[0] = ss_test_connection_at (listener, 2);
  expected[1] = ss_test_connection_at (listener, 3);
  expected[2] = ss_test_connection_at (listener, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_no_errno (close (clients[i]));
  ss_test_wait_until (list_is, &wait, SS_TEST_TIMEOUT_MS);
  for (guint i = 0; i < 3; i++)
    g_assert_true (ss_test_connection_at (listener, i) == expected[i]);
  g_assert_cmpint (ss_socket_get_state (expected[2]), ==, SS_SOCKET_CONNECTED);

  /* a lower retention applies at once, to sockets already made */
  ss_session_set_closed_retention (session, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, 1);
  g_assert_true (ss_test_connection_at (listener, 0) == expected[2]);

  g_assert_no_errno (close (clients[4]));
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* The system's longest accept queue, as the kernel says it; the socket
 * tells what was passed to listen(). */
static void
test_max_backlog (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autofree char *text = NULL;
  SsSocket *listener;
  SsTcpInfo info;

  if (g_file_get_contents ("/proc/sys/net/core/somaxconn", &text, NULL, NULL))
    g_assert_cmpint (ss_socket_max_backlog (), ==, atoi (text));
  else
    g_assert_cmpint (ss_socket_max_backlog (), ==, SOMAXCONN);

  listener = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_assert_cmpint (ss_socket_get_backlog (listener), ==, -1);
  ss_test_bind_ok (listener, "127.0.0.1:0");
  g_assert_true (ss_socket_listen (listener, 7, NULL));
  g_assert_cmpint (ss_socket_get_backlog (listener), ==, 7);
  g_assert_true (ss_socket_get_tcp_info (listener, &info));
  g_assert_cmpuint (info.backlog, ==, 7);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-close/churn-releases-descriptors", test_churn_releases_descriptors);
  g_test_add_func ("/server-close/close-is-a-call", test_close_is_a_call);
  g_test_add_func ("/server-close/close-waits-for-queue", test_close_waits_for_queue);
  g_test_add_func ("/server-close/reset-with-queue-closes", test_reset_with_queue_closes);
  g_test_add_func ("/server-close/switch-off-keeps-connection", test_switch_off_keeps_connection);
  g_test_add_func ("/server-close/remove-closed", test_remove_closed);
  g_test_add_func ("/server-close/retention", test_retention);
  g_test_add_func ("/server-close/max-backlog", test_max_backlog);

  return g_test_run ();
}
