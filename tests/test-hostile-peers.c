/* test-hostile-peers.c — stream peers that reset, half-close, never read,
 * or send bytes meant to break a display, and writes to dead connections
 *
 * A socket inspector is pointed at broken software on purpose: each fault
 * here is normal input. What is checked each time: the process survives,
 * every byte that arrived is accounted for exactly, the log says what
 * happened, and a dead connection leaves the poll set (no busy loop).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ss-constants.h"
#include "ss-error.h"
#include "test-hostile-util.h"

/* A drain that reaches this many iterations means something is always
 * ready: a busy loop. */
#define DRAIN_MAX 1000

/* Sends what the kernel takes at once, without iterating the main loop,
 * so that bytes are in flight when the caller resets. */
static gsize
raw_send_what_fits (int           fd,
                    const guint8 *data,
                    gsize         len)
{
  gsize sent = 0;

  /* bounded: each round sends at least one byte or stops */
  while (sent < len)
    {
      gssize n = send (fd, data + sent, len - sent, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;
      g_assert_no_errno (n);
      sent += n;
    }
  return sent;
}

static void
assert_prefix_received (SsSocket     *socket,
                        const guint8 *sent,
                        gsize         sent_len)
{
  g_autoptr(GBytes) payload = ss_traffic_log_dup_payload (ss_socket_get_traffic (socket),
                                                          SS_TRAFFIC_RECEIVED);
  gsize len = g_bytes_get_size (payload);

  g_assert_cmpuint (len, ==, ss_socket_get_bytes_in (socket));
  g_assert_cmpuint (len, <=, sent_len);
  g_assert_cmpmem (g_bytes_get_data (payload, NULL), len, sent, len);
}

static void
assert_dead_and_quiet (SsSocket *socket)
{
  guint n_entries = g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (socket)));

  g_assert_false (ss_hostile_fd_is_polled (ss_socket_get_fd (socket)));
  g_assert_cmpuint (ss_hostile_drain (DRAIN_MAX), <, DRAIN_MAX);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (socket))),
                    ==, n_entries);
}

/* ------------------------------------------------------------------ */
/* resets mid-transfer                                                 */

static void
test_reset_by_sending_peer (void)
{
  const gsize size = 8 * 1024 * 1024;
  SsHostilePair pair;
  g_autofree guint8 *data = ss_hostile_pattern (size, 1);
  gsize sent;

  ss_hostile_pair_init (&pair, AF_INET, 0);

  /* bytes in the kernel's buffers on both sides, then a RST */
  sent = raw_send_what_fits (pair.peer, data, size);
  g_test_message ("the peer sent %" G_GSIZE_FORMAT " bytes before resetting", sent);
  g_assert_cmpuint (sent, >, 0);
  ss_test_raw_close_with_reset (pair.peer);
  pair.peer = -1;

  ss_test_wait_failure (pair.client);
  g_assert_cmpint (ss_test_get_failure (pair.client), ==, ECONNRESET);
  g_assert_false (ss_socket_get_peer_closed (pair.client));
  g_assert_cmpuint (ss_test_count_events (pair.client, "ECONNRESET"), ==, 1);
  g_assert_cmpuint (ss_test_count_events (pair.client, "recv returned 0"), ==, 0);
  /* what the kernel delivered before the reset, exactly, in order */
  assert_prefix_received (pair.client, data, sent);
  assert_dead_and_quiet (pair.client);

  ss_hostile_pair_finish (&pair);
}

static gboolean
ten_heartbeats (gpointer user_data)
{
  guint *heartbeats = user_data;

  return *heartbeats >= 10;
}

static gboolean
count_heartbeat (gpointer user_data)
{
  guint *heartbeats = user_data;

  (*heartbeats)++;
  return G_SOURCE_CONTINUE;
}

