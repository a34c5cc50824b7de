/* test-intercept-page.c — a relay's Intercept on its page, driven as a
 * person does: the hold switches, Drop, Edit… (the bytes in a send box of
 * their own, forwarded as edited), Forward, Forward All, a rewrite rule
 * made in the panel, and the pair's send box injecting to either side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-composer.h"
#include "ss-framing-box.h"
#include "ss-held-edit-dialog.h"
#include "ss-intercept-panel.h"
#include "ss-reply-rule-row.h"
#include "ss-reply-rules-panel.h"
#include "ss-test-socket.h"
#include "ss-test-window.h"
#include "ss-traffic-view.h"

typedef struct
{
  SsTestWindow     *f;
  SsSocket         *relay;
  SsSocketPage     *page;
  SsInterceptPanel *panel;
  int               target;
  int               client;
  int               server;
} Relay;

static gboolean
has_socket (gpointer user_data)
{
  SsTestWindow *f = user_data;

  return g_list_model_get_n_items (ss_session_get_sockets (f->session)) > 0;
}

static gboolean
has_server_leg (gpointer relay)
{
  g_autoptr(SsSocket) leg = g_list_model_get_item (ss_socket_get_connections (relay), 0);

  return leg != NULL && ss_socket_get_relay_server (leg) != NULL &&
         ss_socket_get_state (ss_socket_get_relay_server (leg)) == SS_SOCKET_CONNECTED;
}

static void
relay_open (Relay        *r,
            SsTestWindow *f)
{
  g_autofree char *target = NULL;
  guint16 target_port;

  r->f = f;
  r->target = ss_test_raw_listener (AF_INET, 0, &target_port);
  target = g_strdup_printf ("127.0.0.1:%u", target_port);
  gtk_editable_set_text (ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                                 "relay_listen_entry"), "127.0.0.1:0");
  gtk_editable_set_text (ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                                 "relay_target_entry"), target);
  g_signal_emit_by_name (ss_test_template_child (f->new_socket_box, SS_TYPE_NEW_SOCKET_BOX,
                                                 "relay_button"), "clicked");
  ss_test_wait_until (has_socket, f, SS_TEST_TIMEOUT_MS);
  r->relay = ss_test_sidebar_socket (f, 0, NULL);
  r->page = ss_test_wait_page (f, r->relay);

  r->client = ss_test_raw_connect (AF_INET, ss_test_port_of (ss_socket_get_local_address (r->relay)),
                                   SS_TEST_TIMEOUT_MS);
  r->server = ss_test_raw_accept (r->target, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (has_server_leg, r->relay, SS_TEST_TIMEOUT_MS);

  g_assert_true (gtk_widget_get_visible (ss_test_page_child (r->page, "intercept_expander")));
  r->panel = SS_INTERCEPT_PANEL (gtk_expander_get_child (ss_test_page_child (r->page, "intercept_expander")));
  g_assert_true (SS_IS_INTERCEPT_PANEL (r->panel));
  ss_test_wait_until (ss_test_widget_mapped, r->panel, SS_TEST_TIMEOUT_MS);
}

static void
relay_close (Relay *r)
{
  close (r->client);
  close (r->server);
  close (r->target);
}

static gpointer
panel_child (Relay      *r,
             const char *name)
{
  return ss_test_template_child (r->panel, SS_TYPE_INTERCEPT_PANEL, name);
}

typedef struct
{
  Relay      *r;
  const char *text;
} LabelWait;

static gboolean
count_says (gpointer user_data)
{
  LabelWait *wait = user_data;

  return g_str_equal (gtk_label_get_text (panel_child (wait->r, "count_label")), wait->text);
}

static void
wait_count (Relay      *r,
            const char *text)
{
  LabelWait wait = { r, text };

  ss_test_wait_until (count_says, &wait, SS_TEST_TIMEOUT_MS);
}

static gboolean
is_labelled_button (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* The button labelled @label on the held list's @row-th row on screen. */
static GtkWidget *
row_button (Relay      *r,
            guint       row,
            const char *label)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  ss_test_collect_widgets (panel_child (r, "held_view"), is_labelled_button, label, found);
  g_assert_cmpuint (found->len, >, row);
  return g_ptr_array_index (found, row);
}

typedef struct
{
  SsSocketPage *page;
  const char   *needle;
} EventWait;

