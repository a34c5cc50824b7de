/* test-traffic-layouts.c — the traffic view through the real window: the
 * Table and Conversation layouts, their direction filter and "Show as",
 * find, copy, clear and save, hostile bytes, and following the tail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-conversation-view.h"
#include "ss-format.h"
#include "ss-payload-format.h"
#include "ss-socket-page-private.h"
#include "ss-test-socket.h"
#include "ss-test-page.h"
#include "ss-test-window.h"
#include "ss-traffic-view.h"

/* ------------------------------------------------------------------ */
/* a connected page                                                    */

/* The entry of @kind holding exactly @data is in the socket's log (the
 * table may filter it out) */
static gboolean
log_has (SsSocket      *socket,
         SsTrafficKind  kind,
         const void    *data,
         gsize          len)
{
  GListModel *log = G_LIST_MODEL (ss_socket_get_traffic (socket));
  g_autoptr(GBytes) expected = g_bytes_new_static (data, len);

  for (guint i = g_list_model_get_n_items (log); i-- > 0;)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (log, i);

      if (ss_traffic_entry_get_kind (entry) == kind &&
          g_bytes_equal (ss_traffic_entry_get_bytes (entry), expected))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  SsSocket   *socket;
  const void *data;
  gsize       len;
} LogExpect;

static gboolean
log_has_expected (gpointer user_data)
{
  LogExpect *expect = user_data;

  return log_has (expect->socket, SS_TRAFFIC_RECEIVED, expect->data, expect->len);
}

/* The peer sends @data; it is one received entry once it is in. */
static void
peer_says (SsTestConn *conn,
           const void *data,
           gsize       len)
{
  guint64 in = ss_socket_get_bytes_in (conn->socket);

  ss_test_raw_send_all (conn->peer, data, len, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (conn->socket, in + len);
  /* counted at once; in a burst of many, shown in the log a moment later */
  {
    LogExpect expect = { conn->socket, data, len };

    ss_test_wait_until (log_has_expected, &expect, SS_TEST_TIMEOUT_MS);
  }
}

/* The page's socket sends @data, and the peer reads it. */
static void
page_says (SsTestConn *conn,
           const void *data,
           gsize       len)
{
  g_autoptr(GBytes) got = NULL;

  ss_test_send_ok (conn->socket, data, len);
  got = ss_test_raw_recv (conn->peer, len, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), data, len);
  g_assert_true (log_has (conn->socket, SS_TRAFFIC_SENT, data, len));
}

#define peer_says_str(conn, text) peer_says ((conn), (text), strlen (text))
#define page_says_str(conn, text) page_says ((conn), (text), strlen (text))

static GtkSingleSelection *
table_selection (SsTestConn *conn)
{
  return GTK_SINGLE_SELECTION (ss_test_traffic_model (conn->page));
}

static GtkTextBuffer *
conversation_buffer (SsTestConn *conn)
{
  return gtk_text_view_get_buffer (ss_conversation_view_get_text_view (ss_test_conn_view_child (conn, "conversation_view")));
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static char *
details_text (SsTestConn *conn)
{
  return buffer_text (gtk_text_view_get_buffer (ss_test_conn_view_child (conn, "details_view")));
}

/* The position in the table of the entry of @kind holding @data. */
static guint
row_of (SsTestConn *conn,
        SsTrafficKind  kind,
        const void    *data,
        gsize          len)
{
  GListModel *model = ss_test_traffic_model (conn->page);
  g_autoptr(GBytes) expected = g_bytes_new_static (data, len);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);

      if (ss_traffic_entry_get_kind (entry) == kind &&
          g_bytes_equal (ss_traffic_entry_get_bytes (entry), expected))
        return i;
    }
  g_error ("no such entry in the table");
}

#define row_of_str(conn, kind, text) row_of ((conn), (kind), (text), strlen (text))

static guint
count_rows (SsTestConn *conn,
            SsTrafficKind  kind)
{
  GListModel *model = ss_test_traffic_model (conn->page);
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);

      count += ss_traffic_entry_get_kind (entry) == kind;
    }
  return count;
}

/* ------------------------------------------------------------------ */
/* the conversation's text and tags                                    */

typedef struct
{
  GtkTextBuffer *buffer;
  const char    *needle;
  const char    *tag;
} TextExpect;

/* Every character of the first @needle carries @tag, and no other
 * direction's tag. FALSE when @needle is not there. */
static gboolean
text_tagged (GtkTextBuffer *buffer,
             const char    *needle,
             const char    *tag_name)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, tag_name);
  static const char *const names[] = { "received", "sent", "event" };
  GtkTextIter start, match_start, match_end;

  g_assert_nonnull (tag);
  gtk_text_buffer_get_start_iter (buffer, &start);
  if (!gtk_text_iter_forward_search (&start, needle, 0, &match_start, &match_end, NULL))
    return FALSE;
  for (GtkTextIter iter = match_start; !gtk_text_iter_equal (&iter, &match_end);
       gtk_text_iter_forward_char (&iter))
    {
      g_assert_true (gtk_text_iter_has_tag (&iter, tag));
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (!g_str_equal (names[i], tag_name))
          g_assert_false (gtk_text_iter_has_tag (&iter, gtk_text_tag_table_lookup (table, names[i])));
    }
  return TRUE;
}

