/* test-send-tools.c — the send box's checksum, the quick-send buttons and
 * Receive to File, through the real window, checked on what a person sees
 * and on the bytes a raw loopback peer gets or sends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-checksum-chooser.h"
#include "ss-payloads-popover.h"
#include "ss-quick-send-bar.h"
#include "ss-receive-file-box.h"
#include "ss-socket-page-private.h"
#include "ss-test-page.h"
#include "ss-test-window.h"

#define QUIET_MS 400

static gpointer
chooser_child (SsSocketPage *page,
               const char   *name)
{
  return ss_test_template_child (ss_test_composer_child (page, "checksum_chooser"), SS_TYPE_CHECKSUM_CHOOSER, name);
}

static SsPayloadStore *
library (void)
{
  return ss_application_get_library (SS_APPLICATION (g_application_get_default ()));
}

typedef struct
{
  GtkLabel   *label;
  const char *text;
  gboolean    error;
} LabelExpect;

static gboolean
label_says (gpointer user_data)
{
  LabelExpect *expect = user_data;

  return gtk_widget_get_visible (GTK_WIDGET (expect->label)) &&
         gtk_widget_has_css_class (GTK_WIDGET (expect->label), "error-message") == expect->error &&
         strstr (gtk_label_get_text (expect->label), expect->text) != NULL;
}

static void
wait_label (GtkLabel   *label,
            const char *text,
            gboolean    error)
{
  LabelExpect expect = { label, text, error };

  ss_test_drain_main_context ();
  if (!ss_test_try_wait_until (label_says, &expect, SS_TEST_TIMEOUT_MS))
    g_error ("timed out waiting for “%s”%s; the label says “%s”", text, error ? " as an error" : "",
             gtk_label_get_text (label));
}

static void
wait_status (SsSocketPage *page,
             const char   *text,
             gboolean      error)
{
  wait_label (ss_test_composer_child (page, "status_label"), text, error);
}

/* Nothing more, even after the window had time to send it */
static void
assert_peer_quiet (int fd)
{
  ss_test_iterate_for (QUIET_MS);
  ss_test_peer_quiet (fd);
}

/* The preview marks exactly @n bytes as the checksum: the hex digits and
 * the character of each. */
static guint
count_marked (SsSocketPage *page)
{
  PangoAttrList *attrs = gtk_label_get_attributes (ss_test_composer_child (page, "preview_label"));
  g_autoptr(PangoAttrIterator) iter = NULL;
  guint marked = 0;

  if (attrs == NULL)
    return 0;
  iter = pango_attr_list_get_iterator (attrs);
  do
    {
      int start, end;

      pango_attr_iterator_range (iter, &start, &end);
      if (pango_attr_iterator_get (iter, PANGO_ATTR_BACKGROUND) != NULL)
        marked += end - start;
    }
  while (pango_attr_iterator_next (iter));
  return marked;
}

/* ------------------------------------------------------------------ */
/* 1. a checksum chosen in the send box                                  */

