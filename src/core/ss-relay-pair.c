/* ss-relay-pair.c — a relayed conversation: a client's leg and the server's, forwarded both ways
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client's leg is a connection its relay (a listener) accepted; the
 * server's leg is a socket of the pair's own, connected to the target.
 * Each leg's socket reads and writes as any socket does (its traffic log,
 * its call log), and tells its pair what happened; the pair decides what
 * goes where.
 *
 * Each direction is one pipeline: read from one leg → its stage (the
 * relay's rewrite rules, then held items: ss-relay-stage.c) → forward():
 * the direction's faults (SsRelayOutput, ss-relay-output.c) → the other
 * leg's send queue. A direction reads only while its held items, its
 * faults and that queue hold less than SS_RELAY_PAIR_MAX_BUFFERED, so
 * memory never grows with what is relayed. A clean end (recv() returned
 * 0) waits for the held items before it, then goes the same way
 * (forward_end()) and is passed on as shutdown(SHUT_WR) once what came
 * before it is written; a reset as a reset (SO_LINGER 0, then close).
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/socket.h>

#include "ss-constants.h"
#include "ss-error.h"
#include "ss-relay-output.h"
#include "ss-relay-pair.h"
#include "ss-relay-stage.h"
#include "ss-socket-options.h"
#include "ss-socket-private.h"

typedef struct
{
  SsRelayPair   *pair;
  SsSocket      *from;
  SsSocket      *to;
  SsRelayStage  *stage;      /* rewrite rules and held items */
  SsRelayOutput *output;     /* its faults, then @to */
  guint          from_ended : 1; /* @from's peer closed its side */
  guint          end_sent : 1;   /* ...and, nothing held before it, the end went to the faults */
  guint          ended : 1;  /* @from's end came through the faults */
  guint          passed : 1; /* ...and @to was shut down for writing */
} SsRelayDirection;

struct _SsRelayPair
{
  SsSocket         *client;   /* owns the pair */
  SsSocket         *server;   /* owned by the pair */
  SsAddress        *target;
  SsRelayDirection  upstream;    /* client → server */
  SsRelayDirection  downstream;  /* server → client */
  guint             closing : 1;
};

static SsRelayDirection *
direction_from (SsRelayPair *self,
                SsSocket    *leg)
{
  return leg == self->client ? &self->upstream : &self->downstream;
}

static SsRelayDirection *
direction_to (SsRelayPair *self,
              SsSocket    *leg)
{
  return leg == self->client ? &self->downstream : &self->upstream;
}

static void forward (SsRelayPair      *self,
                     SsRelayDirection *direction,
                     const guint8     *data,
                     gsize             len);
static void end_when_released (SsRelayPair      *self,
                               SsRelayDirection *direction);

/* Intercept: what a direction's stage lets through goes on to forward(),
 * and held bytes count against the direction's limit. */
static SsRelayDirection *
direction_of_stage (SsRelayPair  *self,
                    SsRelayStage *stage)
{
  return stage == self->upstream.stage ? &self->upstream : &self->downstream;
}

static void
stage_forward_cb (gpointer      user_data,
                  SsRelayStage *stage,
                  const guint8 *data,
                  gsize         len)
{
  SsRelayPair *self = user_data;

  forward (self, direction_of_stage (self, stage), data, len);
}

/* held bytes left: the reading side may read again, an end may pass */
static void
stage_settled_cb (gpointer      user_data,
                  SsRelayStage *stage)
{
  SsRelayPair *self = user_data;
  SsRelayDirection *direction = direction_of_stage (self, stage);

  if (direction->from != NULL && direction->from->watch != NULL)
    ss_socket_io_update_watch (direction->from);
  end_when_released (self, direction);
}

