/* test-relay-intercept.c — a relay's hold, held items, inject and rewrite
 * rules, between real peers: order kept whatever is forwarded, edited or
 * dropped, Forward All and hold off release in order, held bytes count
 * against the direction's limit, injected bytes reach the side asked,
 * rewrite rules of each kind with their "$1" groups, every action a log
 * line (python3 on either side in the last test)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-relay-intercept.h"
#include "ss-relay-pair.h"
#include "ss-reply-rule.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-test-toxic.h"

typedef struct
{
  SsSession        *session;
  SsSocket         *relay;
  SsRelayIntercept *intercept;
  SsSocket         *leg;      /* the pair's client leg: its log is the pair's */
  int               target;
  int               client;
  int               server;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autofree char *spec = NULL;
  guint16 target_port;

  f->session = ss_session_new ();
  f->target = ss_test_raw_listener (AF_INET, 0, &target_port);
  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", target_port);
  f->relay = ss_test_open_relay (f->session, spec);
  f->intercept = ss_socket_get_relay_intercept (f->relay);
  g_assert_nonnull (f->intercept);
  f->client = ss_test_raw_connect (AF_INET, ss_test_relay_port (f->relay), SS_TEST_TIMEOUT_MS);
  f->server = ss_test_raw_accept (f->target, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (fcntl (f->server, F_SETFL, O_NONBLOCK));
  ss_test_wait_connections (f->relay, 1);
  f->leg = ss_test_connection_at (f->relay, 0);
  ss_test_wait_until ((SsTestCondition) ss_socket_get_relay_server, f->leg, SS_TEST_TIMEOUT_MS);
  g_assert_true (ss_socket_get_relay_intercept (f->leg) == f->intercept);
}

static void
fixture_close (Fixture *f)
{
  close (f->client);
  close (f->server);
  close (f->target);
  ss_socket_close (f->relay);
  ss_test_finalize_session (f->session, f->relay, NULL);
}

static guint
n_held (Fixture *f)
{
  return g_list_model_get_n_items (ss_relay_intercept_get_held (f->intercept));
}

typedef struct
{
  Fixture *f;
  guint    n;
} HeldWait;

static gboolean
held_reached (gpointer user_data)
{
  HeldWait *wait = user_data;

  return n_held (wait->f) >= wait->n;
}

static SsHeldItem *
held_at (Fixture *f,
         guint    position)
{
  SsHeldItem *item = g_list_model_get_item (ss_relay_intercept_get_held (f->intercept), position);

  g_object_unref (item);
  return item;
}

/* Sends @text from @fd and waits until it is held (one chunk, one item). */
static void
send_held (Fixture    *f,
           int         fd,
           const char *text)
{
  HeldWait wait = { f, n_held (f) + 1 };

  ss_test_raw_send_all (fd, text, strlen (text), SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (held_reached, &wait, SS_TEST_TIMEOUT_MS);
}

/* Forward a later item, edit it, drop an earlier one: what reaches the
 * server is always in the order it came. */
static void
test_hold_edit_drop_order (void)
{
  Fixture f = { 0 };
  g_autoptr(GBytes) edited = g_bytes_new_static ("TWO", 3);
  SsHeldItem *one, *two, *three;

  fixture_open (&f);
  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_UPSTREAM, TRUE);
  send_held (&f, f.client, "one;");
  send_held (&f, f.client, "two;");
  send_held (&f, f.client, "three;");
  ss_test_raw_expect_nothing (f.server);
  g_assert_cmpuint (n_held (&f), ==, 3);
  one = held_at (&f, 0);
  two = held_at (&f, 1);
  three = held_at (&f, 2);
  g_assert_cmpuint (ss_held_item_get_direction (one), ==, SS_INTERCEPT_UPSTREAM);
  g_assert_cmpuint (ss_held_item_get_number (three), ==, ss_held_item_get_number (one) + 2);

  /* the second, edited, waits for the first */
  ss_relay_intercept_forward (f.intercept, two, edited);
  ss_test_raw_expect_nothing (f.server);
  g_assert_cmpuint (n_held (&f), ==, 3);
  g_assert_cmpuint (ss_held_item_get_decision (two), ==, SS_HELD_FORWARD);
  ss_test_wait_event (f.leg, "forwarded once the 1 item held before it goes");
  ss_test_wait_event (f.leg, "edited: “two;” → “TWO”");

  /* dropping the first lets the second go; the third stays */
  g_object_ref (three);
  ss_relay_intercept_drop (f.intercept, one);
  ss_test_raw_expect (f.server, "TWO");
  ss_test_raw_expect_nothing (f.server);
  g_assert_cmpuint (n_held (&f), ==, 1);
  g_assert_true (held_at (&f, 0) == three);
  ss_test_wait_event (f.leg, "dropped 4 bytes");

  ss_relay_intercept_forward (f.intercept, three, NULL);
  g_object_unref (three);
  ss_test_raw_expect (f.server, "three;");
  g_assert_cmpuint (n_held (&f), ==, 0);
  ss_test_wait_event (f.leg, "forwarded 6 bytes");

  /* hold is still on */
  send_held (&f, f.client, "four;");
  ss_test_raw_expect_nothing (f.server);

  /* the pair closed by hand: what it held leaves the list, and the log
   * says it was not forwarded */
  ss_socket_close (f.leg);
  g_assert_cmpuint (n_held (&f), ==, 0);
  ss_test_wait_event (f.leg, "The pair closed with 1 item held, client → server: its 5 bytes were not forwarded");
  fixture_close (&f);
}

