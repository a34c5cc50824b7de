/* test-tls.c — TLS clients against python3's ssl on loopback, with
 * certificates the test makes: each handshake message, the keys, the end,
 * each verification failure, alerts and broken handshakes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
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
#include "ss-tls-sniff.h"

/* A client against python3's ssl: each handshake message a row, in
 * order, with its direction; the bytes decrypted; the keys logged; the
 * end told apart (close_notify or truncation). */
static void
run_client (const char        *version,
            const char        *end,
            const char *const *messages,
            const char        *key_label,
            const char        *end_event)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) session = NULL;
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(Cert) ca = NULL;
  g_autoptr(Cert) leaf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keylog_path = g_build_filename (ss_test_tls_dir, "keys.log", NULL);
  g_autofree char *keylog = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *facts = NULL;
  g_autoptr(SsSocket) socket = NULL;
  SsTlsSession *tls;
  Peer peer = { 0 };

  if (python == NULL)
    return;
  ca = ss_test_tls_make_cert ("ca", NULL, -DAY, DAY, NULL, TRUE);
  leaf = ss_test_tls_make_cert ("leaf", "localhost", -DAY, DAY, ca, FALSE);
  ss_test_tls_start_python_server (&peer, python, leaf, version, end);

  session = ss_session_new ();
  g_assert_true (ss_tls_config_set_cafile (config, ca->cert_path, &error));
  g_assert_no_error (error);
  ss_tls_config_set_alpn (config, "h2");
  ss_tls_config_set_keylog_path (config, keylog_path);
  g_unlink (keylog_path);
  socket = ss_test_tls_client (session, config, "localhost", peer.port);
  tls = ss_socket_get_tls_session (socket);
  g_assert_cmpint (ss_tls_session_get_state (tls), ==, SS_TLS_STATE_ESTABLISHED);
  g_assert_null (ss_tls_session_get_verification (tls));
  ss_test_tls_assert_events_in_order (socket, messages);
  g_assert_cmpstr (ss_tls_session_get_version (tls), ==, g_str_equal (version, "1.3") ? "TLS1.3" : "TLS1.2");

  facts = ss_tls_session_dup_facts (tls);
  g_test_message ("%s", facts);
  g_assert_nonnull (strstr (facts, "ALPN: h2"));
  g_assert_nonnull (strstr (facts, "SNI: localhost"));
  g_assert_nonnull (strstr (facts, "Verification: valid"));
  g_assert_nonnull (strstr (facts, "Names: localhost"));
  g_assert_nonnull (strstr (facts, "Subject: CN=leaf"));

  /* the log and the counters hold plaintext; the records are more */
  ss_test_send_ok (socket, "hello\n", 6);
  ss_test_wait_bytes_in (socket, 11);
  ss_test_assert_payload (socket, SS_TRAFFIC_RECEIVED, "echo:hello\n", 11);
  g_assert_cmpuint (ss_socket_get_bytes_out (socket), ==, 6);
  g_assert_cmpuint (ss_tls_session_get_record_bytes_in (tls), >, 11 + 100);
  g_assert_cmpuint (ss_tls_session_get_record_bytes_out (tls), >, 6 + 100);

  ss_test_wait_until (ss_test_tls_peer_closed, socket, PEER_TIMEOUT_MS);
  ss_test_assert_event (socket, end_event);
  /* the peer waits for our close_notify */
  ss_socket_close (socket);
  ss_test_peer_wait_exit_ok (peer.process, PEER_TIMEOUT_MS);

  /* NSS key log: the file (--keylog) and Save TLS Keys… agree */
  keys = ss_socket_dup_tls_keys (socket);
  g_assert_true (g_file_get_contents (keylog_path, &keylog, NULL, NULL));
  g_assert_cmpstr (keys, ==, keylog);
  g_assert_true (g_str_has_prefix (keys, key_label));
  {
    g_auto(GStrv) fields = g_strsplit (keys, " ", 3);

    g_assert_cmpuint (g_strv_length (fields), ==, 3);
    g_assert_cmpuint (strlen (fields[1]), ==, 64);  /* the client random, in hex */
  }
  g_unlink (keylog_path);

  ss_socket_close (socket);
  ss_test_tls_peer_clear (&peer);
  ss_test_finalize_session (g_steal_pointer (&session), g_steal_pointer (&socket), NULL);
}

static void
test_client_tls13 (void)
{
  run_client ("1.3", "notify",
              (const char *const []) { "TLS → ClientHello", "TLS ← ServerHello", "TLS ← EncryptedExtensions",
                                       "TLS ← Certificate", "TLS ← CertificateVerify", "TLS ← Finished",
                                       "TLS → Finished", "TLS handshake done: TLS1.3", "valid for localhost", NULL },
              "CLIENT_HANDSHAKE_TRAFFIC_SECRET ",
              "close_notify: the peer ended the TLS session cleanly");
}

