/* test-reply-rules-panel.c — the socket page's Auto-Reply panel, through
 * the real window: where it shows, rules written with its widgets that a
 * raw peer then triggers, what an invalid rule shows, turning rules off,
 * removing them; checked on what a person sees and on the wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-reply-rule-row.h"
#include "ss-reply-rule.h"
#include "ss-reply-rules-panel.h"
#include "ss-test-socket.h"
#include "ss-test-window.h"

/* How long a test looks for a reply that must not come: longer than a
 * main-loop turn on loopback. */
#define QUIET_MS 300

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static gpointer
row_child (GtkListBoxRow *row,
           const char    *name)
{
  return ss_test_template_child (row, SS_TYPE_REPLY_RULE_ROW, name);
}

static GtkListBox *
rules_list (SsReplyRulesPanel *panel)
{
  return ss_test_template_child (panel, SS_TYPE_REPLY_RULES_PANEL, "rules_list");
}

static gboolean
expander_shown (SsSocketPage *page)
{
  return gtk_widget_get_visible (ss_test_page_child (page, "reply_rules_expander"));
}

/* Opens the page's Auto-Reply expander: the panel is then on screen. */
static SsReplyRulesPanel *
open_panel (SsSocketPage *page)
{
  GtkExpander *expander = ss_test_page_child (page, "reply_rules_expander");
  SsReplyRulesPanel *panel = ss_test_page_child (page, "reply_rules_panel");

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (expander)));
  gtk_expander_set_expanded (expander, TRUE);
  ss_test_wait_until (ss_test_widget_mapped, panel, SS_TEST_TIMEOUT_MS);
  return panel;
}

/* Presses Add Rule: the new rule's row, on screen. */
static GtkListBoxRow *
add_rule (SsReplyRulesPanel *panel)
{
  GtkListBox *list = rules_list (panel);
  int n = 0;
  GtkListBoxRow *row;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  g_signal_emit_by_name (ss_test_template_child (panel, SS_TYPE_REPLY_RULES_PANEL, "add_button"),
                         "clicked");
  row = gtk_list_box_get_row_at_index (list, n);
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (list, n + 1));
  ss_test_wait_until (ss_test_widget_mapped, row, SS_TEST_TIMEOUT_MS);
  return row;
}

static void
set_text (GtkListBoxRow *row,
          const char    *name,
          const char    *text)
{
  gtk_editable_set_text (row_child (row, name), text);
}

/* The switch as a person sees it, and the rule behind it. */
static void
assert_switch (GtkListBoxRow *row,
               gboolean       active,
               gboolean       sensitive)
{
  GtkSwitch *enabled = row_child (row, "enabled_switch");

  g_assert_cmpint (gtk_switch_get_active (enabled), ==, active);
  g_assert_cmpint (gtk_widget_get_sensitive (GTK_WIDGET (enabled)), ==, sensitive);
  g_assert_cmpint (ss_reply_rule_get_enabled (ss_reply_rule_row_get_rule (SS_REPLY_RULE_ROW (row))),
                   ==, active);
}

/* The row says why its rule is invalid, on screen, as an error. */
static const char *
assert_error_shown (GtkListBoxRow *row,
                    const char    *needle)
{
  GtkLabel *error = row_child (row, "error_label");
  const char *text;

  ss_test_wait_until (ss_test_widget_mapped, error, SS_TEST_TIMEOUT_MS);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (error), "error-message"));
  text = gtk_label_get_text (error);
  if (strstr (text, needle) == NULL)
    g_error ("the rule's error “%s” does not say “%s”", text, needle);
  return text;
}

static void
assert_no_error (GtkListBoxRow *row)
{
  g_assert_false (gtk_widget_get_visible (row_child (row, "error_label")));
}

static void
wait_fired (GtkListBoxRow *row,
            const char    *text)
{
  ss_test_wait_label_shown (row, "caption", text);
}

