/* bench-util.c — what the benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-util.h"

guint64
bench_env_size (const char *name,
                guint64     fallback)
{
  const char *text = g_getenv (name);
  char *end = NULL;
  guint64 value;

  if (text == NULL || *text == '\0')
    return fallback;

  value = g_ascii_strtoull (text, &end, 10);
  switch (g_ascii_toupper (*end))
    {
    case 'K': value <<= 10; end++; break;
    case 'M': value <<= 20; end++; break;
    case 'G': value <<= 30; end++; break;
    default: break;
    }
  if (end == text || (*end != '\0' && g_ascii_toupper (*end) != 'I' && g_ascii_toupper (*end) != 'B'))
    g_error ("%s=%s: expected a count such as 512M or 1000000", name, text);
  return value;
}

double
bench_now (void)
{
  return g_get_monotonic_time () / 1e6;
}

long
bench_maxrss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double
bench_thread_cpu (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

void
bench_run_forked (BenchFunc      func,
                  gconstpointer  data,
                  BenchResult   *result)
{
  int pipe_fds[2];
  pid_t pid;
  gssize n;
  int status;

  memset (result, 0, sizeof *result);
  fflush (stdout);
  fflush (stderr);
  if (pipe (pipe_fds) != 0)
    g_error ("pipe: %s", g_strerror (errno));

  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      BenchResult child = { 0 };

      close (pipe_fds[0]);
      func (data, &child);
      if (child.maxrss_kib == 0)
        child.maxrss_kib = bench_maxrss_kib ();
      if (write (pipe_fds[1], &child, sizeof child) != sizeof child)
        _exit (1);
      _exit (0);
    }

  close (pipe_fds[1]);
  do
    n = read (pipe_fds[0], result, sizeof *result);
  while (n < 0 && errno == EINTR);
  close (pipe_fds[0]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;

  if (n != sizeof *result)
    {
      memset (result, 0, sizeof *result);
      g_snprintf (result->note, sizeof result->note, "the measuring child died (status %d)", status);
    }
}

guint64
bench_udp_drops (guint16 port)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *local = g_strdup_printf ("0100007F:%04X", port);

  if (!g_file_get_contents ("/proc/net/udp", &contents, NULL, NULL))
    return G_MAXUINT64;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      guint n = 0;
      const char *last = NULL;

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          {
            if (n == 1 && strcmp (fields[j], local) != 0)
              break;
            last = fields[j];
            n++;
          }
      /* sl, local, remote, st, tx:rx, tr:when, retrnsmt, uid, timeout,
       * inode, ref, pointer, drops */
      if (n >= 13 && last != NULL)
        return g_ascii_strtoull (last, NULL, 10);
    }
  return G_MAXUINT64;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
bench_median (double *values,
              guint   n)
{
  if (n == 0)
    return 0;
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void
bench_pin_thread (guint index)
{
  /* the cores the process was given, before any thread was pinned (a
   * thread inherits its creator's affinity) */
  static cpu_set_t allowed;
  static gsize allowed_init = 0;
  const char *pin = g_getenv ("SOCKSCOPE_BENCH_PIN");
  cpu_set_t one;
  guint seen = 0;

  if (pin == NULL)
    return;
  if (g_once_init_enter (&allowed_init))
    {
      if (sched_getaffinity (0, sizeof allowed, &allowed) != 0)
        CPU_ZERO (&allowed);
      g_once_init_leave (&allowed_init, 1);
    }
  if (g_str_equal (pin, "same"))
    index = 0;
  /* wrap around: a machine with one core runs both on it */
  index %= MAX (1, CPU_COUNT (&allowed));
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    if (CPU_ISSET (cpu, &allowed) && seen++ == index)
      {
        CPU_ZERO (&one);
        CPU_SET (cpu, &one);
        sched_setaffinity (0, sizeof one, &one);
        return;
      }
}

/* ------------------------------------------------------------------ */
/* the reference's sockets, and a stream sender for both runs          */

int
bench_loopback_socket (int      type,
                       int      backlog,
                       guint16 *port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);

  if (bind (fd, (struct sockaddr *) &sin, sizeof sin) != 0 ||
      (backlog > 0 && listen (fd, backlog) != 0) ||
      getsockname (fd, (struct sockaddr *) &sin, &len) != 0)
    g_error ("%s: %s", backlog > 0 ? "listener" : "bind", g_strerror (errno));
  *port = ntohs (sin.sin_port);
  return fd;
}

/* Writes from the static pattern: the sender costs both runs the same. */
gpointer
bench_stream_sender (gpointer user_data)
{
  BenchStreamSender *sender = user_data;
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (sender->port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  guint64 sent = 0;
  guint rounds = 0;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  bench_pin_thread (1);
  if (connect (fd, (struct sockaddr *) &sin, sizeof sin) != 0 ||
      getsockname (fd, (struct sockaddr *) &sin, &len) != 0)
    g_error ("sender: connect: %s", g_strerror (errno));
  sender->local_port = ntohs (sin.sin_port);

  while (sent < sender->n_bytes)
    {
      gsize want = MIN (BENCH_SEND_CHUNK, sender->n_bytes - sent);
      gssize n = send (fd, sender->pattern + sent % sender->period, want, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;   /* the receiver gave up */
      sent += n;
      if (++rounds % 256 == 0 && bench_now () > sender->deadline)
        break;
    }
  close (fd);
  return NULL;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      len -= n;
    }
  return TRUE;
}

guint64
bench_recv_stream (int       fd,
                   guint64   n_bytes,
                   double    deadline,
                   int       file,
                   guint    *rounds,
                   gboolean *written)
{
  static guint8 buffer[64 * 1024];
  guint64 total = 0;
  guint n_rounds = 0;
  gboolean ok = TRUE;

  for (;;)
    {
      gssize n = recv (fd, buffer, sizeof buffer, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (file >= 0 && !(ok = write_all (file, buffer, n)))
        break;
      total += n;
      /* as the Sockscope runs stop: on the last byte, not at the FIN */
      if (total >= n_bytes)
        break;
      if (++n_rounds % 1024 == 0 && bench_now () > deadline)
        break;
    }
  if (rounds != NULL)
    *rounds = n_rounds;
  if (written != NULL)
    *written = ok;
  return total;
}
