/* test-recorder.c — recording a socket's traffic to pcapng, read back by tshark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ss-recorder.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"

#define TO_PEER   (100 * 1024)
#define FROM_PEER (50 * 1024)

static GBytes *
random_bytes (gsize len)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = g_test_rand_int_range (0, 256);
  return g_bytes_new_take (data, len);
}

static char *
record_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-recorder-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "capture.pcapng", NULL);
}

static void
remove_recording (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
}

static void
test_tcp (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(GBytes) to_peer = random_bytes (TO_PEER);
  g_autoptr(GBytes) from_peer = random_bytes (FROM_PEER);
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GBytes) node0 = NULL;
  g_autoptr(GBytes) node1 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *path = record_path ();
  SsTestFollow follow = { 0 };
  struct stat st;
  guint16 port;
  int listener, peer;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  address = g_strdup_printf ("127.0.0.1:%u", port);
  ss_test_connect_ok (client, address);
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);

  g_assert_true (ss_socket_start_recording (client, path, &error));
  g_assert_no_error (error);
  g_assert_true (ss_socket_get_recording (client));
  /* it holds captured traffic: the user's only */
  g_assert_no_errno (g_stat (path, &st));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  ss_test_send_ok (client, g_bytes_get_data (to_peer, NULL), TO_PEER);
  received = ss_test_raw_recv (peer, TO_PEER, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_true (g_bytes_equal (received, to_peer));
  ss_test_raw_send_all (peer, g_bytes_get_data (from_peer, NULL), FROM_PEER, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (client, FROM_PEER);

  ss_socket_stop_recording (client);
  g_assert_false (ss_socket_get_recording (client));
  ss_test_assert_event (client, "Recording to");

  if (ss_test_have_tshark ())
    {
      ss_test_tshark_follow (path, "tcp", &follow);
      /* node 0 sent the first packet: the client */
      g_assert_cmpstr (follow.node0, ==, ss_socket_get_local_address (client));
      node0 = ss_test_follow_concat (&follow, 0);
      node1 = ss_test_follow_concat (&follow, 1);
      g_assert_true (g_bytes_equal (node0, to_peer));
      g_assert_true (g_bytes_equal (node1, from_peer));
      /* 100 KB sent at once does not fit in one IP packet */
      g_assert_cmpuint (follow.packets[0]->len, >=, 2);
    }

  ss_test_follow_clear (&follow);
  remove_recording (path);
  close (peer);
  close (listener);
  ss_test_finalize_session (session, client, NULL);
}

static gboolean
has_bytes_in (gpointer user_data)
{
  gpointer *pair = user_data;

  return ss_socket_get_bytes_in (pair[0]) >= GPOINTER_TO_SIZE (pair[1]);
}

static void
test_udp (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *a = ss_test_create (session, AF_INET, SOCK_DGRAM);
  SsSocket *b = ss_test_create (session, AF_INET, SOCK_DGRAM);
  static const char *const a_to_b[] = { "one", "two two", "three\xff\x00" };
  static const char *const b_to_a[] = { "\x01\x02", "four" };
  g_autofree char *path = record_path ();
  g_autoptr(GError) error = NULL;
  SsTestFollow follow = { 0 };
  gpointer wait[2];
  gsize total;

  ss_test_bind_ok (a, "127.0.0.1:0");
  ss_test_bind_ok (b, "127.0.0.1:0");
  ss_test_connect_ok (a, ss_socket_get_local_address (b));
  ss_test_connect_ok (b, ss_socket_get_local_address (a));

  g_assert_true (ss_socket_start_recording (a, path, &error));
  g_assert_no_error (error);

  total = 0;
  for (guint i = 0; i < G_N_ELEMENTS (a_to_b); i++)
    {
      ss_test_send_ok (a, a_to_b[i], strlen (a_to_b[i]));
      total += strlen (a_to_b[i]);
    }
  wait[0] = b;
  wait[1] = GSIZE_TO_POINTER (total);
  ss_test_wait_until (has_bytes_in, wait, SS_TEST_TIMEOUT_MS);

  total = 0;
  for (guint i = 0; i < G_N_ELEMENTS (b_to_a); i++)
    {
      ss_test_send_ok (b, b_to_a[i], strlen (b_to_a[i]));
      total += strlen (b_to_a[i]);
    }
  wait[0] = a;
  wait[1] = GSIZE_TO_POINTER (total);
  ss_test_wait_until (has_bytes_in, wait, SS_TEST_TIMEOUT_MS);

  /* closing the socket ends the recording */
  ss_socket_close (a);
  g_assert_false (ss_socket_get_recording (a));

  if (ss_test_have_tshark ())
    {
      ss_test_tshark_follow (path, "udp", &follow);
      g_assert_cmpstr (follow.node0, ==, ss_socket_get_local_address (a));
      g_assert_cmpuint (follow.packets[0]->len, ==, G_N_ELEMENTS (a_to_b));
      g_assert_cmpuint (follow.packets[1]->len, ==, G_N_ELEMENTS (b_to_a));
      for (guint i = 0; i < G_N_ELEMENTS (a_to_b); i++)
        {
          GBytes *packet = g_ptr_array_index (follow.packets[0], i);

          g_assert_cmpmem (g_bytes_get_data (packet, NULL), g_bytes_get_size (packet),
                           a_to_b[i], strlen (a_to_b[i]));
        }
      for (guint i = 0; i < G_N_ELEMENTS (b_to_a); i++)
        {
          GBytes *packet = g_ptr_array_index (follow.packets[1], i);

          g_assert_cmpmem (g_bytes_get_data (packet, NULL), g_bytes_get_size (packet),
                           b_to_a[i], strlen (b_to_a[i]));
        }
    }

  ss_test_follow_clear (&follow);
  remove_recording (path);
  ss_test_finalize_session (session, a, b, NULL);
}

/* Without IP addresses the packets use stand-ins, still followable. */
static void
test_unix (void)
{
  SsSocket *first, *second;
  g_autofree char *path = record_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) node0 = NULL;
  g_autoptr(GBytes) node1 = NULL;
  SsTestFollow follow = { 0 };

  g_assert_true (ss_socket_new_pair (NULL, SOCK_STREAM, &first, &second, &error));
  g_assert_no_error (error);
  g_assert_true (ss_socket_start_recording (first, path, &error));
  g_assert_no_error (error);

  ss_test_send_ok (first, "ping", 4);
  ss_test_wait_bytes_in (second, 4);
  ss_test_send_ok (second, "pong!", 5);
  ss_test_wait_bytes_in (first, 5);
  ss_socket_stop_recording (first);

  if (ss_test_have_tshark ())
    {
      ss_test_tshark_follow (path, "tcp", &follow);
      g_assert_cmpstr (follow.node0, ==, "127.0.0.1:1");
      node0 = ss_test_follow_concat (&follow, 0);
      node1 = ss_test_follow_concat (&follow, 1);
      g_assert_cmpmem (g_bytes_get_data (node0, NULL), g_bytes_get_size (node0), "ping", 4);
      g_assert_cmpmem (g_bytes_get_data (node1, NULL), g_bytes_get_size (node1), "pong!", 5);
    }

  ss_test_follow_clear (&follow);
  remove_recording (path);
  ss_socket_close (first);
  ss_socket_close (second);
  g_assert_finalize_object (first);
  g_assert_finalize_object (second);
}

