/* test-window-server.c — a listener in the window serves as a server
 * does: "Close when the peer closes", Remove Closed Connections and the
 * retention of closed ones, the backlog the field shows, and the recv()
 * step in the call log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-spec.h"
#include "ss-test-socket.h"
#include "ss-test-window.h"

static GSettings *
app_settings (void)
{
  return g_settings_new (g_application_get_application_id (g_application_get_default ()));
}

static GtkSwitch *
close_switch (SsSocketPage *page)
{
  return ss_test_page_child (page, "close_on_peer_close_switch");
}

static int
shown_backlog (SsSocketPage *page)
{
  return gtk_spin_button_get_value_as_int (ss_test_page_child (page, "backlog_spin"));
}

typedef struct
{
  SsTestWindow *f;
  guint         n;
} RowsWait;

static gboolean
sidebar_has (gpointer user_data)
{
  RowsWait *wait = user_data;

  return g_list_model_get_n_items (ss_test_sidebar_model (wait->f)) == wait->n;
}

static void
wait_sidebar_rows (SsTestWindow *f,
                   guint         n)
{
  RowsWait wait = { f, n };

  ss_test_wait_until (sidebar_has, &wait, SS_TEST_TIMEOUT_MS);
}

static gboolean
is_closed (gpointer socket)
{
  return ss_socket_get_state (socket) == SS_SOCKET_CLOSED;
}

static gboolean
is_peer_closed (gpointer socket)
{
  return ss_socket_get_peer_closed (socket);
}

/* The switch starts from the preference, closes a connection whose peer
 * went, and, switched off, keeps it; Learner Mode starts it off. */
static void
test_close_switch (SsTestWindow  *f,
                   gconstpointer  data)
{
  g_autoptr(GSettings) settings = app_settings ();
  g_autoptr(SsCall) close_call = NULL;
  SsSocketPage *page, *learner_page;
  SsSocket *listener, *first, *second, *learner_socket;
  guint16 port;
  int peer;

  page = ss_test_new_tcp_page (f, &listener);
  g_assert_true (gtk_switch_get_active (close_switch (page)));
  g_assert_true (ss_socket_get_close_on_peer_close (listener));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (close_switch (page))));
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (close_switch (page))));
  ss_test_page_bind (page, "127.0.0.1:0");
  port = ss_test_page_listen (page);

  /* on: the peer goes, so does the connection, and close() is logged */
  peer = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  wait_sidebar_rows (f, 2);
  first = ss_test_sidebar_socket (f, 1, NULL);
  g_assert_no_errno (close (peer));
  ss_test_wait_until (is_closed, first, SS_TEST_TIMEOUT_MS);
  close_call = ss_test_find_call (ss_session_get_calls (ss_window_get_session (f->window)),
                                 "close", ss_socket_get_fd (first), NULL);
  g_assert_nonnull (close_call);

  /* off, by the switch: the next connection stays, peer closed */
  gtk_switch_set_active (close_switch (page), FALSE);
  g_assert_false (ss_socket_get_close_on_peer_close (listener));
  peer = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  wait_sidebar_rows (f, 3);
  second = ss_test_sidebar_socket (f, 2, NULL);
  g_assert_false (ss_socket_get_close_on_peer_close (second));
  g_assert_no_errno (close (peer));
  ss_test_wait_until (is_peer_closed, second, SS_TEST_TIMEOUT_MS);
  ss_test_iterate_for (50);
  g_assert_cmpint (ss_socket_get_state (second), ==, SS_SOCKET_CONNECTED);

  /* on again: it closes at once */
  gtk_switch_set_active (close_switch (page), TRUE);
  g_assert_cmpint (ss_socket_get_state (second), ==, SS_SOCKET_CLOSED);

  /* in Learner Mode a new listener keeps its connections open */
  g_settings_set_boolean (settings, "learner-mode", TRUE);
  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  wait_sidebar_rows (f, 4);
  learner_socket = ss_test_sidebar_socket (f, 3, NULL);
  learner_page = ss_test_wait_page (f, learner_socket);
  g_assert_false (gtk_switch_get_active (close_switch (learner_page)));
  g_assert_false (ss_socket_get_close_on_peer_close (learner_socket));
  g_settings_reset (settings, "learner-mode");

  /* the preference off: new listeners start off */
  g_settings_set_boolean (settings, "close-on-peer-close", FALSE);
  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  wait_sidebar_rows (f, 5);
  g_assert_false (ss_socket_get_close_on_peer_close (ss_test_sidebar_socket (f, 4, NULL)));
  g_settings_reset (settings, "close-on-peer-close");
}