static void
test_reset_by_receiving_peer (void)
{
  const gsize size = 8 * 1024 * 1024;
  SsHostilePair pair;
  SsCallLog *calls;
  g_autofree guint8 *data = ss_hostile_pattern (size, 2);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) more = g_bytes_new_static ("more", 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsCall) sendall = NULL;
  guint heartbeats = 0, heartbeat_id;
  guint64 bytes_out;
  int failure;

  /* a peer that never reads, with a small window */
  ss_hostile_pair_init (&pair, AF_INET, 16 * 1024);
  calls = ss_session_get_calls (pair.session);
  bytes = g_bytes_new_static (data, size);

  g_assert_true (ss_socket_send (pair.client, bytes, &error));
  g_assert_no_error (error);
  heartbeat_id = g_timeout_add (5, count_heartbeat, &heartbeats);
  ss_test_wait_until (ten_heartbeats, &heartbeats, SS_TEST_TIMEOUT_MS);
  g_source_remove (heartbeat_id);
  g_assert_cmpuint (ss_socket_get_queued (pair.client), >, 0);

  ss_test_raw_close_with_reset (pair.peer);
  pair.peer = -1;
  ss_test_wait_failure (pair.client);

  failure = ss_test_get_failure (pair.client);
  g_test_message ("failure: %s", g_strerror (failure));
  g_assert_true (failure == ECONNRESET || failure == EPIPE);
  g_assert_cmpuint (ss_test_count_events (pair.client, ss_errno_name (failure)), ==, 1);

  /* every byte of the payload is either sent or reported as not sent */
  bytes_out = ss_socket_get_bytes_out (pair.client);
  g_assert_cmpuint (ss_socket_get_queued (pair.client), ==, 0);
  g_assert_cmpuint (bytes_out + ss_hostile_count_not_sent (pair.client), ==, size);
  ss_test_assert_payload (pair.client, SS_TRAFFIC_SENT, data, bytes_out);
  assert_dead_and_quiet (pair.client);

  /* a later send names the failure and changes nothing */
  g_assert_false (ss_socket_send (pair.client, more, &error));
  g_assert_error (error, SS_ERRNO_ERROR, failure);
  g_assert_cmpuint (ss_socket_get_bytes_out (pair.client), ==, bytes_out);
  g_assert_cmpuint (ss_socket_get_queued (pair.client), ==, 0);

  /* The person's sendall() ended with the connection: the call log must
   * say how it ended, as Python's sendall() would raise. */
  sendall = ss_test_find_call (calls, "sendall", ss_socket_get_fd (pair.client), NULL);
  g_assert_nonnull (sendall);
  g_assert_cmpint (ss_call_get_result (sendall), ==, -1);
  g_assert_cmpint (ss_call_get_errno (sendall), ==, failure);

  ss_hostile_pair_finish (&pair);
}

static void
test_reset_by_sockscope (void)
{
  const gsize size = 8 * 1024 * 1024;
  SsSession *session = ss_session_new ();
  SsSocket *listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsSocket *connection;
  g_autofree guint8 *data = ss_hostile_pattern (size, 3);
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };
  SsTestBytesWait wait;
  guint64 queued;

  ss_test_connect_ok (client, ss_socket_get_local_address (listener));
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);

  /* Sockscope's own end resets (SO_LINGER 0) with a send under way: the
   * other Sockscope socket, mid-receive, sees the reset. */
  g_assert_true (ss_socket_send (client, bytes, NULL));
  wait.socket = connection;
  wait.bytes = MIN (ss_socket_get_bytes_out (client), 64 * 1024);
  ss_test_wait_until (ss_test_bytes_in_reached, &wait, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (setsockopt (ss_socket_get_fd (client), SOL_SOCKET, SO_LINGER,
                                 &linger, sizeof linger));
  queued = ss_socket_get_queued (client);
  g_assert_cmpuint (queued, >, 0);
  ss_socket_close (client);

  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CLOSED);
  g_assert_cmpuint (ss_socket_get_queued (client), ==, 0);
  g_assert_cmpuint (ss_hostile_count_not_sent (client), ==, queued);
  g_assert_cmpuint (ss_socket_get_bytes_out (client) + queued, ==, size);

  ss_test_wait_failure (connection);
  g_assert_cmpint (ss_test_get_failure (connection), ==, ECONNRESET);
  assert_prefix_received (connection, data, ss_socket_get_bytes_out (client));
  assert_dead_and_quiet (connection);

  ss_test_finalize_session (session, listener, client, connection, NULL);
}

