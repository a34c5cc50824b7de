/* test-sequence.c — send sequences: the steps' text form, sequences in
 * payloads.ini, and runs against a python3 device on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-payload-file.h"
#include "ss-sequence-file.h"
#include "ss-sequence-run.h"
#include "ss-session.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"

#define PEER_TIMEOUT_MS 20000

/* --- The text form --------------------------------------------------- */

static void
test_parse_good (void)
{
  /* what is written, and how it is written back */
  static const struct { const char *text; const char *canonical; } cases[] = {
    { "send INIT", "send INIT" },
    { "  send   HTTP GET / ", "send HTTP GET / " },
    { "send 读数", "send 读数" },
    { "wait 200", "wait 200" },
    { "wait 0", "wait 0" },
    { "wait 86400000", "wait 86400000" },
    { "expect contains 1000 OK", "expect contains 1000 OK" },
    { "expect contains/text 1000 OK", "expect contains 1000 OK" },
    { "expect exact/escapes 500 OK\\r\\n", "expect exact/escapes 500 OK\\r\\n" },
    { "expect starts-with/hex 50 4f 4B", "expect starts-with/hex 50 4f 4B" },
    { "expect regex 2000 ^VALUE [0-9]+", "expect regex 2000 ^VALUE [0-9]+" },
    { "expect   contains   10   two  words", "expect contains 10 two  words" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SsStep) step = ss_step_parse (cases[i].text, &error);
      g_autoptr(SsStep) again = NULL;
      g_autofree char *text = NULL;
      g_autofree char *description = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (step);
      text = ss_step_to_string (step);
      g_assert_cmpstr (text, ==, cases[i].canonical);
      again = ss_step_parse (text, &error);
      g_assert_no_error (error);
      g_assert_true (ss_step_equal (step, again));
      description = ss_step_dup_description (step);
      g_assert_cmpstr (description, !=, "");
    }

  {
    g_autoptr(SsStep) step = ss_step_parse ("expect exact/hex 250 4f4b0a", NULL);

    g_assert_cmpint (step->kind, ==, SS_STEP_EXPECT);
    g_assert_cmpint (step->match, ==, SS_MATCH_EXACT);
    g_assert_cmpint (step->encoding, ==, SS_ENCODING_HEX);
    g_assert_cmpuint (step->ms, ==, 250);
    g_assert_cmpstr (step->pattern, ==, "4f4b0a");
  }
}

