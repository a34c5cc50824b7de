/* test-hostile-datagrams.c — empty and largest datagrams, datagrams larger
 * than the receive buffer, and many senders at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "test-hostile-util.h"

/* The most a UDP datagram holds over IPv4 and IPv6 (65535 minus the
 * headers). */
#define UDP4_MAX 65507
#define UDP6_MAX 65527

typedef struct
{
  SsSocket *socket;
  guint     n;
} EntriesWait;

static gboolean
has_entries (gpointer user_data)
{
  EntriesWait *wait = user_data;

  return ss_hostile_count_entries (wait->socket, SS_TRAFFIC_RECEIVED, NULL) >= wait->n;
}

static void
wait_entries (SsSocket *socket,
              guint     n)
{
  EntriesWait wait = { socket, n };

  ss_test_wait_until (has_entries, &wait, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (ss_hostile_count_entries (socket, SS_TRAFFIC_RECEIVED, NULL), ==, n);
}

static gsize
entry_length (SsSocket *socket,
              guint     nth_received)
{
  GListModel *traffic = G_LIST_MODEL (ss_socket_get_traffic (socket));
  guint n = g_list_model_get_n_items (traffic);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (traffic, i);

      if (ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_RECEIVED && nth_received-- == 0)
        return ss_traffic_entry_get_length (entry);
    }
  g_assert_not_reached ();
}

static void
raw_sendto (int                            fd,
            const void                    *data,
            gsize                          len,
            const struct sockaddr_storage *to,
            socklen_t                      to_len)
{
  gssize n;

  do
    n = sendto (fd, data, len, 0, (const struct sockaddr *) to, to_len);
  while (n < 0 && errno == EINTR);
  g_assert_no_errno (n);
  g_assert_cmpint (n, ==, len);
}

/* ------------------------------------------------------------------ */