/* ------------------------------------------------------------------ */
/* half-close and a peer that never reads                              */

static void
test_half_close (void)
{
  const gsize size = 1024 * 1024;
  SsHostilePair pair;
  g_autofree guint8 *data = ss_hostile_pattern (size, 4);
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GBytes) eof = NULL;

  ss_hostile_pair_init (&pair, AF_INET, 0);

  /* the peer sends its request, shuts down its write side, keeps reading */
  ss_test_raw_send_all (pair.peer, "request\xff", 8, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (shutdown (pair.peer, SHUT_WR));
  ss_test_wait_peer_closed (pair.client);

  g_assert_cmpuint (ss_socket_get_bytes_in (pair.client), ==, 8);
  ss_test_assert_payload (pair.client, SS_TRAFFIC_RECEIVED, "request\xff", 8);
  g_assert_cmpuint (ss_test_count_events (pair.client, "recv returned 0"), ==, 1);
  g_assert_cmpint (ss_test_get_failure (pair.client), ==, 0);
  g_assert_cmpint (ss_socket_get_state (pair.client), ==, SS_SOCKET_CONNECTED);
  /* nothing to read any more and nothing queued: out of the poll set */
  assert_dead_and_quiet (pair.client);

  /* the answer still goes out, all of it */
  ss_test_send_ok (pair.client, data, size);
  received = ss_test_raw_recv (pair.peer, size, FALSE, SS_TEST_LONG_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received), data, size);
  g_assert_cmpuint (ss_socket_get_bytes_out (pair.client), ==, size);
  g_assert_cmpuint (ss_socket_get_queued (pair.client), ==, 0);
  ss_test_assert_call (ss_session_get_calls (pair.session), "sendall",
                       ss_socket_get_fd (pair.client), size, 0, NULL);
  g_assert_cmpint (ss_test_get_failure (pair.client), ==, 0);

  /* and closing ends the peer's reading */
  ss_socket_close (pair.client);
  eof = ss_test_raw_recv (pair.peer, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (eof), ==, 0);

  ss_hostile_pair_finish (&pair);
}

