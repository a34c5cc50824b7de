/* ss-relay-output.c — one direction of a relayed pair from what is released to the write: its faults, then the other leg
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a direction has released (read, then past any held items and
 * rewrite rules) comes here. Without faults it goes to the receiving
 * leg at once, as it always did: no copy, no timer. With faults it goes
 * through the direction's SsToxicChain, which says what to do and when
 * (see ss-toxic-chain.h); this file does it: writes, timers for the
 * waits, the end or the reset, and a line in the pair's log for each
 * note. One write action is one send(), so a slicer's slices reach the
 * kernel as separate writes; while the receiving leg's queue holds a
 * short write's rest, nothing more is taken from the chain, so the
 * faults' pacing is the pacing on the wire.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sys/socket.h>

#include "ss-relay-output.h"
#include "ss-socket-options.h"
#include "ss-socket-private.h"

struct _SsRelayOutput
{
  SsSocket             *from;       /* not owned: the pair's legs */
  SsSocket             *to;
  SsToxicDirection      direction;
  SsTrafficLog         *log;        /* the pair's conversation */
  SsRelayOutputEndFunc  end_func;
  gpointer              user_data;

  SsToxicChain         *chain;      /* NULL until faults are given */
  GArray               *specs;      /* of SsToxicSpec: those given, for describe() */
  gboolean              faulty;     /* the pair got at least one of them */
  GSource              *wait;       /* a WAIT's timer */
  gboolean              done;       /* the end or the reset has gone */
  gboolean              stopped;    /* the pair is over: nothing more is done */
};

static void drain (SsRelayOutput *self);

SsRelayOutput *
ss_relay_output_new (SsSocket             *from,
                     SsSocket             *to,
                     SsToxicDirection      direction,
                     SsTrafficLog         *log,
                     SsRelayOutputEndFunc  end_func,
                     gpointer              user_data)
{
  SsRelayOutput *self = g_new0 (SsRelayOutput, 1);

  self->from = from;
  self->to = to;
  self->direction = direction;
  self->log = log;
  self->end_func = end_func;
  self->user_data = user_data;
  self->specs = g_array_new (FALSE, FALSE, sizeof (SsToxicSpec));
  return self;
}

static void
cancel_wait (SsRelayOutput *self)
{
  if (self->wait == NULL)
    return;
  g_source_destroy (self->wait);
  g_clear_pointer (&self->wait, g_source_unref);
}

void
ss_relay_output_free (SsRelayOutput *self)
{
  if (self == NULL)
    return;
  cancel_wait (self);
  g_clear_pointer (&self->chain, ss_toxic_chain_free);
  g_array_unref (self->specs);
  g_free (self);
}

/* The pair is over (a leg closed): timers go, what the chain holds is
 * dropped with it. */
void
ss_relay_output_stop (SsRelayOutput *self)
{
  self->stopped = TRUE;
  cancel_wait (self);
}

/* Without a fault the bytes need not wait in the chain: they go straight
 * to the leg, as without faults at all. */
static gboolean
is_straight (SsRelayOutput *self)
{
  return self->chain == NULL ||
         (!self->faulty && ss_toxic_chain_get_pending (self->chain) == 0 && self->wait == NULL);
}

/**
 * ss_relay_output_set_faults:
 * @specs: (array length=n_specs): the direction's faults now, in order
 *
 * The first call (when the pair is made) draws which faults this pair
 * gets, each by its toxicity, as Toxiproxy does for a new connection;
 * later calls change them live (ss_toxic_chain_update(): nothing held is
 * lost or reordered) and draw again.
 */
void
ss_relay_output_set_faults (SsRelayOutput     *self,
                            const SsToxicSpec *specs,
                            guint              n_specs)
{
  g_return_if_fail (specs != NULL || n_specs == 0);

  g_array_set_size (self->specs, 0);
  g_array_append_vals (self->specs, specs, n_specs);
  if (self->chain == NULL && n_specs == 0)
    return;
  if (self->chain == NULL)
    self->chain = ss_toxic_chain_new (specs, n_specs, NULL);
  else
    ss_toxic_chain_update (self->chain, specs, n_specs, NULL);

  self->faulty = FALSE;
  for (guint i = 0; i < n_specs; i++)
    self->faulty |= ss_toxic_chain_is_active (self->chain, i);
  /* Toxiproxy (Go) has TCP_NODELAY on every connection; without it the
   * kernel joins a slicer's small writes while one is unacknowledged */
  if (self->faulty && self->to != NULL && self->to->state != SS_SOCKET_CLOSED &&
      (self->to->family == AF_INET || self->to->family == AF_INET6))
    ss_socket_set_option (self->to, ss_socket_option_find ("TCP_NODELAY"), 1, NULL);
  /* at once: a timeout counts from here; a changed wait is asked again */
  drain (self);
}

