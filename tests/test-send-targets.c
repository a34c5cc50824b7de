/* test-send-targets.c — what else a socket sends to: a file from disk
 * (sendfile), a payload repeated on a timer, every connection of a
 * listener, the sender of a datagram
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-repeat.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"

#define MIB ((gsize) 1024 * 1024)
#define BIG_FILE_SIZE (64 * MIB)
/* The traffic log keeps every byte sent up to its budget (64 MiB by
 * default, as much as the file): a small one here leaves only what
 * sendfile itself holds in the memory measured. */
#define SMALL_LOG_BUDGET (4 * MIB)
#define MAX_RSS_GROWTH (32 * MIB)
/* How long a quiet socket is watched to see nothing more arrives. */
#define QUIET_MS 100

typedef struct
{
  SsSession *session;
} Fixture;

/* The test's files: a temporary directory of its own, removed at the end
 * (not G_TEST_OPTION_ISOLATE_DIRS, whose strings LeakSanitizer counts) */
static char *work_dir;

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

/* --- helpers --- */

static char *
cache_path (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

/* @size pseudo-random bytes, written and hashed a MiB at a time so that
 * the test itself never holds the file in memory; the SHA-256 is the one
 * g_compute_checksum_for_data() gives for the whole. */
static char *
write_random_file (const char  *name,
                   gsize        size,
                   char       **sha256_out)
{
  char *path = cache_path (name);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) size);
  g_autofree guint32 *block = g_new (guint32, MIB / 4);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_no_errno (fd);
  for (gsize done = 0; done < size; )
    {
      gsize len = MIN (MIB, size - done);

      for (gsize i = 0; i < MIB / 4; i++)
        block[i] = g_rand_int (rand);
      g_assert_cmpint (write (fd, block, len), ==, (gssize) len);
      g_checksum_update (checksum, (const guchar *) block, len);
      done += len;
    }
  g_assert_no_errno (close (fd));
  if (sha256_out != NULL)
    *sha256_out = g_strdup (g_checksum_get_string (checksum));
  return path;
}

static guint64
proc_status_bytes (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *needle = g_strdup_printf ("\n%s:", field);
  g_autoptr(GError) error = NULL;
  const char *p;

  g_file_get_contents ("/proc/self/status", &status, NULL, &error);
  g_assert_no_error (error);
  p = strstr (status, needle);
  g_assert_nonnull (p);
  p += strlen (needle);
  while (*p == ' ' || *p == '\t')
    p++;
  return g_ascii_strtoull (p, NULL, 10) * 1024;
}

/* Resets VmHWM to the current RSS (Linux 4.0 and later), so the peak read
 * later is this test's own; if it cannot, the peak only overstates. */
static void
reset_peak_rss (void)
{
  int fd = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    return;
  if (write (fd, "5", 1) != 1)
    g_test_message ("cannot reset VmHWM: %s", g_strerror (errno));
  close (fd);
}

/* A Sockscope client connected to a raw peer that reads only when told;
 * @rcvbuf > 0 keeps the peer's window small. */
static SsSocket *
connect_to_raw_peer (Fixture *fixture,
                     int      rcvbuf,
                     int     *peer_out)
{
  int listener;
  SsSocket *client = ss_test_raw_pair (fixture->session, AF_INET, rcvbuf, &listener, peer_out);

  close (listener);
  return client;
}

/* The raw stream peer gets exactly @expected: those bytes, then nothing
 * more while the loop runs a while longer. */
static void
assert_raw_stream_exactly (int         fd,
                           const void *expected,
                           gsize       len)
{
  g_autoptr(GBytes) got = ss_test_raw_recv (fd, len, FALSE, SS_TEST_TIMEOUT_MS);
  char extra;

  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), expected, len);
  ss_test_iterate_for (QUIET_MS);
  g_assert_cmpint (recv (fd, &extra, 1, MSG_DONTWAIT), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);
}

static GBytes *
repeated (const char *text,
          guint       times)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (out, text);
  return g_string_free_to_bytes (out);
}

static gint64
send_file (SsSocket    *socket,
           const char  *path,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ss_socket_send_file_async (socket, path, ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, SS_TEST_LONG_TIMEOUT_MS);
  return ss_socket_send_file_finish (socket, result, error);
}

/* --- python3 peers --- */

/* Listens on loopback, prints its port, then reads one connection to its
 * end and prints the SHA-256 and the byte count. */
static const char python_sink[] =
  "import hashlib, socket\n"
  "server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
  "server.bind(('127.0.0.1', 0))\n"
  "server.listen(1)\n"
  "server.settimeout(30)\n"
  "print(server.getsockname()[1], flush=True)\n"
  "conn, _ = server.accept()\n"
  "conn.settimeout(30)\n"
  "digest = hashlib.sha256()\n"
  "count = 0\n"
  "while True:\n"
  "    data = conn.recv(1 << 20)\n"
  "    if not data:\n"
  "        break\n"
  "    digest.update(data)\n"
  "    count += len(data)\n"
  "print(digest.hexdigest(), count, flush=True)\n";

