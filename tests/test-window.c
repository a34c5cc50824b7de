/* test-window.c — the real window, driven through its own widgets and
 * actions, checked on what a person sees: rows in the sidebar, labels,
 * buttons' sensitivity, the traffic and call views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-constants.h"
#include "ss-spec.h"
#include "ss-test-window.h"

/* ------------------------------------------------------------------ */
/* 1. create → bind → listen → a peer connects and sends               */

static const guint8 peer_payload[] = "hello\n\xff";   /* + its NUL: 0xff 0x00 */

static void
test_listen_and_receive (SsTestWindow  *f,
                         gconstpointer  data)
{
  g_autofree char *listener_title = NULL;
  g_autofree char *peer_address = NULL;
  g_autofree char *connection_title = NULL;
  g_autofree char *connection_subtitle = NULL;
  g_autofree char *fd_text = NULL;
  g_autofree char *local = NULL;
  g_autoptr(SsTrafficEntry) entry = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  SsSocketPage *page, *connection_page;
  SsSocket *listener, *connection;
  GtkSingleSelection *selection;
  guint depth;
  guint16 port;
  int peer;

  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  g_assert_false (gtk_widget_get_visible (ss_test_template_child (f->new_socket_box,
                                                                  SS_TYPE_NEW_SOCKET_BOX,
                                                                  "error_label")));
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);
  listener = ss_test_sidebar_socket (f, 0, NULL);
  g_assert_cmpint (ss_socket_get_family (listener), ==, AF_INET);
  g_assert_cmpint (ss_socket_get_socket_type (listener), ==, SOCK_STREAM);

  /* its page shows, its row is the selected one */
  page = ss_test_wait_page (f, listener);
  rows = ss_test_shown_rows (f);
  g_assert_true (ss_test_row_is_selected (rows->pdata[0]));
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_assert_cmpstr (ss_test_page_title (page), ==, "TCP socket");
  fd_text = g_strdup_printf ("%d", ss_socket_get_fd (listener));
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_FD), ==, fd_text);
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_KIND), ==, "AF_INET, SOCK_STREAM");
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_STATE), ==, "created");
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_LOCAL), ==, "—");
  g_assert_true (ss_test_button_sensitive (page, "socket.bind"));
  g_assert_true (ss_test_button_sensitive (page, "socket.listen"));
  g_assert_true (ss_test_button_sensitive (page, "socket.connect"));
  g_assert_false (ss_test_button_sensitive (page, "socket.accept"));
  g_assert_false (ss_test_button_sensitive (page, "socket.send"));

  /* bind to port 0: the page shows the kernel's port */
  gtk_editable_set_text (ss_test_page_child (page, "bind_entry"), "127.0.0.1:0");
  ss_test_click (page, "socket.bind");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "bound");
  local = g_strdup (ss_test_info_value (page, SS_TEST_INFO_LOCAL));
  g_assert_true (g_str_has_prefix (local, "127.0.0.1:"));
  g_assert_false (g_str_has_suffix (local, ":0"));
  port = ss_test_port_of (local);
  g_assert_cmpuint (port, ==, ss_test_fd_local_port (ss_socket_get_fd (listener)));
  g_assert_false (ss_test_button_sensitive (page, "socket.bind"));
  g_assert_false (gtk_widget_get_sensitive (ss_test_page_child (page, "bind_entry")));
  g_assert_true (ss_test_button_sensitive (page, "socket.listen"));
  /* loopback: no note that other machines can connect */
  g_assert_false (gtk_widget_get_visible (ss_test_page_child (page, "exposure_label")));

  /* listen */
  ss_test_click (page, "socket.listen");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "listening");
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_LOCAL), ==, local);
  g_assert_cmpstr (ss_test_page_title (page), ==, "TCP listener");
  g_assert_false (ss_test_button_sensitive (page, "socket.listen"));
  g_assert_false (ss_test_button_sensitive (page, "socket.bind"));
  g_assert_false (ss_test_button_sensitive (page, "socket.connect"));
  g_assert_true (ss_test_button_sensitive (page, "socket.accept"));
  g_assert_true (ss_test_button_sensitive (page, "socket.close"));
  listener_title = g_strdup_printf ("TCP listener · %s", local);
  ss_test_wait_sidebar (f, listener_title, 0, NULL);

  /* a peer connects and sends: accepted by itself, under the listener */
  peer = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (peer, peer_payload, sizeof peer_payload, SS_TEST_TIMEOUT_MS);
  peer_address = g_strdup_printf ("127.0.0.1:%u", ss_test_fd_local_port (peer));
  connection_title = g_strdup_printf ("TCP connection · %s", peer_address);
  ss_test_wait_sidebar (f, listener_title, 0, connection_title, 1, NULL);

  connection = ss_test_sidebar_socket (f, 1, &depth);
  g_assert_cmpuint (depth, ==, 1);
  g_assert_true (ss_socket_get_listener (connection) == listener);
  {
    g_autoptr(GtkTreeListRow) row = g_list_model_get_item (ss_test_sidebar_model (f), 1);
    g_autoptr(GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);
    g_autoptr(SsSocket) parent_socket = NULL;

    g_assert_nonnull (parent);
    parent_socket = gtk_tree_list_row_get_item (parent);
    g_assert_true (parent_socket == listener);
  }
  /* the listener stays selected while connections come in */
  selection = GTK_SINGLE_SELECTION (ss_test_sidebar_model (f));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  g_assert_true (ss_test_visible_page (f) == page);

  /* select the connection: its page, with the bytes the peer sent */
  ss_test_select_row (f, 1);
  connection_page = ss_test_wait_page (f, connection);
  rows = ss_test_shown_rows (f);
  g_assert_false (ss_test_row_is_selected (rows->pdata[0]));
  g_assert_true (ss_test_row_is_selected (rows->pdata[1]));
  connection_subtitle = g_strdup_printf ("connected · fd %d", ss_socket_get_fd (connection));
  g_assert_cmpstr (ss_test_row_subtitle (rows->pdata[1]), ==, connection_subtitle);
  g_assert_cmpstr (ss_test_page_title (connection_page), ==, "TCP connection");
  g_assert_cmpstr (ss_test_info_value (connection_page, SS_TEST_INFO_STATE), ==, "connected");
  g_assert_cmpstr (ss_test_info_value (connection_page, SS_TEST_INFO_PEER), ==, peer_address);
  g_assert_cmpstr (ss_test_info_value (connection_page, SS_TEST_INFO_LOCAL), ==, local);
  /* an accepted connection cannot bind, listen or connect */
  g_assert_false (ss_test_button_sensitive (connection_page, "socket.bind"));
  g_assert_false (ss_test_button_sensitive (connection_page, "socket.listen"));
  g_assert_false (ss_test_button_sensitive (connection_page, "socket.connect"));
  g_assert_true (ss_test_button_sensitive (connection_page, "socket.send"));

  entry = ss_test_wait_entry (connection_page, SS_TRAFFIC_RECEIVED,
                              peer_payload, sizeof peer_payload);
  ss_test_wait_info (connection_page, SS_TEST_INFO_RECEIVED, "8 bytes");
  text = ss_traffic_entry_dup_text (entry, 0);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==, "hello\\n\\xff\\0");
  ss_test_wait_label_shown (ss_test_page_child (connection_page, "traffic_view"),
                            "traffic-data", text);

  /* every call the window made, in order, in the call log */
  ss_test_assert_calls (f, "socket bind listen accept4 recv");

  /* the peer goes: the connection closes, as a server's does */
  g_assert_no_errno (close (peer));
  ss_test_wait_info (connection_page, SS_TEST_INFO_STATE, "closed");
}

