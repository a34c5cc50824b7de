/* ss-traffic-log-find.c — searching a traffic log's payload and events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-traffic-log-private.h"

static gboolean
record_matches (SsTrafficLog *self,
                const Record *record,
                const guint8 *needle,
                gsize         needle_len,
                guint         kinds)
{
  const guint8 *data;

  if ((kinds & (1u << record->kind)) == 0 || record->length < needle_len)
    return FALSE;
  data = ss_traffic_log_record_data (self, record);
  return data != NULL && memmem (data, record->length, needle, needle_len) != NULL;
}

/**
 * ss_traffic_log_find:
 * @needle: the bytes to find inside one entry
 * @from: the first position to look at
 * @backward: look at @from, then the entries before it
 * @kinds: a mask of 1 << SsTrafficKind: the directions (and events) searched
 *
 * Searches the records themselves, not items: a million entries are a
 * scan of their kept bytes, with no object made for any of them. Payload
 * no longer kept is not searched.
 *
 * Returns: the position of the next entry holding @needle, or
 *   G_MAXUINT when there is none
 */
guint
ss_traffic_log_find (SsTrafficLog *self,
                     const guint8 *needle,
                     gsize         needle_len,
                     guint         from,
                     gboolean      backward,
                     guint         kinds)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), G_MAXUINT);
  g_return_val_if_fail (needle != NULL || needle_len == 0, G_MAXUINT);

  if (needle_len == 0 || self->n_published == 0)
    return G_MAXUINT;
  if (backward)
    {
      for (guint i = MIN (from, self->n_published - 1) + 1; i-- > 0;)
        if (record_matches (self, &self->records[i], needle, needle_len, kinds))
          return i;
    }
  else
    {
      for (guint i = from; i < self->n_published; i++)
        if (record_matches (self, &self->records[i], needle, needle_len, kinds))
          return i;
    }
  return G_MAXUINT;
}

/**
 * ss_traffic_log_count_kinds:
 *
 * Returns: how many entries before @end are of one of @kinds: an entry's
 *   position in a view that shows only those
 */
guint
ss_traffic_log_count_kinds (SsTrafficLog *self,
                            guint         kinds,
                            guint         end)
{
  guint count = 0;

  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), 0);

  end = MIN (end, self->n_published);
  for (guint i = 0; i < end; i++)
    count += (kinds >> self->records[i].kind) & 1;
  return count;
}

/**
 * ss_traffic_log_nth_of_kinds:
 *
 * Returns: the position in the log of the @n-th entry (from 0) of one of
 *   @kinds, or G_MAXUINT
 */
guint
ss_traffic_log_nth_of_kinds (SsTrafficLog *self,
                             guint         kinds,
                             guint         n)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), G_MAXUINT);

  for (guint i = 0; i < self->n_published; i++)
    if (((kinds >> self->records[i].kind) & 1) && n-- == 0)
      return i;
  return G_MAXUINT;
}
