/* test-seed-interop.c — real peers: Python running the seed's own recipes,
 * socat and ncat, against Sockscope on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>
#include <sys/socket.h>

#include "ss-escape.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"

#define PEER_TIMEOUT_MS 20000

/* What the seed's recipes send: Chinese text (decoded with
 * str(data,'utf8') on the Python side), and bytes that are not UTF-8. */
static const char client_text[] = "你好，服务器\n";
static const guint8 client_raw[] = { 0xff, 0xfe, 0x00, 0x80 };
static const char server_text[] = "你好，客户端！\n";
static const guint8 server_raw[] = { 0x00, 0xc3, 0x28, 0xa0, 0xa1, 0xff };

static GBytes *
concat (const void *a,
        gsize       a_len,
        const void *b,
        gsize       b_len)
{
  guint8 *data = g_malloc (a_len + b_len);

  memcpy (data, a, a_len);
  memcpy (data + a_len, b, b_len);
  return g_bytes_new_take (data, a_len + b_len);
}

static char *
peer_script (const char *name)
{
  char *path = g_test_build_filename (G_TEST_DIST, "peers", name, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_error ("the peer script %s is missing (G_TEST_SRCDIR is the tests' source dir)", path);
  return path;
}

static gboolean
has_connection (gpointer listener)
{
  return g_list_model_get_n_items (ss_socket_get_connections (listener)) >= 1;
}

static gboolean
peer_has_closed (gpointer socket)
{
  return ss_socket_get_peer_closed (socket);
}

static void
wait_bytes_in (GSubprocess *process,
               SsSocket    *socket,
               gsize        bytes)
{
  SsTestBytesWait wait = { socket, bytes };

  ss_test_peer_wait (process, ss_test_bytes_in_reached, &wait, PEER_TIMEOUT_MS,
                     "the peer's bytes");
  g_assert_cmpuint (ss_socket_get_bytes_in (socket), ==, bytes);
}

/* (a) the seed's client recipe against a Sockscope listener */
static void
test_python_client (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *script = NULL;
  g_autofree char *port = NULL;
  g_autofree char *send_text = NULL, *send_raw = NULL, *expect_text = NULL, *expect_raw = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GBytes) request = concat (client_text, strlen (client_text), client_raw, sizeof client_raw);
  g_autofree char *client_address = NULL;
  SsSession *session;
  SsSocket *listener;
  g_autoptr(SsSocket) connection = NULL;

  if (python == NULL)
    return;

  session = ss_session_new ();
  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  script = peer_script ("seed_client.py");
  port = g_strdup_printf ("%u", ss_test_port_of (ss_socket_get_local_address (listener)));
  send_text = ss_test_hex (client_text, strlen (client_text));
  send_raw = ss_test_hex (client_raw, sizeof client_raw);
  expect_text = ss_test_hex (server_text, strlen (server_text));
  expect_raw = ss_test_hex (server_raw, sizeof server_raw);

  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                                (const char *const []) { python, script, "127.0.0.1", port,
                                                         send_text, send_raw,
                                                         expect_text, expect_raw, NULL });
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  /* accepted by Sockscope, and both ends agree on the addresses */
  client_address = ss_test_peer_read_line (process, lines, PEER_TIMEOUT_MS);
  ss_test_peer_wait (process, has_connection, listener, PEER_TIMEOUT_MS,
                     "Sockscope to accept the client");
  connection = g_list_model_get_item (ss_socket_get_connections (listener), 0);
  g_assert_cmpstr (ss_socket_get_peer_address (connection), ==, client_address);

  /* exactly the bytes Python sent, Chinese and non-UTF-8 alike */
  wait_bytes_in (process, connection, g_bytes_get_size (request));
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, g_bytes_get_data (request, NULL),
                          g_bytes_get_size (request));

  /* the reply, checked byte for byte by the Python side */
  ss_test_send_ok (connection, server_text, strlen (server_text));
  ss_test_send_ok (connection, server_raw, sizeof server_raw);
  ss_test_peer_wait_exit_ok (process, PEER_TIMEOUT_MS);
  ss_test_peer_wait (process, peer_has_closed, connection, PEER_TIMEOUT_MS, "the client's close");

  g_clear_object (&connection);
  ss_test_finalize_session (session, NULL);
}

