/* ss-message-splitter.c — a received stream cut into whole messages for
 * what acts on each one, as it arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-message-splitter.h"

/* the room for a message spanning chunks kept between messages */
#define KEPT_ROOM (64 * 1024)

/* The message log (ss-message-log-*.c) only indexes messages: their bytes
 * stay in the traffic log, which may evict them. What acts on a message
 * when it ends needs its bytes then, so the splitter keeps the part of
 * the message still growing, and nothing else: a message inside one
 * chunk is handed over where it is, without a copy. Its framer is the
 * message log's, with the same cap, so both see the same messages. */
struct _SsMessageSplitter
{
  SsFramer   *framer;
  GByteArray *pending;  /* the message still growing, when it spans chunks */
};

/**
 * ss_message_splitter_new:
 * @spec: how messages end (not %SS_FRAMING_NONE); copied
 * @max_message: the longest message, as for ss_framer_new()
 *
 * Returns: (transfer full): a splitter at the start of a stream
 */
SsMessageSplitter *
ss_message_splitter_new (const SsFramerSpec *spec,
                         guint64             max_message)
{
  SsMessageSplitter *self;

  g_return_val_if_fail (spec != NULL && spec->mode != SS_FRAMING_NONE, NULL);

  self = g_new0 (SsMessageSplitter, 1);
  self->framer = ss_framer_new (spec, max_message);
  self->pending = g_byte_array_new ();
  return self;
}

void
ss_message_splitter_free (SsMessageSplitter *self)
{
  if (self == NULL)
    return;
  ss_framer_free (self->framer);
  g_byte_array_unref (self->pending);
  g_free (self);
}

const SsFramerSpec *
ss_message_splitter_get_spec (SsMessageSplitter *self)
{
  return ss_framer_get_spec (self->framer);
}

/* The bytes of the message still growing */
guint64
ss_message_splitter_get_pending (SsMessageSplitter *self)
{
  return ss_framer_get_pending (self->framer);
}

/* The bytes of the message still growing, themselves: valid until the
 * splitter is fed, reset or freed */
const guint8 *
ss_message_splitter_peek_pending (SsMessageSplitter *self,
                                  gsize             *len)
{
  *len = self->pending->len;
  return self->pending->data;
}

/* Back to the start of a message, what was read of one forgotten: after
 * a gap in what is known of the stream */
void
ss_message_splitter_reset (SsMessageSplitter *self)
{
  ss_framer_reset (self->framer);
  g_byte_array_set_size (self->pending, 0);
}

static void
end_pending (SsMessageSplitter *self,
             SsMessageFunc      func,
             gpointer           user_data)
{
  gboolean long_one = self->pending->len > KEPT_ROOM;

  if (func != NULL)
    func (self->pending->data, self->pending->len, user_data);
  if (long_one)
    {
      /* a long message's room is not kept for the short ones after it */
      g_byte_array_unref (self->pending);
      self->pending = g_byte_array_new ();
    }
  else
    g_byte_array_set_size (self->pending, 0);
}

/**
 * ss_message_splitter_feed:
 * @time: when the chunk arrived, in microseconds (for an idle gap)
 * @data: the chunk
 * @func: (nullable): called with each message @data ends, in order;
 *   %NULL to follow the stream without acting on it
 *
 * An empty chunk (an empty datagram) is a message of its own, as it is
 * a row of its own in the message log.
 */
void
ss_message_splitter_feed (SsMessageSplitter *self,
                          gint64             time,
                          const guint8      *data,
                          gsize              len,
                          SsMessageFunc      func,
                          gpointer           user_data)
{
  gsize offset = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || len == 0);

  if (len == 0)
    {
      if (func != NULL)
        func (data, 0, user_data);
      return;
    }
  if (ss_framer_begin_chunk (self->framer, time))
    end_pending (self, func, user_data);

  while (offset < len)
    {
      guint flags;
      gsize n = ss_framer_scan (self->framer, data + offset, len - offset, &flags);

      if (!(flags & SS_FRAME_END))
        g_byte_array_append (self->pending, data + offset, n);
      else if (self->pending->len == 0)
        {
          if (func != NULL)
            func (data + offset, n, user_data);
        }
      else
        {
          g_byte_array_append (self->pending, data + offset, n);
          end_pending (self, func, user_data);
        }
      offset += n;
    }
}

/**
 * ss_message_splitter_close_idle:
 * @now: the time now, on the chunks' clock
 *
 * With an idle gap, ends the message still growing when the stream has
 * been quiet for the gap.
 *
 * Returns: whether a message ended
 */
gboolean
ss_message_splitter_close_idle (SsMessageSplitter *self,
                                gint64             now,
                                SsMessageFunc      func,
                                gpointer           user_data)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!ss_framer_idle_expired (self->framer, now))
    return FALSE;
  end_pending (self, func, user_data);
  return TRUE;
}
