/* test-recv-calls.c — the seed's recv() step in the call log when
 * receiving is automatic: one entry per burst, however large the flood
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-process.h"
#include "ss-test-socket.h"

#define FLOOD_BYTES (100 * 1024 * 1024)
#define FLOOD_MAX_ENTRIES 50

static const char hello[] = "hello 你好";

/* The names of the calls on @fd, in order, the bursts of recv() as one. */
static char *
calls_on (SsCallLog *calls,
          int        fd)
{
  GString *names = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (calls));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsCall) call = g_list_model_get_item (G_LIST_MODEL (calls), i);

      if (ss_call_get_fd (call) != fd)
        continue;
      /* bursts that follow each other read as one step */
      if (g_str_equal (ss_call_get_name (call), "recv") && g_str_has_suffix (names->str, " recv"))
        continue;
      g_string_append_printf (names, "%s%s", names->len ? " " : "", ss_call_get_name (call));
    }
  return g_string_free (names, FALSE);
}

/* The bytes the recv() entries on @fd say they got, and the last one's
 * result. */
static guint64
received_by_calls (SsCallLog *calls,
                   int        fd,
                   gint64    *last)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (calls));
  guint64 total = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsCall) call = g_list_model_get_item (G_LIST_MODEL (calls), i);

      if (ss_call_get_fd (call) != fd || !g_str_equal (ss_call_get_name (call), "recv"))
        continue;
      g_assert_cmpuint (ss_call_get_n_calls (call), >, 0);
      total += ss_call_get_total (call);
      *last = ss_call_get_result (call);
    }
  return total;
}

static gboolean
connection_closed (gpointer listener)
{
  GListModel *connections = ss_socket_get_connections (listener);
  g_autoptr(SsSocket) connection = NULL;

  if (g_list_model_get_n_items (connections) == 0)
    return FALSE;
  connection = g_list_model_get_item (connections, 0);
  return ss_socket_get_state (connection) == SS_SOCKET_CLOSED;
}

/* The seed's client recipe against `sockscope tcp-listen:…`: the server
 * side reads complete in the call log, socket to close, in Python as the
 * seed writes it and in C. */
static void
test_seed_recipe_reads_complete (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *script = NULL;
  g_autofree char *port = NULL;
  g_autofree char *text_hex = NULL;
  g_autofree char *names = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *recv_python = NULL;
  g_autofree char *exported = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSession) session = NULL;
  g_autoptr(SsCall) first_recv = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *c = NULL;
  g_autofree char *expected_c = NULL;
  SsCallLog *calls;
  SsSocket *listener, *connection;
  guint position;
  gint64 last = -1;
  int fd;

  if (python == NULL)
    return;

  session = ss_session_new ();
  calls = ss_session_get_calls (session);
  ss_session_set_close_on_peer_close (session, TRUE);
  listener = ss_test_open_spec (session, "tcp-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  g_object_unref (listener);

  script = g_test_build_filename (G_TEST_DIST, "peers", "seed_client.py", NULL);
  port = g_strdup_printf ("%u", ss_test_port_of (ss_socket_get_local_address (listener)));
  text_hex = ss_test_hex (hello, strlen (hello));
  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                                (const char *const[]) { python, script, "127.0.0.1", port,
                                                        text_hex, "", "", "", NULL });
  ss_test_peer_wait (process, connection_closed, listener, SS_TEST_LONG_TIMEOUT_MS,
                     "the connection to close");
  ss_test_peer_wait_exit_ok (process, SS_TEST_LONG_TIMEOUT_MS);

  connection = ss_test_connection_at (listener, 0);
  fd = ss_socket_get_fd (connection);
  names = calls_on (calls, ss_socket_get_fd (listener));
  g_assert_cmpstr (names, ==, "setsockopt bind listen accept4");
  g_free (names);
  names = calls_on (calls, fd);
  g_assert_cmpstr (names, ==, "recv close");
  g_assert_cmpuint (ss_test_count_calls (calls, "socket"), ==, 1);
  g_assert_cmpuint (received_by_calls (calls, fd, &last), ==, strlen (hello));
  /* the last recv() returned 0: the end of the stream, then close() */
  g_assert_cmpint (last, ==, 0);

  first_recv = ss_test_find_call (calls, "recv", fd, &position);
  recv_python = g_strdup_printf ("data = conn%d.recv(65536)", fd);
  g_assert_cmpstr (ss_call_get_python (first_recv), ==, recv_python);
  outcome = ss_call_dup_outcome (first_recv);
  if (ss_call_get_n_calls (first_recv) == 1)
    {
      expected = g_strdup_printf ("%zu bytes", strlen (hello));
      c = ss_call_to_c (first_recv);
      expected_c = g_strdup_printf ("recv(%d, buf, 65536, 0) = %zu", fd, strlen (hello));
      g_assert_cmpstr (c, ==, expected_c);
    }
  else
    expected = g_strdup_printf ("2 calls, %zu bytes, the last 0", strlen (hello));
  g_assert_cmpstr (outcome, ==, expected);

  /* the exported script reads where the session read */
  exported = ss_call_log_to_python (calls);
  g_assert_nonnull (strstr (exported, recv_python));
  g_assert_nonnull (strstr (exported, "in the session\n"));

  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* A client of a server that may not listen yet: connects once it does;
 * a @process that never listens is killed before the test fails. */
