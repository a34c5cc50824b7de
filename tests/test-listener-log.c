/* test-listener-log.c — a listener's one log of all its connections:
 * merged in the order things happened, each entry naming its connection,
 * no payload copied, and found, saved and recorded as a whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-traffic-log.h"

#define ALL_KINDS (1u << SS_TRAFFIC_RECEIVED | 1u << SS_TRAFFIC_SENT | 1u << SS_TRAFFIC_EVENT)
#define RECEIVED  (1u << SS_TRAFFIC_RECEIVED)

static SsTrafficEntry *
entry_at (SsTrafficLog *log,
          guint         position)
{
  SsTrafficEntry *entry = g_list_model_get_item (G_LIST_MODEL (log), position);

  g_assert_nonnull (entry);
  return entry;
}

static void
assert_entry (SsTrafficLog  *log,
              guint          position,
              SsTrafficKind  kind,
              const char    *text,
              const char    *peer,
              guint          source)
{
  g_autoptr(SsTrafficEntry) entry = entry_at (log, position);
  g_autofree char *shown = ss_traffic_entry_dup_text (entry, 0);

  g_assert_cmpint (ss_traffic_entry_get_kind (entry), ==, kind);
  g_assert_cmpstr (shown, ==, text);
  g_assert_cmpstr (ss_traffic_entry_get_peer (entry), ==, peer);
  g_assert_cmpuint (ss_traffic_entry_get_source (entry), ==, source);
}

/* Two logs and their merge, by hand: order, labels, counts, find, and
 * what a source's clear or eviction does to the merged entries. */
