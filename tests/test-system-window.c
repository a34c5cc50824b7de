/* test-system-window.c — System Sockets: opened by its action, filters kept
 * in GSettings, new/changed/removed highlights for one refresh each, sort,
 * CSV export, Show in Sockscope, Connect to This, Close Connection
 *
 * Refreshes are driven by the test (the interval is set to a minute), so
 * no assertion depends on timing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ss-system-format.h"
#include "ss-system-row.h"
#include "ss-system-snapshot.h"
#include "ss-system-window.h"
#include "ss-tcp-plots.h"
#include "ss-test-window.h"

typedef struct
{
  SsSystemWindow *sw;
  GtkColumnView  *view;
} System;

static gboolean
not_busy (gpointer user_data)
{
  return !ss_system_window_get_busy (user_data);
}

static void
activate (System     *s,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (s->sw), action, NULL));
  ss_test_wait_until (not_busy, s->sw, SS_TEST_LONG_TIMEOUT_MS);
  ss_test_drain_main_context ();
}

static void
refresh (System *s)
{
  activate (s, "system.refresh");
}

static void
system_open (SsTestWindow *f,
             System       *s)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (f->window));
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_uint (settings, "system-refresh-interval", 60000);
  g_action_group_activate_action (G_ACTION_GROUP (app), "system-sockets", NULL);
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (SS_IS_SYSTEM_WINDOW (l->data))
      s->sw = l->data;
  g_assert_nonnull (s->sw);
  s->view = ss_test_template_child (s->sw, SS_TYPE_SYSTEM_WINDOW, "column_view");
  ss_test_wait_until (ss_test_widget_mapped, s->sw, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (not_busy, s->sw, SS_TEST_LONG_TIMEOUT_MS);
}

static void
system_close (System *s)
{
  g_object_add_weak_pointer (G_OBJECT (s->sw), (gpointer *) &s->sw);
  gtk_window_destroy (GTK_WINDOW (s->sw));
  ss_test_wait_until (ss_test_pointer_is_null, &s->sw, SS_TEST_TIMEOUT_MS);
}

static void
set_filter (System     *s,
            const char *text)
{
  GtkEditable *entry = ss_test_template_child (s->sw, SS_TYPE_SYSTEM_WINDOW, "search_entry");

  gtk_editable_set_text (entry, text);
  /* the search entry waits a moment before it says so: activate to skip it */
  g_signal_emit_by_name (entry, "activate");
  g_signal_emit_by_name (entry, "search-changed");
  ss_test_wait_until (not_busy, s->sw, SS_TEST_LONG_TIMEOUT_MS);
  ss_test_drain_main_context ();
}

static guint32
inode_of (int fd)
{
  struct stat st;

  g_assert_no_errno (fstat (fd, &st));
  return st.st_ino;
}

/* The row of a socket, by inode, and its position; NULL when not shown */
static SsSystemRow *
find_row (System  *s,
          guint32  inode,
          guint   *position)
{
  return ss_test_find_system_row (ss_system_window_get_rows (s->sw), inode, position);
}

static gboolean
is_inode_cell (GtkWidget     *widget,
               gconstpointer  data)
{
  return gtk_widget_get_mapped (widget) && g_strcmp0 (ss_test_widget_text (widget), data) == 0;
}

/* The highlight a person sees on a socket's row: the class of the cell
 * that shows its inode, or "" */
static const char *
row_highlight (System  *s,
               guint32  inode)
{
  static const char *classes[] = { "system-new", "system-changed", "system-removed" };
  g_autofree char *text = g_strdup_printf ("%u", inode);
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  GtkWidget *cell;

  ss_test_wait_until (ss_test_widget_mapped, s->view, SS_TEST_TIMEOUT_MS);
  /* a frame, so the rows the change made are laid out */
  ss_test_iterate_for (50);
  ss_test_collect_widgets (GTK_WIDGET (s->view), is_inode_cell, text, cells);
  g_assert_cmpuint (cells->len, ==, 1);
  cell = gtk_widget_get_parent (g_ptr_array_index (cells, 0));
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (gtk_widget_has_css_class (cell, classes[i]))
      return classes[i];
  return "";
}

static void
select_inode (System  *s,
              guint32  inode)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (s->view));
  guint position = GTK_INVALID_LIST_POSITION;

  g_assert_nonnull (find_row (s, inode, &position));
  gtk_single_selection_set_selected (selection, position);
}

/* A listener whose port no other socket of the machine shows, locally or
 * as its peer, not even as the start of a longer port (the filter is a
 * substring: "127.0.0.1:4000" is in "127.0.0.1:40001"): the filter by its
 * port then finds it alone. Tests running beside this one leave thousands
 * of connections in TIME-WAIT, whose ephemeral ports may be the one the
 * kernel gives the listener. */
