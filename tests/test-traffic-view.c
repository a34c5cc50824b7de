/* test-traffic-view.c — the traffic table through the real window: the
 * selected entry's details in each "Show as" format, and the direction
 * filter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-payload-format.h"
#include "ss-test-window.h"
#include "ss-traffic-view.h"

static const char received[] = "AB\0";
/* the message box adds a line feed by default */
static const char sent[] = "pong\n";

static gpointer
view_child (SsSocketPage *page,
            const char   *name)
{
  return ss_test_template_child (ss_test_page_child (page, "traffic_view"),
                                 SS_TYPE_TRAFFIC_VIEW, name);
}

static guint
position_of (GListModel     *model,
             SsTrafficEntry *entry)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) item = g_list_model_get_item (model, i);

      /* rows are made on demand: the same entry, not the same object */
      if (ss_traffic_entry_get_kind (item) == ss_traffic_entry_get_kind (entry) &&
          ss_traffic_entry_get_time (item) == ss_traffic_entry_get_time (entry) &&
          g_bytes_equal (ss_traffic_entry_get_bytes (item), ss_traffic_entry_get_bytes (entry)))
        return i;
    }
  g_error ("the entry is not in the table");
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

static char *
details_text (SsSocketPage *page)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view_child (page, "details_view"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

#define assert_details(page, expected) \
  G_STMT_START { \
    g_autofree char *details_ = details_text (page); \
    g_assert_cmpstr (details_, ==, (expected)); \
  } G_STMT_END

static void
test_details_and_filter (SsTestWindow  *f,
                         gconstpointer  data)
{
  g_autofree char *hex = ss_payload_format ((const guint8 *) received, sizeof received - 1,
                                            SS_PAYLOAD_HEX_DUMP, 0);
  g_autofree char *python = ss_payload_format ((const guint8 *) received, sizeof received - 1,
                                               SS_PAYLOAD_PYTHON, 0);
  g_autoptr(SsTrafficEntry) entry = NULL;
  g_autoptr(SsTrafficEntry) sent_entry = NULL;
  SsDropDown *direction, *format;
  GtkSingleSelection *selection;
  SsSocketPage *page;
  guint events;
  int listener, peer;

  page = ss_test_connected_client (f, 0, &listener, &peer);
  direction = view_child (page, "direction_dropdown");
  format = view_child (page, "format_dropdown");
  selection = GTK_SINGLE_SELECTION (ss_test_traffic_model (page));

  ss_test_raw_send_all (peer, received, sizeof received - 1, SS_TEST_TIMEOUT_MS);
  entry = ss_test_wait_entry (page, SS_TRAFFIC_RECEIVED, received, sizeof received - 1);
  ss_test_set_send_text (page, "pong");
  ss_test_click (page, "socket.send");
  sent_entry = ss_test_wait_entry (page, SS_TRAFFIC_SENT, sent, sizeof sent - 1);
  events = count_entries (page, SS_TRAFFIC_EVENT);
  g_assert_cmpuint (events, >, 0);

  /* nothing selected until the person picks a row */
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, GTK_INVALID_LIST_POSITION);
  assert_details (page, "");
  /* and the details pane leaves the table the room */
  g_assert_false (gtk_widget_get_visible (view_child (page, "details_pane")));

  ss_test_choose (format, "Hex dump");
  gtk_single_selection_set_selected (selection, position_of (G_LIST_MODEL (selection), entry));
  assert_details (page, hex);
  g_assert_true (gtk_widget_get_visible (view_child (page, "details_pane")));
  g_assert_cmpstr (hex, ==,
                   "00000000  41 42 00                                          |AB.|\n"
                   "00000003\n");

  /* changing the format shows the same entry anew */
  ss_test_choose (format, "Python bytes");
  assert_details (page, python);
  ss_test_choose (format, "Text");
  assert_details (page, "AB\\0");

  /* Sent: the received row goes (and its details with it), events stay */
  ss_test_choose (direction, "Sent");
  g_assert_null (ss_test_find_entry (page, SS_TRAFFIC_RECEIVED, received, sizeof received - 1));
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_RECEIVED), ==, 0);
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_SENT), ==, 1);
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_EVENT), ==, events);
  assert_details (page, "");

  /* Received: the other way round */
  ss_test_choose (direction, "Received");
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_RECEIVED), ==, 1);
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_SENT), ==, 0);
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_EVENT), ==, events);

  /* Both: all of it again */
  ss_test_choose (direction, "Both");
  g_assert_cmpuint (position_of (G_LIST_MODEL (selection), entry), <,
                    position_of (G_LIST_MODEL (selection), sent_entry));
  g_assert_cmpuint (count_entries (page, SS_TRAFFIC_EVENT), ==, events);

  /* an event shows its text */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(SsTrafficEntry) item = g_list_model_get_item (G_LIST_MODEL (selection), i);
      g_autofree char *text = NULL;

      if (ss_traffic_entry_get_kind (item) != SS_TRAFFIC_EVENT)
        continue;
      text = ss_traffic_entry_dup_text (item, 0);
      gtk_single_selection_set_selected (selection, i);
      assert_details (page, text);
      break;
    }

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/traffic-view/details-and-filter", test_details_and_filter);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
