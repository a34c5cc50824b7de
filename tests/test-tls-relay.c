/* test-tls-relay.c — relays with TLS on either leg: curl through a relay
 * that terminates TLS to python3's http.server, a plaintext client
 * through one that originates TLS to openssl s_server, both legs; a
 * target that does not speak TLS, one whose certificate is not trusted,
 * and specs with mistakes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-spec.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-test-tls.h"
#include "ss-test-util.h"

#define BODY "relayed over TLS\n"

static void
assert_payload_starts (SsSocket      *socket,
                       SsTrafficKind  kind,
                       const char    *prefix)
{
  g_autoptr(GBytes) payload = ss_traffic_log_dup_payload (ss_socket_get_traffic (socket), kind);
  gsize len;
  const char *data = g_bytes_get_data (payload, &len);

  g_assert_cmpuint (len, >=, strlen (prefix));
  g_assert_cmpmem (data, strlen (prefix), prefix, strlen (prefix));
}

static void
assert_payload_has (SsSocket      *socket,
                    SsTrafficKind  kind,
                    const char    *needle)
{
  g_autoptr(GBytes) payload = ss_traffic_log_dup_payload (ss_socket_get_traffic (socket), kind);
  g_autofree char *text = g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));

  g_assert_nonnull (strstr (text, needle));
}

/* curl's whole output, and its exit status 0 */
static void
assert_curl (const char *const *argv,
             const char        *expected)
{
  g_autoptr(GSubprocess) curl = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  g_autoptr(GBytes) body = ss_test_stream_read (g_subprocess_get_stdout_pipe (curl), strlen (expected),
                                                PEER_TIMEOUT_MS);

  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), expected, strlen (expected));
  ss_test_peer_wait_exit_ok (curl, PEER_TIMEOUT_MS);
}

/* tls-tcp-relay: curl speaks TLS to the relay (-k, then --cacert of the
 * relay's saved certificate), python3's http.server plaintext behind it;
 * the pair's log holds the decrypted request and answer, and the client
 * leg's handshake. */
static void
test_terminate (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autofree char *file = g_build_filename (ss_test_tls_dir, "hello.txt", NULL);
  g_autofree char *pem_path = g_build_filename (ss_test_tls_dir, "relay.pem", NULL);
  g_autofree char *spec = NULL, *url = NULL, *resolve = NULL, *port = NULL;
  g_autoptr(SsSession) session = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  SsSocket *relay;
  SsSocket *pair;
  const char *script =
    "import http.server, os, sys\n"
    "os.chdir(sys.argv[1])\n"
    "s = http.server.HTTPServer(('127.0.0.1', 0), http.server.SimpleHTTPRequestHandler)\n"
    "print(s.server_address[1], flush=True)\n"
    "s.handle_request()\n"
    "s.handle_request()\n";

  if (python == NULL)
    return;
  if (curl == NULL)
    {
      g_test_skip ("curl is not installed");
      return;
    }
  g_assert_true (g_file_set_contents (file, BODY, -1, NULL));
  server = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               (const char *const []) { python, "-c", script, ss_test_tls_dir, NULL });
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  port = ss_test_peer_read_line (server, lines, PEER_TIMEOUT_MS);

  session = ss_session_new ();
  spec = g_strdup_printf ("tls-tcp-relay:127.0.0.1:0:127.0.0.1:%s", port);
  relay = ss_test_open_relay (session, spec);
  g_assert_nonnull (ss_socket_get_tls_config (relay));
  g_assert_null (ss_socket_get_relay_tls (relay));
  ss_test_tls_save_listener_pem (relay, pem_path);

  url = g_strdup_printf ("https://127.0.0.1:%u/hello.txt", ss_test_relay_port (relay));
  assert_curl ((const char *const []) { curl, "-sS", "-k", "--max-time", "20", url, NULL }, BODY);
  pair = ss_test_connection_at (relay, 0);
  ss_test_tls_assert_events_in_order (pair, (const char *const []) {
    "Client’s leg: TLS: waiting for the client's ClientHello", "Client’s leg: TLS ← ClientHello",
    "Client’s leg: TLS → ServerHello", "Client’s leg: TLS handshake done", NULL });
  assert_payload_starts (pair, SS_TRAFFIC_RECEIVED, "GET /hello.txt HTTP/1.1\r\n");
  assert_payload_has (pair, SS_TRAFFIC_SENT, "\r\n\r\n" BODY);

  g_free (url);
  url = g_strdup_printf ("https://localhost:%u/hello.txt", ss_test_relay_port (relay));
  resolve = g_strdup_printf ("localhost:%u:127.0.0.1", ss_test_relay_port (relay));
  assert_curl ((const char *const []) { curl, "-sS", "--cacert", pem_path, "--resolve", resolve,
                                        "--max-time", "20", url, NULL }, BODY);
  ss_test_wait_connections (relay, 2);
  ss_test_peer_wait_exit_ok (server, PEER_TIMEOUT_MS);
  g_unlink (file);
  g_unlink (pem_path);
  ss_socket_close (relay);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

