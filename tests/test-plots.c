/* test-plots.c — the plots: axes, ranges, units and hover values on fixed
 * series; a PNG of them; on a TCP connection's page, a sampling timer
 * only while they are on screen and not paused
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib/gstdio.h>
#include <math.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-plot.h"
#include "ss-tcp-plots.h"
#include "ss-test-socket.h"
#include "ss-test-window.h"

/* ------------------------------------------------------------------ */
/* a plot alone, on a fixed series                                     */

static gboolean
widget_allocated (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

/* A window showing @child at @width × @height, once it is on screen. */
static GtkWindow *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  ss_test_wait_until (widget_allocated, child, SS_TEST_TIMEOUT_MS);
  return window;
}

/* 61 samples a second apart: column 0 climbing to @top, column 1 flat at
 * @flat. */
static SsSeries *
ramp_series (double top,
             double flat)
{
  SsSeries *series = ss_series_new (2, 300);

  for (guint i = 0; i <= 60; i++)
    {
      double values[2] = { top * i / 60, flat };

      ss_series_append (series, (1000 + i) * G_USEC_PER_SEC, values);
    }
  return series;
}

static void
assert_labels (char       **labels,
               const char  *expected)
{
  g_autofree char *joined = g_strjoinv (" ", labels);

  g_assert_cmpstr (joined, ==, expected);
  g_strfreev (labels);
}

static void
assert_y_max (SsPlot *plot,
              double  expected)
{
  double min = -1, max = -1;

  ss_plot_get_y_range (plot, &min, &max);
  g_assert_cmpfloat (min, ==, 0);
  g_assert_cmpfloat_with_epsilon (max, expected, 1e-9 * expected);
}

