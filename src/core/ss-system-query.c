/* ss-system-query.c — which sockets of a snapshot show, in which order, and their counts by state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ss-system-query.h"

SsSystemQuery *
ss_system_query_copy (const SsSystemQuery *self)
{
  SsSystemQuery *copy = g_memdup2 (self, sizeof *self);

  copy->text = g_strdup (self->text);
  return copy;
}

void
ss_system_query_free (SsSystemQuery *self)
{
  if (self == NULL)
    return;
  g_free (self->text);
  g_free (self);
}

void
ss_system_result_free (SsSystemResult *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->snapshot, ss_system_snapshot_unref);
  g_clear_pointer (&self->order, g_array_unref);
  g_free (self);
}

static gboolean
contains (const char *haystack,
          const char *needle)
{
  gsize n = strlen (needle);

  for (; haystack != NULL && *haystack != '\0'; haystack++)
    if (g_ascii_strncasecmp (haystack, needle, n) == 0)
      return TRUE;
  return FALSE;
}

gboolean
ss_system_query_matches (const SsSystemQuery *self,
                         const SsSystemEntry *entry)
{
  const SsSockRecord *record = &entry->record;
  char number[16];

  if (self->only_tcp && record->proto != SS_SOCK_PROTO_TCP)
    return FALSE;
  if (self->hide_listening && record->state == SS_SOCK_STATE_LISTEN)
    return FALSE;
  if (self->hide_loopback && ss_sock_record_is_loopback (record))
    return FALSE;
  if (self->text == NULL || self->text[0] == '\0')
    return TRUE;
  if (contains (entry->local_text, self->text) || contains (entry->peer_text, self->text) ||
      contains (entry->process, self->text) ||
      contains (ss_sock_state_name (record->state), self->text) ||
      contains (ss_sock_proto_name (record->proto), self->text))
    return TRUE;
  g_snprintf (number, sizeof number, "%d", entry->pid);
  return entry->pid != 0 && strcmp (number, self->text) == 0;
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int
compare_inet (const SsSockRecord *a,
              const SsSockRecord *b,
              const SsSockInet   *ia,
              const SsSockInet   *ib)
{
  int result = CMP (a->family, b->family);

  if (result == 0 && a->family == AF_UNIX)
    return g_strcmp0 (a->unix_name, b->unix_name);
  if (result == 0)
    result = memcmp (ia->addr, ib->addr, 16);
  return result != 0 ? result : CMP (ia->port, ib->port);
}

/* A TCP value, with sockets that have none (UDP, Unix) after all others */
static int
compare_tcp (const SsSystemEntry *a,
             const SsSystemEntry *b,
             guint64              va,
             guint64              vb)
{
  if (a->record.has_tcp != b->record.has_tcp)
    return a->record.has_tcp ? -1 : 1;
  return CMP (va, vb);
}

static int
compare_column (const SsSystemEntry *a,
                const SsSystemEntry *b,
                SsSystemColumn       column)
{
  const SsSockRecord *ra = &a->record;
  const SsSockRecord *rb = &b->record;

  switch (column)
    {
    case SS_SYSTEM_COLUMN_PROTOCOL:
      return CMP (ra->proto * 16 + ra->family, rb->proto * 16 + rb->family);
    case SS_SYSTEM_COLUMN_STATE:
      return strcmp (ss_sock_state_name (ra->state), ss_sock_state_name (rb->state));
    case SS_SYSTEM_COLUMN_LOCAL:
      return compare_inet (ra, rb, &ra->local, &rb->local);
    case SS_SYSTEM_COLUMN_PEER:
      if (ra->family == AF_UNIX && rb->family == AF_UNIX)
        return CMP (ra->peer_inode, rb->peer_inode);
      return compare_inet (ra, rb, &ra->peer, &rb->peer);
    case SS_SYSTEM_COLUMN_RECV_Q:
      return CMP (ra->rqueue, rb->rqueue);
    case SS_SYSTEM_COLUMN_SEND_Q:
      return CMP (ra->wqueue, rb->wqueue);
    case SS_SYSTEM_COLUMN_UID:
      return CMP (ra->uid, rb->uid);
    case SS_SYSTEM_COLUMN_INODE:
      return CMP (ra->inode, rb->inode);
    case SS_SYSTEM_COLUMN_PROCESS:
      {
        int result = g_strcmp0 (a->process, b->process);
        return result != 0 ? result : CMP (a->pid, b->pid);
      }
    case SS_SYSTEM_COLUMN_RTT:
      return compare_tcp (a, b, ra->tcp.rtt_us, rb->tcp.rtt_us);
    case SS_SYSTEM_COLUMN_CWND:
      return compare_tcp (a, b, ra->tcp.snd_cwnd, rb->tcp.snd_cwnd);
    case SS_SYSTEM_COLUMN_SSTHRESH:
      return compare_tcp (a, b, ra->tcp.snd_ssthresh, rb->tcp.snd_ssthresh);
    case SS_SYSTEM_COLUMN_RETRANS:
      return compare_tcp (a, b, ra->tcp.total_retrans, rb->tcp.total_retrans);
    case SS_SYSTEM_COLUMN_BYTES_ACKED:
      return compare_tcp (a, b, ra->tcp.bytes_acked, rb->tcp.bytes_acked);
    case SS_SYSTEM_COLUMN_BYTES_RECEIVED:
      return compare_tcp (a, b, ra->tcp.bytes_received, rb->tcp.bytes_received);
    case SS_SYSTEM_COLUMN_DELIVERY_RATE:
      return compare_tcp (a, b, ra->tcp.delivery_rate, rb->tcp.delivery_rate);
    case SS_SYSTEM_COLUMN_LAST_SEND:
      return compare_tcp (a, b, ra->tcp.last_data_sent_ms, rb->tcp.last_data_sent_ms);
    case SS_SYSTEM_COLUMN_LAST_RECV:
      return compare_tcp (a, b, ra->tcp.last_data_recv_ms, rb->tcp.last_data_recv_ms);
    case SS_SYSTEM_COLUMN_NONE:
      /* as first seen: rows stay in place, a new one comes last, a
       * removed one is red where it was (TCPView's way) */
      return CMP (a->serial, b->serial);
    case SS_SYSTEM_N_COLUMNS:
    default:
      return 0;
    }
}