/* ------------------------------------------------------------------ */
/* 1b. accepting by hand                                               */

static void
test_accept_by_hand (SsTestWindow  *f,
                     gconstpointer  data)
{
  g_autofree char *listener_title = NULL;
  g_autofree char *connection_title = NULL;
  g_autofree char *local = NULL;
  g_autoptr(SsCall) failed = NULL;
  SsSocketPage *page;
  SsSocket *listener;
  GtkSwitch *auto_accept;
  guint16 port;
  int peer;

  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);
  listener = ss_test_sidebar_socket (f, 0, NULL);
  page = ss_test_wait_page (f, listener);

  auto_accept = ss_test_page_child (page, "auto_accept_switch");
  g_assert_true (gtk_switch_get_active (auto_accept));
  gtk_switch_set_active (auto_accept, FALSE);
  g_assert_false (ss_socket_get_auto_accept (listener));

  /* listen() without bind: the kernel picks the port, the page shows it */
  ss_test_click (page, "socket.listen");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "listening");
  ss_test_wait_info_prefix (page, SS_TEST_INFO_LOCAL, "0.0.0.0:");
  /* all interfaces: the page says other machines can now connect */
  g_assert_true (gtk_widget_get_visible (ss_test_page_child (page, "exposure_label")));
  local = g_strdup (ss_test_info_value (page, SS_TEST_INFO_LOCAL));
  port = ss_test_port_of (local);
  g_assert_cmpuint (port, ==, ss_test_fd_local_port (ss_socket_get_fd (listener)));
  listener_title = g_strdup_printf ("TCP listener · %s", local);
  ss_test_wait_sidebar (f, listener_title, 0, NULL);

  /* the connection waits in the kernel's queue until Accept */
  peer = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  ss_test_drain_main_context ();
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_sidebar_model (f)), ==, 1);
  ss_test_assert_calls (f, "socket listen");

  ss_test_click (page, "socket.accept");
  connection_title = g_strdup_printf ("TCP connection · 127.0.0.1:%u",
                                      ss_test_fd_local_port (peer));
  ss_test_wait_sidebar (f, listener_title, 0, connection_title, 1, NULL);
  g_assert_false (gtk_revealer_get_reveal_child (ss_test_page_child (page, "error_revealer")));
  ss_test_assert_calls (f, "socket listen accept4");

  /* non-blocking, with nothing waiting: accept() fails at once, and says why */
  ss_drop_down_set_selected (ss_test_page_child (page, "mode_dropdown"), 2);
  ss_test_click (page, "socket.accept");
  ss_test_wait_page_error (page, "EAGAIN", NULL);
  ss_test_assert_calls (f, "socket listen accept4 setblocking accept4");
  failed = ss_test_call_at (f, 4);
  g_assert_cmpint (ss_call_get_errno (failed), ==, EAGAIN);
  ss_test_wait_sidebar (f, listener_title, 0, connection_title, 1, NULL);

  g_assert_no_errno (close (peer));
}

