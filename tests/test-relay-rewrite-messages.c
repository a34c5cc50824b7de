/* test-relay-rewrite-messages.c — a relay's rewrite rules on whole
 * messages when the relay has a framing: a message split over reads is
 * rewritten once whole, two in one read each, a message cut by the end
 * goes on as it was (and the log says so), held items are messages and
 * an end still waits for them; bytes never reorder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-relay-intercept.h"
#include "ss-relay-pair.h"
#include "ss-reply-rule.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"

typedef struct
{
  SsSession        *session;
  SsSocket         *relay;
  SsRelayIntercept *intercept;
  int               target;
} Fixture;

/* A relay to a raw listener of the test, lines as its messages */
static void
fixture_open (Fixture *f)
{
  g_autofree char *spec_text = NULL;
  SsFramerSpec spec;
  guint16 target_port;

  f->session = ss_session_new ();
  f->target = ss_test_raw_listener (AF_INET, 0, &target_port);
  spec_text = g_strdup_printf ("tcp-relay:0:127.0.0.1:%u", target_port);
  f->relay = ss_test_open_relay (f->session, spec_text);
  f->intercept = ss_socket_get_relay_intercept (f->relay);
  g_assert_true (ss_framer_spec_parse ("delimiter:\\n", &spec, NULL));
  ss_socket_set_framing (f->relay, &spec);
}

static void
fixture_close (Fixture *f)
{
  close (f->target);
  ss_socket_close (f->relay);
  ss_test_finalize_session (f->session, f->relay, NULL);
}

static SsReplyRule *
add_rule (Fixture              *f,
          SsInterceptDirection  direction,
          SsMatchKind           match,
          const char           *pattern,
          const char           *replacement)
{
  g_autoptr(SsPayload) reply = ss_payload_new (NULL, SS_ENCODING_ESCAPED, replacement, SS_LINE_ENDING_NONE);
  /* a regex's own escapes are its own */
  g_autoptr(SsReplyRule) rule = ss_reply_rule_new (match, match == SS_MATCH_REGEX ? SS_ENCODING_TEXT : SS_ENCODING_ESCAPED,
                                                   pattern, reply);

  g_list_store_append (ss_relay_intercept_get_rules (f->intercept, direction), rule);
  return rule;
}

/* The client writes a part, then waits for a line on its stdin before
 * the next: the test lets it go once the relay has read the part, so
 * each part is a read of its own. At the end it half-closes and prints
 * what came back. */
static const char client_script[] =
  "import socket, sys\n"
  "sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
  "sk.connect(('127.0.0.1', int(sys.argv[1])))\n"
  "print('connected', flush=True)\n"
  "for part in sys.argv[2:]:\n"
  "    sys.stdin.readline()\n"
  "    sk.sendall(part.encode('latin-1').decode('unicode_escape').encode('latin-1'))\n"
  "    print('sent', flush=True)\n"
  "sys.stdin.readline()\n"
  "sk.shutdown(socket.SHUT_WR)\n"
  "data = b''\n"
  "while True:\n"
  "    chunk = sk.recv(4096)\n"
  "    if not chunk:\n"
  "        break\n"
  "    data += chunk\n"
  "print(repr(data), flush=True)\n";

static void
tell (GSubprocess *client)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (client);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (in, "\n", 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (in, NULL, &error);
  g_assert_no_error (error);
}

/* python3's client through the relay: "hello " and "world\n" in reads
 * of their own are one message, rewritten once; "PING\nother\nPING\n"
 * in one read are three, the two PINGs rewritten; a line cut by the end
 * goes as it was. The server answers "a", "b\n" in two reads, rewritten
 * on the way back as one. */
