/* test-message-log.c — a traffic log as messages: framed as records
 * arrive or afterwards alike, incomplete tails, exact counts, Find across
 * chunks, eviction, clearing, a listener's merged log, the check hook and
 * the index's cost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "ss-message-log.h"
#include "ss-traffic-export.h"

static SsMessageLog *
new_messages (SsTrafficLog *log,
              const char   *spec_text)
{
  SsFramerSpec spec;

  g_assert_true (ss_framer_spec_parse (spec_text, &spec, NULL));
  return ss_message_log_new (log, &spec);
}

static void
append (SsTrafficLog  *log,
        SsTrafficKind  kind,
        const char    *text)
{
  ss_traffic_log_append (log, kind, (const guint8 *) text, strlen (text));
}

static void
assert_message (GListModel    *model,
                guint          position,
                SsTrafficKind  kind,
                const char    *text,
                guint          flags)
{
  g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, position);
  GBytes *bytes;

  g_assert_nonnull (entry);
  g_assert_cmpint (ss_traffic_entry_get_kind (entry), ==, kind);
  bytes = ss_traffic_entry_get_bytes (entry);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), text, strlen (text));
  if (kind != SS_TRAFFIC_EVENT)
    g_assert_cmphex (ss_traffic_entry_get_message_flags (entry) & ~SS_MESSAGE_FRAMED, ==, flags);
}

static void
feed_conversation (SsTrafficLog *log)
{
  append (log, SS_TRAFFIC_RECEIVED, "he");
  append (log, SS_TRAFFIC_SENT, "GET\n");
  ss_traffic_log_append_event (log, "an event");
  append (log, SS_TRAFFIC_RECEIVED, "llo\nwor");
  append (log, SS_TRAFFIC_RECEIVED, "ld\n\npar");
  ss_traffic_log_flush (log);
}

static void
check_conversation (SsMessageLog *messages)
{
  GListModel *model = G_LIST_MODEL (messages);
  g_autoptr(SsTrafficEntry) hello = NULL;
  g_autoptr(SsTrafficEntry) tail = NULL;
  g_autofree char *preview = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 7);
  assert_message (model, 0, SS_TRAFFIC_RECEIVED, "hello\n", 0);
  assert_message (model, 1, SS_TRAFFIC_SENT, "GET\n", 0);
  assert_message (model, 2, SS_TRAFFIC_EVENT, "an event", 0);
  assert_message (model, 3, SS_TRAFFIC_RECEIVED, "world\n", 0);
  assert_message (model, 4, SS_TRAFFIC_RECEIVED, "\n", 0);
  assert_message (model, 5, SS_TRAFFIC_RECEIVED, "par", SS_MESSAGE_INCOMPLETE);

  /* the chunks a message came from */
  hello = g_list_model_get_item (model, 0);
  g_assert_cmpuint (ss_traffic_entry_get_first_chunk (hello), ==, 0);
  g_assert_cmpuint (ss_traffic_entry_get_n_chunks (hello), ==, 2);
  tail = g_list_model_get_item (model, 5);
  preview = ss_traffic_entry_dup_text (tail, 200);
  g_assert_cmpstr (preview, ==, "(incomplete, 3 bytes so far) par");

  /* exact: every byte in one message */
  g_assert_cmpuint (ss_message_log_get_bytes (messages, SS_TRAFFIC_RECEIVED), ==,
                    ss_traffic_log_get_bytes (ss_message_log_get_log (messages), SS_TRAFFIC_RECEIVED));
  g_assert_cmpuint (ss_message_log_get_count (messages, SS_TRAFFIC_RECEIVED), ==, 4);
  g_assert_cmpuint (ss_message_log_get_count (messages, SS_TRAFFIC_SENT), ==, 2);
}