/* Forward All and switching hold off release each direction in order. */
static void
test_forward_all_and_hold_off (void)
{
  Fixture f = { 0 };

  fixture_open (&f);
  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_UPSTREAM, TRUE);
  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_DOWNSTREAM, TRUE);
  ss_test_wait_event (f.relay, "Holding client → server");
  send_held (&f, f.client, "a1;");
  send_held (&f, f.server, "b1;");
  send_held (&f, f.client, "a2;");
  send_held (&f, f.server, "b2;");
  send_held (&f, f.client, "a3;");
  g_assert_cmpuint (ss_held_item_get_direction (held_at (&f, 1)), ==, SS_INTERCEPT_DOWNSTREAM);
  ss_test_raw_expect_nothing (f.server);
  ss_test_raw_expect_nothing (f.client);

  ss_relay_intercept_forward_all (f.intercept);
  ss_test_raw_expect (f.server, "a1;a2;a3;");
  ss_test_raw_expect (f.client, "b1;b2;");
  g_assert_cmpuint (n_held (&f), ==, 0);
  ss_test_wait_event (f.leg, "Forwarded every held item, client → server: 3 items, 9 bytes");
  g_assert_true (ss_relay_intercept_get_hold (f.intercept, SS_INTERCEPT_UPSTREAM));

  /* still holding; hold off for one direction releases only that one */
  send_held (&f, f.client, "a4;");
  send_held (&f, f.server, "b3;");
  send_held (&f, f.client, "a5;");
  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_UPSTREAM, FALSE);
  ss_test_raw_expect (f.server, "a4;a5;");
  ss_test_raw_expect_nothing (f.client);
  g_assert_cmpuint (n_held (&f), ==, 1);
  ss_test_wait_event (f.relay, "No longer holding client → server");

  /* not held: straight through */
  ss_test_raw_send_all (f.client, "a6;", 3, SS_TEST_TIMEOUT_MS);
  ss_test_raw_expect (f.server, "a6;");
  g_object_set (f.intercept, "hold-downstream", FALSE, NULL);
  ss_test_raw_expect (f.client, "b3;");
  g_assert_cmpuint (n_held (&f), ==, 0);
  fixture_close (&f);
}

/* A client that floods while its direction is held is paused once the
 * held bytes reach the limit; hold off lets everything through intact. */
typedef struct
{
  Fixture   *f;
  guint8    *data;
  gsize      total;
  gsize      sent;
  guint      idle_rounds;
  gsize      received;
  GChecksum *sent_sum;
  GChecksum *received_sum;
} Flood;

static void
flood_send (Flood *flood)
{
  while (flood->sent < flood->total)
    {
      gsize offset = flood->sent % (1024 * 1024);
      gssize n = send (flood->f->client, flood->data + offset,
                       MIN (1024 * 1024 - offset, flood->total - flood->sent), MSG_NOSIGNAL | MSG_DONTWAIT);

      if (n < 0)
        {
          g_assert_true (errno == EAGAIN);
          break;
        }
      g_checksum_update (flood->sent_sum, flood->data + offset, n);
      flood->sent += n;
    }
}

