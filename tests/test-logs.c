/* test-logs.c — the traffic log, the call log, constants and errno errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "ss-call-log.h"
#include "ss-constants.h"
#include "ss-error.h"
#include "ss-traffic-log.h"

typedef struct
{
  guint n_signals;
  guint position;
  guint removed;
  guint added;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *changed)
{
  changed->n_signals++;
  changed->position = position;
  changed->removed = removed;
  changed->added = added;
  /* the model must already show the change when it says so */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, position + added);
}

static SsTrafficEntry *
entry_at (SsTrafficLog *log,
          guint         position)
{
  return g_list_model_get_item (G_LIST_MODEL (log), position);
}

static void
assert_bytes_equal (GBytes     *bytes,
                    const void *expected,
                    gsize       expected_len)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpmem (data, len, expected, expected_len);
}

static void
test_traffic_append_flush (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  ItemsChanged changed = { 0 };
  g_autoptr(SsTrafficEntry) received = NULL;
  g_autoptr(SsTrafficEntry) sent = NULL;
  g_autoptr(SsTrafficEntry) event = NULL;
  g_autoptr(GBytes) payload = NULL;
  gint64 before = g_get_real_time ();

  g_signal_connect (log, "items-changed", G_CALLBACK (items_changed_cb), &changed);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (log)) == SS_TYPE_TRAFFIC_ENTRY);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);

  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, (const guint8 *) "abc", 3);
  ss_traffic_log_append (log, SS_TRAFFIC_SENT, (const guint8 *) "\xff\x00", 2);
  ss_traffic_log_append_event (log, "Connected to %s:%d", "127.0.0.1", 80);

  /* counted at once, published on flush, in one change */
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED), ==, 3);
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_SENT), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
  g_assert_cmpuint (changed.n_signals, ==, 0);

  ss_traffic_log_flush (log);
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 3);

  ss_traffic_log_flush (log);
  g_assert_cmpuint (changed.n_signals, ==, 1);

  received = entry_at (log, 0);
  sent = entry_at (log, 1);
  event = entry_at (log, 2);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (log), 3));

  g_assert_cmpint (ss_traffic_entry_get_kind (received), ==, SS_TRAFFIC_RECEIVED);
  g_assert_cmpint (ss_traffic_entry_get_kind (sent), ==, SS_TRAFFIC_SENT);
  g_assert_cmpint (ss_traffic_entry_get_kind (event), ==, SS_TRAFFIC_EVENT);
  assert_bytes_equal (ss_traffic_entry_get_bytes (received), "abc", 3);
  assert_bytes_equal (ss_traffic_entry_get_bytes (sent), "\xff\x00", 2);
  assert_bytes_equal (ss_traffic_entry_get_bytes (event), "Connected to 127.0.0.1:80", 25);
  g_assert_cmpuint (ss_traffic_entry_get_length (sent), ==, 2);
  g_assert_cmpint (ss_traffic_entry_get_time (received), >=, before);
  g_assert_cmpint (ss_traffic_entry_get_time (event), >=, ss_traffic_entry_get_time (received));

  /* events never count as bytes */
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED), ==, 3);

  payload = ss_traffic_log_dup_payload (log, SS_TRAFFIC_SENT);
  assert_bytes_equal (payload, "\xff\x00", 2);

  /* a second batch is announced after the first */
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, (const guint8 *) "d", 1);
  ss_traffic_log_flush (log);
  g_assert_cmpuint (changed.n_signals, ==, 2);
  g_assert_cmpuint (changed.position, ==, 3);
  g_assert_cmpuint (changed.added, ==, 1);
  g_clear_pointer (&payload, g_bytes_unref);
  payload = ss_traffic_log_dup_payload (log, SS_TRAFFIC_RECEIVED);
  assert_bytes_equal (payload, "abcd", 4);
}

static void
test_traffic_entry_text (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("你好\xff\n", 8);
  g_autoptr(SsTrafficEntry) entry = ss_traffic_entry_new (SS_TRAFFIC_RECEIVED, 42, bytes);
  g_autofree char *text = ss_traffic_entry_dup_text (entry, 0);
  g_autofree char *cut = ss_traffic_entry_dup_text (entry, 3);

  g_assert_cmpstr (text, ==, "你好\\xff\\n");
  g_assert_cmpstr (cut, ==, "你…");
  g_assert_cmpint (ss_traffic_entry_get_time (entry), ==, 42);
  g_assert_true (ss_traffic_entry_get_bytes (entry) == bytes);
}

