/* test-traffic-log.c — the traffic log's memory budget and its scale:
 * eviction with exact counters, evicted entries that say so, a million
 * entries in a few dozen bytes each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-socket.h"
#include "ss-traffic-log.h"

#define MiB (1024 * 1024)

/* The byte at @offset of a direction's stream: not periodic on any block
 * or chunk size, so a piece from the wrong place cannot match. */
static guint8
pattern_byte (SsTrafficKind kind,
              guint64       offset)
{
  return (guint8) ((offset * 131 + offset / 65521) ^ (kind == SS_TRAFFIC_SENT ? 0x5a : 0));
}

static void
fill_pattern (guint8        *data,
              SsTrafficKind  kind,
              guint64        offset,
              gsize          len)
{
  for (gsize i = 0; i < len; i++)
    data[i] = pattern_byte (kind, offset + i);
}

static void
assert_pattern (GBytes        *bytes,
                SsTrafficKind  kind,
                guint64        offset)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i < len; i++)
    if (data[i] != pattern_byte (kind, offset + i))
      g_error ("byte %" G_GUINT64_FORMAT " of the %s stream is %u, not %u",
               offset + i, kind == SS_TRAFFIC_SENT ? "sent" : "received",
               data[i], pattern_byte (kind, offset + i));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* Walks every entry: evicted ones form a prefix of each direction, keep
 * their length, and have no bytes; the others have exactly the stream's
 * bytes at their place; events are all there. Returns the evicted ones. */
static guint
check_entries (SsTrafficLog *log,
               guint         n_events)
{
  GListModel *model = G_LIST_MODEL (log);
  guint64 offset[SS_TRAFFIC_EVENT] = { 0 };
  gboolean kept_seen[SS_TRAFFIC_EVENT] = { FALSE };
  guint n_evicted = 0, events = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);
      SsTrafficKind kind = ss_traffic_entry_get_kind (entry);
      gsize len = ss_traffic_entry_get_length (entry);

      if (kind == SS_TRAFFIC_EVENT)
        {
          g_autofree char *text = ss_traffic_entry_dup_text (entry, 0);
          g_autofree char *expected = g_strdup_printf ("event %u", events++);

          g_assert_false (ss_traffic_entry_get_evicted (entry));
          g_assert_cmpstr (text, ==, expected);
          continue;
        }

      if (ss_traffic_entry_get_evicted (entry))
        {
          g_autofree char *size = g_format_size (len);
          g_autofree char *expected = g_strdup_printf ("(%s not kept in memory)", size);
          g_autofree char *text = ss_traffic_entry_dup_text (entry, 0);

          g_assert_false (kept_seen[kind]);
          g_assert_cmpuint (len, >, 0);
          g_assert_cmpuint (g_bytes_get_size (ss_traffic_entry_get_bytes (entry)), ==, 0);
          g_assert_cmpstr (text, ==, expected);
          n_evicted++;
        }
      else
        {
          g_assert_cmpuint (g_bytes_get_size (ss_traffic_entry_get_bytes (entry)), ==, len);
          assert_pattern (ss_traffic_entry_get_bytes (entry), kind, offset[kind]);
          if (len > 0)
            kept_seen[kind] = TRUE;
        }
      offset[kind] += len;
    }

  g_assert_cmpuint (events, ==, n_events);
  for (guint kind = 0; kind < SS_TRAFFIC_EVENT; kind++)
    g_assert_cmpuint (offset[kind], ==, ss_traffic_log_get_bytes (log, kind));
  return n_evicted;
}

/* The kept tail of each direction is the tail of what went through. */
static void
check_kept_tail (SsTrafficLog  *log,
                 SsTrafficKind  kind)
{
  g_autoptr(GBytes) tail = NULL;
  g_autoptr(GBytes) old_api = NULL;
  guint64 evicted = G_MAXUINT64;

  tail = ss_traffic_log_dup_payload_full (log, kind, &evicted);
  g_assert_cmpuint (evicted, ==, ss_traffic_log_get_evicted_bytes (log, kind));
  g_assert_cmpuint (evicted + g_bytes_get_size (tail), ==, ss_traffic_log_get_bytes (log, kind));
  assert_pattern (tail, kind, evicted);

  old_api = ss_traffic_log_dup_payload (log, kind);
  g_assert_true (g_bytes_equal (old_api, tail));
}

