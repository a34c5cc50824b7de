/* bench-relay-pairs.c — a relay's latency and its many pairs, against
 * socat, each run in its own forked child, rounds alternating
 * (SOCKSCOPE_BENCH_ROUNDS, default 5; medians with their spread):
 *
 * - ping-pong: one byte from a client through the relay to an echo server
 *   and back, N times (20,000 unless SOCKSCOPE_BENCH_PINGS says
 *   otherwise) one after another; p50 and p99 of the round trips, through
 *   `socat -b65536 TCP-LISTEN:… TCP:…` and through tcp-relay:;
 * - pairs: N clients (1,000 unless SOCKSCOPE_BENCH_CONNECTIONS says
 *   otherwise) connected through the relay at the same time, each sending
 *   a line the server echoes: every one must come back whole to its own
 *   client. socat serves them with `,fork` (a process a pair).
 *
 * Targets (issue 12): p50 and p99 at most 1.5× socat's; every pair
 * served, peak RSS under 250 MiB. It reports, it does not fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench-relay-peer.h"
#include "bench-session.h"
#include "bench-util.h"
#include "ss-session.h"

#define TIME_LIMIT 60.0
#define WARM_UP    200
#define LINE_SIZE   32

typedef struct
{
  guint n_pings;        /* 0: the pairs */
  guint n_pairs;
} Config;

/* BenchResult.values for the ping-pong */
enum { P50_US, P99_US };

/* ------------------------------------------------------------------ */
/* the echo server: one thread, epoll, every connection echoed        */

typedef struct
{
  int      listener;
  int      stop[2];       /* a byte on stop[1] ends it */
  GThread *thread;
} Echo;