typedef struct
{
  SsSocket      *socket;
  GAsyncResult **result;
  guint64        size;
  guint64        last_sent;
  guint          samples;
} ProgressWatch;

/* Done when the result is in; on the way, the progress only grows. */
static gboolean
file_sent_watching_progress (gpointer user_data)
{
  ProgressWatch *watch = user_data;
  guint64 sent = 0, size = 0;

  if (*watch->result != NULL)
    return TRUE;
  /* the file is out and its result on its way (a GTask may return from
   * an idle): nothing more to watch */
  if (!ss_socket_get_file_progress (watch->socket, &sent, &size))
    return FALSE;
  g_assert_cmpuint (size, ==, watch->size);
  g_assert_cmpuint (sent, >=, watch->last_sent);
  g_assert_cmpuint (sent, <=, size);
  watch->last_sent = sent;
  watch->samples++;
  return FALSE;
}

/* --- sendfile --- */

/* A 64 MiB file to Python, which hashes what it reads: every byte
 * arrives in order, the call log has one sendfile(), and the file never
 * sits in memory whole. */
static void
test_file_to_python (Fixture       *fixture,
                     gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *expected_sha = NULL;
  g_autofree char *path = NULL;
  g_autofree char *port_line = NULL;
  g_autofree char *address = NULL;
  g_autofree char *result_line = NULL;
  g_autofree char *expected_line = NULL;
  g_autofree char *expected_python = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(GBytes) whole = NULL;
  SsTrafficLog *traffic;
  SsSocket *client;
  ProgressWatch watch = { 0 };
  guint64 rss_before, peak, sent = 0, size = 0, evicted = 0;
  const char *argv[] = { NULL, "-c", python_sink, NULL };

  if (python == NULL)
    return;

  path = write_random_file ("big.bin", BIG_FILE_SIZE, &expected_sha);

  argv[0] = python;
  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  port_line = ss_test_peer_read_line (process, lines, SS_TEST_LONG_TIMEOUT_MS);

  client = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);
  traffic = ss_socket_get_traffic (client);
  ss_traffic_log_set_budget (traffic, SMALL_LOG_BUDGET);
  address = g_strdup_printf ("127.0.0.1:%s", port_line);
  ss_test_connect_ok (client, address);

  rss_before = proc_status_bytes ("VmRSS");
  reset_peak_rss ();

  ss_socket_send_file_async (client, path, ss_test_store_result_cb, &result);
  watch.socket = client;
  watch.result = &result;
  watch.size = BIG_FILE_SIZE;
  ss_test_peer_wait (process, file_sent_watching_progress, &watch, SS_TEST_LONG_TIMEOUT_MS,
                     "the file to be sent");
  g_assert_cmpint (ss_socket_send_file_finish (client, result, &error), ==, BIG_FILE_SIZE);
  g_assert_no_error (error);

  peak = proc_status_bytes ("VmHWM");
  g_test_message ("RSS %" PRIu64 " KiB before, peak %" PRIu64 " KiB while sending",
                  rss_before / 1024, peak / 1024);
#ifndef __SANITIZE_ADDRESS__
  g_assert_cmpuint (peak, <, rss_before + MAX_RSS_GROWTH);
#else
  /* AddressSanitizer keeps freed chunks in its quarantine: the bound is
   * checked in the plain build */
  (void) rss_before;
#endif

  /* done: no file under way, and all of it counted */
  g_assert_false (ss_socket_get_file_progress (client, &sent, &size));
  g_assert_cmpuint (sent, ==, BIG_FILE_SIZE);
  g_assert_cmpuint (size, ==, BIG_FILE_SIZE);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, BIG_FILE_SIZE);
  g_assert_cmpuint (ss_socket_get_queued (client), ==, 0);
  /* how many samples the watch took depends on the machine's speed: none
   * is asserted, only that each one was in order */

  /* one sendfile() with the count, and the chunks are no calls of their own */
  name = ss_socket_dup_python_name (client);
  expected_python = g_strdup_printf ("%s.sendfile(open('%s', 'rb'))", name, path);
  ss_test_assert_call (calls, "sendfile", ss_socket_get_fd (client), BIG_FILE_SIZE, 0,
                       expected_python);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendfile"), ==, 1);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendall"), ==, 0);
  g_assert_cmpuint (ss_test_count_calls (calls, "send"), ==, 0);

  /* every byte went through the traffic log: what it kept is the file's
   * tail, the rest it counts as evicted */
  kept = ss_traffic_log_dup_payload_full (traffic, SS_TRAFFIC_SENT, &evicted);
  g_assert_cmpuint (evicted + g_bytes_get_size (kept), ==, BIG_FILE_SIZE);
  g_assert_cmpuint (g_bytes_get_size (kept), <=, SMALL_LOG_BUDGET + 256 * 1024);
  whole = ss_test_read_file (path);
  g_assert_cmpmem (g_bytes_get_data (kept, NULL), g_bytes_get_size (kept),
                   (const guint8 *) g_bytes_get_data (whole, NULL) + evicted,
                   g_bytes_get_size (kept));
  g_clear_pointer (&whole, g_bytes_unref);

  /* the peer reads the end, and says what it got */
  g_assert_true (ss_socket_shutdown (client, SHUT_WR, &error));
  g_assert_no_error (error);
  result_line = ss_test_peer_read_line (process, lines, SS_TEST_LONG_TIMEOUT_MS);
  expected_line = g_strdup_printf ("%s %" G_GSIZE_FORMAT, expected_sha, BIG_FILE_SIZE);
  g_assert_cmpstr (result_line, ==, expected_line);
  ss_test_peer_wait_exit_ok (process, SS_TEST_LONG_TIMEOUT_MS);
  g_unlink (path);
}

