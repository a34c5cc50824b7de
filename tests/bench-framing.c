/* bench-framing.c — messages as they arrive: one TCP connection on
 * loopback receiving newline-delimited lines of 64 bytes on average
 * (1 GiB unless SOCKSCOPE_BENCH_BYTES says otherwise) into Sockscope's
 * core, first as chunks only ("unframed"), then split into messages by
 * "\n" as they arrive ("framed"), each in its own forked child, rounds
 * alternating (11 unless SOCKSCOPE_BENCH_ROUNDS says otherwise: a round
 * is half a second, and this machine's rounds of the same work differ by 2×).
 *
 * Targets (issue 14): framed at least 0.8× the unframed stream's rate;
 * the message index at most 16 bytes a message beyond the records. It
 * reports, it does not fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <stdio.h>
#include <string.h>

#include "bench-session.h"
#include "bench-util.h"
#include "ss-message-log.h"

#define MiB            (1024.0 * 1024.0)
#define TIME_LIMIT     120.0
/* a prime period: no block, chunk or buffer size lines up with it */
#define PATTERN_PERIOD 65521

static guint8 pattern[PATTERN_PERIOD + BENCH_SEND_CHUNK];

enum { RECEIVER_CPU = BENCH_RECEIVER_CPU, INDEX_BYTES = 1 };

typedef struct
{
  guint64  n_bytes;
  gboolean framed;
  guint64  n_lines;  /* the newlines the stream holds */
} Config;

typedef struct
{
  BenchFlood    flood;  /* first: the "accepted" handler gets it */
  SsMessageLog *messages;
  gboolean      framed;
} Flood;

/* Lines of 1 to 127 bytes (64 on average) of printable text, each
 * ending with "\n", over the period; then the same again */
static void
fill_lines (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  gsize at = 0;

  while (at < PATTERN_PERIOD)
    {
      gsize len = g_rand_int_range (rand, 1, 128);

      len = MIN (len, PATTERN_PERIOD - at);

      for (gsize i = 0; i + 1 < len; i++)
        pattern[at + i] = ' ' + g_rand_int_range (rand, 0, 95);
      pattern[at + len - 1] = '\n';
      at += len;
    }
  /* longer than the period: it repeats */
  for (gsize i = PATTERN_PERIOD; i < sizeof pattern; i++)
    pattern[i] = pattern[i - PATTERN_PERIOD];
}

static guint64
count_lines (guint64 n_bytes)
{
  guint64 per_period = 0, rest = 0;

  for (gsize i = 0; i < PATTERN_PERIOD; i++)
    {
      per_period += pattern[i] == '\n';
      rest += pattern[i] == '\n' && i < n_bytes % PATTERN_PERIOD;
    }
  return n_bytes / PATTERN_PERIOD * per_period + rest;
}

static void
accepted_cb (SsSocket *listener,
             SsSocket *connection,
             Flood    *flood)
{
  SsFramerSpec spec;

  g_set_object (&flood->flood.connection, connection);
  if (!flood->framed)
    return;
  if (!ss_framer_spec_parse ("delimiter:\\n", &spec, NULL))
    g_assert_not_reached ();
  flood->messages = ss_message_log_new (ss_socket_get_traffic (connection), &spec);
}

static void
run_sockscope (gconstpointer  data,
               BenchResult   *result)
{
  const Config *config = data;
  g_autoptr(SsSession) session = ss_session_new ();
  Flood flood = { { 0 }, NULL, config->framed };
  SsTrafficLog *log;

  bench_flood_start (&flood.flood, session, config->n_bytes, pattern, PATTERN_PERIOD, TIME_LIMIT,
                     G_CALLBACK (accepted_cb));
  while (!bench_flood_done (&flood.flood))
    g_main_context_iteration (NULL, TRUE);
  bench_flood_stop (&flood.flood, result);

  if (flood.flood.connection == NULL)
    {
      g_snprintf (result->note, sizeof result->note, "no connection was accepted");
      return;
    }

  log = ss_socket_get_traffic (flood.flood.connection);
  result->bytes = ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED);
  result->extra = ss_traffic_log_get_chunks (log, SS_TRAFFIC_RECEIVED);
  result->ok = result->bytes == config->n_bytes &&
               bench_check_kept_tail (log, pattern, PATTERN_PERIOD, result->note, sizeof result->note);
  if (flood.messages != NULL)
    {
      /* every line a message, the last one whole too */
      result->count = ss_message_log_get_count (flood.messages, SS_TRAFFIC_RECEIVED);
      result->values[INDEX_BYTES] = (double) ss_message_log_get_memory (flood.messages) / MAX (result->count, 1);
      /* an incomplete last line is a message too */
      guint64 expected = config->n_lines + (pattern[(config->n_bytes - 1) % PATTERN_PERIOD] != '\n');

      if (result->ok && result->count != expected)
        {
          result->ok = FALSE;
          g_snprintf (result->note, sizeof result->note, "%" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT
                      " lines", result->count, config->n_lines);
        }
    }
  if (!result->ok && result->note[0] == '\0')
    g_snprintf (result->note, sizeof result->note, "logged %" G_GUINT64_FORMAT " bytes%s",
                result->bytes, flood.flood.timed_out ? " before the time limit" : "");

  ss_socket_close (flood.flood.connection);
  g_thread_join (flood.flood.thread);
  g_clear_object (&flood.messages);
  g_clear_object (&flood.flood.connection);
}

