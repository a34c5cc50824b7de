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

#include <string.h>

#include "ss-toxic-chain-private.h"

Item *
ss_toxic_item_new (ItemKind  kind,
                   GBytes   *bytes,
                   gint64    ts)
{
  Item *item = g_new0 (Item, 1);

  item->kind = kind;
  item->bytes = bytes;
  item->ts = ts;
  return item;
}

void
ss_toxic_item_free (Item *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->bytes, g_bytes_unref);
  g_free (item->note);
  g_free (item);
}

/* Takes @note. Notes of several stages on one chunk are said together. */
void
ss_toxic_item_add_note (Item *item,
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

/* The next item out of stage @index, or (-1) of what was pushed. */
Pull
ss_toxic_chain_pull (SsToxicChain *chain,
                     int           index,
                     gint64        now,
                     Item        **out,
                     gint64       *wake)
{
  Item *item;

  if (index >= 0)
    return ss_toxic_stage_pull (chain, index, now, out, wake);

  item = g_queue_peek_head (&chain->input);
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

/* Draws which faults this pair gets, and makes their stages. */
static void
make_stages (SsToxicChain      *chain,
             const SsToxicSpec *specs,
             guint              n_specs,
             GRand             *rand)
{
  g_autoptr(GRand) own_rand = NULL;

  if (rand == NULL)
    rand = own_rand = g_rand_new ();

  chain->active = g_new0 (gboolean, MAX (n_specs, 1));
  chain->n_specs = n_specs;
  chain->stages = g_new0 (Stage, MAX (n_specs, 1));
  chain->n_stages = 0;
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
}

static void
free_stages (SsToxicChain *chain)
{
  for (guint i = 0; i < chain->n_stages; i++)
    {
      g_clear_pointer (&chain->stages[i].head, ss_toxic_item_free);
      g_rand_free (chain->stages[i].rand);
      g_array_unref (chain->stages[i].ranges);
    }
  g_clear_pointer (&chain->stages, g_free);
  g_clear_pointer (&chain->active, g_free);
  chain->n_stages = 0;
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

  g_return_val_if_fail (specs != NULL || n_specs == 0, NULL);

  chain = g_new0 (SsToxicChain, 1);
  g_queue_init (&chain->input);
  make_stages (chain, specs, n_specs, rand);
  return chain;
}

static void
clear_items (SsToxicChain *chain)
{
  Item *item;

  while ((item = g_queue_pop_head (&chain->input)) != NULL)
    ss_toxic_item_free (item);
  for (guint i = 0; i < chain->n_stages; i++)
    g_clear_pointer (&chain->stages[i].head, ss_toxic_item_free);
  chain->pending = 0;
}

void
ss_toxic_chain_free (SsToxicChain *chain)
{
  if (chain == NULL)
    return;
  clear_items (chain);
  free_stages (chain);
  g_free (chain);
}

/**
 * ss_toxic_chain_update:
 * @specs: (array length=n_specs): the direction's faults now, in order
 * @rand: (nullable): as for ss_toxic_chain_new(): the toxicities are drawn again
 *
 * Changes the faults of a pair that is running, as Toxiproxy does when a
 * toxic is added, changed or removed: nothing held is lost, duplicated or
 * reordered. What the faults held goes through the new ones from where
 * it was; a fault's own count starts again (limit_data's bytes,
 * reset_peer's clock), and timeout still counts from the chain's start.
 */
void
ss_toxic_chain_update (SsToxicChain      *chain,
                       const SsToxicSpec *specs,
                       guint              n_specs,
                       GRand             *rand)
{
  GQueue held = G_QUEUE_INIT;
  Item *item;

  g_return_if_fail (chain != NULL);
  g_return_if_fail (specs != NULL || n_specs == 0);

  /* the oldest first: what a later stage holds left the earlier ones first */
  for (int i = (int) chain->n_stages - 1; i >= 0; i--)
    ss_toxic_stage_take_held (chain, i, &held);
  while ((item = g_queue_pop_head (&chain->input)) != NULL)
    g_queue_push_tail (&held, item);
  chain->input = held;

  free_stages (chain);
  make_stages (chain, specs, n_specs, rand);
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
  g_queue_push_tail (&chain->input, ss_toxic_item_new (ITEM_DATA, g_bytes_new (data, len), now_us));
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
  g_queue_push_tail (&chain->input, ss_toxic_item_new (ITEM_END, NULL, now_us));
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

  result = ss_toxic_chain_pull (chain, (int) chain->n_stages - 1, now_us, &item, &wake);
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
  ss_toxic_item_free (item);
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