static int
listener_alone (guint16 *port)
{
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autoptr(SsSystemSnapshot) snapshot = NULL;
      g_autofree char *suffix = NULL;
      int listener = ss_test_raw_listener (AF_INET, 0, port);
      guint32 inode = inode_of (listener);
      gboolean alone = TRUE;

      snapshot = ss_system_snapshot_take (NULL, NULL);
      g_assert_nonnull (snapshot);
      suffix = g_strdup_printf (":%u", *port);
      for (guint i = 0; i < ss_system_snapshot_get_n_entries (snapshot) && alone; i++)
        {
          const SsSystemEntry *e = ss_system_snapshot_get_entry (snapshot, i);

          alone = e->record.inode == inode ||
                  (strstr (e->local_text, suffix) == NULL && strstr (e->peer_text, suffix) == NULL);
        }
      if (alone)
        return listener;
      g_assert_no_errno (close (listener));
    }
  g_assert_not_reached ();
}

static void
test_highlights_and_filters (SsTestWindow *f,
                             gconstpointer data)
{
  System s = { 0 };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *port_text = NULL;
  guint16 port;
  int listener, client, server;
  guint32 listener_inode;

  system_open (f, &s);
  g_assert_cmpuint (g_list_model_get_n_items (ss_system_window_get_rows (s.sw)), >, 0);

  listener = listener_alone (&port);
  listener_inode = inode_of (listener);
  port_text = g_strdup_printf (":%u", port);
  set_filter (&s, port_text);
  {
    g_autofree char *kept = g_settings_get_string (settings, "system-filter-text");
    g_assert_cmpstr (kept, ==, port_text);
  }
  g_assert_null (find_row (&s, listener_inode, NULL));

  /* new, then plain */
  refresh (&s);
  g_assert_cmpuint (g_list_model_get_n_items (ss_system_window_get_rows (s.sw)), ==, 1);
  g_assert_cmpstr (row_highlight (&s, listener_inode), ==, "system-new");
  refresh (&s);
  g_assert_cmpstr (row_highlight (&s, listener_inode), ==, "");

  /* a connection waiting to be accepted changes the listener's queue */
  client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  refresh (&s);
  g_assert_cmpstr (row_highlight (&s, listener_inode), ==, "system-changed");
  g_assert_cmpuint (ss_system_row_get_entry (find_row (&s, listener_inode, NULL))->record.rqueue, ==, 1);
  server = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  refresh (&s);
  /* the listener, the client and the server side */
  g_assert_cmpuint (g_list_model_get_n_items (ss_system_window_get_rows (s.sw)), ==, 3);
  /* the server side was in the accept queue already, with no owner:
   * accepted, it is the same socket, changed */
  g_assert_cmpstr (row_highlight (&s, inode_of (server)), ==, "system-changed");

  /* toggles: kept in GSettings, applied at once */
  activate (&s, "system.system-hide-listening");
  g_assert_true (g_settings_get_boolean (settings, "system-hide-listening"));
  g_assert_null (find_row (&s, listener_inode, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (ss_system_window_get_rows (s.sw)), ==, 2);
  activate (&s, "system.system-hide-loopback");
  g_assert_cmpuint (g_list_model_get_n_items (ss_system_window_get_rows (s.sw)), ==, 0);
  activate (&s, "system.system-hide-loopback");
  activate (&s, "system.system-hide-listening");
  g_assert_false (g_settings_get_boolean (settings, "system-hide-listening"));
  g_assert_nonnull (find_row (&s, listener_inode, NULL));

  /* removed: red for one refresh, then gone */
  close (listener);
  refresh (&s);
  g_assert_cmpstr (row_highlight (&s, listener_inode), ==, "system-removed");
  refresh (&s);
  g_assert_null (find_row (&s, listener_inode, NULL));

  /* the filter comes back with the next window */
  system_close (&s);
  system_open (f, &s);
  g_assert_cmpstr (gtk_editable_get_text (ss_test_template_child (s.sw, SS_TYPE_SYSTEM_WINDOW, "search_entry")), ==, port_text);
  g_assert_nonnull (find_row (&s, inode_of (server), NULL));
  g_assert_cmpuint (g_list_model_get_n_items (ss_system_window_get_rows (s.sw)), ==, 2);

  system_close (&s);
  close (client);
  close (server);
}

/* A click on a column header sorts by it, both ways, in the worker */
static void
test_sort_and_csv (SsTestWindow *f,
                   gconstpointer data)
{
  System s = { 0 };
  g_autofree char *port_text = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-csv-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sockets.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *expected = NULL;
  GListModel *columns;
  g_autoptr(GtkColumnViewColumn) recv_q = NULL;
  guint16 port;
  int listener, clients[3], servers[3];
  GListModel *rows;

  listener = listener_alone (&port);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *bytes = g_strnfill (100 * (i + 1), 'x');

      clients[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
      servers[i] = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
      ss_test_raw_send_all (clients[i], bytes, 100 * (i + 1), SS_TEST_TIMEOUT_MS);
    }
  system_open (f, &s);
  port_text = g_strdup_printf ("127.0.0.1:%u", port);
  set_filter (&s, port_text);
  rows = ss_system_window_get_rows (s.sw);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 7);

  columns = gtk_column_view_get_columns (s.view);
  recv_q = g_list_model_get_item (columns, SS_SYSTEM_COLUMN_RECV_Q - 1);
  g_assert_cmpstr (gtk_column_view_column_get_title (recv_q), ==, "Recv-Q");
  gtk_column_view_sort_by_column (s.view, recv_q, GTK_SORT_DESCENDING);
  ss_test_wait_until (not_busy, s.sw, SS_TEST_LONG_TIMEOUT_MS);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SsSystemRow) row = g_list_model_get_item (rows, i);
      g_assert_cmpuint (ss_system_row_get_entry (row)->record.rqueue, ==, 100 * (3 - i));
    }
  gtk_column_view_sort_by_column (s.view, recv_q, GTK_SORT_ASCENDING);
  ss_test_wait_until (not_busy, s.sw, SS_TEST_LONG_TIMEOUT_MS);
  {
    g_autoptr(SsSystemRow) row = g_list_model_get_item (rows, 6);
    g_assert_cmpuint (ss_system_row_get_entry (row)->record.rqueue, ==, 300);
  }

  /* CSV: a header, then the rows shown, in their order */
  g_assert_true (ss_system_window_write_csv (s.sw, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "protocol,state,local,peer,recv_q,send_q,uid,inode,process,rtt_ms,"));
  {
    g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);
    g_autofree char *pid = g_strdup_printf ("(%d)", getpid ());

    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 7 + 1);
    expected = g_strdup_printf ("TCP,ESTAB,%s,", port_text);
    g_assert_true (g_str_has_prefix (lines[7], expected));
    g_assert_nonnull (strstr (lines[7], ",300,0,"));
    g_assert_nonnull (strstr (lines[7], pid));
  }
  g_unlink (path);
  g_rmdir (dir);

  system_close (&s);
  for (guint i = 0; i < 3; i++)
    {
      close (clients[i]);
      close (servers[i]);
    }
  close (listener);
}

