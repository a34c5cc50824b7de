/* test-relay-page.c — a relay made from New Socket: its pair under it in
 * the sidebar with both legs' state, both directions on its page, named
 * for the client and the server; mistakes said in the box
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-relay-faults-box.h"
#include "ss-test-socket.h"
#include "ss-test-window.h"
#include "ss-traffic-view.h"

static void
start_relay (SsTestWindow *f,
             const char   *listen,
             const char   *target)
{
  GtkEditable *listen_entry = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                                      "relay_listen_entry");
  GtkEditable *target_entry = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                                      "relay_target_entry");

  GtkButton *button = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                              "relay_button");

  gtk_editable_set_text (listen_entry, listen);
  gtk_editable_set_text (target_entry, target);
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
has_socket (gpointer user_data)
{
  SsTestWindow *f = user_data;

  return g_list_model_get_n_items (ss_session_get_sockets (f->session)) > 0;
}

/* A relay made in New Socket to a raw listener of the test (*listener),
 * once it is in the sidebar. */
static SsSocket *
start_relay_to_raw (SsTestWindow *f,
                    int          *listener)
{
  g_autofree char *target = NULL;
  guint16 target_port;

  *listener = ss_test_raw_listener (AF_INET, 0, &target_port);
  target = g_strdup_printf ("127.0.0.1:%u", target_port);
  start_relay (f, "127.0.0.1:0", target);
  ss_test_wait_until (has_socket, f, SS_TEST_TIMEOUT_MS);
  return ss_test_sidebar_socket (f, 0, NULL);
}

typedef struct
{
  SsTestWindow *f;
  const char   *needle;
} RowWait;

