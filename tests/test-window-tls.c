/* test-window-tls.c — a page's TLS: the switch on a client and on a
 * listener, Connect Anyway after a failed verification, the facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-test-tls.h"
#include "ss-relay-verify-box.h"
#include "ss-test-window.h"
#include "ss-tls-panel.h"
#include "ss-tls-session.h"

static gpointer
panel_child (SsSocketPage *page,
             const char   *name)
{
  return ss_test_template_child (ss_test_page_child (page, "tls_panel"), SS_TYPE_TLS_PANEL, name);
}

static gboolean
widget_visible (gpointer widget)
{
  return gtk_widget_get_visible (widget);
}

static gboolean
widget_hidden (gpointer widget)
{
  return !gtk_widget_get_visible (widget);
}

static gboolean
facts_established (gpointer page)
{
  const char *facts = gtk_label_get_text (panel_child (page, "facts_label"));

  return strstr (facts, "Version: TLS1.3") != NULL;
}

/* A listener's switch makes its certificate and shows it */
static void
test_listener_switch (SsTestWindow *f,
                      gconstpointer data)
{
  SsSocket *socket = NULL;
  SsSocketPage *page = ss_test_new_tcp_page (f, &socket);

  g_assert_true (gtk_widget_get_visible (panel_child (page, "switch_box")));
  g_assert_cmpstr (gtk_label_get_text (panel_child (page, "switch_label")), ==, "Use TLS");
  ss_test_page_bind (page, "127.0.0.1:0");
  ss_test_page_listen (page);
  g_assert_cmpstr (gtk_label_get_text (panel_child (page, "switch_label")), ==, "TLS on connections");
  g_assert_false (gtk_widget_get_visible (panel_child (page, "facts_expander")));

  /* switched on with the options never opened: those a new popover
   * shows, and the popover still not made */
  gtk_switch_set_active (panel_child (page, "tls_switch"), TRUE);
  g_assert_nonnull (ss_socket_get_tls_config (socket));
  g_assert_null (gtk_menu_button_get_popover (panel_child (page, "options_button")));
  g_assert_true (gtk_widget_get_visible (panel_child (page, "facts_expander")));
  g_assert_true (gtk_widget_get_visible (panel_child (page, "save_cert_button")));
  g_assert_nonnull (strstr (gtk_label_get_text (panel_child (page, "facts_label")),
                            "Names: localhost, 127.0.0.1, ::1"));

  /* a CA file that is not one is said in the options, and TLS stays as it was */
  gtk_editable_set_text (ss_test_tls_option (page, "cafile_entry"), "/nonexistent/ca.pem");
  g_assert_true (gtk_menu_button_get_popover (panel_child (page, "options_button")) ==
                 GTK_POPOVER (ss_tls_panel_get_options (ss_test_page_child (page, "tls_panel"))));
  gtk_switch_set_active (panel_child (page, "tls_switch"), FALSE);
  g_assert_null (ss_socket_get_tls_config (socket));
  gtk_switch_set_active (panel_child (page, "tls_switch"), TRUE);
  g_assert_null (ss_socket_get_tls_config (socket));
  g_assert_false (gtk_switch_get_active (panel_child (page, "tls_switch")));
  g_assert_true (gtk_widget_get_visible (ss_test_tls_option (page, "options_error_label")));
  g_assert_nonnull (strstr (gtk_label_get_text (ss_test_tls_option (page, "options_error_label")),
                            "The CA file /nonexistent/ca.pem cannot be read"));
}

/* A client with Use TLS to a tls-listen: of the same window: the
 * generated certificate is self-signed, so it waits for Connect Anyway,
 * then the facts show the session. */