/* Stopped halfway: the caller gets ECANCELED, the call log's sendfile()
 * too, and the traffic log says how far it got. */
static void
test_file_cancel (Fixture       *fixture,
                  gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autofree char *path = write_random_file ("cancel.bin", 16 * MIB, NULL);
  g_autofree char *empty = cache_path ("empty.bin");
  g_autofree char *stopped = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 sent = 0, size = 0;
  guint fds_before;
  SsSocket *client;
  int peer;

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  fds_before = ss_test_count_fds ();
  /* a peer that never reads: the kernel takes a little and then waits */
  client = connect_to_raw_peer (fixture, 4096, &peer);

  ss_socket_send_file_async (client, path, ss_test_store_result_cb, &result);
  ss_test_iterate_for (QUIET_MS);
  g_assert_null (result);
  g_assert_true (ss_socket_get_file_progress (client, &sent, &size));
  g_assert_cmpuint (size, ==, 16 * MIB);
  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpuint (sent, <, size);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, sent);

  /* one file at a time */
  g_assert_cmpint (send_file (client, empty, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_null (result);

  ss_socket_cancel_send (client);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (ss_socket_send_file_finish (client, result, &error), ==, -1);
  g_assert_error (error, SS_ERRNO_ERROR, ECANCELED);
  g_clear_error (&error);
  g_clear_object (&result);

  ss_test_assert_call (calls, "sendfile", ss_socket_get_fd (client), -1, ECANCELED, NULL);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendfile"), ==, 1);
  g_assert_false (ss_socket_get_file_progress (client, &sent, &size));
  g_assert_cmpuint (ss_socket_get_queued (client), ==, 0);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, sent);
  stopped = g_strdup_printf ("sendfile stopped after %" PRIu64 " of %" PRIu64 " bytes",
                             sent, (guint64) 16 * MIB);
  g_assert_cmpuint (ss_test_count_events (client, stopped), ==, 1);

  /* nothing more goes out, and the socket takes the next file */
  ss_test_iterate_for (QUIET_MS);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, sent);
  g_assert_cmpint (send_file (client, empty, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendfile"), ==, 2);

  /* closing the socket stops a file as well */
  ss_socket_send_file_async (client, path, ss_test_store_result_cb, &result);
  g_assert_true (ss_socket_get_file_progress (client, NULL, NULL));
  ss_socket_close (client);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (ss_socket_send_file_finish (client, result, &error), ==, -1);
  g_assert_error (error, SS_ERRNO_ERROR, ECANCELED);
  g_assert_false (ss_socket_get_file_progress (client, NULL, NULL));
  g_assert_cmpuint (ss_test_count_calls (calls, "sendfile"), ==, 3);

  /* the client's descriptor and every file's are closed; the peer is left */
  close (peer);
  g_assert_cmpuint (ss_test_count_fds (), ==, fds_before);
  g_unlink (path);
  g_unlink (empty);
}

/* What cannot be sent fails at once, and leaves no descriptor open. */
static void
test_file_errors (Fixture       *fixture,
                  gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autofree char *missing = cache_path ("missing.bin");
  g_autofree char *empty = cache_path ("empty.bin");
  g_autofree char *small = write_random_file ("small.bin", 1000, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = ss_test_read_file (small);
  SsSocket *udp = ss_test_create (fixture->session, AF_INET, SOCK_DGRAM);
  SsSocket *unconnected = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);
  SsSocket *listener = ss_test_listener_new (fixture->session, AF_INET, "127.0.0.1:0");
  SsSocket *closed = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);
  SsSocket *client;
  guint fds_before;
  int peer;

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  client = connect_to_raw_peer (fixture, 0, &peer);
  ss_socket_close (closed);
  fds_before = ss_test_count_fds ();

  g_assert_cmpint (send_file (client, missing, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (send_file (client, work_dir, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);

  g_assert_cmpint (send_file (udp, small, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  g_assert_cmpint (send_file (unconnected, small, &error), ==, -1);
  g_assert_error (error, SS_ERRNO_ERROR, ENOTCONN);
  g_clear_error (&error);

  g_assert_cmpint (send_file (listener, small, &error), ==, -1);
  g_assert_error (error, SS_ERRNO_ERROR, ENOTCONN);
  g_clear_error (&error);

  g_assert_cmpint (send_file (closed, small, &error), ==, -1);
  g_assert_error (error, SS_ERRNO_ERROR, EBADF);
  g_clear_error (&error);

  g_assert_cmpuint (ss_test_count_fds (), ==, fds_before);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendfile"), ==, 0);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, 0);

  /* an empty file is a sendfile() of nothing */
  g_assert_cmpint (send_file (client, empty, &error), ==, 0);
  g_assert_no_error (error);
  ss_test_assert_call (calls, "sendfile", ss_socket_get_fd (client), 0, 0, NULL);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, 0);

  /* a small one arrives whole, and nothing else */
  g_assert_cmpint (send_file (client, small, &error), ==, 1000);
  g_assert_no_error (error);
  ss_test_assert_call (calls, "sendfile", ss_socket_get_fd (client), 1000, 0, NULL);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendfile"), ==, 2);
  assert_raw_stream_exactly (peer, g_bytes_get_data (contents, NULL), 1000);
  g_assert_cmpuint (ss_test_count_fds (), ==, fds_before);

  close (peer);
  g_unlink (empty);
  g_unlink (small);
}

/* The peer resets the connection halfway: the file ends with the
 * kernel's error, in the call log as well. */
static void
test_file_peer_reset (Fixture       *fixture,
                      gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autofree char *path = write_random_file ("reset.bin", 16 * MIB, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint fds_before = ss_test_count_fds ();
  SsSocket *client;
  int peer;

  client = connect_to_raw_peer (fixture, 4096, &peer);
  ss_socket_send_file_async (client, path, ss_test_store_result_cb, &result);
  ss_test_iterate_for (QUIET_MS);
  g_assert_null (result);
  ss_test_raw_close_with_reset (peer);

  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (ss_socket_send_file_finish (client, result, &error), ==, -1);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SS_ERRNO_ERROR);
  g_assert_true (error->code == ECONNRESET || error->code == EPIPE);
  ss_test_assert_call (calls, "sendfile", ss_socket_get_fd (client), -1, error->code, NULL);
  g_assert_cmpint (ss_test_get_failure (client), ==, error->code);
  g_assert_false (ss_socket_get_file_progress (client, NULL, NULL));
  ss_test_assert_event (client, "sendfile stopped after");

  ss_socket_close (client);
  g_assert_cmpuint (ss_test_count_fds (), ==, fds_before);
  g_unlink (path);
}

/* A file cut short while it is sent ends where it now ends, as Python's
 * sendfile() does: no error, the count is what went out. */
static void
test_file_shrinks (Fixture       *fixture,
                   gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autofree char *path = write_random_file ("shrink.bin", 16 * MIB, NULL);
  g_autoptr(GBytes) contents = ss_test_read_file (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) rest = NULL;
  guint64 sent = 0, size = 0;
  SsSocket *client;
  int peer;

  client = connect_to_raw_peer (fixture, 4096, &peer);
  ss_socket_send_file_async (client, path, ss_test_store_result_cb, &result);
  ss_test_iterate_for (QUIET_MS);
  g_assert_true (ss_socket_get_file_progress (client, &sent, &size));
  /* not yet read past the new end (a chunk is read ahead) */
  g_assert_cmpuint (sent + 256 * 1024, <=, 8 * MIB);
  g_assert_no_errno (truncate (path, 8 * MIB));

  got = ss_test_raw_recv (peer, 8 * MIB, FALSE, SS_TEST_LONG_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                   g_bytes_get_data (contents, NULL), 8 * MIB);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (ss_socket_send_file_finish (client, result, &error), ==, 8 * MIB);
  g_assert_no_error (error);
  ss_test_assert_call (calls, "sendfile", ss_socket_get_fd (client), 8 * MIB, 0, NULL);
  g_assert_false (ss_socket_get_file_progress (client, &sent, &size));
  g_assert_cmpuint (sent, ==, 8 * MIB);
  g_assert_cmpuint (size, ==, 8 * MIB);

  /* and nothing after it */
  g_assert_true (ss_socket_shutdown (client, SHUT_WR, &error));
  g_assert_no_error (error);
  rest = ss_test_raw_recv (peer, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (rest), ==, 0);
  close (peer);
  g_unlink (path);
}

/* A sendall() made while a file is under way goes out after the file, as
 * it would after Python's sendfile() returned: the peer must not find it
 * in the middle of the file. */
static void
test_file_then_sendall_in_order (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = write_random_file ("ordered.bin", 4 * MIB, NULL);
  g_autoptr(GBytes) contents = ss_test_read_file (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  SsSocket *client;
  int peer;

  client = connect_to_raw_peer (fixture, 16384, &peer);

  /* the peer reads nothing yet, so the file is still going out */
  ss_socket_send_file_async (client, path, ss_test_store_result_cb, &result);
  g_assert_true (ss_socket_get_file_progress (client, NULL, NULL));
  ss_test_send_ok (client, "TAIL", 4);

  g_byte_array_append (expected, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
  g_byte_array_append (expected, (const guint8 *) "TAIL", 4);
  got = ss_test_raw_recv (peer, expected->len, FALSE, SS_TEST_LONG_TIMEOUT_MS);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (ss_socket_send_file_finish (client, result, &error), ==, 4 * MIB);
  g_assert_no_error (error);

  g_assert_cmpuint (g_bytes_get_size (got), ==, expected->len);
  /* where the two differ, for the log, before the byte comparison */
  if (memcmp (g_bytes_get_data (got, NULL), expected->data, expected->len) != 0)
    {
      const guint8 *a = g_bytes_get_data (got, NULL);
      gsize i = 0;

      while (a[i] == expected->data[i])
        i++;
      g_test_message ("the peer's bytes differ from the file's at offset %" G_GSIZE_FORMAT
                      " of %u", i, expected->len);
    }
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                   expected->data, expected->len);
  close (peer);
  g_unlink (path);
}

/* --- SsRepeat --- */

typedef struct
{
  guint   n_stopped;
  GError *error;
} StopWatch;

static void
stopped_cb (SsRepeat     *repeat,
            const GError *error,
            StopWatch    *watch)
{
  watch->n_stopped++;
  g_clear_error (&watch->error);
  if (error != NULL)
    watch->error = g_error_copy (error);
}

static gboolean
has_stopped (gpointer user_data)
{
  return ((StopWatch *) user_data)->n_stopped > 0;
}

static gboolean
sent_three (gpointer repeat)
{
  return ss_repeat_get_sent (repeat) >= 3;
}

static SsRepeat *
watched_repeat (SsSocket        *target,
                GBytes          *payload,
                const SsAddress *to,
                guint            interval_ms,
                guint            count,
                StopWatch       *watch)
{
  SsRepeat *repeat = ss_repeat_new (target, payload, to, interval_ms, count);

  g_signal_connect (repeat, "stopped", G_CALLBACK (stopped_cb), watch);
  return repeat;
}

/* A Sockscope listener and client, connected: returns the client, and
 * the accepted end in @connection_out. */
static SsSocket *
connected_pair (Fixture   *fixture,
                SsSocket **connection_out)
{
  SsSocket *listener = ss_test_listener_new (fixture->session, AF_INET, "127.0.0.1:0");
  SsSocket *client = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);

  ss_test_connect_ok (client, ss_socket_get_local_address (listener));
  ss_test_wait_connections (listener, 1);
  *connection_out = ss_test_connection_at (listener, 0);
  return client;
}

static void
test_repeat_count (Fixture       *fixture,
                   gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autoptr(GBytes) payload = g_bytes_new_static ("tick\n", 5);
  g_autoptr(GBytes) five = repeated ("tick\n", 5);
  g_autoptr(SsRepeat) repeat = NULL;
  StopWatch watch = { 0 };
  guint sent_notes = 0, running_notes = 0;
  gint64 started;
  SsSocket *connection;
  SsSocket *client = connected_pair (fixture, &connection);

  repeat = watched_repeat (client, payload, NULL, 5, 5, &watch);
  g_signal_connect (repeat, "notify::sent", G_CALLBACK (ss_test_count_cb), &sent_notes);
  g_signal_connect (repeat, "notify::running", G_CALLBACK (ss_test_count_cb), &running_notes);
  g_assert_false (ss_repeat_get_running (repeat));
  g_assert_cmpuint (ss_repeat_get_count (repeat), ==, 5);

  started = g_get_monotonic_time ();
  ss_repeat_start (repeat);
  /* the first round goes at once */
  g_assert_true (ss_repeat_get_running (repeat));
  g_assert_cmpuint (ss_repeat_get_sent (repeat), ==, 1);

  ss_test_wait_until (has_stopped, &watch, SS_TEST_TIMEOUT_MS);
  /* four intervals at least between the first and the fifth */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 4 * 5 * 1000);
  g_assert_no_error (watch.error);
  g_assert_cmpuint (ss_repeat_get_sent (repeat), ==, 5);
  g_assert_false (ss_repeat_get_running (repeat));
  g_assert_cmpuint (sent_notes, ==, 5);
  g_assert_cmpuint (running_notes, ==, 2);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendall"), ==, 5);

  ss_test_wait_bytes_in (connection, 25);
  ss_test_iterate_for (QUIET_MS);
  g_assert_cmpuint (ss_socket_get_bytes_in (connection), ==, 25);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, g_bytes_get_data (five, NULL), 25);
  g_assert_cmpuint (ss_repeat_get_sent (repeat), ==, 5);
  g_assert_cmpuint (watch.n_stopped, ==, 1);

  /* stopping what has stopped says nothing more */
  ss_repeat_stop (repeat);
  g_assert_cmpuint (watch.n_stopped, ==, 1);
  g_assert_cmpuint (running_notes, ==, 2);
}

static void
test_repeat_until_stopped (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("tock\n", 5);
  g_autoptr(GBytes) all = NULL;
  g_autoptr(SsRepeat) repeat = NULL;
  StopWatch watch = { 0 };
  guint64 bytes_out;
  guint sent;
  SsSocket *connection;
  SsSocket *client = connected_pair (fixture, &connection);

  repeat = watched_repeat (client, payload, NULL, 5, 0, &watch);
  ss_repeat_start (repeat);
  ss_test_wait_until (sent_three, repeat, SS_TEST_TIMEOUT_MS);
  g_assert_true (ss_repeat_get_running (repeat));
  g_assert_cmpuint (watch.n_stopped, ==, 0);

  ss_repeat_stop (repeat);
  g_assert_false (ss_repeat_get_running (repeat));
  g_assert_cmpuint (watch.n_stopped, ==, 1);
  g_assert_no_error (watch.error);
  sent = ss_repeat_get_sent (repeat);
  g_assert_cmpuint (sent, >=, 3);
  g_assert_cmpuint (ss_socket_get_queued (client), ==, 0);
  bytes_out = ss_socket_get_bytes_out (client);
  g_assert_cmpuint (bytes_out, ==, sent * 5);

  /* nothing more is sent after the stop */
  ss_test_iterate_for (QUIET_MS);
  g_assert_cmpuint (ss_repeat_get_sent (repeat), ==, sent);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, bytes_out);
  g_assert_cmpuint (watch.n_stopped, ==, 1);
  ss_test_wait_bytes_in (connection, bytes_out);
  all = repeated ("tock\n", sent);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, g_bytes_get_data (all, NULL),
                          g_bytes_get_size (all));
  g_clear_error (&watch.error);
}

