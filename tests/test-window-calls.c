/* test-window-calls.c — the socket page's calls for learners, through the
 * real window: sendto and Reply to Sender, accept and recv by hand with
 * what the kernel holds (FIONREAD), connect_ex, shutdown, learner mode,
 * and socket pairs; checked on what a person sees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-constants.h"
#include "ss-error.h"
#include "ss-test-window.h"

#define INFO_READABLE "Waiting to be read (FIONREAD)"
#define INFO_UNSENT   "In the send buffer (SIOCOUTQ)"

/* How long a test looks for something that must not happen: longer than
 * a main-loop turn and than the page's 500 ms kernel-view refresh. */
#define QUIET_MS 600

/* ------------------------------------------------------------------ */
/* helpers                                                             */

typedef struct
{
  SsSocketPage *page;
  const char   *action;
  gboolean      sensitive;
} SensitiveExpect;

static gboolean
button_is (gpointer user_data)
{
  SensitiveExpect *expect = user_data;

  return ss_test_button_sensitive (expect->page, expect->action) == expect->sensitive;
}

static void
wait_button_sensitive (SsSocketPage *page,
                       const char   *action,
                       gboolean      sensitive)
{
  SensitiveExpect expect = { page, action, sensitive };

  if (!ss_test_try_wait_until (button_is, &expect, SS_TEST_TIMEOUT_MS))
    g_error ("timed out waiting for the button for %s to become %s", action,
             sensitive ? "sensitive" : "insensitive");
}

static guint
count_entries (SsSocketPage  *page,
               SsTrafficKind  kind)
{
  GListModel *model = ss_test_traffic_model (page);
  guint n = g_list_model_get_n_items (model);
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);

      count += ss_traffic_entry_get_kind (entry) == kind;
    }
  return count;
}

/* The page shows an error naming @errno_name, with the plain explanation
 * for @errsv under it, both on screen, styled as an error. */
static const char *
wait_error_explained (SsSocketPage *page,
                      const char   *errno_name,
                      int           errsv,
                      const char   *not_before)
{
  GtkLabel *explanation = ss_test_page_child (page, "explanation_label");
  const char *message = ss_test_wait_page_error (page, errno_name, not_before);

  g_assert_true (gtk_widget_has_css_class (ss_test_page_child (page, "error_label"),
                                           "error-message"));
  g_assert_true (gtk_widget_get_visible (ss_test_page_child (page, "error_icon")));
  ss_test_wait_until (ss_test_widget_mapped, explanation, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (gtk_label_get_text (explanation), !=, "");
  g_assert_cmpstr (gtk_label_get_text (explanation), ==, ss_errno_explain (errsv));
  return message;
}

/* A TCP socket made with the dropdowns, connected through connect_entry
 * to a raw listener of the test; *peer_out is the accepted raw end. */
static SsSocketPage *
connected_client (SsTestWindow *f,
                  SsSocket    **socket_out,
                  int          *listener_out,
                  int          *peer_out)
{
  g_autofree char *address = NULL;
  SsSocketPage *page;
  guint16 port;

  *listener_out = ss_test_raw_listener (AF_INET, 0, &port);
  address = g_strdup_printf ("127.0.0.1:%u", port);

  page = ss_test_new_tcp_page (f, socket_out);
  /* a stream socket has no destination to give */
  g_assert_false (gtk_widget_get_visible (ss_test_page_child (page, "destination_box")));

  *peer_out = ss_test_page_connect (page, *listener_out);
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_PEER), ==, address);
  return page;
}

/* ------------------------------------------------------------------ */
/* 1. UDP: bind, a datagram arrives, Reply to Sender                   */