static void
test_client_connect_anyway (SsTestWindow *f,
                            gconstpointer data)
{
  SsSocket *client = NULL;
  SsSocketPage *page = ss_test_new_tcp_page (f, &client);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = ss_test_open_spec (f->session, "tls-listen:127.0.0.1:0", &error);
  g_autofree char *address = NULL;
  const char *facts;

  g_assert_no_error (error);
  address = g_strdup_printf ("127.0.0.1:%s", strrchr (ss_socket_get_local_address (listener), ':') + 1);
  gtk_editable_set_text (ss_test_page_child (page, "connect_entry"), address);
  gtk_switch_set_active (panel_child (page, "tls_switch"), TRUE);
  g_assert_nonnull (ss_socket_get_tls_config (client));

  ss_test_click (page, "socket.connect");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "connected");
  if (!ss_test_try_wait_until (widget_visible, panel_child (page, "untrusted_box"), SS_TEST_TIMEOUT_MS))
    {
      g_autoptr(GPtrArray) events = ss_test_dup_events (client);

      for (guint i = 0; i < events->len; i++)
        g_test_message ("client event: %s", (char *) g_ptr_array_index (events, i));
      g_error ("the client did not wait for Connect Anyway");
    }
  g_assert_nonnull (strstr (gtk_label_get_text (panel_child (page, "untrusted_label")), "self-signed"));
  g_assert_false (gtk_widget_get_sensitive (panel_child (page, "switch_box")));

  gtk_widget_activate (GTK_WIDGET (panel_child (page, "connect_anyway_button")));
  ss_test_wait_until (widget_hidden, panel_child (page, "untrusted_box"), SS_TEST_TIMEOUT_MS);
  g_assert_true (facts_established (page));
  g_assert_cmpint (ss_tls_session_get_state (ss_socket_get_tls_session (client)), ==, SS_TLS_STATE_ESTABLISHED);
  facts = gtk_label_get_text (panel_child (page, "facts_label"));
  g_assert_nonnull (strstr (facts, "Verification: the certificate is self-signed"));
  g_assert_nonnull (strstr (facts, "SHA-256: "));
  ss_socket_close (listener);
}

static gboolean
is_readable (gpointer socket)
{
  return ss_socket_get_readable (socket) > 0;
}

/* Start TLS on a client's page, against a python3 server that upgrades
 * after "STARTTLS": refused (said under the button) while its answer is
 * unread, then the handshake in the log and the facts on the page, the
 * CA file of the options trusted. */
static void
test_start_tls (SsTestWindow *f,
                gconstpointer data)
{
  g_autofree char *python = ss_test_find_python ();
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "peers", "starttls_peer.py", NULL);
  g_autoptr(Cert) ca = NULL;
  g_autoptr(Cert) leaf = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *address = NULL;
  SsSocket *socket = NULL;
  SsSocketPage *page;
  GtkWidget *start_button;

  if (python == NULL)
    return;
  ca = ss_test_tls_make_cert ("window-ca", NULL, -DAY, DAY, NULL, TRUE);
  leaf = ss_test_tls_make_cert ("window-server", "localhost", -DAY, DAY, ca, FALSE);
  server = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                               (const char *const []) { python, script, "server", leaf->cert_path, leaf->key_path, NULL });
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  port = ss_test_peer_read_line (server, lines, PEER_TIMEOUT_MS);

  page = ss_test_new_tcp_page (f, &socket);
  start_button = panel_child (page, "start_button");
  g_assert_false (gtk_widget_get_visible (start_button));
  ss_socket_set_auto_receive (socket, FALSE);
  /* the certificate's name, not the address */
  address = g_strdup_printf ("localhost:%s", port);
  gtk_editable_set_text (ss_test_page_child (page, "connect_entry"), address);
  ss_test_click (page, "socket.connect");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "connected");
  g_assert_true (gtk_widget_get_visible (start_button));
  g_assert_true (gtk_widget_get_visible (panel_child (page, "switch_box")));
  g_assert_false (gtk_widget_get_visible (panel_child (page, "tls_switch")));
  gtk_editable_set_text (ss_test_tls_option (page, "cafile_entry"), ca->cert_path);

  ss_test_send_ok (socket, "STARTTLS\n", 9);
  ss_test_peer_wait (server, is_readable, socket, PEER_TIMEOUT_MS, "the server's OK");
  ss_test_click (page, "tls.start");
  g_assert_true (gtk_widget_get_visible (panel_child (page, "start_error_label")));
  g_assert_nonnull (strstr (gtk_label_get_text (panel_child (page, "start_error_label")),
                            "Could not start TLS: The peer sent 3 bytes that are still unread"));
  g_assert_null (ss_socket_get_tls_session (socket));

  g_assert_cmpint (ss_socket_recv (socket, 64, &error), ==, 3);
  ss_socket_set_auto_receive (socket, TRUE);
  ss_test_click (page, "tls.start");
  g_assert_false (gtk_widget_get_visible (panel_child (page, "start_error_label")));
  g_assert_false (gtk_widget_get_visible (start_button));
  g_assert_nonnull (ss_socket_get_tls_session (socket));
  ss_test_peer_wait (server, facts_established, page, PEER_TIMEOUT_MS, "the facts of the session");
  g_assert_nonnull (strstr (gtk_label_get_text (panel_child (page, "facts_label")), "Verification: "));
  g_assert_false (gtk_widget_get_visible (panel_child (page, "untrusted_box")));
  ss_test_assert_event (socket, "TLS → ClientHello");

  ss_test_send_ok (socket, "hello\n", 6);
  ss_test_wait_bytes_in (socket, 3 + 11);
  ss_test_wait_peer_closed (socket);
  ss_socket_close (socket);
  ss_test_peer_wait_exit_ok (server, PEER_TIMEOUT_MS);
}

