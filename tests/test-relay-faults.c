/* test-relay-faults.c — a relay's faults between real peers on loopback:
 * what each does to the bytes and the ends, never how fast (a time is
 * only ever a lower bound), and the line each leaves in the pair's log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ss-relay-pair.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-test-toxic.h"

typedef struct
{
  SsSession *session;
  SsSocket  *relay;
  int        target;      /* the server's raw listener */
  int        client;
  int        server;
  char      *dir;         /* a Unix relay's socket files */
} Fixture;

static void
set_faults (SsSocket         *relay,
            SsToxicDirection  direction,
            const char       *text)
{
  SsToxicSpec spec = ss_toxic_test_spec (text);

  ss_socket_set_relay_faults (relay, direction, &spec, 1);
}

static void
fixture_open (Fixture *f)
{
  g_autofree char *spec = NULL;
  guint16 target_port;

  f->session = ss_session_new ();
  f->target = ss_test_raw_listener (AF_INET, 0, &target_port);
  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", target_port);
  f->relay = ss_test_open_relay (f->session, spec);
  f->client = f->server = -1;
}

/* A client through the relay, and the server's end of it. */
static void
fixture_connect (Fixture *f)
{
  f->client = ss_test_raw_connect (AF_INET, ss_test_relay_port (f->relay), SS_TEST_TIMEOUT_MS);
  f->server = ss_test_raw_accept (f->target, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (fcntl (f->server, F_SETFL, O_NONBLOCK));
  ss_test_wait_connections (f->relay, 1);
}

static void
fixture_close (Fixture *f)
{
  if (f->client >= 0)
    close (f->client);
  if (f->server >= 0)
    close (f->server);
  close (f->target);
  ss_socket_close (f->relay);
  ss_test_finalize_session (f->session, f->relay, NULL);
  if (f->dir != NULL)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (f->dir);

      ss_test_remove_tree (dir);
      g_free (f->dir);
    }
}

static SsSocket *
pair_leg (Fixture *f)
{
  return ss_test_connection_at (f->relay, 0);
}

static GBytes *
pattern (gsize len)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) (i * 31 + i / 7);
  return g_bytes_new_take (data, len);
}

/* The seed's server recipe, telling the size of every recv() it made,
 * and what it got in all (hex), once the client ends. */
static const char sizes_server[] =
  "import socket\n"
  "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
  "s.bind(('127.0.0.1', 0))\n"
  "s.listen(5)\n"
  "print(s.getsockname()[1], flush=True)\n"
  "conn, addr = s.accept()\n"
  "sizes, data = [], b''\n"
  "while True:\n"
  "    chunk = conn.recv(65536)\n"
  "    if not chunk:\n"
  "        break\n"
  "    sizes.append(len(chunk))\n"
  "    data += chunk\n"
  "print(' '.join(map(str, sizes)), flush=True)\n"
  "print(data.hex(), flush=True)\n"
  "conn.close()\n";

/* slicer: each chunk goes out as several writes, and the server's reads
 * are never larger than the largest slice (average + variation). The
 * slices are 150 ms apart, so the server has read one before the next:
 * at 50 ms, a python3 server not scheduled in time on a loaded 2-core
 * machine read two slices at once (2 runs in 9). */