static gboolean
text_shown (gpointer user_data)
{
  TextExpect *expect = user_data;

  return text_tagged (expect->buffer, expect->needle, expect->tag);
}

static void
wait_text (GtkTextBuffer *buffer,
           const char    *needle,
           const char    *tag)
{
  TextExpect expect = { buffer, needle, tag };

  if (!ss_test_try_wait_until (text_shown, &expect, SS_TEST_TIMEOUT_MS))
    {
      g_autofree char *text = buffer_text (buffer);

      g_error ("timed out waiting for “%s” tagged %s in “%s”", needle, tag, text);
    }
}

static gboolean
buffer_contains (GtkTextBuffer *buffer,
                 const char    *needle)
{
  g_autofree char *text = buffer_text (buffer);

  return strstr (text, needle) != NULL;
}

/* ------------------------------------------------------------------ */
/* frames: what is on screen has been laid out and drawn               */

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
enough_frames (gpointer user_data)
{
  return *(guint *) user_data >= 3;
}

/* Until @widget's window has drawn a few frames: what changed is laid
 * out and rendered. */
static void
wait_frames (gpointer widget)
{
  guint frames = 0;
  guint id;

  gtk_widget_queue_draw (GTK_WIDGET (gtk_widget_get_root (widget)));
  id = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);
  ss_test_wait_until (enough_frames, &frames, SS_TEST_TIMEOUT_MS);
  gtk_widget_remove_tick_callback (widget, id);
}

/* ------------------------------------------------------------------ */
/* layouts, filter, format                                             */

static void
test_conversation (SsTestWindow  *f,
                   gconstpointer  data)
{
  static const char hello[] = "hello from the peer\n";
  static const char ping[] = "ping from sockscope";
  SsDropDown *layout, *direction, *format;
  GtkStack *stack;
  GtkTextBuffer *buffer;
  gpointer conversation;
  SsTestConn conn;

  ss_test_conn_open (f, &conn);
  layout = ss_test_conn_view_child (&conn, "layout_dropdown");
  direction = ss_test_conn_view_child (&conn, "direction_dropdown");
  format = ss_test_conn_view_child (&conn, "format_dropdown");
  stack = ss_test_conn_view_child (&conn, "layout_stack");
  conversation = ss_test_conn_view_child (&conn, "conversation_view");
  buffer = conversation_buffer (&conn);

  peer_says_str (&conn, hello);
  page_says_str (&conn, ping);

  /* the table first; the conversation is one choice away */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "table");
  g_assert_false (gtk_widget_get_mapped (conversation));
  ss_test_choose (layout, "Conversation");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "conversation");
  ss_test_wait_until (ss_test_widget_mapped, conversation, SS_TEST_TIMEOUT_MS);
  g_assert_false (gtk_widget_get_mapped (ss_test_conn_view_child (&conn, "table_view")));

  /* each direction in its colour; the newline is escaped and kept */
  g_assert_true (text_tagged (buffer, "hello from the peer\\n\n", "received"));
  g_assert_true (text_tagged (buffer, ping, "sent"));
  g_assert_true (text_tagged (buffer, "Connected to", "event"));
  wait_frames (conversation);

  /* it grows as traffic comes */
  peer_says_str (&conn, "live from the peer");
  wait_text (buffer, "live from the peer", "received");
  page_says_str (&conn, "live from the page");
  wait_text (buffer, "live from the page", "sent");
  {
    g_autofree char *text = buffer_text (buffer);

    /* in order */
    g_assert_true (strstr (text, "hello from the peer") < strstr (text, ping));
    g_assert_true (strstr (text, ping) < strstr (text, "live from the peer"));
    g_assert_true (strstr (text, "live from the peer") < strstr (text, "live from the page"));
  }

  /* Sent: what was received goes from both layouts, events stay */
  ss_test_choose (direction, "Sent");
  g_assert_false (buffer_contains (buffer, "hello from the peer"));
  g_assert_false (buffer_contains (buffer, "live from the peer"));
  g_assert_true (text_tagged (buffer, ping, "sent"));
  g_assert_true (text_tagged (buffer, "live from the page", "sent"));
  g_assert_true (text_tagged (buffer, "Connected to", "event"));
  g_assert_cmpuint (count_rows (&conn, SS_TRAFFIC_RECEIVED), ==, 0);
  g_assert_cmpuint (count_rows (&conn, SS_TRAFFIC_SENT), ==, 2);
  g_assert_cmpuint (count_rows (&conn, SS_TRAFFIC_EVENT), >, 0);
  /* and what comes in while filtered stays out */
  peer_says_str (&conn, "filtered out");
  page_says_str (&conn, "filtered in");
  wait_text (buffer, "filtered in", "sent");
  g_assert_false (buffer_contains (buffer, "filtered out"));

  ss_test_choose (direction, "Received");
  g_assert_true (text_tagged (buffer, "filtered out", "received"));
  g_assert_false (buffer_contains (buffer, ping));
  g_assert_cmpuint (count_rows (&conn, SS_TRAFFIC_SENT), ==, 0);

  ss_test_choose (direction, "Both");
  g_assert_true (text_tagged (buffer, ping, "sent"));
  g_assert_true (text_tagged (buffer, "filtered out", "received"));
  g_assert_cmpuint (count_rows (&conn, SS_TRAFFIC_RECEIVED), ==, 3);

  /* Hex dump: the conversation and the details */
  ss_test_choose (format, "Hex dump");
  g_assert_false (buffer_contains (buffer, ping));
  /* "hello fr" "om the p" */
  g_assert_true (text_tagged (buffer, "00000000  68 65 6c 6c 6f 20 66 72  6f 6d 20 74 68 65 20 70", "received"));
  g_assert_true (text_tagged (buffer, "00000000  70 69 6e 67 20 66 72 6f  6d 20 73 6f 63 6b 73 63", "sent"));
  g_assert_true (text_tagged (buffer, "Connected to", "event"));
  wait_frames (conversation);

  ss_test_choose (layout, "Table");
  ss_test_wait_until (ss_test_widget_mapped, ss_test_conn_view_child (&conn, "table_view"), SS_TEST_TIMEOUT_MS);
  gtk_single_selection_set_selected (table_selection (&conn),
                                     row_of (&conn, SS_TRAFFIC_RECEIVED, hello, sizeof hello - 1));
  {
    g_autofree char *details = details_text (&conn);
    g_autofree char *hex = ss_payload_format ((const guint8 *) hello, sizeof hello - 1,
                                              SS_PAYLOAD_HEX_DUMP, 0);

    g_assert_cmpstr (details, ==, hex);
    g_assert_true (g_str_has_prefix (details, "00000000  68 65 6c 6c 6f 20 66 72  6f 6d 20 74 68 65 20 70  |hello from the p|\n"));
  }
  ss_test_choose (format, "Text");
  {
    g_autofree char *details = details_text (&conn);

    g_assert_cmpstr (details, ==, "hello from the peer\\n\n");
  }
  ss_test_choose (layout, "Conversation");
  g_assert_true (text_tagged (buffer, ping, "sent"));

  ss_test_conn_close (&conn);
}

