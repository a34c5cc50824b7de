/* test-tls-bulk.c — many TLS records at once into tls-listen:: each read
 * takes several records (and reads ahead of GnuTLS), and none of it may be
 * lost, reordered or held back, nor the close_notify behind it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>

#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-test-tls.h"
#include "ss-test-util.h"

#define N_BYTES (6 * 1024 * 1024 + 12345)

/* python3's ssl: N_BYTES of (i % 251) in sendall()s of odd sizes, then a
 * close_notify (unwrap() waits for the peer's, which is not coming: a
 * short timeout ends it), then close */
static const char client_script[] =
  "import socket, ssl, sys\n"
  "n = int(sys.argv[2])\n"
  "data = bytes(i % 251 for i in range(251)) * (n // 251 + 1)\n"
  "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
  "ctx.check_hostname = False\n"
  "ctx.verify_mode = ssl.CERT_NONE\n"
  "ctx.minimum_version = ssl.TLSVersion.TLSv1_3\n"
  "s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))))\n"
  "sent = 0\n"
  "while sent < n:\n"
  "    size = min(n - sent, 70001)\n"
  "    s.sendall(data[sent % 251:sent % 251 + size])\n"
  "    sent += size\n"
  "s.settimeout(2)\n"
  "try:\n"
  "    s.unwrap()\n"
  "except (ssl.SSLError, OSError):\n"
  "    pass\n"
  "s.close()\n";

static gboolean
all_in_and_closed (gpointer user_data)
{
  SsSocket *connection = user_data;

  return ss_socket_get_peer_closed (connection);
}

static void
test_bulk (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(SsSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autoptr(SsSocket) connection = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autofree char *port = NULL;
  g_autofree char *n_bytes = g_strdup_printf ("%d", N_BYTES);
  guint64 evicted = 0;
  const guint8 *data;
  gsize len;

  if (python == NULL)
    return;
  session = ss_session_new ();
  listener = ss_test_open_spec (session, "tls-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", ss_test_tls_port_of (listener));
  client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const []) { python, "-c", client_script, port, n_bytes, NULL });
  ss_test_peer_wait (client, ss_test_tls_has_connection, listener, PEER_TIMEOUT_MS, "the client's connection");
  connection = g_list_model_get_item (ss_socket_get_connections (listener), 0);
  ss_test_peer_wait (client, all_in_and_closed, connection, PEER_TIMEOUT_MS, "the stream and its end");
  ss_test_peer_wait_exit_ok (client, PEER_TIMEOUT_MS);

  g_assert_cmpuint (ss_socket_get_bytes_in (connection), ==, N_BYTES);
  payload = ss_traffic_log_dup_payload_full (ss_socket_get_traffic (connection), SS_TRAFFIC_RECEIVED, &evicted);
  data = g_bytes_get_data (payload, &len);
  g_assert_cmpuint (evicted, ==, 0);
  g_assert_cmpuint (len, ==, N_BYTES);
  for (gsize i = 0; i < len; i++)
    if (data[i] != i % 251)
      g_error ("byte %" G_GSIZE_FORMAT " is %u, not %u", i, data[i], (guint) (i % 251));
  /* a read takes several records: far fewer chunks than 16 KiB records */
  g_assert_cmpuint (ss_traffic_log_get_chunks (ss_socket_get_traffic (connection), SS_TRAFFIC_RECEIVED),
                    <, N_BYTES / 16384);
  ss_test_assert_event (connection, "close_notify: the peer ended the TLS session cleanly");

  g_clear_object (&connection);
  ss_socket_close (listener);
  g_clear_object (&listener);
  ss_test_finalize_session (g_steal_pointer (&session), NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tls/bulk", test_bulk);
  return g_test_run ();
}
