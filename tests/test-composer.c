/* test-composer.c — the send box of a socket page, through the real
 * window: encodings and line endings, parse errors, conversion between
 * encodings, the history, the payload library, a listener's targets,
 * repeat, and a file; checked on what a person sees and on the bytes a raw
 * loopback peer receives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ss-format.h"
#include "ss-payload-format.h"
#include "ss-payloads-popover.h"
#include "ss-socket-page-private.h"
#include "ss-test-page.h"
#include "ss-test-window.h"

/* How long a test looks for something that must not happen: longer than
 * a main-loop turn, and than many rounds of a 10 ms repeat. */
#define QUIET_MS 600

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static GtkTextBuffer *
send_buffer (SsSocketPage *page)
{
  return gtk_text_view_get_buffer (ss_test_send_text (page));
}

static char *
dup_send_text (SsSocketPage *page)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (send_buffer (page), &start, &end);
  return gtk_text_buffer_get_text (send_buffer (page), &start, &end, FALSE);
}

#define assert_send_text(page, expected) \
  G_STMT_START { \
    g_autofree char *_text = dup_send_text (page); \
    g_assert_cmpstr (_text, ==, (expected)); \
  } G_STMT_END

static gboolean
composer_valid (SsSocketPage *page)
{
  gboolean valid = FALSE;

  g_object_get (ss_test_composer (page), "valid", &valid, NULL);
  g_assert_true (valid == ss_composer_get_valid (ss_test_composer (page)));
  return valid;
}

static guint
selected_encoding (SsSocketPage *page)
{
  return ss_drop_down_get_selected (ss_test_composer_child (page, "encoding_dropdown"));
}

static guint
selected_line_ending (SsSocketPage *page)
{
  return ss_drop_down_get_selected (ss_test_line_ending (page));
}

typedef struct
{
  GtkLabel   *label;
  const char *text;
  gboolean    error;
  gboolean    substring;
} StatusExpect;

static gboolean
status_shows (gpointer user_data)
{
  StatusExpect *expect = user_data;
  const char *text = gtk_label_get_text (expect->label);

  if (gtk_widget_has_css_class (GTK_WIDGET (expect->label), "error-message") != expect->error)
    return FALSE;
  return expect->substring ? strstr (text, expect->text) != NULL : g_str_equal (text, expect->text);
}

static void
wait_status_full (SsSocketPage *page,
                  const char   *text,
                  gboolean      error,
                  gboolean      substring)
{
  StatusExpect expect = { ss_test_composer_child (page, "status_label"), text, error, substring };

  /* the box updates from an idle: what was typed last is what is shown,
   * not what the label said before */
  ss_test_drain_main_context ();
  if (!ss_test_try_wait_until (status_shows, &expect, SS_TEST_TIMEOUT_MS))
    g_error ("timed out waiting for the send box to say %s“%s”%s; it says “%s”%s",
             substring ? "something with " : "", text, error ? " as an error" : "",
             gtk_label_get_text (expect.label),
             gtk_widget_has_css_class (GTK_WIDGET (expect.label), "error-message") ? " as an error" : "");
}

/* The status line under the box: exactly @text, not as an error */
#define wait_status(page, text)       wait_status_full ((page), (text), FALSE, FALSE)
/* … or an error that says @needle */
#define wait_status_error(page, text) wait_status_full ((page), (text), TRUE, TRUE)

static void
wait_byte_count (SsSocketPage *page,
                 gsize         n)
{
  g_autofree char *text = g_strdup_printf (n == 1 ? "%" G_GSIZE_FORMAT " byte"
                                                  : "%" G_GSIZE_FORMAT " bytes", n);

  wait_status (page, text);
}

static const char *
preview_text (SsSocketPage *page)
{
  return gtk_label_get_text (ss_test_composer_child (page, "preview_label"));
}

static void
collect_anonymous_tag (GtkTextTag *tag,
                       gpointer    user_data)
{
  g_autofree char *name = NULL;

  g_object_get (tag, "name", &name, NULL);
  if (name == NULL)
    g_ptr_array_add (user_data, tag);
}

/* The tag that marks a parse error: the buffer's one anonymous tag */
static GtkTextTag *
error_tag (SsSocketPage *page)
{
  g_autoptr(GPtrArray) tags = g_ptr_array_new ();

  gtk_text_tag_table_foreach (gtk_text_buffer_get_tag_table (send_buffer (page)),
                              collect_anonymous_tag, tags);
  g_assert_cmpuint (tags->len, ==, 1);
  return g_ptr_array_index (tags, 0);
}

static gboolean
tagged_at (SsSocketPage *page,
           int           offset)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (send_buffer (page), &iter, offset);
  return gtk_text_iter_has_tag (&iter, error_tag (page));
}

/* Where the error tag is, as "offset offset …" in characters */
static char *
tagged_offsets (SsSocketPage *page)
{
  GString *out = g_string_new (NULL);
  int n = gtk_text_buffer_get_char_count (send_buffer (page));

  for (int i = 0; i < n; i++)
    if (tagged_at (page, i))
      g_string_append_printf (out, "%s%d", out->len ? " " : "", i);
  return g_string_free (out, FALSE);
}

#define assert_tagged(page, expected) \
  G_STMT_START { \
    g_autofree char *_offsets = tagged_offsets (page); \
    g_assert_cmpstr (_offsets, ==, (expected)); \
  } G_STMT_END

/* What pressing @keyval in the text does: the send box's own key handler
 * (capture phase, on the text view) gets it, as from a keyboard. GTK 4
 * has no way to synthesize the event itself. */
static gboolean
press_key (SsSocketPage *page,
           guint         keyval)
{
  GtkWidget *text_view = GTK_WIDGET (ss_test_send_text (page));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (text_view);
  g_autoptr(GtkEventController) found = NULL;
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        {
          g_assert_null (found);
          found = g_steal_pointer (&controller);
        }
    }
  g_assert_nonnull (found);
  g_signal_emit_by_name (found, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
  return handled;
}

static gboolean
error_revealed (SsSocketPage *page)
{
  return gtk_revealer_get_reveal_child (ss_test_page_child (page, "error_revealer"));
}

