/* ss-relay-datagram.c — a UDP relay: each client address gets its own upstream socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As `socat UDP-LISTEN:…,fork` does: the relay is a bound datagram socket;
 * the first datagram from a client address makes a socket connected to
 * the target for that client alone, and what the target answers on it
 * goes back to that client from the relay's address. The relay's own log
 * is the conversation (each row names its client); each upstream socket
 * is under the relay in the sidebar, with the target's side of it. A pair
 * idle for the relay's idle timeout is closed. Each direction of a pair
 * goes through the relay's intercept (ss-relay-stage.c): rewrite rules,
 * then held items; a datagram that would take the held bytes past the
 * limit is dropped, as UDP would, and the log says so.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "ss-socket-private.h"

#define SWEEP_INTERVAL_MS 1000

static GBytes *
address_key (const SsAddress *address)
{
  return g_bytes_new (&address->storage, address->len);
}

static void
close_upstream (SsSocket *upstream)
{
  upstream->relay_listener = NULL;
  ss_socket_close (upstream);
}

/* Closes the pairs idle for the timeout; runs while there are pairs. */
static gboolean
sweep_cb (gpointer user_data)
{
  SsSocket *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  SsSocket *upstream;

  g_hash_table_iter_init (&iter, self->relay_upstreams);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &upstream))
    if (now - upstream->relay_last_us >= (gint64) self->relay_idle_ms * 1000)
      {
        g_autofree char *client = ss_address_to_string (upstream->relay_client);

        ss_traffic_log_append_event (self->traffic, _("The pair of %s was idle for %u ms: closed"),
                                     client, self->relay_idle_ms);
        g_object_ref (upstream);
        g_hash_table_iter_remove (&iter);
        close_upstream (upstream);
        g_object_unref (upstream);
      }
  ss_traffic_log_flush (self->traffic);
  if (g_hash_table_size (self->relay_upstreams) > 0)
    return G_SOURCE_CONTINUE;
  self->relay_sweep_id = 0;
  return G_SOURCE_REMOVE;
}

static void send_to_client (SsSocket     *upstream,
                            const guint8 *data,
                            gsize         len);

/* What a pair's stage lets through: to the target, or back to the client. */
static void
stage_forward_cb (gpointer      user_data,
                  SsRelayStage *stage,
                  const guint8 *data,
                  gsize         len)
{
  SsSocket *upstream = user_data;

  if (_ss_relay_stage_get_direction (stage) == SS_INTERCEPT_UPSTREAM)
    ss_socket_relay_write (upstream, data, len);
  else
    send_to_client (upstream, data, len);
}

/* nothing waits for room: a datagram relay never stops reading */
static void
stage_settled_cb (gpointer      user_data,
                  SsRelayStage *stage)
{
}

static SsSocket *
upstream_for (SsSocket        *self,
              const SsAddress *client)
{
  g_autoptr(GBytes) key = address_key (client);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  SsSocket *upstream = g_hash_table_lookup (self->relay_upstreams, key);

  if (upstream != NULL && upstream->state != SS_SOCKET_CLOSED)
    return upstream;
  /* closed by hand: the client's next datagram makes a new pair */
  if (upstream != NULL)
    g_hash_table_remove (self->relay_upstreams, key);

  upstream = ss_socket_new (self->calls, ss_address_get_family (self->relay_target), SOCK_DGRAM, 0, &error);
  if (upstream == NULL)
    {
      ss_traffic_log_append_event (self->traffic, _("The relay could not make its socket: %s"),
                                   error->message);
      return NULL;
    }
  /* a datagram connect() is at once: the kernel only records the peer */
  ss_socket_connect (upstream, self->relay_target, NULL, NULL, NULL);
  upstream->relay_client = ss_address_copy (client);
  upstream->relay_listener = self;
  ss_traffic_log_set_budget (upstream->traffic, ss_traffic_log_get_budget (self->traffic));
  /* the table's reference is the one ss_socket_new() gave */
  g_hash_table_insert (self->relay_upstreams, g_steal_pointer (&key), upstream);

  /* under the relay, as a listener's connections are */
  ss_socket_set_listener (upstream, self);
  g_list_store_append (self->connections, upstream);
  label = ss_address_to_string (client);
  if (self->all_traffic != NULL)
    ss_traffic_log_add_source (self->all_traffic, upstream->traffic, label, FALSE);
  for (guint i = 0; i < SS_INTERCEPT_N_DIRECTIONS; i++)
    upstream->relay_stages[i] = ss_relay_stage_new (ss_socket_get_relay_intercept (self), i, upstream->traffic,
                                                    label, stage_forward_cb, stage_settled_cb, upstream);
  ss_traffic_log_append_event (upstream->traffic, _("Relaying datagrams of %s to the target"), label);
  ss_traffic_log_flush (upstream->traffic);
  if (self->relay_sweep_id == 0)
    self->relay_sweep_id = g_timeout_add (SWEEP_INTERVAL_MS, sweep_cb, self);
  return upstream;
}

