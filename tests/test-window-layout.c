/* test-window-layout.c — the log gets the room: how many rows the traffic
 * table shows in a laptop-sized window, the calls column and the call
 * log that fold away, the details pane that comes with a selection, and
 * a selected row that stays readable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include "config.h"

#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-window.h"

/* Rows wholly inside the table's viewport: what a person can read
 * without scrolling. */
static guint
count_shown_rows (SsSocketPage *page)
{
  GtkWidget *list = ss_test_table_list (page);
  int height = gtk_widget_get_height (list);
  guint shown = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (list);
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      graphene_rect_t bounds;

      if (!gtk_widget_get_child_visible (row) || !gtk_widget_get_visible (row) ||
          !gtk_widget_compute_bounds (row, list, &bounds))
        continue;
      if (bounds.origin.y >= 0 && bounds.origin.y + bounds.size.height <= height &&
          bounds.size.height > 0)
        shown++;
    }
  return shown;
}

typedef struct
{
  GtkWidget *widget;
  int        width;
  int        height;
} SizeExpect;

/* The size of the window on the screen, its decorations included, as a
 * maximized window on a laptop's screen would be. */
static gboolean
has_size (gpointer user_data)
{
  SizeExpect *expect = user_data;
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (expect->widget));

  return gdk_surface_get_width (surface) == expect->width &&
         gdk_surface_get_height (surface) == expect->height;
}

static void
resize_window (SsTestWindow *f,
               int           width,
               int           height)
{
  SizeExpect expect = { GTK_WIDGET (f->window), width, height };

  /* a minimum, not a default size: GTK fits a default size to the
   * monitor, and Xvfb's may be smaller than the laptop measured here */
  gtk_widget_set_size_request (GTK_WIDGET (f->window), width, height);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  if (!ss_test_try_wait_until (has_size, &expect, 2000))
    g_error ("window is %dx%d", gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (f->window))), gdk_surface_get_height (gtk_native_get_surface (GTK_NATIVE (f->window))));
}

/* A connected client whose log holds @n lines received, one entry each. */
static SsSocketPage *
page_with_lines (SsTestWindow *f,
                 guint         n,
                 int          *listener_out,
                 int          *peer_out)
{
  SsSocketPage *page = ss_test_connected_client (f, 0, listener_out, peer_out);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u\n", i);
      g_autoptr(SsTrafficEntry) entry = NULL;

      ss_test_raw_send_all (*peer_out, line, strlen (line), SS_TEST_TIMEOUT_MS);
      entry = ss_test_wait_entry (page, SS_TRAFFIC_RECEIVED, line, strlen (line));
    }
  return page;
}

typedef struct
{
  SsSocketPage *page;
  guint         at_least;
} RowsExpect;

static gboolean
shows_rows (gpointer user_data)
{
  RowsExpect *expect = user_data;

  return count_shown_rows (expect->page) >= expect->at_least;
}

static void
test_rows_at_1366x768 (SsTestWindow  *f,
                       gconstpointer  data)
{
  int listener, peer;
  SsSocketPage *page;
  RowsExpect expect;

  resize_window (f, 1366, 768);
  page = page_with_lines (f, 24, &listener, &peer);
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_traffic_model (page)), >=, 20);

  expect = (RowsExpect) { page, 15 };
  if (!ss_test_try_wait_until (shows_rows, &expect, SS_TEST_TIMEOUT_MS))
    g_error ("the table shows %u rows at 1366x768, not 15", count_shown_rows (page));
  g_test_message ("%u rows shown at 1366x768", count_shown_rows (page));

  close (peer);
  close (listener);
}


static gboolean
is_hidden (gpointer widget)
{
  return !gtk_widget_is_visible (widget);
}

/* F9 folds the calls and socket column away, on every page, and the
 * choice is kept. */
static void
test_calls_column (SsTestWindow  *f,
                   gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (gtk_window_get_application (GTK_WINDOW (f->window)),
                                                                 "win.show-calls");
  SsSocketPage *page = ss_test_new_tcp_page (f, NULL);
  GtkWidget *column = ss_test_page_child (page, "calls_column");

  g_assert_cmpstr (accels[0], ==, "F9");
  g_assert_true (gtk_widget_is_visible (column));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-calls", NULL);
  g_assert_false (g_settings_get_boolean (settings, "show-calls"));
  ss_test_wait_until (is_hidden, column, SS_TEST_TIMEOUT_MS);
  /* the traffic and the send box stay */
  g_assert_true (gtk_widget_is_visible (ss_test_page_child (page, "traffic_view")));
  g_assert_true (gtk_widget_is_visible (ss_test_page_child (page, "composer")));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-calls", NULL);
  g_assert_true (g_settings_get_boolean (settings, "show-calls"));
  g_assert_true (gtk_widget_is_visible (column));
}