/* ------------------------------------------------------------------ */
/* 2. a family the kernel refuses                                      */

static void
test_refused_family (SsTestWindow  *f,
                     gconstpointer  data)
{
  GtkLabel *error_label = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                                  "error_label");
  g_autofree char *errno_name = NULL;
  g_autoptr(SsCall) call = NULL;
  const char *text;
  int fd, errsv;

  /* what this kernel answers, to compare the window's words with */
  fd = socket (AF_IPX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  errsv = errno;
  if (fd >= 0)
    {
      close (fd);
      g_test_skip ("this kernel supports AF_IPX");
      return;
    }
  errno_name = g_strdup_printf ("(%s)", ss_errno_name (errsv));

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  ss_test_window_create_socket (f, "AF_IPX", "SOCK_STREAM");
  ss_test_wait_until (ss_test_widget_mapped, error_label, SS_TEST_TIMEOUT_MS);
  text = gtk_label_get_text (error_label);
  g_assert_nonnull (strstr (text, errno_name));
  g_assert_true (g_str_has_prefix (text, "socket: "));

  /* no row, no page; the failed call is in the log */
  ss_test_drain_main_context ();
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_sidebar_model (f)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->pages), ==, "empty");
  ss_test_assert_calls (f, "socket");
  call = ss_test_call_at (f, 0);
  g_assert_cmpint (ss_call_get_errno (call), ==, errsv);
  g_assert_cmpint (ss_call_get_result (call), ==, -1);

  /* a family that works clears the message */
  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
}

/* ------------------------------------------------------------------ */
/* 3. a client: connect, send from the send box, the peer closes        */

