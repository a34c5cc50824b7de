/* ss-message-log.c — a traffic log's bytes as messages: an index beside
 * its records, framed as they arrive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ss-message-log.h"
#include "ss-traffic-log-private.h"

/* A message copies nothing: it names the record its first byte is in,
 * where in that record it starts, and its length; its bytes are the
 * records of its stream from there on, wherever the log keeps them (or
 * evicted them). 16 bytes a message, whatever it spans. Events are
 * messages of one record. A message's position is that of its first
 * byte: rows are in the order messages began, and nothing moves. */
typedef struct
{
  guint32 record;
  guint32 skip;
  guint32 length;
  guint32 flags;   /* the kind in the two low bits, then SsMessageFlags */
} Message;

G_STATIC_ASSERT (sizeof (Message) == 16);

/* Messages are kept in pages, not one array: growing never copies, and
 * the only slack is the last page's, so the index costs its 16 bytes a
 * message (a doubling array would cost up to twice that). */
#define PAGE_BITS 12
#define PAGE_SIZE (1u << PAGE_BITS)
/* Past the first SLAB_PAGES pages (131,072 messages), pages come 32 at a
 * time from 2 MiB slabs the kernel may back with one huge page: a flood
 * of short lines then costs one page fault per 2 MiB of index, not 512.
 * A log of a few messages never holds more than a page. */
#define SLAB_PAGES 32
#define SLAB_SIZE  (SLAB_PAGES * PAGE_SIZE * sizeof (Message))

#define KIND_MASK 3u

/* One direction of one source log (a connection, in a listener's log) */
typedef struct
{
  SsFramer *framer;
  guint     open;  /* the position + 1 of the message still growing, 0 none */
} Stream;

struct _SsMessageLog
{
  GObject       parent_instance;

  SsTrafficLog *log;
  SsFramerSpec  spec;
  GArray       *streams;      /* of Stream, by source * 2 + kind */

  GPtrArray    *pages;        /* of PAGE_SIZE Messages */
  GPtrArray    *slabs;        /* where pages past the first SLAB_PAGES are */
  guint         n_messages;
  guint         n_published;
  guint         first_changed; /* the first published message grown since */

  guint64       count[SS_TRAFFIC_EVENT + 1];
  guint64       bytes[SS_TRAFFIC_EVENT];

  SsMessageCheckFunc check;
  gpointer      check_data;
  GDestroyNotify check_destroy;

  guint         idle_id;
};

static inline Message *
message_at (SsMessageLog *self,
            guint         position)
{
  Message *page = g_ptr_array_index (self->pages, position >> PAGE_BITS);

  return &page[position & (PAGE_SIZE - 1)];
}

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