static void
test_live_and_afterwards (void)
{
  g_autoptr(SsTrafficLog) live_log = ss_traffic_log_new ();
  g_autoptr(SsTrafficLog) later_log = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) live = new_messages (live_log, "delimiter:\\n");
  g_autoptr(SsMessageLog) later = NULL;
  feed_conversation (live_log);
  append (live_log, SS_TRAFFIC_SENT, "x");
  /* not published yet: the model waits for the log's */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (live)), ==, 6);
  ss_traffic_log_flush (live_log);
  check_conversation (live);

  /* framing switched on afterwards: the same messages */
  feed_conversation (later_log);
  append (later_log, SS_TRAFFIC_SENT, "x");
  ss_traffic_log_flush (later_log);
  later = new_messages (later_log, "delimiter:\\n");
  check_conversation (later);

  /* the tail completes in place: the row stays where it began */
  append (later_log, SS_TRAFFIC_RECEIVED, "t\n");
  ss_traffic_log_flush (later_log);
  assert_message (G_LIST_MODEL (later), 5, SS_TRAFFIC_RECEIVED, "part\n", 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (later)), ==, 7);
}

static void
test_find_and_kinds (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) messages = new_messages (log, "delimiter:\\n");
  guint received = 1u << SS_TRAFFIC_RECEIVED;
  guint all = received | 1u << SS_TRAFFIC_SENT | 1u << SS_TRAFFIC_EVENT;

  feed_conversation (log);
  /* "ell" is in no chunk, but in the first message */
  g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) "ell", 3, 0, FALSE, all), ==, G_MAXUINT);
  g_assert_cmpuint (ss_message_log_find (messages, (const guint8 *) "ell", 3, 0, FALSE, all), ==, 0);
  g_assert_cmpuint (ss_message_log_find (messages, (const guint8 *) "orld", 4, 0, FALSE, all), ==, 3);
  g_assert_cmpuint (ss_message_log_find (messages, (const guint8 *) "orld", 4, 2, TRUE, all), ==, G_MAXUINT);
  g_assert_cmpuint (ss_message_log_find (messages, (const guint8 *) "GET", 3, 0, FALSE, received), ==, G_MAXUINT);
  g_assert_cmpuint (ss_message_log_count_kinds (messages, received, 4), ==, 2);
  g_assert_cmpuint (ss_message_log_nth_of_kinds (messages, received, 2), ==, 4);
}

static void
test_evicted_and_cleared (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) messages = NULL;
  g_autofree guint8 *block = g_malloc (1024 * 1024);
  guint n;

  /* a tiny budget: the first megabyte's lines go, their records stay */
  memset (block, 'a', 1024 * 1024);
  for (guint i = 63; i < 1024 * 1024; i += 64)
    block[i] = '\n';
  ss_traffic_log_set_budget (log, 1536 * 1024);
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, block, 1024 * 1024);
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, block, 1024 * 1024);
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, (const guint8 *) "end\n", 4);
  ss_traffic_log_flush (log);
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_RECEIVED), >, 0);

  messages = new_messages (log, "delimiter:\\n");
  n = g_list_model_get_n_items (G_LIST_MODEL (messages));
  /* the evicted megabyte is one message saying so, the rest are lines */
  g_assert_cmphex (ss_message_log_get_flags (messages, 0), ==, SS_MESSAGE_EVICTED);
  g_assert_cmpuint (n, ==, 1 + 16384 + 1);
  assert_message (G_LIST_MODEL (messages), n - 1, SS_TRAFFIC_RECEIVED, "end\n", 0);
  g_assert_cmpuint (ss_message_log_get_bytes (messages, SS_TRAFFIC_RECEIVED), ==,
                    ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED));

  ss_traffic_log_clear (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (messages)), ==, 0);
  append (log, SS_TRAFFIC_RECEIVED, "again\n");
  ss_traffic_log_flush (log);
  assert_message (G_LIST_MODEL (messages), 0, SS_TRAFFIC_RECEIVED, "again\n", 0);
}

