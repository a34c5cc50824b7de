/* bench-window.c — what the window benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <stdio.h>
#include <string.h>

#include "bench-window.h"
#include "ss-test-util.h"

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

  spec = ss_spec_parse ("tcp-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  ss_session_open_async (ss_window_get_session (bench->window), spec, NULL,
                         ss_test_store_result_cb, &opened);
  ss_test_wait_result (&opened, SS_TEST_TIMEOUT_MS);
  bench->listener = ss_session_open_finish (ss_window_get_session (bench->window), opened, &error);
  if (bench->listener == NULL)
    g_error ("tcp-listen: %s", error->message);
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

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  BenchGaps *gaps = user_data;
  gint64 now = g_get_monotonic_time ();

  if (gaps->measuring)
    {
      gaps->max_tick_gap = MAX (gaps->max_tick_gap, now - gaps->last_tick);
      gaps->n_ticks++;
    }
  gaps->last_tick = now;
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
  gint64 now = g_get_monotonic_time ();

  if (gaps->measuring)
    gaps->max_timer_gap = MAX (gaps->max_timer_gap, now - gaps->last_timer);
  gaps->last_timer = now;
  return G_SOURCE_CONTINUE;
}

void
bench_gaps_attach (BenchGaps *gaps,
                   GtkWidget *widget,
                   gboolean   count_frames)
{
  gaps->widget = widget;
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
}

void
bench_gaps_start (BenchGaps *gaps)
{
  gaps->max_tick_gap = gaps->max_timer_gap = 0;
  gaps->last_tick = gaps->last_timer = g_get_monotonic_time ();
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
