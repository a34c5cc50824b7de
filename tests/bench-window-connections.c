/* bench-window-connections.c — the many connections of
 * bench-many-connections, into the running window: 10,000 concurrent TCP
 * connections on loopback (SOCKSCOPE_BENCH_CONNECTIONS to change) accepted
 * and held by a listener the window's session opened from
 * "tcp-listen:127.0.0.1:0" (its default backlog: a spec names none), with
 * the listener selected and the sidebar on screen, so that every accepted
 * connection becomes a row under it. Against the same minimal C accept4()
 * loop with the same backlog; the clients are plain non-blocking
 * connect()s from a further child, paced by the listener's accept queue as
 * bench-many-connections paces them. Each run in its own forked child,
 * rounds alternating (SOCKSCOPE_BENCH_ROUNDS, default 3, medians).
 *
 * While the window accepts it measures how long the main loop went
 * without turning (the largest gap between ticks of the window's frame
 * clock and between runs of a 10 ms timeout at G_PRIORITY_DEFAULT, from
 * the go to 300 ms after the last accept), and its peak RSS (VmHWM).
 * With all of them held, whether the sidebar still answers: the time to
 * scroll it to its end (until the last connection's row is mapped) and to
 * select the last connection with ss_window_select_socket() until its
 * page is mapped, each bounded, with the main loop's gaps meanwhile.
 *
 * Targets (issue): all accepted within 3× the reference's time; peak RSS
 * under 250 MiB; no gap over 50 ms. It reports, it does not fail. Needs a
 * display and a session bus:
 * xvfb-run -a dbus-run-session -- meson test --benchmark bench-window-connections
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
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"
#include "ss-application.h"
#include "ss-socket-page.h"
#include "ss-socket-row.h"
#include "ss-test-util.h"
#include "ss-window.h"

#define TIME_LIMIT      120.0
/* the window's listener has the session's default; the reference too, so
 * that the clients are paced alike */
#define BACKLOG         SS_SESSION_DEFAULT_BACKLOG
/* descriptors a process needs besides the connections (the window's own
 * are more than a bare accept loop's) */
#define FD_SPARE        256
/* the client looks at the listener's queue every so many connects */
#define PACE_EVERY      32
#define TIMER_MS        10
#define SETTLE_MS       300
/* scrolling and selecting are given this long before they count as stuck */
#define RESPONSE_LIMIT_MS 10000
#define TARGET_RATIO    3.0
#define TARGET_RSS_MIB  250
#define TARGET_GAP_MS   50.0

/* BenchResult.values */
enum { ACCEPTER_CPU, TICK_GAP_MS, TIMER_GAP_MS, RSS_BEFORE_KIB, SCROLL_MS, SELECT_MS,
       SELECT_CALL_MS, RESPONSE_GAP_MS };

typedef struct
{
  guint n_connections;
} Config;

/* What the client reports once it has made every connect() call. */
typedef struct
{
  guint failed;
  int   first_errno;
} ClientReport;

typedef struct
{
  pid_t pid;
  int   go;        /* write a byte to start; close to end the client */
  int   report;    /* the ClientReport comes here */
} Client;

/* ------------------------------------------------------------------ */
/* the client, as bench-many-connections has it                        */

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
 * to complete, but never past the listener's backlog: a full accept queue
 * drops the SYN and the client retries a second later, which would
 * measure the retry timer rather than the accepting side. Syscalls only:
 * the window's process has threads. */
static void
client_main (guint16  port,
             int      listener,
             guint    n,
             int     *fds,
             int      go,
             int      report_fd)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  /* closed with a reset: no TIME_WAIT left behind from round to round */
  struct linger linger = { 1, 0 };
  ClientReport report = { 0, 0 };
  char byte;

  bench_pin_thread (1);
  if (read (go, &byte, 1) != 1)
    _exit (1);

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

/* The connections array is made before the fork: the client allocates
 * nothing. */
