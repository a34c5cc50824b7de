/* test-tls-server.c — tls-listen: against curl, python3's ssl and
 * openssl s_client; the saved certificate and keys (tshark decrypts a
 * capture); peers that speak the wrong protocol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-test-tls.h"
#include "ss-test-util.h"
#include "ss-tls-resumption.h"
#include "ss-tls-sniff.h"

/* The client's "hello\n" arrives decrypted; then the client ends and its
 * end reaches the connection. */
static void
send_hello_and_end (GOutputStream *input,
                    GSubprocess   *client,
                    SsSocket      *connection)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (input, "hello\n", 6, NULL, NULL, &error));
  g_assert_no_error (error);
  ss_test_wait_bytes_in (connection, 6);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, "hello\n", 6);
  g_output_stream_close (input, NULL, NULL);
  ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);
  ss_test_wait_until (ss_test_tls_peer_closed, connection, PEER_TIMEOUT_MS);
}

/* tls-listen: with the generated certificate saved as PEM: curl trusts
 * it with --cacert, and the request is read decrypted. */
static void
test_listener_curl (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_autoptr(SsSocket) connection = NULL;
  g_autofree char *pem_path = g_build_filename (ss_test_tls_dir, "server.pem", NULL);
  g_autofree char *url = NULL;
  g_autofree char *resolve = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GSubprocess) curl = NULL;
  g_autoptr(GBytes) body = NULL;
  SsTlsCertificate *cert;
  const char response[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nhi\n";
  g_autofree char *curl_path = g_find_program_in_path ("curl");
  SsTlsSession *tls;

  g_assert_no_error (error);
  cert = ss_tls_config_get_server_certificate (ss_socket_get_tls_config (listener));
  g_assert_nonnull (cert);
  fingerprint = ss_tls_certificate_dup_fingerprint (cert);
  g_assert_cmpuint (strlen (fingerprint), ==, 32 * 3 - 1);
  {
    g_autofree char *names = ss_tls_certificate_dup_names (cert);
    g_assert_cmpstr (names, ==, "localhost, 127.0.0.1, ::1");
  }
  ss_test_tls_save_listener_pem (listener, pem_path);
  if (curl_path == NULL)
    {
      g_test_skip ("curl is not installed");
      return;
    }

  url = g_strdup_printf ("https://localhost:%u/", ss_test_tls_port_of (listener));
  resolve = g_strdup_printf ("localhost:%u:127.0.0.1", ss_test_tls_port_of (listener));
  curl = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                             (const char *const []) { curl_path, "-sS", "--max-time", "20", "--http1.0",
                                                      "--cacert", pem_path, "--resolve", resolve, url, NULL });
  ss_test_peer_wait (curl, ss_test_tls_has_connection, listener, PEER_TIMEOUT_MS, "curl's connection");
  connection = g_list_model_get_item (ss_socket_get_connections (listener), 0);
  {
    SsTestBytesWait wait = { connection, 16 };

    /* the request, decrypted */
    ss_test_wait_until (ss_test_bytes_in_reached, &wait, PEER_TIMEOUT_MS);
    ss_test_assert_event (connection, "TLS handshake done");
  }
  ss_test_assert_event (connection, "TLS ← ClientHello");
  ss_test_assert_event (connection, "TLS → ServerHello");
  ss_test_send_ok (connection, response, strlen (response));
  ss_socket_close (connection);
  body = ss_test_stream_read (g_subprocess_get_stdout_pipe (curl), 3, PEER_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "hi\n", 3);
  ss_test_peer_wait_exit_ok (curl, PEER_TIMEOUT_MS);

  tls = ss_socket_get_tls_session (connection);
  g_assert_true (ss_tls_session_is_server (tls));
  g_clear_object (&connection);
  ss_test_tls_finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
}

static gboolean
file_started (gpointer path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 && st.st_size > 0;
}

/* Save TLS Keys… decrypts a real capture: dumpcap takes the loopback
 * traffic of curl and a tls-listen:, tshark reads the request back with
 * the saved keys. Skipped where capture is not allowed. */