typedef struct
{
  const SsSystemQuery *query;
  SsSystemSnapshot    *snapshot;
} SortData;

/* Ties are broken by the kernel's cookie, so equal rows keep their places
 * from one refresh to the next and the view's change stays small. */
static int
compare_indices (gconstpointer pa,
                 gconstpointer pb,
                 gpointer      user_data)
{
  SortData *data = user_data;
  const SsSystemEntry *a = ss_system_snapshot_get_entry (data->snapshot, *(const guint *) pa);
  const SsSystemEntry *b = ss_system_snapshot_get_entry (data->snapshot, *(const guint *) pb);
  int result = compare_column (a, b, data->query->sort_column);

  if (data->query->descending)
    result = -result;
  return result != 0 ? result : CMP (a->record.cookie, b->record.cookie);
}

/**
 * ss_system_query_run:
 *
 * Filters and sorts @snapshot. Costs a sort of the snapshot: call it from
 * a worker thread for a big one (ss_system_query_run_async()).
 *
 * Returns: (transfer full): the entries shown, in order, and their counts
 */
SsSystemResult *
ss_system_query_run (const SsSystemQuery *self,
                     SsSystemSnapshot    *snapshot)
{
  SsSystemResult *result = g_new0 (SsSystemResult, 1);
  guint n = ss_system_snapshot_get_n_entries (snapshot);
  SortData data = { self, snapshot };

  result->snapshot = ss_system_snapshot_ref (snapshot);
  result->order = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  for (guint i = 0; i < n; i++)
    {
      const SsSystemEntry *entry = ss_system_snapshot_get_entry (snapshot, i);

      if (entry->change != SS_SYSTEM_REMOVED)
        result->n_sockets++;
      if (!ss_system_query_matches (self, entry))
        continue;
      g_array_append_val (result->order, i);
      if (entry->change != SS_SYSTEM_REMOVED)
        result->counts[entry->record.state]++;
    }
  g_array_sort_with_data (result->order, compare_indices, &data);
  return result;
}

typedef struct
{
  SsSystemQuery    *query;
  SsSystemSnapshot *base;
  gboolean          refresh;
} RunData;

static void
run_data_free (RunData *data)
{
  ss_system_query_free (data->query);
  g_clear_pointer (&data->base, ss_system_snapshot_unref);
  g_free (data);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  g_autoptr(SsSystemSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  SsSystemResult *result;

  if (data->refresh)
    snapshot = ss_system_snapshot_take (data->base, &error);
  else
    snapshot = ss_system_snapshot_ref (data->base);
  if (snapshot == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result = ss_system_query_run (data->query, snapshot);
  result->duration = g_get_monotonic_time () - start;
  g_task_return_pointer (task, result, (GDestroyNotify) ss_system_result_free);
}

/* A thread of its own rather than GTask's pool: it runs at a lower
 * priority (nice +10), so that on a busy machine the main loop that shows
 * the rows comes first, and a pool thread keeps its priority. */
static gpointer
run_thread_main (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  setpriority (PRIO_PROCESS, gettid (), getpriority (PRIO_PROCESS, gettid ()) + 10);
  run_thread (task, NULL, g_task_get_task_data (task), g_task_get_cancellable (task));
  return NULL;
}

/**
 * ss_system_query_run_async:
 * @base: (nullable): the snapshot to order, or to compare a new one with
 * @refresh: whether to take a new snapshot first
 *
 * ss_system_query_run() in a worker thread, after a new snapshot when
 * @refresh is set: nothing of it runs on the main loop.
 */
void
ss_system_query_run_async (const SsSystemQuery *self,
                           SsSystemSnapshot    *base,
                           gboolean             refresh,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  RunData *data = g_new0 (RunData, 1);

  g_return_if_fail (refresh || base != NULL);

  data->query = ss_system_query_copy (self);
  data->base = base != NULL ? ss_system_snapshot_ref (base) : NULL;
  data->refresh = refresh;
  g_task_set_source_tag (task, ss_system_query_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_thread_unref (g_thread_new ("ss-system-query", run_thread_main, g_object_ref (task)));
}

SsSystemResult *
ss_system_query_run_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
