/* bench-relay.c — N bytes (4 GiB unless SOCKSCOPE_BENCH_BYTES says
 * otherwise) from a client through a relay to a server on loopback:
 * `socat -b65536 TCP-LISTEN:… TCP:…` as the reference, then Sockscope's
 * core relay (tcp-relay:…, both legs logged at default settings, the main
 * loop iterating), each in its own forked child, rounds alternating
 * (SOCKSCOPE_BENCH_ROUNDS, default 5; medians with their spread).
 *
 * Every byte the server reads is compared with what the client sent.
 * Target (issue 12): at least 1.0× socat's throughput; peak RSS under
 * 250 MiB. It reports, it does not fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-relay-peer.h"
#include "bench-session.h"
#include "bench-util.h"
#include "ss-session.h"

#define MiB            (1024.0 * 1024.0)
#define TIME_LIMIT     120.0
#define PATTERN_PERIOD 65521

static guint8 pattern[PATTERN_PERIOD + BENCH_SEND_CHUNK];

typedef struct
{
  guint64 n_bytes;
} Config;

/* BenchResult.values: the relay's CPU time (socat's process, or the
 * thread running Sockscope's main loop) */
enum { RELAY_CPU };

static void
run_socat (gconstpointer  data,
           BenchResult   *result)
{
  const Config *config = data;

  bench_socat_stream (config->n_bytes, pattern, PATTERN_PERIOD, TIME_LIMIT, RELAY_CPU, result);
}

static void
run_sockscope (gconstpointer  data,
               BenchResult   *result)
{
  const Config *config = data;
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsSocket) relay = NULL;
  g_autofree char *text = NULL;
  BenchRelayServer server = { 0 };
  BenchStreamSender sender = { 0, config->n_bytes, 0, pattern, PATTERN_PERIOD, 0 };
  GThread *server_t, *sender_t;
  guint16 server_port;
  double start, cpu;

  bench_pin_thread (0);
  server.listener = bench_loopback_socket (SOCK_STREAM, 4, &server_port);
  server.n_bytes = config->n_bytes;
  server.pattern = pattern;
  server.period = PATTERN_PERIOD;
  text = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", server_port);
  relay = bench_session_open (session, text);
  sender.port = bench_port_of_address (ss_socket_get_local_address (relay));

  cpu = bench_thread_cpu ();
  start = bench_now ();
  server.deadline = sender.deadline = start + TIME_LIMIT;
  server_t = g_thread_new ("server", bench_relay_server_thread, &server);
  sender_t = g_thread_new ("sender", bench_stream_sender, &sender);
  while (!g_atomic_int_get (&server.done))
    g_main_context_iteration (NULL, TRUE);
  result->values[RELAY_CPU] = bench_thread_cpu () - cpu;
  g_thread_join (server_t);
  bench_relay_server_result (&server, start, result);
  g_thread_join (sender_t);
  ss_socket_close (relay);
  close (server.listener);
}

static void
print_run (const char        *name,
           const BenchResult *result)
{
  printf ("  %-9s %6.2f GB/s  %7.3f s  relay CPU %.3f s/GB  %" G_GUINT64_FORMAT " bytes  peak RSS %ld MiB%s%s\n",
          name, result->bytes / result->seconds / 1e9, result->seconds,
          result->values[RELAY_CPU] / (result->bytes / 1e9), result->bytes,
          result->maxrss_kib / 1024, result->ok ? "" : "  FAILED: ", result->note);
}

static double
spread (const double *values,
        guint         n,
        double       *low)
{
  double high = 0;

  *low = G_MAXDOUBLE;
  for (guint i = 0; i < n; i++)
    {
      *low = MIN (*low, values[i]);
      high = MAX (high, values[i]);
    }
  return high;
}

