/* test-tls.c — TLS clients and servers against real peers on loopback:
 * python3's ssl, openssl and curl, with certificates the test makes
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

#include "ss-session.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-test-util.h"
#include "ss-tls-session.h"
#include "ss-tls-sniff.h"

#define PEER_TIMEOUT_MS SS_TEST_LONG_TIMEOUT_MS
#define DAY (24 * 3600)

typedef struct
{
  gnutls_x509_crt_t     crt;
  gnutls_x509_privkey_t key;
  char                 *cert_path;
  char                 *key_path;
} Cert;

static char *tmpdir;

static void
cert_free (Cert *cert)
{
  gnutls_x509_crt_deinit (cert->crt);
  gnutls_x509_privkey_deinit (cert->key);
  g_unlink (cert->cert_path);
  g_unlink (cert->key_path);
  g_free (cert->cert_path);
  g_free (cert->key_path);
  g_free (cert);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cert, cert_free)

static void
write_datum (const char     *path,
             gnutls_datum_t *datum)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) datum->data, datum->size, &error);
  g_assert_no_error (error);
  gnutls_free (datum->data);
}

/* A certificate for @dns, valid from now + @from to now + @until, signed by
 * @issuer or by itself; written as PEM into the test's temporary folder. */
static Cert *
make_cert (const char *name,
           const char *dns,
           gint64      from,
           gint64      until,
           Cert       *issuer,
           gboolean    ca)
{
  Cert *cert = g_new0 (Cert, 1);
  time_t now = time (NULL);
  gnutls_datum_t out;
  guint8 serial[8] = { 1, 2, 3, 4, 5, 6, 7, (guint8) g_random_int () };

  gnutls_x509_privkey_init (&cert->key);
  g_assert_cmpint (gnutls_x509_privkey_generate (cert->key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  gnutls_x509_crt_init (&cert->crt);
  gnutls_x509_crt_set_version (cert->crt, 3);
  gnutls_x509_crt_set_serial (cert->crt, serial, sizeof serial);
  gnutls_x509_crt_set_activation_time (cert->crt, now + from);
  gnutls_x509_crt_set_expiration_time (cert->crt, now + until);
  gnutls_x509_crt_set_dn_by_oid (cert->crt, GNUTLS_OID_X520_COMMON_NAME, 0, name, strlen (name));
  if (dns != NULL)
    gnutls_x509_crt_set_subject_alt_name (cert->crt, GNUTLS_SAN_DNSNAME, dns, strlen (dns), GNUTLS_FSAN_APPEND);
  gnutls_x509_crt_set_basic_constraints (cert->crt, ca, -1);
  gnutls_x509_crt_set_key_usage (cert->crt, ca ? GNUTLS_KEY_KEY_CERT_SIGN : GNUTLS_KEY_DIGITAL_SIGNATURE);
  gnutls_x509_crt_set_key (cert->crt, cert->key);
  g_assert_cmpint (gnutls_x509_crt_sign2 (cert->crt, issuer ? issuer->crt : cert->crt,
                                          issuer ? issuer->key : cert->key, GNUTLS_DIG_SHA256, 0), ==, 0);

  cert->cert_path = g_strdup_printf ("%s/%s.pem", tmpdir, name);
  cert->key_path = g_strdup_printf ("%s/%s.key", tmpdir, name);
  gnutls_x509_crt_export2 (cert->crt, GNUTLS_X509_FMT_PEM, &out);
  write_datum (cert->cert_path, &out);
  gnutls_x509_privkey_export2 (cert->key, GNUTLS_X509_FMT_PEM, &out);
  write_datum (cert->key_path, &out);
  return cert;
}

static char *
peer_script (void)
{
  return g_test_build_filename (G_TEST_DIST, "peers", "tls_peer.py", NULL);
}

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *lines;
  char             *port;
} Peer;

static void
peer_clear (Peer *peer)
{
  g_clear_object (&peer->lines);
  g_clear_object (&peer->process);
  g_clear_pointer (&peer->port, g_free);
}

/* python3's ssl server with @cert; its port read from its first line */
static void
start_python_server (Peer       *peer,
                     const char *python,
                     Cert       *cert,
                     const char *version,
                     const char *end)
{
  g_autofree char *script = peer_script ();

  peer->process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                                      (const char *const []) { python, script, "server", cert->cert_path,
                                                               cert->key_path, version, end, NULL });
  peer->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer->process));
  peer->port = ss_test_peer_read_line (peer->process, peer->lines, PEER_TIMEOUT_MS);
}