static void
test_client_tls12 (void)
{
  run_client ("1.2", "truncate",
              (const char *const []) { "TLS → ClientHello", "TLS ← ServerHello", "TLS ← Certificate",
                                       "TLS ← ServerKeyExchange", "TLS ← ServerHelloDone",
                                       "TLS → ClientKeyExchange", "TLS → Finished", "TLS ← Finished",
                                       "TLS handshake done: TLS1.2", NULL },
              "CLIENT_RANDOM ",
              "without a TLS close_notify: what it sent may be truncated");
}

/* Each verification failure in plain words; nothing moves until Connect
 * Anyway, which trusts the certificate by its fingerprint. */
static void
run_untrusted (Cert       *server_cert,
               Cert       *ca,
               const char *host,
               const char *needle,
               gboolean    connect_anyway)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) session = NULL;
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) socket = NULL;
  SsTlsSession *tls;
  Peer peer = { 0 };

  if (python == NULL)
    return;
  ss_test_tls_start_python_server (&peer, python, server_cert, "1.3", "notify");
  session = ss_session_new ();
  g_assert_true (ss_tls_config_set_cafile (config, ca->cert_path, &error));
  socket = ss_test_tls_client (session, config, host, peer.port);
  tls = ss_socket_get_tls_session (socket);
  g_assert_cmpint (ss_tls_session_get_state (tls), ==, SS_TLS_STATE_UNTRUSTED);
  g_test_message ("%s", ss_tls_session_get_verification (tls));
  g_assert_nonnull (strstr (ss_tls_session_get_verification (tls), needle));
  ss_test_assert_event (socket, "The certificate is not trusted");

  /* held: a send waits in the queue */
  ss_test_send_ok (socket, "hello\n", 6);
  ss_test_iterate_for (50);
  g_assert_cmpuint (ss_socket_get_bytes_out (socket), ==, 0);

  if (connect_anyway)
    {
      ss_socket_tls_trust (socket);
      ss_test_assert_event (socket, "is trusted for this session");
      ss_test_wait_bytes_in (socket, 11);
      ss_test_assert_payload (socket, SS_TRAFFIC_RECEIVED, "echo:hello\n", 11);
    }
  ss_socket_close (socket);
  if (!connect_anyway)
    ss_test_tls_assert_events_in_order (socket, (const char *const []) { "TLS → alert bad_certificate", NULL });
  ss_test_peer_wait_exit_ok (peer.process, PEER_TIMEOUT_MS);
  ss_test_tls_peer_clear (&peer);
  ss_test_finalize_session (g_steal_pointer (&session), g_steal_pointer (&socket), NULL);
}

static void
test_verify_failures (void)
{
  g_autoptr(Cert) ca = ss_test_tls_make_cert ("ca", NULL, -DAY, DAY, NULL, TRUE);
  g_autoptr(Cert) other_ca = ss_test_tls_make_cert ("other-ca", NULL, -DAY, DAY, NULL, TRUE);
  g_autoptr(Cert) self_signed = ss_test_tls_make_cert ("self", "localhost", -DAY, DAY, NULL, FALSE);
  g_autoptr(Cert) expired = ss_test_tls_make_cert ("expired", "localhost", -3 * DAY, -2 * DAY, ca, FALSE);
  g_autoptr(Cert) future = ss_test_tls_make_cert ("future", "localhost", 2 * DAY, 3 * DAY, ca, FALSE);
  g_autoptr(Cert) other_name = ss_test_tls_make_cert ("other-name", "example.test", -DAY, DAY, ca, FALSE);
  g_autoptr(Cert) unknown = ss_test_tls_make_cert ("unknown", "localhost", -DAY, DAY, other_ca, FALSE);

  run_untrusted (self_signed, ca, "localhost", "self-signed", FALSE);
  run_untrusted (expired, ca, "localhost", "expired on", FALSE);
  run_untrusted (future, ca, "localhost", "not yet valid", FALSE);
  run_untrusted (other_name, ca, "localhost", "“localhost” is not one of the certificate's names: example.test", FALSE);
  run_untrusted (unknown, ca, "localhost", "unknown issuer: “CN=other-ca”", TRUE);
}

/* A handshake python3's server ends (@end) or refuses (a client that
 * offers only TLS 1.2 to a TLS 1.3 server): failed, with @events */
