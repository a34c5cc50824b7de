/* bench-window-relay.c — a stream through the running window, with the
 * connection's page and its traffic log on screen (the log at its
 * default budget), N bytes (4 GiB unless SOCKSCOPE_BENCH_BYTES says
 * otherwise), in one of two modes (the first argument):
 *
 * - relay: client → "tcp-relay:127.0.0.1:0:127.0.0.1:PORT" → a server
 *   checking every byte, the pair's page shown, against
 *   `socat -b65536 TCP-LISTEN:… TCP:…` (target, issue 12: 0.7×; peak RSS
 *   under 250 MiB);
 * - tls: a GnuTLS client sending TLS 1.3 (AES-128-GCM) into
 *   "tls-listen:127.0.0.1:0", the connection's page shown, against the
 *   minimal C GnuTLS receive loop of bench-tls (target, issue 13: 0.5×;
 *   peak RSS under 200 MiB).
 *
 * Each run in its own forked child, rounds alternating
 * (SOCKSCOPE_BENCH_ROUNDS, default 5; medians with their spread), and the
 * main loop's largest gaps during the window's runs. A window run stops
 * after 60 s whatever the volume: its rate is then over what arrived.
 * It reports, it does not fail. Needs a display and a session bus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-relay-peer.h"
#include "bench-session.h"
#include "bench-tls-peer.h"
#include "bench-window.h"
#include "ss-socket-page.h"
#include "ss-test-util.h"
#include "ss-tls-session.h"

#define MiB            (1024.0 * 1024.0)
#define TIME_LIMIT     60.0
#define PATTERN_PERIOD 65521
#define SETTLE_MS      300

static guint8 pattern[PATTERN_PERIOD + BENCH_SEND_CHUNK];

/* BenchResult.values */
enum { RECEIVER_CPU = BENCH_RECEIVER_CPU, TICK_GAP_MS, TIMER_GAP_MS, TIMED_OUT, RELAY_CPU };

typedef struct
{
  gboolean tls;
  guint64  n_bytes;
} Config;

/* ------------------------------------------------------------------ */
/* the references                                                      */

static void
run_tls_reference (const Config *config,
                   BenchResult  *result)
{
  g_autoptr(SsTlsConfig) tls = ss_tls_config_new ();
  g_autoptr(GError) error = NULL;
  gnutls_certificate_credentials_t credentials;
  BenchTlsClient client = { 0 };
  GThread *thread;
  double start, cpu;
  int listener;

  credentials = ss_tls_config_get_credentials (tls, TRUE, "127.0.0.1", &error);
  g_assert_no_error (error);
  bench_pin_thread (0);
  bench_tls_client_init (&client);
  listener = bench_loopback_socket (SOCK_STREAM, 4, &client.port);
  client.n_bytes = config->n_bytes;
  client.pattern = pattern;
  client.period = PATTERN_PERIOD;
  cpu = bench_thread_cpu ();
  start = bench_now ();
  client.deadline = start + TIME_LIMIT;
  thread = g_thread_new ("client", bench_tls_client_thread, &client);
  result->bytes = bench_tls_reference (listener, credentials, &client);
  result->seconds = bench_now () - start;
  result->values[RECEIVER_CPU] = bench_thread_cpu () - cpu;
  result->ok = result->bytes == config->n_bytes;
  bench_tls_client_finish (&client);
  g_thread_join (thread);
  bench_tls_client_clear (&client);
  close (listener);
}

static void
run_reference (gconstpointer  data,
               BenchResult   *result)
{
  const Config *config = data;

  if (config->tls)
    run_tls_reference (config, result);
  else
    bench_socat_stream (config->n_bytes, pattern, PATTERN_PERIOD, TIME_LIMIT, RELAY_CPU, result);
  if (!result->ok && result->note[0] == '\0')
    g_snprintf (result->note, sizeof result->note, "%" G_GUINT64_FORMAT " bytes", result->bytes);
}

/* ------------------------------------------------------------------ */
/* the window                                                          */

typedef struct
{
  const Config      *config;
  SsSocket          *connection;   /* accepted: the pair's client leg, or the TLS connection */
  BenchRelayServer   server;
  BenchStreamSender  sender;
  BenchTlsClient     client;
  double             deadline;
  gboolean           timed_out;
} Flood;