static void
test_evict_counters (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autofree guint8 *buffer = g_malloc (3 * MiB / 2);
  guint64 sent[SS_TRAFFIC_EVENT] = { 0 };
  guint64 chunks[SS_TRAFFIC_EVENT + 1] = { 0 };
  guint64 payload = 0, kept;
  guint n_notify = 0, n_evicted;
  GRand *rand = g_rand_new_with_seed (4);

  g_assert_cmpuint (ss_traffic_log_get_budget (log), ==, 64 * MiB);
  ss_traffic_log_set_budget (log, 4 * MiB);
  g_assert_cmpuint (ss_traffic_log_get_budget (log), ==, 4 * MiB);
  g_signal_connect (log, "notify::evicted-bytes", G_CALLBACK (count_notify_cb), &n_notify);

  /* 24 MiB: recv-sized chunks, a few larger than a block, empty ones,
   * both directions interleaved, events between them */
  while (payload < 24 * MiB)
    {
      SsTrafficKind kind = g_rand_int_range (rand, 0, 4) == 0 ? SS_TRAFFIC_SENT : SS_TRAFFIC_RECEIVED;
      gsize len = g_rand_int_range (rand, 0, 65537);

      if (g_rand_int_range (rand, 0, 500) == 0)
        len = g_rand_int_range (rand, 1, 3 * MiB / 2);
      if (g_rand_int_range (rand, 0, 50) == 0)
        len = 0;
      if (g_rand_int_range (rand, 0, 100) == 0)
        ss_traffic_log_append_event (log, "event %" G_GUINT64_FORMAT, chunks[SS_TRAFFIC_EVENT]++);

      fill_pattern (buffer, kind, sent[kind], len);
      ss_traffic_log_append (log, kind, buffer, len);
      sent[kind] += len;
      payload += len;
      chunks[kind]++;

      /* exact at every moment, flushed or not */
      g_assert_cmpuint (ss_traffic_log_get_bytes (log, kind), ==, sent[kind]);
      g_assert_cmpuint (ss_traffic_log_get_chunks (log, kind), ==, chunks[kind]);
      kept = (sent[0] - ss_traffic_log_get_evicted_bytes (log, 0)) +
             (sent[1] - ss_traffic_log_get_evicted_bytes (log, 1));
      g_assert_cmpuint (kept, <=, MAX (4 * MiB, len));

      if (g_rand_int_range (rand, 0, 16) == 0)
        ss_traffic_log_flush (log);
    }
  ss_traffic_log_flush (log);
  g_rand_free (rand);

  for (guint kind = 0; kind < SS_TRAFFIC_EVENT; kind++)
    {
      g_assert_cmpuint (ss_traffic_log_get_bytes (log, kind), ==, sent[kind]);
      g_assert_cmpuint (ss_traffic_log_get_chunks (log, kind), ==, chunks[kind]);
      g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, kind), >, 0);
      check_kept_tail (log, kind);
    }
  g_assert_cmpuint (ss_traffic_log_get_chunks (log, SS_TRAFFIC_EVENT), ==, chunks[SS_TRAFFIC_EVENT]);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==,
                    chunks[0] + chunks[1] + chunks[SS_TRAFFIC_EVENT]);

  /* most of it went; the last few MiB stayed */
  kept = payload - ss_traffic_log_get_evicted_bytes (log, 0) - ss_traffic_log_get_evicted_bytes (log, 1);
  g_assert_cmpuint (kept, <=, 4 * MiB);
  g_assert_cmpuint (kept, >=, 2 * MiB);
  g_assert_cmpuint (n_notify, >, 0);
  {
    guint64 notified = 0;

    g_object_get (log, "evicted-bytes", &notified, NULL);
    g_assert_cmpuint (notified, ==, payload - kept);
  }

  n_evicted = check_entries (log, chunks[SS_TRAFFIC_EVENT]);
  g_assert_cmpuint (n_evicted, >, 0);
}

