/* test-relay-calls.c — a relay's calls in the call log like any other
 * socket's; a UDP relay exported as Python, run between real peers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-test-util.h"

/* Each of @needles in @calls' Python rows, in this order */
static void
assert_python_in_order (SsCallLog         *calls,
                        const char *const *needles)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (calls));
  guint at = 0;

  for (guint i = 0; needles[i] != NULL; i++)
    {
      gboolean found = FALSE;

      while (at < n && !found)
        {
          g_autoptr(SsCall) call = g_list_model_get_item (G_LIST_MODEL (calls), at++);

          found = g_str_equal (ss_call_get_python (call), needles[i]);
        }
      if (!found)
        {
          for (guint j = 0; j < n; j++)
            {
              g_autoptr(SsCall) call = g_list_model_get_item (G_LIST_MODEL (calls), j);
              g_autofree char *c = ss_call_to_c (call);

              g_test_message ("%s    %s", ss_call_get_python (call), c);
            }
          g_error ("no call “%s” after the ones before it", needles[i]);
        }
    }
}

static gboolean
socket_closed (gpointer user_data)
{
  return ss_socket_get_state (user_data) == SS_SOCKET_CLOSED;
}

/* A relayed pair through its life: the relay's socket, bind, listen and
 * accept; the server leg's socket and connect; each end passed on as a
 * shutdown; the closes. All under the sockets' own names, as the seed
 * writes them. */
static void
test_stream_calls (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  g_autofree char *spec = NULL;
  SsSocket *relay, *connection, *server_leg;
  guint16 target_port;
  int target, client, server;
  int r, c, s;

  target = ss_test_raw_listener (AF_INET, 0, &target_port);
  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", target_port);
  relay = ss_test_open_relay (session, spec);
  client = ss_test_raw_connect (AF_INET, ss_test_relay_port (relay), SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (target, SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (relay, 1);
  connection = ss_test_connection_at (relay, 0);
  server_leg = g_object_ref (ss_socket_get_relay_server (connection));
  g_object_ref (connection);
  r = ss_socket_get_fd (relay);
  c = ss_socket_get_fd (connection);
  s = ss_socket_get_fd (server_leg);

  ss_test_raw_exchange (client, server, "ping", "pong");
  ss_test_wait_until (socket_closed, connection, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (socket_closed, server_leg, SS_TEST_TIMEOUT_MS);

  {
    g_autofree char *relay_socket = g_strdup_printf ("sk%d = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", r);
    g_autofree char *bind = g_strdup_printf ("sk%d.bind(('127.0.0.1', 0))", r);
    g_autofree char *accept = g_strdup_printf ("conn%d, addr = sk%d.accept()", c, r);
    g_autofree char *leg_socket = g_strdup_printf ("sk%d = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", s);
    g_autofree char *connect = g_strdup_printf ("sk%d.connect(('127.0.0.1', %u))", s, target_port);
    g_autofree char *upstream_end = g_strdup_printf ("sk%d.shutdown(socket.SHUT_WR)", s);
    g_autofree char *downstream_end = g_strdup_printf ("conn%d.shutdown(socket.SHUT_WR)", c);
    g_autofree char *close_connection = g_strdup_printf ("conn%d.close()", c);
    g_autofree char *close_leg = g_strdup_printf ("sk%d.close()", s);
    const char *const needles[] = { relay_socket, bind, accept, leg_socket, connect, upstream_end,
                                    downstream_end, close_connection, close_leg, NULL };

    assert_python_in_order (calls, needles);
  }
  /* and in C, with the kernel's results */
  ss_test_assert_call (calls, "listen", r, 0, 0, NULL);
  ss_test_assert_call (calls, "accept4", r, c, 0, NULL);
  {
    g_autoptr(SsCall) connect = ss_test_find_call (calls, "connect", s, NULL);

    g_assert_nonnull (connect);
  }
  ss_test_assert_call (calls, "shutdown", s, 0, 0, NULL);
  ss_test_assert_call (calls, "shutdown", c, 0, 0, NULL);

  close (client);
  close (server);
  close (target);
  g_object_unref (connection);
  g_object_unref (server_leg);
  ss_socket_close (relay);
  ss_test_finalize_session (g_steal_pointer (&session), relay, NULL);
}

/* a datagram and its sender's port */
static char *
recv_text (int      fd,
           guint16 *from)
{
  g_autoptr(GBytes) datagram = ss_test_raw_recv_datagram (fd, from, SS_TEST_TIMEOUT_MS);

  return g_strndup (g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram));
}

typedef struct
{
  const char *table;  /* /proc/net/tcp or /proc/net/udp */
  guint16     port;
  const char *state;  /* "0A" LISTEN, "07" an unconnected UDP socket */
} PortWait;

/* Whether a socket of 127.0.0.1:port is in the kernel's table: read, not
 * probed, so the test never takes the port the script is about to bind. */
static gboolean
port_in_table (gpointer user_data)
{
  PortWait *wait = user_data;
  g_autofree char *text = NULL;
  g_autofree char *local = g_strdup_printf ("0100007F:%04X", wait->port);
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (wait->table, &text, NULL, NULL))
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      /* "sl local_address rem_address st …" */
      g_autoptr(GPtrArray) fields = g_ptr_array_new ();
      g_auto(GStrv) words = g_strsplit_set (lines[i], " ", -1);

      for (guint j = 0; words[j] != NULL; j++)
        if (*words[j] != '\0')
          g_ptr_array_add (fields, words[j]);
      if (fields->len > 3 && g_str_equal (g_ptr_array_index (fields, 1), local) &&
          g_str_equal (g_ptr_array_index (fields, 3), wait->state))
        return TRUE;
    }
  return FALSE;
}