static void
test_keylog_tshark (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_autofree char *pem_path = g_build_filename (ss_test_tls_dir, "server4.pem", NULL);
  g_autofree char *keys_path = g_build_filename (ss_test_tls_dir, "keys.txt", NULL);
  g_autofree char *cap_path = g_build_filename (ss_test_tls_dir, "tls.pcapng", NULL);
  g_autofree char *dumpcap = g_find_program_in_path ("dumpcap");
  g_autofree char *curl_path = g_find_program_in_path ("curl");
  g_autofree char *filter = NULL;
  g_autofree char *url = NULL;
  g_autofree char *keylog_option = NULL;
  g_autoptr(GSubprocess) capture = NULL;
  g_autoptr(GSubprocess) curl = NULL;
  g_autoptr(GSubprocess) tshark = NULL;
  g_autoptr(GBytes) uri = NULL;
  const char response[] = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  SsSocket *connection;

  g_assert_no_error (error);
  if (dumpcap == NULL || curl_path == NULL || !ss_test_have_tshark ())
    {
      g_test_skip ("dumpcap, tshark or curl is missing");
      ss_test_tls_finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
      return;
    }
  ss_test_tls_save_listener_pem (listener, pem_path);
  filter = g_strdup_printf ("tcp port %u", ss_test_tls_port_of (listener));
  capture = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                (const char *const []) { dumpcap, "-q", "-i", "lo", "-f", filter, "-a", "duration:30",
                                                         "-w", cap_path, NULL });
  if (!ss_test_try_wait_until (file_started, cap_path, SS_TEST_TIMEOUT_MS))
    {
      g_subprocess_force_exit (capture);
      g_test_skip ("capture on lo is not allowed here");
      ss_test_tls_finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
      return;
    }

  url = g_strdup_printf ("https://127.0.0.1:%u/decrypted", ss_test_tls_port_of (listener));
  curl = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                             (const char *const []) { curl_path, "-sS", "--max-time", "20", "--http1.1",
                                                      "--cacert", pem_path, url, NULL });
  ss_test_peer_wait (curl, ss_test_tls_has_connection, listener, PEER_TIMEOUT_MS, "curl's connection");
  connection = ss_test_connection_at (listener, 0);
  {
    SsTestBytesWait wait = { connection, 16 };
    ss_test_wait_until (ss_test_bytes_in_reached, &wait, PEER_TIMEOUT_MS);
  }
  ss_test_send_ok (connection, response, strlen (response));
  ss_test_peer_wait_exit_ok (curl, PEER_TIMEOUT_MS);
  /* a moment for the last packets to reach the capture */
  ss_test_iterate_for (300);
  g_subprocess_send_signal (capture, SIGTERM);
  ss_test_peer_wait_exit_ok (capture, PEER_TIMEOUT_MS);

  g_assert_true (ss_socket_save_tls_keys (listener, keys_path, &error));
  g_assert_no_error (error);
  keylog_option = g_strdup_printf ("tls.keylog_file:%s", keys_path);
  tshark = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               (const char *const []) { "tshark", "-r", cap_path, "-o", keylog_option,
                                                        "-Y", "http.request", "-T", "fields",
                                                        "-e", "http.request.uri", NULL });
  uri = ss_test_stream_read (g_subprocess_get_stdout_pipe (tshark), 11, PEER_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (tshark, PEER_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (uri, NULL), g_bytes_get_size (uri), "/decrypted\n", 11);
  g_unlink (keys_path);
  g_unlink (cap_path);
  ss_test_tls_finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
}