/* One entry's payload evicted: its row says how much is not kept. */
static void
test_evict_marker (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsTrafficEntry) first = NULL;
  g_autoptr(SsTrafficEntry) last = NULL;
  g_autoptr(SsTrafficEntry) direct = NULL;
  g_autofree guint8 *chunk = g_malloc0 (64000);
  g_autofree char *text = NULL;
  g_autofree char *cut = NULL;
  gint64 before = g_get_real_time ();

  ss_traffic_log_set_budget (log, 100000);
  for (guint i = 0; i < 3; i++)
    ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, chunk, 64000);
  ss_traffic_log_flush (log);

  first = g_list_model_get_item (G_LIST_MODEL (log), 0);
  last = g_list_model_get_item (G_LIST_MODEL (log), 2);
  g_assert_true (ss_traffic_entry_get_evicted (first));
  g_assert_false (ss_traffic_entry_get_evicted (last));
  g_assert_cmpint (ss_traffic_entry_get_kind (first), ==, SS_TRAFFIC_RECEIVED);
  g_assert_cmpint (ss_traffic_entry_get_time (first), >=, before);
  g_assert_cmpuint (ss_traffic_entry_get_length (first), ==, 64000);
  g_assert_cmpuint (g_bytes_get_size (ss_traffic_entry_get_bytes (first)), ==, 0);

  text = ss_traffic_entry_dup_text (first, 0);
  cut = ss_traffic_entry_dup_text (first, 3);
  /* GLib puts a no-break space between number and unit */
  g_assert_cmpstr (text, ==, "(64.0\u00a0kB not kept in memory)");
  /* a preview's limit cuts bytes, never the marker */
  g_assert_cmpstr (cut, ==, text);
  /* each chunk has a block of its own: two go, so that what is kept
   * (the block being written) is within the budget */
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_RECEIVED), ==, 2 * 64000);
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED), ==, 3 * 64000);

  direct = ss_traffic_entry_new_evicted (SS_TRAFFIC_SENT, 42, 1500000);
  g_clear_pointer (&text, g_free);
  text = ss_traffic_entry_dup_text (direct, 80);
  g_assert_cmpstr (text, ==, "(1.5\u00a0MB not kept in memory)");
  g_assert_cmpint (ss_traffic_entry_get_time (direct), ==, 42);
  g_assert_true (ss_traffic_entry_get_evicted (direct));

  g_assert_finalize_object (g_steal_pointer (&direct));
  g_assert_finalize_object (g_steal_pointer (&first));
  g_assert_finalize_object (g_steal_pointer (&last));
  g_assert_finalize_object (g_steal_pointer (&log));
}

/* An entry a view holds keeps its bytes when the log evicts them: the
 * view shows what it showed. A new item at that place says evicted. */
static void
test_entry_outlives_eviction (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsTrafficEntry) held = NULL;
  g_autoptr(SsTrafficEntry) again = NULL;
  guint8 chunk[4096];

  ss_traffic_log_set_budget (log, 2 * MiB);
  fill_pattern (chunk, SS_TRAFFIC_RECEIVED, 0, sizeof chunk);
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, chunk, sizeof chunk);
  ss_traffic_log_flush (log);
  held = g_list_model_get_item (G_LIST_MODEL (log), 0);

  for (guint i = 1; i < 2048; i++)
    {
      fill_pattern (chunk, SS_TRAFFIC_RECEIVED, i * sizeof chunk, sizeof chunk);
      ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, chunk, sizeof chunk);
    }
  ss_traffic_log_flush (log);

  again = g_list_model_get_item (G_LIST_MODEL (log), 0);
  g_assert_true (ss_traffic_entry_get_evicted (again));
  g_assert_false (ss_traffic_entry_get_evicted (held));
  assert_pattern (ss_traffic_entry_get_bytes (held), SS_TRAFFIC_RECEIVED, 0);
  g_assert_cmpuint (ss_traffic_entry_get_length (held), ==, sizeof chunk);

  /* the log goes first: the entry still owns its bytes */
  g_assert_finalize_object (g_steal_pointer (&log));
  assert_pattern (ss_traffic_entry_get_bytes (held), SS_TRAFFIC_RECEIVED, 0);
}

