/* ss-socket-connect.c — connect, finished from the fd source
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

/* Ends a pending connect with @error (taken). */
void
ss_socket_fail_connect (SsSocket *self,
                        GError   *error)
{
  GTask *task = g_steal_pointer (&self->connect_task);

  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  self->connect_waited = FALSE;
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
finish_connect (SsSocket *self,
                int       errsv)
{
  GTask *task = g_steal_pointer (&self->connect_task);
  g_autofree char *args = g_steal_pointer (&self->connect_args);
  g_autofree char *python = g_steal_pointer (&self->connect_python);
  gboolean answered = self->connect_waited;
  GError *error = NULL;

  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  self->connect_waited = FALSE;

  /* A caller already answered (non-blocking mode, or a timeout) made no
   * call that learns the outcome: the log says it as an event. */
  if (answered)
    {
      if (errsv == 0)
        ss_socket_update_addresses (self);
      else
        ss_set_errno_error (&error, errsv, "connect");
    }
  /* connect_ex() returns the error code itself instead of -1 */
  else
    ss_socket_record (self, self->connect_ex ? "connect_ex" : "connect", args, python,
                      self->connect_ex ? errsv : (errsv ? -1 : 0), errsv, &error);

  if (error == NULL)
    {
      ss_socket_update_addresses (self);
      ss_socket_set_state (self, SS_SOCKET_CONNECTED);
      ss_traffic_log_append_event (self->traffic, _("Connected to %s from %s"),
                                   self->peer_address, self->local_address);
      ss_socket_tls_connected (self);
      if (task != NULL)
        g_task_return_boolean (task, TRUE);
    }
  else
    {
      ss_socket_set_state (self, self->state_before_connect);
      ss_traffic_log_append_event (self->traffic, "%s", error->message);
      if (task != NULL)
        g_task_return_error (task, error);
      else
        g_error_free (error);
    }
  ss_traffic_log_flush (self->traffic);
  g_clear_object (&task);
}

/* The caller gets its answer now; the kernel goes on connecting and the
 * outcome shows in the traffic log. */
static void
answer_early (SsSocket   *self,
              int         errsv,
              GError     *error)
{
  GTask *task = g_steal_pointer (&self->connect_task);

  ss_socket_record (self, self->connect_ex ? "connect_ex" : "connect", self->connect_args,
                    self->connect_python, self->connect_ex ? errsv : -1, errsv, NULL);
  self->connect_waited = TRUE;
  if (self->connect_ex)
    g_task_return_new_error (task, SS_ERRNO_ERROR, errsv, "%s", error->message);
  else
    g_task_return_error (task, g_error_copy (error));
  g_object_unref (task);
  g_error_free (error);
}

static gboolean
connect_timed_out (gpointer user_data)
{
  SsSocket *self = user_data;

  self->connect_timeout_id = 0;
  answer_early (self, ETIMEDOUT,
                g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             _("connect: timed out after %g s (socket.timeout)"), self->timeout));
  return G_SOURCE_REMOVE;
}

void
ss_socket_connect_ready (SsSocket *self)
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
static void connect_address (SsSocket *self, const SsAddress *address, gboolean as_ex,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);

void
ss_socket_connect (SsSocket            *self,
                   const SsAddress     *address,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  connect_address (self, address, FALSE, cancellable, callback, user_data);
}

static void
connect_address (SsSocket            *self,
                 const SsAddress     *address,
                 gboolean             as_ex,
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
  if (self->connect_task != NULL || self->connect_waited)
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
    self->connect_python = g_strdup_printf (as_ex ? "%s.connect_ex(%s)" : "%s.connect(%s)",
                                            name, python_address);
  }
  self->state_before_connect = self->state;
  self->connect_ex = as_ex;

  do
    result = connect (self->fd, (const struct sockaddr *) &address->storage, address->len);
  while (result < 0 && errno == EINTR);

  if (result < 0 && errno == EINPROGRESS)
    {
      ss_socket_set_state (self, SS_SOCKET_CONNECTING);
      /* non-blocking: EINPROGRESS at once, as Python raises it */
      if (self->timeout == 0)
        {
          GError *error = NULL;

          ss_set_errno_error (&error, EINPROGRESS, "connect");
          answer_early (self, EINPROGRESS, error);
        }
      else if (self->timeout > 0)
        self->connect_timeout_id = g_timeout_add ((guint) (self->timeout * 1000),
                                                  connect_timed_out, self);
    }
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
  gboolean as_ex = g_task_get_source_tag (task) == ss_socket_connect_ex_async;
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
  connect_address (self, address, as_ex, cancellable, connect_done_cb, g_steal_pointer (&task));
}

/* An empty host means this machine, as connecting to 0.0.0.0 would. */
static void
resolve_and_connect (SsSocket            *self,
                     const char          *address,
                     gpointer             source_tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  ss_address_resolve_async (address, self->family,
                            self->family == AF_INET6 ? "::1" : "127.0.0.1",
                            cancellable, connect_resolved_cb, task);
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
  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (address != NULL);

  resolve_and_connect (self, address, ss_socket_connect_async, cancellable, callback, user_data);
}

gboolean
ss_socket_connect_finish (SsSocket      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ss_socket_connect_ex_async:
 *
 * Python's connect_ex(): like ss_socket_connect_async(), but the kernel's
 * answer is a code (0, or an errno such as 111 ECONNREFUSED), not an
 * error. Only a mistake in @address is an error.
 */
void
ss_socket_connect_ex_async (SsSocket            *self,
                            const char          *address,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (address != NULL);

  resolve_and_connect (self, address, ss_socket_connect_ex_async, cancellable, callback, user_data);
}

/**
 * ss_socket_connect_ex_finish:
 *
 * Returns: 0 when connected, the errno the kernel answered, or -1 with
 *   @error set when the address itself was wrong
 */
int
ss_socket_connect_ex_finish (SsSocket      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  if (g_task_propagate_boolean (G_TASK (result), &local_error))
    return 0;
  if (local_error->domain == SS_ERRNO_ERROR)
    return local_error->code;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return -1;
}
