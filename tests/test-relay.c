/* test-relay.c — a relay between real peers: bytes both ways intact, ends
 * and resets passed on, a refusing target, bounded buffering, recordings,
 * and a relay to itself refused (real programs on either side:
 * test-relay-programs.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ss-relay-pair.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"

#define BIG_BYTES ((gsize) 64 * 1024 * 1024)

typedef struct
{
  SsSession *session;
  SsSocket  *relay;
  int        target;      /* the server's raw listener */
  guint16    target_port;
  guint16    relay_port;
} Fixture;

static void
fixture_open (Fixture *f,
              int      family)
{
  g_autofree char *spec = NULL;

  f->session = ss_session_new ();
  f->target = ss_test_raw_listener (family, 0, &f->target_port);
  spec = family == AF_INET6
         ? g_strdup_printf ("tcp-relay:[::1]:0:[::1]:%u", f->target_port)
         : g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", f->target_port);
  f->relay = ss_test_open_relay (f->session, spec);
  f->relay_port = ss_test_relay_port (f->relay);
}

static void
fixture_close (Fixture *f)
{
  close (f->target);
  ss_socket_close (f->relay);
  ss_test_finalize_session (f->session, f->relay, NULL);
}

/* A client through the relay and the server's end of it. */
static void
connect_pair (Fixture *f,
              int      family,
              int     *client,
              int     *server)
{
  *client = ss_test_raw_connect (family, f->relay_port, SS_TEST_TIMEOUT_MS);
  *server = ss_test_raw_accept (f->target, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (fcntl (*server, F_SETFL, O_NONBLOCK));
  ss_test_wait_connections (f->relay, 1);
}

static SsSocket *
pair_client_leg (Fixture *f)
{
  return ss_test_connection_at (f->relay, 0);
}

/* Both peers send and read at once, as real ones do: neither can wait
 * for the other to finish first, or backpressure would stall both. */
typedef struct
{
  int         fd[2];
  guint8     *pattern;       /* 1 MiB, sent over and over */
  gsize       pattern_len;
  gsize       total;
  gsize       sent[2];
  gsize       received[2];   /* by fd[i], from the other */
  GChecksum  *sum_sent[2];
  GChecksum  *sum_received[2];
} Shuttle;

static gboolean
shuttle_step (gpointer user_data)
{
  Shuttle *s = user_data;

  for (guint i = 0; i < 2; i++)
    {
      guint8 buffer[64 * 1024];
      gssize n;

      while (s->sent[i] < s->total)
        {
          gsize offset = (s->sent[i] + i * 4099) % s->pattern_len;
          gsize len = MIN (s->pattern_len - offset, s->total - s->sent[i]);

          n = send (s->fd[i], s->pattern + offset, len, MSG_NOSIGNAL);
          if (n < 0)
            {
              g_assert_true (errno == EAGAIN || errno == EWOULDBLOCK);
              break;
            }
          g_checksum_update (s->sum_sent[i], s->pattern + offset, n);
          s->sent[i] += n;
        }
      while ((n = recv (s->fd[i], buffer, sizeof buffer, 0)) > 0)
        {
          g_checksum_update (s->sum_received[i], buffer, n);
          s->received[i] += n;
        }
      g_assert_true (n != 0 || s->received[i] == s->total);
    }
  return s->received[0] == s->total && s->received[1] == s->total;
}

static void
shuttle (int   client,
         int   server,
         gsize total)
{
  Shuttle s = { { client, server }, NULL, 1024 * 1024, total };

  s.pattern = g_malloc (s.pattern_len);
  for (gsize i = 0; i < s.pattern_len; i++)
    s.pattern[i] = (guint8) g_test_rand_int ();
  for (guint i = 0; i < 2; i++)
    {
      s.sum_sent[i] = g_checksum_new (G_CHECKSUM_SHA256);
      s.sum_received[i] = g_checksum_new (G_CHECKSUM_SHA256);
    }
  ss_test_wait_until (shuttle_step, &s, SS_TEST_LONG_TIMEOUT_MS);
  /* what each sent is what the other received, byte for byte */
  g_assert_cmpstr (g_checksum_get_string (s.sum_sent[0]), ==, g_checksum_get_string (s.sum_received[1]));
  g_assert_cmpstr (g_checksum_get_string (s.sum_sent[1]), ==, g_checksum_get_string (s.sum_received[0]));
  for (guint i = 0; i < 2; i++)
    {
      g_checksum_free (s.sum_sent[i]);
      g_checksum_free (s.sum_received[i]);
    }
  g_free (s.pattern);
}

static void
test_relay_both_ways (gconstpointer data)
{
  int family = GPOINTER_TO_INT (data);
  Fixture f = { 0 };
  SsSocket *leg;
  SsSocket *server_leg;
  int client, server;

  if (family == AF_INET6 && !ss_test_have_ipv6_loopback ())
    {
      g_test_skip ("no IPv6 loopback");
      return;
    }
  fixture_open (&f, family);
  connect_pair (&f, family, &client, &server);
  shuttle (client, server, BIG_BYTES);

  leg = pair_client_leg (&f);
  server_leg = ss_socket_get_relay_server (leg);
  g_assert_nonnull (server_leg);
  /* the pair's log holds both directions: in = client → server */
  g_assert_true (ss_traffic_log_get_relayed (ss_socket_get_traffic (leg)));
  g_assert_cmpuint (ss_socket_get_bytes_in (leg), ==, BIG_BYTES);
  g_assert_cmpuint (ss_socket_get_bytes_out (leg), ==, BIG_BYTES);
  g_assert_cmpuint (ss_socket_get_bytes_in (server_leg), ==, BIG_BYTES);
  g_assert_cmpuint (ss_socket_get_bytes_out (server_leg), ==, BIG_BYTES);
  g_assert_true (ss_traffic_log_get_relayed (ss_socket_get_all_traffic (f.relay)));

  close (client);
  close (server);
  fixture_close (&f);
}

static gboolean
is_closed (gpointer socket)
{
  return ss_socket_get_state (socket) == SS_SOCKET_CLOSED;
}

/* shutdown(SHUT_WR) on one side is an end of stream on the other, and
 * the other direction still works; then the pair closes. */
static void
test_relay_half_close (gconstpointer data)
{
  gboolean client_first = GPOINTER_TO_INT (data);
  Fixture f = { 0 };
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) answer = NULL;
  SsSocket *leg;
  SsSocket *server_leg;
  int client, server, first, second;

  fixture_open (&f, AF_INET);
  connect_pair (&f, AF_INET, &client, &server);
  /* a server's setting, which its connections follow, is not a pair's:
   * a half-close must not close the client's leg */
  ss_socket_set_close_on_peer_close (f.relay, TRUE);
  first = client_first ? client : server;
  second = client_first ? server : client;

  ss_test_raw_send_all (first, "last words", 10, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (shutdown (first, SHUT_WR));
  got = ss_test_raw_recv (second, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "last words", 10);

  leg = pair_client_leg (&f);
  server_leg = ss_socket_get_relay_server (leg);
  g_assert_cmpint (ss_socket_get_state (leg), ==, SS_SOCKET_CONNECTED);
  /* the other way is still open */
  ss_test_raw_send_all (second, "reply", 5, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (shutdown (second, SHUT_WR));
  answer = ss_test_raw_recv (first, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), "reply", 5);

  /* both ended: the pair is over */
  ss_test_wait_until (is_closed, leg, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (is_closed, server_leg, SS_TEST_TIMEOUT_MS);
  ss_test_assert_event (leg, "Peer closed its side");

  close (client);
  close (server);
  fixture_close (&f);
}

typedef struct
{
  int fd;
  int error;
} ReadError;

static gboolean
read_fails (gpointer user_data)
{
  ReadError *r = user_data;
  guint8 buffer[256];
  gssize n = recv (r->fd, buffer, sizeof buffer, 0);

  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return FALSE;
  r->error = n < 0 ? errno : 0;
  /* a clean end is not a reset: the test fails on it below */
  return n <= 0;
}

/* A reset on one side is a reset on the other. */
static void
test_relay_reset (gconstpointer data)
{
  gboolean client_first = GPOINTER_TO_INT (data);
  Fixture f = { 0 };
  ReadError r = { 0 };
  g_autoptr(GBytes) got = NULL;
  SsSocket *leg;
  int client, server;

  fixture_open (&f, AF_INET);
  connect_pair (&f, AF_INET, &client, &server);
  /* the pair is up both ways before the reset */
  ss_test_raw_send_all (client, "ping", 4, SS_TEST_TIMEOUT_MS);
  got = ss_test_raw_recv (server, 4, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 4);

  ss_test_raw_close_with_reset (client_first ? client : server);
  r.fd = client_first ? server : client;
  ss_test_wait_until (read_fails, &r, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (r.error, ==, ECONNRESET);

  leg = pair_client_leg (&f);
  ss_test_wait_until (is_closed, leg, SS_TEST_TIMEOUT_MS);
  ss_test_assert_event (leg, client_first ? "The client’s connection failed (ECONNRESET)"
                                          : "The server’s connection failed (ECONNRESET)");
  close (client_first ? server : client);
  fixture_close (&f);
}

/* A target that refuses: the client's connection is closed, and its log
 * says why. */
static void
test_relay_refused (void)
{
  SsSession *session = ss_session_new ();
  g_autoptr(GBytes) got = NULL;
  g_autofree char *spec = NULL;
  SsSocket *relay;
  SsSocket *leg;
  int client;

  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", ss_test_unused_port (AF_INET));
  relay = ss_test_open_relay (session, spec);
  client = ss_test_raw_connect (AF_INET, ss_test_relay_port (relay),
                                SS_TEST_TIMEOUT_MS);
  got = ss_test_raw_recv (client, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);

  ss_test_wait_connections (relay, 1);
  leg = ss_test_connection_at (relay, 0);
  ss_test_wait_until (is_closed, leg, SS_TEST_TIMEOUT_MS);
  ss_test_assert_event (leg, "The relay could not connect to");
  ss_test_assert_event (leg, "Connection refused");

  close (client);
  ss_socket_close (relay);
  ss_test_finalize_session (session, relay, NULL);
}

/* A server that never reads: the relay stops reading the client once
 * its buffer for that direction is full, so what it holds stays under the
 * bound however much the client offers; then everything still arrives. */
typedef struct
{
  int        client;
  SsSocket  *server_leg;
  guint8    *data;
  gsize      total;
  gsize      sent;
  GChecksum *sum;
  guint      idle_rounds;
  int        server;
  gsize      received;
  GChecksum *received_sum;
} Flood;

static void
flood_send (Flood *flood)
{
  while (flood->sent < flood->total)
    {
      gsize offset = flood->sent % (1024 * 1024);
      gssize n = send (flood->client, flood->data + offset,
                       MIN (1024 * 1024 - offset, flood->total - flood->sent), MSG_NOSIGNAL);

      if (n < 0)
        {
          g_assert_true (errno == EAGAIN);
          break;
        }
      g_checksum_update (flood->sum, flood->data + offset, n);
      flood->sent += n;
    }
}

static gboolean
flood_done (gpointer user_data)
{
  Flood *flood = user_data;
  guint8 buffer[64 * 1024];
  gssize n;

  flood_send (flood);
  while ((n = recv (flood->server, buffer, sizeof buffer, 0)) > 0)
    {
      g_checksum_update (flood->received_sum, buffer, n);
      flood->received += n;
    }
  g_assert_cmpuint (ss_socket_get_queued (flood->server_leg), <=,
                    SS_RELAY_PAIR_MAX_BUFFERED + 64 * 1024);
  return flood->received == flood->total;
}

static gboolean
client_stalled (gpointer user_data)
{
  Flood *flood = user_data;
  gsize before = flood->sent;
  guint64 queued_before = ss_socket_get_queued (flood->server_leg);

  flood_send (flood);
  /* the memory bound holds at every step, not only at the end */
  g_assert_cmpuint (ss_socket_get_queued (flood->server_leg), <=,
                    SS_RELAY_PAIR_MAX_BUFFERED + 64 * 1024);
  ss_test_drain_main_context ();
  /* stalled: nothing moved in a whole round of the main loop, twice */
  if (flood->sent == before && ss_socket_get_queued (flood->server_leg) == queued_before)
    flood->idle_rounds++;
  else
    flood->idle_rounds = 0;
  return flood->idle_rounds >= 3;
}

static void
test_relay_backpressure (void)
{
  Fixture f = { 0 };
  Flood flood = { 0 };
  g_autoptr(GChecksum) received_sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *sent_hex = NULL;
  SsSocket *leg;
  int client, server;

  fixture_open (&f, AF_INET);
  connect_pair (&f, AF_INET, &client, &server);
  leg = pair_client_leg (&f);
  ss_test_wait_until ((SsTestCondition) ss_socket_get_relay_server, leg, SS_TEST_TIMEOUT_MS);

  flood.client = client;
  flood.server_leg = ss_socket_get_relay_server (leg);
  flood.total = BIG_BYTES;
  flood.data = g_malloc (1024 * 1024);
  for (gsize i = 0; i < 1024 * 1024; i++)
    flood.data[i] = (guint8) (i * 7 + i / 251);
  flood.sum = g_checksum_new (G_CHECKSUM_SHA256);
  ss_test_wait_until (client_stalled, &flood, SS_TEST_LONG_TIMEOUT_MS);

  /* the client is paused: far from all was taken, and the relay holds at
   * most its bound (the rest waits in the kernel's buffers) */
  g_assert_cmpuint (flood.sent, <, flood.total);
  g_assert_cmpuint (ss_socket_get_queued (flood.server_leg), >, 0);
  g_assert_cmpuint (ss_socket_get_queued (flood.server_leg), <=,
                    SS_RELAY_PAIR_MAX_BUFFERED + 64 * 1024);
  g_test_message ("paused with %" G_GSIZE_FORMAT " bytes taken from the client, %" G_GSIZE_FORMAT
                  " queued in the relay", flood.sent, ss_socket_get_queued (flood.server_leg));

  /* the server reads: the rest flows, intact */
  flood.server = server;
  flood.received_sum = received_sum;
  ss_test_wait_until (flood_done, &flood, SS_TEST_LONG_TIMEOUT_MS);
  sent_hex = g_strdup (g_checksum_get_string (flood.sum));
  g_assert_cmpstr (sent_hex, ==, g_checksum_get_string (received_sum));

  g_checksum_free (flood.sum);
  g_free (flood.data);
  close (client);
  close (server);
  fixture_close (&f);
}

/* The relay's recording holds each pair as one TCP stream between the
 * client and the server, as each side sent it. */
static void
test_relay_record (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) node0 = NULL;
  g_autoptr(GBytes) node1 = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-relay-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "relay.pcapng", NULL);
  g_autofree char *client_address = NULL;
  SsTestFollow follow = { 0 };
  int client, server;

  fixture_open (&f, AF_INET);
  g_assert_true (ss_socket_start_recording (f.relay, path, &error));
  g_assert_no_error (error);
  connect_pair (&f, AF_INET, &client, &server);
  ss_test_raw_send_all (client, "GET / HTTP/1.0\r\n\r\n", 18, SS_TEST_TIMEOUT_MS);
  got = ss_test_raw_recv (server, 18, FALSE, SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (server, "HTTP/1.0 200 OK\r\n\r\nhello", 24, SS_TEST_TIMEOUT_MS);
  g_clear_pointer (&got, g_bytes_unref);
  got = ss_test_raw_recv (client, 24, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 24);
  client_address = g_strdup (ss_socket_get_peer_address (pair_client_leg (&f)));
  ss_socket_stop_recording (f.relay);

  if (ss_test_have_tshark ())
    {
      ss_test_tshark_follow (path, "tcp", &follow);
      /* the client spoke first, to the server's address, not the relay's */
      g_assert_cmpstr (follow.node0, ==, client_address);
      node0 = ss_test_follow_concat (&follow, 0);
      node1 = ss_test_follow_concat (&follow, 1);
      g_assert_cmpmem (g_bytes_get_data (node0, NULL), g_bytes_get_size (node0),
                       "GET / HTTP/1.0\r\n\r\n", 18);
      g_assert_cmpmem (g_bytes_get_data (node1, NULL), g_bytes_get_size (node1),
                       "HTTP/1.0 200 OK\r\n\r\nhello", 24);
      ss_test_follow_clear (&follow);
    }
  else
    g_test_message ("no tshark: the recording was not read back");

  g_unlink (path);
  g_rmdir (dir);
  close (client);
  close (server);
  fixture_close (&f);
}

/* A relay whose target is its own address would relay to itself. */
static void
test_relay_to_itself (void)
{
  SsSession *session = ss_session_new ();
  guint16 port;
  const char *formats[] = {
    "tcp-relay:%u:127.0.0.1:%u",
    "tcp-relay:0.0.0.0:%u:127.0.0.1:%u",
    "tcp-relay:127.0.0.1:%u:0.0.0.0:%u",
  };

  /* a port free to bind: taken, then let go */
  close (ss_test_raw_listener (AF_INET, 0, &port));
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *spec = g_strdup_printf (formats[i], port, port);
      SsSocket *relay = ss_test_open_spec (session, spec, &error);

      g_assert_null (relay);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "would connect to itself"));
    }
  ss_test_finalize_session (session, NULL);
}

