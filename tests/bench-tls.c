/* bench-tls.c — TLS 1.3 (AES-128-GCM) into Sockscope's core against a
 * minimal C GnuTLS server loop (bench-tls-peer.c), each run in its own
 * forked child, rounds alternating (SOCKSCOPE_BENCH_ROUNDS, default 5;
 * medians with their spread):
 *
 * - stream: one connection sending N bytes (4 GiB unless
 *   SOCKSCOPE_BENCH_BYTES says otherwise) into "tls-listen:127.0.0.1:0"
 *   (auto-accept, the session's generated ECDSA P-256 certificate, the
 *   log at its default budget) against gnutls_record_recv() into a 64 KiB
 *   buffer, with a certificate made the same way;
 * - handshakes: N (1,000 unless SOCKSCOPE_BENCH_HANDSHAKES says
 *   otherwise) connections one after another, each a full handshake; the
 *   client starts the next once the server has finished the last.
 *
 * Targets (issue 13): stream at least 0.8× the reference, peak RSS under
 * 200 MiB; handshakes at least 0.8×. It reports, it does not fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-session.h"
#include "bench-tls-peer.h"
#include "bench-util.h"
#include "ss-session.h"
#include "ss-tls-session.h"

#define MiB            (1024.0 * 1024.0)
#define TIME_LIMIT     120.0
/* a prime period: no block, chunk or buffer size lines up with it */
#define PATTERN_PERIOD 65521

static guint8 pattern[PATTERN_PERIOD + BENCH_SEND_CHUNK];

typedef struct
{
  guint64 n_bytes;
  guint   n_handshakes;   /* 0: the stream */
} Config;

static void
client_setup (BenchTlsClient *client,
              const Config   *config,
              guint16         port,
              double          deadline)
{
  memset (client, 0, sizeof *client);
  bench_tls_client_init (client);
  client->port = port;
  client->deadline = deadline;
  client->n_bytes = config->n_bytes;
  client->pattern = pattern;
  client->period = PATTERN_PERIOD;
  client->n_handshakes = config->n_handshakes;
}

static void
finish_result (BenchResult          *result,
               const Config         *config,
               const BenchTlsClient *client,
               guint64               got)
{
  if (config->n_handshakes > 0)
    {
      result->count = got;
      result->ok = got == config->n_handshakes && client->handshakes == config->n_handshakes;
    }
  else
    {
      result->bytes = got;
      result->ok = got == config->n_bytes;
    }
  if (!result->ok && result->note[0] == '\0')
    g_snprintf (result->note, sizeof result->note, "%" G_GUINT64_FORMAT " %s%s%s", got,
                config->n_handshakes > 0 ? "handshakes" : "bytes",
                client->error[0] ? "; client: " : "", client->error);
}

static void
run_reference (gconstpointer  data,
               BenchResult   *result)
{
  const Config *config = data;
  g_autoptr(SsTlsConfig) tls = ss_tls_config_new ();
  g_autoptr(GError) error = NULL;
  gnutls_certificate_credentials_t credentials;
  BenchTlsClient client;
  GThread *thread;
  guint16 port;
  double start, cpu;
  guint64 got;
  int listener;

  /* the same kind of certificate as tls-listen: generates */
  credentials = ss_tls_config_get_credentials (tls, TRUE, "127.0.0.1", &error);
  g_assert_no_error (error);
  bench_pin_thread (0);
  listener = bench_loopback_socket (SOCK_STREAM, 64, &port);
  cpu = bench_thread_cpu ();
  start = bench_now ();
  client_setup (&client, config, port, start + TIME_LIMIT);
  thread = g_thread_new ("client", bench_tls_client_thread, &client);
  got = bench_tls_reference (listener, credentials, &client);
  result->seconds = bench_now () - start;
  result->values[BENCH_RECEIVER_CPU] = bench_thread_cpu () - cpu;
  result->maxrss_kib = bench_maxrss_kib ();
  bench_tls_client_finish (&client);
  g_thread_join (thread);
  finish_result (result, config, &client, got);
  bench_tls_client_clear (&client);
  close (listener);
}

/* ------------------------------------------------------------------ */

typedef struct
{
  BenchTlsClient *client;
  SsSocket       *connection;   /* the stream's */
  guint           established;
} Server;

static void
state_cb (SsTlsSession *tls,
          GParamSpec   *pspec,
          Server       *server)
{
  if (ss_tls_session_get_state (tls) != SS_TLS_STATE_ESTABLISHED)
    return;
  server->established++;
  if (server->client->n_handshakes > 0)
    bench_tls_server_done (server->client);
}

