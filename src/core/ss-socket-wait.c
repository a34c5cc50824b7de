/* ss-socket-wait.c — setblocking() and settimeout(): calls by hand that wait
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/socket.h>

#include "ss-error.h"
#include "ss-socket-private.h"

/* In blocking mode (Python's default) an accept() or recv() with nothing
 * to take waits, as the seed's recipes expect; with a timeout it gives up
 * after that long, as Python's socket.timeout. The descriptor itself stays
 * non-blocking: the waiting is a watch on the main loop, so the window
 * never waits. */

double
ss_socket_get_timeout (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), -1);
  return self->timeout;
}

/**
 * ss_socket_set_timeout:
 * @timeout: seconds; a negative value blocks without limit
 *   (settimeout(None), setblocking(True)), 0 never waits
 *   (setblocking(False))
 *
 * Recorded as the seed's call: this is Python's mode, not a system call.
 */
void
ss_socket_set_timeout (SsSocket *self,
                       double    timeout)
{
  g_autofree char *name = NULL;
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  char seconds[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (SS_IS_SOCKET (self));

  if (timeout < 0)
    timeout = -1;
  if (self->timeout == timeout)
    return;
  self->timeout = timeout;

  name = ss_socket_dup_python_name (self);
  g_ascii_formatd (seconds, sizeof seconds, "%g", timeout);
  if (timeout < 0)
    python = g_strdup_printf ("%s.setblocking(True)", name);
  else if (timeout == 0)
    python = g_strdup_printf ("%s.setblocking(False)", name);
  else
    python = g_strdup_printf ("%s.settimeout(%s)", name, seconds);
  args = g_strdup_printf ("%d, %s", self->fd, timeout < 0 ? "None" : seconds);
  ss_socket_record (self, timeout > 0 ? "settimeout" : "setblocking", args, python, 0, 0, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_TIMEOUT]);
}

/**
 * ss_socket_get_waiting:
 *
 * Returns: whether an accept() or recv() made by hand is waiting
 */
gboolean
ss_socket_get_waiting (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  return self->wait_task != NULL;
}

static void
clear_wait_call (SsSocket *self)
{
  g_clear_pointer (&self->wait_bytes, g_bytes_unref);
  g_clear_pointer (&self->wait_to, ss_address_free);
}

static void
finish_wait (SsSocket *self)
{
  clear_wait_call (self);
  g_clear_handle_id (&self->wait_timeout_id, g_source_remove);
  if (self->wait_cancellable != NULL)
    {
      g_clear_signal_handler (&self->wait_cancel_id, self->wait_cancellable);
      g_clear_object (&self->wait_cancellable);
    }
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_WAITING]);
}

static void
return_error (SsSocket *self,
              GError   *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->wait_task);

  finish_wait (self);
  g_task_return_error (task, error);
}

static const char *
wait_call_name (SsSocket *self)
{
  switch (self->wait_kind)
    {
    case SS_WAIT_ACCEPT:
      return "accept";
    case SS_WAIT_RECV:
      return "recv";
    case SS_WAIT_SEND:
    default:
      return self->wait_to ? "sendto" : "send";
    }
}

static gboolean
wait_timed_out (gpointer user_data)
{
  SsSocket *self = user_data;
  const char *call = wait_call_name (self);
  g_autofree char *name = ss_socket_dup_python_name (self);
  g_autofree char *args = g_strdup_printf ("%d", self->fd);
  g_autofree char *python = NULL;

  switch (self->wait_kind)
    {
    case SS_WAIT_ACCEPT:
      python = g_strdup_printf ("conn, addr = %s.accept()", name);
      break;
    case SS_WAIT_RECV:
      python = g_strdup_printf ("data = %s.recv(%" G_GSIZE_FORMAT ")", name, self->wait_bufsize);
      break;
    case SS_WAIT_SEND:
    default:
      python = g_strdup_printf ("%s.%s(…)", name, call);
      break;
    }

  self->wait_timeout_id = 0;
  /* Python raises socket.timeout; the kernel was never asked to wait, so
   * the nearest errno stands for it in the log */
  ss_socket_record (self, call, args, python, -1, ETIMEDOUT, NULL);
  return_error (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                   _("%s: timed out after %g s (socket.timeout)"),
                                   call, self->timeout));
  return G_SOURCE_REMOVE;
}

/* What one attempt at the waiting call gave. */
typedef struct
{
  SsSocket *connection;
  gssize    count;
  GError   *error;
} Outcome;

static Outcome
attempt (SsSocket *self,
         gboolean  record_would_block)
{
  Outcome outcome = { NULL, -1, NULL };

  switch (self->wait_kind)
    {
    case SS_WAIT_ACCEPT:
      outcome.connection = ss_socket_try_accept (self, record_would_block, &outcome.error);
      break;
    case SS_WAIT_RECV:
      outcome.count = ss_socket_try_recv (self, self->wait_bufsize, record_would_block, &outcome.error);
      break;
    case SS_WAIT_SEND:
    default:
      outcome.count = ss_socket_try_send (self, self->wait_bytes, self->wait_to,
                                          record_would_block, &outcome.error);
      break;
    }
  return outcome;
}

