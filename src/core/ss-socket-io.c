/* ss-socket-io.c — the fd source: accept, connect, send and receive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <inttypes.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-constants.h"
#include "ss-error.h"
#include "ss-escape.h"
#include "ss-socket-private.h"

/* Bounded work per wake-up, so one busy socket cannot starve the others
 * or the window. */
#define MAX_READS_PER_WAKEUP   16
#define MAX_ACCEPTS_PER_WAKEUP 64
#define RECV_BUFFER_SIZE       (64 * 1024)
#define ACCEPT_RETRY_SECONDS   1

/* Core runs on the main thread only, so one receive buffer serves every
 * socket: ten thousand idle connections must not cost 64 KiB each. */
static guint8 recv_buffer[RECV_BUFFER_SIZE];

typedef struct
{
  GSource   source;
  SsSocket *socket;   /* weak: the socket destroys its source */
} SocketSource;

static void dispatch (SsSocket *self, GIOCondition revents);

static gboolean
socket_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  SocketSource *socket_source = (SocketSource *) source;
  SsSocket *self = socket_source->socket;

  g_object_ref (self);
  dispatch (self, g_source_query_unix_fd (source, self->fd_tag));
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs socket_source_funcs = {
  .dispatch = socket_source_dispatch,
};

void
ss_socket_io_start (SsSocket *self)
{
  SocketSource *source;

  source = (SocketSource *) g_source_new (&socket_source_funcs, sizeof (SocketSource));
  source->socket = self;
  /* Below GTK's layout and redraw priorities: however hard a peer floods,
   * the window still draws and takes input between batches. */
  g_source_set_priority ((GSource *) source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_static_name ((GSource *) source, "[sockscope] socket");
  g_source_attach ((GSource *) source, g_main_context_get_thread_default ());
  self->source = (GSource *) source;

  ss_socket_io_update_watch (self);
}

static void
fail_connect_task (SsSocket   *self,
                   GError     *error)
{
  GTask *task = g_steal_pointer (&self->connect_task);

  g_clear_pointer (&self->connect_args, g_free);
  g_clear_pointer (&self->connect_python, g_free);
  if (task != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
    }
  else
    g_error_free (error);
}

static void
drop_send_queue (SsSocket *self)
{
  /* an empty payload queues nothing but is in the queue all the same */
  if (self->queued == 0)
    {
      g_queue_clear_full (&self->send_queue, (GDestroyNotify) g_bytes_unref);
      self->send_offset = 0;
      return;
    }

  ss_traffic_log_append_event (self->traffic,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "%" PRIu64 " byte was not sent",
                                            "%" PRIu64 " bytes were not sent",
                                            self->queued),
                               self->queued);
  g_queue_clear_full (&self->send_queue, (GDestroyNotify) g_bytes_unref);
  self->send_offset = 0;
  self->queued = 0;
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_QUEUED]);
}

void
ss_socket_io_stop (SsSocket *self)
{
  g_clear_handle_id (&self->accept_retry_id, g_source_remove);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
      self->fd_tag = NULL;
      self->watching = 0;
    }
  if (self->connect_task != NULL)
    fail_connect_task (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          _("The socket was closed before it connected")));
  drop_send_queue (self);
}

static GIOCondition
wanted_condition (SsSocket *self)
{
  GIOCondition want = 0;

  switch (self->state)
    {
    case SS_SOCKET_LISTENING:
      if (self->auto_accept && self->accept_retry_id == 0)
        want = G_IO_IN;
      break;
    case SS_SOCKET_CONNECTING:
      want = G_IO_OUT;
      break;
    case SS_SOCKET_BOUND:
      /* a bound datagram socket receives */
      if (self->type != SOCK_STREAM && self->type != SOCK_SEQPACKET)
        want = G_IO_IN;
      break;
    case SS_SOCKET_CONNECTED:
      if (self->failure == 0 && !self->peer_closed)
        want |= G_IO_IN;
      if (self->failure == 0 && self->queued > 0)
        want |= G_IO_OUT;
      break;
    case SS_SOCKET_CREATED:
    case SS_SOCKET_CLOSED:
    default:
      break;
    }
  return want;
}

/* Watch only what the state needs; with nothing wanted the fd leaves the
 * poll set, since poll reports HUP and ERR whatever is asked, and a dead
 * connection would otherwise wake us forever. */
void
ss_socket_io_update_watch (SsSocket *self)
{
  GIOCondition want;

  if (self->source == NULL)
    return;

  want = wanted_condition (self);
  if (want == self->watching)
    return;

  if (want == 0)
    {
      g_source_remove_unix_fd (self->source, self->fd_tag);
      self->fd_tag = NULL;
    }
  else if (self->fd_tag == NULL)
    self->fd_tag = g_source_add_unix_fd (self->source, self->fd, want);
  else
    g_source_modify_unix_fd (self->source, self->fd_tag, want);
  self->watching = want;
}