static gboolean
progress_shown (gpointer page)
{
  return gtk_widget_get_visible (ss_test_page_child (page, "send_progress_box"));
}

static gboolean
progress_hidden (gpointer page)
{
  return !progress_shown (page);
}

static const char *
progress_text (SsSocketPage *page)
{
  return gtk_progress_bar_get_text (ss_test_page_child (page, "send_progress"));
}

typedef struct
{
  SsTestWindow *f;
  const char   *names;
} CallsExpect;

static gboolean
calls_are (gpointer user_data)
{
  CallsExpect *expect = user_data;
  g_autofree char *names = ss_test_call_names (expect->f);

  return g_str_equal (names, expect->names);
}

static void
wait_calls (SsTestWindow *f,
            const char   *names)
{
  CallsExpect expect = { f, names };

  if (!ss_test_try_wait_until (calls_are, &expect, SS_TEST_TIMEOUT_MS))
    {
      g_autofree char *shown = ss_test_call_names (f);

      g_error ("timed out waiting for the calls “%s”; the log shows “%s”", names, shown);
    }
}

/* Everything the peer can read now, without waiting. */
static gsize
drain_peer (int fd)
{
  guint8 buffer[4096];
  gsize total = 0;
  gssize n;

  while ((n = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
    total += n;
  g_assert_cmpint (n, ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);
  return total;
}

/* ss_test_connected_client(), and the calls so far are just those. */
static SsSocketPage *
connected_client (SsTestWindow *f,
                  int           rcvbuf,
                  int          *listener_out,
                  int          *peer_out)
{
  SsSocketPage *page = ss_test_connected_client (f, rcvbuf, listener_out, peer_out);

  ss_test_assert_calls (f, "socket connect");
  return page;
}

static SsPayload *
history_item (guint position)
{
  SsApplication *app = SS_APPLICATION (g_application_get_default ());

  return g_list_model_get_item (G_LIST_MODEL (ss_application_get_history (app)), position);
}

static guint
history_length (void)
{
  SsApplication *app = SS_APPLICATION (g_application_get_default ());

  return g_list_model_get_n_items (G_LIST_MODEL (ss_application_get_history (app)));
}

static void
assert_payload (SsPayload    *payload,
                const char   *name,
                SsEncoding    encoding,
                const char   *content,
                SsLineEnding  ending)
{
  g_assert_nonnull (payload);
  g_assert_cmpstr (ss_payload_get_name (payload), ==, name);
  g_assert_cmpint (ss_payload_get_encoding (payload), ==, encoding);
  g_assert_cmpstr (ss_payload_get_content (payload), ==, content);
  g_assert_cmpint (ss_payload_get_line_ending (payload), ==, ending);
}

/* ------------------------------------------------------------------ */
/* 1. each encoding sends exactly its bytes, with each line ending      */

typedef struct
{
  const char *encoding;     /* the dropdown item */
  const char *text;         /* what is typed */
  const char *line_ending;  /* the dropdown item */
  const char *bytes;        /* what the peer must get */
  gsize       len;
  const char *hex;          /* what the preview must show */
} EncodingCase;

static const EncodingCase encoding_cases[] = {
  { "Text with Escapes", "a\\x00b\\r\\n", "No Line Ending", "a\0b\r\n", 5, "61 00 62 0d 0a" },
  { "Hex", "de:ad be,ef 0x01", "No Line Ending", "\xde\xad\xbe\xef\x01", 5, "de ad be ef 01" },
  { "Base64", "aGVsbG8=", "LF (", "hello\n", 6, "68 65 6c 6c 6f 0a" },
  { "Text", "hi", "CR (", "hi\r", 3, "68 69 0d" },
  { "Hex", "00ff", "CRLF (", "\x00\xff\r\n", 4, "00 ff 0d 0a" },
  { "Text with Escapes", "\\u{263a}\\t", "LF (", "\xe2\x98\xba\t\n", 5, "e2 98 ba 09 0a" },
  { "Base64", "AA==", "CRLF (", "\0\r\n", 3, "00 0d 0a" },
};

static void
test_encodings (SsTestWindow  *f,
                gconstpointer  data)
{
  g_autofree char *sent = NULL;
  SsSocketPage *page;
  gsize total = 0;
  int listener, peer;

  page = connected_client (f, 0, &listener, &peer);

  for (guint i = 0; i < G_N_ELEMENTS (encoding_cases); i++)
    {
      const EncodingCase *c = &encoding_cases[i];
      g_autofree char *dump = ss_payload_format ((const guint8 *) c->bytes, c->len, SS_PAYLOAD_HEX_DUMP, 0);
      g_autoptr(SsTrafficEntry) entry = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s “%s” with %s", c->encoding, c->text, c->line_ending);
      /* an empty box converts to any encoding as it is */
      ss_test_set_send_text (page, "");
      ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), c->encoding);
      assert_send_text (page, "");
      ss_test_set_send_text (page, c->text);
      ss_test_choose (ss_test_line_ending (page), c->line_ending);

      /* what a person sees before sending: the count, and the bytes */
      wait_byte_count (page, c->len);
      g_assert_true (composer_valid (page));
      g_assert_cmpstr (preview_text (page), ==, dump);
      g_assert_nonnull (strstr (preview_text (page), c->hex));
      bytes = ss_composer_dup_bytes (ss_test_composer (page), &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), c->bytes, c->len);

      ss_test_click (page, "socket.send");
      ss_test_peer_gets (peer, c->bytes, c->len);
      entry = ss_test_wait_entry (page, SS_TRAFFIC_SENT, c->bytes, c->len);
      total += c->len;
      g_assert_false (error_revealed (page));
    }

  /* nothing more than that, in as many sendall() calls */
  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);
  sent = ss_format_bytes (total);
  ss_test_wait_info (page, SS_TEST_INFO_SENT, sent);
  ss_test_assert_calls (f, "socket connect sendall sendall sendall sendall sendall sendall sendall");

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 2. a parse error: where, what, and nothing sent                     */