/* A peer slower than the repeat: rounds wait while more than 4 MiB is
 * queued, and are not counted; the peer still gets exactly @count. */
static void
test_repeat_slow_peer (Fixture       *fixture,
                       gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autofree guint8 *block = g_malloc (MIB);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(SsRepeat) repeat = NULL;
  StopWatch watch = { 0 };
  guint sent;
  char extra;
  SsSocket *client;
  int peer;

  for (gsize i = 0; i < MIB; i++)
    block[i] = (guint8) (i * 7 + i / 251);
  payload = g_bytes_new (block, MIB);
  client = connect_to_raw_peer (fixture, 65536, &peer);

  repeat = watched_repeat (client, payload, NULL, 1, 20, &watch);
  ss_repeat_start (repeat);
  ss_test_iterate_for (2 * QUIET_MS);
  sent = ss_repeat_get_sent (repeat);
  g_test_message ("%u rounds sent, %" G_GSIZE_FORMAT " bytes queued",
                  sent, ss_socket_get_queued (client));
  g_assert_true (ss_repeat_get_running (repeat));
  g_assert_cmpuint (sent, <, 20);
  g_assert_cmpuint (ss_socket_get_queued (client), <=, 5 * MIB);
  g_assert_cmpuint (ss_socket_get_bytes_out (client) + ss_socket_get_queued (client), ==,
                    (guint64) sent * MIB);

  /* the peer reads: every round goes out, and no more */
  got = ss_test_raw_recv (peer, 20 * MIB, FALSE, SS_TEST_LONG_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 20 * MIB);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpmem ((const guint8 *) g_bytes_get_data (got, NULL) + i * MIB, MIB, block, MIB);
  ss_test_wait_until (has_stopped, &watch, SS_TEST_TIMEOUT_MS);
  g_assert_no_error (watch.error);
  g_assert_cmpuint (ss_repeat_get_sent (repeat), ==, 20);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendall"), ==, 20);
  ss_test_iterate_for (QUIET_MS);
  g_assert_cmpint (recv (peer, &extra, 1, MSG_DONTWAIT), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);
  close (peer);
}

