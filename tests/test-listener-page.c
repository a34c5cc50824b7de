/* test-listener-page.c — a listener's page shows what every client sent,
 * each line marked with its client; a connection filter, picked from the
 * dropdown or from a row; find, send again and save on the merged log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-socket-page-private.h"
#include "ss-test-window.h"
#include "ss-traffic-view.h"

#define N_CLIENTS 3

static const char *texts[N_CLIENTS] = { "hello 你好", "from the second", "third here" };

static gpointer
view_child (SsSocketPage *page,
            const char   *name)
{
  return ss_test_template_child (ss_test_page_child (page, "traffic_view"),
                                 SS_TYPE_TRAFFIC_VIEW, name);
}

static char *
client_address (int client)
{
  return g_strdup_printf ("127.0.0.1:%u", ss_test_fd_local_port (client));
}

/* The position in the table of the received entry holding @text */
static guint
received_position (SsSocketPage *page,
                   const char   *text)
{
  GListModel *model = ss_test_traffic_model (page);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);
      gsize len;
      const char *data;

      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_RECEIVED)
        continue;
      data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);
      if (len == strlen (text) && memcmp (data, text, len) == 0)
        return i;
    }
  return G_MAXUINT;
}

typedef struct
{
  SsSocketPage *page;
  guint         rows;
} RowsWait;

static gboolean
has_rows (gpointer user_data)
{
  RowsWait *wait = user_data;

  return g_list_model_get_n_items (ss_test_traffic_model (wait->page)) == wait->rows;
}

static void
test_listener_shows_all (SsTestWindow  *f,
                         gconstpointer  data)
{
  SsSocket *socket = NULL;
  SsSocketPage *page = ss_test_new_tcp_page (f, &socket);
  SsDropDown *connections;
  GtkSingleSelection *selection;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-listener-page-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "second.txt", NULL);
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GBytes) echoed = NULL;
  int clients[N_CLIENTS];
  guint16 port;
  guint all_rows;

  g_assert_no_error (error);
  ss_test_page_bind (page, "127.0.0.1:0");
  port = ss_test_page_listen (page);
  connections = view_child (page, "connection_dropdown");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (connections)));

  /* every client talks; the window stays on the listener, which shows
   * each text with its client in the client's colour */
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autoptr(SsTrafficEntry) entry = NULL;

      clients[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
      ss_test_raw_send_all (clients[i], texts[i], strlen (texts[i]), SS_TEST_TIMEOUT_MS);
      entry = ss_test_wait_entry (page, SS_TRAFFIC_RECEIVED, texts[i], strlen (texts[i]));
    }
  g_assert_true (ss_test_visible_page (f) == page);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autofree char *address = client_address (clients[i]);
      g_autofree char *colour = g_strdup_printf ("connection-%u", i + 1);

      ss_test_wait_label_shown (page, "traffic-data", texts[i]);
      ss_test_wait_label_shown (page, colour, address);
    }
  selection = GTK_SINGLE_SELECTION (ss_test_traffic_model (page));
  all_rows = g_list_model_get_n_items (G_LIST_MODEL (selection));

  /* one connection, from the dropdown: only its rows. Its list holds
   * them back while closed (a burst made rows nobody saw), and has them
   * all when opened. */
  g_assert_cmpuint (g_list_model_get_n_items (ss_drop_down_get_model (connections)), ==, 1);
  ss_test_dropdown_popup (connections, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (ss_drop_down_get_model (connections)), ==, N_CLIENTS + 1);
  ss_drop_down_set_selected (connections, 2);
  ss_test_dropdown_popup (connections, FALSE);
  selection = GTK_SINGLE_SELECTION (ss_test_traffic_model (page));
  g_assert_cmpuint (received_position (page, texts[1]), !=, G_MAXUINT);
  g_assert_cmpuint (received_position (page, texts[0]), ==, G_MAXUINT);
  g_assert_cmpuint (received_position (page, texts[2]), ==, G_MAXUINT);

  /* Save Log saves what is shown: the second client's */
  g_assert_true (ss_socket_page_save_log (page, SS_EXPORT_RAW_RECEIVED, path));
  saved = ss_test_read_file (path);
  g_assert_cmpmem (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), texts[1], strlen (texts[1]));

  /* all again */
  ss_drop_down_set_selected (connections, 0);
  {
    RowsWait wait = { page, all_rows };

    ss_test_wait_until (has_rows, &wait, SS_TEST_TIMEOUT_MS);
  }

  /* Find runs through every connection's entries */
  selection = GTK_SINGLE_SELECTION (ss_test_traffic_model (page));
  gtk_widget_activate_action (GTK_WIDGET (ss_test_page_child (page, "traffic_view")), "traffic.find", NULL);
  gtk_editable_set_text (view_child (page, "search_entry"), "third");
  g_signal_emit_by_name (view_child (page, "search_entry"), "activate");
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, received_position (page, texts[2]));

  /* Send Again on a client's row goes back through its connection */
  gtk_single_selection_set_selected (selection, received_position (page, texts[2]));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "socket.send-entry", NULL));
  echoed = ss_test_raw_recv (clients[2], strlen (texts[2]), FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (echoed, NULL), g_bytes_get_size (echoed), texts[2], strlen (texts[2]));

  /* a row picks its connection: Only This Connection */
  gtk_single_selection_set_selected (selection, received_position (page, texts[0]));
  gtk_widget_activate_action (GTK_WIDGET (ss_test_page_child (page, "traffic_view")),
                              "traffic.only-connection", NULL);
  g_assert_cmpuint (ss_drop_down_get_selected (connections), ==, 1);
  g_assert_cmpuint (received_position (page, texts[0]), !=, G_MAXUINT);
  g_assert_cmpuint (received_position (page, texts[1]), ==, G_MAXUINT);

  /* from the sidebar: a connection's row, Show in Listener's Log */
  {
    SsSocket *third = g_list_model_get_item (ss_socket_get_connections (socket), 2);

    /* on the listener itself it does nothing */
    gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-in-listener-log", NULL);
    g_assert_cmpuint (ss_drop_down_get_selected (connections), ==, 1);
    ss_window_select_socket (f->window, third);
    ss_test_wait_page (f, third);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-in-listener-log", NULL));
    g_assert_true (ss_test_visible_page (f) == page);
    g_assert_cmpuint (ss_drop_down_get_selected (connections), ==, 3);
    g_assert_cmpuint (received_position (page, texts[2]), !=, G_MAXUINT);
    g_assert_cmpuint (received_position (page, texts[0]), ==, G_MAXUINT);
    g_object_unref (third);
  }

  for (guint i = 0; i < N_CLIENTS; i++)
    g_assert_no_errno (close (clients[i]));
  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
}

