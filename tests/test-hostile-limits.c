/* test-hostile-limits.c — connection churn against a listener, and running
 * out of descriptors while a connection waits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test-hostile-util.h"

#define DRAIN_MAX 1000

/* 10,000 cycles take about a second, a few under AddressSanitizer. */
#define CHURN_CYCLES 10000
#define CHURN_BATCH  50
#define CHURN_BACKLOG 128

static SsSocket *
listener_new (SsSession *session,
              int        backlog)
{
  g_autoptr(GError) error = NULL;
  SsSocket *listener = ss_test_create (session, AF_INET, SOCK_STREAM);

  ss_test_bind_ok (listener, "127.0.0.1:0");
  g_assert_true (ss_socket_listen (listener, backlog, &error));
  g_assert_no_error (error);
  g_assert_true (ss_socket_get_auto_accept (listener));
  return listener;
}

/* A raw client whose connect() is under way (or done): the listener
 * completes it by accepting. */
static int
raw_connect_start (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  g_assert_no_errno (fd);
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &sin, sizeof sin) < 0)
    g_assert_cmpint (errno, ==, EINPROGRESS);
  return fd;
}

static guint64
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  return line ? g_ascii_strtoull (line + strlen (field) + 1, NULL, 10) : 0;
}

static void
test_churn (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *listener = listener_new (session, CHURN_BACKLOG);
  GListModel *connections = ss_socket_get_connections (listener);
  guint16 port = ss_test_port_of (ss_socket_get_local_address (listener));
  /* counted with the listener open, after GLib made its own (the main
   * context's wake-up descriptor, made once) */
  guint fds_at_start = ss_test_count_fds ();
  guint64 rss_before = status_kib ("VmRSS:");
  gint64 start = g_get_monotonic_time ();

  /* in batches no larger than the backlog, so no SYN is ever dropped */
  for (guint done = 0; done < CHURN_CYCLES; done += CHURN_BATCH)
    {
      int clients[CHURN_BATCH];

      for (guint i = 0; i < CHURN_BATCH; i++)
        clients[i] = raw_connect_start (port);
      ss_test_wait_connections (listener, done + CHURN_BATCH);
      g_assert_cmpuint (g_list_model_get_n_items (connections), ==, done + CHURN_BATCH);

      for (guint i = 0; i < CHURN_BATCH; i++)
        {
          SsSocket *connection = ss_test_connection_at (listener, done + i);

          /* half the clients go first (a FIN, or a RST for every fourth),
           * half are closed by Sockscope first */
          if (i % 2 == 0)
            {
              if (i % 4 == 0)
                ss_test_raw_close_with_reset (clients[i]);
              else
                g_assert_no_errno (close (clients[i]));
              ss_socket_close (connection);
            }
          else
            {
              ss_socket_close (connection);
              g_assert_no_errno (close (clients[i]));
            }
          g_assert_cmpint (ss_socket_get_state (connection), ==, SS_SOCKET_CLOSED);
        }
      /* let the listener and the closed sockets see what happened */
      g_assert_cmpuint (ss_hostile_drain (DRAIN_MAX), <, DRAIN_MAX);
    }

  g_test_message ("%u connect/close cycles in %.2f s; VmRSS %" G_GUINT64_FORMAT
                  " -> %" G_GUINT64_FORMAT " KiB, VmSize %" G_GUINT64_FORMAT " KiB",
                  CHURN_CYCLES, (g_get_monotonic_time () - start) / 1e6,
                  rss_before, status_kib ("VmRSS:"), status_kib ("VmSize:"));

  /* every accepted descriptor was released: only the listener is left */
  g_assert_cmpuint (ss_test_count_fds (), ==, fds_at_start);
  g_assert_cmpuint (ss_test_count_calls (ss_session_get_calls (session), "accept4"), ==,
                    CHURN_CYCLES);
  g_assert_cmpuint (ss_test_count_calls (ss_session_get_calls (session), "close"), ==,
                    CHURN_CYCLES);
  g_assert_cmpint (ss_socket_get_state (listener), ==, SS_SOCKET_LISTENING);
  g_assert_true (ss_hostile_fd_is_polled (ss_socket_get_fd (listener)));

  ss_test_finalize_session (session, listener, NULL);
  /* the listener was the last socket: it goes with the sockets' epoll set
   * and the three descriptors of the thread that accepted for it (its
   * epoll set, and the eventfds that stop it and that it wakes the main
   * loop with) */
  g_assert_cmpuint (ss_test_count_fds (), ==, fds_at_start - 2 - 3);
}

/* ------------------------------------------------------------------ */