static gboolean
state_is_listening (gpointer socket)
{
  return ss_socket_get_state (socket) == SS_SOCKET_LISTENING;
}

static gboolean
has_two_sockets (gpointer session)
{
  return g_list_model_get_n_items (ss_session_get_sockets (session)) > 1;
}

static gboolean
has_socket (gpointer user_data)
{
  SsTestWindow *f = user_data;

  return g_list_model_get_n_items (ss_session_get_sockets (f->session)) > 0;
}

/* New Socket's Relay section with its TLS dropdown: a relay that
 * terminates the clients' TLS (its listener has a certificate), one that
 * originates TLS to the target; a Unix path with TLS is said in the box. */
static void
test_relay_dropdown (SsTestWindow *f,
                     gconstpointer data)
{
  GtkEditable *listen_entry = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX, "relay_listen_entry");
  GtkEditable *target_entry = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX, "relay_target_entry");
  SsDropDown *tls = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX, "relay_tls_dropdown");
  GtkButton *button = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX, "relay_button");
  GtkLabel *error_label = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX, "error_label");
  g_autoptr(SsSocket) relay = NULL;
  g_autoptr(SsSocket) second = NULL;

  gtk_editable_set_text (listen_entry, "/tmp/sockscope-tls-relay-test.sock");
  gtk_editable_set_text (target_entry, "127.0.0.1:1");
  ss_drop_down_set_selected (tls, 1);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "A relay with TLS listens on TCP"));
  g_assert_cmpuint (g_list_model_get_n_items (ss_session_get_sockets (f->session)), ==, 0);

  gtk_editable_set_text (listen_entry, "127.0.0.1:0");
  g_signal_emit_by_name (button, "clicked");
  ss_test_wait_until (has_socket, f, SS_TEST_TIMEOUT_MS);
  relay = g_list_model_get_item (ss_session_get_sockets (f->session), 0);
  ss_test_wait_until (state_is_listening, relay, SS_TEST_TIMEOUT_MS);
  g_assert_nonnull (ss_socket_get_tls_config (relay));
  g_assert_null (ss_socket_get_relay_tls (relay));

  ss_drop_down_set_selected (tls, 3);
  g_signal_emit_by_name (button, "clicked");
  ss_test_wait_until (has_two_sockets, f->session, SS_TEST_TIMEOUT_MS);
  second = g_list_model_get_item (ss_session_get_sockets (f->session), 1);
  ss_test_wait_until (state_is_listening, second, SS_TEST_TIMEOUT_MS);
  g_assert_nonnull (ss_socket_get_tls_config (second));
  g_assert_nonnull (ss_socket_get_relay_tls (second));
  ss_socket_close (relay);
  ss_socket_close (second);
}

static gboolean
error_bar_revealed (gpointer user_data)
{
  return gtk_info_bar_get_revealed (((SsTestWindow *) user_data)->error_bar);
}