/* (b) the seed's server recipe accepting a Sockscope client */
static void
test_python_server (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *script = NULL;
  g_autofree char *expect_text = NULL, *expect_raw = NULL, *reply_text = NULL, *reply_raw = NULL;
  g_autofree char *port = NULL;
  g_autofree char *address = NULL;
  g_autofree char *seen_address = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GBytes) reply = concat (server_text, strlen (server_text), server_raw, sizeof server_raw);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SsSession *session;
  SsSocket *client;

  if (python == NULL)
    return;

  script = peer_script ("seed_server.py");
  expect_text = ss_test_hex (client_text, strlen (client_text));
  expect_raw = ss_test_hex (client_raw, sizeof client_raw);
  reply_text = ss_test_hex (server_text, strlen (server_text));
  reply_raw = ss_test_hex (server_raw, sizeof server_raw);
  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                                (const char *const []) { python, script, expect_text, expect_raw,
                                                         reply_text, reply_raw, NULL });
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  port = ss_test_peer_read_line (process, lines, PEER_TIMEOUT_MS);

  session = ss_session_new ();
  client = ss_session_create_socket (session, AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  address = g_strdup_printf ("127.0.0.1:%s", port);
  ss_socket_connect_async (client, address, NULL, ss_test_store_result_cb, &result);
  ss_test_peer_wait (process, ss_test_pointer_is_set, &result, PEER_TIMEOUT_MS,
                     "the connection to the Python server");
  g_assert_true (ss_socket_connect_finish (client, result, &error));
  g_assert_no_error (error);

  seen_address = ss_test_peer_read_line (process, lines, PEER_TIMEOUT_MS);
  g_assert_cmpstr (seen_address, ==, ss_socket_get_local_address (client));

  ss_test_send_ok (client, client_text, strlen (client_text));
  ss_test_send_ok (client, client_raw, sizeof client_raw);
  wait_bytes_in (process, client, g_bytes_get_size (reply));
  ss_test_assert_payload (client, SS_TRAFFIC_RECEIVED, g_bytes_get_data (reply, NULL),
                          g_bytes_get_size (reply));

  /* the server waits for this close, then exits 0 if all was right */
  ss_socket_close (client);
  ss_test_peer_wait_exit_ok (process, PEER_TIMEOUT_MS);

  g_clear_object (&result);
  ss_test_finalize_session (session, NULL);
}

/* The Python column of the call log is Python: every line parses, and a
 * payload literal evaluates to exactly the bytes sent. */
static void
test_python_transcript (void)
{
  g_autofree char *python = ss_test_find_python ();
  static const char program[] =
    "import ast, sys\n"
    "for line in sys.argv[1:]:\n"
    "    ast.parse(line)\n"
    "    node = ast.parse(line).body[0].value\n"
    "    if isinstance(node, ast.Call) and getattr(node.func, 'attr', '') == 'sendall':\n"
    "        print(ast.literal_eval(node.args[0]).hex())\n";
  static const guint8 payload[] = "\xff" "ab\x00" "1'\"\\\n\t你好";
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autofree char *expected_hex = NULL;
  g_autofree char *expected_line = NULL;
  g_autoptr(GError) error = NULL;
  SsSession *session;
  SsSocket *listener, *client;
  SsCallLog *calls;
  g_autoptr(GAsyncResult) result = NULL;

  if (python == NULL)
    return;

  /* a short recipe with a payload full of quoting traps */
  session = ss_session_new ();
  calls = ss_session_get_calls (session);
  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  client = ss_session_create_socket (session, AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  ss_socket_connect_async (client, ss_socket_get_local_address (listener), NULL,
                           ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  g_assert_true (ss_socket_connect_finish (client, result, &error));
  ss_test_wait_until (has_connection, listener, SS_TEST_TIMEOUT_MS);
  ss_test_send_ok (client, payload, sizeof payload - 1);
  ss_socket_close (client);

  g_ptr_array_add (argv, g_strdup (python));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup (program));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (calls)); i++)
    {
      g_autoptr(SsCall) call = g_list_model_get_item (G_LIST_MODEL (calls), i);

      g_test_message ("%s", ss_call_get_python (call));
      g_ptr_array_add (argv, g_strdup (ss_call_get_python (call)));
    }
  g_assert_cmpuint (argv->len, >=, 3 + 6);
  g_ptr_array_add (argv, NULL);

  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, (const char *const *) argv->pdata);
  out = ss_test_stream_read (g_subprocess_get_stdout_pipe (process), 4096, PEER_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (process, PEER_TIMEOUT_MS);

  expected_hex = ss_test_hex (payload, sizeof payload - 1);
  expected_line = g_strdup_printf ("%s\n", expected_hex);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                   expected_line, strlen (expected_line));

  g_clear_object (&result);
  ss_test_finalize_session (session, NULL);
}

/* A payload's Python literal, as the transcript writes it, evaluated by
 * Python itself. */
