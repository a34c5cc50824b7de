/* ss-system-format.c — a system socket's columns as text: for the table, Copy Row and CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ss-system-format.h"
#include "ss-system-row.h"

/* One row per column: its title, its CSV name, whether it is a number */
static const struct
{
  const char *title;
  const char *csv;
  gboolean    number;
} columns[SS_SYSTEM_N_COLUMNS] = {
  [SS_SYSTEM_COLUMN_PROTOCOL] = { N_("Protocol"), "protocol", FALSE },
  [SS_SYSTEM_COLUMN_STATE] = { N_("State"), "state", FALSE },
  [SS_SYSTEM_COLUMN_LOCAL] = { N_("Local Address"), "local", FALSE },
  [SS_SYSTEM_COLUMN_PEER] = { N_("Peer Address"), "peer", FALSE },
  [SS_SYSTEM_COLUMN_RECV_Q] = { N_("Recv-Q"), "recv_q", TRUE },
  [SS_SYSTEM_COLUMN_SEND_Q] = { N_("Send-Q"), "send_q", TRUE },
  [SS_SYSTEM_COLUMN_UID] = { N_("UID"), "uid", TRUE },
  [SS_SYSTEM_COLUMN_INODE] = { N_("Inode"), "inode", TRUE },
  [SS_SYSTEM_COLUMN_PROCESS] = { N_("Process"), "process", FALSE },
  [SS_SYSTEM_COLUMN_RTT] = { N_("RTT / Var"), "rtt_ms", TRUE },
  [SS_SYSTEM_COLUMN_CWND] = { N_("Cwnd"), "cwnd", TRUE },
  [SS_SYSTEM_COLUMN_SSTHRESH] = { N_("Ssthresh"), "ssthresh", TRUE },
  [SS_SYSTEM_COLUMN_RETRANS] = { N_("Retrans"), "retrans", TRUE },
  [SS_SYSTEM_COLUMN_BYTES_ACKED] = { N_("Bytes Acked"), "bytes_acked", TRUE },
  [SS_SYSTEM_COLUMN_BYTES_RECEIVED] = { N_("Bytes Received"), "bytes_received", TRUE },
  [SS_SYSTEM_COLUMN_DELIVERY_RATE] = { N_("Delivery Rate"), "delivery_rate", TRUE },
  [SS_SYSTEM_COLUMN_LAST_SEND] = { N_("Last Send"), "last_send_ms", TRUE },
  [SS_SYSTEM_COLUMN_LAST_RECV] = { N_("Last Recv"), "last_recv_ms", TRUE },
};

const char *
ss_system_column_title (SsSystemColumn column)
{
  g_return_val_if_fail (column > SS_SYSTEM_COLUMN_NONE && column < SS_SYSTEM_N_COLUMNS, "");
  return _(columns[column].title);
}

const char *
ss_system_column_csv_name (SsSystemColumn column)
{
  g_return_val_if_fail (column > SS_SYSTEM_COLUMN_NONE && column < SS_SYSTEM_N_COLUMNS, "");
  return columns[column].csv;
}

gboolean
ss_system_column_is_number (SsSystemColumn column)
{
  return column < SS_SYSTEM_N_COLUMNS && columns[column].number;
}

static char *
format_owner (const SsSystemEntry *entry)
{
  if (entry->pid != 0 && entry->n_more_owners > 0)
    /* Translators: a process name, its pid, and how many more processes share the socket */
    return g_strdup_printf (_("%s (%d) +%u"), entry->process, entry->pid, entry->n_more_owners);
  if (entry->pid != 0)
    return g_strdup_printf ("%s (%d)", entry->process, entry->pid);
  if (entry->owner_hidden)
    /* the /proc scan may not read other users' processes: say so, never guess */
    return g_strdup (_("another user’s (needs root)"));
  return g_strdup ("");
}

static char *
format_size (guint64 bytes)
{
  return bytes < 1000 ? g_strdup_printf ("%" G_GUINT64_FORMAT " B", bytes) : g_format_size (bytes);
}

/* How the table shows a column: sizes and times for people (the CSV has
 * the kernel's own numbers). TCP columns are empty for other sockets. */
