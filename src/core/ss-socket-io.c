/* ss-socket-io.c — the socket's watch, its dispatch, and the send queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/sockios.h>
#include <inttypes.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-constants.h"
#include "ss-error.h"
#include "ss-escape.h"
#include "ss-socket-private.h"

static void dispatch (SsSocket *self, GIOCondition revents);

static void
ready_cb (GIOCondition revents,
          gpointer     user_data)
{
  SsSocket *self = user_data;
  SsCallLog *calls = g_object_ref (self->calls);

  /* what one wakeup does is one change to the call log */
  g_object_ref (self);
ss_call_log_hold (calls);
  dispatch (self, revents);
ss_call_log_release (calls);
  g_object_unref (self);
  g_object_unref (calls);
}

void
ss_socket_io_start (SsSocket *self)
{
  self->watch = ss_poller_watch_new (self->fd, ready_cb, self);
  ss_socket_io_update_watch (self);
}

static void record_sendall (SsSocket *self, GBytes *bytes, gsize sent, int errsv);

/* Every sendall() still queued ends with @errsv, as Python's would raise:
 * each is recorded with what it got out, and the log says what did not. */
static void
drop_send_queue (SsSocket *self,
                 int       errsv)
{
  GBytes *bytes;
  gsize sent = self->send_offset;

  while ((bytes = g_queue_pop_head (&self->send_queue)) != NULL)
    {
      /* a file's chunk is not a call: sendfile() is recorded as one */
      if (bytes == self->file_chunk)
        self->file_chunk = NULL;
      else if (self->relay_pair == NULL)
        record_sendall (self, bytes, sent, errsv);
      g_bytes_unref (bytes);
      sent = 0;
    }
  self->send_offset = 0;

  /* an empty payload queues nothing but is in the queue all the same */
  if (self->queued == 0 && self->file_fd < 0)
    return;

  if (self->queued > 0)
    ss_traffic_log_append_event (self->traffic,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "%" PRIu64 " byte was not sent",
                                              "%" PRIu64 " bytes were not sent",
                                              self->queued),
                                 self->queued);
  self->queued = 0;
  if (self->file_fd >= 0)
    ss_socket_file_end (self, errsv);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_QUEUED]);
}

void
ss_socket_io_stop (SsSocket *self)
{
  g_clear_handle_id (&self->accept_retry_id, g_source_remove);
  /* what its thread accepted and nobody saw goes as the kernel's queue would */
  g_clear_pointer (&self->accept_queue, ss_accept_queue_free);
  ss_socket_wait_cancel (self);
  g_clear_pointer (&self->watch, ss_poller_watch_free);
  if (self->connect_task != NULL || self->connect_waited)
    ss_socket_fail_connect (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          _("The socket was closed before it connected")));
  /* closing cancels what is still queued */
  drop_send_queue (self, ECANCELED);
}

/* Sockets whose recv() returns 0 at the end: a datagram of length 0 is
 * not an end. */
gboolean
ss_socket_is_stream (SsSocket *self)
{
  return self->type == SOCK_STREAM || self->type == SOCK_SEQPACKET;
}


static GIOCondition
wanted_condition (SsSocket *self)
{
  GIOCondition want = 0;

  switch (self->state)
    {
    case SS_SOCKET_LISTENING:
      /* its thread accepts, unless the system refused one */
      if (self->auto_accept && self->accept_queue == NULL && self->accept_retry_id == 0)
        want = G_IO_IN;
      break;
    case SS_SOCKET_CONNECTING:
      want = G_IO_OUT;
      break;
    case SS_SOCKET_CREATED:
    case SS_SOCKET_BOUND:
      /* A datagram socket receives once it has an address: bound, or
       * given one by its first sendto(); a raw socket, always. Watching an
       * unbound one costs nothing, since nothing can arrive. */
      if (!ss_socket_is_stream (self) && self->auto_receive && !self->read_shut)
        want = G_IO_IN;
      break;
    case SS_SOCKET_CONNECTED:
      if (ss_socket_tls_holds (self))
        {
          want = ss_socket_tls_condition (self);
          break;
        }
      if (self->failure == 0 && !self->peer_closed && self->auto_receive && !self->read_shut &&
          (self->relay_pair == NULL || ss_relay_pair_may_read (self->relay_pair, self)))
        want |= G_IO_IN;
      if (self->failure == 0 && self->queued > 0)
        want |= G_IO_OUT;
      break;
    case SS_SOCKET_CLOSED:
    default:
      break;
    }
  /* a call by hand waiting in blocking mode */
  if (self->wait_task != NULL)
    want |= self->wait_kind == SS_WAIT_SEND ? G_IO_OUT : G_IO_IN;
  return want;
}

