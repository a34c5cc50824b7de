/* bench-util.c — what the benchmarks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
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

/* a client's connection: TCP_NODELAY, as a client that waits for each
 * answer sets it; -1 when connect() failed */
int
bench_connect_loopback (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *) &sin, sizeof sin) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

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

  if (sender->gated)
    {
      g_mutex_lock (&sender->mutex);
      while (!sender->go)
        g_cond_wait (&sender->cond, &sender->mutex);
      g_mutex_unlock (&sender->mutex);
    }

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

void
bench_stream_sender_go (BenchStreamSender *sender,
                        double             deadline)
{
  g_mutex_lock (&sender->mutex);
  sender->deadline = deadline;
  sender->go = TRUE;
  g_cond_signal (&sender->cond);
  g_mutex_unlock (&sender->mutex);
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

/* ------------------------------------------------------------------ */
/* the environment, /proc, the pattern                                 */

guint
bench_env_rounds (void)
{
  return MAX (1, bench_env_size ("SOCKSCOPE_BENCH_ROUNDS", 3));
}

long
bench_proc_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strdup_printf ("\n%s:", field);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, key)) == NULL)
    return 0;
  return strtol (line + strlen (key), NULL, 10);
}

/* The peak resident set, as the kernel keeps it. */
long
bench_vm_hwm_kib (void)
{
  long kib = bench_proc_status_kib ("VmHWM");

  return kib > 0 ? kib : bench_maxrss_kib ();
}

void
bench_fill_pattern (guint8 *pattern,
                    gsize   size,
                    gsize   period)
{
  for (gsize i = 0; i < size; i++)
    pattern[i] = (guint8) ((i % period) * 131 + (i % period) / 251);
}

/* ------------------------------------------------------------------ */
/* rounds and their printing                                           */

gboolean
bench_only_sockscope (BenchFunc      func,
                      gconstpointer  data,
                      const char    *name,
                      BenchPrintFunc print)
{
  BenchResult result;

  if (g_strcmp0 (g_getenv ("SOCKSCOPE_BENCH_ONLY"), "sockscope") != 0)
    return FALSE;
  memset (&result, 0, sizeof result);
  func (data, &result);
  print (name, &result);
  return TRUE;
}

void
bench_run_print (BenchFunc      func,
                 gconstpointer  data,
                 const char    *name,
                 BenchPrintFunc print,
                 BenchResult   *result)
{
  bench_run_forked (func, data, result);
  print (name, result);
}

void
bench_print_end (const BenchResult *result)
{
  printf ("%s%s\n", result->ok ? "" : "  FAILED: ", result->note);
}

void
bench_rounds_init (BenchRounds *rounds)
{
  rounds->n = bench_env_rounds ();
  rounds->reference = g_new0 (double, rounds->n);
  rounds->sockscope = g_new0 (double, rounds->n);
  rounds->reference_cpu = g_new0 (double, rounds->n);
  rounds->sockscope_cpu = g_new0 (double, rounds->n);
}

void
bench_rounds_clear (BenchRounds *rounds)
{
  g_clear_pointer (&rounds->reference, g_free);
  g_clear_pointer (&rounds->sockscope, g_free);
  g_clear_pointer (&rounds->reference_cpu, g_free);
  g_clear_pointer (&rounds->sockscope_cpu, g_free);
}

void
bench_print_cpu_medians (BenchRounds *rounds,
                         const char  *what,
                         int          precision,
                         const char  *unit)
{
  double reference = bench_median (rounds->reference_cpu, rounds->n);
  double sockscope = bench_median (rounds->sockscope_cpu, rounds->n);

  printf ("  (medians; %s: reference %.*f %s, sockscope %.*f %s, cost ratio %.2f",
          what, precision, reference, unit, precision, sockscope, unit,
          sockscope / MAX (reference, 1e-9));
}

/* ------------------------------------------------------------------ */
/* many connections: a client child and the reference accept loop     */

/* the client looks at the listener's queue every so many connects */
#define PACE_EVERY 32

