/* test-page-calls.c — a socket's page shows the calls that can apply to
 * its socket, and Learner Mode shows them all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include "config.h"

#include <sys/socket.h>
#include <unistd.h>

#include "ss-options-panel.h"
#include "ss-test-window.h"

/* What a page shows: each call by its action, and the controls that go
 * with some of them. */
static const char *all_calls[] = {
  "socket.bind", "socket.listen", "socket.accept", "socket.connect", "socket.connect-ex",
  "socket.recv", "socket.shutdown", "socket.close",
};

static char *
shown_calls (SsSocketPage *page)
{
  g_autoptr(GString) shown = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (all_calls); i++)
    if (gtk_widget_is_visible (ss_test_action_button (page, all_calls[i])))
      g_string_append_printf (shown, "%s%s", shown->len ? " " : "", all_calls[i] + strlen ("socket."));
  return g_string_free (g_steal_pointer (&shown), FALSE);
}

static gboolean
control_shown (SsSocketPage *page,
               const char   *name)
{
  return gtk_widget_is_visible (ss_test_page_child (page, name));
}

static void
set_learner_mode (gboolean on)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_boolean (settings, "learner-mode", on);
}

#define EVERY_CALL "bind listen accept connect connect-ex recv shutdown close"

static void
assert_calls (SsSocketPage *page,
              const char   *expected)
{
  g_autofree char *shown = shown_calls (page);

  g_assert_cmpstr (shown, ==, expected);
  /* Learner Mode shows every call, for the kernel's own error */
  set_learner_mode (TRUE);
  g_free (shown);
  shown = shown_calls (page);
  g_assert_cmpstr (shown, ==, EVERY_CALL);
  set_learner_mode (FALSE);
  g_free (shown);
  shown = shown_calls (page);
  g_assert_cmpstr (shown, ==, expected);
}

/* A new stream socket may become a listener or a client: every call of
 * both recipes is there, the steps not yet due disabled. */
static void
test_new_stream_socket (SsTestWindow  *f,
                        gconstpointer  data)
{
  SsSocketPage *page = ss_test_new_tcp_page (f, NULL);

  assert_calls (page, EVERY_CALL);
  g_assert_true (control_shown (page, "backlog_spin"));
  g_assert_true (control_shown (page, "auto_accept_switch"));
}

/* A datagram socket never listens, accepts or shuts a direction down. */
static void
test_datagram_socket (SsTestWindow  *f,
                      gconstpointer  data)
{
  SsSocketPage *page;

  ss_test_window_create_socket (f, "AF_INET", "SOCK_DGRAM");
  ss_test_wait_sidebar (f, "UDP socket", 0, NULL);
  page = ss_test_wait_page (f, ss_test_sidebar_socket (f, 0, NULL));

  assert_calls (page, "bind connect connect-ex recv close");
  g_assert_false (control_shown (page, "backlog_spin"));
  g_assert_false (control_shown (page, "auto_accept_switch"));
  g_assert_true (control_shown (page, "bind_entry"));
  set_learner_mode (TRUE);
  g_assert_true (control_shown (page, "backlog_spin"));
  g_assert_true (control_shown (page, "auto_accept_switch"));
}

static gboolean
has_connection (gpointer listener)
{
  return g_list_model_get_n_items (ss_socket_get_connections (listener)) > 0;
}

/* A listener only takes connections; its connections are connected from
 * birth: no bind address, no listen, no connect. */
static void
test_listener_and_connection (SsTestWindow  *f,
                              gconstpointer  data)
{
  SsSocket *listener;
  SsSocketPage *page = ss_test_new_tcp_page (f, &listener);
  g_autoptr(SsSocket) connection = NULL;
  guint16 port;
  int client;

  ss_test_page_bind (page, "127.0.0.1:0");
  assert_calls (page, EVERY_CALL);
  port = ss_test_page_listen (page);
  assert_calls (page, "bind listen accept close");
  /* the bind row says where the socket is bound: the port the kernel chose */
  {
    g_autofree char *bound = g_strdup_printf ("127.0.0.1:%u", port);

    g_assert_cmpstr (gtk_editable_get_text (ss_test_page_child (page, "bind_entry")), ==, bound);
  }
  g_assert_false (control_shown (page, "connect_entry"));
  g_assert_false (control_shown (page, "auto_receive_switch"));

  client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (has_connection, listener, SS_TEST_TIMEOUT_MS);
  connection = g_list_model_get_item (ss_socket_get_connections (listener), 0);
  ss_window_select_socket (f->window, connection);
  page = ss_test_wait_page (f, connection);
  assert_calls (page, "recv shutdown close");
  g_assert_false (control_shown (page, "bind_entry"));
  g_assert_false (control_shown (page, "backlog_spin"));
  g_assert_true (control_shown (page, "auto_receive_switch"));

  /* closed, it keeps the calls it had */
  ss_test_click (page, "socket.close");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "closed");
  assert_calls (page, "recv shutdown close");
  close (client);
}

/* A client that connected never listens. */
static void
test_client (SsTestWindow  *f,
             gconstpointer  data)
{
  int listener, peer;
  SsSocketPage *page = ss_test_connected_client (f, 0, &listener, &peer);

  assert_calls (page, "bind connect connect-ex recv shutdown close");
  close (peer);
  close (listener);
}

static gboolean
is_label_of (GtkWidget     *widget,
             gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* The Options expander's panel is made when it first opens, for the
 * page's socket: its SO_REUSEADDR switch calls setsockopt(). */
static void
test_options_on_expand (SsTestWindow  *f,
                        gconstpointer  data)
{
  SsSocket *socket = NULL;
  SsSocketPage *page = ss_test_new_tcp_page (f, &socket);
  GtkExpander *expander = ss_test_page_child (page, "options_expander");
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GtkWidget *panel, *name, *grid;
  int row, value = 0;
  socklen_t len = sizeof value;
  g_autoptr(SsCall) last = NULL;

  g_assert_null (gtk_expander_get_child (expander));
  gtk_expander_set_expanded (expander, TRUE);
  panel = gtk_expander_get_child (expander);
  g_assert_true (SS_IS_OPTIONS_PANEL (panel));

  ss_test_collect_widgets (panel, is_label_of, "SO_REUSEADDR", names);
  g_assert_cmpuint (names->len, ==, 1);
  name = names->pdata[0];
  grid = gtk_widget_get_parent (name);
  gtk_grid_query_child (GTK_GRID (grid), name, NULL, &row, NULL, NULL);
  gtk_switch_set_active (GTK_SWITCH (gtk_grid_get_child_at (GTK_GRID (grid), 1, row)), TRUE);
  g_assert_no_errno (getsockopt (ss_socket_get_fd (socket), SOL_SOCKET, SO_REUSEADDR, &value, &len));
  g_assert_cmpint (value, ==, 1);
  last = ss_test_call_at (f, g_list_model_get_n_items (ss_test_call_model (f)) - 1);
  g_assert_cmpstr (ss_call_get_name (last), ==, "setsockopt");

  /* closed again and opened: the same panel */
  gtk_expander_set_expanded (expander, FALSE);
  gtk_expander_set_expanded (expander, TRUE);
  g_assert_true (gtk_expander_get_child (expander) == panel);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/page-calls/new-stream-socket", test_new_stream_socket);
  ss_test_window_add ("/page-calls/datagram", test_datagram_socket);
  ss_test_window_add ("/page-calls/listener-and-connection", test_listener_and_connection);
  ss_test_window_add ("/page-calls/client", test_client);
  ss_test_window_add ("/page-calls/options-on-expand", test_options_on_expand);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
