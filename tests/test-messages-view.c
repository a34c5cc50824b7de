/* test-messages-view.c — the traffic view split into messages through the
 * real window and a real loopback peer: the Messages popover's controls,
 * one row a message, incomplete tails, Find and the filter on whole
 * messages, Show Chunks, saving, a wrong delimiter, and the Hex and Text
 * layout
 *
 * SOCKSCOPE_TEST_LINGER_MS=N keeps the window shown N ms at the end of
 * each test, for a screenshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ss-checksum-chooser.h"
#include "ss-framing-box.h"
#include "ss-hexdump.h"
#include "ss-reply-rule.h"
#include "ss-socket-page-private.h"
#include "ss-test-page.h"
#include "ss-test-socket.h"
#include "ss-test-window.h"
#include "ss-traffic-view.h"

static void
linger (SsTestWindow *f)
{
  const char *ms = g_getenv ("SOCKSCOPE_TEST_LINGER_MS");

  if (ms != NULL)
    ss_test_iterate_for (atoi (ms));
}

/* The Messages popover's box is made when the popover first opens, as
 * a person opens it (Ctrl+M) */
static gpointer
box_child (SsTestConn *conn,
           const char *name)
{
  SsTrafficView *view = SS_TRAFFIC_VIEW (ss_test_conn_view (conn));

  if (ss_traffic_view_get_framing_box (view) == NULL)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "traffic.messages", NULL));
  return ss_test_template_child (ss_traffic_view_get_framing_box (view), SS_TYPE_FRAMING_BOX, name);
}

/* The peer sends @text as a chunk of its own: the page has it before
 * the next */
static void
peer_says (SsTestConn *conn,
           const char *text)
{
  guint64 in = ss_socket_get_bytes_in (conn->socket);
  gsize len = strlen (text);

  ss_test_raw_send_all (conn->peer, text, len, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (conn->socket, in + len);
}

typedef struct
{
  SsTestConn *conn;
  guint       position;
  const char *text;
} RowExpect;

/* The table's row at @position is a message holding exactly @text */
static gboolean
row_is (gpointer user_data)
{
  RowExpect *expect = user_data;
  GListModel *model = ss_test_traffic_model (expect->conn->page);
  g_autoptr(SsTrafficEntry) entry = NULL;
  g_autoptr(GBytes) wanted = g_bytes_new_static (expect->text, strlen (expect->text));

  if (g_list_model_get_n_items (model) <= expect->position)
    return FALSE;
  entry = g_list_model_get_item (model, expect->position);
  return g_bytes_equal (ss_traffic_entry_get_bytes (entry), wanted);
}

static void
wait_row (SsTestConn *conn,
          guint       position,
          const char *text)
{
  RowExpect expect = { conn, position, text };

  ss_test_wait_until (row_is, &expect, SS_TEST_TIMEOUT_MS);
}

static guint
n_rows (SsTestConn *conn)
{
  return g_list_model_get_n_items (ss_test_traffic_model (conn->page));
}

static SsTrafficEntry *
row_entry (SsTestConn *conn,
           guint       position)
{
  return g_list_model_get_item (ss_test_traffic_model (conn->page), position);
}

/* Opens the popover and chooses @mode; the test sets its options, then
 * apply() clicks Apply */
static void
choose_framing (SsTestConn    *conn,
                SsFramingMode  mode)
{
  /* Ctrl+M */
  g_assert_true (gtk_widget_activate_action (ss_test_conn_view (conn), "traffic.messages", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (ss_test_conn_view_child (conn, "messages_button")))));
  ss_drop_down_set_selected (box_child (conn, "mode_dropdown"), mode);
}

static void
apply (SsTestConn *conn)
{
  g_signal_emit_by_name (box_child (conn, "apply_button"), "clicked");
}