static guint
record_source (SsTrafficLog *log,
               const Record *record)
{
  return log->sources != NULL ? record->block : 0;
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
  guint source = record_source (log, first);
  guint64 left = message->length;
  guint32 skip = message->skip;
  guint n = 0;

  for (guint i = message->record; left > 0 && i < log->n_records; i++)
    {
      const Record *record = &log->records[i];
      const guint8 *data;
      gsize len;

      if (record->kind != first->kind || record_source (log, record) != source)
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
static GBytes *
dup_message_bytes (SsMessageLog  *self,
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
    bytes = dup_message_bytes (self, message, &n_chunks);
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
  return make_entry (self, message_at (self, position));
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
add_page (SsMessageLog *self)
{
  guint n = self->pages->len;
  guint8 *slab;

  if (n < SLAB_PAGES)
    {
      g_ptr_array_add (self->pages, g_new (Message, PAGE_SIZE));
      return;
    }
  if (n % SLAB_PAGES == 0)
    {
      void *memory;

      if (posix_memalign (&memory, SLAB_SIZE, SLAB_SIZE) != 0)
        g_error ("out of memory for %" G_GSIZE_FORMAT " bytes", (gsize) SLAB_SIZE);
#ifdef MADV_HUGEPAGE
      madvise (memory, SLAB_SIZE, MADV_HUGEPAGE);
#endif
      g_ptr_array_add (self->slabs, memory);
    }
  slab = g_ptr_array_index (self->slabs, self->slabs->len - 1);
  g_ptr_array_add (self->pages, slab + (n % SLAB_PAGES) * PAGE_SIZE * sizeof (Message));
}

static void
free_pages (SsMessageLog *self)
{
  for (guint i = 0; i < MIN (self->pages->len, SLAB_PAGES); i++)
    g_free (g_ptr_array_index (self->pages, i));
  g_ptr_array_set_size (self->pages, 0);
  g_ptr_array_set_size (self->slabs, 0);
}

static void
clear_streams (SsMessageLog *self)
{
  for (guint i = 0; i < self->streams->len; i++)
    g_clear_pointer (&g_array_index (self->streams, Stream, i).framer, ss_framer_free);
  g_array_set_size (self->streams, 0);
}

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
  clear_streams (self);
  g_array_unref (self->streams);
  free_pages (self);
  g_ptr_array_unref (self->pages);
  g_ptr_array_unref (self->slabs);
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
  self->pages = g_ptr_array_new ();
  self->slabs = g_ptr_array_new_with_free_func (free);
  self->first_changed = G_MAXUINT;
}

static Stream *
get_stream (SsMessageLog  *self,
            guint          source,
            SsTrafficKind  kind)
{
  guint index = source * 2 + kind;
  Stream *stream;

  if (index >= self->streams->len)
    g_array_set_size (self->streams, index + 1);
  stream = &g_array_index (self->streams, Stream, index);
  if (stream->framer == NULL)
    {
      /* a message is never longer than the memory budget */
      guint64 max = MIN (ss_traffic_log_get_budget (self->log), (guint64) G_MAXUINT32);

      stream->framer = ss_framer_new (&self->spec, max);
    }
  return stream;
}

static Message *
add_message (SsMessageLog *self,
             guint         record,
             guint32       skip,
             guint32       flags)
{
  Message *message;

  g_return_val_if_fail (self->n_messages < G_MAXUINT, NULL);
  if ((self->n_messages & (PAGE_SIZE - 1)) == 0)
    add_page (self);
  message = message_at (self, self->n_messages++);
  message->record = record;
  message->skip = skip;
  message->length = 0;
  message->flags = flags;
  self->count[flags & KIND_MASK]++;
  return message;
}

static void
note_changed (SsMessageLog *self,
              guint         position)
{
  if (position < self->n_published)
    self->first_changed = MIN (self->first_changed, position);
}

/* The message of @stream is whole (or cut): checked, and no longer open */
static void
close_message (SsMessageLog *self,
               Stream       *stream)
{
  Message *message = message_at (self, stream->open - 1);

  message->flags &= ~SS_MESSAGE_INCOMPLETE;
  note_changed (self, stream->open - 1);
  stream->open = 0;
  if (self->check != NULL && !(message->flags & SS_MESSAGE_EVICTED))
    {
      guint n_chunks;
      g_autoptr(GBytes) bytes = dup_message_bytes (self, message, &n_chunks);

      if (bytes != NULL)
        message->flags |= self->check (message->flags & KIND_MASK, g_bytes_get_data (bytes, NULL),
                                       g_bytes_get_size (bytes), self->check_data)
                          ? SS_MESSAGE_GOOD : SS_MESSAGE_BAD;
    }
}

/* Bytes no longer in memory cannot be framed: they are one message (a
 * run of such records), and framing starts again after them. */
static void
add_evicted (SsMessageLog *self,
             Stream       *stream,
             guint         position,
             const Record *record)
{
  Message *open = stream->open ? message_at (self, stream->open - 1) : NULL;

  if (open != NULL && (open->flags & SS_MESSAGE_EVICTED) &&
      (guint64) open->length + record->length <= G_MAXUINT32)
    {
      open->length += record->length;
      note_changed (self, stream->open - 1);
      return;
    }
  if (open != NULL)
    close_message (self, stream);
  ss_framer_reset (stream->framer);
  open = add_message (self, position, 0, record->kind | SS_MESSAGE_EVICTED);
  if (open == NULL)
    return;
  open->length = record->length;
  stream->open = self->n_messages;
}

/* Whole lines ended by a one-byte delimiter, found 16 bytes at a time:
 * a flood of short lines costs a few instructions a line, not calls into
 * the framer. Only while no message is open (the framer then holds
 * nothing); returns where the lines end, the rest is for the framer. */
static gsize
add_lines (SsMessageLog *self,
           guint         position,
           const Record *record,
           const guint8 *data,
           gsize         offset,
           guint8        delimiter,
           guint64       max)
{
  gsize len = record->length;
  gsize start = offset;
  gsize at = offset;

#define ADD_LINE(end) \
  G_STMT_START { \
    Message *line; \
    if ((end) - start > max || (line = add_message (self, position, start, record->kind)) == NULL) \
      return start; \
    line->length = (end) - start; \
    start = (end); \
  } G_STMT_END

#ifdef __SSE2__
  {
    const __m128i needle = _mm_set1_epi8 ((char) delimiter);

    for (; at + 16 <= len; at += 16)
      {
        guint mask = _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 ((const __m128i *) (data + at)), needle));

        while (mask != 0)
          {
            gsize end = at + __builtin_ctz (mask) + 1;

            mask &= mask - 1;
            ADD_LINE (end);
          }
      }
  }
#endif
  while (at < len)
    {
      const guint8 *hit = memchr (data + at, delimiter, len - at);

      if (hit == NULL)
        break;
      at = hit - data + 1;
      ADD_LINE (at);
    }
#undef ADD_LINE
  return start;
}

