/* test-tls-starttls.c — Start TLS on a plaintext connection: as the client
 * of a python3 server that upgrades after "STARTTLS", as the server of a
 * python3 client that does; what is refused, and a peer that answers in
 * plaintext
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-test-tls.h"
#include "ss-test-util.h"

static char *
starttls_script (void)
{
  return g_test_build_filename (G_TEST_DIST, "peers", "starttls_peer.py", NULL);
}

static gboolean
is_readable (gpointer user_data)
{
  return ss_socket_get_readable (user_data) > 0;
}

/* Sockscope the client: "STARTTLS" in plaintext, its answer left unread
 * (Start TLS refuses), read, then Start TLS and a line each way in TLS. */
static void
test_client (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *script = starttls_script ();
  g_autoptr(SsSession) session = NULL;
  g_autoptr(Cert) ca = NULL;
  g_autoptr(Cert) leaf = NULL;
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *address = NULL;
  SsSocket *socket;

  if (python == NULL)
    return;
  session = ss_session_new ();
  ca = ss_test_tls_make_cert ("starttls-ca", NULL, -DAY, DAY, NULL, TRUE);
  leaf = ss_test_tls_make_cert ("starttls-server", "localhost", -DAY, DAY, ca, FALSE);
  g_assert_true (ss_tls_config_set_cafile (config, ca->cert_path, &error));
  server = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const []) { python, script, "server", leaf->cert_path, leaf->key_path, NULL });
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  port = ss_test_peer_read_line (server, lines, PEER_TIMEOUT_MS);

  socket = ss_test_create (session, AF_INET, SOCK_STREAM);
  /* nothing TLS could take for its own is allowed before it starts */
  g_assert_false (ss_socket_can_start_tls (socket));
  g_assert_false (ss_socket_start_tls (socket, config, FALSE, "localhost", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  ss_socket_set_auto_receive (socket, FALSE);
  address = g_strdup_printf ("127.0.0.1:%s", port);
  ss_test_connect_ok (socket, address);
  g_assert_true (ss_socket_can_start_tls (socket));
  ss_test_send_ok (socket, "STARTTLS\n", 9);
  ss_test_peer_wait (server, is_readable, socket, PEER_TIMEOUT_MS, "the server's OK");
  g_assert_false (ss_socket_start_tls (socket, config, FALSE, "localhost", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "still unread"));
  g_clear_error (&error);
  ss_test_assert_event (socket, "Start TLS: The peer sent 3 bytes that are still unread");
  g_assert_cmpint (ss_socket_recv (socket, 64, &error), ==, 3);
  g_assert_no_error (error);

  g_assert_true (ss_socket_start_tls (socket, config, FALSE, "localhost", &error));
  g_assert_no_error (error);
  g_assert_false (ss_socket_can_start_tls (socket));
  ss_socket_set_auto_receive (socket, TRUE);
  ss_test_peer_wait (server, ss_test_tls_settled, socket, PEER_TIMEOUT_MS, "the handshake");
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (socket)), ==, SS_TLS_STATE_ESTABLISHED);
  g_assert_null (ss_tls_session_get_verification (ss_socket_get_tls_session (socket)));

  ss_test_send_ok (socket, "hello\n", 6);
  ss_test_wait_bytes_in (socket, 3 + 11);
  ss_test_wait_peer_closed (socket);
  /* python's unwrap() waits for the close_notify of ours */
  ss_socket_close (socket);
  ss_test_peer_wait_exit_ok (server, PEER_TIMEOUT_MS);
  /* the plaintext before and the decrypted bytes after, in one log */
  ss_test_assert_payload (socket, SS_TRAFFIC_RECEIVED, "OK\necho:hello\n", 14);
  ss_test_assert_payload (socket, SS_TRAFFIC_SENT, "STARTTLS\nhello\n", 15);
  ss_test_tls_assert_events_in_order (socket, (const char *const []) {
    "TLS: starting the handshake", "TLS → ClientHello", "TLS ← ServerHello",
    "TLS handshake done", "TLS ← alert close_notify", "TLS → alert close_notify", NULL });
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* Sockscope the server, on an accepted connection with the certificate
 * made for the run: the python3 client sends its ClientHello as soon as
 * it reads "OK", before Start TLS is pressed; the log says what it is,
 * and Start TLS answers it. */