static void
test_faults_slicer (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GBytes) data = pattern (600);
  g_autofree char *port = NULL;
  g_autofree char *sizes = NULL;
  g_autofree char *received = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *spec = NULL;
  g_auto(GStrv) each = NULL;
  SsSocket *relay;
  gsize total = 0;
  int client;

  if (python == NULL)
    return;
  {
    const char *argv[] = { python, "-c", sizes_server, NULL };
    server = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  port = ss_test_peer_read_line (server, lines, SS_TEST_TIMEOUT_MS);
  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%s", port);
  relay = ss_test_open_relay (session, spec);
  set_faults (relay, SS_TOXIC_UPSTREAM, "slicer average_size 100 size_variation 20 delay 150000");

  client = ss_test_raw_connect (AF_INET, ss_test_relay_port (relay), SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (relay, 1);
  ss_test_raw_send_all (client, g_bytes_get_data (data, NULL), 600, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (shutdown (client, SHUT_WR));

  sizes = ss_test_peer_read_line (server, lines, SS_TEST_TIMEOUT_MS);
  received = ss_test_peer_read_line (server, lines, SS_TEST_TIMEOUT_MS);
  g_test_message ("the server's reads: %s", sizes);
  each = g_strsplit (sizes, " ", -1);
  g_assert_cmpuint (g_strv_length (each), >=, 600 / 120);
  for (guint i = 0; each[i] != NULL; i++)
    {
      guint64 n = g_ascii_strtoull (each[i], NULL, 10);

      g_assert_cmpuint (n, >, 0);
      g_assert_cmpuint (n, <=, 120);
      total += n;
    }
  g_assert_cmpuint (total, ==, 600);
  /* intact, in order */
  sent = ss_test_hex (g_bytes_get_data (data, NULL), 600);
  g_assert_cmpstr (received, ==, sent);
  ss_test_wait_event (ss_test_connection_at (relay, 0), "Fault, client → server: sliced");
  ss_test_peer_wait_exit_ok (server, SS_TEST_TIMEOUT_MS);

  close (client);
  ss_socket_close (relay);
  ss_test_finalize_session (session, relay, NULL);
}

/* limit_data: exactly N bytes reach the server, then its end. */
static void
test_faults_limit_data (void)
{
  Fixture f = { 0 };
  g_autoptr(GBytes) data = pattern (3000);
  g_autoptr(GBytes) received = NULL;

  fixture_open (&f);
  set_faults (f.relay, SS_TOXIC_UPSTREAM, "limit_data bytes 1000");
  fixture_connect (&f);
  ss_test_raw_send_all (f.client, g_bytes_get_data (data, NULL), 3000, SS_TEST_TIMEOUT_MS);
  received = ss_test_raw_recv (f.server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                   g_bytes_get_data (data, NULL), 1000);
  ss_test_wait_event (pair_leg (&f), "closed after");
  fixture_close (&f);
}

typedef struct
{
  int fd;
  int errsv;
} ErrorWait;

static gboolean
recv_failed (gpointer user_data)
{
  ErrorWait *wait = user_data;
  char buffer[4096];
  gssize n = recv (wait->fd, buffer, sizeof buffer, MSG_DONTWAIT);

  g_assert_cmpint (n, !=, 0);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    wait->errsv = errno;
  return wait->errsv != 0;
}

/* reset_peer: the client sees its connection reset (ECONNRESET). */
static void
test_faults_reset_peer (void)
{
  Fixture f = { 0 };
  ErrorWait wait = { 0 };

  fixture_open (&f);
  set_faults (f.relay, SS_TOXIC_UPSTREAM, "reset_peer timeout 100");
  fixture_connect (&f);
  ss_test_raw_send_all (f.client, "hello", 5, SS_TEST_TIMEOUT_MS);
  wait.fd = f.client;
  ss_test_wait_until (recv_failed, &wait, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (wait.errsv, ==, ECONNRESET);
  /* the server's side was reset too */
  wait.fd = f.server;
  wait.errsv = 0;
  ss_test_wait_until (recv_failed, &wait, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (wait.errsv, ==, ECONNRESET);
  ss_test_assert_event (pair_leg (&f), "Fault, client → server: reset after");
  fixture_close (&f);
}

/* latency: the reply reaches the client no earlier than the latency
 * after the server sent it (a lower bound only). */
static void
test_faults_latency (void)
{
  Fixture f = { 0 };
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) reply = NULL;
  gint64 sent_at;

  fixture_open (&f);
  set_faults (f.relay, SS_TOXIC_DOWNSTREAM, "latency latency 300");
  fixture_connect (&f);
  ss_test_raw_send_all (f.client, "ping", 4, SS_TEST_TIMEOUT_MS);
  request = ss_test_raw_recv (f.server, 4, FALSE, SS_TEST_TIMEOUT_MS);
  sent_at = g_get_monotonic_time ();
  ss_test_raw_send_all (f.server, "pong", 4, SS_TEST_TIMEOUT_MS);
  reply = ss_test_raw_recv (f.client, 4, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), 4, "pong", 4);
  g_assert_cmpint (g_get_monotonic_time () - sent_at, >=, 300 * 1000);
  ss_test_assert_event (pair_leg (&f), "Fault, server → client: held 300 ms");
  /* the other way has none */
  g_assert_cmpuint (ss_test_count_events (pair_leg (&f), "Fault, client → server"), ==, 0);
  fixture_close (&f);
}

/* timeout: nothing passes, then the server sees the end, no earlier
 * than the timeout. */
static void
test_faults_timeout (void)
{
  Fixture f = { 0 };
  g_autoptr(GBytes) received = NULL;
  gint64 start;

  fixture_open (&f);
  set_faults (f.relay, SS_TOXIC_UPSTREAM, "timeout timeout 200");
  start = g_get_monotonic_time ();
  fixture_connect (&f);
  ss_test_raw_send_all (f.client, "lost", 4, SS_TEST_TIMEOUT_MS);
  received = ss_test_raw_recv (f.server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (received), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
  ss_test_assert_event (pair_leg (&f), "Fault, client → server: timed out after 200 ms");
  fixture_close (&f);
}

/* slow_close: the data passes at once, the end no earlier than the
 * delay after the client ended. */
static void
test_faults_slow_close (void)
{
  Fixture f = { 0 };
  g_autoptr(GBytes) received = NULL;
  gint64 ended_at;

  fixture_open (&f);
  set_faults (f.relay, SS_TOXIC_UPSTREAM, "slow_close delay 300");
  fixture_connect (&f);
  ss_test_raw_send_all (f.client, "bye", 3, SS_TEST_TIMEOUT_MS);
  ended_at = g_get_monotonic_time ();
  g_assert_no_errno (shutdown (f.client, SHUT_WR));
  received = ss_test_raw_recv (f.server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received), "bye", 3);
  g_assert_cmpint (g_get_monotonic_time () - ended_at, >=, 300 * 1000);
  ss_test_assert_event (pair_leg (&f), "close held 300 ms");
  fixture_close (&f);
}

/* toxicity: 0, no pair gets the fault; 1, every pair does. The pair
 * says which faults act on it. */
static void
test_faults_toxicity (gconstpointer data)
{
  gboolean always = GPOINTER_TO_INT (data);
  Fixture f = { 0 };
  g_autoptr(GBytes) sent = pattern (100);
  g_autoptr(GBytes) received = NULL;
  g_autofree char *faults = NULL;

  fixture_open (&f);
  set_faults (f.relay, SS_TOXIC_UPSTREAM,
              always ? "limit_data bytes 10 toxicity 1" : "limit_data bytes 10 toxicity 0");
  fixture_connect (&f);
  ss_test_raw_send_all (f.client, g_bytes_get_data (sent, NULL), 100, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (shutdown (f.client, SHUT_WR));
  received = ss_test_raw_recv (f.server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                   g_bytes_get_data (sent, NULL), always ? 10 : 100);

  g_object_get (pair_leg (&f), "relay-faults", &faults, NULL);
  g_assert_nonnull (faults);
  if (always)
    g_assert_nonnull (strstr (faults, "client → server: Close after 10 bytes"));
  else
    g_assert_nonnull (strstr (faults, "client → server: none"));
  g_assert_nonnull (strstr (faults, "server → client: none"));
  fixture_close (&f);
}

/* Faults changed on the relay reach a pair already running: its next
 * bytes meet them; and taken away, the bytes flow as before. */
static void
test_faults_live (void)
{
  Fixture f = { 0 };
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) rest = NULL;
  g_autoptr(GBytes) sent = pattern (50);
  g_autofree char *faults = NULL;

  fixture_open (&f);
  fixture_connect (&f);
  ss_test_raw_send_all (f.client, "before", 6, SS_TEST_TIMEOUT_MS);
  first = ss_test_raw_recv (f.server, 6, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (first, NULL), 6, "before", 6);

  set_faults (f.relay, SS_TOXIC_UPSTREAM, "limit_data bytes 20");
  ss_test_assert_event (pair_leg (&f), "The relay’s faults changed");
  g_object_get (pair_leg (&f), "relay-faults", &faults, NULL);
  g_assert_nonnull (strstr (faults, "Close after 20 bytes"));
  ss_test_raw_send_all (f.client, g_bytes_get_data (sent, NULL), 50, SS_TEST_TIMEOUT_MS);
  rest = ss_test_raw_recv (f.server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (rest, NULL), g_bytes_get_size (rest),
                   g_bytes_get_data (sent, NULL), 20);
  fixture_close (&f);
}

/* With a fault holding data back, the relay still holds at most its
 * bound: a client that goes on sending to a server that never reads is
 * paused, far from all it wanted to send taken. */
typedef struct
{
  int     client;
  guint8 *data;
  gsize   sent;
  gsize   total;
  guint   idle_rounds;
} Flood;

static gboolean
client_stalled (gpointer user_data)
{
  Flood *flood = user_data;
  gsize before = flood->sent;
  gssize n;

  while (flood->sent < flood->total &&
         (n = send (flood->client, flood->data, 64 * 1024, MSG_DONTWAIT | MSG_NOSIGNAL)) > 0)
    flood->sent += n;
  ss_test_iterate_for (20);
  if (flood->sent == before)
    flood->idle_rounds++;
  else
    flood->idle_rounds = 0;
  return flood->idle_rounds >= 5 || flood->sent >= flood->total;
}

static void
test_faults_backpressure (void)
{
  Fixture f = { 0 };
  Flood flood = { 0 };
  SsSocket *server_leg;

  fixture_open (&f);
  set_faults (f.relay, SS_TOXIC_UPSTREAM, "latency latency 20");
  fixture_connect (&f);
  server_leg = ss_socket_get_relay_server (pair_leg (&f));
  flood.client = f.client;
  flood.total = (gsize) 64 * 1024 * 1024;
  flood.data = g_malloc0 (64 * 1024);
  ss_test_wait_until (client_stalled, &flood, SS_TEST_LONG_TIMEOUT_MS);
  g_test_message ("paused after %" G_GSIZE_FORMAT " bytes, %" G_GUINT64_FORMAT " queued to the server",
                  flood.sent, ss_socket_get_queued (server_leg));
  g_assert_cmpuint (flood.sent, <, flood.total);
  g_assert_cmpuint (ss_socket_get_queued (server_leg), <=, SS_RELAY_PAIR_MAX_BUFFERED + 64 * 1024);
  g_free (flood.data);
  fixture_close (&f);
}

/* A Unix stream relay gets its faults as a TCP one does. */
static void
test_faults_unix (void)
{
  Fixture f = { 0 };
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  g_autofree char *target = NULL;
  g_autofree char *listen_path = NULL;
  g_autofree char *spec = NULL;
  g_autoptr(GBytes) sent = pattern (100);
  g_autoptr(GBytes) received = NULL;

  f.session = ss_session_new ();
  f.dir = g_dir_make_tmp ("sockscope-faults-XXXXXX", NULL);
  target = g_build_filename (f.dir, "target", NULL);
  listen_path = g_build_filename (f.dir, "relay", NULL);
  f.target = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  g_assert_no_errno (f.target);
  g_strlcpy (address.sun_path, target, sizeof address.sun_path);
  g_assert_no_errno (bind (f.target, (struct sockaddr *) &address, sizeof address));
  g_assert_no_errno (listen (f.target, 5));
  spec = g_strdup_printf ("unix-relay:%s:%s", listen_path, target);
  f.relay = ss_test_open_relay (f.session, spec);
  set_faults (f.relay, SS_TOXIC_UPSTREAM, "limit_data bytes 42");

  f.client = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_strlcpy (address.sun_path, listen_path, sizeof address.sun_path);
  g_assert_no_errno (connect (f.client, (struct sockaddr *) &address, sizeof address));
  f.server = ss_test_raw_accept (f.target, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (fcntl (f.server, F_SETFL, O_NONBLOCK));
  ss_test_raw_send_all (f.client, g_bytes_get_data (sent, NULL), 100, SS_TEST_TIMEOUT_MS);
  received = ss_test_raw_recv (f.server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                   g_bytes_get_data (sent, NULL), 42);
  fixture_close (&f);
}

/* --toxic: a direction, then the fault with commas and equals signs; a
 * relay opened from a spec afterwards has it. */
static void
test_faults_option (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) up = NULL;
  g_autoptr(GArray) down = NULL;
  SsToxicDirection direction;
  SsToxicSpec spec;
  SsSession *session;
  SsSocket *relay;
  guint16 target_port;
  int target;

  g_assert_true (ss_toxic_spec_parse_option ("downstream:latency=200,jitter=50,toxicity=0.5",
                                             &direction, &spec, &error));
  g_assert_no_error (error);
  g_assert_cmpint (direction, ==, SS_TOXIC_DOWNSTREAM);
  g_assert_cmpint (spec.kind, ==, SS_TOXIC_LATENCY);
  g_assert_cmpint (spec.params[SS_TOXIC_LATENCY_MS], ==, 200);
  g_assert_cmpint (spec.params[SS_TOXIC_JITTER_MS], ==, 50);
  g_assert_cmpfloat (spec.toxicity, ==, 0.5);
  for (guint i = 0; i < 4; i++)
    {
      const char *bad[] = { "latency=200", "sideways:latency=200", "upstream:latency=200,jitter",
                            "upstream:shout=3" };

      g_assert_false (ss_toxic_spec_parse_option (bad[i], &direction, &spec, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  session = ss_session_new ();
  g_assert_true (ss_toxic_spec_parse_option ("upstream:slicer=100", &direction, &spec, NULL));
  ss_session_add_relay_fault (session, direction, &spec);
  target = ss_test_raw_listener (AF_INET, 0, &target_port);
  {
    g_autofree char *text = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", target_port);

    relay = ss_test_open_relay (session, text);
  }
  up = ss_socket_dup_relay_faults (relay, SS_TOXIC_UPSTREAM);
  down = ss_socket_dup_relay_faults (relay, SS_TOXIC_DOWNSTREAM);
  g_assert_cmpuint (up->len, ==, 1);
  g_assert_cmpint (g_array_index (up, SsToxicSpec, 0).kind, ==, SS_TOXIC_SLICER);
  g_assert_cmpuint (down->len, ==, 0);
  close (target);
  ss_socket_close (relay);
  ss_test_finalize_session (session, relay, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-faults/slicer", test_faults_slicer);
  g_test_add_func ("/relay-faults/limit-data", test_faults_limit_data);
  g_test_add_func ("/relay-faults/reset-peer", test_faults_reset_peer);
  g_test_add_func ("/relay-faults/latency", test_faults_latency);
  g_test_add_func ("/relay-faults/timeout", test_faults_timeout);
  g_test_add_func ("/relay-faults/slow-close", test_faults_slow_close);
  g_test_add_data_func ("/relay-faults/toxicity/0", GINT_TO_POINTER (FALSE), test_faults_toxicity);
  g_test_add_data_func ("/relay-faults/toxicity/1", GINT_TO_POINTER (TRUE), test_faults_toxicity);
  g_test_add_func ("/relay-faults/live", test_faults_live);
  g_test_add_func ("/relay-faults/backpressure", test_faults_backpressure);
  g_test_add_func ("/relay-faults/unix", test_faults_unix);
  g_test_add_func ("/relay-faults/option", test_faults_option);
  return g_test_run ();
}
