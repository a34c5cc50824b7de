/* bench-startup.c — startup and idle: the time from launch to the first
 * painted frame, and the RSS 2 s after it, of Sockscope and of an empty
 * GTK 4 window built the same way (bench-empty-window, the toolkit's
 * floor). Both run as subprocesses in this benchmark's environment and
 * print "first-frame <monotonic µs>" on their first frame (Sockscope with
 * SOCKSCOPE_BENCH_FIRST_FRAME set). One untimed launch of each warms the
 * page cache, then SOCKSCOPE_BENCH_ROUNDS (default 5) alternating launches
 * of each; medians reported.
 *
 * Target (issue): within 50 ms and 15 MiB of the empty window. It reports,
 * it does not fail. Needs a display and a session bus:
 * xvfb-run -a dbus-run-session -- meson test --benchmark bench-startup
 *
 * Usage: bench-startup PATH-TO-SOCKSCOPE PATH-TO-BENCH-EMPTY-WINDOW
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-util.h"

#define MiB             (1024.0 * 1024.0)
#define FIRST_FRAME_MS  20000
#define IDLE_SECONDS    2
#define EXIT_MS         5000
#define TARGET_MS       50.0
#define TARGET_MIB      15.0

typedef struct
{
  gboolean ok;
  double   startup_ms;
  double   idle_rss_mib;
  char     note[160];
} Launch;

/* VmRSS of @pid in KiB, or -1 */
static long
read_vm_rss (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return -1;
  line = strstr (contents, "\nVmRSS:");
  return line ? strtol (line + strlen ("\nVmRSS:"), NULL, 10) : -1;
}

/* Reads @fd until a "first-frame N" line; returns N, or -1 on EOF or
 * when @timeout_ms pass. */
static gint64
wait_first_frame (int   fd,
                  guint timeout_ms)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      gint64 left = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
      const char *found;
      char buffer[512];
      gssize n;

      if ((found = strstr (text->str, "first-frame ")) != NULL && strchr (found, '\n') != NULL)
        return g_ascii_strtoll (found + strlen ("first-frame "), NULL, 10);
      if (left <= 0)
        return -1;
      if (poll (&pfd, 1, left) < 0 && errno != EINTR)
        return -1;
      if (!(pfd.revents & (POLLIN | POLLHUP)))
        continue;
      n = read (fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      g_string_append_len (text, buffer, n);
    }
}

/* SIGTERM (Sockscope quits as from the menu), then SIGKILL if it lingers */
static void
stop_child (pid_t pid)
{
  int status;

  kill (pid, SIGTERM);
  for (guint waited = 0; waited < EXIT_MS; waited += 10)
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        return;
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
    }
  g_printerr ("process %d did not exit on SIGTERM; killed\n", (int) pid);
  kill (pid, SIGKILL);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
}

static void
launch (const char *program,
        Launch     *result)
{
  int pipe_fds[2];
  gint64 started, first_frame;
  long rss_kib;
  pid_t pid;

  memset (result, 0, sizeof *result);
  if (pipe2 (pipe_fds, O_CLOEXEC) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  fflush (stdout);
  fflush (stderr);

  started = g_get_monotonic_time ();
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      dup2 (pipe_fds[1], STDOUT_FILENO);
      execl (program, program, (char *) NULL);
      _exit (127);
    }
  close (pipe_fds[1]);

  first_frame = wait_first_frame (pipe_fds[0], FIRST_FRAME_MS);
  if (first_frame < 0)
    {
      g_snprintf (result->note, sizeof result->note, "no first frame within %d s",
                  FIRST_FRAME_MS / 1000);
      stop_child (pid);
      close (pipe_fds[0]);
      return;
    }
  result->startup_ms = (first_frame - started) / 1000.0;

  /* idle: nothing happens in the window; the pipe stays open so a late
   * print cannot kill it */
  g_usleep (IDLE_SECONDS * G_USEC_PER_SEC);
  rss_kib = read_vm_rss (pid);
  stop_child (pid);
  close (pipe_fds[0]);

  result->ok = rss_kib > 0;
  result->idle_rss_mib = rss_kib * 1024.0 / MiB;
  if (!result->ok)
    g_snprintf (result->note, sizeof result->note, "could not read VmRSS");
}

static void
print_launch (const char   *name,
              const Launch *launch)
{
  printf ("  %-9s first frame %7.1f ms  idle RSS %6.1f MiB%s%s\n",
          name, launch->startup_ms, launch->idle_rss_mib,
          launch->ok ? "" : "  FAILED: ", launch->note);
}

int
main (int   argc,
      char *argv[])
{
  const char *programs[2];
  const char *names[2] = { "sockscope", "empty" };
  g_autofree double *startup[2] = { NULL, NULL };
  g_autofree double *rss[2] = { NULL, NULL };
  double startup_ms[2], rss_mib[2], slower, bigger;
  gboolean all_ok = TRUE;
  guint rounds;

  if (argc != 3)
    {
      g_printerr ("usage: %s PATH-TO-SOCKSCOPE PATH-TO-BENCH-EMPTY-WINDOW\n", argv[0]);
      return 2;
    }
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("startup: skipped, no display (run under xvfb-run)\n");
      return 77;
    }
  programs[0] = argv[1];
  programs[1] = argv[2];
  rounds = MAX (1, bench_env_size ("SOCKSCOPE_BENCH_ROUNDS", 5));
  g_setenv ("SOCKSCOPE_BENCH_FIRST_FRAME", "1", TRUE);
  for (guint p = 0; p < 2; p++)
    {
      startup[p] = g_new0 (double, rounds);
      rss[p] = g_new0 (double, rounds);
    }

  printf ("startup: launch to first frame, and VmRSS %d s after it; %u rounds after a warm-up\n",
          IDLE_SECONDS, rounds);
  for (guint p = 0; p < 2; p++)
    {
      Launch warm_up;

      launch (programs[p], &warm_up);
      printf ("  (warm-up %s: %.1f ms%s%s)\n", names[p], warm_up.startup_ms,
              warm_up.ok ? "" : ", FAILED: ", warm_up.note);
    }

  for (guint i = 0; i < rounds; i++)
    for (guint p = 0; p < 2; p++)
      {
        Launch result;

        launch (programs[p], &result);
        print_launch (names[p], &result);
        startup[p][i] = result.startup_ms;
        rss[p][i] = result.idle_rss_mib;
        all_ok &= result.ok;
      }

  for (guint p = 0; p < 2; p++)
    {
      startup_ms[p] = bench_median (startup[p], rounds);
      rss_mib[p] = bench_median (rss[p], rounds);
    }
  slower = startup_ms[0] - startup_ms[1];
  bigger = rss_mib[0] - rss_mib[1];
  printf ("startup: sockscope %.1f ms, empty window %.1f ms, difference %+.1f ms; "
          "idle RSS sockscope %.1f MiB, empty window %.1f MiB, difference %+.1f MiB%s%s%s\n",
          startup_ms[0], startup_ms[1], slower, rss_mib[0], rss_mib[1], bigger,
          slower > TARGET_MS ? ", BELOW TARGET (50 ms)" : "",
          bigger > TARGET_MIB ? ", BELOW TARGET (15 MiB)" : "",
          all_ok ? "" : ", RUN FAILED");
  return 0;
}
