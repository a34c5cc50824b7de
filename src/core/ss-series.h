/* ss-series.h — a few numbers over time, the last N samples in fixed memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SS_TYPE_SERIES (ss_series_get_type ())

G_DECLARE_FINAL_TYPE (SsSeries, ss_series, SS, SERIES, GObject)

SsSeries *ss_series_new           (guint         n_columns,
                                   guint         capacity);
guint     ss_series_get_n_columns (SsSeries     *self);
guint     ss_series_get_capacity  (SsSeries     *self);
guint     ss_series_get_n_samples (SsSeries     *self);
void      ss_series_append        (SsSeries     *self,
                                   gint64        time_us,
                                   const double *values);
gint64    ss_series_get_time      (SsSeries     *self,
                                   guint         index);
double    ss_series_get_value     (SsSeries     *self,
                                   guint         index,
                                   guint         column);
void      ss_series_clear         (SsSeries     *self);

G_END_DECLS
