/* ss-socket-accept.c — accept: by hand, or automatically as connections arrive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/socket.h>

#include "ss-constants.h"
#include "ss-error.h"
#include "ss-socket-private.h"

/* Accepting automatically, a listener's thread empties the kernel's
 * queue (ss-accept-queue.c); the main loop makes sockets of what it took
 * a few milliseconds at a time, so the window still draws in a burst.
 * Without that thread (the system refused one), a wakeup accepts up to
 * MAX_ACCEPTS_PER_WAKEUP itself. */
#define MAX_ACCEPTS_PER_WAKEUP 64
#define ACCEPT_BUDGET_US       8000
#define ACCEPT_RETRY_SECONDS   1

/* The socket of a connection accept4() gave, with its call and its
 * events logged */
static SsSocket *
adopt (SsSocket                      *self,
       int                            fd,
       const struct sockaddr_storage *storage,
       socklen_t                      len)
{
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  g_autofree char *name = NULL;
  g_autofree char *peer = NULL;
  SsSocket *connection;

  {
    g_autoptr(SsAddress) address = ss_address_new ((struct sockaddr *) storage, len);
    peer = ss_address_to_string (address);
  }
  name = ss_socket_dup_python_name (self);
  args = g_strdup_printf ("%d, {%s, %s}, [%u]", self->fd,
                          ss_family_name (storage->ss_family), peer, len);
  python = g_strdup_printf ("conn%d, addr = %s.accept()", fd, name);
  ss_socket_record (self, "accept4", args, python, fd, 0, NULL);

  connection = ss_socket_new_for_fd_unnamed (self->calls, fd, self->family, self->type,
                                             self->protocol, SS_SOCKET_CONNECTED);
  ss_socket_set_accepted_addresses (connection, self, peer);
  ss_socket_set_listener (connection, self);
  connection->accepted = TRUE;
  connection->close_on_peer_close = self->close_on_peer_close;
  /* a connection keeps as much payload as its listener was told to */
  ss_traffic_log_set_budget (connection->traffic, ss_traffic_log_get_budget (self->traffic));
  ss_traffic_log_append_event (connection->traffic, _("Accepted from %s by the listener on fd %d"),
                               peer, self->fd);
  if (self->record_when != NULL)
    ss_socket_record_connection (self, connection);
  ss_socket_tls_accepted (self, connection);
  ss_traffic_log_flush (connection->traffic);
  /* from here on, what the connection logs shows on the listener's page
   * too (its own "Accepted from" is the listener's next line) */
  if (self->all_traffic != NULL)
    {
      /* an unnamed Unix peer is told apart by its descriptor */
      g_autofree char *label = *peer != '\0' ? g_strdup (peer) : g_strdup_printf ("fd %d", fd);

      ss_traffic_log_add_source (self->all_traffic, connection->traffic, label, FALSE);
    }
  ss_traffic_log_append_event (self->traffic, _("Accepted a connection from %s as fd %d"), peer, fd);
  /* a relay's connection is the client's leg of a pair: the pair ends it */
  if (self->relay_target != NULL)
    {
      connection->close_on_peer_close = FALSE;
      ss_relay_pair_start (connection, self->relay_target);
      ss_socket_io_update_watch (connection);
    }

  return connection;
}

static SsSocket *
accept_one (SsSocket  *self,
            int       *errsv_out)
{
  struct sockaddr_storage storage;
  socklen_t len = sizeof storage;
  int fd;

  do
    fd = accept4 (self->fd, (struct sockaddr *) &storage, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);

  *errsv_out = fd < 0 ? errno : 0;
  if (fd < 0)
    return NULL;
  return adopt (self, fd, &storage, len);
}

/* The connections a wakeup accepted join the list in one change: a view
 * of ten thousand rows then updates once a batch, not once a connection. */
static void
publish_connections (SsSocket  *self,
                     GPtrArray *accepted)
{
  if (accepted->len == 0)
    return;
  g_list_store_splice (self->connections, g_list_model_get_n_items (G_LIST_MODEL (self->connections)),
                       0, accepted->pdata, accepted->len);
  for (guint i = 0; i < accepted->len; i++)
    g_signal_emit (self, ss_socket_signals[SS_SOCKET_SIGNAL_ACCEPTED], 0, g_ptr_array_index (accepted, i));
}

static gboolean
resume_accepting (gpointer user_data)
{
  SsSocket *self = user_data;

  self->accept_retry_id = 0;
  ss_socket_io_update_watch (self);
  return G_SOURCE_REMOVE;
}

static void
record_failed_accept (SsSocket *self,
                      int       errsv)
{
  g_autofree char *name = ss_socket_dup_python_name (self);
  g_autofree char *args = g_strdup_printf ("%d, %p, %p", self->fd, NULL, NULL);
  g_autofree char *python = g_strdup_printf ("conn, addr = %s.accept()", name);

  ss_socket_record (self, "accept4", args, python, -1, errsv, NULL);
}