static void
test_parse_bad (void)
{
  static const char * const bad[] = {
    "",
    "   ",
    "sned INIT",
    "SEND INIT",
    "send",
    "send   ",
    "wait",
    "wait -1",
    "wait 1.5",
    "wait 200ms",
    "wait 86400001",
    "wait 99999999999999999999",
    "wait 200 300",
    "expect",
    "expect contains",
    "expect contains 1000",
    "expect contains 1000 ",
    "expect contains x OK",
    "expect matches 1000 OK",
    "expect contains/base64 1000 T0s=",
    "expect contains/file 1000 /etc/passwd",
    "expect contains/utf16 1000 OK",
    "expect contains/ 1000 OK",
    "expect regex/hex 1000 4f",
    "expect regex 1000 (unclosed",
    "expect contains/hex 1000 4g",
    "expect contains/hex 1000 4f4",
    "expect contains/escapes 1000 \\q",
    "send INIT\nsend READ",
    "expect contains 1000 OK\r",
    "send \xff\xfe",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SsStep) step = ss_step_parse (bad[i], &error);

      if (step != NULL)
        g_error ("“%s” parsed", bad[i]);
      g_assert_error (error, SS_SEQUENCE_ERROR, SS_SEQUENCE_ERROR_PARSE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

/* --- payloads.ini ---------------------------------------------------- */

static SsSequence *
make_sequence (const char        *name,
               const char *const *steps)
{
  SsSequence *sequence = ss_sequence_new (name);

  for (guint i = 0; steps[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      SsStep *step = ss_step_parse (steps[i], &error);

      g_assert_no_error (error);
      ss_sequence_insert_step (sequence, -1, step);
    }
  return sequence;
}

static void
test_file_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ss-sequence-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "payloads.ini", NULL);
  g_autoptr(SsPayloadStore) store = ss_payload_store_new (path);
  g_autoptr(SsPayloadStore) again = ss_payload_store_new (path);
  g_autoptr(SsPayload) init = ss_payload_new ("INIT", SS_ENCODING_TEXT, "INIT", SS_LINE_ENDING_LF);
  g_autoptr(SsSequence) first = make_sequence ("INIT-READ", (const char *const []) {
    "send INIT", "expect contains 1000 OK", "send READ", "wait 200", NULL });
  g_autoptr(SsSequence) second = make_sequence (" back\\slash ", (const char *const []) {
    "expect exact/escapes 500 OK\\r\\n", "expect regex 10 ^a\\s+b$", NULL });
  g_autoptr(SsSequence) empty = ss_sequence_new ("");
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *payload_text = NULL;
  GListStore *sequences;

  ss_payload_store_put (store, init);
  sequences = ss_payload_store_get_sequences (store);
  g_list_store_append (sequences, first);
  g_list_store_append (sequences, second);
  g_list_store_append (sequences, empty);
  g_assert_true (ss_payload_store_save (store, &error));
  g_assert_no_error (error);

  /* the payloads are written as before, the sequences after them */
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_ptr_array_add (payloads, g_object_ref (init));
  payload_text = ss_payload_file_serialize (payloads, NULL);
  g_assert_true (g_str_has_prefix (data, payload_text));
  g_assert_nonnull (strstr (data, "[Sequence 1]\nName=INIT-READ\nStep1=send INIT\n"
                                  "Step2=expect contains 1000 OK\n"));

  g_assert_true (ss_payload_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  sequences = ss_payload_store_get_sequences (again);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sequences)), ==, 3);
  {
    g_autoptr(SsSequence) a = g_list_model_get_item (G_LIST_MODEL (sequences), 0);
    g_autoptr(SsSequence) b = g_list_model_get_item (G_LIST_MODEL (sequences), 1);
    g_autoptr(SsSequence) c = g_list_model_get_item (G_LIST_MODEL (sequences), 2);

    g_assert_true (ss_sequence_equal (a, first));
    g_assert_true (ss_sequence_equal (b, second));
    g_assert_true (ss_sequence_equal (c, empty));
  }

  /* a step that does not parse: the file is left alone, and says where */
  g_assert_true (g_file_set_contents (path,
                                      "[Sockscope Payloads]\nVersion=1\n\n"
                                      "[Payload 1]\nName=A\nContent=a\n\n"
                                      "[Sequence 1]\nName=S\nStep1=wait 10\nStep2=wiat 10\n",
                                      -1, NULL));
  g_assert_false (ss_payload_store_load (again, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "[Sequence 1] Step2"));
  g_assert_true (ss_payload_store_get_broken (again));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sequences)), ==, 0);
  g_clear_error (&error);

  /* a file without sequences reads as before */
  g_assert_true (g_file_set_contents (path, "[Sockscope Payloads]\n[Payload 1]\nContent=a\n",
                                      -1, NULL));
  g_assert_true (ss_payload_store_load (again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* --- Runs against a device ------------------------------------------- */

typedef struct
{
  char             *python;
  GSubprocess      *device;
  GDataInputStream *lines;
  SsSession        *session;
  SsSocket         *client;
  SsPayloadStore   *library;
  char             *dir;
  char             *path;
} Bench;

static gboolean
bench_init (Bench *bench)
{
  g_autofree char *script = NULL;
  g_autofree char *port = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const commands[] = { "INIT", "BAD", "READ", "SPLIT", "SILENT" };

  memset (bench, 0, sizeof *bench);
  bench->python = ss_test_find_python ();
  if (bench->python == NULL)
    return FALSE;
  script = g_test_build_filename (G_TEST_DIST, "peers", "device_sim.py", NULL);
  bench->device = ss_test_spawn_peer (G_SUBPROCESS_FLAGS_NONE,
                                      (const char *const []) { bench->python, script, NULL });
  bench->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bench->device));
  port = ss_test_peer_read_line (bench->device, bench->lines, PEER_TIMEOUT_MS);

  bench->session = ss_session_new ();
  bench->client = ss_session_create_socket (bench->session, AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  address = g_strdup_printf ("127.0.0.1:%s", port);
  ss_socket_connect_async (bench->client, address, NULL, ss_test_store_result_cb, &result);
  ss_test_peer_wait (bench->device, ss_test_pointer_is_set, &result, PEER_TIMEOUT_MS,
                     "the connection to the device");
  g_assert_true (ss_socket_connect_finish (bench->client, result, &error));
  g_assert_no_error (error);

  bench->dir = g_dir_make_tmp ("ss-sequence-XXXXXX", NULL);
  bench->path = g_build_filename (bench->dir, "payloads.ini", NULL);
  bench->library = ss_payload_store_new (bench->path);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(SsPayload) payload = ss_payload_new (commands[i], SS_ENCODING_TEXT, commands[i],
                                                     SS_LINE_ENDING_LF);

      ss_payload_store_put (bench->library, payload);
    }
  return TRUE;
}