static gpointer
echo_thread (gpointer user_data)
{
  Echo *echo = user_data;
  int epfd = epoll_create1 (EPOLL_CLOEXEC);
  struct epoll_event event = { .events = EPOLLIN };
  struct epoll_event events[64];
  gboolean running = TRUE;

  event.data.fd = echo->listener;
  epoll_ctl (epfd, EPOLL_CTL_ADD, echo->listener, &event);
  event.data.fd = echo->stop[0];
  epoll_ctl (epfd, EPOLL_CTL_ADD, echo->stop[0], &event);
  while (running)
    {
      int n = epoll_wait (epfd, events, G_N_ELEMENTS (events), 1000);

      for (int i = 0; i < n; i++)
        {
          int fd = events[i].data.fd;
          char buffer[4096];
          gssize got;

          if (fd == echo->stop[0])
            running = FALSE;
          else if (fd == echo->listener)
            {
              int one = 1;
              int connection = accept4 (fd, NULL, NULL, SOCK_CLOEXEC);

              if (connection < 0)
                continue;
              setsockopt (connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
              event.data.fd = connection;
              epoll_ctl (epfd, EPOLL_CTL_ADD, connection, &event);
            }
          else if ((got = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
            {
              /* small: the kernel takes it whole */
              if (send (fd, buffer, got, MSG_NOSIGNAL) != got)
                g_warning ("echo: a short send");
            }
          else if (got == 0 || (errno != EAGAIN && errno != EINTR))
            close (fd);   /* leaves the epoll set */
        }
    }
  close (epfd);
  return NULL;
}

static guint16
echo_start (Echo *echo)
{
  guint16 port;

  echo->listener = bench_loopback_socket (SOCK_STREAM, 4096, &port);
  if (pipe2 (echo->stop, O_CLOEXEC) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  echo->thread = g_thread_new ("echo", echo_thread, echo);
  return port;
}

static void
echo_stop (Echo *echo)
{
  if (write (echo->stop[1], "", 1) != 1)
    g_error ("stopping the echo server: %s", g_strerror (errno));
  g_thread_join (echo->thread);
  close (echo->stop[0]);
  close (echo->stop[1]);
  close (echo->listener);
}

/* ------------------------------------------------------------------ */
/* the clients                                                        */

typedef struct
{
  const Config *config;
  guint16       port;         /* the relay's */
  double        deadline;
  BenchResult  *result;
  gint          done;
} Client;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* One byte there and back, n_pings times after a warm-up. */
static void
ping_pong (Client *client)
{
  const Config *config = client->config;
  BenchResult *result = client->result;
  g_autofree double *rtt = g_new (double, config->n_pings);
  int fd = bench_connect_loopback (client->port);
  struct timeval limit = { 10, 0 };
  guint done = 0;
  double start;

  /* a relay that stops answering ends the run, not the benchmark */
  if (fd >= 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);

  bench_pin_thread (1);
  start = bench_now ();
  for (guint i = 0; fd >= 0 && i < WARM_UP + config->n_pings; i++)
    {
      char byte = (char) i;
      double sent = bench_now ();

      if (send (fd, &byte, 1, MSG_NOSIGNAL) != 1 || recv (fd, &byte, 1, MSG_WAITALL) != 1 ||
          byte != (char) i || sent > client->deadline)
        break;
      if (i >= WARM_UP)
        rtt[done++] = bench_now () - sent;
    }
  result->seconds = bench_now () - start;
  result->count = done;
  result->ok = done == config->n_pings;
  if (!result->ok)
    g_snprintf (result->note, sizeof result->note, "%u round trips of %u", done, config->n_pings);
  if (done > 0)
    {
      qsort (rtt, done, sizeof *rtt, compare_doubles);
      result->values[P50_US] = rtt[done / 2] * 1e6;
      result->values[P99_US] = rtt[MIN (done - 1, done * 99 / 100)] * 1e6;
    }
  if (fd >= 0)
    close (fd);
}

/* Every client connected first, then each sends its line and reads it
 * back. */
static void
many_pairs (Client *client)
{
  guint n = client->config->n_pairs;
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, n);
  g_autofree guint *got = g_new0 (guint, n);
  guint connected = 0, served = 0, wrong = 0;
  double start = bench_now ();

  bench_pin_thread (1);
  for (guint i = 0; i < n; i++)
    {
      fds[i].fd = bench_connect_loopback (client->port);
      fds[i].events = POLLIN;
      connected += fds[i].fd >= 0;
    }
  for (guint i = 0; i < n; i++)
    {
      char line[LINE_SIZE];
      int len = g_snprintf (line, sizeof line, "pair %u\n", i);

      if (fds[i].fd >= 0 && send (fds[i].fd, line, len, MSG_NOSIGNAL) != len)
        wrong++;
    }
  while (served + wrong < connected && bench_now () < client->deadline)
    {
      if (poll (fds, n, 100) < 0 && errno != EINTR)
        break;
      for (guint i = 0; i < n; i++)
        {
          char expected[LINE_SIZE], line[LINE_SIZE];
          int len;
          gssize r;

          if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
          len = g_snprintf (expected, sizeof expected, "pair %u\n", i);
          r = recv (fds[i].fd, line, len - got[i], MSG_DONTWAIT);
          if (r > 0 && memcmp (line, expected + got[i], r) == 0)
            got[i] += r;
          else if (r != 0 || errno != EAGAIN)
            got[i] = G_MAXUINT;
          if (got[i] == (guint) len || got[i] == G_MAXUINT)
            {
              served += got[i] == (guint) len;
              wrong += got[i] == G_MAXUINT;
              close (fds[i].fd);
              fds[i].fd = -1;   /* poll() skips it */
            }
        }
    }
  client->result->seconds = bench_now () - start;
  client->result->count = served;
  client->result->ok = served == n;
  if (!client->result->ok)
    g_snprintf (client->result->note, sizeof client->result->note,
                "%u connected, %u served, %u wrong", connected, served, wrong);
  for (guint i = 0; i < n; i++)
    if (fds[i].fd >= 0)
      close (fds[i].fd);
}

static gpointer
client_thread (gpointer user_data)
{
  Client *client = user_data;

  if (client->config->n_pings > 0)
    ping_pong (client);
  else
    many_pairs (client);
  g_atomic_int_set (&client->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

/* ------------------------------------------------------------------ */

static void
run_socat (gconstpointer  data,
           BenchResult   *result)
{
  const Config *config = data;
  Echo echo;
  Client client = { config, 0, 0, result, 0 };
  GSubprocess *socat;
  guint16 echo_port = echo_start (&echo);

  socat = bench_socat_relay_start (echo_port, config->n_pings == 0, &client.port,
                                   result->note, sizeof result->note);
  if (socat != NULL)
    {
      client.deadline = bench_now () + TIME_LIMIT;
      client_thread (&client);
      bench_socat_relay_stop (socat);
    }
  echo_stop (&echo);
}

static void
run_sockscope (gconstpointer  data,
               BenchResult   *result)
{
  const Config *config = data;
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsSocket) relay = NULL;
  g_autofree char *text = NULL;
  Echo echo;
  Client client = { config, 0, 0, result, 0 };
  GThread *thread;
  guint16 echo_port = echo_start (&echo);

  bench_pin_thread (0);
  text = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", echo_port);
  relay = bench_session_open (session, text);
  client.port = bench_port_of_address (ss_socket_get_local_address (relay));
  client.deadline = bench_now () + TIME_LIMIT;
  thread = g_thread_new ("client", client_thread, &client);
  while (!g_atomic_int_get (&client.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  /* the peak of the relay holding every pair, not of the closing */
  result->maxrss_kib = bench_maxrss_kib ();
  ss_socket_close (relay);
  echo_stop (&echo);
}

/* ------------------------------------------------------------------ */

static void
print_pings (const char        *name,
             const BenchResult *result)
{
  printf ("  %-9s p50 %6.1f µs  p99 %7.1f µs  %" G_GUINT64_FORMAT " round trips in %.3f s  peak RSS %ld MiB",
          name, result->values[P50_US], result->values[P99_US], result->count, result->seconds,
          result->maxrss_kib / 1024);
  bench_print_end (result);
}

static void
print_pairs (const char        *name,
             const BenchResult *result)
{
  printf ("  %-9s %" G_GUINT64_FORMAT " pairs served in %.3f s  peak RSS %ld MiB",
          name, result->count, result->seconds, result->maxrss_kib / 1024);
  bench_print_end (result);
}

/* "what median (min–max)" */
static void
print_spread (const char *what,
              double     *values,
              guint       n,
              const char *format)
{
  double low = G_MAXDOUBLE, high = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      low = MIN (low, values[i]);
      high = MAX (high, values[i]);
    }
  text = g_strdup_printf ("%%s %s (%s–%s)", format, format, format);
  printf (text, what, bench_median (values, n), low, high);
}

static void
measure_pings (const Config *config,
               guint         n_rounds)
{
  g_autofree double *values = g_new0 (double, 6 * n_rounds);
  double *socat_p50 = values, *socat_p99 = values + n_rounds;
  double *ss_p50 = values + 2 * n_rounds, *ss_p99 = values + 3 * n_rounds;
  double *ratio_p50 = values + 4 * n_rounds, *ratio_p99 = values + 5 * n_rounds;
  double r50, r99;
  gboolean all_ok = TRUE;

  printf ("relay-latency: 1 byte there and back %u times through a relay to an echo server, %u rounds\n",
          config->n_pings, n_rounds);
  for (guint i = 0; i < n_rounds; i++)
    {
      BenchResult result;

      bench_run_print (run_socat, config, "socat", print_pings, &result);
      socat_p50[i] = result.values[P50_US];
      socat_p99[i] = result.values[P99_US];
      all_ok &= result.ok;
      bench_run_print (run_sockscope, config, "sockscope", print_pings, &result);
      ss_p50[i] = result.values[P50_US];
      ss_p99[i] = result.values[P99_US];
      all_ok &= result.ok;
      ratio_p50[i] = socat_p50[i] > 0 ? ss_p50[i] / socat_p50[i] : 0;
      ratio_p99[i] = socat_p99[i] > 0 ? ss_p99[i] / socat_p99[i] : 0;
    }
  r50 = bench_median (ss_p50, n_rounds) / bench_median (socat_p50, n_rounds);
  r99 = bench_median (ss_p99, n_rounds) / bench_median (socat_p99, n_rounds);
  printf ("  (medians (min–max) in µs: ");
  print_spread ("socat p50", socat_p50, n_rounds, "%.1f");
  print_spread (", p99", socat_p99, n_rounds, "%.1f");
  print_spread ("; sockscope p50", ss_p50, n_rounds, "%.1f");
  print_spread (", p99", ss_p99, n_rounds, "%.1f");
  print_spread ("; each round's ratio p50", ratio_p50, n_rounds, "%.2f");
  print_spread (", p99", ratio_p99, n_rounds, "%.2f");
  printf (")\n");
  printf ("relay-latency: p50 ratio %.2f, p99 ratio %.2f%s%s\n", r50, r99,
          MAX (r50, r99) > 1.5 ? ", BELOW TARGET (ratio 1.5)" : "", all_ok ? "" : ", RUN FAILED");
}

static void
measure_pairs (const Config *config,
               guint         n_rounds)
{
  g_autofree double *values = g_new0 (double, 2 * n_rounds);
  double *socat_s = values, *ss_s = values + n_rounds;
  long peak_rss = 0;
  gboolean all_ok = TRUE;

  printf ("relay-pairs: %u clients relayed at once to an echo server, a line each, %u rounds\n",
          config->n_pairs, n_rounds);
  for (guint i = 0; i < n_rounds; i++)
    {
      BenchResult result;

      bench_run_print (run_socat, config, "socat", print_pairs, &result);
      socat_s[i] = result.seconds;
      bench_run_print (run_sockscope, config, "sockscope", print_pairs, &result);
      ss_s[i] = result.seconds;
      peak_rss = MAX (peak_rss, result.maxrss_kib);
      all_ok &= result.ok;
    }
  printf ("  (medians (min–max) in s: ");
  print_spread ("socat,fork", socat_s, n_rounds, "%.3f");
  print_spread ("; sockscope", ss_s, n_rounds, "%.3f");
  printf (")\n");
  printf ("relay-pairs: sockscope served %s, %.3f s against socat,fork's %.3f s, peak RSS %ld MiB%s%s\n",
          all_ok ? "every pair" : "NOT every pair", bench_median (ss_s, n_rounds),
          bench_median (socat_s, n_rounds), peak_rss / 1024,
          peak_rss >= 250 * 1024 ? ", BELOW TARGET (RSS 250 MiB)" : "",
          all_ok ? "" : ", RUN FAILED");
}

int
main (int   argc,
      char *argv[])
{
  Config pings = { 0 }, pairs = { 0 };
  guint n_rounds = MAX (1, bench_env_size ("SOCKSCOPE_BENCH_ROUNDS", 5));
  g_autofree char *socat = g_find_program_in_path ("socat");

  if (socat == NULL)
    {
      printf ("relay-pairs: socat is not installed, nothing to compare with\n");
      return 77;
    }
  pings.n_pings = MAX (1, bench_env_size ("SOCKSCOPE_BENCH_PINGS", 20000));
  /* each pair holds four descriptors in this process */
  pairs.n_pairs = bench_fit_connections ("relay-pairs",
                                         bench_env_size ("SOCKSCOPE_BENCH_CONNECTIONS", 1000) * 4, 64) / 4;
  if (bench_only_sockscope (run_sockscope, &pings, "sockscope", print_pings))
    return 0;
  measure_pings (&pings, n_rounds);
  measure_pairs (&pairs, n_rounds);
  return 0;
}