static void
test_udp_reply (SsTestWindow  *f,
                gconstpointer  data)
{
  static const char ping[] = "ping";
  static const char pong[] = "pong";
  g_autofree char *local = NULL;
  g_autofree char *raw_address = NULL;
  g_autoptr(SsTrafficEntry) received = NULL;
  g_autoptr(SsTrafficEntry) sent = NULL;
  g_autoptr(SsCall) sendto_call = NULL;
  g_autoptr(GBytes) reply = NULL;
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  SsSocketPage *page;
  SsSocket *socket;
  GtkWidget *destination_box;
  guint16 raw_port, page_port, reply_port;
  char byte;
  int raw;

  ss_test_window_create_socket (f, "AF_INET", "SOCK_DGRAM");
  ss_test_wait_sidebar (f, "UDP socket", 0, NULL);
  socket = ss_test_sidebar_socket (f, 0, NULL);
  page = ss_test_wait_page (f, socket);

  /* a datagram socket can say where each datagram goes */
  destination_box = ss_test_page_child (page, "destination_box");
  g_assert_true (gtk_widget_get_visible (destination_box));
  ss_test_wait_until (ss_test_widget_mapped, destination_box, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (gtk_editable_get_text (ss_test_page_child (page, "destination_entry")), ==, "");
  /* nobody has sent anything yet: nobody to reply to */
  g_assert_false (ss_test_button_sensitive (page, "socket.reply-to-sender"));

  gtk_editable_set_text (ss_test_page_child (page, "bind_entry"), "127.0.0.1:0");
  ss_test_click (page, "socket.bind");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "bound");
  local = g_strdup (ss_test_info_value (page, SS_TEST_INFO_LOCAL));
  g_assert_true (g_str_has_prefix (local, "127.0.0.1:"));
  page_port = ss_test_port_of (local);
  g_assert_cmpuint (page_port, ==, ss_test_fd_local_port (ss_socket_get_fd (socket)));
  g_assert_true (gtk_widget_get_visible (destination_box));
  g_assert_false (ss_test_button_sensitive (page, "socket.reply-to-sender"));

  /* a raw UDP socket sends "ping" to it */
  raw = ss_test_raw_udp_socket (AF_INET, &raw_port);
  raw_address = g_strdup_printf ("127.0.0.1:%u", raw_port);
  to.sin_port = htons (page_port);
  g_assert_cmpint (sendto (raw, ping, strlen (ping), 0, (struct sockaddr *) &to, sizeof to),
                   ==, strlen (ping));

  received = ss_test_wait_entry (page, SS_TRAFFIC_RECEIVED, ping, strlen (ping));
  ss_test_wait_label_shown (ss_test_page_child (page, "traffic_view"), "traffic-data", "ping");
  ss_test_wait_info (page, SS_TEST_INFO_RECEIVED, "4 bytes");
  wait_button_sensitive (page, "socket.reply-to-sender", TRUE);
  /* the destination is only filled in by replying */
  g_assert_cmpstr (gtk_editable_get_text (ss_test_page_child (page, "destination_entry")), ==, "");

  /* "pong", no line ending, Reply to Sender: the raw socket gets exactly it */
  ss_test_set_send_text (page, pong);
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  g_assert_cmpuint (ss_drop_down_get_selected (ss_test_line_ending (page)),
                    ==, 0);
  ss_test_click (page, "socket.reply-to-sender");

  reply = ss_test_raw_recv_datagram (raw, &reply_port, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                   pong, strlen (pong));
  g_assert_cmpuint (reply_port, ==, page_port);
  /* one datagram, no second one */
  g_assert_cmpint (recv (raw, &byte, 1, MSG_DONTWAIT), ==, -1);
  g_assert_true (errno == EAGAIN || errno == EWOULDBLOCK);

  g_assert_cmpstr (gtk_editable_get_text (ss_test_page_child (page, "destination_entry")), ==,
                   raw_address);
  sent = ss_test_wait_entry (page, SS_TRAFFIC_SENT, pong, strlen (pong));
  ss_test_wait_info (page, SS_TEST_INFO_SENT, "4 bytes");
  g_assert_false (gtk_revealer_get_reveal_child (ss_test_page_child (page, "error_revealer")));

  /* the call log: the datagram came with recvfrom and went with sendto,
   * to the raw socket */
  ss_test_assert_calls (f, "socket bind recvfrom sendto");
  sendto_call = ss_test_call_at (f, 3);
  g_assert_cmpint (ss_call_get_result (sendto_call), ==, strlen (pong));
  g_assert_cmpint (ss_call_get_errno (sendto_call), ==, 0);
  g_assert_nonnull (strstr (ss_call_get_args (sendto_call), raw_address));

  g_assert_no_errno (close (raw));
}