static void
test_merge (void)
{
  g_autoptr(SsTrafficLog) own = ss_traffic_log_new ();
  g_autoptr(SsTrafficLog) first = ss_traffic_log_new ();
  g_autoptr(SsTrafficLog) second = ss_traffic_log_new ();
  g_autoptr(SsTrafficLog) merged = ss_traffic_log_new_merged ();
  g_autoptr(SsTrafficEntry) evicted = NULL;
  guint64 payload, overhead;

  g_assert_true (ss_traffic_log_is_merged (merged));
  g_assert_false (ss_traffic_log_is_merged (own));

  /* what the listener logged before joining comes along */
  ss_traffic_log_append_event (own, "Listening");
  g_assert_cmpuint (ss_traffic_log_add_source (merged, own, NULL, TRUE), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (merged)), ==, 1);

  /* what a connection logged before joining does not */
  ss_traffic_log_append_event (first, "Accepted from 127.0.0.1:1001");
  g_assert_cmpuint (ss_traffic_log_add_source (merged, first, "127.0.0.1:1001", FALSE), ==, 1);
  g_assert_cmpuint (ss_traffic_log_add_source (merged, second, "127.0.0.1:1002", FALSE), ==, 2);
  g_assert_cmpuint (ss_traffic_log_get_n_sources (merged), ==, 3);
  g_assert_true (ss_traffic_log_get_source (merged, 2) == second);
  g_assert_cmpstr (ss_traffic_log_get_source_label (merged, 1), ==, "127.0.0.1:1001");

  ss_traffic_log_append (first, SS_TRAFFIC_RECEIVED, (const guint8 *) "hello 你好", strlen ("hello 你好"));
  ss_traffic_log_append (second, SS_TRAFFIC_RECEIVED, (const guint8 *) "second", 6);
  ss_traffic_log_append_event (own, "Accepted");
  ss_traffic_log_append (first, SS_TRAFFIC_SENT, (const guint8 *) "reply", 5);
  /* published when the sources are */
  ss_traffic_log_flush (first);
  ss_traffic_log_flush (second);
  ss_traffic_log_flush (own);
  ss_traffic_log_flush (merged);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (merged)), ==, 5);
  assert_entry (merged, 0, SS_TRAFFIC_EVENT, "Listening", NULL, 0);
  assert_entry (merged, 1, SS_TRAFFIC_RECEIVED, "hello 你好", "127.0.0.1:1001", 1);
  assert_entry (merged, 2, SS_TRAFFIC_RECEIVED, "second", "127.0.0.1:1002", 2);
  assert_entry (merged, 3, SS_TRAFFIC_EVENT, "Accepted", NULL, 0);
  assert_entry (merged, 4, SS_TRAFFIC_SENT, "reply", "127.0.0.1:1001", 1);

  /* counters, find and the direction filter's arithmetic run on it */
  g_assert_cmpuint (ss_traffic_log_get_bytes (merged, SS_TRAFFIC_RECEIVED), ==, strlen ("hello 你好") + 6);
  g_assert_cmpuint (ss_traffic_log_get_bytes (merged, SS_TRAFFIC_SENT), ==, 5);
  g_assert_cmpuint (ss_traffic_log_find (merged, (const guint8 *) "sec", 3, 0, FALSE, ALL_KINDS), ==, 2);
  g_assert_cmpuint (ss_traffic_log_find (merged, (const guint8 *) "Accepted", 8, 4, TRUE, ALL_KINDS), ==, 3);
  g_assert_cmpuint (ss_traffic_log_find (merged, (const guint8 *) "reply", 5, 0, FALSE, RECEIVED), ==, G_MAXUINT);
  g_assert_cmpuint (ss_traffic_log_count_kinds (merged, RECEIVED, 5), ==, 2);
  g_assert_cmpuint (ss_traffic_log_nth_of_kinds (merged, RECEIVED, 1), ==, 2);

  /* the payload stays in the sources: the merge holds records only */
  ss_traffic_log_get_memory (merged, &payload, &overhead);
  g_assert_cmpuint (payload, ==, 0);

  /* a source cleared: its entries in the merge lose their bytes, never
   * show what the source logs next in their place */
  ss_traffic_log_clear (second);
  ss_traffic_log_append (second, SS_TRAFFIC_RECEIVED, (const guint8 *) "after", 5);
  ss_traffic_log_flush (second);
  ss_traffic_log_flush (merged);
  evicted = entry_at (merged, 2);
  g_assert_true (ss_traffic_entry_get_evicted (evicted));
  g_assert_cmpuint (ss_traffic_entry_get_length (evicted), ==, 6);
  assert_entry (merged, 5, SS_TRAFFIC_RECEIVED, "after", "127.0.0.1:1002", 2);
  g_assert_cmpuint (ss_traffic_log_find (merged, (const guint8 *) "second", 6, 0, FALSE, ALL_KINDS), ==, G_MAXUINT);

  /* clearing the merge forgets its entries, not the connections' */
  ss_traffic_log_clear (merged);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (merged)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (first)), ==, 3);
  ss_traffic_log_append (first, SS_TRAFFIC_RECEIVED, (const guint8 *) "more", 4);
  ss_traffic_log_flush (first);
  ss_traffic_log_flush (merged);
  assert_entry (merged, 0, SS_TRAFFIC_RECEIVED, "more", "127.0.0.1:1001", 1);

  /* the merge goes first: the sources go on, merged nowhere */
  g_assert_finalize_object (g_steal_pointer (&merged));
  ss_traffic_log_append (first, SS_TRAFFIC_RECEIVED, (const guint8 *) "alone", 5);
  ss_traffic_log_flush (first);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (first)), ==, 5);
}

/* Bytes a connection evicted within its own budget are gone from the
 * merge too, said as evicted; the counters stay exact. */
static void
test_merge_evicted (void)
{
  g_autoptr(SsTrafficLog) connection = ss_traffic_log_new ();
  g_autoptr(SsTrafficLog) merged = ss_traffic_log_new_merged ();
  g_autofree guint8 *chunk = g_malloc0 (256 * 1024);
  guint n;

  ss_traffic_log_add_source (merged, connection, "127.0.0.1:1001", FALSE);
  ss_traffic_log_set_budget (connection, 1024 * 1024);
  for (guint i = 0; i < 32; i++)
    ss_traffic_log_append (connection, SS_TRAFFIC_RECEIVED, chunk, 256 * 1024);
  ss_traffic_log_flush (connection);
  ss_traffic_log_flush (merged);

  n = g_list_model_get_n_items (G_LIST_MODEL (merged));
  g_assert_cmpuint (n, ==, 32);
  g_assert_cmpuint (ss_traffic_log_get_bytes (merged, SS_TRAFFIC_RECEIVED), ==, 32 * 256 * 1024);
  {
    g_autoptr(SsTrafficEntry) oldest = entry_at (merged, 0);
    g_autoptr(SsTrafficEntry) newest = entry_at (merged, n - 1);

    g_assert_true (ss_traffic_entry_get_evicted (oldest));
    g_assert_false (ss_traffic_entry_get_evicted (newest));
    g_assert_cmpuint (g_bytes_get_size (ss_traffic_entry_get_bytes (newest)), ==, 256 * 1024);
  }
}

