/* ss-message-log.c — a traffic log's bytes as messages: an index beside
 * its records, framed as they arrive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-message-log-private.h"

static GType
ss_message_log_get_item_type (GListModel *model)
{
  return SS_TYPE_TRAFFIC_ENTRY;
}

static guint
ss_message_log_get_n_items (GListModel *model)
{
  return SS_MESSAGE_LOG (model)->n_published;
}

/* The record's entry, as the log makes it */
static SsTrafficEntry *
record_entry (SsTrafficLog *log,
              guint         position)
{
  if (log->sources != NULL)
    return ss_traffic_log_merged_entry (log, &log->records[position]);
  return ss_traffic_log_make_entry (log, position);
}

/* Calls @func on each piece of @message's bytes, in order, with the
 * record it is in; NULL data for a piece no longer in memory. Returns
 * how many records it spans. */
typedef void (*PieceFunc) (const guint8 *data, gsize len, gpointer user_data);

static guint
foreach_piece (SsMessageLog  *self,
               const Message *message,
               PieceFunc      func,
               gpointer       user_data)
{
  SsTrafficLog *log = self->log;
  const Record *first = &log->records[message->record];
  guint source = ss_message_log_record_source (log, first);
  guint64 left = message->length;
  guint32 skip = message->skip;
  guint n = 0;

  for (guint i = message->record; left > 0 && i < log->n_records; i++)
    {
      const Record *record = &log->records[i];
      const guint8 *data;
      gsize len;

      if (record->kind != first->kind || ss_message_log_record_source (log, record) != source)
        continue;
      len = MIN ((guint64) record->length - skip, left);
      data = ss_traffic_log_record_data (log, record);
      if (func != NULL)
        func (data != NULL ? data + skip : NULL, len, user_data);
      left -= len;
      skip = 0;
      n++;
    }
  return n;
}

typedef struct
{
  GByteArray *bytes;
  gboolean    missing;
} Gather;

static void
gather_piece (const guint8 *data,
              gsize         len,
              gpointer      user_data)
{
  Gather *gather = user_data;

  if (data == NULL)
    gather->missing = TRUE;
  else if (!gather->missing)
    g_byte_array_append (gather->bytes, data, len);
}

/* A message's bytes, or NULL when some are no longer in memory */
GBytes *
ss_message_log_dup_bytes (SsMessageLog  *self,
                          const Message *message,
                          guint         *n_chunks)
{
  Gather gather = { g_byte_array_sized_new (message->length), FALSE };

  *n_chunks = foreach_piece (self, message, gather_piece, &gather);
  if (gather.missing)
    {
      g_byte_array_unref (gather.bytes);
      return NULL;
    }
  return g_byte_array_free_to_bytes (gather.bytes);
}

static SsTrafficEntry *
make_entry (SsMessageLog  *self,
            const Message *message)
{
  g_autoptr(SsTrafficEntry) first = record_entry (self->log, message->record);
  SsTrafficKind kind = message->flags & KIND_MASK;
  SsTrafficEntry *entry;
  GBytes *whole = ss_traffic_entry_get_bytes (first);
  g_autoptr(GBytes) bytes = NULL;
  guint n_chunks = 1;

  if (kind == SS_TRAFFIC_EVENT)
    return g_steal_pointer (&first);

  /* most messages are inside one chunk: its bytes, not a copy */
  if (!ss_traffic_entry_get_evicted (first) &&
      (guint64) message->skip + message->length <= g_bytes_get_size (whole))
    bytes = g_bytes_new_from_bytes (whole, message->skip, message->length);
  else if (message->length > 0)
    bytes = ss_message_log_dup_bytes (self, message, &n_chunks);
  else
    bytes = g_bytes_new (NULL, 0);

  if (bytes != NULL)
    entry = ss_traffic_entry_new (kind, ss_traffic_entry_get_time (first), bytes);
  else
    entry = ss_traffic_entry_new_evicted (kind, ss_traffic_entry_get_time (first), message->length);
  ss_traffic_entry_set_peer (entry, ss_traffic_entry_get_peer (first));
  ss_traffic_entry_set_source (entry, ss_traffic_entry_get_source (first));
  ss_traffic_entry_set_message (entry, message->flags & ~KIND_MASK, message->record, n_chunks);
  return entry;
}