static void
test_accepted (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *script = starttls_script ();
  g_autofree char *pem_path = g_build_filename (ss_test_tls_dir, "starttls-made.pem", NULL);
  g_autofree char *port = NULL;
  g_autoptr(SsSession) session = NULL;
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GError) error = NULL;
  SsSocket *listener;
  SsSocket *connection;
  SsTestEventWait wait;

  if (python == NULL)
    return;
  session = ss_session_new ();
  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  g_assert_nonnull (ss_tls_config_get_credentials (config, TRUE, "127.0.0.1", &error));
  g_assert_no_error (error);
  g_assert_true (ss_tls_certificate_save_pem (ss_tls_config_get_server_certificate (config), pem_path, &error));
  port = g_strdup_printf ("%u", ss_test_tls_port_of (listener));
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const []) { python, script, "client", port, pem_path, NULL });
  ss_test_peer_wait (client, ss_test_tls_has_connection, listener, PEER_TIMEOUT_MS, "the client's connection");
  connection = ss_test_connection_at (listener, 0);
  ss_test_wait_bytes_in (connection, 9);
  ss_test_send_ok (connection, "OK\n", 3);

  /* its ClientHello, read as plaintext */
  wait = (SsTestEventWait) { connection, "The peer started a TLS handshake" };
  ss_test_peer_wait (client, ss_test_has_event, &wait, PEER_TIMEOUT_MS, "the ClientHello");
  g_assert_true (ss_socket_start_tls (connection, config, TRUE, NULL, &error));
  g_assert_no_error (error);
  ss_test_peer_wait (client, ss_test_tls_settled, connection, PEER_TIMEOUT_MS, "the handshake");
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (connection)), ==, SS_TLS_STATE_ESTABLISHED);
  g_assert_true (ss_tls_session_is_server (ss_socket_get_tls_session (connection)));

  {
    guint64 before = ss_socket_get_bytes_in (connection);

    ss_test_wait_bytes_in (connection, before + 6);
  }
  ss_test_send_ok (connection, "echo:hello\n", 11);
  ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);
  ss_test_tls_assert_events_in_order (connection, (const char *const []) {
    "The peer started a TLS handshake", "TLS: answering the ClientHello the peer already sent",
    "TLS ← ClientHello", "TLS → ServerHello", "TLS handshake done", NULL });
  ss_test_assert_payload (connection, SS_TRAFFIC_SENT, "OK\necho:hello\n", 14);
  g_unlink (pem_path);
  ss_socket_close (listener);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* A peer that answers the ClientHello in plaintext: named with its first
 * bytes, and the connection ends. */
static void
test_plaintext_answer (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) hello = NULL;
  int raw_listener, peer;
  SsSocket *socket = ss_test_raw_pair (session, AF_INET, 0, &raw_listener, &peer);
  const char answer[] = "500 unknown command\r\n";

  g_assert_true (ss_socket_start_tls (socket, config, FALSE, "localhost", &error));
  g_assert_no_error (error);
  hello = ss_test_raw_recv (peer, 5, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (hello, NULL))[0], ==, 22);
  ss_test_raw_send_all (peer, answer, strlen (answer), SS_TEST_TIMEOUT_MS);
  ss_test_wait_failure (socket);
  ss_test_assert_event (socket, "The peer did not answer in TLS; its first bytes were “500 unkn");
  close (peer);
  close (raw_listener);
  ss_socket_close (socket);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ss_test_tls_dir = g_dir_make_tmp ("sockscope-starttls-XXXXXX", NULL);
  g_test_add_func ("/starttls/client", test_client);
  g_test_add_func ("/starttls/accepted", test_accepted);
  g_test_add_func ("/starttls/plaintext-answer", test_plaintext_answer);
  status = g_test_run ();
  g_rmdir (ss_test_tls_dir);
  g_free (ss_test_tls_dir);
  return status;
}