static void
test_merged (void)
{
  g_autoptr(SsTrafficLog) merged = ss_traffic_log_new_merged ();
  g_autoptr(SsTrafficLog) a = ss_traffic_log_new ();
  g_autoptr(SsTrafficLog) b = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) messages = NULL;
  g_autoptr(SsTrafficEntry) first = NULL;

  ss_traffic_log_add_source (merged, a, "127.0.0.1:1", FALSE);
  ss_traffic_log_add_source (merged, b, "127.0.0.1:2", FALSE);
  messages = new_messages (merged, "delimiter:\\n");
  /* two connections' lines interleaved: each framed in its own stream */
  append (a, SS_TRAFFIC_RECEIVED, "a1-");
  append (b, SS_TRAFFIC_RECEIVED, "b1-");
  append (a, SS_TRAFFIC_RECEIVED, "x\na2\n");
  append (b, SS_TRAFFIC_RECEIVED, "y\n");
  ss_traffic_log_flush (a);
  ss_traffic_log_flush (b);
  ss_traffic_log_flush (merged);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (messages)), ==, 3);
  assert_message (G_LIST_MODEL (messages), 0, SS_TRAFFIC_RECEIVED, "a1-x\n", 0);
  assert_message (G_LIST_MODEL (messages), 1, SS_TRAFFIC_RECEIVED, "b1-y\n", 0);
  assert_message (G_LIST_MODEL (messages), 2, SS_TRAFFIC_RECEIVED, "a2\n", 0);
  first = g_list_model_get_item (G_LIST_MODEL (messages), 1);
  g_assert_cmpstr (ss_traffic_entry_get_peer (first), ==, "127.0.0.1:2");
  g_assert_cmpuint (ss_traffic_entry_get_source (first), ==, 1);
}

static gboolean
ends_with_ok (SsTrafficKind  kind,
              const guint8  *data,
              gsize          len,
              gpointer       user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return len >= 3 && memcmp (data + len - 3, "OK\n", 3) == 0;
}

static void
test_check_hook (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) messages = new_messages (log, "delimiter:\\n");
  guint calls = 0;

  ss_message_log_set_check (messages, ends_with_ok, &calls, NULL);
  append (log, SS_TRAFFIC_RECEIVED, "1 OK\n2 ERR\n3 O");
  append (log, SS_TRAFFIC_RECEIVED, "K\n");
  ss_traffic_log_flush (log);
  g_assert_cmpuint (calls, ==, 3);
  g_assert_cmphex (ss_message_log_get_flags (messages, 0), ==, SS_MESSAGE_GOOD);
  g_assert_cmphex (ss_message_log_get_flags (messages, 1), ==, SS_MESSAGE_BAD);
  g_assert_cmphex (ss_message_log_get_flags (messages, 2), ==, SS_MESSAGE_GOOD);
}

static void
test_idle_messages (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) messages = new_messages (log, "idle:3600000");

  append (log, SS_TRAFFIC_RECEIVED, "ab");
  append (log, SS_TRAFFIC_RECEIVED, "cd");
  ss_traffic_log_flush (log);
  assert_message (G_LIST_MODEL (messages), 0, SS_TRAFFIC_RECEIVED, "abcd", SS_MESSAGE_INCOMPLETE);
  /* an hour of quiet, on the records' clock, not the test's */
  g_assert_false (ss_message_log_close_idle (messages, g_get_real_time ()));
  g_assert_true (ss_message_log_close_idle (messages, g_get_real_time () + (gint64) 3600 * G_USEC_PER_SEC));
  append (log, SS_TRAFFIC_RECEIVED, "e");
  ss_traffic_log_flush (log);
  assert_message (G_LIST_MODEL (messages), 0, SS_TRAFFIC_RECEIVED, "abcd", 0);
  assert_message (G_LIST_MODEL (messages), 1, SS_TRAFFIC_RECEIVED, "e", SS_MESSAGE_INCOMPLETE);
}

/* A random stream of short and long lines, in random chunks: the
 * messages are its lines, whatever the chunking (a one-byte delimiter
 * takes the log's own path for whole lines, a block of 64 bytes at a
 * time, a longer one the framer's) */
