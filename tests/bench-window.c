/* bench-window.c — what the window benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench-window.h"
#include "ss-drop-down.h"
#include "ss-socket-page.h"
#include "ss-test-util.h"
#include "ss-text-cell.h"
#include "ss-traffic-view.h"

gboolean
bench_window_have_display (const char *name)
{
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    return TRUE;
  printf ("%s: skipped, no display (run under xvfb-run)\n", name);
  return FALSE;
}

gboolean
bench_widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
bench_iterate_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
bench_window_open (BenchWindow *bench,
                   BenchResult *result)
{
  return bench_window_open_spec (bench, "tcp-listen:127.0.0.1:0", result);
}

gboolean
bench_window_open_spec (BenchWindow *bench,
                        const char  *spec_text,
                        BenchResult *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSpec) spec = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  g_autofree char *data_home_path = NULL;

  memset (bench, 0, sizeof *bench);
  if (!gtk_init_check ())
    {
      g_snprintf (result->note, sizeof result->note, "no display (run under xvfb-run)");
      return FALSE;
    }
  /* the payload history and library are the person's: keep out of them */
  data_home_path = g_dir_make_tmp ("sockscope-bench-data-XXXXXX", &error);
  g_assert_no_error (error);
  bench->data_home = g_file_new_for_path (data_home_path);
  g_setenv ("XDG_DATA_HOME", data_home_path, TRUE);

  bench->app = ss_application_new ();
  g_application_set_flags (G_APPLICATION (bench->app),
                           g_application_get_flags (G_APPLICATION (bench->app)) |
                           G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (bench->app), NULL, &error))
    g_error ("register: %s", error->message);

  bench->window = ss_window_new (bench->app);
  gtk_window_present (GTK_WINDOW (bench->window));
  ss_test_wait_until (bench_widget_mapped, bench->window, SS_TEST_TIMEOUT_MS);

  spec = ss_spec_parse (spec_text, &error);
  g_assert_no_error (error);
  ss_session_open_async (ss_window_get_session (bench->window), spec, NULL,
                         ss_test_store_result_cb, &opened);
  ss_test_wait_result (&opened, SS_TEST_TIMEOUT_MS);
  bench->listener = ss_session_open_finish (ss_window_get_session (bench->window), opened, &error);
  if (bench->listener == NULL)
    g_error ("%s: %s", spec_text, error->message);
  return TRUE;
}

void
bench_window_close (BenchWindow *bench)
{
  gtk_window_destroy (GTK_WINDOW (bench->window));
  ss_test_remove_tree (bench->data_home);
  g_clear_object (&bench->data_home);
  g_clear_object (&bench->listener);
  g_clear_object (&bench->app);
}

/* ------------------------------------------------------------------ */

/* The main thread's time so far waiting on a run queue, in µs, or -1 */
static gint64
run_delay_us (BenchGaps *gaps)
{
  char buf[128];
  gssize n;
  guint64 cpu_ns, wait_ns;

  if (gaps->schedstat_fd < 0)
    return -1;
  n = pread (gaps->schedstat_fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  if (sscanf (buf, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &cpu_ns, &wait_ns) != 2)
    return -1;
  return (gint64) (wait_ns / 1000);
}

/* The gap since *@last (a tick or a timer's run): the largest so far
 * takes its wait for a CPU from *@last_wait; both move to now */
static void
note_interval (BenchGaps *gaps,
               gint64    *last,
               gint64    *max_gap,
               gint64    *last_wait)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait = run_delay_us (gaps);

  if (gaps->measuring)
    {
      if (now - *last > MAX (gaps->max_tick_gap, gaps->max_timer_gap))
        gaps->max_gap_wait = wait >= 0 && *last_wait >= 0 ? wait - *last_wait : -1;
      *max_gap = MAX (*max_gap, now - *last);
    }
  *last = now;
  *last_wait = wait;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  BenchGaps *gaps = user_data;

  note_interval (gaps, &gaps->last_tick, &gaps->max_tick_gap, &gaps->last_tick_wait);
  gaps->n_ticks += gaps->measuring;
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                BenchGaps     *gaps)
{
  if (gaps->measuring)
    gaps->n_frames++;
}

