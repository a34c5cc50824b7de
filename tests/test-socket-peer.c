/* test-socket-peer.c — sending and receiving against raw peers that close,
 * reset or read slowly, and datagrams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-test-socket.h"

/* ------------------------------------------------------------------ */
/* a raw peer that closes, resets or reads slowly                      */

typedef struct
{
  SsSession *session;
  SsSocket  *client;     /* Sockscope's end */
  int        listener;   /* raw */
  int        peer;       /* raw, accepted */
} RawPair;

static void
raw_pair_init (RawPair *pair,
               int      rcvbuf)
{
  pair->session = ss_session_new ();
  pair->client = ss_test_raw_pair (pair->session, AF_INET, rcvbuf, &pair->listener, &pair->peer);
}

static void
raw_pair_finish (RawPair *pair)
{
  if (pair->peer >= 0)
    close (pair->peer);
  close (pair->listener);
  ss_test_finalize_session (pair->session, pair->client, NULL);
}

static void
test_peer_close (void)
{
  RawPair pair;
  guint n_notify = 0;
  guint n_entries;
  g_autoptr(SsTrafficEntry) last = NULL;
  g_autoptr(GBytes) received = NULL;

  raw_pair_init (&pair, 0);
  g_signal_connect (pair.client, "notify::peer-closed", G_CALLBACK (ss_test_count_cb), &n_notify);

  ss_test_raw_send_all (pair.peer, "bye\xff", 4, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (pair.client, 4);
  ss_test_send_ok (pair.client, "ok\x00\x80", 4);
  received = ss_test_raw_recv (pair.peer, 4, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received), "ok\x00\x80", 4);
  g_assert_no_errno (close (pair.peer));
  pair.peer = -1;

  ss_test_wait_peer_closed (pair.client);
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpint (ss_test_get_failure (pair.client), ==, 0);
  /* the descriptor stays open until the person closes it */
  g_assert_cmpint (ss_socket_get_state (pair.client), ==, SS_SOCKET_CONNECTED);
  ss_test_assert_event (pair.client, "recv returned 0");
  last = ss_test_last_entry (pair.client);
  g_assert_cmpint (ss_traffic_entry_get_kind (last), ==, SS_TRAFFIC_EVENT);

  /* nothing more is read: the end of the stream is not reported again */
  n_entries = g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (pair.client)));
  ss_test_drain_main_context ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (pair.client))),
                    ==, n_entries);
  g_assert_cmpuint (ss_test_count_events (pair.client, "recv returned 0"), ==, 1);
  g_assert_cmpuint (n_notify, ==, 1);
  ss_test_assert_payload (pair.client, SS_TRAFFIC_RECEIVED, "bye\xff", 4);

  raw_pair_finish (&pair);
}

static void
test_close_by_sockscope (void)
{
  RawPair pair;
  g_autoptr(GBytes) received = NULL;
  static const char words[] = "last words: 再见\xff";

  raw_pair_init (&pair, 0);

  /* what Sockscope sends just before closing reaches the peer, then EOF */
  ss_test_send_ok (pair.client, words, sizeof words - 1);
  ss_socket_close (pair.client);
  received = ss_test_raw_recv (pair.peer, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                   words, sizeof words - 1);
  g_assert_cmpuint (ss_test_count_events (pair.client, "not sent"), ==, 0);

  raw_pair_finish (&pair);
}

static void
test_peer_reset (void)
{
  RawPair pair;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) more = g_bytes_new_static ("more", 4);
  guint n_entries;

  raw_pair_init (&pair, 0);
  ss_test_raw_send_all (pair.peer, "x", 1, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (pair.client, 1);
  ss_test_raw_close_with_reset (pair.peer);
  pair.peer = -1;

  ss_test_wait_failure (pair.client);
  g_assert_cmpint (ss_test_get_failure (pair.client), ==, ECONNRESET);
  g_assert_false (ss_socket_get_peer_closed (pair.client));
  ss_test_assert_event (pair.client, "ECONNRESET");

  n_entries = g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (pair.client)));
  ss_test_drain_main_context ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (pair.client))),
                    ==, n_entries);

  /* sending on a reset connection names the reset */
  g_assert_false (ss_socket_send (pair.client, more, &error));
  g_assert_error (error, SS_ERRNO_ERROR, ECONNRESET);
  g_assert_nonnull (strstr (error->message, "ECONNRESET"));

  raw_pair_finish (&pair);
}