static guint64
kept_received (SsTrafficLog *log)
{
  return ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED) -
         ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_RECEIVED);
}

static void
append_chunks (SsTrafficLog *log,
               guint8       *chunk,
               gsize         len,
               guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      guint64 offset = ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED);

      fill_pattern (chunk, SS_TRAFFIC_RECEIVED, offset, len);
      ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, chunk, len);
    }
  ss_traffic_log_flush (log);
}

/* An evicted block a view's entry still holds counts in the budget (the
 * payload in memory stays within it) until the entry goes; then the log
 * keeps the whole budget again. */
static void
test_pinned_counts (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsTrafficEntry) held = NULL;
  g_autofree guint8 *chunk = g_malloc (64 * 1024);
  guint position;

  ss_traffic_log_set_budget (log, 4 * MiB);
  /* past the small first blocks: the held entry is in a full 1 MiB one */
  append_chunks (log, chunk, 64 * 1024, 64);
  position = g_list_model_get_n_items (G_LIST_MODEL (log)) - 1;
  held = g_list_model_get_item (G_LIST_MODEL (log), position);
  g_assert_false (ss_traffic_entry_get_evicted (held));

  append_chunks (log, chunk, 64 * 1024, 128);
  g_assert_cmpuint (kept_received (log), <=, 3 * MiB);
  g_assert_cmpuint (kept_received (log), >=, 2 * MiB);
  assert_pattern (ss_traffic_entry_get_bytes (held), SS_TRAFFIC_RECEIVED, (guint64) position * 64 * 1024);

  g_assert_finalize_object (g_steal_pointer (&held));
  append_chunks (log, chunk, 64 * 1024, 32);
  g_assert_cmpuint (kept_received (log), >, 3 * MiB);
  g_assert_cmpuint (kept_received (log), <=, 4 * MiB);
}

/* A log that only counts (a relayed pair's server leg): every chunk is
 * an entry with its length, none keeps bytes, the counters are exact,
 * events stay; what it kept before goes at once, and a budget set later
 * does not make it keep. */
static void
test_counts_only (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  guint8 chunk[4096];
  guint64 payload = 0, memory = 0;
  GListModel *model = G_LIST_MODEL (log);

  fill_pattern (chunk, SS_TRAFFIC_SENT, 0, sizeof chunk);
  ss_traffic_log_append (log, SS_TRAFFIC_SENT, chunk, sizeof chunk);
  ss_traffic_log_set_counts_only (log);
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_SENT), ==, sizeof chunk);
  ss_traffic_log_set_budget (log, SS_TRAFFIC_LOG_UNLIMITED);
  for (guint i = 1; i < 5; i++)
    {
      fill_pattern (chunk, SS_TRAFFIC_SENT, i * sizeof chunk, sizeof chunk);
      ss_traffic_log_append (log, i % 2 ? SS_TRAFFIC_SENT : SS_TRAFFIC_RECEIVED, chunk, sizeof chunk - i);
      ss_traffic_log_append_event (log, "event %u", i);
    }
  ss_traffic_log_flush (log);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 9);
  for (guint i = 0; i < 9; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);

      /* the first chunk, then each chunk and its event */
      if (i == 0 || i % 2 == 1)
        {
          g_assert_true (ss_traffic_entry_get_evicted (entry));
          g_assert_cmpuint (ss_traffic_entry_get_length (entry), ==, sizeof chunk - (i + 1) / 2);
        }
      else
        g_assert_cmpint (ss_traffic_entry_get_kind (entry), ==, SS_TRAFFIC_EVENT);
    }
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_SENT), ==, 3 * sizeof chunk - 4);
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED), ==, 2 * sizeof chunk - 6);
  g_assert_cmpuint (ss_traffic_log_get_chunks (log, SS_TRAFFIC_SENT), ==, 3);
  for (guint kind = 0; kind < SS_TRAFFIC_EVENT; kind++)
    {
      g_autoptr(GBytes) tail = ss_traffic_log_dup_payload (log, kind);

      g_assert_cmpuint (g_bytes_get_size (tail), ==, 0);
      g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, kind), ==,
                        ss_traffic_log_get_bytes (log, kind));
    }
  g_assert_cmpuint (ss_traffic_log_get_budget (log), ==, 0);
  ss_traffic_log_get_memory (log, &payload, &memory);
  g_assert_cmpuint (payload, ==, 0);
}

