/* ss-toxic-stages.c — each relay fault's step: what it passes on, and when
 *
 * A stage is asked for its next item at a time; it answers with one, or
 * with the time to ask again, from the times its items carry (never the
 * time it is asked), so that how often it is asked changes nothing.
 * Adding a fault is a step here, a row in stage_kinds, a row in
 * ss-toxic-spec.c's table, and its test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-toxic-chain-private.h"

/* A part of @item's bytes as an item of its own: shares the bytes, no copy. */
static Item *
item_slice (Item  *item,
            gsize  offset,
            gsize  len,
            gint64 ts)
{
  return ss_toxic_item_new (ITEM_DATA, g_bytes_new_from_bytes (item->bytes, offset, len), ts);
}

static gsize
item_size (Item *item)
{
  return item->kind == ITEM_DATA ? g_bytes_get_size (item->bytes) : 0;
}

static char *
format_ms (gint64 us)
{
  /* Translators: how long a relay fault held data back */
  return g_strdup_printf (_("%'" PRId64 " ms"), (us + US_PER_MS / 2) / US_PER_MS);
}

/* Data a fault throws away is no longer pending. */
static void
drop_item (SsToxicChain *chain,
           Stage        *st,
           Item         *item)
{
  gsize size = item_size (item);

  g_assert (chain->pending >= size);
  chain->pending -= size;
  st->dropped += size;
  ss_toxic_item_free (item);
}

static Pull
ensure_head (SsToxicChain *chain,
             int           index,
             gint64        now,
             gint64       *wake)
{
  Stage *st = &chain->stages[index];
  Pull result;

  if (st->head != NULL)
    return PULL_READY;
  result = ss_toxic_chain_pull (chain, index - 1, now, &st->head, wake);
  st->release = -1;
  return result;
}

/* Passes the head on at @release, or says to wait for it. */
static Pull
pass_head_at (Stage   *st,
              gint64   release,
              gint64   now,
              Item   **out,
              gint64  *wake)
{
  if (release > now)
    {
      *wake = release;
      return PULL_WAIT;
    }
  *out = g_steal_pointer (&st->head);
  (*out)->ts = release;
  st->free_at = release;
  if ((*out)->kind != ITEM_DATA)
    st->ended = TRUE;
  return PULL_READY;
}

/* An end goes on once what came before it has gone. */
static Pull
pass_end (Stage   *st,
          gint64   now,
          Item   **out,
          gint64  *wake)
{
  return pass_head_at (st, MAX (st->head->ts, st->free_at), now, out, wake);
}

static Pull
pull_latency (SsToxicChain *chain,
              Stage        *st,
              gint64        now,
              Item        **out,
              gint64       *wake)
{
  Item *head = st->head;
  gint64 arrived;
  Pull result;

  if (head->kind != ITEM_DATA)
    return pass_end (st, now, out, wake);

  if (st->release < 0)
    {
      gint64 delay = st->spec.params[SS_TOXIC_LATENCY_MS] * US_PER_MS;
      gint64 jitter = st->spec.params[SS_TOXIC_JITTER_MS] * US_PER_MS;

      /* Toxiproxy's latency ± jitter, from when the chunk came: a later
       * chunk with less jitter still waits for the one before */
      if (jitter > 0)
        delay += (gint64) g_rand_double_range (st->rand, (double) -jitter, (double) jitter);
      st->release = MAX (head->ts + MAX (delay, 0), st->free_at);
    }

  arrived = head->ts;
  result = pass_head_at (st, st->release, now, out, wake);
  if (result == PULL_READY && st->release - arrived >= US_PER_MS)
    {
      g_autofree char *ms = format_ms (st->release - arrived);

      /* Translators: what a relay's log says when latency held a chunk */
      ss_toxic_item_add_note (*out, g_strdup_printf (_("held %s"), ms));
    }
  return result;
}

