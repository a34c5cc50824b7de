/* test-tcp-sampler.c — sampling a real loopback TCP connection into a
 * bounded series, only while held and not paused
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-tcp-sampler.h"
#include "ss-test-socket.h"

static gboolean
fd_probe (gpointer     user_data,
          SsTcpSample *sample)
{
  return ss_tcp_sample_read_fd (GPOINTER_TO_INT (user_data), sample);
}

static double
last_value (SsTcpSampler *sampler,
            guint         column)
{
  SsSeries *series = ss_tcp_sampler_get_series (sampler);

  g_assert_cmpuint (ss_series_get_n_samples (series), >, 0);
  return ss_series_get_value (series, ss_series_get_n_samples (series) - 1, column);
}

typedef struct
{
  int     fd;
  guint64 bytes_acked;
  guint   recv_queue;
} ReadingWait;

static gboolean
acked_reached (gpointer user_data)
{
  ReadingWait *wait = user_data;
  SsTcpSample sample = { 0 };

  return ss_tcp_sample_read_fd (wait->fd, &sample) && sample.bytes_acked >= wait->bytes_acked;
}

static gboolean
recv_queue_reached (gpointer user_data)
{
  ReadingWait *wait = user_data;
  SsTcpSample sample = { 0 };

  return ss_tcp_sample_read_fd (wait->fd, &sample) && sample.recv_queue >= wait->recv_queue;
}

/* Bytes both ways: the rates, RTT and cwnd of Sockscope's own socket. */
static void
test_values (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(SsTcpSampler) sampler = NULL;
  g_autofree char *data = g_malloc0 (100000);
  g_autoptr(GBytes) received = NULL;
  SsSocket *client;
  int listener, peer;
  ReadingWait wait;

  client = ss_test_raw_pair (session, AF_INET, 0, &listener, &peer);
  sampler = ss_tcp_sampler_new_for_socket (client, 60);
  g_assert_true (ss_tcp_sampler_sample_now (sampler));
  /* the first reading has no previous one to make a rate from */
  g_assert_true (isnan (last_value (sampler, SS_TCP_SERIES_IN)));
  g_assert_true (isnan (last_value (sampler, SS_TCP_SERIES_OUT)));
  g_assert_cmpfloat (last_value (sampler, SS_TCP_SERIES_CWND), >=, 1);

  ss_test_raw_send_all (peer, data, 50000, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (client, 50000);
  ss_test_send_ok (client, data, 100000);
  received = ss_test_raw_recv (peer, 100000, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (received), ==, 100000);
  wait = (ReadingWait) { .fd = ss_socket_get_fd (client), .bytes_acked = 100000 };
  ss_test_wait_until (acked_reached, &wait, SS_TEST_TIMEOUT_MS);

  g_assert_true (ss_tcp_sampler_sample_now (sampler));
  g_assert_cmpfloat (last_value (sampler, SS_TCP_SERIES_IN), >, 0);
  g_assert_cmpfloat (last_value (sampler, SS_TCP_SERIES_OUT), >, 0);
  g_assert_cmpfloat (last_value (sampler, SS_TCP_SERIES_RTT), >, 0);
  g_assert_cmpfloat (last_value (sampler, SS_TCP_SERIES_RTT), <, 1000);
  g_assert_cmpfloat (last_value (sampler, SS_TCP_SERIES_CWND), >=, 1);
  /* (a slow run may retransmit even on loopback: a tail loss probe) */
  g_assert_cmpfloat (last_value (sampler, SS_TCP_SERIES_RETRANSMITS), >=, 0);
  g_assert_cmpfloat (last_value (sampler, SS_TCP_SERIES_SEND_QUEUE), ==, 0);
  g_assert_cmpfloat (last_value (sampler, SS_TCP_SERIES_RECV_QUEUE), ==, 0);
  g_assert_cmpuint (ss_series_get_n_samples (ss_tcp_sampler_get_series (sampler)), ==, 2);

  /* once the socket closes, its descriptor is no longer read */
  ss_socket_close (client);
  g_assert_false (ss_tcp_sampler_sample_now (sampler));
  g_assert_true (ss_tcp_sampler_get_gone (sampler));
  g_assert_cmpuint (ss_series_get_n_samples (ss_tcp_sampler_get_series (sampler)), ==, 2);

  close (peer);
  close (listener);
  g_clear_object (&sampler);
  ss_test_finalize_session (g_steal_pointer (&session), client, NULL);
}

/* A peer that does not read: its receive queue fills, then ours. */
static void
test_queues (void)
{
  g_autoptr(SsTcpSampler) ours = NULL;
  g_autoptr(SsTcpSampler) theirs = NULL;
  g_autofree char *data = g_malloc0 (65536);
  int listener, client, peer;
  guint16 port;
  gsize sent = 0;
  ReadingWait wait;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  ours = ss_tcp_sampler_new (fd_probe, GINT_TO_POINTER (client), NULL, 60);
  theirs = ss_tcp_sampler_new (fd_probe, GINT_TO_POINTER (peer), NULL, 60);

  /* non-blocking: write until the kernel takes no more */
  for (guint i = 0; i < 10000; i++)
    {
      gssize n = send (client, data, 65536, MSG_NOSIGNAL);

      if (n < 0)
        {
          g_assert_cmpint (errno, ==, EAGAIN);
          break;
        }
      sent += n;
    }
  g_assert_cmpuint (sent, >, 65536);
  wait = (ReadingWait) { .fd = peer, .recv_queue = 1 };
  ss_test_wait_until (recv_queue_reached, &wait, SS_TEST_TIMEOUT_MS);

  g_assert_true (ss_tcp_sampler_sample_now (ours));
  g_assert_true (ss_tcp_sampler_sample_now (theirs));
  g_assert_cmpfloat (last_value (theirs, SS_TCP_SERIES_RECV_QUEUE), >, 0);
  g_assert_cmpfloat (last_value (ours, SS_TCP_SERIES_SEND_QUEUE), >, 0);
  /* (bytes not yet acknowledged are in both, so no sum to compare) */
  g_assert_cmpfloat (last_value (ours, SS_TCP_SERIES_SEND_QUEUE), <=, sent);
  g_assert_cmpfloat (last_value (theirs, SS_TCP_SERIES_RECV_QUEUE), <=, sent);
  g_assert_cmpfloat (last_value (ours, SS_TCP_SERIES_RECV_QUEUE), ==, 0);

  close (client);
  close (peer);
  close (listener);
}

/* However long it samples, the series holds its capacity, newest last. */
static void
test_ring_bounded (void)
{
  g_autoptr(SsTcpSampler) sampler = NULL;
  SsSeries *series;
  int listener, client, peer;
  guint16 port;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  sampler = ss_tcp_sampler_new (fd_probe, GINT_TO_POINTER (client), NULL, 5);
  series = ss_tcp_sampler_get_series (sampler);

  for (guint i = 0; i < 23; i++)
    {
      g_assert_true (ss_tcp_sampler_sample_now (sampler));
      g_assert_cmpuint (ss_series_get_n_samples (series), ==, MIN (i + 1, 5));
    }
  for (guint i = 1; i < 5; i++)
    g_assert_cmpint (ss_series_get_time (series, i - 1), <=, ss_series_get_time (series, i));
  g_assert_cmpuint (ss_series_get_capacity (series), ==, 5);

  ss_series_clear (series);
  g_assert_cmpuint (ss_series_get_n_samples (series), ==, 0);

  close (client);
  close (peer);
  close (listener);
}

static void
count_changed_cb (guint *count)
{
  (*count)++;
}

/* A plain series: the oldest goes first, values come back in their
 * columns. */
static void
test_series (void)
{
  g_autoptr(SsSeries) series = ss_series_new (2, 3);
  guint n_changed = 0;

  g_signal_connect_swapped (series, "changed", G_CALLBACK (count_changed_cb), &n_changed);
  for (guint i = 0; i < 5; i++)
    {
      double values[2] = { i, i * 10.0 };

      ss_series_append (series, i * G_USEC_PER_SEC, values);
    }
  g_assert_cmpuint (ss_series_get_n_samples (series), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (ss_series_get_time (series, i), ==, (i + 2) * G_USEC_PER_SEC);
      g_assert_cmpfloat (ss_series_get_value (series, i, 0), ==, i + 2);
      g_assert_cmpfloat (ss_series_get_value (series, i, 1), ==, (i + 2) * 10.0);
    }
  g_assert_cmpuint (n_changed, ==, 5);
  ss_series_clear (series);
  g_assert_cmpuint (ss_series_get_n_samples (series), ==, 0);
  g_assert_cmpuint (n_changed, ==, 6);
}

typedef struct
{
  SsSeries *series;
  guint     n;
} SamplesWait;

static gboolean
samples_reached (gpointer user_data)
{
  SamplesWait *wait = user_data;

  return ss_series_get_n_samples (wait->series) >= wait->n;
}

/* No timer unless held and not paused; a hold samples at once, and then
 * at each interval. */
static void
test_timer (void)
{
  g_autoptr(SsTcpSampler) sampler = NULL;
  SsSeries *series;
  SamplesWait wait;
  int listener, client, peer;
  guint16 port;
  guint n_running = 0;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  client = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  sampler = ss_tcp_sampler_new (fd_probe, GINT_TO_POINTER (client), NULL, 60);
  series = ss_tcp_sampler_get_series (sampler);
  g_signal_connect (sampler, "notify::running", G_CALLBACK (ss_test_count_cb), &n_running);

  g_assert_false (ss_tcp_sampler_get_running (sampler));
  ss_test_iterate_for (50);
  g_assert_cmpuint (ss_series_get_n_samples (series), ==, 0);

  ss_tcp_sampler_set_interval (sampler, 100);
  ss_tcp_sampler_hold (sampler);
  g_assert_true (ss_tcp_sampler_get_running (sampler));
  g_assert_cmpuint (n_running, ==, 1);
  g_assert_cmpuint (ss_series_get_n_samples (series), ==, 1);
  wait = (SamplesWait) { series, 3 };
  ss_test_wait_until (samples_reached, &wait, SS_TEST_TIMEOUT_MS);

  /* a second watcher changes nothing; the timer stops with the last */
  ss_tcp_sampler_hold (sampler);
  ss_tcp_sampler_release (sampler);
  g_assert_true (ss_tcp_sampler_get_running (sampler));
  g_assert_cmpuint (n_running, ==, 1);

  ss_tcp_sampler_set_paused (sampler, TRUE);
  g_assert_false (ss_tcp_sampler_get_running (sampler));
  g_assert_cmpuint (n_running, ==, 2);
  wait.n = ss_series_get_n_samples (series);
  ss_test_iterate_for (250);
  g_assert_cmpuint (ss_series_get_n_samples (series), ==, wait.n);

  ss_tcp_sampler_set_paused (sampler, FALSE);
  g_assert_true (ss_tcp_sampler_get_running (sampler));
  g_assert_cmpuint (ss_series_get_n_samples (series), ==, wait.n + 1);
  /* after a pause, no rate averages over the time nobody watched */
  g_assert_true (isnan (last_value (sampler, SS_TCP_SERIES_IN)));

  ss_tcp_sampler_release (sampler);
  g_assert_false (ss_tcp_sampler_get_running (sampler));
  g_assert_cmpuint (n_running, ==, 4);

  /* a connection that goes while held stops the timer itself */
  ss_tcp_sampler_hold (sampler);
  close (client);
  ss_test_wait_until ((SsTestCondition) ss_tcp_sampler_get_gone, sampler, SS_TEST_TIMEOUT_MS);
  g_assert_false (ss_tcp_sampler_get_running (sampler));
  ss_tcp_sampler_release (sampler);

  close (peer);
  close (listener);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tcp-sampler/values", test_values);
  g_test_add_func ("/tcp-sampler/queues", test_queues);
  g_test_add_func ("/tcp-sampler/ring-bounded", test_ring_bounded);
  g_test_add_func ("/tcp-sampler/series", test_series);
  g_test_add_func ("/tcp-sampler/timer", test_timer);

  return g_test_run ();
}
