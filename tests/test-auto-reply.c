/* test-auto-reply.c — auto-reply rules: matching and replies on their own,
 * then on real sockets with Python peers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-reply-rule.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"

/* --- helpers --- */

static SsReplyRule *
rule_new (SsMatchKind   match,
          SsEncoding    pattern_encoding,
          const char   *pattern,
          SsEncoding    reply_encoding,
          const char   *reply,
          SsLineEnding  line_ending)
{
  g_autoptr(SsPayload) payload = ss_payload_new (NULL, reply_encoding, reply, line_ending);

  return ss_reply_rule_new (match, pattern_encoding, pattern, payload);
}

static SsReplyRule *
text_rule (SsMatchKind  match,
           const char  *pattern,
           const char  *reply)
{
  return rule_new (match, SS_ENCODING_TEXT, pattern, SS_ENCODING_TEXT, reply, SS_LINE_ENDING_NONE);
}

static void
assert_check_ok (SsReplyRule *rule)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ss_reply_rule_check (rule, &error));
  g_assert_no_error (error);
}

/* The rule's reply to @data, which must be @expected. */
static void
assert_reply (SsReplyRule *rule,
              const void  *data,
              gsize        len,
              const void  *expected,
              gsize        expected_len)
{
  g_autoptr(GBytes) reply = ss_reply_rule_match (rule, data, len);

  g_assert_nonnull (reply);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                   expected, expected_len);
}

#define assert_reply_str(rule, data, expected) \
  assert_reply ((rule), (data), strlen (data), (expected), strlen (expected))

static void
assert_no_reply (SsReplyRule *rule,
                 const void  *data,
                 gsize        len)
{
  g_autoptr(GBytes) reply = ss_reply_rule_match (rule, data, len);

  g_assert_null (reply);
}

#define assert_no_reply_str(rule, data) assert_no_reply ((rule), (data), strlen (data))

static void
assert_check_error (SsReplyRule *rule,
                    GQuark       domain,
                    int          code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ss_reply_rule_check (rule, &error));
  g_assert_error (error, domain, code);
  g_test_message ("check: %s", error->message);
  /* a sentence for a person, valid to show in a label */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 10);
}

/* --- unit: matching --- */

static void
test_exact (void)
{
  g_autoptr(SsReplyRule) text = text_rule (SS_MATCH_EXACT, "ping", "pong");
  g_autoptr(SsReplyRule) escaped = rule_new (SS_MATCH_EXACT, SS_ENCODING_ESCAPED, "a\\0b\\r\\n",
                                             SS_ENCODING_TEXT, "nul", SS_LINE_ENDING_LF);
  g_autoptr(SsReplyRule) hex = rule_new (SS_MATCH_EXACT, SS_ENCODING_HEX, "00 ff 00",
                                         SS_ENCODING_HEX, "01 00 02", SS_LINE_ENDING_NONE);

  assert_check_ok (text);
  assert_reply_str (text, "ping", "pong");
  assert_no_reply_str (text, "ping\n");
  assert_no_reply_str (text, "pin");
  assert_no_reply_str (text, "xping");
  assert_no_reply (text, "", 0);

  assert_check_ok (escaped);
  assert_reply (escaped, "a\0b\r\n", 5, "nul\n", 4);
  assert_no_reply (escaped, "a\0b\r", 4);
  assert_no_reply (escaped, "a", 1);

  assert_check_ok (hex);
  assert_reply (hex, "\0\xff\0", 3, "\1\0\2", 3);
  assert_no_reply (hex, "\0\xff\0\0", 4);
  assert_no_reply (hex, "\0\xfe\0", 3);
}

static void
test_contains (void)
{
  g_autoptr(SsReplyRule) text = text_rule (SS_MATCH_CONTAINS, "needle", "found");
  g_autoptr(SsReplyRule) escaped = rule_new (SS_MATCH_CONTAINS, SS_ENCODING_ESCAPED, "\\x00\\xff",
                                             SS_ENCODING_ESCAPED, "got\\x00it", SS_LINE_ENDING_CRLF);
  g_autoptr(SsReplyRule) hex = rule_new (SS_MATCH_CONTAINS, SS_ENCODING_HEX, "de:ad:be:ef",
                                         SS_ENCODING_TEXT, "beef", SS_LINE_ENDING_NONE);

  assert_reply_str (text, "needle", "found");
  assert_reply_str (text, "a needle in a haystack", "found");
  assert_reply (text, "\0\0needle\0", 9, "found", 5);
  assert_no_reply_str (text, "needl");
  assert_no_reply_str (text, "NEEDLE");

  assert_reply (escaped, "ab\0\xff" "cd", 6, "got\0it\r\n", 8);
  assert_reply (escaped, "\0\0\xff", 3, "got\0it\r\n", 8);
  assert_no_reply (escaped, "\0\xfe\xff", 3);

  assert_reply (hex, "xx\xde\xad\xbe\xef", 6, "beef", 4);
  assert_no_reply (hex, "\xde\xad\xbe", 3);
}

static void
test_starts_with (void)
{
  g_autoptr(SsReplyRule) text = text_rule (SS_MATCH_STARTS_WITH, "HELO ", "250 ok");
  g_autoptr(SsReplyRule) hex = rule_new (SS_MATCH_STARTS_WITH, SS_ENCODING_HEX, "0x00,0x01",
                                         SS_ENCODING_HEX, "ff", SS_LINE_ENDING_NONE);

  assert_reply_str (text, "HELO example.com\r\n", "250 ok");
  assert_reply_str (text, "HELO ", "250 ok");
  assert_no_reply_str (text, "HELO");
  assert_no_reply_str (text, " HELO x");

  assert_reply (hex, "\0\1\2\3", 4, "\xff", 1);
  assert_no_reply (hex, "\1\0", 2);
  assert_no_reply (hex, "\0", 1);
}