/* ------------------------------------------------------------------ */
/* 2. accept by hand after bind and listen                             */

static void
test_manual_accept (SsTestWindow  *f,
                    gconstpointer  data)
{
  g_autofree char *listener_title = NULL;
  g_autofree char *connection_title = NULL;
  g_autofree char *local = NULL;
  g_autoptr(SsCall) failed = NULL;
  SsSocketPage *page;
  SsSocket *listener, *connection;
  GtkSwitch *auto_accept;
  guint depth;
  guint16 port;
  int peer;

  page = ss_test_new_tcp_page (f, &listener);

  auto_accept = ss_test_page_child (page, "auto_accept_switch");
  g_assert_true (gtk_switch_get_active (auto_accept));
  gtk_switch_set_active (auto_accept, FALSE);
  g_assert_false (ss_socket_get_auto_accept (listener));

  ss_test_page_bind (page, "127.0.0.1:0");
  port = ss_test_page_listen (page);
  local = g_strdup (ss_test_info_value (page, SS_TEST_INFO_LOCAL));
  listener_title = g_strdup_printf ("TCP listener · %s", local);
  ss_test_wait_sidebar (f, listener_title, 0, NULL);
  /* still off once listening */
  g_assert_false (gtk_switch_get_active (auto_accept));

  /* the handshake is done (the raw connect returned): the connection
   * waits in the kernel's queue, and the window does not take it */
  peer = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  ss_test_iterate_for (QUIET_MS);
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_sidebar_model (f)), ==, 1);
  ss_test_wait_sidebar (f, listener_title, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, 0);
  ss_test_assert_calls (f, "socket bind listen");

  /* Accept: a child row */
  ss_test_click (page, "socket.accept");
  connection_title = g_strdup_printf ("TCP connection · 127.0.0.1:%u",
                                      ss_test_fd_local_port (peer));
  ss_test_wait_sidebar (f, listener_title, 0, connection_title, 1, NULL);
  connection = ss_test_sidebar_socket (f, 1, &depth);
  g_assert_cmpuint (depth, ==, 1);
  g_assert_true (ss_socket_get_listener (connection) == listener);
  g_assert_false (gtk_revealer_get_reveal_child (ss_test_page_child (page, "error_revealer")));
  ss_test_assert_calls (f, "socket bind listen accept4");

  /* non-blocking, Accept again with nothing waiting: EAGAIN, explained */
  ss_test_choose (ss_test_page_child (page, "mode_dropdown"), "Non-blocking");
  ss_test_click (page, "socket.accept");
  wait_error_explained (page, "EAGAIN", EAGAIN, NULL);
  ss_test_assert_calls (f, "socket bind listen accept4 setblocking accept4");
  failed = ss_test_call_at (f, 5);
  g_assert_cmpint (ss_call_get_errno (failed), ==, EAGAIN);
  /* no row for a failed accept */
  ss_test_wait_sidebar (f, listener_title, 0, connection_title, 1, NULL);
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_STATE), ==, "listening");

  g_assert_no_errno (close (peer));
}

/* ------------------------------------------------------------------ */
/* 3. receive by hand: FIONREAD, bufsize, EAGAIN                       */

