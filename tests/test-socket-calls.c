/* test-socket-calls.c — each call of the socket API made one at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-icmp.h"
#include "ss-session.h"
#include "ss-test-socket.h"
#include "ss-test-util.h"

#define TIMEOUT_MS 10000

typedef struct
{
  SsSession *session;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->session = ss_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->session);
}

/* A connected pair: a Sockscope client and a raw peer on loopback. */
static SsSocket *
connect_to_raw_peer (Fixture *fixture,
                     int     *peer_out)
{
  int listener;
  SsSocket *client = ss_test_raw_pair (fixture->session, AF_INET, 0, &listener, peer_out);

  close (listener);
  return client;
}

static int
connect_ex_to (SsSocket   *socket,
               const char *address)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int code;

  ss_socket_connect_ex_async (socket, address, NULL, ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, TIMEOUT_MS);
  code = ss_socket_connect_ex_finish (socket, result, &error);
  g_assert_no_error (error);
  return code;
}

static void
test_connect_ex (Fixture       *fixture,
                 gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  SsSocket *refused = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);
  SsSocket *ok = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);
  g_autofree char *closed = g_strdup_printf ("127.0.0.1:%u", ss_test_unused_port (AF_INET));
  g_autofree char *open = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;
  int listener = ss_test_raw_listener (AF_INET, 0, &port);

  /* the kernel's answer is the returned code, not an error */
  g_assert_cmpint (connect_ex_to (refused, closed), ==, ECONNREFUSED);
  ss_test_assert_call (calls, "connect_ex", ss_socket_get_fd (refused), ECONNREFUSED, ECONNREFUSED, NULL);
  g_assert_cmpint (ss_socket_get_state (refused), ==, SS_SOCKET_CREATED);

  open = g_strdup_printf ("127.0.0.1:%u", port);
  g_assert_cmpint (connect_ex_to (ok, open), ==, 0);
  ss_test_assert_call (calls, "connect_ex", ss_socket_get_fd (ok), 0, 0, NULL);
  g_assert_cmpint (ss_socket_get_state (ok), ==, SS_SOCKET_CONNECTED);

  /* a mistake in the address is still an error */
  ss_socket_connect_ex_async (refused, "nonsense", NULL, ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, TIMEOUT_MS);
  g_assert_cmpint (ss_socket_connect_ex_finish (refused, result, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  close (listener);
}

static void
test_send_once (Fixture       *fixture,
                gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello", 5);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  int peer;
  SsSocket *client = connect_to_raw_peer (fixture, &peer);

  g_assert_cmpint (ss_socket_send_once (client, hello, NULL, &error), ==, 5);
  g_assert_no_error (error);
  ss_test_assert_call (calls, "send", ss_socket_get_fd (client), 5, 0, NULL);
  got = ss_test_raw_recv (peer, 5, FALSE, TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "hello", 5);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, 5);
  close (peer);
}

static gboolean
has_readable (gpointer user_data)
{
  return ss_socket_get_readable (user_data) >= 10;
}

/* The peer's FIN is in: a recv() would not block. */
static gboolean
end_arrived (gpointer user_data)
{
  struct pollfd pfd = { .fd = ss_socket_get_fd (user_data), .events = POLLIN | POLLRDHUP };

  return poll (&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP));
}

/* With auto-receive off the data waits in the kernel; each Receive is one
 * recv() call, so a learner sees TCP keep no message boundaries. */