static void
test_regex_numbered (void)
{
  g_autoptr(SsReplyRule) rule = rule_new (SS_MATCH_REGEX, SS_ENCODING_TEXT,
                                          "^GET (\\S+) HTTP/(\\d)\\.(\\d)",
                                          SS_ENCODING_TEXT, "path=$1 v$2.$3 all=[$0]",
                                          SS_LINE_ENDING_LF);

  assert_check_ok (rule);
  assert_reply_str (rule, "GET /index.html HTTP/1.1\r\n",
                    "path=/index.html v1.1 all=[GET /index.html HTTP/1.1]\n");
  assert_no_reply_str (rule, "POST / HTTP/1.1\r\n");
}

static void
test_regex_named (void)
{
  g_autoptr(SsReplyRule) text = rule_new (SS_MATCH_REGEX, SS_ENCODING_TEXT,
                                          "user=(?<user>\\w+);id=(?<id>\\d+)",
                                          SS_ENCODING_ESCAPED, "hello ${user}\\t#${id}${2}0",
                                          SS_LINE_ENDING_CRLF);
  /* in a hex reply, a group's bytes stand between hex bytes */
  g_autoptr(SsReplyRule) hex = rule_new (SS_MATCH_REGEX, SS_ENCODING_TEXT,
                                         "^\\x02(?<body>.*)\\x03$",
                                         SS_ENCODING_HEX, "06 ${body} 00 $1 0d0a",
                                         SS_LINE_ENDING_NONE);

  assert_check_ok (text);
  assert_reply_str (text, "x user=ann;id=42 y", "hello ann\t#42420\r\n");

  assert_check_ok (hex);
  assert_reply (hex, "\2ab\0c\3", 6, "\6ab\0c\0ab\0c\r\n", 12);
  assert_no_reply (hex, "\2abc", 4);
}

/* Raw bytes: "." is one byte, NUL bytes in the data and the pattern are
 * data, and bytes that are not UTF-8 match and are captured as they are. */
static void
test_regex_raw (void)
{
  g_autoptr(SsReplyRule) rule = rule_new (SS_MATCH_REGEX, SS_ENCODING_TEXT,
                                          "\\x00(.)(.)\\xff",
                                          SS_ENCODING_TEXT, "$2$1", SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) anchored = text_rule (SS_MATCH_REGEX, "^a.c$", "yes");

  assert_check_ok (rule);
  assert_reply (rule, "zz\0\xc3\x28\xff", 6, "\x28\xc3", 2);
  assert_reply (rule, "\0\0\xfe\xff", 4, "\xfe\0", 2);
  assert_no_reply (rule, "\0ab", 3);
  /* past a NUL byte in the data */
  assert_reply (rule, "\0\0\0\0\0\x01\x02\xff", 8, "\x02\x01", 2);

  assert_reply (anchored, "a\0c", 3, "yes", 3);
  assert_reply (anchored, "a\xe9" "c", 3, "yes", 3);
  /* é in UTF-8 is two bytes */
  assert_no_reply_str (anchored, "aéc");
}

static void
test_regex_dollars (void)
{
  g_autoptr(SsReplyRule) rule = text_rule (SS_MATCH_REGEX, "(a)|(b)", "[$1][$2] costs $$5 $ $x $$$1");
  g_autoptr(SsReplyRule) contains = text_rule (SS_MATCH_CONTAINS, "a", "$1 ${x} $$ $");

  assert_check_ok (rule);
  /* a group that took no part in the match is empty */
  assert_reply_str (rule, "b", "[][b] costs $5 $ $x $");
  assert_reply_str (rule, "a", "[a][] costs $5 $ $x $a");

  /* not a regex: "$" is itself */
  assert_check_ok (contains);
  assert_reply_str (contains, "a", "$1 ${x} $$ $");
}

static void
test_disabled (void)
{
  g_autoptr(SsReplyRule) rule = text_rule (SS_MATCH_CONTAINS, "ping", "pong");
  guint notified = 0;

  g_signal_connect (rule, "notify::enabled", G_CALLBACK (ss_test_count_cb), &notified);
  g_assert_true (ss_reply_rule_get_enabled (rule));
  ss_reply_rule_set_enabled (rule, FALSE);
  ss_reply_rule_set_enabled (rule, FALSE);
  g_assert_cmpuint (notified, ==, 1);
  assert_no_reply_str (rule, "ping");
  g_object_set (rule, "enabled", TRUE, NULL);
  g_assert_cmpuint (notified, ==, 2);
  assert_reply_str (rule, "ping", "pong");
}