static gboolean
session_has_client (gpointer user_data)
{
  SsTestWindow *f = user_data;
  GListModel *sockets = ss_session_get_sockets (f->session);

  for (guint i = 0; i < g_list_model_get_n_items (sockets); i++)
    {
      g_autoptr(SsSocket) socket = g_list_model_get_item (sockets, i);
      if (ss_socket_get_state (socket) == SS_SOCKET_CONNECTED)
        return TRUE;
    }
  return FALSE;
}

static void
test_actions (SsTestWindow *f,
              gconstpointer data)
{
  System s = { 0 };
  SsSocket *own = NULL;
  SsSocketPage *page = ss_test_new_tcp_page (f, &own);
  g_autoptr(SsSocket) selected = NULL;
  guint16 port;
  int listener, client, server;
  guint32 own_inode;
  char byte;

  ss_test_page_bind (page, "127.0.0.1:0");
  ss_test_page_listen (page);
  own_inode = inode_of (ss_socket_get_fd (own));

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  system_open (f, &s);

  /* Show in Sockscope: the page of one of Sockscope's own sockets */
  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  ss_test_select_row (f, 1);
  select_inode (&s, inode_of (listener));
  /* the test's raw socket is this process's, but no page's: said so */
  ss_test_drain_main_context ();
  g_assert_true (ss_test_button_sensitive (s.sw, "system.connect-to"));
  activate (&s, "system.show-in-sockscope");
  g_assert_nonnull (strstr (ss_system_window_get_message (s.sw), "no page of Sockscope"));
  select_inode (&s, own_inode);
  ss_test_drain_main_context ();
  g_assert_true (ss_test_button_sensitive (s.sw, "system.show-in-sockscope"));
  activate (&s, "system.show-in-sockscope");
  selected = ss_window_get_selected_socket (f->window);
  g_assert_true (selected == own);

  /* Connect to This: a new socket of the main window, connected */
  select_inode (&s, inode_of (listener));
  activate (&s, "system.connect-to");
  ss_test_wait_until (session_has_client, f, SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  close (server);

  /* Close Connection: done as root, otherwise the reason is shown */
  client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  refresh (&s);
  select_inode (&s, inode_of (client));
  activate (&s, "system.close-connection");
  g_assert_nonnull (ss_system_window_get_message (s.sw));
  if (g_str_has_prefix (ss_system_window_get_message (s.sw), "Closed "))
    {
      g_assert_cmpint (recv (client, &byte, 1, 0), ==, -1);
      g_assert_cmpint (errno, ==, ECONNABORTED);
    }
  else
    g_assert_true (strstr (ss_system_window_get_message (s.sw), "CAP_NET_ADMIN") != NULL ||
                   strstr (ss_system_window_get_message (s.sw), "CONFIG_INET_DIAG_DESTROY") != NULL);

  /* Copy Row: the row's columns, tab-separated */
  select_inode (&s, inode_of (listener));
  activate (&s, "system.copy-row");
  {
    g_autoptr(GAsyncResult) read = NULL;
    g_autofree char *copied = NULL;
    g_autofree char *expected = ss_system_entry_to_text (ss_system_row_get_entry (find_row (&s, inode_of (listener), NULL)));
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (s.sw));

    gdk_clipboard_read_text_async (clipboard, NULL, ss_test_store_result_cb, &read);
    ss_test_wait_result (&read, SS_TEST_TIMEOUT_MS);
    copied = gdk_clipboard_read_text_finish (clipboard, read, NULL);
    g_assert_cmpstr (copied, ==, expected);
    g_assert_true (g_str_has_prefix (copied, "TCP\tLISTEN\t127.0.0.1:"));
  }

  system_close (&s);
  close (client);
  close (server);
  close (listener);
}