static void
test_python_split (void)
{
  Fixture f = { 0 };
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GBytes) received = NULL;
  g_autofree char *relay_port = NULL;
  g_autofree char *line = NULL;
  const char *expected = "HELLO\nPONG\nother\nPONG\ntail, no newline";
  SsReplyRule *hello, *ping, *back;
  SsSocket *leg;
  int server;

  if (python == NULL)
    {
      g_test_skip ("needs python3");
      return;
    }
  fixture_open (&f);
  hello = add_rule (&f, SS_INTERCEPT_UPSTREAM, SS_MATCH_EXACT, "hello world\\n", "HELLO\\n");
  ping = add_rule (&f, SS_INTERCEPT_UPSTREAM, SS_MATCH_EXACT, "PING\\n", "PONG\\n");
  back = add_rule (&f, SS_INTERCEPT_DOWNSTREAM, SS_MATCH_EXACT, "ab\\n", "AB!\\n");
  /* a rule for the cut line that must not fire: it never ends */
  add_rule (&f, SS_INTERCEPT_UPSTREAM, SS_MATCH_CONTAINS, "tail", "TAIL");

  relay_port = g_strdup_printf ("%u", ss_test_relay_port (f.relay));
  {
    const char *argv[] = { python, "-c", client_script, relay_port,
                           "hello ", "world\\n", "PING\\nother\\nPING\\n", "tail, ", "no newline", NULL };
    client = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_STDIN_PIPE, argv);
  }
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (client));
  g_free (ss_test_peer_read_line (client, lines, SS_TEST_TIMEOUT_MS));
  server = ss_test_raw_accept (f.target, SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (f.relay, 1);
  leg = ss_test_connection_at (f.relay, 0);
  ss_test_wait_until ((SsTestCondition) ss_socket_get_relay_server, leg, SS_TEST_TIMEOUT_MS);

  /* each part once the relay has read the one before */
  {
    const char *parts[] = { "hello ", "world\n", "PING\nother\nPING\n", "tail, ", "no newline" };
    guint64 in = 0;

    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      {
        tell (client);
        g_free (ss_test_peer_read_line (client, lines, SS_TEST_TIMEOUT_MS));
        in += strlen (parts[i]);
        ss_test_wait_bytes_in (leg, in);
      }
  }
  /* the server's answer in two reads of the relay's */
  ss_test_raw_send_all (server, "a", 1, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (ss_socket_get_relay_server (leg), 1);
  ss_test_raw_send_all (server, "b\n", 2, SS_TEST_TIMEOUT_MS);
  ss_test_wait_event (leg, "server → client: “ab\\n” → “AB!\\n”");
  g_assert_no_errno (shutdown (server, SHUT_WR));

  tell (client);
  received = ss_test_raw_recv (server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                   expected, strlen (expected));
  line = ss_test_peer_read_line (client, lines, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (line, ==, "b'AB!\\n'");
  ss_test_peer_wait_exit_ok (client, SS_TEST_TIMEOUT_MS);

  g_assert_cmpuint (ss_reply_rule_get_fired (hello), ==, 1);
  g_assert_cmpuint (ss_reply_rule_get_fired (ping), ==, 2);
  g_assert_cmpuint (ss_reply_rule_get_fired (back), ==, 1);
  ss_test_assert_event (leg, "client → server: “hello world\\n” → “HELLO\\n”");
  ss_test_assert_event (leg, "The stream ended inside a message, client → server: its last 16 bytes went on as they were, not rewritten");
  g_assert_cmpuint (ss_test_count_events (leg, "Rewrite rule 3"), ==, 0);
  close (server);
  fixture_close (&f);
}

static guint
n_held (SsRelayIntercept *intercept)
{
  return g_list_model_get_n_items (ss_relay_intercept_get_held (intercept));
}

typedef struct
{
  SsRelayIntercept *intercept;
  guint             n;
} HeldWait;

static gboolean
held_reached (gpointer user_data)
{
  HeldWait *wait = user_data;

  return n_held (wait->intercept) >= wait->n;
}

static void
wait_held (Fixture *f,
           guint    n)
{
  HeldWait wait = { f->intercept, n };

  ss_test_wait_until (held_reached, &wait, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (n_held (f->intercept), ==, n);
}

static gsize
held_item_size (Fixture *f,
                guint    position)
{
  g_autoptr(SsHeldItem) item = g_list_model_get_item (ss_relay_intercept_get_held (f->intercept), position);

  return g_bytes_get_size (ss_held_item_get_bytes (item));
}

/* Held, with a rule: two messages in one read are two items; a message
 * split over two reads is one, held once whole; the end's cut message is
 * the last, and the end waits for them all. Nothing reaches the server
 * before Forward All, then everything in order and the end. */
static void
test_held_messages (void)
{
  Fixture f = { 0 };
  g_autoptr(GBytes) received = NULL;
  const char *expected = "AB\ncd\nefgh\nij";
  SsSocket *leg;
  int client, server;

  fixture_open (&f);
  add_rule (&f, SS_INTERCEPT_UPSTREAM, SS_MATCH_EXACT, "ab\\n", "AB\\n");
  ss_relay_intercept_set_hold (f.intercept, SS_INTERCEPT_UPSTREAM, TRUE);
  client = ss_test_raw_connect (AF_INET, ss_test_relay_port (f.relay), SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (f.target, SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (f.relay, 1);
  leg = ss_test_connection_at (f.relay, 0);
  ss_test_wait_until ((SsTestCondition) ss_socket_get_relay_server, leg, SS_TEST_TIMEOUT_MS);

  ss_test_raw_send_all (client, "ab\ncd\n", 6, SS_TEST_TIMEOUT_MS);
  wait_held (&f, 2);
  g_assert_cmpuint (held_item_size (&f, 0), ==, 3);
  g_assert_cmpuint (held_item_size (&f, 1), ==, 3);

  ss_test_raw_send_all (client, "ef", 2, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (leg, 8);
  g_assert_cmpuint (n_held (f.intercept), ==, 2);
  ss_test_raw_send_all (client, "gh\nij", 5, SS_TEST_TIMEOUT_MS);
  wait_held (&f, 3);
  g_assert_cmpuint (held_item_size (&f, 2), ==, 5);

  g_assert_no_errno (shutdown (client, SHUT_WR));
  wait_held (&f, 4);
  g_assert_cmpuint (held_item_size (&f, 3), ==, 2);
  ss_test_raw_expect_nothing (server);

  ss_relay_intercept_forward_all (f.intercept);
  received = ss_test_raw_recv (server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                   expected, strlen (expected));
  close (client);
  close (server);
  fixture_close (&f);
}

/* No rules: the bytes go as they come (a line never ends here), but the
 * stage follows the messages, so a rule added in the middle of a line
 * lets that line's rest go as it was and matches the next whole. */
static void
test_rules_added_later (void)
{
  Fixture f = { 0 };
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) rest = NULL;
  SsSocket *leg;
  int client, server;

  fixture_open (&f);
  client = ss_test_raw_connect (AF_INET, ss_test_relay_port (f.relay), SS_TEST_TIMEOUT_MS);
  server = ss_test_raw_accept (f.target, SS_TEST_TIMEOUT_MS);
  ss_test_wait_connections (f.relay, 1);
  leg = ss_test_connection_at (f.relay, 0);
  ss_test_wait_until ((SsTestCondition) ss_socket_get_relay_server, leg, SS_TEST_TIMEOUT_MS);

  ss_test_raw_send_all (client, "x=1", 3, SS_TEST_TIMEOUT_MS);
  first = ss_test_raw_recv (server, 3, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (first, NULL), g_bytes_get_size (first), "x=1", 3);

  add_rule (&f, SS_INTERCEPT_UPSTREAM, SS_MATCH_REGEX, "^x=(\\d+)\\n$", "y=$1\\n");
  ss_test_raw_send_all (client, "\nx=2\n", 5, SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (shutdown (client, SHUT_WR));
  rest = ss_test_raw_recv (server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (rest, NULL), g_bytes_get_size (rest), "\ny=2\n", 5);
  g_assert_cmpuint (ss_test_count_events (leg, "Rewrite rule 1"), ==, 1);
  close (client);
  close (server);
  fixture_close (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-rewrite-messages/python-split", test_python_split);
  g_test_add_func ("/relay-rewrite-messages/held-messages", test_held_messages);
  g_test_add_func ("/relay-rewrite-messages/rules-added-later", test_rules_added_later);
  return g_test_run ();
}
