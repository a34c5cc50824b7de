/* ss-socket-sendfile.c — sendfile(): a file streamed to the peer from disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-socket-private.h"

/* Big enough that a read costs little per byte, small enough that a
 * gigabyte file costs this much memory and no more. */
#define FILE_CHUNK_SIZE (256 * 1024)

/* Python's repr() of a str, near enough for a path: g_strescape() gives
 * escapes Python reads the same (\n, \t, \\, octal), plus the quote. */
static char *
python_string (const char *text)
{
  g_autofree char *escaped = g_strescape (text, NULL);
  GString *out = g_string_new ("'");

  for (const char *p = escaped; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] == '"')
        {
          g_string_append_c (out, '"');
          p++;
        }
      else if (*p == '\'')
        g_string_append (out, "\\'");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

/* The file is done, stopped or failed: one sendfile() in the call log,
 * with the bytes the kernel took, as Python's returns. */
void
ss_socket_file_end (SsSocket *self,
                    int       errsv)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->file_task);
  g_autofree char *name = ss_socket_dup_python_name (self);
  g_autofree char *path = python_string (self->file_path);
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  GError *error = NULL;

  g_assert (self->file_fd >= 0);

  args = g_strdup_printf ("%d, %d, NULL, %" PRIu64, self->fd, self->file_fd, self->file_size);
  python = g_strdup_printf ("%s.sendfile(open(%s, 'rb'))", name, path);
  close (self->file_fd);
  self->file_fd = -1;
  self->file_chunk = NULL;
  g_clear_pointer (&self->file_path, g_free);

  if (errsv != 0)
    ss_traffic_log_append_event (self->traffic,
                                 _("sendfile stopped after %" PRIu64 " of %" PRIu64 " bytes"),
                                 self->file_sent, self->file_size);
  ss_socket_record (self, "sendfile", args, python,
                    errsv ? -1 : (gint64) self->file_sent, errsv, &error);
  if (task == NULL)
    g_clear_error (&error);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, (gssize) self->file_sent);
}

/* Queues the file's next chunk, when the last one is out; at the end of
 * the file, ends the call. */
void
ss_socket_file_refill (SsSocket *self)
{
  guint64 left;
  g_autofree guint8 *buffer = NULL;
  gssize n;

  if (self->file_fd < 0 || self->file_chunk != NULL)
    return;

  left = self->file_size - self->file_read;
  if (left == 0)
    {
      ss_socket_file_end (self, 0);
      return;
    }

  buffer = g_malloc (MIN (left, FILE_CHUNK_SIZE));
  do
    n = pread (self->file_fd, buffer, MIN (left, FILE_CHUNK_SIZE), self->file_read);
  while (n < 0 && errno == EINTR);

  if (n <= 0)
    {
      int errsv = n < 0 ? errno : 0;

      /* a file that shrank ends early, as Python's sendfile() does */
      if (errsv != 0)
        ss_traffic_log_append_event (self->traffic, _("Reading %s failed: %s"),
                                     self->file_path, g_strerror (errsv));
      self->file_size = self->file_read;
      ss_socket_file_end (self, errsv);
      return;
    }

  self->file_chunk = g_bytes_new_take (g_steal_pointer (&buffer), n);
  self->file_read += n;
  /* the first chunk after what was queued before the file; the next ones
   * at the head, before any sendall() made while the file is going out */
  g_queue_push_nth (&self->send_queue, self->file_chunk, self->file_read == (guint64) n ? -1 : 0);
  self->queued += n;
}

/**
 * ss_socket_send_file_async:
 * @path: a regular file
 *
 * Sends the file's bytes as Python's sendfile(): read from disk a chunk at
 * a time as the kernel takes them, so the file is never in memory whole.
 * The traffic log shows every byte; the call log shows one sendfile().
 * ss_socket_cancel_send() stops it (ECANCELED).
 */
void
ss_socket_send_file_async (SsSocket            *self,
                           const char          *path,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;
  int fd, errsv;

  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, ss_socket_send_file_async);

  if (!ss_socket_check_open (self, "sendfile", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!ss_socket_is_stream (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("sendfile needs a stream socket (SOCK_STREAM): send a datagram at a time instead"));
      return;
    }
  if (self->file_fd >= 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("A file is being sent already: wait for it or stop it first"));
      return;
    }
  if (self->state != SS_SOCKET_CONNECTED || self->failure != 0)
    {
      ss_set_errno_error (&error, self->failure ? self->failure : ENOTCONN, "sendfile");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* O_NONBLOCK: a named pipe must not hang the window in open() */
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      errsv = errno;
      if (fd >= 0)
        close (fd);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                               _("Cannot open %s: %s"), path, g_strerror (errsv));
      return;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                               _("%s is not a regular file: only files can be sent"), path);
      return;
    }

  self->file_task = g_steal_pointer (&task);
  self->file_fd = fd;
  self->file_path = g_strdup (path);
  self->file_size = st.st_size;
  self->file_read = 0;
  self->file_sent = 0;

  {
    gboolean was_idle = g_queue_is_empty (&self->send_queue);

    ss_socket_file_refill (self);
    if (was_idle && self->file_chunk != NULL)
      ss_socket_io_pump (self);
    else
      ss_socket_io_update_watch (self);
  }
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_QUEUED]);
  ss_traffic_log_flush (self->traffic);
}

gint64
ss_socket_send_file_finish (SsSocket      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * ss_socket_get_file_progress:
 *
 * Returns: whether a file is being sent; then @sent of @size bytes are out
 */
gboolean
ss_socket_get_file_progress (SsSocket *self,
                             guint64  *sent,
                             guint64  *size)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);

  if (sent != NULL)
    *sent = self->file_sent;
  if (size != NULL)
    *size = self->file_size;
  return self->file_fd >= 0;
}