static void
start_stages (SsRelayPair *self)
{
  SsRelayIntercept *intercept = ss_socket_get_relay_intercept (self->client);
  const char *label = ss_socket_get_peer_address (self->client);

  if (intercept == NULL)
    return;
  self->upstream.stage = ss_relay_stage_new (intercept, SS_INTERCEPT_UPSTREAM, self->client->traffic,
                                             label, stage_forward_cb, stage_settled_cb, self);
  self->downstream.stage = ss_relay_stage_new (intercept, SS_INTERCEPT_DOWNSTREAM, self->client->traffic,
                                               label, stage_forward_cb, stage_settled_cb, self);
  /* the rewrite rules see messages as the relay's framing cuts them */
  ss_relay_stage_follow_framing (self->upstream.stage, self->client);
  ss_relay_stage_follow_framing (self->downstream.stage, self->client);
}

/* Bytes of the person's: @direction says which leg gets them, after
 * what the direction forwarded before, through its faults. */
gboolean
ss_relay_pair_inject (SsRelayPair          *self,
                      SsInterceptDirection  direction,
                      GBytes               *bytes)
{
  SsRelayDirection *way = direction == SS_INTERCEPT_UPSTREAM ? &self->upstream : &self->downstream;

  if (way->stage == NULL || way->to == NULL || way->to->state != SS_SOCKET_CONNECTED ||
      way->to->failure != 0 || way->to->write_shut)
    return FALSE;
  ss_relay_stage_inject (way->stage, bytes);
  return TRUE;
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SsSocket *server = SS_SOCKET (object);
  g_autoptr(GError) error = NULL;
  gboolean connected = ss_socket_connect_finish (server, result, &error);
  SsRelayPair *self = server->relay_pair;

  /* the pair may have ended while connecting */
  if (self == NULL)
    return;

  if (!connected)
    {
      g_autofree char *target = ss_address_to_string (self->target);

      ss_traffic_log_append_event (self->client->traffic,
                                   _("The relay could not connect to %s: %s; closing the client’s connection"),
                                   target, error->message);
      ss_socket_close (self->client);
      return;
    }

  {
    g_autofree char *target = ss_address_to_string (self->target);

    ss_traffic_log_append_event (self->client->traffic,
                                 _("Relaying to %s from %s"), target,
                                 ss_socket_get_local_address (server));
    ss_traffic_log_flush (self->client->traffic);
  }
  /* what the client sent while this connected may be read now */
  ss_relay_output_writable (self->upstream.output);
  ss_socket_io_update_watch (self->client);
  ss_socket_io_update_watch (server);
}

static void pass_end (SsRelayPair *self, SsRelayDirection *direction);
static void reset_pair (SsRelayPair *self);

/* The direction's faults let its end through, or reset the pair. */
static void
output_end_cb (gpointer user_data,
               gboolean reset)
{
  SsRelayDirection *direction = user_data;

  if (reset)
    {
      reset_pair (direction->pair);
      return;
    }
  direction->ended = TRUE;
  pass_end (direction->pair, direction);
}

/* What faults act on the pair, in the person's words: each direction's
 * on a line of its own (@separator between them). */
static char *
describe_faults (SsRelayPair *self,
                 const char  *separator)
{
  g_autofree char *up = ss_relay_output_describe (self->upstream.output);
  g_autofree char *down = ss_relay_output_describe (self->downstream.output);
  g_autofree char *up_line = NULL;
  g_autofree char *down_line = NULL;

  /* Translators: the faults acting on what a relayed pair's client
   * sends: "client → server: Latency 250 ms", or "…: none" */
  up_line = g_strdup_printf (_("client → server: %s"), up != NULL ? up : C_("faults", "none"));
  /* Translators: as "client → server: %s", the other way */
  down_line = g_strdup_printf (_("server → client: %s"), down != NULL ? down : C_("faults", "none"));
  return g_strconcat (up_line, separator, down_line, NULL);
}

static void
log_faults (SsRelayPair *self,
            gboolean     changed)
{
  g_autofree char *faults = describe_faults (self, "; ");

  if (changed)
    ss_traffic_log_append_event (self->client->traffic,
                                 _("The relay’s faults changed; acting on this pair now: %s"), faults);
  else
    ss_traffic_log_append_event (self->client->traffic, _("Faults acting on this pair: %s"), faults);
  ss_traffic_log_flush_soon (self->client->traffic);
}

