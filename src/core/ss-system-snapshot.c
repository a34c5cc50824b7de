/* ss-system-snapshot.c — one look at every socket of the machine and its owner, compared with the last
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "ss-process-scan.h"
#include "ss-system-snapshot.h"

/* Immutable once taken, and reference-counted atomically: a worker thread
 * makes it, the window reads it, the next worker compares with it. */
struct _SsSystemSnapshot
{
  gatomicrefcount  ref_count;
  GArray          *entries;  /* SsSystemEntry */
  GStringChunk    *texts;    /* addresses and process names */
  guint            n_hidden;
  SsSockDiagMissing missing;
  guint64          next_serial;
  gint64           duration; /* µs spent taking it */
};

static void
entry_clear (gpointer data)
{
  SsSystemEntry *entry = data;

  g_clear_pointer (&entry->record.unix_name, g_free);
}

static gboolean
tcp_moved (const SsSockRecord *a,
           const SsSockRecord *b)
{
  return a->has_tcp != b->has_tcp ||
         a->tcp.bytes_acked != b->tcp.bytes_acked ||
         a->tcp.bytes_received != b->tcp.bytes_received ||
         a->tcp.total_retrans != b->tcp.total_retrans;
}

/* What makes a row yellow: what a person watches move, not the clocks
 * (RTT, time since the last send) that tick on every idle connection */
static gboolean
entry_moved (const SsSystemEntry *now,
             const SsSystemEntry *before)
{
  return now->record.state != before->record.state ||
         now->record.rqueue != before->record.rqueue ||
         now->record.wqueue != before->record.wqueue ||
         now->pid != before->pid ||
         memcmp (&now->record.peer, &before->record.peer, sizeof now->record.peer) != 0 ||
         now->record.peer_inode != before->record.peer_inode ||
         tcp_moved (&now->record, &before->record);
}

static void
fill_texts (SsSystemSnapshot *self,
            SsSystemEntry    *entry)
{
  g_autofree char *local = ss_sock_record_format_local (&entry->record);
  g_autofree char *peer = ss_sock_record_format_peer (&entry->record);

  entry->local_text = g_string_chunk_insert_const (self->texts, local);
  entry->peer_text = g_string_chunk_insert_const (self->texts, peer);
}

static void
compare_with (SsSystemSnapshot *self,
              SsSystemSnapshot *previous)
{
  g_autoptr(GHashTable) by_cookie = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gboolean *seen = NULL;
  guint n_now = self->entries->len;

  for (guint i = 0; i < previous->entries->len; i++)
    {
      SsSystemEntry *before = &g_array_index (previous->entries, SsSystemEntry, i);

      if (before->change != SS_SYSTEM_REMOVED)
        g_hash_table_insert (by_cookie, &before->record.cookie, GUINT_TO_POINTER (i + 1));
    }
  seen = g_new0 (gboolean, previous->entries->len);
  self->next_serial = previous->next_serial;

  for (guint i = 0; i < n_now; i++)
    {
      SsSystemEntry *now = &g_array_index (self->entries, SsSystemEntry, i);
      guint found = GPOINTER_TO_UINT (g_hash_table_lookup (by_cookie, &now->record.cookie));
      const SsSystemEntry *before;

      if (found == 0)
        {
          now->change = SS_SYSTEM_NEW;
          now->serial = self->next_serial++;
          continue;
        }
      before = &g_array_index (previous->entries, SsSystemEntry, found - 1);
      seen[found - 1] = TRUE;
      now->previous = found - 1;
      now->serial = before->serial;
      now->change = entry_moved (now, before) ? SS_SYSTEM_CHANGED : SS_SYSTEM_SAME;
    }

  /* gone since: shown once more, red, then dropped */
  for (guint i = 0; i < previous->entries->len; i++)
    {
      const SsSystemEntry *before = &g_array_index (previous->entries, SsSystemEntry, i);
      SsSystemEntry gone;

      if (seen[i] || before->change == SS_SYSTEM_REMOVED)
        continue;
      gone = *before;
      gone.record.unix_name = g_strdup (before->record.unix_name);
      gone.local_text = g_string_chunk_insert_const (self->texts, before->local_text);
      gone.peer_text = g_string_chunk_insert_const (self->texts, before->peer_text);
      if (before->process != NULL)
        gone.process = g_string_chunk_insert_const (self->texts, before->process);
      gone.previous = i;
      gone.change = SS_SYSTEM_REMOVED;
      g_array_append_val (self->entries, gone);
    }
}