/* The seed's own server and client recipes (tests/peers) on either side
 * of a stream relay exported as Python: the bytes arrive exactly, each
 * way. */
static void
test_stream_export_seed (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocess) relay_process = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *server_script = g_build_filename (SS_TEST_SRCDIR, "peers", "seed_server.py", NULL);
  g_autofree char *client_script = g_build_filename (SS_TEST_SRCDIR, "peers", "seed_client.py", NULL);
  g_autofree char *dir = g_dir_make_tmp ("sockscope-relay-seed-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "relay.py", NULL);
  g_autofree char *server_port = NULL;
  g_autofree char *relay_port = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *script = NULL;
  g_autofree char *up_text = ss_test_hex ("hello 你好\n", strlen ("hello 你好\n"));
  g_autofree char *up_raw = ss_test_hex ("\x00\xff\x01", 3);
  g_autofree char *down_text = ss_test_hex ("welcome 欢迎\n", strlen ("welcome 欢迎\n"));
  g_autofree char *down_raw = ss_test_hex ("\xfe\x00", 2);
  SsSocket *relay;
  PortWait wait;

  if (python == NULL)
    {
      g_test_skip ("needs python3");
      return;
    }
  server = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const[]) { python, server_script, up_text, up_raw,
                                                       down_text, down_raw, NULL });
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  server_port = ss_test_peer_read_line (server, lines, SS_TEST_LONG_TIMEOUT_MS);

  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%s", server_port);
  relay = ss_test_open_relay (session, spec);
  relay_port = g_strdup_printf ("%u", ss_test_relay_port (relay));
  script = ss_socket_relay_to_python (relay);
  ss_socket_close (relay);
  g_assert_true (g_file_set_contents (path, script, -1, NULL));
  relay_process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, (const char *const[]) { python, path, NULL });
  wait = (PortWait) { "/proc/net/tcp", ss_test_relay_port (relay), "0A" };
  ss_test_peer_wait (relay_process, port_in_table, &wait, SS_TEST_LONG_TIMEOUT_MS, "the Python relay to listen");

  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const[]) { python, client_script, "127.0.0.1", relay_port,
                                                       up_text, up_raw, down_text, down_raw, NULL });
  ss_test_peer_wait_exit_ok (client, SS_TEST_LONG_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (server, SS_TEST_LONG_TIMEOUT_MS);

  g_subprocess_force_exit (relay_process);
  g_subprocess_wait (relay_process, NULL, NULL);
  g_unlink (path);
  g_rmdir (dir);
  ss_test_finalize_session (g_steal_pointer (&session), relay, NULL);
}