static int
connect_when_listening (guint16      port,
                        GSubprocess *process)
{
  struct sockaddr_storage storage;
  socklen_t len = ss_test_loopback_address (AF_INET, port, &storage);
  gint64 end = g_get_monotonic_time () + SS_TEST_LONG_TIMEOUT_MS * 1000;

  while (g_get_monotonic_time () < end)
    {
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

      g_assert_no_errno (fd);
      if (connect (fd, (struct sockaddr *) &storage, len) == 0)
        return fd;
      g_assert_cmpint (errno, ==, ECONNREFUSED);
      close (fd);
      g_usleep (20 * 1000);
    }
  if (process != NULL)
    g_subprocess_force_exit (process);
  g_error ("nothing listened on port %u in time", port);
}

/* The server side of the seed's recipe, exported and run by Python: it
 * listens where the session did, accepts, receives and closes. */
static void
test_server_script_replays (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) session = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *spec = NULL;
  SsSocket *listener, *connection;
  guint16 port;
  int client;

  if (python == NULL)
    return;

  /* a port of its own, as a person gives: the script binds it again */
  port = ss_test_free_port (AF_INET);
  spec = g_strdup_printf ("tcp-listen:127.0.0.1:%u", port);
  session = ss_session_new ();
  ss_session_set_close_on_peer_close (session, TRUE);
  listener = ss_test_open_spec (session, spec, &error);
  g_assert_no_error (error);
  g_object_unref (listener);
  client = connect_when_listening (port, NULL);
  ss_test_raw_send_all (client, hello, strlen (hello), SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (close (client));
  ss_test_wait_until (connection_closed, listener, SS_TEST_TIMEOUT_MS);
  connection = ss_test_connection_at (listener, 0);
  g_assert_cmpuint (ss_socket_get_bytes_in (connection), ==, strlen (hello));

  script = ss_call_log_to_python (ss_session_get_calls (session));
  g_test_message ("%s", script);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
  dir = g_dir_make_tmp ("sockscope-script-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "server.py", NULL);
  g_assert_true (g_file_set_contents (path, script, -1, &error));

  /* the same port again: the script sets SO_REUSEADDR as the session did */
  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, (const char *const[]) { python, path, NULL });
  client = connect_when_listening (port, process);
  ss_test_raw_send_all (client, hello, strlen (hello), SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (shutdown (client, SHUT_WR));
  /* the script's close() ends the stream for the client */
  g_bytes_unref (ss_test_raw_recv (client, G_MAXSIZE, TRUE, SS_TEST_LONG_TIMEOUT_MS));
  g_assert_no_errno (close (client));
  ss_test_peer_wait_exit_ok (process, SS_TEST_LONG_TIMEOUT_MS);

  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
}

typedef struct
{
  int      fd;
  gsize    sent;
  guint8  *chunk;
  gsize    chunk_len;
} Flood;

/* Writes what the kernel takes at once, between main-loop turns */
static gboolean
flood_write_cb (gint         fd,
                GIOCondition condition,
                gpointer     user_data)
{
  Flood *flood = user_data;

  while (flood->sent < FLOOD_BYTES)
    {
      gssize n = send (flood->fd, flood->chunk, MIN (flood->chunk_len, FLOOD_BYTES - flood->sent),
                       MSG_DONTWAIT | MSG_NOSIGNAL);

      if (n < 0)
        {
          g_assert_true (errno == EAGAIN || errno == EINTR);
          return G_SOURCE_CONTINUE;
        }
      flood->sent += n;
    }
  return G_SOURCE_REMOVE;
}

/* 100 MB into a connection makes a bounded number of entries, and they
 * count every byte. */
static void
test_flood_is_bounded (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  SsSocket *listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  Flood flood = { 0 };
  SsSocket *connection;
  guint source, entries;
  gint64 last = -1;
  int fd;

  flood.fd = ss_test_raw_connect (AF_INET, ss_test_port_of (ss_socket_get_local_address (listener)),
                                  SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);
  fd = ss_socket_get_fd (connection);
  flood.chunk_len = 256 * 1024;
  flood.chunk = g_malloc0 (flood.chunk_len);
  source = g_unix_fd_add (flood.fd, G_IO_OUT, flood_write_cb, &flood);

  ss_test_wait_bytes_in (connection, FLOOD_BYTES);
  if (flood.sent < FLOOD_BYTES)
    g_source_remove (source);
  g_assert_cmpuint (flood.sent, ==, FLOOD_BYTES);

  entries = ss_test_count_calls (calls, "recv");
  g_test_message ("%u recv entries for %d bytes", entries, FLOOD_BYTES);
  g_assert_cmpuint (entries, >=, 1);
  g_assert_cmpuint (entries, <=, FLOOD_MAX_ENTRIES);
  g_assert_cmpuint (received_by_calls (calls, fd, &last), ==, FLOOD_BYTES);

  g_assert_no_errno (close (flood.fd));
  g_free (flood.chunk);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* A row that shows a growing burst is told to change, at a bounded rate,
 * and a burst ends with any other call on its socket. */
static void
test_burst_rows_change (void)
{
  g_autoptr(SsCallLog) calls = ss_call_log_new ();
  SsCall *burst;
  guint changes = 0;

  burst = ss_call_log_record_burst (calls, 5, "recv", "5, buf, 65536, 0", "data = conn5.recv(65536)", 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (calls)), ==, 1);
  g_signal_connect (calls, "items-changed", G_CALLBACK (ss_test_count_changes_cb), &changes);
  for (guint i = 0; i < 1000; i++)
    ss_call_log_add_to_burst (calls, burst, 10);
  /* the first change at once, the rest after the rate allows */
  g_assert_cmpuint (changes, >=, 1);
  g_assert_cmpuint (changes, <=, 2);
  ss_test_iterate_for (300);
  g_assert_cmpuint (changes, <=, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (calls)), ==, 1);
  g_assert_cmpuint (ss_call_get_n_calls (burst), ==, 1001);
  g_assert_cmpuint (ss_call_get_total (burst), ==, 10010);
  g_signal_handlers_disconnect_by_data (calls, &changes);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/recv-calls/seed-recipe-reads-complete", test_seed_recipe_reads_complete);
  g_test_add_func ("/recv-calls/server-script-replays", test_server_script_replays);
  g_test_add_func ("/recv-calls/flood-is-bounded", test_flood_is_bounded);
  g_test_add_func ("/recv-calls/burst-rows-change", test_burst_rows_change);

  return g_test_run ();
}