static void
test_connect_and_send (SsTestWindow  *f,
                       gconstpointer  data)
{
  static const char typed[] = "你好 Sockscope";
  static const char expected[] = "你好 Sockscope\r\n";
  g_autofree char *address = NULL;
  g_autofree char *client_title = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *text = NULL;
  g_autoptr(SsTrafficEntry) entry = NULL;
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GBytes) expected_bytes = g_bytes_new_static (expected, strlen (expected));
  GtkTextBuffer *buffer;
  SsSocketPage *page;
  SsSocket *client;
  guint8 extra;
  guint16 port;
  int listener, peer;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  address = g_strdup_printf ("127.0.0.1:%u", port);

  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);
  client = ss_test_sidebar_socket (f, 0, NULL);
  page = ss_test_wait_page (f, client);

  gtk_editable_set_text (ss_test_page_child (page, "connect_entry"), address);
  ss_test_click (page, "socket.connect");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "connected");
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_PEER), ==, address);
  g_assert_cmpstr (ss_test_page_title (page), ==, "TCP client");
  client_title = g_strdup_printf ("TCP client · %s", address);
  ss_test_wait_sidebar (f, client_title, 0, NULL);
  g_assert_false (gtk_revealer_get_reveal_child (ss_test_page_child (page, "error_revealer")));
  g_assert_false (ss_test_button_sensitive (page, "socket.connect"));
  g_assert_false (ss_test_button_sensitive (page, "socket.bind"));
  g_assert_false (ss_test_button_sensitive (page, "socket.listen"));
  g_assert_true (ss_test_button_sensitive (page, "socket.send"));

  /* type, pick CRLF, send: the peer gets exactly the UTF-8 and CRLF */
  buffer = gtk_text_view_get_buffer (ss_test_send_text (page));
  gtk_text_buffer_set_text (buffer, typed, -1);
  ss_test_choose (ss_test_line_ending (page), "CRLF");
  ss_test_click (page, "socket.send");

  received = ss_test_raw_recv (peer, strlen (expected), FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                   expected, strlen (expected));
  g_assert_cmpint (recv (peer, &extra, 1, MSG_DONTWAIT), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);

  entry = ss_test_wait_entry (page, SS_TRAFFIC_SENT, expected, strlen (expected));
  g_assert_true (g_bytes_equal (ss_traffic_entry_get_bytes (entry), expected_bytes));
  text = ss_traffic_entry_dup_text (entry, 0);
  g_assert_cmpstr (text, ==, "你好 Sockscope\\r\\n");
  ss_test_wait_label_shown (ss_test_page_child (page, "traffic_view"), "traffic-data", text);
  sent = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes", strlen (expected));
  ss_test_wait_info (page, SS_TEST_INFO_SENT, sent);
  ss_test_assert_calls (f, "socket connect sendall");

  /* the peer closes: the page says so */
  g_assert_no_errno (close (peer));
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "peer closed");
  {
    static const char event[] = "Peer closed its side of the connection (recv returned 0)";
    g_autoptr(SsTrafficEntry) closed = ss_test_wait_entry (page, SS_TRAFFIC_EVENT,
                                                           event, strlen (event));

    g_assert_nonnull (closed);
  }

  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 4. connect errors: refused, and a mistake in the address             */

static void
test_connect_errors (SsTestWindow  *f,
                     gconstpointer  data)
{
  g_autofree char *address = NULL;
  g_autofree char *refused = NULL;
  g_autoptr(SsCall) call = NULL;
  const char *message;
  SsSocketPage *page;
  SsSocket *socket;
  guint n_calls;

  address = g_strdup_printf ("127.0.0.1:%u", ss_test_unused_port (AF_INET));

  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);
  socket = ss_test_sidebar_socket (f, 0, NULL);
  page = ss_test_wait_page (f, socket);
  g_assert_false (gtk_revealer_get_reveal_child (ss_test_page_child (page, "error_revealer")));

  gtk_editable_set_text (ss_test_page_child (page, "connect_entry"), address);
  ss_test_click (page, "socket.connect");
  refused = g_strdup (ss_test_wait_page_error (page, "ECONNREFUSED", NULL));
  g_assert_true (g_str_has_prefix (refused, "connect: "));

  /* back where it was: the person may try again */
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "created");
  g_assert_cmpstr (ss_test_page_title (page), ==, "TCP socket");
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_PEER), ==, "—");
  g_assert_true (ss_test_button_sensitive (page, "socket.connect"));
  g_assert_true (ss_test_button_sensitive (page, "socket.bind"));
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);
  ss_test_assert_calls (f, "socket connect");
  call = ss_test_call_at (f, 1);
  g_assert_cmpint (ss_call_get_errno (call), ==, ECONNREFUSED);

  /* no port: named, and nothing is called */
  n_calls = g_list_model_get_n_items (ss_test_call_model (f));
  gtk_editable_set_text (ss_test_page_child (page, "connect_entry"), "nonsense");
  ss_test_click (page, "socket.connect");
  message = ss_test_wait_page_error (page, "port", refused);
  g_assert_null (strstr (message, "ECONNREFUSED"));
  ss_test_drain_main_context ();
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_STATE), ==, "created");
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_call_model (f)), ==, n_calls);
  g_assert_true (ss_test_button_sensitive (page, "socket.connect"));
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);

  /* the close button on the message hides it */
  {
    GtkRevealer *revealer = ss_test_page_child (page, "error_revealer");
    GtkWidget *dismiss = NULL;
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

    ss_test_collect_widgets (GTK_WIDGET (revealer), ss_test_is_button, NULL, buttons);
    g_assert_cmpuint (buttons->len, ==, 1);
    dismiss = buttons->pdata[0];
    g_signal_emit_by_name (dismiss, "clicked");
    g_assert_false (gtk_revealer_get_reveal_child (revealer));
  }
}

