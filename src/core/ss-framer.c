/* ss-framer.c — a byte stream split into messages, fed as it arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-framer.h"

/* The framer only finds where messages end: it keeps no bytes of them,
 * so the stream is framed as it is stored, whatever its chunking, and the
 * same stream cut anywhere gives the same messages. Every byte belongs
 * to exactly one message; none is dropped or moved. */
struct _SsFramer
{
  SsFramerSpec spec;
  guint64      max;       /* no message is longer: the rest is a message of its own */
  guint64      pending;   /* bytes of the message being read */
  guint        flags;     /* SS_FRAME_CAPPED while the rest of a cut message is read */

  /* delimiter: how much of it the last bytes matched, and the failure
   * table that keeps a partial match across chunks (Knuth–Morris–Pratt) */
  guint        matched;
  guint8       failure[SS_FRAMER_MAX_DELIMITER];

  /* fixed length and length field: the bytes of the message left, once
   * known (the length field read), 0 before */
  guint64      left;
  guint32      value;     /* the length field read so far */

  /* idle gap: the time of the last chunk */
  gint64       last_time;
};

static void
build_failure (SsFramer *self)
{
  const guint8 *d = self->spec.delimiter;
  guint k = 0;

  self->failure[0] = 0;
  for (guint i = 1; i < self->spec.delimiter_len; i++)
    {
      while (k > 0 && d[i] != d[k])
        k = self->failure[k - 1];
      if (d[i] == d[k])
        k++;
      self->failure[i] = k;
    }
}

/**
 * ss_framer_new:
 * @spec: how messages end; copied
 * @max_message: the longest message: one longer is cut there (the
 *   memory budget); at least %SS_FRAMER_MIN_MAX
 *
 * Returns: (transfer full): a framer at the start of a stream
 */
SsFramer *
ss_framer_new (const SsFramerSpec *spec,
               guint64             max_message)
{
  SsFramer *self;

  g_return_val_if_fail (spec != NULL && spec->mode < SS_N_FRAMINGS, NULL);
  g_return_val_if_fail (spec->mode != SS_FRAMING_DELIMITER ||
                        (spec->delimiter_len > 0 && spec->delimiter_len <= SS_FRAMER_MAX_DELIMITER), NULL);
  g_return_val_if_fail (spec->mode != SS_FRAMING_FIXED || spec->fixed_length > 0, NULL);
  g_return_val_if_fail (spec->mode != SS_FRAMING_LENGTH ||
                        ((spec->length_size == 1 || spec->length_size == 2 || spec->length_size == 4) &&
                         spec->length_offset <= SS_FRAMER_MAX_OFFSET), NULL);

  self = g_new0 (SsFramer, 1);
  self->spec = *spec;
  self->max = MAX (max_message, SS_FRAMER_MIN_MAX);
  if (spec->mode == SS_FRAMING_DELIMITER)
    build_failure (self);
  self->last_time = G_MININT64;
  return self;
}

void
ss_framer_free (SsFramer *self)
{
  g_free (self);
}

/* Back to the start of a message, as after a gap in what is known of the
 * stream (bytes no longer in memory) */
void
ss_framer_reset (SsFramer *self)
{
  self->pending = 0;
  self->flags = 0;
  self->matched = 0;
  self->left = 0;
  self->value = 0;
}

const SsFramerSpec *
ss_framer_get_spec (SsFramer *self)
{
  return &self->spec;
}

guint64
ss_framer_get_pending (SsFramer *self)
{
  return self->pending;
}

/* The longest message */
guint64
ss_framer_get_max (SsFramer *self)
{
  return self->max;
}

/**
 * ss_framer_get_single_delimiter:
 *
 * Returns: the delimiter's byte when it is one byte and no message is
 *   being read, so a caller may find whole lines on its own; -1 otherwise
 */
int
ss_framer_get_single_delimiter (SsFramer *self)
{
  if (self->spec.mode != SS_FRAMING_DELIMITER || self->spec.delimiter_len != 1 || self->pending != 0)
    return -1;
  return self->spec.delimiter[0];
}

/**
 * ss_framer_begin_chunk:
 * @time: when the chunk about to be scanned arrived, in microseconds
 *
 * Returns: whether a message ends before this chunk: with an idle gap,
 *   when the stream was quiet that long (a gap of 0 makes each chunk a
 *   message)
 */
gboolean
ss_framer_begin_chunk (SsFramer *self,
                       gint64    time)
{
  gboolean ends;

  ends = ss_framer_idle_expired (self, time);
  self->last_time = time;
  return ends;
}

/**
 * ss_framer_idle_expired:
 * @now: the time now, in microseconds, on the chunks' clock
 *
 * Returns: whether the message being read ended with the stream's
 *   silence since the last chunk (idle gap only); it is then over
 */
