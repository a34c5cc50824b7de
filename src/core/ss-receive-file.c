/* ss-receive-file.c — received bytes appended, raw, to a file as they
 * arrive (接收转向文件): the payload only, for a person who wants the data
 *
 * Each chunk is written when it is logged, with write(2) on the main loop:
 * a chunk is at most one recv() buffer, and a local file takes it at once.
 * The file is opened non-blocking, so a FIFO nobody reads fails instead of
 * stopping the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-receive-file.h"

struct _SsReceiveFile
{
  GObject   parent_instance;

  int       fd;        /* -1 when not receiving to a file */
  char     *path;      /* the file, also after it stopped */
  guint64   bytes;     /* written since the start */
  char     *failure;   /* why it stopped by itself, or NULL */
};

G_DEFINE_FINAL_TYPE (SsReceiveFile, ss_receive_file, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACTIVE,
  PROP_PATH,
  PROP_BYTES,
  PROP_FAILURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
close_file (SsReceiveFile *self)
{
  if (self->fd >= 0)
    {
      g_close (self->fd, NULL);
      self->fd = -1;
    }
}

static void
ss_receive_file_finalize (GObject *object)
{
  SsReceiveFile *self = SS_RECEIVE_FILE (object);

  close_file (self);
  g_free (self->path);
  g_free (self->failure);

  G_OBJECT_CLASS (ss_receive_file_parent_class)->finalize (object);
}

static void
ss_receive_file_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SsReceiveFile *self = SS_RECEIVE_FILE (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->fd >= 0);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_BYTES:
      g_value_set_uint64 (value, self->bytes);
      break;
    case PROP_FAILURE:
      g_value_set_string (value, self->failure);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_receive_file_class_init (SsReceiveFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_receive_file_finalize;
  object_class->get_property = ss_receive_file_get_property;

  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* the last file written to: still shown once it stopped */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES] =
    g_param_spec_uint64 ("bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* why writing stopped by itself (a full disk…), until the next start */
  properties[PROP_FAILURE] =
    g_param_spec_string ("failure", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ss_receive_file_init (SsReceiveFile *self)
{
  self->fd = -1;
}

SsReceiveFile *
ss_receive_file_new (void)
{
  return g_object_new (SS_TYPE_RECEIVE_FILE, NULL);
}

static void
set_failure (SsReceiveFile *self,
             const char    *failure)
{
  if (g_strcmp0 (self->failure, failure) == 0)
    return;
  g_free (self->failure);
  self->failure = g_strdup (failure);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
}

static void
set_bytes (SsReceiveFile *self,
           guint64        bytes)
{
  if (self->bytes == bytes)
    return;
  self->bytes = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES]);
}

static void
set_error_from_errno (GError     **error,
                      int          errsv,
                      const char  *format,
                      const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *message = g_strdup_printf (format, display, g_strerror (errsv));

  g_set_error_literal (error, SS_ERRNO_ERROR, errsv, message);
}

/**
 * ss_receive_file_start:
 * @path: the file; created if missing, appended to if not
 *
 * From now on ss_receive_file_write() appends to @path; the byte count
 * starts again at 0. A file being written is closed first.
 */
gboolean
ss_receive_file_start (SsReceiveFile  *self,
                       const char     *path,
                       GError        **error)
{
  int fd;

  g_return_val_if_fail (SS_IS_RECEIVE_FILE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_object_freeze_notify (G_OBJECT (self));
  ss_receive_file_stop (self);
  fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0666);
  if (fd < 0)
    {
      /* Translators: a file name, then why it could not be opened */
      set_error_from_errno (error, errno, _("Cannot write to “%s”: %s"), path);
      g_object_thaw_notify (G_OBJECT (self));
      return FALSE;
    }
  self->fd = fd;
  g_free (self->path);
  self->path = g_strdup (path);
  set_failure (self, NULL);
  set_bytes (self, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* Closes the file; the path and the count stay to be shown. */
void
ss_receive_file_stop (SsReceiveFile *self)
{
  g_return_if_fail (SS_IS_RECEIVE_FILE (self));

  if (self->fd < 0)
    return;
  close_file (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

/**
 * ss_receive_file_write:
 *
 * Appends @data, all of it. A failure (a full disk, a closed pipe…) stops
 * the file and is kept as its failure.
 *
 * Returns: %TRUE when written or not receiving to a file; %FALSE with an
 *   SS_ERRNO_ERROR saying the file and why
 */
gboolean
ss_receive_file_write (SsReceiveFile  *self,
                       const guint8   *data,
                       gsize           len,
                       GError        **error)
{
  gsize done = 0;

  g_return_val_if_fail (SS_IS_RECEIVE_FILE (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (self->fd < 0)
    return TRUE;
  while (done < len)
    {
      gssize n = write (self->fd, data + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_autoptr(GError) local_error = NULL;
          /* a write of 0 bytes is the disk saying it is full */
          int errsv = n < 0 ? errno : ENOSPC;

          set_error_from_errno (&local_error, errsv,
                                errsv == EAGAIN ? _("Writing to “%s” would wait: %s")
                                                : _("Writing to “%s” failed: %s"),
                                self->path);
          g_object_freeze_notify (G_OBJECT (self));
          set_bytes (self, self->bytes + done);
          set_failure (self, local_error->message);
          ss_receive_file_stop (self);
          g_object_thaw_notify (G_OBJECT (self));
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      done += n;
    }
  set_bytes (self, self->bytes + len);
  return TRUE;
}

gboolean
ss_receive_file_get_active (SsReceiveFile *self)
{
  g_return_val_if_fail (SS_IS_RECEIVE_FILE (self), FALSE);
  return self->fd >= 0;
}

/* The file being written, or last written; NULL before the first start. */
const char *
ss_receive_file_get_path (SsReceiveFile *self)
{
  g_return_val_if_fail (SS_IS_RECEIVE_FILE (self), NULL);
  return self->path;
}

guint64
ss_receive_file_get_bytes (SsReceiveFile *self)
{
  g_return_val_if_fail (SS_IS_RECEIVE_FILE (self), 0);
  return self->bytes;
}

/* Why writing stopped by itself, or NULL. */
const char *
ss_receive_file_get_failure (SsReceiveFile *self)
{
  g_return_val_if_fail (SS_IS_RECEIVE_FILE (self), NULL);
  return self->failure;
}