/* A repeat that cannot go on stops with the reason. */
static void
test_repeat_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("x", 1);
  SsSocket *closed = ss_test_create (fixture->session, AF_INET, SOCK_STREAM);
  SsSocket *udp = ss_test_create (fixture->session, AF_INET, SOCK_DGRAM);
  SsSocket *listener = ss_test_listener_new (fixture->session, AF_INET, "127.0.0.1:0");
  SsSocket *client;
  int peer;

  ss_socket_close (closed);

  /* closed socket: at the first round */
  {
    StopWatch watch = { 0 };
    g_autoptr(SsRepeat) repeat = watched_repeat (closed, payload, NULL, 5, 3, &watch);

    ss_repeat_start (repeat);
    g_assert_cmpuint (watch.n_stopped, ==, 1);
    g_assert_error (watch.error, SS_ERRNO_ERROR, EBADF);
    g_assert_false (ss_repeat_get_running (repeat));
    g_assert_cmpuint (ss_repeat_get_sent (repeat), ==, 0);
    ss_test_iterate_for (20);
    g_assert_cmpuint (watch.n_stopped, ==, 1);
    g_clear_error (&watch.error);
  }

  /* a datagram socket with nowhere to send: the kernel's EDESTADDRREQ */
  {
    StopWatch watch = { 0 };
    g_autoptr(SsRepeat) repeat = watched_repeat (udp, payload, NULL, 5, 3, &watch);

    ss_repeat_start (repeat);
    g_assert_cmpuint (watch.n_stopped, ==, 1);
    g_assert_error (watch.error, SS_ERRNO_ERROR, EDESTADDRREQ);
    g_assert_false (ss_repeat_get_running (repeat));
    g_clear_error (&watch.error);
  }

  /* a listener with no connection */
  {
    StopWatch watch = { 0 };
    g_autoptr(SsRepeat) repeat = watched_repeat (listener, payload, NULL, 5, 3, &watch);

    ss_repeat_start (repeat);
    g_assert_cmpuint (watch.n_stopped, ==, 1);
    g_assert_error (watch.error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
    g_assert_false (ss_repeat_get_running (repeat));
    g_clear_error (&watch.error);
  }

  /* the peer resets the connection under a running repeat */
  client = connect_to_raw_peer (fixture, 0, &peer);
  {
    StopWatch watch = { 0 };
    g_autoptr(SsRepeat) repeat = watched_repeat (client, payload, NULL, 5, 0, &watch);

    ss_repeat_start (repeat);
    ss_test_wait_until (sent_three, repeat, SS_TEST_TIMEOUT_MS);
    g_assert_cmpuint (watch.n_stopped, ==, 0);
    ss_test_raw_close_with_reset (peer);
    ss_test_wait_until (has_stopped, &watch, SS_TEST_TIMEOUT_MS);
    g_assert_nonnull (watch.error);
    g_assert_true (watch.error->domain == SS_ERRNO_ERROR);
    g_assert_true (watch.error->code == ECONNRESET || watch.error->code == EPIPE);
    g_assert_false (ss_repeat_get_running (repeat));
    g_assert_cmpint (ss_test_get_failure (client), ==, watch.error->code);
    ss_test_iterate_for (QUIET_MS);
    g_assert_cmpuint (watch.n_stopped, ==, 1);
    g_clear_error (&watch.error);
  }
}