static void
test_check_errors (void)
{
  g_autoptr(SsReplyRule) regex = text_rule (SS_MATCH_REGEX, "(unclosed", "x");
  g_autoptr(SsReplyRule) hex = rule_new (SS_MATCH_CONTAINS, SS_ENCODING_HEX, "zz",
                                         SS_ENCODING_TEXT, "x", SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) escape = rule_new (SS_MATCH_STARTS_WITH, SS_ENCODING_ESCAPED, "ab\\",
                                            SS_ENCODING_TEXT, "x", SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) file = rule_new (SS_MATCH_CONTAINS, SS_ENCODING_FILE, "/etc/hostname",
                                          SS_ENCODING_TEXT, "x", SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) reply = rule_new (SS_MATCH_CONTAINS, SS_ENCODING_TEXT, "a",
                                           SS_ENCODING_HEX, "4", SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) regex_reply = rule_new (SS_MATCH_REGEX, SS_ENCODING_TEXT, "(a)",
                                                 SS_ENCODING_HEX, "41 $1 zz", SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) group = text_rule (SS_MATCH_REGEX, "(a)(b)", "$3");
  g_autoptr(SsReplyRule) no_groups = text_rule (SS_MATCH_REGEX, "ab", "costs $5");
  g_autoptr(SsReplyRule) name = text_rule (SS_MATCH_REGEX, "(?<user>a)", "${usr}");
  g_autoptr(SsReplyRule) unclosed = text_rule (SS_MATCH_REGEX, "(a)", "${1");
  g_autoptr(SsReplyRule) empty_name = text_rule (SS_MATCH_REGEX, "(a)", "${}");

  assert_check_error (regex, G_REGEX_ERROR, G_REGEX_ERROR_UNMATCHED_PARENTHESIS);
  assert_no_reply_str (regex, "(unclosed");
  assert_check_error (hex, SS_ENCODING_ERROR, SS_ENCODING_ERROR_HEX_DIGIT);
  assert_no_reply_str (hex, "zz");
  assert_check_error (escape, SS_ENCODING_ERROR, SS_ENCODING_ERROR_ESCAPE);
  assert_check_error (file, SS_ENCODING_ERROR, SS_ENCODING_ERROR_UNSUPPORTED);

  /* a reply that cannot be made: the rule matches, but gives nothing */
  assert_check_error (reply, SS_ENCODING_ERROR, SS_ENCODING_ERROR_ODD_DIGITS);
  assert_no_reply_str (reply, "a");
  assert_check_error (regex_reply, SS_ENCODING_ERROR, SS_ENCODING_ERROR_HEX_DIGIT);
  assert_check_error (group, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  assert_check_error (no_groups, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  assert_check_error (name, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  assert_check_error (unclosed, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  assert_check_error (empty_name, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  /* what is compiled follows the properties */
  ss_reply_rule_set_pattern (regex, "(un)closed");
  assert_check_ok (regex);
  assert_reply_str (regex, "unclosed", "x");
  ss_reply_rule_set_pattern_encoding (hex, SS_ENCODING_TEXT);
  assert_check_ok (hex);
  assert_reply_str (hex, "zz", "x");
  ss_reply_rule_set_pattern (group, "(a)(b)(c)");
  assert_check_ok (group);
  assert_reply_str (group, "abc", "c");
  ss_reply_rule_set_match (group, SS_MATCH_CONTAINS);
  assert_reply_str (group, "(a)(b)(c)", "$3");
  {
    g_autoptr(SsPayload) fixed = ss_payload_new (NULL, SS_ENCODING_HEX, "41", SS_LINE_ENDING_NONE);

    ss_reply_rule_set_reply (reply, fixed);
    assert_check_ok (reply);
    assert_reply_str (reply, "a", "A");
  }
}

static void
test_fired (void)
{
  g_autoptr(SsReplyRule) rule = text_rule (SS_MATCH_STARTS_WITH, "go", "ok");
  g_autoptr(SsReplyRule) broken = rule_new (SS_MATCH_CONTAINS, SS_ENCODING_TEXT, "x",
                                            SS_ENCODING_HEX, "4", SS_LINE_ENDING_NONE);
  g_autoptr(GError) error = NULL;
  guint notified = 0;
  guint fired = 0;

  g_signal_connect (rule, "notify::fired", G_CALLBACK (ss_test_count_cb), &notified);
  g_assert_cmpuint (ss_reply_rule_get_fired (rule), ==, 0);

  /* matching alone does not count */
  assert_reply_str (rule, "go", "ok");
  g_assert_cmpuint (ss_reply_rule_get_fired (rule), ==, 0);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) reply = ss_reply_rule_fire (rule, (const guint8 *) "go!", 3, &error);

      g_assert_no_error (error);
      g_assert_nonnull (reply);
    }
  g_assert_null (ss_reply_rule_fire (rule, (const guint8 *) "stop", 4, &error));
  g_assert_no_error (error);
  ss_reply_rule_set_enabled (rule, FALSE);
  g_assert_null (ss_reply_rule_fire (rule, (const guint8 *) "go", 2, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (ss_reply_rule_get_fired (rule), ==, 3);
  g_object_get (rule, "fired", &fired, NULL);
  g_assert_cmpuint (fired, ==, 3);
  g_assert_cmpuint (notified, ==, 3);

  /* a rule whose reply cannot be made still fires, and says why */
  g_assert_null (ss_reply_rule_fire (broken, (const guint8 *) "x", 1, &error));
  g_assert_error (error, SS_ENCODING_ERROR, SS_ENCODING_ERROR_ODD_DIGITS);
  g_assert_cmpuint (ss_reply_rule_get_fired (broken), ==, 1);
}

static void
test_description (void)
{
  g_autoptr(SsReplyRule) contains = text_rule (SS_MATCH_CONTAINS, "ping", "pong");
  g_autoptr(SsReplyRule) exact = text_rule (SS_MATCH_EXACT, "quit\r\n", "bye");
  g_autoptr(SsReplyRule) hex = rule_new (SS_MATCH_STARTS_WITH, SS_ENCODING_HEX, "de ad",
                                         SS_ENCODING_TEXT, "x", SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) regex = text_rule (SS_MATCH_REGEX, "^GET (\\S+)", "x");
  g_autoptr(SsReplyRule) long_rule = text_rule (SS_MATCH_CONTAINS,
                                                "0123456789012345678901234567890123456789abcdef",
                                                "x");
  g_autofree char *text = NULL;

  text = ss_reply_rule_dup_description (contains);
  g_assert_cmpstr (text, ==, "contains “ping”");
  g_free (text);
  text = ss_reply_rule_dup_description (exact);
  g_assert_cmpstr (text, ==, "exactly “quit\\r\\n”");
  g_free (text);
  text = ss_reply_rule_dup_description (hex);
  g_assert_cmpstr (text, ==, "starts with hex “de ad”");
  g_free (text);
  text = ss_reply_rule_dup_description (regex);
  g_assert_cmpstr (text, ==, "matches /^GET (\\S+)/");
  g_free (text);
  text = ss_reply_rule_dup_description (long_rule);
  g_assert_cmpstr (text, ==, "contains “0123456789012345678901234567890123456789…”");
}

/* --- on sockets --- */

static SsReplyRule *
add_rule (SsSocket    *socket,
          SsReplyRule *rule)
{
  assert_check_ok (rule);
  g_list_store_append (ss_socket_get_reply_rules (socket), rule);
  g_object_unref (rule);
  return rule;
}

/* @sender sends @data, which @receiver's rules may answer: @sender must
 * then have received exactly @expected more bytes. */
static void
exchange (SsSocket   *sender,
          SsSocket   *receiver,
          const char *data,
          const char *expected)
{
  SsTestBytesWait wait = { sender, ss_socket_get_bytes_in (sender) + strlen (expected) };
  SsTestBytesWait sent = { receiver, ss_socket_get_bytes_in (receiver) + strlen (data) };

  ss_test_send_ok (sender, data, strlen (data));
  ss_test_wait_until (ss_test_bytes_in_reached, &sent, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (ss_test_bytes_in_reached, &wait, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (ss_socket_get_bytes_in (sender), ==, wait.bytes);
}

/* In-process, on a socket pair: the first matching rule replies, in order,
 * and the log says so. */
static void
test_pair_stream (void)
{
  g_autoptr(SsSocket) a = NULL;
  g_autoptr(SsSocket) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sent = NULL;
  SsReplyRule *first, *second, *off;
  static const char expected[] = "pong\n" "other" "other";

  g_assert_true (ss_socket_new_pair (NULL, SOCK_STREAM, &a, &b, &error));
  g_assert_no_error (error);

  /* no rules: nothing replies, and asking made an empty list */
  exchange (a, b, "ping", "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_reply_rules (b))), ==, 0);
  g_assert_true (ss_socket_get_reply_rules (b) == ss_socket_get_reply_rules (b));

  off = add_rule (b, text_rule (SS_MATCH_CONTAINS, "ping", "disabled"));
  ss_reply_rule_set_enabled (off, FALSE);
  first = add_rule (b, rule_new (SS_MATCH_EXACT, SS_ENCODING_TEXT, "ping", SS_ENCODING_TEXT, "pong",
                                 SS_LINE_ENDING_LF));
  second = add_rule (b, text_rule (SS_MATCH_CONTAINS, "ping", "other"));

  exchange (a, b, "ping", "pong\n");
  exchange (a, b, "xping", "other");
  exchange (a, b, "nothing", "");
  exchange (a, b, "pingx", "other");
  g_assert_cmpuint (ss_reply_rule_get_fired (off), ==, 0);
  g_assert_cmpuint (ss_reply_rule_get_fired (first), ==, 1);
  g_assert_cmpuint (ss_reply_rule_get_fired (second), ==, 2);

  ss_test_assert_payload (a, SS_TRAFFIC_RECEIVED, expected, strlen (expected));
  ss_test_assert_event (b, "Auto-reply rule 2 (exactly “ping”) matched: replying 5 bytes");
  g_assert_cmpuint (ss_test_count_events (b, "Auto-reply rule 3 (contains “ping”) matched: replying 5 bytes"), ==, 2);
  g_assert_cmpuint (ss_test_count_events (b, "Auto-reply rule 1 "), ==, 0);
  sent = ss_traffic_log_dup_payload (ss_socket_get_traffic (b), SS_TRAFFIC_SENT);
  g_assert_cmpmem (g_bytes_get_data (sent, NULL), g_bytes_get_size (sent), expected, strlen (expected));

  /* a rule taken out no longer fires */
  g_list_store_remove (ss_socket_get_reply_rules (b), 1);
  exchange (a, b, "ping", "other");
}

/* A reply that cannot be made or sent is an event in the log, never a
 * crash; a file reply is read each time. */
static void
test_pair_errors (void)
{
  g_autoptr(SsSocket) a = NULL;
  g_autoptr(SsSocket) b = NULL;
  g_autoptr(GError) error = NULL;
  SsReplyRule *broken, *file;
  g_autofree char *path = NULL;
  int fd;

  g_assert_true (ss_socket_new_pair (NULL, SOCK_STREAM, &a, &b, &error));
  g_assert_no_error (error);

  broken = add_rule (b, rule_new (SS_MATCH_CONTAINS, SS_ENCODING_TEXT, "bad", SS_ENCODING_TEXT, "x",
                                  SS_LINE_ENDING_NONE));
  /* check() refuses it; the socket, given it anyway, says why */
  {
    g_autoptr(SsPayload) odd = ss_payload_new (NULL, SS_ENCODING_HEX, "123", SS_LINE_ENDING_NONE);

    ss_reply_rule_set_reply (broken, odd);
  }
  exchange (a, b, "bad", "");
  g_assert_cmpuint (ss_reply_rule_get_fired (broken), ==, 1);
  ss_test_assert_event (b, "Auto-reply rule 1 (contains “bad”) matched, but its reply cannot be made:");

  /* a file reply is read when the rule fires */
  fd = g_file_open_tmp ("ss-auto-reply-XXXXXX", &path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (fd, "from a file", 11), ==, 11);
  close (fd);
  file = add_rule (b, rule_new (SS_MATCH_CONTAINS, SS_ENCODING_TEXT, "file?", SS_ENCODING_FILE, path,
                                SS_LINE_ENDING_LF));
  exchange (a, b, "file?", "from a file\n");
  g_unlink (path);
  exchange (a, b, "file?", "");
  g_assert_cmpuint (ss_reply_rule_get_fired (file), ==, 2);
  g_assert_cmpuint (ss_test_count_events (b, "Auto-reply rule 2 (contains “file?”) matched, but its reply cannot be made:"), ==, 1);
  {
    g_autoptr(GError) check_error = NULL;

    g_assert_false (ss_reply_rule_check (file, &check_error));
    g_assert_error (check_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }

  /* the peer is gone: the send fails, and the log says so */
  g_list_store_remove_all (ss_socket_get_reply_rules (b));
  add_rule (b, text_rule (SS_MATCH_CONTAINS, "last", "too late"));
  ss_test_send_ok (a, "last", 4);
  ss_socket_close (a);
  {
    SsTestBytesWait wait = { b, 3 + 5 + 5 + 4 };

    ss_test_wait_until (ss_test_bytes_in_reached, &wait, SS_TEST_TIMEOUT_MS);
  }
  ss_test_wait_peer_closed (b);
  ss_test_assert_event (b, "Auto-reply rule 1 (contains “last”) matched: replying 8 bytes");
  ss_test_assert_event (b, "Auto-reply rule 1 could not send its reply:");
  g_assert_cmpuint (ss_socket_get_queued (b), ==, 0);
}

static gboolean
ping_pong_went_on (gpointer user_data)
{
  SsReplyRule *rule = user_data;

  return ss_reply_rule_get_fired (rule) >= 50;
}

/* Two sockets whose rules answer each other go on, one exchange per
 * wake-up and without recursion, until a rule is switched off. */
static void
test_pair_ping_pong (void)
{
  g_autoptr(SsSocket) a = NULL;
  g_autoptr(SsSocket) b = NULL;
  g_autoptr(GError) error = NULL;
  SsReplyRule *ping, *pong;

  g_assert_true (ss_socket_new_pair (NULL, SOCK_DGRAM, &a, &b, &error));
  g_assert_no_error (error);

  /* a Unix datagram pair: the sender has no address, the socket is
   * connected, and the reply goes to its peer */
  ping = add_rule (a, text_rule (SS_MATCH_EXACT, "pong", "ping"));
  pong = add_rule (b, text_rule (SS_MATCH_EXACT, "ping", "pong"));
  ss_test_send_ok (a, "ping", 4);
  ss_test_wait_until (ping_pong_went_on, ping, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (ss_reply_rule_get_fired (pong), >=, 50);

  /* switched off, it stops */
  ss_reply_rule_set_enabled (ping, FALSE);
  ss_test_drain_main_context ();
  {
    guint fired = ss_reply_rule_get_fired (pong);
    guint64 before = ss_socket_get_bytes_in (b);

    for (guint i = 0; i < 20; i++)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
    g_assert_cmpuint (ss_reply_rule_get_fired (pong), ==, fired);
    g_assert_cmpuint (ss_socket_get_bytes_in (b), ==, before);
  }
}

static void
set_framing (SsSocket   *socket,
             const char *text)
{
  SsFramerSpec spec;
  g_autoptr(GError) error = NULL;

  g_assert_true (ss_framer_spec_parse (text, &spec, &error));
  g_assert_no_error (error);
  ss_socket_set_framing (socket, &spec);
  g_assert_true (ss_framer_spec_equal (ss_socket_get_framing (socket), &spec));
}

/* With a framing, rules see whole messages: one split over two reads is
 * answered once, when it is whole; two in one read twice. What came
 * before the framing was chosen is framed too. */
static void
test_pair_messages (void)
{
  g_autoptr(SsSocket) a = NULL;
  g_autoptr(SsSocket) b = NULL;
  g_autoptr(GError) error = NULL;
  SsReplyRule *ping, *world;

  g_assert_true (ss_socket_new_pair (NULL, SOCK_STREAM, &a, &b, &error));
  g_assert_no_error (error);
  ping = add_rule (b, text_rule (SS_MATCH_EXACT, "ping\n", "pong"));
  world = add_rule (b, text_rule (SS_MATCH_CONTAINS, "world", "hi"));

  /* chunk by chunk: a message in two reads is never seen whole */
  exchange (a, b, "hello wor", "");
  g_assert_null (ss_socket_get_framing (b));
  set_framing (b, "delimiter:\\n");
  /* the rest of the line the framing found already in the log */
  exchange (a, b, "ld\n", "hi");
  exchange (a, b, "pi", "");
  exchange (a, b, "ng\nping\n", "pongpong");
  exchange (a, b, "ping\nping", "pong");
  exchange (a, b, "\n", "pong");
  g_assert_cmpuint (ss_reply_rule_get_fired (ping), ==, 4);
  g_assert_cmpuint (ss_reply_rule_get_fired (world), ==, 1);

  /* back to chunks: each read is tried as it is */
  ss_socket_set_framing (b, NULL);
  g_assert_null (ss_socket_get_framing (b));
  exchange (a, b, "ping\nping\n", "");
  exchange (a, b, "ping\n", "pong");
  /* 50 bytes so far: a framing counts from the log's first byte */
  exchange (a, b, "xyz", "");

  /* a fixed length, then an idle gap that ends a message on its own
   * (after what the log holds, however near in time) */
  set_framing (b, "fixed:5");
  exchange (a, b, "pin", "");
  exchange (a, b, "g\nwor", "pong");
  exchange (a, b, "ld", "hi");
  set_framing (b, "idle:20");
  exchange (a, b, "world", "hi");
  g_assert_cmpuint (ss_reply_rule_get_fired (world), ==, 3);
}

/* Datagrams are messages too: fixed:4 over two datagrams is one */
static void
test_pair_datagram_messages (void)
{
  g_autoptr(SsSocket) a = NULL;
  g_autoptr(SsSocket) b = NULL;
  g_autoptr(GError) error = NULL;
  SsReplyRule *rule;

  g_assert_true (ss_socket_new_pair (NULL, SOCK_DGRAM, &a, &b, &error));
  g_assert_no_error (error);
  rule = add_rule (b, text_rule (SS_MATCH_EXACT, "abcd", "yes"));
  set_framing (b, "fixed:4");
  exchange (a, b, "ab", "");
  exchange (a, b, "cdab", "yes");
  exchange (a, b, "cd", "yes");
  g_assert_cmpuint (ss_reply_rule_get_fired (rule), ==, 2);
}

/* --- real peers --- */

#define PEER_TIMEOUT_MS SS_TEST_LONG_TIMEOUT_MS

/* Connects, then for each "send:expect" (hex) sends and reads exactly the
 * reply; an empty expect means no reply may come. A reply too many shows
 * as the next one's start, or after the last. */
static const char tcp_client[] =
  "import socket, sys\n"
  "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)\n"
  "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n"
  "def silence():\n"
  "    s.settimeout(0.3)\n"
  "    try:\n"
  "        extra = s.recv(4096)\n"
  "    except socket.timeout:\n"
  "        extra = b''\n"
  "    s.settimeout(10)\n"
  "    return extra\n"
  "for step in sys.argv[3:]:\n"
  "    send, expect = (bytes.fromhex(x) for x in step.split(':'))\n"
  "    s.sendall(send)\n"
  "    got = b''\n"
  "    while len(got) < len(expect):\n"
  "        chunk = s.recv(len(expect) - len(got))\n"
  "        if not chunk:\n"
  "            sys.exit('the server closed the connection')\n"
  "        got += chunk\n"
  "    if not expect:\n"
  "        got = silence()\n"
  "    if got != expect:\n"
  "        sys.exit('sent %r, got %r, expected %r' % (send, got, expect))\n"
  "extra = silence()\n"
  "if extra:\n"
  "    sys.exit('got %r after the last reply' % extra)\n"
  "s.close()\n";

/* Sends each datagram from its own bound address and reads the reply
 * there, from the server's address; prints its address first. */
static const char udp_client[] =
  "import socket, sys\n"
  "server = (sys.argv[1], int(sys.argv[2]))\n"
  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "s.bind(('127.0.0.1', 0))\n"
  "s.settimeout(10)\n"
  "print('%s:%d' % s.getsockname(), flush=True)\n"
  "for step in sys.argv[3:]:\n"
  "    send, expect = (bytes.fromhex(x) for x in step.split(':'))\n"
  "    s.sendto(send, server)\n"
  "    data, sender = s.recvfrom(65536)\n"
  "    if sender != server:\n"
  "        sys.exit('the reply came from %r, not %r' % (sender, server))\n"
  "    if data != expect:\n"
  "        sys.exit('sent %r, got %r, expected %r' % (send, data, expect))\n"
  "s.close()\n";

/* One "send:expect" for the Python peers. */
static char *
step (const void *send,
      gsize       send_len,
      const void *expect,
      gsize       expect_len)
{
  g_autofree char *send_hex = ss_test_hex (send, send_len);
  g_autofree char *expect_hex = ss_test_hex (expect, expect_len);

  return g_strdup_printf ("%s:%s", send_hex, expect_hex);
}

#define step_str(send, expect) step ((send), strlen (send), (expect), strlen (expect))

static GSubprocess *
spawn_python (const char *python,
              const char *program,
              const char *address,
              GPtrArray  *steps)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *port = NULL;
  guint16 port_number;

  g_assert_true (ss_address_split (address, &host, &port_number, &error));
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", port_number);

  g_ptr_array_add (argv, (char *) python);
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) program);
  g_ptr_array_add (argv, host);
  g_ptr_array_add (argv, port);
  for (guint i = 0; i < steps->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (steps, i));
  g_ptr_array_add (argv, NULL);

  return ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, (const char *const *) argv->pdata);
}

/* A listener's rules answer a Python client on each of its connections,
 * every time they match, each kind exactly as written. */
static void
test_python_listener (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(GPtrArray) steps = NULL;
  SsReplyRule *exact, *prefix, *contains, *regex, *off, *later;
  SsSession *session;
  SsSocket *listener;
  static const char nul_needle[] = "ab\0needle\0cd";
  static const char dead[] = "\xde\xad\x01\x02";
  static const char *const events[] = {
    "Auto-reply rule 1 (exactly “ping\\n”) matched: replying 5 bytes",
    "Auto-reply rule 2 (starts with hex “de ad”) matched: replying 4 bytes",
    "Auto-reply rule 3 (contains “\\x00needle\\x00”) matched: replying 7 bytes",
    "Auto-reply rule 4 (matches /^GET (?<path>\\S+) v(\\d+)/) matched: replying 36 bytes",
    "Auto-reply rule 6 (contains “ping”) matched: replying 6 bytes",
  };

  if (python == NULL)
    return;

  session = ss_session_new ();
  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  exact = add_rule (listener, rule_new (SS_MATCH_EXACT, SS_ENCODING_TEXT, "ping\n",
                                        SS_ENCODING_TEXT, "pong", SS_LINE_ENDING_LF));
  prefix = add_rule (listener, rule_new (SS_MATCH_STARTS_WITH, SS_ENCODING_HEX, "de ad",
                                         SS_ENCODING_HEX, "be ef 00 01", SS_LINE_ENDING_NONE));
  contains = add_rule (listener, rule_new (SS_MATCH_CONTAINS, SS_ENCODING_ESCAPED, "\\x00needle\\x00",
                                           SS_ENCODING_ESCAPED, "found\\r\\n", SS_LINE_ENDING_NONE));
  regex = add_rule (listener, rule_new (SS_MATCH_REGEX, SS_ENCODING_TEXT, "^GET (?<path>\\S+) v(\\d+)",
                                        SS_ENCODING_TEXT, "path=${path} version=$2 cost=$$5",
                                        SS_LINE_ENDING_CRLF));
  off = add_rule (listener, text_rule (SS_MATCH_CONTAINS, "secret", "leak"));
  ss_reply_rule_set_enabled (off, FALSE);
  later = add_rule (listener, text_rule (SS_MATCH_CONTAINS, "ping", "second"));

  steps = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (steps, step_str ("ping\n", "pong\n"));
  g_ptr_array_add (steps, step (dead, sizeof dead - 1, "\xbe\xef\0\1", 4));
  g_ptr_array_add (steps, step (nul_needle, sizeof nul_needle - 1, "found\r\n", 7));
  g_ptr_array_add (steps, step_str ("GET /index.html v2\r\n", "path=/index.html version=2 cost=$5\r\n"));
  g_ptr_array_add (steps, step_str ("my secret", ""));
  g_ptr_array_add (steps, step_str ("xpingx", "second"));

  /* two clients, one after the other: two connections of one listener */
  for (guint run = 0; run < 2; run++)
    {
      g_autoptr(GSubprocess) process = spawn_python (python, tcp_client,
                                                     ss_socket_get_local_address (listener), steps);

      ss_test_peer_wait_exit_ok (process, PEER_TIMEOUT_MS);
    }

  ss_test_wait_connections (listener, 2);
  for (guint c = 0; c < 2; c++)
    {
      SsSocket *connection = ss_test_connection_at (listener, c);

      g_assert_true (ss_socket_get_reply_rules (connection) == ss_socket_get_reply_rules (listener));
      g_assert_cmpuint (ss_test_count_events (connection, events[0]), ==, 3);
      for (guint e = 1; e < G_N_ELEMENTS (events); e++)
        g_assert_cmpuint (ss_test_count_events (connection, events[e]), ==, 1);
      g_assert_cmpuint (ss_test_count_events (connection, "Auto-reply rule 5 "), ==, 0);
      g_assert_cmpuint (ss_test_count_events (connection, "Auto-reply"), ==, 7);
    }
  g_assert_cmpuint (ss_reply_rule_get_fired (exact), ==, 6);
  g_assert_cmpuint (ss_reply_rule_get_fired (prefix), ==, 2);
  g_assert_cmpuint (ss_reply_rule_get_fired (contains), ==, 2);
  g_assert_cmpuint (ss_reply_rule_get_fired (regex), ==, 2);
  g_assert_cmpuint (ss_reply_rule_get_fired (off), ==, 0);
  g_assert_cmpuint (ss_reply_rule_get_fired (later), ==, 2);

  ss_test_finalize_session (session, NULL);
}

/* A listener's framing is its connections': a Python client's request
 * in two sends is answered once, two in one send twice */
static void
test_python_listener_messages (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GSubprocess) process = NULL;
  SsReplyRule *rule;
  SsSession *session;
  SsSocket *listener;

  if (python == NULL)
    return;

  session = ss_session_new ();
  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  rule = add_rule (listener, rule_new (SS_MATCH_EXACT, SS_ENCODING_ESCAPED, "PING\\r\\n",
                                       SS_ENCODING_TEXT, "PONG", SS_LINE_ENDING_NONE));
  set_framing (listener, "delimiter:\\r\\n");

  steps = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (steps, step_str ("PI", ""));
  g_ptr_array_add (steps, step_str ("NG\r\n", "PONG"));
  g_ptr_array_add (steps, step_str ("PING\r\nPING\r\n", "PONGPONG"));
  g_ptr_array_add (steps, step_str ("PINGX\r\n", ""));
  process = spawn_python (python, tcp_client, ss_socket_get_local_address (listener), steps);
  ss_test_peer_wait_exit_ok (process, PEER_TIMEOUT_MS);

  ss_test_wait_connections (listener, 1);
  g_assert_true (ss_framer_spec_equal (ss_socket_get_framing (ss_test_connection_at (listener, 0)),
                                       ss_socket_get_framing (listener)));
  g_assert_cmpuint (ss_reply_rule_get_fired (rule), ==, 3);
  ss_test_finalize_session (session, NULL);
}

/* A datagram socket replies to each datagram's sender, at its address. */
static void
test_python_datagram (void)
{
  g_autofree char *python = ss_test_find_python ();
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *client_address = NULL;
  g_autofree char *last_sender = NULL;
  SsReplyRule *rule;
  SsSession *session;
  SsSocket *udp;

  if (python == NULL)
    return;

  session = ss_session_new ();
  udp = ss_test_create (session, AF_INET, SOCK_DGRAM);
  ss_test_bind_ok (udp, "127.0.0.1:0");
  rule = add_rule (udp, rule_new (SS_MATCH_REGEX, SS_ENCODING_TEXT, "^hello (\\w+)",
                                     SS_ENCODING_HEX, "68 69 20 $1 00", SS_LINE_ENDING_NONE));

  steps = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (steps, step ("hello ann", 9, "hi ann\0", 7));
  g_ptr_array_add (steps, step ("hello bobby!", 12, "hi bobby\0", 9));
  process = spawn_python (python, udp_client, ss_socket_get_local_address (udp), steps);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  client_address = ss_test_peer_read_line (process, lines, PEER_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (process, PEER_TIMEOUT_MS);

  g_assert_cmpuint (ss_reply_rule_get_fired (rule), ==, 2);
  g_assert_cmpuint (ss_test_count_events (udp, "Auto-reply rule 1 (matches /^hello (\\w+)/) matched: replying 7 bytes"), ==, 1);
  g_assert_cmpuint (ss_test_count_events (udp, "Auto-reply rule 1 (matches /^hello (\\w+)/) matched: replying 9 bytes"), ==, 1);
  last_sender = ss_address_to_string (ss_socket_get_last_sender (udp));
  g_assert_cmpstr (last_sender, ==, client_address);

  ss_test_finalize_session (session, NULL);
}

/* A reply too large for a datagram: sendto() fails, the log says so, and
 * the socket goes on. */
static void
test_datagram_send_error (void)
{
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(SsAddress) server = NULL;
  g_autoptr(GError) error = NULL;
  SsSession *session;
  SsSocket *udp;
  SsTestBytesWait wait;
  int fd;

  session = ss_session_new ();
  udp = ss_test_create (session, AF_INET, SOCK_DGRAM);
  ss_test_bind_ok (udp, "127.0.0.1:0");
  for (guint i = 0; i < 70000; i++)
    g_string_append_c (big, 'x');
  add_rule (udp, text_rule (SS_MATCH_EXACT, "big", big->str));
  add_rule (udp, text_rule (SS_MATCH_EXACT, "small", "ok"));

  server = ss_address_parse_numeric (ss_socket_get_local_address (udp), AF_INET, NULL, &error);
  g_assert_no_error (error);
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (sendto (fd, "big", 3, 0, (struct sockaddr *) &server->storage, server->len), ==, 3);
  g_assert_cmpint (sendto (fd, "small", 5, 0, (struct sockaddr *) &server->storage, server->len), ==, 5);
  wait = (SsTestBytesWait) { udp, 8 };
  ss_test_wait_until (ss_test_bytes_in_reached, &wait, SS_TEST_TIMEOUT_MS);
  ss_test_drain_main_context ();

  ss_test_assert_event (udp, "Auto-reply rule 1 (exactly “big”) matched: replying 70000 bytes");
  ss_test_assert_event (udp, "Auto-reply rule 1 could not send its reply:");
  ss_test_assert_event (udp, "Auto-reply rule 2 (exactly “small”) matched: replying 2 bytes");
  {
    g_autoptr(GBytes) reply = ss_test_raw_recv (fd, 2, FALSE, SS_TEST_TIMEOUT_MS);

    g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), "ok", 2);
  }
  close (fd);

  ss_test_finalize_session (session, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/auto-reply/rule/exact", test_exact);
  g_test_add_func ("/auto-reply/rule/contains", test_contains);
  g_test_add_func ("/auto-reply/rule/starts-with", test_starts_with);
  g_test_add_func ("/auto-reply/rule/regex-numbered", test_regex_numbered);
  g_test_add_func ("/auto-reply/rule/regex-named", test_regex_named);
  g_test_add_func ("/auto-reply/rule/regex-raw", test_regex_raw);
  g_test_add_func ("/auto-reply/rule/regex-dollars", test_regex_dollars);
  g_test_add_func ("/auto-reply/rule/disabled", test_disabled);
  g_test_add_func ("/auto-reply/rule/check-errors", test_check_errors);
  g_test_add_func ("/auto-reply/rule/fired", test_fired);
  g_test_add_func ("/auto-reply/rule/description", test_description);
  g_test_add_func ("/auto-reply/socket/pair-stream", test_pair_stream);
  g_test_add_func ("/auto-reply/socket/pair-errors", test_pair_errors);
  g_test_add_func ("/auto-reply/socket/pair-ping-pong", test_pair_ping_pong);
  g_test_add_func ("/auto-reply/socket/datagram-send-error", test_datagram_send_error);
  g_test_add_func ("/auto-reply/socket/pair-messages", test_pair_messages);
  g_test_add_func ("/auto-reply/socket/pair-datagram-messages", test_pair_datagram_messages);
  g_test_add_func ("/auto-reply/python/listener-messages", test_python_listener_messages);
  g_test_add_func ("/auto-reply/python/listener", test_python_listener);
  g_test_add_func ("/auto-reply/python/datagram", test_python_datagram);

  return g_test_run ();
}