/* Nothing more comes on @fd: not now, nor a moment later. */
static void
assert_nothing_more (int fd)
{
  char byte;

  ss_test_iterate_for (QUIET_MS);
  g_assert_cmpint (recv (fd, &byte, 1, MSG_DONTWAIT), ==, -1);
  g_assert_true (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* The raw peer sends @text and gets exactly @reply back. */
static void
assert_replies (int         peer,
                const char *text,
                const char *reply)
{
  g_autoptr(GBytes) got = NULL;

  ss_test_raw_send_all (peer, text, strlen (text), SS_TEST_TIMEOUT_MS);
  got = ss_test_raw_recv (peer, strlen (reply), FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), reply, strlen (reply));
  assert_nothing_more (peer);
}

/* The raw peer sends @text, the connection receives it (it is in the
 * log), and nothing comes back. */
static void
assert_silent (int         peer,
               SsSocket   *connection,
               const char *text)
{
  guint64 before = ss_socket_get_bytes_in (connection);

  ss_test_raw_send_all (peer, text, strlen (text), SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (connection, before + strlen (text));
  assert_nothing_more (peer);
}

/* ------------------------------------------------------------------ */
/* 1. a listener: rules written in the panel answer its connections    */

static void
test_listener (SsTestWindow  *f,
               gconstpointer  data)
{
  g_autofree char *local = NULL;
  SsSocketPage *page;
  SsReplyRulesPanel *panel;
  GListStore *rules;
  GtkListBoxRow *row;
  SsReplyRule *rule;
  SsPayload *reply;
  SsSocket *listener, *connection;
  GtkSwitch *enabled;
  GtkWidget *focus;
  guint16 port;
  int peer;

  /* not before listen(): a socket that is not yet anything has no rules */
  page = ss_test_new_tcp_page (f, &listener);
  ss_test_page_bind (page, "127.0.0.1:0");
  g_assert_false (expander_shown (page));
  port = ss_test_page_listen (page);
  g_assert_true (expander_shown (page));
  local = g_strdup (ss_test_info_value (page, SS_TEST_INFO_LOCAL));

  panel = open_panel (page);
  rules = ss_socket_get_reply_rules (listener);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rules)), ==, 0);
  g_assert_null (gtk_list_box_get_row_at_index (rules_list (panel), 0));

  /* a new rule: "contains", empty, off, valid */
  row = add_rule (panel);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rules)), ==, 1);
  rule = g_list_model_get_item (G_LIST_MODEL (rules), 0);
  g_object_unref (rule);  /* the store holds it */
  g_assert_true (ss_reply_rule_row_get_rule (SS_REPLY_RULE_ROW (row)) == rule);
  g_assert_cmpuint (ss_reply_rule_get_match (rule), ==, SS_MATCH_CONTAINS);
  assert_switch (row, FALSE, TRUE);
  assert_no_error (row);
  g_assert_cmpstr (gtk_label_get_text (row_child (row, "number_label")), ==, "Rule 1");
  wait_fired (row, "not fired yet");
  /* the cursor is where the rule is written */
  focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (row)));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, row_child (row, "pattern_entry")));

  /* is exactly "ping", reply "pong\t" with escapes and LF */
  ss_test_choose (row_child (row, "match_dropdown"), "Is exactly");
  set_text (row, "pattern_entry", "ping");
  set_text (row, "reply_entry", "pong\\t");
  ss_test_choose (row_child (row, "reply_encoding_dropdown"), "Text with Escapes");
  ss_test_choose (row_child (row, "line_ending_dropdown"), "LF");
  reply = ss_reply_rule_get_reply (rule);
  g_assert_cmpuint (ss_reply_rule_get_match (rule), ==, SS_MATCH_EXACT);
  g_assert_cmpuint (ss_reply_rule_get_pattern_encoding (rule), ==, SS_ENCODING_TEXT);
  g_assert_cmpstr (ss_reply_rule_get_pattern (rule), ==, "ping");
  g_assert_cmpuint (ss_payload_get_encoding (reply), ==, SS_ENCODING_ESCAPED);
  g_assert_cmpstr (ss_payload_get_content (reply), ==, "pong\\t");
  g_assert_cmpuint (ss_payload_get_line_ending (reply), ==, SS_LINE_ENDING_LF);
  /* editing does not turn it on */
  assert_switch (row, FALSE, TRUE);
  assert_no_error (row);

  enabled = row_child (row, "enabled_switch");
  gtk_switch_set_active (enabled, TRUE);
  assert_switch (row, TRUE, TRUE);

  /* a raw peer: "ping" gets exactly the reply; anything else nothing */
  peer = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);
  /* the connection shares the listener's rules, and its page does not
   * show them */
  g_assert_true (ss_socket_get_reply_rules (connection) == rules);
  ss_test_select_row (f, 1);
  g_assert_false (expander_shown (ss_test_wait_page (f, connection)));
  ss_test_select_row (f, 0);
  page = ss_test_wait_page (f, listener);
  g_assert_true (expander_shown (page));

  assert_replies (peer, "ping", "pong\t\n");
  wait_fired (row, "fired 1 time");
  assert_silent (peer, connection, "ping!");
  g_assert_cmpuint (ss_reply_rule_get_fired (rule), ==, 1);

  /* an edit that makes it invalid turns it off and says why; once valid
   * again it is back on, as the person had it */
  ss_test_choose (row_child (row, "pattern_encoding_dropdown"), "Hex");
  set_text (row, "pattern_entry", "70 69 6e 6");
  assert_error_shown (row, "pattern");
  assert_switch (row, FALSE, FALSE);
  assert_silent (peer, connection, "ping");
  set_text (row, "pattern_entry", "70 69 6e 67");
  assert_no_error (row);
  assert_switch (row, TRUE, TRUE);
  assert_replies (peer, "ping", "pong\t\n");
  wait_fired (row, "fired 2 times");

  /* off: no replies */
  gtk_switch_set_active (enabled, FALSE);
  assert_switch (row, FALSE, TRUE);
  assert_silent (peer, connection, "ping");
  g_assert_cmpuint (ss_reply_rule_get_fired (rule), ==, 2);

  /* an invalid regex: the error, and the switch cannot turn on */
  ss_test_choose (row_child (row, "match_dropdown"), "Matches regex");
  g_assert_false (gtk_widget_get_visible (row_child (row, "pattern_encoding_dropdown")));
  set_text (row, "pattern_entry", "^ping (");
  assert_error_shown (row, "(");
  assert_switch (row, FALSE, FALSE);
  gtk_switch_set_active (enabled, TRUE);
  assert_switch (row, FALSE, FALSE);
  assert_silent (peer, connection, "ping (");

  /* fixed, with a group the reply uses; still off until turned on */
  set_text (row, "pattern_entry", "^ping (\\w+)$");
  set_text (row, "reply_entry", "pong $1");
  assert_no_error (row);
  assert_switch (row, FALSE, TRUE);
  gtk_switch_set_active (enabled, TRUE);
  assert_switch (row, TRUE, TRUE);
  assert_replies (peer, "ping abc", "pong abc\n");
  wait_fired (row, "fired 3 times");

  /* a group the regex does not have */
  set_text (row, "reply_entry", "pong $2");
  assert_error_shown (row, "group 2");
  assert_switch (row, FALSE, FALSE);
  set_text (row, "reply_entry", "pong $1");
  assert_switch (row, TRUE, TRUE);

  /* a second rule, numbered; then the first is removed */
  row = add_rule (panel);
  g_assert_cmpstr (gtk_label_get_text (row_child (row, "number_label")), ==, "Rule 2");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rules)), ==, 2);
  row = gtk_list_box_get_row_at_index (rules_list (panel), 0);
  g_signal_emit_by_name (row_child (row, "remove_button"), "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rules)), ==, 1);
  row = gtk_list_box_get_row_at_index (rules_list (panel), 0);
  g_assert_cmpstr (gtk_label_get_text (row_child (row, "number_label")), ==, "Rule 1");
  g_assert_true (ss_reply_rule_row_get_rule (SS_REPLY_RULE_ROW (row)) != rule);
  assert_silent (peer, connection, "ping abc");

  g_signal_emit_by_name (row_child (row, "remove_button"), "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rules)), ==, 0);
  g_assert_null (gtk_list_box_get_row_at_index (rules_list (panel), 0));

  g_assert_no_errno (close (peer));
}

/* ------------------------------------------------------------------ */
/* 2. a TCP client and an accepted connection show no rules            */

static void
test_stream_hidden (SsTestWindow  *f,
                    gconstpointer  data)
{
  SsSocketPage *page;
  guint16 port;
  int listener, peer;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  page = ss_test_new_tcp_page (f, NULL);
  g_assert_false (expander_shown (page));

  peer = ss_test_page_connect (page, listener);
  g_assert_false (expander_shown (page));

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 3. UDP: a rule answers a raw sender                                 */

static void
test_udp (SsTestWindow  *f,
          gconstpointer  data)
{
  static const char ping[] = "hello ping";
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  g_autoptr(GBytes) reply = NULL;
  SsSocketPage *page;
  SsReplyRulesPanel *panel;
  GtkListBoxRow *row;
  SsSocket *socket;
  guint16 raw_port, page_port, reply_port;
  int raw;

  ss_test_window_create_socket (f, "AF_INET", "SOCK_DGRAM");
  ss_test_wait_sidebar (f, "UDP socket", 0, NULL);
  socket = ss_test_sidebar_socket (f, 0, NULL);
  page = ss_test_wait_page (f, socket);
  /* a datagram socket shows its rules from the start */
  g_assert_true (expander_shown (page));

  gtk_editable_set_text (ss_test_page_child (page, "bind_entry"), "127.0.0.1:0");
  ss_test_click (page, "socket.bind");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "bound");
  g_assert_true (expander_shown (page));
  page_port = ss_test_port_of (ss_test_info_value (page, SS_TEST_INFO_LOCAL));

  panel = open_panel (page);
  row = add_rule (panel);
  set_text (row, "pattern_entry", "ping");
  ss_test_choose (row_child (row, "reply_encoding_dropdown"), "Hex");
  set_text (row, "reply_entry", "70 6f 6e 67 00");
  assert_no_error (row);
  gtk_switch_set_active (row_child (row, "enabled_switch"), TRUE);
  assert_switch (row, TRUE, TRUE);

  raw = ss_test_raw_udp_socket (AF_INET, &raw_port);
  to.sin_port = htons (page_port);
  g_assert_cmpint (sendto (raw, ping, strlen (ping), 0, (struct sockaddr *) &to, sizeof to),
                   ==, strlen (ping));

  reply = ss_test_raw_recv_datagram (raw, &reply_port, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                   "pong", 5);
  g_assert_cmpuint (reply_port, ==, page_port);
  wait_fired (row, "fired 1 time");
  assert_nothing_more (raw);

  g_assert_no_errno (close (raw));
}

/* ------------------------------------------------------------------ */
/* 4. whatever is typed: errors, never a warning or a crash            */

static void
test_hostile_input (SsTestWindow  *f,
                    gconstpointer  data)
{
  g_autoptr(GString) huge = g_string_new (NULL);
  SsSocketPage *page;
  SsReplyRulesPanel *panel;
  GtkListBoxRow *row;
  SsSocket *socket;
  const char *message;

  ss_test_window_create_socket (f, "AF_INET", "SOCK_DGRAM");
  ss_test_wait_sidebar (f, "UDP socket", 0, NULL);
  socket = ss_test_sidebar_socket (f, 0, NULL);
  page = ss_test_wait_page (f, socket);
  panel = open_panel (page);
  row = add_rule (panel);

  /* odd hex, bad escapes, bad base64 */
  ss_test_choose (row_child (row, "pattern_encoding_dropdown"), "Hex");
  set_text (row, "pattern_entry", "abc");
  assert_error_shown (row, "pattern");
  set_text (row, "pattern_entry", "zz");
  assert_error_shown (row, "pattern");
  ss_test_choose (row_child (row, "pattern_encoding_dropdown"), "Text with Escapes");
  set_text (row, "pattern_entry", "\\q \\x4 \\u{110000}");
  assert_error_shown (row, "pattern");
  set_text (row, "pattern_entry", "\\r\\n");
  assert_no_error (row);
  ss_test_choose (row_child (row, "reply_encoding_dropdown"), "Base64");
  set_text (row, "reply_entry", "not base64!");
  assert_error_shown (row, "reply");
  assert_switch (row, FALSE, FALSE);
  set_text (row, "reply_entry", "");
  assert_no_error (row);

  /* a huge regex that does not compile: its error quotes it, cut short */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (huge, '(');
  ss_test_choose (row_child (row, "match_dropdown"), "Matches regex");
  set_text (row, "pattern_entry", huge->str);
  message = assert_error_shown (row, "");
  g_assert_cmpuint (g_utf8_strlen (message, -1), <=, 401);
  g_assert_cmpuint (strlen (gtk_widget_get_tooltip_text (row_child (row, "error_label"))),
                    <, 2000);
  assert_switch (row, FALSE, FALSE);

  /* a huge text pattern and reply are fine */
  g_string_truncate (huge, 0);
  for (guint i = 0; i < 100000; i++)
    g_string_append (huge, "ping ");
  ss_test_choose (row_child (row, "match_dropdown"), "Contains");
  ss_test_choose (row_child (row, "pattern_encoding_dropdown"), "Text");
  set_text (row, "pattern_entry", huge->str);
  ss_test_choose (row_child (row, "reply_encoding_dropdown"), "Text");
  set_text (row, "reply_entry", huge->str);
  assert_no_error (row);
  assert_switch (row, FALSE, TRUE);

  /* a regex that needs groups the reply names */
  ss_test_choose (row_child (row, "match_dropdown"), "Matches regex");
  set_text (row, "pattern_entry", "(?<word>\\w+)");
  set_text (row, "reply_entry", "${nope}");
  assert_error_shown (row, "nope");
  set_text (row, "reply_entry", "${word} $$5 ${}");
  assert_error_shown (row, "${}");
  set_text (row, "reply_entry", "${word} $$5 $99999999");
  assert_error_shown (row, "group");
  set_text (row, "reply_entry", "${word} $$5");
  assert_no_error (row);
  assert_switch (row, FALSE, TRUE);
}

/* ------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);

  ss_test_window_add ("/reply-rules-panel/listener", test_listener);
  ss_test_window_add ("/reply-rules-panel/stream-hidden", test_stream_hidden);
  ss_test_window_add ("/reply-rules-panel/udp", test_udp);
  ss_test_window_add ("/reply-rules-panel/hostile-input", test_hostile_input);

  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