/* ------------------------------------------------------------------ */
/* find                                                                */

static void
search_changed_cb (GtkSearchEntry *entry,
                   gboolean       *changed)
{
  *changed = TRUE;
}

/* Types @text into the find bar, and waits for the entry to settle (it
 * reports a change after a pause, which clears the status). */
static void
type_search (SsTestConn *conn,
             const char *text,
             gboolean    hex)
{
  GtkSearchEntry *entry = ss_test_conn_view_child (conn, "search_entry");
  gboolean changed = FALSE;
  gulong id;

  gtk_check_button_set_active (ss_test_conn_view_child (conn, "hex_check"), hex);
  if (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (entry)), text))
    return;
  id = g_signal_connect (entry, "search-changed", G_CALLBACK (search_changed_cb), &changed);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  ss_test_wait_until (ss_test_flag_is_set, &changed, SS_TEST_TIMEOUT_MS);
  g_signal_handler_disconnect (entry, id);
  g_assert_cmpstr (gtk_label_get_text (ss_test_conn_view_child (conn, "find_status")), ==, "");
}

/* Enter in the find bar, or Shift+Enter */
static void
find_next (SsTestConn *conn)
{
  g_signal_emit_by_name (ss_test_conn_view_child (conn, "search_entry"), "activate");
}

static void
find_previous (SsTestConn *conn)
{
  g_signal_emit_by_name (ss_test_conn_view_child (conn, "search_entry"), "previous-match");
}

static guint
selected_row (SsTestConn *conn)
{
  return gtk_single_selection_get_selected (table_selection (conn));
}

static void
assert_found (SsTestConn *conn)
{
  GtkWidget *status = ss_test_conn_view_child (conn, "find_status");

  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==, "");
  g_assert_false (gtk_widget_has_css_class (status, "error-message"));
}

static void
assert_status_error (SsTestConn *conn,
                     const char *text)
{
  GtkWidget *status = ss_test_conn_view_child (conn, "find_status");

  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==, text);
  g_assert_true (gtk_widget_has_css_class (status, "error-message"));
}

/* The conversation's selected text, and where it starts */
static char *
conversation_selection (SsTestConn *conn,
                        int  *offset)
{
  GtkTextBuffer *buffer = conversation_buffer (conn);
  GtkTextIter start, end;

  if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return NULL;
  *offset = gtk_text_iter_get_offset (&start);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

/* The character offsets of each "alpha" in the conversation */
static GArray *
offsets_of (GtkTextBuffer *buffer,
            const char    *needle)
{
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (int));
  GtkTextIter iter, match_start, match_end;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  while (gtk_text_iter_forward_search (&iter, needle, 0, &match_start, &match_end, NULL))
    {
      int offset = gtk_text_iter_get_offset (&match_start);

      g_array_append_val (offsets, offset);
      iter = match_end;
    }
  return offsets;
}

static void
assert_conversation_selects (SsTestConn *conn,
                             const char *text,
                             int         offset)
{
  g_autofree char *selected = NULL;
  int selected_offset = -1;

  assert_found (conn);
  selected = conversation_selection (conn, &selected_offset);
  g_assert_cmpstr (selected, ==, text);
  g_assert_cmpint (selected_offset, ==, offset);
}