static void
test_random_chunkings (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
      g_autoptr(SsMessageLog) messages = NULL;
      /* the first rounds long enough for pages of lengths to fill */
      gsize len = g_rand_int_range (rand, 1, round < 4 ? 400000 : 40000);
      g_autofree guint8 *data = g_malloc (len);
      gsize at = 0, start = 0;
      guint n = 0;
      const char *delimiter = round % 3 ? "\n" : "a\n";
      gsize delimiter_len = strlen (delimiter);

      for (gsize i = 0; i < len; i++)
        data[i] = g_rand_int_range (rand, 0, round % 2 ? 3 : 100) == 0 ? '\n' : 'a' + i % 26;
      messages = new_messages (log, round % 3 ? "delimiter:\\n" : "delimiter:a\\n");
      while (at < len)
        {
          /* not in MIN (): it would draw twice */
          gsize chunk = g_rand_int_range (rand, 1, round % 2 ? 20 : 3000);

          chunk = MIN (chunk, len - at);

          ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, data + at, chunk);
          at += chunk;
        }
      ss_traffic_log_flush (log);

      /* each message ends at a delimiter, or is the tail */
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (messages)); i++)
        {
          g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (messages), i);
          gsize size;
          const guint8 *bytes = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &size);
          gboolean last = i + 1 == g_list_model_get_n_items (G_LIST_MODEL (messages));

          g_assert_cmpmem (bytes, size, data + start, size);
          /* only the last may be incomplete, and says so */
          if (!last || !(ss_traffic_entry_get_message_flags (entry) & SS_MESSAGE_INCOMPLETE))
            g_assert_true (size >= delimiter_len && memcmp (bytes + size - delimiter_len, delimiter, delimiter_len) == 0);
          g_assert_null (memmem (bytes, size - 1, delimiter, delimiter_len));
          start += size;
          n++;
        }
      g_assert_cmpuint (start, ==, len);
      g_assert_cmpuint (n, ==, ss_message_log_get_count (messages, SS_TRAFFIC_RECEIVED));
    }
}

/* "The message index costs ≤ 16 bytes per message beyond the existing
 * record": lines of one chunk cost about 2 bytes each; a message to a
 * chunk, the worst case (a conversation), 14 and its page's slack */
static void
test_index_cost (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) messages = new_messages (log, "delimiter:\\n");
  g_autoptr(SsTrafficLog) talk = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) exchanges = new_messages (talk, "delimiter:\\n");
  g_autofree guint8 *chunk = g_malloc (65536);
  guint64 n;

  /* 327,680 lines of 2 bytes: ten pages of lengths */
  for (guint i = 0; i < 65536; i++)
    chunk[i] = i % 2 ? '\n' : 'x';
  for (guint i = 0; i < 10; i++)
    ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, chunk, 65536);
  ss_traffic_log_flush (log);
  n = ss_message_log_get_count (messages, SS_TRAFFIC_RECEIVED);
  g_assert_cmpuint (n, ==, 327680);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (messages)), ==, n);
  for (guint i = 0; i < n; i += 4099)
    assert_message (G_LIST_MODEL (messages), i, SS_TRAFFIC_RECEIVED, "x\n", 0);
  assert_message (G_LIST_MODEL (messages), n - 1, SS_TRAFFIC_RECEIVED, "x\n", 0);
  g_test_message ("lines: %.2f bytes a message", (double) ss_message_log_get_memory (messages) / n);
  g_assert_cmpuint (ss_message_log_get_memory (messages), <=, 2 * n + 64 * 1024);

  /* past a million (40 pages of lengths, the fast path's room checked
   * at each page's end): every message reads the same */
  for (guint i = 0; i < 30; i++)
    ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, chunk, 65536);
  ss_traffic_log_flush (log);
  n = ss_message_log_get_count (messages, SS_TRAFFIC_RECEIVED);
  g_assert_cmpuint (n, ==, 40 * 32768);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (messages)), ==, n);
  for (guint i = 32 * 32768 - 3; i < 32 * 32768 + 3; i++)
    assert_message (G_LIST_MODEL (messages), i, SS_TRAFFIC_RECEIVED, "x\n", 0);
  for (guint i = 0; i < n; i += 40009)
    assert_message (G_LIST_MODEL (messages), i, SS_TRAFFIC_RECEIVED, "x\n", 0);
  assert_message (G_LIST_MODEL (messages), n - 1, SS_TRAFFIC_RECEIVED, "x\n", 0);
  g_assert_cmpuint (ss_message_log_get_memory (messages), <=, 2 * n + 64 * 1024);

  /* one message a chunk, the two directions in turn: a run each */
  for (guint i = 0; i < 50000; i++)
    append (talk, i % 2 ? SS_TRAFFIC_SENT : SS_TRAFFIC_RECEIVED, i % 3 ? "ping\n" : "pong\n");
  ss_traffic_log_flush (talk);
  n = g_list_model_get_n_items (G_LIST_MODEL (exchanges));
  g_assert_cmpuint (n, ==, 50000);
  g_test_message ("one a chunk: %.2f bytes a message", (double) ss_message_log_get_memory (exchanges) / n);
  g_assert_cmpuint (ss_message_log_get_memory (exchanges), <=, 16 * n);
  assert_message (G_LIST_MODEL (exchanges), 49999, SS_TRAFFIC_SENT, "ping\n", 0);
  g_assert_cmpuint (ss_message_log_count_kinds (exchanges, 1u << SS_TRAFFIC_SENT, n), ==, 25000);
  g_assert_cmpuint (ss_message_log_nth_of_kinds (exchanges, 1u << SS_TRAFFIC_SENT, 100), ==, 201);
  g_assert_cmpuint (ss_message_log_find (exchanges, (const guint8 *) "pong", 4, 49999, TRUE,
                                         1u << SS_TRAFFIC_SENT), ==, 49995);
}