static void
add_record (SsMessageLog *self,
            guint         position)
{
  const Record *record = &self->log->records[position];
  const guint8 *data;
  Stream *stream;
  gsize offset = 0;

  if (record->kind == SS_TRAFFIC_EVENT || record->length == 0)
    {
      /* an event, or an empty datagram: a row of its own, as it was */
      Message *message = add_message (self, position, 0, record->kind);

      if (message != NULL)
        message->length = record->length;
      return;
    }

  self->bytes[record->kind] += record->length;
  stream = get_stream (self, record_source (self->log, record), record->kind);
  data = ss_traffic_log_record_data (self->log, record);
  if (data == NULL)
    {
      add_evicted (self, stream, position, record);
      return;
    }
  if (stream->open && (message_at (self, stream->open - 1)->flags & SS_MESSAGE_EVICTED))
    close_message (self, stream);
  if (ss_framer_begin_chunk (stream->framer, record->time) && stream->open)
    close_message (self, stream);

  while (offset < record->length)
    {
      Message *message;
      guint flags;
      gsize n;

      if (stream->open == 0 && self->check == NULL && ss_framer_get_single_delimiter (stream->framer) >= 0)
        {
          offset = add_lines (self, position, record, data, offset, ss_framer_get_single_delimiter (stream->framer),
                              ss_framer_get_max (stream->framer));
          if (offset == record->length)
            break;
        }
      n = ss_framer_scan (stream->framer, data + offset, record->length - offset, &flags);

      if (stream->open == 0)
        {
          if (add_message (self, position, offset, record->kind | SS_MESSAGE_INCOMPLETE) == NULL)
            return;
          stream->open = self->n_messages;
        }
      else
        note_changed (self, stream->open - 1);
      message = message_at (self, stream->open - 1);
      message->length += n;
      if (flags & SS_FRAME_CAPPED)
        message->flags |= SS_MESSAGE_CAPPED;
      if (flags & SS_FRAME_SHORT)
        message->flags |= SS_MESSAGE_SHORT;
      if (flags & SS_FRAME_END)
        close_message (self, stream);
      offset += n;
    }
}