static void
test_manual_recv (Fixture       *fixture,
                  gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autoptr(GError) error = NULL;
  int peer;
  SsSocket *client = connect_to_raw_peer (fixture, &peer);

  ss_socket_set_auto_receive (client, FALSE);
  ss_test_raw_send_all (peer, "0123456789", 10, TIMEOUT_MS);
  ss_test_wait_until (has_readable, client, TIMEOUT_MS);
  ss_test_drain_main_context ();
  g_assert_cmpuint (ss_socket_get_bytes_in (client), ==, 0);

  g_assert_cmpint (ss_socket_recv (client, 4, &error), ==, 4);
  g_assert_no_error (error);
  ss_test_assert_call (calls, "recv", ss_socket_get_fd (client), 4, 0, NULL);
  g_assert_cmpint (ss_socket_get_readable (client), ==, 6);
  g_assert_cmpint (ss_socket_recv (client, 100, &error), ==, 6);
  ss_test_assert_payload (client, SS_TRAFFIC_RECEIVED, "0123456789", 10);

  g_assert_cmpint (ss_socket_recv (client, 100, &error), ==, -1);
  g_assert_error (error, SS_ERRNO_ERROR, EAGAIN);
  g_clear_error (&error);

  /* the peer's close is recv() returning 0 */
  close (peer);
  ss_test_wait_until (end_arrived, client, TIMEOUT_MS);
  g_assert_cmpint (ss_socket_recv (client, 100, &error), ==, 0);
  g_assert_true (ss_socket_get_peer_closed (client));
}

static void
test_shutdown_write (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  int peer;
  SsSocket *client = connect_to_raw_peer (fixture, &peer);

  ss_test_send_ok (client, "bye", 3);
  g_assert_true (ss_socket_shutdown (client, SHUT_WR, &error));
  g_assert_no_error (error);
  ss_test_assert_call (ss_session_get_calls (fixture->session), "shutdown",
                       ss_socket_get_fd (client), 0, 0, NULL);

  /* the peer reads the end of the stream; this side still receives */
  got = ss_test_raw_recv (peer, 100, TRUE, TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "bye", 3);
  ss_test_raw_send_all (peer, "still here", 10, TIMEOUT_MS);
  ss_test_wait_bytes_in (client, 10);
  ss_test_assert_payload (client, SS_TRAFFIC_RECEIVED, "still here", 10);
  g_assert_cmpint (ss_test_get_failure (client), ==, 0);
  close (peer);
}

static gboolean
has_sender (gpointer user_data)
{
  return ss_socket_get_last_sender (user_data) != NULL;
}

static void
test_udp_reply_to_sender (Fixture       *fixture,
                          gconstpointer  data)
{
  SsSocket *server = ss_test_create (fixture->session, AF_INET, SOCK_DGRAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pong = g_bytes_new_static ("pong", 4);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree char *sender = NULL;
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct sockaddr_in me = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t me_len = sizeof me;
  char buffer[16];
  int raw;

  ss_test_bind_ok (server, "127.0.0.1:0");
  to.sin_port = htons (ss_test_port_of (ss_socket_get_local_address (server)));

  raw = socket (AF_INET, SOCK_DGRAM, 0);
  g_assert_no_errno (bind (raw, (struct sockaddr *) &me, sizeof me));
  g_assert_no_errno (getsockname (raw, (struct sockaddr *) &me, &me_len));
  g_assert_cmpint (sendto (raw, "ping", 4, 0, (struct sockaddr *) &to, sizeof to), ==, 4);
  g_assert_cmpint (sendto (raw, "", 0, 0, (struct sockaddr *) &to, sizeof to), ==, 0);

  ss_test_wait_until (has_sender, server, TIMEOUT_MS);
  ss_test_wait_bytes_in (server, 4);
  sender = ss_address_to_string (ss_socket_get_last_sender (server));
  g_assert_cmpuint (ss_test_port_of (sender), ==, ntohs (me.sin_port));
  /* each datagram's entry names its sender */
  {
    GListModel *traffic = G_LIST_MODEL (ss_socket_get_traffic (server));
    guint n = g_list_model_get_n_items (traffic);
    g_autoptr(SsTrafficEntry) empty_one = g_list_model_get_item (traffic, n - 1);
    g_autoptr(SsTrafficEntry) ping = g_list_model_get_item (traffic, n - 2);

    g_assert_cmpuint (ss_traffic_entry_get_length (ping), ==, 4);
    g_assert_cmpstr (ss_traffic_entry_get_peer (ping), ==, sender);
    g_assert_cmpuint (ss_traffic_entry_get_length (empty_one), ==, 0);
    g_assert_cmpstr (ss_traffic_entry_get_peer (empty_one), ==, sender);
  }

  /* reply to the sender with sendto() */
  g_assert_cmpint (ss_socket_send_once (server, pong, ss_socket_get_last_sender (server), &error), ==, 4);
  g_assert_no_error (error);
  g_assert_cmpint (recv (raw, buffer, sizeof buffer, 0), ==, 4);
  g_assert_cmpmem (buffer, 4, "pong", 4);
  ss_test_assert_call (ss_session_get_calls (fixture->session), "sendto",
                       ss_socket_get_fd (server), 4, 0, NULL);

  /* a datagram socket without a destination: the kernel's EDESTADDRREQ */
  g_assert_cmpint (ss_socket_send_once (server, empty, NULL, &error), ==, -1);
  g_assert_error (error, SS_ERRNO_ERROR, EDESTADDRREQ);
  close (raw);
}

static void
test_socketpair (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SsSocket *first = ss_session_create_pair (fixture->session, SOCK_STREAM, &error);
  SsSocket *second;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (ss_session_get_sockets (fixture->session)), ==, 2);
  second = g_list_model_get_item (ss_session_get_sockets (fixture->session), 1);
  g_object_unref (second);
  ss_test_assert_call (ss_session_get_calls (fixture->session), "socketpair", -1, 0, 0, NULL);

  ss_test_send_ok (first, "to second", 9);
  ss_test_send_ok (second, "to first", 8);
  ss_test_wait_bytes_in (second, 9);
  ss_test_wait_bytes_in (first, 8);
  ss_test_assert_payload (second, SS_TRAFFIC_RECEIVED, "to second", 9);
  ss_test_assert_payload (first, SS_TRAFFIC_RECEIVED, "to first", 8);
}