/* ------------------------------------------------------------------ */
/* 5. specs from the command line                                      */

static gboolean
info_bar_revealed (gpointer info_bar)
{
  return gtk_info_bar_get_revealed (info_bar);
}

static gboolean
selected_listener (gpointer user_data)
{
  SsTestWindow *f = user_data;
  g_autoptr(SsSocket) socket = ss_window_get_selected_socket (f->window);

  return socket != NULL && ss_socket_get_state (socket) == SS_SOCKET_LISTENING;
}

static void
test_open_spec (SsTestWindow  *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSpec) listen_spec = NULL;
  g_autoptr(SsSpec) refused_spec = NULL;
  g_autofree char *refused_text = NULL;
  g_autofree char *listener_title = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (ss_test_sidebar_model (f));
  const char *message;
  SsSocketPage *page;
  SsSocket *listener;
  const char *local;

  listen_spec = ss_spec_parse ("tcp-listen:0", &error);
  g_assert_no_error (error);
  ss_window_open_spec (f->window, listen_spec);

  /* socket → bind → listen on loopback; the row is selected, its page shown */
  ss_test_wait_until (selected_listener, f, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_sidebar_model (f)), ==, 1);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  listener = ss_test_sidebar_socket (f, 0, NULL);
  page = ss_test_wait_page (f, listener);
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "listening");
  local = ss_test_info_value (page, SS_TEST_INFO_LOCAL);
  g_assert_true (g_str_has_prefix (local, "127.0.0.1:"));
  g_assert_cmpuint (ss_test_port_of (local), ==,
                    ss_test_fd_local_port (ss_socket_get_fd (listener)));
  g_assert_cmpstr (ss_test_page_title (page), ==, "TCP listener");
  listener_title = g_strdup_printf ("TCP listener · %s", local);
  ss_test_wait_sidebar (f, listener_title, 0, NULL);
  rows = ss_test_shown_rows (f);
  g_assert_true (ss_test_row_is_selected (rows->pdata[0]));
  g_assert_true (ss_test_button_sensitive (page, "socket.accept"));
  g_assert_false (ss_test_button_sensitive (page, "socket.listen"));
  ss_test_assert_calls (f, "socket setsockopt bind listen");
  g_assert_false (gtk_info_bar_get_revealed (f->error_bar));

  /* a refused connect: the window says so in its error bar */
  refused_text = g_strdup_printf ("tcp:127.0.0.1:%u", ss_test_unused_port (AF_INET));
  refused_spec = ss_spec_parse (refused_text, &error);
  g_assert_no_error (error);
  ss_window_open_spec (f->window, refused_spec);
  ss_test_wait_until (info_bar_revealed, f->error_bar, SS_TEST_TIMEOUT_MS);
  message = gtk_label_get_text (f->error_label);
  g_assert_nonnull (strstr (message, "ECONNREFUSED"));
  ss_test_wait_until (ss_test_widget_mapped, f->error_label, SS_TEST_TIMEOUT_MS);
  /* the listener keeps the selection */
  g_assert_true (ss_test_visible_page (f) == page);
  g_assert_true (ss_socket_get_state (listener) == SS_SOCKET_LISTENING);

  /* the bar's close button hides it */
  gtk_info_bar_response (f->error_bar, GTK_RESPONSE_CLOSE);
  g_assert_false (gtk_info_bar_get_revealed (f->error_bar));
}

