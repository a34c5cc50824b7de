/* test-tls-calls.c — the TLS steps in the call log, in Python's ssl and in
 * GnuTLS; the session exported as Python and run against the same live
 * peer, which gets the same bytes
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
#include "ss-test-tls.h"
#include "ss-test-util.h"

/* python3's ssl as a client of a server that may not listen yet (an
 * exported script starting): it connects once something listens, sends
 * a line and writes what comes back until the end. */
static const char client_py[] =
  "import socket, ssl, sys, time\n"
  "port, cafile = int(sys.argv[1]), sys.argv[2]\n"
  "ctx = ssl.create_default_context(cafile=cafile)\n"
  "end = time.monotonic() + 20\n"
  "while True:\n"
  "    try:\n"
  "        raw = socket.create_connection(('127.0.0.1', port), timeout=20)\n"
  "        break\n"
  "    except ConnectionRefusedError:\n"
  "        if time.monotonic() > end:\n"
  "            raise\n"
  "        time.sleep(0.02)\n"
  "conn = ctx.wrap_socket(raw, server_hostname='localhost')\n"
  "conn.sendall(b'hello\\n')\n"
  "data = b''\n"
  "while True:\n"
  "    chunk = conn.recv(4096)\n"
  "    if not chunk:\n"
  "        break\n"
  "    data += chunk\n"
  "sys.stdout.buffer.write(data)\n";

/* The rows of @calls in one notation, one a line, for asserting on */
static char *
dup_rows (SsCallLog *calls,
          gboolean   python)
{
  GString *text = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (calls));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsCall) call = g_list_model_get_item (G_LIST_MODEL (calls), i);
      g_autofree char *c = ss_call_to_c (call);
      const char *result = ss_call_get_result_text (call);

      if (!python)
        g_string_append_printf (text, "%s\n", c);
      else if (result != NULL)
        g_string_append_printf (text, "%s  # → %s\n", ss_call_get_python (call), result);
      else
        g_string_append_printf (text, "%s\n", ss_call_get_python (call));
    }
  return g_string_free (text, FALSE);
}

static void
assert_has (const char *rows,
            const char *needle)
{
  if (strstr (rows, needle) == NULL)
    g_test_message ("no “%s” in:\n%s", needle, rows);
  g_assert_nonnull (strstr (rows, needle));
}

static char *
write_script (const char *dir,
              const char *name,
              const char *script)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  /* the start of it: a long payload's line is more than a TAP reader takes */
  g_test_message ("%s:\n%.3000s", name, script);
  g_assert_true (g_file_set_contents (path, script, -1, &error));
  g_assert_no_error (error);
  return path;
}