static gboolean
plotted_twice (gpointer user_data)
{
  SsTcpPlots *plots = user_data;
  SsTcpSampler *sampler = ss_tcp_plots_get_sampler (plots);

  return sampler != NULL && ss_series_get_n_samples (ss_tcp_sampler_get_series (sampler)) >= 2;
}

/* Plots of any program's connection picked in the view (F9): the
 * kernel's counters for exactly that socket, once a second, and none for
 * a listener */
static void
test_plots (SsTestWindow *f,
            gconstpointer data)
{
  System s = { 0 };
  SsTcpPlots *plots;
  GtkWidget *pane;
  SsSeries *series;
  guint16 port;
  int listener, client, server;
  guint last;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (client, "0123456789", 10, SS_TEST_TIMEOUT_MS);
  system_open (f, &s);
  plots = ss_test_template_child (s.sw, SS_TYPE_SYSTEM_WINDOW, "plots");
  pane = ss_test_template_child (s.sw, SS_TYPE_SYSTEM_WINDOW, "plots_pane");

  /* hidden until asked for */
  g_assert_false (gtk_widget_get_visible (pane));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (s.sw), "system.plots", NULL));
  g_assert_true (gtk_widget_get_visible (pane));

  /* a listener has nothing to plot */
  select_inode (&s, inode_of (listener));
  g_assert_null (ss_tcp_plots_get_sampler (plots));
  ss_test_wait_label_shown (pane, "heading", "Select a TCP connection to plot it.");

  /* the server's side of the pair: its 10 bytes received */
  select_inode (&s, inode_of (server));
  g_assert_nonnull (ss_tcp_plots_get_sampler (plots));
  ss_test_wait_until (plotted_twice, plots, SS_TEST_LONG_TIMEOUT_MS);
  series = ss_tcp_sampler_get_series (ss_tcp_plots_get_sampler (plots));
  last = ss_series_get_n_samples (series) - 1;
  g_assert_cmpfloat (ss_series_get_value (series, last, SS_TCP_SERIES_RECV_QUEUE), ==, 10);

  /* a refresh keeps the same plots for the same socket */
  {
    SsTcpSampler *before = ss_tcp_plots_get_sampler (plots);

    refresh (&s);
    g_assert_true (ss_tcp_plots_get_sampler (plots) == before);
  }

  system_close (&s);
  g_assert_no_errno (close (server));
  g_assert_no_errno (close (client));
  g_assert_no_errno (close (listener));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/system-window/highlights-and-filters", test_highlights_and_filters);
  ss_test_window_add ("/system-window/sort-and-csv", test_sort_and_csv);
  ss_test_window_add ("/system-window/actions", test_actions);
  ss_test_window_add ("/system-window/plots", test_plots);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
