/* test-datagram-drops.c — datagrams the kernel drops for a full receive
 * buffer are counted exactly (SO_RXQ_OVFL) and told in the traffic log
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

#include "ss-error.h"
#include "ss-socket-options.h"
#include "ss-test-socket.h"

#define N_FLOOD      1000
#define FLOOD_SIZE   200
#define DROP_EVENT   "(receive buffer full)"
#define MARKER       "end"

typedef struct
{
  SsSocket *socket;
  guint64   n;
} ChunksWait;

static gboolean
has_chunks (gpointer user_data)
{
  ChunksWait *wait = user_data;

  return ss_traffic_log_get_chunks (ss_socket_get_traffic (wait->socket), SS_TRAFFIC_RECEIVED) >= wait->n;
}

static gboolean
kernel_queue_empty (gpointer user_data)
{
  struct pollfd pfd = { ss_socket_get_fd (user_data), POLLIN, 0 };

  return poll (&pfd, 1, 0) == 0;
}

static guint64
received_chunks (SsSocket *socket)
{
  return ss_traffic_log_get_chunks (ss_socket_get_traffic (socket), SS_TRAFFIC_RECEIVED);
}

static SsTrafficEntry *
last_received (SsSocket *socket)
{
  GListModel *traffic = G_LIST_MODEL (ss_socket_get_traffic (socket));

  for (guint i = g_list_model_get_n_items (traffic); i > 0; i--)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (traffic, i - 1);

      if (ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_RECEIVED)
        return g_steal_pointer (&entry);
    }
  g_assert_not_reached ();
}

/* A UDP socket bound to loopback port 0 whose kernel buffer holds only a
 * few datagrams, and a raw sender connected to it. */
static SsSocket *
small_receiver (SsSession *session,
                int       *sender)
{
  SsSocket *receiver = ss_test_create (session, AF_INET, SOCK_DGRAM);
  g_autoptr(GError) error = NULL;
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

  ss_socket_set_auto_receive (receiver, FALSE);
  ss_test_bind_ok (receiver, "127.0.0.1:0");
  g_assert_true (ss_socket_set_option (receiver, ss_socket_option_find ("SO_RCVBUF"), 2048, &error));
  g_assert_no_error (error);

  to.sin_port = htons (ss_test_port_of (ss_socket_get_local_address (receiver)));
  *sender = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_no_errno (*sender);
  g_assert_no_errno (connect (*sender, (struct sockaddr *) &to, sizeof to));
  return receiver;
}

/* More than the buffer holds, while nothing reads: the kernel must drop. */
static guint64
flood (int sender)
{
  guint8 payload[FLOOD_SIZE];
  guint64 sent = 0;

  memset (payload, 'x', sizeof payload);
  for (guint i = 0; i < N_FLOOD; i++)
    {
      memcpy (payload, &i, sizeof i);
      if (send (sender, payload, sizeof payload, 0) == sizeof payload)
        sent++;
      else
        g_assert_cmpint (errno, ==, ENOBUFS);
    }
  g_assert_cmpuint (sent, >, 0);
  return sent;
}

static void
assert_drops_logged (SsSocket *receiver,
                     guint64   sent,
                     guint     n_notifies)
{
  g_autoptr(GPtrArray) events = ss_test_dup_events (receiver);
  g_autoptr(SsTrafficEntry) last = last_received (receiver);
  guint64 dropped = ss_socket_get_dropped (receiver);
  guint64 told = 0;
  guint n_events = 0;
  gsize len;
  const char *data;

  g_test_message ("sent %" G_GUINT64_FORMAT ", logged %" G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT,
                  sent, received_chunks (receiver), dropped);
  g_assert_cmpuint (dropped, >, 0);
  /* every datagram sent was either logged or counted as dropped */
  g_assert_cmpuint (received_chunks (receiver) + dropped, ==, sent);

  /* and the log tells each drop: the counts in its events add up */
  for (guint i = 0; i < events->len; i++)
    {
      const char *text = g_ptr_array_index (events, i);
      guint64 n;

      if (strstr (text, DROP_EVENT) == NULL)
        continue;
      g_assert_true (g_str_has_prefix (text, "The kernel dropped "));
      n = g_ascii_strtoull (text + strlen ("The kernel dropped "), NULL, 10);
      g_assert_cmpuint (n, >, 0);
      told += n;
      n_events++;
    }
  g_assert_cmpuint (told, ==, dropped);
  g_assert_cmpuint (n_events, >=, 1);
  g_assert_cmpuint (n_notifies, ==, n_events);
  g_object_get (receiver, "dropped", &told, NULL);
  g_assert_cmpuint (told, ==, dropped);

  /* the marker came last, whole */
  data = g_bytes_get_data (ss_traffic_entry_get_bytes (last), &len);
  g_assert_cmpmem (data, len, MARKER, strlen (MARKER));
}

/* A drop is known only with the next datagram queued after it, so once
 * the buffer is drained one more datagram brings the final count. */
static void
send_marker (int sender)
{
  g_assert_cmpint (send (sender, MARKER, strlen (MARKER), 0), ==, strlen (MARKER));
}