static void
test_checksum (SsTestWindow  *f,
               gconstpointer  data)
{
  static const guint8 request[] = { 0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0a };
  g_autoptr(GSettings) settings = g_settings_new ("io.github.sockscope.Sockscope");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *setting = NULL;
  SsSocketPage *page;
  int listener, peer;

  page = ss_test_connected_client (f, 0, &listener, &peer);
  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "Hex");
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  ss_test_set_send_text (page, "01 03 00 00 00 01");
  /* no checksum: no options to set */
  g_assert_false (gtk_widget_get_sensitive (chooser_child (page, "options_button")));

  /* Modbus: low byte first, shown before anything is sent */
  ss_test_choose (chooser_child (page, "kind_dropdown"), "CRC-16/MODBUS");
  g_assert_true (gtk_widget_get_sensitive (chooser_child (page, "options_button")));
  wait_status (page, "8 bytes, checksum 84 0a", FALSE);
  g_assert_nonnull (strstr (gtk_label_get_text (ss_test_composer_child (page, "preview_label")), "84 0a"));
  /* two bytes: two hex digits and a character each */
  g_assert_cmpuint (count_marked (page), ==, 2 * 3);
  setting = g_settings_get_string (settings, "checksum");
  g_assert_cmpstr (setting, ==, "crc16-modbus");

  ss_test_click (page, "socket.send");
  ss_test_peer_gets (peer, request, sizeof request);

  /* big-endian, and a range that leaves the unit byte out */
  ss_test_choose (chooser_child (page, "order_dropdown"), "Big Endian");
  gtk_spin_button_set_value (chooser_child (page, "from_spin"), 1);
  {
    g_autoptr(SsChecksum) expected = ss_checksum_parse ("crc16-modbus,from=1,order=big", NULL);
    g_autoptr(GBytes) sum = ss_checksum_compute (expected, request, 6, NULL);
    const guint8 *s = g_bytes_get_data (sum, NULL);
    g_autofree char *status = g_strdup_printf ("checksum %02x %02x", s[0], s[1]);
    guint8 sent[8];

    wait_status (page, status, FALSE);
    memcpy (sent, request, 6);
    memcpy (sent + 6, s, 2);
    ss_test_click (page, "socket.send");
    ss_test_peer_gets (peer, sent, sizeof sent);
    g_clear_pointer (&setting, g_free);
    setting = g_settings_get_string (settings, "checksum");
    g_assert_cmpstr (setting, ==, "crc16-modbus,from=1,order=big");
  }

  /* past the end: said, and nothing sent */
  gtk_spin_button_set_value (chooser_child (page, "skip_end_spin"), 6);
  wait_status (page, "The checksum skips 1 + 6 bytes, but the payload has only 6 bytes", TRUE);
  g_assert_false (ss_composer_get_valid (ss_test_composer (page)));
  bytes = ss_composer_dup_bytes (ss_test_composer (page), &error);
  g_assert_null (bytes);
  g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_RANGE);
  g_clear_error (&error);
  ss_test_click (page, "socket.send");
  ss_test_wait_page_error (page, "The checksum skips", NULL);
  assert_peer_quiet (peer);

  /* fixed bytes: a mistake is said beside them and in the box */
  ss_test_choose (chooser_child (page, "kind_dropdown"), "Fixed Bytes");
  gtk_menu_button_popdown (chooser_child (page, "options_button"));
  gtk_editable_set_text (chooser_child (page, "fixed_entry"), "7");
  wait_status (page, "fixed bytes are 1 to 64 bytes in hex", TRUE);
  wait_label (chooser_child (page, "fixed_error_label"), "fixed bytes are", TRUE);
  gtk_editable_set_text (chooser_child (page, "fixed_entry"), "7e");
  wait_status (page, "7 bytes, checksum 7e", FALSE);
  g_assert_cmpuint (count_marked (page), ==, 3);

  /* before the line ending, and on every repeat */
  ss_test_choose (ss_test_line_ending (page), "CRLF");
  wait_status (page, "9 bytes, checksum 7e", FALSE);
  gtk_spin_button_set_value (ss_test_page_child (page, "repeat_interval_spin"), 10);
  gtk_spin_button_set_value (ss_test_page_child (page, "repeat_count_spin"), 3);
  ss_test_click (page, "socket.repeat");
  for (guint i = 0; i < 3; i++)
    ss_test_peer_gets (peer, "\x01\x03\x00\x00\x00\x01\x7e\r\n", 9);
  assert_peer_quiet (peer);

  /* kept with a saved payload, and back when it is loaded */
  {
    g_autoptr(SsPayload) framed = ss_composer_dup_payload (ss_test_composer (page));

    g_assert_true (ss_composer_save_payload (ss_test_composer (page), framed, "Framed", &error));
  }
  g_assert_no_error (error);
  ss_test_choose (chooser_child (page, "kind_dropdown"), "No Checksum");
  wait_status (page, "8 bytes", FALSE);
  g_assert_cmpuint (count_marked (page), ==, 0);
  {
    g_autoptr(SsPayload) saved = g_list_model_get_item (G_LIST_MODEL (library ()), 0);
    g_autofree char *text = ss_checksum_to_string (ss_payload_get_checksum (saved));

    g_assert_cmpstr (text, ==, "fixed:7e");
    ss_composer_set_payload (ss_test_composer (page), saved);
  }
  g_assert_cmpuint (ss_drop_down_get_selected (chooser_child (page, "kind_dropdown")), ==, SS_CHECKSUM_FIXED);
  g_assert_cmpstr (gtk_editable_get_text (chooser_child (page, "fixed_entry")), ==, "7e");
  wait_status (page, "9 bytes, checksum 7e", FALSE);

  /* a file is sent as it is: no checksum to choose */
  ss_test_choose (ss_test_composer_child (page, "encoding_dropdown"), "File");
  g_assert_false (gtk_widget_get_sensitive (ss_test_composer_child (page, "checksum_chooser")));

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 2. quick-send buttons                                                 */

static gboolean
is_mapped_button_with_tooltip (GtkWidget     *widget,
                               gconstpointer  tooltip)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static gboolean
is_mapped_check (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_CHECK_BUTTON (widget) && gtk_widget_get_mapped (widget);
}

static GPtrArray *
bar_buttons (SsQuickSendBar *bar)
{
  GPtrArray *buttons = g_ptr_array_new ();

  ss_test_collect_widgets (ss_test_template_child (bar, SS_TYPE_QUICK_SEND_BAR, "button_box"),
                           (SsTestWidgetMatch) ss_test_is_button, NULL, buttons);
  return buttons;
}

