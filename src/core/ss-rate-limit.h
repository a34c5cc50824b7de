/* ss-rate-limit.h — a token bucket: so many changes a second, after a burst
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double rate;    /* tokens a second */
  double burst;   /* tokens at most */
  double tokens;
  gint64 time;    /* monotonic µs the tokens were counted */
} SsRateLimit;

void  ss_rate_limit_init (SsRateLimit *self,
                          double       rate,
                          double       burst);
guint ss_rate_limit_take (SsRateLimit *self,
                          gboolean     force);

G_END_DECLS