/* Remove Closed Connections leaves the listener and its open
 * connections; the retention keeps the newest closed ones. */
static void
test_remove_closed (SsTestWindow  *f,
                    gconstpointer  data)
{
  g_autoptr(GSettings) settings = app_settings ();
  g_auto(GStrv) accels = NULL;
  SsSocketPage *page;
  SsSocket *listener, *open_one;
  int peers[5];
  guint16 port;

  accels = gtk_application_get_accels_for_action (gtk_window_get_application (GTK_WINDOW (f->window)),
                                                  "win.remove-closed");
  g_assert_cmpstr (accels[0], ==, "<Shift><Control>k");

  page = ss_test_new_tcp_page (f, &listener);
  ss_test_page_bind (page, "127.0.0.1:0");
  port = ss_test_page_listen (page);
  for (guint i = 0; i < 3; i++)
    peers[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  wait_sidebar_rows (f, 4);
  open_one = ss_test_sidebar_socket (f, 2, NULL);
  g_assert_no_errno (close (peers[0]));
  g_assert_no_errno (close (peers[2]));
  ss_test_wait_until (is_closed, ss_test_sidebar_socket (f, 1, NULL), SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (is_closed, ss_test_sidebar_socket (f, 3, NULL), SS_TEST_TIMEOUT_MS);

  /* a closed connection's page stays readable: "closed" */
  ss_test_select_row (f, 1);
  ss_test_wait_info (ss_test_wait_page (f, ss_test_sidebar_socket (f, 1, NULL)),
                     SS_TEST_INFO_STATE, "closed");
  ss_test_select_row (f, 0);
  ss_test_wait_page (f, listener);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.remove-closed", NULL);
  wait_sidebar_rows (f, 2);
  g_assert_true (ss_test_sidebar_socket (f, 0, NULL) == listener);
  g_assert_true (ss_test_sidebar_socket (f, 1, NULL) == open_one);
  g_assert_true (ss_test_visible_page (f) == page);

  /* a retention of one: of two more closed, the newer stays */
  g_settings_set_uint (settings, "closed-retention", 1);
  g_assert_cmpuint (ss_socket_get_closed_retention (listener), ==, 1);
  peers[3] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  wait_sidebar_rows (f, 3);
  peers[4] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  wait_sidebar_rows (f, 4);
  {
    SsSocket *newest = ss_test_sidebar_socket (f, 3, NULL);

    g_assert_no_errno (close (peers[3]));
    g_assert_no_errno (close (peers[4]));
    ss_test_wait_until (is_closed, newest, SS_TEST_TIMEOUT_MS);
    wait_sidebar_rows (f, 3);
    g_assert_true (ss_test_sidebar_socket (f, 1, NULL) == open_one);
    g_assert_true (ss_test_sidebar_socket (f, 2, NULL) == newest);
  }
  g_settings_reset (settings, "closed-retention");
  g_assert_no_errno (close (peers[1]));
}

/* The field shows the system's maximum by default, 5 in Learner Mode, a
 * value typed once listen() took it, and always what listen() got. */
static void
test_backlog_field (SsTestWindow  *f,
                    gconstpointer  data)
{
  g_autoptr(GSettings) settings = app_settings ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSpec) spec = NULL;
  SsSocketPage *page;
  SsSocket *socket, *spec_listener;

  page = ss_test_new_tcp_page (f, &socket);
  g_assert_cmpint (shown_backlog (page), ==, ss_socket_max_backlog ());
  g_settings_set_boolean (settings, "learner-mode", TRUE);
  g_assert_cmpint (shown_backlog (page), ==, 5);
  g_settings_reset (settings, "learner-mode");
  g_assert_cmpint (shown_backlog (page), ==, ss_socket_max_backlog ());

  /* typed, and taken by listen(): remembered */
  gtk_spin_button_set_value (ss_test_page_child (page, "backlog_spin"), 12);
  ss_test_page_bind (page, "127.0.0.1:0");
  ss_test_page_listen (page);
  g_assert_cmpint (ss_socket_get_backlog (socket), ==, 12);
  g_assert_cmpint (g_settings_get_int (settings, "last-backlog"), ==, 12);
  g_assert_cmpint (shown_backlog (page), ==, 12);
  g_settings_reset (settings, "last-backlog");
  /* a listener's field keeps what it got */
  g_assert_cmpint (shown_backlog (page), ==, 12);

  /* from the command line: the system's maximum, shown */
  spec = ss_spec_parse ("tcp-listen:0", &error);
  g_assert_no_error (error);
  ss_window_open_spec (f->window, spec);
  wait_sidebar_rows (f, 2);
  spec_listener = ss_test_sidebar_socket (f, 1, NULL);
  page = ss_test_wait_page (f, spec_listener);
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "listening");
  g_assert_cmpint (ss_socket_get_backlog (spec_listener), ==, ss_socket_max_backlog ());
  g_assert_cmpint (shown_backlog (page), ==, ss_socket_max_backlog ());
  g_assert_false (gtk_widget_get_sensitive (ss_test_page_child (page, "backlog_spin")));
}