/* The accept queue's length and limit, as TCP_INFO gives them for a
 * listener. */
static gboolean
listener_queue (int    listener,
                guint *length,
                guint *limit)
{
  struct tcp_info info;
  socklen_t len = sizeof info;

  if (getsockopt (listener, IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
    return FALSE;
  *length = info.tcpi_unacked;
  *limit = info.tcpi_sacked;
  return TRUE;
}

/* In the client child: connect() after connect(), without waiting for any
 * to complete, but never past the listener's backlog. A full accept queue
 * makes the kernel drop the SYN and the client retry a second later, which
 * would measure the retry timer rather than the accepting side. Syscalls
 * only: the parent may have threads. */
/* The go: the port, with the listener's descriptor (SCM_RIGHTS) */
static gboolean
receive_go (int      go,
            guint16 *port,
            int     *listener)
{
  char control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { port, sizeof *port };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                        .msg_controllen = sizeof control };
  struct cmsghdr *cmsg;

  if (recvmsg (go, &msg, 0) != sizeof *port)
    return FALSE;
  cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
    return FALSE;
  memcpy (listener, CMSG_DATA (cmsg), sizeof *listener);
  return TRUE;
}

static void
client_main (guint  n,
             int   *fds,
             int    go,
             int    report_fd)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  /* closed with a reset: no TIME_WAIT left behind from round to round */
  struct linger linger = { 1, 0 };
  BenchClientReport report = { 0, 0 };
  char byte;

  guint16 port;
  int listener;

  bench_pin_thread (1);
  if (!receive_go (go, &port, &listener))
    _exit (1);
  sin.sin_port = htons (port);

  for (guint i = 0; i < n; i++)
    {
      guint length, limit;

      if (i % PACE_EVERY == 0)
        while (listener_queue (listener, &length, &limit) && length + 2 * PACE_EVERY > limit)
          nanosleep (&(struct timespec) { 0, 20000 }, NULL);

      fds[i] = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fds[i] >= 0)
        setsockopt (fds[i], SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
      if (fds[i] < 0 ||
          (connect (fds[i], (struct sockaddr *) &sin, sizeof sin) != 0 && errno != EINPROGRESS))
        {
          if (report.failed++ == 0)
            report.first_errno = errno;
        }
    }
  if (write (report_fd, &report, sizeof report) != sizeof report)
    _exit (1);

  /* hold them until told */
  while (read (go, &byte, 1) > 0)
    ;
  _exit (0);
}

BenchClient
bench_client_start (guint  n,
                    int   *fds)
{
  int go[2], report[2];
  BenchClient client;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) != 0 || pipe2 (report, O_CLOEXEC) != 0)
    g_error ("socketpair: %s", g_strerror (errno));
  fflush (stdout);
  client.pid = fork ();
  if (client.pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (client.pid == 0)
    {
      close (go[1]);
      close (report[0]);
      client_main (n, fds, go[0], report[1]);
    }
  close (go[0]);
  close (report[1]);
  client.go = go[1];
  client.report = report[0];
  return client;
}

void
bench_client_go (BenchClient *client,
                 guint16      port,
                 int          listener)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { &port, sizeof port };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                        .msg_controllen = sizeof control };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);

  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &listener, sizeof listener);
  if (sendmsg (client->go, &msg, 0) != sizeof port)
    g_error ("client: %s", g_strerror (errno));
}