static gboolean
is_stream (SsSocket *self)
{
  return self->type == SOCK_STREAM;
}

/* The connection is over on the kernel's side (reset, broken pipe, …):
 * say so in the log and stop watching it. The descriptor stays open until
 * the person closes it, as in the seed's recipes. */
static void
connection_failed (SsSocket   *self,
                   int         errsv,
                   const char *call)
{
  if (self->failure != 0)
    return;

  self->failure = errsv;
  if (errsv == ECONNRESET)
    ss_traffic_log_append_event (self->traffic, _("Connection reset by peer (ECONNRESET)"));
  else
    ss_traffic_log_append_event (self->traffic, _("%s failed: %s (%s)"),
                                 call, g_strerror (errsv), ss_errno_name (errsv));
  drop_send_queue (self);
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_FAILURE]);
}

static void
peer_closed (SsSocket *self)
{
  self->peer_closed = TRUE;
  ss_traffic_log_append_event (self->traffic, _("Peer closed its side of the connection (recv returned 0)"));
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_PEER_CLOSED]);
}

static void
receive_ready (SsSocket *self)
{
  guint64 before = ss_socket_get_bytes_in (self);

  for (guint i = 0; i < MAX_READS_PER_WAKEUP; i++)
    {
      gssize n = recv (self->fd, recv_buffer, sizeof recv_buffer, 0);

      if (n > 0 || (n == 0 && !is_stream (self)))
        {
          ss_traffic_log_append (self->traffic, SS_TRAFFIC_RECEIVED, recv_buffer, n);
          continue;
        }
      if (n == 0)
        {
          peer_closed (self);
          break;
        }
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        connection_failed (self, errno, "recv");
      break;
    }

  if (ss_socket_get_bytes_in (self) != before)
    g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_BYTES_IN]);
}

static void
record_sendall (SsSocket   *self,
                GBytes     *bytes,
                gsize       sent,
                int         errsv)
{
  g_autofree char *name = ss_socket_dup_python_name (self);
  g_autofree char *c_literal = NULL;
  g_autofree char *py_literal = NULL;
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  c_literal = ss_escape_literal (data, len, 64, FALSE);
  py_literal = ss_escape_literal (data, len, 64, TRUE);
  args = g_strdup_printf ("%d, %s, %" G_GSIZE_FORMAT, self->fd, c_literal, len);
  python = g_strdup_printf ("%s.sendall(%s)", name, py_literal);
  ss_socket_record (self, "sendall", args, python, errsv ? -1 : (gint64) sent, errsv, NULL);
}

/* Sends from the queue until it is empty or the kernel's buffer is full;
 * each send() that moves bytes is one "sent" entry in the log. Returns the
 * errno that ended the connection, or 0. */
static int
pump_send (SsSocket *self)
{
  guint64 before = self->queued;
  int errsv = 0;

  while (!g_queue_is_empty (&self->send_queue))
    {
      GBytes *head = g_queue_peek_head (&self->send_queue);
      gsize len;
      const guint8 *data = g_bytes_get_data (head, &len);
      gssize n;

      /* an empty GBytes has no data: NULL + 0 is undefined in C */
      if (data != NULL)
        data += self->send_offset;
      n = send (self->fd, data, len - self->send_offset, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          errsv = errno;
          record_sendall (self, head, self->send_offset, errsv);
          /* Before there is a connection (send before connect) the error
           * is only this call's answer: it must not mark a connection
           * made later as failed. */
          if (self->state == SS_SOCKET_CONNECTED)
            connection_failed (self, errsv, "send");
          else
            drop_send_queue (self);
          break;
        }

      ss_traffic_log_append (self->traffic, SS_TRAFFIC_SENT, data, n);
      self->send_offset += n;
      self->queued -= n;
      if (self->send_offset == len)
        {
          record_sendall (self, head, len, 0);
          g_bytes_unref (g_queue_pop_head (&self->send_queue));
          self->send_offset = 0;
        }
    }

  ss_socket_io_update_watch (self);
  if (self->queued != before)
    {
      g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_QUEUED]);
      g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_BYTES_OUT]);
    }
  return errsv;
}

/**
 * ss_socket_send:
 * @bytes: the payload
 *
 * Sends all of @bytes, as Python's sendall(): what the kernel does not
 * take at once is queued and sent as the socket becomes writable, without
 * ever blocking. An error the kernel gives at once (ENOTCONN, EPIPE, …) is
 * returned; a later one ends the connection and is logged.
 */