static void
test_no_sigpipe (void)
{
  RawPair pair;
  g_autoptr(GError) error = NULL;
  SsCallLog *calls;
  guint n_sent;
  int errsv;

  raw_pair_init (&pair, 0);
  calls = ss_session_get_calls (pair.session);
  g_assert_no_errno (close (pair.peer));
  pair.peer = -1;
  ss_test_wait_peer_closed (pair.client);

  /* The first write after the peer's FIN is taken by the kernel and
   * answered with a RST; a later one fails with EPIPE or ECONNRESET. The
   * process must survive it: SIGPIPE is not ignored in this test. */
  error = ss_test_send_until_failure (pair.client, "after close\n", &n_sent);
  errsv = error->code;
  g_test_message ("sent %u times, then: %s", n_sent, error->message);
  g_assert_true (error->domain == SS_ERRNO_ERROR);
  g_assert_true (errsv == EPIPE || errsv == ECONNRESET);

  g_assert_cmpint (ss_test_get_failure (pair.client), ==, errsv);
  ss_test_assert_call (calls, "sendall", ss_socket_get_fd (pair.client), -1, errsv, NULL);
  ss_test_assert_event (pair.client, errsv == EPIPE ? "EPIPE" : "ECONNRESET");
  g_assert_cmpuint (ss_socket_get_queued (pair.client), ==, 0);

  raw_pair_finish (&pair);
}

typedef struct
{
  int        fd;
  gsize      total;
  gsize      expected;
  GChecksum *checksum;
  SsSocket  *sender;
  guint      ticks_while_queued;
  guint      heartbeats_while_queued;
  guint      reader_id;
  guint      heartbeat_id;
} SlowReader;

#define SLOW_READ_PER_TICK (256 * 1024)

static gboolean
slow_read_tick (gpointer user_data)
{
  SlowReader *reader = user_data;
  guint8 buffer[64 * 1024];
  gsize this_tick = 0;

  if (ss_socket_get_queued (reader->sender) > 0)
    reader->ticks_while_queued++;

  while (this_tick < SLOW_READ_PER_TICK)
    {
      gssize n = recv (reader->fd, buffer, MIN (sizeof buffer, SLOW_READ_PER_TICK - this_tick), 0);

      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        break;
      if (n < 0)
        g_error ("the slow reader: recv: %s", g_strerror (errno));
      if (n == 0)
        g_error ("the slow reader: unexpected EOF after %" G_GSIZE_FORMAT " bytes", reader->total);
      g_checksum_update (reader->checksum, buffer, n);
      reader->total += n;
      this_tick += n;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
heartbeat (gpointer user_data)
{
  SlowReader *reader = user_data;

  if (ss_socket_get_queued (reader->sender) > 0)
    reader->heartbeats_while_queued++;
  return G_SOURCE_CONTINUE;
}

static gboolean
slow_read_done (gpointer user_data)
{
  SlowReader *reader = user_data;

  return reader->total >= reader->expected && ss_socket_get_queued (reader->sender) == 0;
}

static void
test_send_large (void)
{
  const gsize size = 64 * 1024 * 1024;
  RawPair pair;
  SlowReader reader = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GChecksum) sent_checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GChecksum) logged_checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GBytes) logged = NULL;
  guint8 *data;
  guint32 state = 0x12345678;
  guint n_queued_notify = 0;
  g_autofree char *sent_digest = NULL;

  /* the peer's receive window is small, so the kernel takes little at once */
  raw_pair_init (&pair, 16 * 1024);

  data = g_malloc (size);
  for (gsize i = 0; i < size; i++)
    {
      state = state * 1103515245 + 12345;
      data[i] = state >> 24;
    }
  g_checksum_update (sent_checksum, data, size);
  sent_digest = g_strdup (g_checksum_get_string (sent_checksum));
  bytes = g_bytes_new_take (data, size);

  reader.fd = pair.peer;
  reader.expected = size;
  reader.checksum = g_checksum_new (G_CHECKSUM_SHA256);
  reader.sender = pair.client;
  g_signal_connect (pair.client, "notify::queued", G_CALLBACK (ss_test_count_cb), &n_queued_notify);

  /* sendall() semantics without blocking: returns at once, the rest queued */
  g_assert_true (ss_socket_send (pair.client, bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ss_socket_get_queued (pair.client), >, 0);
  g_assert_cmpuint (ss_socket_get_queued (pair.client) + ss_socket_get_bytes_out (pair.client), ==, size);

  reader.reader_id = g_timeout_add (2, slow_read_tick, &reader);
  reader.heartbeat_id = g_timeout_add (5, heartbeat, &reader);
  ss_test_wait_until (slow_read_done, &reader, SS_TEST_LONG_TIMEOUT_MS);
  g_source_remove (reader.reader_id);
  g_source_remove (reader.heartbeat_id);

  g_test_message ("reader ticks while queued: %u, heartbeats: %u, queued notifications: %u",
                  reader.ticks_while_queued, reader.heartbeats_while_queued, n_queued_notify);

  /* every byte, in order */
  g_assert_cmpuint (reader.total, ==, size);
  g_assert_cmpstr (g_checksum_get_string (reader.checksum), ==, sent_digest);
  g_assert_cmpuint (ss_socket_get_queued (pair.client), ==, 0);
  g_assert_cmpuint (ss_socket_get_bytes_out (pair.client), ==, size);
  logged = ss_traffic_log_dup_payload (ss_socket_get_traffic (pair.client), SS_TRAFFIC_SENT);
  g_assert_cmpuint (g_bytes_get_size (logged), ==, size);
  g_checksum_update (logged_checksum, g_bytes_get_data (logged, NULL), size);
  g_assert_cmpstr (g_checksum_get_string (logged_checksum), ==, sent_digest);

  /* One sendall() in the call log, with its full length. */
  g_assert_cmpuint (ss_test_count_calls (ss_session_get_calls (pair.session), "sendall"), ==, 1);
  ss_test_assert_call (ss_session_get_calls (pair.session), "sendall", ss_socket_get_fd (pair.client),
                       size, 0, NULL);

  /* The main loop kept running other sources while the send was under
   * way. Each reader tick takes at most 256 KiB, so with at most a few MiB
   * in kernel buffers the send cannot finish in fewer than ~200 ticks; 64
   * is a floor that does not depend on speed. */
  g_assert_cmpuint (reader.ticks_while_queued, >=, 64);
  g_assert_cmpuint (reader.heartbeats_while_queued, >=, 10);
  g_assert_cmpuint (n_queued_notify, >=, 10);

  g_checksum_free (reader.checksum);
  raw_pair_finish (&pair);
}

