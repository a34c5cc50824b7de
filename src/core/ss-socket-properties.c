/* ss-socket-properties.c — the socket's GObject properties, and the
 * accessors behind them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-socket-private.h"

GParamSpec *ss_socket_properties[SS_SOCKET_N_PROPS];

static void
ss_socket_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SsSocket *self = SS_SOCKET (object);

  switch (prop_id)
    {
    case SS_SOCKET_PROP_FD:
      g_value_set_int (value, self->fd);
      break;
    case SS_SOCKET_PROP_FAMILY:
      g_value_set_int (value, self->family);
      break;
    case SS_SOCKET_PROP_SOCKET_TYPE:
      g_value_set_int (value, self->type);
      break;
    case SS_SOCKET_PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case SS_SOCKET_PROP_LOCAL_ADDRESS:
      g_value_set_string (value, self->local_address);
      break;
    case SS_SOCKET_PROP_PEER_ADDRESS:
      g_value_set_string (value, self->peer_address);
      break;
    case SS_SOCKET_PROP_BYTES_IN:
      g_value_set_uint64 (value, ss_socket_get_bytes_in (self));
      break;
    case SS_SOCKET_PROP_BYTES_OUT:
      g_value_set_uint64 (value, ss_socket_get_bytes_out (self));
      break;
    case SS_SOCKET_PROP_QUEUED:
      g_value_set_uint64 (value, self->queued);
      break;
    case SS_SOCKET_PROP_PEER_CLOSED:
      g_value_set_boolean (value, self->peer_closed);
      break;
    case SS_SOCKET_PROP_FAILURE:
      g_value_set_int (value, self->failure);
      break;
    case SS_SOCKET_PROP_AUTO_ACCEPT:
      g_value_set_boolean (value, self->auto_accept);
      break;
    case SS_SOCKET_PROP_LISTENER:
      g_value_set_object (value, self->listener);
      break;
    case SS_SOCKET_PROP_AUTO_RECEIVE:
      g_value_set_boolean (value, self->auto_receive);
      break;
    case SS_SOCKET_PROP_LAST_SENDER:
      g_value_set_boxed (value, self->last_sender);
      break;
    case SS_SOCKET_PROP_TIMEOUT:
      g_value_set_double (value, self->timeout);
      break;
    case SS_SOCKET_PROP_WAITING:
      g_value_set_boolean (value, self->wait_task != NULL);
      break;
    case SS_SOCKET_PROP_RECORDING:
      g_value_set_boolean (value, self->recorder != NULL);
      break;
    case SS_SOCKET_PROP_DROPPED:
      g_value_set_uint64 (value, self->dropped);
      break;
    case SS_SOCKET_PROP_CLOSE_ON_PEER_CLOSE:
      g_value_set_boolean (value, self->close_on_peer_close);
      break;
    case SS_SOCKET_PROP_BACKLOG:
      g_value_set_int (value, self->backlog);
      break;
    case SS_SOCKET_PROP_TLS_SESSION:
      g_value_set_object (value, self->tls);
      break;
    case SS_SOCKET_PROP_RELAY_FAULTS:
      g_value_take_string (value, ss_socket_dup_pair_faults (self));
      break;
    case SS_SOCKET_PROP_CLOSED_RETENTION:
      g_value_set_uint (value, self->closed_retention);
      break;
    case SS_SOCKET_PROP_RELAY_TARGET:
      g_value_take_string (value, self->relay_target != NULL ? ss_address_to_string (self->relay_target) : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_socket_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SsSocket *self = SS_SOCKET (object);

  switch (prop_id)
    {
    case SS_SOCKET_PROP_AUTO_ACCEPT:
      ss_socket_set_auto_accept (self, g_value_get_boolean (value));
      break;
    case SS_SOCKET_PROP_AUTO_RECEIVE:
      ss_socket_set_auto_receive (self, g_value_get_boolean (value));
      break;
    case SS_SOCKET_PROP_CLOSE_ON_PEER_CLOSE:
      ss_socket_set_close_on_peer_close (self, g_value_get_boolean (value));
      break;
    case SS_SOCKET_PROP_CLOSED_RETENTION:
      ss_socket_set_closed_retention (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

void
ss_socket_install_properties (GObjectClass *object_class)
{
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = ss_socket_get_property;
  object_class->set_property = ss_socket_set_property;

  ss_socket_properties[SS_SOCKET_PROP_FD] =
    g_param_spec_int ("fd", NULL, NULL, -1, G_MAXINT, -1, ro);
  ss_socket_properties[SS_SOCKET_PROP_FAMILY] =
    g_param_spec_int ("family", NULL, NULL, 0, G_MAXINT, 0, ro);
  ss_socket_properties[SS_SOCKET_PROP_SOCKET_TYPE] =
    g_param_spec_int ("socket-type", NULL, NULL, 0, G_MAXINT, 0, ro);
  ss_socket_properties[SS_SOCKET_PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SS_TYPE_SOCKET_STATE, SS_SOCKET_CREATED, ro);
  ss_socket_properties[SS_SOCKET_PROP_LOCAL_ADDRESS] =
    g_param_spec_string ("local-address", NULL, NULL, NULL, ro);
  ss_socket_properties[SS_SOCKET_PROP_PEER_ADDRESS] =
    g_param_spec_string ("peer-address", NULL, NULL, NULL, ro);
  ss_socket_properties[SS_SOCKET_PROP_BYTES_IN] =
    g_param_spec_uint64 ("bytes-in", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  ss_socket_properties[SS_SOCKET_PROP_BYTES_OUT] =
    g_param_spec_uint64 ("bytes-out", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  ss_socket_properties[SS_SOCKET_PROP_QUEUED] =
    g_param_spec_uint64 ("queued", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  ss_socket_properties[SS_SOCKET_PROP_PEER_CLOSED] =
    g_param_spec_boolean ("peer-closed", NULL, NULL, FALSE, ro);
  ss_socket_properties[SS_SOCKET_PROP_FAILURE] =
    g_param_spec_int ("failure", NULL, NULL, 0, G_MAXINT, 0, ro);
  ss_socket_properties[SS_SOCKET_PROP_AUTO_ACCEPT] =
    g_param_spec_boolean ("auto-accept", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  ss_socket_properties[SS_SOCKET_PROP_LISTENER] =
    g_param_spec_object ("listener", NULL, NULL, SS_TYPE_SOCKET, ro);
  ss_socket_properties[SS_SOCKET_PROP_AUTO_RECEIVE] =
    g_param_spec_boolean ("auto-receive", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  ss_socket_properties[SS_SOCKET_PROP_LAST_SENDER] =
    g_param_spec_boxed ("last-sender", NULL, NULL, SS_TYPE_ADDRESS, ro);
  ss_socket_properties[SS_SOCKET_PROP_TIMEOUT] =
    g_param_spec_double ("timeout", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  ss_socket_properties[SS_SOCKET_PROP_WAITING] =
    g_param_spec_boolean ("waiting", NULL, NULL, FALSE, ro);
  ss_socket_properties[SS_SOCKET_PROP_RECORDING] =
    g_param_spec_boolean ("recording", NULL, NULL, FALSE, ro);
  ss_socket_properties[SS_SOCKET_PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  ss_socket_properties[SS_SOCKET_PROP_CLOSE_ON_PEER_CLOSE] =
    g_param_spec_boolean ("close-on-peer-close", NULL, NULL, FALSE, rw);
  ss_socket_properties[SS_SOCKET_PROP_BACKLOG] =
    g_param_spec_int ("backlog", NULL, NULL, G_MININT, G_MAXINT, -1, ro);
  ss_socket_properties[SS_SOCKET_PROP_CLOSED_RETENTION] =
    g_param_spec_uint ("closed-retention", NULL, NULL, 0, G_MAXUINT, G_MAXUINT, rw);
  /* a relay's target, "127.0.0.1:5432", once set */
  ss_socket_properties[SS_SOCKET_PROP_RELAY_TARGET] =
    g_param_spec_string ("relay-target", NULL, NULL, NULL, ro);

  /* once the connection speaks TLS (ss-socket-tls.c) */
  ss_socket_properties[SS_SOCKET_PROP_TLS_SESSION] =
    g_param_spec_object ("tls-session", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* a relayed pair's client leg: the faults acting on the pair (ss-socket-faults.c) */
  ss_socket_properties[SS_SOCKET_PROP_RELAY_FAULTS] =
    g_param_spec_string ("relay-faults", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, SS_SOCKET_N_PROPS, ss_socket_properties);
}