/* Called by the log for each record it adds, before views see it */
void
ss_message_log_add_record (SsMessageLog *self,
                           guint         position)
{
  add_record (self, position);
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

      if (stream->open != 0 && !(message_at (self, stream->open - 1)->flags & SS_MESSAGE_EVICTED))
        due = MIN (due, self->log->records[message_at (self, stream->open - 1)->record].time);
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
          close_message (self, stream);
          closed = TRUE;
        }
    }
  return closed;
}

static void
reset (SsMessageLog *self)
{
  guint removed = self->n_published;

  clear_streams (self);
  free_pages (self);
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
        add_record (self, i);
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
    add_record (self, i);
  /* what the log shows is shown at once; its unpublished tail waits */
  self->n_published = 0;
  for (guint i = 0; i < self->n_messages && message_at (self, i)->record < log->n_published; i++)
    self->n_published = i + 1;
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
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), 0);
  g_return_val_if_fail (position < self->n_messages, 0);
  return message_at (self, position)->flags & ~KIND_MASK;
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
  return (guint64) self->pages->len * PAGE_SIZE * sizeof (Message) +
         self->pages->len * sizeof (gpointer) + self->streams->len * sizeof (Stream);
}

static gboolean
message_matches (SsMessageLog  *self,
                 const Message *message,
                 const guint8  *needle,
                 gsize          needle_len,
                 guint          kinds)
{
  const Record *first = &self->log->records[message->record];
  const guint8 *data;
  guint n_chunks;
  g_autoptr(GBytes) bytes = NULL;

  if ((kinds & (1u << (message->flags & KIND_MASK))) == 0 || message->length < needle_len ||
      (message->flags & SS_MESSAGE_EVICTED))
    return FALSE;
  /* inside one record: searched where it is */
  if ((guint64) message->skip + message->length <= first->length)
    {
      data = ss_traffic_log_record_data (self->log, first);
      return data != NULL && memmem (data + message->skip, message->length, needle, needle_len) != NULL;
    }
  bytes = dup_message_bytes (self, message, &n_chunks);
  return bytes != NULL && memmem (g_bytes_get_data (bytes, NULL), message->length, needle, needle_len) != NULL;
}

/**
 * ss_message_log_find:
 *
 * ss_traffic_log_find() on whole messages: a needle across two chunks of
 * one message is found.
 *
 * Returns: the position of the next message holding @needle, or
 *   G_MAXUINT
 */
guint
ss_message_log_find (SsMessageLog *self,
                     const guint8 *needle,
                     gsize         needle_len,
                     guint         from,
                     gboolean      backward,
                     guint         kinds)
{
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), G_MAXUINT);
  g_return_val_if_fail (needle != NULL || needle_len == 0, G_MAXUINT);

  if (needle_len == 0 || self->n_published == 0)
    return G_MAXUINT;
  if (backward)
    {
      for (guint i = MIN (from, self->n_published - 1) + 1; i-- > 0;)
        if (message_matches (self, message_at (self, i), needle, needle_len, kinds))
          return i;
    }
  else
    {
      for (guint i = from; i < self->n_published; i++)
        if (message_matches (self, message_at (self, i), needle, needle_len, kinds))
          return i;
    }
  return G_MAXUINT;
}

/* ss_traffic_log_count_kinds() for messages */
guint
ss_message_log_count_kinds (SsMessageLog *self,
                            guint         kinds,
                            guint         end)
{
  guint count = 0;

  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), 0);

  end = MIN (end, self->n_published);
  for (guint i = 0; i < end; i++)
    count += (kinds >> (message_at (self, i)->flags & KIND_MASK)) & 1;
  return count;
}

/* ss_traffic_log_nth_of_kinds() for messages */
guint
ss_message_log_nth_of_kinds (SsMessageLog *self,
                             guint         kinds,
                             guint         n)
{
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), G_MAXUINT);

  for (guint i = 0; i < self->n_published; i++)
    if (((kinds >> (message_at (self, i)->flags & KIND_MASK)) & 1) && n-- == 0)
      return i;
  return G_MAXUINT;
}
