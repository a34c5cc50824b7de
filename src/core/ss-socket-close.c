/* ss-socket-close.c — connections that close as a server's do, and closed
 * connections leaving their listener's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-socket-private.h"

/* Closed connections beyond the retention leave the list at most this
 * often: a churn of connections then changes the list a few times a
 * second, not once per close (every change rebinds a list view's rows). */
#define RETENTION_DELAY_MS 200

/**
 * ss_socket_close_if_done:
 *
 * A server's recipe closes its side once recv() returned 0 or the
 * connection failed: with close-on-peer-close on, so does an accepted
 * connection, as soon as nothing is left to send. Called after each step that may end
 * the connection or drain its queue.
 */
void
ss_socket_close_if_done (SsSocket *self)
{
  /* a client's recipe closes when the person says so; on any other
   * socket the setting is what its connections will take */
  if (!self->close_on_peer_close || !self->accepted || self->state != SS_SOCKET_CONNECTED)
    return;
  /* a relayed pair's leg ends with its pair: a half-close is passed on */
  if (self->relay_pair != NULL)
    return;
  if (!self->peer_closed && self->failure == 0)
    return;
  /* a failure has dropped the queue; after a clean end it drains first */
  if (!g_queue_is_empty (&self->send_queue) || self->file_fd >= 0 || self->wait_task != NULL)
    return;
  ss_socket_close (self);
}

gboolean
ss_socket_get_close_on_peer_close (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  return self->close_on_peer_close;
}

/**
 * ss_socket_set_close_on_peer_close:
 *
 * When the peer closes or resets an accepted connection, close it (as a
 * server's recipe does after recv() returns 0) instead of keeping it half
 * open. Accepted connections take their listener's setting when accepted,
 * and follow it when it changes; a connection whose peer is already gone
 * closes at once. On a socket that is not an accepted connection it is
 * only what its connections will take.
 */
void
ss_socket_set_close_on_peer_close (SsSocket *self,
                                   gboolean  close_on_peer_close)
{
  guint n;

  g_return_if_fail (SS_IS_SOCKET (self));

  close_on_peer_close = !!close_on_peer_close;
  if (self->close_on_peer_close == close_on_peer_close)
    return;
  self->close_on_peer_close = close_on_peer_close;
  g_object_ref (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_CLOSE_ON_PEER_CLOSE]);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      ss_socket_set_close_on_peer_close (connection, close_on_peer_close);
    }
  ss_socket_close_if_done (self);
  g_object_unref (self);
}

/**
 * ss_socket_remove_closed_connections:
 * @keep: how many of the newest closed connections stay
 *
 * Takes closed connections out of ss_socket_get_connections(), the oldest
 * first, so that at most @keep closed ones stay; open ones always stay.
 * The list changes once, however many leave. A connection that leaves is
 * only unreferenced: whoever holds it or its traffic log keeps them.
 *
 * Returns: how many left
 */
guint
ss_socket_remove_closed_connections (SsSocket *self,
                                     guint     keep)
{
  GListModel *model;
  g_autoptr(GPtrArray) kept = NULL;
  guint n, closed = 0, removed = 0, first = 0, last = 0;

  g_return_val_if_fail (SS_IS_SOCKET (self), 0);

  model = G_LIST_MODEL (self->connections);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (model, i);

      if (connection->state == SS_SOCKET_CLOSED)
        closed++;
    }
  if (closed <= keep)
    return 0;

  /* from the first to go to the last, what stays replaces what was
   * there, in one splice: when the oldest closed first (the usual order)
   * that is a plain removal, and nothing after it moves or is made again */
  kept = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n && removed < closed - keep; i++)
    {
      SsSocket *connection = g_list_model_get_item (model, i);

      if (connection->state == SS_SOCKET_CLOSED)
        {
          if (removed++ == 0)
            first = i;
          last = i;
          g_object_unref (connection);
        }
      else if (removed > 0)
        g_ptr_array_add (kept, connection);
      else
        g_object_unref (connection);
    }
  g_list_store_splice (self->connections, first, last + 1 - first, kept->pdata, kept->len);
  return removed;
}

static gboolean
apply_retention_cb (gpointer user_data)
{
  SsSocket *self = user_data;

  self->retention_id = 0;
  ss_socket_remove_closed_connections (self, self->closed_retention);
  return G_SOURCE_REMOVE;
}

/* A connection of this listener closed: past the retention, the oldest
 * closed ones leave soon, together. */
void
ss_socket_connection_closed (SsSocket *self)
{
  if (self->closed_retention == G_MAXUINT || self->retention_id != 0)
    return;
  self->retention_id = g_timeout_add (RETENTION_DELAY_MS, apply_retention_cb, self);
}

guint
ss_socket_get_closed_retention (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), G_MAXUINT);
  return self->closed_retention;
}

/**
 * ss_socket_set_closed_retention:
 * @retention: how many closed connections a listener keeps in its list,
 *   G_MAXUINT for all
 *
 * Beyond it, the oldest closed connections leave the list (see
 * ss_socket_remove_closed_connections()) soon after each close.
 */
void
ss_socket_set_closed_retention (SsSocket *self,
                                guint     retention)
{
  g_return_if_fail (SS_IS_SOCKET (self));

  if (self->closed_retention == retention)
    return;
  self->closed_retention = retention;
  if (retention != G_MAXUINT)
    ss_socket_remove_closed_connections (self, retention);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_CLOSED_RETENTION]);
}