/* Messages of 64 KiB and more (their length kept apart), among short
 * ones, in one chunk and across chunks, read forward and backward */
static void
test_long_messages (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) messages = new_messages (log, "delimiter:\\n");
  gsize long_len = 100000;
  g_autofree char *stream = g_malloc (3 * long_len);
  g_autofree char *line = NULL;
  gsize at = 0;

  /* a, a 100,000-byte line, b, then a 70,000-byte line over three chunks */
  memcpy (stream + at, "a\n", 2), at += 2;
  memset (stream + at, 'L', long_len - 1), at += long_len - 1;
  stream[at++] = '\n';
  memcpy (stream + at, "b\n", 2), at += 2;
  memset (stream + at, 'M', 69999), at += 69999;
  stream[at++] = '\n';
  memcpy (stream + at, "c", 1), at += 1;
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, (const guint8 *) stream, long_len + 4);
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, (const guint8 *) stream + long_len + 4, 30000);
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, (const guint8 *) stream + long_len + 30004,
                         at - long_len - 30004);
  ss_traffic_log_flush (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (messages)), ==, 5);
  assert_message (G_LIST_MODEL (messages), 0, SS_TRAFFIC_RECEIVED, "a\n", 0);
  line = g_strndup (stream + 2, long_len);
  assert_message (G_LIST_MODEL (messages), 1, SS_TRAFFIC_RECEIVED, line, 0);
  g_free (line);
  assert_message (G_LIST_MODEL (messages), 2, SS_TRAFFIC_RECEIVED, "b\n", 0);
  line = g_strndup (stream + long_len + 4, 70000);
  assert_message (G_LIST_MODEL (messages), 3, SS_TRAFFIC_RECEIVED, line, 0);
  assert_message (G_LIST_MODEL (messages), 4, SS_TRAFFIC_RECEIVED, "c", SS_MESSAGE_INCOMPLETE);
  g_assert_cmpuint (ss_message_log_find (messages, (const guint8 *) "b\n", 2, 4, TRUE, 1u << SS_TRAFFIC_RECEIVED), ==, 2);
  g_assert_cmpuint (ss_message_log_find (messages, (const guint8 *) "a\n", 2, 4, TRUE, 1u << SS_TRAFFIC_RECEIVED), ==, 0);
  g_assert_cmpuint (ss_message_log_find (messages, (const guint8 *) "MMM\nc", 5, 0, FALSE, 1u << SS_TRAFFIC_RECEIVED), ==, G_MAXUINT);
  g_assert_cmpuint (ss_message_log_find (messages, (const guint8 *) "c", 1, 0, FALSE, 1u << SS_TRAFFIC_RECEIVED), ==, 4);
  /* its end: the tail is whole, and no longer incomplete */
  append (log, SS_TRAFFIC_RECEIVED, "d\n");
  ss_traffic_log_flush (log);
  assert_message (G_LIST_MODEL (messages), 4, SS_TRAFFIC_RECEIVED, "cd\n", 0);
}