static GSubprocess *
spawn_in (const char        *cwd,
          const char *const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_cwd (launcher, cwd);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

typedef struct
{
  SsSocket *listener;
  guint     n;
  gsize     bytes;
} ConnectionWait;

/* the listener's connection n has received its bytes, and ended */
static gboolean
connection_done (gpointer user_data)
{
  ConnectionWait *wait = user_data;
  SsSocket *connection;

  if (g_list_model_get_n_items (ss_socket_get_connections (wait->listener)) <= wait->n)
    return FALSE;
  connection = ss_test_connection_at (wait->listener, wait->n);
  return ss_socket_get_bytes_in (connection) >= wait->bytes &&
         (ss_socket_get_peer_closed (connection) || ss_socket_get_state (connection) == SS_SOCKET_CLOSED);
}

/* A TLS client against a tls-listen of another session, with a CA file
 * and ALPN, or with --insecure and TLS 1.2 only: its steps are ssl's and
 * GnuTLS's in the call log; the export, run by python3 against the same
 * listener, sends the same bytes, with the same settings. */
static void
run_client_replay (gboolean insecure)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) peer_session = NULL;
  g_autoptr(SsSession) session = NULL;
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(SsSocket) listener = NULL;
  g_autoptr(SsSocket) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *pem_path = g_build_filename (ss_test_tls_dir, "client-ca.pem", NULL);
  g_autofree char *port = NULL;
  g_autofree char *script = NULL;
  g_autofree char *script_path = NULL;
  g_autofree char *python_rows = NULL;
  g_autofree char *c_rows = NULL;
  g_autofree char *expected = NULL;
  g_autofree guint8 *payload = NULL;
  const gsize payload_len = 70000;
  ConnectionWait wait;
  int fd;

  if (python == NULL)
    {
      g_test_skip ("needs python3");
      return;
    }
  peer_session = ss_session_new ();
  listener = ss_test_open_spec (peer_session, "tls-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  ss_test_tls_save_listener_pem (listener, pem_path);
  port = g_strdup_printf ("%u", ss_test_tls_port_of (listener));

  session = ss_session_new ();
  if (insecure)
    {
      ss_tls_config_set_insecure (config, TRUE);
      ss_tls_config_set_versions (config, SS_TLS_VERSION_1_2, SS_TLS_VERSION_1_2);
    }
  else
    {
      g_assert_true (ss_tls_config_set_cafile (config, pem_path, &error));
      g_assert_no_error (error);
      ss_tls_config_set_alpn (config, "h2,http/1.1");
    }
  client = g_object_ref (ss_test_tls_client (session, config, "localhost", port));
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (client)), ==, SS_TLS_STATE_ESTABLISHED);
  fd = ss_socket_get_fd (client);

  payload = g_malloc (payload_len);
  for (gsize i = 0; i < payload_len; i++)
    payload[i] = (i * 13) & 0xff;
  ss_test_send_ok (client, "hello 你好\n'\"\\", 16);
  ss_test_send_ok (client, payload, payload_len);
  /* the close goes after the bytes: the peer has them all */
  ss_test_wait_until (ss_test_tls_has_connection, listener, PEER_TIMEOUT_MS);
  {
    SsTestBytesWait bytes_wait = { ss_test_connection_at (listener, 0), 16 + payload_len };

    ss_test_wait_until (ss_test_bytes_in_reached, &bytes_wait, PEER_TIMEOUT_MS);
  }
  ss_socket_close (client);
  wait = (ConnectionWait) { listener, 0, 16 + payload_len };
  ss_test_wait_until (connection_done, &wait, PEER_TIMEOUT_MS);

  /* what a person reads: the seed's Python, and the GnuTLS calls */
  python_rows = dup_rows (ss_session_get_calls (session), TRUE);
  g_test_message ("%s", python_rows);
  if (insecure)
    {
      assert_has (python_rows, "ctx = ssl.create_default_context()\n"
                               "ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE\n"
                               "ctx.minimum_version = ssl.TLSVersion.TLSv1_2; ctx.maximum_version = ssl.TLSVersion.TLSv1_2\n");
      expected = g_strdup_printf ("ssk%d.do_handshake()\nssk%d.version()  # → 'TLSv1.2'\nssk%d.cipher()  # → ('TLS_",
                                  fd, fd, fd);
    }
  else
    {
      expected = g_strdup_printf ("ctx = ssl.create_default_context(cafile='%s')\n"
                                  "ctx.set_alpn_protocols(['h2', 'http/1.1'])\n", pem_path);
      assert_has (python_rows, expected);
      g_free (expected);
      expected = g_strdup_printf ("ssk%d.do_handshake()\nssk%d.version()  # → 'TLSv1.3'\nssk%d.cipher()  # → ('TLS_",
                                  fd, fd, fd);
    }
  assert_has (python_rows, expected);
  g_free (expected);
  expected = g_strdup_printf ("ssk%d = ctx.wrap_socket(sk%d, server_hostname='localhost', do_handshake_on_connect=False)",
                              fd, fd);
  assert_has (python_rows, expected);
  g_free (expected);
  if (insecure)
    expected = g_strdup_printf ("ssk%d.cipher()", fd);
  else
    expected = g_strdup_printf ("ssk%d.selected_alpn_protocol()  # → None\nssk%d.sendall(b'hello", fd, fd);
  assert_has (python_rows, expected);
  g_free (expected);
  expected = g_strdup_printf ("ssk%d.close()", fd);
  assert_has (python_rows, expected);

  c_rows = dup_rows (ss_session_get_calls (session), FALSE);
  g_test_message ("%s", c_rows);
  g_free (expected);
  if (insecure)
    expected = g_strdup ("gnutls_certificate_set_x509_system_trust(cred) = ");
  else
    expected = g_strdup_printf ("gnutls_certificate_set_x509_trust_file(cred, \"%s\", GNUTLS_X509_FMT_PEM) = 1", pem_path);
  assert_has (c_rows, expected);
  g_free (expected);
  expected = g_strdup_printf ("gnutls_init(&session, GNUTLS_CLIENT|GNUTLS_NONBLOCK) = 0; "
                              "gnutls_server_name_set(session, GNUTLS_NAME_DNS, \"localhost\", 9) = 0; "
                              "gnutls_transport_set_int(session, %d)", fd);
  assert_has (c_rows, expected);
  if (insecure)
    {
      assert_has (c_rows, "gnutls_priority_set_direct(session, \"NORMAL:-VERS-ALL:+VERS-TLS1.2\", NULL) = 0");
      assert_has (c_rows, "gnutls_certificate_verify_peers3(session, \"localhost\", &status) = 0  /* ");
      assert_has (c_rows, "; --insecure goes on */");
      assert_has (c_rows, "gnutls_protocol_get_version(session) = GNUTLS_TLS1_2");
    }
  else
    {
      assert_has (c_rows, "gnutls_alpn_set_protocols(session, {\"h2\", \"http/1.1\"}, 2, 0) = 0");
      assert_has (c_rows, "gnutls_handshake(session) = 0; gnutls_certificate_verify_peers3(session, \"localhost\", &status) = 0  /* valid */");
      assert_has (c_rows, "gnutls_protocol_get_version(session) = GNUTLS_TLS1_3");
    }
  g_free (expected);
  /* a close_notify before the close */
  expected = g_strdup_printf ("gnutls_bye(session, GNUTLS_SHUT_WR) = 0; close(%d) = 0\n", fd);
  assert_has (c_rows, expected);
  /* the bytes go through GnuTLS */
  assert_has (c_rows, "gnutls_record_send(session, \"hello \\xe4\\xbd\\xa0\\xe5\\xa5\\xbd\\n'\\\"\\\\\", 16) = 16\n");

  /* the same session again, by python3, to the same listener */
  script = ss_call_log_to_python (ss_session_get_calls (session));
  g_assert_true (g_str_has_prefix (script, "#!/usr/bin/env python3\n# Exported by Sockscope: the socket calls of a session, in order.\nimport socket\nimport ssl\n"));
  script_path = write_script (ss_test_tls_dir, "tls-client.py", script);
  process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, (const char *const[]) { python, script_path, NULL });
  wait.n = 1;
  ss_test_peer_wait (process, connection_done, &wait, PEER_TIMEOUT_MS, "the script's bytes");
  ss_test_peer_wait_exit_ok (process, PEER_TIMEOUT_MS);

  {
    g_autofree guint8 *all = g_malloc (16 + payload_len);

    memcpy (all, "hello 你好\n'\"\\", 16);
    memcpy (all + 16, payload, payload_len);
    ss_test_assert_payload (ss_test_connection_at (listener, 0), SS_TRAFFIC_RECEIVED, all, 16 + payload_len);
    ss_test_assert_payload (ss_test_connection_at (listener, 1), SS_TRAFFIC_RECEIVED, all, 16 + payload_len);
  }
  ss_test_assert_event (ss_test_connection_at (listener, 1),
                        insecure ? "TLS handshake done: TLS1.2" : "TLS handshake done: TLS1.3");

  g_unlink (script_path);
  g_clear_object (&client);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
  ss_test_tls_finish_listener (g_steal_pointer (&peer_session), g_steal_pointer (&listener), pem_path);
}