static gsize
held_bytes (Fixture *f)
{
  GListModel *held = ss_relay_intercept_get_held (f->intercept);
  gsize total = 0;

  for (guint i = 0; i < g_list_model_get_n_items (held); i++)
    {
      g_autoptr(SsHeldItem) item = g_list_model_get_item (held, i);

      total += g_bytes_get_size (ss_held_item_get_bytes (item));
    }
  return total;
}

static gboolean
flood_stalled (gpointer user_data)
{
  Flood *flood = user_data;
  gsize before = flood->sent;
  gsize held_before = held_bytes (flood->f);

  flood_send (flood);
  ss_test_drain_main_context ();
  g_assert_cmpuint (held_bytes (flood->f), <=, SS_RELAY_PAIR_MAX_BUFFERED + 64 * 1024);
  if (flood->sent == before && held_bytes (flood->f) == held_before)
    flood->idle_rounds++;
  else
    flood->idle_rounds = 0;
  return flood->idle_rounds >= 3;
}

static gboolean
flood_done (gpointer user_data)
{
  Flood *flood = user_data;
  guint8 buffer[64 * 1024];
  gssize n;

  flood_send (flood);
  while ((n = recv (flood->f->server, buffer, sizeof buffer, 0)) > 0)
    {
      g_checksum_update (flood->received_sum, buffer, n);
      flood->received += n;
    }
  return flood->received == flood->total;
}

static void
test_backpressure_while_held (void)
{
  Fixture f = { 0 };
  Flood flood = { &f };
  g_autofree char *sent_hex = NULL;

  fixture_open (&f);
  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_UPSTREAM, TRUE);
  flood.total = 32 * 1024 * 1024;
  flood.data = g_malloc (1024 * 1024);
  for (gsize i = 0; i < 1024 * 1024; i++)
    flood.data[i] = (guint8) (i * 13 + i / 509);
  flood.sent_sum = g_checksum_new (G_CHECKSUM_SHA256);
  flood.received_sum = g_checksum_new (G_CHECKSUM_SHA256);
  ss_test_wait_until (flood_stalled, &flood, SS_TEST_LONG_TIMEOUT_MS);

  /* paused: the relay holds about its limit, the rest waits in the kernel */
  g_assert_cmpuint (flood.sent, <, flood.total);
  g_assert_cmpuint (held_bytes (&f), >=, SS_RELAY_PAIR_MAX_BUFFERED);
  g_assert_cmpuint (held_bytes (&f), <=, SS_RELAY_PAIR_MAX_BUFFERED + 64 * 1024);
  ss_test_raw_expect_nothing (f.server);
  g_test_message ("paused with %" G_GSIZE_FORMAT " bytes held in %u items, %" G_GSIZE_FORMAT
                  " taken from the client", held_bytes (&f), n_held (&f), flood.sent);

  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_UPSTREAM, FALSE);
  ss_test_wait_until (flood_done, &flood, SS_TEST_LONG_TIMEOUT_MS);
  sent_hex = g_strdup (g_checksum_get_string (flood.sent_sum));
  g_assert_cmpstr (sent_hex, ==, g_checksum_get_string (flood.received_sum));

  g_checksum_free (flood.sent_sum);
  g_checksum_free (flood.received_sum);
  g_free (flood.data);
  fixture_close (&f);
}

/* The person's bytes reach the side asked, after what went before, and
 * the log says so; held items stay held. */