/* A socket that never listens has no connection filter, and shows only
 * a datagram's peer column. */
static void
test_client_has_no_filter (SsTestWindow  *f,
                           gconstpointer  data)
{
  int listener, peer;
  SsSocketPage *page = ss_test_connected_client (f, 0, &listener, &peer);

  g_assert_false (gtk_widget_get_visible (view_child (page, "connection_dropdown")));
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

static gboolean
has_two_connections (gpointer listener)
{
  return g_list_model_get_n_items (ss_socket_get_connections (listener)) == 2;
}

static gboolean
is_selected (SsTestWindow *f,
             SsSocket     *socket)
{
  g_autoptr(SsSocket) selected = ss_window_get_selected_socket (f->window);

  return selected == socket;
}

/* The row of @socket in the sidebar, by looking at every row */
static guint
sidebar_position (SsTestWindow *f,
                  SsSocket     *socket)
{
  GListModel *rows = ss_test_sidebar_model (f);
  guint n = g_list_model_get_n_items (rows);

  for (guint i = 0; i < n; i++)
    if (ss_test_sidebar_socket (f, i, NULL) == socket)
      return i;
  return G_MAXUINT;
}

/* Selecting a socket selects its own row: a listener's, or a connection
 * of the first or the second listener (whose rows come after the first's
 * connections); a connection of a collapsed listener shows it again. */
static void
test_select_connection_rows (SsTestWindow  *f,
                             gconstpointer  data)
{
  SsSocket *listeners[2] = { NULL, NULL };
  int clients[4];

  for (guint l = 0; l < 2; l++)
    {
      GListModel *sockets = ss_session_get_sockets (ss_window_get_session (f->window));
      SsSocketPage *page;
      guint16 port;

      /* the new socket is the session's last */
      ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
      g_assert_cmpuint (g_list_model_get_n_items (sockets), ==, l + 1);
      listeners[l] = g_list_model_get_item (sockets, l);
      g_object_unref (listeners[l]);
      page = ss_test_wait_page (f, listeners[l]);

      ss_test_page_bind (page, "127.0.0.1:0");
      port = ss_test_page_listen (page);
      for (guint c = 0; c < 2; c++)
        clients[l * 2 + c] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
      ss_test_wait_until (has_two_connections, listeners[l], SS_TEST_TIMEOUT_MS);
    }

  for (guint l = 0; l < 2; l++)
    {
      GListModel *connections = ss_socket_get_connections (listeners[l]);

      ss_window_select_socket (f->window, listeners[l]);
      g_assert_true (is_selected (f, listeners[l]));
      for (guint c = 0; c < 2; c++)
        {
          g_autoptr(SsSocket) connection = g_list_model_get_item (connections, c);

          ss_window_select_socket (f->window, connection);
          g_assert_true (is_selected (f, connection));
          ss_test_wait_page (f, connection);
        }
    }

  /* the first listener collapsed: its connection's row comes back */
  {
    g_autoptr(GtkTreeListRow) row = g_list_model_get_item (ss_test_sidebar_model (f),
                                                           sidebar_position (f, listeners[0]));
    g_autoptr(SsSocket) second = g_list_model_get_item (ss_socket_get_connections (listeners[0]), 1);

    gtk_tree_list_row_set_expanded (row, FALSE);
    g_assert_cmpuint (sidebar_position (f, second), ==, G_MAXUINT);
    ss_window_select_socket (f->window, second);
    g_assert_cmpuint (sidebar_position (f, second), !=, G_MAXUINT);
    g_assert_true (is_selected (f, second));
  }

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    g_assert_no_errno (close (clients[i]));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/listener-page/shows-all", test_listener_shows_all);
  ss_test_window_add ("/listener-page/client-has-no-filter", test_client_has_no_filter);
  ss_test_window_add ("/listener-page/select-connection-rows", test_select_connection_rows);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
