/* ss-toxic-chain.c — one direction of a relayed pair through its faults, as a pure function of time
 *
 * The relay pushes what it read, closes when the reading side ends, and
 * asks what to do next at a time of its choosing; nothing here reads a
 * clock, so the faults can be tested without one.
 *
 * The faults are stages in order, as Toxiproxy chains its toxics. Each
 * stage pulls its next chunk from the one before only when it needs one,
 * so a stage holds at most one chunk and the chunks pushed wait in one
 * queue (what ss_toxic_chain_get_pending() counts). Every chunk carries
 * the time it left the stage before (the time it would have left had the
 * relay asked at that very moment): each stage computes its own release
 * time from that, so what comes out, and when, does not depend on how
 * often the relay asks. Each stage has its own random generator, seeded
 * from the caller's, for the same reason.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "ss-toxic-chain.h"

#define US_PER_MS G_GINT64_CONSTANT (1000)

typedef enum
{
  ITEM_DATA,
  ITEM_END,    /* the direction closes: the reading side ended, or a fault closed it */
  ITEM_RESET,
} ItemKind;

typedef struct
{
  ItemKind  kind;
  GBytes   *bytes;  /* ITEM_DATA */
  gint64    ts;     /* when it left the stage before */
  char     *note;
} Item;

typedef enum
{
  PULL_READY,  /* an item, now */
  PULL_WAIT,   /* nothing before *wake */
  PULL_IDLE,   /* nothing until more is pushed or closed */
} Pull;

typedef struct
{
  gsize start;
  gsize end;
} Range;

typedef struct
{
  SsToxicSpec  spec;
  GRand       *rand;
  Item        *head;      /* pulled, not all passed on yet */
  gint64       release;   /* the head's release time once drawn, or -1 */
  gint64       free_at;   /* when this stage can pass its next item */
  gboolean     ended;     /* it has passed an end on: it pulls no more */

  gsize        offset;    /* bandwidth: how much of the head has gone */
  GArray      *ranges;    /* slicer: the head's ranges still to slice, the next last */
  Range        slice;     /* slicer: the next slice, once drawn */
  gboolean     have_slice;
  guint        n_slices;  /* slicer: of the head so far */
  gint64       passed;    /* limit_data */
  gboolean     closing;   /* limit_data: the limit is reached, the end is next */
  gint64       close_ts;
  gint64       deadline;  /* reset_peer: once the first data came; else -1 */
  guint64      dropped;   /* timeout, reset_peer, limit_data */
} Stage;

struct _SsToxicChain
{
  GQueue    input;
  Stage    *stages;     /* only the faults this pair got */
  guint     n_stages;
  gboolean *active;     /* per spec given */
  guint     n_specs;
  gint64    t0;         /* the first time the caller gave */
  gboolean  started;
  gboolean  closed;
  gboolean  finished;
  gsize     pending;
};

static Item *
item_new (ItemKind  kind,
          GBytes   *bytes,
          gint64    ts)
{
  Item *item = g_new0 (Item, 1);

  item->kind = kind;
  item->bytes = bytes;
  item->ts = ts;
  return item;
}

static void
item_free (Item *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->bytes, g_bytes_unref);
  g_free (item->note);
  g_free (item);
}

/* Takes @note. Notes of several stages on one chunk are said together. */
static void
item_add_note (Item *item,
               char *note)
{
  if (note == NULL)
    return;
  if (item->note == NULL)
    {
      item->note = note;
      return;
    }
  {
    char *both = g_strconcat (item->note, "; ", note, NULL);

    g_free (item->note);
    g_free (note);
    item->note = both;
  }
}

/* A part of @item's bytes as an item of its own: shares the bytes, no copy. */
static Item *
item_slice (Item  *item,
            gsize  offset,
            gsize  len,
            gint64 ts)
{
  return item_new (ITEM_DATA, g_bytes_new_from_bytes (item->bytes, offset, len), ts);
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
  item_free (item);
}