static gboolean
row_with_subtitle (gpointer user_data)
{
  RowWait *wait = user_data;
  g_autoptr(GPtrArray) rows = ss_test_shown_rows (wait->f);

  for (guint i = 0; i < rows->len; i++)
    {
      const char *subtitle = ss_test_row_subtitle (g_ptr_array_index (rows, i));

      if (subtitle != NULL && strstr (subtitle, wait->needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  SsSocketPage *page;
  guint         kinds;   /* of relayed entries seen */
} KindsWait;

static gboolean
has_both_directions (gpointer user_data)
{
  KindsWait *wait = user_data;
  GListModel *model = ss_test_traffic_model (wait->page);
  guint n = g_list_model_get_n_items (model);

  wait->kinds = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);

      if (ss_traffic_entry_get_relayed (entry))
        wait->kinds |= 1u << ss_traffic_entry_get_kind (entry);
    }
  /* (its events are the pair's too) */
  return (wait->kinds & (1u << SS_TRAFFIC_RECEIVED | 1u << SS_TRAFFIC_SENT)) ==
         (1u << SS_TRAFFIC_RECEIVED | 1u << SS_TRAFFIC_SENT);
}

static void
test_relay_from_new_socket (SsTestWindow  *f,
                            gconstpointer  data)
{
  g_autoptr(GBytes) at_server = NULL;
  g_autoptr(GBytes) at_client = NULL;
  RowWait row_wait = { f, "client connected · server connected" };
  KindsWait kinds = { 0 };
  SsSocket *relay;
  int listener, client, server;

  relay = start_relay_to_raw (f, &listener);
  g_assert_true (ss_socket_get_relay_target (relay) != NULL);
  g_assert_cmpint (ss_socket_get_state (relay), ==, SS_SOCKET_LISTENING);

  client = ss_test_raw_connect (AF_INET, ss_test_port_of (ss_socket_get_local_address (relay)),
                                SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (client, "question", 8, SS_TEST_TIMEOUT_MS);
  at_server = ss_test_raw_recv (server, 8, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (at_server, NULL), g_bytes_get_size (at_server), "question", 8);
  ss_test_raw_send_all (server, "answer", 6, SS_TEST_TIMEOUT_MS);
  at_client = ss_test_raw_recv (client, 6, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (at_client, NULL), g_bytes_get_size (at_client), "answer", 6);

  /* the pair under its relay, with both legs' state */
  ss_test_wait_until (row_with_subtitle, &row_wait, SS_TEST_TIMEOUT_MS);

  /* the relay's page: both directions, named for the two sides */
  kinds.page = ss_test_wait_page (f, relay);
  ss_test_wait_until (has_both_directions, &kinds, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (ss_traffic_view_direction_label (SS_TRAFFIC_RECEIVED, TRUE), ==, "client → server");
  g_assert_cmpstr (ss_traffic_view_direction_label (SS_TRAFFIC_SENT, TRUE), ==, "server → client");

  /* both leave: the pair ends, both legs shown closed */
  close (server);
  close (client);
  row_wait.needle = "client closed · server closed";
  ss_test_wait_until (row_with_subtitle, &row_wait, SS_TEST_TIMEOUT_MS);
  close (listener);
}

/* SOCK_DGRAM chosen as the type: a UDP relay, named so, without the
 * calls that would break it, each client's upstream socket under it */
static void
test_udp_relay_from_new_socket (SsTestWindow  *f,
                                gconstpointer  data)
{
  g_autoptr(GBytes) at_server = NULL;
  g_autoptr(GBytes) at_client = NULL;
  g_autofree char *target = NULL;
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  RowWait row_wait = { f, "connected" };
  GtkWidget *connect_entry;
  SsSocketPage *page;
  SsSocket *relay;
  guint16 target_port, client_port, from_port;
  int server, client;

  server = ss_test_raw_udp_socket (AF_INET, &target_port);
  client = ss_test_raw_udp_socket (AF_INET, &client_port);
  target = g_strdup_printf ("127.0.0.1:%u", target_port);
  ss_test_choose (ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX, "type_dropdown"),
                  "SOCK_DGRAM");
  start_relay (f, "127.0.0.1:0", target);
  ss_test_wait_until (has_socket, f, SS_TEST_TIMEOUT_MS);
  relay = ss_test_sidebar_socket (f, 0, NULL);
  g_assert_cmpint (ss_socket_get_socket_type (relay), ==, SOCK_DGRAM);
  g_assert_nonnull (ss_socket_get_relay_target (relay));
  page = ss_test_wait_page (f, relay);
  g_assert_cmpstr (ss_test_page_title (page), ==, "UDP relay");
  connect_entry = ss_test_template_child (page, SS_TYPE_SOCKET_PAGE, "connect_entry");
  g_assert_false (gtk_widget_is_visible (connect_entry));

  to.sin_port = htons (ss_test_port_of (ss_socket_get_local_address (relay)));
  g_assert_cmpint (sendto (client, "ping", 4, 0, (struct sockaddr *) &to, sizeof to), ==, 4);
  at_server = ss_test_raw_recv_datagram (server, &from_port, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (at_server, NULL), g_bytes_get_size (at_server), "ping", 4);
  to.sin_port = htons (from_port);
  g_assert_cmpint (sendto (server, "pong", 4, 0, (struct sockaddr *) &to, sizeof to), ==, 4);
  at_client = ss_test_raw_recv_datagram (client, NULL, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (at_client, NULL), g_bytes_get_size (at_client), "pong", 4);

  /* the client's upstream socket, under its relay */
  ss_test_wait_until (row_with_subtitle, &row_wait, SS_TEST_TIMEOUT_MS);
  close (client);
  close (server);
}

/* A fault added in the relay's page acts on the next pair: its log says
 * so, and the pair's page names it. */
static void
test_relay_faults (SsTestWindow  *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) at_server = NULL;
  SsSocketPage *page;
  SsSocketPage *pair_page;
  GtkWidget *box;
  GtkExpander *expander;
  GtkWidget *panel;
  GtkLabel *pair_label;
  SsSocket *relay;
  SsSocket *pair;
  int listener, client, server;

  relay = start_relay_to_raw (f, &listener);
  page = ss_test_wait_page (f, relay);

  /* the relay's page has the faults, under an expander of their own */
  box = ss_test_page_child (page, "relay_faults_box");
  expander = ss_test_template_child (box, SS_TYPE_RELAY_FAULTS_BOX, "expander");
  panel = GTK_WIDGET (ss_relay_faults_box_get_panel (SS_RELAY_FAULTS_BOX (box)));
  g_assert_nonnull (panel);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (expander)));
  g_assert_true (gtk_widget_get_visible (panel));
  g_assert_false (gtk_widget_get_visible (ss_test_template_child (box, SS_TYPE_RELAY_FAULTS_BOX, "udp_label")));
  gtk_expander_set_expanded (expander, TRUE);
  g_assert_true (gtk_widget_activate_action (panel, "toxics.add", "(uu)",
                                             (guint32) SS_TOXIC_UPSTREAM, (guint32) SS_TOXIC_LATENCY));
  g_assert_true (gtk_widget_activate_action (panel, "toxics.add", "(uu)",
                                             (guint32) SS_TOXIC_UPSTREAM, (guint32) SS_TOXIC_SLOW_CLOSE));
  /* once the edits pause, all of them at once */
  ss_test_wait_event (relay, "Faults, client → server: Latency 100 ms; Close delayed");
  g_assert_cmpuint (ss_test_count_events (relay, "Faults, client → server"), ==, 1);

  client = ss_test_raw_connect (AF_INET, ss_test_port_of (ss_socket_get_local_address (relay)),
                                SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (client, "question", 8, SS_TEST_TIMEOUT_MS);
  at_server = ss_test_raw_recv (server, 8, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (at_server, NULL), g_bytes_get_size (at_server), "question", 8);
  pair = ss_test_connection_at (relay, 0);
  ss_test_wait_event (pair, "Fault, client → server: held 100 ms");

  /* the pair's page names the faults acting on it */
  g_assert_true (ss_test_sidebar_socket (f, 1, NULL) == pair);
  ss_test_select_row (f, 1);
  pair_page = ss_test_wait_page (f, pair);
  box = ss_test_page_child (pair_page, "relay_faults_box");
  pair_label = ss_test_template_child (box, SS_TYPE_RELAY_FAULTS_BOX, "pair_label");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (pair_label)));
  /* a pair's page has no faults panel: never made, or hidden */
  g_assert_true (ss_relay_faults_box_get_panel (SS_RELAY_FAULTS_BOX (box)) == NULL ||
                 !gtk_widget_get_visible (GTK_WIDGET (ss_relay_faults_box_get_panel (SS_RELAY_FAULTS_BOX (box)))));
  g_assert_nonnull (strstr (gtk_label_get_text (pair_label), "client → server: Latency 100 ms"));
  g_assert_nonnull (strstr (gtk_label_get_text (pair_label), "server → client: none"));

  close (server);
  close (client);
  close (listener);
}

static void
test_relay_mistakes (SsTestWindow  *f,
                     gconstpointer  data)
{
  GtkLabel *error_label = ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                                  "error_label");

  start_relay (f, "127.0.0.1:9000", "");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "both addresses"));

  start_relay (f, "9000", "127.0.0.1:0");
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "port 0"));
  g_assert_cmpuint (g_list_model_get_n_items (ss_session_get_sockets (f->session)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/relay-page/from-new-socket", test_relay_from_new_socket);
  ss_test_window_add ("/relay-page/udp-from-new-socket", test_udp_relay_from_new_socket);
  ss_test_window_add ("/relay-page/mistakes", test_relay_mistakes);
  ss_test_window_add ("/relay-page/faults", test_relay_faults);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
