/* test-socket.c — SsSession and SsSocket on loopback: the seed's recipes,
 * step by step, with every call and every byte checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-test-socket.h"

/* fewer than a wakeup accepts (MAX_ACCEPTS_PER_WAKEUP) */
#define BATCH_CONNECTIONS 20

/* ------------------------------------------------------------------ */
/* the seed's server and client recipes, both ends Sockscope           */

typedef struct
{
  guint     n_accepted;
  SsSocket *last;
} Accepted;

static void
accepted_cb (SsSocket *listener,
             SsSocket *connection,
             Accepted *accepted)
{
  accepted->n_accepted++;
  accepted->last = connection;
  /* "already in the listener's connections" */
  g_assert_true (g_list_model_get_n_items (ss_socket_get_connections (listener)) >= 1);
  g_assert_true (ss_socket_get_listener (connection) == listener);
}

static void
run_recipe (int         family,
            const char *bind_address,
            const char *loopback_prefix)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) listener_states = NULL;
  g_autoptr(GArray) client_states = NULL;
  Accepted accepted = { 0 };
  SsSocket *listener, *client, *connection;
  guint16 port;
  int listener_fd, client_fd, connection_fd;
  guint pos_socket, pos_bind, pos_listen, pos_accept, pos_connect, pos_send, pos_reply;
  g_autofree char *expect_python = NULL;
  g_autofree char *address = NULL;
  static const char request[] = "你好，服务器\n\xff\xfe\x00\x80 GET /";
  static const char reply[] = "你好，客户端\n\x00\xc3\x28";

  /* server: socket → bind → listen */
  listener = ss_test_create (session, family, SOCK_STREAM);
  listener_fd = ss_socket_get_fd (listener);
  listener_states = ss_test_watch_states (listener);
  g_assert_true (g_list_model_get_n_items (ss_session_get_sockets (session)) == 1);
  g_assert_true (ss_socket_get_family (listener) == family);
  g_assert_cmpint (ss_socket_get_socket_type (listener), ==, SOCK_STREAM);
  g_assert_null (ss_socket_get_peer_address (listener));
  g_assert_true (ss_socket_get_auto_accept (listener));
  g_signal_connect (listener, "accepted", G_CALLBACK (accepted_cb), &accepted);

  ss_test_bind_ok (listener, bind_address);
  g_assert_cmpint (ss_socket_get_state (listener), ==, SS_SOCKET_BOUND);
  /* the kernel's port, not 0 */
  g_assert_true (g_str_has_prefix (ss_socket_get_local_address (listener), loopback_prefix));
  port = ss_test_port_of (ss_socket_get_local_address (listener));
  g_assert_cmpuint (port, !=, 0);
  g_assert_cmpuint (port, ==, ss_test_fd_local_port (listener_fd));

  g_assert_true (ss_socket_listen (listener, 5, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_get_state (listener), ==, SS_SOCKET_LISTENING);
  g_assert_cmpuint (ss_test_port_of (ss_socket_get_local_address (listener)), ==, port);
  ss_test_assert_event (listener, "Listening on");

  /* client: socket → connect */
  client = ss_test_create (session, family, SOCK_STREAM);
  client_fd = ss_socket_get_fd (client);
  client_states = ss_test_watch_states (client);
  address = g_strdup (ss_socket_get_local_address (listener));
  ss_test_connect_ok (client, address);
  g_assert_cmpstr (ss_socket_get_peer_address (client), ==, address);
  ss_test_assert_event (client, "Connected to");

  /* auto-accept */
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);
  connection_fd = ss_socket_get_fd (connection);
  g_assert_cmpuint (accepted.n_accepted, ==, 1);
  g_assert_true (accepted.last == connection);
  g_assert_true (ss_socket_get_listener (connection) == listener);
  g_assert_cmpint (ss_socket_get_state (connection), ==, SS_SOCKET_CONNECTED);
  g_assert_true (ss_socket_get_family (connection) == family);
  g_assert_cmpstr (ss_socket_get_peer_address (connection), ==, ss_socket_get_local_address (client));
  g_assert_cmpstr (ss_socket_get_local_address (connection), ==, ss_socket_get_peer_address (client));
  /* connections are under their listener, not in the session's list */
  g_assert_cmpuint (g_list_model_get_n_items (ss_session_get_sockets (session)), ==, 2);
  ss_test_assert_event (connection, "Accepted from");
  ss_test_assert_event (listener, "Accepted a connection from");

  /* bytes both ways, exactly */
  ss_test_send_ok (client, request, sizeof request - 1);
  ss_test_send_ok (connection, reply, sizeof reply - 1);
  ss_test_wait_bytes_in (connection, sizeof request - 1);
  ss_test_wait_bytes_in (client, sizeof reply - 1);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, request, sizeof request - 1);
  ss_test_assert_payload (client, SS_TRAFFIC_SENT, request, sizeof request - 1);
  ss_test_assert_payload (client, SS_TRAFFIC_RECEIVED, reply, sizeof reply - 1);
  ss_test_assert_payload (connection, SS_TRAFFIC_SENT, reply, sizeof reply - 1);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, sizeof request - 1);
  g_assert_cmpuint (ss_socket_get_bytes_out (connection), ==, sizeof reply - 1);
  g_assert_cmpuint (ss_socket_get_queued (client), ==, 0);
  g_assert_cmpuint (ss_socket_get_bytes_in (listener), ==, 0);

  /* the call log: every step with its result, in order */
  expect_python = g_strdup_printf ("sk%d = socket.socket(socket.%s, socket.SOCK_STREAM)",
                                   listener_fd, family == AF_INET ? "AF_INET" : "AF_INET6");
  {
    g_autoptr(SsCall) first = g_list_model_get_item (G_LIST_MODEL (calls), 0);

    g_assert_cmpstr (ss_call_get_name (first), ==, "socket");
    g_assert_cmpstr (ss_call_get_python (first), ==, expect_python);
    g_assert_cmpint (ss_call_get_result (first), ==, listener_fd);
    g_assert_cmpint (ss_call_get_errno (first), ==, 0);
    pos_socket = 0;
  }
  /* the last socket() call is the client's */
  ss_test_assert_call (calls, "socket", -1, client_fd, 0, NULL);
  g_clear_pointer (&expect_python, g_free);
  expect_python = family == AF_INET
    ? g_strdup_printf ("sk%d.bind(('127.0.0.1', 0))", listener_fd)
    : g_strdup_printf ("sk%d.bind(('::1', 0, 0, 0))", listener_fd);
  pos_bind = ss_test_assert_call (calls, "bind", listener_fd, 0, 0, expect_python);
  g_clear_pointer (&expect_python, g_free);
  expect_python = g_strdup_printf ("sk%d.listen(5)", listener_fd);
  pos_listen = ss_test_assert_call (calls, "listen", listener_fd, 0, 0, expect_python);
  g_clear_pointer (&expect_python, g_free);
  expect_python = g_strdup_printf ("conn%d, addr = sk%d.accept()", connection_fd, listener_fd);
  pos_accept = ss_test_assert_call (calls, "accept4", listener_fd, connection_fd, 0, expect_python);
  g_clear_pointer (&expect_python, g_free);
  expect_python = family == AF_INET
    ? g_strdup_printf ("sk%d.connect(('127.0.0.1', %u))", client_fd, port)
    : g_strdup_printf ("sk%d.connect(('::1', %u, 0, 0))", client_fd, port);
  pos_connect = ss_test_assert_call (calls, "connect", client_fd, 0, 0, expect_python);
  pos_send = ss_test_assert_call (calls, "sendall", client_fd, sizeof request - 1, 0, NULL);
  pos_reply = ss_test_assert_call (calls, "sendall", connection_fd, sizeof reply - 1, 0, NULL);
  g_assert_cmpuint (pos_socket, <, pos_bind);
  g_assert_cmpuint (pos_bind, <, pos_listen);
  g_assert_cmpuint (pos_listen, <, pos_connect);
  g_assert_cmpuint (pos_listen, <, pos_accept);
  g_assert_cmpuint (pos_connect, <, pos_send);
  g_assert_cmpuint (pos_accept, <, pos_reply);
  g_assert_cmpuint (ss_test_count_calls (calls, "socket"), ==, 2);
  {
    g_autoptr(SsCall) send_call = ss_test_find_call (calls, "sendall", client_fd, NULL);
    g_autofree char *name = ss_socket_dup_python_name (client);

    g_assert_true (g_str_has_prefix (ss_call_get_python (send_call), name));
    g_assert_true (strstr (ss_call_get_python (send_call), ".sendall(b'\\xe4\\xbd\\xa0") != NULL);
  }

  /* close: the client first, the connection sees it */
  ss_socket_close (client);
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CLOSED);
  ss_test_assert_call (calls, "close", client_fd, 0, 0, NULL);
  ss_test_wait_peer_closed (connection);
  ss_socket_close (connection);
  ss_socket_close (listener);

  ss_test_assert_states (listener_states, 3, SS_SOCKET_BOUND, SS_SOCKET_LISTENING, SS_SOCKET_CLOSED);
  ss_test_assert_states (client_states, 3, SS_SOCKET_CONNECTING, SS_SOCKET_CONNECTED, SS_SOCKET_CLOSED);

  ss_test_finalize_session (session, listener, client, connection, NULL);
}