static void
report_failed_accept (SsSocket *self,
                      int       errsv)
{
  record_failed_accept (self, errsv);
  ss_traffic_log_append_event (self->traffic,
                               _("accept failed: %s (%s); trying again in %d s"),
                               g_strerror (errsv), ss_errno_name (errsv),
                               ACCEPT_RETRY_SECONDS);
}

/* What the listener's thread accepted becomes sockets, a few
 * milliseconds' worth a turn of the main loop. */
static void
queue_ready_cb (GIOCondition revents,
                gpointer     user_data)
{
  SsSocket *self = user_data;
  g_autoptr(GPtrArray) accepted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SsSocket) hold = g_object_ref (self);
  g_autoptr(SsCallLog) calls = g_object_ref (self->calls);
  gint64 start = g_get_monotonic_time ();
  SsAccepted one;

  /* what one turn takes is one change to each model */
  ss_call_log_hold (calls);
  while (self->accept_queue != NULL && ss_accept_queue_pop (self->accept_queue, &one))
    {
      if (one.fd >= 0)
        g_ptr_array_add (accepted, adopt (self, one.fd, &one.address, one.len));
      else
        report_failed_accept (self, one.errsv);
      if (accepted->len % 32 == 31 && g_get_monotonic_time () - start > ACCEPT_BUDGET_US)
        {
          ss_accept_queue_remind (self->accept_queue);
          break;
        }
    }
  publish_connections (self, accepted);
  ss_traffic_log_flush (self->traffic);
  ss_call_log_release (calls);
}

/**
 * ss_socket_update_accept_queue:
 * @wanted: listening and accepting automatically
 *
 * Starts or stops the listener's accepting thread. Connections it
 * accepted before it stops are the listener's all the same.
 */
void
ss_socket_update_accept_queue (SsSocket *self,
                               gboolean  wanted)
{
  if (wanted && self->accept_queue == NULL)
    self->accept_queue = ss_accept_queue_new (self->fd, queue_ready_cb, self);
  else if (!wanted && self->accept_queue != NULL)
    {
      g_autoptr(GPtrArray) accepted = g_ptr_array_new_with_free_func (g_object_unref);
      SsAccepted one;

      /* the thread stops first, so that nothing more arrives while these
       * are taken and ss_accept_queue_free() has none left to close */
      ss_accept_queue_stop (self->accept_queue);
      while (ss_accept_queue_pop (self->accept_queue, &one))
        if (one.fd >= 0)
          g_ptr_array_add (accepted, adopt (self, one.fd, &one.address, one.len));
      g_clear_pointer (&self->accept_queue, ss_accept_queue_free);
      publish_connections (self, accepted);
    }
}

void
ss_socket_accept_ready (SsSocket *self)
{
  g_autoptr(GPtrArray) accepted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SsSocket) hold = g_object_ref (self);

  for (guint i = 0; i < MAX_ACCEPTS_PER_WAKEUP && self->state == SS_SOCKET_LISTENING; i++)
    {
      SsSocket *connection;
      int errsv;

      connection = accept_one (self, &errsv);
      if (connection != NULL)
        {
          g_ptr_array_add (accepted, connection);
          continue;
        }
      if (errsv == EAGAIN || errsv == EWOULDBLOCK)
        break;
      if (errsv == ECONNABORTED)
        continue;

      /* Out of descriptors or memory: the connection stays queued in the
       * kernel, so pause instead of waking up for it again at once. */
      report_failed_accept (self, errsv);
      self->accept_retry_id = g_timeout_add_seconds (ACCEPT_RETRY_SECONDS, resume_accepting, self);
      ss_socket_io_update_watch (self);
      break;
    }
  publish_connections (self, accepted);
}

/**
 * ss_socket_accept:
 *
 * One accept() call, as the Accept button makes it. With no connection
 * waiting it fails with EAGAIN at once.
 *
 * Returns: (transfer none) (nullable): the new connection, also added to
 *   ss_socket_get_connections()
 */
SsSocket *
ss_socket_accept (SsSocket  *self,
                  GError   **error)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);

  return ss_socket_try_accept (self, TRUE, error);
}

/* One accept() by hand; see ss_socket_try_recv() for @record_would_block. */
SsSocket *
ss_socket_try_accept (SsSocket  *self,
                      gboolean   record_would_block,
                      GError   **error)
{
  g_autoptr(SsSocket) connection = NULL;
  int errsv;

  if (self->state == SS_SOCKET_CLOSED)
    {
      g_set_error (error, SS_ERRNO_ERROR, EBADF, _("accept: the socket is closed (EBADF)"));
      return NULL;
    }

  connection = accept_one (self, &errsv);
  ss_traffic_log_flush (self->traffic);
  if (connection == NULL)
    {
      if (record_would_block || (errsv != EAGAIN && errsv != EWOULDBLOCK))
        record_failed_accept (self, errsv);
      ss_set_errno_error (error, errsv, "accept");
      return NULL;
    }
  {
    g_autoptr(GPtrArray) one = g_ptr_array_new ();

    g_ptr_array_add (one, connection);
    publish_connections (self, one);
  }
  return connection;
}