static void
test_parse_error (SsTestWindow  *f,
                  gconstpointer  data)
{
  const char *message;
  SsSocketPage *page;
  int listener, peer;

  page = connected_client (f, 0, &listener, &peer);
  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Hex");
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  ss_test_set_send_text (page, "12 3z");

  /* the status line says what and where, the bad character is marked */
  wait_status_error (page, "“z”");
  wait_status_error (page, "line 1, column 5");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (ss_test_composer_child (page, "status_label")), ==,
                   gtk_label_get_text (ss_test_composer_child (page, "status_label")));
  assert_tagged (page, "4");
  g_assert_true (tagged_at (page, 4));
  g_assert_false (tagged_at (page, 3));
  g_assert_false (composer_valid (page));
  g_assert_cmpstr (preview_text (page), ==, "");

  /* Send sends nothing, and the page says why */
  ss_test_click (page, "socket.send");
  message = ss_test_wait_page_error (page, "column 5", NULL);
  g_assert_nonnull (strstr (message, "“z”"));
  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);
  ss_test_assert_calls (f, "socket connect");
  g_assert_cmpstr (ss_test_info_value (page, SS_TEST_INFO_SENT), ==, "0 bytes");
  /* what did not go is not history */
  g_assert_cmpuint (history_length (), ==, 0);

  /* nor does Send Once */
  ss_test_click (page, "socket.send-once");
  ss_test_wait_page_error (page, "column 5", NULL);
  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);
  ss_test_assert_calls (f, "socket connect");

  /* fixed: the mark and the message go, and Send sends */
  ss_test_set_send_text (page, "12 3f");
  wait_byte_count (page, 2);
  assert_tagged (page, "");
  g_assert_true (composer_valid (page));
  g_assert_nonnull (strstr (preview_text (page), "12 3f"));
  ss_test_click (page, "socket.send");
  ss_test_peer_gets (peer, "\x12\x3f", 2);
  g_assert_false (error_revealed (page));
  wait_calls (f, "socket connect sendall");

  /* columns count characters, not bytes: é and € are one each */
  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Text with Escapes");
  ss_test_set_send_text (page, "é€\\q!");
  wait_status_error (page, "line 1, column 3");
  assert_tagged (page, "2 3");
  g_assert_false (composer_valid (page));

  /* an error on the second line */
  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Base64");
  /* the text did not parse, so it stays as it is */
  assert_send_text (page, "é€\\q!");
  ss_test_set_send_text (page, "aGVs\nbG8*");
  wait_status_error (page, "line 2, column 4");
  assert_tagged (page, "8");
  g_assert_false (composer_valid (page));
  ss_test_click (page, "socket.send");
  ss_test_wait_page_error (page, "line 2, column 4", NULL);
  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);
  ss_test_assert_calls (f, "socket connect sendall");

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 3. switching the encoding converts what is typed                    */

static void
test_convert (SsTestWindow  *f,
              gconstpointer  data)
{
  /* not connected: enough for what the box shows */
  SsSocketPage *page = ss_test_new_tcp_page (f, NULL);
  SsDropDown *encoding = ss_test_composer_child (page, "encoding_dropdown");

  ss_test_choose (encoding, "Text");
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  ss_test_set_send_text (page, "hi\n");
  wait_byte_count (page, 3);

  ss_test_choose (encoding, "Hex");
  assert_send_text (page, "68 69 0a");
  wait_byte_count (page, 3);
  g_assert_true (composer_valid (page));

  ss_test_choose (encoding, "Base64");
  assert_send_text (page, "aGkK");
  wait_byte_count (page, 3);

  ss_test_choose (encoding, "Text with Escapes");
  assert_send_text (page, "hi\n");
  wait_byte_count (page, 3);

  ss_test_choose (encoding, "Text");
  assert_send_text (page, "hi\n");
  wait_byte_count (page, 3);
  g_assert_true (composer_valid (page));
  g_assert_nonnull (strstr (preview_text (page), "68 69 0a"));

  /* bytes that are not text in Text with Escapes */
  ss_test_choose (encoding, "Hex");
  ss_test_set_send_text (page, "00 ff 41");
  wait_byte_count (page, 3);
  ss_test_choose (encoding, "Text with Escapes");
  assert_send_text (page, "\\0\\xffA");
  wait_byte_count (page, 3);
  g_assert_nonnull (strstr (preview_text (page), "00 ff 41"));

  /* the encoding is remembered for the next page */
  {
    g_autoptr(GSettings) settings = g_settings_new (g_application_get_application_id (g_application_get_default ()));
    g_autofree char *name = g_settings_get_string (settings, "encoding");

    g_assert_cmpstr (name, ==, "escapes");
  }
}

/* Bytes that are not UTF-8 cannot be written as Text: the box keeps its
 * text and says so, rather than read the hex digits as text. */
static void
test_convert_not_text (SsTestWindow  *f,
                       gconstpointer  data)
{
  /* not connected: enough for what the box shows */
  SsSocketPage *page = ss_test_new_tcp_page (f, NULL);
  SsDropDown *encoding = ss_test_composer_child (page, "encoding_dropdown");

  ss_test_choose (encoding, "Hex");
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  ss_test_set_send_text (page, "ff");
  wait_byte_count (page, 1);
  g_assert_true (composer_valid (page));

  ss_drop_down_set_selected (encoding, SS_ENCODING_TEXT);
  /* not "2 bytes" of "ff" as text: the one byte 0xff cannot be Text, so
   * the box stays in Hex and says why */
  ss_test_drain_main_context ();
  assert_send_text (page, "ff");
  g_assert_cmpuint (ss_drop_down_get_selected (encoding), ==, SS_ENCODING_HEX);
  g_assert_true (gtk_widget_has_css_class (ss_test_composer_child (page, "status_label"), "warning-message"));
  g_assert_nonnull (strstr (gtk_label_get_text (ss_test_composer_child (page, "status_label")), "not text"));
  g_assert_true (composer_valid (page));

  /* the next edit is read as hex again, and counted */
  ss_test_set_send_text (page, "ff 00");
  wait_byte_count (page, 2);
  g_assert_false (gtk_widget_has_css_class (ss_test_composer_child (page, "status_label"), "warning-message"));
}

/* ------------------------------------------------------------------ */
/* 4. the history: Up and Down, deduplicated, kept in a file           */