gboolean
ss_socket_send (SsSocket  *self,
                GBytes    *bytes,
                GError   **error)
{
  int errsv;
  gboolean was_idle;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  if (self->state == SS_SOCKET_CLOSED)
    {
      g_set_error (error, SS_ERRNO_ERROR, EBADF, _("send: the socket is closed (EBADF)"));
      return FALSE;
    }
  if (self->failure != 0)
    {
      ss_set_errno_error (error, self->failure, "send");
      return FALSE;
    }

  was_idle = g_queue_is_empty (&self->send_queue);
  g_queue_push_tail (&self->send_queue, g_bytes_ref (bytes));
  self->queued += g_bytes_get_size (bytes);

  /* An empty payload still makes the call, as Python would. pump_send()
   * records it itself when send() returned 0; only one it left queued
   * (EAGAIN) is recorded here. */
  errsv = was_idle ? pump_send (self) : 0;
  if (was_idle && g_bytes_get_size (bytes) == 0 && errsv == 0 &&
      g_queue_peek_head (&self->send_queue) == bytes)
    {
      record_sendall (self, bytes, 0, 0);
      g_bytes_unref (g_queue_pop_head (&self->send_queue));
    }
  ss_traffic_log_flush (self->traffic);

  if (errsv != 0)
    {
      ss_set_errno_error (error, errsv, "send");
      return FALSE;
    }
  return TRUE;
}

static SsSocket *
accept_one (SsSocket  *self,
            int       *errsv_out)
{
  struct sockaddr_storage storage;
  socklen_t len = sizeof storage;
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  g_autofree char *name = NULL;
  g_autofree char *peer = NULL;
  SsSocket *connection;
  int fd;

  do
    fd = accept4 (self->fd, (struct sockaddr *) &storage, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);

  *errsv_out = fd < 0 ? errno : 0;
  if (fd < 0)
    return NULL;

  {
    g_autoptr(SsAddress) address = ss_address_new ((struct sockaddr *) &storage, len);
    peer = ss_address_to_string (address);
  }
  name = ss_socket_dup_python_name (self);
  args = g_strdup_printf ("%d, {%s, %s}, [%u]", self->fd,
                          ss_family_name (storage.ss_family), peer, len);
  python = g_strdup_printf ("conn%d, addr = %s.accept()", fd, name);
  ss_socket_record (self, "accept4", args, python, fd, 0, NULL);

  connection = ss_socket_new_for_fd (self->calls, fd, self->family, self->type,
                                     self->protocol, SS_SOCKET_CONNECTED);
  g_set_weak_pointer (&connection->listener, self);
  ss_traffic_log_append_event (connection->traffic, _("Accepted from %s by the listener on fd %d"),
                               peer, self->fd);
  ss_traffic_log_flush (connection->traffic);
  ss_traffic_log_append_event (self->traffic, _("Accepted a connection from %s as fd %d"), peer, fd);

  g_list_store_append (self->connections, connection);
  g_signal_emit (self, ss_socket_signals[SS_SOCKET_SIGNAL_ACCEPTED], 0, connection);
  return connection;
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
accept_ready (SsSocket *self)
{
  for (guint i = 0; i < MAX_ACCEPTS_PER_WAKEUP && self->state == SS_SOCKET_LISTENING; i++)
    {
      g_autoptr(SsSocket) connection = NULL;
      int errsv;

      connection = accept_one (self, &errsv);
      if (connection != NULL)
        continue;
      if (errsv == EAGAIN || errsv == EWOULDBLOCK)
        break;
      if (errsv == ECONNABORTED)
        continue;

      /* Out of descriptors or memory: the connection stays queued in the
       * kernel, so pause instead of waking up for it again at once. */
      record_failed_accept (self, errsv);
      ss_traffic_log_append_event (self->traffic,
                                   _("accept failed: %s (%s); trying again in %d s"),
                                   g_strerror (errsv), ss_errno_name (errsv),
                                   ACCEPT_RETRY_SECONDS);
      self->accept_retry_id = g_timeout_add_seconds (ACCEPT_RETRY_SECONDS, resume_accepting, self);
      ss_socket_io_update_watch (self);
      break;
    }
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
  g_autoptr(SsSocket) connection = NULL;
  int errsv;

  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);

  if (self->state == SS_SOCKET_CLOSED)
    {
      g_set_error (error, SS_ERRNO_ERROR, EBADF, _("accept: the socket is closed (EBADF)"));
      return NULL;
    }

  connection = accept_one (self, &errsv);
  ss_traffic_log_flush (self->traffic);
  if (connection == NULL)
    {
      record_failed_accept (self, errsv);
      ss_set_errno_error (error, errsv, "accept");
      return NULL;
    }
  return connection;
}