static void
test_send_before_connect (void)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  SsSocket *listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsSocket *connection;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) early = g_bytes_new_static ("too early", 9);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

  /* the kernel's answer at once (EPIPE on Linux, as Python's sendall()
   * would raise), recorded, and nothing left queued */
  g_assert_false (ss_socket_send (client, early, &error));
  g_assert_nonnull (error);
  g_test_message ("send before connect: %s", error->message);
  g_assert_true (error->domain == SS_ERRNO_ERROR);
  ss_test_assert_call (calls, "sendall", ss_socket_get_fd (client), -1, error->code, NULL);
  g_assert_cmpuint (ss_socket_get_queued (client), ==, 0);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, 0);
  g_clear_error (&error);

  /* the same for an empty payload: refused once, and not sent later */
  g_assert_false (ss_socket_send (client, empty, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendall"), ==, 2);

  /* a mistake before connecting does not spoil the connection after */
  ss_test_connect_ok (client, ss_socket_get_local_address (listener));
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);
  g_assert_cmpint (ss_test_get_failure (client), ==, 0);
  ss_test_send_ok (client, "on time", 7);
  ss_test_send_ok (connection, "welcome", 7);
  ss_test_wait_bytes_in (connection, 7);
  ss_test_wait_bytes_in (client, 7);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, "on time", 7);
  ss_test_assert_payload (client, SS_TRAFFIC_RECEIVED, "welcome", 7);
  ss_test_assert_payload (client, SS_TRAFFIC_SENT, "on time", 7);
  /* two refused, then one on each end: nothing refused came out later */
  g_assert_cmpuint (ss_test_count_calls (calls, "sendall"), ==, 4);
  ss_test_assert_call (calls, "sendall", ss_socket_get_fd (client), 7, 0, NULL);

  ss_test_finalize_session (session, listener, client, connection, NULL);
}

/* A connection keeps as much payload as its listener was told to keep
 * (the person's budget, from Preferences). */
static void
test_connection_inherits_budget (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsSocket *connection;

  ss_traffic_log_set_budget (ss_socket_get_traffic (listener), 3 * 1024 * 1024);
  ss_test_connect_ok (client, ss_socket_get_local_address (listener));
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);
  g_assert_cmpuint (ss_traffic_log_get_budget (ss_socket_get_traffic (connection)), ==, 3 * 1024 * 1024);
  g_assert_cmpuint (ss_traffic_log_get_budget (ss_socket_get_traffic (client)), ==,
                    SS_TRAFFIC_LOG_DEFAULT_BUDGET);

  ss_test_finalize_session (session, listener, client, connection, NULL);
}

static void
test_send_empty (void)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  SsSocket *listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsSocket *connection;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *python = NULL;

  ss_test_connect_ok (client, ss_socket_get_local_address (listener));
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);

  /* sendall(b'') is a call like any other, and the next bytes follow */
  g_assert_true (ss_socket_send (client, empty, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendall"), ==, 1);
  python = g_strdup_printf ("sk%d.sendall(b'')", ss_socket_get_fd (client));
  ss_test_assert_call (calls, "sendall", ss_socket_get_fd (client), 0, 0, python);
  g_assert_cmpuint (ss_socket_get_queued (client), ==, 0);

  ss_test_send_ok (client, "after", 5);
  ss_test_wait_bytes_in (connection, 5);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, "after", 5);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendall"), ==, 2);

  ss_test_finalize_session (session, listener, client, connection, NULL);
}

