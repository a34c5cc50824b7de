/* ss-series.c — a few numbers over time, the last N samples in fixed memory
 *
 * The plots read from this and nothing else, so any sampler (a socket of
 * Sockscope's own, or one of the system view's netlink rows) feeds them
 * by appending rows. The ring is allocated once: a connection watched for
 * hours costs what it cost after its first minutes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "ss-series.h"

struct _SsSeries
{
  GObject  parent_instance;

  guint    n_columns;
  guint    capacity;
  guint    n_samples;
  guint    first;      /* the ring index of the oldest sample */
  gint64  *times;      /* capacity monotonic µs */
  double  *values;     /* capacity × n_columns, NAN where there is none */
};

G_DEFINE_FINAL_TYPE (SsSeries, ss_series, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
ss_series_finalize (GObject *object)
{
  SsSeries *self = SS_SERIES (object);

  g_free (self->times);
  g_free (self->values);

  G_OBJECT_CLASS (ss_series_parent_class)->finalize (object);
}

static void
ss_series_class_init (SsSeriesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_series_finalize;

  /**
   * SsSeries::changed:
   *
   * A sample was appended (the oldest may have gone), or all were cleared.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
ss_series_init (SsSeries *self)
{
}

/**
 * ss_series_new:
 * @n_columns: how many values each sample holds
 * @capacity: how many samples are kept; appending more drops the oldest
 */
SsSeries *
ss_series_new (guint n_columns,
               guint capacity)
{
  SsSeries *self;

  g_return_val_if_fail (n_columns > 0 && n_columns <= 64, NULL);
  g_return_val_if_fail (capacity > 0 && capacity <= 1000000, NULL);

  self = g_object_new (SS_TYPE_SERIES, NULL);
  self->n_columns = n_columns;
  self->capacity = capacity;
  self->times = g_new0 (gint64, capacity);
  self->values = g_new0 (double, (gsize) capacity * n_columns);
  return self;
}

guint
ss_series_get_n_columns (SsSeries *self)
{
  g_return_val_if_fail (SS_IS_SERIES (self), 0);
  return self->n_columns;
}

guint
ss_series_get_capacity (SsSeries *self)
{
  g_return_val_if_fail (SS_IS_SERIES (self), 0);
  return self->capacity;
}

guint
ss_series_get_n_samples (SsSeries *self)
{
  g_return_val_if_fail (SS_IS_SERIES (self), 0);
  return self->n_samples;
}

/**
 * ss_series_append:
 * @time_us: when the sample was taken (monotonic µs), not before the
 *   previous one
 * @values: n_columns values; NAN where a value is unknown
 */
void
ss_series_append (SsSeries     *self,
                  gint64        time_us,
                  const double *values)
{
  guint slot;

  g_return_if_fail (SS_IS_SERIES (self));
  g_return_if_fail (values != NULL);

  if (self->n_samples < self->capacity)
    {
      slot = (self->first + self->n_samples) % self->capacity;
      self->n_samples++;
    }
  else
    {
      slot = self->first;
      self->first = (self->first + 1) % self->capacity;
    }
  self->times[slot] = time_us;
  memcpy (&self->values[(gsize) slot * self->n_columns], values,
          self->n_columns * sizeof (double));
  g_signal_emit (self, signals[CHANGED], 0);
}

static guint
ring_slot (SsSeries *self,
           guint     index)
{
  return (self->first + index) % self->capacity;
}

/**
 * ss_series_get_time:
 * @index: 0 for the oldest sample kept
 */
gint64
ss_series_get_time (SsSeries *self,
                    guint     index)
{
  g_return_val_if_fail (SS_IS_SERIES (self), 0);
  g_return_val_if_fail (index < self->n_samples, 0);
  return self->times[ring_slot (self, index)];
}

double
ss_series_get_value (SsSeries *self,
                     guint     index,
                     guint     column)
{
  g_return_val_if_fail (SS_IS_SERIES (self), NAN);
  g_return_val_if_fail (index < self->n_samples, NAN);
  g_return_val_if_fail (column < self->n_columns, NAN);
  return self->values[(gsize) ring_slot (self, index) * self->n_columns + column];
}

void
ss_series_clear (SsSeries *self)
{
  g_return_if_fail (SS_IS_SERIES (self));

  if (self->n_samples == 0)
    return;
  self->n_samples = 0;
  self->first = 0;
  g_signal_emit (self, signals[CHANGED], 0);
}