static Client
client_start (guint16  port,
              int      listener,
              guint    n,
              int     *fds)
{
  int go[2], report[2];
  Client client;

  if (pipe2 (go, O_CLOEXEC) != 0 || pipe2 (report, O_CLOEXEC) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  fflush (stdout);
  client.pid = fork ();
  if (client.pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (client.pid == 0)
    {
      close (go[1]);
      close (report[0]);
      client_main (port, listener, n, fds, go[0], report[1]);
    }
  close (go[0]);
  close (report[1]);
  client.go = go[1];
  client.report = report[0];
  return client;
}

static void
client_go (Client *client)
{
  if (write (client->go, "g", 1) != 1)
    g_error ("client: %s", g_strerror (errno));
}

/* Ends the client (its connections reset) and returns what it reported. */
static ClientReport
client_finish (Client *client)
{
  ClientReport report = { G_MAXUINT, 0 };
  struct pollfd pfd = { client->report, POLLIN, 0 };

  if (poll (&pfd, 1, 5000) == 1 && read (client->report, &report, sizeof report) != sizeof report)
    report.failed = G_MAXUINT;
  close (client->go);
  close (client->report);
  while (waitpid (client->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return report;
}

static void
note_client (BenchResult        *result,
             const ClientReport *report)
{
  if (report->failed == G_MAXUINT)
    g_snprintf (result->note, sizeof result->note, "the client did not report");
  else if (report->failed > 0)
    g_snprintf (result->note, sizeof result->note, "%u connect() calls failed, the first with %s",
                report->failed, g_strerror (report->first_errno));
}

static long
proc_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strdup_printf ("\n%s:", field);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, key)) == NULL)
    return 0;
  return strtol (line + strlen (key), NULL, 10);
}

/* ------------------------------------------------------------------ */