typedef struct
{
  SsTrafficLog *log;
  const char   *needle;
} FindWait;

static gboolean
log_has (gpointer user_data)
{
  FindWait *wait = user_data;

  return ss_traffic_log_find (wait->log, (const guint8 *) wait->needle, strlen (wait->needle),
                              0, FALSE, ALL_KINDS) != G_MAXUINT;
}

/* The seed's client recipe, three times at once, against a listener:
 * every client's text is in the listener's own log, marked with its
 * client, in the order it happened. */
static void
test_seed_clients (void)
{
  static const char *texts[] = { "hello 你好", "second client", "third client, 第三" };
  g_autofree char *python = ss_test_find_python ();
  SsSession *session = ss_session_new ();
  SsSocket *listener;
  g_autofree char *script = NULL;
  g_autofree char *port = NULL;
  GSubprocess *clients[G_N_ELEMENTS (texts)] = { NULL };
  char *addresses[G_N_ELEMENTS (texts)] = { NULL };
  SsTrafficLog *all;
  guint64 payload;
  guint n;
  gint64 last_time = 0;

  if (python == NULL)
    {
      ss_test_finalize_session (session, NULL);
      return;
    }
  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  all = ss_socket_get_all_traffic (listener);
  g_assert_nonnull (all);
  port = g_strdup_printf ("%u", ss_test_port_of (ss_socket_get_local_address (listener)));
  script = g_build_filename (SS_TEST_SRCDIR, "peers", "seed_client.py", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *text_hex = ss_test_hex (texts[i], strlen (texts[i]));
      const char *argv[] = { python, script, "127.0.0.1", port, text_hex, "", "", "", NULL };
      g_autoptr(GDataInputStream) lines = NULL;

      clients[i] = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE, argv);
      lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (clients[i]));
      addresses[i] = ss_test_peer_read_line (clients[i], lines, SS_TEST_TIMEOUT_MS);
    }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      FindWait wait = { all, texts[i] };

      ss_test_peer_wait (clients[i], log_has, &wait, SS_TEST_TIMEOUT_MS, texts[i]);
    }

  /* each text once, named by its client's address */
  n = g_list_model_get_n_items (G_LIST_MODEL (all));
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      guint found = ss_traffic_log_find (all, (const guint8 *) texts[i], strlen (texts[i]), 0, FALSE, RECEIVED);
      g_autoptr(SsTrafficEntry) entry = entry_at (all, found);
      g_autofree char *shown = ss_traffic_entry_dup_text (entry, 0);

      g_assert_cmpstr (shown, ==, texts[i]);
      g_assert_cmpstr (ss_traffic_entry_get_peer (entry), ==, addresses[i]);
      g_assert_cmpuint (ss_traffic_log_find (all, (const guint8 *) texts[i], strlen (texts[i]),
                                             found + 1, FALSE, RECEIVED), ==, G_MAXUINT);
    }
  /* the listener's own steps are there too, and time never goes back */
  g_assert_cmpuint (ss_traffic_log_find (all, (const guint8 *) "Listening on", 12, 0, FALSE, ALL_KINDS), <,
                    ss_traffic_log_find (all, (const guint8 *) "Accepted a connection", 21, 0, FALSE, ALL_KINDS));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = entry_at (all, i);

      g_assert_cmpint (ss_traffic_entry_get_time (entry), >=, last_time);
      last_time = ss_traffic_entry_get_time (entry);
    }
  ss_traffic_log_get_memory (all, &payload, NULL);
  g_assert_cmpuint (payload, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      ss_test_peer_wait_exit_ok (clients[i], SS_TEST_TIMEOUT_MS);
      g_object_unref (clients[i]);
      g_free (addresses[i]);
    }
  ss_socket_close (listener);
  ss_test_finalize_session (session, NULL);
}