static Pull
pull_bandwidth (SsToxicChain *chain,
                Stage        *st,
                gint64        now,
                Item        **out,
                gint64       *wake)
{
  Item *head = st->head;
  gint64 rate = st->spec.params[SS_TOXIC_RATE_KBPS];
  gsize size, piece;
  gint64 start, end, arrived;

  if (head->kind != ITEM_DATA)
    return pass_end (st, now, out, wake);

  /* at most 100 ms of bytes at a time, as Toxiproxy, so a big chunk flows
   * rather than coming all at once at the end */
  size = g_bytes_get_size (head->bytes);
  piece = MIN (size - st->offset, (gsize) rate * 100);
  start = MAX (head->ts, st->free_at);
  /* rounded up: never faster than the rate (KB/s = bytes per ms) */
  end = start + ((gint64) piece * US_PER_MS + rate - 1) / rate;
  if (end > now)
    {
      *wake = end;
      return PULL_WAIT;
    }

  arrived = head->ts;
  st->free_at = end;
  if (st->offset == 0 && piece == size)
    *out = g_steal_pointer (&st->head);
  else
    {
      *out = item_slice (head, st->offset, piece, end);
      /* what the faults before said goes with the first piece */
      ss_toxic_item_add_note (*out, g_steal_pointer (&head->note));
    }
  (*out)->ts = end;
  st->offset += piece;

  if (st->offset == size)
    {
      gint64 held = end - arrived;

      if (*out != head)
        g_clear_pointer (&st->head, ss_toxic_item_free);
      st->offset = 0;
      if (held >= US_PER_MS)
        {
          g_autofree char *ms = format_ms (held);

          /* Translators: what a relay's log says when the bandwidth fault
           * held a chunk back: "held 14 ms at 100 KB/s" */
          ss_toxic_item_add_note (*out, g_strdup_printf (_("held %s at %'" PRId64 " KB/s"), ms, rate));
        }
    }
  return PULL_READY;
}

/* Toxiproxy's slicer: halve around the middle, moved by up to the
 * variation, until a part is no bigger than average + variation. Drawn a
 * slice at a time, so a megabyte in one-byte slices holds a few ranges,
 * not a million. */
static void
draw_slice (Stage *st)
{
  gint64 average = st->spec.params[SS_TOXIC_AVERAGE_SIZE];
  gint64 variation = st->spec.params[SS_TOXIC_SIZE_VARIATION];

  if (st->ranges->len == 0)
    {
      Range whole = { 0, g_bytes_get_size (st->head->bytes) };

      g_array_append_val (st->ranges, whole);
    }

  for (;;)
    {
      Range range = g_array_index (st->ranges, Range, st->ranges->len - 1);
      gint64 size = (gint64) (range.end - range.start);
      gint64 mid;
      Range left, right;

      g_array_set_size (st->ranges, st->ranges->len - 1);
      if (size <= average + variation)
        {
          st->slice = range;
          st->have_slice = TRUE;
          return;
        }

      mid = size / 2;
      if (variation > 0)
        mid += g_rand_int_range (st->rand, (gint32) -variation, (gint32) variation);
      /* Toxiproxy can make empty parts (and loop) when the variation is
       * larger than the average; every part here has a byte */
      mid = CLAMP (mid, 1, size - 1);
      left = (Range) { range.start, range.start + (gsize) mid };
      right = (Range) { left.end, range.end };
      g_array_append_val (st->ranges, right);
      g_array_append_val (st->ranges, left);
    }
}

static Pull
pull_slicer (SsToxicChain *chain,
             Stage        *st,
             gint64        now,
             Item        **out,
             gint64       *wake)
{
  Item *head = st->head;
  gsize size;
  gint64 release;

  if (head->kind != ITEM_DATA)
    return pass_end (st, now, out, wake);

  if (!st->have_slice)
    draw_slice (st);

  release = MAX (head->ts, st->free_at);
  if (release > now)
    {
      *wake = release;
      return PULL_WAIT;
    }

  size = g_bytes_get_size (head->bytes);
  st->have_slice = FALSE;
  st->n_slices++;
  st->free_at = release + st->spec.params[SS_TOXIC_DELAY_US];
  if (st->slice.start == 0 && st->slice.end == size)
    *out = g_steal_pointer (&st->head);
  else
    {
      *out = item_slice (head, st->slice.start, st->slice.end - st->slice.start, release);
      /* what the faults before said goes with the first slice */
      ss_toxic_item_add_note (*out, g_steal_pointer (&head->note));
    }
  (*out)->ts = release;

  if (st->ranges->len == 0)
    {
      if (st->n_slices > 1)
        {
          /* Translators: what a relay's log says when the slicer fault cut
           * a chunk: "sliced 1,400 bytes into 12 writes" */
          ss_toxic_item_add_note (*out, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "sliced %'zu bytes into %'u write",
                                                             "sliced %'zu bytes into %'u writes",
                                                             st->n_slices),
                                                size, st->n_slices));
          g_clear_pointer (&st->head, ss_toxic_item_free);
        }
      st->n_slices = 0;
    }
  return PULL_READY;
}

static Item *
end_item (ItemKind  kind,
          gint64    ts,
          char     *note)
{
  Item *item = ss_toxic_item_new (kind, NULL, ts);

  item->note = note;
  return item;
}