static void
test_find (SsTestWindow  *f,
           gconstpointer  data)
{
  static const char bytes[] = "\x00\xde\xad\xbe\xef";
  SsDropDown *direction;
  g_autoptr(GArray) offsets = NULL;
  guint one, sent, two, binary;
  SsTestConn conn;

  ss_test_conn_open (f, &conn);
  direction = ss_test_conn_view_child (&conn, "direction_dropdown");

  peer_says_str (&conn, "alpha one");
  page_says_str (&conn, "beta");
  peer_says (&conn, bytes, sizeof bytes - 1);
  page_says_str (&conn, "sent alpha");
  peer_says_str (&conn, "alpha two");
  one = row_of_str (&conn, SS_TRAFFIC_RECEIVED, "alpha one");
  sent = row_of_str (&conn, SS_TRAFFIC_SENT, "sent alpha");
  two = row_of_str (&conn, SS_TRAFFIC_RECEIVED, "alpha two");
  binary = row_of (&conn, SS_TRAFFIC_RECEIVED, bytes, sizeof bytes - 1);
  g_assert_cmpuint (one, <, sent);
  g_assert_cmpuint (sent, <, two);

  /* Ctrl+F opens the find bar */
  g_assert_false (gtk_search_bar_get_search_mode (ss_test_conn_view_child (&conn, "search_bar")));
  g_assert_true (gtk_widget_activate_action (ss_test_conn_view (&conn), "traffic.find", NULL));
  g_assert_true (gtk_search_bar_get_search_mode (ss_test_conn_view_child (&conn, "search_bar")));
  g_assert_true (gtk_toggle_button_get_active (ss_test_conn_view_child (&conn, "find_button")));

  /* next, from nothing selected: each match in turn, then around */
  g_assert_cmpuint (selected_row (&conn), ==, GTK_INVALID_LIST_POSITION);
  type_search (&conn, "alpha", FALSE);
  find_next (&conn);
  assert_found (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, one);
  find_next (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, sent);
  find_next (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, two);
  find_next (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, one);
  /* previous: around the start, then back */
  find_previous (&conn);
  assert_found (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, two);
  find_previous (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, sent);
  /* the details show what was found */
  {
    g_autofree char *details = details_text (&conn);

    g_assert_cmpstr (details, ==, "sent alpha");
  }

  /* only the rows shown: with Received, the sent match is skipped, and
   * the positions are the filtered table's */
  ss_test_choose (direction, "Received");
  gtk_single_selection_set_selected (table_selection (&conn), GTK_INVALID_LIST_POSITION);
  find_next (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, row_of_str (&conn, SS_TRAFFIC_RECEIVED, "alpha one"));
  find_next (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, row_of_str (&conn, SS_TRAFFIC_RECEIVED, "alpha two"));
  find_next (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, row_of_str (&conn, SS_TRAFFIC_RECEIVED, "alpha one"));
  find_previous (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, row_of_str (&conn, SS_TRAFFIC_RECEIVED, "alpha two"));
  ss_test_choose (direction, "Both");

  /* hex: bytes that are not text */
  type_search (&conn, "de ad", TRUE);
  find_next (&conn);
  assert_found (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, binary);
  type_search (&conn, "00de", TRUE);
  find_previous (&conn);
  g_assert_cmpuint (selected_row (&conn), ==, binary);
  /* "de ad" as text is nowhere */
  type_search (&conn, "de ad", FALSE);
  find_next (&conn);
  assert_status_error (&conn, "Not found");
  g_assert_cmpuint (selected_row (&conn), ==, binary);

  /* not there */
  type_search (&conn, "gamma", FALSE);
  find_next (&conn);
  assert_status_error (&conn, "Not found");
  find_previous (&conn);
  assert_status_error (&conn, "Not found");
  type_search (&conn, "ca fe", TRUE);
  find_next (&conn);
  assert_status_error (&conn, "Not found");
  /* not hex at all: the status says why */
  type_search (&conn, "xyz", TRUE);
  find_next (&conn);
  g_assert_cmpstr (gtk_label_get_text (ss_test_conn_view_child (&conn, "find_status")), !=, "");
  g_assert_cmpstr (gtk_label_get_text (ss_test_conn_view_child (&conn, "find_status")), !=, "Not found");
  g_assert_true (gtk_widget_has_css_class (ss_test_conn_view_child (&conn, "find_status"), "error-message"));
  /* a change clears the status */
  type_search (&conn, "alpha", FALSE);
  assert_found (&conn);

  /* in the conversation: the text is selected, in turn and around */
  ss_test_choose (ss_test_conn_view_child (&conn, "layout_dropdown"), "Conversation");
  offsets = offsets_of (conversation_buffer (&conn), "alpha");
  g_assert_cmpuint (offsets->len, ==, 3);
  find_next (&conn);
  assert_conversation_selects (&conn, "alpha", g_array_index (offsets, int, 0));
  find_next (&conn);
  assert_conversation_selects (&conn, "alpha", g_array_index (offsets, int, 1));
  find_next (&conn);
  assert_conversation_selects (&conn, "alpha", g_array_index (offsets, int, 2));
  find_next (&conn);
  assert_conversation_selects (&conn, "alpha", g_array_index (offsets, int, 0));
  find_previous (&conn);
  assert_conversation_selects (&conn, "alpha", g_array_index (offsets, int, 2));
  find_previous (&conn);
  assert_conversation_selects (&conn, "alpha", g_array_index (offsets, int, 1));
  type_search (&conn, "alpha two", FALSE);
  find_next (&conn);
  assert_conversation_selects (&conn, "alpha two", g_array_index (offsets, int, 2));
  type_search (&conn, "gamma", FALSE);
  find_next (&conn);
  assert_status_error (&conn, "Not found");
  /* hex for text finds the text */
  type_search (&conn, "61 6c 70 68 61 20 74", TRUE);
  find_next (&conn);
  assert_conversation_selects (&conn, "alpha t", g_array_index (offsets, int, 2));
  /* \xde\xad is UTF-8 (U+07AD), shown as it is: found there too */
  {
    g_autoptr(GArray) thaana = offsets_of (conversation_buffer (&conn), "\xde\xad");

    g_assert_cmpuint (thaana->len, ==, 1);
    type_search (&conn, "de ad", TRUE);
    find_next (&conn);
    assert_conversation_selects (&conn, "\xde\xad", g_array_index (thaana, int, 0));
  }
  /* bytes that are not text are only in the table */
  type_search (&conn, "be ef", TRUE);
  find_next (&conn);
  g_assert_true (gtk_widget_has_css_class (ss_test_conn_view_child (&conn, "find_status"), "error-message"));
  g_assert_cmpstr (gtk_label_get_text (ss_test_conn_view_child (&conn, "find_status")), !=, "Not found");

  ss_test_conn_close (&conn);
}