static void
test_budget_changes (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autofree guint8 *chunk = g_malloc (MiB);
  guint n_notify = 0;
  guint64 payload = 0, memory = 0;

  g_signal_connect (log, "notify::budget", G_CALLBACK (count_notify_cb), &n_notify);

  /* under the default budget nothing goes */
  for (guint i = 0; i < 40; i++)
    {
      fill_pattern (chunk, SS_TRAFFIC_SENT, (guint64) i * 65536, 65536);
      ss_traffic_log_append (log, SS_TRAFFIC_SENT, chunk, 65536);
    }
  ss_traffic_log_flush (log);
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_SENT), ==, 0);
  check_kept_tail (log, SS_TRAFFIC_SENT);

  /* a smaller budget evicts at once, the block being written stays */
  ss_traffic_log_set_budget (log, 0);
  g_assert_cmpuint (n_notify, ==, 1);
  ss_traffic_log_set_budget (log, 0);
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_SENT), >, 0);
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_SENT), <, 40 * 65536);
  check_kept_tail (log, SS_TRAFFIC_SENT);
  ss_traffic_log_get_memory (log, &payload, &memory);
  g_assert_cmpuint (payload, <=, MiB);

  /* a chunk larger than the budget is kept until the next one comes */
  fill_pattern (chunk, SS_TRAFFIC_SENT, 40 * 65536, MiB);
  ss_traffic_log_append (log, SS_TRAFFIC_SENT, chunk, MiB);
  check_kept_tail (log, SS_TRAFFIC_SENT);
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_SENT), ==, 40 * 65536);
  fill_pattern (chunk, SS_TRAFFIC_SENT, 40 * 65536 + MiB, 10);
  ss_traffic_log_append (log, SS_TRAFFIC_SENT, chunk, 10);
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_SENT), ==, 40 * 65536 + MiB);
  check_kept_tail (log, SS_TRAFFIC_SENT);

  /* unlimited keeps everything from now on */
  ss_traffic_log_set_budget (log, SS_TRAFFIC_LOG_UNLIMITED);
  for (guint i = 0; i < 100; i++)
    {
      guint64 offset = ss_traffic_log_get_bytes (log, SS_TRAFFIC_SENT);

      fill_pattern (chunk, SS_TRAFFIC_SENT, offset, MiB);
      ss_traffic_log_append (log, SS_TRAFFIC_SENT, chunk, MiB);
    }
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_SENT), ==, 40 * 65536 + MiB);
  ss_traffic_log_flush (log);
  check_kept_tail (log, SS_TRAFFIC_SENT);
  check_entries (log, 0);
  g_assert_cmpuint (n_notify, ==, 2);
}

/* A million entries: records, not objects. */
#define N_ENTRIES 1000000

static gsize
million_length (guint i)
{
  return (i * 2654435761u) >> 28;   /* 0 … 15 */
}

static SsTrafficKind
million_kind (guint i)
{
  return i % 1000 == 999 ? SS_TRAFFIC_EVENT : i % 3 == 0 ? SS_TRAFFIC_SENT : SS_TRAFFIC_RECEIVED;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  g_assert_cmpuint (removed, ==, 0);
  (*count)++;
}