/* Each client's stream in a pcapng of the listener: its own TCP
 * conversation, with exactly its bytes. */
static void
assert_streams (const char  *path,
                int         *clients,
                const char **texts,
                guint        n)
{
  gboolean seen[8] = { FALSE };

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (seen));
  for (guint s = 0; s < n; s++)
    {
      SsTestFollow follow = { 0 };
      g_autoptr(GBytes) got = NULL;
      guint i;

      ss_test_tshark_follow_stream (path, "tcp", s, &follow);
      for (i = 0; i < n; i++)
        {
          g_autofree char *client = g_strdup_printf ("127.0.0.1:%u", ss_test_fd_local_port (clients[i]));

          if (g_strcmp0 (follow.node0, client) == 0)
            break;
        }
      g_assert_cmpuint (i, <, n);
      g_assert_false (seen[i]);
      seen[i] = TRUE;
      got = ss_test_follow_concat (&follow, 0);
      g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), texts[i], strlen (texts[i]));
      ss_test_follow_clear (&follow);
    }
}

/* Save Log and Record to File on a listener hold every connection, each
 * as a stream of its own, and a transcript names each line's client. */
static void
test_save_and_record (void)
{
  static const char *texts[] = { "GET / HTTP/1.0\r\n\r\n", "first line\nsecond\n", "\x01\x02 bin" };
  SsSession *session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-listener-XXXXXX", &error);
  g_autofree char *saved = g_build_filename (dir, "saved.pcapng", NULL);
  g_autofree char *recorded = g_build_filename (dir, "recorded.pcapng", NULL);
  g_autofree char *transcript = g_build_filename (dir, "log.txt", NULL);
  SsSocket *listener;
  g_autoptr(GBytes) text = NULL;
  g_autoptr(GFile) tree = NULL;
  int clients[G_N_ELEMENTS (texts)];
  guint64 missing = 0;
  guint16 port;

  g_assert_no_error (error);
  listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  port = ss_test_port_of (ss_socket_get_local_address (listener));
  g_assert_true (ss_socket_start_recording (listener, recorded, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      clients[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
      ss_test_wait_connections (listener, i + 1);
    }
  /* all talk at once */
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    ss_test_raw_send_all (clients[i], texts[i], strlen (texts[i]), SS_TEST_TIMEOUT_MS);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      SsSocket *connection = ss_test_connection_at (listener, i);

      ss_test_wait_bytes_in (connection, strlen (texts[i]));
    }
  ss_socket_stop_recording (listener);

  g_assert_true (ss_socket_save_traffic (listener, SS_EXPORT_TRANSCRIPT, transcript, &missing, &error));
  g_assert_no_error (error);
  text = ss_test_read_file (transcript);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *client = g_strdup_printf ("127.0.0.1:%u", ss_test_fd_local_port (clients[i]));

      g_assert_nonnull (g_strstr_len (g_bytes_get_data (text, NULL), g_bytes_get_size (text), client));
    }
  g_assert_true (ss_socket_save_traffic (listener, SS_EXPORT_PCAPNG, saved, &missing, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (missing, ==, 0);

  if (ss_test_have_tshark ())
    {
      assert_streams (saved, clients, texts, G_N_ELEMENTS (texts));
      assert_streams (recorded, clients, texts, G_N_ELEMENTS (texts));
    }

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_assert_no_errno (close (clients[i]));
  ss_socket_close (listener);
  ss_test_finalize_session (session, NULL);
  tree = g_file_new_for_path (dir);
  ss_test_remove_tree (tree);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/listener-log/merge", test_merge);
  g_test_add_func ("/listener-log/merge-evicted", test_merge_evicted);
  g_test_add_func ("/listener-log/seed-clients", test_seed_clients);
  g_test_add_func ("/listener-log/save-and-record", test_save_and_record);

  return g_test_run ();
}