char *
ss_system_entry_format (const SsSystemEntry *entry,
                        SsSystemColumn       column)
{
  const SsSockRecord *r = &entry->record;
  const SsSockDiagTcp *t = &r->tcp;

  switch (column)
    {
    case SS_SYSTEM_COLUMN_PROTOCOL:
      return g_strconcat (ss_sock_proto_name (r->proto), r->family == AF_INET6 ? "6" : "", NULL);
    case SS_SYSTEM_COLUMN_STATE:
      return g_strdup (ss_sock_state_name (r->state));
    case SS_SYSTEM_COLUMN_LOCAL:
      return g_strdup (entry->local_text);
    case SS_SYSTEM_COLUMN_PEER:
      return g_strdup (entry->peer_text);
    case SS_SYSTEM_COLUMN_RECV_Q:
      return g_strdup_printf ("%u", r->rqueue);
    case SS_SYSTEM_COLUMN_SEND_Q:
      return g_strdup_printf ("%u", r->wqueue);
    case SS_SYSTEM_COLUMN_UID:
      return r->uid != G_MAXUINT32 ? g_strdup_printf ("%u", r->uid) : g_strdup ("");
    case SS_SYSTEM_COLUMN_INODE:
      return r->inode ? g_strdup_printf ("%u", r->inode) : g_strdup ("");
    case SS_SYSTEM_COLUMN_PROCESS:
      return format_owner (entry);
    default:
      break;
    }

  if (!r->has_tcp)
    return g_strdup ("");
  switch (column)
    {
    case SS_SYSTEM_COLUMN_RTT:
      return g_strdup_printf ("%.3f / %.3f ms", t->rtt_us / 1000.0, t->rttvar_us / 1000.0);
    case SS_SYSTEM_COLUMN_CWND:
      return g_strdup_printf ("%u", t->snd_cwnd);
    case SS_SYSTEM_COLUMN_SSTHRESH:
      /* the kernel's "infinite" until the first loss */
      return t->snd_ssthresh >= 0x7fffffff ? g_strdup ("∞") : g_strdup_printf ("%u", t->snd_ssthresh);
    case SS_SYSTEM_COLUMN_RETRANS:
      return g_strdup_printf ("%u", t->total_retrans);
    case SS_SYSTEM_COLUMN_BYTES_ACKED:
      return format_size (t->bytes_acked);
    case SS_SYSTEM_COLUMN_BYTES_RECEIVED:
      return format_size (t->bytes_received);
    case SS_SYSTEM_COLUMN_DELIVERY_RATE:
      {
        g_autofree char *size = format_size (t->delivery_rate);
        return g_strconcat (size, "/s", NULL);
      }
    case SS_SYSTEM_COLUMN_LAST_SEND:
      return g_strdup_printf ("%.1f s", t->last_data_sent_ms / 1000.0);
    case SS_SYSTEM_COLUMN_LAST_RECV:
      return g_strdup_printf ("%.1f s", t->last_data_recv_ms / 1000.0);
    default:
      return g_strdup ("");
    }
}

/* Copy Row: the columns shown, separated by tabs */
char *
ss_system_entry_to_text (const SsSystemEntry *entry)
{
  GString *text = g_string_new (NULL);

  for (SsSystemColumn c = SS_SYSTEM_COLUMN_PROTOCOL; c < SS_SYSTEM_N_COLUMNS; c++)
    {
      g_autofree char *cell = ss_system_entry_format (entry, c);

      if (c > SS_SYSTEM_COLUMN_PROTOCOL)
        g_string_append_c (text, '\t');
      g_string_append (text, cell);
    }
  return g_string_free (text, FALSE);
}

/* The kernel's numbers, unrounded, for a spreadsheet */
static char *
csv_value (const SsSystemEntry *entry,
           SsSystemColumn       column)
{
  const SsSockDiagTcp *t = &entry->record.tcp;

  if (column == SS_SYSTEM_COLUMN_PROCESS)
    return entry->pid ? g_strdup_printf ("%s (%d)", entry->process, entry->pid) : g_strdup ("");
  if (!entry->record.has_tcp || column < SS_SYSTEM_COLUMN_RTT)
    return ss_system_entry_format (entry, column);
  switch (column)
    {
    case SS_SYSTEM_COLUMN_RTT:
      return g_strdup_printf ("%.3f", t->rtt_us / 1000.0);
    case SS_SYSTEM_COLUMN_BYTES_ACKED:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, t->bytes_acked);
    case SS_SYSTEM_COLUMN_BYTES_RECEIVED:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, t->bytes_received);
    case SS_SYSTEM_COLUMN_DELIVERY_RATE:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, t->delivery_rate);
    case SS_SYSTEM_COLUMN_LAST_SEND:
      return g_strdup_printf ("%u", t->last_data_sent_ms);
    case SS_SYSTEM_COLUMN_LAST_RECV:
      return g_strdup_printf ("%u", t->last_data_recv_ms);
    case SS_SYSTEM_COLUMN_SSTHRESH:
      return g_strdup_printf ("%u", t->snd_ssthresh);
    default:
      return ss_system_entry_format (entry, column);
    }
}

static void
append_csv_field (GString    *csv,
                  const char *value)
{
  /* RFC 4180: quoted when it holds a comma, a quote or a line break */
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (csv, value);
      return;
    }
  g_string_append_c (csv, '"');
  for (; *value != '\0'; value++)
    {
      if (*value == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *value);
    }
  g_string_append_c (csv, '"');
}

/**
 * ss_system_export_csv:
 * @rows: a list of #SsSystemRow, in the order to write
 *
 * Returns: (transfer full): the rows as CSV, a header line first, with a
 *   "change" column (new, changed, removed or empty)
 */
GBytes *
ss_system_export_csv (GListModel *rows)
{
  static const char *changes[] = { "", "new", "changed", "removed" };
  GString *csv = g_string_new (NULL);
  guint n = g_list_model_get_n_items (rows);

  for (SsSystemColumn c = SS_SYSTEM_COLUMN_PROTOCOL; c < SS_SYSTEM_N_COLUMNS; c++)
    g_string_append_printf (csv, "%s,", columns[c].csv);
  g_string_append (csv, "pid,change\r\n");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSystemRow) row = g_list_model_get_item (rows, i);
      const SsSystemEntry *entry = ss_system_row_get_entry (row);

      for (SsSystemColumn c = SS_SYSTEM_COLUMN_PROTOCOL; c < SS_SYSTEM_N_COLUMNS; c++)
        {
          g_autofree char *value = csv_value (entry, c);

          append_csv_field (csv, value);
          g_string_append_c (csv, ',');
        }
      g_string_append_printf (csv, "%d,%s\r\n", entry->pid, changes[entry->change]);
    }
  return g_string_free_to_bytes (csv);
}
