/* bench-window.h — what the window benchmarks share: the real window
 * built in-process with a listener its session opened, how long its
 * main loop went without turning, and how the listener's page answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "bench-util.h"
#include "ss-application.h"
#include "ss-window.h"

G_BEGIN_DECLS

/* the period of the timeout at G_PRIORITY_DEFAULT whose gaps are measured */
#define BENCH_GAP_TIMER_MS 10

typedef struct
{
  SsApplication *app;
  SsWindow      *window;
  SsSocket      *listener;   /* from "tcp-listen:127.0.0.1:0" */
  GFile         *data_home;
} BenchWindow;

/* With a display: a data home of its own (the payload history and library
 * are the person's), the application registered, its window presented and
 * mapped, and a listener its session opened. Without one, a note in
 * @result and FALSE. */
gboolean  bench_window_open          (BenchWindow  *bench,
                                      BenchResult  *result);
/* The same with the socket of @spec_text as bench->listener (a relay,
 * a TLS listener). */
gboolean  bench_window_open_spec     (BenchWindow  *bench,
                                      const char   *spec_text,
                                      BenchResult  *result);
/* The window destroyed, the data home removed. */
void      bench_window_close         (BenchWindow  *bench);

/* Before the run in the parent: TRUE with a display, otherwise it says
 * "@name: skipped" (and the benchmark returns 77). */
gboolean  bench_window_have_display  (const char   *name);

/* An SsTestCondition */
gboolean  bench_widget_mapped        (gpointer      widget);
/* Iterates the main context for @ms, whatever happens, with no source of
 * its own besides the one timeout. */
void      bench_iterate_for          (guint         ms);

/* The main loop's turns: the largest gap between ticks of a widget's
 * frame clock and between runs of a BENCH_GAP_TIMER_MS timeout, while
 * measuring; ticks and frames painted counted. */
typedef struct
{
  gboolean       measuring;
  gint64         last_tick;
  gint64         last_timer;
  gint64         max_tick_gap;
  gint64         max_timer_gap;
  /* Of the largest gap so far (tick or timer), how long the main thread
   * was ready to run but waited for a CPU (the kernel's schedstat), -1
   * where the kernel does not say: the share of a gap that is the
   * machine's, not the app's work */
  gint64         max_gap_wait;
  gint64         last_tick_wait;
  gint64         last_timer_wait;
  int            schedstat_fd;
  guint          n_ticks;
  guint          n_frames;

  GtkWidget     *widget;
  GdkFrameClock *clock;
  guint          tick_id;
  guint          timer_id;
  gulong         paint_id;
} BenchGaps;

/* The tick callback on @widget, the timer, and an after-paint handler on
 * its frame clock if @count_frames. */
void      bench_gaps_attach          (BenchGaps    *gaps,
                                      GtkWidget    *widget,
                                      gboolean      count_frames);
void      bench_gaps_detach          (BenchGaps    *gaps);
/* from now, the largest gaps from 0 */
void      bench_gaps_start           (BenchGaps    *gaps);
void      bench_gaps_stop            (BenchGaps    *gaps);

/* "  (N MiB before)  max gap: frame clock N ms, 10 ms timer N ms  " */
void      bench_print_gaps           (double        rss_before_kib,
                                      double        tick_gap_ms,
                                      double        timer_gap_ms);

/* ------------------------------------------------------------------ */
/* a listener's page with every connection's traffic in one log        */

/* each step is given this long before it counts as stuck */
#define BENCH_RESPONSE_LIMIT_MS 10000

/* How the listener's page answers (issue 11, part 1): each step's wall
 * time in ms, from the call to the end of the first frame that painted
 * its rows, or -1 when it did not get there within
 * BENCH_RESPONSE_LIMIT_MS. All doubles: a forked run hands them back in
 * BenchResult.values (BENCH_PAGE_N_VALUES of them). */
typedef struct
{
  double received;          /* entries the merged log holds as received */
  double received_bytes;    /* and their bytes */
  double table_received;    /* received rows in the table */
  double scroll_ms;         /* from the top to the last row */
  double find_ms;           /* Find (Enter) from the last row: wraps to the first connection's line */
  double find_back_ms;      /* Find Previous from the last row: back through every entry */
  double only_last_ms;      /* the connection filter to the last connection */
  double all_ms;            /* and back to All Connections */
  double gap_ms;            /* the main loop's largest gap over these steps */
  double gap_step;          /* the step it fell in (or in the setting up before it) */
  /* of find_ms to all_ms: the call alone (the search; the model's swap) */
  double find_call_ms;
  double find_back_call_ms;
  double only_last_call_ms;
  double all_call_ms;
} BenchPageTimes;

#define BENCH_PAGE_N_VALUES (sizeof (BenchPageTimes) / sizeof (double))

/* every figure -1: not measured */
void      bench_page_times_init       (BenchPageTimes       *times);

/* With the listener's page on screen, every connection held and its
 * traffic logged: the steps of BenchPageTimes, in order, with @gaps
 * (attached) measuring over them. */
void      bench_listener_page_measure (BenchWindow          *bench,
                                       BenchGaps            *gaps,
                                       BenchPageTimes       *times);
/* one run's, on a line of its own */
void      bench_page_print            (const BenchPageTimes *times);
/* "@prefix: listener's page, …": the medians (min–max) of @n rounds,
 * against the targets: all @n_lines lines (@n_bytes) in the log, each
 * step under 100 ms, gaps under 50 ms */
void      bench_page_print_rounds     (const char           *prefix,
                                       const BenchPageTimes *rounds,
                                       guint                 n,
                                       guint64               n_lines,
                                       guint64               n_bytes);

/* "@what median (min–max)" of @values, which it sorts, each number in
 * @format; the largest of @values */
void      bench_print_spread          (const char           *what,
                                       double               *values,
                                       guint                 n,
                                       const char           *format);
double    bench_spread_max            (const double         *values,
                                       guint                 n);

/* An SsTestCondition: @socket's page is the one shown, and mapped */
typedef struct
{
  GtkStack *pages;
  SsSocket *socket;
} BenchPageWait;

gboolean  bench_page_shown           (gpointer      page_wait);

G_END_DECLS