static gboolean
page_has_event (gpointer user_data)
{
  EventWait *wait = user_data;
  GListModel *model = ss_test_traffic_model (wait->page);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);
      g_autofree char *text = NULL;

      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_EVENT)
        continue;
      text = ss_traffic_entry_dup_text (entry, 0);
      if (strstr (text, wait->needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
wait_event (SsSocketPage *page,
            const char   *needle)
{
  EventWait wait = { page, needle };

  ss_test_wait_until (page_has_event, &wait, SS_TEST_TIMEOUT_MS);
}

static gboolean
find_dialog (gpointer dialog_location)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (SS_IS_HELD_EDIT_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      {
        *(gpointer *) dialog_location = l->data;
        return TRUE;
      }
  return FALSE;
}

static void
test_hold_edit_drop_forward (SsTestWindow  *f,
                             gconstpointer  data)
{
  Relay r = { 0 };
  GtkWidget *dialog = NULL;
  GtkTextBuffer *buffer;

  relay_open (&r, f);
  wait_count (&r, "Nothing held");
  g_assert_false (gtk_widget_get_sensitive (panel_child (&r, "forward_all_button")));

  /* the switch holds client → server */
  gtk_switch_set_active (panel_child (&r, "hold_upstream_switch"), TRUE);
  g_assert_true (ss_relay_intercept_get_hold (ss_socket_get_relay_intercept (r.relay), SS_INTERCEPT_UPSTREAM));
  ss_test_raw_send_all (r.client, "one;", 4, SS_TEST_TIMEOUT_MS);
  wait_count (&r, "1 held item");
  ss_test_raw_send_all (r.client, "two;", 4, SS_TEST_TIMEOUT_MS);
  wait_count (&r, "2 held items");
  ss_test_raw_send_all (r.client, "three;", 6, SS_TEST_TIMEOUT_MS);
  wait_count (&r, "3 held items");
  ss_test_raw_expect_nothing (r.server);
  g_assert_true (gtk_widget_get_sensitive (panel_child (&r, "forward_all_button")));

  /* Drop on the first row */
  g_signal_emit_by_name (row_button (&r, 0, "Drop"), "clicked");
  wait_count (&r, "2 held items");
  ss_test_raw_expect_nothing (r.server);

  /* Edit… on the (new) first row: its bytes in a send box, forwarded edited */
  g_signal_emit_by_name (row_button (&r, 0, "Edit…"), "clicked");
  ss_test_wait_until (find_dialog, &dialog, SS_TEST_TIMEOUT_MS);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (ss_composer_get_text_view (
    ss_test_template_child (dialog, SS_TYPE_HELD_EDIT_DIALOG, "composer"))));
  {
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (text, ==, "two;");
  }
  gtk_text_buffer_set_text (buffer, "TWO!", -1);
  g_signal_emit_by_name (ss_test_template_child (dialog, SS_TYPE_HELD_EDIT_DIALOG, "forward_button"), "clicked");
  ss_test_raw_expect (r.server, "TWO!");
  wait_count (&r, "1 held item");

  /* Forward on the last one */
  g_signal_emit_by_name (row_button (&r, 0, "Forward"), "clicked");
  ss_test_raw_expect (r.server, "three;");
  wait_count (&r, "Nothing held");

  /* server → client: Forward All, in order */
  gtk_switch_set_active (panel_child (&r, "hold_downstream_switch"), TRUE);
  ss_test_raw_send_all (r.server, "x;", 2, SS_TEST_TIMEOUT_MS);
  wait_count (&r, "1 held item");
  ss_test_raw_send_all (r.server, "y;", 2, SS_TEST_TIMEOUT_MS);
  wait_count (&r, "2 held items");
  ss_test_raw_expect_nothing (r.client);
  g_signal_emit_by_name (panel_child (&r, "forward_all_button"), "clicked");
  ss_test_raw_expect (r.client, "x;y;");
  wait_count (&r, "Nothing held");

  /* switching hold off lets what waits go */
  ss_test_raw_send_all (r.server, "z;", 2, SS_TEST_TIMEOUT_MS);
  wait_count (&r, "1 held item");
  gtk_switch_set_active (panel_child (&r, "hold_downstream_switch"), FALSE);
  ss_test_raw_expect (r.client, "z;");
  wait_count (&r, "Nothing held");
  relay_close (&r);
}

static gboolean
held_in_core (gpointer intercept)
{
  return g_list_model_get_n_items (ss_relay_intercept_get_held (intercept)) > 0;
}

static gboolean
is_expander (GtkWidget     *widget,
             gconstpointer  data)
{
  return GTK_IS_EXPANDER (widget);
}

/* A rule made in the panel rewrites; the pair's page injects. */
static void
test_rewrite_and_inject (SsTestWindow  *f,
                         gconstpointer  data)
{
  Relay r = { 0 };
  SsReplyRulesPanel *rules;
  GtkListBox *list;
  GtkListBoxRow *row;
  g_autoptr(SsSocket) leg = NULL;
  SsSocketPage *pair_page;
  GtkWidget *inject;

  relay_open (&r, f);
  rules = panel_child (&r, "upstream_rules_panel");
  /* a closed expander holds no child: open the first, client → server */
  {
    g_autoptr(GPtrArray) expanders = g_ptr_array_new ();

    ss_test_collect_widgets (GTK_WIDGET (r.panel), is_expander, NULL, expanders);
    g_assert_cmpuint (expanders->len, ==, 2);
    gtk_expander_set_expanded (g_ptr_array_index (expanders, 0), TRUE);
  }
  ss_test_wait_until (ss_test_widget_mapped, rules, SS_TEST_TIMEOUT_MS);
  g_signal_emit_by_name (ss_test_template_child (rules, SS_TYPE_REPLY_RULES_PANEL, "add_button"), "clicked");
  list = ss_test_template_child (rules, SS_TYPE_REPLY_RULES_PANEL, "rules_list");
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_label_get_text (ss_test_template_child (row, SS_TYPE_REPLY_RULE_ROW, "reply_label")),
                   ==, "Replace with");
  gtk_editable_set_text (ss_test_template_child (row, SS_TYPE_REPLY_RULE_ROW, "pattern_entry"), "cat");
  gtk_editable_set_text (ss_test_template_child (row, SS_TYPE_REPLY_RULE_ROW, "reply_entry"), "dog");
  gtk_switch_set_active (ss_test_template_child (row, SS_TYPE_REPLY_RULE_ROW, "enabled_switch"), TRUE);
  ss_test_raw_send_all (r.client, "a cat, a cat", 12, SS_TEST_TIMEOUT_MS);
  ss_test_raw_expect (r.server, "a dog, a dog");

  /* the pair's page: the send box injects to the side chosen */
  leg = g_list_model_get_item (ss_socket_get_connections (r.relay), 0);
  ss_test_select_row (f, 1);
  pair_page = ss_test_wait_page (f, leg);
  g_assert_true (gtk_widget_get_visible (ss_test_page_child (pair_page, "intercept_expander")));
  inject = ss_test_page_child (pair_page, "inject_dropdown");
  g_assert_true (gtk_widget_get_visible (inject));
  ss_test_choose (ss_test_line_ending (pair_page), "No Line Ending");
  ss_test_choose (SS_DROP_DOWN (inject), "To the Server");
  ss_test_set_send_text (pair_page, "to server");
  ss_test_click (pair_page, "socket.send");
  ss_test_raw_expect (r.server, "to server");
  ss_test_raw_expect_nothing (r.client);
  ss_test_choose (SS_DROP_DOWN (inject), "To the Client");
  ss_test_set_send_text (pair_page, "to client");
  ss_test_click (pair_page, "socket.send-once");
  ss_test_raw_expect (r.client, "to client");
  ss_test_raw_expect_nothing (r.server);
  /* the pair's page lists only its own held items, and Forward All
   * there forwards only them */
  {
    Relay other = r;
    SsInterceptPanel *relay_panel = r.panel;
    SsRelayIntercept *intercept = ss_socket_get_relay_intercept (r.relay);

    other.client = ss_test_raw_connect (AF_INET, ss_test_port_of (ss_socket_get_local_address (r.relay)),
                                        SS_TEST_TIMEOUT_MS);
    other.server = ss_test_raw_accept (r.target, SS_TEST_TIMEOUT_MS);
    r.panel = SS_INTERCEPT_PANEL (gtk_expander_get_child (ss_test_page_child (pair_page, "intercept_expander")));
    ss_relay_intercept_set_hold (intercept, SS_INTERCEPT_UPSTREAM, TRUE);
    ss_test_raw_send_all (other.client, "theirs", 6, SS_TEST_TIMEOUT_MS);
    ss_test_wait_until (held_in_core, intercept, SS_TEST_TIMEOUT_MS);
    wait_count (&r, "Nothing held");
    ss_test_raw_send_all (r.client, "mine", 4, SS_TEST_TIMEOUT_MS);
    wait_count (&r, "1 held item");
    g_signal_emit_by_name (panel_child (&r, "forward_all_button"), "clicked");
    ss_test_raw_expect (r.server, "mine");
    wait_count (&r, "Nothing held");
    ss_test_raw_expect_nothing (other.server);
    g_assert_cmpuint (g_list_model_get_n_items (ss_relay_intercept_get_held (intercept)), ==, 1);
    ss_relay_intercept_set_hold (intercept, SS_INTERCEPT_UPSTREAM, FALSE);
    ss_test_raw_expect (other.server, "theirs");
    close (other.client);
    close (other.server);
    r.panel = relay_panel;
  }

  wait_event (pair_page, "Injected to the client: “to client”");
  wait_event (pair_page, "Injected to the server: “to server”");
  wait_event (pair_page, "Rewrite rule 1 (contains “cat”), client → server: “a cat, a cat” → “a dog, a dog”");
  relay_close (&r);
}

