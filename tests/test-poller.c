/* test-poller.c — the sockets' main-loop source: never starved by the
 * window's drawing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <sys/socket.h>
#include <unistd.h>

#include "ss-poller.h"

/* far more than the guard's wait: the bound of a test that would
 * otherwise hang, not a timing */
#define BOUND_US (5 * G_USEC_PER_SEC)
/* GDK's drawing priority (GDK_PRIORITY_REDRAW), above the poller's */
#define REDRAW_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

/* A socket pair whose reading end the poller watches */
typedef struct
{
  int            pair[2];
  SsPollerWatch *watch;
  guint          calls;
} Reader;

static void
read_cb (GIOCondition revents,
         gpointer     user_data)
{
  Reader *reader = user_data;
  char buf[64];

  g_assert_true (revents & G_IO_IN);
  g_assert_cmpint (read (reader->pair[0], buf, sizeof buf), >, 0);
  reader->calls++;
}

static void
reader_open (Reader *reader)
{
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, reader->pair));
  reader->calls = 0;
  reader->watch = ss_poller_watch_new (reader->pair[0], read_cb, reader);
  ss_poller_watch_set_condition (reader->watch, G_IO_IN);
}

/* A byte sent, and the main loop run until the watch has read it */
static void
reader_send (Reader *reader)
{
  guint wanted = reader->calls + 1;
  gint64 deadline = g_get_monotonic_time () + BOUND_US;

  g_assert_cmpint (write (reader->pair[1], "x", 1), ==, 1);
  while (reader->calls < wanted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (reader->calls, ==, wanted);
}

static void
reader_close (Reader *reader)
{
  ss_poller_watch_free (reader->watch);
  close (reader->pair[0]);
  close (reader->pair[1]);
}

/* A window laying out frame after frame: always ready, above the poller */
static gboolean
busy_frames_cb (gpointer user_data)
{
  guint *frames = user_data;

  (*frames)++;
  g_usleep (2000);
  return G_SOURCE_CONTINUE;
}

/* A socket with data is read even while a source above the poller's
 * priority is always ready: without the guard it would wait forever. */
static void
test_not_starved (void)
{
  Reader reader;
  guint frames = 0, busy_id;

  reader_open (&reader);
  /* the poller runs once while nothing is busy: it is ready at first */
  reader_send (&reader);

  busy_id = g_idle_add_full (REDRAW_PRIORITY, busy_frames_cb, &frames, NULL);
  for (guint i = 0; i < 3; i++)
    reader_send (&reader);
  /* the frames went on meanwhile */
  g_assert_cmpuint (frames, >, 0);

  g_source_remove (busy_id);
  reader_close (&reader);
}

/* Once nothing is ready, the guard stops: an idle window sleeps. */
static void
test_idle_sleeps (void)
{
  Reader reader;

  reader_open (&reader);
  reader_send (&reader);

  /* the guard's last look finds nothing: no timer is left to wake the
   * loop (a timeout of -1: sleep until a descriptor is ready) */
  {
    gint64 spin_until = g_get_monotonic_time () + 200 * 1000;
    GMainContext *context = g_main_context_default ();
    GPollFD fds[64];
    int priority, timeout, n_fds;

    while (g_get_monotonic_time () < spin_until)
      g_main_context_iteration (NULL, FALSE);
    g_assert_true (g_main_context_acquire (context));
    g_main_context_prepare (context, &priority);
    n_fds = g_main_context_query (context, G_MAXINT, &timeout, fds, G_N_ELEMENTS (fds));
    g_assert_cmpint (n_fds, <=, G_N_ELEMENTS (fds));
    g_main_context_check (context, G_MAXINT, fds, n_fds);
    g_main_context_dispatch (context);
    g_main_context_release (context);
    g_assert_cmpint (timeout, ==, -1);
  }
  g_assert_cmpuint (reader.calls, ==, 1);

  reader_close (&reader);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/poller/not-starved", test_not_starved);
  g_test_add_func ("/poller/idle-sleeps", test_idle_sleeps);

  return g_test_run ();
}