/* ------------------------------------------------------------------ */
/* copy                                                                */

static char *
read_clipboard (GtkWidget *widget)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  gdk_clipboard_read_text_async (clipboard, NULL, ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  text = gdk_clipboard_read_text_finish (clipboard, result, &error);
  g_assert_no_error (error);
  return text;
}

/* Whether @menu (or a section of it) has an item for @action */
static gboolean
menu_has_action (GMenuModel *menu,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_strcmp0 (name, action) == 0)
        return TRUE;
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }
  return FALSE;
}

static void
test_copy (SsTestWindow  *f,
           gconstpointer  data)
{
  static const char received[] = "copy me\n\x01\xff";
  g_autofree char *hex = ss_payload_format ((const guint8 *) received, sizeof received - 1,
                                            SS_PAYLOAD_HEX_DUMP, 0);
  g_autofree char *python = ss_payload_format ((const guint8 *) received, sizeof received - 1,
                                               SS_PAYLOAD_PYTHON, 0);
  SsDropDown *format;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  SsTestConn conn;

  ss_test_conn_open (f, &conn);
  format = ss_test_conn_view_child (&conn, "format_dropdown");
  peer_says (&conn, received, sizeof received - 1);

  /* the ⋮ menu, given when it first opens, has Copy Entry */
  {
    GtkMenuButton *menu_button = ss_test_conn_view_child (&conn, "entry_menu_button");

    gtk_menu_button_popup (menu_button);
    g_assert_nonnull (gtk_menu_button_get_menu_model (menu_button));
    g_assert_true (menu_has_action (gtk_menu_button_get_menu_model (menu_button), "traffic.copy"));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (menu_button))));
    gtk_menu_button_popdown (menu_button);
  }
  page_says_str (&conn, "the reply");

  /* the whole entry, as shown */
  gtk_single_selection_set_selected (table_selection (&conn),
                                     row_of (&conn, SS_TRAFFIC_RECEIVED, received, sizeof received - 1));
  g_assert_true (gtk_widget_activate_action (ss_test_conn_view (&conn), "traffic.copy", NULL));
  {
    g_autofree char *text = read_clipboard (ss_test_conn_view (&conn));

    g_assert_cmpstr (text, ==, "copy me\\n\n\\x01\\xff");
  }
  ss_test_choose (format, "Hex dump");
  g_assert_true (gtk_widget_activate_action (ss_test_conn_view (&conn), "traffic.copy", NULL));
  {
    g_autofree char *text = read_clipboard (ss_test_conn_view (&conn));

    g_assert_cmpstr (text, ==, hex);
    g_assert_true (g_str_has_prefix (text, "00000000  63 6f 70 79 20 6d 65 0a  01 ff "));
  }
  ss_test_choose (format, "Python bytes");
  g_assert_true (gtk_widget_activate_action (ss_test_conn_view (&conn), "traffic.copy", NULL));
  {
    g_autofree char *text = read_clipboard (ss_test_conn_view (&conn));

    g_assert_cmpstr (text, ==, python);
    g_assert_cmpstr (text, ==, "b'copy me\\n\\x01\\xff'");
  }
  ss_test_choose (format, "Text");
  gtk_single_selection_set_selected (table_selection (&conn),
                                     row_of_str (&conn, SS_TRAFFIC_SENT, "the reply"));
  g_assert_true (gtk_widget_activate_action (ss_test_conn_view (&conn), "traffic.copy", NULL));
  {
    g_autofree char *text = read_clipboard (ss_test_conn_view (&conn));

    g_assert_cmpstr (text, ==, "the reply");
  }

  /* in the conversation: what is selected there */
  ss_test_choose (ss_test_conn_view_child (&conn, "layout_dropdown"), "Conversation");
  buffer = conversation_buffer (&conn);
  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, "he rep", 0, &start, &end, NULL));
  gtk_text_buffer_select_range (buffer, &start, &end);
  g_assert_true (gtk_widget_activate_action (ss_test_conn_view (&conn), "traffic.copy", NULL));
  {
    g_autofree char *text = read_clipboard (ss_test_conn_view (&conn));

    g_assert_cmpstr (text, ==, "he rep");
  }

  ss_test_conn_close (&conn);
}

/* ------------------------------------------------------------------ */
/* clear and save                                                      */