static void
test_recipe_ipv4 (void)
{
  run_recipe (AF_INET, "127.0.0.1:0", "127.0.0.1:");
}

static void
test_recipe_ipv6 (void)
{
  if (!ss_test_have_ipv6_loopback ())
    {
      g_test_skip ("no IPv6 loopback ([::1]) here");
      return;
    }
  run_recipe (AF_INET6, "[::1]:0", "[::1]:");
}

static void
test_connect_by_name (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autofree char *address = g_strdup_printf ("localhost:%u",
                                              ss_test_port_of (ss_socket_get_local_address (listener)));

  /* looked up without blocking, then connected */
  ss_test_connect_ok (client, address);
  g_assert_cmpstr (ss_socket_get_peer_address (client), ==, ss_socket_get_local_address (listener));
  ss_test_wait_connections (listener, 1);

  ss_test_finalize_session (session, listener, client, NULL);
}

/* ------------------------------------------------------------------ */
/* accept by hand                                                      */

typedef struct
{
  SsSocket *listener;
  guint     n_before;
} QueuedWait;

/* A connection waits in the kernel's queue (the listener is readable), or
 * one was accepted although it should not have been: either way the wait
 * ends, and the caller's assertion says which. */
static gboolean
queued_or_accepted (gpointer user_data)
{
  QueuedWait *wait = user_data;
  struct pollfd pfd = { .fd = ss_socket_get_fd (wait->listener), .events = POLLIN };

  return g_list_model_get_n_items (ss_socket_get_connections (wait->listener)) > wait->n_before ||
         poll (&pfd, 1, 0) == 1;
}

