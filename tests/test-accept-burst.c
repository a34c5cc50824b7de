/* test-accept-burst.c — a burst of clients that do not wait is never
 * dropped: a listener that accepts automatically empties the kernel's
 * queue from a thread of its own, even while the main loop is busy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-socket.h"

#define N_CLIENTS 3000
/* a third of the burst: without a thread that accepts, the kernel would
 * drop SYNs as soon as this many wait; the thread would have to fall
 * this far behind (tens of milliseconds) for one to be dropped */
#define BACKLOG   1024

typedef struct
{
  guint16 port;
  int     fds[N_CLIENTS];
  guint   connected;
} Burst;

/* A plain loop of blocking connects, as a load-test script does it; each
 * also sends a line. */
static gpointer
client_thread (gpointer data)
{
  Burst *burst = data;
  struct sockaddr_storage address;
  socklen_t len = ss_test_loopback_address (AF_INET, burst->port, &address);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      /* a dropped SYN is retried by the kernel after a second; the test
       * fails on the count below, not on this bound */
      struct timeval timeout = { .tv_sec = 10 };

      g_assert_cmpint (fd, >=, 0);
      setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
      if (connect (fd, (struct sockaddr *) &address, len) < 0)
        {
          close (fd);
          burst->fds[i] = -1;
          continue;
        }
      if (send (fd, "hello\n", 6, MSG_NOSIGNAL) != 6)
        g_warning ("send: %s", g_strerror (errno));
      burst->fds[i] = fd;
      burst->connected++;
    }
  return NULL;
}

typedef struct
{
  SsSocket *listener;
  guint     n;
} CountWait;

static gboolean
all_lines_logged (gpointer data)
{
  CountWait *wait = data;
  GListModel *connections = ss_socket_get_connections (wait->listener);
  guint n = g_list_model_get_n_items (connections);

  if (n < wait->n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (connections, i);

      if (ss_socket_get_bytes_in (connection) < 6)
        return FALSE;
    }
  return TRUE;
}

static void
test_burst_while_busy (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *listener = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GThread) thread = NULL;
  Burst burst = { 0 };
  CountWait wait;
  gint64 overflows;

  ss_test_bind_ok (listener, "127.0.0.1:0");
  g_assert_true (ss_socket_listen (listener, BACKLOG, &error));
  g_assert_no_error (error);
  g_assert_true (ss_socket_get_auto_accept (listener));
  burst.port = ss_test_port_of (ss_socket_get_local_address (listener));

  overflows = ss_test_listen_overflows ();
  g_assert_cmpint (overflows, >=, 0);
  /* The main loop does not turn while the whole burst comes in: a
   * window busy laying out a list. */
  thread = g_thread_new ("burst", client_thread, &burst);
  g_thread_join (g_steal_pointer (&thread));
  g_assert_cmpuint (burst.connected, ==, N_CLIENTS);
  g_assert_cmpint (ss_test_listen_overflows (), ==, overflows);
  /* nothing became a socket yet: that is the main loop's work */
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, 0);

  /* then it catches up: every connection and every line */
  wait = (CountWait) { listener, N_CLIENTS };
  ss_test_wait_until (all_lines_logged, &wait, SS_TEST_LONG_TIMEOUT_MS);
  g_assert_cmpuint (ss_test_count_calls (ss_session_get_calls (session), "accept4"), ==, N_CLIENTS);

  for (guint i = 0; i < N_CLIENTS; i++)
    close (burst.fds[i]);
  ss_socket_close (listener);
  ss_test_finalize_session (session, listener, NULL);
}

/* Switched off with connections taken and not yet seen, the listener
 * still has them all; closed, it leaves no descriptor behind. */
static void
test_switch_off_and_close (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *listener = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  guint fds_before;
  int clients[8];
  guint16 port;

  ss_test_bind_ok (listener, "127.0.0.1:0");
  fds_before = ss_test_count_fds ();
  g_assert_true (ss_socket_listen (listener, BACKLOG, &error));
  g_assert_no_error (error);
  port = ss_test_port_of (ss_socket_get_local_address (listener));

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    clients[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  /* bounded: the thread takes them without the main loop */
  for (guint tries = 0; ss_test_count_fds () < fds_before + 3 + G_N_ELEMENTS (clients) + G_N_ELEMENTS (clients); tries++)
    {
      g_assert_cmpuint (tries, <, 1000);
      g_usleep (10000);
    }
  ss_socket_set_auto_accept (listener, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (ss_socket_get_connections (listener)), ==, G_N_ELEMENTS (clients));
  /* the thread is gone with its descriptors: the connections are left */
  g_assert_cmpuint (ss_test_count_fds (), ==, fds_before + 2 * G_N_ELEMENTS (clients));

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    close (clients[i]);
  ss_socket_close (listener);
  ss_test_finalize_session (session, listener, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/accept-burst/while-busy", test_burst_while_busy);
  g_test_add_func ("/accept-burst/switch-off-and-close", test_switch_off_and_close);

  return g_test_run ();
}
