/* test-relay-programs.c — real programs on either side of a relay: curl
 * to Python's HTTP server, ncat to the seed's echo server, socat over
 * Unix sockets, and the relay exported as Python running between peers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ss-test-process.h"
#include "ss-test-socket.h"

/* Real programs on both sides: curl through the relay to Python's HTTP
 * server gets the file it serves. */
static void
test_relay_http (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *dir = g_dir_make_tmp ("sockscope-http-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "hello.txt", NULL);
  g_autoptr(GSubprocess) http = NULL;
  g_autoptr(GSubprocess) curl = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *line = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  const char *port_at;
  guint port;
  SsSocket *relay;

  if (python == NULL || !ss_test_have_program ("curl"))
    {
      g_test_skip ("needs python3 and curl");
      return;
    }
  g_assert_true (g_file_set_contents (file, "hello through the relay\n", -1, NULL));
  {
    const char *argv[] = { python, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                           "--directory", dir, NULL };
    http = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (http));
  line = ss_test_peer_read_line (http, lines, SS_TEST_TIMEOUT_MS);
  /* "Serving HTTP on 127.0.0.1 port 43211 (http://…)": the port it took */
  port_at = strstr (line, " port ");
  g_assert_nonnull (port_at);
  port = (guint) g_ascii_strtoull (port_at + 6, NULL, 10);
  g_assert_cmpuint (port, >, 0);

  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", port);
  relay = ss_test_open_relay (session, spec);
  url = g_strdup_printf ("http://127.0.0.1:%u/hello.txt", ss_test_relay_port (relay));
  {
    const char *argv[] = { "curl", "-sS", "--max-time", "20", url, NULL };
    curl = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  }
  body = ss_test_stream_read (g_subprocess_get_stdout_pipe (curl), 24, SS_TEST_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (curl, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "hello through the relay\n", 24);

  /* the request is in the pair's log as client → server */
  ss_test_wait_connections (relay, 1);
  g_assert_cmpuint (ss_socket_get_bytes_in (ss_test_connection_at (relay, 0)), >, 0);

  g_subprocess_force_exit (http);
  /* SIGKILL: the wait is immediate */
  g_subprocess_wait (http, NULL, NULL);
  g_unlink (file);
  g_rmdir (dir);
  ss_socket_close (relay);
  ss_test_finalize_session (session, relay, NULL);
}

/* The seed's server recipe as the relay's target, echoing until the end;
 * ncat as the client, which half-closes at the end of its input. */
static const char echo_server[] =
  "import socket\n"
  "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
  "s.bind(('127.0.0.1', 0))\n"
  "s.listen(5)\n"
  "print(s.getsockname()[1], flush=True)\n"
  "conn, addr = s.accept()\n"
  "while True:\n"
  "    data = conn.recv(65536)\n"
  "    if not data:\n"
  "        break\n"
  "    conn.sendall(data)\n"
  "conn.close()\n";

static GBytes *
run_client (const char *const *argv,
            const char        *input)
{
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *output;

  g_test_message ("spawning: %s …", argv[0]);
  client = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (client), input, strlen (input),
                                            NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (g_subprocess_get_stdin_pipe (client), NULL, &error));
  output = ss_test_stream_read (g_subprocess_get_stdout_pipe (client), strlen (input), SS_TEST_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (client, SS_TEST_TIMEOUT_MS);
  return output;
}

static void
test_relay_ncat_python (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GBytes) echoed = NULL;
  g_autofree char *line = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *port_text = NULL;
  SsSocket *relay;

  if (python == NULL || !ss_test_have_program ("ncat"))
    {
      g_test_skip ("needs python3 and ncat");
      return;
    }
  {
    const char *argv[] = { python, "-c", echo_server, NULL };
    server = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = ss_test_peer_read_line (server, lines, SS_TEST_TIMEOUT_MS);
  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%s", line);
  relay = ss_test_open_relay (session, spec);
  port_text = g_strdup_printf ("%u", ss_test_relay_port (relay));
  {
    const char *argv[] = { "ncat", "127.0.0.1", port_text, NULL };
    echoed = run_client (argv, "hello through ncat\n");
  }
  g_assert_cmpmem (g_bytes_get_data (echoed, NULL), g_bytes_get_size (echoed), "hello through ncat\n", 19);
  ss_test_peer_wait_exit_ok (server, SS_TEST_TIMEOUT_MS);

  ss_socket_close (relay);
  ss_test_finalize_session (session, relay, NULL);
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A Unix stream relay between two socats: the target echoes (PIPE). */
static void
test_relay_unix_socat (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *dir = g_dir_make_tmp ("sockscope-unix-relay-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "target.sock", NULL);
  g_autofree char *relay_path = g_build_filename (dir, "relay.sock", NULL);
  g_autofree char *listen_arg = g_strdup_printf ("UNIX-LISTEN:%s", target);
  g_autofree char *connect_arg = g_strdup_printf ("UNIX-CONNECT:%s", relay_path);
  g_autofree char *spec = g_strdup_printf ("unix-relay:%s:%s", relay_path, target);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GBytes) echoed = NULL;
  SsSocket *relay;

  if (!ss_test_have_program ("socat"))
    {
      g_test_skip ("needs socat");
      return;
    }
  {
    const char *argv[] = { "socat", listen_arg, "PIPE", NULL };
    server = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  }
  ss_test_peer_wait (server, file_exists, target, SS_TEST_TIMEOUT_MS, "socat's socket file");
  relay = ss_test_open_relay (session, spec);
  g_assert_cmpint (ss_socket_get_family (relay), ==, AF_UNIX);
  {
    const char *argv[] = { "socat", "-t", "5", "STDIO", connect_arg, NULL };
    echoed = run_client (argv, "hello over Unix\n");
  }
  g_assert_cmpmem (g_bytes_get_data (echoed, NULL), g_bytes_get_size (echoed), "hello over Unix\n", 16);
  ss_test_peer_wait_exit_ok (server, SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (relay, 1);
  g_assert_cmpuint (ss_socket_get_bytes_in (ss_test_connection_at (relay, 0)), ==, 16);

  ss_socket_close (relay);
  ss_test_finalize_session (session, relay, NULL);
  g_unlink (target);
  g_rmdir (dir);
}

static gboolean
python_relay_accepts (gpointer user_data)
{
  guint16 port = GPOINTER_TO_UINT (user_data);
  struct sockaddr_storage storage;
  socklen_t len = ss_test_loopback_address (AF_INET, port, &storage);
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok = connect (fd, (struct sockaddr *) &storage, len) == 0;

  close (fd);
  return ok;
}

/* The relay exported as Python runs as a relay: what a client sends
 * reaches the server, the answer comes back, an end passes through. */
static void
test_relay_python_export (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *script = NULL;
  g_autofree char *spec = NULL;
  SsSocket *relay_socket;
  guint16 target_port, port;
  int target;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-relay-py-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "relay.py", NULL);
  g_autoptr(GSubprocess) relay = NULL;
  int client, server, probe;

  if (python == NULL)
    {
      g_test_skip ("needs python3");
      return;
    }
  target = ss_test_raw_listener (AF_INET, 0, &target_port);
  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", target_port);
  relay_socket = ss_test_open_relay (session, spec);
  port = ss_test_relay_port (relay_socket);
  script = ss_socket_relay_to_python (relay_socket);
  g_assert_nonnull (strstr (script, "sk.listen("));
  /* the script takes the relay's own address: the relay lets it go */
  ss_socket_close (relay_socket);
  g_clear_pointer (&script, g_free);
  script = ss_socket_relay_to_python (relay_socket);
  g_assert_true (g_file_set_contents (path, script, -1, NULL));
  {
    const char *argv[] = { python, path, NULL };
    relay = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  }
  ss_test_peer_wait (relay, python_relay_accepts, GUINT_TO_POINTER (port),
                     SS_TEST_TIMEOUT_MS, "the Python relay to listen");
  /* the probe's own pair, through to the server, and closed */
  probe = ss_test_raw_accept (target, SS_TEST_TIMEOUT_MS);
  close (probe);

  client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (target, SS_TEST_TIMEOUT_MS);
  ss_test_raw_exchange (client, server, "via python", "back");

  g_subprocess_force_exit (relay);
  g_subprocess_wait (relay, NULL, NULL);
  g_unlink (path);
  g_rmdir (dir);
  close (client);
  close (server);
  close (target);
  ss_test_finalize_session (session, relay_socket, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-programs/http", test_relay_http);
  g_test_add_func ("/relay-programs/ncat-python", test_relay_ncat_python);
  g_test_add_func ("/relay-programs/unix-socat", test_relay_unix_socat);
  g_test_add_func ("/relay-programs/python-export", test_relay_python_export);

  return g_test_run ();
}