/**
 * ss_system_snapshot_take:
 * @previous: (nullable): the snapshot to compare with
 *
 * Dumps every socket (NETLINK_SOCK_DIAG), finds their owners in /proc,
 * and marks each as new, changed or the same as in @previous; sockets
 * gone since @previous are added at the end, marked removed. Blocks for
 * as long as the machine has sockets: call it from a worker thread.
 *
 * Returns: (transfer full): the snapshot, or %NULL when the kernel could
 *   not be asked
 */
SsSystemSnapshot *
ss_system_snapshot_take (SsSystemSnapshot  *previous,
                         GError           **error)
{
  g_autoptr(SsSystemSnapshot) self = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(SsProcessScan) scan = NULL;
  gint64 start = g_get_monotonic_time ();
  uid_t uid = getuid ();
  SsSockDiagMissing missing;

  records = ss_sock_diag_dump (&missing, error);
  if (records == NULL)
    return NULL;
  scan = ss_process_scan_new ();

  self = g_new0 (SsSystemSnapshot, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->entries = g_array_sized_new (FALSE, TRUE, sizeof (SsSystemEntry), records->len);
  g_array_set_clear_func (self->entries, entry_clear);
  self->texts = g_string_chunk_new (64 * 1024);
  self->n_hidden = ss_process_scan_get_n_hidden (scan);
  self->missing = missing;

  for (guint i = 0; i < records->len; i++)
    {
      SsSockRecord *record = &g_array_index (records, SsSockRecord, i);
      const SsSocketOwner *owner = ss_process_scan_lookup (scan, record->inode);
      SsSystemEntry entry = { .record = *record, .previous = -1 };

      record->unix_name = NULL;  /* moved into the entry */
      if (owner != NULL)
        {
          entry.pid = owner->pid;
          entry.process = g_string_chunk_insert_const (self->texts, owner->name);
          entry.n_more_owners = owner->n_more;
        }
      else
        /* a socket another user owns, or one no process holds, which
         * cannot be told apart from here: never guess */
        entry.owner_hidden = record->inode != 0 && self->n_hidden > 0 &&
                             (record->uid != uid || record->family == AF_UNIX);
      entry.serial = i;
      fill_texts (self, &entry);
      g_array_append_val (self->entries, entry);
    }
  self->next_serial = records->len;
  if (previous != NULL)
    compare_with (self, previous);
  self->duration = g_get_monotonic_time () - start;
  return g_steal_pointer (&self);
}

SsSystemSnapshot *
ss_system_snapshot_ref (SsSystemSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ss_system_snapshot_unref (SsSystemSnapshot *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_array_unref (self->entries);
  g_string_chunk_free (self->texts);
  g_free (self);
}

guint
ss_system_snapshot_get_n_entries (SsSystemSnapshot *self)
{
  return self->entries->len;
}

const SsSystemEntry *
ss_system_snapshot_get_entry (SsSystemSnapshot *self,
                              guint             index)
{
  g_return_val_if_fail (index < self->entries->len, NULL);

  return &g_array_index (self->entries, SsSystemEntry, index);
}

/* Returns: (nullable): the live socket with that inode (not a removed one) */
const SsSystemEntry *
ss_system_snapshot_find_inode (SsSystemSnapshot *self,
                               guint32           inode)
{
  for (guint i = 0; inode != 0 && i < self->entries->len; i++)
    {
      const SsSystemEntry *entry = &g_array_index (self->entries, SsSystemEntry, i);

      if (entry->record.inode == inode && entry->change != SS_SYSTEM_REMOVED)
        return entry;
    }
  return NULL;
}

/* Processes whose sockets could not be read (another user's) */
guint
ss_system_snapshot_get_n_hidden (SsSystemSnapshot *self)
{
  return self->n_hidden;
}

/* µs spent taking the snapshot: the dump, the /proc scan, the comparison */
gint64
ss_system_snapshot_get_duration (SsSystemSnapshot *self)
{
  return self->duration;
}

/* the kinds of socket this kernel could not list (no diag module) */
SsSockDiagMissing
ss_system_snapshot_get_missing (SsSystemSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->missing;
}
