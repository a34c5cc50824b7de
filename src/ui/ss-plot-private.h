/* ss-plot-private.h — SsPlot's insides, shared by its axes, its hover values and its drawing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-plot.h"

G_BEGIN_DECLS

#define PAD         4.0
#define N_Y_STEPS   4

struct _SsPlot
{
  GtkWidget   parent_instance;

  SsSeries   *series;
  gulong      changed_id;
  char       *title;
  char       *label_a;
  char       *label_b;
  int         column_a;
  int         column_b;
  SsPlotUnit  unit;
  guint       time_span;   /* seconds, at most: see shown_span() */
  double      hover_x;     /* < 0: the pointer is elsewhere */
};

/* The y axis: 0 to max, a tick each step, labelled in value / divisor. */
typedef struct
{
  double      max;
  double      step;
  double      divisor;
  int         decimals;
  const char *unit;
  gint64      end_us;     /* the newest sample, at the right edge */
  guint       span;       /* seconds from the left edge to the right */
} SsPlotScale;

/* Where things go inside the widget. */
typedef struct
{
  SsPlotScale           scale;
  graphene_rect_t area;   /* the plotting area */
  double          title_height;
} SsPlotLayout;

void     _ss_plot_compute_scale  (SsPlot       *self,
                                  SsPlotScale  *scale);
void     _ss_plot_compute_layout (SsPlot       *self,
                                  SsPlotLayout       *layout);
double   _ss_plot_x_for_time     (SsPlot       *self,
                                  const SsPlotLayout *layout,
                                  gint64        time_us);
double   _ss_plot_y_for_value    (const SsPlotLayout *layout,
                                  double        value);
guint    _ss_plot_first_visible  (SsPlot       *self,
                                  gint64        end_us);
gboolean _ss_plot_column_shown   (SsPlot       *self,
                                  int           column);
char   **_ss_plot_dup_value_lines (SsPlot      *self,
                                   const SsPlotLayout *layout,
                                   double        x);
int      _ss_plot_sample_at      (SsPlot       *self,
                                  const SsPlotLayout *layout,
                                  double        x);
guint    _ss_plot_x_step         (guint         span);
void     _ss_plot_snapshot       (GtkWidget    *widget,
                                  GtkSnapshot  *snapshot);

G_END_DECLS