static void
assert_datagram (int         fd,
                 const char *text,
                 guint16     from_port)
{
  guint16 port;
  g_autoptr(GBytes) got = ss_test_raw_recv_datagram (fd, &port, SS_TEST_TIMEOUT_MS);

  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), text, strlen (text));
  g_assert_cmpuint (port, ==, from_port);
}

static gboolean
all_connections_closed (gpointer relay)
{
  GListModel *connections = ss_socket_get_connections (relay);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (connections, i);

      if (ss_socket_get_state (connection) != SS_SOCKET_CLOSED)
        return FALSE;
    }
  return TRUE;
}

/* A UDP relay: each client gets its own upstream socket, and the target's
 * answers go back to the client they answer; idle pairs are closed. */
static void
test_relay_udp (void)
{
  SsSession *session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  guint16 target_port, port1, port2, from1, from2, relay;
  SsSocket *socket;
  int target, client1, client2;

  target = ss_test_raw_udp_socket (AF_INET, &target_port);
  client1 = ss_test_raw_udp_socket (AF_INET, &port1);
  client2 = ss_test_raw_udp_socket (AF_INET, &port2);
  spec = g_strdup_printf ("udp-relay:0:127.0.0.1:%u", target_port);
  socket = ss_test_open_spec (session, spec, &error);
  g_assert_no_error (error);
  g_object_unref (socket);  /* the session holds it */
  g_assert_cmpint (ss_socket_get_socket_type (socket), ==, SOCK_DGRAM);
  relay = ss_test_relay_port (socket);

  ss_test_raw_send_datagram (client1, relay, "from one");
  first = ss_test_raw_recv_datagram (target, &from1, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (first, NULL), g_bytes_get_size (first), "from one", 8);
  ss_test_raw_send_datagram (client2, relay, "from two");
  second = ss_test_raw_recv_datagram (target, &from2, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (second, NULL), g_bytes_get_size (second), "from two", 8);
  /* two clients, two upstream sockets, neither the relay's own */
  g_assert_cmpuint (from1, !=, from2);
  g_assert_cmpuint (from1, !=, relay);
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (socket)), ==, 2);

  /* answers in the other order: each reaches its own client, from the relay */
  ss_test_raw_send_datagram (target, from2, "to two");
  ss_test_raw_send_datagram (target, from1, "to one");
  assert_datagram (client2, "to two", relay);
  assert_datagram (client1, "to one", relay);
  /* a client's next datagram takes its own pair again */
  ss_test_raw_send_datagram (client1, relay, "again");
  assert_datagram (target, "again", from1);
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (socket)), ==, 2);
  g_assert_true (ss_traffic_log_get_relayed (ss_socket_get_traffic (socket)));
  g_assert_cmpuint (ss_traffic_log_get_bytes (ss_socket_get_traffic (socket), SS_TRAFFIC_RECEIVED), ==, 8 + 8 + 5);
  g_assert_cmpuint (ss_traffic_log_get_bytes (ss_socket_get_traffic (socket), SS_TRAFFIC_SENT), ==, 6 + 6);

  /* idle pairs close (checked once a second) */
  ss_socket_set_relay_idle_timeout (socket, 1);
  ss_test_wait_until (all_connections_closed, socket, SS_TEST_TIMEOUT_MS);
  ss_test_assert_event (socket, "was idle for 1 ms: closed");

  close (target);
  close (client1);
  close (client2);
  ss_socket_close (socket);
  ss_test_finalize_session (session, socket, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/relay/both-ways/ipv4", GINT_TO_POINTER (AF_INET), test_relay_both_ways);
  g_test_add_data_func ("/relay/both-ways/ipv6", GINT_TO_POINTER (AF_INET6), test_relay_both_ways);
  g_test_add_data_func ("/relay/half-close/client", GINT_TO_POINTER (TRUE), test_relay_half_close);
  g_test_add_data_func ("/relay/half-close/server", GINT_TO_POINTER (FALSE), test_relay_half_close);
  g_test_add_data_func ("/relay/reset/client", GINT_TO_POINTER (TRUE), test_relay_reset);
  g_test_add_data_func ("/relay/reset/server", GINT_TO_POINTER (FALSE), test_relay_reset);
  g_test_add_func ("/relay/refused", test_relay_refused);
  g_test_add_func ("/relay/backpressure", test_relay_backpressure);
  g_test_add_func ("/relay/record", test_relay_record);
  g_test_add_func ("/relay/to-itself", test_relay_to_itself);
  g_test_add_func ("/relay/udp", test_relay_udp);

  return g_test_run ();
}