static void
test_history (SsTestWindow  *f,
              gconstpointer  data)
{
  g_autofree char *path = ss_payload_store_dup_default_path ("history.ini");
  g_autoptr(SsPayloadStore) saved = NULL;
  g_autoptr(SsPayload) first = NULL;
  g_autoptr(SsPayload) second = NULL;
  g_autoptr(GError) error = NULL;
  GtkTextIter start;
  SsSocketPage *page;
  int listener, peer;

  page = connected_client (f, 0, &listener, &peer);
  g_assert_cmpuint (history_length (), ==, 0);
  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Text");

  /* nothing sent yet: Up has nothing to recall */
  ss_test_set_send_text (page, "");
  g_assert_false (press_key (page, GDK_KEY_Up));
  g_assert_false (press_key (page, GDK_KEY_Down));

  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  ss_test_set_send_text (page, "one");
  ss_test_click (page, "socket.send");
  ss_test_peer_gets (peer, "one", 3);
  ss_test_choose (ss_test_line_ending (page), "CRLF (");
  ss_test_set_send_text (page, "two");
  ss_test_click (page, "socket.send");
  ss_test_peer_gets (peer, "two\r\n", 5);

  /* newest first */
  g_assert_cmpuint (history_length (), ==, 2);
  first = history_item (0);
  second = history_item (1);
  assert_payload (first, NULL, SS_ENCODING_TEXT, "two", SS_LINE_ENDING_CRLF);
  assert_payload (second, NULL, SS_ENCODING_TEXT, "one", SS_LINE_ENDING_NONE);
  g_clear_object (&first);
  g_clear_object (&second);

  /* a draft of two lines, the cursor on the last: Up moves in the text */
  ss_test_choose (ss_test_line_ending (page), "LF (");
  ss_test_set_send_text (page, "my\ndraft");
  g_assert_false (press_key (page, GDK_KEY_Up));
  assert_send_text (page, "my\ndraft");

  /* on the first line, Up recalls: the text and its line ending */
  gtk_text_buffer_get_start_iter (send_buffer (page), &start);
  gtk_text_buffer_place_cursor (send_buffer (page), &start);
  g_assert_true (press_key (page, GDK_KEY_Up));
  assert_send_text (page, "two");
  g_assert_cmpuint (selected_line_ending (page), ==, SS_LINE_ENDING_CRLF);
  wait_byte_count (page, 5);
  g_assert_true (press_key (page, GDK_KEY_Up));
  assert_send_text (page, "one");
  g_assert_cmpuint (selected_line_ending (page), ==, SS_LINE_ENDING_NONE);
  wait_byte_count (page, 3);
  /* the oldest: Up goes no further */
  g_assert_false (press_key (page, GDK_KEY_Up));
  assert_send_text (page, "one");

  g_assert_true (press_key (page, GDK_KEY_Down));
  assert_send_text (page, "two");
  g_assert_cmpuint (selected_line_ending (page), ==, SS_LINE_ENDING_CRLF);
  /* past the newest: the draft, as it was */
  g_assert_true (press_key (page, GDK_KEY_Down));
  assert_send_text (page, "my\ndraft");
  g_assert_cmpuint (selected_line_ending (page), ==, SS_LINE_ENDING_LF);
  wait_byte_count (page, 9);
  g_assert_false (press_key (page, GDK_KEY_Down));
  assert_send_text (page, "my\ndraft");

  /* recalled, then edited: the edit is the draft now */
  gtk_text_buffer_get_start_iter (send_buffer (page), &start);
  gtk_text_buffer_place_cursor (send_buffer (page), &start);
  g_assert_true (press_key (page, GDK_KEY_Up));
  assert_send_text (page, "two");
  gtk_text_buffer_get_end_iter (send_buffer (page), &start);
  gtk_text_buffer_insert (send_buffer (page), &start, "!", -1);
  g_assert_false (press_key (page, GDK_KEY_Down));
  assert_send_text (page, "two!");
  g_assert_true (press_key (page, GDK_KEY_Up));
  assert_send_text (page, "two");
  g_assert_true (press_key (page, GDK_KEY_Down));
  assert_send_text (page, "two!");

  /* "one" again, as it was: to the top, not twice */
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  ss_test_set_send_text (page, "one");
  ss_test_click (page, "socket.send");
  ss_test_peer_gets (peer, "one", 3);
  g_assert_cmpuint (history_length (), ==, 2);
  first = history_item (0);
  second = history_item (1);
  assert_payload (first, NULL, SS_ENCODING_TEXT, "one", SS_LINE_ENDING_NONE);
  assert_payload (second, NULL, SS_ENCODING_TEXT, "two", SS_LINE_ENDING_CRLF);

  /* the same text with another line ending is another payload */
  ss_test_choose (ss_test_line_ending (page), "LF (");
  ss_test_click (page, "socket.send");
  ss_test_peer_gets (peer, "one\n", 4);
  g_assert_cmpuint (history_length (), ==, 3);

  /* written to the user's data folder (the tests' own) */
  g_assert_true (g_str_has_prefix (path, g_getenv ("XDG_DATA_HOME")));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  saved = ss_payload_store_new (path);
  g_assert_true (ss_payload_store_load (saved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (saved)), ==, 3);
  g_clear_object (&first);
  g_clear_object (&second);
  first = g_list_model_get_item (G_LIST_MODEL (saved), 0);
  second = g_list_model_get_item (G_LIST_MODEL (saved), 1);
  assert_payload (first, NULL, SS_ENCODING_TEXT, "one", SS_LINE_ENDING_LF);
  assert_payload (second, NULL, SS_ENCODING_TEXT, "one", SS_LINE_ENDING_NONE);
  g_clear_object (&second);
  second = g_list_model_get_item (G_LIST_MODEL (saved), 2);
  assert_payload (second, NULL, SS_ENCODING_TEXT, "two", SS_LINE_ENDING_CRLF);

  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 5. the payload library                                              */

static SsPayloadStore *
library (void)
{
  return ss_application_get_library (SS_APPLICATION (g_application_get_default ()));
}

static gpointer
popover_child (SsPayloadsPopover *popover,
               const char        *name)
{
  return ss_test_template_child (popover, SS_TYPE_PAYLOADS_POPOVER, name);
}

static gboolean
is_shown_label (GtkWidget     *widget,
                gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text);
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} ShownLabel;