static char *
bar_names (SsQuickSendBar *bar)
{
  g_autoptr(GPtrArray) buttons = bar_buttons (bar);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *label = gtk_button_get_child (g_ptr_array_index (buttons, i));

      g_string_append_printf (out, "%s%s", i ? " " : "", gtk_label_get_text (GTK_LABEL (label)));
    }
  return g_string_free (out, FALSE);
}

#define assert_bar(bar, expected) \
  G_STMT_START { \
    g_autofree char *_names = bar_names (bar); \
    g_assert_cmpstr (_names, ==, (expected)); \
  } G_STMT_END

/* What Alt+@n does: the bar's own shortcut, run as GTK runs it. */
static gboolean
press_alt (SsQuickSendBar *bar,
           guint           n)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (bar));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      g_assert_cmpint (gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (controller)), ==,
                       GTK_SHORTCUT_SCOPE_GLOBAL);
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          g_autofree char *wanted = g_strdup_printf ("<Alt>%u", n);

          if (g_str_equal (trigger, wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (bar),
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  g_error ("no Alt+%u on the quick-send bar", n);
}

static void
test_quick_send (SsTestWindow  *f,
                 gconstpointer  data)
{
  g_autoptr(SsChecksum) modbus = ss_checksum_parse ("crc16-modbus", NULL);
  g_autoptr(SsPayload) ping = ss_payload_new ("Ping", SS_ENCODING_TEXT, "ping", SS_LINE_ENDING_LF);
  g_autoptr(SsPayload) read = ss_payload_new_full ("Read", SS_ENCODING_HEX, "01 03 00 00 00 01",
                                                   SS_LINE_ENDING_NONE, modbus, TRUE);
  g_autoptr(SsPayload) hidden = ss_payload_new_full ("Hidden", SS_ENCODING_ESCAPED, "\\x00",
                                                     SS_LINE_ENDING_NONE, NULL, FALSE);
  g_autoptr(GPtrArray) buttons = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SsPayloadsPopover *popover;
  SsQuickSendBar *bar;
  SsSocketPage *page;
  int listener, peer;

  page = ss_test_connected_client (f, 0, &listener, &peer);
  bar = ss_test_page_child (page, "quick_send_bar");
  /* an empty library: no bar */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_false (press_alt (bar, 1));

  ss_payload_store_put (library (), ping);
  ss_payload_store_put (library (), hidden);
  ss_payload_store_put (library (), read);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  assert_bar (bar, "Ping Read");
  buttons = bar_buttons (bar);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, 1)), ==, "Send “Read” (Alt+2)");

  /* a click: with its encoding, checksum and line ending; the box stays */
  ss_test_set_send_text (page, "draft");
  g_signal_emit_by_name (g_ptr_array_index (buttons, 1), "clicked");
  ss_test_peer_gets (peer, "\x01\x03\x00\x00\x00\x01\x84\x0a", 8);
  g_signal_emit_by_name (g_ptr_array_index (buttons, 0), "clicked");
  ss_test_peer_gets (peer, "ping\n", 5);
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (ss_test_send_text (page));
    GtkTextIter start, end;
    g_autofree char *draft = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    draft = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (draft, ==, "draft");
  }

  /* Alt+2, Alt+1; Alt+3 has no button */
  g_assert_true (press_alt (bar, 2));
  ss_test_peer_gets (peer, "\x01\x03\x00\x00\x00\x01\x84\x0a", 8);
  g_assert_true (press_alt (bar, 1));
  ss_test_peer_gets (peer, "ping\n", 5);
  g_assert_false (press_alt (bar, 3));
  assert_peer_quiet (peer);

  /* the Payloads popover: Read up, Hidden shown */
  popover = ss_composer_get_payloads_popover (ss_test_page_child (page, "composer"));
  gtk_menu_button_popup (ss_test_composer_child (page, "payloads_button"));
  ss_test_wait_until (ss_test_widget_mapped, popover, SS_TEST_TIMEOUT_MS);
  ss_test_drain_main_context ();
  found = g_ptr_array_new ();
  ss_test_collect_widgets (GTK_WIDGET (popover), is_mapped_button_with_tooltip,
                           "Move up: earlier in the list and among the buttons", found);
  g_assert_cmpuint (found->len, ==, 3);
  g_signal_emit_by_name (g_ptr_array_index (found, 2), "clicked");
  assert_bar (bar, "Ping Read");  /* Hidden and Read changed places */
  /* the rows are bound again to what is now at their place */
  g_ptr_array_set_size (found, 0);
  ss_test_drain_main_context ();
  ss_test_collect_widgets (GTK_WIDGET (popover), is_mapped_button_with_tooltip,
                           "Move up: earlier in the list and among the buttons", found);
  g_signal_emit_by_name (g_ptr_array_index (found, 1), "clicked");
  assert_bar (bar, "Read Ping");
  g_ptr_array_set_size (found, 0);
  ss_test_drain_main_context ();
  ss_test_collect_widgets (GTK_WIDGET (popover), is_mapped_check, NULL, found);
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_false (gtk_check_button_get_active (g_ptr_array_index (found, 2)));
  gtk_check_button_set_active (g_ptr_array_index (found, 2), TRUE);
  assert_bar (bar, "Read Ping Hidden");
  g_assert_true (press_alt (bar, 3));
  ss_test_peer_gets (peer, "\0", 1);

  /* kept in payloads.ini, in that order */
  g_file_get_contents (ss_payload_store_get_path (library ()), &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strstr (text, "Name=Read") - text, <, strstr (text, "Name=Ping") - text);
  g_assert_cmpuint (strstr (text, "Name=Ping") - text, <, strstr (text, "Name=Hidden") - text);
  g_assert_null (strstr (text, "QuickSend"));
  g_assert_nonnull (strstr (text, "Checksum=crc16-modbus\n"));
  gtk_check_button_set_active (g_ptr_array_index (found, 0), FALSE);
  assert_bar (bar, "Ping Hidden");
  g_clear_pointer (&text, g_free);
  g_file_get_contents (ss_payload_store_get_path (library ()), &text, NULL, &error);
  g_assert_nonnull (strstr (text, "QuickSend=false"));
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* a listener sends to all its connections */
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