/* Sockscope removes the socket file it made, and never anything that has
 * taken its place. */
static void
test_unix_file_replaced (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "server.sock", NULL);
  SsSocket *server = ss_test_create (fixture->session, AF_UNIX, SOCK_STREAM);

  ss_test_bind_ok (server, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_no_errno (g_unlink (path));
  g_assert_true (g_file_set_contents (path, "precious", -1, &error));

  ss_socket_close (server);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
}

/* Calls out of order reach the kernel, which answers with its own error. */
static void
test_kernel_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) hello = g_bytes_new_static ("hi", 2);
  SsSocket *udp = ss_test_create (fixture->session, AF_INET, SOCK_DGRAM);
  SsSocket *tcp = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);

  g_assert_false (ss_socket_listen (udp, 5, &error));
  g_assert_error (error, SS_ERRNO_ERROR, EOPNOTSUPP);
  g_clear_error (&error);

  g_assert_cmpint (ss_socket_send_once (tcp, hello, NULL, &error), ==, -1);
  g_assert_true (g_error_matches (error, SS_ERRNO_ERROR, EPIPE) ||
                 g_error_matches (error, SS_ERRNO_ERROR, ENOTCONN));
  g_clear_error (&error);

  ss_test_bind_ok (tcp, "127.0.0.1:0");
  g_assert_false (ss_test_bind (tcp, "127.0.0.1:0", &error));
  g_assert_error (error, SS_ERRNO_ERROR, EINVAL);
  g_clear_error (&error);

  g_assert_false (ss_socket_shutdown (tcp, SHUT_RDWR, &error));
  g_assert_error (error, SS_ERRNO_ERROR, ENOTCONN);
}

static gboolean
queue_has_two (gpointer user_data)
{
  SsTcpInfo info;

  return ss_socket_get_tcp_info (user_data, &info) && info.queue == 2;
}

/* With auto-accept off the connections wait in the kernel's accept queue,
 * which TCP_INFO shows, and each Accept takes one. */
