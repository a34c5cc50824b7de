/* ss-plot.h — one or two series over the last minutes, drawn with axes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-series.h"

G_BEGIN_DECLS

/* What a plot's values are, in the series' own numbers: the axis picks
 * the multiple (KiB/s, MiB/s …) that fits. */
typedef enum
{
  SS_PLOT_UNIT_BYTES_PER_SECOND,
  SS_PLOT_UNIT_BYTES,
  SS_PLOT_UNIT_MILLISECONDS,
  SS_PLOT_UNIT_SEGMENTS,
  SS_PLOT_UNIT_SEGMENTS_PER_SECOND,
} SsPlotUnit;

#define SS_TYPE_PLOT_UNIT (ss_plot_unit_get_type ())
#define SS_TYPE_PLOT      (ss_plot_get_type ())

GType ss_plot_unit_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (SsPlot, ss_plot, SS, PLOT, GtkWidget)

SsPlot      *ss_plot_new               (void);
void         ss_plot_set_series        (SsPlot     *self,
                                        SsSeries   *series);
SsSeries    *ss_plot_get_series        (SsPlot     *self);
void         ss_plot_set_columns       (SsPlot     *self,
                                        int         column_a,
                                        int         column_b);
void         ss_plot_set_time_span     (SsPlot     *self,
                                        guint       seconds);

/* What the plot shows, for tests and for the accessible description. */
void         ss_plot_get_y_range       (SsPlot     *self,
                                        double     *min,
                                        double     *max);
const char  *ss_plot_get_axis_unit     (SsPlot     *self);
char       **ss_plot_dup_y_labels      (SsPlot     *self);
char       **ss_plot_dup_x_labels      (SsPlot     *self);
char        *ss_plot_dup_value_text    (SsPlot     *self,
                                        double      x);
void         ss_plot_set_hover         (SsPlot     *self,
                                        double      x);
char        *ss_plot_format_value      (SsPlotUnit  unit,
                                        double      value);

G_END_DECLS