static void
run_reference (gconstpointer  data,
               BenchResult   *result)
{
  const Config *config = data;
  g_autofree int *client_fds = g_new (int, config->n_connections);
  g_autofree int *fds = g_new (int, config->n_connections);
  ClientReport report;
  Client client;
  guint accepted = 0;
  guint16 port;
  double start, cpu;
  int listener = bench_loopback_socket (SOCK_STREAM | SOCK_NONBLOCK, BACKLOG, &port);

  client = client_start (port, listener, config->n_connections, client_fds);
  bench_pin_thread (0);

  cpu = bench_thread_cpu ();
  start = bench_now ();
  client_go (&client);
  while (accepted < config->n_connections && bench_now () < start + TIME_LIMIT)
    {
      struct pollfd pfd = { listener, POLLIN, 0 };

      if (poll (&pfd, 1, 1000) < 0 && errno != EINTR)
        g_error ("poll: %s", g_strerror (errno));
      while (accepted < config->n_connections)
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
  result->values[ACCEPTER_CPU] = bench_thread_cpu () - cpu;
  result->maxrss_kib = proc_status_kib ("VmHWM");
  result->count = accepted;
  result->ok = accepted == config->n_connections;

  report = client_finish (&client);
  note_client (result, &report);
  if (!result->ok && result->note[0] == '\0')
    g_snprintf (result->note, sizeof result->note, "accepted %u", accepted);
  for (guint i = 0; i < accepted; i++)
    close (fds[i]);
  close (listener);
}

/* ------------------------------------------------------------------ */

typedef struct
{
  guint     n_connections;
  guint     accepted;
  gboolean  timed_out;

  /* the main loop's turns, while measuring */
  gboolean  measuring;
  gint64    last_tick;
  gint64    last_timer;
  gint64    max_tick_gap;
  gint64    max_timer_gap;
} Watch;

static void
accepted_cb (SsSocket *listener,
             SsSocket *connection,
             Watch    *watch)
{
  watch->accepted++;
}

static gboolean
time_limit_cb (gpointer user_data)
{
  ((Watch *) user_data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Watch *watch = user_data;
  gint64 now = g_get_monotonic_time ();

  if (watch->measuring)
    watch->max_tick_gap = MAX (watch->max_tick_gap, now - watch->last_tick);
  watch->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
timer_cb (gpointer user_data)
{
  Watch *watch = user_data;
  gint64 now = g_get_monotonic_time ();

  if (watch->measuring)
    watch->max_timer_gap = MAX (watch->max_timer_gap, now - watch->last_timer);
  watch->last_timer = now;
  return G_SOURCE_CONTINUE;
}

static void
watch_start (Watch *watch)
{
  watch->max_tick_gap = watch->max_timer_gap = 0;
  watch->last_tick = watch->last_timer = g_get_monotonic_time ();
  watch->measuring = TRUE;
}

static gboolean
widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
all_accepted (const Watch *watch)
{
  return watch->timed_out || watch->accepted >= watch->n_connections;
}

/* The sidebar's row showing the socket with @fd, if it is on screen: a
 * row's subtitle ends in its descriptor ("connected · fd 1234"). */
static GtkWidget *
find_row (GtkWidget *widget,
          int        fd)
{
  if (SS_IS_SOCKET_ROW (widget))
    {
      GtkLabel *subtitle = GTK_LABEL (gtk_widget_get_template_child (widget, SS_TYPE_SOCKET_ROW,
                                                                     "subtitle_label"));
      g_autofree char *suffix = g_strdup_printf (" %d", fd);

      return gtk_widget_get_mapped (widget) &&
             g_str_has_suffix (gtk_label_get_text (subtitle), suffix) ? widget : NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = find_row (child, fd);

      if (row != NULL)
        return row;
    }
  return NULL;
}

typedef struct
{
  GtkWidget     *socket_list;
  GtkAdjustment *adjustment;
  int            fd;
} Scroll;

/* As a person drags the scrollbar to its end: the list's height is an
 * estimate until it has measured the rows it reaches, so the end is asked
 * again until the last row is there. */
static gboolean
scrolled_to_end (gpointer user_data)
{
  Scroll *scroll = user_data;

  if (find_row (scroll->socket_list, scroll->fd) != NULL)
    return TRUE;
  gtk_adjustment_set_value (scroll->adjustment,
                            gtk_adjustment_get_upper (scroll->adjustment) -
                            gtk_adjustment_get_page_size (scroll->adjustment));
  return FALSE;
}

typedef struct
{
  GtkStack *pages;
  SsSocket *socket;
} PageWait;

static gboolean
page_shown (gpointer user_data)
{
  PageWait *wait = user_data;
  GtkWidget *page = gtk_stack_get_visible_child (wait->pages);

  return SS_IS_SOCKET_PAGE (page) &&
         ss_socket_page_get_socket (SS_SOCKET_PAGE (page)) == wait->socket &&
         gtk_widget_get_mapped (page);
}

static void
run_window (gconstpointer  data,
            BenchResult   *result)
{
  const Config *config = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsApplication) app = NULL;
  g_autoptr(SsSpec) spec = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(SsSocket) listener = NULL;
  g_autoptr(SsSocket) last = NULL;
  g_autoptr(SsSocket) selected = NULL;
  g_autoptr(GFile) data_home = NULL;
  g_autofree char *data_home_path = NULL;
  g_autofree int *client_fds = g_new (int, config->n_connections);
  Watch watch = { .n_connections = config->n_connections };
  Scroll scroll;
  PageWait page_wait;
  ClientReport report;
  Client client;
  SsWindow *window;
  GtkWidget *socket_list;
  GtkStack *pages;
  GListModel *rows, *connections;
  guint tick_id, timer_id, limit_id, held, n_rows;
  double start, cpu;
  gboolean scrolled, shown;

  if (!gtk_init_check ())
    {
      g_snprintf (result->note, sizeof result->note, "no display (run under xvfb-run)");
      return;
    }
  /* the payload history and library are the person's: keep out of them */
  data_home_path = g_dir_make_tmp ("sockscope-bench-data-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = g_file_new_for_path (data_home_path);
  g_setenv ("XDG_DATA_HOME", data_home_path, TRUE);

  app = ss_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("register: %s", error->message);

  window = ss_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  ss_test_wait_until (widget_mapped, window, SS_TEST_TIMEOUT_MS);
  socket_list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), SS_TYPE_WINDOW,
                                                           "socket_list"));
  pages = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), SS_TYPE_WINDOW, "pages"));
  rows = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (socket_list)));

  spec = ss_spec_parse ("tcp-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  ss_session_open_async (ss_window_get_session (window), spec, NULL,
                         ss_test_store_result_cb, &opened);
  ss_test_wait_result (&opened, SS_TEST_TIMEOUT_MS);
  listener = ss_session_open_finish (ss_window_get_session (window), opened, &error);
  if (listener == NULL)
    g_error ("tcp-listen: %s", error->message);
  connections = ss_socket_get_connections (listener);
  g_signal_connect (listener, "accepted", G_CALLBACK (accepted_cb), &watch);

  /* the listener's page shown, its row in the sidebar on screen */
  ss_window_select_socket (window, listener);
  page_wait = (PageWait) { pages, listener };
  ss_test_wait_until (page_shown, &page_wait, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (widget_mapped, socket_list, SS_TEST_TIMEOUT_MS);
  if (!ss_socket_get_auto_accept (listener))
    g_error ("the listener does not accept by itself");

  client = client_start (ss_test_port_of (ss_socket_get_local_address (listener)),
                         ss_socket_get_fd (listener), config->n_connections, client_fds);
  bench_pin_thread (0);

  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), tick_cb, &watch, NULL);
  timer_id = g_timeout_add (TIMER_MS, timer_cb, &watch);
  /* the page drawn, the clocks running: only the connections' gaps */
  ss_test_iterate_for (500);

  result->values[RSS_BEFORE_KIB] = proc_status_kib ("VmRSS");
  cpu = bench_thread_cpu ();
  start = bench_now ();
  watch_start (&watch);
  limit_id = g_timeout_add_seconds (TIME_LIMIT, time_limit_cb, &watch);
  client_go (&client);
  while (!all_accepted (&watch))
    g_main_context_iteration (NULL, TRUE);
  result->seconds = bench_now () - start;
  result->values[ACCEPTER_CPU] = bench_thread_cpu () - cpu;
  if (!watch.timed_out)
    g_source_remove (limit_id);

  /* the sidebar's catching up belongs to the run */
  ss_test_iterate_for (SETTLE_MS);
  watch.measuring = FALSE;
  result->values[TICK_GAP_MS] = watch.max_tick_gap / 1000.0;
  result->values[TIMER_GAP_MS] = watch.max_timer_gap / 1000.0;

  held = g_list_model_get_n_items (connections);
  n_rows = g_list_model_get_n_items (rows);
  selected = ss_window_get_selected_socket (window);
  result->count = watch.accepted;
  result->ok = watch.accepted == config->n_connections && held == watch.accepted &&
               n_rows == held + 1 && selected == listener;
  if (!result->ok)
    g_snprintf (result->note, sizeof result->note, "accepted %u, holding %u, %u sidebar rows%s%s",
                watch.accepted, held, n_rows,
                selected == listener ? "" : ", the listener no longer selected",
                watch.timed_out ? " at the time limit" : "");

  /* With every connection held: the sidebar to its end, as a person
   * scrolls it, and the last connection's page. */
  if (held > 0)
    {
      last = g_list_model_get_item (connections, held - 1);
      scroll = (Scroll) { socket_list,
                          gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (socket_list)),
                          ss_socket_get_fd (last) };
      watch_start (&watch);
      start = bench_now ();
      scrolled = ss_test_try_wait_until (scrolled_to_end, &scroll, RESPONSE_LIMIT_MS);
      result->values[SCROLL_MS] = scrolled ? (bench_now () - start) * 1e3 : -1;

      start = bench_now ();
      ss_window_select_socket (window, last);
      result->values[SELECT_CALL_MS] = (bench_now () - start) * 1e3;
      page_wait = (PageWait) { pages, last };
      shown = ss_test_try_wait_until (page_shown, &page_wait, RESPONSE_LIMIT_MS);
      result->values[SELECT_MS] = shown ? (bench_now () - start) * 1e3 : -1;
      /* what the page's first frame costs */
      ss_test_iterate_for (SETTLE_MS);
      watch.measuring = FALSE;
      result->values[RESPONSE_GAP_MS] = MAX (watch.max_tick_gap, watch.max_timer_gap) / 1000.0;
      if (result->ok && (!scrolled || !shown))
        {
          result->ok = FALSE;
          g_snprintf (result->note, sizeof result->note, "%s within %d ms",
                      scrolled ? "the last connection's page was not shown"
                               : "the sidebar did not scroll to the last connection",
                      RESPONSE_LIMIT_MS);
        }
    }
  result->maxrss_kib = proc_status_kib ("VmHWM");

  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);
  g_source_remove (timer_id);
  report = client_finish (&client);
  if (report.failed != 0)
    note_client (result, &report);
  gtk_window_destroy (GTK_WINDOW (window));
  ss_test_remove_tree (data_home);
}