static void
test_axes (void)
{
  g_autoptr(SsSeries) kib = ramp_series (600 * 1024, 512);
  g_autoptr(SsSeries) mib = ramp_series (3.5 * 1024 * 1024, 0);
  g_autoptr(SsSeries) ms = ramp_series (0.48, 0.2);
  g_autoptr(SsSeries) cwnd = ramp_series (10, 10);
  g_autoptr(SsSeries) empty = ss_series_new (2, 300);
  SsPlot *plot = g_object_ref_sink (ss_plot_new ());

  /* nothing yet: a small range all the same */
  ss_plot_set_series (plot, empty);
  ss_plot_set_columns (plot, 0, 1);
  assert_y_max (plot, 4);
  g_assert_cmpstr (ss_plot_get_axis_unit (plot), ==, "B/s");
  assert_labels (ss_plot_dup_y_labels (plot), "0 1 2 3 4");

  /* up to 600 KiB/s: in KiB/s, ticks of 200 */
  ss_plot_set_series (plot, kib);
  assert_y_max (plot, 600 * 1024);
  g_assert_cmpstr (ss_plot_get_axis_unit (plot), ==, "KiB/s");
  assert_labels (ss_plot_dup_y_labels (plot), "0 200 400 600");

  /* 3.5 MiB/s: to 4 MiB/s */
  ss_plot_set_series (plot, mib);
  assert_y_max (plot, 4 * 1024 * 1024);
  g_assert_cmpstr (ss_plot_get_axis_unit (plot), ==, "MiB/s");
  assert_labels (ss_plot_dup_y_labels (plot), "0 1 2 3 4");

  /* only the second column: the flat 512 B/s of the first series */
  ss_plot_set_series (plot, kib);
  ss_plot_set_columns (plot, -1, 1);
  assert_y_max (plot, 600);
  g_assert_cmpstr (ss_plot_get_axis_unit (plot), ==, "B/s");
  assert_labels (ss_plot_dup_y_labels (plot), "0 200 400 600");

  /* fractions of a millisecond keep their decimals */
  g_object_set (plot, "unit", SS_PLOT_UNIT_MILLISECONDS, NULL);
  ss_plot_set_series (plot, ms);
  ss_plot_set_columns (plot, 0, -1);
  assert_y_max (plot, 0.6);
  g_assert_cmpstr (ss_plot_get_axis_unit (plot), ==, "ms");
  assert_labels (ss_plot_dup_y_labels (plot), "0.0 0.2 0.4 0.6");

  /* segments come whole: no 2.5 */
  g_object_set (plot, "unit", SS_PLOT_UNIT_SEGMENTS, NULL);
  ss_plot_set_series (plot, cwnd);
  assert_y_max (plot, 10);
  g_assert_cmpstr (ss_plot_get_axis_unit (plot), ==, "segments");
  assert_labels (ss_plot_dup_y_labels (plot), "0 5 10");

  /* the time axis, back from the newest sample: as long as the data, in
   * whole minutes, up to the time span */
  assert_labels (ss_plot_dup_x_labels (plot), "−1 min −30 s now");
  {
    double values[2] = { 10, 10 };

    ss_series_append (cwnd, 1061 * G_USEC_PER_SEC, values);
    assert_labels (ss_plot_dup_x_labels (plot), "−2 min −90 s −1 min −30 s now");
    ss_series_append (cwnd, 1300 * G_USEC_PER_SEC, values);
    assert_labels (ss_plot_dup_x_labels (plot), "−5 min −4 min −3 min −2 min −1 min now");
    /* the oldest sample has passed the span: still five minutes */
    ss_series_append (cwnd, 1400 * G_USEC_PER_SEC, values);
    assert_labels (ss_plot_dup_x_labels (plot), "−5 min −4 min −3 min −2 min −1 min now");
  }
  ss_plot_set_time_span (plot, 60);
  assert_labels (ss_plot_dup_x_labels (plot), "−1 min −30 s now");
  ss_plot_set_time_span (plot, 30);
  assert_labels (ss_plot_dup_x_labels (plot), "−30 s −20 s −10 s now");

  /* samples older than the span do not stretch the axis */
  ss_plot_set_series (plot, kib);
  g_object_set (plot, "unit", SS_PLOT_UNIT_BYTES_PER_SECOND, NULL);
  ss_plot_set_columns (plot, 0, -1);
  ss_plot_set_time_span (plot, 300);
  assert_y_max (plot, 600 * 1024);
  ss_plot_set_time_span (plot, 10);
  /* the last 10 s climb from 500 to 600 KiB/s */
  assert_y_max (plot, 600 * 1024);
  {
    double values[2] = { 10, 10 };

    for (guint i = 0; i < 20; i++)
      ss_series_append (kib, (2000 + i) * G_USEC_PER_SEC, values);
  }
  assert_y_max (plot, 10);

  g_assert_finalize_object (plot);
}