static void
run_failed_handshake (int                max_version,
                      const char        *end,
                      const char *const *events)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) session = NULL;
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(Cert) cert = NULL;
  g_autoptr(SsSocket) socket = NULL;
  Peer peer = { 0 };

  if (python == NULL)
    return;
  cert = ss_test_tls_make_cert ("failing", "localhost", -DAY, DAY, NULL, FALSE);
  ss_test_tls_start_python_server (&peer, python, cert, "1.3", end);
  session = ss_session_new ();
  ss_tls_config_set_versions (config, 0, max_version);
  socket = ss_test_tls_client (session, config, "localhost", peer.port);
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (socket)), ==, SS_TLS_STATE_FAILED);
  g_assert_cmpint (ss_test_get_failure (socket), !=, 0);
  ss_test_tls_assert_events_in_order (socket, events);
  ss_test_peer_wait_exit_ok (peer.process, PEER_TIMEOUT_MS);
  ss_socket_close (socket);
  ss_test_tls_peer_clear (&peer);
  ss_test_finalize_session (g_steal_pointer (&session), g_steal_pointer (&socket), NULL);
}

/* A version the server refuses: its alert, by name */
static void
test_alert (void)
{
  run_failed_handshake (SS_TLS_VERSION_1_2, "notify",
                        (const char *const []) { "TLS → ClientHello", "TLS ← alert protocol_version",
                                                 "the peer sent the alert protocol_version", NULL });
}

/* The server resets the connection after reading the ClientHello's first bytes */
static void
test_reset_mid_handshake (void)
{
  run_failed_handshake (0, "reset",
                        (const char *const []) { "TLS → ClientHello",
                                                 "The connection failed in the middle of the TLS handshake: Connection reset by peer",
                                                 NULL });
}

/* The server closes (FIN) after the ClientHello's first bytes */
static void
test_truncated_handshake (void)
{
  run_failed_handshake (0, "close",
                        (const char *const []) { "TLS → ClientHello",
                                                 "The peer closed the connection in the middle of the TLS handshake",
                                                 NULL });
}

/* the first-flight classifier the fuzzer runs too */
static void
test_sniff (void)
{
  static const guint8 hello[] = { 0x16, 0x03, 0x01, 0x00, 0x30, 0x01 };
  static const guint8 alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02 };

  g_assert_cmpint (ss_tls_sniff (hello, sizeof hello), ==, SS_TLS_SNIFF_CLIENT_HELLO);
  g_assert_cmpint (ss_tls_sniff (hello, 3), ==, SS_TLS_SNIFF_MORE);
  g_assert_cmpint (ss_tls_sniff (alert, sizeof alert), ==, SS_TLS_SNIFF_TLS);
  g_assert_cmpint (ss_tls_sniff ((const guint8 *) "GET /", 5), ==, SS_TLS_SNIFF_OTHER);
  g_assert_cmpint (ss_tls_sniff (NULL, 0), ==, SS_TLS_SNIFF_MORE);
}

/* files chosen badly are said when chosen */
static void
test_bad_files (void)
{
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(Cert) a = ss_test_tls_make_cert ("a", "localhost", -DAY, DAY, NULL, FALSE);
  g_autoptr(Cert) b = ss_test_tls_make_cert ("b", "localhost", -DAY, DAY, NULL, FALSE);
  g_autoptr(Cert) old = ss_test_tls_make_cert ("old", "localhost", -3 * DAY, -DAY, NULL, FALSE);
  GError *error = NULL;

  g_assert_false (ss_tls_config_set_certificate (config, "/nonexistent.pem", NULL, &error));
  g_assert_nonnull (strstr (error->message, "cannot be read"));
  g_clear_error (&error);
  g_assert_false (ss_tls_config_set_certificate (config, a->cert_path, b->key_path, &error));
  g_assert_nonnull (strstr (error->message, "is not the key of the certificate"));
  g_clear_error (&error);
  g_assert_false (ss_tls_config_set_certificate (config, old->cert_path, old->key_path, &error));
  g_assert_nonnull (strstr (error->message, "has expired"));
  g_clear_error (&error);
  g_assert_false (ss_tls_config_set_cafile (config, a->key_path, &error));
  g_assert_nonnull (strstr (error->message, "holds no PEM certificate"));
  g_clear_error (&error);
  g_assert_true (ss_tls_config_set_certificate (config, a->cert_path, a->key_path, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ss_test_tls_dir = g_dir_make_tmp ("sockscope-tls-XXXXXX", NULL);
  g_test_add_func ("/tls/sniff", test_sniff);
  g_test_add_func ("/tls/bad-files", test_bad_files);
  g_test_add_func ("/tls/client-tls13", test_client_tls13);
  g_test_add_func ("/tls/client-tls12", test_client_tls12);
  g_test_add_func ("/tls/verify-failures", test_verify_failures);
  g_test_add_func ("/tls/alert", test_alert);
  g_test_add_func ("/tls/reset-mid-handshake", test_reset_mid_handshake);
  g_test_add_func ("/tls/truncated-handshake", test_truncated_handshake);
  status = g_test_run ();
  g_rmdir (ss_test_tls_dir);
  g_free (ss_test_tls_dir);
  return status;
}
