/* ss-test-tls.c — what the TLS tests share: certificates made with GnuTLS,
 * python3's ssl as a peer, Sockscope TLS clients and listeners
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

char *ss_test_tls_dir;

void
ss_test_tls_cert_free (Cert *cert)
{
  gnutls_x509_crt_deinit (cert->crt);
  gnutls_x509_privkey_deinit (cert->key);
  g_unlink (cert->cert_path);
  g_unlink (cert->key_path);
  g_free (cert->cert_path);
  g_free (cert->key_path);
  g_free (cert);
}


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
Cert *
ss_test_tls_make_cert (const char *name,
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

  cert->cert_path = g_strdup_printf ("%s/%s.pem", ss_test_tls_dir, name);
  cert->key_path = g_strdup_printf ("%s/%s.key", ss_test_tls_dir, name);
  gnutls_x509_crt_export2 (cert->crt, GNUTLS_X509_FMT_PEM, &out);
  write_datum (cert->cert_path, &out);
  gnutls_x509_privkey_export2 (cert->key, GNUTLS_X509_FMT_PEM, &out);
  write_datum (cert->key_path, &out);
  return cert;
}

char *
ss_test_tls_peer_script (void)
{
  return g_test_build_filename (G_TEST_DIST, "peers", "tls_peer.py", NULL);
}



void
ss_test_tls_peer_clear (Peer *peer)
{
  g_clear_object (&peer->lines);
  g_clear_object (&peer->process);
  g_clear_pointer (&peer->port, g_free);
}

/* python3's ssl server with @cert; its port read from its first line */
void
ss_test_tls_start_python_server (Peer       *peer,
                                 const char *python,
                                 Cert       *cert,
                                 const char *version,
                                 const char *end)
{
  g_autofree char *script = ss_test_tls_peer_script ();

  peer->process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                                      (const char *const []) { python, script, "server", cert->cert_path,
                                                               cert->key_path, version, end, NULL });
  peer->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer->process));
  peer->port = ss_test_peer_read_line (peer->process, peer->lines, PEER_TIMEOUT_MS);
}

gboolean
ss_test_tls_settled (gpointer user_data)
{
  SsSocket *socket = user_data;
  SsTlsSession *tls = ss_socket_get_tls_session (socket);

  return ss_test_get_failure (socket) != 0 ||
         (tls != NULL && ss_tls_session_get_state (tls) != SS_TLS_STATE_HANDSHAKING);
}

/* a Sockscope client with TLS to 127.0.0.1:@port, named @host */
SsSocket *
ss_test_tls_client (SsSession   *session,
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
  ss_test_wait_until (ss_test_tls_settled, socket, PEER_TIMEOUT_MS);
  return socket;
}

/* the events holding @needles, in this order */
void
ss_test_tls_assert_events_in_order (SsSocket          *socket,
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

gboolean
ss_test_tls_peer_closed (gpointer user_data)
{
  return ss_socket_get_peer_closed (user_data) || ss_test_get_failure (user_data) != 0;
}

gboolean
ss_test_tls_has_connection (gpointer user_data)
{
  return g_list_model_get_n_items (ss_socket_get_connections (user_data)) > 0;
}

guint16
ss_test_tls_port_of (SsSocket *socket)
{
  const char *address = ss_socket_get_local_address (socket);

  return (guint16) g_ascii_strtoull (strrchr (address, ':') + 1, NULL, 10);
}

/* the generated certificate of a tls-listen: saved as PEM, for its clients */
void
ss_test_tls_save_listener_pem (SsSocket   *listener,
                               const char *path)
{
  g_autoptr(GError) error = NULL;
  SsTlsCertificate *cert = ss_tls_config_get_server_certificate (ss_socket_get_tls_config (listener));

  g_assert_nonnull (cert);
  g_assert_true (ss_tls_certificate_save_pem (cert, path, &error));
  g_assert_no_error (error);
}

/* every socket of @session gone, the PEM file too */
void
ss_test_tls_finish_listener (SsSession  *session,
                             SsSocket   *listener,
                             const char *pem_path)
{
  g_unlink (pem_path);
  ss_socket_close (listener);
  g_object_unref (listener);
  ss_test_finalize_session (session, NULL);
}

/* openssl s_server -www with @cert on a free port, once it accepts */
gboolean
ss_test_tls_start_openssl (OpensslServer *server,
                           Cert          *cert,
                           guint          n_accept)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *accept = NULL;
  g_autofree char *naccept = g_strdup_printf ("%u", n_accept);

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return FALSE;
    }
  {
    /* a port free now (another program may take it before openssl: rare) */
    int fd = ss_test_raw_listener (AF_INET, 0, &server->port);

    close (fd);
  }
  accept = g_strdup_printf ("127.0.0.1:%u", server->port);
  server->process = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                        (const char *const []) { openssl, "s_server", "-accept", accept,
                                                                 "-cert", cert->cert_path, "-key", cert->key_path,
                                                                 "-www", "-naccept", naccept, NULL });
  server->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  for (;;)
    {
      g_autofree char *line = ss_test_peer_read_line (server->process, server->lines, PEER_TIMEOUT_MS);

      if (g_str_equal (line, "ACCEPT"))
        return TRUE;
    }
}

void
ss_test_tls_stop_openssl (OpensslServer *server)
{
  if (server->process != NULL)
    g_subprocess_force_exit (server->process);
  g_clear_object (&server->lines);
  g_clear_object (&server->process);
}