/* ------------------------------------------------------------------ */

/* Each process holds one end of every connection: the soft limit goes up
 * to the hard one, and a hard limit too low scales the run down. */
static guint
fit_limits (guint n)
{
  struct rlimit limit;
  g_autofree char *range = NULL;
  guint low = 0, high = 0;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
      if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < (rlim_t) n + FD_SPARE)
        {
          guint fit = limit.rlim_max > FD_SPARE ? limit.rlim_max - FD_SPARE : 0;

          printf ("window-connections: the hard RLIMIT_NOFILE is %lu: %u connections instead of %u "
                  "(raise it, e.g. ulimit -Hn %u as root, for the full run)\n",
                  (unsigned long) limit.rlim_max, fit, n, n + FD_SPARE);
          n = fit;
        }
    }
  /* one loopback address to one port: each connection takes its own
   * ephemeral port */
  if (g_file_get_contents ("/proc/sys/net/ipv4/ip_local_port_range", &range, NULL, NULL) &&
      sscanf (range, "%u %u", &low, &high) == 2 && high >= low && high - low + 1 < n + FD_SPARE)
    {
      guint fit = high - low + 1 > FD_SPARE ? high - low + 1 - FD_SPARE : 0;

      printf ("window-connections: only %u ephemeral ports (net.ipv4.ip_local_port_range): "
              "%u connections instead of %u\n", high - low + 1, fit, n);
      n = fit;
    }
  return n;
}