static gboolean
is_mapped (gpointer widget)
{
  return widget != NULL && gtk_widget_get_mapped (widget);
}

/* The call log folds away (Shift+F9), and where the person put its
 * divider is where it is in the next window. */
static void
test_call_log (SsTestWindow  *f,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (f->window));
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, "win.show-call-log");
  GtkPaned *paned = ss_test_template_child (f->window, SS_TYPE_WINDOW, "call_log_paned");
  SsWindow *next;

  g_assert_cmpstr (accels[0], ==, "<Shift>F9");
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (f->call_view)));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-call-log", NULL);
  g_assert_false (gtk_widget_is_visible (GTK_WIDGET (f->call_view)));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-call-log", NULL);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (f->call_view)));

  /* untouched, the divider is not saved: the call log keeps its
   * smallest height in any window */
  g_assert_cmpint (g_settings_get_int (settings, "call-log-position"), ==, -1);
  gtk_paned_set_position (paned, 400);
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_cmpint (g_settings_get_int (settings, "call-log-position"), ==, 400);

  next = ss_window_new (SS_APPLICATION (app));
  g_object_add_weak_pointer (G_OBJECT (next), (gpointer *) &next);
  gtk_window_present (GTK_WINDOW (next));
  ss_test_wait_until (is_mapped, next, SS_TEST_TIMEOUT_MS);
  paned = ss_test_template_child (next, SS_TYPE_WINDOW, "call_log_paned");
  g_assert_cmpint (gtk_paned_get_position (paned), ==, 400);
  gtk_window_destroy (GTK_WINDOW (next));
  ss_test_wait_until (ss_test_pointer_is_null, &next, SS_TEST_TIMEOUT_MS);
}

/* The row of @label in the table. */
static GtkWidget *
row_of (GtkWidget *label,
        GtkWidget *list)
{
  GtkWidget *row = label;

  while (row != NULL && gtk_widget_get_parent (row) != list)
    row = gtk_widget_get_parent (row);
  return row;
}

typedef struct
{
  SsSocketPage *page;
  gboolean      selected;
  GdkRGBA       label_color;
  GdkRGBA       row_color;
} ColourProbe;

static gboolean
is_received_label (GtkWidget     *widget,
                   gconstpointer  data)
{
  return ss_test_widget_text (widget) != NULL && gtk_widget_has_css_class (widget, "direction-received") &&
         gtk_widget_get_mapped (widget);
}

/* Finds a received row that is (or is not) selected, and the colours of
 * its direction label and of the row. */
static gboolean
probe_colours (gpointer user_data)
{
  ColourProbe *probe = user_data;
  GtkWidget *list = ss_test_table_list (probe->page);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  ss_test_collect_widgets (list, is_received_label, NULL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = labels->pdata[i];
      GtkWidget *row = row_of (label, list);
      gboolean selected = (gtk_widget_get_state_flags (row) & GTK_STATE_FLAG_SELECTED) != 0;

      if (selected != probe->selected)
        continue;
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (label), &probe->label_color);
      gtk_style_context_get_color (gtk_widget_get_style_context (row), &probe->row_color);
      G_GNUC_END_IGNORE_DEPRECATIONS
      return TRUE;
    }
  return FALSE;
}

/* A received row is in the direction's colour, until it is selected:
 * then in the selection's, so it can be read. */
static void
test_selected_row_colours (SsTestWindow  *f,
                           gconstpointer  data)
{
  int listener, peer;
  SsSocketPage *page = page_with_lines (f, 3, &listener, &peer);
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (ss_test_traffic_model (page));
  GListModel *rows = G_LIST_MODEL (selection);
  ColourProbe probe = { page, FALSE };

  ss_test_wait_until (probe_colours, &probe, SS_TEST_TIMEOUT_MS);
  g_assert_false (gdk_rgba_equal (&probe.label_color, &probe.row_color));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (rows, i);

      if (ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_RECEIVED)
        {
          gtk_single_selection_set_selected (selection, i);
          break;
        }
    }
  probe.selected = TRUE;
  ss_test_wait_until (probe_colours, &probe, SS_TEST_TIMEOUT_MS);
  g_assert_true (gdk_rgba_equal (&probe.label_color, &probe.row_color));

  close (peer);
  close (listener);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/window-layout/rows-at-1366x768", test_rows_at_1366x768);
  ss_test_window_add ("/window-layout/calls-column", test_calls_column);
  ss_test_window_add ("/window-layout/call-log", test_call_log);
  ss_test_window_add ("/window-layout/selected-row-colours", test_selected_row_colours);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