static char *
export_to_text (SsMessageLog   *messages,
                SsExportFormat  format,
                const char     *dir,
                gsize          *len)
{
  g_autofree char *path = g_build_filename (dir, ss_export_format_get_extension (format), NULL);
  g_autoptr(GError) error = NULL;
  guint64 missing = 1;
  char *contents = NULL;

  g_assert_true (ss_traffic_export_messages (messages, format, path, &missing, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (missing, ==, 0);
  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  g_assert_no_errno (g_unlink (path));
  return contents;
}

/* Saving split into messages: a heading a message in the transcript and
 * the hex dump, whatever the chunks; raw, the stream as it was */
static void
test_exports (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  g_autoptr(SsMessageLog) messages = new_messages (log, "delimiter:\\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-messages-XXXXXX", &error);
  g_autofree char *transcript = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *raw = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len;
  guint headings = 0;

  g_assert_no_error (error);
  append (log, SS_TRAFFIC_RECEIVED, "he");
  append (log, SS_TRAFFIC_RECEIVED, "llo\nwor");
  append (log, SS_TRAFFIC_SENT, "ok\n");
  append (log, SS_TRAFFIC_RECEIVED, "ld\nta");
  ss_traffic_log_flush (log);

  transcript = export_to_text (messages, SS_EXPORT_TRANSCRIPT, dir, &len);
  lines = g_strsplit (transcript, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      static const char *const wanted[] = {
        "<<< received 6", "<<< received 6", ">>> sent 3", "<<< received 2 (incomplete, 2 bytes so far)",
      };
      const char *heading = strstr (lines[i], "  ");

      if (heading == NULL || (!g_str_has_prefix (heading + 2, "<<<") && !g_str_has_prefix (heading + 2, ">>>")))
        continue;
      g_assert_cmpuint (headings, <, G_N_ELEMENTS (wanted));
      if (!g_str_has_prefix (heading + 2, wanted[headings]))
        g_error ("heading %u is “%s”, not “%s”", headings, heading + 2, wanted[headings]);
      headings++;
    }
  g_assert_cmpuint (headings, ==, 4);
  g_assert_nonnull (strstr (transcript, "hello\\n"));
  g_assert_nonnull (strstr (transcript, "world\\n"));

  hex = export_to_text (messages, SS_EXPORT_HEX_DUMP, dir, &len);
  g_assert_nonnull (strstr (hex, "00000000  68 65 6c 6c 6f 0a "));
  g_assert_nonnull (strstr (hex, "00000000  77 6f 72 6c 64 0a "));

  raw = export_to_text (messages, SS_EXPORT_RAW_RECEIVED, dir, &len);
  g_assert_cmpmem (raw, len, "hello\nworld\nta", 14);
  g_free (raw);
  raw = export_to_text (messages, SS_EXPORT_RAW_SENT, dir, &len);
  g_assert_cmpmem (raw, len, "ok\n", 3);
  g_assert_no_errno (g_rmdir (dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message-log/live-and-afterwards", test_live_and_afterwards);
  g_test_add_func ("/message-log/find-and-kinds", test_find_and_kinds);
  g_test_add_func ("/message-log/evicted-and-cleared", test_evicted_and_cleared);
  g_test_add_func ("/message-log/merged", test_merged);
  g_test_add_func ("/message-log/check-hook", test_check_hook);
  g_test_add_func ("/message-log/idle", test_idle_messages);
  g_test_add_func ("/message-log/random-chunkings", test_random_chunkings);
  g_test_add_func ("/message-log/index-cost", test_index_cost);
  g_test_add_func ("/message-log/long-messages", test_long_messages);
  g_test_add_func ("/message-log/exports", test_exports);

  return g_test_run ();
}