/* A plaintext peer on a TLS listener, and a ClientHello on a plaintext one */
static void
test_wrong_speakers (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) tls_listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_autoptr(SsSocket) plain_listener = ss_test_open_spec (session, "tcp-listen:127.0.0.1:0", &error);
  g_autoptr(SsSocket) first = NULL;
  g_autoptr(SsSocket) second = NULL;
  /* a TLS record header and the start of a ClientHello, as clients send */
  static const guint8 hello[] = { 0x16, 0x03, 0x01, 0x00, 0x30, 0x01, 0x00, 0x00, 0x2c, 0x03, 0x03 };
  const char *get = "GET / HTTP/1.0\r\n\r\n";
  int fd;

  g_assert_no_error (error);
  fd = ss_test_raw_connect (AF_INET, ss_test_tls_port_of (tls_listener), SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (fd, get, strlen (get), SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (ss_test_tls_has_connection, tls_listener, SS_TEST_TIMEOUT_MS);
  first = g_list_model_get_item (ss_socket_get_connections (tls_listener), 0);
  ss_test_wait_failure (first);
  ss_test_tls_assert_events_in_order (first, (const char *const []) {
                                        "The peer did not start a TLS handshake; its first bytes were “GET / HT…”",
                                        NULL });
  close (fd);

  fd = ss_test_raw_connect (AF_INET, ss_test_tls_port_of (plain_listener), SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (fd, hello, sizeof hello, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (ss_test_tls_has_connection, plain_listener, SS_TEST_TIMEOUT_MS);
  second = g_list_model_get_item (ss_socket_get_connections (plain_listener), 0);
  ss_test_wait_bytes_in (second, sizeof hello);
  ss_test_assert_event (second, "The peer is speaking TLS");
  close (fd);

  ss_socket_close (tls_listener);
  ss_socket_close (plain_listener);
  g_clear_object (&first);
  g_clear_object (&second);
  g_clear_object (&tls_listener);
  g_clear_object (&plain_listener);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* A python3 ssl client against tls-listen: with the saved certificate */
static void
test_listener_python (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autoptr(SsSocket) connection = NULL;
  g_autofree char *pem_path = g_build_filename (ss_test_tls_dir, "server2.pem", NULL);
  g_autofree char *script = ss_test_tls_peer_script ();
  g_autofree char *port = NULL;
  g_autoptr(GSubprocess) client = NULL;

  if (python == NULL)
    return;
  session = ss_session_new ();
  listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  ss_test_tls_save_listener_pem (listener, pem_path);
  port = g_strdup_printf ("%u", ss_test_tls_port_of (listener));
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const []) { python, script, "client", port, pem_path, "1.2", "notify", NULL });
  ss_test_peer_wait (client, ss_test_tls_has_connection, listener, PEER_TIMEOUT_MS, "the client's connection");
  connection = g_list_model_get_item (ss_socket_get_connections (listener), 0);
  ss_test_wait_bytes_in (connection, 6);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, "hello\n", 6);
  ss_test_send_ok (connection, "echo:hello\n", 11);
  ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);
  ss_test_wait_until (ss_test_tls_peer_closed, connection, PEER_TIMEOUT_MS);
  ss_test_assert_event (connection, "close_notify: the peer ended the TLS session cleanly");
  g_assert_cmpstr (ss_tls_session_get_version (ss_socket_get_tls_session (connection)), ==, "TLS1.2");
  g_clear_object (&connection);
  ss_test_tls_finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
}

/* tls-listen: and tls: of one command line share its options (--insecure,
 * --alpn): the client's trust and the server's certificate both hold */
static void
test_shared_config (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autoptr(SsSocket) client = NULL;
  SsSocket *connection;
  g_autofree char *spec = NULL;
  g_autofree char *alpn = NULL;

  ss_tls_config_set_insecure (config, TRUE);
  ss_tls_config_set_alpn (config, "h2,http/1.1");
  ss_session_set_tls_config (session, config);
  listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  spec = g_strdup_printf ("tls:127.0.0.1:%u", ss_test_tls_port_of (listener));
  client = ss_test_open_spec (session, spec, &error);
  g_assert_no_error (error);
  ss_test_wait_until (ss_test_tls_settled, client, PEER_TIMEOUT_MS);
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (client)), ==, SS_TLS_STATE_ESTABLISHED);
  ss_test_assert_event (client, "Not verified (insecure mode accepts any certificate): the certificate is self-signed");
  alpn = ss_tls_session_dup_alpn (ss_socket_get_tls_session (client));
  g_assert_cmpstr (alpn, ==, "h2");

  ss_test_send_ok (client, "ping", 4);
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);
  ss_test_wait_bytes_in (connection, 4);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, "ping", 4);

  /* Close sends close_notify: the other end tells it from a truncation */
  ss_socket_close (client);
  ss_test_wait_until (ss_test_tls_peer_closed, connection, PEER_TIMEOUT_MS);
  ss_test_assert_event (connection, "close_notify: the peer ended the TLS session cleanly");
  ss_socket_close (listener);
  g_clear_object (&client);
  g_clear_object (&listener);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* openssl s_client against tls-listen:, TLS 1.2, verifying the saved
 * certificate by name: its line arrives decrypted, and its end (stdin
 * closed) is a close_notify. The listener asks for a client certificate
 * and shows the one openssl sends. */