int
ss_socket_get_fd (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), -1);
  return self->fd;
}

int
ss_socket_get_family (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), 0);
  return self->family;
}

int
ss_socket_get_socket_type (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), 0);
  return self->type;
}

int
ss_socket_get_protocol (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), 0);
  return self->protocol;
}

SsSocketState
ss_socket_get_state (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), SS_SOCKET_CLOSED);
  return self->state;
}

const char *
ss_socket_get_local_address (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->local_address;
}

const char *
ss_socket_get_peer_address (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->peer_address;
}

guint64
ss_socket_get_bytes_in (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), 0);
  return ss_traffic_log_get_bytes (self->traffic, SS_TRAFFIC_RECEIVED);
}

guint64
ss_socket_get_bytes_out (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), 0);
  return ss_traffic_log_get_bytes (self->traffic, SS_TRAFFIC_SENT);
}

gsize
ss_socket_get_queued (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), 0);
  return self->queued;
}

gboolean
ss_socket_get_peer_closed (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  return self->peer_closed;
}

gboolean
ss_socket_get_auto_accept (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  return self->auto_accept;
}

void
ss_socket_set_auto_accept (SsSocket *self,
                           gboolean  auto_accept)
{
  g_return_if_fail (SS_IS_SOCKET (self));

  auto_accept = !!auto_accept;
  if (self->auto_accept == auto_accept)
    return;
  self->auto_accept = auto_accept;
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_AUTO_ACCEPT]);
}