static gboolean
label_shown (gpointer user_data)
{
  ShownLabel *expect = user_data;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  ss_test_collect_widgets (expect->root, is_shown_label, expect->text, found);
  return found->len > 0;
}

static void
wait_label_shown (gpointer    root,
                  const char *text)
{
  ShownLabel expect = { root, text };

  if (!ss_test_try_wait_until (label_shown, &expect, SS_TEST_TIMEOUT_MS))
    g_error ("timed out waiting for a label showing “%s”", text);
}

static gboolean
is_delete_button (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_widget_get_tooltip_text (widget), "Delete this payload") == 0;
}

static gboolean
popover_hidden (gpointer popover)
{
  return !gtk_widget_get_visible (popover);
}

static void
open_popover (SsSocketPage      *page,
              SsPayloadsPopover *popover)
{
  gtk_menu_button_popup (ss_test_composer_child (page, "payloads_button"));
  ss_test_wait_until (ss_test_widget_mapped, popover, SS_TEST_TIMEOUT_MS);
}

static void
test_library (SsTestWindow  *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-payloads-XXXXXX", &error);
  g_autofree char *exported = g_build_filename (dir, "exported.ini", NULL);
  g_autofree char *corrupt = g_build_filename (dir, "corrupt.ini", NULL);
  g_autofree char *library_path = ss_payload_store_dup_default_path ("payloads.ini");
  g_autoptr(SsPayloadStore) saved = NULL;
  g_autoptr(SsPayload) payload = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  SsPayloadsPopover *popover;
  GtkWidget *list_view, *error_label, *empty_label;
  GtkEditable *name_entry;
  SsSocketPage *page;
  int listener, peer;

  g_assert_no_error (error);
  page = connected_client (f, 0, &listener, &peer);
  popover = ss_composer_get_payloads_popover (ss_test_page_child (page, "composer"));
  list_view = popover_child (popover, "list_view");
  error_label = popover_child (popover, "error_label");
  empty_label = popover_child (popover, "empty_label");
  name_entry = popover_child (popover, "name_entry");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library ())), ==, 0);

  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Text with Escapes");
  ss_test_choose (ss_test_line_ending (page), "CRLF (");
  ss_test_set_send_text (page, "GET / HTTP/1.0\\r\\nHost: x\\r\\n");
  wait_byte_count (page, 27);

  open_popover (page, popover);
  g_assert_true (gtk_widget_get_mapped (empty_label));
  g_assert_false (gtk_widget_get_visible (error_label));

  /* a name is needed */
  gtk_editable_set_text (name_entry, "  ");
  g_signal_emit_by_name (name_entry, "activate");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "Give the payload a name");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library ())), ==, 0);

  /* saved under its name, with its encoding and line ending */
  gtk_editable_set_text (name_entry, "greeting");
  g_signal_emit_by_name (name_entry, "activate");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_editable_get_text (name_entry), ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library ())), ==, 1);
  payload = g_list_model_get_item (G_LIST_MODEL (library ()), 0);
  assert_payload (payload, "greeting", SS_ENCODING_ESCAPED, "GET / HTTP/1.0\\r\\nHost: x\\r\\n",
                  SS_LINE_ENDING_CRLF);
  g_clear_object (&payload);
  /* in the list, on screen */
  wait_label_shown (list_view, "greeting");
  wait_label_shown (list_view, "escapes");
  g_assert_false (gtk_widget_get_visible (empty_label));
  /* and in the file */
  g_assert_true (g_str_has_prefix (library_path, g_getenv ("XDG_DATA_HOME")));
  saved = ss_payload_store_new (library_path);
  g_assert_true (ss_payload_store_load (saved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (saved)), ==, 1);
  g_clear_object (&saved);

  /* another payload in the box; choosing "greeting" loads it whole */
  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Hex");
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  ss_test_set_send_text (page, "01 02");
  wait_byte_count (page, 2);
  g_signal_emit_by_name (list_view, "activate", 0);
  ss_test_wait_until (popover_hidden, popover, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (selected_encoding (page), ==, SS_ENCODING_ESCAPED);
  g_assert_cmpuint (selected_line_ending (page), ==, SS_LINE_ENDING_CRLF);
  assert_send_text (page, "GET / HTTP/1.0\\r\\nHost: x\\r\\n");
  wait_byte_count (page, 27);
  ss_test_click (page, "socket.send");
  ss_test_peer_gets (peer, "GET / HTTP/1.0\r\nHost: x\r\n\r\n", 27);

  /* export, delete, import: back as it was */
  g_assert_true (ss_payloads_popover_export (popover, exported));
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_true (g_file_test (exported, G_FILE_TEST_IS_REGULAR));

  open_popover (page, popover);
  wait_label_shown (list_view, "greeting");
  ss_test_collect_widgets (list_view, is_delete_button, NULL, buttons);
  g_assert_cmpuint (buttons->len, ==, 1);
  g_signal_emit_by_name (buttons->pdata[0], "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library ())), ==, 0);
  g_assert_true (gtk_widget_get_visible (empty_label));
  g_assert_false (gtk_widget_get_visible (error_label));

  g_assert_true (ss_payloads_popover_import (popover, exported));
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library ())), ==, 1);
  payload = g_list_model_get_item (G_LIST_MODEL (library ()), 0);
  assert_payload (payload, "greeting", SS_ENCODING_ESCAPED, "GET / HTTP/1.0\\r\\nHost: x\\r\\n",
                  SS_LINE_ENDING_CRLF);
  g_clear_object (&payload);
  wait_label_shown (list_view, "greeting");

  /* a file that is not a payload file: said, and nothing changes */
  g_assert_true (g_file_set_contents (corrupt, "this is not\n[[[ a payload file\n\xff\n", -1, &error));
  g_assert_no_error (error);
  g_assert_false (ss_payloads_popover_import (popover, corrupt));
  ss_test_wait_until (ss_test_widget_mapped, error_label, SS_TEST_TIMEOUT_MS);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "line 1"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library ())), ==, 1);
  payload = g_list_model_get_item (G_LIST_MODEL (library ()), 0);
  assert_payload (payload, "greeting", SS_ENCODING_ESCAPED, "GET / HTTP/1.0\\r\\nHost: x\\r\\n",
                  SS_LINE_ENDING_CRLF);
  g_clear_object (&payload);
  g_assert_false (ss_payload_store_get_broken (library ()));
  saved = ss_payload_store_new (library_path);
  g_assert_true (ss_payload_store_load (saved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (saved)), ==, 1);
  gtk_popover_popdown (GTK_POPOVER (popover));
  ss_test_wait_until (popover_hidden, popover, SS_TEST_TIMEOUT_MS);

  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);
  g_assert_no_errno (g_unlink (exported));
  g_assert_no_errno (g_unlink (corrupt));
  g_assert_no_errno (g_rmdir (dir));
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 6. a listener sends to all its connections, or to one               */