static gboolean
tls_settled (gpointer user_data)
{
  SsSocket *socket = user_data;
  SsTlsSession *tls = ss_socket_get_tls_session (socket);

  return ss_test_get_failure (socket) != 0 ||
         (tls != NULL && ss_tls_session_get_state (tls) != SS_TLS_STATE_HANDSHAKING);
}

/* a Sockscope client with TLS to 127.0.0.1:@port, named @host */
static SsSocket *
tls_client (SsSession   *session,
            SsTlsConfig *config,
            const char  *host,
            const char  *port)
{
  SsSocket *socket = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%s", port);

  g_assert_true (ss_socket_set_tls (socket, config, host, &error));
  g_assert_no_error (error);
  ss_test_connect_ok (socket, address);
  ss_test_wait_until (tls_settled, socket, PEER_TIMEOUT_MS);
  return socket;
}

/* the events holding @needles, in this order */
static void
assert_events_in_order (SsSocket          *socket,
                        const char *const *needles)
{
  g_autoptr(GPtrArray) events = ss_test_dup_events (socket);
  guint at = 0;

  for (guint i = 0; needles[i] != NULL; i++)
    {
      while (at < events->len && strstr (g_ptr_array_index (events, at), needles[i]) == NULL)
        at++;
      if (at == events->len)
        {
          for (guint j = 0; j < events->len; j++)
            g_test_message ("event: %s", (char *) g_ptr_array_index (events, j));
          g_error ("no event “%s” after the ones before it", needles[i]);
        }
      at++;
    }
}

static gboolean
peer_closed (gpointer user_data)
{
  return ss_socket_get_peer_closed (user_data) || ss_test_get_failure (user_data) != 0;
}

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
  g_autofree char *keylog_path = g_build_filename (tmpdir, "keys.log", NULL);
  g_autofree char *keylog = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *facts = NULL;
  g_autoptr(SsSocket) socket = NULL;
  SsTlsSession *tls;
  Peer peer = { 0 };

  if (python == NULL)
    return;
  ca = make_cert ("ca", NULL, -DAY, DAY, NULL, TRUE);
  leaf = make_cert ("leaf", "localhost", -DAY, DAY, ca, FALSE);
  start_python_server (&peer, python, leaf, version, end);

  session = ss_session_new ();
  g_assert_true (ss_tls_config_set_cafile (config, ca->cert_path, &error));
  g_assert_no_error (error);
  ss_tls_config_set_alpn (config, "h2");
  ss_tls_config_set_keylog_path (config, keylog_path);
  g_unlink (keylog_path);
  socket = tls_client (session, config, "localhost", peer.port);
  tls = ss_socket_get_tls_session (socket);
  g_assert_cmpint (ss_tls_session_get_state (tls), ==, SS_TLS_STATE_ESTABLISHED);
  g_assert_null (ss_tls_session_get_verification (tls));
  assert_events_in_order (socket, messages);
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

  ss_test_wait_until (peer_closed, socket, PEER_TIMEOUT_MS);
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
  peer_clear (&peer);
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
  start_python_server (&peer, python, server_cert, "1.3", "notify");
  session = ss_session_new ();
  g_assert_true (ss_tls_config_set_cafile (config, ca->cert_path, &error));
  socket = tls_client (session, config, host, peer.port);
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
    assert_events_in_order (socket, (const char *const []) { "TLS → alert bad_certificate", NULL });
  ss_test_peer_wait_exit_ok (peer.process, PEER_TIMEOUT_MS);
  peer_clear (&peer);
  ss_test_finalize_session (g_steal_pointer (&session), g_steal_pointer (&socket), NULL);
}

