/* ss-message-log-add.c — records framed into messages as the log adds
 * them: the index's pages, each stream's framer, whole lines found fast
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ss-message-log-private.h"

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

/* A new message: its position + 1, 0 when the index is full */
static guint
add_message (SsMessageLog *self,
             guint         record,
             guint32       skip,
             guint64       length,
             guint         flags)
{
  guint position = ss_message_log_append (self, record, skip, length, flags);

  if (position == G_MAXUINT)
    return 0;
  self->count[self->log->records[record].kind]++;
  return position + 1;
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
  guint position = stream->open - 1;
  Message message;

  ss_message_log_clear_flags (self, position, SS_MESSAGE_INCOMPLETE);
  note_changed (self, position);
  stream->open = 0;
  if (self->check == NULL)
    return;
  ss_message_log_describe (self, position, stream->open_record, stream->open_skip, &message);
  if (!(message.flags & SS_MESSAGE_EVICTED))
    {
      const Record *first = &self->log->records[message.record];
      const guint8 *data = ss_traffic_log_record_data (self->log, first);
      g_autoptr(GBytes) bytes = NULL;
      gsize len = message.length;

      /* inside one record: checked where it is, not copied */
      if (data == NULL || (guint64) message.skip + message.length > first->length)
        {
          guint n_chunks;

          bytes = ss_message_log_dup_bytes (self, &message, &n_chunks);
          data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
        }
      else
        data += message.skip;
      if (data != NULL || len == 0)
        ss_message_log_add_flags (self, position,
                                  self->check (message.flags & KIND_MASK, data, len, self->check_data)
                                  ? SS_MESSAGE_GOOD : SS_MESSAGE_BAD);
    }
}

static gboolean
open_is_evicted (SsMessageLog *self,
                 Stream       *stream)
{
  return stream->open != 0 && (ss_message_log_get_rare_flags (self, stream->open - 1) & SS_MESSAGE_EVICTED);
}

/* Bytes no longer in memory cannot be framed: they are one message (a
 * run of such records), and framing starts again after them. */
static void
add_evicted (SsMessageLog *self,
             Stream       *stream,
             guint         position,
             const Record *record)
{
  if (open_is_evicted (self, stream))
    {
      guint64 length = ss_message_log_get_length (self, stream->open - 1) + record->length;

      if (length <= G_MAXUINT32)
        {
          ss_message_log_set_length (self, stream->open - 1, length);
          note_changed (self, stream->open - 1);
          return;
        }
    }
  if (stream->open)
    ss_message_log_close_message (self, stream);
  ss_framer_reset (stream->framer);
  stream->open = add_message (self, position, 0, record->length, SS_MESSAGE_EVICTED);
  stream->open_record = position;
  stream->open_skip = 0;
}

#ifdef __SSE2__
/* Where @delimiter is in the 64 bytes at @data: a bit a byte */
static inline guint64
block_mask (const guint8 *data,
            __m128i       needle)
{
  const __m128i *block = (const __m128i *) data;

  return (guint64) (guint) _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 (block), needle)) |
         (guint64) (guint) _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 (block + 1), needle)) << 16 |
         (guint64) (guint) _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 (block + 2), needle)) << 32 |
         (guint64) (guint) _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 (block + 3), needle)) << 48;
}

/* The hot loop of add_lines, 64 bytes a turn (a line of about that
 * length is about one turn): the lines of whole blocks from @at, each
 * length written at *next. It is a function of its own so that its few
 * variables stay in registers: inside add_lines they spilled to the
 * stack, and the loop's bound and the page's room were read from memory
 * on every block. A block is taken when its first
 * line is shorter than @fast_limit and the page has room for 64 lengths:
 * the lines after the first are shorter than the block, so each line
 * needs no check of its own. Returns the first block not taken. */
G_GNUC_NO_INLINE static gsize
scan_blocks (const guint8  *data,
             gsize          at,
             gsize          len,
             __m128i        needle,
             gsize          fast_limit,
             gsize         *start_inout,
             guint16      **next_inout,
             const guint16 *page_end)
{
  gsize start = *start_inout;
  guint16 *next = *next_inout;

  for (; at + 64 <= len; at += 64)
    {
      guint64 mask = block_mask (data + at, needle);

      if (mask == 0)
        continue;
      if (G_UNLIKELY (at + __builtin_ctzll (mask) + 1 - start >= fast_limit || page_end - next < 64))
        break;
      do
        {
          gsize end = at + __builtin_ctzll (mask) + 1;

          *next++ = end - start;
          start = end;
          mask &= mask - 1;
        }
      while (mask != 0);
    }
  *start_inout = start;
  *next_inout = next;
  return at;
}
#endif