static void
print_run (const char        *name,
           const BenchResult *result)
{
  printf ("  %-9s %6" G_GUINT64_FORMAT " accepted in %7.3f s  %6.1f k/s  accepter CPU %5.1f µs each"
          "  peak RSS %ld MiB",
          name, result->count, result->seconds, result->count / MAX (result->seconds, 1e-6) / 1e3,
          result->values[ACCEPTER_CPU] / MAX (result->count, 1) * 1e6, result->maxrss_kib / 1024);
  if (g_str_equal (name, "window"))
    printf ("  (%.0f MiB before)  max gap: frame clock %.1f ms, %d ms timer %.1f ms  "
            "scroll to end %.1f ms, select last %.1f ms (the call %.1f ms), gap meanwhile %.1f ms",
            result->values[RSS_BEFORE_KIB] / 1024, result->values[TICK_GAP_MS], TIMER_MS,
            result->values[TIMER_GAP_MS], result->values[SCROLL_MS], result->values[SELECT_MS],
            result->values[SELECT_CALL_MS], result->values[RESPONSE_GAP_MS]);
  printf ("%s%s\n", result->ok ? "" : "  FAILED: ", result->note);
}

int
main (int   argc,
      char *argv[])
{
  Config config;
  guint rounds;
  g_autofree double *reference = NULL;
  g_autofree double *window = NULL;
  g_autofree double *scroll = NULL;
  g_autofree double *selection = NULL;
  long peak_rss = 0;
  double reference_s, window_s, ratio, tick_gap = 0, timer_gap = 0, response_gap = 0;
  double scroll_ms, select_ms;
  gboolean all_ok = TRUE;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("window-connections: skipped, no display (run under xvfb-run)\n");
      return 77;
    }

  config.n_connections = fit_limits (bench_env_size ("SOCKSCOPE_BENCH_CONNECTIONS", 10000));
  if (config.n_connections == 0)
    g_error ("window-connections: no room for any connection");
  rounds = MAX (1, bench_env_size ("SOCKSCOPE_BENCH_ROUNDS", 3));
  reference = g_new0 (double, rounds);
  window = g_new0 (double, rounds);
  scroll = g_new0 (double, rounds);
  selection = g_new0 (double, rounds);

  printf ("window-connections: %u TCP connections over loopback into the window, backlog %d, %u rounds\n",
          config.n_connections, BACKLOG, rounds);
  for (guint i = 0; i < rounds; i++)
    {
      BenchResult result;

      /* SOCKSCOPE_BENCH_ONLY=sockscope: the window alone, under a profiler */
      if (g_strcmp0 (g_getenv ("SOCKSCOPE_BENCH_ONLY"), "sockscope") == 0)
        {
          memset (&result, 0, sizeof result);
          run_window (&config, &result);
          print_run ("window", &result);
          return 0;
        }

      bench_run_forked (run_reference, &config, &result);
      print_run ("reference", &result);
      reference[i] = result.ok ? result.seconds : G_MAXDOUBLE;
      all_ok &= result.ok;

      bench_run_forked (run_window, &config, &result);
      print_run ("window", &result);
      window[i] = result.ok ? result.seconds : G_MAXDOUBLE;
      scroll[i] = result.values[SCROLL_MS] >= 0 ? result.values[SCROLL_MS] : G_MAXDOUBLE;
      selection[i] = result.values[SELECT_MS] >= 0 ? result.values[SELECT_MS] : G_MAXDOUBLE;
      peak_rss = MAX (peak_rss, result.maxrss_kib);
      tick_gap = MAX (tick_gap, result.values[TICK_GAP_MS]);
      timer_gap = MAX (timer_gap, result.values[TIMER_GAP_MS]);
      response_gap = MAX (response_gap, result.values[RESPONSE_GAP_MS]);
      all_ok &= result.ok;
    }

  reference_s = bench_median (reference, rounds);
  window_s = bench_median (window, rounds);
  ratio = window_s / MAX (reference_s, 1e-9);
  scroll_ms = bench_median (scroll, rounds);
  select_ms = bench_median (selection, rounds);
  printf ("window-connections: %u accepted, reference %.3f s, window %.3f s, ratio %.2f, "
          "max main-loop gap %.1f ms (frame clock) / %.1f ms (%d ms timer), peak RSS %ld MiB, "
          "sidebar: scroll to end %.0f ms, select last %.0f ms, gap meanwhile %.1f ms%s%s%s%s%s\n",
          config.n_connections, reference_s, window_s, ratio, tick_gap, timer_gap, TIMER_MS,
          peak_rss / 1024, scroll_ms, select_ms, response_gap,
          ratio > TARGET_RATIO ? ", BELOW TARGET (3× the reference's time)" : "",
          peak_rss >= TARGET_RSS_MIB * 1024 ? ", BELOW TARGET (RSS 250 MiB)" : "",
          MAX (tick_gap, timer_gap) > TARGET_GAP_MS ? ", BELOW TARGET (gap 50 ms)" : "",
          response_gap > TARGET_GAP_MS ? ", BELOW TARGET (gap 50 ms scrolling and selecting)" : "",
          all_ok ? "" : ", RUN FAILED");
  return 0;
}