static void
test_never_reads (void)
{
  const gsize size = 32 * 1024 * 1024;
  SsHostilePair pair;
  g_autofree guint8 *data = ss_hostile_pattern (size, 5);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsCall) sendall = NULL;
  guint heartbeats = 0, heartbeat_id;
  guint64 queued, bytes_out;

  ss_hostile_pair_init (&pair, AF_INET, 16 * 1024);
  bytes = g_bytes_new_static (data, size);

  /* sendall() returns at once; the kernel's buffers fill up */
  g_assert_true (ss_socket_send (pair.client, bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ss_socket_get_queued (pair.client), >, 0);

  /* the main loop keeps running other sources meanwhile */
  heartbeat_id = g_timeout_add (5, count_heartbeat, &heartbeats);
  ss_test_wait_until (ten_heartbeats, &heartbeats, SS_TEST_TIMEOUT_MS);
  g_source_remove (heartbeat_id);
  /* waiting for the peer is not a busy loop */
  g_assert_cmpuint (ss_hostile_drain (DRAIN_MAX), <, DRAIN_MAX);

  queued = ss_socket_get_queued (pair.client);
  bytes_out = ss_socket_get_bytes_out (pair.client);
  g_test_message ("in the kernel: %" G_GUINT64_FORMAT ", still queued: %" G_GUINT64_FORMAT,
                  bytes_out, queued);
  g_assert_cmpuint (queued, >, 0);
  g_assert_cmpuint (queued + bytes_out, ==, size);
  g_assert_cmpint (ss_test_get_failure (pair.client), ==, 0);

  /* Close cancels what is queued, and says how much */
  ss_socket_close (pair.client);
  g_assert_cmpint (ss_socket_get_state (pair.client), ==, SS_SOCKET_CLOSED);
  g_assert_cmpuint (ss_socket_get_queued (pair.client), ==, 0);
  g_assert_cmpuint (ss_hostile_count_not_sent (pair.client), ==, queued);
  g_assert_cmpuint (ss_socket_get_bytes_out (pair.client), ==, bytes_out);
  ss_test_assert_call (ss_session_get_calls (pair.session), "close",
                       ss_socket_get_fd (pair.client), 0, 0, NULL);
  ss_test_assert_event (pair.client, "Closed");

  /* the peer, reading at last, gets exactly what the log says was sent */
  received = ss_test_raw_recv (pair.peer, 0, TRUE, SS_TEST_LONG_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                   data, bytes_out);

  /* the cancelled sendall() is in the call log, with how it ended */
  sendall = ss_test_find_call (ss_session_get_calls (pair.session), "sendall",
                               ss_socket_get_fd (pair.client), NULL);
  g_assert_nonnull (sendall);
  g_assert_cmpint (ss_call_get_result (sendall), ==, -1);

  ss_hostile_pair_finish (&pair);
}

/* ------------------------------------------------------------------ */
/* bytes meant to break a display                                      */

static const struct
{
  const char *bytes;
  gsize       len;
} garbage[] = {
#define PIECE(s) { s, sizeof s - 1 }
  PIECE ("plain text\n"),
  /* not UTF-8: stray continuation bytes, overlong forms, surrogates,
   * beyond U+10FFFF, a sequence cut short */
  PIECE ("\xff\xfe\xfd\xfc"),
  PIECE ("\x80\xbf\xa0\xa1"),
  PIECE ("\xc3\x28 \xe2\x28\xa1 \xf0\x28\x8c\xbc"),
  PIECE ("\xc0\xaf \xe0\x80\xaf \xc1\xbf"),
  PIECE ("\xed\xa0\x80\xed\xbf\xbf"),
  PIECE ("\xf4\x90\x80\x80 \xf8\x88\x80\x80\x80"),
  PIECE ("\xe4\xbd"),
  /* NUL bytes */
  PIECE ("a\0b\0\0\0c\0"),
  /* terminal escape sequences: colour, title, clear screen, DCS, the
   * alternate screen, C1 CSI raw and as UTF-8, backspace and DEL */
  PIECE ("\x1b[31mred\x1b[0m"),
  PIECE ("\x1b]0;pwned\x07"),
  PIECE ("\x1b[2J\x1b[H\x1b[?1049h"),
  PIECE ("\x1bP+q544e\x1b\\"),
  PIECE ("\x9b""31m \xc2\x9b""31m \xc2\x85 \xc2\x9f"),
  PIECE ("\r\b\x7f\x07\x0b\x0c"),
  /* valid UTF-8 that must stay as it is */
  PIECE ("你好 \xe2\x80\xae \xf0\x9f\x98\x80 \\ \\x41"),
#undef PIECE
};