/* The stage's own end, which says what it threw away: takes @note. */
static Item *
end_dropping (Stage    *st,
              ItemKind  kind,
              gint64    ts,
              char     *note)
{
  st->ended = TRUE;
  if (st->dropped > 0)
    {
      char *with = g_strdup_printf (
        /* Translators: a fault's note, and what it threw away:
         * "timed out after 5,000 ms; 1,400 bytes dropped" */
        _("%s; %'" PRIu64 " bytes dropped"), note, st->dropped);

      g_free (note);
      note = with;
    }
  return end_item (kind, ts, note);
}

static Pull
pull_limit_data (SsToxicChain *chain,
                 Stage        *st,
                 gint64        now,
                 Item        **out,
                 gint64       *wake)
{
  gint64 limit = st->spec.params[SS_TOXIC_BYTES];
  Item *head = st->head;
  gsize size, remaining;

  if (head->kind != ITEM_DATA)
    return pass_head_at (st, head->ts, now, out, wake);

  size = g_bytes_get_size (head->bytes);
  remaining = (gsize) MAX (limit - st->passed, 0);
  st->head = NULL;
  if (remaining == 0)
    {
      /* limit_data 0: closes on the first data, as Toxiproxy */
      st->close_ts = head->ts;
      st->closing = TRUE;
      drop_item (chain, st, head);
      return PULL_IDLE;
    }

  if (size > remaining)
    {
      *out = item_slice (head, 0, remaining, head->ts);
      ss_toxic_item_add_note (*out, g_steal_pointer (&head->note));
      chain->pending -= size - remaining;
      st->dropped += size - remaining;
      ss_toxic_item_free (head);
      size = remaining;
    }
  else
    *out = head;

  st->passed += size;
  if (st->passed >= limit)
    {
      st->closing = TRUE;
      st->close_ts = (*out)->ts;
    }
  return PULL_READY;
}

static Pull
pull_timeout (SsToxicChain *chain,
              Stage        *st,
              gint64        now,
              Item        **out,
              gint64       *wake)
{
  gint64 timeout = st->spec.params[SS_TOXIC_TIMEOUT_MS] * US_PER_MS;
  gint64 deadline = timeout > 0 ? chain->t0 + timeout : G_MAXINT64;
  Item *item = NULL;
  Pull result;

  /* passes nothing: everything before the deadline is thrown away, as
   * Toxiproxy does, so a sender that goes on is not held in memory */
  while ((result = ss_toxic_chain_pull (chain, (int) (st - chain->stages) - 1, now, &item, wake)) == PULL_READY)
    {
      if (item->kind != ITEM_DATA && item->ts < deadline)
        {
          /* the input ended first: the direction closes then */
          *out = item;
          st->ended = TRUE;
          return PULL_READY;
        }
      drop_item (chain, st, item);
    }

  if (deadline <= now)
    {
      g_autofree char *ms = format_ms (timeout);

      /* Translators: what a relay's log says when the timeout fault
       * closed: "timed out after 5,000 ms" */
      *out = end_dropping (st, ITEM_END, deadline, g_strdup_printf (_("timed out after %s"), ms));
      return PULL_READY;
    }

  if (deadline == G_MAXINT64)
    return result;
  *wake = result == PULL_WAIT ? MIN (*wake, deadline) : deadline;
  return PULL_WAIT;
}

static Pull
pull_reset_peer (SsToxicChain *chain,
                 Stage        *st,
                 gint64        now,
                 Item        **out,
                 gint64       *wake)
{
  int before = (int) (st - chain->stages) - 1;
  Item *item = NULL;
  Pull result;

  /* As Toxiproxy: the clock starts with the first data (or the end),
   * which is dropped, as is everything after it. */
  while ((result = ss_toxic_chain_pull (chain, before, now, &item, wake)) == PULL_READY)
    {
      if (st->deadline < 0)
        st->deadline = item->ts + st->spec.params[SS_TOXIC_TIMEOUT_MS] * US_PER_MS;
      drop_item (chain, st, item);
    }
  if (st->deadline < 0)
    return result;

  if (st->deadline <= now)
    {
      g_autofree char *ms = format_ms (st->spec.params[SS_TOXIC_TIMEOUT_MS] * US_PER_MS);

      /* Translators: what a relay's log says when the reset_peer fault
       * acted: "reset after 250 ms" */
      *out = end_dropping (st, ITEM_RESET, st->deadline, g_strdup_printf (_("reset after %s"), ms));
      return PULL_READY;
    }
  *wake = st->deadline;
  return PULL_WAIT;
}

