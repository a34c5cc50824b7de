/* ss-plot-axes.c — what an SsPlot's axes say: the range, the ticks and
 * their labels, the unit (B/s … GiB/s, ms, segments), the time span
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ss-plot-private.h"

static const char *
unit_name (SsPlotUnit unit,
           guint      multiple)
{
  static const char *bytes[] = { N_("B"), N_("KiB"), N_("MiB"), N_("GiB") };
  static const char *rates[] = { N_("B/s"), N_("KiB/s"), N_("MiB/s"), N_("GiB/s") };

  switch (unit)
    {
    case SS_PLOT_UNIT_BYTES:
      return _(bytes[multiple]);
    case SS_PLOT_UNIT_BYTES_PER_SECOND:
      return _(rates[multiple]);
    case SS_PLOT_UNIT_MILLISECONDS:
      return _("ms");
    case SS_PLOT_UNIT_SEGMENTS:
      return _("segments");
    case SS_PLOT_UNIT_SEGMENTS_PER_SECOND:
    default:
      return _("segments/s");
    }
}

static gboolean
unit_is_bytes (SsPlotUnit unit)
{
  return unit == SS_PLOT_UNIT_BYTES || unit == SS_PLOT_UNIT_BYTES_PER_SECOND;
}

/* How many 1024s to divide by for @value to read well. */
static guint
byte_multiple (double value)
{
  guint multiple = 0;

  while (multiple < 3 && value >= 1024)
    {
      value /= 1024;
      multiple++;
    }
  return multiple;
}

/**
 * ss_plot_format_value:
 *
 * Returns: @value with its unit, in three significant digits where it
 *   has a fraction ("1.25 MiB/s", "0.48 ms", "10 segments"), or "—" for
 *   an unknown value
 */
char *
ss_plot_format_value (SsPlotUnit unit,
                      double     value)
{
  guint multiple = 0;
  double shown = value;
  int decimals;

  if (isnan (value))
    return g_strdup ("—");
  if (unit_is_bytes (unit))
    {
      multiple = byte_multiple (value);
      shown = value / pow (1024, multiple);
    }
  if ((unit_is_bytes (unit) && multiple == 0) || unit == SS_PLOT_UNIT_SEGMENTS)
    decimals = 0;
  else
    decimals = fabs (shown) >= 100 ? 0 : fabs (shown) >= 10 ? 1 : 2;
  return g_strdup_printf ("%.*f %s", decimals, shown, unit_name (unit, multiple));
}

gboolean
_ss_plot_column_shown (SsPlot *self,
              int     column)
{
  return self->series != NULL && column >= 0 &&
         (guint) column < ss_series_get_n_columns (self->series);
}

/* The first sample inside the time span. */
guint
_ss_plot_first_visible (SsPlot *self,
               gint64  end_us)
{
  guint n = ss_series_get_n_samples (self->series);
  gint64 start = end_us - (gint64) self->time_span * G_USEC_PER_SEC;
  guint i = 0;

  while (i < n && ss_series_get_time (self->series, i) < start)
    i++;
  return i;
}

/* The time axis grows a minute at a time up to the time span, so the
 * first minutes of a connection are not squeezed against its right end. */
static guint
shown_span (SsPlot *self,
            gint64  end_us)
{
  guint n = self->series != NULL ? ss_series_get_n_samples (self->series) : 0;
  double age;

  if (n == 0 || self->time_span <= 60)
    return self->time_span;
  age = (end_us - ss_series_get_time (self->series, 0)) / (double) G_USEC_PER_SEC;
  return CLAMP (ceil (age / 60) * 60, 60, self->time_span);
}

