/* ss-message-log-find.c — searching messages: Find on whole messages,
 * and their positions in a view filtered by direction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-message-log-private.h"

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
  bytes = ss_message_log_dup_bytes (self, message, &n_chunks);
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
      MessageIter iter;

      ss_message_log_iter_init (self, &iter, MIN (from, self->n_published - 1));
      for (;;)
        {
          Message message;

          ss_message_log_iter_read (&iter, &message);
          if (message_matches (self, &message, needle, needle_len, kinds))
            return iter.position;
          if (iter.position == 0)
            break;
          ss_message_log_iter_prev (&iter);
        }
    }
  else if (from < self->n_published)
    {
      MessageIter iter;

      ss_message_log_iter_init (self, &iter, from);
      for (; iter.position < self->n_published; ss_message_log_iter_next (&iter))
        {
          Message message;

          ss_message_log_iter_read (&iter, &message);
          if (message_matches (self, &message, needle, needle_len, kinds))
            return iter.position;
        }
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

  /* a run's messages are its record's kind */
  end = MIN (end, self->n_published);
  for (guint r = 0; r < self->n_runs && run_at (self, r)->first < end; r++)
    {
      guint run_end = r + 1 < self->n_runs ? run_at (self, r + 1)->first : self->n_messages;

      if ((kinds >> self->log->records[run_at (self, r)->record].kind) & 1)
        count += MIN (run_end, end) - run_at (self, r)->first;
    }
  return count;
}

/* ss_traffic_log_nth_of_kinds() for messages */
guint
ss_message_log_nth_of_kinds (SsMessageLog *self,
                             guint         kinds,
                             guint         n)
{
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (self), G_MAXUINT);

  for (guint r = 0; r < self->n_runs && run_at (self, r)->first < self->n_published; r++)
    {
      guint first = run_at (self, r)->first;
      guint run_end = MIN (r + 1 < self->n_runs ? run_at (self, r + 1)->first : self->n_messages,
                           self->n_published);

      if (!((kinds >> self->log->records[run_at (self, r)->record].kind) & 1))
        continue;
      if (n < run_end - first)
        return first + n;
      n -= run_end - first;
    }
  return G_MAXUINT;
}