/* The relay's framing, chosen on its page as on a socket's, is what its
 * rewrite rules see: "a c" and "at\n" in two reads are one message, which
 * a rule containing "a cat" rewrites. */
static void
test_rewrite_messages (SsTestWindow  *f,
                       gconstpointer  data)
{
  Relay r = { 0 };
  SsReplyRulesPanel *rules;
  GtkListBoxRow *row;
  gpointer view;
  g_autoptr(SsSocket) leg = NULL;

  relay_open (&r, f);
  leg = g_list_model_get_item (ss_socket_get_connections (r.relay), 0);
  view = ss_test_page_child (r.page, "traffic_view");
  g_assert_true (gtk_widget_activate_action (view, "traffic.messages", NULL));
  ss_drop_down_set_selected (ss_test_template_child (ss_traffic_view_get_framing_box (view),
                                                      SS_TYPE_FRAMING_BOX, "mode_dropdown"),
                              SS_FRAMING_DELIMITER);
  g_signal_emit_by_name (ss_test_template_child (ss_traffic_view_get_framing_box (view),
                                                 SS_TYPE_FRAMING_BOX, "apply_button"), "clicked");
  g_assert_nonnull (ss_socket_get_framing (r.relay));
  g_assert_cmpint (ss_socket_get_framing (leg)->mode, ==, SS_FRAMING_DELIMITER);

  rules = panel_child (&r, "upstream_rules_panel");
  {
    g_autoptr(GPtrArray) expanders = g_ptr_array_new ();

    ss_test_collect_widgets (GTK_WIDGET (r.panel), is_expander, NULL, expanders);
    gtk_expander_set_expanded (g_ptr_array_index (expanders, 0), TRUE);
  }
  ss_test_wait_until (ss_test_widget_mapped, rules, SS_TEST_TIMEOUT_MS);
  g_signal_emit_by_name (ss_test_template_child (rules, SS_TYPE_REPLY_RULES_PANEL, "add_button"), "clicked");
  row = gtk_list_box_get_row_at_index (ss_test_template_child (rules, SS_TYPE_REPLY_RULES_PANEL, "rules_list"), 0);
  gtk_editable_set_text (ss_test_template_child (row, SS_TYPE_REPLY_RULE_ROW, "pattern_entry"), "a cat");
  gtk_editable_set_text (ss_test_template_child (row, SS_TYPE_REPLY_RULE_ROW, "reply_entry"), "a dog");
  gtk_switch_set_active (ss_test_template_child (row, SS_TYPE_REPLY_RULE_ROW, "enabled_switch"), TRUE);

  ss_test_raw_send_all (r.client, "a c", 3, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (leg, 3);
  /* the start of a message waits for its end */
  ss_test_raw_expect_nothing (r.server);
  ss_test_raw_send_all (r.client, "at\n", 3, SS_TEST_TIMEOUT_MS);
  ss_test_raw_expect (r.server, "a dog\n");
  ss_test_wait_event (leg, "Rewrite rule 1 (contains “a cat”), client → server: “a cat\\n” → “a dog\\n”");
  relay_close (&r);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/intercept-page/hold-edit-drop-forward", test_hold_edit_drop_forward);
  ss_test_window_add ("/intercept-page/rewrite-and-inject", test_rewrite_and_inject);
  ss_test_window_add ("/intercept-page/rewrite-messages", test_rewrite_messages);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