static void
test_inject (void)
{
  Fixture f = { 0 };
  g_autoptr(GBytes) to_server = g_bytes_new_static ("hello server", 12);
  g_autoptr(GBytes) to_client = g_bytes_new_static ("hello client", 12);
  g_autoptr(GError) error = NULL;

  fixture_open (&f);
  ss_test_raw_send_all (f.client, "first;", 6, SS_TEST_TIMEOUT_MS);
  ss_test_raw_expect (f.server, "first;");
  g_assert_true (ss_socket_relay_inject (f.leg, SS_INTERCEPT_UPSTREAM, to_server, &error));
  g_assert_no_error (error);
  ss_test_raw_expect (f.server, "hello server");
  ss_test_raw_expect_nothing (f.client);
  /* either leg of the pair can be asked */
  g_assert_true (ss_socket_relay_inject (ss_socket_get_relay_server (f.leg), SS_INTERCEPT_DOWNSTREAM,
                                         to_client, &error));
  g_assert_no_error (error);
  ss_test_raw_expect (f.client, "hello client");
  ss_test_raw_expect_nothing (f.server);
  ss_test_wait_event (f.leg, "Injected to the server: “hello server”");
  ss_test_wait_event (f.leg, "Injected to the client: “hello client”");

  /* injected bytes do not wait behind held items, which stay held */
  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_DOWNSTREAM, TRUE);
  send_held (&f, f.server, "held;");
  g_assert_true (ss_socket_relay_inject (f.leg, SS_INTERCEPT_DOWNSTREAM, to_client, &error));
  ss_test_raw_expect (f.client, "hello client");
  ss_relay_intercept_forward_all (f.intercept);
  ss_test_raw_expect (f.client, "held;");

  /* the relay itself is no pair */
  g_assert_false (ss_socket_relay_inject (f.relay, SS_INTERCEPT_UPSTREAM, to_server, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  fixture_close (&f);
}

static void
add_rule (SsRelayIntercept     *intercept,
          SsInterceptDirection  direction,
          SsMatchKind           match,
          SsEncoding            encoding,
          const char           *pattern,
          const char           *replacement)
{
  g_autoptr(SsPayload) reply = ss_payload_new (NULL, SS_ENCODING_TEXT, replacement, SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) rule = ss_reply_rule_new (match, encoding, pattern, reply);

  g_list_store_append (ss_relay_intercept_get_rules (intercept, direction), rule);
}

/* Sends @text from @from and asserts @to gets @expected. */
static void
round_trip (int         from,
            int         to,
            const char *text,
            const char *expected)
{
  ss_test_raw_send_all (from, text, strlen (text), SS_TEST_TIMEOUT_MS);
  ss_test_raw_expect (to, expected);
}

static void
test_rewrite_rules (void)
{
  Fixture f = { 0 };
  GListStore *upstream;

  fixture_open (&f);
  upstream = ss_relay_intercept_get_rules (f.intercept, SS_INTERCEPT_UPSTREAM);

  /* exact: the whole chunk, or nothing */
  add_rule (f.intercept, SS_INTERCEPT_UPSTREAM, SS_MATCH_EXACT, SS_ENCODING_TEXT, "PING", "PONG");
  round_trip (f.client, f.server, "PING", "PONG");
  round_trip (f.client, f.server, "PING!", "PING!");
  ss_test_wait_event (f.leg, "Rewrite rule 1 (exactly “PING”), client → server: “PING” → “PONG”");
  g_list_store_remove_all (upstream);

  /* contains: every occurrence */
  add_rule (f.intercept, SS_INTERCEPT_UPSTREAM, SS_MATCH_CONTAINS, SS_ENCODING_TEXT, "cat", "dog");
  round_trip (f.client, f.server, "cat, cat and bobcat", "dog, dog and bobdog");
  g_list_store_remove_all (upstream);

  /* starts with: only the start */
  add_rule (f.intercept, SS_INTERCEPT_UPSTREAM, SS_MATCH_STARTS_WITH, SS_ENCODING_TEXT, "GET ", "HEAD ");
  round_trip (f.client, f.server, "GET /GET ", "HEAD /GET ");
  g_list_store_remove_all (upstream);

  /* hex: bytes that are not text, each occurrence */
  add_rule (f.intercept, SS_INTERCEPT_UPSTREAM, SS_MATCH_CONTAINS, SS_ENCODING_HEX, "00 ff", "--");
  ss_test_raw_send_all (f.client, "a\0\xff" "b\0\xff", 6, SS_TEST_TIMEOUT_MS);
  ss_test_raw_expect (f.server, "a--b--");
  ss_test_wait_event (f.leg, "(contains hex “00 ff”), client → server: “a\\0\\xffb\\0\\xff” → “a--b--”");
  g_list_store_remove_all (upstream);

  /* regex: each match, with its groups; rules run one after another */
  add_rule (f.intercept, SS_INTERCEPT_UPSTREAM, SS_MATCH_REGEX, SS_ENCODING_TEXT,
            "id=(\\d+)", "user=$1");
  add_rule (f.intercept, SS_INTERCEPT_UPSTREAM, SS_MATCH_REGEX, SS_ENCODING_TEXT,
            "(?<key>\\w+)=(\\d)\\d*", "${key}:$2");
  round_trip (f.client, f.server, "id=42&id=7;", "user:4&user:7;");
  ss_test_wait_event (f.leg, "Rewrite rule 1 (matches /id=(\\d+)/), client → server: “id=42&id=7;” → “user=42&user=7;”");
  ss_test_wait_event (f.leg, "Rewrite rule 2");
  {
    g_autoptr(SsReplyRule) first = g_list_model_get_item (G_LIST_MODEL (upstream), 0);

    g_assert_cmpuint (ss_reply_rule_get_fired (first), ==, 1);
  }

  /* the other direction has rules of its own; a disabled rule is skipped */
  add_rule (f.intercept, SS_INTERCEPT_DOWNSTREAM, SS_MATCH_CONTAINS, SS_ENCODING_ESCAPED, "\\r\\n", "\n");
  round_trip (f.server, f.client, "a\r\nb\r\n", "a\nb\n");
  ss_test_wait_event (f.leg, "server → client: “a\\r\\nb\\r\\n” → “a\\nb\\n”");
  {
    g_autoptr(SsReplyRule) rule = g_list_model_get_item (G_LIST_MODEL (ss_relay_intercept_get_rules (f.intercept, SS_INTERCEPT_DOWNSTREAM)), 0);

    ss_reply_rule_set_enabled (rule, FALSE);
    round_trip (f.server, f.client, "c\r\n", "c\r\n");
  }

  /* rewrite comes before hold: the held item is the rewritten chunk */
  g_list_store_remove_all (upstream);
  add_rule (f.intercept, SS_INTERCEPT_UPSTREAM, SS_MATCH_CONTAINS, SS_ENCODING_TEXT, "x", "yy");
  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_UPSTREAM, TRUE);
  send_held (&f, f.client, "x");
  g_assert_cmpmem (g_bytes_get_data (ss_held_item_get_bytes (held_at (&f, 0)), NULL), 2, "yy", 2);
  ss_relay_intercept_forward_all (f.intercept);
  ss_test_raw_expect (f.server, "yy");
  fixture_close (&f);
}