static Pull
pull_slow_close (SsToxicChain *chain,
                 Stage        *st,
                 gint64        now,
                 Item        **out,
                 gint64       *wake)
{
  gint64 delay = st->spec.params[SS_TOXIC_DELAY_MS] * US_PER_MS;
  Pull result;

  if (st->head->kind == ITEM_DATA)
    return pass_head_at (st, st->head->ts, now, out, wake);

  result = pass_head_at (st, st->head->ts + delay, now, out, wake);
  if (result == PULL_READY && delay >= US_PER_MS)
    {
      g_autofree char *ms = format_ms (delay);

      /* Translators: what a relay's log says when the slow_close fault
       * held a close back */
      ss_toxic_item_add_note (*out, g_strdup_printf (_("close held %s"), ms));
    }
  return result;
}

typedef Pull (*PullFunc) (SsToxicChain *chain,
                          Stage        *st,
                          gint64        now,
                          Item        **out,
                          gint64       *wake);

/* Whether the stage works on its head (the others pull themselves). */
static const struct
{
  PullFunc pull;
  gboolean uses_head;
} stage_kinds[SS_N_TOXIC_KINDS] = {
  [SS_TOXIC_LATENCY] = { pull_latency, TRUE },
  [SS_TOXIC_BANDWIDTH] = { pull_bandwidth, TRUE },
  [SS_TOXIC_SLICER] = { pull_slicer, TRUE },
  [SS_TOXIC_LIMIT_DATA] = { pull_limit_data, TRUE },
  [SS_TOXIC_TIMEOUT] = { pull_timeout, FALSE },
  [SS_TOXIC_RESET_PEER] = { pull_reset_peer, FALSE },
  [SS_TOXIC_SLOW_CLOSE] = { pull_slow_close, TRUE },
};

/* The next item out of stage @index: the stage's own step, by its kind. */
Pull
ss_toxic_stage_pull (SsToxicChain *chain,
                     int           index,
                     gint64        now,
                     Item        **out,
                     gint64       *wake)
{
  Stage *st;
  Pull result;

  st = &chain->stages[index];
  if (st->closing)
    {
      g_autofree char *bytes = g_strdup_printf ("%'" PRId64, st->passed);

      /* Translators: what a relay's log says when the limit_data fault
       * closed: "closed after 10,000 bytes" */
      *out = end_item (ITEM_END, st->close_ts, g_strdup_printf (_("closed after %s bytes"), bytes));
      st->closing = FALSE;
      st->ended = TRUE;
      return PULL_READY;
    }
  if (st->ended)
    return PULL_IDLE;

  if (stage_kinds[st->spec.kind].uses_head)
    {
      result = ensure_head (chain, index, now, wake);
      if (result != PULL_READY)
        return result;
    }
  result = stage_kinds[st->spec.kind].pull (chain, st, now, out, wake);
  /* limit_data 0 turns data into its close without passing anything */
  if (result == PULL_IDLE && st->closing)
    return ss_toxic_stage_pull (chain, index, now, out, wake);
  return result;
}

/* What stage @index holds, appended to @into as items of their own (the
 * part of its head not passed on yet, the close limit_data is about to
 * make), for ss_toxic_chain_update(); the stage holds nothing after. */
void
ss_toxic_stage_take_held (SsToxicChain *chain,
                          int           index,
                          GQueue       *into)
{
  Stage *st = &chain->stages[index];
  Item *head = g_steal_pointer (&st->head);
  gsize from = 0;
  Item *end = NULL;

  if (st->closing && ss_toxic_stage_pull (chain, index, G_MININT64, &end, NULL) == PULL_READY)
    g_queue_push_tail (into, end);
  if (head == NULL)
    return;

  if (head->kind == ITEM_DATA)
    {
      gsize size = g_bytes_get_size (head->bytes);

      if (st->spec.kind == SS_TOXIC_BANDWIDTH)
        from = st->offset;
      else if (st->spec.kind == SS_TOXIC_SLICER)
        {
          /* slices go left to right: the next one starts what is left */
          if (st->have_slice)
            from = st->slice.start;
          else if (st->ranges->len > 0)
            from = g_array_index (st->ranges, Range, st->ranges->len - 1).start;
        }
      g_assert (from < size);
      if (from > 0)
        {
          Item *rest = item_slice (head, from, size - from, head->ts);

          ss_toxic_item_free (head);
          head = rest;
        }
    }
  g_queue_push_tail (into, head);
}