static void
test_traffic_large (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  g_autoptr(GBytes) payload = NULL;
  gsize big_len = 3 * 1024 * 1024 + 17;
  g_autofree guint8 *big = g_malloc (big_len);
  guint n_chunks = 0;

  for (gsize i = 0; i < big_len; i++)
    big[i] = (guint8) (i * 7 + i / 251);

  /* small chunks across block boundaries, one chunk larger than a block,
   * empty chunks, then small ones again */
  for (guint i = 0; i < 3000; i++)
    {
      gsize len = 1 + (i * 131) % 900;

      ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, big + i, len);
      g_byte_array_append (expected, big + i, len);
      n_chunks++;
    }
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, big, big_len);
  g_byte_array_append (expected, big, big_len);
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, big, 0);
  ss_traffic_log_append (log, SS_TRAFFIC_SENT, big, 5);
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, big + 5, 5);
  g_byte_array_append (expected, big + 5, 5);
  n_chunks += 4;
  ss_traffic_log_flush (log);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, n_chunks);
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED), ==, expected->len);
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_SENT), ==, 5);

  payload = ss_traffic_log_dup_payload (log, SS_TRAFFIC_RECEIVED);
  assert_bytes_equal (payload, expected->data, expected->len);

  {
    g_autoptr(SsTrafficEntry) whole = entry_at (log, 3000);
    g_autoptr(SsTrafficEntry) empty = entry_at (log, 3001);

    assert_bytes_equal (ss_traffic_entry_get_bytes (whole), big, big_len);
    g_assert_cmpuint (ss_traffic_entry_get_length (empty), ==, 0);
  }
}

static void
test_call_log (void)
{
  g_autoptr(SsCallLog) log = ss_call_log_new ();
  ItemsChanged changed = { 0 };
  g_autoptr(SsCall) first = NULL;
  SsCall *recorded;
  g_autofree char *c_ok = NULL;
  g_autofree char *c_failed = NULL;

  g_signal_connect (log, "items-changed", G_CALLBACK (items_changed_cb), &changed);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (log)) == SS_TYPE_CALL);

  recorded = ss_call_log_record (log, -1, "socket", "AF_INET, SOCK_STREAM, 0",
                                 "sk3 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", 3, 0);
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.added, ==, 1);

  ss_call_log_record (log, 3, "connect", "3, {AF_INET, 127.0.0.1:1}, 16",
                      "sk3.connect(('127.0.0.1', 1))", -1, ECONNREFUSED);
  g_assert_cmpuint (changed.n_signals, ==, 2);
  g_assert_cmpuint (changed.position, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 2);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (log), 2));

  first = g_list_model_get_item (G_LIST_MODEL (log), 0);
  g_assert_true (first == recorded);
  g_assert_cmpint (ss_call_get_fd (first), ==, -1);
  g_assert_cmpstr (ss_call_get_name (first), ==, "socket");
  g_assert_cmpstr (ss_call_get_python (first), ==, "sk3 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)");
  g_assert_cmpint (ss_call_get_result (first), ==, 3);
  g_assert_cmpint (ss_call_get_errno (first), ==, 0);
  g_assert_cmpint (ss_call_get_time (first), >, 0);

  c_ok = ss_call_to_c (first);
  g_assert_cmpstr (c_ok, ==, "socket(AF_INET, SOCK_STREAM, 0) = 3");
  {
    g_autoptr(SsCall) second = g_list_model_get_item (G_LIST_MODEL (log), 1);

    g_assert_cmpint (ss_call_get_errno (second), ==, ECONNREFUSED);
    c_failed = ss_call_to_c (second);
  }
  g_assert_true (g_str_has_prefix (c_failed, "connect(3, {AF_INET, 127.0.0.1:1}, 16) = -1 ECONNREFUSED ("));
}

/* Calls recorded under a hold join the model in one change when the last
 * hold goes; the script has them all the same. */