static void
test_verify_failures (void)
{
  g_autoptr(Cert) ca = make_cert ("ca", NULL, -DAY, DAY, NULL, TRUE);
  g_autoptr(Cert) other_ca = make_cert ("other-ca", NULL, -DAY, DAY, NULL, TRUE);
  g_autoptr(Cert) self_signed = make_cert ("self", "localhost", -DAY, DAY, NULL, FALSE);
  g_autoptr(Cert) expired = make_cert ("expired", "localhost", -3 * DAY, -2 * DAY, ca, FALSE);
  g_autoptr(Cert) future = make_cert ("future", "localhost", 2 * DAY, 3 * DAY, ca, FALSE);
  g_autoptr(Cert) other_name = make_cert ("other-name", "example.test", -DAY, DAY, ca, FALSE);
  g_autoptr(Cert) unknown = make_cert ("unknown", "localhost", -DAY, DAY, other_ca, FALSE);

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
  cert = make_cert ("failing", "localhost", -DAY, DAY, NULL, FALSE);
  start_python_server (&peer, python, cert, "1.3", end);
  session = ss_session_new ();
  ss_tls_config_set_versions (config, 0, max_version);
  socket = tls_client (session, config, "localhost", peer.port);
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (socket)), ==, SS_TLS_STATE_FAILED);
  g_assert_cmpint (ss_test_get_failure (socket), !=, 0);
  assert_events_in_order (socket, events);
  ss_test_peer_wait_exit_ok (peer.process, PEER_TIMEOUT_MS);
  ss_socket_close (socket);
  peer_clear (&peer);
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

static gboolean
has_connection (gpointer user_data)
{
  return g_list_model_get_n_items (ss_socket_get_connections (user_data)) > 0;
}

static guint16
port_of (SsSocket *socket)
{
  const char *address = ss_socket_get_local_address (socket);

  return (guint16) g_ascii_strtoull (strrchr (address, ':') + 1, NULL, 10);
}

/* the generated certificate of a tls-listen: saved as PEM, for its clients */
static void
save_listener_pem (SsSocket   *listener,
                   const char *path)
{
  g_autoptr(GError) error = NULL;
  SsTlsCertificate *cert = ss_tls_config_get_server_certificate (ss_socket_get_tls_config (listener));

  g_assert_nonnull (cert);
  g_assert_true (ss_tls_certificate_save_pem (cert, path, &error));
  g_assert_no_error (error);
}