static void
test_accept_queue (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SsSocket *listener = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);
  SsTcpInfo info;
  guint16 port;
  int clients[2];

  ss_socket_set_auto_accept (listener, FALSE);
  ss_test_bind_ok (listener, "127.0.0.1:0");
  g_assert_true (ss_socket_listen (listener, 5, &error));
  g_assert_true (ss_socket_get_tcp_info (listener, &info));
  g_assert_cmpstr (info.state, ==, "LISTEN");
  g_assert_cmpuint (info.backlog, ==, 5);
  g_assert_cmpuint (info.queue, ==, 0);

  port = ss_test_port_of (ss_socket_get_local_address (listener));
  clients[0] = ss_test_raw_connect (AF_INET, port, TIMEOUT_MS);
  clients[1] = ss_test_raw_connect (AF_INET, port, TIMEOUT_MS);
  ss_test_wait_until (queue_has_two, listener, TIMEOUT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, 0);

  g_assert_nonnull (ss_socket_accept (listener, &error));
  g_assert_no_error (error);
  g_assert_true (ss_socket_get_tcp_info (listener, &info));
  g_assert_cmpuint (info.queue, ==, 1);
  g_assert_true (ss_socket_get_tcp_info (ss_test_connection_at (listener, 0), &info));
  g_assert_cmpstr (info.state, ==, "ESTABLISHED");

  close (clients[0]);
  close (clients[1]);
}

/* Blocking mode, Python's default: a recv() by hand with nothing waiting
 * waits (the main loop does not), and only its outcome is recorded. */
static void
test_blocking_recv (Fixture       *fixture,
                    gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int peer;
  SsSocket *client = connect_to_raw_peer (fixture, &peer);

  ss_socket_set_auto_receive (client, FALSE);
  g_assert_cmpfloat (ss_socket_get_timeout (client), <, 0);
  ss_socket_recv_async (client, 4, NULL, ss_test_store_result_cb, &result);
  ss_test_drain_main_context ();
  g_assert_null (result);
  g_assert_true (ss_socket_get_waiting (client));
  g_assert_cmpuint (ss_test_count_calls (calls, "recv"), ==, 0);

  ss_test_raw_send_all (peer, "abcdef", 6, TIMEOUT_MS);
  ss_test_wait_result (&result, TIMEOUT_MS);
  g_assert_cmpint (ss_socket_recv_finish (client, result, &error), ==, 4);
  g_assert_no_error (error);
  g_assert_false (ss_socket_get_waiting (client));
  g_assert_cmpuint (ss_test_count_calls (calls, "recv"), ==, 1);
  ss_test_assert_payload (client, SS_TRAFFIC_RECEIVED, "abcd", 4);
  close (peer);
}