typedef struct
{
  SsSocket    *listener;
  SsDropDown *targets;
  guint        n;
} TargetsExpect;

static gboolean
targets_listed (gpointer user_data)
{
  TargetsExpect *expect = user_data;

  return g_list_model_get_n_items (ss_socket_get_connections (expect->listener)) == expect->n &&
         g_list_model_get_n_items (ss_drop_down_get_model (expect->targets)) == expect->n + 1;
}

/* The connections listed when the person opens the list: a closed list
 * holds them back */
static void
wait_targets_listed (TargetsExpect *expect)
{
  ss_test_dropdown_popup (expect->targets, TRUE);
  ss_test_wait_until (targets_listed, expect, SS_TEST_TIMEOUT_MS);
  ss_test_dropdown_popup (expect->targets, FALSE);
}

/* Returns: (transfer full): the dropdown's row @position: "All
 * Connections" (a GtkStringObject), or a connection */
static GObject *
target_item (SsDropDown *targets,
             guint       position)
{
  GObject *item = g_list_model_get_item (ss_drop_down_get_model (targets), position);

  g_assert_nonnull (item);
  return item;
}

static void
test_listener_targets (SsTestWindow  *f,
                       gconstpointer  data)
{
  static const char to_all[] = "to all";
  static const char only_you[] = "only you";
  char *names[3];
  int peers[3], connection_of_peer[3];
  TargetsExpect expect;
  SsSocketPage *page;
  SsSocket *listener;
  SsDropDown *targets;
  guint16 port;

  page = ss_test_new_tcp_page (f, &listener);
  targets = ss_test_page_child (page, "target_dropdown");
  /* not a listener yet: nothing to choose */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (targets)));

  ss_test_page_bind (page, "127.0.0.1:0");
  port = ss_test_page_listen (page);

  /* listening: "All Connections", and nothing else yet */
  ss_test_wait_until (ss_test_widget_mapped, targets, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (ss_drop_down_get_model (targets)), ==, 1);
  {
    g_autoptr(GObject) all = target_item (targets, 0);

    g_assert_true (GTK_IS_STRING_OBJECT (all));
    g_assert_cmpstr (gtk_string_object_get_string (GTK_STRING_OBJECT (all)), ==, "All Connections");
  }
  g_assert_cmpuint (ss_drop_down_get_selected (targets), ==, 0);
  wait_label_shown (targets, "All Connections");

  for (guint i = 0; i < 3; i++)
    peers[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  expect = (TargetsExpect) { listener, targets, 3 };
  wait_targets_listed (&expect);
  g_assert_cmpuint (ss_drop_down_get_selected (targets), ==, 0);
  wait_label_shown (targets, "All Connections");

  /* each connection in the order it came, shown by its name and its
   * peer's address */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (ss_socket_get_connections (listener), i);
      g_autoptr(GObject) item = target_item (targets, i + 1);
      g_autofree char *python = ss_socket_dup_python_name (connection);
      guint16 peer_port = ss_test_port_of (ss_socket_get_peer_address (connection));

      names[i] = g_strdup_printf ("%s (%s)", python, ss_socket_get_peer_address (connection));
      g_assert_true (item == G_OBJECT (connection));
      connection_of_peer[i] = -1;
      for (guint j = 0; j < 3; j++)
        if (ss_test_fd_local_port (peers[j]) == peer_port)
          connection_of_peer[j] = i;
    }
  for (guint j = 0; j < 3; j++)
    g_assert_cmpint (connection_of_peer[j], >=, 0);

  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Text");
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");

  /* Send All to all connections: each peer gets it once */
  ss_test_set_send_text (page, to_all);
  ss_test_click (page, "socket.send");
  for (guint j = 0; j < 3; j++)
    ss_test_peer_gets (peers[j], to_all, strlen (to_all));
  ss_test_iterate_for (QUIET_MS);
  for (guint j = 0; j < 3; j++)
    ss_test_peer_quiet (peers[j]);
  g_assert_false (error_revealed (page));

  /* Send Once goes to one connection: not to all */
  ss_test_click (page, "socket.send-once");
  ss_test_wait_page_error (page, "Send Once goes to one connection", NULL);
  ss_test_iterate_for (QUIET_MS);
  for (guint j = 0; j < 3; j++)
    ss_test_peer_quiet (peers[j]);

  /* one connection chosen: only its peer gets it */
  ss_drop_down_set_selected (targets, 2);
  wait_label_shown (targets, names[1]);
  ss_test_set_send_text (page, only_you);
  ss_test_click (page, "socket.send");
  g_assert_false (error_revealed (page));
  for (guint j = 0; j < 3; j++)
    if (connection_of_peer[j] == 1)
      ss_test_peer_gets (peers[j], only_you, strlen (only_you));
  ss_test_iterate_for (QUIET_MS);
  for (guint j = 0; j < 3; j++)
    ss_test_peer_quiet (peers[j]);

  /* a fourth connection does not change the choice */
  {
    int fourth = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);

    expect.n = 4;
    wait_targets_listed (&expect);
    g_assert_cmpuint (ss_drop_down_get_selected (targets), ==, 2);
    wait_label_shown (targets, names[1]);
    ss_test_click (page, "socket.send");
    for (guint j = 0; j < 3; j++)
      if (connection_of_peer[j] == 1)
        ss_test_peer_gets (peers[j], only_you, strlen (only_you));
    ss_test_iterate_for (QUIET_MS);
    for (guint j = 0; j < 3; j++)
      ss_test_peer_quiet (peers[j]);
    ss_test_peer_quiet (fourth);
    g_assert_no_errno (close (fourth));
  }

  for (guint j = 0; j < 3; j++)
    {
      g_assert_no_errno (close (peers[j]));
      g_free (names[j]);
    }
}

