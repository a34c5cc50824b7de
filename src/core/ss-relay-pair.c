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
 * relay's rewrite rules, then held items: ss-relay-stage.c) → forward()
 * (the fault chain will sit here) → the other leg's send queue. A
 * direction reads only while that queue and its held items hold less than
 * SS_RELAY_PAIR_MAX_BUFFERED, so memory never grows with what is relayed.
 * A clean end (recv() returned 0) is passed on as shutdown(SHUT_WR) once
 * what came before it is written; a reset as a reset (SO_LINGER 0, then
 * close).
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/socket.h>

#include "ss-constants.h"
#include "ss-error.h"
#include "ss-relay-pair.h"
#include "ss-relay-stage.h"
#include "ss-socket-options.h"
#include "ss-socket-private.h"

typedef struct
{
  SsSocket *from;
  SsSocket *to;
  guint     ended : 1;   /* @from's peer closed its side */
  guint     passed : 1;  /* ...and @to was shut down for writing */
  SsRelayStage *stage;   /* rewrite rules and held items */
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

/* Intercept: what a direction's stage lets through goes on here, and
 * held bytes count against the direction's limit. */
static void pass_end (SsRelayPair      *self,
                      SsRelayDirection *direction);

static SsRelayDirection *
direction_of_stage (SsRelayPair  *self,
                    SsRelayStage *stage)
{
  return stage == self->upstream.stage ? &self->upstream : &self->downstream;
}

/* The one place bytes of a direction are written to the other leg:
 * released from the stage, or injected. */
static void
forward (SsRelayPair      *self,
         SsRelayDirection *direction,
         const guint8     *data,
         gsize             len)
{
  ss_socket_relay_write (direction->to, data, len);
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
  pass_end (self, direction);
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
}

/* Bytes of the person's: @direction says which leg gets them. */
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
  ss_socket_io_update_watch (self->client);
  ss_socket_io_update_watch (server);
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
   * logs the same bytes again, so it counts them but keeps none (a budget
   * of 0 keeps only the newest chunk), and the pair costs one budget. */
  ss_traffic_log_set_budget (self->server->traffic, 0);
  self->server->relay_pair = self;
  self->upstream.to = self->server;
  self->downstream.from = self->server;
  ss_socket_relay_tls_leg (client, self->server);
  start_stages (self);
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

const SsAddress *
ss_relay_pair_get_target (SsRelayPair *self)
{
  return self->target;
}

/* Whether @leg may be read now: its data has somewhere to go, and room. */
gboolean
ss_relay_pair_may_read (SsRelayPair *self,
                        SsSocket    *leg)
{
  SsRelayDirection *direction = direction_from (self, leg);
  SsSocket *to = direction->to;

  return to != NULL && to->state == SS_SOCKET_CONNECTED && to->failure == 0 &&
         !to->write_shut &&
         to->queued + ss_relay_stage_get_held_bytes (direction->stage) < SS_RELAY_PAIR_MAX_BUFFERED;
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
  if (direction->to->queued > 0 || direction->to->state != SS_SOCKET_CONNECTED ||
      ss_relay_stage_get_held_bytes (direction->stage) > 0)
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

  direction->ended = TRUE;
  pass_end (self, direction);
}

/* @leg's queue drained (partly): its reading side may read again, and an
 * end waiting for the queue may pass. */
void
ss_relay_pair_drained (SsRelayPair *self,
                       SsSocket    *leg)
{
  SsRelayDirection *direction = direction_to (self, leg);

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

  /* intercept: held items of a closed pair leave the held list */
  ss_relay_stage_stop (self->upstream.stage);
  ss_relay_stage_stop (self->downstream.stage);
  if (other != NULL && other->state != SS_SOCKET_CLOSED)
    ss_socket_close (other);
}