static void
test_garbage (void)
{
  SsHostilePair pair;
  g_autoptr(GByteArray) all = g_byte_array_new ();
  guint8 every_byte[256];

  for (guint i = 0; i < 256; i++)
    every_byte[i] = i;

  ss_hostile_pair_init (&pair, AF_INET, 0);

  /* piece by piece, letting Sockscope read each (entry boundaries in
   * the middle of nothing), then all of it at once (boundaries anywhere) */
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      ss_test_raw_send_all (pair.peer, garbage[i].bytes, garbage[i].len, SS_TEST_TIMEOUT_MS);
      g_byte_array_append (all, (const guint8 *) garbage[i].bytes, garbage[i].len);
      ss_test_wait_bytes_in (pair.client, all->len);
    }
  ss_test_raw_send_all (pair.peer, every_byte, sizeof every_byte, SS_TEST_TIMEOUT_MS);
  g_byte_array_append (all, every_byte, sizeof every_byte);
  ss_test_wait_bytes_in (pair.client, all->len);
  {
    g_autofree guint8 *again = g_memdup2 (all->data, all->len);
    gsize len = all->len;

    g_byte_array_append (all, again, len);
    ss_test_raw_send_all (pair.peer, again, len, SS_TEST_TIMEOUT_MS);
  }
  ss_test_wait_bytes_in (pair.client, all->len);

  ss_test_assert_payload (pair.client, SS_TRAFFIC_RECEIVED, all->data, all->len);
  g_assert_cmpint (ss_test_get_failure (pair.client), ==, 0);
  /* cut inside escapes and multi-byte characters too */
  for (gsize cut = 1; cut <= 8; cut++)
    ss_hostile_assert_text_safe (pair.client, cut);

  ss_hostile_pair_finish (&pair);
}

static void
test_long_line (void)
{
  const gsize size = 16 * 1024 * 1024;
  static const char unit[] = "one line, no newline: é 你好 \xf0\x9f\x98\x80 ";
  SsHostilePair pair;
  guint8 *data = g_malloc (size);
  guint n_entries;

  for (gsize i = 0; i < size; i++)
    data[i] = unit[i % (sizeof unit - 1)];
  g_assert_null (memchr (data, '\n', size));

  ss_hostile_pair_init (&pair, AF_INET, 0);
  ss_test_raw_send_all (pair.peer, data, size, SS_TEST_LONG_TIMEOUT_MS);
  ss_test_wait_bytes_in (pair.client, size);

  ss_test_assert_payload (pair.client, SS_TRAFFIC_RECEIVED, data, size);
  n_entries = ss_hostile_count_entries (pair.client, SS_TRAFFIC_RECEIVED, NULL);
  g_test_message ("16 MiB arrived in %u entries", n_entries);
  g_assert_cmpuint (n_entries, >=, 1);
  /* entries cut multi-byte characters anywhere; each is still safe */
  ss_hostile_assert_text_safe (pair.client, 4096);

  g_free (data);
  ss_hostile_pair_finish (&pair);
}

static void
test_one_byte_chunks (void)
{
  const guint count = 20000;
  SsHostilePair pair;
  g_autofree guint8 *data = g_malloc (count);
  int one = 1;
  guint n_entries, n_empty;

  for (guint i = 0; i < count; i++)
    data[i] = (i * 7) & 0xff;

  ss_hostile_pair_init (&pair, AF_INET, 0);
  g_assert_no_errno (setsockopt (pair.peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));

  /* one send() a byte, as fast as the peer can; Sockscope reads in
   * between now and then, so chunks arrive in all sizes */
  for (guint i = 0; i < count; i++)
    {
      gssize n = send (pair.peer, data + i, 1, MSG_NOSIGNAL);

      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        ss_test_raw_send_all (pair.peer, data + i, 1, SS_TEST_TIMEOUT_MS);
      else
        g_assert_cmpint (n, ==, 1);
      if (i % 16 == 15)
        g_main_context_iteration (NULL, FALSE);
    }
  ss_test_wait_bytes_in (pair.client, count);

  ss_test_assert_payload (pair.client, SS_TRAFFIC_RECEIVED, data, count);
  n_entries = ss_hostile_count_entries (pair.client, SS_TRAFFIC_RECEIVED, &n_empty);
  g_test_message ("%u one-byte sends arrived in %u entries", count, n_entries);
  g_assert_cmpuint (n_entries, >=, 1);
  g_assert_cmpuint (n_entries, <=, count);
  g_assert_cmpuint (n_empty, ==, 0);
  ss_hostile_assert_text_safe (pair.client, 1);

  ss_hostile_pair_finish (&pair);
}