static void
test_call_log_hold (void)
{
  g_autoptr(SsCallLog) log = ss_call_log_new ();
  ItemsChanged changed = { 0 };
  g_autofree char *script = NULL;

  g_signal_connect (log, "items-changed", G_CALLBACK (items_changed_cb), &changed);
  ss_call_log_record (log, -1, "socket", "AF_INET, SOCK_STREAM, 0",
                      "sk3 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)", 3, 0);

  ss_call_log_hold (log);
  ss_call_log_hold (log);
  for (int fd = 4; fd < 7; fd++)
    {
      g_autofree char *python = g_strdup_printf ("conn%d, addr = sk3.accept()", fd);

      ss_call_log_record (log, 3, "accept4", "3, {AF_INET, 127.0.0.1:1}, [16]", python, fd, 0);
    }
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 1);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (log), 1));
  script = ss_call_log_to_python (log);
  g_assert_nonnull (strstr (script, "conn6, addr = sk3.accept()"));

  ss_call_log_release (log);
  g_assert_cmpuint (changed.n_signals, ==, 1);
  ss_call_log_release (log);
  g_assert_cmpuint (changed.n_signals, ==, 2);
  g_assert_cmpuint (changed.position, ==, 1);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 3);
  {
    g_autoptr(SsCall) last = g_list_model_get_item (G_LIST_MODEL (log), 3);

    g_assert_cmpint (ss_call_get_result (last), ==, 6);
  }

  /* nothing held back: at once again */
  ss_call_log_record (log, 3, "close", "3", "sk3.close()", 0, 0);
  g_assert_cmpuint (changed.n_signals, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 5);
}

static void
test_constants (void)
{
  const SsConstant *families, *types;
  guint n_families, n_types;
  int value = -1;

  families = ss_constants_families (&n_families);
  types = ss_constants_types (&n_types);
  g_assert_cmpuint (n_families, >=, 3);
  g_assert_cmpuint (n_types, >=, 2);
  /* the two a user reaches for first come first */
  g_assert_cmpstr (families[0].name, ==, "AF_INET");
  g_assert_cmpint (families[0].value, ==, AF_INET);
  g_assert_cmpstr (families[1].name, ==, "AF_INET6");
  g_assert_cmpint (families[1].value, ==, AF_INET6);
  g_assert_cmpstr (types[0].name, ==, "SOCK_STREAM");

  for (guint i = 0; i < n_families; i++)
    {
      g_assert_true (ss_family_from_name (families[i].name, &value));
      g_assert_cmpint (value, ==, families[i].value);
      g_assert_cmpstr (ss_family_name (families[i].value), ==, families[i].name);
      g_assert_nonnull (families[i].label);
    }
  for (guint i = 0; i < n_types; i++)
    {
      g_assert_true (ss_type_from_name (types[i].name, &value));
      g_assert_cmpint (value, ==, types[i].value);
      g_assert_cmpstr (ss_type_name (types[i].value), ==, types[i].name);
    }

  /* this platform's numbers, not the seed's Windows ones (AF_INET6 = 23) */
  g_assert_true (ss_family_from_name ("AF_INET6", &value));
  g_assert_cmpint (value, ==, AF_INET6);
  g_assert_true (ss_family_from_name ("AF_UNIX", &value));
  g_assert_cmpint (value, ==, AF_UNIX);
  g_assert_true (ss_type_from_name ("SOCK_DGRAM", &value));
  g_assert_cmpint (value, ==, SOCK_DGRAM);

  value = 12345;
  g_assert_false (ss_family_from_name ("AF_NOPE", &value));
  g_assert_false (ss_type_from_name ("sock_stream", &value));
  g_assert_cmpint (value, ==, 12345);
  g_assert_cmpstr (ss_family_name (9999), ==, "AF_?");
  g_assert_cmpstr (ss_type_name (9999), ==, "SOCK_?");

  g_assert_cmpstr (ss_errno_name (ECONNREFUSED), ==, "ECONNREFUSED");
  g_assert_cmpstr (ss_errno_name (EAGAIN), ==, "EAGAIN");
  g_assert_cmpstr (ss_errno_name (EPIPE), ==, "EPIPE");
  g_assert_cmpstr (ss_errno_name (99999), ==, "E?");
}

static void
test_errno_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("connect: %s (ECONNREFUSED)", g_strerror (ECONNREFUSED));

  ss_set_errno_error (&error, ECONNREFUSED, "connect");
  g_assert_error (error, SS_ERRNO_ERROR, ECONNREFUSED);
  g_assert_cmpstr (error->message, ==, expected);

  /* a NULL location is allowed, as everywhere in GLib */
  ss_set_errno_error (NULL, EPIPE, "send");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/logs/traffic/append-flush", test_traffic_append_flush);
  g_test_add_func ("/logs/traffic/entry-text", test_traffic_entry_text);
  g_test_add_func ("/logs/traffic/large", test_traffic_large);
  g_test_add_func ("/logs/calls", test_call_log);
  g_test_add_func ("/logs/calls/hold", test_call_log_hold);
  g_test_add_func ("/logs/constants", test_constants);
  g_test_add_func ("/logs/errno-error", test_errno_error);

  return g_test_run ();
}