/* Watch only what the state needs (see ss_poller_watch_set_condition()). */
void
ss_socket_io_update_watch (SsSocket *self)
{
  if (self->watch == NULL)
    return;

  ss_socket_update_accept_queue (self, self->state == SS_SOCKET_LISTENING && self->auto_accept);
  ss_poller_watch_set_condition (self->watch, wanted_condition (self));
  ss_poller_watch_set_urgent (self->watch, self->state == SS_SOCKET_LISTENING);
}

/* The connection is over on the kernel's side (reset, broken pipe, …):
 * say so in the log and stop watching it. The descriptor stays open until
 * the person closes it, as in the seed's recipes. */
void
ss_socket_connection_failed (SsSocket   *self,
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
  drop_send_queue (self, errsv);
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_FAILURE]);
  if (self->relay_pair != NULL)
    ss_relay_pair_failed (self->relay_pair, self, errsv);
}

static void
record_sendall (SsSocket   *self,
                GBytes     *bytes,
                gsize       sent,
                int         errsv)
{
  g_autofree char *name = ss_socket_dup_python_name (self);
  g_autofree char *c_literal = NULL;
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  c_literal = ss_escape_literal (data, len, 64, FALSE);
  args = g_strdup_printf ("%d, %s, %" G_GSIZE_FORMAT, self->fd, c_literal, len);
  python = g_strdup_printf ("%s.sendall(" SS_CALL_PAYLOAD ")", name);
  ss_socket_record_payload (self, "sendall", args, python, bytes,
                            errsv ? -1 : (gint64) sent, errsv, NULL);
}

/* Sends from the queue until it is empty or the kernel's buffer is full;
 * each send() that moves bytes is one "sent" entry in the log. Returns the
 * errno that ended the connection, or 0. */
static int
pump_send (SsSocket *self)
{
  guint64 before = self->queued;
  int errsv = 0;

  /* nothing goes out before the handshake (and the person) allows */
  if (ss_socket_tls_holds (self))
    {
      ss_socket_io_update_watch (self);
      return 0;
    }
  while (!g_queue_is_empty (&self->send_queue))
    {
      GBytes *head = g_queue_peek_head (&self->send_queue);
      gsize len;
      const guint8 *data = g_bytes_get_data (head, &len);
      gssize n;

      /* an empty GBytes has no data: NULL + 0 is undefined in C */
      if (data != NULL)
        data += self->send_offset;
      if (self->tls != NULL)
        n = ss_socket_tls_send (self, data, len - self->send_offset);
      else
        n = send (self->fd, data, len - self->send_offset, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          errsv = errno;
          if (self->write_shut)
            {
              drop_send_queue (self, errsv);
              break;
            }
          /* Before there is a connection (send before connect) the error
           * is only this call's answer: it must not mark a connection
           * made later as failed. */
          if (self->state == SS_SOCKET_CONNECTED)
            ss_socket_connection_failed (self, errsv, "send");
          else
            drop_send_queue (self, errsv);
          break;
        }

      ss_socket_log_chunk (self, SS_TRAFFIC_SENT, data, n, NULL);
      self->send_offset += n;
      self->queued -= n;
      if (head == self->file_chunk)
        self->file_sent += n;
      if (self->send_offset == len)
        {
          gboolean file_chunk = head == self->file_chunk;

          if (file_chunk)
            self->file_chunk = NULL;
          else if (self->relay_pair == NULL)
            record_sendall (self, head, len, 0);
          g_bytes_unref (g_queue_pop_head (&self->send_queue));
          self->send_offset = 0;
          if (file_chunk)
            ss_socket_file_refill (self);
        }
    }

  ss_socket_io_update_watch (self);
  if (self->queued != before)
    {
      g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_QUEUED]);
      g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_BYTES_OUT]);
      if (self->relay_pair != NULL)
        ss_relay_pair_drained (self->relay_pair, self);
    }
  return errsv;
}

/* Relayed bytes: no sendall() of the person's, so no call is recorded;
 * with nothing queued they go to the kernel at once, without a copy, and
 * only what it does not take waits in the queue. */
void
ss_socket_relay_write (SsSocket     *self,
                       const guint8 *data,
                       gsize         len)
{
  if (self->state != SS_SOCKET_CONNECTED || self->failure != 0 || self->write_shut || len == 0)
    return;

  /* a TLS leg's bytes go through its session, from the queue */
  if (g_queue_is_empty (&self->send_queue) && self->tls == NULL)
    {
      gssize n;

      do
        n = send (self->fd, data, len, MSG_NOSIGNAL);
      while (n < 0 && errno == EINTR);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        {
          ss_socket_connection_failed (self, errno, "send");
          return;
        }
      if (n > 0)
        {
          ss_socket_log_chunk (self, SS_TRAFFIC_SENT, data, n, NULL);
          /* written from the other leg's wakeup: this log's view is told
           * as that one's is */
          ss_traffic_log_flush_soon (self->traffic);
          data += n;
          len -= n;
          g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_BYTES_OUT]);
        }
      if (len == 0)
        return;
    }

  g_queue_push_tail (&self->send_queue, g_bytes_new (data, len));
  self->queued += len;
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_QUEUED]);
}