static char *
details_text (SsTestConn *conn)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (ss_test_conn_view_child (conn, "details_view"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static void
test_delimiter (SsTestWindow  *f,
                gconstpointer  data)
{
  SsTestConn conn;
  GtkSingleSelection *selection;
  g_autoptr(SsTrafficEntry) tail = NULL;
  g_autofree char *preview = NULL;
  g_autofree char *details = NULL;
  SsMessageLog *messages;

  ss_test_conn_open (f, &conn);
  /* chunks first, framed afterwards: what is in memory is split too */
  peer_says (&conn, "hel");
  peer_says (&conn, "lo\nwor");
  peer_says (&conn, "ld\n");
  ss_test_send_ok (conn.socket, "ok\n", 3);

  choose_framing (&conn, SS_FRAMING_DELIMITER);
  g_assert_true (gtk_widget_get_visible (box_child (&conn, "delimiter_entry")));
  gtk_editable_set_text (box_child (&conn, "delimiter_entry"), "\\n");
  apply (&conn);
  g_assert_cmpstr (gtk_menu_button_get_label (ss_test_conn_view_child (&conn, "messages_button")), ==,
                   "Messages: \\n");
  messages = ss_traffic_view_get_messages (ss_test_conn_view (&conn));
  g_assert_nonnull (messages);
  /* the events of connect, then one row a message */
  wait_row (&conn, n_rows (&conn) - 3, "hello\n");
  wait_row (&conn, n_rows (&conn) - 2, "world\n");
  wait_row (&conn, n_rows (&conn) - 1, "ok\n");
  g_assert_cmpuint (ss_message_log_get_count (messages, SS_TRAFFIC_RECEIVED), ==, 2);

  /* and what comes next: an incomplete tail, then its end */
  peer_says (&conn, "par");
  wait_row (&conn, n_rows (&conn) - 1, "par");
  tail = row_entry (&conn, n_rows (&conn) - 1);
  preview = ss_traffic_entry_dup_text (tail, 200);
  g_assert_cmpstr (preview, ==, "(incomplete, 3 bytes so far) par");

  /* Find on whole messages: "llo" is in no chunk */
  selection = GTK_SINGLE_SELECTION (ss_test_traffic_model (conn.page));
  gtk_editable_set_text (ss_test_conn_view_child (&conn, "search_entry"), "llo");
  g_signal_emit_by_name (ss_test_conn_view_child (&conn, "search_entry"), "activate");
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, n_rows (&conn) - 4);
  details = details_text (&conn);
  g_assert_true (g_str_has_prefix (details, "A message from 2 chunks"));

  /* the direction filter keeps whole messages */
  ss_drop_down_set_selected (ss_test_conn_view_child (&conn, "direction_dropdown"), 2);
  wait_row (&conn, n_rows (&conn) - 1, "ok\n");
  ss_drop_down_set_selected (ss_test_conn_view_child (&conn, "direction_dropdown"), 0);

  /* Show Chunks: the log's own rows, the message's first chunk selected */
  selection = GTK_SINGLE_SELECTION (ss_test_traffic_model (conn.page));
  gtk_single_selection_set_selected (selection, n_rows (&conn) - 4);
  g_assert_true (gtk_widget_activate_action (ss_test_conn_view (&conn), "traffic.show-chunks", NULL));
  g_assert_null (ss_traffic_view_get_messages (ss_test_conn_view (&conn)));
  g_assert_cmpstr (gtk_menu_button_get_label (ss_test_conn_view_child (&conn, "messages_button")), ==, "Messages");
  {
    g_autoptr(SsTrafficEntry) chunk = ss_traffic_view_get_selected_entry (ss_test_conn_view (&conn))
                                      ? g_object_ref (ss_traffic_view_get_selected_entry (ss_test_conn_view (&conn))) : NULL;

    g_assert_nonnull (chunk);
    g_assert_cmpmem (g_bytes_get_data (ss_traffic_entry_get_bytes (chunk), NULL),
                     g_bytes_get_size (ss_traffic_entry_get_bytes (chunk)), "hel", 3);
  }
  linger (f);
  ss_test_conn_close (&conn);
}

static void
test_length_field (SsTestWindow  *f,
                   gconstpointer  data)
{
  SsTestConn conn;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "sockscope-messages-XXXXXX", NULL);
  g_autofree char *saved = NULL;
  int fd;

  ss_test_conn_open (f, &conn);
  choose_framing (&conn, SS_FRAMING_LENGTH);
  g_assert_true (gtk_widget_get_visible (box_child (&conn, "offset_spin")));
  gtk_spin_button_set_value (box_child (&conn, "offset_spin"), 1);
  ss_drop_down_set_selected (box_child (&conn, "size_dropdown"), 0);
  apply (&conn);
  g_assert_cmpstr (gtk_menu_button_get_label (ss_test_conn_view_child (&conn, "messages_button")), ==,
                   "Messages: length");
  /* a type byte, a length byte, the body; two in one chunk, one in two */
  peer_says (&conn, "A\003abcB\001d");
  peer_says (&conn, "C\002");
  peer_says (&conn, "ef");
  wait_row (&conn, n_rows (&conn) - 3, "A\003abc");
  wait_row (&conn, n_rows (&conn) - 2, "B\001d");
  wait_row (&conn, n_rows (&conn) - 1, "C\002ef");

  /* saved as messages: one heading a message */
  fd = g_mkstemp (path);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (ss_socket_page_save_log (conn.page, SS_EXPORT_TRANSCRIPT, path));
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "received 5\n"));
  g_assert_nonnull (strstr (saved, "received 3\n"));
  g_assert_nonnull (strstr (saved, "received 4\n"));
  g_unlink (path);
  linger (f);
  ss_test_conn_close (&conn);
}

