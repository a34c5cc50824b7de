/* ss-message-log-add.c — records framed into messages as the log adds
 * them: the index's pages, each stream's framer, whole lines found fast
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

#include "ss-message-log-private.h"

static void *
new_slab (void)
{
  void *memory;

  if (posix_memalign (&memory, SLAB_SIZE, SLAB_SIZE) != 0)
    g_error ("out of memory for %" G_GSIZE_FORMAT " bytes", (gsize) SLAB_SIZE);
#ifdef MADV_HUGEPAGE
  madvise (memory, SLAB_SIZE, MADV_HUGEPAGE);
#endif
  return memory;
}

/* A slab made ready off the main thread: its pages are faulted in (and
 * zeroed by the kernel) there, not in the main loop while a flood waits.
 * Measured: first touches were a third of framing's cost. */
static void
prepare_slab (gpointer data,
              gpointer user_data)
{
  GAsyncQueue *ready = data;
  volatile guint8 *memory = new_slab ();

  for (gsize at = 0; at < SLAB_SIZE; at += 4096)
    memory[at] = 0;
  g_async_queue_push (ready, (gpointer) memory);
  g_async_queue_unref (ready);
}

static GThreadPool *
get_slab_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (prepare_slab, NULL, 1, FALSE, NULL));
  return pool;
}

/* The next slab: one made ready, or a new one; and another asked for,
 * PREPARED_SLABS at the most ahead */
static void *
take_slab (SsMessageLog *self)
{
  void *memory = NULL;

  if (self->ready == NULL)
    self->ready = g_async_queue_new_full (free);
  else if ((memory = g_async_queue_try_pop (self->ready)) != NULL)
    self->prepared--;
  if (memory == NULL)
    memory = new_slab ();
  while (self->prepared < PREPARED_SLABS)
    {
      self->prepared++;
      g_thread_pool_push (get_slab_pool (), g_async_queue_ref (self->ready), NULL);
    }
  return memory;
}

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
    g_ptr_array_add (self->slabs, take_slab (self));
  slab = g_ptr_array_index (self->slabs, self->slabs->len - 1);
  g_ptr_array_add (self->pages, slab + (n % SLAB_PAGES) * PAGE_SIZE * sizeof (Message));
}

void
ss_message_log_free_pages (SsMessageLog *self)
{
  for (guint i = 0; i < MIN (self->pages->len, SLAB_PAGES); i++)
    g_free (g_ptr_array_index (self->pages, i));
  g_ptr_array_set_size (self->pages, 0);
  g_ptr_array_set_size (self->slabs, 0);
}

void
ss_message_log_clear_streams (SsMessageLog *self)
{
  for (guint i = 0; i < self->streams->len; i++)
    g_clear_pointer (&g_array_index (self->streams, Stream, i).framer, ss_framer_free);
  g_array_set_size (self->streams, 0);
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
void
ss_message_log_close_message (SsMessageLog *self,
                              Stream       *stream)
{
  Message *message = message_at (self, stream->open - 1);

  message->flags &= ~SS_MESSAGE_INCOMPLETE;
  note_changed (self, stream->open - 1);
  stream->open = 0;
  if (self->check != NULL && !(message->flags & SS_MESSAGE_EVICTED))
    {
      guint n_chunks;
      g_autoptr(GBytes) bytes = ss_message_log_dup_bytes (self, message, &n_chunks);

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
    ss_message_log_close_message (self, stream);
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
  stream = get_stream (self, ss_message_log_record_source (self->log, record), record->kind);
  data = ss_traffic_log_record_data (self->log, record);
  if (data == NULL)
    {
      add_evicted (self, stream, position, record);
      return;
    }
  if (stream->open && (message_at (self, stream->open - 1)->flags & SS_MESSAGE_EVICTED))
    ss_message_log_close_message (self, stream);
  if (ss_framer_begin_chunk (stream->framer, record->time) && stream->open)
    ss_message_log_close_message (self, stream);

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
        ss_message_log_close_message (self, stream);
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