static void
test_timeout_recv (Fixture       *fixture,
                   gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int peer;
  SsSocket *client = connect_to_raw_peer (fixture, &peer);

  ss_socket_set_auto_receive (client, FALSE);
  ss_socket_set_timeout (client, 0.05);
  ss_test_assert_call (calls, "settimeout", ss_socket_get_fd (client), 0, 0, NULL);
  ss_socket_recv_async (client, 100, NULL, ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, TIMEOUT_MS);
  g_assert_cmpint (ss_socket_recv_finish (client, result, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  ss_test_assert_call (calls, "recv", ss_socket_get_fd (client), -1, ETIMEDOUT, NULL);
  close (peer);
}

static void
test_blocking_accept_cancelled (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) connection = NULL;
  SsSocket *listener = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);
  guint16 port;
  int client;

  ss_socket_set_auto_accept (listener, FALSE);
  ss_test_bind_ok (listener, "127.0.0.1:0");
  g_assert_true (ss_socket_listen (listener, 5, &error));
  port = ss_test_port_of (ss_socket_get_local_address (listener));

  /* a waiting accept() can be given up */
  ss_socket_accept_async (listener, cancellable, ss_test_store_result_cb, &first);
  ss_test_drain_main_context ();
  g_assert_true (ss_socket_get_waiting (listener));
  g_cancellable_cancel (cancellable);
  ss_test_wait_result (&first, TIMEOUT_MS);
  g_assert_null (ss_socket_accept_finish (listener, first, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* and one that waits gets the connection when it comes */
  ss_socket_accept_async (listener, NULL, ss_test_store_result_cb, &second);
  client = ss_test_raw_connect (AF_INET, port, TIMEOUT_MS);
  ss_test_wait_result (&second, TIMEOUT_MS);
  connection = ss_socket_accept_finish (listener, second, &error);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_cmpint (ss_socket_get_state (connection), ==, SS_SOCKET_CONNECTED);
  close (client);
}

/* Blocking send(): with the kernel's buffer full it waits until the peer
 * reads, then takes some bytes. */
static void
test_blocking_send (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GBytes) chunk = g_bytes_new_take (g_malloc0 (65536), 65536);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint sends = 0;
  int peer;
  SsSocket *client = connect_to_raw_peer (fixture, &peer);

  /* fill the buffers with non-blocking sends, bounded */
  ss_socket_set_timeout (client, 0);
  while (ss_socket_send_once (client, chunk, NULL, &error) > 0 && sends < 10000)
    sends++;
  g_assert_error (error, SS_ERRNO_ERROR, EAGAIN);
  g_clear_error (&error);

  ss_socket_set_timeout (client, -1);
  ss_socket_send_async (client, chunk, NULL, NULL, ss_test_store_result_cb, &result);
  ss_test_drain_main_context ();
  g_assert_null (result);
  g_assert_true (ss_socket_get_waiting (client));

  /* the peer reads, a chunk at a time, until the waiting send goes */
  for (guint i = 0; i < 1000 && result == NULL; i++)
    {
      g_bytes_unref (ss_test_raw_recv (peer, 65536, FALSE, TIMEOUT_MS));
      ss_test_drain_main_context ();
    }
  ss_test_wait_result (&result, TIMEOUT_MS);
  g_assert_cmpint (ss_socket_send_finish (client, result, &error), >, 0);
  g_assert_no_error (error);
  close (peer);
}

static gboolean
is_connected (gpointer user_data)
{
  return ss_socket_get_state (user_data) == SS_SOCKET_CONNECTED;
}

/* Non-blocking mode: connect() answers EINPROGRESS at once, as Python
 * raises it, and the connection completes in the background. */
static void
test_nonblocking_connect (Fixture       *fixture,
                          gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  SsSocket *client = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);
  guint16 port;
  int listener = ss_test_raw_listener (AF_INET, 0, &port);

  ss_socket_set_timeout (client, 0);
  ss_test_assert_call (calls, "setblocking", ss_socket_get_fd (client), 0, 0, NULL);
  address = g_strdup_printf ("127.0.0.1:%u", port);
  if (ss_test_connect (client, address, &error))
    g_test_message ("the kernel connected at once");
  else
    {
      g_assert_error (error, SS_ERRNO_ERROR, EINPROGRESS);
      ss_test_assert_call (calls, "connect", ss_socket_get_fd (client), -1, EINPROGRESS, NULL);
      ss_test_wait_until (is_connected, client, TIMEOUT_MS);
      ss_test_assert_event (client, "Connected to");
    }
  close (listener);
}

/* A ping socket: ICMP echo without privileges where the system allows it
 * (net.ipv4.ping_group_range); elsewhere the kernel's refusal, explained. */
