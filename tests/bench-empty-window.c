/* bench-empty-window.c — the toolkit's floor for bench-startup: a
 * GtkApplication with an empty GtkApplicationWindow of Sockscope's default
 * size, registered on the session bus as Sockscope is, printing
 * "first-frame <monotonic µs>" when its first frame is painted (as
 * Sockscope does with SOCKSCOPE_BENCH_FIRST_FRAME set)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>

static void
first_frame_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  g_print ("first-frame %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, window);
}

static void
realize_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (first_frame_cb), window);
}

static void
activate_cb (GApplication *app)
{
  GtkWidget *window = gtk_application_window_new (GTK_APPLICATION (app));

  /* the schema's window-width and window-height defaults: the same area
   * to paint */
  gtk_window_set_default_size (GTK_WINDOW (window), 1180, 760);
  gtk_window_set_title (GTK_WINDOW (window), "Empty window");
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) app = NULL;

  app = gtk_application_new ("io.github.sockscope.BenchEmptyWindow", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