static gpointer
ss_message_log_get_item (GListModel *model,
                         guint       position)
{
  SsMessageLog *self = SS_MESSAGE_LOG (model);

  if (position >= self->n_published)
    return NULL;
  Message message;

  ss_message_log_get (self, position, &message);
  return make_entry (self, &message);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ss_message_log_get_item_type;
  iface->get_n_items = ss_message_log_get_n_items;
  iface->get_item = ss_message_log_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SsMessageLog, ss_message_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
ss_message_log_finalize (GObject *object)
{
  SsMessageLog *self = SS_MESSAGE_LOG (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->log != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->log, self);
      g_ptr_array_remove (self->log->framings, self);
      if (self->log->framings->len == 0)
        g_clear_pointer (&self->log->framings, g_ptr_array_unref);
      g_object_unref (self->log);
    }
  ss_message_log_clear_streams (self);
  g_array_unref (self->streams);
  ss_message_log_destroy_index (self);
  if (self->check_destroy != NULL)
    self->check_destroy (self->check_data);
  G_OBJECT_CLASS (ss_message_log_parent_class)->finalize (object);
}

static void
ss_message_log_class_init (SsMessageLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ss_message_log_finalize;
}

static void
ss_message_log_init (SsMessageLog *self)
{
  self->streams = g_array_new (FALSE, TRUE, sizeof (Stream));
  ss_message_log_init_index (self);
  self->first_changed = G_MAXUINT;
}

static gboolean idle_cb (gpointer user_data);

/* An idle gap ends the last message of each stream once the stream has
 * been quiet that long: checked when the first of them is due. */
static void
schedule_idle (SsMessageLog *self)
{
  gint64 due = G_MAXINT64;

  if (self->spec.mode != SS_FRAMING_IDLE || self->idle_id != 0)
    return;
  for (guint i = 0; i < self->streams->len; i++)
    {
      Stream *stream = &g_array_index (self->streams, Stream, i);

      if (stream->open != 0 && !(ss_message_log_get_rare_flags (self, stream->open - 1) & SS_MESSAGE_EVICTED))
        due = MIN (due, self->log->records[stream->open_record].time);
    }
  if (due == G_MAXINT64)
    return;
  /* the first open message began at due: its stream is quiet a gap after
   * its last chunk, at the earliest a gap after due; a check too early
   * is simply made again */
  self->idle_id = g_timeout_add (MAX (self->spec.idle_ms, 1), idle_cb, self);
}

static void
publish (SsMessageLog *self)
{
  guint old = self->n_published;
  guint changed = self->first_changed;

  self->n_published = self->n_messages;
  self->first_changed = G_MAXUINT;
  if (changed < old)
    g_list_model_items_changed (G_LIST_MODEL (self), changed, old - changed, old - changed);
  if (self->n_messages > old)
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, self->n_messages - old);
  schedule_idle (self);
}

static gboolean
idle_cb (gpointer user_data)
{
  SsMessageLog *self = user_data;

  self->idle_id = 0;
  ss_message_log_close_idle (self, g_get_real_time ());
  publish (self);
  return G_SOURCE_REMOVE;
}

/**
 * ss_message_log_close_idle:
 * @now: the time now, on the records' clock (g_get_real_time())
 *
 * With an idle gap, ends each stream's last message when the stream has
 * been quiet for the gap. The model changes with the log's next publish.
 *
 * Returns: whether a message ended
 */
gboolean
ss_message_log_close_idle (SsMessageLog *self,
                           gint64        now)
{
  gboolean closed = FALSE;

  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), FALSE);

  for (guint i = 0; i < self->streams->len; i++)
    {
      Stream *stream = &g_array_index (self->streams, Stream, i);

      if (stream->framer != NULL && ss_framer_idle_expired (stream->framer, now) && stream->open)
        {
          ss_message_log_close_message (self, stream);
          closed = TRUE;
        }
    }
  return closed;
}

static void
reset (SsMessageLog *self)
{
  guint removed = self->n_published;

  ss_message_log_clear_streams (self);
  ss_message_log_free_index (self);
  self->n_messages = self->n_published = 0;
  self->first_changed = G_MAXUINT;
  memset (self->count, 0, sizeof self->count);
  memset (self->bytes, 0, sizeof self->bytes);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
}