static void
test_ping_socket (Fixture       *fixture,
                  gconstpointer  data)
{
  static const guint8 echo[] = { 8, 0, 0, 0, 0, 0, 0, 1, 'p', 'i', 'n', 'g' };
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) request = g_bytes_new_static (echo, sizeof echo);
  g_autoptr(SsAddress) to = NULL;
  g_autoptr(SsCall) call = NULL;
  SsSocket *ping;

  ping = ss_session_create_socket (fixture->session, AF_INET, SOCK_DGRAM, IPPROTO_ICMP, &error);
  call = ss_test_find_call (calls, "socket", -1, NULL);
  g_assert_nonnull (strstr (ss_call_get_args (call), "IPPROTO_ICMP"));
  g_assert_nonnull (strstr (ss_call_get_python (call), "socket.IPPROTO_ICMP"));
  if (ping == NULL)
    {
      g_assert_true (g_error_matches (error, SS_ERRNO_ERROR, EACCES) ||
                     g_error_matches (error, SS_ERRNO_ERROR, EPERM));
      g_assert_nonnull (ss_errno_explain (error->code));
      g_test_message ("ping sockets are not allowed here: %s", error->message);
      return;
    }

  /* the kernel fills in the identifier and the checksum */
  to = ss_address_parse_numeric ("127.0.0.1:0", AF_INET, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_send_once (ping, request, to, &error), ==, sizeof echo);
  g_assert_no_error (error);
  ss_test_wait_bytes_in (ping, sizeof echo);
  {
    g_autoptr(GBytes) reply = ss_traffic_log_dup_payload (ss_socket_get_traffic (ping),
                                                          SS_TRAFFIC_RECEIVED);
    gsize len;
    const guint8 *bytes = g_bytes_get_data (reply, &len);

    g_assert_cmpuint (len, ==, sizeof echo);
    g_assert_cmpuint (bytes[0], ==, 0);  /* echo reply */
    g_assert_cmpmem (bytes + 8, 4, "ping", 4);
  }
}