static void
test_manual_receive (SsTestWindow  *f,
                     gconstpointer  data)
{
  static const char digits[] = "0123456789";
  g_autoptr(SsTrafficEntry) first = NULL;
  g_autoptr(SsTrafficEntry) second = NULL;
  g_autoptr(SsCall) call = NULL;
  GtkSpinButton *recv_size;
  GtkSwitch *auto_receive;
  SsSocketPage *page;
  SsSocket *client;
  int listener, peer;

  page = connected_client (f, &client, &listener, &peer);
  /* the kernel's view, on screen: nothing to read, nothing unsent */
  ss_test_wait_info (page, INFO_READABLE, "0 bytes");
  ss_test_wait_info (page, INFO_UNSENT, "0 bytes");
  g_assert_true (ss_test_button_sensitive (page, "socket.recv"));

  auto_receive = ss_test_page_child (page, "auto_receive_switch");
  g_assert_true (gtk_switch_get_active (auto_receive));
  gtk_switch_set_active (auto_receive, FALSE);
  g_assert_false (ss_socket_get_auto_receive (client));

  /* the bytes wait in the kernel: the page says how many */
  ss_test_raw_send_all (peer, digits, strlen (digits), SS_TEST_TIMEOUT_MS);
  ss_test_wait_info (page, INFO_READABLE, "10 bytes");
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_RECEIVED), ==, 0);
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_RECEIVED), ==, "0 bytes");
  ss_test_assert_calls (f, "socket connect");

  /* recv(4) */
  recv_size = ss_test_page_child (page, "recv_size_spin");
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (recv_size)));
  gtk_spin_button_set_value (recv_size, 4);
  ss_test_click (page, "socket.recv");
  first = ss_test_wait_entry (page, SS_TRAFFIC_RECEIVED, "0123", 4);
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_RECEIVED), ==, 1);
  ss_test_wait_label_shown (ss_test_page_child (page, "traffic_view"), "traffic-data", "0123");
  ss_test_wait_info (page, SS_TEST_INFO_RECEIVED, "4 bytes");
  ss_test_wait_info (page, INFO_READABLE, "6 bytes");
  ss_test_assert_calls (f, "socket connect recv");
  call = ss_test_call_at (f, 2);
  g_assert_cmpint (ss_call_get_result (call), ==, 4);
  g_clear_object (&call);

  /* recv(100): the rest */
  gtk_spin_button_set_value (recv_size, 100);
  ss_test_click (page, "socket.recv");
  second = ss_test_wait_entry (page, SS_TRAFFIC_RECEIVED, "456789", 6);
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_RECEIVED), ==, 2);
  ss_test_wait_info (page, SS_TEST_INFO_RECEIVED, "10 bytes");
  ss_test_wait_info (page, INFO_READABLE, "0 bytes");
  g_assert_false (gtk_revealer_get_reveal_child (ss_test_page_child (page, "error_revealer")));

  /* non-blocking, recv() with nothing waiting: EAGAIN at once, explained */
  ss_test_choose (ss_test_page_child (page, "mode_dropdown"), "Non-blocking");
  ss_test_click (page, "socket.recv");
  wait_error_explained (page, "EAGAIN", EAGAIN, NULL);
  ss_test_assert_calls (f, "socket connect recv recv setblocking recv");
  call = ss_test_call_at (f, 5);
  g_assert_cmpint (ss_call_get_errno (call), ==, EAGAIN);
  /* nothing more arrived, and the connection is as it was */
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_RECEIVED), ==, 2);
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_STATE), ==, "connected");
  g_assert_true (ss_test_button_sensitive (page, "socket.recv"));

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 4. connect_ex: the code, not an error                               */

