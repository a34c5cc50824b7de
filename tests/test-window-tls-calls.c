/* test-window-tls-calls.c — a TLS client's steps in the window's call
 * log, in the seed's Python (ssl) and in C (GnuTLS)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>
#include <sys/socket.h>

#include "ss-test-socket.h"
#include "ss-test-window.h"
#include "ss-tls-session.h"

static gboolean
tls_established (gpointer socket)
{
  SsTlsSession *tls = ss_socket_get_tls_session (socket);

  return tls != NULL && ss_tls_session_get_state (tls) == SS_TLS_STATE_ESTABLISHED;
}

/* @call's row in the notation chosen, on screen, ends with @expected */
static void
assert_row (SsTestWindow *f,
            SsCall       *call,
            const char   *expected)
{
  g_autofree char *row = ss_call_view_format (f->call_view, call);

  if (!g_str_has_suffix (row, expected))
    g_error ("the row “%s” does not end with “%s”", row, expected);
  ss_test_wait_label_shown (f->call_view, "call-text", row);
}

/* Use TLS with "insecure" against a tls-listen: of the same window: the
 * steps read as a person would type them with ssl, and as GnuTLS's
 * calls, with what they returned. */
static void
test_client_rows (SsTestWindow *f,
                  gconstpointer data)
{
  SsDropDown *notation = ss_test_template_child (f->call_view, SS_TYPE_CALL_VIEW, "notation_dropdown");
  SsCallLog *calls = ss_session_get_calls (f->session);
  SsSocket *client = NULL;
  SsSocketPage *page = ss_test_new_tcp_page (f, &client);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = ss_test_open_spec (f->session, "tls-listen:127.0.0.1:0", &error);
  g_autoptr(SsCall) insecure = NULL;
  g_autoptr(SsCall) wrap = NULL;
  g_autoptr(SsCall) version = NULL;
  g_autofree char *address = NULL;
  g_autofree char *expected = NULL;
  int fd;

  g_assert_no_error (error);
  address = g_strdup_printf ("127.0.0.1:%s", strrchr (ss_socket_get_local_address (listener), ':') + 1);
  gtk_editable_set_text (ss_test_page_child (page, "connect_entry"), address);
  gtk_check_button_set_active (ss_test_tls_option (page, "insecure_check"), TRUE);
  gtk_switch_set_active (ss_test_tls_panel_child (page, "tls_switch"), TRUE);
  ss_test_click (page, "socket.connect");
  ss_test_wait_until (tls_established, client, SS_TEST_TIMEOUT_MS);
  fd = ss_socket_get_fd (client);

  insecure = ss_test_find_call (calls, "gnutls_certificate_verify_peers3", fd, NULL);
  wrap = ss_test_find_call (calls, "gnutls_init", fd, NULL);
  version = ss_test_find_call (calls, "gnutls_protocol_get_version", fd, NULL);

  ss_test_choose (notation, "Python");
  assert_row (f, insecure, "ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE");
  expected = g_strdup_printf ("ssk%d = ctx.wrap_socket(sk%d, server_hostname='127.0.0.1', do_handshake_on_connect=False)",
                              fd, fd);
  assert_row (f, wrap, expected);
  g_free (expected);
  expected = g_strdup_printf ("ssk%d.version()  # → 'TLSv1.3'", fd);
  assert_row (f, version, expected);

  ss_test_choose (notation, "C");
  /* an address is never sent as SNI */
  g_free (expected);
  expected = g_strdup_printf ("gnutls_init(&session, GNUTLS_CLIENT|GNUTLS_NONBLOCK) = 0; gnutls_transport_set_int(session, %d)",
                              fd);
  assert_row (f, wrap, expected);
  assert_row (f, version, "gnutls_protocol_get_version(session) = GNUTLS_TLS1_3");
  ss_socket_close (listener);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);

  ss_test_window_add ("/window-tls-calls/client-rows", test_client_rows);

  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