static void
test_wrong_delimiter (SsTestWindow  *f,
                      gconstpointer  data)
{
  SsTestConn conn;
  GtkWidget *error_label;

  ss_test_conn_open (f, &conn);
  choose_framing (&conn, SS_FRAMING_DELIMITER);
  ss_drop_down_set_selected (box_child (&conn, "delimiter_encoding_dropdown"), 1);
  gtk_editable_set_text (box_child (&conn, "delimiter_entry"), "7");
  apply (&conn);
  error_label = box_child (&conn, "error_label");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), !=, "");
  linger (f);
  /* nothing changed */
  g_assert_null (ss_traffic_view_get_messages (ss_test_conn_view (&conn)));
  /* put right, it applies and the message goes */
  gtk_editable_set_text (box_child (&conn, "delimiter_entry"), "7e");
  apply (&conn);
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_nonnull (ss_traffic_view_get_messages (ss_test_conn_view (&conn)));

  /* the idle gap and fixed length apply too */
  choose_framing (&conn, SS_FRAMING_IDLE);
  gtk_spin_button_set_value (box_child (&conn, "idle_spin"), 0);
  apply (&conn);
  g_assert_cmpint (ss_message_log_get_spec (ss_traffic_view_get_messages (ss_test_conn_view (&conn)))->mode, ==, SS_FRAMING_IDLE);
  choose_framing (&conn, SS_FRAMING_FIXED);
  gtk_spin_button_set_value (box_child (&conn, "fixed_spin"), 4);
  apply (&conn);
  peer_says (&conn, "abcdefgh");
  wait_row (&conn, n_rows (&conn) - 1, "efgh");
  ss_test_conn_close (&conn);
}

static void
collect_hexdump (GtkWidget *widget,
                 GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_INSCRIPTION (child) && gtk_widget_has_css_class (child, "traffic-hexdump") &&
          gtk_widget_get_mapped (child))
        g_ptr_array_add (out, child);
      collect_hexdump (child, out);
    }
}

typedef struct
{
  SsTestConn *conn;
  const char *text;   /* the message's text part */
  guint       per_line;
  guint       less_than;  /* bytes a line wanted, 0 for any */
} CellExpect;

/* A shown hexdump cell is the message's, its lines as many bytes as fit
 * the column's width (at least 4) */