static void
wait_queued_or_accepted (SsSocket *listener,
                         guint     n_before)
{
  QueuedWait wait = { listener, n_before };

  ss_test_wait_until (queued_or_accepted, &wait, SS_TEST_TIMEOUT_MS);
}

typedef struct
{
  guint n_signals;
  guint added;
} Changes;

static void
changes_cb (GListModel *model,
            guint       position,
            guint       removed,
            guint       added,
            Changes    *changes)
{
  changes->n_signals++;
  changes->added += added;
}

static gboolean
all_accepted (gpointer user_data)
{
  return ((Accepted *) user_data)->n_accepted == BATCH_CONNECTIONS;
}

/* Connections waiting together are taken in one wakeup, and the lists
 * that show them change once: the listener's connections and the call
 * log, however many there were. */
static void
test_accept_batch (void)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  g_autoptr(GError) error = NULL;
  Accepted accepted = { 0 };
  Changes connection_changes = { 0 }, call_changes = { 0 };
  int clients[BATCH_CONNECTIONS];
  SsSocket *listener;
  guint16 port;

  listener = ss_test_create (session, AF_INET, SOCK_STREAM);
  ss_socket_set_auto_accept (listener, FALSE);
  g_signal_connect (listener, "accepted", G_CALLBACK (accepted_cb), &accepted);
  ss_test_bind_ok (listener, "127.0.0.1:0");
  g_assert_true (ss_socket_listen (listener, BATCH_CONNECTIONS, &error));
  g_assert_no_error (error);
  port = ss_test_port_of (ss_socket_get_local_address (listener));

  /* on loopback a connect() returns once the kernel has queued it */
  for (guint i = 0; i < BATCH_CONNECTIONS; i++)
    clients[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  ss_test_drain_main_context ();

  g_signal_connect (ss_socket_get_connections (listener), "items-changed",
                    G_CALLBACK (changes_cb), &connection_changes);
  g_signal_connect (calls, "items-changed", G_CALLBACK (changes_cb), &call_changes);
  ss_socket_set_auto_accept (listener, TRUE);
  ss_test_wait_until (all_accepted, &accepted, SS_TEST_TIMEOUT_MS);

  g_assert_cmpuint (connection_changes.n_signals, ==, 1);
  g_assert_cmpuint (connection_changes.added, ==, BATCH_CONNECTIONS);
  g_assert_cmpuint (call_changes.n_signals, ==, 1);
  g_assert_cmpuint (call_changes.added, ==, BATCH_CONNECTIONS);
  g_assert_cmpuint (ss_test_count_calls (calls, "accept4"), ==, BATCH_CONNECTIONS);

  for (guint i = 0; i < BATCH_CONNECTIONS; i++)
    close (clients[i]);
  ss_test_finalize_session (session, listener, NULL);
}