static void
test_million (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  guint64 offset[SS_TRAFFIC_EVENT] = { 0 };
  g_autofree guint64 *offsets = g_new (guint64, N_ENTRIES);
  guint64 payload = 0, overhead = 0, total = 0;
  guint n_changes = 0;

  g_signal_connect (log, "items-changed", G_CALLBACK (items_changed_cb), &n_changes);
  for (guint i = 0; i < N_ENTRIES; i++)
    {
      SsTrafficKind kind = million_kind (i);
      gsize len = million_length (i);
      guint8 data[16];

      if (kind == SS_TRAFFIC_EVENT)
        ss_traffic_log_append_event (log, "event %u", i / 1000);
      else
        {
          fill_pattern (data, kind, offset[kind], len);
          ss_traffic_log_append (log, kind, data, len);
          offsets[i] = offset[kind];
          offset[kind] += len;
          total += len;
        }
      /* one model change per batch, as the socket's wake-ups make them */
      if (i % 16 == 15)
        ss_traffic_log_flush (log);
    }
  ss_traffic_log_flush (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, N_ENTRIES);
  g_assert_cmpuint (n_changes, ==, (N_ENTRIES + 15) / 16);

  /* memory beyond the payload: the record array's capacity and the event
   * texts; at most 64 bytes an entry, slack of the doubling included */
  ss_traffic_log_get_memory (log, &payload, &overhead);
  g_test_message ("%u entries: %" G_GUINT64_FORMAT " bytes beyond the payload (%.1f an entry), "
                  "%" G_GUINT64_FORMAT " of payload blocks for %" G_GUINT64_FORMAT " bytes",
                  N_ENTRIES, overhead, (double) overhead / N_ENTRIES, payload, total);
  g_assert_cmpuint (overhead, <=, (guint64) 64 * N_ENTRIES);
  g_assert_cmpuint (overhead, >=, (guint64) 16 * N_ENTRIES);
  g_assert_cmpuint (payload, >=, total);
  g_assert_cmpuint (payload, <=, total + 2 * MiB);
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_RECEIVED), ==, 0);

  for (guint n = 0; n < 1000; n++)
    {
      guint i = g_test_rand_int_range (0, N_ENTRIES);
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i);
      SsTrafficKind kind = million_kind (i);

      g_assert_nonnull (entry);
      g_assert_cmpint (ss_traffic_entry_get_kind (entry), ==, kind);
      if (kind == SS_TRAFFIC_EVENT)
        {
          g_autofree char *text = ss_traffic_entry_dup_text (entry, 0);
          g_autofree char *expected = g_strdup_printf ("event %u", i / 1000);

          g_assert_cmpstr (text, ==, expected);
          continue;
        }
      g_assert_cmpuint (ss_traffic_entry_get_length (entry), ==, million_length (i));
      g_assert_false (ss_traffic_entry_get_evicted (entry));
      assert_pattern (ss_traffic_entry_get_bytes (entry), kind, offsets[i]);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (log), N_ENTRIES));
}

/* A real connection through more than the budget, both ways. */
static gboolean
sent_all (gpointer socket)
{
  return ss_socket_get_queued (socket) == 0;
}