/* Closes the connection; returns what the device received. */
static char *
bench_clear (Bench *bench)
{
  char *received;

  ss_socket_close (bench->client);
  received = ss_test_peer_read_line (bench->device, bench->lines, PEER_TIMEOUT_MS);
  ss_test_peer_wait_exit_ok (bench->device, PEER_TIMEOUT_MS);
  g_clear_object (&bench->lines);
  g_clear_object (&bench->device);
  g_clear_object (&bench->library);
  ss_test_finalize_session (bench->session, NULL);
  g_rmdir (bench->dir);
  g_free (bench->dir);
  g_free (bench->path);
  g_free (bench->python);
  return received;
}

static gboolean
run_finished (gpointer run)
{
  return !ss_sequence_run_get_running (run);
}

static void
wait_finished (Bench         *bench,
               SsSequenceRun *run)
{
  ss_test_peer_wait (bench->device, run_finished, run, PEER_TIMEOUT_MS, "the sequence's end");
}

static void
count_cb (SsSequenceRun *run,
          guint         *count)
{
  (*count)++;
}

static void
step_changed_cb (SsSequenceRun *run,
                 guint          index,
                 guint         *count)
{
  (*count)++;
}

static gboolean
log_has_event (SsTrafficLog *log,
               const char   *text)
{
  ss_traffic_log_flush (log);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i);
      g_autofree char *entry_text = NULL;

      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_EVENT)
        continue;
      entry_text = ss_traffic_entry_dup_text (entry, 0);
      if (strstr (entry_text, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* "send INIT, wait for OK, send READ 5 times every 200 ms" */
static void
test_run_init_read (void)
{
  Bench bench;
  g_autoptr(SsSequence) sequence = NULL;
  g_autoptr(SsSequenceRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;
  GPtrArray *steps = g_ptr_array_new ();
  guint finished = 0, changes = 0;
  gint64 start;

  if (!bench_init (&bench))
    return;
  g_ptr_array_add (steps, "send INIT");
  g_ptr_array_add (steps, "expect exact 1000 OK\n");
  for (guint i = 0; i < 5; i++)
    {
      g_ptr_array_add (steps, "send READ");
      g_ptr_array_add (steps, "wait 200");
    }
  g_ptr_array_add (steps, NULL);
  /* "exact" with a line break in text: the parser takes no line breaks,
   * so the test builds that step itself */
  steps->pdata[1] = "expect exact/escapes 1000 OK\\n";
  sequence = make_sequence ("INIT-READ", (const char *const *) steps->pdata);
  g_ptr_array_unref (steps);

  run = ss_sequence_run_new (sequence, bench.client, bench.library);
  g_signal_connect (run, "finished", G_CALLBACK (count_cb), &finished);
  g_signal_connect (run, "step-changed", G_CALLBACK (step_changed_cb), &changes);
  start = g_get_monotonic_time ();
  g_assert_true (ss_sequence_run_start (run, 1, &error));
  g_assert_no_error (error);
  g_assert_true (ss_sequence_run_get_running (run));
  /* refused while running */
  g_assert_false (ss_sequence_run_start (run, 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  wait_finished (&bench, run);
  /* five waits of 200 ms at least */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1000 * 1000);
  g_assert_cmpint (ss_sequence_run_get_status (run), ==, SS_STEP_OK);
  g_assert_cmpuint (finished, ==, 1);
  /* not run (the round begins), running, then ok: three changes a step */
  g_assert_cmpuint (changes, ==, 3 * 12);
  for (guint i = 0; i < 12; i++)
    g_assert_cmpint (ss_sequence_run_get_step_status (run, i), ==, SS_STEP_OK);
  g_assert_cmpstr (ss_sequence_run_get_step_message (run, 0), ==, "sent 5 bytes");
  g_assert_true (log_has_event (ss_socket_get_traffic (bench.client),
                                "Sequence INIT-READ: step 2 matched 3 bytes after"));
  g_assert_true (log_has_event (ss_socket_get_traffic (bench.client), "Sequence INIT-READ: passed"));

  /* the device's answers to the five READs came during the waits */
  {
    g_autoptr(GBytes) replies = ss_traffic_log_dup_payload (ss_socket_get_traffic (bench.client),
                                                            SS_TRAFFIC_RECEIVED);

    g_assert_nonnull (g_strstr_len (g_bytes_get_data (replies, NULL), g_bytes_get_size (replies),
                                    "OK\nVALUE 1\n"));
  }
  received = bench_clear (&bench);
  g_assert_cmpstr (received, ==, "INIT READ READ READ READ READ");
}

/* Runs @steps on a new device; returns the run, finished. */
static SsSequenceRun *
run_steps (Bench             *bench,
           const char        *name,
           const char *const *steps,
           guint              rounds)
{
  g_autoptr(SsSequence) sequence = make_sequence (name, steps);
  g_autoptr(GError) error = NULL;
  SsSequenceRun *run = ss_sequence_run_new (sequence, bench->client, bench->library);

  g_assert_true (ss_sequence_run_start (run, rounds, &error));
  g_assert_no_error (error);
  wait_finished (bench, run);
  return run;
}

/* An expect step that sees ERROR instead keeps waiting (the reply may
 * come yet), so it times out; the steps after it do not run. */
static void
test_run_error_times_out (void)
{
  Bench bench;
  g_autoptr(SsSequenceRun) run = NULL;
  g_autofree char *received = NULL;
  gint64 start;

  if (!bench_init (&bench))
    return;
  start = g_get_monotonic_time ();
  run = run_steps (&bench, "BAD", (const char *const []) {
    "send BAD", "expect contains 300 OK", "send INIT", NULL }, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
  g_assert_cmpint (ss_sequence_run_get_status (run), ==, SS_STEP_TIMED_OUT);
  g_assert_cmpint (ss_sequence_run_get_step_status (run, 0), ==, SS_STEP_OK);
  g_assert_cmpint (ss_sequence_run_get_step_status (run, 1), ==, SS_STEP_TIMED_OUT);
  g_assert_cmpint (ss_sequence_run_get_step_status (run, 2), ==, SS_STEP_PENDING);
  g_assert_cmpstr (ss_sequence_run_get_step_message (run, 1), ==, "timed out after 300 ms");
  g_assert_true (log_has_event (ss_socket_get_traffic (bench.client),
                                "Sequence BAD: step 2 timed out after 300 ms"));
  received = bench_clear (&bench);
  g_assert_cmpstr (received, ==, "BAD");
}

static void
test_run_silent (void)
{
  Bench bench;
  g_autoptr(SsSequenceRun) run = NULL;
  g_autofree char *received = NULL;

  if (!bench_init (&bench))
    return;
  run = run_steps (&bench, "SILENT", (const char *const []) {
    "send SILENT", "expect regex 200 .", NULL }, 1);
  g_assert_cmpint (ss_sequence_run_get_status (run), ==, SS_STEP_TIMED_OUT);
  g_assert_cmpint (ss_sequence_run_get_step_status (run, 1), ==, SS_STEP_TIMED_OUT);
  received = bench_clear (&bench);
  g_assert_cmpstr (received, ==, "SILENT");
}

static gboolean
step_running (gpointer run)
{
  return ss_sequence_run_get_step_status (run, 1) == SS_STEP_RUNNING;
}

static void
test_run_stop (void)
{
  Bench bench;
  g_autoptr(SsSequence) sequence = make_sequence ("STOP", (const char *const []) {
    "send SILENT", "expect contains 20000 OK", "send INIT", NULL });
  g_autoptr(SsSequenceRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *received = NULL;
  guint finished = 0;

  if (!bench_init (&bench))
    return;
  run = ss_sequence_run_new (sequence, bench.client, bench.library);
  g_signal_connect (run, "finished", G_CALLBACK (count_cb), &finished);
  g_assert_true (ss_sequence_run_start (run, 3, &error));
  ss_test_peer_wait (bench.device, step_running, run, PEER_TIMEOUT_MS, "the expect step");
  ss_sequence_run_stop (run);
  g_assert_false (ss_sequence_run_get_running (run));
  g_assert_cmpint (ss_sequence_run_get_status (run), ==, SS_STEP_STOPPED);
  g_assert_cmpint (ss_sequence_run_get_step_status (run, 1), ==, SS_STEP_STOPPED);
  g_assert_cmpint (ss_sequence_run_get_step_status (run, 2), ==, SS_STEP_PENDING);
  g_assert_cmpuint (finished, ==, 1);
  g_assert_true (log_has_event (ss_socket_get_traffic (bench.client), "Sequence STOP: stopped"));
  /* nothing more happens: the timeout and the log handler are gone */
  ss_sequence_run_stop (run);
  ss_test_iterate_for (100);
  g_assert_cmpuint (finished, ==, 1);
  received = bench_clear (&bench);
  g_assert_cmpstr (received, ==, "SILENT");
}

/* "O" and "K\n" in two TCP writes 100 ms apart: an exact match on what
 * arrived since the step began */
static void
test_run_split_reply (void)
{
  Bench bench;
  g_autoptr(SsSequenceRun) run = NULL;
  g_autofree char *received = NULL;

  if (!bench_init (&bench))
    return;
  run = run_steps (&bench, "SPLIT", (const char *const []) {
    "send SPLIT", "expect exact/hex 5000 4f 4b 0a", NULL }, 2);
  g_assert_cmpint (ss_sequence_run_get_status (run), ==, SS_STEP_OK);
  g_assert_cmpuint (ss_sequence_run_get_round (run), ==, 2);
  g_assert_cmpint (ss_sequence_run_get_step_status (run, 1), ==, SS_STEP_OK);
  received = bench_clear (&bench);
  g_assert_cmpstr (received, ==, "SPLIT SPLIT");
}

static void
test_run_missing_payload (void)
{
  Bench bench;
  g_autoptr(SsSequenceRun) run = NULL;
  g_autofree char *received = NULL;

  if (!bench_init (&bench))
    return;
  run = run_steps (&bench, "MISSING", (const char *const []) {
    "send INIT", "send NOPE", "send INIT", NULL }, 1);
  g_assert_cmpint (ss_sequence_run_get_status (run), ==, SS_STEP_FAILED);
  g_assert_cmpint (ss_sequence_run_get_step_status (run, 1), ==, SS_STEP_FAILED);
  g_assert_cmpstr (ss_sequence_run_get_step_message (run, 1), ==,
                   "failed: there is no saved payload named “NOPE”");
  /* the device's "OK\n" to INIT read first: closing with it unread
   * would reset the connection, and the device would fail */
  ss_test_wait_bytes_in (bench.client, 3);
  received = bench_clear (&bench);
  g_assert_cmpstr (received, ==, "INIT");
}

/* What was read before the run started is no reply; what is read after,
 * even before the idle that begins the expect step, is. No device here:
 * a raw peer of the test writes when told. */
static void
test_run_mark (void)
{
  g_autoptr(SsPayloadStore) library = ss_payload_store_new ("/nonexistent/payloads.ini");
  g_autoptr(SsPayload) ping = ss_payload_new ("PING", SS_ENCODING_TEXT, "PING", SS_LINE_ENDING_LF);
  g_autoptr(SsSequence) sequence = make_sequence ("MARK", (const char *const []) {
    "send PING", "expect contains 200 OK", NULL });
  g_autoptr(SsSequenceRun) run = NULL;
  g_autoptr(GError) error = NULL;
  SsSession *session = ss_session_new ();
  SsTestBytesWait read = { NULL, 3 };
  SsSocket *client;
  int listener, peer;

  ss_payload_store_put (library, ping);
  client = ss_test_raw_pair (session, AF_INET, 0, &listener, &peer);
  read.socket = client;
  run = ss_sequence_run_new (sequence, client, library);

  /* read before the run: the expect times out */
  ss_test_raw_send_all (peer, "OK\n", 3, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (ss_test_bytes_in_reached, &read, SS_TEST_TIMEOUT_MS);
  g_assert_true (ss_sequence_run_start (run, 1, &error));
  ss_test_wait_until (run_finished, run, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (ss_sequence_run_get_status (run), ==, SS_STEP_TIMED_OUT);

  /* read after the run started but before the idle that begins its
   * first step (as a reply can be read between a send's end and the
   * expect after it): the expect step still sees it. The test puts it in
   * the log itself, so that it surely comes in between. */
  g_clear_object (&run);
  g_clear_object (&sequence);
  sequence = make_sequence ("MARK", (const char *const []) { "expect contains 200 OK", NULL });
  run = ss_sequence_run_new (sequence, client, library);
  g_assert_true (ss_sequence_run_start (run, 1, &error));
  ss_traffic_log_append (ss_socket_get_traffic (client), SS_TRAFFIC_RECEIVED,
                         (const guint8 *) "OK\n", 3);
  ss_test_wait_until (run_finished, run, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (ss_sequence_run_get_status (run), ==, SS_STEP_OK);

  g_clear_object (&run);
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
  ss_test_finalize_session (session, NULL);
}

static gboolean
sent_ping (gpointer socket)
{
  return ss_socket_get_bytes_out (socket) >= 5;
}

/* With a framing on the socket, an expect step waits for a whole message
 * that matches: "BUSY\n" then "OK\n" (the second in two writes) pass an
 * exact "OK\n", which the bytes since the send would not */
static void
test_run_messages (void)
{
  g_autoptr(SsPayloadStore) library = ss_payload_store_new ("/nonexistent/payloads.ini");
  g_autoptr(SsPayload) ping = ss_payload_new ("PING", SS_ENCODING_TEXT, "PING", SS_LINE_ENDING_LF);
  g_autoptr(SsSequence) sequence = make_sequence ("MESSAGES", (const char *const []) {
    "send PING", "expect exact/hex 5000 4f 4b 0a", NULL });
  g_autoptr(SsSequenceRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  SsSession *session = ss_session_new ();
  SsFramerSpec spec;
  SsSocket *client;
  int listener, peer;

  ss_payload_store_put (library, ping);
  client = ss_test_raw_pair (session, AF_INET, 0, &listener, &peer);
  g_assert_true (ss_framer_spec_parse ("delimiter:\\n", &spec, NULL));
  ss_socket_set_framing (client, &spec);
  run = ss_sequence_run_new (sequence, client, library);
  g_assert_true (ss_sequence_run_start (run, 1, &error));
  g_assert_no_error (error);
  ss_test_wait_until (sent_ping, client, SS_TEST_TIMEOUT_MS);
  got = ss_test_raw_recv (peer, 5, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "PING\n", 5);
  ss_test_raw_send_all (peer, "BUSY\nO", 6, SS_TEST_TIMEOUT_MS);
  ss_test_wait_bytes_in (client, 6);
  g_assert_true (ss_sequence_run_get_running (run));
  ss_test_raw_send_all (peer, "K\n", 2, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (run_finished, run, SS_TEST_TIMEOUT_MS);
  g_assert_cmpint (ss_sequence_run_get_status (run), ==, SS_STEP_OK);
  g_assert_true (g_str_has_prefix (ss_sequence_run_get_step_message (run, 1), "matched 3 bytes after "));

  g_clear_object (&run);
  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
  ss_test_finalize_session (session, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("G_TEST_SRCDIR", SS_TEST_SRCDIR, FALSE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sequence/step/parse-good", test_parse_good);
  g_test_add_func ("/sequence/step/parse-bad", test_parse_bad);
  g_test_add_func ("/sequence/file/round-trip", test_file_round_trip);
  g_test_add_func ("/sequence/run/init-read", test_run_init_read);
  g_test_add_func ("/sequence/run/error-times-out", test_run_error_times_out);
  g_test_add_func ("/sequence/run/silent", test_run_silent);
  g_test_add_func ("/sequence/run/stop", test_run_stop);
  g_test_add_func ("/sequence/run/split-reply", test_run_split_reply);
  g_test_add_func ("/sequence/run/missing-payload", test_run_missing_payload);
  g_test_add_func ("/sequence/run/mark", test_run_mark);
  g_test_add_func ("/sequence/run/messages", test_run_messages);

  return g_test_run ();
}
