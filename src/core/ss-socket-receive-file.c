/* ss-socket-receive-file.c — a socket's received bytes appended to a file
 * as they arrive; a listener's file takes all its connections' bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-socket-private.h"

/**
 * ss_socket_get_receive_file:
 *
 * Returns: (transfer none): the socket's receive-to-file switch, its file
 *   and byte count, made on first use
 */
SsReceiveFile *
ss_socket_get_receive_file (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);

  if (self->receive_file == NULL)
    self->receive_file = ss_receive_file_new ();
  return self->receive_file;
}

static gboolean
receiving_to_file (SsSocket *self)
{
  return self != NULL && self->receive_file != NULL && ss_receive_file_get_active (self->receive_file);
}

/**
 * ss_socket_start_receive_file:
 * @path: appended to, created if missing
 *
 * Every byte received from now on goes to @path too, until
 * ss_socket_stop_receive_file(), close, or a write that fails (the log then
 * says why; the connection goes on).
 */
gboolean
ss_socket_start_receive_file (SsSocket    *self,
                              const char  *path,
                              GError     **error)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->state == SS_SOCKET_CLOSED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The socket is closed"));
      return FALSE;
    }
  if (!ss_receive_file_start (ss_socket_get_receive_file (self), path, error))
    return FALSE;
  ss_traffic_log_append_event (self->traffic, _("Appending received bytes to %s"), path);
  ss_traffic_log_flush (self->traffic);
  return TRUE;
}

void
ss_socket_stop_receive_file (SsSocket *self)
{
  g_return_if_fail (SS_IS_SOCKET (self));

  if (!receiving_to_file (self))
    return;
  ss_receive_file_stop (self->receive_file);
  ss_traffic_log_append_event (self->traffic,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "Stopped appending to %s: %" PRIu64 " byte written",
                                            "Stopped appending to %s: %" PRIu64 " bytes written",
                                            ss_receive_file_get_bytes (self->receive_file)),
                               ss_receive_file_get_path (self->receive_file),
                               (guint64) ss_receive_file_get_bytes (self->receive_file));
  ss_traffic_log_flush (self->traffic);
}

/* Every byte the socket logs as received comes here. */
void
ss_socket_write_received (SsSocket     *self,
                          const guint8 *data,
                          gsize         len)
{
  g_autoptr(GError) error = NULL;
  SsSocket *owner = receiving_to_file (self) ? self : self->listener;

  if (!receiving_to_file (owner))
    return;
  if (!ss_receive_file_write (owner->receive_file, data, len, &error))
    {
      ss_traffic_log_append_event (owner->traffic, _("Receiving to a file stopped: %s"), error->message);
      ss_traffic_log_flush (owner->traffic);
    }
}