static void
check_empty_and_largest (int         family,
                         const char *bind_address,
                         gsize       largest)
{
  SsSession *session = ss_session_new ();
  SsSocket *receiver = ss_test_create (session, family, SOCK_DGRAM);
  g_autofree guint8 *big = ss_hostile_pattern (largest, 7);
  g_autoptr(GByteArray) all = g_byte_array_new ();
  struct sockaddr_storage to;
  socklen_t to_len;
  int sender;
  const struct { const guint8 *data; gsize len; } datagrams[] = {
    { (const guint8 *) "", 0 },
    { big, largest },
    { (const guint8 *) "", 0 },
    { (const guint8 *) "after\x1b[0m", 9 },
  };

  ss_test_bind_ok (receiver, bind_address);
  to_len = ss_test_loopback_address (family, ss_test_port_of (ss_socket_get_local_address (receiver)), &to);
  sender = socket (family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_no_errno (sender);

  /* one at a time, so that the receive buffer never overflows */
  for (guint i = 0; i < G_N_ELEMENTS (datagrams); i++)
    {
      raw_sendto (sender, datagrams[i].data, datagrams[i].len, &to, to_len);
      g_byte_array_append (all, datagrams[i].data, datagrams[i].len);
      wait_entries (receiver, i + 1);
      g_assert_cmpuint (entry_length (receiver, i), ==, datagrams[i].len);
    }

  /* an empty datagram is an entry, not the end of anything */
  g_assert_cmpuint (ss_socket_get_bytes_in (receiver), ==, all->len);
  ss_test_assert_payload (receiver, SS_TRAFFIC_RECEIVED, all->data, all->len);
  g_assert_cmpint (ss_socket_get_state (receiver), ==, SS_SOCKET_BOUND);
  g_assert_false (ss_socket_get_peer_closed (receiver));
  g_assert_cmpint (ss_test_get_failure (receiver), ==, 0);
  g_assert_nonnull (ss_socket_get_last_sender (receiver));
  g_assert_cmpuint (ss_address_get_port (ss_socket_get_last_sender (receiver)), ==,
                    ss_test_fd_local_port (sender));
  ss_hostile_assert_text_safe (receiver, 3);

  close (sender);
  ss_test_finalize_session (session, receiver, NULL);
}

static void
test_udp4_empty_and_largest (void)
{
  check_empty_and_largest (AF_INET, "127.0.0.1:0", UDP4_MAX);
}

static void
test_udp6_empty_and_largest (void)
{
  if (!ss_test_have_ipv6_loopback ())
    {
      g_test_skip ("no IPv6 loopback ([::1]) here");
      return;
    }
  check_empty_and_largest (AF_INET6, "[::1]:0", UDP6_MAX);
}

/* A Unix datagram socket bound to an abstract name, and a raw sender. */
static SsSocket *
unix_receiver (SsSession          *session,
               struct sockaddr_un *to,
               socklen_t          *to_len,
               int                *sender)
{
  SsSocket *receiver = ss_test_create (session, AF_UNIX, SOCK_DGRAM);
  static guint counter;
  g_autofree char *name = g_strdup_printf ("sockscope-hostile-dgram-%d-%u",
                                           (int) getpid (), counter++);
  g_autofree char *address = g_strdup_printf ("@%s", name);
  int sndbuf = 1024 * 1024;

  ss_test_bind_ok (receiver, address);
  memset (to, 0, sizeof *to);
  to->sun_family = AF_UNIX;
  memcpy (to->sun_path + 1, name, strlen (name));
  *to_len = G_STRUCT_OFFSET (struct sockaddr_un, sun_path) + 1 + strlen (name);

  *sender = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_no_errno (*sender);
  /* a Unix datagram is limited by the sender's buffer */
  g_assert_no_errno (setsockopt (*sender, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf));
  return receiver;
}

static void
test_unix_64k (void)
{
  const gsize size = 64 * 1024;
  SsSession *session = ss_session_new ();
  g_autofree guint8 *data = ss_hostile_pattern (size, 8);
  struct sockaddr_un to;
  socklen_t to_len;
  int sender;
  SsSocket *receiver = unix_receiver (session, &to, &to_len, &sender);

  g_assert_cmpint (sendto (sender, data, size, 0, (struct sockaddr *) &to, to_len), ==, size);
  g_assert_cmpint (sendto (sender, "", 0, 0, (struct sockaddr *) &to, to_len), ==, 0);
  wait_entries (receiver, 2);
  g_assert_cmpuint (entry_length (receiver, 0), ==, size);
  g_assert_cmpuint (entry_length (receiver, 1), ==, 0);
  ss_test_assert_payload (receiver, SS_TRAFFIC_RECEIVED, data, size);
  g_assert_cmpint (ss_test_get_failure (receiver), ==, 0);

  close (sender);
  ss_test_finalize_session (session, receiver, NULL);
}

static void
test_unix_larger_than_buffer (void)
{
  const gsize size = 100000;
  SsSession *session = ss_session_new ();
  g_autofree guint8 *data = ss_hostile_pattern (size, 9);
  struct sockaddr_un to;
  socklen_t to_len;
  int sender;
  SsSocket *receiver = unix_receiver (session, &to, &to_len, &sender);

  /* Larger than the 64 KiB every auto-receive reads into: a Unix
   * datagram (or a SOCK_SEQPACKET record) can be. */
  g_assert_cmpint (sendto (sender, data, size, 0, (struct sockaddr *) &to, to_len), ==, size);
  wait_entries (receiver, 1);
  g_test_message ("a %" G_GSIZE_FORMAT "-byte datagram was logged as %" G_GUINT64_FORMAT " bytes",
                  size, ss_socket_get_bytes_in (receiver));
  g_assert_cmpuint (ss_socket_get_bytes_in (receiver), ==, size);
  g_assert_cmpuint (entry_length (receiver, 0), ==, size);
  ss_test_assert_payload (receiver, SS_TRAFFIC_RECEIVED, data, size);

  close (sender);
  ss_test_finalize_session (session, receiver, NULL);
}

/* ------------------------------------------------------------------ */

#define N_SENDERS 64
#define BURST     32

static void
test_many_senders (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *receiver = ss_test_create (session, AF_INET, SOCK_DGRAM);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  struct sockaddr_storage to;
  socklen_t to_len;
  int senders[N_SENDERS];
  guint n = 0;
  GListModel *traffic;

  ss_test_bind_ok (receiver, "127.0.0.1:0");
  to_len = ss_test_loopback_address (AF_INET, ss_test_port_of (ss_socket_get_local_address (receiver)), &to);
  for (guint i = 0; i < N_SENDERS; i++)
    {
      senders[i] = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      g_assert_no_errno (senders[i]);
    }

  /* one after the other: each datagram's sender is the last sender */
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < N_SENDERS; i++)
      {
        g_autofree char *text = g_strdup_printf ("sender %02u, datagram %u\xff", i, round);

        raw_sendto (senders[i], text, strlen (text), &to, to_len);
        g_hash_table_add (expected, g_steal_pointer (&text));
        wait_entries (receiver, ++n);
        g_assert_cmpuint (ss_address_get_port (ss_socket_get_last_sender (receiver)), ==,
                          ss_test_fd_local_port (senders[i]));
      }

  /* then in bursts, all at once, small enough for the receive buffer */
  for (guint first = 0; first < N_SENDERS; first += BURST)
    {
      for (guint i = first; i < first + BURST; i++)
        {
          g_autofree char *text = g_strdup_printf ("sender %02u, burst\x1b[2J", i);

          raw_sendto (senders[i], text, strlen (text), &to, to_len);
          g_hash_table_add (expected, g_steal_pointer (&text));
        }
      n += BURST;
      wait_entries (receiver, n);
    }

  /* every datagram exactly once, whole */
  traffic = G_LIST_MODEL (ss_socket_get_traffic (receiver));
  for (guint i = 0; i < g_list_model_get_n_items (traffic); i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (traffic, i);
      gsize len;
      const char *data;
      g_autofree char *text = NULL;

      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_RECEIVED)
        continue;
      data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);
      text = g_strndup (data, len);
      if (!g_hash_table_remove (expected, text))
        g_error ("an unexpected or repeated datagram: %s", text);
    }
  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
  g_assert_cmpint (ss_test_get_failure (receiver), ==, 0);
  ss_hostile_assert_text_safe (receiver, 5);

  for (guint i = 0; i < N_SENDERS; i++)
    close (senders[i]);
  ss_test_finalize_session (session, receiver, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile/datagrams/udp4-empty-and-largest", test_udp4_empty_and_largest);
  g_test_add_func ("/hostile/datagrams/udp6-empty-and-largest", test_udp6_empty_and_largest);
  g_test_add_func ("/hostile/datagrams/unix-64k", test_unix_64k);
  g_test_add_func ("/hostile/datagrams/unix-larger-than-buffer", test_unix_larger_than_buffer);
  g_test_add_func ("/hostile/datagrams/many-senders", test_many_senders);

  return g_test_run ();
}
