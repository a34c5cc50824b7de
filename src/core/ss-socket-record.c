/* ss-socket-record.c — a socket's traffic logged, and recorded to a file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

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

  /* a relayed pair is recorded as the client talking to the server */
  if (!peer && self->relay_pair != NULL)
    {
      SsAddress *server = ss_socket_dup_relay_server_address (self);

      if (server != NULL)
        return server;
    }
  if (peer)
    result = getpeername (self->fd, (struct sockaddr *) &storage, &len);
  else
    result = getsockname (self->fd, (struct sockaddr *) &storage, &len);
  if (result < 0 || len < sizeof (sa_family_t))
    return NULL;
  return ss_address_new ((struct sockaddr *) &storage, MIN (len, sizeof storage));
}

static void
recording_failed (SsSocket     *self,
                  const GError *error)
{
  ss_traffic_log_append_event (self->traffic, _("Recording stopped: %s"), error->message);
  g_clear_handle_id (&self->record_flush_id, g_source_remove);
  g_clear_pointer (&self->recorder, ss_recorder_free);
  g_clear_pointer (&self->record_path, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_RECORDING]);
}

/* Once a burst is over (the main loop is idle), the buffered packets go
 * to the file: a capture cut short loses at most the last moment. */
static gboolean
flush_recording_cb (gpointer user_data)
{
  SsSocket *self = user_data;
  g_autoptr(GError) error = NULL;

  self->record_flush_id = 0;
  if (self->recorder != NULL && !ss_recorder_flush (self->recorder, &error))
    {
      recording_failed (self, error);
      ss_traffic_log_flush (self->traffic);
    }
  return G_SOURCE_REMOVE;
}

/* The stream of @connection in its listener's recording, added the
 * first time it has bytes to write there. */
static guint
listener_stream (SsSocket *listener,
                 SsSocket *connection)
{
  if (connection->record_generation != listener->record_generation ||
      connection->record_stream == 0)
    {
      g_autoptr(SsAddress) local = dup_name (connection, FALSE);
      g_autoptr(SsAddress) peer = dup_name (connection, TRUE);

      connection->record_generation = listener->record_generation;
      connection->record_stream = ss_recorder_add_stream (listener->recorder, local, peer);
    }
  return connection->record_stream;
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
  SsSocket *recording = self;
  guint stream = 0;

  g_assert (kind == SS_TRAFFIC_RECEIVED || kind == SS_TRAFFIC_SENT);

  ss_traffic_log_append_from (self->traffic, kind, data, len, peer);
  if (kind == SS_TRAFFIC_RECEIVED)
    ss_socket_write_received (self, data, len);

  /* a connection of a listener that records goes into its file */
  if (self->recorder == NULL && self->listener != NULL && self->listener->recorder != NULL)
    {
      recording = self->listener;
      stream = listener_stream (recording, self);
    }
  if (recording->recorder == NULL)
    return;
  if (!ss_recorder_write_stream (recording->recorder, stream, kind == SS_TRAFFIC_SENT,
                                 g_get_real_time (), data, len, &error))
    {
      recording_failed (recording, error);
      ss_traffic_log_flush (recording->traffic);
    }
  else if (recording->record_flush_id == 0)
    recording->record_flush_id = g_idle_add_full (G_PRIORITY_LOW, flush_recording_cb, recording, NULL);
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
  self->record_generation++;
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

  g_clear_handle_id (&self->record_flush_id, g_source_remove);
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

/* The socket's name while it is open; after close, what it showed. */
static SsAddress *
dup_known_name (SsSocket *self,
                gboolean  peer)
{
  const char *text = peer ? self->peer_address : self->local_address;
  SsAddress *address = !peer ? ss_socket_dup_relay_server_address (self) : NULL;

  if (address == NULL && self->state != SS_SOCKET_CLOSED)
    address = dup_name (self, peer);

  if (address == NULL && text != NULL)
    address = ss_address_parse_numeric (text, self->family, NULL, NULL);
  return address;
}

/**
 * ss_socket_save_traffic:
 * @missing: (out): payload bytes no longer kept in memory, so not saved
 *
 * Saves the traffic log to @path in @format, atomically (see
 * ss_traffic_export()).
 */
gboolean
ss_socket_save_traffic (SsSocket        *self,
                        SsExportFormat   format,
                        const char      *path,
                        guint64         *missing,
                        GError         **error)
{
  g_autoptr(SsAddress) local = NULL;
  g_autoptr(SsAddress) peer = NULL;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);

  if (format == SS_EXPORT_PCAPNG)
    {
      local = dup_known_name (self, FALSE);
      peer = dup_known_name (self, TRUE);
      /* a datagram socket that never connected: its senders are many */
      if (peer == NULL && self->last_sender != NULL)
        peer = ss_address_copy (self->last_sender);
    }
  /* a listener's log is every connection's */
  return ss_traffic_export (self->all_traffic != NULL ? self->all_traffic : self->traffic,
                            format, path, local, peer,
                            !ss_socket_is_stream (self), missing, error);
}

static void
start_or_say (SsSocket   *self,
              const char *path)
{
  g_autoptr(GError) error = NULL;

  if (!ss_socket_start_recording (self, path, &error))
    {
      ss_traffic_log_append_event (self->traffic, _("Recording to %s failed: %s"), path, error->message);
      ss_traffic_log_flush (self->traffic);
    }
}

/**
 * ss_socket_record_when_connected:
 * @path: the pcapng file
 *
 * What --record asks: a connection records from its first byte; a
 * listener records each connection it accepts, the first to @path and
 * the next ones to numbered names beside it ("capture-2.pcapng").
 */
void
ss_socket_record_when_connected (SsSocket   *self,
                                 const char *path)
{
  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (path != NULL);

  g_free (self->record_when);
  self->record_when = g_strdup (path);
  self->record_count = 0;
  if (self->state == SS_SOCKET_CONNECTED)
    ss_socket_record_pending (self);
}

void
ss_socket_record_pending (SsSocket *self)
{
  if (self->recorder == NULL && self->listener == NULL)
    start_or_say (self, self->record_when);
}

void
ss_socket_record_connection (SsSocket *self,
                             SsSocket *connection)
{
  g_autofree char *path = ss_recorder_numbered_path (self->record_when, ++self->record_count);

  start_or_say (connection, path);
}