static void
test_auto_receive (void)
{
  SsSession *session = ss_session_new ();
  guint n_notifies = 0;
  ChunksWait wait;
  guint64 sent;
  int sender;
  SsSocket *receiver = small_receiver (session, &sender);

  g_signal_connect (receiver, "notify::dropped", G_CALLBACK (ss_test_count_cb), &n_notifies);
  sent = flood (sender);
  ss_test_drain_main_context ();
  /* nothing read yet, so nothing known yet */
  g_assert_cmpuint (received_chunks (receiver), ==, 0);
  g_assert_cmpuint (ss_socket_get_dropped (receiver), ==, 0);

  ss_socket_set_auto_receive (receiver, TRUE);
  ss_test_wait_until (kernel_queue_empty, receiver, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (received_chunks (receiver), <, sent);

  send_marker (sender);
  wait = (ChunksWait) { receiver, received_chunks (receiver) + 1 };
  ss_test_wait_until (has_chunks, &wait, SS_TEST_TIMEOUT_MS);
  assert_drops_logged (receiver, sent + 1, n_notifies);

  close (sender);
  ss_test_finalize_session (session, receiver, NULL);
}

/* recvfrom() by hand, as the Receive button makes it, counts them too */
static void
test_recv_by_hand (void)
{
  SsSession *session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  guint n_notifies = 0;
  guint64 sent;
  gssize n;
  int sender;
  SsSocket *receiver = small_receiver (session, &sender);

  g_signal_connect (receiver, "notify::dropped", G_CALLBACK (ss_test_count_cb), &n_notifies);
  sent = flood (sender);

  while ((n = ss_socket_recv (receiver, 2048, &error)) >= 0)
    g_assert_cmpint (n, ==, FLOOD_SIZE);
  g_assert_error (error, SS_ERRNO_ERROR, EAGAIN);
  g_clear_error (&error);

  send_marker (sender);
  g_assert_cmpint (ss_socket_recv (receiver, 2048, &error), ==, strlen (MARKER));
  g_assert_no_error (error);
  assert_drops_logged (receiver, sent + 1, n_notifies);

  close (sender);
  ss_test_finalize_session (session, receiver, NULL);
}

/* what the buffer holds is not dropped, and nothing is said */
static void
test_no_drops (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *receiver = ss_test_create (session, AF_INET, SOCK_DGRAM);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  guint n_notifies = 0;
  ChunksWait wait = { receiver, 100 };
  int sender;

  ss_test_bind_ok (receiver, "127.0.0.1:0");
  g_signal_connect (receiver, "notify::dropped", G_CALLBACK (ss_test_count_cb), &n_notifies);
  to.sin_port = htons (ss_test_port_of (ss_socket_get_local_address (receiver)));
  sender = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_no_errno (sender);
  for (guint i = 0; i < wait.n; i++)
    g_assert_cmpint (sendto (sender, "datagram", 8, 0, (struct sockaddr *) &to, sizeof to), ==, 8);

  ss_test_wait_until (has_chunks, &wait, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (received_chunks (receiver), ==, wait.n);
  g_assert_cmpuint (ss_socket_get_dropped (receiver), ==, 0);
  g_assert_cmpuint (ss_test_count_events (receiver, DROP_EVENT), ==, 0);
  g_assert_cmpuint (n_notifies, ==, 0);

  close (sender);
  ss_test_finalize_session (session, receiver, NULL);
}

/* Datagram sockets ask the kernel for the count however they are made;
 * streams, which never drop, do not. */
static void
test_option_set (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *udp = ss_test_create (session, AF_INET, SOCK_DGRAM);
  SsSocket *tcp = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  SsSocket *pair = ss_session_create_pair (session, SOCK_DGRAM, &error);
  int value;
  socklen_t len;

  g_assert_no_error (error);
  len = sizeof value;
  g_assert_no_errno (getsockopt (ss_socket_get_fd (udp), SOL_SOCKET, SO_RXQ_OVFL, &value, &len));
  g_assert_cmpint (value, ==, 1);
  len = sizeof value;
  g_assert_no_errno (getsockopt (ss_socket_get_fd (pair), SOL_SOCKET, SO_RXQ_OVFL, &value, &len));
  g_assert_cmpint (value, ==, 1);
  len = sizeof value;
  g_assert_no_errno (getsockopt (ss_socket_get_fd (tcp), SOL_SOCKET, SO_RXQ_OVFL, &value, &len));
  g_assert_cmpint (value, ==, 0);
  /* an option set for the core's own sake is no step of the person's */
  g_assert_cmpuint (ss_test_count_calls (ss_session_get_calls (session), "setsockopt"), ==, 0);

  ss_test_finalize_session (session, udp, tcp, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/datagram-drops/auto-receive", test_auto_receive);
  g_test_add_func ("/datagram-drops/recv-by-hand", test_recv_by_hand);
  g_test_add_func ("/datagram-drops/no-drops", test_no_drops);
  g_test_add_func ("/datagram-drops/option-set", test_option_set);

  return g_test_run ();
}