static void
test_client_replay (void)
{
  run_client_replay (FALSE);
}

static void
test_client_replay_insecure (void)
{
  run_client_replay (TRUE);
}

/* A certificate that fails verification: Python's do_handshake() would
 * raise; Sockscope waits for Connect Anyway. The row says both. */
static void
test_untrusted (void)
{
  g_autoptr(SsSession) peer_session = ss_session_new ();
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = ss_test_open_spec (peer_session, "tls-listen:127.0.0.1:0", &error);
  g_autofree char *port = NULL;
  g_autofree char *python_rows = NULL;
  g_autofree char *c_rows = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(SsCall) call = NULL;
  SsSocket *client;
  int fd;

  g_assert_no_error (error);
  port = g_strdup_printf ("%u", ss_test_tls_port_of (listener));
  client = ss_test_tls_client (session, config, "localhost", port);
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (client)), ==, SS_TLS_STATE_UNTRUSTED);
  fd = ss_socket_get_fd (client);

  python_rows = dup_rows (ss_session_get_calls (session), TRUE);
  g_test_message ("%s", python_rows);
  expected = g_strdup_printf ("ssk%d.do_handshake()  # → ssl.SSLCertVerificationError: certificate verify failed: ", fd);
  assert_has (python_rows, expected);
  /* nothing after it: no version() of a session Python would not have */
  g_assert_true (g_str_has_suffix (python_rows, "\n") &&
                 strstr (strstr (python_rows, expected), "\n")[1] == '\0');
  call = ss_test_find_call (ss_session_get_calls (session), "gnutls_handshake", fd, NULL);
  g_assert_nonnull (call);
  g_assert_cmpint (ss_call_get_errno (call), ==, EPROTO);
  c_rows = dup_rows (ss_session_get_calls (session), FALSE);
  g_test_message ("%s", c_rows);
  assert_has (c_rows, "gnutls_certificate_verify_peers3(session, \"localhost\", &status) = 0  /* ");
  assert_has (c_rows, " */  /* EPROTO (");

  ss_socket_close (client);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
  ss_socket_close (listener);
  g_clear_object (&listener);
  ss_test_finalize_session (g_steal_pointer (&peer_session), NULL);
}