gboolean
ss_socket_get_auto_receive (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  return self->auto_receive;
}

/**
 * ss_socket_set_auto_receive:
 *
 * With auto-receive off, data waits in the kernel (see
 * ss_socket_get_readable()) until ss_socket_recv() takes it.
 */
void
ss_socket_set_auto_receive (SsSocket *self,
                            gboolean  auto_receive)
{
  g_return_if_fail (SS_IS_SOCKET (self));

  auto_receive = !!auto_receive;
  if (self->auto_receive == auto_receive)
    return;
  self->auto_receive = auto_receive;
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_AUTO_RECEIVE]);
}

/**
 * ss_socket_get_last_sender:
 *
 * Returns: (transfer none) (nullable): who sent the last datagram received
 */
const SsAddress *
ss_socket_get_last_sender (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->last_sender;
}

/**
 * ss_socket_get_dropped:
 *
 * The datagrams the kernel dropped for this socket because its receive
 * buffer was full, as SO_RXQ_OVFL reports them: a drop becomes known with
 * the next datagram read, so drops after the last one are not counted yet.
 *
 * Returns: the count, each also told in the traffic log
 */
guint64
ss_socket_get_dropped (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), 0);
  return self->dropped;
}

/**
 * ss_socket_get_listener:
 *
 * Returns: (transfer none) (nullable): the listener this connection was
 *   accepted from
 */
SsSocket *
ss_socket_get_listener (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->listener;
}

/**
 * ss_socket_get_connections:
 *
 * Returns: (transfer none): the sockets accepted from this listener
 */
GListModel *
ss_socket_get_connections (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return G_LIST_MODEL (self->connections);
}

/**
 * ss_socket_find_connection:
 * @connection: one of @self's connections, maybe
 * @position: (out): where it is in ss_socket_get_connections()
 *
 * Returns: whether @connection is one of @self's
 */
gboolean
ss_socket_find_connection (SsSocket *self,
                           SsSocket *connection,
                           guint    *position)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  return g_list_store_find (self->connections, connection, position);
}

/**
 * ss_socket_get_traffic:
 *
 * Returns: (transfer none): every chunk and event of this socket
 */
SsTrafficLog *
ss_socket_get_traffic (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->traffic;
}

/**
 * ss_socket_get_all_traffic:
 *
 * Returns: (transfer none) (nullable): for a socket that has listened, one
 *   log of its own events and every connection's traffic in the order it
 *   happened (the connections' logs keep the bytes); NULL otherwise
 */
SsTrafficLog *
ss_socket_get_all_traffic (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->all_traffic;
}