static void
expect_datagram (int         fd,
                 const char *text,
                 guint16    *from_port)
{
  g_autoptr(GBytes) got = ss_test_raw_recv_datagram (fd, from_port, SS_TEST_TIMEOUT_MS);

  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), text, strlen (text));
}

typedef struct
{
  SsRelayIntercept *intercept;
  guint             n;
  SsSocket         *upstream;
} UdpWait;

static gboolean
udp_held_reached (gpointer user_data)
{
  UdpWait *wait = user_data;

  return g_list_model_get_n_items (ss_relay_intercept_get_held (wait->intercept)) >= wait->n;
}

static gboolean
held_or_dropped (gpointer user_data)
{
  UdpWait *wait = user_data;

  return udp_held_reached (wait) ||
         ss_test_count_events (wait->upstream, "was dropped: the held ones are at the limit") > 0;
}

/* A UDP relay: each datagram is one held item, forwarded whole and in
 * order; rewrite rules and inject work on its pairs too. */
static void
test_udp (void)
{
  SsSession *session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = NULL;
  g_autoptr(SsSocket) upstream = NULL;
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello", 5);
  SsRelayIntercept *intercept;
  SsSocket *relay;
  guint16 target_port, client_port, relay_port, upstream_port;
  UdpWait wait = { 0 };
  int target, client;

  target = ss_test_raw_udp_socket (AF_INET, &target_port);
  client = ss_test_raw_udp_socket (AF_INET, &client_port);
  spec = g_strdup_printf ("udp-relay:0:127.0.0.1:%u", target_port);
  relay = ss_test_open_spec (session, spec, &error);
  g_assert_no_error (error);
  g_object_unref (relay);  /* the session holds it */
  relay_port = ss_test_relay_port (relay);
  intercept = ss_socket_get_relay_intercept (relay);
  g_assert_nonnull (intercept);

  add_rule (intercept, SS_INTERCEPT_DOWNSTREAM, SS_MATCH_REGEX,
            SS_ENCODING_TEXT, "^pong (\\d+)$", "PONG #$1");
  ss_relay_intercept_set_hold (intercept, SS_INTERCEPT_UPSTREAM, TRUE);
  ss_test_raw_sendto (client, relay_port, "ping 1");
  wait.intercept = intercept;
  wait.n = 1;
  ss_test_wait_until (udp_held_reached, &wait, SS_TEST_TIMEOUT_MS);
  ss_test_raw_sendto (client, relay_port, "ping 2");
  wait.n = 2;
  ss_test_wait_until (udp_held_reached, &wait, SS_TEST_TIMEOUT_MS);
  ss_test_raw_expect_nothing (target);
  upstream = g_list_model_get_item (ss_socket_get_connections (relay), 0);
  g_assert_true (ss_socket_get_relay_intercept (upstream) == intercept);
  {
    g_autoptr(SsHeldItem) first = g_list_model_get_item (ss_relay_intercept_get_held (intercept), 0);

    g_assert_true (ss_socket_relay_holds (upstream, first));
    g_assert_false (ss_socket_relay_holds (relay, first));
  }

  /* whole datagrams, in order */
  ss_relay_intercept_forward_all (intercept);
  expect_datagram (target, "ping 1", &upstream_port);
  expect_datagram (target, "ping 2", &upstream_port);

  /* the answer is rewritten on its way back */
  ss_test_raw_sendto (target, upstream_port, "pong 2");
  expect_datagram (client, "PONG #2", NULL);
  ss_test_wait_event (upstream, "Rewrite rule 1 (matches /^pong (\\d+)$/), server → client: “pong 2” → “PONG #2”");

  /* inject to either side */
  g_assert_true (ss_socket_relay_inject (upstream, SS_INTERCEPT_DOWNSTREAM, hello, &error));
  expect_datagram (client, "hello", NULL);
  g_assert_true (ss_socket_relay_inject (upstream, SS_INTERCEPT_UPSTREAM, hello, &error));
  expect_datagram (target, "hello", NULL);
  g_assert_no_error (error);

  /* held datagrams stop at the limit: the next is dropped, and said */
  {
    g_autofree char *big = g_malloc0 (64000);
    GListModel *held = ss_relay_intercept_get_held (intercept);
    guint n = 0;

    while (ss_test_count_events (upstream, "was dropped: the held ones are at the limit") == 0)
      {
        struct sockaddr_storage storage;
        socklen_t len = ss_test_loopback_address (AF_INET, relay_port, &storage);

        g_assert_cmpuint (n, <, SS_RELAY_PAIR_MAX_BUFFERED / 64000 + 2);
        g_assert_cmpint (sendto (client, big, 64000, 0, (struct sockaddr *) &storage, len), ==, 64000);
        n++;
        wait.n = n;
        wait.upstream = upstream;
        ss_test_wait_until (held_or_dropped, &wait, SS_TEST_TIMEOUT_MS);
      }
    g_assert_cmpuint (g_list_model_get_n_items (held), ==, SS_RELAY_PAIR_MAX_BUFFERED / 64000);
    g_test_message ("%u datagrams of 64000 bytes held, the next dropped", g_list_model_get_n_items (held));
  }

  close (client);
  close (target);
  ss_socket_close (relay);
  ss_test_finalize_session (session, relay, NULL);
}