/* A tls-listen (with the test's certificate files, or the one generated
 * for the session) answers a python3 client; its calls, exported, serve
 * the same client the same answer. */
static void
run_server_replay (gboolean generated)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) session = NULL;
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(SsSocket) listener = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(Cert) ca = NULL;
  g_autoptr(Cert) leaf = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-tls-script-XXXXXX", NULL);
  g_autofree char *ca_path = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *port = NULL;
  g_autofree char *client_path = NULL;
  g_autofree char *script = NULL;
  g_autofree char *script_path = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *expected = NULL;
  SsSocket *connection;
  int listener_fd, fd;

  if (python == NULL)
    {
      g_test_skip ("needs python3");
      return;
    }
  session = ss_session_new ();
  if (!generated)
    {
      ca = ss_test_tls_make_cert ("ca", NULL, -DAY, DAY, NULL, TRUE);
      leaf = ss_test_tls_make_cert ("leaf", "localhost", -DAY, DAY, ca, FALSE);
      g_assert_true (ss_tls_config_set_certificate (config, leaf->cert_path, leaf->key_path, &error));
      g_assert_no_error (error);
      ss_session_set_tls_config (session, config);
      ca_path = g_strdup (ca->cert_path);
    }
  /* a port of its own, as a person gives: the script binds it again */
  port = g_strdup_printf ("%u", ss_test_free_port (AF_INET));
  spec = g_strdup_printf ("tls-listen:127.0.0.1:%s", port);
  listener = ss_test_open_spec (session, spec, &error);
  g_assert_no_error (error);
  listener_fd = ss_socket_get_fd (listener);
  if (generated)
    {
      ca_path = g_build_filename (dir, "ca.pem", NULL);
      ss_test_tls_save_listener_pem (listener, ca_path);
    }

  client_path = write_script (dir, "client.py", client_py);
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const[]) { python, client_path, port, ca_path, NULL });
  ss_test_peer_wait (client, ss_test_tls_has_connection, listener, PEER_TIMEOUT_MS, "the client's connection");
  connection = ss_test_connection_at (listener, 0);
  fd = ss_socket_get_fd (connection);
  {
    SsTestBytesWait wait = { connection, 6 };

    ss_test_peer_wait (client, ss_test_bytes_in_reached, &wait, PEER_TIMEOUT_MS, "the client's line");
  }
  ss_test_send_ok (connection, "echo:hello\n", 11);
  /* the end as a half-close: its close_notify goes first */
  g_assert_true (ss_socket_shutdown (connection, SHUT_WR, &error));
  g_assert_no_error (error);
  first = ss_test_stream_read (g_subprocess_get_stdout_pipe (client), 4096, PEER_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);
  g_clear_object (&client);
  g_assert_cmpmem (g_bytes_get_data (first, NULL), g_bytes_get_size (first), "echo:hello\n", 11);
  ss_test_tls_assert_events_in_order (connection, (const char *const[]) { "TLS → alert close_notify",
                                                                         "Shut down writing", NULL });
  ss_socket_close (connection);

  rows = dup_rows (ss_session_get_calls (session), TRUE);
  g_test_message ("%s", rows);
  expected = g_strdup_printf ("ctx%d = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n", listener_fd);
  assert_has (rows, expected);
  g_free (expected);
  if (generated)
    {
      /* the certificate made for the session, written for Python */
      assert_has (rows, "\nopen('sockscope-session.pem', 'wb').write(b'-----BEGIN CERTIFICATE-----\\n");
      expected = g_strdup_printf ("'…)\nctx%d.load_cert_chain('sockscope-session.pem')\n", listener_fd);
    }
  else
    expected = g_strdup_printf ("ctx%d.load_cert_chain('%s', '%s')\n", listener_fd, leaf->cert_path, leaf->key_path);
  assert_has (rows, expected);
  g_free (expected);
  expected = g_strdup_printf ("sconn%d = ctx%d.wrap_socket(conn%d, server_side=True, do_handshake_on_connect=False)\n"
                              "sconn%d.do_handshake()\n", fd, listener_fd, fd, fd);
  assert_has (rows, expected);
  g_free (expected);
  expected = g_strdup_printf ("sconn%d.sendall(b'echo:hello\\n')\nsconn%d.shutdown(socket.SHUT_WR)\n", fd, fd);
  assert_has (rows, expected);
  g_free (rows);
  rows = dup_rows (ss_session_get_calls (session), FALSE);
  g_test_message ("%s", rows);
  assert_has (rows, "gnutls_record_recv(session, buf, 65536) = 6\n");
  g_free (expected);
  /* the close_notify went with the shutdown, not again with the close */
  expected = g_strdup_printf ("\ngnutls_bye(session, GNUTLS_SHUT_WR) = 0; shutdown(%d, SHUT_WR) = 0\n", fd);
  assert_has (rows, expected);
  g_free (expected);
  expected = g_strdup_printf ("\nclose(%d) = 0\n", fd);
  assert_has (rows, expected);

  /* the session's listener lets the port go; the script takes it */
  script = ss_call_log_to_python (ss_session_get_calls (session));
  ss_socket_close (listener);
  script_path = write_script (dir, "server.py", script);
  server = spawn_in (dir, (const char *const[]) { python, script_path, NULL });
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const[]) { python, client_path, port, ca_path, NULL });
  second = ss_test_stream_read (g_subprocess_get_stdout_pipe (client), 4096, PEER_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (server, PEER_TIMEOUT_MS);
  g_assert_true (g_bytes_equal (first, second));

  {
    g_autofree char *pem = g_build_filename (dir, "sockscope-session.pem", NULL);

    g_assert_true (g_file_test (pem, G_FILE_TEST_EXISTS) == generated);
    g_unlink (pem);
  }
  g_unlink (script_path);
  g_unlink (client_path);
  if (generated)
    g_unlink (ca_path);
  g_rmdir (dir);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

static void
test_server_replay_files (void)
{
  run_server_replay (FALSE);
}

static void
test_server_replay_generated (void)
{
  run_server_replay (TRUE);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ss_test_tls_dir = g_dir_make_tmp ("sockscope-tls-calls-XXXXXX", NULL);
  g_test_add_func ("/tls-calls/client-replay", test_client_replay);
  g_test_add_func ("/tls-calls/client-replay-insecure", test_client_replay_insecure);
  g_test_add_func ("/tls-calls/untrusted", test_untrusted);
  g_test_add_func ("/tls-calls/server-replay-files", test_server_replay_files);
  g_test_add_func ("/tls-calls/server-replay-generated", test_server_replay_generated);
  status = g_test_run ();
  g_rmdir (ss_test_tls_dir);
  g_free (ss_test_tls_dir);
  return status;
}