static void
test_clear (SsTestWindow  *f,
            gconstpointer  data)
{
  g_autofree char *received = NULL;
  g_autofree char *sent = NULL;
  GtkTextBuffer *buffer;
  SsTestConn conn;

  ss_test_conn_open (f, &conn);
  buffer = conversation_buffer (&conn);
  peer_says_str (&conn, "before the clear");
  page_says_str (&conn, "sent before");
  received = ss_format_bytes (ss_socket_get_bytes_in (conn.socket));
  sent = ss_format_bytes (ss_socket_get_bytes_out (conn.socket));
  ss_test_wait_info (conn.page, SS_TEST_INFO_RECEIVED, received);
  ss_test_wait_info (conn.page, SS_TEST_INFO_SENT, sent);
  gtk_single_selection_set_selected (table_selection (&conn),
                                     row_of_str (&conn, SS_TRAFFIC_RECEIVED, "before the clear"));
  /* the conversation is hidden behind the table: it costs nothing until
   * it is shown, and then it is whole */
  g_assert_false (buffer_contains (buffer, "sent before"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (conn.page), "socket.clear-log", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_traffic_model (conn.page)), ==, 0);
  g_assert_cmpuint (gtk_single_selection_get_selected (table_selection (&conn)), ==,
                    GTK_INVALID_LIST_POSITION);
  {
    g_autofree char *details = details_text (&conn);
    g_autofree char *text = buffer_text (buffer);

    g_assert_cmpstr (details, ==, "");
    g_assert_cmpstr (text, ==, "");
  }
  /* the facts count everything, cleared or not */
  g_assert_cmpstr (ss_test_info_value (conn.page, SS_TEST_INFO_RECEIVED), ==, received);
  g_assert_cmpstr (ss_test_info_value (conn.page, SS_TEST_INFO_SENT), ==, sent);
  wait_frames (ss_test_conn_view (&conn));
  g_assert_cmpstr (ss_test_info_value (conn.page, SS_TEST_INFO_RECEIVED), ==, received);
  g_assert_cmpstr (ss_test_info_value (conn.page, SS_TEST_INFO_SENT), ==, sent);

  /* new traffic shows in both layouts */
  peer_says_str (&conn, "after the clear");
  page_says_str (&conn, "sent after");
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_traffic_model (conn.page)), ==, 2);
  ss_test_choose (ss_test_conn_view_child (&conn, "layout_dropdown"), "Conversation");
  ss_test_wait_until (ss_test_widget_mapped, ss_test_conn_view_child (&conn, "conversation_view"), SS_TEST_TIMEOUT_MS);
  g_assert_true (text_tagged (buffer, "after the clear", "received"));
  g_assert_true (text_tagged (buffer, "sent after", "sent"));
  g_assert_false (buffer_contains (buffer, "before"));

  /* cleared in the conversation layout too */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (conn.page), "socket.clear-log", NULL));
  {
    g_autofree char *text = buffer_text (buffer);

    g_assert_cmpstr (text, ==, "");
  }
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_traffic_model (conn.page)), ==, 0);
  peer_says_str (&conn, "third");
  wait_text (buffer, "third", "received");

  ss_test_conn_close (&conn);
}

static void
test_save (SsTestWindow  *f,
           gconstpointer  data)
{
  static const char received[] = "saved \xff\0!\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-layouts-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "log.txt", NULL);
  g_autofree char *raw_path = g_build_filename (dir, "sent.bin", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "no-such-dir", "log.txt", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  SsTestConn conn;

  g_assert_no_error (error);
  ss_test_conn_open (f, &conn);
  peer_says (&conn, received, sizeof received - 1);
  page_says_str (&conn, "saved reply");

  g_assert_true (ss_socket_page_save_log (conn.page, SS_EXPORT_TRANSCRIPT, path));
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (contents), ==, len);
  g_assert_true (g_utf8_validate (contents, len, NULL));
  g_assert_nonnull (strstr (contents, "  <<< received 10\nsaved \\xff\\0!\\n\n\n"));
  g_assert_nonnull (strstr (contents, "  >>> sent 11\nsaved reply\n\n"));
  g_assert_nonnull (strstr (contents, "  --- Connected to "));
  g_assert_true (strstr (contents, "<<< received") < strstr (contents, ">>> sent"));
  /* all of it was there: no message */
  g_assert_false (gtk_revealer_get_reveal_child (ss_test_page_child (conn.page, "error_revealer")));

  g_assert_true (ss_socket_page_save_log (conn.page, SS_EXPORT_RAW_SENT, raw_path));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (raw_path, &contents, &len, &error));
  g_assert_cmpmem (contents, len, "saved reply", 11);

  /* a failure is shown on the page */
  g_assert_false (ss_socket_page_save_log (conn.page, SS_EXPORT_TRANSCRIPT, bad_path));
  ss_test_wait_page_error (conn.page, "no-such-dir", NULL);

  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_unlink (raw_path));
  g_assert_no_errno (g_rmdir (dir));
  ss_test_conn_close (&conn);
}

/* ------------------------------------------------------------------ */
/* hostile bytes                                                       */

/* Invalid UTF-8, NUL, control bytes, a lone surrogate, a code point past
 * U+10FFFF, C1 controls, bidi overrides: shown escaped, with no GTK
 * warning (a warning fails the test). */