/* ------------------------------------------------------------------ */
/* writes to a dead connection: no SIGPIPE                             */

static void
assert_write_fails_quietly (SsSession *session,
                            SsSocket  *socket)
{
  guint n_sent;
  g_autoptr(GError) error = ss_test_send_until_failure (socket, "into the void\n", &n_sent);
  int errsv;

  errsv = error->code;
  g_test_message ("sent %u times, then: %s", n_sent, error->message);
  g_assert_true (error->domain == SS_ERRNO_ERROR);
  g_assert_true (errsv == EPIPE || errsv == ECONNRESET);
  g_assert_cmpint (ss_test_get_failure (socket), ==, errsv);
  ss_test_assert_call (ss_session_get_calls (session), "sendall", ss_socket_get_fd (socket),
                       -1, errsv, NULL);
  ss_test_assert_event (socket, ss_errno_name (errsv));
  g_assert_cmpuint (ss_socket_get_queued (socket), ==, 0);
  assert_dead_and_quiet (socket);
}

static void
test_no_sigpipe_after_reset (void)
{
  SsHostilePair pair;

  ss_hostile_pair_init (&pair, AF_INET, 0);

  /* The peer half-closes (Sockscope stops reading), then resets: nothing
   * is watching, so only the next write meets the reset. SIGPIPE is at
   * its default action (see main): a signal would end the process. */
  g_assert_no_errno (shutdown (pair.peer, SHUT_WR));
  ss_test_wait_peer_closed (pair.client);
  ss_test_raw_close_with_reset (pair.peer);
  pair.peer = -1;

  assert_write_fails_quietly (pair.session, pair.client);
  ss_hostile_pair_finish (&pair);
}

static void
test_no_sigpipe_unix (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *client = ss_test_create (session, AF_UNIX, SOCK_STREAM);
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  g_autofree char *name = g_strdup_printf ("sockscope-hostile-%d", (int) getpid ());
  g_autofree char *address = g_strdup_printf ("@%s", name);
  int listener, peer;

  /* an abstract name: nothing on disk to clean up */
  listener = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  g_assert_no_errno (listener);
  memcpy (sun.sun_path + 1, name, strlen (name));
  g_assert_no_errno (bind (listener, (struct sockaddr *) &sun,
                           G_STRUCT_OFFSET (struct sockaddr_un, sun_path) + 1 + strlen (name)));
  g_assert_no_errno (listen (listener, 4));

  ss_test_connect_ok (client, address);
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));

  /* on a Unix stream the very next write meets EPIPE */
  assert_write_fails_quietly (session, client);
  ss_test_finalize_session (session, client, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* whatever the runner set: a SIGPIPE must end the test, not vanish */
  signal (SIGPIPE, SIG_DFL);

  g_test_add_func ("/hostile/reset/by-sending-peer", test_reset_by_sending_peer);
  g_test_add_func ("/hostile/reset/by-receiving-peer", test_reset_by_receiving_peer);
  g_test_add_func ("/hostile/reset/by-sockscope", test_reset_by_sockscope);
  g_test_add_func ("/hostile/half-close", test_half_close);
  g_test_add_func ("/hostile/never-reads", test_never_reads);
  g_test_add_func ("/hostile/bytes/garbage", test_garbage);
  g_test_add_func ("/hostile/bytes/long-line", test_long_line);
  g_test_add_func ("/hostile/bytes/one-byte-chunks", test_one_byte_chunks);
  g_test_add_func ("/hostile/no-sigpipe/after-reset", test_no_sigpipe_after_reset);
  g_test_add_func ("/hostile/no-sigpipe/unix", test_no_sigpipe_unix);

  return g_test_run ();
}