static void
test_manual_accept (void)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  g_autoptr(GError) error = NULL;
  SsSocket *listener, *client, *client2, *connection;
  Accepted accepted = { 0 };
  guint n_notify = 0;

  listener = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_signal_connect (listener, "notify::auto-accept", G_CALLBACK (ss_test_count_cb), &n_notify);
  ss_socket_set_auto_accept (listener, FALSE);
  ss_socket_set_auto_accept (listener, FALSE);
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_false (ss_socket_get_auto_accept (listener));
  g_signal_connect (listener, "accepted", G_CALLBACK (accepted_cb), &accepted);
  ss_test_bind_ok (listener, "127.0.0.1:0");
  g_assert_true (ss_socket_listen (listener, 4, &error));
  g_assert_no_error (error);

  /* nothing queued: the kernel's EAGAIN, at once */
  g_assert_null (ss_socket_accept (listener, &error));
  g_assert_error (error, SS_ERRNO_ERROR, EAGAIN);
  g_assert_nonnull (strstr (error->message, "accept"));
  g_assert_nonnull (strstr (error->message, "EAGAIN"));
  g_clear_error (&error);
  ss_test_assert_call (calls, "accept4", ss_socket_get_fd (listener), -1, EAGAIN, NULL);

  client = ss_test_create (session, AF_INET, SOCK_STREAM);
  ss_test_connect_ok (client, ss_socket_get_local_address (listener));

  /* queued in the kernel, and nobody takes it while auto-accept is off */
  wait_queued_or_accepted (listener, 0);
  ss_test_drain_main_context ();
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, 0);
  g_assert_cmpuint (accepted.n_accepted, ==, 0);

  connection = ss_socket_accept (listener, &error);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_cmpuint (accepted.n_accepted, ==, 1);
  g_assert_true (ss_test_connection_at (listener, 0) == connection);
  g_assert_cmpstr (ss_socket_get_peer_address (connection), ==, ss_socket_get_local_address (client));
  ss_test_assert_call (calls, "accept4", ss_socket_get_fd (listener), ss_socket_get_fd (connection), 0, NULL);

  /* the connection works at once */
  ss_test_send_ok (client, "ping", 4);
  ss_test_wait_bytes_in (connection, 4);

  /* a second client waits until auto-accept is turned back on */
  client2 = ss_test_create (session, AF_INET, SOCK_STREAM);
  ss_test_connect_ok (client2, ss_socket_get_local_address (listener));
  wait_queued_or_accepted (listener, 1);
  ss_test_drain_main_context ();
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, 1);
  ss_socket_set_auto_accept (listener, TRUE);
  g_assert_cmpuint (n_notify, ==, 2);
  ss_test_wait_connections (listener, 2);
  g_assert_cmpuint (accepted.n_accepted, ==, 2);
  g_assert_cmpstr (ss_socket_get_peer_address (ss_test_connection_at (listener, 1)), ==,
                   ss_socket_get_local_address (client2));

  ss_test_finalize_session (session, listener, client, client2, connection, NULL);
}

