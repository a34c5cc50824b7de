/* ss-traffic-export.c — a socket's traffic log saved to a file: a text
 * transcript, a hex dump, the raw bytes of one direction, or pcapng
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <unistd.h>

#include "ss-escape.h"
#include "ss-payload-format.h"
#include "ss-recorder.h"
#include "ss-traffic-export.h"

const char *
ss_export_format_get_extension (SsExportFormat format)
{
  static const char *extensions[] = {
    [SS_EXPORT_TRANSCRIPT] = "txt",
    [SS_EXPORT_HEX_DUMP] = "txt",
    [SS_EXPORT_RAW_RECEIVED] = "bin",
    [SS_EXPORT_RAW_SENT] = "bin",
    [SS_EXPORT_PCAPNG] = "pcapng",
  };

  g_return_val_if_fail (format < SS_N_EXPORTS, "bin");
  return extensions[format];
}

static char *
format_time (gint64 real_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (real_time / G_USEC_PER_SEC);
  g_autofree char *clock = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");

  return g_strdup_printf ("%s.%06d", clock, (int) (real_time % G_USEC_PER_SEC));
}

static char *dup_kind_heading (SsTrafficEntry *entry,
                               gboolean        relayed);

/* One entry's heading line in a transcript or a hex dump: a message
 * also says what the table says of it (incomplete, cut, bad checksum) */
static char *
dup_heading (SsTrafficEntry *entry,
             gboolean        relayed)
{
  g_autofree char *heading = dup_kind_heading (entry, relayed);
  g_autofree char *note = ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_EVENT
                          ? ss_traffic_entry_dup_note (entry) : NULL;

  return note != NULL ? g_strconcat (heading, " ", note, NULL) : g_steal_pointer (&heading);
}

static char *
dup_kind_heading (SsTrafficEntry *entry,
                  gboolean        relayed)
{
  g_autofree char *time = format_time (ss_traffic_entry_get_time (entry));
  const char *peer = ss_traffic_entry_get_peer (entry);
  gsize len = ss_traffic_entry_get_length (entry);

  switch (ss_traffic_entry_get_kind (entry))
    {
    case SS_TRAFFIC_RECEIVED:
      /* a relayed pair's log: received from the client, for the server */
      if (relayed)
        return g_strdup_printf ("%s  <<< client → server %" G_GSIZE_FORMAT "%s%s", time, len,
                                peer ? " from " : "", peer ? peer : "");
      return g_strdup_printf ("%s  <<< received %" G_GSIZE_FORMAT "%s%s", time, len,
                              peer ? " from " : "", peer ? peer : "");
    case SS_TRAFFIC_SENT:
      if (relayed)
        return g_strdup_printf ("%s  >>> server → client %" G_GSIZE_FORMAT "%s%s", time, len,
                                peer ? " to " : "", peer ? peer : "");
      return g_strdup_printf ("%s  >>> sent %" G_GSIZE_FORMAT "%s%s", time, len,
                              peer ? " to " : "", peer ? peer : "");
    case SS_TRAFFIC_EVENT:
    default:
      {
        g_autofree char *text = ss_traffic_entry_dup_text (entry, 0);

        return g_strdup_printf ("%s  --- %s", time, text);
      }
    }
}

static gboolean
write_string (GOutputStream  *out,
              const char     *text,
              GError        **error)
{
  return g_output_stream_write_all (out, text, strlen (text), NULL, NULL, error);
}

static gboolean
write_entry (GOutputStream   *out,
             SsTrafficEntry  *entry,
             gboolean         relayed,
             SsExportFormat   format,
             guint64         *missing,
             GError         **error)
{
  SsTrafficKind kind = ss_traffic_entry_get_kind (entry);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const guint8 *data = NULL;
  gsize len = 0;

  if (kind != SS_TRAFFIC_EVENT && ss_traffic_entry_get_evicted (entry))
    *missing += (format == SS_EXPORT_RAW_RECEIVED && kind != SS_TRAFFIC_RECEIVED) || (format == SS_EXPORT_RAW_SENT && kind != SS_TRAFFIC_SENT) ? 0 : ss_traffic_entry_get_length (entry);
  else if (kind != SS_TRAFFIC_EVENT)
    data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);

  if (format == SS_EXPORT_RAW_RECEIVED || format == SS_EXPORT_RAW_SENT)
    {
      SsTrafficKind wanted = format == SS_EXPORT_RAW_SENT ? SS_TRAFFIC_SENT : SS_TRAFFIC_RECEIVED;

      if (kind != wanted || data == NULL)
        return TRUE;
      return g_output_stream_write_all (out, data, len, NULL, NULL, error);
    }

  heading = dup_heading (entry, relayed);
  if (!write_string (out, heading, error) || !write_string (out, "\n", error))
    return FALSE;
  if (kind == SS_TRAFFIC_EVENT)
    return TRUE;
  if (data == NULL)
    body = ss_traffic_entry_dup_text (entry, 0);
  else if (format == SS_EXPORT_HEX_DUMP)
    body = ss_payload_format (data, len, SS_PAYLOAD_HEX_DUMP, 0);
  else
    body = ss_escape_bytes (data, len, 0, TRUE);
  return write_string (out, body, error) && write_string (out, "\n\n", error);
}

/* The file's stream for an entry of a merged log: one per connection,
 * between the listener's address and the connection's peer (its label). */