static void
test_connect_ex_refused (SsTestWindow  *f,
                         gconstpointer  data)
{
  g_autofree char *address = NULL;
  g_autofree char *code = g_strdup_printf ("%d", ECONNREFUSED);
  g_autoptr(SsCall) call = NULL;
  GtkLabel *explanation;
  const char *message;
  SsSocketPage *page;
  SsSocket *socket;

  address = g_strdup_printf ("127.0.0.1:%u", ss_test_unused_port (AF_INET));

  page = ss_test_new_tcp_page (f, &socket);

  gtk_editable_set_text (ss_test_page_child (page, "connect_entry"), address);
  ss_test_click (page, "socket.connect-ex");
  message = ss_test_wait_page_error (page, "ECONNREFUSED", NULL);
  g_assert_nonnull (strstr (message, code));
  g_assert_true (g_str_has_prefix (message, "connect_ex"));

  /* an answer, not a failure: not styled as one */
  g_assert_false (gtk_widget_has_css_class (ss_test_page_child (page, "error_label"),
                                            "error-message"));
  g_assert_false (gtk_widget_get_visible (ss_test_page_child (page, "error_icon")));
  explanation = ss_test_page_child (page, "explanation_label");
  ss_test_wait_until (ss_test_widget_mapped, explanation, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (gtk_label_get_text (explanation), ==, ss_errno_explain (ECONNREFUSED));

  /* back where it was */
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "created");
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_PEER), ==, "—");
  g_assert_cmpstr (ss_test_page_title (page), ==, "TCP socket");
  g_assert_true (ss_test_button_sensitive (page, "socket.connect-ex"));
  g_assert_true (ss_test_button_sensitive (page, "socket.connect"));
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);

  /* connect_ex returns the code itself */
  ss_test_assert_calls (f, "socket connect_ex");
  call = ss_test_call_at (f, 1);
  g_assert_cmpint (ss_call_get_result (call), ==, ECONNREFUSED);
  g_assert_cmpint (ss_call_get_errno (call), ==, ECONNREFUSED);
}

/* ------------------------------------------------------------------ */
/* 5. shutdown(SHUT_WR): the peer reads the end, and can still talk     */

static void
test_shutdown_write (SsTestWindow  *f,
                     gconstpointer  data)
{
  static const char still_here[] = "still here";
  g_autoptr(SsTrafficEntry) entry = NULL;
  g_autoptr(GBytes) rest = NULL;
  g_autoptr(SsCall) call = NULL;
  SsSocketPage *page;
  SsSocket *client;
  int listener, peer;

  page = connected_client (f, &client, &listener, &peer);
  g_assert_true (ss_test_button_sensitive (page, "socket.shutdown"));

  ss_drop_down_set_selected (ss_test_page_child (page, "shutdown_dropdown"), 0);
  ss_test_click (page, "socket.shutdown");

  /* the peer reads the end of the stream, and nothing before it */
  rest = ss_test_raw_recv (peer, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (rest), ==, 0);
  g_assert_false (gtk_revealer_get_reveal_child (ss_test_page_child (page, "error_revealer")));

  ss_test_assert_calls (f, "socket connect shutdown");
  call = ss_test_call_at (f, 2);
  g_assert_nonnull (strstr (ss_call_get_args (call), "SHUT_WR"));
  g_assert_cmpint (ss_call_get_result (call), ==, 0);

  /* the other direction still works */
  ss_test_raw_send_all (peer, still_here, strlen (still_here), SS_TEST_TIMEOUT_MS);
  entry = ss_test_wait_entry (page, SS_TRAFFIC_RECEIVED, still_here, strlen (still_here));
  ss_test_wait_label_shown (ss_test_page_child (page, "traffic_view"), "traffic-data", still_here);
  ss_test_wait_info (page, SS_TEST_INFO_RECEIVED, "10 bytes");
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_STATE), ==, "connected");

  g_assert_no_errno (close (peer));
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "peer closed");
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 6. learner mode: calls out of order reach the kernel                */

static gboolean
learner_mode (SsTestWindow *f)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (f->window),
                                                               "learner-mode");

  g_assert_nonnull (state);
  return g_variant_get_boolean (state);
}