/**
 * ss_relay_pair_start:
 * @client: a connection a relay accepted; it owns the pair
 * @target: where the relay forwards to
 *
 * Makes the server's leg and connects it without blocking. Until it is
 * connected nothing is read from the client; a refused connect closes
 * the client's connection with the reason in its log.
 *
 * Returns: (transfer full): the pair, for @client to keep
 */
SsRelayPair *
ss_relay_pair_start (SsSocket        *client,
                     const SsAddress *target)
{
  g_autoptr(GError) error = NULL;
  SsRelayPair *self;

  self = g_new0 (SsRelayPair, 1);
  self->client = client;
  self->target = ss_address_copy (target);
  self->upstream.from = client;
  self->downstream.to = client;
  client->relay_pair = self;
  ss_traffic_log_set_relayed (client->traffic, TRUE);

  self->server = ss_socket_new (client->calls, ss_address_get_family (target),
                                SOCK_STREAM, 0, &error);
  if (self->server == NULL)
    {
      ss_traffic_log_append_event (client->traffic, _("The relay could not make its socket: %s"),
                                   error->message);
      ss_socket_close (client);
      return self;
    }
  /* The pair's conversation is the client's leg's log: the server's leg
   * logs the same bytes again, so it counts them but keeps none, not
   * even a copy of the newest chunk, and the pair costs one budget. */
  ss_traffic_log_set_counts_only (self->server->traffic);
  self->server->relay_pair = self;
  self->upstream.to = self->server;
  self->downstream.from = self->server;
  ss_socket_relay_tls_leg (client, self->server);
  start_stages (self);
  self->upstream.pair = self->downstream.pair = self;
  self->upstream.output = ss_relay_output_new (client, self->server, SS_TOXIC_UPSTREAM, client->traffic,
                                               output_end_cb, &self->upstream);
  self->downstream.output = ss_relay_output_new (self->server, client, SS_TOXIC_DOWNSTREAM,
                                                 client->traffic, output_end_cb, &self->downstream);
  /* each new pair draws its faults from its relay's, as Toxiproxy does */
  if (client->listener != NULL && ss_socket_has_relay_faults (client->listener))
    {
      for (SsToxicDirection d = 0; d < SS_N_TOXIC_DIRECTIONS; d++)
        {
          const GArray *specs = ss_socket_peek_relay_faults (client->listener, d);

          ss_relay_pair_set_faults (self, d, (const SsToxicSpec *) specs->data, specs->len, FALSE);
        }
      log_faults (self, FALSE);
    }
  ss_socket_connect (self->server, target, NULL, connected_cb, NULL);
  return self;
}

void
ss_relay_pair_free (SsRelayPair *self)
{
  if (self == NULL)
    return;

  self->closing = TRUE;
  g_clear_pointer (&self->upstream.stage, ss_relay_stage_free);
  g_clear_pointer (&self->downstream.stage, ss_relay_stage_free);
  g_clear_pointer (&self->upstream.output, ss_relay_output_free);
  g_clear_pointer (&self->downstream.output, ss_relay_output_free);
  if (self->server != NULL)
    {
      self->server->relay_pair = NULL;
      ss_socket_close (self->server);
      g_clear_object (&self->server);
    }
  if (self->client->relay_pair == self)
    self->client->relay_pair = NULL;
  ss_address_free (self->target);
  g_free (self);
}

SsSocket *
ss_relay_pair_get_client (SsRelayPair *self)
{
  return self->client;
}

/* (nullable): NULL when the relay could not make it */
SsSocket *
ss_relay_pair_get_server (SsRelayPair *self)
{
  return self->server;
}

/* (transfer full) (nullable): the leg that is not @leg */
SsSocket *
ss_relay_pair_get_other (SsRelayPair *self,
                         SsSocket    *leg)
{
  SsSocket *other = leg == self->client ? self->server : self->client;

  return other != NULL ? g_object_ref (other) : NULL;
}