static guint
count_failed_accepts (SsCallLog *calls,
                      int        errsv)
{
  GListModel *model = G_LIST_MODEL (calls);
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SsCall) call = g_list_model_get_item (model, i);

      if (g_str_equal (ss_call_get_name (call), "accept4") && ss_call_get_errno (call) == errsv)
        count++;
    }
  return count;
}

static gboolean
emfile_logged (gpointer listener)
{
  return ss_test_count_events (listener, "EMFILE") > 0;
}

static gboolean
has_connection (gpointer listener)
{
  return g_list_model_get_n_items (ss_socket_get_connections (listener)) > 0;
}

/* The core tries accept() again 1 s after running out of descriptors. */
#define RETRY_WAIT_MS 5000

static void
test_emfile (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *listener = listener_new (session, 16);
  SsCallLog *calls = ss_session_get_calls (session);
  int listener_fd = ss_socket_get_fd (listener);
  guint16 port = ss_test_port_of (ss_socket_get_local_address (listener));
  struct rlimit saved, low;
  GArray *fillers = g_array_new (FALSE, FALSE, sizeof (int));
  SsSocket *connection;
  g_autoptr(GBytes) hello = NULL;
  gint64 detected;
  guint n_failures;
  int client, filler;

  /* The client's descriptor exists before the limit drops: connect()
   * needs none, so the connection waits in the kernel for an accept. */
  client = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  g_assert_no_errno (client);

  g_assert_no_errno (getrlimit (RLIMIT_NOFILE, &saved));
  low = saved;
  low.rlim_cur = ss_test_count_fds () + 4;
  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &low));
  /* take every descriptor number still free below the limit */
  for (guint i = 0; i < low.rlim_cur && (filler = dup (client)) >= 0; i++)
    g_array_append_val (fillers, filler);
  g_assert_cmpint (errno, ==, EMFILE);
  g_test_message ("soft limit %u, %u descriptors taken to reach it",
                  (guint) low.rlim_cur, fillers->len);

  {
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port) };

    sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (connect (client, (struct sockaddr *) &sin, sizeof sin) < 0)
      g_assert_cmpint (errno, ==, EINPROGRESS);
  }

  /* the person is told, in the log and the call log */
  ss_test_wait_until (emfile_logged, listener, SS_TEST_TIMEOUT_MS);
  detected = g_get_monotonic_time ();
  g_assert_cmpuint (ss_test_count_events (listener, "EMFILE"), ==, 1);
  ss_test_assert_event (listener, "Too many open files");
  ss_test_assert_call (calls, "accept4", listener_fd, -1, EMFILE, NULL);
  g_assert_cmpuint (count_failed_accepts (calls, EMFILE), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, 0);

  /* No busy loop on the connection that cannot be accepted: the listener
   * leaves the poll set until its retry, and a few iterations log
   * nothing more. Looking needs a descriptor for a moment; the main loop
   * does not run meanwhile. */
  close (g_array_index (fillers, int, fillers->len - 1));
  g_assert_false (ss_hostile_fd_is_polled (listener_fd));
  g_assert_no_errno (g_array_index (fillers, int, fillers->len - 1) = dup (client));
  g_assert_cmpuint (ss_hostile_drain (DRAIN_MAX), <, DRAIN_MAX);
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  n_failures = ss_test_count_events (listener, "EMFILE");
  g_assert_cmpuint (count_failed_accepts (calls, EMFILE), ==, n_failures);
  /* only the retry (1 s after the failure) may add one */
  if (g_get_monotonic_time () - detected < G_USEC_PER_SEC / 2)
    g_assert_cmpuint (n_failures, ==, 1);

  /* descriptors free again: the waiting connection is accepted on the
   * retry, without anyone touching the listener */
  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &saved));
  for (guint i = 0; i < fillers->len; i++)
    close (g_array_index (fillers, int, i));
  g_array_unref (fillers);

  ss_test_wait_until (has_connection, listener, RETRY_WAIT_MS);
  connection = ss_test_connection_at (listener, 0);
  ss_test_assert_event (listener, "Accepted a connection");
  g_assert_true (ss_hostile_fd_is_polled (listener_fd));

  /* and it works */
  ss_test_raw_send_all (client, "still here", 10, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (connection, 10);
  ss_test_send_ok (connection, "welcome", 7);
  hello = ss_test_raw_recv (client, 7, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (hello, NULL), g_bytes_get_size (hello), "welcome", 7);

  close (client);
  ss_test_finalize_session (session, listener, connection, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile/limits/churn", test_churn);
  g_test_add_func ("/hostile/limits/emfile", test_emfile);

  return g_test_run ();
}