static const char echo_server[] =
  "import socket\n"
  "sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
  "sk.bind(('127.0.0.1', 0))\n"
  "sk.listen(1)\n"
  "print(sk.getsockname()[1], flush=True)\n"
  "conn, addr = sk.accept()\n"
  "data = b''\n"
  "while not data.endswith(b'\\n'):\n"
  "    data += conn.recv(1024)\n"
  "conn.sendall(b'echo ' + data)\n"
  "conn.close()\n";

static const char client_script[] =
  "import socket, sys\n"
  "sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
  "sk.connect(('127.0.0.1', int(sys.argv[1])))\n"
  "sk.sendall(b'GET /v1/items HTTP/1.0\\n')\n"
  "data = b''\n"
  "while True:\n"
  "    chunk = sk.recv(1024)\n"
  "    if not chunk:\n"
  "        break\n"
  "    data += chunk\n"
  "print(data.decode(), end='', flush=True)\n";

/* python3 on both sides: a regex rule on the way there, a text rule on
 * the way back. */
static void
test_rewrite_python (void)
{
  SsSession *session = ss_session_new ();
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GDataInputStream) server_lines = NULL;
  g_autoptr(GDataInputStream) client_lines = NULL;
  g_autofree char *port = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *relay_port = NULL;
  g_autofree char *line = NULL;
  SsRelayIntercept *intercept;
  SsSocket *relay;

  if (python == NULL)
    {
      g_test_skip ("needs python3");
      return;
    }
  {
    const char *argv[] = { python, "-c", echo_server, NULL };
    server = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  }
  server_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  port = ss_test_peer_read_line (server, server_lines, SS_TEST_TIMEOUT_MS);
  spec = g_strdup_printf ("tcp-relay:0:127.0.0.1:%s", port);
  relay = ss_test_open_relay (session, spec);
  intercept = ss_socket_get_relay_intercept (relay);
  {
    g_autoptr(SsPayload) there = ss_payload_new (NULL, SS_ENCODING_TEXT, "/v$1.1/", SS_LINE_ENDING_NONE);
    g_autoptr(SsPayload) back = ss_payload_new (NULL, SS_ENCODING_TEXT, "ECHO", SS_LINE_ENDING_NONE);
    g_autoptr(SsReplyRule) regex = ss_reply_rule_new (SS_MATCH_REGEX, SS_ENCODING_TEXT, "/v(\\d)/", there);
    g_autoptr(SsReplyRule) text = ss_reply_rule_new (SS_MATCH_STARTS_WITH, SS_ENCODING_TEXT, "echo", back);

    g_list_store_append (ss_relay_intercept_get_rules (intercept, SS_INTERCEPT_UPSTREAM), regex);
    g_list_store_append (ss_relay_intercept_get_rules (intercept, SS_INTERCEPT_DOWNSTREAM), text);
  }
  relay_port = g_strdup_printf ("%u", ss_test_relay_port (relay));
  {
    const char *argv[] = { python, "-c", client_script, relay_port, NULL };
    client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
  }
  client_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (client));
  line = ss_test_peer_read_line (client, client_lines, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (line, ==, "ECHO GET /v1.1/items HTTP/1.0");
  ss_test_peer_wait_exit_ok (client, SS_TEST_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (server, SS_TEST_TIMEOUT_MS);

  ss_socket_close (relay);
  ss_test_finalize_session (session, relay, NULL);
}

/* The whole pipeline of a direction: what is held goes through the
 * relay's faults once released, in order, and an end waits for them. With
 * limit_data 6 (set on the running pair), "abc;" and "def;" held, then
 * Forward All: the server gets exactly "abc;de", then its end. */
static void
test_held_then_faults (void)
{
  Fixture f = { 0 };
  SsToxicSpec spec = ss_toxic_test_spec ("limit_data bytes 6");
  g_autoptr(GBytes) received = NULL;

  fixture_open (&f);
  ss_socket_set_relay_faults (f.relay, SS_TOXIC_UPSTREAM, &spec, 1);
  ss_test_wait_event (f.leg, "faults changed");
  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_UPSTREAM, TRUE);
  send_held (&f, f.client, "abc;");
  send_held (&f, f.client, "def;");
  ss_test_raw_expect_nothing (f.server);

  ss_relay_intercept_forward_all (f.intercept);
  received = ss_test_raw_recv (f.server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received), "abc;de", 6);
  ss_test_wait_event (f.leg, "closed after");
  fixture_close (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-intercept/held-then-faults", test_held_then_faults);
  g_test_add_func ("/relay-intercept/hold-edit-drop-order", test_hold_edit_drop_order);
  g_test_add_func ("/relay-intercept/forward-all-and-hold-off", test_forward_all_and_hold_off);
  g_test_add_func ("/relay-intercept/backpressure-while-held", test_backpressure_while_held);
  g_test_add_func ("/relay-intercept/inject", test_inject);
  g_test_add_func ("/relay-intercept/rewrite-rules", test_rewrite_rules);
  g_test_add_func ("/relay-intercept/rewrite-python", test_rewrite_python);
  g_test_add_func ("/relay-intercept/udp", test_udp);
  return g_test_run ();
}