static Pull pull (SsToxicChain *chain,
                  int           index,
                  gint64        now,
                  Item        **out,
                  gint64       *wake);

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
  result = pull (chain, index - 1, now, &st->head, wake);
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

  (void) chain;
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
      item_add_note (*out, g_strdup_printf (_("held %s"), ms));
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

  (void) chain;
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
      item_add_note (*out, g_steal_pointer (&head->note));
    }
  (*out)->ts = end;
  st->offset += piece;

  if (st->offset == size)
    {
      gint64 held = end - arrived;

      if (*out != head)
        g_clear_pointer (&st->head, item_free);
      st->offset = 0;
      if (held >= US_PER_MS)
        {
          g_autofree char *ms = format_ms (held);

          /* Translators: what a relay's log says when the bandwidth fault
           * held a chunk back: "held 14 ms at 100 KB/s" */
          item_add_note (*out, g_strdup_printf (_("held %s at %'" PRId64 " KB/s"), ms, rate));
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

  (void) chain;
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
      item_add_note (*out, g_steal_pointer (&head->note));
    }
  (*out)->ts = release;

  if (st->ranges->len == 0)
    {
      if (st->n_slices > 1)
        {
          /* Translators: what a relay's log says when the slicer fault cut
           * a chunk: "sliced 1,400 bytes into 12 writes" */
          item_add_note (*out, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "sliced %'zu bytes into %'u write",
                                                             "sliced %'zu bytes into %'u writes",
                                                             st->n_slices),
                                                size, st->n_slices));
          g_clear_pointer (&st->head, item_free);
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
  Item *item = item_new (kind, NULL, ts);

  item->note = note;
  return item;
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

  (void) now;
  (void) wake;
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
      item_add_note (*out, g_steal_pointer (&head->note));
      chain->pending -= size - remaining;
      st->dropped += size - remaining;
      item_free (head);
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
  while ((result = pull (chain, (int) (st - chain->stages) - 1, now, &item, wake)) == PULL_READY)
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
      char *note;

      if (st->dropped > 0)
        /* Translators: what a relay's log says when the timeout fault
         * closed: "timed out after 5,000 ms; 1,400 bytes dropped" */
        note = g_strdup_printf (_("timed out after %s; %'" PRIu64 " bytes dropped"), ms, st->dropped);
      else
        note = g_strdup_printf (_("timed out after %s"), ms);
      *out = end_item (ITEM_END, deadline, note);
      st->ended = TRUE;
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
  while ((result = pull (chain, before, now, &item, wake)) == PULL_READY)
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
      char *note;

      if (st->dropped > 0)
        /* Translators: what a relay's log says when the reset_peer fault
         * acted: "reset after 250 ms; 1,400 bytes dropped" */
        note = g_strdup_printf (_("reset after %s; %'" PRIu64 " bytes dropped"), ms, st->dropped);
      else
        note = g_strdup_printf (_("reset after %s"), ms);
      *out = end_item (ITEM_RESET, st->deadline, note);
      st->ended = TRUE;
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

  (void) chain;
  if (st->head->kind == ITEM_DATA)
    return pass_head_at (st, st->head->ts, now, out, wake);

  result = pass_head_at (st, st->head->ts + delay, now, out, wake);
  if (result == PULL_READY && delay >= US_PER_MS)
    {
      g_autofree char *ms = format_ms (delay);

      /* Translators: what a relay's log says when the slow_close fault
       * held a close back */
      item_add_note (*out, g_strdup_printf (_("close held %s"), ms));
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

/* The next item out of stage @index (-1: what was pushed). */
static Pull
pull (SsToxicChain *chain,
      int           index,
      gint64        now,
      Item        **out,
      gint64       *wake)
{
  Stage *st;
  Pull result;

  if (index < 0)
    {
      Item *item = g_queue_peek_head (&chain->input);

      if (item == NULL)
        return PULL_IDLE;
      if (item->ts > now)
        {
          /* pushed at a later time than the caller now asks at */
          *wake = item->ts;
          return PULL_WAIT;
        }
      *out = g_queue_pop_head (&chain->input);
      return PULL_READY;
    }

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
    return pull (chain, index, now, out, wake);
  return result;
}

/**
 * ss_toxic_chain_new:
 * @specs: (array length=n_specs): the faults of one direction, in order
 * @rand: (nullable): draws each fault's toxicity now, and seeds the
 *   jitter and the slice sizes; tests pass a seeded one
 *
 * Returns: (transfer full): the chain, for one direction of one pair
 */
SsToxicChain *
ss_toxic_chain_new (const SsToxicSpec *specs,
                    guint              n_specs,
                    GRand             *rand)
{
  SsToxicChain *chain;
  g_autoptr(GRand) own_rand = NULL;

  g_return_val_if_fail (specs != NULL || n_specs == 0, NULL);

  chain = g_new0 (SsToxicChain, 1);
  if (rand == NULL)
    rand = own_rand = g_rand_new ();

  g_queue_init (&chain->input);
  chain->active = g_new0 (gboolean, MAX (n_specs, 1));
  chain->n_specs = n_specs;
  chain->stages = g_new0 (Stage, MAX (n_specs, 1));
  for (guint i = 0; i < n_specs; i++)
    {
      /* always drawn, so one fault's toxicity does not change what the
       * next one draws */
      double draw = g_rand_double (rand);
      guint32 seed = g_rand_int (rand);
      Stage *st;

      if (!ss_toxic_spec_check (&specs[i], NULL))
        {
          g_critical ("%s: fault %u is not valid", G_STRFUNC, i);
          continue;
        }
      chain->active[i] = draw < specs[i].toxicity;
      if (!chain->active[i])
        continue;

      st = &chain->stages[chain->n_stages++];
      st->spec = specs[i];
      st->rand = g_rand_new_with_seed (seed);
      st->release = -1;
      st->free_at = G_MININT64;
      st->deadline = -1;
      st->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
    }
  return chain;
}

static void
clear_items (SsToxicChain *chain)
{
  Item *item;

  while ((item = g_queue_pop_head (&chain->input)) != NULL)
    item_free (item);
  for (guint i = 0; i < chain->n_stages; i++)
    g_clear_pointer (&chain->stages[i].head, item_free);
  chain->pending = 0;
}

void
ss_toxic_chain_free (SsToxicChain *chain)
{
  if (chain == NULL)
    return;
  clear_items (chain);
  for (guint i = 0; i < chain->n_stages; i++)
    {
      g_rand_free (chain->stages[i].rand);
      g_array_unref (chain->stages[i].ranges);
    }
  g_free (chain->stages);
  g_free (chain->active);
  g_free (chain);
}

/* The timeout fault counts from the first time the caller gives. */
static void
start (SsToxicChain *chain,
       gint64        now_us)
{
  if (!chain->started)
    {
      chain->started = TRUE;
      chain->t0 = now_us;
    }
}

/**
 * ss_toxic_chain_push:
 * @data: (array length=len): what was read, copied once
 *
 * After the chain has ended (a SHUTDOWN or RESET came out), data is
 * thrown away.
 */
void
ss_toxic_chain_push (SsToxicChain *chain,
                     gint64        now_us,
                     const guint8 *data,
                     gsize         len)
{
  g_return_if_fail (chain != NULL);
  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (!chain->closed || chain->finished);

  start (chain, now_us);
  if (len == 0 || chain->finished)
    return;
  g_queue_push_tail (&chain->input, item_new (ITEM_DATA, g_bytes_new (data, len), now_us));
  chain->pending += len;
}

/* The reading side ended (EOF): a SHUTDOWN comes out after the data. */
void
ss_toxic_chain_close (SsToxicChain *chain,
                      gint64        now_us)
{
  g_return_if_fail (chain != NULL);

  start (chain, now_us);
  if (chain->closed || chain->finished)
    return;
  chain->closed = TRUE;
  g_queue_push_tail (&chain->input, item_new (ITEM_END, NULL, now_us));
}

/**
 * ss_toxic_chain_next:
 * @out: (out caller-allocates): the action, to be cleared with
 *   ss_toxic_action_clear()
 *
 * What to do now. Call it again after each action, after a WAIT's time
 * comes, and after each push or close.
 *
 * Returns: FALSE when there is nothing to do now and nothing pending (no
 * WAIT either): the next push or close starts it again
 */
gboolean
ss_toxic_chain_next (SsToxicChain  *chain,
                     gint64         now_us,
                     SsToxicAction *out)
{
  Item *item = NULL;
  gint64 wake = G_MAXINT64;
  Pull result;

  g_return_val_if_fail (chain != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  start (chain, now_us);
  if (chain->finished)
    return FALSE;

  result = pull (chain, (int) chain->n_stages - 1, now_us, &item, &wake);
  if (result == PULL_IDLE)
    return FALSE;
  if (result == PULL_WAIT)
    {
      g_assert (wake > now_us);
      out->kind = SS_TOXIC_ACTION_WAIT;
      out->until_us = wake;
      return TRUE;
    }

  out->note = g_steal_pointer (&item->note);
  switch (item->kind)
    {
    case ITEM_DATA:
      out->kind = SS_TOXIC_ACTION_WRITE;
      out->bytes = g_steal_pointer (&item->bytes);
      g_assert (chain->pending >= g_bytes_get_size (out->bytes));
      chain->pending -= g_bytes_get_size (out->bytes);
      break;
    case ITEM_END:
      out->kind = SS_TOXIC_ACTION_SHUTDOWN;
      break;
    case ITEM_RESET:
      out->kind = SS_TOXIC_ACTION_RESET;
      break;
    default:
      g_assert_not_reached ();
    }
  if (item->kind != ITEM_DATA)
    {
      /* nothing more goes this way: what is held is thrown away */
      chain->finished = TRUE;
      clear_items (chain);
    }
  item_free (item);
  return TRUE;
}

void
ss_toxic_action_clear (SsToxicAction *action)
{
  g_return_if_fail (action != NULL);

  g_clear_pointer (&action->bytes, g_bytes_unref);
  g_clear_pointer (&action->note, g_free);
  memset (action, 0, sizeof *action);
}

/* Bytes pushed and neither written nor thrown away: the relay stops
 * reading while this is over its cap. */
gsize
ss_toxic_chain_get_pending (SsToxicChain *chain)
{
  g_return_val_if_fail (chain != NULL, 0);
  return chain->pending;
}

/* Whether this pair got fault @index of those given (its toxicity). */
gboolean
ss_toxic_chain_is_active (SsToxicChain *chain,
                          guint         index)
{
  g_return_val_if_fail (chain != NULL, FALSE);
  g_return_val_if_fail (index < chain->n_specs, FALSE);
  return chain->active[index];
}

/* A SHUTDOWN or RESET came out: nothing more will. */
gboolean
ss_toxic_chain_is_finished (SsToxicChain *chain)
{
  g_return_val_if_fail (chain != NULL, FALSE);
  return chain->finished;
}