static void
accepted_cb (SsSocket *listener,
             SsSocket *connection,
             Server   *server)
{
  SsTlsSession *tls = ss_socket_get_tls_session (connection);

  if (tls == NULL)
    g_error ("an accepted connection does not speak TLS");
  g_signal_connect (tls, "notify::state", G_CALLBACK (state_cb), server);
  if (server->client->n_handshakes == 0)
    g_set_object (&server->connection, connection);
}

static gboolean
stream_done (Server       *server,
             const Config *config)
{
  int failure = 0;

  if (server->connection != NULL)
    g_object_get (server->connection, "failure", &failure, NULL);
  return server->connection != NULL &&
         (ss_socket_get_peer_closed (server->connection) || failure != 0 ||
          ss_socket_get_bytes_in (server->connection) >= config->n_bytes);
}

static void
run_sockscope (gconstpointer  data,
               BenchResult   *result)
{
  const Config *config = data;
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsSocket) listener = NULL;
  BenchTlsClient client;
  Server server = { &client };
  GThread *thread;
  const char *local;
  double start, cpu;
  guint64 got;

  bench_pin_thread (0);
  /* the certificate is generated here, before the clock */
  listener = bench_session_open (session, "tls-listen:127.0.0.1:0");
  g_signal_connect (listener, "accepted", G_CALLBACK (accepted_cb), &server);
  local = ss_socket_get_local_address (listener);

  cpu = bench_thread_cpu ();
  start = bench_now ();
  client_setup (&client, config, (guint16) g_ascii_strtoull (strrchr (local, ':') + 1, NULL, 10),
                start + TIME_LIMIT);
  thread = g_thread_new ("client", bench_tls_client_thread, &client);
  if (config->n_handshakes > 0)
    while (server.established < config->n_handshakes && client.error[0] == '\0' &&
           bench_now () < client.deadline)
      g_main_context_iteration (NULL, TRUE);
  else
    while (!stream_done (&server, config) && bench_now () < client.deadline)
      g_main_context_iteration (NULL, TRUE);
  result->seconds = bench_now () - start;
  result->values[BENCH_RECEIVER_CPU] = bench_thread_cpu () - cpu;
  result->maxrss_kib = bench_maxrss_kib ();

  if (config->n_handshakes > 0)
    got = server.established;
  else
    {
      SsTrafficLog *log = ss_socket_get_traffic (server.connection);

      got = ss_socket_get_bytes_in (server.connection);
      if (ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED) != got)
        g_snprintf (result->note, sizeof result->note, "logged %" G_GUINT64_FORMAT " bytes of %"
                    G_GUINT64_FORMAT, ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED), got);
      else
        bench_check_kept_tail (log, pattern, PATTERN_PERIOD, result->note, sizeof result->note);
      ss_socket_close (server.connection);
    }
  bench_tls_client_finish (&client);
  g_thread_join (thread);
  finish_result (result, config, &client, got);
  if (result->note[0] != '\0')
    result->ok = FALSE;
  bench_tls_client_clear (&client);
  g_clear_object (&server.connection);
  ss_socket_close (listener);
}

/* ------------------------------------------------------------------ */

static void
print_stream (const char        *name,
              const BenchResult *result)
{
  printf ("  %-9s %6.2f GB/s  %7.3f s  receiver CPU %.3f s/GB  peak RSS %ld MiB",
          name, result->bytes / result->seconds / 1e9, result->seconds,
          result->values[BENCH_RECEIVER_CPU] / (result->bytes / 1e9), result->maxrss_kib / 1024);
  bench_print_end (result);
}

static void
print_handshakes (const char        *name,
                  const BenchResult *result)
{
  printf ("  %-9s %7.0f handshakes/s  %7.3f s  server CPU %.3f ms each  peak RSS %ld MiB",
          name, result->count / result->seconds, result->seconds,
          result->values[BENCH_RECEIVER_CPU] * 1e3 / MAX (result->count, 1),
          result->maxrss_kib / 1024);
  bench_print_end (result);
}

/* "median (min–max)" of @values in @unit (@scale of each) */
static void
print_spread (const char *what,
              double     *values,
              guint       n,
              double      scale,
              const char *unit)
{
  double low = G_MAXDOUBLE, high = 0;

  for (guint i = 0; i < n; i++)
    {
      low = MIN (low, values[i]);
      high = MAX (high, values[i]);
    }
  printf ("%s %.2f %s (%.2f–%.2f)", what, bench_median (values, n) * scale, unit,
          low * scale, high * scale);
}

/* Both sides, @rounds times, interleaved; the summary line against
 * @target. */