static gboolean
hexdump_fits (gpointer user_data)
{
  CellExpect *expect = user_data;
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();

  collect_hexdump (ss_test_conn_view_child (expect->conn, "table_view"), cells);
  for (guint i = 0; i < cells->len; i++)
    {
      GtkWidget *cell = cells->pdata[i];
      const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (cell));
      PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (cell), NULL, NULL);
      int char_width = pango_font_metrics_get_approximate_char_width (metrics) / PANGO_SCALE;
      guint chars = gtk_widget_get_width (cell) / MAX (char_width, 1);
      g_autofree char *first_line = NULL;
      g_autofree char *expected_text = NULL;
      guint per_line;

      pango_font_metrics_unref (metrics);
      if (text == NULL || !g_str_has_prefix (text, "00000000  ") || strchr (text, '|') == NULL)
        continue;
      per_line = ss_hexdump_bytes_per_line (chars);
      first_line = g_strndup (text, strcspn (text, "\n"));
      expected_text = g_strdup_printf ("|%.*s|", (int) MIN (per_line, strlen (expect->text)), expect->text);
      if (g_str_has_suffix (first_line, expected_text) && (strlen (first_line) <= chars || per_line == 4) &&
          (expect->less_than == 0 || per_line < expect->less_than))
        {
          expect->per_line = per_line;
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_hex_and_text (SsTestWindow  *f,
                   gconstpointer  data)
{
  SsTestConn conn;
  CellExpect hello = { &conn, "hello.", 0, 0 };
  CellExpect alphabet = { &conn, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ", 0, 0 };
  char bytes[101];
  guint wide;

  ss_test_conn_open (f, &conn);
  choose_framing (&conn, SS_FRAMING_DELIMITER);
  apply (&conn);
  peer_says (&conn, "hello\n");
  /* the calls column folded away (F9): room for the table */
  g_action_group_change_action_state (G_ACTION_GROUP (f->window), "show-calls", g_variant_new_boolean (FALSE));
  ss_drop_down_set_selected (ss_test_conn_view_child (&conn, "layout_dropdown"), 2);
  ss_test_wait_until (hexdump_fits, &hello, SS_TEST_TIMEOUT_MS);

  /* 100 bytes: as many a line as the column holds */
  for (guint i = 0; i < 100; i++)
    bytes[i] = i < 99 ? 'A' + i % 26 : '\n';
  bytes[100] = '\0';
  peer_says (&conn, bytes);
  ss_test_wait_until (hexdump_fits, &alphabet, SS_TEST_TIMEOUT_MS);
  wide = alphabet.per_line;
  g_assert_cmpuint (wide, >, 4);
  linger (f);

  /* the calls column back: less room, fewer bytes a line */
  g_action_group_change_action_state (G_ACTION_GROUP (f->window), "show-calls", g_variant_new_boolean (TRUE));
  alphabet.less_than = wide;
  ss_test_wait_until (hexdump_fits, &alphabet, SS_TEST_TIMEOUT_MS);
  g_test_message ("%u bytes a line, then %u", wide, alphabet.per_line);

  /* back to the table: the text column again */
  ss_drop_down_set_selected (ss_test_conn_view_child (&conn, "layout_dropdown"), 0);
  ss_test_conn_close (&conn);
}

/* Messages checked against the checksum they end with: a good one, a bad
 * one, a good one split over two sends; "Failed Checks" shows the bad
 * one alone, marked in red and said in its preview. */
static void
test_verify_checksum (SsTestWindow  *f,
                      gconstpointer  data)
{
  SsTestConn conn;
  g_autoptr(SsChecksum) sum8 = ss_checksum_new (SS_CHECKSUM_SUM8);
  g_autoptr(SsTrafficEntry) bad = NULL;
  g_autofree char *preview = NULL;
  SsMessageLog *messages;
  guint events;

  ss_test_conn_open (f, &conn);
  choose_framing (&conn, SS_FRAMING_DELIMITER);
  gtk_editable_set_text (box_child (&conn, "delimiter_entry"), "\\n");
  ss_checksum_chooser_set_checksum (box_child (&conn, "verify_chooser"), sum8);
  apply (&conn);
  messages = ss_traffic_view_get_messages (ss_test_conn_view (&conn));
  g_assert_nonnull (messages);
  events = n_rows (&conn);

  /* "AB" sums to 0x83; "hi" to 0xd1 */
  peer_says (&conn, "AB\x83\n");
  peer_says (&conn, "AB\x01\n");
  peer_says (&conn, "hi");
  peer_says (&conn, "\xd1\n");
  wait_row (&conn, events + 2, "hi\xd1\n");
  g_assert_cmpuint (ss_message_log_get_flags (messages, events) & (SS_MESSAGE_GOOD | SS_MESSAGE_BAD), ==, SS_MESSAGE_GOOD);
  g_assert_cmpuint (ss_message_log_get_flags (messages, events + 1) & (SS_MESSAGE_GOOD | SS_MESSAGE_BAD), ==, SS_MESSAGE_BAD);
  g_assert_cmpuint (ss_message_log_get_flags (messages, events + 2) & (SS_MESSAGE_GOOD | SS_MESSAGE_BAD), ==, SS_MESSAGE_GOOD);

  bad = row_entry (&conn, events + 1);
  preview = ss_traffic_entry_dup_text (bad, 200);
  g_assert_true (g_str_has_prefix (preview, "(bad checksum) "));
  ss_test_wait_label_shown (conn.page, "message-bad", preview);

  /* the filter: the bad message alone */
  ss_drop_down_set_selected (ss_test_conn_view_child (&conn, "direction_dropdown"), 3);
  wait_row (&conn, 0, "AB\x01\n");
  g_assert_cmpuint (n_rows (&conn), ==, 1);
  ss_drop_down_set_selected (ss_test_conn_view_child (&conn, "direction_dropdown"), 0);
  linger (f);
  ss_test_conn_close (&conn);
}

/* The framing kept first, for @key; *verify: its checksum ("" none) */
static char *
first_kept_framing (const char  *key,
                    char       **verify)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.sockscope.Sockscope");
  g_autoptr(GVariant) kept = g_settings_get_value (settings, "framings");
  const char *name, *text, *checksum;

  if (g_variant_n_children (kept) == 0)
    return NULL;
  g_variant_get_child (kept, 0, "(&s&s&s)", &name, &text, &checksum);
  g_assert_cmpstr (name, ==, key);
  if (verify != NULL)
    *verify = g_strdup (checksum);
  return g_strdup (text);
}

/* A framing is kept for the address: a socket connecting there again is
 * split the same way at once, and its auto-reply rules answer whole
 * messages; choosing another keeps that, choosing none forgets it */
static void
test_kept_for_address (SsTestWindow  *f,
                       gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.sockscope.Sockscope");
  g_autoptr(SsPayload) pong = ss_payload_new (NULL, SS_ENCODING_TEXT, "pong", SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) rule = ss_reply_rule_new (SS_MATCH_EXACT, SS_ENCODING_ESCAPED, "ping\\n", pong);
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *key = NULL;
  g_autofree char *kept = NULL;
  guint16 port;
  SsTestConn conn;

  conn.listener = ss_test_raw_listener (AF_INET, 0, &port);
  key = g_strdup_printf ("stream connect 127.0.0.1:%u", port);
  g_settings_set_value (settings, "framings",
                        g_variant_new_parsed ("[(%s, 'delimiter:\\\\n', ''), ('stream listen 127.0.0.1:1', 'fixed:2', '')]", key));
  conn.page = ss_test_new_tcp_page (f, &conn.socket);
  /* nothing is kept for a socket with no address yet */
  g_assert_null (ss_socket_get_framing (conn.socket));
  conn.peer = ss_test_page_connect (conn.page, conn.listener);
  g_assert_cmpstr (gtk_menu_button_get_label (ss_test_conn_view_child (&conn, "messages_button")), ==, "Messages: \\n");
  g_assert_nonnull (ss_traffic_view_get_messages (ss_test_conn_view (&conn)));
  g_assert_nonnull (ss_socket_get_framing (conn.socket));
  g_assert_cmpint (ss_socket_get_framing (conn.socket)->mode, ==, SS_FRAMING_DELIMITER);

  /* the rules see the line once whole, not its chunks */
  g_list_store_append (ss_socket_get_reply_rules (conn.socket), rule);
  peer_says (&conn, "pi");
  peer_says (&conn, "ng\n");
  reply = ss_test_raw_recv (conn.peer, 4, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), "pong", 4);
  g_assert_cmpuint (ss_reply_rule_get_fired (rule), ==, 1);

  /* another choice is kept, first */
  choose_framing (&conn, SS_FRAMING_FIXED);
  gtk_spin_button_set_value (box_child (&conn, "fixed_spin"), 4);
  apply (&conn);
  kept = first_kept_framing (key, NULL);
  g_assert_cmpstr (kept, ==, "fixed:4");
  g_assert_cmpint (ss_socket_get_framing (conn.socket)->mode, ==, SS_FRAMING_FIXED);
  g_clear_pointer (&kept, g_free);

  /* none: the address is forgotten, the other kept */
  choose_framing (&conn, SS_FRAMING_NONE);
  apply (&conn);
  g_assert_null (ss_socket_get_framing (conn.socket));
  {
    g_autoptr(GVariant) left = g_settings_get_value (settings, "framings");

    g_assert_cmpuint (g_variant_n_children (left), ==, 1);
  }
  g_settings_reset (settings, "framings");
  linger (f);
  ss_test_conn_close (&conn);
}