/* The log published records, or was cleared */
static void
log_items_changed_cb (SsTrafficLog *log,
                      guint         position,
                      guint         removed,
                      guint         added,
                      SsMessageLog *self)
{
  if (removed > 0)
    {
      g_clear_handle_id (&self->idle_id, g_source_remove);
      reset (self);
      for (guint i = 0; i < log->n_records; i++)
        ss_message_log_add_record (self, i, NULL);
    }
  publish (self);
}

/**
 * ss_message_log_new:
 * @log: a socket's log, or a listener's merged one
 * @spec: how its streams split into messages (not %SS_FRAMING_NONE)
 *
 * Frames what @log holds at once, then each record as @log adds it; the
 * model changes when @log's does. Messages are cut at @log's budget.
 *
 * Returns: (transfer full): the messages of @log
 */
SsMessageLog *
ss_message_log_new (SsTrafficLog       *log,
                    const SsFramerSpec *spec)
{
  SsMessageLog *self;

  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (log), NULL);
  g_return_val_if_fail (spec != NULL && spec->mode != SS_FRAMING_NONE && spec->mode < SS_N_FRAMINGS, NULL);

  self = g_object_new (SS_TYPE_MESSAGE_LOG, NULL);
  self->log = g_object_ref (log);
  self->spec = *spec;
  if (log->framings == NULL)
    log->framings = g_ptr_array_new ();
  g_ptr_array_add (log->framings, self);
  for (guint i = 0; i < log->n_records; i++)
    ss_message_log_add_record (self, i, NULL);
  /* what the log shows is shown at once; its unpublished tail waits */
  self->n_published = 0;
  if (self->n_messages > 0)
    {
      MessageIter iter;

      ss_message_log_iter_init (self, &iter, 0);
      for (guint i = 0; i < self->n_messages; i++, ss_message_log_iter_next (&iter))
        {
          Message message;

          ss_message_log_iter_read (&iter, &message);
          if (message.record >= log->n_published)
            break;
          self->n_published = i + 1;
        }
    }
  self->first_changed = G_MAXUINT;
  g_signal_connect (log, "items-changed", G_CALLBACK (log_items_changed_cb), self);
  schedule_idle (self);
  return self;
}

/**
 * ss_message_log_get_log:
 *
 * Returns: (transfer none): the log framed
 */
SsTrafficLog *
ss_message_log_get_log (SsMessageLog *self)
{
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), NULL);
  return self->log;
}

const SsFramerSpec *
ss_message_log_get_spec (SsMessageLog *self)
{
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), NULL);
  return &self->spec;
}

/**
 * ss_message_log_set_check:
 * @func: (nullable): called on each message as it completes, from now on
 *
 * Marks each message good or bad (%SS_MESSAGE_GOOD, %SS_MESSAGE_BAD):
 * the hook for verifying checksums on receive.
 */
void
ss_message_log_set_check (SsMessageLog       *self,
                          SsMessageCheckFunc  func,
                          gpointer            user_data,
                          GDestroyNotify      destroy)
{
  g_return_if_fail (SS_IS_MESSAGE_LOG (self));

  if (self->check_destroy != NULL)
    self->check_destroy (self->check_data);
  self->check = func;
  self->check_data = user_data;
  self->check_destroy = destroy;
}

/* #SsMessageFlags of a message, published or not */
guint
ss_message_log_get_flags (SsMessageLog *self,
                          guint         position)
{
  Message message;

  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), 0);
  g_return_val_if_fail (position < self->n_messages, 0);
  ss_message_log_get (self, position, &message);
  return message.flags & ~KIND_MASK;
}

/* Messages of @kind so far, the incomplete ones included: exact, and
 * ahead of the model as the log's counters are */
guint64
ss_message_log_get_count (SsMessageLog  *self,
                          SsTrafficKind  kind)
{
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), 0);
  g_return_val_if_fail (kind <= SS_TRAFFIC_EVENT, 0);
  return self->count[kind];
}

/* The bytes the messages of @kind hold: the log's bytes since it was
 * last cleared */
guint64
ss_message_log_get_bytes (SsMessageLog  *self,
                          SsTrafficKind  kind)
{
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), 0);
  g_return_val_if_fail (kind < SS_TRAFFIC_EVENT, 0);
  return self->bytes[kind];
}

/* The bytes the index allocated (its capacity), beyond the log's */
guint64
ss_message_log_get_memory (SsMessageLog *self)
{
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), 0);
  return ss_message_log_index_memory (self) + self->streams->len * sizeof (Stream);
}