static void
test_format_value (void)
{
  struct { SsPlotUnit unit; double value; const char *text; } cases[] = {
    { SS_PLOT_UNIT_BYTES_PER_SECOND, 0, "0 B/s" },
    { SS_PLOT_UNIT_BYTES_PER_SECOND, 1023, "1023 B/s" },
    { SS_PLOT_UNIT_BYTES_PER_SECOND, 1536, "1.50 KiB/s" },
    { SS_PLOT_UNIT_BYTES_PER_SECOND, 1.25 * 1024 * 1024, "1.25 MiB/s" },
    { SS_PLOT_UNIT_BYTES_PER_SECOND, 300 * 1024 * 1024, "300 MiB/s" },
    { SS_PLOT_UNIT_BYTES_PER_SECOND, 5.0 * 1024 * 1024 * 1024 * 1024, "5120 GiB/s" },
    { SS_PLOT_UNIT_BYTES, 65536, "64.0 KiB" },
    { SS_PLOT_UNIT_MILLISECONDS, 0.048, "0.05 ms" },
    { SS_PLOT_UNIT_MILLISECONDS, 12.34, "12.3 ms" },
    { SS_PLOT_UNIT_SEGMENTS, 10, "10 segments" },
    { SS_PLOT_UNIT_SEGMENTS_PER_SECOND, 0.5, "0.50 segments/s" },
    { SS_PLOT_UNIT_MILLISECONDS, NAN, "—" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ss_plot_format_value (cases[i].unit, cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* Pointing at the plot gives the nearest sample's values, with units. */
static void
test_hover (void)
{
  g_autoptr(SsSeries) kib = ramp_series (600 * 1024, 512);
  SsPlot *plot = ss_plot_new ();
  GtkWindow *window;
  g_autofree char *newest = NULL;
  g_autofree char *middle = NULL;
  g_autofree char *outside = NULL;
  int width;

  g_object_set (plot, "title", "Throughput", "label-a", "In", "label-b", "Out", NULL);
  ss_plot_set_series (plot, kib);
  ss_plot_set_columns (plot, 0, 1);
  ss_plot_set_time_span (plot, 60);
  window = show_in_window (GTK_WIDGET (plot), 480, 140);
  width = gtk_widget_get_width (GTK_WIDGET (plot));
  g_assert_cmpint (width, >, 200);

  newest = ss_plot_dup_value_text (plot, width - 1);
  g_assert_cmpstr (newest, ==, "now\nIn 600 KiB/s\nOut 512 B/s");
  /* the time axis spans 60 s over the area: its middle is 30 s back */
  for (int x = width / 4; x < width; x++)
    {
      g_autofree char *text = ss_plot_dup_value_text (plot, x);

      if (g_str_has_prefix (text, "−30 s\n"))
        {
          middle = g_steal_pointer (&text);
          break;
        }
    }
  g_assert_cmpstr (middle, ==, "−30 s\nIn 300 KiB/s\nOut 512 B/s");
  outside = ss_plot_dup_value_text (plot, 0);
  g_assert_null (outside);

  /* drawn with the hover box, as the pointer shows it */
  ss_plot_set_hover (plot, width / 2.0);
  ss_test_iterate_for (50);
  ss_plot_set_hover (plot, -1);

  gtk_window_destroy (window);
}

/* ------------------------------------------------------------------ */
/* the panel, fed by a sampler of fixed readings                       */

static gboolean
fixed_probe (gpointer     user_data,
             SsTcpSample *sample)
{
  guint *n = user_data;

  (*n)++;
  sample->bytes_received = *n * 100000;
  sample->bytes_acked = *n * 40000;
  sample->rtt_us = 250 + 10 * *n;
  sample->cwnd = 10 + *n % 5;
  sample->send_queue = 1000 * (*n % 7);
  sample->recv_queue = 2000 * (*n % 3);
  sample->total_retrans = *n / 4;
  return TRUE;
}

static gboolean
png_has_plot (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);
  GHashTable *colors = g_hash_table_new (NULL, NULL);
  gboolean opaque = TRUE;
  guint n_colors;

  gdk_texture_download (texture, (guchar *) pixels, width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      opaque &= (pixels[i] >> 24) == 0xff;
      g_hash_table_add (colors, GUINT_TO_POINTER (pixels[i]));
    }
  n_colors = g_hash_table_size (colors);
  g_hash_table_unref (colors);
  /* a background alone is one colour; text, grid and lines make many */
  return opaque && n_colors > 20;
}

static void
test_panel_png (void)
{
  g_autoptr(SsTcpSampler) sampler = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GtkWidget *plots = ss_tcp_plots_new ();
  GtkWindow *window;
  guint n_readings = 0;

  sampler = ss_tcp_sampler_new (fixed_probe, &n_readings, NULL, 300);
  ss_tcp_plots_set_sampler (SS_TCP_PLOTS (plots), sampler);
  g_assert_true (ss_tcp_plots_get_available (SS_TCP_PLOTS (plots)));
  /* not on screen yet: nothing sampled */
  g_assert_cmpuint (n_readings, ==, 0);
  g_assert_false (ss_tcp_sampler_get_running (sampler));

  window = show_in_window (plots, 520, 760);
  g_assert_true (ss_tcp_sampler_get_running (sampler));
  for (guint i = 0; i < 40; i++)
    ss_tcp_sampler_sample_now (sampler);
  g_assert_cmpuint (n_readings, ==, 41);
  g_assert_cmpstr (ss_plot_get_axis_unit (ss_tcp_plots_get_plot (SS_TCP_PLOTS (plots), 3)), ==, "KiB");
  g_assert_cmpstr (ss_plot_get_axis_unit (ss_tcp_plots_get_plot (SS_TCP_PLOTS (plots), 1)), ==, "ms");
  ss_test_iterate_for (50);

  dir = g_dir_make_tmp ("sockscope-plots-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "plots.png", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (ss_tcp_plots_save_png (SS_TCP_PLOTS (plots), file, &error));
  g_assert_no_error (error);

  texture = gdk_texture_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (plots));
  g_assert_cmpint (gdk_texture_get_height (texture), >, 5 * 110);
  g_assert_true (png_has_plot (texture));
  /* to look at it: SS_TEST_PLOTS_PNG=/tmp/plots.png */
  if (g_getenv ("SS_TEST_PLOTS_PNG") != NULL)
    {
      g_autoptr(GFile) copy = g_file_new_for_path (g_getenv ("SS_TEST_PLOTS_PNG"));

      g_file_copy (file, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL);
    }

  /* a file that cannot be written: the panel says why, in place */
  {
    g_autofree char *bad_path = g_build_filename (dir, "missing", "plots.png", NULL);
    g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
    GtkLabel *error_label = ss_test_template_child (plots, SS_TYPE_TCP_PLOTS, "error_label");

    ss_tcp_plots_save (SS_TCP_PLOTS (plots), bad);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
    g_assert_true (g_str_has_prefix (gtk_label_get_label (error_label), "Could not save the plots: "));
    ss_tcp_plots_save (SS_TCP_PLOTS (plots), file);
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  }

  /* hidden: the timer goes; saving then says why it cannot */
  gtk_widget_set_visible (plots, FALSE);
  g_assert_false (ss_tcp_sampler_get_running (sampler));
  g_assert_false (ss_tcp_plots_save_png (SS_TCP_PLOTS (plots), file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);

  gtk_window_destroy (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* ------------------------------------------------------------------ */
/* on a connection's page, in the real window                          */

static GtkExpander *
plots_expander (SsSocketPage *page)
{
  return ss_test_page_child (page, "plots_expander");
}

static GtkLabel *
status_label (SsTcpPlots *plots)
{
  return ss_test_template_child (plots, SS_TYPE_TCP_PLOTS, "status_label");
}

static gboolean
has_timer (SsTcpSampler *sampler)
{
  /* the main context itself, not the sampler's word for it */
  return g_main_context_find_source_by_funcs_user_data (NULL, &g_timeout_funcs, sampler) != NULL;
}

static gboolean
sidebar_has_two (gpointer f)
{
  return g_list_model_get_n_items (ss_test_sidebar_model (f)) == 2;
}

static void
test_page_timer (SsTestWindow *f,
                 gconstpointer data)
{
  g_autoptr(GBytes) received = NULL;
  SsSocketPage *page;
  GtkExpander *expander;
  SsTcpPlots *plots;
  SsTcpSampler *sampler;
  int listener, peer;

  page = ss_test_connected_client (f, 0, &listener, &peer);
  plots = ss_test_page_child (page, "tcp_plots");
  expander = plots_expander (page);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (expander)));
  g_assert_false (gtk_expander_get_expanded (expander));

  /* collapsed: no sampler was even made */
  ss_test_iterate_for (100);
  g_assert_null (ss_tcp_plots_get_sampler (plots));

  gtk_expander_set_expanded (expander, TRUE);
  ss_test_wait_until (ss_test_widget_mapped, plots, SS_TEST_TIMEOUT_MS);
  sampler = ss_tcp_plots_get_sampler (plots);
  g_assert_nonnull (sampler);
  g_assert_true (has_timer (sampler));
  g_assert_cmpuint (ss_series_get_n_samples (ss_tcp_sampler_get_series (sampler)), ==, 1);
  g_assert_cmpstr (gtk_label_get_label (status_label (plots)), ==, "Live, the last 5 min");

  /* Pause freezes: no timer, no samples */
  gtk_toggle_button_set_active (ss_test_template_child (plots, SS_TYPE_TCP_PLOTS, "pause_button"), TRUE);
  g_assert_true (ss_tcp_sampler_get_paused (sampler));
  g_assert_false (has_timer (sampler));
  g_assert_cmpstr (gtk_label_get_label (status_label (plots)), ==, "Paused");
  gtk_toggle_button_set_active (ss_test_template_child (plots, SS_TYPE_TCP_PLOTS, "pause_button"), FALSE);
  g_assert_true (has_timer (sampler));

  /* collapsed again: hidden, no timer */
  gtk_expander_set_expanded (expander, FALSE);
  ss_test_iterate_for (50);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (plots)));
  g_assert_false (has_timer (sampler));

  /* expanded, then another page shown: no timer either */
  gtk_expander_set_expanded (expander, TRUE);
  ss_test_wait_until (ss_test_widget_mapped, plots, SS_TEST_TIMEOUT_MS);
  g_assert_true (has_timer (sampler));
  ss_test_window_create_socket (f, "AF_INET", "SOCK_DGRAM");
  ss_test_wait_until (sidebar_has_two, f, SS_TEST_TIMEOUT_MS);
  ss_test_wait_page (f, ss_test_sidebar_socket (f, 1, NULL));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (plots)));
  g_assert_false (has_timer (sampler));

  /* a closed connection keeps its plots, without a timer */
  ss_test_select_row (f, 0);
  ss_test_wait_until (ss_test_widget_mapped, plots, SS_TEST_TIMEOUT_MS);
  g_assert_true (has_timer (sampler));
  ss_socket_close (ss_test_sidebar_socket (f, 0, NULL));
  ss_test_iterate_for (50);
  ss_tcp_sampler_sample_now (sampler);
  g_assert_true (ss_tcp_sampler_get_gone (sampler));
  g_assert_false (has_timer (sampler));
  g_assert_cmpstr (gtk_label_get_label (status_label (plots)), ==,
                   "The connection has closed: these are its last minutes");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (expander)));

  close (peer);
  close (listener);
}

/* Plots are for TCP connections: not a listener, not UDP. */
static void
test_page_kinds (SsTestWindow *f,
                 gconstpointer data)
{
  SsSocketPage *page = ss_test_new_tcp_page (f, NULL);

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (plots_expander (page))));
  ss_test_page_bind (page, "127.0.0.1:0");
  ss_test_page_listen (page);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (plots_expander (page))));

  ss_test_window_create_socket (f, "AF_INET", "SOCK_DGRAM");
  ss_test_wait_until (sidebar_has_two, f, SS_TEST_TIMEOUT_MS);
  page = ss_test_wait_page (f, ss_test_sidebar_socket (f, 1, NULL));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (plots_expander (page))));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);

  g_test_add_func ("/plots/axes", test_axes);
  g_test_add_func ("/plots/format-value", test_format_value);
  g_test_add_func ("/plots/hover", test_hover);
  g_test_add_func ("/plots/panel-png", test_panel_png);
  ss_test_window_add ("/plots/page-timer", test_page_timer);
  ss_test_window_add ("/plots/page-kinds", test_page_kinds);

  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