static void
measure (const char     *name,
         const Config   *config,
         BenchPrintFunc  print,
         double          scale,
         const char     *unit,
         double          target,
         long            rss_target_mib)
{
  g_auto(BenchRounds) rounds = { 0 };
  g_autofree double *ratios = NULL;
  long peak_rss = 0;
  gboolean all_ok = TRUE;
  double ratio;
  /* ms a handshake, s a GB */
  double cpu_unit = config->n_handshakes > 0 ? 1e3 : 1;

  bench_rounds_init (&rounds);
  ratios = g_new0 (double, rounds.n);
  for (guint i = 0; i < rounds.n; i++)
    {
      BenchResult result;
      double amount;

      bench_run_print (run_reference, config, "reference", print, &result);
      amount = config->n_handshakes > 0 ? result.count : result.bytes;
      rounds.reference[i] = result.ok ? amount / result.seconds : 0;
      rounds.reference_cpu[i] = cpu_unit * result.values[BENCH_RECEIVER_CPU] / MAX (amount * scale, 1e-9);
      all_ok &= result.ok;

      bench_run_print (run_sockscope, config, "sockscope", print, &result);
      amount = config->n_handshakes > 0 ? result.count : result.bytes;
      rounds.sockscope[i] = result.ok ? amount / result.seconds : 0;
      rounds.sockscope_cpu[i] = cpu_unit * result.values[BENCH_RECEIVER_CPU] / MAX (amount * scale, 1e-9);
      peak_rss = MAX (peak_rss, result.maxrss_kib);
      all_ok &= result.ok;
      ratios[i] = rounds.reference[i] > 0 ? rounds.sockscope[i] / rounds.reference[i] : 0;
    }

  printf ("  (medians of %u rounds (min–max): ", rounds.n);
  print_spread ("reference", rounds.reference, rounds.n, scale, unit);
  print_spread (", sockscope", rounds.sockscope, rounds.n, scale, unit);
  print_spread (", ratio of each round", ratios, rounds.n, 1, "×");
  printf (")\n");
  /* on a busy machine the server's CPU time for the work is the steadier
   * measure of what it costs */
  bench_print_cpu_medians (&rounds, "server thread's CPU", 3,
                           config->n_handshakes > 0 ? "ms a handshake" : "s/GB");
  printf (")\n");
  ratio = bench_median (rounds.reference, rounds.n) > 0
          ? bench_median (rounds.sockscope, rounds.n) / bench_median (rounds.reference, rounds.n) : 0;
  printf ("%s: ratio %.2f, sockscope peak RSS %ld MiB%s%s%s\n", name, ratio, peak_rss / 1024,
          ratio < target ? ", BELOW TARGET" : "",
          rss_target_mib > 0 && peak_rss >= rss_target_mib * 1024 ? ", BELOW TARGET (RSS)" : "",
          all_ok ? "" : ", RUN FAILED");
}

int
main (int   argc,
      char *argv[])
{
  Config stream = { 0 }, handshakes = { 0 };

  stream.n_bytes = bench_env_size ("SOCKSCOPE_BENCH_BYTES", (guint64) 4 << 30);
  handshakes.n_handshakes = bench_env_size ("SOCKSCOPE_BENCH_HANDSHAKES", 1000);
  bench_fill_pattern (pattern, sizeof pattern, PATTERN_PERIOD);
  if (g_getenv ("SOCKSCOPE_BENCH_ROUNDS") == NULL)
    g_setenv ("SOCKSCOPE_BENCH_ROUNDS", "5", TRUE);

  /* SOCKSCOPE_BENCH_BYTES=0: the handshakes alone (also under a
   * profiler, with SOCKSCOPE_BENCH_ONLY=sockscope) */
  if (stream.n_bytes > 0)
    {
      printf ("tls-stream: %.0f MiB over TLS 1.3 (AES-128-GCM) on loopback into tls-listen:, "
              "against a C GnuTLS receive loop\n", stream.n_bytes / MiB);
      if (bench_only_sockscope (run_sockscope, &stream, "sockscope", print_stream))
        return 0;
      measure ("tls-stream", &stream, print_stream, 1e-9, "GB/s", 0.8, 200);
    }
  else if (bench_only_sockscope (run_sockscope, &handshakes, "sockscope", print_handshakes))
    return 0;

  printf ("tls-handshakes: %u TLS 1.3 handshakes one after another against tls-listen:, "
          "against a C GnuTLS accept loop\n", handshakes.n_handshakes);
  measure ("tls-handshakes", &handshakes, print_handshakes, 1, "/s", 0.8, 0);
  return 0;
}