const SsAddress *
ss_relay_pair_get_target (SsRelayPair *self)
{
  return self->target;
}

/**
 * ss_relay_pair_set_faults:
 * @specs: (array length=n_specs): @direction's faults, in order
 * @log: whether the pair's log says what acts now
 *
 * The faults of a new pair, or the relay's changed ones on a running
 * pair: each is drawn again by its toxicity, and what the old ones held
 * goes on through the new.
 */
void
ss_relay_pair_set_faults (SsRelayPair       *self,
                          SsToxicDirection   direction,
                          const SsToxicSpec *specs,
                          guint              n_specs,
                          gboolean           log)
{
  SsRelayDirection *d = direction == SS_TOXIC_UPSTREAM ? &self->upstream : &self->downstream;

  if (d->output == NULL)
    return;
  ss_relay_output_set_faults (d->output, specs, n_specs);
  if (log)
    log_faults (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self->client), ss_socket_properties[SS_SOCKET_PROP_RELAY_FAULTS]);
}

/**
 * ss_relay_pair_dup_faults:
 *
 * Returns: (transfer full): the faults acting on the pair, a line a
 *   direction
 */
char *
ss_relay_pair_dup_faults (SsRelayPair *self)
{
  return describe_faults (self, "\n");
}

/* How many bytes read from @leg may wait on their way: none when they
 * have nowhere to go. */
gsize
ss_relay_pair_get_room (SsRelayPair *self,
                        SsSocket    *leg)
{
  SsRelayDirection *direction = direction_from (self, leg);
  SsSocket *to = direction->to;
  guint64 waiting;

  if (to == NULL || to->state != SS_SOCKET_CONNECTED || to->failure != 0 || to->write_shut)
    return 0;
  waiting = to->queued + ss_relay_stage_get_held_bytes (direction->stage) +
            ss_relay_output_get_pending (direction->output);
  return waiting < SS_RELAY_PAIR_MAX_BUFFERED ? SS_RELAY_PAIR_MAX_BUFFERED - waiting : 0;
}

/* Whether @leg may be read now: its data has somewhere to go, and room. */
gboolean
ss_relay_pair_may_read (SsRelayPair *self,
                        SsSocket    *leg)
{
  return ss_relay_pair_get_room (self, leg) > 0;
}

/* What @direction releases (after rewrite rules and held items) goes on
 * from here: through the direction's faults to the other leg. */
static void
forward (SsRelayPair      *self,
         SsRelayDirection *direction,
         const guint8     *data,
         gsize             len)
{
  ss_relay_output_write (direction->output, data, len);
}

/* @direction's sending side ended cleanly: the end follows what came
 * before it (forward()), through the faults. */
static void
forward_end (SsRelayPair      *self,
             SsRelayDirection *direction)
{
  if (direction->output != NULL)
    ss_relay_output_close (direction->output);
}

/* An end waits for the held items that came before it. */
static void
end_when_released (SsRelayPair      *self,
                   SsRelayDirection *direction)
{
  if (!direction->from_ended || direction->end_sent ||
      ss_relay_stage_get_held_bytes (direction->stage) > 0)
    return;
  direction->end_sent = TRUE;
  forward_end (self, direction);
}

/* Bytes read from @leg (already in its log): on to the other leg. */
void
ss_relay_pair_received (SsRelayPair  *self,
                        SsSocket     *leg,
                        const guint8 *data,
                        gsize         len)
{
  SsRelayDirection *direction = direction_from (self, leg);

  if (direction->stage != NULL)
    ss_relay_stage_take (direction->stage, data, len);
  else
    forward (self, direction, data, len);
}

/* Once both ends have ended cleanly and every byte is written, the pair
 * is over: both legs close. */
static void
close_if_over (SsRelayPair *self)
{
  if (!self->upstream.passed || !self->downstream.passed)
    return;
  ss_socket_close (self->client);
}