static void
test_hostile_text (SsTestWindow  *f,
                   gconstpointer  data)
{
  static const char hostile[] =
    "\xff\xfe\0\x01\x1b[2J\r\n\xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80 \xc2\x85\xc2\x9b "
    "\xe2\x80\xae" "evil" "\xe2\x80\xac \x7f\x08\x0c\x0b \xf0\x9f\x98\x80 \xc0\xaf \xe0\x80\xaf end";
  static const char *const formats[] = { "Text", "Hex dump", "C array", "Python bytes" };
  GtkTextBuffer *buffer;
  guint row;
  SsTestConn conn;

  ss_test_conn_open (f, &conn);
  buffer = conversation_buffer (&conn);
  peer_says (&conn, hostile, sizeof hostile - 1);
  page_says (&conn, hostile, sizeof hostile - 1);
  row = row_of (&conn, SS_TRAFFIC_RECEIVED, hostile, sizeof hostile - 1);
  wait_frames (ss_test_conn_view (&conn));

  gtk_single_selection_set_selected (table_selection (&conn), row);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *details = NULL;

      ss_test_choose (ss_test_conn_view_child (&conn, "format_dropdown"), formats[i]);
      details = details_text (&conn);
      g_assert_true (g_utf8_validate (details, -1, NULL));
      g_assert_cmpstr (details, !=, "");
      wait_frames (ss_test_conn_view (&conn));
    }
  ss_test_choose (ss_test_conn_view_child (&conn, "format_dropdown"), "Text");
  {
    g_autofree char *details = details_text (&conn);

    g_assert_true (g_str_has_prefix (details, "\\xff\\xfe\\0\\x01\\x1b[2J\\r\\n\n\\xc3("));
    g_assert_nonnull (strstr (details, " end"));
  }

  ss_test_choose (ss_test_conn_view_child (&conn, "layout_dropdown"), "Conversation");
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *text = NULL;

      ss_test_choose (ss_test_conn_view_child (&conn, "format_dropdown"), formats[i]);
      text = buffer_text (buffer);
      g_assert_true (g_utf8_validate (text, -1, NULL));
      wait_frames (ss_test_conn_view (&conn));
    }
  ss_test_choose (ss_test_conn_view_child (&conn, "format_dropdown"), "Text");
  g_assert_true (text_tagged (buffer, "\\xff\\xfe\\0\\x01\\x1b[2J\\r\\n", "received"));
  {
    g_autoptr(GArray) offsets = offsets_of (buffer, "\\xff\\xfe\\0\\x01");

    /* once each way */
    g_assert_cmpuint (offsets->len, ==, 2);
  }

  ss_test_conn_close (&conn);
}

/* ------------------------------------------------------------------ */
/* follow the tail                                                     */

typedef struct
{
  GtkAdjustment *adjustment;
  double         upper_above;   /* wait for upper to pass this */
} ScrollExpect;

static gboolean
at_bottom (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 1;
}

/* A text view measures its lines a few at a time, in idles: each
 * measured line raises "upper" and the view follows again, so the end
 * is reached over a few turns of the main loop, not one frame. */
static gboolean
at_bottom_cb (gpointer adjustment)
{
  return at_bottom (adjustment);
}

static gboolean
grown_and_at_bottom (gpointer user_data)
{
  ScrollExpect *expect = user_data;

  return gtk_adjustment_get_upper (expect->adjustment) > expect->upper_above &&
         at_bottom (expect->adjustment);
}

static gboolean
grown (gpointer user_data)
{
  ScrollExpect *expect = user_data;

  return gtk_adjustment_get_upper (expect->adjustment) > expect->upper_above;
}

/* @n entries; with @turns, each from the other side: a conversation's
 * turns, each on its own line */
static gboolean
conversation_has (gpointer user_data)
{
  gpointer *args = user_data;

  return buffer_contains (conversation_buffer (args[0]), args[1]);
}

/* every entry of the log is a row (the direction filter shows both) */
static gboolean
table_shows_log (gpointer user_data)
{
  SsTestConn *conn = user_data;

  return g_list_model_get_n_items (G_LIST_MODEL (table_selection (conn))) ==
         g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (conn->socket)));
}

static void
add_rows (SsTestConn *conn,
          guint     n,
          gboolean  turns)
{
  static guint counter;
  g_autofree char *last = NULL;

  for (guint i = 0; i < n; i++)
    {
      /* long enough that one side streaming fills lines too */
      g_autofree char *line = g_strdup_printf ("row %-4u ......................................................................",
                                               counter++);

      if (turns && i % 2)
        peer_says_str (conn, line);
      else
        page_says_str (conn, line);
      g_free (last);
      last = g_strdup (line);
    }

  /* a shown table and conversation add what came in batches: until the
   * last row */
  if (gtk_widget_get_mapped (ss_test_conn_view_child (conn, "table_view")))
    ss_test_wait_until (table_shows_log, conn, SS_TEST_TIMEOUT_MS);
  if (gtk_widget_get_mapped (ss_test_conn_view_child (conn, "conversation_view")))
    {
      gpointer args[] = { conn, last };

      ss_test_wait_until (conversation_has, args, SS_TEST_TIMEOUT_MS);
    }
}

static char *
describe (GtkAdjustment *adjustment,
          const char    *what)
{
  return g_strdup_printf ("%s: value %g, page %g, upper %g", what,
                          gtk_adjustment_get_value (adjustment),
                          gtk_adjustment_get_page_size (adjustment),
                          gtk_adjustment_get_upper (adjustment));
}