/* ------------------------------------------------------------------ */
/* 6. the call log in C and in the seed's Python                       */

static void
test_call_notation (SsTestWindow  *f,
                    gconstpointer  data)
{
  SsDropDown *notation = ss_test_template_child (f->call_view, SS_TYPE_CALL_VIEW,
                                                  "notation_dropdown");
  g_autoptr(SsCall) created = NULL;
  g_autoptr(SsCall) refused = NULL;
  g_autofree char *c_text = NULL;
  g_autofree char *c_body = NULL;
  g_autofree char *python_text = NULL;
  g_autofree char *refused_text = NULL;
  g_autofree char *oserror = NULL;
  g_autofree char *python = NULL;
  SsSocket *created_socket;
  int fd, errsv;

  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);
  created_socket = ss_test_sidebar_socket (f, 0, NULL);
  ss_test_assert_calls (f, "socket");
  created = ss_test_call_at (f, 0);

  /* C by default, as the row shows it */
  c_text = ss_call_view_format (f->call_view, created);
  c_body = ss_call_to_c (created);
  g_assert_true (g_str_has_suffix (c_text, c_body));
  g_assert_nonnull (strstr (c_text, "socket(AF_INET, SOCK_STREAM"));
  ss_test_wait_label_shown (f->call_view, "call-text", c_text);

  /* Python: the seed's own line, on screen */
  ss_test_choose (notation, "Python");
  python_text = ss_call_view_format (f->call_view, created);
  /* the kernel's answer follows as a comment: the new descriptor */
  python = g_strdup_printf ("sk%d = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # → %d",
                            ss_socket_get_fd (created_socket), ss_socket_get_fd (created_socket));
  g_assert_true (g_str_has_suffix (python_text, python));
  g_assert_nonnull (strstr (python_text, ss_call_get_python (created)));
  ss_test_wait_label_shown (f->call_view, "call-text", python_text);

  /* a failed call, in Python, is the OSError the seed's line raises */
  fd = socket (AF_IPX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  errsv = errno;
  if (fd >= 0)
    {
      g_test_message ("this kernel supports AF_IPX: no refused socket() to show");
      close (fd);
    }
  else
    {
      ss_test_window_create_socket (f, "AF_IPX", "SOCK_STREAM");
      ss_test_assert_calls (f, "socket socket");
      refused = ss_test_call_at (f, 1);
      refused_text = ss_call_view_format (f->call_view, refused);
      oserror = g_strdup_printf ("  # OSError: [Errno %d] %s (%s)", errsv, g_strerror (errsv),
                                 ss_errno_name (errsv));
      g_assert_true (g_str_has_suffix (refused_text, oserror));
      g_assert_nonnull (strstr (refused_text, "socket.socket(socket.AF_IPX, socket.SOCK_STREAM)"));
      ss_test_wait_label_shown (f->call_view, "call-text", refused_text);
    }

  /* and back to C */
  ss_test_choose (notation, "C");
  g_free (c_text);
  c_text = ss_call_view_format (f->call_view, created);
  g_assert_true (g_str_has_suffix (c_text, c_body));
  ss_test_wait_label_shown (f->call_view, "call-text", c_text);
}

/* ------------------------------------------------------------------ */
/* 7. the window's own actions                                         */

