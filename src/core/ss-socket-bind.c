/* ss-socket-bind.c — bind(), and the Unix socket file it may make
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ss-constants.h"
#include "ss-socket-private.h"

/* bind() made a socket file: remember which, so close removes that file
 * and nothing else. */
static void
remember_unix_file (SsSocket        *self,
                    const SsAddress *address)
{
  const struct sockaddr_un *sun = (const struct sockaddr_un *) &address->storage;
  struct stat st;

  if (ss_address_get_family (address) != AF_UNIX ||
      address->len <= offsetof (struct sockaddr_un, sun_path) || sun->sun_path[0] == '\0')
    return;

  g_free (self->unix_path);
  self->unix_path = g_strndup (sun->sun_path, address->len - offsetof (struct sockaddr_un, sun_path));
  if (lstat (self->unix_path, &st) == 0)
    {
      self->unix_dev = st.st_dev;
      self->unix_ino = st.st_ino;
    }
}

/* Only the very socket file bind() made is removed: if the path is now
 * something else (a new file, another socket), it stays. */
void
ss_socket_remove_unix_file (SsSocket *self)
{
  g_autofree char *path = g_steal_pointer (&self->unix_path);
  struct stat st;

  if (path == NULL || lstat (path, &st) < 0)
    return;
  if (!S_ISSOCK (st.st_mode) || st.st_dev != self->unix_dev || st.st_ino != self->unix_ino)
    return;
  if (unlink (path) == 0 && self->traffic != NULL)
    ss_traffic_log_append_event (self->traffic, _("Removed the socket file %s"), path);
}

gboolean
ss_socket_bind (SsSocket         *self,
                const SsAddress  *address,
                GError          **error)
{
  g_autofree char *text = NULL;
  g_autofree char *python_address = NULL;
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  g_autofree char *name = NULL;
  int result, errsv;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  if (!ss_socket_check_open (self, "bind", error))
    return FALSE;

  result = bind (self->fd, (const struct sockaddr *) &address->storage, address->len);
  errsv = result < 0 ? errno : 0;

  text = ss_address_to_string (address);
  python_address = ss_address_to_python (address);
  name = ss_socket_dup_python_name (self);
  args = g_strdup_printf ("%d, {%s, %s}, %u", self->fd,
                          ss_family_name (ss_address_get_family (address)), text, address->len);
  python = g_strdup_printf ("%s.bind(%s)", name, python_address);

  if (!ss_socket_record (self, "bind", args, python, result, errsv, error))
    return FALSE;

  remember_unix_file (self, address);

  ss_socket_update_addresses (self);
  if (self->state == SS_SOCKET_CREATED)
    ss_socket_set_state (self, SS_SOCKET_BOUND);
  ss_traffic_log_append_event (self->traffic, _("Bound to %s"), self->local_address);
  ss_traffic_log_flush (self->traffic);
  return TRUE;
}

static void
bind_resolved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SsAddress) address = NULL;
  GError *error = NULL;

  address = ss_address_resolve_finish (result, &error);
  if (address == NULL || !ss_socket_bind (g_task_get_source_object (task), address, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ss_socket_bind_async:
 * @address: what the person typed: "127.0.0.1:0", "[::1]:8000", ":8000"
 *   (all interfaces), a host name, or a path for a Unix socket
 *
 * Parses and, for a host name, looks it up without blocking, then binds.
 */
void
ss_socket_bind_async (SsSocket            *self,
                      const char          *address,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (address != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ss_socket_bind_async);
  ss_address_resolve_async (address, self->family, NULL, cancellable, bind_resolved_cb, task);
}

gboolean
ss_socket_bind_finish (SsSocket      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