static void
accepted_cb (SsSocket *listener,
             SsSocket *connection,
             Flood    *flood)
{
  g_set_object (&flood->connection, connection);
}

/* accepted, and ready to carry the flood: the pair's server leg
 * connected, or the TLS handshake done */
static gboolean
flood_ready (gpointer user_data)
{
  Flood *flood = user_data;
  SsSocket *server;

  if (flood->connection == NULL)
    return FALSE;
  if (flood->config->tls)
    return ss_socket_get_tls_session (flood->connection) != NULL &&
           ss_tls_session_get_state (ss_socket_get_tls_session (flood->connection)) == SS_TLS_STATE_ESTABLISHED;
  server = ss_socket_get_relay_server (flood->connection);
  return server != NULL && ss_socket_get_state (server) == SS_SOCKET_CONNECTED;
}

static gboolean
flood_done (Flood *flood)
{
  if (flood->timed_out || (flood->deadline > 0 && bench_now () > flood->deadline))
    return TRUE;
  if (!flood->config->tls)
    return g_atomic_int_get (&flood->server.done);
  return ss_socket_get_peer_closed (flood->connection) ||
         ss_socket_get_bytes_in (flood->connection) >= flood->config->n_bytes;
}

static gboolean
time_limit_cb (gpointer user_data)
{
  ((Flood *) user_data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* the connection's page, with its log view on screen */
static void
show_page (BenchWindow *bench,
           SsSocket    *connection)
{
  g_autoptr(SsSocket) selected = NULL;
  GtkWidget *page, *traffic_view;

  ss_window_select_socket (bench->window, connection);
  selected = ss_window_get_selected_socket (bench->window);
  if (selected != connection)
    g_error ("the accepted connection could not be selected");
  page = gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (bench->window),
                                                                                 SS_TYPE_WINDOW, "pages")));
  g_assert_true (SS_IS_SOCKET_PAGE (page));
  traffic_view = GTK_WIDGET (gtk_widget_get_template_child (page, SS_TYPE_SOCKET_PAGE, "traffic_view"));
  ss_test_wait_until (bench_widget_mapped, traffic_view, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (ss_traffic_log_get_budget (ss_socket_get_traffic (connection)), ==,
                    SS_TRAFFIC_LOG_DEFAULT_BUDGET);
}

static void
start_peers (Flood   *flood,
             guint16  port,
             GThread **threads)
{
  const Config *config = flood->config;

  if (config->tls)
    {
      flood->client = (BenchTlsClient) { .port = port, .n_bytes = config->n_bytes, .pattern = pattern,
                                         .period = PATTERN_PERIOD, .gated = TRUE,
                                         .deadline = bench_now () + TIME_LIMIT };
      bench_tls_client_init (&flood->client);
      threads[0] = g_thread_new ("client", bench_tls_client_thread, &flood->client);
      return;
    }
  flood->sender = (BenchStreamSender) { port, config->n_bytes, 0, pattern, PATTERN_PERIOD, 0, .gated = TRUE };
  g_mutex_init (&flood->sender.mutex);
  g_cond_init (&flood->sender.cond);
  threads[0] = g_thread_new ("sender", bench_stream_sender, &flood->sender);
  threads[1] = g_thread_new ("server", bench_relay_server_thread, &flood->server);
}