/* ------------------------------------------------------------------ */
/* 7. repeat: so many times, or until stopped                          */

typedef struct
{
  int   fd;
  gsize received;
  gsize wanted;
} CountExpect;

static gboolean
received_at_least (gpointer user_data)
{
  CountExpect *expect = user_data;

  expect->received += drain_peer (expect->fd);
  return expect->received >= expect->wanted;
}

static gboolean
repeat_running (SsSocketPage *page)
{
  return page->repeat != NULL && ss_repeat_get_running (page->repeat);
}

static void
test_repeat_count (SsTestWindow  *f,
                   gconstpointer  data)
{
  static const char ping[] = "ping\n";
  g_autofree char *sent = NULL;
  SsSocketPage *page;
  int listener, peer;

  page = connected_client (f, 0, &listener, &peer);
  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Text");
  ss_test_choose (ss_test_line_ending (page), "LF (");
  ss_test_set_send_text (page, "ping");
  g_assert_false (progress_shown (page));

  gtk_spin_button_set_value (ss_test_page_child (page, "repeat_interval_spin"), 10);
  gtk_spin_button_set_value (ss_test_page_child (page, "repeat_count_spin"), 3);
  ss_test_click (page, "socket.repeat");

  /* the first goes at once; the page says it is repeating */
  g_assert_true (repeat_running (page));
  g_assert_true (progress_shown (page));
  g_assert_true (g_str_has_prefix (progress_text (page), "Repeating: "));
  g_assert_nonnull (strstr (progress_text (page), " of 3 sent"));
  g_assert_true (ss_test_button_sensitive (page, "socket.stop-send"));

  /* exactly three */
  ss_test_peer_gets (peer, "ping\nping\nping\n", 3 * strlen (ping));
  ss_test_wait_until (progress_hidden, page, SS_TEST_TIMEOUT_MS);
  g_assert_false (repeat_running (page));
  g_assert_false (ss_test_button_sensitive (page, "socket.stop-send"));
  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);
  sent = ss_format_bytes (3 * strlen (ping));
  ss_test_wait_info (page, SS_TEST_INFO_SENT, sent);
  g_assert_false (error_revealed (page));
  ss_test_assert_calls (f, "socket connect sendall sendall sendall");
  /* sent, so in the history, once */
  g_assert_cmpuint (history_length (), ==, 1);

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

static void
test_repeat_until_stopped (SsTestWindow  *f,
                           gconstpointer  data)
{
  static const char tick[] = "tick";
  g_autofree char *sent = NULL;
  CountExpect expect;
  SsSocketPage *page;
  int listener, peer;

  page = connected_client (f, 0, &listener, &peer);
  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Text");
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  ss_test_set_send_text (page, tick);

  gtk_spin_button_set_value (ss_test_page_child (page, "repeat_interval_spin"), 10);
  gtk_spin_button_set_value (ss_test_page_child (page, "repeat_count_spin"), 0);
  ss_test_click (page, "socket.repeat");
  g_assert_true (repeat_running (page));
  g_assert_true (g_str_has_prefix (progress_text (page), "Repeating until stopped: "));

  expect = (CountExpect) { peer, 0, 2 * strlen (tick) };
  ss_test_wait_until (received_at_least, &expect, SS_TEST_TIMEOUT_MS);
  g_assert_true (repeat_running (page));
  g_assert_true (progress_shown (page));

  ss_test_click (page, "socket.stop-send");
  g_assert_false (repeat_running (page));
  g_assert_false (progress_shown (page));
  g_assert_false (ss_test_button_sensitive (page, "socket.stop-send"));

  /* what went before Stop is whole; nothing comes after it */
  expect.received += drain_peer (peer);
  g_assert_cmpuint (expect.received % strlen (tick), ==, 0);
  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);
  sent = ss_format_bytes (expect.received);
  ss_test_wait_info (page, SS_TEST_INFO_SENT, sent);
  g_assert_false (error_revealed (page));

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 8. a file, read from disk as it is sent                             */

/* @size pseudo-random bytes, the same each run */
static guint8 *
random_bytes (gsize size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240607);
  guint8 *contents = g_malloc (size);

  for (gsize i = 0; i < size; i += 4)
    {
      guint32 word = g_rand_int (rand);

      memcpy (contents + i, &word, MIN (4, size - i));
    }
  return contents;
}

