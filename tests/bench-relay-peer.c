/* bench-relay-peer.c — socat as the reference relay of the relay benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench-relay-peer.h"
#include "bench-util.h"

/* socat's listener is up: its port is in LISTEN (0A) in /proc/net/tcp. A
 * test connection would be the one socat serves, so it is not made. */
static gboolean
port_listening (guint16 port)
{
  g_autofree char *table = NULL;
  g_autofree char *needle = g_strdup_printf (":%04X 00000000:0000 0A", port);

  return g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL) && strstr (table, needle) != NULL;
}

static guint16
free_port (void)
{
  guint16 port;
  int fd = bench_loopback_socket (SOCK_STREAM, 1, &port);

  close (fd);
  return port;
}

/* its own process group: the children `fork` makes end with it */
static void
own_group (gpointer user_data)
{
  setpgid (0, 0);
}

GSubprocess *
bench_socat_relay_start (guint16   target_port,
                         gboolean  fork,
                         guint16  *port,
                         char     *note,
                         gsize     note_size)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *target = NULL;
  GSubprocess *socat;
  double start;

  *port = free_port ();
  listen = g_strdup_printf ("TCP-LISTEN:%u,bind=127.0.0.1,reuseaddr,backlog=4096%s", *port,
                            fork ? ",fork" : "");
  target = g_strdup_printf ("TCP:127.0.0.1:%u", target_port);
  g_subprocess_launcher_set_child_setup (launcher, own_group, NULL, NULL);
  socat = g_subprocess_launcher_spawn (launcher, &error, "socat", "-b65536", listen, target, NULL);
  if (socat == NULL)
    {
      g_snprintf (note, note_size, "socat: %s", error->message);
      return NULL;
    }
  start = bench_now ();
  while (!port_listening (*port) && bench_now () - start < 10)
    g_usleep (2000);
  return socat;
}

double
bench_socat_cpu (GSubprocess *socat)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (socat));
  g_autofree char *stat = NULL;
  unsigned long utime, stime;
  const char *fields;

  /* after "(comm)": state is field 3, utime and stime fields 14 and 15 */
  if (!g_file_get_contents (path, &stat, NULL, NULL) || (fields = strrchr (stat, ')')) == NULL ||
      sscanf (fields + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return 0;
  return (double) (utime + stime) / sysconf (_SC_CLK_TCK);
}

void
bench_socat_relay_stop (GSubprocess *socat)
{
  const char *id = g_subprocess_get_identifier (socat);

  if (id != NULL)
    kill (-(pid_t) g_ascii_strtoll (id, NULL, 10), SIGTERM);
  g_subprocess_wait (socat, NULL, NULL);
  g_object_unref (socat);
}

guint16
bench_port_of_address (const char *address)
{
  return (guint16) g_ascii_strtoull (strrchr (address, ':') + 1, NULL, 10);
}

gpointer
bench_relay_server_thread (gpointer user_data)
{
  BenchRelayServer *server = user_data;
  static guint8 buffer[64 * 1024];
  /* a relay that stops ends the run, not the benchmark (a window run
   * shows its page before the flood starts: well within this) */
  struct timeval limit = { 30, 0 };
  guint rounds = 0;
  int fd;

  setsockopt (server->listener, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  fd = accept (server->listener, NULL, NULL);
  if (fd >= 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);

  server->intact = fd >= 0;
  while (fd >= 0 && server->received < server->n_bytes)
    {
      gssize n = recv (fd, buffer, sizeof buffer, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (memcmp (buffer, server->pattern + server->received % server->period, n) != 0)
        server->intact = FALSE;
      server->received += n;
      if (++rounds % 1024 == 0 && bench_now () > server->deadline)
        break;
    }
  server->end = bench_now ();
  if (fd >= 0)
    close (fd);
  g_atomic_int_set (&server->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

void
bench_relay_server_result (BenchRelayServer *server,
                           double            start,
                           BenchResult      *result)
{
  result->seconds = server->end - start;
  result->bytes = server->received;
  result->ok = server->received == server->n_bytes && server->intact;
  if (!result->ok)
    g_snprintf (result->note, sizeof result->note, "the server read %" G_GUINT64_FORMAT " bytes%s",
                server->received, server->intact ? "" : ", NOT what was sent");
}

void
bench_socat_stream (guint64       n_bytes,
                    const guint8 *pattern,
                    gsize         period,
                    double        time_limit,
                    guint         cpu_slot,
                    BenchResult  *result)
{
  BenchRelayServer server = { 0 };
  BenchStreamSender sender = { 0, n_bytes, 0, pattern, period, 0 };
  GSubprocess *socat;
  GThread *server_t, *sender_t;
  guint16 server_port;
  double start;

  server.listener = bench_loopback_socket (SOCK_STREAM, 4, &server_port);
  server.n_bytes = n_bytes;
  server.pattern = pattern;
  server.period = period;
  socat = bench_socat_relay_start (server_port, FALSE, &sender.port, result->note, sizeof result->note);
  if (socat == NULL)
    {
      close (server.listener);
      return;
    }

  start = bench_now ();
  server.deadline = sender.deadline = start + time_limit;
  server_t = g_thread_new ("server", bench_relay_server_thread, &server);
  sender_t = g_thread_new ("sender", bench_stream_sender, &sender);
  /* socat ends soon after the last byte, and its CPU time with it: the
   * last reading before the end (at most 20 ms old) */
  while (!g_atomic_int_get (&server.done))
    {
      double cpu = bench_socat_cpu (socat);

      if (cpu > 0)
        result->values[cpu_slot] = cpu;
      g_usleep (20 * 1000);
    }
  g_thread_join (server_t);
  bench_relay_server_result (&server, start, result);
  g_thread_join (sender_t);
  bench_socat_relay_stop (socat);
  close (server.listener);
}