void
bench_client_cancel (BenchClient *client)
{
  close (client->go);
  close (client->report);
  while (waitpid (client->pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

BenchClientReport
bench_client_finish (BenchClient *client)
{
  BenchClientReport report = { G_MAXUINT, 0 };
  struct pollfd pfd = { client->report, POLLIN, 0 };

  if (poll (&pfd, 1, 5000) == 1 && read (client->report, &report, sizeof report) != sizeof report)
    report.failed = G_MAXUINT;
  close (client->go);
  close (client->report);
  while (waitpid (client->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return report;
}

void
bench_note_client (BenchResult             *result,
                   const BenchClientReport *report)
{
  if (report->failed == G_MAXUINT)
    g_snprintf (result->note, sizeof result->note, "the client did not report");
  else if (report->failed > 0)
    g_snprintf (result->note, sizeof result->note, "%u connect() calls failed, the first with %s",
                report->failed, g_strerror (report->first_errno));
}

guint
bench_fit_connections (const char *name,
                       guint       n,
                       guint       fd_spare)
{
  struct rlimit limit;
  g_autofree char *range = NULL;
  guint low = 0, high = 0;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
      if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < (rlim_t) n + fd_spare)
        {
          guint fit = limit.rlim_max > fd_spare ? limit.rlim_max - fd_spare : 0;

          printf ("%s: the hard RLIMIT_NOFILE is %lu: %u connections instead of %u "
                  "(raise it, e.g. ulimit -Hn %u as root, for the full run)\n",
                  name, (unsigned long) limit.rlim_max, fit, n, n + fd_spare);
          n = fit;
        }
    }
  /* one loopback address to one port: each connection takes its own
   * ephemeral port */
  if (g_file_get_contents ("/proc/sys/net/ipv4/ip_local_port_range", &range, NULL, NULL) &&
      sscanf (range, "%u %u", &low, &high) == 2 && high >= low && high - low + 1 < n + fd_spare)
    {
      guint fit = high - low + 1 > fd_spare ? high - low + 1 - fd_spare : 0;

      printf ("%s: only %u ephemeral ports (net.ipv4.ip_local_port_range): "
              "%u connections instead of %u\n", name, high - low + 1, fit, n);
      n = fit;
    }
  return n;
}

void
bench_accept_reference (guint        n,
                        int          backlog,
                        double       time_limit,
                        BenchResult *result)
{
  g_autofree int *client_fds = g_new (int, n);
  g_autofree int *fds = g_new (int, n);
  BenchClientReport report;
  BenchClient client;
  guint accepted = 0;
  guint16 port;
  double start, cpu;
  int listener;

  client = bench_client_start (n, client_fds);
  listener = bench_loopback_socket (SOCK_STREAM | SOCK_NONBLOCK, backlog, &port);
  bench_pin_thread (0);

  cpu = bench_thread_cpu ();
  start = bench_now ();
  bench_client_go (&client, port, listener);
  while (accepted < n && bench_now () < start + time_limit)
    {
      struct pollfd pfd = { listener, POLLIN, 0 };

      if (poll (&pfd, 1, 1000) < 0 && errno != EINTR)
        g_error ("poll: %s", g_strerror (errno));
      while (accepted < n)
        {
          int fd = accept4 (listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

          if (fd >= 0)
            fds[accepted++] = fd;
          else if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          else if (errno != EINTR && errno != ECONNABORTED)
            g_error ("accept4: %s", g_strerror (errno));
        }
    }
  result->seconds = bench_now () - start;
  result->values[BENCH_ACCEPTER_CPU] = bench_thread_cpu () - cpu;
  result->maxrss_kib = bench_vm_hwm_kib ();
  result->count = accepted;
  result->ok = accepted == n;

  report = bench_client_finish (&client);
  bench_note_client (result, &report);
  if (!result->ok && result->note[0] == '\0')
    g_snprintf (result->note, sizeof result->note, "accepted %u", accepted);
  for (guint i = 0; i < accepted; i++)
    close (fds[i]);
  close (listener);
}

void
bench_print_accepted (const char        *name,
                      const BenchResult *result)
{
  printf ("  %-9s %6" G_GUINT64_FORMAT " accepted in %7.3f s  %6.1f k/s  accepter CPU %5.1f µs each"
          "  peak RSS %ld MiB",
          name, result->count, result->seconds, result->count / MAX (result->seconds, 1e-6) / 1e3,
          result->values[BENCH_ACCEPTER_CPU] / MAX (result->count, 1) * 1e6, result->maxrss_kib / 1024);
}