static void
test_send_file (SsTestWindow  *f,
                gconstpointer  data)
{
  const gsize size = 3 * 1024 * 1024;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-file-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "payload.bin", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe", NULL);
  g_autofree guint8 *contents = random_bytes (size);
  g_autofree char *file_size = ss_format_bytes (size);
  g_autofree char *status = g_strdup_printf ("%s, read from disk as it is sent", file_size);
  g_autofree char *dump = NULL;
  g_autofree char *expected_sum = NULL;
  g_autofree char *received_sum = NULL;
  g_autoptr(GBytes) received = NULL;
  g_autoptr(SsCall) call = NULL;
  g_autoptr(SsPayload) remembered = NULL;
  SsSocketPage *page;
  GtkEditable *file_entry;
  int listener, peer;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, (const char *) contents, size, &error));
  g_assert_no_error (error);
  expected_sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, contents, size);
  dump = ss_payload_format (contents, size, SS_PAYLOAD_HEX_DUMP, 256);

  /* small buffers at both ends (SO_SNDBUF, as the options panel would
   * set it): the file cannot all be in the kernel before the peer reads */
  page = connected_client (f, 64 * 1024, &listener, &peer);
  g_assert_no_errno (setsockopt (ss_socket_get_fd (ss_socket_page_get_socket (page)), SOL_SOCKET, SO_SNDBUF,
                                 &(int) { 64 * 1024 }, sizeof (int)));
  file_entry = ss_test_composer_child (page, "file_entry");

  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "File");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (ss_test_composer_child (page, "input_stack")), ==, "file");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (ss_test_line_ending (page))));
  ss_test_wait_until (ss_test_widget_mapped, file_entry, SS_TEST_TIMEOUT_MS);
  wait_status_error (page, "Choose a file to send");
  g_assert_false (composer_valid (page));

  /* a path that is not a file */
  gtk_editable_set_text (file_entry, dir);
  wait_status_error (page, "not a regular file");
  g_assert_false (composer_valid (page));
  /* nor is a named pipe, said at once: opening it must not wait for a
   * writer (the window would hang) */
  g_assert_no_errno (mkfifo (fifo, 0600));
  gtk_editable_set_text (file_entry, fifo);
  wait_status_error (page, "not a regular file");
  g_assert_false (composer_valid (page));
  g_assert_no_errno (g_unlink (fifo));

  gtk_editable_set_text (file_entry, path);
  wait_status (page, status);
  g_assert_true (composer_valid (page));
  g_assert_cmpstr (preview_text (page), ==, dump);

  ss_test_click (page, "socket.send");
  /* the peer does not read yet: the page shows how far the file is */
  ss_test_wait_until (progress_shown, page, SS_TEST_TIMEOUT_MS);
  g_assert_true (g_str_has_prefix (progress_text (page), "Sending the file: "));
  g_assert_nonnull (strstr (progress_text (page), file_size));
  g_assert_true (ss_test_button_sensitive (page, "socket.stop-send"));

  received = ss_test_raw_recv (peer, size, FALSE, SS_TEST_LONG_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (received), ==, size);
  received_sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, received);
  g_assert_cmpstr (received_sum, ==, expected_sum);

  /* one sendfile() call, with every byte */
  wait_calls (f, "socket connect sendfile");
  call = ss_test_call_at (f, 2);
  g_assert_cmpint (ss_call_get_result (call), ==, size);
  g_assert_cmpint (ss_call_get_errno (call), ==, 0);
  ss_test_wait_until (progress_hidden, page, SS_TEST_TIMEOUT_MS);
  g_assert_false (error_revealed (page));
  ss_test_wait_info_prefix (page, SS_TEST_INFO_SENT, file_size);
  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);

  /* the file is history too, as a path */
  g_assert_cmpuint (history_length (), ==, 1);
  remembered = history_item (0);
  assert_payload (remembered, NULL, SS_ENCODING_FILE, path, SS_LINE_ENDING_NONE);

  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* the bugs found (see the report): last, as a failure ends the program */

/* From a listener's page, to the connection chosen above the button: the
 * page shows how far the file is, and Stop stops it. */
static void
test_listener_send_file (SsTestWindow  *f,
                         gconstpointer  data)
{
  const gsize size = 3 * 1024 * 1024;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-file-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "payload.bin", NULL);
  g_autofree guint8 *contents = random_bytes (size);
  g_autoptr(SsSocket) connection = NULL;
  g_autoptr(SsCall) call = NULL;
  g_autofree char *calls = NULL;
  TargetsExpect expect;
  SsSocketPage *page;
  SsSocket *listener;
  SsDropDown *targets;
  gsize received;
  guint16 port;
  int peer;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, (const char *) contents, size, &error));
  g_assert_no_error (error);

  page = ss_test_new_tcp_page (f, &listener);
  targets = ss_test_page_child (page, "target_dropdown");
  ss_test_page_bind (page, "127.0.0.1:0");
  port = ss_test_page_listen (page);

  /* small buffers at both ends: the file waits for the peer to read */
  peer = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (setsockopt (peer, SOL_SOCKET, SO_RCVBUF, &(int) { 64 * 1024 }, sizeof (int)));
  expect = (TargetsExpect) { listener, targets, 1 };
  wait_targets_listed (&expect);
  connection = g_list_model_get_item (ss_socket_get_connections (listener), 0);
  g_assert_no_errno (setsockopt (ss_socket_get_fd (connection), SOL_SOCKET, SO_SNDBUF,
                                 &(int) { 64 * 1024 }, sizeof (int)));

  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "File");
  gtk_editable_set_text (ss_test_composer_child (page, "file_entry"), path);
  wait_status_full (page, "read from disk as it is sent", FALSE, TRUE);

  /* to all connections: a file goes to one at a time */
  ss_test_click (page, "socket.send");
  ss_test_wait_page_error (page, "A file goes to one connection at a time", NULL);
  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (peer);

  ss_drop_down_set_selected (targets, 1);
  ss_test_click (page, "socket.send");
  g_assert_false (error_revealed (page));
  g_assert_cmpuint (ss_socket_get_queued (connection), >, 0);
  ss_test_wait_until (progress_shown, page, SS_TEST_TIMEOUT_MS);
  g_assert_true (g_str_has_prefix (progress_text (page), "Sending the file: "));

  /* Stop: the rest is not sent */
  ss_test_click (page, "socket.stop-send");
  g_assert_cmpuint (ss_socket_get_queued (connection), ==, 0);
  ss_test_wait_until (progress_hidden, page, SS_TEST_TIMEOUT_MS);
  received = drain_peer (peer);
  ss_test_iterate_for (QUIET_MS);
  received += drain_peer (peer);
  g_assert_cmpuint (received, <, size);
  calls = ss_test_call_names (f);
  g_assert_true (g_str_has_suffix (calls, " sendfile"));
  call = ss_test_call_at (f, g_list_model_get_n_items (ss_test_call_model (f)) - 1);
  g_assert_cmpint (ss_call_get_errno (call), ==, ECANCELED);

  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
  g_assert_no_errno (close (peer));
}

/* ------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);

  ss_test_window_add ("/composer/encodings", test_encodings);
  ss_test_window_add ("/composer/parse-error", test_parse_error);
  ss_test_window_add ("/composer/convert", test_convert);
  ss_test_window_add ("/composer/history", test_history);
  ss_test_window_add ("/composer/library", test_library);
  ss_test_window_add ("/composer/listener-targets", test_listener_targets);
  ss_test_window_add ("/composer/repeat-count", test_repeat_count);
  ss_test_window_add ("/composer/repeat-until-stopped", test_repeat_until_stopped);
  ss_test_window_add ("/composer/send-file", test_send_file);
  ss_test_window_add ("/composer/convert-not-text", test_convert_not_text);
  ss_test_window_add ("/composer/listener-send-file", test_listener_send_file);

  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