static gboolean
wait_dispatch (GSource     *source,
               GSourceFunc  callback,
               gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs wait_funcs = { NULL, NULL, wait_dispatch, NULL, NULL, NULL };

static gboolean
wait_done_cb (gpointer user_data)
{
  SsRelayOutput *self = user_data;
  /* the pair may end in what follows; its legs must outlive the drain */
  g_autoptr(SsSocket) from = g_object_ref (self->from);
  g_autoptr(SsSocket) to = g_object_ref (self->to);

  g_clear_pointer (&self->wait, g_source_unref);
  drain (self);
  return G_SOURCE_REMOVE;
}

/* A timer at the chain's own time, to the microsecond, on the clock
 * g_get_monotonic_time() reads: it never wakes early. */
static void
arm_wait (SsRelayOutput *self,
          gint64         until_us)
{
  cancel_wait (self);
  self->wait = g_source_new (&wait_funcs, sizeof (GSource));
  g_source_set_ready_time (self->wait, until_us);
  g_source_set_callback (self->wait, wait_done_cb, self, NULL);
  g_source_set_static_name (self->wait, "[sockscope] relay fault wait");
  g_source_attach (self->wait, NULL);
}

static void
log_note (SsRelayOutput *self,
          const char    *note)
{
  if (self->direction == SS_TOXIC_UPSTREAM)
    /* Translators: a line in a relayed pair's log when a fault acted on
     * what the client sent; %s is what it did: "held 250 ms" */
    ss_traffic_log_append_event (self->log, _("Fault, client → server: %s"), note);
  else
    /* Translators: as "Fault, client → server: %s", the other way */
    ss_traffic_log_append_event (self->log, _("Fault, server → client: %s"), note);
  ss_traffic_log_flush_soon (self->log);
}

/* Whether the receiving leg can take a write now: connected, and no
 * earlier write's rest waiting (ss_relay_output_writable() goes on). */
static gboolean
to_is_busy (SsRelayOutput *self)
{
  return self->to->state == SS_SOCKET_CONNECTING || self->to->queued > 0;
}

/* Does what the chain says until it says wait, the leg is busy, or the
 * direction ends. The end is the last thing done: it may end the pair,
 * and @self with it. */
static void
drain (SsRelayOutput *self)
{
  gint64 now = g_get_monotonic_time ();
  gsize pending_before;
  SsToxicAction action;
  gboolean end = FALSE;
  gboolean reset = FALSE;

  if (self->chain == NULL || self->stopped || self->done || to_is_busy (self))
    return;
  /* the chain is asked again: it says when, and a push never makes a
   * wait longer */
  cancel_wait (self);

  pending_before = ss_toxic_chain_get_pending (self->chain);
  while (!self->stopped && !to_is_busy (self) && ss_toxic_chain_next (self->chain, now, &action))
    {
      if (action.note != NULL)
        log_note (self, action.note);
      switch (action.kind)
        {
        case SS_TOXIC_ACTION_WRITE:
          {
            gsize len;
            const guint8 *data = g_bytes_get_data (action.bytes, &len);

            ss_socket_relay_write (self->to, data, len);
          }
          break;
        case SS_TOXIC_ACTION_WAIT:
          arm_wait (self, action.until_us);
          break;
        case SS_TOXIC_ACTION_SHUTDOWN:
          end = TRUE;
          break;
        case SS_TOXIC_ACTION_RESET:
          end = reset = TRUE;
          break;
        default:
          g_assert_not_reached ();
        }
      ss_toxic_action_clear (&action);
      if (end || self->wait != NULL)
        break;
    }

  /* room again in the chain: the sending leg may be read */
  if (!self->stopped && ss_toxic_chain_get_pending (self->chain) < pending_before &&
      self->from->watch != NULL)
    ss_socket_io_update_watch (self->from);
  if (end && !self->stopped)
    {
      self->done = TRUE;
      cancel_wait (self);
      self->end_func (self->user_data, reset);
    }
}

/**
 * ss_relay_output_write:
 * @data: (array length=len): what the direction released; copied when a
 *   fault holds it
 */
void
ss_relay_output_write (SsRelayOutput *self,
                       const guint8  *data,
                       gsize          len)
{
  if (self->stopped || self->done)
    return;
  if (is_straight (self))
    {
      ss_socket_relay_write (self->to, data, len);
      return;
    }
  ss_toxic_chain_push (self->chain, g_get_monotonic_time (), data, len);
  drain (self);
}

/* The sending side ended cleanly: the end goes on after what came
 * before it, through the faults (slow_close holds it). */
void
ss_relay_output_close (SsRelayOutput *self)
{
  if (self->stopped || self->done)
    return;
  if (is_straight (self))
    {
      self->done = TRUE;
      self->end_func (self->user_data, FALSE);
      return;
    }
  ss_toxic_chain_close (self->chain, g_get_monotonic_time ());
  drain (self);
}

/* The receiving leg wrote its queue (or connected): the chain goes on. */
void
ss_relay_output_writable (SsRelayOutput *self)
{
  drain (self);
}

/* What waits in the faults, for the backpressure cap. */
gsize
ss_relay_output_get_pending (SsRelayOutput *self)
{
  return self->chain != NULL ? ss_toxic_chain_get_pending (self->chain) : 0;
}

/**
 * ss_relay_output_describe:
 *
 * Returns: (transfer full) (nullable): the faults this pair got, "Latency
 *   250 ms; Slices of 100 bytes", or NULL for none
 */
char *
ss_relay_output_describe (SsRelayOutput *self)
{
  g_autoptr(GString) text = NULL;

  if (self->chain == NULL)
    return NULL;
  for (guint i = 0; i < self->specs->len; i++)
    {
      SsToxicSpec spec = g_array_index (self->specs, SsToxicSpec, i);
      g_autofree char *what = NULL;

      if (!ss_toxic_chain_is_active (self->chain, i))
        continue;
      /* this pair has it: its share of pairs is not this pair's */
      spec.toxicity = 1.0;
      what = ss_toxic_spec_describe (&spec);
      if (text == NULL)
        text = g_string_new (what);
      else
        g_string_append_printf (text, "; %s", what);
    }
  return text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}
