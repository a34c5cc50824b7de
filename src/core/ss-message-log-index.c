/* ss-message-log-index.c — the message log's index: runs of messages in
 * one record, a length each, the rare ones kept apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-message-log-private.h"

void
ss_message_log_init_index (SsMessageLog *self)
{
  self->lengths = g_ptr_array_new_with_free_func (g_free);
  self->runs = g_ptr_array_new_with_free_func (g_free);
  self->special = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

/* Empties the index, or with @destroy lets it go */
static void
clear_index (SsMessageLog *self,
             gboolean      destroy)
{
  g_ptr_array_set_size (self->lengths, 0);
  g_ptr_array_set_size (self->runs, 0);
  g_hash_table_remove_all (self->special);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  self->n_runs = 0;
  self->run_end = 0;
  self->cached_run = 0;
  if (destroy)
    {
      g_clear_pointer (&self->lengths, g_ptr_array_unref);
      g_clear_pointer (&self->runs, g_ptr_array_unref);
      g_clear_pointer (&self->special, g_hash_table_unref);
    }
}

void
ss_message_log_free_index (SsMessageLog *self)
{
  clear_index (self, FALSE);
}

void
ss_message_log_destroy_index (SsMessageLog *self)
{
  clear_index (self, TRUE);
}

/* What the index allocated, pages whole */
guint64
ss_message_log_index_memory (SsMessageLog *self)
{
  guint64 bytes = (guint64) self->lengths->len * LENGTH_PAGE_SIZE * sizeof (guint16) +
                  (guint64) self->runs->len * RUN_PAGE_SIZE * sizeof (Run) +
                  (guint64) (self->lengths->len + self->runs->len) * sizeof (gpointer);

  /* a hash table node: the key, the value, the hash, and the Special */
  bytes += (guint64) g_hash_table_size (self->special) * (2 * sizeof (gpointer) + sizeof (guint) + sizeof (Special));
  if (self->checks != NULL)
    bytes += (guint64) self->checks->len * (LENGTH_PAGE_SIZE + sizeof (gpointer));
  return bytes;
}

static Special *
lookup_special (SsMessageLog *self,
                guint         position)
{
  return g_hash_table_lookup (self->special, GUINT_TO_POINTER (position + 1));
}

static Special *
ensure_special (SsMessageLog *self,
                guint         position)
{
  Special *special = lookup_special (self, position);

  if (special == NULL)
    {
      special = g_new0 (Special, 1);
      g_hash_table_insert (self->special, GUINT_TO_POINTER (position + 1), special);
    }
  return special;
}

/* A message's flags but its kind and check, without finding where it
 * starts */
guint
ss_message_log_get_rare_flags (SsMessageLog *self,
                               guint         position)
{
  Special *special = g_hash_table_size (self->special) > 0 ? lookup_special (self, position) : NULL;

  return special != NULL ? special->flags : 0;
}

guint64
ss_message_log_get_length (SsMessageLog *self,
                           guint         position)
{
  guint16 length = *length_at (self, position);

  return length != WIDE_LENGTH ? length : lookup_special (self, position)->length;
}

/* A message grows (the one still open in its stream) */
void
ss_message_log_set_length (SsMessageLog *self,
                           guint         position,
                           guint64       length)
{
  guint64 old = ss_message_log_get_length (self, position);

  g_assert (length <= G_MAXUINT32);
  if (length >= WIDE_LENGTH)
    {
      ensure_special (self, position)->length = length;
      *length_at (self, position) = WIDE_LENGTH;
    }
  else
    *length_at (self, position) = length;
  /* the last message of the last run is where the next may follow it */
  if (position == self->n_messages - 1)
    self->run_end += length - old;
}

static guint8 *
check_at (SsMessageLog *self,
          guint         position)
{
  guint8 *page = g_ptr_array_index (self->checks, position >> LENGTH_PAGE_BITS);

  return &page[position & (LENGTH_PAGE_SIZE - 1)];
}

void
ss_message_log_add_flags (SsMessageLog *self,
                          guint         position,
                          guint         flags)
{
  if (flags & CHECK_FLAGS)
    {
      if (self->checks == NULL)
        {
          self->checks = g_ptr_array_new_with_free_func (g_free);
          for (guint i = 0; i < self->lengths->len; i++)
            g_ptr_array_add (self->checks, g_new0 (guint8, LENGTH_PAGE_SIZE));
        }
      *check_at (self, position) |= (flags & CHECK_FLAGS) >> 6;
    }
  if (flags & ~CHECK_FLAGS & ~KIND_MASK)
    ensure_special (self, position)->flags |= flags & ~CHECK_FLAGS & ~KIND_MASK;
}

void
ss_message_log_clear_flags (SsMessageLog *self,
                            guint         position,
                            guint         flags)
{
  Special *special = g_hash_table_size (self->special) > 0 ? lookup_special (self, position) : NULL;

  if (special == NULL)
    return;
  special->flags &= ~flags;
  if (special->flags == 0 && *length_at (self, position) != WIDE_LENGTH)
    g_hash_table_remove (self->special, GUINT_TO_POINTER (position + 1));
}