static gboolean
would_block (const Outcome *outcome)
{
  return g_error_matches (outcome->error, SS_ERRNO_ERROR, EAGAIN);
}

static void
answer (GTask   *task,
        Outcome *outcome)
{
  if (outcome->error != NULL)
    g_task_return_error (task, g_steal_pointer (&outcome->error));
  else if (outcome->connection != NULL)
    g_task_return_pointer (task, g_object_ref (outcome->connection), g_object_unref);
  else
    g_task_return_int (task, outcome->count);
}

static void
wait_cancelled_cb (GCancellable *cancellable,
                   SsSocket     *self)
{
  ss_socket_wait_cancel (self);
}

/* A plain signal handler, not g_cancellable_connect(): ending the wait
 * disconnects it, which the latter forbids from inside its callback. */
static void
watch_cancellable (SsSocket     *self,
                   GCancellable *cancellable)
{
  if (cancellable == NULL)
    return;
  self->wait_cancellable = g_object_ref (cancellable);
  self->wait_cancel_id = g_signal_connect_object (cancellable, "cancelled",
                                                  G_CALLBACK (wait_cancelled_cb), self, 0);
}

/* Starts waiting for @task, or answers it at once. */
static void
wait_or_return (SsSocket        *self,
                GTask           *task,
                SsWaitKind       kind,
                gsize            bufsize,
                GBytes          *bytes,
                const SsAddress *to)
{
  gboolean blocking = self->timeout != 0;
  Outcome outcome;

  if (self->wait_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("Another call is already waiting on this socket"));
      return;
    }

  self->wait_kind = kind;
  self->wait_bufsize = bufsize;
  self->wait_bytes = bytes ? g_bytes_ref (bytes) : NULL;
  self->wait_to = to ? ss_address_copy (to) : NULL;

  outcome = attempt (self, !blocking);
  if (!blocking || !would_block (&outcome) || g_task_return_error_if_cancelled (task))
    {
      clear_wait_call (self);
      answer (task, &outcome);
      g_clear_error (&outcome.error);
      return;
    }
  g_clear_error (&outcome.error);

  self->wait_task = g_object_ref (task);
  watch_cancellable (self, g_task_get_cancellable (task));
  if (self->timeout > 0)
    self->wait_timeout_id = g_timeout_add ((guint) (self->timeout * 1000), wait_timed_out, self);
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_WAITING]);
}

/* The fd is ready while a call waits: try it again. Returns whether the
 * call is over (the wake-up was used). */
gboolean
ss_socket_wait_ready (SsSocket *self)
{
  g_autoptr(GTask) task = NULL;
  Outcome outcome = attempt (self, FALSE);

  if (would_block (&outcome))
    {
      g_clear_error (&outcome.error);
      return FALSE;
    }

  /* the wait is over before the caller hears, so it may start another */
  task = g_steal_pointer (&self->wait_task);
  finish_wait (self);
  answer (task, &outcome);
  return TRUE;
}

/* Closing the socket, or the caller giving up, ends the wait. */
void
ss_socket_wait_cancel (SsSocket *self)
{
  if (self->wait_task != NULL)
    return_error (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     _("Stopped waiting")));
}

static GTask *
new_wait_task (SsSocket            *self,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

/**
 * ss_socket_accept_async:
 *
 * accept() as the socket's mode says (ss_socket_set_timeout()): at once,
 * or waiting for a connection.
 */
void
ss_socket_accept_async (SsSocket            *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SS_IS_SOCKET (self));

  task = new_wait_task (self, ss_socket_accept_async, cancellable, callback, user_data);
  wait_or_return (self, task, SS_WAIT_ACCEPT, 0, NULL, NULL);
}

/**
 * ss_socket_accept_finish:
 *
 * Returns: (transfer full) (nullable): the new connection
 */
SsSocket *
ss_socket_accept_finish (SsSocket      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ss_socket_recv_async:
 *
 * recv(bufsize) as the socket's mode says: at once, or waiting for data.
 */
void
ss_socket_recv_async (SsSocket            *self,
                      gsize                bufsize,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (bufsize > 0);

  task = new_wait_task (self, ss_socket_recv_async, cancellable, callback, user_data);
  wait_or_return (self, task, SS_WAIT_RECV, bufsize, NULL, NULL);
}

/**
 * ss_socket_recv_finish:
 *
 * Returns: the byte count (0 when the peer closed), or -1 with @error
 */
gssize
ss_socket_recv_finish (SsSocket      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * ss_socket_send_async:
 * @to: (nullable): the destination, for sendto()
 *
 * One send() as the socket's mode says: with the kernel's buffer full, a
 * blocking socket waits until it takes some bytes; a non-blocking one
 * answers EAGAIN at once.
 */
void
ss_socket_send_async (SsSocket            *self,
                      GBytes              *bytes,
                      const SsAddress     *to,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (bytes != NULL);

  task = new_wait_task (self, ss_socket_send_async, cancellable, callback, user_data);
  wait_or_return (self, task, SS_WAIT_SEND, 0, bytes, to);
}

/**
 * ss_socket_send_finish:
 *
 * Returns: the bytes the kernel took, or -1 with @error
 */
gssize
ss_socket_send_finish (SsSocket      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}