/* At the bottom while at the bottom, not once scrolled up, again once
 * back at the bottom. Returns what went wrong, or NULL. */
static char *
follow_tail_failure (SsTestConn *conn,
                     GtkAdjustment *adjustment,
                     GtkWidget     *widget,
                     gboolean       turns)
{
  ScrollExpect expect = { adjustment, 0 };

  /* many rows: more than the view shows, and it is at the end */
  add_rows (conn, 60, turns);
  expect.upper_above = gtk_adjustment_get_page_size (adjustment);
  if (!ss_test_try_wait_until (grown_and_at_bottom, &expect, SS_TEST_TIMEOUT_MS))
    return describe (adjustment, "not at the bottom after many rows");
  wait_frames (widget);
  if (!ss_test_try_wait_until (at_bottom_cb, adjustment, SS_TEST_TIMEOUT_MS))
    return describe (adjustment, "moved from the bottom after many rows");
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, 2 * gtk_adjustment_get_page_size (adjustment));

  /* and stays there as more come */
  expect.upper_above = gtk_adjustment_get_upper (adjustment);
  add_rows (conn, 10, turns);
  if (!ss_test_try_wait_until (grown_and_at_bottom, &expect, SS_TEST_TIMEOUT_MS))
    return describe (adjustment, "stopped following as rows came");
  wait_frames (widget);
  if (!ss_test_try_wait_until (at_bottom_cb, adjustment, SS_TEST_TIMEOUT_MS))
    return describe (adjustment, "moved from the bottom as rows came");

  /* scrolled up: new rows do not move it */
  gtk_adjustment_set_value (adjustment, 0);
  wait_frames (widget);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  expect.upper_above = gtk_adjustment_get_upper (adjustment);
  add_rows (conn, 10, turns);
  ss_test_wait_until (grown, &expect, SS_TEST_TIMEOUT_MS);
  wait_frames (widget);
  if (gtk_adjustment_get_value (adjustment) != 0)
    return describe (adjustment, "scrolled by new rows while scrolled up");
  g_assert_false (at_bottom (adjustment));

  /* back at the bottom: it follows again */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
  wait_frames (widget);
  if (!ss_test_try_wait_until (at_bottom_cb, adjustment, SS_TEST_TIMEOUT_MS))
    return describe (adjustment, "did not stay at the bottom it was scrolled to");
  expect.upper_above = gtk_adjustment_get_upper (adjustment);
  add_rows (conn, 10, turns);
  if (!ss_test_try_wait_until (grown_and_at_bottom, &expect, SS_TEST_TIMEOUT_MS))
    return describe (adjustment, "did not follow again once back at the bottom");
  return NULL;
}

static void
test_follow_tail (SsTestWindow  *f,
                  gconstpointer  data)
{
  GtkScrolledWindow *table_window;
  g_autofree char *failure = NULL;
  SsTestConn conn;

  ss_test_conn_open (f, &conn);
  table_window = ss_test_conn_view_child (&conn, "scrolled_window");
  failure = follow_tail_failure (&conn, gtk_scrolled_window_get_vadjustment (table_window),
                                 GTK_WIDGET (table_window), FALSE);
  if (failure != NULL)
    g_error ("table: %s", failure);
  ss_test_conn_close (&conn);
}

/* The same in the conversation, with turns (a line each) or one side
 * streaming (one growing paragraph). */
static void
test_follow_tail_conversation (SsTestWindow  *f,
                               gconstpointer  data)
{
  GtkScrolledWindow *window;
  g_autofree char *failure = NULL;
  SsTestConn conn;

  ss_test_conn_open (f, &conn);
  ss_test_choose (ss_test_conn_view_child (&conn, "layout_dropdown"), "Conversation");
  window = ss_test_template_child (ss_test_conn_view_child (&conn, "conversation_view"),
                                   SS_TYPE_CONVERSATION_VIEW, "scrolled_window");
  ss_test_wait_until (ss_test_widget_mapped, window, SS_TEST_TIMEOUT_MS);
  failure = follow_tail_failure (&conn, gtk_scrolled_window_get_vadjustment (window),
                                 GTK_WIDGET (window), GPOINTER_TO_INT (data));
  if (failure != NULL)
    g_error ("conversation (%s): %s", GPOINTER_TO_INT (data) ? "turns" : "one side streaming", failure);
  ss_test_conn_close (&conn);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/traffic-layouts/conversation", test_conversation);
  ss_test_window_add ("/traffic-layouts/find", test_find);
  ss_test_window_add ("/traffic-layouts/copy", test_copy);
  ss_test_window_add ("/traffic-layouts/clear", test_clear);
  ss_test_window_add ("/traffic-layouts/save", test_save);
  ss_test_window_add ("/traffic-layouts/hostile-text", test_hostile_text);
  ss_test_window_add ("/traffic-layouts/follow-tail", test_follow_tail);
  g_test_add ("/traffic-layouts/follow-tail-conversation/turns", SsTestWindow, GINT_TO_POINTER (TRUE),
              ss_test_window_setup, test_follow_tail_conversation, ss_test_window_teardown);
  g_test_add ("/traffic-layouts/follow-tail-conversation/stream", SsTestWindow, GINT_TO_POINTER (FALSE),
              ss_test_window_setup, test_follow_tail_conversation, ss_test_window_teardown);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