static gboolean
timer_cb (gpointer user_data)
{
  BenchGaps *gaps = user_data;

  note_interval (gaps, &gaps->last_timer, &gaps->max_timer_gap, &gaps->last_timer_wait);
  return G_SOURCE_CONTINUE;
}

void
bench_gaps_attach (BenchGaps *gaps,
                   GtkWidget *widget,
                   gboolean   count_frames)
{
  gaps->widget = widget;
  /* attached on the main thread: its own schedstat */
  gaps->schedstat_fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  gaps->tick_id = gtk_widget_add_tick_callback (widget, tick_cb, gaps, NULL);
  if (count_frames)
    {
      gaps->clock = gtk_widget_get_frame_clock (widget);
      gaps->paint_id = g_signal_connect (gaps->clock, "after-paint", G_CALLBACK (after_paint_cb), gaps);
    }
  gaps->timer_id = g_timeout_add (BENCH_GAP_TIMER_MS, timer_cb, gaps);
}

void
bench_gaps_detach (BenchGaps *gaps)
{
  gtk_widget_remove_tick_callback (gaps->widget, gaps->tick_id);
  if (gaps->clock != NULL)
    g_clear_signal_handler (&gaps->paint_id, gaps->clock);
  g_clear_handle_id (&gaps->timer_id, g_source_remove);
  if (gaps->schedstat_fd >= 0)
    close (gaps->schedstat_fd);
  gaps->schedstat_fd = -1;
}

void
bench_gaps_start (BenchGaps *gaps)
{
  gaps->max_tick_gap = gaps->max_timer_gap = 0;
  gaps->max_gap_wait = -1;
  gaps->last_tick = gaps->last_timer = g_get_monotonic_time ();
  gaps->last_tick_wait = gaps->last_timer_wait = run_delay_us (gaps);
  gaps->measuring = TRUE;
}

void
bench_gaps_stop (BenchGaps *gaps)
{
  gaps->measuring = FALSE;
}

void
bench_print_gaps (double rss_before_kib,
                  double tick_gap_ms,
                  double timer_gap_ms)
{
  printf ("  (%.0f MiB before)  max gap: frame clock %.1f ms, %d ms timer %.1f ms  ",
          rss_before_kib / 1024, tick_gap_ms, BENCH_GAP_TIMER_MS, timer_gap_ms);
}

/* ------------------------------------------------------------------ */
/* a listener's page with every connection's traffic in one log        */

/* what a row of the table shows of an entry (ss-traffic-view.c's
 * PREVIEW_BYTES): a line or an event whole */
#define PREVIEW_BYTES 200
#define SETTLE_MS     300
/* the issue's */
#define PAGE_TARGET_STEP_MS 100.0
#define PAGE_TARGET_GAP_MS  50.0

typedef struct _RowsWait RowsWait;

typedef struct
{
  GtkWidget     *view;
  GtkGridView   *table_view;
  GtkAdjustment *adjustment;
  SsDropDown    *connection_dropdown;
  GtkWidget     *search_entry;
  RowsWait      *waiting;    /* looked for at the end of each frame */
} Table;

/* What the table must show for a step to be done. */
struct _RowsWait
{
  Table      *table;
  guint       n_rows;      /* the rows it holds; 0: any */
  const char *text;        /* a row on screen shows this preview */
  guint       selected;    /* the row selected, or GTK_INVALID_LIST_POSITION: any */
  GHashTable *only;        /* every row on screen is one of these previews */
  GHashTable *besides;     /* some row on screen is none of these */
  int         scroll;      /* -1, 1: asks for the top, the end, until there */
  double      painted_at;  /* the end of the first frame that showed it, or 0 */
};

static GListModel *
table_model (Table *table)
{
  return G_LIST_MODEL (gtk_grid_view_get_model (table->table_view));
}