static void
test_openssl_client (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(Cert) client_cert = ss_test_tls_make_cert ("client", NULL, -DAY, DAY, NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autofree char *facts = NULL;
  g_autofree char *pem_path = g_build_filename (ss_test_tls_dir, "server3.pem", NULL);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *connect = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GOutputStream) input = NULL;
  SsSocket *connection;

  ss_tls_config_set_request_client_cert (config, TRUE);
  ss_session_set_tls_config (session, config);
  listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  ss_test_tls_save_listener_pem (listener, pem_path);
  connect = g_strdup_printf ("127.0.0.1:%u", ss_test_tls_port_of (listener));
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDIN_PIPE,
                               (const char *const []) { openssl, "s_client", "-connect", connect, "-tls1_2",
                                                        "-CAfile", pem_path, "-verify_return_error",
                                                        "-verify_hostname", "localhost", "-servername", "localhost",
                                                        "-cert", client_cert->cert_path, "-key", client_cert->key_path,
                                                        NULL });
  input = g_object_ref (g_subprocess_get_stdin_pipe (client));
  ss_test_peer_wait (client, ss_test_tls_has_connection, listener, PEER_TIMEOUT_MS, "openssl's connection");
  connection = ss_test_connection_at (listener, 0);
  ss_test_wait_until (ss_test_tls_settled, connection, PEER_TIMEOUT_MS);
  g_assert_cmpstr (ss_tls_session_get_version (ss_socket_get_tls_session (connection)), ==, "TLS1.2");
  {
    g_autofree char *sni = ss_tls_session_dup_servername (ss_socket_get_tls_session (connection));
    g_assert_cmpstr (sni, ==, "localhost");
  }
  facts = ss_tls_session_dup_facts (ss_socket_get_tls_session (connection));
  g_assert_nonnull (strstr (facts, "Subject: CN=client"));
  g_assert_nonnull (strstr (facts, "Verification: the certificate is self-signed"));
  ss_test_assert_event (connection, "The client's certificate is not trusted: the certificate is self-signed");
  send_hello_and_end (input, client, connection);
  ss_test_tls_assert_events_in_order (connection, (const char *const []) {
                                        "TLS ← ClientHello", "TLS → ServerHello", "TLS → Certificate",
                                        "TLS → ServerKeyExchange", "TLS → CertificateRequest",
                                        "TLS → ServerHelloDone", "TLS ← Certificate", "TLS ← ClientKeyExchange",
                                        "TLS ← CertificateVerify", "TLS ← Finished", "TLS → Finished",
                                        "TLS handshake done: TLS1.2",
                                        "close_notify: the peer ended the TLS session cleanly",
                                        NULL });
  ss_test_tls_finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
}

static guint
count_lines_starting (const char *text,
                              const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    n += g_str_has_prefix (lines[i], prefix);
  return n;
}

/* A client of ours and a listener of ours, TLS 1.3 and TLS 1.2 (@data),
 * the client trusting the listener's certificate by a CA file: the first
 * connection is a full handshake that leaves a ticket with the client
 * (under TLS 1.3 it comes with the listener's first bytes),
 * the second offers it and is resumed, on both sides, and shows the
 * certificate verified when the session began; the ticket was offered
 * once, and the second handshake gave a new one, so a third is resumed
 * too. A session whose certificate was not verified (--insecure) keeps no
 * ticket: its next connection is a full handshake again. */