static void
test_learner_mode (SsTestWindow  *f,
                   gconstpointer  data)
{
  g_autoptr(SsCall) listen_call = NULL;
  g_autoptr(SsCall) send_call = NULL;
  const char *message;
  SsSocketPage *udp_page, *tcp_page;
  SsSocket *udp, *tcp;

  /* every case starts with learner mode off (the fixture resets it) */
  g_assert_false (learner_mode (f));

  ss_test_window_create_socket (f, "AF_INET", "SOCK_DGRAM");
  ss_test_wait_sidebar (f, "UDP socket", 0, NULL);
  udp = ss_test_sidebar_socket (f, 0, NULL);
  udp_page = ss_test_wait_page (f, udp);
  g_assert_false (ss_test_button_sensitive (udp_page, "socket.listen"));
  g_assert_false (ss_test_button_sensitive (udp_page, "socket.accept"));
  g_assert_false (ss_test_button_sensitive (udp_page, "socket.shutdown"));

  /* on: every call clickable */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "learner-mode", NULL);
  g_assert_true (learner_mode (f));
  wait_button_sensitive (udp_page, "socket.listen", TRUE);
  g_assert_true (ss_test_button_sensitive (udp_page, "socket.accept"));
  g_assert_true (ss_test_button_sensitive (udp_page, "socket.shutdown"));
  g_assert_true (ss_test_button_sensitive (udp_page, "socket.recv"));

  /* listen() on a datagram socket: the kernel's own answer */
  ss_test_click (udp_page, "socket.listen");
  message = wait_error_explained (udp_page, "EOPNOTSUPP", EOPNOTSUPP, NULL);
  g_assert_true (g_str_has_prefix (message, "listen: "));
  ss_test_assert_calls (f, "socket listen");
  listen_call = ss_test_call_at (f, 1);
  g_assert_cmpint (ss_call_get_errno (listen_call), ==, EOPNOTSUPP);
  g_assert_cmpstr (ss_test_info_value (udp_page, SS_TEST_INFO_STATE), ==, "created");

  /* send before connect on a fresh TCP socket */
  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  ss_test_wait_sidebar (f, "UDP socket", 0, "TCP socket", 0, NULL);
  tcp = ss_test_sidebar_socket (f, 1, NULL);
  tcp_page = ss_test_wait_page (f, tcp);
  g_assert_true (ss_test_button_sensitive (tcp_page, "socket.send"));
  ss_test_set_send_text (tcp_page, "too early");
  ss_test_click (tcp_page, "socket.send");
  message = ss_test_wait_page_error (tcp_page, "send", NULL);
  if (strstr (message, "EPIPE") != NULL)
    wait_error_explained (tcp_page, "EPIPE", EPIPE, NULL);
  else
    wait_error_explained (tcp_page, "ENOTCONN", ENOTCONN, NULL);
  g_assert_true (g_str_has_prefix (message, "send"));
  ss_test_assert_calls (f, "socket listen socket sendall");
  send_call = ss_test_call_at (f, 3);
  g_assert_true (ss_call_get_errno (send_call) == EPIPE ||
                 ss_call_get_errno (send_call) == ENOTCONN);
  /* nothing was sent, and the socket can still connect */
  g_assert_cmpstr (ss_test_info_value (tcp_page, SS_TEST_INFO_SENT), ==, "0 bytes");
  g_assert_cmpuint (count_entries (tcp_page, SS_TRAFFIC_SENT), ==, 0);
  g_assert_cmpstr (ss_test_info_value (tcp_page, SS_TEST_INFO_STATE), ==, "created");

  /* off again: the page guides again */
  g_action_group_change_action_state (G_ACTION_GROUP (f->window), "learner-mode",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (learner_mode (f));
  wait_button_sensitive (tcp_page, "socket.send", FALSE);
  g_assert_true (ss_test_button_sensitive (tcp_page, "socket.connect"));
  ss_test_select_row (f, 0);
  ss_test_wait_page (f, udp);
  wait_button_sensitive (udp_page, "socket.listen", FALSE);
  g_assert_false (ss_test_button_sensitive (udp_page, "socket.accept"));
}

/* ------------------------------------------------------------------ */
/* 7. socketpair: two connected ends                                   */

static gboolean
two_rows_shown (gpointer user_data)
{
  g_autoptr(GPtrArray) rows = ss_test_shown_rows (user_data);

  return g_list_model_get_n_items (ss_test_sidebar_model (user_data)) == 2 && rows->len == 2;
}