static char *
dup_preview (GListModel *model,
             guint       position)
{
  g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, position);

  return entry != NULL ? ss_traffic_entry_dup_text (entry, PREVIEW_BYTES) : g_strdup ("");
}

/* The previews of the rows on screen: the data column's cells (every
 * column's cell is an SsTextCell) */
static void
collect_shown (GtkWidget *widget,
               GPtrArray *texts)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;
      if (!SS_IS_TEXT_CELL (child))
        collect_shown (child, texts);
      else if (gtk_widget_has_css_class (child, "traffic-data") &&
               ss_text_cell_get_text (SS_TEXT_CELL (child)) != NULL)
        g_ptr_array_add (texts, (gpointer) ss_text_cell_get_text (SS_TEXT_CELL (child)));
    }
}

/* An SsTestCondition. A list's height is an estimate until it has
 * measured the rows it reaches, so a scroll is asked again until the
 * row is there, as a person drags the scrollbar. */
static gboolean
rows_shown (gpointer user_data)
{
  RowsWait *wait = user_data;
  GListModel *model = table_model (wait->table);
  GtkAdjustment *adjustment = wait->table->adjustment;
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  gboolean text_seen = wait->text == NULL;
  gboolean other_seen = wait->besides == NULL;

  if (wait->n_rows != 0 && g_list_model_get_n_items (model) != wait->n_rows)
    return FALSE;
  if (wait->selected != GTK_INVALID_LIST_POSITION &&
      gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model)) != wait->selected)
    return FALSE;
  collect_shown (GTK_WIDGET (wait->table->table_view), texts);
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);

      if (wait->only != NULL && !g_hash_table_contains (wait->only, text))
        return FALSE;
      text_seen |= wait->text != NULL && g_str_equal (text, wait->text);
      other_seen |= wait->besides != NULL && !g_hash_table_contains (wait->besides, text);
    }
  if (texts->len > 0 && text_seen && other_seen)
    return TRUE;
  if (wait->scroll != 0)
    gtk_adjustment_set_value (adjustment, wait->scroll < 0 ? gtk_adjustment_get_lower (adjustment)
                                          : gtk_adjustment_get_upper (adjustment) -
                                            gtk_adjustment_get_page_size (adjustment));
  return FALSE;
}

/* At the end of each frame: whether the table shows what is waited for.
 * A new model's rows are mapped as it is set, before any layout: a step
 * is done once a frame painted them. */
static void
table_painted_cb (GdkFrameClock *clock,
                  Table         *table)
{
  RowsWait *wait = table->waiting;

  if (wait != NULL && wait->painted_at == 0 && rows_shown (wait))
    wait->painted_at = bench_now ();
}

static gboolean
rows_painted (gpointer user_data)
{
  RowsWait *wait = user_data;

  if (wait->painted_at != 0)
    return TRUE;
  /* for a scroll asked again */
  rows_shown (wait);
  return FALSE;
}

/* ms from @start to the end of the frame that showed what @wait waits
 * for, -1 if it was not within the limit */
static double
wait_rows (RowsWait *wait,
           double    start)
{
  gboolean done;

  wait->painted_at = 0;
  wait->table->waiting = wait;
  done = ss_test_try_wait_until (rows_painted, wait, BENCH_RESPONSE_LIMIT_MS);
  wait->table->waiting = NULL;
  return done ? (wait->painted_at - start) * 1e3 : -1;
}

/* Where the table's rows come from: the first connection's line; the
 * last connection's line and the previews of its log's rows. */
typedef struct
{
  guint       first_line;     /* its position */
  char       *first_text;
  char       *last_text;
  GHashTable *last_previews;
} Rows;