int
main (int   argc,
      char *argv[])
{
  Config config;
  guint n_rounds;
  g_autofree double *socat_rates = NULL;
  g_autofree double *sockscope_rates = NULL;
  g_autofree double *cpu = NULL;
  double socat_gbps, sockscope_gbps, ratio, low_a, high_a, low_b, high_b;
  long peak_rss = 0;
  gboolean all_ok = TRUE;
  g_autofree char *socat = g_find_program_in_path ("socat");

  config.n_bytes = bench_env_size ("SOCKSCOPE_BENCH_BYTES", (guint64) 4 << 30);
  n_rounds = MAX (1, bench_env_size ("SOCKSCOPE_BENCH_ROUNDS", 5));
  socat_rates = g_new0 (double, n_rounds);
  sockscope_rates = g_new0 (double, n_rounds);
  cpu = g_new0 (double, 3 * n_rounds);
  bench_fill_pattern (pattern, sizeof pattern, PATTERN_PERIOD);
  if (socat == NULL)
    {
      printf ("relay: socat is not installed, nothing to compare with\n");
      return 77;
    }

  printf ("relay: %.0f MiB client → relay → server over loopback TCP, %u rounds\n",
          config.n_bytes / MiB, n_rounds);
  /* SOCKSCOPE_BENCH_ONLY=sockscope: the relay alone, under a profiler */
  if (bench_only_sockscope (run_sockscope, &config, "sockscope", print_run))
    return 0;
  for (guint i = 0; i < n_rounds; i++)
    {
      BenchResult result;

      bench_run_print (run_socat, &config, "socat", print_run, &result);
      socat_rates[i] = result.ok ? result.bytes / result.seconds : 0;
      cpu[i] = result.values[RELAY_CPU] / (result.bytes / 1e9);
      all_ok &= result.ok;

      bench_run_print (run_sockscope, &config, "sockscope", print_run, &result);
      sockscope_rates[i] = result.ok ? result.bytes / result.seconds : 0;
      cpu[n_rounds + i] = result.values[RELAY_CPU] / (result.bytes / 1e9);
      cpu[2 * n_rounds + i] = cpu[i] > 0 ? cpu[n_rounds + i] / cpu[i] : 0;
      peak_rss = MAX (peak_rss, result.maxrss_kib);
      all_ok &= result.ok;
    }

  high_a = spread (socat_rates, n_rounds, &low_a);
  high_b = spread (sockscope_rates, n_rounds, &low_b);
  socat_gbps = bench_median (socat_rates, n_rounds) / 1e9;
  sockscope_gbps = bench_median (sockscope_rates, n_rounds) / 1e9;
  ratio = socat_gbps > 0 ? sockscope_gbps / socat_gbps : 0;
  printf ("  (spread: socat %.2f–%.2f GB/s, sockscope %.2f–%.2f GB/s; ",
          low_a / 1e9, high_a / 1e9, low_b / 1e9, high_b / 1e9);
  /* on a busy machine the relay's CPU time per byte is the steadier
   * measure of what it costs */
  printf ("relay CPU medians: socat %.3f s/GB, sockscope %.3f s/GB, each round's cost ratio %.2f",
          bench_median (cpu, n_rounds), bench_median (cpu + n_rounds, n_rounds),
          bench_median (cpu + 2 * n_rounds, n_rounds));
  high_a = spread (cpu + 2 * n_rounds, n_rounds, &low_a);
  printf (" (%.2f–%.2f))\n", low_a, high_a);
  printf ("relay: socat %.2f GB/s, sockscope %.2f GB/s, ratio %.2f, sockscope peak RSS %ld MiB%s%s%s\n",
          socat_gbps, sockscope_gbps, ratio, peak_rss / 1024,
          ratio < 1.0 ? ", BELOW TARGET (ratio 1.0)" : "",
          peak_rss >= 250 * 1024 ? ", BELOW TARGET (RSS 250 MiB)" : "",
          all_ok ? "" : ", RUN FAILED");
  return 0;
}