static void
test_open_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsRecorder) recorder = NULL;

  recorder = ss_recorder_new ("/nonexistent-dir/capture.pcapng", NULL, NULL, FALSE, &error);
  g_assert_null (recorder);
  g_assert_nonnull (error);
}

static gboolean
not_recording (gpointer socket)
{
  return !ss_socket_get_recording (socket);
}

typedef struct
{
  const char *path;
  goffset     size;
} FileSize;

static gboolean
file_reached (gpointer user_data)
{
  FileSize *wanted = user_data;
  struct stat st;

  return g_stat (wanted->path, &st) == 0 && st.st_size >= wanted->size;
}

/* A disk that fills up mid-capture: the recording stops and says why, and
 * the connection goes on. /dev/full fails every write with ENOSPC. */
static void
test_write_error (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(GBytes) payload = random_bytes (TO_PEER);
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint16 port;
  int listener, peer;

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full here");
      ss_test_finalize_session (session, client, NULL);
      return;
    }

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  address = g_strdup_printf ("127.0.0.1:%u", port);
  ss_test_connect_ok (client, address);
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);

  g_assert_true (ss_socket_start_recording (client, "/dev/full", &error));
  g_assert_no_error (error);
  ss_test_send_ok (client, g_bytes_get_data (payload, NULL), TO_PEER);
  ss_test_wait_until (not_recording, client, SS_TEST_TIMEOUT_MS);
  ss_test_assert_event (client, "Recording stopped");
  ss_test_assert_event (client, g_strerror (ENOSPC));

  /* the connection does not mind */
  received = ss_test_raw_recv (peer, TO_PEER, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_true (g_bytes_equal (received, payload));
  ss_test_send_ok (client, "more", 4);
  g_clear_pointer (&received, g_bytes_unref);
  received = ss_test_raw_recv (peer, 4, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received), "more", 4);

  close (peer);
  close (listener);
  ss_test_finalize_session (session, client, NULL);
}

/* A capture is on disk while it runs, not only when it stops: a crash
 * loses at most what came since the main loop was last idle. */
static void
test_on_disk_while_recording (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *path = record_path ();
  FileSize wanted = { path, 0 };
  struct stat st;
  guint16 port;
  int listener, peer;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  address = g_strdup_printf ("127.0.0.1:%u", port);
  ss_test_connect_ok (client, address);
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);

  g_assert_true (ss_socket_start_recording (client, path, &error));
  g_assert_no_error (error);
  ss_test_send_ok (client, "0123456789", 10);
  g_assert_no_errno (g_stat (path, &st));
  /* the headers and the packet, with its 10 bytes, once idle */
  wanted.size = st.st_size + 10 + 40;
  ss_test_wait_until (file_reached, &wanted, SS_TEST_TIMEOUT_MS);
  g_assert_true (ss_socket_get_recording (client));

  remove_recording (path);
  close (peer);
  close (listener);
  ss_test_finalize_session (session, client, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/recorder/tcp", test_tcp);
  g_test_add_func ("/recorder/udp", test_udp);
  g_test_add_func ("/recorder/unix", test_unix);
  g_test_add_func ("/recorder/open-error", test_open_error);
  g_test_add_func ("/recorder/write-error", test_write_error);
  g_test_add_func ("/recorder/on-disk-while-recording", test_on_disk_while_recording);

  return g_test_run ();
}