static void
survey_rows (SsTrafficLog   *merged,
             SsTrafficLog   *first,
             SsTrafficLog   *last,
             GListModel     *model,
             Rows           *rows,
             BenchPageTimes *times)
{
  guint n = g_list_model_get_n_items (model);

  rows->first_line = GTK_INVALID_LIST_POSITION;
  rows->last_previews = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);
      guint source = ss_traffic_entry_get_source (entry);
      SsTrafficLog *log = source < ss_traffic_log_get_n_sources (merged)
                          ? ss_traffic_log_get_source (merged, source) : NULL;
      gboolean received = ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_RECEIVED;

      times->table_received += received;
      if (log == first && received && rows->first_line == GTK_INVALID_LIST_POSITION)
        {
          rows->first_line = i;
          rows->first_text = ss_traffic_entry_dup_text (entry, PREVIEW_BYTES);
        }
    }
  /* the connection's own log: it has events the merged log leaves to
   * the listener's (its accept) */
  n = g_list_model_get_n_items (G_LIST_MODEL (last));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (last), i);
      char *preview = ss_traffic_entry_dup_text (entry, PREVIEW_BYTES);

      if (ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_RECEIVED && rows->last_text == NULL)
        rows->last_text = g_strdup (preview);
      g_hash_table_add (rows->last_previews, preview);
    }
}

/* What a connection sent, as one types it: its line without the end */
static char *
dup_line (SsTrafficLog *log)
{
  g_autoptr(GBytes) payload = ss_traffic_log_dup_payload (log, SS_TRAFFIC_RECEIVED);
  gsize len;
  const char *data = g_bytes_get_data (payload, &len);

  while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
    len--;
  return g_utf8_make_valid (data, len);
}

static void
rows_clear (Rows *rows)
{
  g_clear_pointer (&rows->first_text, g_free);
  g_clear_pointer (&rows->last_text, g_free);
  g_clear_pointer (&rows->last_previews, g_hash_table_unref);
}

/* The row in the connection filter that is @connection */
static guint
dropdown_position (SsDropDown  *dropdown,
                   SsSocket    *connection)
{
  GListModel *model = ss_drop_down_get_model (dropdown);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  /* the connections follow "All Connections" in order: the last is last */
  for (guint i = n; i-- > 1;)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (item == G_OBJECT (connection))
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The dropdown's list opened (or closed) as a click on it does: a
 * closed one holds a burst's connections back. */
static void
show_dropdown_list (SsDropDown *dropdown,
                    gboolean    shown)
{
  ss_drop_down_set_open (dropdown, shown);
}

/* the steps, in order, as BenchPageTimes.gap_step numbers them */
enum { STEP_SCROLL, STEP_FIND, STEP_FIND_BACK, STEP_ONLY_LAST, STEP_ALL, N_STEPS };

static const char *step_names[N_STEPS] = {
  "scroll to end", "find", "find previous", "only the last connection", "all again",
};

/* After @step: the largest gap so far, and whether it came in @step */
static void
note_gap (BenchGaps      *gaps,
          BenchPageTimes *times,
          guint           step)
{
  double gap = MAX (gaps->max_tick_gap, gaps->max_timer_gap) / 1000.0;

  if (gap > times->gap_ms)
    {
      times->gap_ms = gap;
      times->gap_step = step;
    }
}

/* The search entry's @signal with the last row selected and on screen:
 * the time to the first connection's line selected and painted */
static void
find_from_end (Table      *table,
               guint       n_rows,
               const char *last_row,
               const char *signal,
               Rows       *rows,
               double     *ms,
               double     *call_ms)
{
  RowsWait wait = { table, .text = last_row, .selected = n_rows - 1, .scroll = 1 };
  double start;

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (table_model (table)), n_rows - 1);
  wait_rows (&wait, bench_now ());
  bench_iterate_for (SETTLE_MS);
  start = bench_now ();
  g_signal_emit_by_name (table->search_entry, signal);
  *call_ms = (bench_now () - start) * 1e3;
  wait = (RowsWait) { table, .text = rows->first_text, .selected = rows->first_line };
  *ms = wait_rows (&wait, start);
}