gboolean
ss_framer_idle_expired (SsFramer *self,
                        gint64    now)
{
  if (self->spec.mode != SS_FRAMING_IDLE || self->pending == 0 ||
      now - self->last_time < (gint64) self->spec.idle_ms * 1000)
    return FALSE;
  ss_framer_reset (self);
  return TRUE;
}

/* Scans @data for the end of the delimiter; returns the bytes up to and
 * including it, or @len. */
static gsize
scan_delimiter (SsFramer     *self,
                const guint8 *data,
                gsize         len,
                gboolean     *found)
{
  const guint8 *d = self->spec.delimiter;
  guint n = self->spec.delimiter_len;
  gsize i = 0;

  if (n == 1)
    {
      const guint8 *hit = memchr (data, d[0], len);

      *found = hit != NULL;
      return hit != NULL ? (gsize) (hit - data) + 1 : len;
    }

  while (i < len)
    {
      if (self->matched == 0)
        {
          const guint8 *hit = memchr (data + i, d[0], len - i);

          if (hit == NULL)
            break;
          i = hit - data;
        }
      while (self->matched > 0 && data[i] != d[self->matched])
        self->matched = self->failure[self->matched - 1];
      if (data[i] == d[self->matched])
        self->matched++;
      i++;
      if (self->matched == n)
        {
          self->matched = 0;
          *found = TRUE;
          return i;
        }
    }
  *found = FALSE;
  return len;
}

/* The whole message's length from the length field's value, or 0 when it
 * declares less than its header */
static guint64
declared_total (SsFramer *self)
{
  guint64 header = (guint64) self->spec.length_offset + self->spec.length_size;
  gint64 total = (gint64) self->value + self->spec.adjustment;

  if (!self->spec.counts_header)
    total += header;
  return total < (gint64) header ? 0 : (guint64) total;
}

/* Takes header bytes; sets left once the length field is read */
static gsize
scan_header (SsFramer     *self,
             const guint8 *data,
             gsize         len,
             gboolean     *found)
{
  guint64 header = (guint64) self->spec.length_offset + self->spec.length_size;
  gsize n = MIN (len, header - self->pending);

  for (gsize i = 0; i < n; i++)
    {
      guint64 at = self->pending + i;

      if (at < self->spec.length_offset)
        continue;
      at -= self->spec.length_offset;
      if (self->spec.big_endian)
        self->value = self->value << 8 | data[i];
      else
        self->value |= (guint32) data[i] << (8 * at);
    }
  *found = FALSE;
  if (self->pending + n == header)
    {
      guint64 total = declared_total (self);

      if (total == 0)
        {
          self->flags |= SS_FRAME_SHORT;
          *found = TRUE;
        }
      else if (total == header)
        *found = TRUE;
      else
        self->left = total - header;
    }
  return n;
}

/**
 * ss_framer_scan:
 * @data: the next bytes of the stream
 * @flags: (out): #SsFrameFlags for the bytes taken
 *
 * Takes the bytes of @data up to the end of the message being read, or
 * all of them. Call it again with the rest: a chunk may end several
 * messages.
 *
 * Returns: how many bytes of @data were taken (at least 1 when @len is
 *   not 0)
 */
gsize
ss_framer_scan (SsFramer     *self,
                const guint8 *data,
                gsize         len,
                guint        *flags)
{
  gsize limit, n;
  gboolean found = FALSE;

  *flags = 0;
  if (len == 0)
    return 0;
  g_assert (self->pending < self->max);
  limit = (gsize) MIN ((guint64) len, self->max - self->pending);

  switch (self->spec.mode)
    {
    case SS_FRAMING_DELIMITER:
      n = scan_delimiter (self, data, limit, &found);
      break;
    case SS_FRAMING_FIXED:
      if (self->left == 0)
        self->left = self->spec.fixed_length;
      n = (gsize) MIN ((guint64) limit, self->left);
      self->left -= n;
      found = self->left == 0;
      break;
    case SS_FRAMING_LENGTH:
      if (self->left == 0)
        n = scan_header (self, data, limit, &found);
      else
        {
          n = (gsize) MIN ((guint64) limit, self->left);
          self->left -= n;
          found = self->left == 0;
        }
      break;
    case SS_FRAMING_NONE:
    case SS_FRAMING_IDLE:
    case SS_N_FRAMINGS:
    default:
      n = limit;
      break;
    }

  self->pending += n;
  if (found)
    {
      *flags = SS_FRAME_END | self->flags;
      self->pending = 0;
      self->flags = 0;
      self->value = 0;
      self->left = 0;
    }
  else if (self->pending == self->max)
    {
      /* cut: the rest (of the line, or of what the length declared) is
       * read as messages of their own, marked as such; a partial
       * delimiter match goes on, as the stream does */
      *flags = SS_FRAME_END | SS_FRAME_CAPPED;
      self->pending = 0;
      self->flags = SS_FRAME_CAPPED;
    }
  return n;
}