/* a failed open leaves nothing open */
static gboolean
no_socket (gpointer user_data)
{
  SsTestWindow *f = user_data;
  GListModel *sockets = ss_session_get_sockets (f->session);

  for (guint i = 0; i < g_list_model_get_n_items (sockets); i++)
    {
      g_autoptr(SsSocket) socket = g_list_model_get_item (sockets, i);

      if (ss_socket_get_state (socket) != SS_SOCKET_CLOSED)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  SsTestWindow *f;
  guint         n;
} SocketsWait;

static gboolean
has_n_sockets (gpointer user_data)
{
  SocketsWait *wait = user_data;

  return g_list_model_get_n_items (ss_session_get_sockets (wait->f->session)) >= wait->n;
}

typedef struct
{
  GtkWidget  *label;
  const char *needle;
} LabelWait;

static gboolean
label_says (gpointer user_data)
{
  LabelWait *wait = user_data;

  return gtk_widget_get_visible (wait->label) &&
         strstr (gtk_label_get_text (GTK_LABEL (wait->label)), wait->needle) != NULL;
}

/* Start Relay makes a relay, a plaintext client sends it an HTTP
 * request (*client_out), and the pair's page is shown: its TLS panel's
 * line on the target's certificate says @needle. */
static SsSocketPage *
relay_and_request (SsTestWindow *f,
                   int          *client_out,
                   const char   *needle)
{
  SocketsWait sockets = { f, g_list_model_get_n_items (ss_session_get_sockets (f->session)) + 1 };
  const char request[] = "GET / HTTP/1.0\r\n\r\n";
  g_autoptr(SsSocket) relay = NULL;
  SsSocket *pair;
  SsSocketPage *page;
  LabelWait wait = { NULL, needle };

  g_signal_emit_by_name (ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX, "relay_button"),
                         "clicked");
  ss_test_wait_until (has_n_sockets, &sockets, SS_TEST_TIMEOUT_MS);
  relay = g_list_model_get_item (ss_session_get_sockets (f->session), sockets.n - 1);
  ss_test_wait_until (state_is_listening, relay, SS_TEST_TIMEOUT_MS);
  *client_out = ss_test_raw_connect (AF_INET, ss_test_relay_port (relay), SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (*client_out, request, strlen (request), SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (relay, 1);
  pair = ss_test_connection_at (relay, 0);
  ss_window_select_socket (f->window, pair);
  page = ss_test_wait_page (f, pair);
  wait.label = panel_child (page, "target_verify_label");
  ss_test_wait_until (label_says, &wait, PEER_TIMEOUT_MS);
  return page;
}

/* New Socket's Relay section, TLS to the target: how the target leg
 * verifies openssl s_server is chosen there. Verified by the CA file
 * given, the pair forwards and its page says so; without it (the
 * system's CAs do not know the test's CA) it refuses, with the reason;
 * accepting any certificate is off until switched on, with a warning,
 * and then it forwards, saying it did not verify. */
static void
test_relay_target_verify (SsTestWindow *f,
                          gconstpointer data)
{
  g_autoptr(Cert) ca = ss_test_tls_make_cert ("window-relay-ca", NULL, -DAY, DAY, NULL, TRUE);
  g_autoptr(Cert) leaf = ss_test_tls_make_cert ("window-relay-target", "localhost", -DAY, DAY, ca, FALSE);
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  g_autofree char *target = NULL;
  gpointer box = f->new_socket_box;
  GtkWidget *verify_box = ss_test_template_child (box, SS_TYPE_NEW_SOCKET_BOX, "relay_verify_box");
  GtkEditable *cafile_entry = ss_test_template_child (verify_box, SS_TYPE_RELAY_VERIFY_BOX, "cafile_entry");
  GtkSwitch *insecure = ss_test_template_child (verify_box, SS_TYPE_RELAY_VERIFY_BOX, "insecure_switch");
  GtkWidget *warning = ss_test_template_child (verify_box, SS_TYPE_RELAY_VERIFY_BOX, "insecure_warning");
  OpensslServer server = { 0 };
  SsSocketPage *page;
  g_autoptr(GBytes) answer = NULL;
  GtkWidget *label;
  int client;

  if (!ss_test_tls_start_openssl (&server, leaf, 3))
    return;
  /* the rest of the target leg's TLS is the command line's: --servername localhost */
  ss_tls_config_set_servername (config, "localhost");
  ss_session_set_tls_config (f->session, config);

  g_assert_false (gtk_widget_get_visible (verify_box));
  ss_drop_down_set_selected (ss_test_template_child (box, SS_TYPE_NEW_SOCKET_BOX, "relay_tls_dropdown"), 2);
  g_assert_true (gtk_widget_get_visible (verify_box));
  g_assert_false (gtk_switch_get_active (insecure));
  g_assert_false (gtk_widget_get_visible (warning));
  target = g_strdup_printf ("127.0.0.1:%u", server.port);
  gtk_editable_set_text (ss_test_template_child (box, SS_TYPE_NEW_SOCKET_BOX, "relay_listen_entry"), "127.0.0.1:0");
  gtk_editable_set_text (ss_test_template_child (box, SS_TYPE_NEW_SOCKET_BOX, "relay_target_entry"), target);

  /* a CA file that is not one: said in the window, no relay made */
  gtk_editable_set_text (cafile_entry, "/nonexistent/ca.pem");
  g_signal_emit_by_name (ss_test_template_child (box, SS_TYPE_NEW_SOCKET_BOX, "relay_button"), "clicked");
  ss_test_wait_until (error_bar_revealed, f, SS_TEST_TIMEOUT_MS);
  g_assert_nonnull (strstr (gtk_label_get_text (f->error_label), "The CA file /nonexistent/ca.pem cannot be read"));
  gtk_info_bar_set_revealed (f->error_bar, FALSE);
  ss_test_wait_until (no_socket, f, SS_TEST_TIMEOUT_MS);

  /* verified by the CA file */
  gtk_editable_set_text (cafile_entry, ca->cert_path);
  page = relay_and_request (f, &client, "Target’s certificate: verified by the CA file");
  label = panel_child (page, "target_verify_label");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), ca->cert_path));
  g_assert_false (gtk_widget_has_css_class (label, "error"));
  answer = ss_test_raw_recv (client, strlen ("HTTP/1.0 200 ok\r\n"), FALSE, PEER_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                   "HTTP/1.0 200 ok\r\n", strlen ("HTTP/1.0 200 ok\r\n"));
  close (client);

  /* without it: refused, and why */
  gtk_editable_set_text (cafile_entry, "");
  page = relay_and_request (f, &client, "Target’s certificate: not trusted (");
  label = panel_child (page, "target_verify_label");
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "the relay does not forward to it"));
  close (client);

  /* any certificate: said before, and on the pair's page */
  gtk_switch_set_active (insecure, TRUE);
  g_assert_true (gtk_widget_get_visible (warning));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (cafile_entry)));
  page = relay_and_request (f, &client, "Target’s certificate: not verified (");
  g_assert_nonnull (strstr (gtk_label_get_text (panel_child (page, "target_verify_label")),
                            "relayed anyway, as any certificate is accepted"));
  g_clear_pointer (&answer, g_bytes_unref);
  answer = ss_test_raw_recv (client, strlen ("HTTP/1.0 200 ok\r\n"), FALSE, PEER_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                   "HTTP/1.0 200 ok\r\n", strlen ("HTTP/1.0 200 ok\r\n"));
  close (client);

  gtk_switch_set_active (insecure, FALSE);
  ss_test_tls_stop_openssl (&server);
  for (guint i = 0; i < g_list_model_get_n_items (ss_session_get_sockets (f->session)); i++)
    {
      g_autoptr(SsSocket) relay = g_list_model_get_item (ss_session_get_sockets (f->session), i);

      ss_socket_close (relay);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_tls_dir = g_dir_make_tmp ("sockscope-window-tls-XXXXXX", NULL);

  ss_test_window_add ("/window-tls/listener-switch", test_listener_switch);
  ss_test_window_add ("/window-tls/client-connect-anyway", test_client_connect_anyway);
  ss_test_window_add ("/window-tls/start-tls", test_start_tls);
  ss_test_window_add ("/window-tls/relay-dropdown", test_relay_dropdown);
  ss_test_window_add ("/window-tls/relay-target-verify", test_relay_target_verify);

  status = g_test_run ();
  ss_test_window_shutdown ();
  g_rmdir (ss_test_tls_dir);
  g_free (ss_test_tls_dir);
  return status;
}
