/* bench-big-log.c — a traffic log of 1,000,000 entries
 * (SOCKSCOPE_BENCH_ENTRIES to change): what it costs beyond the payload,
 * and how fast a view gets an item anywhere in it. Two shapes, each in its
 * own forked child: small messages (0–127 bytes, all kept), and
 * 1400-byte datagrams (far over the default budget, so most evicted).
 *
 * Targets (issue 4): at most 64 bytes an entry beyond the payload;
 * getting any item well under 100 ms (a view scrolling there binds a
 * screenful of them); find through all of it under 100 ms. It reports,
 * it does not fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <stdio.h>

#include "bench-util.h"
#include "ss-traffic-log.h"

#define N_LOOKUPS 1000

typedef struct
{
  const char *name;
  guint64     n_entries;
  gsize       max_len;   /* lengths 0 … max_len - 1, or exactly max_len */
  gboolean    fixed;
} Config;

enum {
  APPEND_NS,
  INDEX_PER_ENTRY,
  PAYLOAD_BLOCKS,
  LOOKUP_TOTAL_MS,
  LOOKUP_MAX_US,
  RSS_PER_ENTRY,
  FIND_MS,
  FIND_MAP_MS,
};

static void
run (gconstpointer  data,
     BenchResult   *result)
{
  const Config *config = data;
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  static guint8 payload[2048];
  GRand *rand = g_rand_new_with_seed (1);
  guint64 payload_blocks = 0, overhead = 0, total = 0;
  long rss_before = bench_maxrss_kib ();
  double start, elapsed, max_lookup = 0;

  for (gsize i = 0; i < sizeof payload; i++)
    payload[i] = g_rand_int (rand);

  start = bench_now ();
  for (guint64 i = 0; i < config->n_entries; i++)
    {
      gsize len = config->fixed ? config->max_len : (gsize) g_rand_int_range (rand, 0, config->max_len);

      ss_traffic_log_append (log, i % 3 ? SS_TRAFFIC_RECEIVED : SS_TRAFFIC_SENT, payload, len);
      total += len;
      /* as a socket's wake-up publishes a batch */
      if (i % 16 == 15)
        ss_traffic_log_flush (log);
    }
  ss_traffic_log_flush (log);
  elapsed = bench_now () - start;

  ss_traffic_log_get_memory (log, &payload_blocks, &overhead);
  result->values[APPEND_NS] = elapsed / config->n_entries * 1e9;
  result->values[INDEX_PER_ENTRY] = (double) overhead / config->n_entries;
  result->values[PAYLOAD_BLOCKS] = payload_blocks;
  result->values[RSS_PER_ENTRY] = (bench_maxrss_kib () - rss_before) * 1024.0 / config->n_entries;
  result->bytes = total;
  result->extra = ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_RECEIVED) +
                  ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_SENT);

  /* what binding a row does: the item, its text for the preview */
  start = bench_now ();
  for (guint n = 0; n < N_LOOKUPS; n++)
    {
      guint position = g_rand_int_range (rand, 0, config->n_entries);
      double one = bench_now ();
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), position);
      g_autofree char *text = ss_traffic_entry_dup_text (entry, 256);

      max_lookup = MAX (max_lookup, bench_now () - one);
      if (text == NULL)
        g_error ("no text at %u", position);
    }
  result->values[LOOKUP_TOTAL_MS] = (bench_now () - start) * 1e3;
  result->values[LOOKUP_MAX_US] = max_lookup * 1e6;

  /* Find, the worst case: bytes in no entry, so every kept byte is read;
   * then what a filtered table adds (the entry's row from its position) */
  {
    static const guint8 needle[] = "\x01\x02\x03 not in the log \xfe";
    guint kinds = 1u << SS_TRAFFIC_RECEIVED | 1u << SS_TRAFFIC_EVENT;
    guint found;

    start = bench_now ();
    found = ss_traffic_log_find (log, needle, sizeof needle - 1, 0, FALSE,
                                 1u << SS_TRAFFIC_RECEIVED | 1u << SS_TRAFFIC_SENT | 1u << SS_TRAFFIC_EVENT);
    result->values[FIND_MS] = (bench_now () - start) * 1e3;
    if (found != G_MAXUINT)
      g_error ("found what is not there, at %u", found);
    start = bench_now ();
    found = ss_traffic_log_nth_of_kinds (log, kinds, ss_traffic_log_count_kinds (log, kinds, config->n_entries - 1));
    result->values[FIND_MAP_MS] = (bench_now () - start) * 1e3;
  }
  result->count = g_list_model_get_n_items (G_LIST_MODEL (log));
  result->ok = result->count == config->n_entries;
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  guint64 n_entries = bench_env_size ("SOCKSCOPE_BENCH_ENTRIES", 1000000);
  const Config configs[] = {
    { "messages of 0-127 bytes", n_entries, 128, FALSE },
    { "datagrams of 1400 bytes", n_entries, 1400, TRUE },
  };

  printf ("big-log: %" G_GUINT64_FORMAT " entries appended, then %u items at random positions\n",
          n_entries, N_LOOKUPS);
  for (guint c = 0; c < G_N_ELEMENTS (configs); c++)
    {
      BenchResult result;
      double per_entry;

      bench_run_forked (run, &configs[c], &result);
      if (!result.ok)
        {
          printf ("big-log %s: RUN FAILED %s\n", configs[c].name, result.note);
          continue;
        }
      per_entry = result.values[INDEX_PER_ENTRY];
      printf ("  %s: append %.0f ns an entry; payload %.0f MiB in %.0f MiB of blocks, "
              "%.0f MiB evicted; RSS growth %.1f bytes an entry (payload included)\n",
              configs[c].name, result.values[APPEND_NS], result.bytes / 1048576.0,
              result.values[PAYLOAD_BLOCKS] / 1048576.0, result.extra / 1048576.0,
              result.values[RSS_PER_ENTRY]);
      printf ("big-log %s: %" G_GUINT64_FORMAT " entries, %.1f bytes an entry beyond payload, "
              "get_item at %u random positions %.2f ms (slowest %.0f µs)%s%s\n",
              configs[c].name, result.count, per_entry, N_LOOKUPS,
              result.values[LOOKUP_TOTAL_MS], result.values[LOOKUP_MAX_US],
              per_entry > 64 ? ", BELOW TARGET (64 bytes an entry)" : "",
              result.values[LOOKUP_MAX_US] > 100e3 ? ", BELOW TARGET (100 ms)" : "");
      printf ("big-log %s: find through every entry %.1f ms, a filtered row's position %.1f ms%s\n",
              configs[c].name, result.values[FIND_MS], result.values[FIND_MAP_MS],
              result.values[FIND_MS] + result.values[FIND_MAP_MS] > 100 ? ", BELOW TARGET (100 ms)" : "");
    }
  return 0;
}