static void
test_resumption (gconstpointer data)
{
  int version = GPOINTER_TO_INT (data);
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(SsTlsConfig) insecure = NULL;
  g_autoptr(Cert) cert = ss_test_tls_make_cert ("resumed", "localhost", -DAY, DAY, NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autofree char *spec = NULL;

  ss_tls_resumption_forget_all ();
  g_assert_true (ss_tls_config_set_certificate (config, cert->cert_path, cert->key_path, &error));
  g_assert_true (ss_tls_config_set_cafile (config, cert->cert_path, &error));
  ss_tls_config_set_servername (config, "localhost");
  ss_tls_config_set_versions (config, version, version);
  ss_session_set_tls_config (session, config);
  listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  spec = g_strdup_printf ("tls:127.0.0.1:%u", ss_test_tls_port_of (listener));

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(SsSocket) client = NULL;
      g_autofree char *facts = NULL;
      gboolean expect_resumed = i == 1 || i == 2;
      SsSocket *connection;

      if (i == 3)
        {
          insecure = ss_tls_config_copy (config);
          g_assert_true (ss_tls_config_set_cafile (insecure, NULL, &error));
          ss_tls_config_set_insecure (insecure, TRUE);
          ss_session_set_tls_config (session, insecure);
        }
      client = ss_test_open_spec (session, spec, &error);
      g_assert_no_error (error);
      ss_test_wait_until (ss_test_tls_settled, client, PEER_TIMEOUT_MS);
      g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (client)), ==, SS_TLS_STATE_ESTABLISHED);
      ss_test_wait_connections (listener, i + 1);
      connection = ss_test_connection_at (listener, i);
      ss_test_wait_until (ss_test_tls_settled, connection, PEER_TIMEOUT_MS);
      /* a TLS 1.3 ticket goes with the server's first bytes */
      ss_test_send_ok (connection, "hi\n", 3);
      if (version == SS_TLS_VERSION_1_3)
        ss_test_wait_event (client, "TLS ← NewSessionTicket");
      ss_test_wait_bytes_in (client, 3);
      g_assert_cmpint (ss_tls_session_get_resumed (ss_socket_get_tls_session (client)), ==, expect_resumed);
      g_assert_cmpint (ss_tls_session_get_resumed (ss_socket_get_tls_session (connection)), ==, expect_resumed);
      facts = ss_tls_session_dup_facts (ss_socket_get_tls_session (client));
      g_assert_nonnull (strstr (facts, "Subject: CN=resumed"));
      if (expect_resumed)
        {
          ss_test_assert_event (client, ", resumed");
          ss_test_assert_event (client, "verified when this session began");
        }
      else
        g_assert_cmpuint (ss_test_count_events (client, ", resumed"), ==, 0);
      ss_socket_close (client);
    }
  ss_socket_close (listener);
  g_clear_object (&listener);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* openssl s_client -reconnect against tls-listen: (TLS 1.2, where it
 * reconnects with the session it got) is told "Reused" five times, and
 * the listener shows its connections after the first as resumed. */
static void
test_resumption_openssl (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *connect = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  connect = g_strdup_printf ("127.0.0.1:%u", ss_test_tls_port_of (listener));
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                               (const char *const []) { openssl, "s_client", "-connect", connect, "-tls1_2",
                                                        "-reconnect", NULL });
  g_output_stream_close (g_subprocess_get_stdin_pipe (client), NULL, NULL);
  output = ss_test_stream_read (g_subprocess_get_stdout_pipe (client), 1024 * 1024, PEER_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);
  text = g_strndup (g_bytes_get_data (output, NULL), g_bytes_get_size (output));
  g_assert_nonnull (strstr (text, "New, TLSv1.2"));
  g_assert_cmpuint (count_lines_starting (text, "Reused, TLSv1.2"), ==, 5);
  n = g_list_model_get_n_items (ss_socket_get_connections (listener));
  g_assert_cmpuint (n, ==, 6);
  for (guint i = 0; i < n; i++)
    {
      SsSocket *connection = ss_test_connection_at (listener, i);

      ss_test_wait_until (ss_test_tls_settled, connection, PEER_TIMEOUT_MS);
      g_assert_cmpint (ss_tls_session_get_resumed (ss_socket_get_tls_session (connection)), ==, i > 0);
    }
  ss_socket_close (listener);
  g_clear_object (&listener);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* GnuTLS's own command-line peers (Debian's gnutls-bin): gnutls-cli
 * against tls-listen:, verifying the saved certificate by name; its line
 * arrives decrypted and its end is a close_notify. */