static void
pass_end (SsRelayPair      *self,
          SsRelayDirection *direction)
{
  if (!direction->ended || direction->passed || direction->to == NULL)
    return;
  if (direction->to->queued > 0 || direction->to->state != SS_SOCKET_CONNECTED)
    return;
  direction->passed = TRUE;
  if (direction->to->failure == 0 && !direction->to->write_shut)
    ss_socket_shutdown (direction->to, SHUT_WR, NULL);
  close_if_over (self);
}

/* @leg's peer closed its side: the other leg is shut down for writing
 * once it has written what came before. */
void
ss_relay_pair_peer_closed (SsRelayPair *self,
                           SsSocket    *leg)
{
  SsRelayDirection *direction = direction_from (self, leg);

  direction->from_ended = TRUE;
  /* a message still growing will not end: it goes before the end */
  ss_relay_stage_end (direction->stage);
  end_when_released (self, direction);
}

/* @leg's queue drained (partly): its reading side may read again, and an
 * end waiting for the queue may pass. */
void
ss_relay_pair_drained (SsRelayPair *self,
                       SsSocket    *leg)
{
  SsRelayDirection *direction = direction_to (self, leg);

  if (direction->output != NULL)
    ss_relay_output_writable (direction->output);
  if (direction->from != NULL && direction->from->watch != NULL)
    ss_socket_io_update_watch (direction->from);
  pass_end (self, direction);
}

static void
reset (SsSocket *leg)
{
  if (leg == NULL || leg->state == SS_SOCKET_CLOSED)
    return;
  ss_socket_set_option (leg, ss_socket_option_find ("SO_LINGER"), 0, NULL);
  ss_socket_close (leg);
}

static void
stop_outputs (SsRelayPair *self)
{
  /* intercept: held items of a closed pair leave the held list */
  ss_relay_stage_stop (self->upstream.stage);
  ss_relay_stage_stop (self->downstream.stage);
  if (self->upstream.output != NULL)
    ss_relay_output_stop (self->upstream.output);
  if (self->downstream.output != NULL)
    ss_relay_output_stop (self->downstream.output);
}

/* A fault's reset: both legs reset, as reset_peer does in Toxiproxy. */
static void
reset_pair (SsRelayPair *self)
{
  if (self->closing)
    return;
  self->closing = TRUE;
  stop_outputs (self);
  /* both lingers first: closing one leg closes the other (pair_closed) */
  for (guint i = 0; i < 2; i++)
    {
      SsSocket *leg = i == 0 ? self->server : self->client;

      if (leg != NULL && leg->state != SS_SOCKET_CLOSED)
        ss_socket_set_option (leg, ss_socket_option_find ("SO_LINGER"), 0, NULL);
    }
  reset (self->server);
  reset (self->client);
  ss_traffic_log_flush (self->client->traffic);
}

/* @leg's connection failed (reset, broken pipe, …): the other leg is
 * reset too, as the peer would have seen without the relay, and the pair
 * is over. */
void
ss_relay_pair_failed (SsRelayPair *self,
                      SsSocket    *leg,
                      int          errsv)
{
  SsSocket *other = leg == self->client ? self->server : self->client;

  if (self->closing)
    return;
  self->closing = TRUE;
  stop_outputs (self);
  ss_traffic_log_append_event (self->client->traffic,
                               leg == self->client
                               ? _("The client’s connection failed (%s): resetting the server’s")
                               : _("The server’s connection failed (%s): resetting the client’s"),
                               ss_errno_name (errsv));
  reset (other);
  ss_socket_close (leg);
  ss_traffic_log_flush (self->client->traffic);
}

/* A leg was closed (by the person, or by the pair): the other goes too. */
void
ss_relay_pair_closed (SsRelayPair *self,
                      SsSocket    *leg)
{
  SsSocket *other = leg == self->client ? self->server : self->client;

  stop_outputs (self);
  if (other != NULL && other->state != SS_SOCKET_CLOSED)
    ss_socket_close (other);
}