/* A datagram into a direction's stage, unless the held ones are at the
 * limit. */
static void
take (SsSocket     *upstream,
      SsRelayStage *stage,
      const guint8 *data,
      gsize         len)
{
  if (stage == NULL)
    return;
  if (ss_relay_stage_get_held_bytes (stage) + len > SS_RELAY_PAIR_MAX_BUFFERED)
    {
      ss_traffic_log_append_event (upstream->traffic,
                                   _("A datagram of %" PRIu64 " bytes, %s, was dropped: the held ones are at the limit"),
                                   (guint64) len, ss_intercept_direction_name (_ss_relay_stage_get_direction (stage)));
      ss_traffic_log_flush_soon (upstream->traffic);
      return;
    }
  ss_relay_stage_take (stage, data, len);
}

/* A datagram from a client (already in the relay's log): on to the
 * target through the client's own upstream socket. */
void
ss_relay_datagram_from_client (SsSocket        *self,
                               const guint8    *data,
                               gsize            len,
                               const SsAddress *client)
{
  SsSocket *upstream;

  if (client == NULL)
    return;
  upstream = upstream_for (self, client);
  if (upstream == NULL || upstream->state != SS_SOCKET_CONNECTED)
    return;
  upstream->relay_last_us = g_get_monotonic_time ();
  take (upstream, upstream->relay_stages[SS_INTERCEPT_UPSTREAM], data, len);
}

/* A datagram from the target (already in @upstream's log): back to its
 * client through the pair's stage. */
void
ss_relay_datagram_from_server (SsSocket     *upstream,
                               const guint8 *data,
                               gsize         len)
{
  upstream->relay_last_us = g_get_monotonic_time ();
  take (upstream, upstream->relay_stages[SS_INTERCEPT_DOWNSTREAM], data, len);
}

/* To the client, from the relay's address. One that the kernel cannot
 * take now is dropped, as UDP would, and the log says so. */
static void
send_to_client (SsSocket     *upstream,
                const guint8 *data,
                gsize         len)
{
  SsSocket *self = upstream->relay_listener;
  gssize n;

  if (self == NULL || self->state == SS_SOCKET_CLOSED)
    return;
  do
    n = sendto (self->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                (const struct sockaddr *) &upstream->relay_client->storage, upstream->relay_client->len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      ss_traffic_log_append_event (self->traffic, _("A datagram back to the client was dropped: %s"),
                                   g_strerror (errno));
      return;
    }
  ss_socket_log_chunk (self, SS_TRAFFIC_SENT, data, n, upstream->relay_client);
  ss_traffic_log_flush_soon (self->traffic);
}

/* The relay goes: its pairs go with it. An upstream socket that goes
 * holds nothing more. */
void
ss_relay_datagram_stop (SsSocket *self)
{
  for (guint i = 0; i < SS_INTERCEPT_N_DIRECTIONS; i++)
    ss_relay_stage_stop (self->relay_stages[i]);
  g_clear_handle_id (&self->relay_sweep_id, g_source_remove);
  if (self->relay_upstreams == NULL)
    return;
  {
    GHashTableIter iter;
    SsSocket *upstream;

    g_hash_table_iter_init (&iter, self->relay_upstreams);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &upstream))
      close_upstream (upstream);
  }
  g_hash_table_remove_all (self->relay_upstreams);
}

/**
 * ss_socket_set_relay_idle_timeout:
 * @ms: how long a UDP relay keeps a client's pair without a datagram
 *
 * Pairs idle this long are closed (checked once a second).
 */
void
ss_socket_set_relay_idle_timeout (SsSocket *self,
                                  guint     ms)
{
  g_return_if_fail (SS_IS_SOCKET (self));
  self->relay_idle_ms = ms;
}