static Table
find_table (BenchWindow *bench)
{
  GtkStack *pages = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (bench->window),
                                                              SS_TYPE_WINDOW, "pages"));
  GtkWidget *page = gtk_stack_get_visible_child (pages);
  Table table;

  if (!SS_IS_SOCKET_PAGE (page) || ss_socket_page_get_socket (SS_SOCKET_PAGE (page)) != bench->listener)
    g_error ("the listener's page is not shown");
  table.view = GTK_WIDGET (gtk_widget_get_template_child (page, SS_TYPE_SOCKET_PAGE, "traffic_view"));
#define VIEW_CHILD(name) gtk_widget_get_template_child (table.view, SS_TYPE_TRAFFIC_VIEW, name)
  table.table_view = GTK_GRID_VIEW (VIEW_CHILD ("table_view"));
  table.adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (VIEW_CHILD ("scrolled_window")));
  table.connection_dropdown = SS_DROP_DOWN (VIEW_CHILD ("connection_dropdown"));
  table.search_entry = GTK_WIDGET (VIEW_CHILD ("search_entry"));
#undef VIEW_CHILD
  return table;
}

void
bench_page_times_init (BenchPageTimes *times)
{
  *times = (BenchPageTimes) { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };
  G_STATIC_ASSERT (BENCH_PAGE_N_VALUES == 14);
}

void
bench_listener_page_measure (BenchWindow    *bench,
                             BenchGaps      *gaps,
                             BenchPageTimes *times)
{
  SsTrafficLog *merged = ss_socket_get_all_traffic (bench->listener);
  GListModel *connections = ss_socket_get_connections (bench->listener);
  guint n_connections = g_list_model_get_n_items (connections);
  g_autoptr(SsSocket) first = NULL;
  g_autoptr(SsSocket) last = NULL;
  g_autofree char *first_row = NULL;
  g_autofree char *last_row = NULL;
  g_autofree char *needle = NULL;
  Table table = find_table (bench);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench->window));
  Rows rows = { 0 };
  RowsWait wait;
  guint n_rows, position;
  gulong paint_id = 0;
  double start;

  bench_page_times_init (times);
  if (merged == NULL || n_connections == 0)
    return;
  times->table_received = 0;
  times->received = ss_traffic_log_get_chunks (merged, SS_TRAFFIC_RECEIVED);
  times->received_bytes = ss_traffic_log_get_bytes (merged, SS_TRAFFIC_RECEIVED);

  /* the table holding all of the merged log */
  n_rows = g_list_model_get_n_items (G_LIST_MODEL (merged));
  wait = (RowsWait) { &table, n_rows, .selected = GTK_INVALID_LIST_POSITION };
  if (!ss_test_try_wait_until (rows_shown, &wait, BENCH_RESPONSE_LIMIT_MS))
    return;
  first = g_list_model_get_item (connections, 0);
  last = g_list_model_get_item (connections, n_connections - 1);
  survey_rows (merged, ss_socket_get_traffic (first), ss_socket_get_traffic (last),
               table_model (&table), &rows, times);
  first_row = dup_preview (table_model (&table), 0);
  last_row = dup_preview (table_model (&table), n_rows - 1);
  /* looked up before the clocks run: ten thousand rows of the filter,
   * listed once its popup opens, as a person opens it to pick one */
  show_dropdown_list (table.connection_dropdown, TRUE);
  bench_iterate_for (SETTLE_MS);
  position = dropdown_position (table.connection_dropdown, last);
  show_dropdown_list (table.connection_dropdown, FALSE);
  if (rows.first_text == NULL || rows.last_text == NULL)
    goto out;

  paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (table_painted_cb), &table);

  /* from the top, as a person who read the start drags to the end */
  wait = (RowsWait) { &table, .text = first_row, .selected = GTK_INVALID_LIST_POSITION, .scroll = -1 };
  if (wait_rows (&wait, bench_now ()) < 0)
    goto out;
  bench_iterate_for (SETTLE_MS);
  bench_gaps_start (gaps);
  times->gap_ms = 0;
  start = bench_now ();
  wait = (RowsWait) { &table, .text = last_row, .selected = GTK_INVALID_LIST_POSITION, .scroll = 1 };
  times->scroll_ms = wait_rows (&wait, start);
  note_gap (gaps, times, STEP_SCROLL);

  /* Find the first connection's line, the text typed, the bar open:
   * forward (Enter) wraps to the start; backward goes through every
   * entry */
  gtk_widget_activate_action (table.view, "traffic.find", NULL);
  needle = dup_line (ss_socket_get_traffic (first));
  gtk_editable_set_text (GTK_EDITABLE (table.search_entry), needle);
  find_from_end (&table, n_rows, last_row, "activate", &rows, &times->find_ms, &times->find_call_ms);
  note_gap (gaps, times, STEP_FIND);
  find_from_end (&table, n_rows, last_row, "previous-match", &rows,
                 &times->find_back_ms, &times->find_back_call_ms);
  note_gap (gaps, times, STEP_FIND_BACK);

  /* the connection filter: the last connection, and all of them again */
  bench_iterate_for (SETTLE_MS);
  if (position != GTK_INVALID_LIST_POSITION)
    {
      start = bench_now ();
      ss_drop_down_set_selected (table.connection_dropdown, position);
      times->only_last_call_ms = (bench_now () - start) * 1e3;
      wait = (RowsWait) { &table, g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (last))),
                          rows.last_text, GTK_INVALID_LIST_POSITION, .only = rows.last_previews };
      times->only_last_ms = wait_rows (&wait, start);
      bench_iterate_for (SETTLE_MS);
    }
  note_gap (gaps, times, STEP_ONLY_LAST);
  start = bench_now ();
  ss_drop_down_set_selected (table.connection_dropdown, 0);
  times->all_call_ms = (bench_now () - start) * 1e3;
  wait = (RowsWait) { &table, n_rows, .selected = GTK_INVALID_LIST_POSITION,
                      .besides = rows.last_previews };
  times->all_ms = wait_rows (&wait, start);
  /* what the last step's frames cost */
  bench_iterate_for (SETTLE_MS);
  bench_gaps_stop (gaps);
  note_gap (gaps, times, STEP_ALL);