static void
run_window (gconstpointer  data,
            BenchResult   *result)
{
  const Config *config = data;
  g_autofree char *spec = NULL;
  BenchWindow bench;
  BenchGaps gaps = { 0 };
  Flood flood = { .config = config };
  GThread *threads[2] = { NULL, NULL };
  guint16 server_port = 0;
  guint limit_id;
  double start, cpu;
  SsTrafficLog *log;
  guint64 logged;

  if (config->tls)
    spec = g_strdup ("tls-listen:127.0.0.1:0");
  else
    {
      flood.server.listener = bench_loopback_socket (SOCK_STREAM, 4, &server_port);
      flood.server.n_bytes = config->n_bytes;
      flood.server.pattern = pattern;
      flood.server.period = PATTERN_PERIOD;
      spec = g_strdup_printf ("tcp-relay:127.0.0.1:0:127.0.0.1:%u", server_port);
    }
  if (!bench_window_open_spec (&bench, spec, result))
    return;
  g_signal_connect (bench.listener, "accepted", G_CALLBACK (accepted_cb), &flood);
  bench_pin_thread (0);
  start_peers (&flood, bench_port_of_address (ss_socket_get_local_address (bench.listener)), threads);
  ss_test_wait_until (flood_ready, &flood, SS_TEST_TIMEOUT_MS);
  show_page (&bench, flood.connection);
  bench_gaps_attach (&gaps, GTK_WIDGET (bench.window), FALSE);
  bench_iterate_for (500);

  cpu = bench_thread_cpu ();
  start = bench_now ();
  bench_gaps_start (&gaps);
  limit_id = g_timeout_add_seconds (TIME_LIMIT, time_limit_cb, &flood);
  flood.server.deadline = flood.deadline = start + TIME_LIMIT;
  if (config->tls)
    bench_tls_client_go (&flood.client, start + TIME_LIMIT);
  else
    bench_stream_sender_go (&flood.sender, start + TIME_LIMIT);
  while (!flood_done (&flood))
    g_main_context_iteration (NULL, TRUE);
  result->seconds = (config->tls ? bench_now () : flood.server.end) - start;
  result->values[RECEIVER_CPU] = bench_thread_cpu () - cpu;
  result->values[TIMED_OUT] = flood.timed_out;
  if (!flood.timed_out)
    g_source_remove (limit_id);
  bench_iterate_for (SETTLE_MS);
  bench_gaps_stop (&gaps);
  result->maxrss_kib = bench_maxrss_kib ();
  result->values[TICK_GAP_MS] = gaps.max_tick_gap / 1000.0;
  result->values[TIMER_GAP_MS] = gaps.max_timer_gap / 1000.0;
  bench_gaps_detach (&gaps);

  /* every byte that came in is in the pair's (or the connection's) log */
  log = ss_socket_get_traffic (flood.connection);
  logged = ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED);
  result->bytes = config->tls ? ss_socket_get_bytes_in (flood.connection) : flood.server.received;
  result->ok = result->bytes == config->n_bytes && logged == config->n_bytes &&
               (config->tls || flood.server.intact) &&
               bench_check_kept_tail (log, pattern, PATTERN_PERIOD, result->note, sizeof result->note);
  if (!result->ok && result->note[0] == '\0')
    g_snprintf (result->note, sizeof result->note, "%" G_GUINT64_FORMAT " bytes arrived, %"
                G_GUINT64_FORMAT " logged%s", result->bytes, logged,
                config->tls || flood.server.intact ? "" : ", NOT what was sent");

  if (config->tls)
    bench_tls_client_finish (&flood.client);
  ss_socket_close (flood.connection);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    if (threads[i] != NULL)
      g_thread_join (threads[i]);
  if (config->tls)
    bench_tls_client_clear (&flood.client);
  else
    {
      g_mutex_clear (&flood.sender.mutex);
      g_cond_clear (&flood.sender.cond);
      close (flood.server.listener);
    }
  g_clear_object (&flood.connection);
  bench_window_close (&bench);
}

/* ------------------------------------------------------------------ */

static double
spread_min (const double *values,
            guint         n)
{
  double low = G_MAXDOUBLE;

  for (guint i = 0; i < n; i++)
    low = MIN (low, values[i]);
  return low;
}

static void
print_run (const char        *name,
           const BenchResult *result)
{
  printf ("  %-9s %6.2f GB/s  %7.3f s  peak RSS %ld MiB", name, result->bytes / result->seconds / 1e9,
          result->seconds, result->maxrss_kib / 1024);
  if (g_str_equal (name, "window"))
    printf ("  max gap: frame clock %.1f ms, %d ms timer %.1f ms", result->values[TICK_GAP_MS],
            BENCH_GAP_TIMER_MS, result->values[TIMER_GAP_MS]);
  if (result->values[TIMED_OUT])
    printf ("  TIME LIMIT: %.0f s for %.1f MiB", TIME_LIMIT, result->bytes / MiB);
  bench_print_end (result);
}

