/* ss-traffic-log-payload.c — what a traffic log holds, counted and read
 * back whole: byte and chunk counts, and each direction's bytes in order
 * (for Save Log, Record, exports and the tests)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-traffic-log-private.h"

/* Exact byte counts, including what is not yet published or was evicted. */
guint64
ss_traffic_log_get_bytes (SsTrafficLog  *self,
                          SsTrafficKind  kind)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), 0);
  g_return_val_if_fail (kind < SS_TRAFFIC_EVENT, 0);
  return self->bytes[kind];
}

/**
 * ss_traffic_log_get_chunks:
 *
 * Returns: how many entries of @kind were appended (recv or send calls
 *   that moved bytes, datagrams, or events), published or not
 */
guint64
ss_traffic_log_get_chunks (SsTrafficLog  *self,
                           SsTrafficKind  kind)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), 0);
  g_return_val_if_fail (kind <= SS_TRAFFIC_EVENT, 0);
  return self->chunks[kind];
}

/**
 * ss_traffic_log_get_evicted_bytes:
 *
 * Returns: how many of the first bytes of one direction are no longer in
 *   memory; the rest, ss_traffic_log_get_bytes() minus these, are
 */
guint64
ss_traffic_log_get_evicted_bytes (SsTrafficLog  *self,
                                  SsTrafficKind  kind)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), 0);
  g_return_val_if_fail (kind < SS_TRAFFIC_EVENT, 0);
  return self->evicted[kind];
}

/**
 * ss_traffic_log_dup_payload_full:
 * @evicted: (out) (optional): how many bytes before the ones returned were
 *   evicted, which is also where the returned bytes start in the stream
 *
 * Returns: (transfer full): the bytes of one direction still in memory,
 *   in order: the whole stream when nothing was evicted, else its tail.
 *   For %SS_TRAFFIC_EVENT, every event's text run together.
 */
GBytes *
ss_traffic_log_dup_payload_full (SsTrafficLog  *self,
                                 SsTrafficKind  kind,
                                 guint64       *evicted)
{
  guint64 kept;
  guint8 *out;
  gsize len = 0;

  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), NULL);
  g_return_val_if_fail (kind <= SS_TRAFFIC_EVENT, NULL);
  /* a merged log's streams are its sources' */
  g_return_val_if_fail (self->sources == NULL, NULL);

  if (evicted != NULL)
    *evicted = kind < SS_TRAFFIC_EVENT ? self->evicted[kind] : 0;
  if (kind == SS_TRAFFIC_EVENT)
    return g_bytes_new (self->event_text->data, self->event_text->len);

  kept = self->bytes[kind] - self->evicted[kind];
  g_return_val_if_fail (kept <= G_MAXSIZE, NULL);
  out = g_malloc (kept);
  for (guint i = self->first_kept; i < self->n_records; i++)
    {
      const Record *record = &self->records[i];
      const Block *block;

      if (record->kind != kind || record->length == 0)
        continue;
      g_assert (!ss_traffic_log_record_is_evicted (self, record));
      block = g_ptr_array_index (self->blocks, record->block - self->first_block);
      memcpy (out + len, block->data + record->offset, record->length);
      len += record->length;
    }
  g_assert (len == kept);
  return g_bytes_new_take (out, len);
}

/**
 * ss_traffic_log_dup_payload:
 *
 * Returns: (transfer full): the bytes of one direction still in memory;
 *   see ss_traffic_log_dup_payload_full() to learn whether that is all
 */
GBytes *
ss_traffic_log_dup_payload (SsTrafficLog  *self,
                            SsTrafficKind  kind)
{
  return ss_traffic_log_dup_payload_full (self, kind, NULL);
}