out:
  if (paint_id != 0)
    g_signal_handler_disconnect (clock, paint_id);
  rows_clear (&rows);
}

/* a step's time, or that it did not finish (-1, or G_MAXDOUBLE among
 * the rounds' figures) within its limit; in one of a few static buffers */
static const char *
format_ms (double ms)
{
  static char buffers[16][32];
  static guint next;
  char *buffer = buffers[next++ % G_N_ELEMENTS (buffers)];

  if (ms < 0 || ms >= G_MAXDOUBLE)
    g_snprintf (buffer, sizeof buffers[0], "stuck (over %d ms)", BENCH_RESPONSE_LIMIT_MS);
  else
    g_snprintf (buffer, sizeof buffers[0], "%.1f ms", ms);
  return buffer;
}

void
bench_page_print (const BenchPageTimes *times)
{
  guint step = times->gap_step >= 0 && times->gap_step < N_STEPS ? (guint) times->gap_step : N_STEPS;

  printf ("  %-9s listener's page: %.0f received entries in the merged log (%.0f bytes), "
          "%.0f in the table; scroll to end %s, find %s (the call %s), find previous %s (%s), "
          "only the last connection %s (%s), all again %s (%s); max gap meanwhile %s (in %s)\n", "",
          times->received, times->received_bytes, times->table_received,
          format_ms (times->scroll_ms), format_ms (times->find_ms), format_ms (times->find_call_ms),
          format_ms (times->find_back_ms), format_ms (times->find_back_call_ms),
          format_ms (times->only_last_ms), format_ms (times->only_last_call_ms),
          format_ms (times->all_ms), format_ms (times->all_call_ms), format_ms (times->gap_ms),
          step < N_STEPS ? step_names[step] : "none");
}