static guint
source_stream (SsRecorder      *recorder,
               GHashTable      *streams,
               SsTrafficLog    *log,
               guint            source,
               const SsAddress *local)
{
  gpointer found = g_hash_table_lookup (streams, GUINT_TO_POINTER (source + 1));
  g_autoptr(SsAddress) peer = NULL;
  guint stream;

  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;
  peer = ss_address_parse_numeric (ss_traffic_log_get_source_label (log, source),
                                   local->storage.ss_family, NULL, NULL);
  stream = ss_recorder_add_stream (recorder, local, peer);
  g_hash_table_insert (streams, GUINT_TO_POINTER (source + 1), GUINT_TO_POINTER (stream + 1));
  return stream;
}

static gboolean
write_pcapng (SsTrafficLog     *log,
              const char       *path,
              const SsAddress  *local,
              const SsAddress  *peer,
              gboolean          datagram,
              guint64          *missing,
              GError          **error)
{
  g_autoptr(SsRecorder) recorder = NULL;
  g_autoptr(GHashTable) streams = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (log));
  gboolean merged = ss_traffic_log_is_merged (log);

  /* a merged log's connections each have their peer */
  if (local == NULL || (peer == NULL && !merged))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("A pcapng file needs the socket's two addresses: save a connected socket's traffic, or use another format"));
      return FALSE;
    }
  recorder = ss_recorder_new (path, local, peer, datagram, error);
  if (recorder == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i);
      SsTrafficKind kind = ss_traffic_entry_get_kind (entry);
      guint stream = 0;
      const guint8 *data;
      gsize len;

      if (kind == SS_TRAFFIC_EVENT)
        continue;
      if (ss_traffic_entry_get_evicted (entry))
        {
          *missing += ss_traffic_entry_get_length (entry);
          continue;
        }
      if (merged)
        stream = source_stream (recorder, streams, log, ss_traffic_entry_get_source (entry), local);
      data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);
      if (!ss_recorder_write_stream (recorder, stream, kind == SS_TRAFFIC_SENT,
                                     ss_traffic_entry_get_time (entry), data, len, error))
        return FALSE;
    }
  return ss_recorder_close (recorder, error);
}

static gboolean
export (SsTrafficLog     *log,
        GListModel       *rows,
        SsExportFormat    format,
        const char       *path,
        const SsAddress  *local,
        const SsAddress  *peer,
        gboolean          datagram,
        guint64          *missing,
        GError          **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *temp = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok = TRUE;
  int fd, errsv;

  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (log), FALSE);
  g_return_val_if_fail (format < SS_N_EXPORTS, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (missing != NULL, FALSE);

  *missing = 0;
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  temp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot write in %s: %s"), dir, g_strerror (errsv));
      return FALSE;
    }

  if (format == SS_EXPORT_PCAPNG)
    {
      close (fd);
      ok = write_pcapng (log, temp, local, peer, datagram, missing, &local_error);
      /* on disk before the name points at it, as below */
      if (ok && (fd = open (temp, O_RDONLY | O_CLOEXEC)) >= 0)
        {
          fsync (fd);
          close (fd);
        }
    }
  else
    {
      guint n = g_list_model_get_n_items (rows);
      GOutputStream *raw = g_unix_output_stream_new (fd, TRUE);

      out = g_buffered_output_stream_new_sized (raw, 256 * 1024);
      g_object_unref (raw);
      for (guint i = 0; ok && i < n; i++)
        {
          g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (rows, i);

          ok = write_entry (out, entry, ss_traffic_log_get_relayed (log), format, missing, &local_error);
        }
      /* the data is on disk before the name points at it */
      ok = ok && g_output_stream_flush (out, NULL, &local_error);
      if (ok && fsync (fd) < 0)
        {
          errsv = errno;
          ok = FALSE;
          g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s", g_strerror (errsv));
        }
      if (!g_output_stream_close (out, NULL, ok ? &local_error : NULL))
        ok = FALSE;
    }

  if (ok && g_rename (temp, path) < 0)
    {
      errsv = errno;
      ok = FALSE;
      g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s", g_strerror (errsv));
    }
  if (!ok)
    {
      g_unlink (temp);
      g_set_error (error, local_error->domain, local_error->code,
                   _("Saving %s failed, and the file is as it was: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * ss_traffic_export:
 * @local: (nullable): for pcapng
 * @peer: (nullable): for pcapng
 * @missing: (out): payload bytes the log no longer kept, so not in the file
 *
 * Writes the file next to @path and renames it over @path once it is
 * whole: a crash or a full disk mid-save leaves the old file as it was.
 */
gboolean
ss_traffic_export (SsTrafficLog     *log,
                   SsExportFormat    format,
                   const char       *path,
                   const SsAddress  *local,
                   const SsAddress  *peer,
                   gboolean          datagram,
                   guint64          *missing,
                   GError          **error)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (log), FALSE);
  return export (log, G_LIST_MODEL (log), format, path, local, peer, datagram, missing, error);
}

/**
 * ss_traffic_export_messages:
 *
 * ss_traffic_export() of whole messages: a transcript, a hex dump or the
 * raw bytes of one direction (pcapng is the log's, chunk by chunk).
 */
gboolean
ss_traffic_export_messages (SsMessageLog     *messages,
                            SsExportFormat    format,
                            const char       *path,
                            guint64          *missing,
                            GError          **error)
{
  g_return_val_if_fail (SS_IS_MESSAGE_LOG (messages), FALSE);
  g_return_val_if_fail (format != SS_EXPORT_PCAPNG, FALSE);
  return export (ss_message_log_get_log (messages), G_LIST_MODEL (messages), format, path,
                 NULL, NULL, FALSE, missing, error);
}