static void
test_gnutls_cli (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autofree char *pem_path = g_build_filename (ss_test_tls_dir, "server-gnutls.pem", NULL);
  g_autofree char *cli = g_find_program_in_path ("gnutls-cli");
  g_autofree char *port = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GOutputStream) input = NULL;
  SsSocket *connection;

  if (cli == NULL)
    {
      g_test_skip ("gnutls-cli is not installed (Debian: gnutls-bin)");
      return;
    }
  listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  ss_test_tls_save_listener_pem (listener, pem_path);
  port = g_strdup_printf ("%u", ss_test_tls_port_of (listener));
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                               (const char *const []) { cli, "--x509cafile", pem_path,
                                                        "--sni-hostname", "localhost",
                                                        "--verify-hostname", "localhost",
                                                        "-p", port, "127.0.0.1", NULL });
  input = g_object_ref (g_subprocess_get_stdin_pipe (client));
  ss_test_peer_wait (client, ss_test_tls_has_connection, listener, PEER_TIMEOUT_MS, "gnutls-cli's connection");
  connection = ss_test_connection_at (listener, 0);
  ss_test_wait_until (ss_test_tls_settled, connection, PEER_TIMEOUT_MS);
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (connection)), ==, SS_TLS_STATE_ESTABLISHED);
  {
    g_autofree char *sni = ss_tls_session_dup_servername (ss_socket_get_tls_session (connection));
    g_assert_cmpstr (sni, ==, "localhost");
  }
  send_hello_and_end (input, client, connection);
  ss_test_assert_event (connection, "close_notify: the peer ended the TLS session cleanly");
  ss_test_tls_finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
}

static gboolean
accepts_connections (gpointer user_data)
{
  guint16 port = GPOINTER_TO_UINT (user_data);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port),
                            .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok = connect (fd, (struct sockaddr *) &to, sizeof to) == 0;

  close (fd);
  return ok;
}

/* tls: against gnutls-serv --echo with a certificate the test makes,
 * trusted by a CA file: verified, and the line comes back. */
static void
test_gnutls_serv (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(Cert) cert = ss_test_tls_make_cert ("gnutls-peer", "localhost", -DAY, DAY, NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *serv = g_find_program_in_path ("gnutls-serv");
  g_autofree char *port = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(SsSocket) client = NULL;
  guint16 port_number;

  if (serv == NULL)
    {
      g_test_skip ("gnutls-serv is not installed (Debian: gnutls-bin)");
      return;
    }
  port_number = ss_test_free_port (AF_INET);
  port = g_strdup_printf ("%u", port_number);
  server = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               (const char *const []) { serv, "--echo", "--x509certfile", cert->cert_path,
                                                        "--x509keyfile", cert->key_path, "-p", port, NULL });
  ss_test_peer_wait (server, accepts_connections, GUINT_TO_POINTER (port_number), PEER_TIMEOUT_MS,
                     "gnutls-serv listening");
  g_assert_true (ss_tls_config_set_cafile (config, cert->cert_path, &error));
  client = g_object_ref (ss_test_tls_client (session, config, "localhost", port));
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (client)), ==, SS_TLS_STATE_ESTABLISHED);
  ss_test_assert_event (client, "The peer's certificate is valid for localhost");
  ss_test_send_ok (client, "ping\n", 5);
  ss_test_wait_bytes_in (client, 5);
  ss_test_assert_payload (client, SS_TRAFFIC_RECEIVED, "ping\n", 5);
  ss_socket_close (client);
  g_subprocess_force_exit (server);
  g_clear_object (&client);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ss_test_tls_dir = g_dir_make_tmp ("sockscope-tls-XXXXXX", NULL);
  g_test_add_func ("/tls/listener-curl", test_listener_curl);
  g_test_add_func ("/tls/listener-python", test_listener_python);
  g_test_add_func ("/tls/wrong-speakers", test_wrong_speakers);
  g_test_add_func ("/tls/shared-config", test_shared_config);
  g_test_add_data_func ("/tls/resumption/1.3", GINT_TO_POINTER (SS_TLS_VERSION_1_3), test_resumption);
  g_test_add_data_func ("/tls/resumption/1.2", GINT_TO_POINTER (SS_TLS_VERSION_1_2), test_resumption);
  g_test_add_func ("/tls/resumption/openssl", test_resumption_openssl);
  g_test_add_func ("/tls/openssl-client", test_openssl_client);
  g_test_add_func ("/tls/keylog-tshark", test_keylog_tshark);
  g_test_add_func ("/tls/gnutls-cli", test_gnutls_cli);
  g_test_add_func ("/tls/gnutls-serv", test_gnutls_serv);
  status = g_test_run ();
  g_rmdir (ss_test_tls_dir);
  g_free (ss_test_tls_dir);
  return status;
}