/* every socket of @session gone, the PEM file too */
static void
finish_listener (SsSession  *session,
                 SsSocket   *listener,
                 const char *pem_path)
{
  g_unlink (pem_path);
  ss_socket_close (listener);
  g_object_unref (listener);
  ss_test_finalize_session (session, NULL);
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
  g_autofree char *pem_path = g_build_filename (tmpdir, "server.pem", NULL);
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
  save_listener_pem (listener, pem_path);
  if (curl_path == NULL)
    {
      g_test_skip ("curl is not installed");
      return;
    }

  url = g_strdup_printf ("https://localhost:%u/", port_of (listener));
  resolve = g_strdup_printf ("localhost:%u:127.0.0.1", port_of (listener));
  curl = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                             (const char *const []) { curl_path, "-sS", "--max-time", "20", "--http1.0",
                                                      "--cacert", pem_path, "--resolve", resolve, url, NULL });
  ss_test_peer_wait (curl, has_connection, listener, PEER_TIMEOUT_MS, "curl's connection");
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
  finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
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
  g_autofree char *pem_path = g_build_filename (tmpdir, "server4.pem", NULL);
  g_autofree char *keys_path = g_build_filename (tmpdir, "keys.txt", NULL);
  g_autofree char *cap_path = g_build_filename (tmpdir, "tls.pcapng", NULL);
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
      finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
      return;
    }
  save_listener_pem (listener, pem_path);
  filter = g_strdup_printf ("tcp port %u", port_of (listener));
  capture = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                (const char *const []) { dumpcap, "-q", "-i", "lo", "-f", filter, "-a", "duration:30",
                                                         "-w", cap_path, NULL });
  if (!ss_test_try_wait_until (file_started, cap_path, SS_TEST_TIMEOUT_MS))
    {
      g_subprocess_force_exit (capture);
      g_test_skip ("capture on lo is not allowed here");
      finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
      return;
    }

  url = g_strdup_printf ("https://127.0.0.1:%u/decrypted", port_of (listener));
  curl = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                             (const char *const []) { curl_path, "-sS", "--max-time", "20", "--http1.1",
                                                      "--cacert", pem_path, url, NULL });
  ss_test_peer_wait (curl, has_connection, listener, PEER_TIMEOUT_MS, "curl's connection");
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
  finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
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
  fd = ss_test_raw_connect (AF_INET, port_of (tls_listener), SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (fd, get, strlen (get), SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (has_connection, tls_listener, SS_TEST_TIMEOUT_MS);
  first = g_list_model_get_item (ss_socket_get_connections (tls_listener), 0);
  ss_test_wait_failure (first);
  assert_events_in_order (first, (const char *const []) { "The peer did not start a TLS handshake; its first bytes were “GET / HT…”", NULL });
  close (fd);

  fd = ss_test_raw_connect (AF_INET, port_of (plain_listener), SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (fd, hello, sizeof hello, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (has_connection, plain_listener, SS_TEST_TIMEOUT_MS);
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
  g_autofree char *pem_path = g_build_filename (tmpdir, "server2.pem", NULL);
  g_autofree char *script = peer_script ();
  g_autofree char *port = NULL;
  g_autoptr(GSubprocess) client = NULL;

  if (python == NULL)
    return;
  session = ss_session_new ();
  listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  save_listener_pem (listener, pem_path);
  port = g_strdup_printf ("%u", port_of (listener));
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const []) { python, script, "client", port, pem_path, "1.2", "notify", NULL });
  ss_test_peer_wait (client, has_connection, listener, PEER_TIMEOUT_MS, "the client's connection");
  connection = g_list_model_get_item (ss_socket_get_connections (listener), 0);
  ss_test_wait_bytes_in (connection, 6);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, "hello\n", 6);
  ss_test_send_ok (connection, "echo:hello\n", 11);
  ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);
  ss_test_wait_until (peer_closed, connection, PEER_TIMEOUT_MS);
  ss_test_assert_event (connection, "close_notify: the peer ended the TLS session cleanly");
  g_assert_cmpstr (ss_tls_session_get_version (ss_socket_get_tls_session (connection)), ==, "TLS1.2");
  g_clear_object (&connection);
  finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
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
  spec = g_strdup_printf ("tls:127.0.0.1:%u", port_of (listener));
  client = ss_test_open_spec (session, spec, &error);
  g_assert_no_error (error);
  ss_test_wait_until (tls_settled, client, PEER_TIMEOUT_MS);
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
  ss_test_wait_until (peer_closed, connection, PEER_TIMEOUT_MS);
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
  g_autoptr(Cert) client_cert = make_cert ("client", NULL, -DAY, DAY, NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autofree char *facts = NULL;
  g_autofree char *pem_path = g_build_filename (tmpdir, "server3.pem", NULL);
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
  save_listener_pem (listener, pem_path);
  connect = g_strdup_printf ("127.0.0.1:%u", port_of (listener));
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDIN_PIPE,
                               (const char *const []) { openssl, "s_client", "-connect", connect, "-tls1_2",
                                                        "-CAfile", pem_path, "-verify_return_error",
                                                        "-verify_hostname", "localhost", "-servername", "localhost",
                                                        "-cert", client_cert->cert_path, "-key", client_cert->key_path,
                                                        NULL });
  input = g_object_ref (g_subprocess_get_stdin_pipe (client));
  ss_test_peer_wait (client, has_connection, listener, PEER_TIMEOUT_MS, "openssl's connection");
  connection = ss_test_connection_at (listener, 0);
  ss_test_wait_until (tls_settled, connection, PEER_TIMEOUT_MS);
  g_assert_cmpstr (ss_tls_session_get_version (ss_socket_get_tls_session (connection)), ==, "TLS1.2");
  {
    g_autofree char *sni = ss_tls_session_dup_servername (ss_socket_get_tls_session (connection));
    g_assert_cmpstr (sni, ==, "localhost");
  }
  facts = ss_tls_session_dup_facts (ss_socket_get_tls_session (connection));
  g_assert_nonnull (strstr (facts, "Subject: CN=client"));
  g_assert_nonnull (strstr (facts, "Verification: the certificate is self-signed"));
  ss_test_assert_event (connection, "The client's certificate is not trusted: the certificate is self-signed");
  g_assert_true (g_output_stream_write_all (input, "hello\n", 6, NULL, NULL, &error));
  g_assert_no_error (error);
  ss_test_wait_bytes_in (connection, 6);
  ss_test_assert_payload (connection, SS_TRAFFIC_RECEIVED, "hello\n", 6);
  g_output_stream_close (input, NULL, NULL);
  ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);
  ss_test_wait_until (peer_closed, connection, PEER_TIMEOUT_MS);
  assert_events_in_order (connection, (const char *const []) { "TLS ← ClientHello", "TLS → ServerHello",
                                                               "TLS → Certificate", "TLS → ServerKeyExchange",
                                                               "TLS → CertificateRequest", "TLS → ServerHelloDone",
                                                               "TLS ← Certificate", "TLS ← ClientKeyExchange",
                                                               "TLS ← CertificateVerify",
                                                               "TLS ← Finished", "TLS → Finished",
                                                               "TLS handshake done: TLS1.2",
                                                               "close_notify: the peer ended the TLS session cleanly",
                                                               NULL });
  finish_listener (g_steal_pointer (&session), g_steal_pointer (&listener), pem_path);
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
  g_autoptr(Cert) a = make_cert ("a", "localhost", -DAY, DAY, NULL, FALSE);
  g_autoptr(Cert) b = make_cert ("b", "localhost", -DAY, DAY, NULL, FALSE);
  g_autoptr(Cert) old = make_cert ("old", "localhost", -3 * DAY, -DAY, NULL, FALSE);
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
  tmpdir = g_dir_make_tmp ("sockscope-tls-XXXXXX", NULL);
  g_test_add_func ("/tls/sniff", test_sniff);
  g_test_add_func ("/tls/bad-files", test_bad_files);
  g_test_add_func ("/tls/client-tls13", test_client_tls13);
  g_test_add_func ("/tls/client-tls12", test_client_tls12);
  g_test_add_func ("/tls/verify-failures", test_verify_failures);
  g_test_add_func ("/tls/alert", test_alert);
  g_test_add_func ("/tls/reset-mid-handshake", test_reset_mid_handshake);
  g_test_add_func ("/tls/truncated-handshake", test_truncated_handshake);
  g_test_add_func ("/tls/listener-curl", test_listener_curl);
  g_test_add_func ("/tls/listener-python", test_listener_python);
  g_test_add_func ("/tls/wrong-speakers", test_wrong_speakers);
  g_test_add_func ("/tls/shared-config", test_shared_config);
  g_test_add_func ("/tls/openssl-client", test_openssl_client);
  g_test_add_func ("/tls/keylog-tshark", test_keylog_tshark);
  status = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
