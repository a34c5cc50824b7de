/* ss-time-format.h — how the logs' time column reads (Preferences)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SS_TIME_CLOCK,
  SS_TIME_SINCE_FIRST,
  SS_TIME_SINCE_PREVIOUS,
} SsTimeStyle;

/* The time of an item of a log model (an SsTrafficEntry, an SsCall). */
typedef gint64 (*SsTimeOf) (gpointer item);

#define SS_TYPE_TIME_FORMAT (ss_time_format_get_type ())

G_DECLARE_FINAL_TYPE (SsTimeFormat, ss_time_format, SS, TIME_FORMAT, GObject)

SsTimeFormat *ss_time_format_new        (void);
SsTimeStyle   ss_time_format_get_style  (SsTimeFormat *self);
char         *ss_time_format_format     (SsTimeFormat *self,
                                         gint64        real_time,
                                         gint64        first,
                                         gint64        previous);
char         *ss_time_format_format_item (SsTimeFormat *self,
                                         gint64        real_time,
                                         GListModel   *all,
                                         GListModel   *shown,
                                         guint         position,
                                         SsTimeOf      time_of);
char         *ss_format_time_as         (gint64        real_time,
                                         gint64        first,
                                         gint64        previous,
                                         SsTimeStyle   style,
                                         gboolean      micro);

G_END_DECLS