static void
test_listener_close_keeps_connections (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsSocket *connection;
  g_autofree char *listener_name = ss_socket_dup_python_name (listener);
  g_autofree char *connection_name = NULL;
  g_autofree char *expected_name = NULL;

  ss_test_connect_ok (client, ss_socket_get_local_address (listener));
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);

  /* as the seed names them: sk for made sockets, conn for accepted ones */
  connection_name = ss_socket_dup_python_name (connection);
  expected_name = g_strdup_printf ("conn%d", ss_socket_get_fd (connection));
  g_assert_cmpstr (connection_name, ==, expected_name);
  g_clear_pointer (&expected_name, g_free);
  expected_name = g_strdup_printf ("sk%d", ss_socket_get_fd (listener));
  g_assert_cmpstr (listener_name, ==, expected_name);

  ss_socket_close (listener);
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, 1);
  g_assert_cmpint (ss_socket_get_state (connection), ==, SS_SOCKET_CONNECTED);
  ss_test_send_ok (client, "still here", 10);
  ss_test_wait_bytes_in (connection, 10);
  ss_test_send_ok (connection, "yes", 3);
  ss_test_wait_bytes_in (client, 3);

  ss_test_finalize_session (session, listener, client, connection, NULL);
}

/* ------------------------------------------------------------------ */
/* the command line's specs                                            */

static void
test_open_specs (void)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autoptr(SsSocket) client = NULL;
  g_autofree char *connect_spec = NULL;
  g_autofree char *listen_python = NULL;
  SsSocket *connection;

  listener = ss_test_open_spec (session, "tcp-listen:0", &error);
  g_assert_no_error (error);
  g_assert_nonnull (listener);
  g_assert_cmpint (ss_socket_get_state (listener), ==, SS_SOCKET_LISTENING);
  g_assert_cmpint (ss_socket_get_family (listener), ==, AF_INET);
  /* no host given: loopback, not every interface */
  g_assert_true (g_str_has_prefix (ss_socket_get_local_address (listener), "127.0.0.1:"));
  g_assert_cmpuint (ss_test_port_of (ss_socket_get_local_address (listener)), !=, 0);
  /* the kernel's longest accept queue, and the socket says what it got */
  listen_python = g_strdup_printf ("sk%d.listen(%d)", ss_socket_get_fd (listener),
                                   ss_socket_max_backlog ());
  ss_test_assert_call (calls, "listen", ss_socket_get_fd (listener), 0, 0, listen_python);
  g_assert_cmpint (ss_socket_get_backlog (listener), ==, ss_socket_max_backlog ());
  g_assert_cmpuint (g_list_model_get_n_items (ss_session_get_sockets (session)), ==, 1);

  connect_spec = g_strdup_printf ("tcp:%s", ss_socket_get_local_address (listener));
  client = ss_test_open_spec (session, connect_spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CONNECTED);
  g_assert_cmpstr (ss_socket_get_peer_address (client), ==, ss_socket_get_local_address (listener));
  g_assert_cmpuint (g_list_model_get_n_items (ss_session_get_sockets (session)), ==, 2);

  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);
  ss_test_send_ok (client, "spec", 4);
  ss_test_wait_bytes_in (connection, 4);

  g_assert_cmpuint (ss_test_count_calls (calls, "socket"), ==, 2);
  g_assert_cmpuint (ss_test_count_calls (calls, "bind"), ==, 1);
  g_assert_cmpuint (ss_test_count_calls (calls, "connect"), ==, 1);

  g_clear_object (&listener);
  g_clear_object (&client);
  ss_test_finalize_session (session, connection, NULL);
}

static void
test_open_spec_ipv6 (void)
{
  SsSession *session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autoptr(SsSocket) client = NULL;
  g_autofree char *connect_spec = NULL;

  if (!ss_test_have_ipv6_loopback ())
    {
      g_test_skip ("no IPv6 loopback ([::1]) here");
      g_object_unref (session);
      return;
    }

  listener = ss_test_open_spec (session, "tcp-listen:[::1]:0", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_get_family (listener), ==, AF_INET6);
  g_assert_true (g_str_has_prefix (ss_socket_get_local_address (listener), "[::1]:"));

  connect_spec = g_strdup_printf ("tcp:%s", ss_socket_get_local_address (listener));
  client = ss_test_open_spec (session, connect_spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_get_family (client), ==, AF_INET6);
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CONNECTED);
  ss_test_wait_connections (listener, 1);

  g_clear_object (&listener);
  g_clear_object (&client);
  ss_test_finalize_session (session, NULL);
}
/* ------------------------------------------------------------------ */
/* Unix domain sockets                                                 */