/* A UDP relay: an upstream socket's calls are its own (socket, connect,
 * close, as "sk"); exported as Python, the relay gives each client its
 * own socket to the target and routes the answers back. */
static void
test_datagram_export (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *script = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-relay-udp-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "udp-relay.py", NULL);
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autofree char *answer = NULL;
  SsSocket *relay, *upstream;
  guint16 target_port, port, one_port, two_port, from, from_one, from_two;
  int target, client_one, client_two, u;

  target = ss_test_raw_udp_socket (AF_INET, &target_port);
  spec = g_strdup_printf ("udp-relay:0:127.0.0.1:%u", target_port);
  relay = ss_test_open_spec (session, spec, &error);
  g_assert_no_error (error);
  g_object_unref (relay);
  port = ss_test_relay_port (relay);

  /* through Sockscope first: the upstream socket's calls */
  client_one = ss_test_raw_udp_socket (AF_INET, &one_port);
  ss_test_raw_sendto (client_one, port, "first");
  one = recv_text (target, &from);
  g_assert_cmpstr (one, ==, "first");
  ss_test_wait_connections (relay, 1);
  upstream = ss_test_connection_at (relay, 0);
  u = ss_socket_get_fd (upstream);
  g_clear_pointer (&one, g_free);

  script = ss_socket_relay_to_python (relay);
  g_assert_nonnull (strstr (script, "sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nsk.bind(LISTEN)\n"));
  g_assert_nonnull (strstr (script, "IDLE = 60\n"));
  ss_socket_close (relay);
  {
    g_autofree char *created = g_strdup_printf ("sk%d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", u);
    g_autofree char *connect = g_strdup_printf ("sk%d.connect(('127.0.0.1', %u))", u, target_port);
    g_autofree char *closed = g_strdup_printf ("sk%d.close()", u);
    const char *const needles[] = { created, connect, closed, NULL };

    assert_python_in_order (ss_session_get_calls (session), needles);
  }
  if (python == NULL)
    {
      g_test_skip ("needs python3");
      close (client_one);
      close (target);
      ss_test_finalize_session (g_steal_pointer (&session), relay, NULL);
      return;
    }

  /* the relay's own port again, by python3 */
  g_test_message ("%s", script);
  g_assert_true (g_file_set_contents (path, script, -1, NULL));
  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, (const char *const[]) { python, path, NULL });
  {
    PortWait wait = { "/proc/net/udp", port, "07" };

    ss_test_peer_wait (process, port_in_table, &wait, SS_TEST_TIMEOUT_MS, "the Python relay to bind");
  }

  client_two = ss_test_raw_udp_socket (AF_INET, &two_port);
  ss_test_raw_sendto (client_one, port, "one");
  one = recv_text (target, &from_one);
  ss_test_raw_sendto (client_two, port, "two");
  two = recv_text (target, &from_two);
  g_assert_cmpstr (one, ==, "one");
  g_assert_cmpstr (two, ==, "two");
  /* each client its own socket to the target, none of them the client's */
  g_assert_cmpuint (from_one, !=, from_two);
  g_assert_cmpuint (from_one, !=, one_port);
  g_assert_cmpuint (from_two, !=, two_port);

  /* the answers go back to their own clients, from the relay's address */
  ss_test_raw_sendto (target, from_two, "re:two");
  ss_test_raw_sendto (target, from_one, "re:one");
  answer = recv_text (client_one, &from);
  g_assert_cmpstr (answer, ==, "re:one");
  g_assert_cmpuint (from, ==, port);
  g_free (answer);
  answer = recv_text (client_two, &from);
  g_assert_cmpstr (answer, ==, "re:two");
  g_assert_cmpuint (from, ==, port);

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  g_unlink (path);
  g_rmdir (dir);
  close (client_one);
  close (client_two);
  close (target);
  ss_test_finalize_session (g_steal_pointer (&session), relay, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-calls/stream", test_stream_calls);
  g_test_add_func ("/relay-calls/stream-export-seed", test_stream_export_seed);
  g_test_add_func ("/relay-calls/datagram-export", test_datagram_export);

  return g_test_run ();
}