void
_ss_plot_compute_scale (SsPlot      *self,
                        SsPlotScale *scale)
{
  guint n = self->series != NULL ? ss_series_get_n_samples (self->series) : 0;
  double largest = 0, shown, raw, magnitude, normal, multiplier;
  guint multiple = 0;
  gboolean whole;

  scale->end_us = n > 0 ? ss_series_get_time (self->series, n - 1) : 0;
  scale->span = shown_span (self, scale->end_us);
  for (guint i = n > 0 ? _ss_plot_first_visible (self, scale->end_us) : 0; i < n; i++)
    {
      int columns[2] = { self->column_a, self->column_b };

      for (guint c = 0; c < 2; c++)
        if (_ss_plot_column_shown (self, columns[c]))
          {
            double value = ss_series_get_value (self->series, i, columns[c]);

            if (!isnan (value) && value > largest)
              largest = value;
          }
    }

  if (unit_is_bytes (self->unit))
    multiple = byte_multiple (largest);
  scale->divisor = pow (1024, multiple);
  scale->unit = unit_name (self->unit, multiple);
  shown = largest / scale->divisor;
  if (shown <= 0)
    shown = N_Y_STEPS;

  /* a round step (1, 2, 2.5 or 5 times a power of ten) giving about
   * N_Y_STEPS ticks; whole steps for what only comes in whole units */
  whole = self->unit == SS_PLOT_UNIT_SEGMENTS || (unit_is_bytes (self->unit) && multiple == 0);
  raw = shown / N_Y_STEPS;
  magnitude = pow (10, floor (log10 (raw)));
  normal = raw / magnitude;
  if (normal <= 1)
    multiplier = 1;
  else if (normal <= 2)
    multiplier = 2;
  else if (normal <= 2.5 && !(whole && magnitude < 10))
    multiplier = 2.5;
  else if (normal <= 5)
    multiplier = 5;
  else
    multiplier = 10;
  scale->step = multiplier * magnitude;
  if (whole && scale->step < 1)
    scale->step = 1;
  scale->max = ceil (shown / scale->step - 1e-9) * scale->step;
  if (scale->max <= 0)
    scale->max = scale->step;

  scale->decimals = 0;
  while (scale->decimals < 6)
    {
      double digits = scale->step * pow (10, scale->decimals);

      if (fabs (digits - round (digits)) < 1e-6)
        break;
      scale->decimals++;
    }

  scale->step *= scale->divisor;
  scale->max *= scale->divisor;
}

/**
 * ss_plot_get_y_range:
 *
 * The y axis, in the series' own numbers (bytes/s, not KiB/s).
 */
void
ss_plot_get_y_range (SsPlot *self,
                     double *min,
                     double *max)
{
  SsPlotScale scale;

  g_return_if_fail (SS_IS_PLOT (self));

  _ss_plot_compute_scale (self, &scale);
  if (min != NULL)
    *min = 0;
  if (max != NULL)
    *max = scale.max;
}

/**
 * ss_plot_get_axis_unit:
 *
 * Returns: the unit the y axis is labelled in now ("KiB/s")
 */
const char *
ss_plot_get_axis_unit (SsPlot *self)
{
  SsPlotScale scale;

  g_return_val_if_fail (SS_IS_PLOT (self), NULL);

  _ss_plot_compute_scale (self, &scale);
  return scale.unit;
}

/**
 * ss_plot_dup_y_labels:
 *
 * Returns: (transfer full): the y axis' tick labels, bottom first
 */
char **
ss_plot_dup_y_labels (SsPlot *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  SsPlotScale scale;
  guint n;

  g_return_val_if_fail (SS_IS_PLOT (self), NULL);

  _ss_plot_compute_scale (self, &scale);
  n = round (scale.max / scale.step);
  for (guint i = 0; i <= n; i++)
    {
      g_autofree char *label = g_strdup_printf ("%.*f", scale.decimals, i * scale.step / scale.divisor);

      g_strv_builder_add (builder, label);
    }
  return g_strv_builder_end (builder);
}

guint
_ss_plot_x_step (guint span)
{
  return span >= 180 ? 60 : span >= 60 ? 30 : 10;
}

static char *
format_ago (guint seconds)
{
  if (seconds == 0)
    return g_strdup (_("now"));
  if (seconds % 60 == 0)
    return g_strdup_printf (_("−%u min"), seconds / 60);
  return g_strdup_printf (_("−%u s"), seconds);
}

/**
 * ss_plot_dup_x_labels:
 *
 * Returns: (transfer full): the time axis' tick labels, oldest first
 */
char **
ss_plot_dup_x_labels (SsPlot *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  SsPlotScale scale;
  guint step;

  g_return_val_if_fail (SS_IS_PLOT (self), NULL);

  _ss_plot_compute_scale (self, &scale);
  step = _ss_plot_x_step (scale.span);
  for (guint ago = scale.span / step * step; ; ago -= step)
    {
      g_autofree char *label = format_ago (ago);

      g_strv_builder_add (builder, label);
      if (ago < step)
        break;
    }
  return g_strv_builder_end (builder);
}