static gboolean
has_two_rows (gpointer user_data)
{
  return g_list_model_get_n_items (ss_test_sidebar_model (user_data)) >= 2;
}

/* The checksum messages are verified with is kept with the framing: a
 * new page for the same address shows it and verifies with it at once */
static void
test_verify_kept (SsTestWindow  *f,
                  gconstpointer  data)
{
  g_autoptr(SsChecksum) crc = ss_checksum_parse ("crc16-modbus,from=1", NULL);
  g_autoptr(SsChecksum) shown = NULL;
  g_autofree char *key = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *kept_verify = NULL;
  g_autofree char *crc_text = ss_checksum_to_string (crc);
  SsTestConn conn, again;
  guint events;

  g_assert_nonnull (crc);
  ss_test_conn_open (f, &conn);
  key = g_strdup_printf ("stream connect %s", ss_socket_get_peer_address (conn.socket));
  /* the delimiter as it is: "\n" */
  choose_framing (&conn, SS_FRAMING_DELIMITER);
  ss_checksum_chooser_set_checksum (box_child (&conn, "verify_chooser"), crc);
  apply (&conn);
  kept = first_kept_framing (key, &kept_verify);
  g_assert_cmpstr (kept, ==, "delimiter:\\n");
  g_assert_cmpstr (kept_verify, ==, crc_text);

  /* a new page at the same address (the popover's entry, focused when
   * it opened, lets its focus go first) */
  gtk_window_set_focus (GTK_WINDOW (f->window), NULL);
  again.listener = conn.listener;
  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  ss_test_wait_until (has_two_rows, f, SS_TEST_TIMEOUT_MS);
  again.socket = ss_test_sidebar_socket (f, 1, NULL);
  again.page = ss_test_wait_page (f, again.socket);
  again.peer = ss_test_page_connect (again.page, conn.listener);
  g_assert_nonnull (ss_traffic_view_get_verify (ss_test_conn_view (&again)));
  g_assert_true (ss_checksum_equal (ss_traffic_view_get_verify (ss_test_conn_view (&again)), crc));
  shown = ss_checksum_chooser_dup_checksum (box_child (&again, "verify_chooser"), NULL);
  g_assert_true (ss_checksum_equal (shown, crc));
  events = n_rows (&again);
  /* CRC-16/MODBUS of "123456789" is 0x4b37, sent low byte first; the
   * first byte is outside the range */
  peer_says (&again, "#123456789\x37\x4b\n");
  peer_says (&again, "#123456789\x4b\x37\n");
  wait_row (&again, events + 1, "#123456789\x4b\x37\n");
  {
    SsMessageLog *messages = ss_traffic_view_get_messages (ss_test_conn_view (&again));

    g_assert_cmpuint (ss_message_log_get_flags (messages, events) & (SS_MESSAGE_GOOD | SS_MESSAGE_BAD), ==, SS_MESSAGE_GOOD);
    g_assert_cmpuint (ss_message_log_get_flags (messages, events + 1) & (SS_MESSAGE_GOOD | SS_MESSAGE_BAD), ==, SS_MESSAGE_BAD);
  }

  /* none chosen: none kept */
  choose_framing (&again, SS_FRAMING_DELIMITER);
  ss_checksum_chooser_set_checksum (box_child (&again, "verify_chooser"), NULL);
  apply (&again);
  g_clear_pointer (&kept, g_free);
  g_clear_pointer (&kept_verify, g_free);
  kept = first_kept_framing (key, &kept_verify);
  g_assert_cmpstr (kept_verify, ==, "");
  g_assert_null (ss_traffic_view_get_verify (ss_test_conn_view (&again)));
  linger (f);
  g_assert_no_errno (close (again.peer));
  ss_test_conn_close (&conn);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/messages-view/delimiter", test_delimiter);
  ss_test_window_add ("/messages-view/length-field", test_length_field);
  ss_test_window_add ("/messages-view/wrong-delimiter", test_wrong_delimiter);
  ss_test_window_add ("/messages-view/hex-and-text", test_hex_and_text);
  ss_test_window_add ("/messages-view/verify-checksum", test_verify_checksum);
  ss_test_window_add ("/messages-view/kept-for-address", test_kept_for_address);
  ss_test_window_add ("/messages-view/verify-kept", test_verify_kept);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