static void
test_window_actions (SsTestWindow  *f,
                     gconstpointer  data)
{
  GtkWidget *family = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                              "family_dropdown");
  g_autofree char *subtitle = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *focus;
  SsSocketPage *page;
  SsSocket *socket;

  /* New Socket (Ctrl+N) takes the person to the family dropdown */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-socket", NULL));
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == family || gtk_widget_is_ancestor (focus, family));

  /* Close Socket (Ctrl+W) closes the selected one */
  ss_test_window_create_socket (f, "AF_INET", "SOCK_DGRAM");
  ss_test_wait_sidebar (f, "UDP socket", 0, NULL);
  socket = ss_test_sidebar_socket (f, 0, NULL);
  page = ss_test_wait_page (f, socket);
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_KIND), ==, "AF_INET, SOCK_DGRAM");
  /* a datagram socket does not listen */
  g_assert_false (ss_test_button_sensitive (page, "socket.listen"));
  g_assert_true (ss_test_button_sensitive (page, "socket.bind"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.close-socket", NULL));
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "closed");
  ss_test_assert_calls (f, "socket close");
  subtitle = g_strdup_printf ("closed · fd %d", ss_socket_get_fd (socket));
  rows = ss_test_shown_rows (f);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (ss_test_row_subtitle (rows->pdata[0]), ==, subtitle);
  /* nothing left to do with it but look */
  g_assert_false (ss_test_button_sensitive (page, "socket.bind"));
  g_assert_false (ss_test_button_sensitive (page, "socket.connect"));
  g_assert_false (ss_test_button_sensitive (page, "socket.send"));
  g_assert_false (ss_test_button_sensitive (page, "socket.close"));
}

static gboolean
has_shortcut_label (GtkWidget  *widget,
                    const char *accelerator)
{
  if (GTK_IS_SHORTCUT_LABEL (widget) &&
      g_strcmp0 (gtk_shortcut_label_get_accelerator (GTK_SHORTCUT_LABEL (widget)), accelerator) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_shortcut_label (child, accelerator))
      return TRUE;
  return FALSE;
}

/* Keyboard Shortcuts (Ctrl+?): made when first asked for, then the same
 * window each time, over the main window. */
static void
test_shortcuts_window (SsTestWindow  *f,
                       gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *shortcuts = NULL;
  guint n_before = g_list_model_get_n_items (toplevels);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (gtk_window_get_application (GTK_WINDOW (f->window)),
                                                                "win.show-help-overlay");

  g_assert_cmpstrv (accels, ((const char *[]) { "<Control>question", NULL }));
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-help-overlay", NULL));
      g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, n_before + 1);
      for (guint j = 0; j < g_list_model_get_n_items (toplevels); j++)
        {
          g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, j);

          if (GTK_IS_SHORTCUTS_WINDOW (window))
            {
              g_assert_true (shortcuts == NULL || shortcuts == window);
              shortcuts = window;
            }
        }
      g_assert_nonnull (shortcuts);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
      g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (f->window));
      /* with the keys of the application's accelerators */
      g_assert_true (has_shortcut_label (GTK_WIDGET (shortcuts), "<Control>n"));
      g_assert_true (has_shortcut_label (GTK_WIDGET (shortcuts), "<Control>question"));
      gtk_window_close (shortcuts);
      g_assert_false (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
    }
}

/* The main menu's popover is made when it first opens, with every item. */
static void
test_main_menu (SsTestWindow  *f,
                gconstpointer  data)
{
  GtkMenuButton *button = GTK_MENU_BUTTON (ss_test_template_child (GTK_WIDGET (f->window), SS_TYPE_WINDOW,
                                                                   "primary_menu_button"));
  GMenuModel *menu;

  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (button)));
  g_assert_true (gtk_menu_button_get_primary (button));
  gtk_menu_button_popup (button);
  menu = gtk_menu_button_get_menu_model (button);
  g_assert_nonnull (menu);
  g_assert_cmpint (g_menu_model_get_n_items (menu), >, 0);
  g_assert_nonnull (gtk_menu_button_get_popover (button));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (button))));
  gtk_menu_button_popdown (button);
}

/* ------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);

  ss_test_window_add ("/window/listen-and-receive", test_listen_and_receive);
  ss_test_window_add ("/window/accept-by-hand", test_accept_by_hand);
  ss_test_window_add ("/window/refused-family", test_refused_family);
  ss_test_window_add ("/window/connect-and-send", test_connect_and_send);
  ss_test_window_add ("/window/connect-errors", test_connect_errors);
  ss_test_window_add ("/window/open-spec", test_open_spec);
  ss_test_window_add ("/window/call-notation", test_call_notation);
  ss_test_window_add ("/window/window-actions", test_window_actions);
  ss_test_window_add ("/window/shortcuts-window", test_shortcuts_window);
  ss_test_window_add ("/window/main-menu", test_main_menu);


  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