static guint
get_flags (SsMessageLog *self,
           guint         position,
           guint32       record)
{
  Special *special = g_hash_table_size (self->special) > 0 ? lookup_special (self, position) : NULL;
  guint flags = self->log->records[record].kind;

  if (special != NULL)
    flags |= special->flags;
  if (self->checks != NULL)
    flags |= (guint) *check_at (self, position) << 6;
  return flags;
}

/**
 * ss_message_log_append:
 * @flags: #SsMessageFlags but the kind, which is @record's
 *
 * Returns: the new message's position
 */
guint
ss_message_log_append (SsMessageLog *self,
                       guint32       record,
                       guint32       skip,
                       guint64       length,
                       guint         flags)
{
  guint position = self->n_messages;

  g_return_val_if_fail (position < G_MAXUINT - 1, G_MAXUINT);

  if (self->n_runs == 0 || run_at (self, self->n_runs - 1)->record != record || self->run_end != skip)
    {
      Run *run;

      if ((self->n_runs & (RUN_PAGE_SIZE - 1)) == 0)
        g_ptr_array_add (self->runs, g_new (Run, RUN_PAGE_SIZE));
      run = run_at (self, self->n_runs++);
      run->first = position;
      run->record = record;
      run->skip = skip;
      self->run_end = skip;
    }
  if ((position & (LENGTH_PAGE_SIZE - 1)) == 0)
    {
      g_ptr_array_add (self->lengths, g_new (guint16, LENGTH_PAGE_SIZE));
      if (self->checks != NULL)
        g_ptr_array_add (self->checks, g_new0 (guint8, LENGTH_PAGE_SIZE));
    }
  self->n_messages++;
  *length_at (self, position) = 0;
  ss_message_log_set_length (self, position, length);
  if (flags != 0)
    ss_message_log_add_flags (self, position, flags);
  return position;
}

/* The run @position is in */
guint
ss_message_log_find_run (SsMessageLog *self,
                         guint         position)
{
  guint low = 0, high = self->n_runs;

  g_assert (position < self->n_messages);
  /* views read near where they read last */
  for (guint run = self->cached_run; run < MIN (self->cached_run + 2, self->n_runs); run++)
    if (run_at (self, run)->first <= position &&
        (run + 1 == self->n_runs || run_at (self, run + 1)->first > position))
      return self->cached_run = run;
  while (high - low > 1)
    {
      guint middle = low + (high - low) / 2;

      if (run_at (self, middle)->first <= position)
        low = middle;
      else
        high = middle;
    }
  return self->cached_run = low;
}

static void
iter_enter_run (MessageIter *iter,
                guint        run)
{
  SsMessageLog *self = iter->log;

  iter->run = run;
  iter->run_end = run + 1 < self->n_runs ? run_at (self, run + 1)->first : self->n_messages;
}

void
ss_message_log_iter_init (SsMessageLog *self,
                          MessageIter  *iter,
                          guint         position)
{
  const Run *run;

  iter->log = self;
  iter_enter_run (iter, ss_message_log_find_run (self, position));
  run = run_at (self, iter->run);
  iter->skip = run->skip;
  for (guint i = run->first; i < position; i++)
    iter->skip += ss_message_log_get_length (self, i);
  iter->position = position;
}

void
ss_message_log_iter_read (MessageIter *iter,
                          Message     *message)
{
  SsMessageLog *self = iter->log;

  message->record = run_at (self, iter->run)->record;
  message->skip = iter->skip;
  message->length = ss_message_log_get_length (self, iter->position);
  message->flags = get_flags (self, iter->position, message->record);
}

void
ss_message_log_iter_next (MessageIter *iter)
{
  SsMessageLog *self = iter->log;

  iter->skip += ss_message_log_get_length (self, iter->position);
  iter->position++;
  if (iter->position == iter->run_end && iter->position < self->n_messages)
    {
      iter_enter_run (iter, iter->run + 1);
      iter->skip = run_at (self, iter->run)->skip;
    }
}

void
ss_message_log_iter_prev (MessageIter *iter)
{
  SsMessageLog *self = iter->log;

  g_assert (iter->position > 0);
  iter->position--;
  if (iter->position < run_at (self, iter->run)->first)
    ss_message_log_iter_init (self, iter, iter->position);
  else
    iter->skip -= ss_message_log_get_length (self, iter->position);
}

/* A message whose start the caller knows (a stream's open one): read
 * without summing the lengths of its run before it */
void
ss_message_log_describe (SsMessageLog *self,
                         guint         position,
                         guint32       record,
                         guint32       skip,
                         Message      *message)
{
  message->record = record;
  message->skip = skip;
  message->length = ss_message_log_get_length (self, position);
  message->flags = get_flags (self, position, record);
}

void
ss_message_log_get (SsMessageLog *self,
                    guint         position,
                    Message      *message)
{
  MessageIter iter;

  ss_message_log_iter_init (self, &iter, position);
  ss_message_log_iter_read (&iter, message);
}
