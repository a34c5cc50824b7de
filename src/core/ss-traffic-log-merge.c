/* ss-traffic-log-merge.c — one log of many: a listener's own events and
 * every connection's traffic, in the order they happened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-traffic-log-private.h"

/* A merged log copies no payload: each of its records names a record of
 * a source log, which keeps the bytes (and evicts them within its own
 * budget). The merged log holds its sources, so a connection's traffic
 * stays readable there after the connection itself is gone. */

/* A merged log's reference to @record, just added to @self: appended
 * as it happens, so the merged log is in time order across its sources. */
void
ss_traffic_log_forward (SsTrafficLog *self,
                        const Record *record,
                        const guint8 *arriving)
{
  SsTrafficLog *merged = self->merge_into;
  Record *reference;

  g_assert (merged->sources != NULL);

  reference = ss_traffic_log_add_record (merged, record->kind, 0, record->length);
  if (reference == NULL)
    return;
  reference->time = record->time;
  reference->block = self->merge_source;
  reference->offset = self->cleared + (guint32) (record - self->records);
  /* a connection's events (accepted, closed) wait for the merged log's
   * pace like its bytes: ten thousand clients are not ten thousand
   * changes at once */
  if (record->kind != SS_TRAFFIC_EVENT)
    merged->bytes[record->kind] += record->length;
  ss_traffic_log_tell_framings (merged, arriving);
}

static void
merge_source_free (gpointer data)
{
  MergeSource *source = data;

  if (source->log->merge_into != NULL)
    {
      source->log->merge_into = NULL;
      source->log->merge_source = 0;
    }
  g_object_unref (source->log);
  g_free (source->label);
  g_free (source);
}

/**
 * ss_traffic_log_new_merged:
 *
 * Returns: (transfer full): an empty log that shows the records of the
 *   logs given to ss_traffic_log_add_source(), from then on, in order
 */
SsTrafficLog *
ss_traffic_log_new_merged (void)
{
  SsTrafficLog *self = ss_traffic_log_new ();

  self->sources = g_ptr_array_new_with_free_func (merge_source_free);
  return self;
}

/**
 * ss_traffic_log_set_relayed:
 *
 * Marks the log as a relayed pair's (or a relay's, merged): its received
 * bytes are what the client sent the server, its sent bytes the server's
 * answer, and views name the directions so.
 */
void
ss_traffic_log_set_relayed (SsTrafficLog *self,
                            gboolean      relayed)
{
  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));
  self->relayed = !!relayed;
}

gboolean
ss_traffic_log_get_relayed (SsTrafficLog *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), FALSE);
  return self->relayed;
}

gboolean
ss_traffic_log_is_merged (SsTrafficLog *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), FALSE);
  return self->sources != NULL;
}

/**
 * ss_traffic_log_add_source:
 * @self: a merged log
 * @source: a socket's own log, not yet merged anywhere
 * @label: what the merged log's entries from @source show as their peer
 *   (a connection's peer address)
 * @existing: whether the records @source holds already join too
 *
 * Returns: the number of @source in @self, as ss_traffic_entry_get_source()
 *   gives it for the entries that come from it
 */
guint
ss_traffic_log_add_source (SsTrafficLog *self,
                           SsTrafficLog *source,
                           const char   *label,
                           gboolean      existing)
{
  MergeSource *added;

  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), G_MAXUINT);
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (source), G_MAXUINT);
  g_return_val_if_fail (self->sources != NULL, G_MAXUINT);
  g_return_val_if_fail (source->sources == NULL && source->merge_into == NULL, G_MAXUINT);

  added = g_new0 (MergeSource, 1);
  added->log = g_object_ref (source);
  added->label = g_strdup (label);
  g_ptr_array_add (self->sources, added);

  source->merge_into = self;
  source->merge_source = self->sources->len - 1;
  if (existing)
    {
      for (guint i = 0; i < source->n_records; i++)
        ss_traffic_log_forward (source, &source->records[i], NULL);
      ss_traffic_log_flush (self);
    }
  return source->merge_source;
}

guint
ss_traffic_log_get_n_sources (SsTrafficLog *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), 0);
  return self->sources != NULL ? self->sources->len : 0;
}

/**
 * ss_traffic_log_get_source:
 *
 * Returns: (transfer none): the log with number @source in a merged log
 */
SsTrafficLog *
ss_traffic_log_get_source (SsTrafficLog *self,
                           guint         source)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), NULL);
  g_return_val_if_fail (self->sources != NULL && source < self->sources->len, NULL);
  return ((MergeSource *) g_ptr_array_index (self->sources, source))->log;
}

const char *
ss_traffic_log_get_source_label (SsTrafficLog *self,
                                 guint         source)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), NULL);
  g_return_val_if_fail (self->sources != NULL && source < self->sources->len, NULL);
  return ((MergeSource *) g_ptr_array_index (self->sources, source))->label;
}

/* The source's record a reference names, or NULL once it was cleared */
static const Record *
resolve (SsTrafficLog  *self,
         const Record  *reference,
         SsTrafficLog **log)
{
  MergeSource *source = g_ptr_array_index (self->sources, reference->block);
  guint32 position;

  *log = source->log;
  if (reference->offset < source->log->cleared)
    return NULL;
  position = reference->offset - source->log->cleared;
  g_assert (position < source->log->n_records);
  return &source->log->records[position];
}

const guint8 *
ss_traffic_log_merged_record_data (SsTrafficLog *self,
                                   const Record *record)
{
  SsTrafficLog *log;
  const Record *original = resolve (self, record, &log);

  return original != NULL ? ss_traffic_log_record_data (log, original) : NULL;
}

SsTrafficEntry *
ss_traffic_log_merged_entry (SsTrafficLog *self,
                             const Record *record)
{
  SsTrafficLog *log;
  const Record *original = resolve (self, record, &log);
  SsTrafficEntry *entry;

  /* cleared from its own log: gone, as if evicted */
  if (original == NULL)
    entry = ss_traffic_entry_new_evicted (record->kind, record->time, record->length);
  else
    entry = ss_traffic_log_make_entry (log, original - log->records);
  if (ss_traffic_entry_get_peer (entry) == NULL)
    ss_traffic_entry_set_peer (entry, ss_traffic_log_get_source_label (self, record->block));
  ss_traffic_entry_set_source (entry, record->block);
  return entry;
}

/* A merged log going away lets its sources go on alone */
void
ss_traffic_log_unmerge (SsTrafficLog *self)
{
  g_clear_pointer (&self->sources, g_ptr_array_unref);
}