/* An automatic receive is the seed's recv() step in the call view, with
 * what it got. */
static void
test_recv_in_call_view (SsTestWindow  *f,
                        gconstpointer  data)
{
  g_autofree char *python = NULL;
  g_autofree char *c = NULL;
  g_autofree char *row = NULL;
  SsSocketPage *page;
  SsSocket *listener, *connection;
  g_autoptr(SsCall) call = NULL;
  SsCallLog *calls = ss_session_get_calls (ss_window_get_session (f->window));
  guint16 port;
  int peer;

  page = ss_test_new_tcp_page (f, &listener);
  ss_test_page_bind (page, "127.0.0.1:0");
  port = ss_test_page_listen (page);
  peer = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (peer, "hello", 5, SS_TEST_TIMEOUT_MS);
  wait_sidebar_rows (f, 2);
  connection = ss_test_sidebar_socket (f, 1, NULL);
  ss_test_wait_bytes_in (connection, 5);

  call = ss_test_find_call (calls, "recv", ss_socket_get_fd (connection), NULL);
  g_assert_nonnull (call);
  c = g_strdup_printf ("recv(%d, buf, 65536, 0) = 5", ss_socket_get_fd (connection));
  row = ss_call_view_format (f->call_view, call);
  g_assert_true (g_str_has_suffix (row, c));
  g_free (row);
  ss_test_choose (ss_test_template_child (f->call_view, SS_TYPE_CALL_VIEW, "notation_dropdown"),
                  "Python");
  python = g_strdup_printf ("data = conn%d.recv(65536)  # → 5 bytes", ss_socket_get_fd (connection));
  row = ss_call_view_format (f->call_view, call);
  g_assert_true (g_str_has_suffix (row, python));
  ss_test_assert_calls (f, "socket bind listen accept4 recv");
  g_assert_no_errno (close (peer));
  ss_test_wait_until (is_closed, connection, SS_TEST_TIMEOUT_MS);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);

  ss_test_window_add ("/window-server/close-switch", test_close_switch);
  ss_test_window_add ("/window-server/remove-closed", test_remove_closed);
  ss_test_window_add ("/window-server/backlog-field", test_backlog_field);
  ss_test_window_add ("/window-server/recv-in-call-view", test_recv_in_call_view);

  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