static void
finish_connect (SsSocket *self,
                int       errsv)
{
  GTask *task = g_steal_pointer (&self->connect_task);
  g_autofree char *args = g_steal_pointer (&self->connect_args);
  g_autofree char *python = g_steal_pointer (&self->connect_python);
  GError *error = NULL;

  if (ss_socket_record (self, "connect", args, python, errsv ? -1 : 0, errsv, &error))
    {
      ss_socket_update_addresses (self);
      ss_socket_set_state (self, SS_SOCKET_CONNECTED);
      ss_traffic_log_append_event (self->traffic, _("Connected to %s from %s"),
                                   self->peer_address, self->local_address);
      g_task_return_boolean (task, TRUE);
    }
  else
    {
      ss_socket_set_state (self, self->state_before_connect);
      ss_traffic_log_append_event (self->traffic, "%s", error->message);
      g_task_return_error (task, error);
    }
  ss_traffic_log_flush (self->traffic);
  g_object_unref (task);
}

static void
connect_ready (SsSocket     *self,
               GIOCondition  revents)
{
  int errsv = 0;
  socklen_t len = sizeof errsv;

  if (getsockopt (self->fd, SOL_SOCKET, SO_ERROR, &errsv, &len) < 0)
    errsv = errno;
  finish_connect (self, errsv);
}

/**
 * ss_socket_connect:
 *
 * Connects without blocking: the task completes when the kernel has
 * connected or refused. The call is recorded with its final result, as a
 * blocking connect() in the seed's recipe would return it.
 */
void
ss_socket_connect (SsSocket            *self,
                   const SsAddress     *address,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *text = NULL;
  g_autofree char *python_address = NULL;
  int result;

  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (address != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ss_socket_connect);

  if (self->state == SS_SOCKET_CLOSED)
    {
      g_task_return_new_error (task, SS_ERRNO_ERROR, EBADF,
                               _("connect: the socket is closed (EBADF)"));
      return;
    }
  if (self->connect_task != NULL)
    {
      g_task_return_new_error (task, SS_ERRNO_ERROR, EALREADY,
                               _("connect: a connection attempt is already under way (EALREADY)"));
      return;
    }

  text = ss_address_to_string (address);
  self->connect_task = g_steal_pointer (&task);
  self->connect_args = g_strdup_printf ("%d, {%s, %s}, %u", self->fd,
                                        ss_family_name (ss_address_get_family (address)),
                                        text, address->len);
  python_address = ss_address_to_python (address);
  {
    g_autofree char *name = ss_socket_dup_python_name (self);
    self->connect_python = g_strdup_printf ("%s.connect(%s)", name, python_address);
  }
  self->state_before_connect = self->state;

  do
    result = connect (self->fd, (const struct sockaddr *) &address->storage, address->len);
  while (result < 0 && errno == EINTR);

  if (result < 0 && errno == EINPROGRESS)
    ss_socket_set_state (self, SS_SOCKET_CONNECTING);
  else
    finish_connect (self, result < 0 ? errno : 0);
}

static void
connect_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
connect_resolved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SsSocket *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(SsAddress) address = NULL;
  GError *error = NULL;

  address = ss_address_resolve_finish (result, &error);
  if (address == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* the cancellable is read before: argument order is unspecified, and
   * g_steal_pointer() may run first */
  ss_socket_connect (self, address, cancellable,
                     connect_done_cb, g_steal_pointer (&task));
}

/**
 * ss_socket_connect_async:
 * @address: what the person typed: "127.0.0.1:8000", "[::1]:8000",
 *   "localhost:8000", or a path for a Unix socket
 *
 * Parses and looks up @address without blocking, then connects.
 */
void
ss_socket_connect_async (SsSocket            *self,
                         const char          *address,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (address != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ss_socket_connect_async);
  ss_address_resolve_async (address, self->family,
                            self->family == AF_INET6 ? "::1" : "127.0.0.1",
                            cancellable, connect_resolved_cb, task);
}

gboolean
ss_socket_connect_finish (SsSocket      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
dispatch (SsSocket     *self,
          GIOCondition  revents)
{
  switch (self->state)
    {
    case SS_SOCKET_LISTENING:
      accept_ready (self);
      break;
    case SS_SOCKET_CONNECTING:
      connect_ready (self, revents);
      break;
    case SS_SOCKET_BOUND:
    case SS_SOCKET_CONNECTED:
      if ((self->watching & G_IO_IN) && (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
        receive_ready (self);
      if (self->state != SS_SOCKET_CLOSED && (self->watching & G_IO_OUT) &&
          (revents & (G_IO_OUT | G_IO_HUP | G_IO_ERR)))
        pump_send (self);
      break;
    case SS_SOCKET_CREATED:
    case SS_SOCKET_CLOSED:
    default:
      break;
    }
  ss_traffic_log_flush (self->traffic);
}