static void
test_icmp_checksum (void)
{
  g_autoptr(GBytes) request = ss_icmp_echo_request (AF_INET, 0x1234, 7, (const guint8 *) "ping", 4);
  g_autoptr(GBytes) request6 = ss_icmp_echo_request (AF_INET6, 0, 1, NULL, 0);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (request, &len);

  g_assert_cmpuint (len, ==, 12);
  g_assert_cmpuint (bytes[0], ==, 8);
  g_assert_cmpuint (bytes[4] << 8 | bytes[5], ==, 0x1234);
  g_assert_cmpuint (bytes[6] << 8 | bytes[7], ==, 7);
  /* a message with its checksum in place sums to zero */
  g_assert_cmpuint (ss_icmp_checksum (bytes, len), ==, 0);
  /* RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
  g_assert_cmpuint (ss_icmp_checksum ((const guint8 *) "\x00\x01\xf2\x03\xf4\xf5\xf6\xf7", 8),
                    ==, (guint16) ~0xddf2);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (request6, NULL))[0], ==, 128);
}

static gboolean
has_echo_reply (gpointer user_data)
{
  GListModel *traffic = G_LIST_MODEL (ss_socket_get_traffic (user_data));
  guint n = g_list_model_get_n_items (traffic);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (traffic, i);
      gsize len;
      const guint8 *bytes = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);
      gsize header = len > 0 ? (bytes[0] & 0x0f) * 4 : 0;

      /* a received IPv4 packet: the IP header, then the ICMP message */
      if (ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_RECEIVED &&
          len == header + 17 && bytes[header] == 0 &&
          memcmp (bytes + header + 8, "sockscope", 9) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A raw ICMP socket (root here; otherwise the kernel's EPERM, explained)
 * sees the echo request go out and the reply come back on loopback. */
static void
test_raw_echo (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) request = ss_icmp_echo_request (AF_INET, 0x5353, 1, (const guint8 *) "sockscope", 9);
  g_autoptr(SsAddress) to = ss_address_parse_numeric ("127.0.0.1:0", AF_INET, NULL, NULL);
  SsSocket *raw;

  raw = ss_session_create_socket (fixture->session, AF_INET, SOCK_RAW, IPPROTO_ICMP, &error);
  if (raw == NULL)
    {
      g_assert_true (g_error_matches (error, SS_ERRNO_ERROR, EPERM) ||
                     g_error_matches (error, SS_ERRNO_ERROR, EACCES));
      g_assert_nonnull (ss_errno_explain (error->code));
      g_test_skip ("raw sockets need CAP_NET_RAW");
      return;
    }

  g_assert_cmpint (ss_socket_send_once (raw, request, to, &error), ==, 17);
  g_assert_no_error (error);
  ss_test_wait_until (has_echo_reply, raw, TIMEOUT_MS);
}

/* Unix sockets from the command line's specs, and a seqpacket pair that
 * keeps message boundaries as a stream does not. */
static void
test_unix_specs_and_seqpacket (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("unix-listen:@sockscope-test-%d", getpid ());
  g_autofree char *target = g_strdup_printf ("unix:@sockscope-test-%d", getpid ());
  g_autoptr(SsSocket) listener = ss_test_open_spec (fixture->session, name, &error);
  g_autoptr(SsSocket) client = NULL;
  SsSocket *first, *second;

  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_get_state (listener), ==, SS_SOCKET_LISTENING);
  g_assert_cmpint (ss_socket_get_family (listener), ==, AF_UNIX);
  client = ss_test_open_spec (fixture->session, target, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CONNECTED);
  ss_test_wait_connections (listener, 1);

  first = ss_session_create_pair (fixture->session, SOCK_SEQPACKET, &error);
  g_assert_no_error (error);
  second = g_list_model_get_item (ss_session_get_sockets (fixture->session), 3);
  g_object_unref (second);
  ss_test_send_ok (first, "one", 3);
  ss_test_send_ok (first, "two!", 4);
  ss_test_wait_bytes_in (second, 7);
  /* two messages, two entries: seqpacket keeps boundaries */
  g_assert_cmpuint (ss_traffic_log_get_chunks (ss_socket_get_traffic (second), SS_TRAFFIC_RECEIVED), ==, 2);
}

static void
test_explanations (void)
{
  static const int common[] = {
    ECONNREFUSED, EADDRINUSE, EACCES, EADDRNOTAVAIL, ECONNRESET, EPIPE, ETIMEDOUT,
    ENETUNREACH, EAFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EOPNOTSUPP, ENOTCONN,
    EISCONN, EINVAL, EAGAIN, EINPROGRESS, EMFILE, EPERM,
  };

  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    {
      const char *text = ss_errno_explain (common[i]);

      g_assert_nonnull (text);
      g_assert_cmpuint (strlen (text), >, 20);
    }
  g_assert_nonnull (strstr (ss_errno_explain (EADDRINUSE), "SO_REUSEADDR"));
  g_assert_null (ss_errno_explain (0));
}

static void
test_udp_specs (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) server = ss_test_open_spec (fixture->session, "udp-listen:127.0.0.1:0", &error);
  g_autofree char *spec = NULL;
  g_autoptr(SsSocket) client = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_get_state (server), ==, SS_SOCKET_BOUND);
  g_assert_cmpint (ss_socket_get_socket_type (server), ==, SOCK_DGRAM);

  spec = g_strdup_printf ("udp:%s", ss_socket_get_local_address (server));
  client = ss_test_open_spec (fixture->session, spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CONNECTED);

  ss_test_send_ok (client, "datagram", 8);
  ss_test_wait_bytes_in (server, 8);
  ss_test_assert_payload (server, SS_TRAFFIC_RECEIVED, "datagram", 8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/socket-calls/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("connect-ex", test_connect_ex);
  ADD ("send-once", test_send_once);
  ADD ("manual-recv", test_manual_recv);
  ADD ("shutdown-write", test_shutdown_write);
  ADD ("udp-reply-to-sender", test_udp_reply_to_sender);
  ADD ("socketpair", test_socketpair);
  ADD ("unix-file-replaced", test_unix_file_replaced);
  ADD ("kernel-errors", test_kernel_errors);
  ADD ("udp-specs", test_udp_specs);
  ADD ("accept-queue", test_accept_queue);
  ADD ("blocking-recv", test_blocking_recv);
  ADD ("timeout-recv", test_timeout_recv);
  ADD ("blocking-accept-cancelled", test_blocking_accept_cancelled);
  ADD ("nonblocking-connect", test_nonblocking_connect);
  ADD ("blocking-send", test_blocking_send);
  ADD ("ping-socket", test_ping_socket);
  ADD ("raw-echo", test_raw_echo);
  ADD ("unix-specs-and-seqpacket", test_unix_specs_and_seqpacket);
#undef ADD
  g_test_add_func ("/socket-calls/explanations", test_explanations);
  g_test_add_func ("/socket-calls/icmp-checksum", test_icmp_checksum);

  return g_test_run ();
}
