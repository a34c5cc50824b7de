/* test-receive-file.c — received bytes appended to a file as they arrive:
 * exactly what the peer sent, only while on, a listener's connections
 * into its file, and a write error (/dev/full) that stops it and says why
 * while the connection goes on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-test-socket.h"

#define FROM_PEER (200 * 1024)

static GBytes *
random_bytes (gsize len)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = g_test_rand_int_range (0, 256);
  return g_bytes_new_take (data, len);
}

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sockscope-receive-file-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
assert_file_is (const char   *path,
                const guint8 *data,
                gsize         len)
{
  g_autoptr(GBytes) contents = ss_test_read_file (path);

  g_assert_cmpmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents), data, len);
}

/* What the peer sends is in the file, byte for byte, and nothing the
 * socket sends; off, nothing more goes in; on again, it is appended to. */
static void
test_stream (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "received.bin", NULL);
  g_autoptr(GBytes) from_peer = random_bytes (FROM_PEER);
  const guint8 *data = g_bytes_get_data (from_peer, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  SsReceiveFile *file;
  SsSocket *client;
  guint notified = 0;
  int listener, peer;

  client = ss_test_raw_pair (session, AF_INET, 0, &listener, &peer);
  file = ss_socket_get_receive_file (client);
  g_assert_false (ss_receive_file_get_active (file));
  g_signal_connect (file, "notify::bytes", G_CALLBACK (ss_test_count_cb), &notified);

  g_assert_true (ss_socket_start_receive_file (client, path, &error));
  g_assert_no_error (error);
  g_assert_true (ss_receive_file_get_active (file));
  g_assert_cmpstr (ss_receive_file_get_path (file), ==, path);
  ss_test_assert_event (client, "Appending received bytes to");

  /* in pieces, as a device sends; the socket's own sends stay out */
  for (gsize at = 0; at < FROM_PEER; at += FROM_PEER / 4)
    {
      ss_test_raw_send_all (peer, data + at, FROM_PEER / 4, SS_TEST_TIMEOUT_MS);
      ss_test_send_ok (client, "out", 3);
      ss_test_wait_bytes_in (client, at + FROM_PEER / 4);
    }
  g_assert_cmpuint (ss_receive_file_get_bytes (file), ==, FROM_PEER);
  g_assert_cmpuint (notified, >, 0);
  assert_file_is (path, data, FROM_PEER);
  g_byte_array_append (expected, data, FROM_PEER);

  /* off: the file keeps what it has */
  ss_socket_stop_receive_file (client);
  g_assert_false (ss_receive_file_get_active (file));
  g_assert_cmpuint (ss_receive_file_get_bytes (file), ==, FROM_PEER);
  ss_test_assert_event (client, "Stopped appending to");
  ss_test_raw_send_all (peer, "not kept", 8, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (client, FROM_PEER + 8);
  assert_file_is (path, expected->data, expected->len);

  /* on again: appended, and the count starts over */
  g_assert_true (ss_socket_start_receive_file (client, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ss_receive_file_get_bytes (file), ==, 0);
  ss_test_raw_send_all (peer, "again", 5, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (client, FROM_PEER + 13);
  g_byte_array_append (expected, (const guint8 *) "again", 5);
  assert_file_is (path, expected->data, expected->len);
  g_assert_cmpuint (ss_receive_file_get_bytes (file), ==, 5);

  /* close stops it: the file is closed with the socket */
  ss_socket_close (client);
  g_assert_false (ss_receive_file_get_active (file));

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
  ss_test_finalize_session (session, client, NULL);
}

/* /dev/full: the first write fails with ENOSPC. Receiving to the file
 * stops and says why, in the log and on the switch; the connection goes
 * on receiving and sending. */
static void
test_dev_full (void)
{
  SsSession *session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  SsReceiveFile *file;
  SsSocket *client;
  guint active_changes = 0;
  int listener, peer;

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full here");
      return;
    }
  client = ss_test_raw_pair (session, AF_INET, 0, &listener, &peer);
  file = ss_socket_get_receive_file (client);
  g_assert_true (ss_socket_start_receive_file (client, "/dev/full", &error));
  g_assert_no_error (error);
  g_signal_connect (file, "notify::active", G_CALLBACK (ss_test_count_cb), &active_changes);

  ss_test_raw_send_all (peer, "hello", 5, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (client, 5);
  g_assert_false (ss_receive_file_get_active (file));
  g_assert_cmpuint (active_changes, ==, 1);
  g_assert_cmpuint (ss_receive_file_get_bytes (file), ==, 0);
  g_test_message ("%s", ss_receive_file_get_failure (file));
  g_assert_nonnull (strstr (ss_receive_file_get_failure (file), "/dev/full"));
  g_assert_nonnull (strstr (ss_receive_file_get_failure (file), g_strerror (ENOSPC)));
  ss_test_assert_event (client, "Receiving to a file stopped: ");
  g_assert_cmpuint (ss_test_count_events (client, g_strerror (ENOSPC)), ==, 1);

  /* the connection goes on, both ways, and the error is not said again */
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CONNECTED);
  ss_test_raw_send_all (peer, "more", 4, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (client, 9);
  ss_test_send_ok (client, "ok", 2);
  got = ss_test_raw_recv (peer, 2, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "ok", 2);
  g_assert_cmpuint (ss_test_count_events (client, g_strerror (ENOSPC)), ==, 1);
  ss_test_assert_payload (client, SS_TRAFFIC_RECEIVED, "hellomore", 9);

  /* a new start forgets the old failure */
  g_assert_true (ss_socket_start_receive_file (client, "/dev/full", &error));
  g_assert_null (ss_receive_file_get_failure (file));
  ss_socket_stop_receive_file (client);

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
  ss_test_finalize_session (session, client, NULL);
}

/* A file that cannot be opened is an error naming it, and nothing is
 * on; a FIFO without a reader fails at once instead of waiting. */
static void
test_open_errors (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *missing = g_build_filename (dir, "no such folder", "x.bin", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autoptr(GError) error = NULL;
  SsSocket *client;
  int listener, peer;

  client = ss_test_raw_pair (session, AF_INET, 0, &listener, &peer);
  g_assert_false (ss_socket_start_receive_file (client, missing, &error));
  g_assert_error (error, SS_ERRNO_ERROR, ENOENT);
  g_assert_nonnull (strstr (error->message, "no such folder"));
  g_assert_false (ss_receive_file_get_active (ss_socket_get_receive_file (client)));
  g_clear_error (&error);

  g_assert_no_errno (mkfifo (fifo, 0600));
  g_assert_false (ss_socket_start_receive_file (client, fifo, &error));
  g_assert_error (error, SS_ERRNO_ERROR, ENXIO);
  g_clear_error (&error);
  g_assert_cmpuint (ss_test_count_events (client, "Appending"), ==, 0);

  /* a closed socket receives nothing more */
  ss_socket_close (client);
  g_assert_false (ss_socket_start_receive_file (client, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);

  g_assert_no_errno (g_unlink (fifo));
  g_assert_no_errno (g_rmdir (dir));
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
  ss_test_finalize_session (session, client, NULL);
}

/* A listener's file takes what every connection receives. */
static void
test_listener (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "server.bin", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = NULL;
  SsSocket *listener;
  int clients[2];
  guint16 port;

  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  port = ss_test_port_of (ss_socket_get_local_address (listener));
  g_assert_true (ss_socket_start_receive_file (listener, path, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      clients[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
      ss_test_wait_connections (listener, i + 1);
    }
  ss_test_raw_send_all (clients[0], "first|", 6, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (ss_test_connection_at (listener, 0), 6);
  ss_test_raw_send_all (clients[1], "second|", 7, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (ss_test_connection_at (listener, 1), 7);

  assert_file_is (path, (const guint8 *) "first|second|", 13);
  g_assert_cmpuint (ss_receive_file_get_bytes (ss_socket_get_receive_file (listener)), ==, 13);

  for (guint i = 0; i < 2; i++)
    g_assert_no_errno (close (clients[i]));
  ss_socket_stop_receive_file (listener);
  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
  ss_test_finalize_session (session, listener, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/receive-file/stream", test_stream);
  g_test_add_func ("/receive-file/dev-full", test_dev_full);
  g_test_add_func ("/receive-file/open-errors", test_open_errors);
  g_test_add_func ("/receive-file/listener", test_listener);

  return g_test_run ();
}