double
bench_spread_max (const double *values,
                  guint         n)
{
  double max = values[0];

  for (guint i = 1; i < n; i++)
    max = MAX (max, values[i]);
  return max;
}

void
bench_print_spread (const char *what,
                    double     *values,
                    guint       n,
                    const char *format)
{
  g_autofree char *text = NULL;
  /* sorted: the least first */
  double median = bench_median (values, n);

  text = g_strdup_printf ("%s %s (%s–%s)", what, format, format, format);
  printf (text, median, values[0], values[n - 1]);
}

/* a step's median (min–max) in ms, of @values, which it sorts */
static void
print_step (const char *what,
            double     *values,
            guint       n)
{
  /* sorted: the least first */
  double median = bench_median (values, n);

  printf ("%s %s (%s–%s)", what, format_ms (median), format_ms (values[0]), format_ms (values[n - 1]));
}

/* The rounds' @field, a step not done as G_MAXDOUBLE */
static void
collect (const BenchPageTimes *rounds,
         guint                 n,
         gsize                 field,
         double               *values)
{
  for (guint i = 0; i < n; i++)
    {
      double value = G_STRUCT_MEMBER (double, &rounds[i], field);

      values[i] = value < 0 ? G_MAXDOUBLE : value;
    }
}

void
bench_page_print_rounds (const char           *prefix,
                         const BenchPageTimes *rounds,
                         guint                 n,
                         guint64               n_lines,
                         guint64               n_bytes)
{
#define FIELD(name) G_STRUCT_OFFSET (BenchPageTimes, name)
  static const struct { gsize field, call; const char *what; } steps[] = {
    { FIELD (scroll_ms), 0, ", scroll to end" },
    { FIELD (find_ms), FIELD (find_call_ms), ", find the first connection's line from the last row" },
    { FIELD (find_back_ms), FIELD (find_back_call_ms), ", find previous (through every entry)" },
    { FIELD (only_last_ms), FIELD (only_last_call_ms), ", filter to the last connection" },
    { FIELD (all_ms), FIELD (all_call_ms), ", back to All Connections" },
  };
  g_autofree double *values = g_new (double, n);
  gboolean slow = FALSE, all_lines = TRUE;
  double gap_max;

  for (guint i = 0; i < n; i++)
    all_lines &= rounds[i].received == n_lines && rounds[i].received_bytes == n_bytes &&
                 rounds[i].table_received == n_lines;
  printf ("%s: listener's page, ", prefix);
  collect (rounds, n, FIELD (received), values);
  bench_print_spread ("received entries in the merged log", values, n, "%.0f");
  collect (rounds, n, FIELD (table_received), values);
  bench_print_spread (", in the table", values, n, "%.0f");
  printf (", %s", all_lines ? "every line" : "LINES MISSING");
  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      collect (rounds, n, steps[s].field, values);
      slow |= bench_median (values, n) > PAGE_TARGET_STEP_MS;
      print_step (steps[s].what, values, n);
      if (steps[s].call != 0)
        {
          collect (rounds, n, steps[s].call, values);
          printf (" (the call %s)", format_ms (bench_median (values, n)));
        }
    }
  collect (rounds, n, FIELD (gap_ms), values);
#undef FIELD
  gap_max = bench_spread_max (values, n);
  print_step (", max main-loop gap meanwhile", values, n);
  printf ("%s%s\n",
          slow ? ", BELOW TARGET (a step's median over 100 ms)" : "",
          gap_max > PAGE_TARGET_GAP_MS ? ", BELOW TARGET (gap 50 ms on the page)" : "");
}

gboolean
bench_page_shown (gpointer user_data)
{
  BenchPageWait *wait = user_data;
  GtkWidget *page = gtk_stack_get_visible_child (wait->pages);

  return SS_IS_SOCKET_PAGE (page) &&
         ss_socket_page_get_socket (SS_SOCKET_PAGE (page)) == wait->socket &&
         gtk_widget_get_mapped (page);
}
