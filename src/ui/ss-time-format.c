/* ss-time-format.c — how the logs' time column reads (Preferences)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <time.h>

#include "ss-time-format.h"

/* Follows the time-format and time-precision keys; a view rebinds its
 * time cells on "changed". */
struct _SsTimeFormat
{
  GObject    parent_instance;

  GSettings *settings;
  SsTimeStyle style;
  gboolean   micro;
};

G_DEFINE_FINAL_TYPE (SsTimeFormat, ss_time_format, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };

static guint signals[N_SIGNALS];

static void
settings_changed_cb (SsTimeFormat *self)
{
  g_autofree char *style = g_settings_get_string (self->settings, "time-format");
  g_autofree char *precision = g_settings_get_string (self->settings, "time-precision");
  SsTimeStyle new_style = g_str_equal (style, "since-first") ? SS_TIME_SINCE_FIRST
                          : g_str_equal (style, "since-previous") ? SS_TIME_SINCE_PREVIOUS
                          : SS_TIME_CLOCK;
  gboolean micro = g_str_equal (precision, "us");

  if (new_style == self->style && micro == self->micro)
    return;
  self->style = new_style;
  self->micro = micro;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
ss_time_format_finalize (GObject *object)
{
  SsTimeFormat *self = SS_TIME_FORMAT (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (ss_time_format_parent_class)->finalize (object);
}

static void
ss_time_format_class_init (SsTimeFormatClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ss_time_format_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ss_time_format_init (SsTimeFormat *self)
{
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_swapped (self->settings, "changed::time-format",
                            G_CALLBACK (settings_changed_cb), self);
  g_signal_connect_swapped (self->settings, "changed::time-precision",
                            G_CALLBACK (settings_changed_cb), self);
  settings_changed_cb (self);
}

SsTimeFormat *
ss_time_format_new (void)
{
  return g_object_new (SS_TYPE_TIME_FORMAT, NULL);
}

SsTimeStyle
ss_time_format_get_style (SsTimeFormat *self)
{
  g_return_val_if_fail (SS_IS_TIME_FORMAT (self), SS_TIME_CLOCK);
  return self->style;
}

/**
 * ss_time_format_format:
 * @first: the time of the log's first entry
 * @previous: the time of the entry shown before this one (@real_time
 *   for the first)
 *
 * Returns: (transfer full): @real_time as the person chose to read it
 */
char *
ss_time_format_format (SsTimeFormat *self,
                       gint64        real_time,
                       gint64        first,
                       gint64        previous)
{
  g_return_val_if_fail (SS_IS_TIME_FORMAT (self), NULL);
  return ss_format_time_as (real_time, first, previous, self->style, self->micro);
}

static gint64
time_at (GListModel *items,
         guint       position,
         SsTimeOf    time_of,
         gint64      otherwise)
{
  g_autoptr(GObject) item = items ? g_list_model_get_item (items, position) : NULL;

  return item ? time_of (item) : otherwise;
}

/**
 * ss_time_format_format_item:
 * @real_time: the time of the row's item
 * @all: the whole log, whose first item is the start of "since the first"
 * @shown: what the view shows (maybe filtered), whose item at @position
 *   is the row
 * @position: the row
 *
 * Returns: (transfer full): the row's time as the person chose to read it
 */
char *
ss_time_format_format_item (SsTimeFormat *self,
                            gint64        real_time,
                            GListModel   *all,
                            GListModel   *shown,
                            guint         position,
                            SsTimeOf      time_of)
{
  gint64 first, previous;

  g_return_val_if_fail (SS_IS_TIME_FORMAT (self), NULL);

  /* the neighbours are looked up only when asked for: a flood binds a row
   * per entry */
  first = self->style == SS_TIME_SINCE_FIRST ? time_at (all, 0, time_of, real_time) : real_time;
  previous = self->style == SS_TIME_SINCE_PREVIOUS && position > 0
             ? time_at (shown, position - 1, time_of, real_time) : real_time;
  return ss_format_time_as (real_time, first, previous, self->style, self->micro);
}

/* "14:03:07.123" or "14:03:07.123456"; "12.345" seconds since the first
 * entry; "+0.012" since the one before. localtime_r() rather than
 * GDateTime: GLib 2.74 reloads the time zone file on every
 * g_date_time_new_from_unix_local() when TZ is unset, and a list binds a
 * row per entry. */
char *
ss_format_time_as (gint64      real_time,
                   gint64      first,
                   gint64      previous,
                   SsTimeStyle style,
                   gboolean    micro)
{
  gint64 delta;
  const char *sign;

  if (style == SS_TIME_CLOCK)
    {
      time_t seconds = real_time / G_USEC_PER_SEC;
      struct tm tm;

      if (localtime_r (&seconds, &tm) == NULL)
        return g_strdup (micro ? "--:--:--.------" : "--:--:--.---");
      if (micro)
        return g_strdup_printf ("%02d:%02d:%02d.%06d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                                (int) (real_time % G_USEC_PER_SEC));
      return g_strdup_printf ("%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                              (int) ((real_time / 1000) % 1000));
    }

  /* the wall clock may step back between two entries */
  delta = real_time - (style == SS_TIME_SINCE_FIRST ? first : previous);
  sign = delta < 0 ? "-" : style == SS_TIME_SINCE_PREVIOUS ? "+" : "";
  delta = ABS (delta);
  if (micro)
    return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%06d", sign, delta / G_USEC_PER_SEC,
                            (int) (delta % G_USEC_PER_SEC));
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%03d", sign, delta / G_USEC_PER_SEC,
                          (int) ((delta / 1000) % 1000));
}