/* Whole lines ended by a one-byte delimiter, found 64 bytes at a time:
 * a flood of short lines costs a few instructions a line, not calls into
 * the framer, and two bytes of index. Only while no message is open (the
 * framer then holds nothing); returns where the lines end, the rest is
 * for the framer. */
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
  /* where the lengths go: lines of one record are one run, and take the
   * index's slow path only at a page's end or for a long line; the
   * index's counters are kept here meanwhile */
  guint16 *page = NULL;
  guint16 *page_end = NULL;
  guint16 *next = NULL;  /* the fast path's next length */
  gsize synced = offset; /* where the run's bytes were last counted */
  guint64 lines = 0;
  /* a line this long or longer takes the slow path, which cuts it at
   * the cap or keeps its length apart */
  gsize fast_limit = (gsize) MIN (max + 1, (guint64) WIDE_LENGTH);

#define SYNC() \
  G_STMT_START { \
    if (page != NULL) \
      self->n_messages += next - page; \
    self->run_end += start - synced; \
    synced = start; \
    page = next; \
  } G_STMT_END
#define ADD_LINE(end) \
  G_STMT_START { \
    gsize line_len = (end) - start; \
    if (G_LIKELY (line_len < fast_limit && next < page_end)) \
      *next++ = line_len; \
    else \
      { \
        guint n; \
        SYNC (); \
        if (line_len > max) \
          goto done; \
        n = self->n_messages; \
        if (add_message (self, position, start, line_len, 0) == 0) \
          goto done; \
        self->count[record->kind]--; \
        page = next = length_at (self, n) + 1; \
        page_end = length_at (self, n) + (LENGTH_PAGE_SIZE - (n & (LENGTH_PAGE_SIZE - 1))); \
        synced = (end); \
      } \
    lines++; \
    start = (end); \
  } G_STMT_END

#ifdef __SSE2__
  {
    const __m128i needle = _mm_set1_epi8 ((char) delimiter);

    while (at + 64 <= len)
      {
        guint64 mask;

        if (page_end - next >= 64)
          {
            guint16 *from = next;

            at = scan_blocks (data, at, len, needle, fast_limit, &start, &next, page_end);
            lines += next - from;
            if (at + 64 > len)
              break;
          }
        /* a block the fast path did not take: a long line ends in it, or
         * the page is nearly full */
        mask = block_mask (data + at, needle);
        while (mask != 0)
          {
            gsize end = at + __builtin_ctzll (mask) + 1;

            mask &= mask - 1;
            ADD_LINE (end);
          }
        at += 64;
      }
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
done:
  SYNC ();
#undef ADD_LINE
#undef SYNC
  self->count[record->kind] += lines;
  return start;
}

static void
add_record (SsMessageLog *self,
            guint         position,
            const guint8 *arriving)
{
  const Record *record = &self->log->records[position];
  const guint8 *data;
  Stream *stream;
  gsize offset = 0;

  if (record->kind == SS_TRAFFIC_EVENT || record->length == 0)
    {
      /* an event, or an empty datagram: a row of its own, as it was */
      add_message (self, position, 0, record->length, 0);
      return;
    }

  self->bytes[record->kind] += record->length;
  stream = get_stream (self, ss_message_log_record_source (self->log, record), record->kind);
  data = arriving != NULL ? arriving : ss_traffic_log_record_data (self->log, record);
  if (data == NULL)
    {
      add_evicted (self, stream, position, record);
      return;
    }
  if (open_is_evicted (self, stream))
    ss_message_log_close_message (self, stream);
  if (ss_framer_begin_chunk (stream->framer, record->time) && stream->open)
    ss_message_log_close_message (self, stream);

  while (offset < record->length)
    {
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
          /* incomplete until it ends: marked so only if it outlasts
           * this record, below */
          stream->open = add_message (self, position, offset, n, 0);
          if (stream->open == 0)
            return;
          stream->open_record = position;
          stream->open_skip = offset;
        }
      else
        {
          ss_message_log_set_length (self, stream->open - 1, ss_message_log_get_length (self, stream->open - 1) + n);
          note_changed (self, stream->open - 1);
        }
      if (flags & SS_FRAME_CAPPED)
        ss_message_log_add_flags (self, stream->open - 1, SS_MESSAGE_CAPPED);
      if (flags & SS_FRAME_SHORT)
        ss_message_log_add_flags (self, stream->open - 1, SS_MESSAGE_SHORT);
      if (flags & SS_FRAME_END)
        ss_message_log_close_message (self, stream);
      offset += n;
    }
  if (stream->open)
    ss_message_log_add_flags (self, stream->open - 1, SS_MESSAGE_INCOMPLETE);
}

/* Called by the log for each record it adds, before views see it */
void
ss_message_log_add_record (SsMessageLog *self,
                           guint         position,
                           const guint8 *arriving)
{
  add_record (self, position, arriving);
}
