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
#define RECV_BUFFER_SIZE       (64 * 1024)

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
    ss_socket_fail_connect (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
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

static void
dispatch (SsSocket     *self,
          GIOCondition  revents)
{
  switch (self->state)
    {
    case SS_SOCKET_LISTENING:
      ss_socket_accept_ready (self);
      break;
    case SS_SOCKET_CONNECTING:
      ss_socket_connect_ready (self);
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