static void
run_unix_recipe (const char *address)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  g_autoptr(GError) error = NULL;
  SsSocket *listener, *client, *connection;
  static const char request[] = "你好\0\xff";

  listener = ss_test_create (session, AF_UNIX, SOCK_STREAM);
  ss_test_bind_ok (listener, address);
  g_assert_cmpstr (ss_socket_get_local_address (listener), ==, address);
  g_assert_true (ss_socket_listen (listener, 4, &error));
  g_assert_no_error (error);

  client = ss_test_create (session, AF_UNIX, SOCK_STREAM);
  ss_test_connect_ok (client, address);
  g_assert_cmpstr (ss_socket_get_peer_address (client), ==, address);
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);
  /* the client never bound: unnamed, shown as "" */
  g_assert_cmpstr (ss_socket_get_peer_address (connection), ==, "");

  ss_test_send_ok (client, request, sizeof request - 1);
  ss_test_wait_bytes_in (connection, sizeof request - 1);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, request, sizeof request - 1);
  ss_test_assert_call (calls, "connect", ss_socket_get_fd (client), 0, 0, NULL);

  ss_socket_close (client);
  ss_test_wait_peer_closed (connection);

  ss_test_finalize_session (session, listener, client, connection, NULL);
}

static void
test_unix_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-test-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "seed.sock", NULL);
  run_unix_recipe (path);
  /* the socket file bind() made is removed when Sockscope closes it */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_no_errno (g_rmdir (dir));
}

static void
test_unix_abstract (void)
{
  g_autofree char *name = g_strdup_printf ("@sockscope-test-%d-%08x", (int) getpid (),
                                           g_test_rand_int ());

  run_unix_recipe (name);
}

/* ------------------------------------------------------------------ */
/* lifetime                                                            */

static void
test_finalize_releases_fd (void)
{
  g_autoptr(GError) error = NULL;
  SsSocket *socket = ss_socket_new (NULL, AF_INET, SOCK_STREAM, 0, &error);
  struct stat before;
  int fd;

  g_assert_no_error (error);
  fd = ss_socket_get_fd (socket);
  g_assert_no_errno (fstat (fd, &before));
  g_assert_true (S_ISSOCK (before.st_mode));
  /* close-on-exec, as a GUI that spawns helpers needs; never blocking */
  g_assert_true (fcntl (fd, F_GETFD) & FD_CLOEXEC);
  g_assert_true (fcntl (fd, F_GETFL) & O_NONBLOCK);

  /* dropped without close(): released quietly, no call recorded */
  g_assert_finalize_object (socket);
  ss_test_assert_fd_released (fd, &before);
}

static void
test_remove_socket (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *socket = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsSocket *kept = ss_test_create (session, AF_INET6, SOCK_STREAM);

  g_object_ref (socket);
  ss_session_remove_socket (session, socket);
  g_assert_cmpuint (g_list_model_get_n_items (ss_session_get_sockets (session)), ==, 1);
  /* removing twice is harmless */
  ss_session_remove_socket (session, socket);
  g_assert_finalize_object (socket);

  ss_test_finalize_session (session, kept, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/socket/recipe/ipv4", test_recipe_ipv4);
  g_test_add_func ("/socket/recipe/ipv6", test_recipe_ipv6);
  g_test_add_func ("/socket/recipe/connect-by-name", test_connect_by_name);
  g_test_add_func ("/socket/recipe/unix-path", test_unix_path);
  g_test_add_func ("/socket/recipe/unix-abstract", test_unix_abstract);
  g_test_add_func ("/socket/accept/manual", test_manual_accept);
  g_test_add_func ("/socket/accept/batch", test_accept_batch);
  g_test_add_func ("/socket/accept/listener-close-keeps-connections",
                   test_listener_close_keeps_connections);
  g_test_add_func ("/socket/open/specs", test_open_specs);
  g_test_add_func ("/socket/open/ipv6", test_open_spec_ipv6);
  g_test_add_func ("/socket/lifetime/finalize-releases-fd", test_finalize_releases_fd);
  g_test_add_func ("/socket/lifetime/remove", test_remove_socket);

  return g_test_run ();
}