/* ------------------------------------------------------------------ */
/* datagrams                                                           */

static SsTrafficEntry *
traffic_entry_of_kind (SsSocket      *socket,
                       SsTrafficKind  kind,
                       guint          nth)
{
  GListModel *traffic = G_LIST_MODEL (ss_socket_get_traffic (socket));
  guint n = g_list_model_get_n_items (traffic);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (traffic, i);

      if (ss_traffic_entry_get_kind (entry) == kind && nth-- == 0)
        return g_steal_pointer (&entry);
    }
  return NULL;
}

typedef struct
{
  SsSocket *socket;
  guint     n;
} EntriesWait;

static gboolean
has_received_entries (gpointer user_data)
{
  EntriesWait *wait = user_data;
  g_autoptr(SsTrafficEntry) entry = traffic_entry_of_kind (wait->socket, SS_TRAFFIC_RECEIVED,
                                                           wait->n - 1);
  return entry != NULL;
}

static void
test_udp (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *a = ss_test_create (session, AF_INET, SOCK_DGRAM);
  SsSocket *b = ss_test_create (session, AF_INET, SOCK_DGRAM);
  static const char *const datagrams[] = { "one", "", "three\xff" };
  EntriesWait wait = { b, G_N_ELEMENTS (datagrams) };

  ss_test_bind_ok (a, "127.0.0.1:0");
  ss_test_bind_ok (b, "127.0.0.1:0");
  g_assert_cmpint (ss_socket_get_state (b), ==, SS_SOCKET_BOUND);
  ss_test_connect_ok (a, ss_socket_get_local_address (b));
  ss_test_connect_ok (b, ss_socket_get_local_address (a));

  for (guint i = 0; i < G_N_ELEMENTS (datagrams); i++)
    ss_test_send_ok (a, datagrams[i], strlen (datagrams[i]));

  /* one entry a datagram, boundaries kept, the empty one included */
  ss_test_wait_until (has_received_entries, &wait, SS_TEST_TIMEOUT_MS);
  for (guint i = 0; i < G_N_ELEMENTS (datagrams); i++)
    {
      g_autoptr(SsTrafficEntry) entry = traffic_entry_of_kind (b, SS_TRAFFIC_RECEIVED, i);
      gsize len;
      const char *data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);

      g_assert_cmpmem (data, len, datagrams[i], strlen (datagrams[i]));
    }
  g_assert_cmpuint (ss_socket_get_bytes_in (b), ==, 9);
  g_assert_cmpuint (ss_test_count_calls (ss_session_get_calls (session), "sendall"), ==, 3);

  ss_test_finalize_session (session, a, b, NULL);
}

static void
test_udp_bound_receives (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *receiver = ss_test_create (session, AF_INET, SOCK_DGRAM);
  EntriesWait wait = { receiver, 2 };
  struct sockaddr_in to = { .sin_family = AF_INET };
  int sender;

  ss_test_bind_ok (receiver, "127.0.0.1:0");
  to.sin_port = htons (ss_test_port_of (ss_socket_get_local_address (receiver)));
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  /* a bound, unconnected datagram socket receives from anyone */
  sender = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_no_errno (sender);
  g_assert_cmpint (sendto (sender, "hello", 5, 0, (struct sockaddr *) &to, sizeof to), ==, 5);
  g_assert_cmpint (sendto (sender, "你好", 6, 0, (struct sockaddr *) &to, sizeof to), ==, 6);
  ss_test_wait_until (has_received_entries, &wait, SS_TEST_TIMEOUT_MS);
  ss_test_assert_payload (receiver, SS_TRAFFIC_RECEIVED, "hello你好", 11);
  close (sender);

  ss_test_finalize_session (session, receiver, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/socket-peer/close", test_peer_close);
  g_test_add_func ("/socket-peer/close-by-sockscope", test_close_by_sockscope);
  g_test_add_func ("/socket-peer/reset", test_peer_reset);
  g_test_add_func ("/socket-peer/no-sigpipe", test_no_sigpipe);
  g_test_add_func ("/socket-peer/send-large", test_send_large);
  g_test_add_func ("/socket-peer/send-before-connect", test_send_before_connect);
  g_test_add_func ("/socket-peer/send-empty", test_send_empty);
  g_test_add_func ("/socket-peer/connection-inherits-budget", test_connection_inherits_budget);
  g_test_add_func ("/socket-peer/udp-connected", test_udp);
  g_test_add_func ("/socket-peer/udp-bound-receives", test_udp_bound_receives);

  return g_test_run ();
}