/* --- every connection of a listener --- */

static void
test_broadcast (Fixture       *fixture,
                gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autoptr(GBytes) payload = g_bytes_new_static ("hello, all\n", 11);
  g_autoptr(GBytes) twice = repeated ("hello, all\n", 2);
  g_autoptr(GBytes) thrice = repeated ("hello, all\n", 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(SsRepeat) repeat = NULL;
  StopWatch watch = { 0 };
  SsSocket *listener = ss_test_listener_new (fixture->session, AF_INET, "127.0.0.1:0");
  SsSocket *lonely = ss_test_listener_new (fixture->session, AF_INET, "127.0.0.1:0");
  guint16 port = ss_test_port_of (ss_socket_get_local_address (listener));
  int peers[3];

  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    peers[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (listener, 3);
  open = ss_socket_dup_open_connections (listener);
  g_assert_cmpuint (open->len, ==, 3);

  g_assert_cmpuint (ss_socket_send_to_connections (listener, payload, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpuint (ss_socket_send_to_connections (listener, payload, &error), ==, 3);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    assert_raw_stream_exactly (peers[i], g_bytes_get_data (twice, NULL), 22);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendall"), ==, 6);
  for (guint i = 0; i < open->len; i++)
    g_assert_cmpuint (ss_socket_get_bytes_out (g_ptr_array_index (open, i)), ==, 22);

  /* a repeat on the listener: each round once to each connection */
  repeat = watched_repeat (listener, payload, NULL, 5, 3, &watch);
  ss_repeat_start (repeat);
  ss_test_wait_until (has_stopped, &watch, SS_TEST_TIMEOUT_MS);
  g_assert_no_error (watch.error);
  g_assert_cmpuint (ss_repeat_get_sent (repeat), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    assert_raw_stream_exactly (peers[i], g_bytes_get_data (thrice, NULL), 33);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendall"), ==, 15);

  /* a connection that failed is left out; the others still get it */
  ss_test_raw_close_with_reset (peers[0]);
  ss_test_wait_failure (g_ptr_array_index (open, 0));
  g_clear_pointer (&open, g_ptr_array_unref);
  open = ss_socket_dup_open_connections (listener);
  g_assert_cmpuint (open->len, ==, 2);
  g_assert_cmpuint (ss_socket_send_to_connections (listener, payload, &error), ==, 2);
  g_assert_no_error (error);
  for (guint i = 1; i < G_N_ELEMENTS (peers); i++)
    assert_raw_stream_exactly (peers[i], "hello, all\n", 11);

  /* nothing to send to */
  g_clear_pointer (&open, g_ptr_array_unref);
  open = ss_socket_dup_open_connections (lonely);
  g_assert_cmpuint (open->len, ==, 0);
  g_assert_cmpuint (ss_socket_send_to_connections (lonely, payload, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);

  for (guint i = 1; i < G_N_ELEMENTS (peers); i++)
    close (peers[i]);
}

/* --- datagrams --- */

typedef struct
{
  int        fd;
  guint      want;
  GPtrArray *datagrams;
  guint16    from_port;
} DatagramWait;

static gboolean
received_datagrams (gpointer user_data)
{
  DatagramWait *wait = user_data;
  struct sockaddr_in from;
  socklen_t from_len = sizeof from;
  guint8 buffer[2048];
  gssize n;

  while ((n = recvfrom (wait->fd, buffer, sizeof buffer, MSG_DONTWAIT,
                        (struct sockaddr *) &from, &from_len)) >= 0)
    {
      g_ptr_array_add (wait->datagrams, g_bytes_new (buffer, n));
      wait->from_port = ntohs (from.sin_port);
      from_len = sizeof from;
    }
  g_assert_cmpint (errno, ==, EAGAIN);
  return wait->datagrams->len >= wait->want;
}

/* The raw UDP socket gets exactly @count datagrams of @payload, then none
 * while the loop runs a while longer; returns the sender's port. */
static guint16
assert_datagrams_exactly (int     fd,
                          GBytes *payload,
                          guint   count)
{
  g_autoptr(GPtrArray) datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  DatagramWait wait = { fd, count, datagrams, 0 };

  ss_test_wait_until (received_datagrams, &wait, SS_TEST_TIMEOUT_MS);
  ss_test_iterate_for (QUIET_MS);
  wait.want = G_MAXUINT;
  received_datagrams (&wait);
  g_assert_cmpuint (datagrams->len, ==, count);
  for (guint i = 0; i < datagrams->len; i++)
    g_assert_true (g_bytes_equal (g_ptr_array_index (datagrams, i), payload));
  return wait.from_port;
}

static gboolean
has_sender (gpointer socket)
{
  return ss_socket_get_last_sender (socket) != NULL;
}

static void
test_datagram_repeat_and_reply (Fixture       *fixture,
                                gconstpointer  data)
{
  SsCallLog *calls = ss_session_get_calls (fixture->session);
  g_autoptr(GBytes) payload = g_bytes_new_static ("beacon", 6);
  g_autoptr(GBytes) pong = g_bytes_new_static ("pong", 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) to = NULL;
  g_autoptr(SsRepeat) repeat = NULL;
  g_autoptr(SsRepeat) replies = NULL;
  g_autofree char *text = NULL;
  StopWatch watch = { 0 };
  StopWatch reply_watch = { 0 };
  SsSocket *udp = ss_test_create (fixture->session, AF_INET, SOCK_DGRAM);
  struct sockaddr_storage storage;
  socklen_t len;
  guint16 raw_port, udp_port;
  int raw = ss_test_raw_udp_socket (AF_INET, &raw_port);

  /* a repeat with sendto() to a parsed address */
  text = g_strdup_printf ("127.0.0.1:%u", raw_port);
  to = ss_address_parse_numeric (text, AF_INET, NULL, &error);
  g_assert_no_error (error);
  repeat = watched_repeat (udp, payload, to, 5, 4, &watch);
  ss_repeat_start (repeat);
  ss_test_wait_until (has_stopped, &watch, SS_TEST_TIMEOUT_MS);
  g_assert_no_error (watch.error);
  g_assert_cmpuint (ss_repeat_get_sent (repeat), ==, 4);
  udp_port = assert_datagrams_exactly (raw, payload, 4);
  g_assert_cmpuint (udp_port, ==, ss_test_fd_local_port (ss_socket_get_fd (udp)));
  ss_test_assert_call (calls, "sendto", ss_socket_get_fd (udp), 6, 0, NULL);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendto"), ==, 4);
  g_assert_cmpuint (ss_socket_get_bytes_out (udp), ==, 24);

  /* the peer answers; the reply goes to whoever sent last */
  len = ss_test_loopback_address (AF_INET, udp_port, &storage);
  g_assert_cmpint (sendto (raw, "ping", 4, 0, (struct sockaddr *) &storage, len), ==, 4);
  ss_test_wait_until (has_sender, udp, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (udp, 4);
  g_assert_cmpuint (ss_address_get_port (ss_socket_get_last_sender (udp)), ==, raw_port);
  g_assert_cmpint (ss_socket_send_once (udp, pong, ss_socket_get_last_sender (udp), &error), ==, 4);
  g_assert_no_error (error);
  assert_datagrams_exactly (raw, pong, 1);

  /* and a repeat to the last sender */
  replies = watched_repeat (udp, pong, ss_socket_get_last_sender (udp), 5, 2, &reply_watch);
  ss_repeat_start (replies);
  ss_test_wait_until (has_stopped, &reply_watch, SS_TEST_TIMEOUT_MS);
  g_assert_no_error (reply_watch.error);
  assert_datagrams_exactly (raw, pong, 2);
  g_assert_cmpuint (ss_test_count_calls (calls, "sendto"), ==, 7);
  close (raw);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  work_dir = g_dir_make_tmp ("sockscope-send-targets-XXXXXX", NULL);
  g_assert_nonnull (work_dir);

#define ADD(path, func) \
  g_test_add ("/send-targets/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("file/to-python", test_file_to_python);
  ADD ("file/cancel", test_file_cancel);
  ADD ("file/errors", test_file_errors);
  ADD ("file/peer-reset", test_file_peer_reset);
  ADD ("file/shrinks", test_file_shrinks);
  ADD ("file/then-sendall-in-order", test_file_then_sendall_in_order);
  ADD ("repeat/count", test_repeat_count);
  ADD ("repeat/until-stopped", test_repeat_until_stopped);
  ADD ("repeat/slow-peer", test_repeat_slow_peer);
  ADD ("repeat/errors", test_repeat_errors);
  ADD ("broadcast", test_broadcast);
  ADD ("datagram/repeat-and-reply", test_datagram_repeat_and_reply);
#undef ADD

  status = g_test_run ();
  {
    g_autoptr(GFile) dir = g_file_new_for_path (work_dir);

    ss_test_remove_tree (dir);
    g_clear_pointer (&work_dir, g_free);
  }
  return status;
}