/* ------------------------------------------------------------------ */
/* 3. Receive to File                                                    */

static gboolean
switch_is (GtkSwitch *widget,
           gboolean   on)
{
  return gtk_switch_get_active (widget) == on && gtk_switch_get_state (widget) == on;
}

static void
test_receive_file (SsTestWindow  *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-receive-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "received.bin", NULL);
  g_autofree char *contents = NULL;
  SsReceiveFileBox *box;
  GtkSwitch *receive_switch;
  GtkLabel *status;
  SsSocketPage *page;
  SsSocket *socket;
  int listener, peer;
  gsize len;

  page = ss_test_connected_client (f, 0, &listener, &peer);
  socket = ss_socket_page_get_socket (page);
  box = ss_test_page_child (page, "receive_file_box");
  receive_switch = ss_test_template_child (box, SS_TYPE_RECEIVE_FILE_BOX, "receive_switch");
  status = ss_test_template_child (box, SS_TYPE_RECEIVE_FILE_BOX, "status_label");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (receive_switch)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (status)));

  /* the file dialog picks the path; here it is given directly */
  g_assert_true (ss_socket_start_receive_file (socket, path, &error));
  g_assert_no_error (error);
  g_assert_true (switch_is (receive_switch, TRUE));
  ss_test_raw_send_all (peer, "abc", 3, SS_TEST_TIMEOUT_MS);
  wait_label (status, "3 bytes appended to", FALSE);
  g_assert_nonnull (strstr (gtk_label_get_text (status), "received.bin"));

  /* off with the switch: the file keeps what it got */
  gtk_switch_set_active (receive_switch, FALSE);
  g_assert_true (switch_is (receive_switch, FALSE));
  g_assert_false (ss_receive_file_get_active (ss_socket_get_receive_file (socket)));
  wait_label (status, "Stopped: 3 bytes appended to", FALSE);
  ss_test_raw_send_all (peer, "def", 3, SS_TEST_TIMEOUT_MS);
  ss_test_wait_info (page, SS_TEST_INFO_RECEIVED, "6 bytes");
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, len, "abc", 3);

  /* a disk that is full: stopped, said in the window, the connection goes on */
  g_assert_true (ss_socket_start_receive_file (socket, "/dev/full", &error));
  ss_test_raw_send_all (peer, "ghi", 3, SS_TEST_TIMEOUT_MS);
  wait_label (status, g_strerror (ENOSPC), TRUE);
  g_assert_nonnull (strstr (gtk_label_get_text (status), "/dev/full"));
  g_assert_true (switch_is (receive_switch, FALSE));
  ss_test_set_send_text (page, "still here");
  ss_test_choose (ss_test_line_ending (page), "No Line Ending");
  ss_test_click (page, "socket.send");
  ss_test_peer_gets (peer, "still here", 10);
  ss_test_raw_send_all (peer, "jkl", 3, SS_TEST_TIMEOUT_MS);
  ss_test_wait_info (page, SS_TEST_INFO_RECEIVED, "12 bytes");

  /* closed: nothing to start */
  ss_test_click (page, "socket.close");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (receive_switch)));

  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);

  ss_test_window_add ("/send-tools/checksum", test_checksum);
  ss_test_window_add ("/send-tools/quick-send", test_quick_send);
  ss_test_window_add ("/send-tools/receive-file", test_receive_file);

  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
