/* ss-rate-limit.c — a token bucket: so many changes a second, after a burst
 *
 * A model that changes once a read makes its views lay out once a read.
 * With this, the first changes of a burst still show at once, and past
 * the burst a flood shows `rate` times a second.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ss-rate-limit.h"

void
ss_rate_limit_init (SsRateLimit *self,
                    double       rate,
                    double       burst)
{
  self->rate = rate;
  self->burst = burst;
  self->tokens = burst;
  self->time = g_get_monotonic_time ();
}

/**
 * ss_rate_limit_take:
 * @force: take a token even if there is none (and go without later)
 *
 * Returns: 0 if the change may happen now, which takes a token; otherwise
 *   the milliseconds until it may
 */
guint
ss_rate_limit_take (SsRateLimit *self,
                    gboolean     force)
{
  gint64 now = g_get_monotonic_time ();

  self->tokens = MIN (self->burst, self->tokens + (now - self->time) * self->rate / G_USEC_PER_SEC);
  self->time = now;
  if (force || self->tokens >= 1)
    {
      self->tokens = MAX (0, self->tokens - 1);
      return 0;
    }
  return (1 - self->tokens) * 1000 / self->rate + 1;
}