typedef struct
{
  int         fd;
  GByteArray *received;
  gboolean    reset;
} ReadAll;

/* until the end of the stream, or a reset (what a refused pair gives) */
static gboolean
read_all (gpointer user_data)
{
  ReadAll *data = user_data;
  guint8 buffer[16 * 1024];
  gssize n;

  while ((n = recv (data->fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
    g_byte_array_append (data->received, buffer, n);
  if (n < 0 && errno == ECONNRESET)
    data->reset = TRUE;
  return n == 0 || data->reset;
}

/* a plaintext HTTP/1.0 request through the relay, and its whole answer */
static char *
plain_get (SsSocket *relay,
           gboolean *reset)
{
  const char request[] = "GET / HTTP/1.0\r\n\r\n";
  ReadAll data = { ss_test_raw_connect (AF_INET, ss_test_relay_port (relay), SS_TEST_TIMEOUT_MS),
                   g_byte_array_new (), FALSE };

  ss_test_raw_send_all (data.fd, request, strlen (request), SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (read_all, &data, PEER_TIMEOUT_MS);
  close (data.fd);
  *reset = data.reset;
  g_byte_array_append (data.received, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (data.received, FALSE);
}

static void
print_events (SsSocket *socket)
{
  g_autoptr(GPtrArray) events = ss_test_dup_events (socket);

  for (guint i = 0; i < events->len; i++)
    g_test_message ("event: %s", (char *) g_ptr_array_index (events, i));
}

/* tcp-tls-relay: a plaintext client, openssl s_server behind a relay that
 * speaks TLS to it and verifies it with --cafile and --servername; then
 * without the CA file, the pair refuses to forward. */
static void
test_originate (void)
{
  g_autoptr(Cert) ca = ss_test_tls_make_cert ("relay-ca", NULL, -DAY, DAY, NULL, TRUE);
  g_autoptr(Cert) leaf = ss_test_tls_make_cert ("relay-target", "localhost", -DAY, DAY, ca, FALSE);
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(SsSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *answer = NULL;
  OpensslServer server = { 0 };
  gboolean reset;
  SsSocket *relay;
  SsSocket *pair;

  if (!ss_test_tls_start_openssl (&server, leaf, 2))
    return;
  g_assert_true (ss_tls_config_set_cafile (config, ca->cert_path, &error));
  ss_tls_config_set_servername (config, "localhost");
  session = ss_session_new ();
  ss_session_set_tls_config (session, config);
  spec = g_strdup_printf ("tcp-tls-relay:127.0.0.1:0:127.0.0.1:%u", server.port);
  relay = ss_test_open_relay (session, spec);
  g_assert_null (ss_socket_get_tls_config (relay));
  g_assert_nonnull (ss_socket_get_relay_tls (relay));

  answer = plain_get (relay, &reset);
  pair = ss_test_connection_at (relay, 0);
  print_events (pair);
  g_assert_false (reset);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.0 200 ok\r\n"));
  ss_test_tls_assert_events_in_order (pair, (const char *const []) {
    "Server’s leg: TLS: starting the handshake", "Server’s leg: TLS → ClientHello",
    "Server’s leg: TLS ← ServerHello", "Server’s leg: TLS handshake done", NULL });
  ss_test_assert_payload (pair, SS_TRAFFIC_RECEIVED, "GET / HTTP/1.0\r\n\r\n", 18);
  assert_payload_starts (pair, SS_TRAFFIC_SENT, "HTTP/1.0 200 ok\r\n");
  {
    SsSocket *leg = ss_socket_get_relay_server (pair);

    g_assert_nonnull (ss_socket_get_tls_session (leg));
    g_assert_null (ss_tls_session_get_verification (ss_socket_get_tls_session (leg)));
  }

  /* the system's CAs do not know the test's */
  ss_tls_config_set_cafile (config, NULL, NULL);
  g_clear_pointer (&answer, g_free);
  answer = plain_get (relay, &reset);
  g_assert_true (reset);
  g_assert_cmpstr (answer, ==, "");
  pair = ss_test_connection_at (relay, 1);
  ss_test_tls_assert_events_in_order (pair, (const char *const []) {
    "Server’s leg: TLS handshake done", "Server’s leg: The relay does not forward to a server whose certificate is not trusted",
    "The server’s connection failed", NULL });

  ss_test_tls_stop_openssl (&server);
  ss_socket_close (relay);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* tls-relay: curl -k to the relay, TLS to openssl s_server (--insecure) */
static void
test_both_legs (void)
{
  g_autoptr(Cert) leaf = ss_test_tls_make_cert ("relay-both", "localhost", -DAY, DAY, NULL, FALSE);
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autoptr(SsSession) session = NULL;
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autofree char *spec = NULL, *url = NULL;
  OpensslServer server = { 0 };
  SsSocket *relay;
  SsSocket *pair;

  if (curl == NULL)
    {
      g_test_skip ("curl is not installed");
      return;
    }
  if (!ss_test_tls_start_openssl (&server, leaf, 1))
    return;
  ss_tls_config_set_insecure (config, TRUE);
  session = ss_session_new ();
  ss_session_set_tls_config (session, config);
  spec = g_strdup_printf ("tls-relay:127.0.0.1:0:127.0.0.1:%u", server.port);
  relay = ss_test_open_relay (session, spec);

  url = g_strdup_printf ("https://127.0.0.1:%u/", ss_test_relay_port (relay));
  {
    g_autoptr(GSubprocess) client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                                                        (const char *const []) { curl, "-sS", "-k", "--http1.0",
                                                                                 "--max-time", "20", url, NULL });
    g_autoptr(GBytes) body = ss_test_stream_read (g_subprocess_get_stdout_pipe (client), 5, PEER_TIMEOUT_MS);

    g_assert_cmpmem (g_bytes_get_data (body, NULL), 5, "<HTML", 5);
    ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);
  }
  pair = ss_test_connection_at (relay, 0);
  ss_test_tls_assert_events_in_order (pair, (const char *const []) {
    "Client’s leg: TLS ← ClientHello", "Client’s leg: TLS handshake done", NULL });
  ss_test_tls_assert_events_in_order (pair, (const char *const []) {
    "Server’s leg: TLS → ClientHello", "Server’s leg: TLS handshake done", NULL });
  assert_payload_starts (pair, SS_TRAFFIC_RECEIVED, "GET / HTTP/1.0\r\n");
  assert_payload_starts (pair, SS_TRAFFIC_SENT, "HTTP/1.0 200 ok\r\n");
  ss_test_tls_stop_openssl (&server);
  ss_socket_close (relay);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

/* a target that answers the ClientHello in plaintext: said on the pair,
 * and the client's connection is reset */
static void
test_target_not_tls (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autofree char *spec = NULL;
  g_autoptr(GBytes) hello = NULL;
  guint16 port;
  int target = ss_test_raw_listener (AF_INET, 0, &port);
  int client, server;
  SsSocket *relay;
  SsSocket *pair;

  spec = g_strdup_printf ("tcp-tls-relay:127.0.0.1:0:127.0.0.1:%u", port);
  relay = ss_test_open_relay (session, spec);
  client = ss_test_raw_connect (AF_INET, ss_test_relay_port (relay), SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (target, SS_TEST_TIMEOUT_MS);
  hello = ss_test_raw_recv (server, 5, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (hello, NULL))[0], ==, 22);
  ss_test_raw_send_all (server, "220 hello\r\n", 11, SS_TEST_TIMEOUT_MS);
  {
    ReadAll data = { client, g_byte_array_new (), FALSE };

    ss_test_wait_until (read_all, &data, SS_TEST_TIMEOUT_MS);
    g_assert_true (data.reset);
    g_assert_cmpuint (data.received->len, ==, 0);
    g_byte_array_unref (data.received);
  }
  pair = ss_test_connection_at (relay, 0);
  ss_test_tls_assert_events_in_order (pair, (const char *const []) {
    "Server’s leg: The peer did not answer in TLS; its first bytes were “220 hell",
    "The server’s connection failed", NULL });
  close (client);
  close (server);
  close (target);
  ss_socket_close (relay);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

static void
test_specs (void)
{
  static const struct
  {
    const char *text;
    gboolean    tls;
    gboolean    target_tls;
  } good[] = {
    { "tls-relay:8443:example.com:443", TRUE, TRUE },
    { "tls-tcp-relay:[::1]:8443:127.0.0.1:80", TRUE, FALSE },
    { "tcp-tls-relay:0.0.0.0:8080:example.com:443", FALSE, TRUE },
    { "tcp-relay:9000:127.0.0.1:5432", FALSE, FALSE },
  };
  static const char *const bad[] = {
    "tls-relay:8443", "tls-relay:8443:example.com", "tcp-tls-relay:1:2:3:4:5", "tls-tcp-relay:8443:host:0",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SsSpec) spec = ss_spec_parse (good[i].text, &error);
      g_autofree char *text = NULL;
      g_autofree char *prefix = g_strndup (good[i].text, strchr (good[i].text, ':') - good[i].text);

      g_assert_no_error (error);
      g_assert_true (ss_spec_is_relay (spec));
      g_assert_cmpint (spec->tls, ==, good[i].tls);
      g_assert_cmpint (spec->target_tls, ==, good[i].target_tls);
      text = ss_spec_to_string (spec);
      g_assert_true (g_str_has_prefix (text, prefix));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SsSpec) spec = ss_spec_parse (bad[i], &error);

      g_assert_null (spec);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s → %s", bad[i], error->message);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SsSpec) spec = ss_spec_parse ("tls-relay:8443", &error);

    g_assert_nonnull (strstr (error->message, "a TLS relay is tls-relay:[BIND:]PORT:HOST:HOSTPORT"));
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ss_test_tls_dir = g_dir_make_tmp ("sockscope-tls-relay-XXXXXX", NULL);
  g_test_add_func ("/tls-relay/specs", test_specs);
  g_test_add_func ("/tls-relay/terminate", test_terminate);
  g_test_add_func ("/tls-relay/originate", test_originate);
  g_test_add_func ("/tls-relay/both-legs", test_both_legs);
  g_test_add_func ("/tls-relay/target-not-tls", test_target_not_tls);
  status = g_test_run ();
  g_rmdir (ss_test_tls_dir);
  g_free (ss_test_tls_dir);
  return status;
}