static void
test_socket_flood (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *address = NULL;
  g_autofree guint8 *data = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) received = NULL;
  SsTrafficLog *log;
  SsSocket *client;
  guint16 port;
  int listener, peer;
  const gsize size = 12 * MiB;
  guint64 chunk_bytes = 0;
  guint n_chunks = 0;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  client = ss_test_create (session, AF_INET, SOCK_STREAM);
  log = ss_socket_get_traffic (client);
  ss_traffic_log_set_budget (log, 2 * MiB);
  address = g_strdup_printf ("127.0.0.1:%u", port);
  ss_test_connect_ok (client, address);
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  close (listener);

  /* in: the raw peer sends while the main context runs the socket */
  data = g_malloc (size);
  fill_pattern (data, SS_TRAFFIC_RECEIVED, 0, size);
  ss_test_raw_send_all (peer, data, size, SS_TEST_LONG_TIMEOUT_MS);
  ss_test_wait_bytes_in (client, size);

  /* out: Sockscope sends, the raw peer reads it all */
  fill_pattern (data, SS_TRAFFIC_SENT, 0, size);
  bytes = g_bytes_new_take (g_steal_pointer (&data), size);
  ss_test_send_ok (client, g_bytes_get_data (bytes, NULL), size);
  received = ss_test_raw_recv (peer, size, FALSE, SS_TEST_LONG_TIMEOUT_MS);
  ss_test_wait_until (sent_all, client, SS_TEST_TIMEOUT_MS);
  g_assert_true (g_bytes_equal (received, bytes));
  ss_test_drain_main_context ();

  for (guint kind = 0; kind < SS_TRAFFIC_EVENT; kind++)
    {
      g_assert_cmpuint (ss_traffic_log_get_bytes (log, kind), ==, size);
      g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, kind), >, 0);
      check_kept_tail (log, kind);
    }
  g_assert_cmpuint (ss_socket_get_bytes_in (client), ==, size);
  g_assert_cmpuint (ss_socket_get_bytes_out (client), ==, size);

  /* the chunk count is the recv() count: each entry one call */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i);

      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_RECEIVED)
        continue;
      n_chunks++;
      chunk_bytes += ss_traffic_entry_get_length (entry);
      g_assert_cmpuint (ss_traffic_entry_get_length (entry), >, 0);
    }
  g_assert_cmpuint (n_chunks, ==, ss_traffic_log_get_chunks (log, SS_TRAFFIC_RECEIVED));
  g_assert_cmpuint (chunk_bytes, ==, size);

  {
    g_autoptr(SsTrafficEntry) oldest = NULL;
    g_autofree char *text = NULL;

    for (guint i = 0; oldest == NULL; i++)
      {
        g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i);

        if (ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_RECEIVED)
          oldest = g_steal_pointer (&entry);
      }
    g_assert_true (ss_traffic_entry_get_evicted (oldest));
    text = ss_traffic_entry_dup_text (oldest, 0);
    g_assert_true (g_str_has_suffix (text, " not kept in memory)"));
  }

  close (peer);
  ss_test_finalize_session (session, client, NULL);
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changes)
{
  (*changes)++;
}

static gboolean
all_published (gpointer log)
{
  return g_list_model_get_n_items (log) == ss_traffic_log_get_chunks (log, SS_TRAFFIC_RECEIVED) + 1;
}

/* A flood's reads are not each a model change: past a burst they are
 * published a few times a second, all of them, while the counters are
 * exact at once; an event is shown at once. */
static void
test_flush_soon (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  guint changes = 0;
  guint reads = 200;

  g_signal_connect (log, "items-changed", G_CALLBACK (count_changes_cb), &changes);
  for (guint i = 0; i < reads; i++)
    {
      ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, (const guint8 *) "chunk", 5);
      ss_traffic_log_flush_soon (log);
    }
  /* the first ones at once, the rest waits */
  g_assert_cmpuint (changes, >=, 1);
  g_assert_cmpuint (changes, <, reads);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), <, reads);
  g_assert_cmpuint (ss_traffic_log_get_chunks (log, SS_TRAFFIC_RECEIVED), ==, reads);
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED), ==, 5 * reads);

  /* an event goes out at once, with what waited before it */
  ss_traffic_log_append_event (log, "%s", "the peer closed");
  ss_traffic_log_flush_soon (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, reads + 1);

  /* and what comes after, soon */
  for (guint i = 0; i < reads; i++)
    {
      ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, (const guint8 *) "chunk", 5);
      ss_traffic_log_flush_soon (log);
    }
  ss_test_wait_until (all_published, log, SS_TEST_TIMEOUT_MS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/traffic-log/evict/counters", test_evict_counters);
  g_test_add_func ("/traffic-log/evict/marker", test_evict_marker);
  g_test_add_func ("/traffic-log/evict/entry-outlives", test_entry_outlives_eviction);
  g_test_add_func ("/traffic-log/evict/pinned-counts", test_pinned_counts);
  g_test_add_func ("/traffic-log/budget", test_budget_changes);
  g_test_add_func ("/traffic-log/counts-only", test_counts_only);
  g_test_add_func ("/traffic-log/million", test_million);
  g_test_add_func ("/traffic-log/socket-flood", test_socket_flood);
  g_test_add_func ("/traffic-log/flush-soon", test_flush_soon);

  return g_test_run ();
}