int
ss_socket_io_pump (SsSocket *self)
{
  return pump_send (self);
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

/* what the watch asks for now: a receive may have stopped the sending */
static GIOCondition
watching (SsSocket *self)
{
  return self->watch != NULL ? ss_poller_watch_get_condition (self->watch) : 0;
}

static void
dispatch (SsSocket     *self,
          GIOCondition  revents)
{
  /* a waiting accept() or recv() goes first: it is what the person asked */
  if (self->wait_task != NULL && (revents & (G_IO_IN | G_IO_OUT | G_IO_HUP | G_IO_ERR)) &&
      ss_socket_wait_ready (self))
    {
      ss_socket_close_if_done (self);
      ss_traffic_log_flush (self->traffic);
      return;
    }

  switch (self->state)
    {
    case SS_SOCKET_LISTENING:
      ss_socket_accept_ready (self);
      break;
    case SS_SOCKET_CONNECTING:
      ss_socket_connect_ready (self);
      break;
    case SS_SOCKET_CREATED:
    case SS_SOCKET_BOUND:
    case SS_SOCKET_CONNECTED:
      if (ss_socket_tls_holds (self))
        {
          if (revents & (G_IO_IN | G_IO_OUT | G_IO_HUP | G_IO_ERR))
            ss_socket_tls_ready (self);
          break;
        }
      if ((watching (self) & G_IO_IN) && (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
        ss_socket_receive_ready (self);
      if (self->state != SS_SOCKET_CLOSED && (watching (self) & G_IO_OUT) &&
          (revents & (G_IO_OUT | G_IO_HUP | G_IO_ERR)))
        pump_send (self);
      break;
    case SS_SOCKET_CLOSED:
    default:
      break;
    }
  ss_socket_close_if_done (self);
  ss_traffic_log_flush_soon (self->traffic);
}

static const char *
shutdown_name (int how)
{
  switch (how)
    {
    case SHUT_RD:
      return "SHUT_RD";
    case SHUT_WR:
      return "SHUT_WR";
    default:
      return "SHUT_RDWR";
    }
}

/**
 * ss_socket_shutdown:
 * @how: SHUT_RD, SHUT_WR or SHUT_RDWR
 *
 * Ends one or both directions of the connection without closing the
 * descriptor: after SHUT_WR the peer reads the end of the stream, and this
 * side can still receive.
 */
gboolean
ss_socket_shutdown (SsSocket  *self,
                    int        how,
                    GError   **error)
{
  g_autofree char *name = NULL;
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  int result, errsv;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (how == SHUT_RD || how == SHUT_WR || how == SHUT_RDWR, FALSE);

  if (!ss_socket_check_open (self, "shutdown", error))
    return FALSE;

  /* close_notify first, so the peer sees the end and not a truncation */
  if (how != SHUT_RD)
    ss_socket_tls_close (self);
  result = shutdown (self->fd, how);
  errsv = result < 0 ? errno : 0;
  name = ss_socket_dup_python_name (self);
  args = g_strdup_printf ("%d, %s", self->fd, shutdown_name (how));
  python = g_strdup_printf ("%s.shutdown(socket.%s)", name, shutdown_name (how));
  if (!ss_socket_record (self, "shutdown", args, python, result, errsv, error))
    return FALSE;

  if (how != SHUT_WR)
    self->read_shut = TRUE;
  if (how != SHUT_RD)
    self->write_shut = TRUE;
  ss_traffic_log_append_event (self->traffic,
                               how == SHUT_RD ? _("Shut down reading (SHUT_RD)")
                               : how == SHUT_WR ? _("Shut down writing (SHUT_WR): the peer reads the end of the stream")
                               : _("Shut down reading and writing (SHUT_RDWR)"));
  ss_socket_io_update_watch (self);
  ss_traffic_log_flush (self->traffic);
  return TRUE;
}

/**
 * ss_socket_cancel_send:
 *
 * Stops a Send all under way: what the kernel has taken is gone, the rest
 * is dropped and the log says how much; each sendall() ends with
 * ECANCELED in the call log.
 */
void
ss_socket_cancel_send (SsSocket *self)
{
  g_return_if_fail (SS_IS_SOCKET (self));

  if (g_queue_is_empty (&self->send_queue))
    return;
  drop_send_queue (self, ECANCELED);
  ss_socket_io_update_watch (self);
  ss_traffic_log_flush (self->traffic);
}
