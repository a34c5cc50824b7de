/* ss-socket-relay.c — a listener that relays: each connection it accepts is paired with one to a target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ss-constants.h"
#include "ss-relay-script.h"
#include "ss-socket-private.h"

static gboolean
is_any (const SsAddress *address)
{
  const struct sockaddr_in *in4 = (const struct sockaddr_in *) &address->storage;
  const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) &address->storage;

  if (address->storage.ss_family == AF_INET)
    return in4->sin_addr.s_addr == htonl (INADDR_ANY);
  if (address->storage.ss_family == AF_INET6)
    return IN6_IS_ADDR_UNSPECIFIED (&in6->sin6_addr);
  return FALSE;
}

/* Whether a connection to @target would reach @local, the listener
 * itself: the same port on the same address, or on any address of a
 * listener bound to all of them. Across families (a listener on [::]
 * takes IPv4 too) the port alone decides. */
static gboolean
reaches_itself (const SsAddress *local,
                const SsAddress *target)
{
  int family = local->storage.ss_family;

  if (family == AF_UNIX || target->storage.ss_family == AF_UNIX)
    {
      const struct sockaddr_un *a = (const struct sockaddr_un *) &local->storage;
      const struct sockaddr_un *b = (const struct sockaddr_un *) &target->storage;
      gsize offset = G_STRUCT_OFFSET (struct sockaddr_un, sun_path);

      return family == target->storage.ss_family && local->len == target->len &&
             local->len > offset &&
             memcmp (a->sun_path, b->sun_path, local->len - offset) == 0;
    }
  if (ss_address_get_port (local) != ss_address_get_port (target))
    return FALSE;
  if (is_any (local) || is_any (target) || family != target->storage.ss_family)
    return family == target->storage.ss_family || family == AF_INET6;
  if (family == AF_INET)
    return ((const struct sockaddr_in *) &local->storage)->sin_addr.s_addr ==
           ((const struct sockaddr_in *) &target->storage)->sin_addr.s_addr;
  return memcmp (&((const struct sockaddr_in6 *) &local->storage)->sin6_addr,
                 &((const struct sockaddr_in6 *) &target->storage)->sin6_addr,
                 sizeof (struct in6_addr)) == 0;
}

/**
 * ss_socket_set_relay_target:
 * @target: where each connection accepted from now on is forwarded
 *
 * Makes a bound stream socket a relay: every connection it accepts gets
 * a connection of its own to @target, and what either sends goes to the
 * other (see ss-relay-pair.c). A target that is the socket's own address
 * would relay to itself without end, and is refused.
 */
gboolean
ss_socket_set_relay_target (SsSocket         *self,
                            const SsAddress  *target,
                            GError          **error)
{
  struct sockaddr_storage storage = { 0 };
  socklen_t len = sizeof storage;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  if (self->type != SOCK_STREAM && self->type != SOCK_DGRAM)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only stream and datagram sockets relay"));
      return FALSE;
    }
  if (getsockname (self->fd, (struct sockaddr *) &storage, &len) == 0 && len > sizeof (sa_family_t))
    {
      g_autoptr(SsAddress) local = ss_address_new ((struct sockaddr *) &storage, len);

      if (reaches_itself (local, target))
        {
          g_autofree char *text = ss_address_to_string (target);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The relay would connect to itself: %s is its own listening address"),
                       text);
          return FALSE;
        }
    }

  g_clear_pointer (&self->relay_target, ss_address_free);
  self->relay_target = ss_address_copy (target);
  if (self->type == SOCK_DGRAM && self->relay_upstreams == NULL)
    self->relay_upstreams = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                   (GDestroyNotify) g_bytes_unref, g_object_unref);
  {
    g_autofree char *text = ss_address_to_string (target);

    ss_traffic_log_append_event (self->traffic, _("Relaying each connection to %s"), text);
    ss_traffic_log_set_relayed (self->traffic, TRUE);
    if (self->all_traffic != NULL)
      ss_traffic_log_set_relayed (self->all_traffic, TRUE);
    ss_traffic_log_flush (self->traffic);
  }
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_RELAY_TARGET]);
  return TRUE;
}

/**
 * ss_socket_set_relay_tls:
 * @config: (nullable): TLS to the target (the server's leg of each pair),
 *   or %NULL for plaintext
 * @host: (nullable): the target's name as given, for SNI and the name its
 *   certificate must have
 *
 * A relay that originates TLS: each pair's server leg starts a TLS
 * client's handshake once connected, and forwards only after it (and the
 * certificate) passed. TLS from the clients (terminating it) is the
 * listener's own, ss_socket_set_tls().
 */
void
ss_socket_set_relay_tls (SsSocket    *self,
                         SsTlsConfig *config,
                         const char  *host)
{
  g_return_if_fail (SS_IS_SOCKET (self));

  if (config != NULL)
    ss_tls_config_ref (config);
  g_clear_pointer (&self->relay_tls_config, ss_tls_config_unref);
  self->relay_tls_config = config;
  g_free (self->relay_tls_host);
  self->relay_tls_host = g_strdup (host);
}

/* (transfer none) (nullable) */
SsTlsConfig *
ss_socket_get_relay_tls (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->relay_tls_config;
}

/* A pair's server leg, before it connects: TLS if its relay originates it */
void
ss_socket_relay_tls_leg (SsSocket *client,
                         SsSocket *server)
{
  SsSocket *relay = client->listener;

  if (relay == NULL || relay->relay_tls_config == NULL)
    return;
  ss_socket_set_tls (server, relay->relay_tls_config, relay->relay_tls_host, NULL);
}

/* (nullable): where a relay forwards to */
const SsAddress *
ss_socket_get_relay_target (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->relay_target;
}

/**
 * ss_socket_get_relay_server:
 *
 * Returns: (transfer none) (nullable): for the client's leg of a relayed
 *   pair (a relay's connection), the server's leg
 */
SsSocket *
ss_socket_get_relay_server (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  if (self->relay_pair == NULL || ss_relay_pair_get_client (self->relay_pair) != self)
    return NULL;
  return ss_relay_pair_get_server (self->relay_pair);
}

/* For a recording: the client's leg of a pair is a stream between the
 * client and the server (the target), not the relay's own address. */
SsAddress *
ss_socket_dup_relay_server_address (SsSocket *self)
{
  if (self->relay_pair == NULL || ss_relay_pair_get_client (self->relay_pair) != self)
    return NULL;
  return ss_address_copy (ss_relay_pair_get_target (self->relay_pair));
}

/**
 * ss_socket_relay_to_python:
 *
 * A small runnable relay in the seed's style, for a relay socket: its
 * listening address and target (see ss_relay_script_new()).
 *
 * Returns: (transfer full) (nullable): the script, or %NULL when @self
 *   is not a relay
 */
char *
ss_socket_relay_to_python (SsSocket *self)
{
  struct sockaddr_storage storage = { 0 };
  socklen_t len = sizeof storage;
  g_autoptr(SsAddress) local = NULL;

  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);

  if (self->relay_target == NULL)
    return NULL;
  if (getsockname (self->fd, (struct sockaddr *) &storage, &len) == 0 && len > sizeof (sa_family_t))
    local = ss_address_new ((struct sockaddr *) &storage, len);
  else if (self->local_address != NULL)
    local = ss_address_parse_numeric (self->local_address, self->family, NULL, NULL);
  if (local == NULL)
    return NULL;
  return ss_relay_script_new (self->type, local, self->relay_target, self->relay_idle_ms);
}