static void
test_python_literals (void)
{
  g_autofree char *python = ss_test_find_python ();
  static const char program[] =
    "import ast, sys\n"
    "for literal in sys.argv[1:]:\n"
    "    print(ast.literal_eval(literal).hex())\n";
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;

  if (python == NULL)
    return;

  g_ptr_array_add (argv, g_strdup (python));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup (program));
  for (guint i = 0; i < 64; i++)
    {
      guint8 data[48];
      gsize len = g_test_rand_int_range (0, sizeof data);
      g_autofree char *data_hex = NULL;

      for (gsize j = 0; j < len; j++)
        data[j] = g_test_rand_bit () ? g_test_rand_int_range (0, 256) : "'\"\\\n\r\t\0x0"[g_test_rand_int_range (0, 10)];
      g_ptr_array_add (argv, ss_escape_literal (data, len, 0, TRUE));
      data_hex = ss_test_hex (data, len);
      g_string_append_printf (expected, "%s\n", data_hex);
    }
  g_ptr_array_add (argv, NULL);

  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, (const char *const *) argv->pdata);
  out = ss_test_stream_read (g_subprocess_get_stdout_pipe (process), 64 * 1024, PEER_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (process, PEER_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                   expected->str, expected->len);
}

/* socat and ncat: stdin → TCP → Sockscope, Sockscope → TCP → stdout */
static void
run_stdio_peer (const char *program,
                const char *const *extra_args)
{
  g_autofree char *path = g_find_program_in_path (program);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) request = concat (client_text, strlen (client_text), client_raw, sizeof client_raw);
  g_autoptr(GBytes) reply = concat (server_text, strlen (server_text), server_raw, sizeof server_raw);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) connection = NULL;
  g_autofree char *port = NULL;
  GOutputStream *in;
  SsSession *session;
  SsSocket *listener;

  if (path == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s is not installed", program);
      g_test_skip (message);
      return;
    }

  session = ss_session_new ();
  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  port = g_strdup_printf ("%u", ss_test_port_of (ss_socket_get_local_address (listener)));
  g_ptr_array_add (argv, g_strdup (path));
  for (guint i = 0; extra_args[i] != NULL; i++)
    {
      g_autoptr(GString) arg = g_string_new (extra_args[i]);

      g_string_replace (arg, "PORT", port, 0);
      g_ptr_array_add (argv, g_string_free (g_steal_pointer (&arg), FALSE));
    }
  g_ptr_array_add (argv, NULL);
  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDIN_PIPE,
                                (const char *const *) argv->pdata);

  /* stdin → Sockscope */
  in = g_subprocess_get_stdin_pipe (process);
  g_assert_true (g_output_stream_write_all (in, g_bytes_get_data (request, NULL),
                                            g_bytes_get_size (request), NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_flush (in, NULL, &error));
  ss_test_peer_wait (process, has_connection, listener, PEER_TIMEOUT_MS,
                     "Sockscope to accept the peer");
  connection = g_list_model_get_item (ss_socket_get_connections (listener), 0);
  wait_bytes_in (process, connection, g_bytes_get_size (request));
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, g_bytes_get_data (request, NULL),
                          g_bytes_get_size (request));

  /* Sockscope → stdout */
  ss_test_send_ok (connection, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  out = ss_test_stream_read (g_subprocess_get_stdout_pipe (process), g_bytes_get_size (reply),
                             PEER_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                   g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));

  /* end of stdin: the peer shuts down its side, Sockscope sees it and
   * closes, the peer exits */
  g_assert_true (g_output_stream_close (in, NULL, &error));
  g_assert_no_error (error);
  ss_test_peer_wait (process, peer_has_closed, connection, PEER_TIMEOUT_MS, "the peer's half-close");
  g_assert_cmpint (ss_socket_get_state (connection), ==, SS_SOCKET_CONNECTED);
  ss_socket_close (connection);
  ss_test_peer_wait_exit_ok (process, PEER_TIMEOUT_MS);

  g_clear_object (&connection);
  ss_test_finalize_session (session, NULL);
}

static void
test_socat (void)
{
  run_stdio_peer ("socat", (const char *const []) { "-", "TCP:127.0.0.1:PORT", NULL });
}

static void
test_ncat (void)
{
  run_stdio_peer ("ncat", (const char *const []) { "127.0.0.1", "PORT", NULL });
}

int
main (int   argc,
      char *argv[])
{
  /* meson sets it; this also lets the binary run on its own */
  g_setenv ("G_TEST_SRCDIR", SS_TEST_SRCDIR, FALSE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/interop/python/seed-client", test_python_client);
  g_test_add_func ("/interop/python/seed-server", test_python_server);
  g_test_add_func ("/interop/python/transcript", test_python_transcript);
  g_test_add_func ("/interop/python/literals", test_python_literals);
  g_test_add_func ("/interop/socat", test_socat);
  g_test_add_func ("/interop/ncat", test_ncat);

  return g_test_run ();
}