int
main (int   argc,
      char *argv[])
{
  Config config = { 0 };
  g_auto(BenchRounds) rounds = { 0 };
  g_autofree double *ratios = NULL;
  const char *name;
  double target, ratio, gap = 0;
  long rss_target_mib, peak_rss = 0;
  gboolean all_ok = TRUE;
  g_autofree char *socat = g_find_program_in_path ("socat");

  config.tls = argc > 1 && g_str_equal (argv[1], "tls");
  name = config.tls ? "window-tls" : "window-relay";
  target = config.tls ? 0.5 : 0.7;
  rss_target_mib = config.tls ? 200 : 250;
  config.n_bytes = bench_env_size ("SOCKSCOPE_BENCH_BYTES", (guint64) 4 << 30);
  if (g_getenv ("SOCKSCOPE_BENCH_ROUNDS") == NULL)
    g_setenv ("SOCKSCOPE_BENCH_ROUNDS", "5", TRUE);
  bench_rounds_init (&rounds);
  ratios = g_new0 (double, rounds.n);
  bench_fill_pattern (pattern, sizeof pattern, PATTERN_PERIOD);
  if (!bench_window_have_display (name))
    return 77;
  if (!config.tls && socat == NULL)
    {
      printf ("%s: socat is not installed, nothing to compare with\n", name);
      return 77;
    }

  printf ("%s: %.0f MiB %s, the page shown, against %s, %u rounds\n", name, config.n_bytes / MiB,
          config.tls ? "over TLS 1.3 (AES-128-GCM) into tls-listen: in the window"
                     : "through tcp-relay: in the window",
          config.tls ? "a C GnuTLS receive loop" : "socat -b65536", rounds.n);
  if (bench_only_sockscope (run_window, &config, "window", print_run))
    return 0;
  for (guint i = 0; i < rounds.n; i++)
    {
      BenchResult result;

      bench_run_print (run_reference, &config, "reference", print_run, &result);
      rounds.reference[i] = result.ok ? result.bytes / result.seconds : 0;
      all_ok &= result.ok;
      bench_run_print (run_window, &config, "window", print_run, &result);
      rounds.sockscope[i] = result.ok ? result.bytes / result.seconds : 0;
      peak_rss = MAX (peak_rss, result.maxrss_kib);
      gap = MAX (gap, MAX (result.values[TICK_GAP_MS], result.values[TIMER_GAP_MS]));
      all_ok &= result.ok;
      ratios[i] = rounds.reference[i] > 0 ? rounds.sockscope[i] / rounds.reference[i] : 0;
    }
  ratio = bench_median (rounds.reference, rounds.n) > 0
          ? bench_median (rounds.sockscope, rounds.n) / bench_median (rounds.reference, rounds.n) : 0;
  printf ("  (medians of %u rounds (min–max): reference %.2f GB/s (%.2f–%.2f), window %.2f GB/s (%.2f–%.2f), "
          "each round's ratio %.2f (%.2f–%.2f); largest main-loop gap %.1f ms)\n", rounds.n,
          bench_median (rounds.reference, rounds.n) / 1e9, spread_min (rounds.reference, rounds.n) / 1e9,
          bench_spread_max (rounds.reference, rounds.n) / 1e9,
          bench_median (rounds.sockscope, rounds.n) / 1e9, spread_min (rounds.sockscope, rounds.n) / 1e9,
          bench_spread_max (rounds.sockscope, rounds.n) / 1e9,
          bench_median (ratios, rounds.n), spread_min (ratios, rounds.n), bench_spread_max (ratios, rounds.n),
          gap);
  printf ("%s: ratio %.2f, window peak RSS %ld MiB%s%s%s\n", name, ratio, peak_rss / 1024,
          ratio < target ? (config.tls ? ", BELOW TARGET (ratio 0.5)" : ", BELOW TARGET (ratio 0.7)") : "",
          peak_rss >= rss_target_mib * 1024 ? ", BELOW TARGET (RSS)" : "",
          all_ok ? "" : ", RUN FAILED");
  return 0;
}