static void
test_socket_pair (SsTestWindow  *f,
                  gconstpointer  data)
{
  static const char hello[] = "over the pair";
  SsDropDown *family = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                                "family_dropdown");
  GtkWidget *pair_button = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                                   "pair_button");
  g_autofree char *first_subtitle = NULL;
  g_autofree char *second_subtitle = NULL;
  g_autoptr(SsTrafficEntry) entry = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(SsCall) call = NULL;
  SsSocketPage *first_page, *second_page;
  SsSocket *first, *second;

  /* socketpair() is offered for AF_UNIX only */
  ss_test_choose (family, "AF_INET (");
  g_assert_false (gtk_widget_get_visible (pair_button));
  ss_test_choose (family, "AF_UNIX (");
  g_assert_true (gtk_widget_get_visible (pair_button));
  ss_test_wait_until (ss_test_widget_mapped, pair_button, SS_TEST_TIMEOUT_MS);
  ss_test_choose (family, "AF_INET6 (");
  g_assert_false (gtk_widget_get_visible (pair_button));
  ss_test_choose (family, "AF_UNIX (");
  ss_test_choose (ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                          "type_dropdown"), "SOCK_STREAM (");
  ss_test_wait_until (ss_test_widget_mapped, pair_button, SS_TEST_TIMEOUT_MS);
  g_assert_true (gtk_widget_is_sensitive (pair_button));

  g_signal_emit_by_name (pair_button, "clicked");
  ss_test_wait_until (two_rows_shown, f, SS_TEST_TIMEOUT_MS);
  first = ss_test_sidebar_socket (f, 0, NULL);
  second = ss_test_sidebar_socket (f, 1, NULL);
  g_assert_true (first != second);
  g_assert_cmpint (ss_socket_get_family (first), ==, AF_UNIX);
  g_assert_cmpint (ss_socket_get_socket_type (first), ==, SOCK_STREAM);
  g_assert_cmpint (ss_socket_get_family (second), ==, AF_UNIX);
  g_assert_cmpint (ss_socket_get_socket_type (second), ==, SOCK_STREAM);

  /* two top-level rows, both connected, as the rows say; the first end
   * is shown */
  first_subtitle = g_strdup_printf ("connected · fd %d", ss_socket_get_fd (first));
  second_subtitle = g_strdup_printf ("connected · fd %d", ss_socket_get_fd (second));
  rows = ss_test_shown_rows (f);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (ss_test_row_subtitle (rows->pdata[0]), ==, first_subtitle);
  g_assert_cmpstr (ss_test_row_subtitle (rows->pdata[1]), ==, second_subtitle);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (g_str_has_prefix (ss_test_row_title (rows->pdata[i]), "Unix stream "));
      g_assert_cmpint (gtk_widget_get_margin_start (rows->pdata[i]), ==, 0);
    }
  first_page = ss_test_wait_page (f, first);
  g_assert_true (ss_test_row_is_selected (rows->pdata[0]));
  g_assert_cmpstr (ss_test_info_value (first_page, SS_TEST_INFO_STATE), ==, "connected");
  g_assert_cmpstr (ss_test_info_value (first_page, SS_TEST_INFO_KIND), ==, "AF_UNIX, SOCK_STREAM");
  g_assert_false (gtk_widget_get_visible (ss_test_page_child (first_page, "destination_box")));
  ss_test_assert_calls (f, "socketpair");
  call = ss_test_call_at (f, 0);
  g_assert_cmpint (ss_call_get_result (call), ==, 0);

  /* send from the first end's send box … */
  g_assert_true (ss_test_button_sensitive (first_page, "socket.send"));
  ss_test_set_send_text (first_page, hello);
  ss_test_choose (ss_test_line_ending (first_page), "No Line Ending");
  ss_test_click (first_page, "socket.send");
  g_clear_object (&entry);
  entry = ss_test_wait_entry (first_page, SS_TRAFFIC_SENT, hello, strlen (hello));

  /* … the other end's traffic view has it */
  ss_test_select_row (f, 1);
  second_page = ss_test_wait_page (f, second);
  g_assert_cmpstr (ss_test_info_value (second_page, SS_TEST_INFO_STATE), ==, "connected");
  g_clear_object (&entry);
  entry = ss_test_wait_entry (second_page, SS_TRAFFIC_RECEIVED, hello, strlen (hello));
  ss_test_wait_label_shown (ss_test_page_child (second_page, "traffic_view"), "traffic-data", hello);
  ss_test_wait_info (second_page, SS_TEST_INFO_RECEIVED, "13 bytes");
  g_assert_cmpuint (count_entries (second_page, SS_TRAFFIC_SENT), ==, 0);
}

