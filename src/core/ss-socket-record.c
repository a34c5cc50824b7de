/* ss-socket-record.c — a socket's traffic logged, and recorded to a file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sys/socket.h>

#include "ss-socket-private.h"

static SsAddress *
dup_name (SsSocket *self,
          gboolean  peer)
{
  struct sockaddr_storage storage = { 0 };
  socklen_t len = sizeof storage;
  int result;

  if (peer)
    result = getpeername (self->fd, (struct sockaddr *) &storage, &len);
  else
    result = getsockname (self->fd, (struct sockaddr *) &storage, &len);
  if (result < 0 || len < sizeof (sa_family_t))
    return NULL;
  return ss_address_new ((struct sockaddr *) &storage, MIN (len, sizeof storage));
}

/* Every payload byte the socket logs goes through here, so a recording
 * holds exactly what the traffic log counts. */
void
ss_socket_log_chunk (SsSocket        *self,
                     SsTrafficKind    kind,
                     const guint8    *data,
                     gsize            len,
                     const SsAddress *peer)
{
  g_autoptr(GError) error = NULL;

  g_assert (kind == SS_TRAFFIC_RECEIVED || kind == SS_TRAFFIC_SENT);

  ss_traffic_log_append_from (self->traffic, kind, data, len, peer);

  if (self->recorder == NULL)
    return;
  if (!ss_recorder_write (self->recorder, kind == SS_TRAFFIC_SENT,
                          g_get_real_time (), data, len, &error))
    {
      ss_traffic_log_append_event (self->traffic, _("Recording stopped: %s"), error->message);
      g_clear_pointer (&self->recorder, ss_recorder_free);
      g_clear_pointer (&self->record_path, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_RECORDING]);
    }
}

/**
 * ss_socket_start_recording:
 * @path: the pcapng file, replaced if it exists
 *
 * Streams every byte the socket sends or receives from now on to @path,
 * as packets Wireshark can follow, until ss_socket_stop_recording() or
 * close. A recording already running is stopped first.
 */
gboolean
ss_socket_start_recording (SsSocket    *self,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(SsAddress) local = NULL;
  g_autoptr(SsAddress) peer = NULL;
  SsRecorder *recorder;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state == SS_SOCKET_CLOSED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           _("The socket is closed"));
      return FALSE;
    }

  ss_socket_stop_recording (self);

  local = dup_name (self, FALSE);
  peer = dup_name (self, TRUE);
  recorder = ss_recorder_new (path, local, peer, !ss_socket_is_stream (self), error);
  if (recorder == NULL)
    return FALSE;

  self->recorder = recorder;
  self->record_path = g_strdup (path);
  ss_traffic_log_append_event (self->traffic, _("Recording to %s"), path);
  ss_traffic_log_flush (self->traffic);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_RECORDING]);
  return TRUE;
}

void
ss_socket_stop_recording (SsSocket *self)
{
  g_autoptr(SsRecorder) recorder = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SS_IS_SOCKET (self));

  if (self->recorder == NULL)
    return;

  recorder = g_steal_pointer (&self->recorder);
  path = g_steal_pointer (&self->record_path);
  if (ss_recorder_close (recorder, &error))
    ss_traffic_log_append_event (self->traffic, _("Recording to %s stopped"), path);
  else
    ss_traffic_log_append_event (self->traffic, _("Recording stopped: %s"), error->message);
  ss_traffic_log_flush (self->traffic);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_RECORDING]);
}

gboolean
ss_socket_get_recording (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  return self->recorder != NULL;
}