static void
print_run (const char        *name,
           const BenchResult *result)
{
  printf ("  %-9s %6.2f GB/s  %7.3f s  receiver CPU %.3f s/GB  %" G_GUINT64_FORMAT " bytes in %"
          G_GUINT64_FORMAT " recv calls", name, result->bytes / result->seconds / 1e9, result->seconds,
          result->values[RECEIVER_CPU] / (result->bytes / 1e9), result->bytes, result->extra);
  if (result->count > 0)
    printf (", %" G_GUINT64_FORMAT " messages, index %.2f bytes a message", result->count, result->values[INDEX_BYTES]);
  printf ("  peak RSS %ld MiB", result->maxrss_kib / 1024);
  bench_print_end (result);
}

int
main (int   argc,
      char *argv[])
{
  Config unframed, framed;
  g_autofree double *plain_rate = NULL;
  g_autofree double *framed_rate = NULL;
  g_autofree double *plain_cpu = NULL;
  g_autofree double *framed_cpu = NULL;
  guint n_rounds;
  double plain, with_messages, low = G_MAXDOUBLE, high = 0, index_bytes = 0;
  gboolean all_ok = TRUE;

  unframed.n_bytes = bench_env_size ("SOCKSCOPE_BENCH_BYTES", (guint64) 1 << 30);
  unframed.framed = FALSE;
  n_rounds = g_getenv ("SOCKSCOPE_BENCH_ROUNDS") ? bench_env_rounds () : 11;
  fill_lines ();
  unframed.n_lines = count_lines (unframed.n_bytes);
  framed = unframed;
  framed.framed = TRUE;
  plain_rate = g_new0 (double, n_rounds);
  framed_rate = g_new0 (double, n_rounds);
  plain_cpu = g_new0 (double, n_rounds);
  framed_cpu = g_new0 (double, n_rounds);

  printf ("framing: %.0f MiB of lines (%" G_GUINT64_FORMAT ", 64 bytes on average) over loopback TCP, %u rounds\n",
          unframed.n_bytes / MiB, unframed.n_lines, n_rounds);
  if (bench_only_sockscope (run_sockscope, &framed, "framed", print_run))
    return 0;
  for (guint i = 0; i < n_rounds; i++)
    {
      BenchResult result;

      bench_run_print (run_sockscope, &unframed, "unframed", print_run, &result);
      plain_rate[i] = result.ok ? result.bytes / result.seconds : 0;
      plain_cpu[i] = result.values[RECEIVER_CPU] / (result.bytes / 1e9);
      all_ok &= result.ok;
      bench_run_print (run_sockscope, &framed, "framed", print_run, &result);
      framed_rate[i] = result.ok ? result.bytes / result.seconds : 0;
      framed_cpu[i] = result.values[RECEIVER_CPU] / (result.bytes / 1e9);
      index_bytes = MAX (index_bytes, result.values[INDEX_BYTES]);
      all_ok &= result.ok;
      if (plain_rate[i] > 0)
        {
          low = MIN (low, framed_rate[i] / plain_rate[i]);
          high = MAX (high, framed_rate[i] / plain_rate[i]);
        }
    }

  /* wall-clock rates swing with what else the machine runs; the
   * receiving thread's CPU time per byte is the steadier measure */
  printf ("  (medians; receiver CPU: unframed %.3f s/GB, framed %.3f s/GB)\n",
          bench_median (plain_cpu, n_rounds), bench_median (framed_cpu, n_rounds));
  plain = bench_median (plain_rate, n_rounds);
  with_messages = bench_median (framed_rate, n_rounds);
  printf ("framing: unframed %.2f GB/s, framed %.2f GB/s (medians), ratio %.2f (rounds %.2f to %.2f), "
          "index %.2f bytes a message%s%s%s\n",
          plain / 1e9, with_messages / 1e9, plain > 0 ? with_messages / plain : 0, low, high, index_bytes,
          plain > 0 && with_messages / plain < 0.8 ? ", BELOW TARGET (ratio 0.8)" : "",
          index_bytes > 16.5 ? ", BELOW TARGET (16 bytes a message)" : "",
          all_ok ? "" : ", RUN FAILED");
  return 0;
}