/* ------------------------------------------------------------------ */
/* 8. a Send all the peer never reads: progress, and Stop               */

static gboolean
progress_shown (gpointer page)
{
  return gtk_widget_get_visible (ss_test_page_child (page, "send_progress_box"));
}

static void
test_stop_send (SsTestWindow  *f,
                gconstpointer  data)
{
  const gsize size = 32 * 1024 * 1024;
  g_autofree char *payload = g_malloc0 (size);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsCall) call = NULL;
  SsSocketPage *page;
  SsSocket *client;
  int listener, peer;

  page = connected_client (f, &client, &listener, &peer);
  g_assert_false (progress_shown (page));
  g_assert_false (ss_test_button_sensitive (page, "socket.stop-send"));

  /* the peer never reads: the kernel's buffers fill and the rest waits */
  bytes = g_bytes_new_take (g_steal_pointer (&payload), size);
  g_assert_true (ss_socket_send (client, bytes, &error));
  g_assert_no_error (error);
  ss_test_wait_until (progress_shown, page, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (ss_socket_get_queued (client), >, 0);

  ss_test_click (page, "socket.stop-send");
  g_assert_cmpuint (ss_socket_get_queued (client), ==, 0);
  g_assert_false (progress_shown (page));
  ss_test_assert_calls (f, "socket connect sendall");
  call = ss_test_call_at (f, 2);
  g_assert_cmpint (ss_call_get_errno (call), ==, ECANCELED);
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_STATE), ==, "connected");

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 9. recording: the button says what it will do                        */

static void
test_record_button (SsTestWindow  *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-record-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "capture.pcapng", NULL);
  SsSocketPage *page;
  SsSocket *client;
  GtkButton *button;
  int listener, peer;

  page = connected_client (f, &client, &listener, &peer);
  button = ss_test_page_child (page, "record_button");
  g_assert_true (ss_test_button_sensitive (page, "socket.record"));
  g_assert_nonnull (strstr (gtk_button_get_label (button), "File"));

  /* the file dialog picks the path; here it is given directly */
  g_assert_true (ss_socket_start_recording (client, path, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (gtk_button_get_label (button), "Stop"));

  /* the same button stops it */
  ss_test_click (page, "socket.record");
  g_assert_false (ss_socket_get_recording (client));
  g_assert_nonnull (strstr (gtk_button_get_label (button), "File"));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);

  ss_test_window_add ("/window-calls/udp-reply-to-sender", test_udp_reply);
  ss_test_window_add ("/window-calls/manual-accept", test_manual_accept);
  ss_test_window_add ("/window-calls/manual-receive", test_manual_receive);
  ss_test_window_add ("/window-calls/connect-ex-refused", test_connect_ex_refused);
  ss_test_window_add ("/window-calls/shutdown-write", test_shutdown_write);
  ss_test_window_add ("/window-calls/learner-mode", test_learner_mode);
  ss_test_window_add ("/window-calls/socket-pair", test_socket_pair);
  ss_test_window_add ("/window-calls/stop-send", test_stop_send);
  ss_test_window_add ("/window-calls/record-button", test_record_button);


  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
