/* ss-test-process.c — other programs as peers and judges: python3 (or
 * socat, ncat) on a pipe with bounded waits that kill it on failure, and
 * tshark reading a recording back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>

#include "ss-test-process.h"

/* ------------------------------------------------------------------ */
/* a peer on a pipe                                                    */

char *
ss_test_find_python (void)
{
  char *python = g_find_program_in_path ("python3");

  if (python == NULL)
    g_test_skip ("python3 is not installed");
  return python;
}

GSubprocess *
ss_test_spawn_peer (GSubprocessFlags    flags,
                    const char *const  *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strjoinv (" ", (char **) argv);
  GSubprocess *process;

  g_test_message ("spawning: %s", command);
  /* diagnostics go to the test log through the inherited stderr; stdout
   * is a pipe, since the test's own stdout is its TAP stream */
  process = g_subprocess_newv (argv, flags | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  return process;
}

void
ss_test_peer_wait (GSubprocess     *process,
                   SsTestCondition  condition,
                   gpointer         user_data,
                   guint            timeout_ms,
                   const char      *what)
{
  if (ss_test_try_wait_until (condition, user_data, timeout_ms))
    return;
  g_subprocess_force_exit (process);
  g_error ("timed out after %u ms waiting for %s", timeout_ms, what);
}

typedef struct
{
  char     *line;
  GError   *error;
  gboolean  done;
} LineRead;

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, &read->error);
  read->done = TRUE;
}

char *
ss_test_peer_read_line (GSubprocess      *process,
                        GDataInputStream *lines,
                        guint             timeout_ms)
{
  LineRead read = { 0 };

  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, line_read_cb, &read);
  ss_test_peer_wait (process, ss_test_flag_is_set, &read.done, timeout_ms, "a line from the peer");
  g_assert_no_error (read.error);
  if (read.line == NULL)
    {
      g_subprocess_force_exit (process);
      g_error ("the peer's stdout ended before the line the test waits for");
    }
  return read.line;
}

void
ss_test_peer_wait_exit_ok (GSubprocess *process,
                           guint        timeout_ms)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_async (process, NULL, ss_test_store_result_cb, &result);
  ss_test_peer_wait (process, ss_test_pointer_is_set, &result, timeout_ms, "the peer to exit");
  g_assert_true (g_subprocess_wait_finish (process, result, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("the peer was killed by signal %d", g_subprocess_get_term_sig (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

typedef struct
{
  GInputStream *stream;
  GCancellable *cancellable;
  gsize         len;
  GByteArray   *received;
  gboolean      done;
  GError       *error;
} StreamReadData;

static void stream_read_next (StreamReadData *data);

static void
stream_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  StreamReadData *data = user_data;
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &data->error);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      data->done = TRUE;
      return;
    }
  g_byte_array_append (data->received, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  stream_read_next (data);
}

static void
stream_read_next (StreamReadData *data)
{
  if (data->received->len >= data->len)
    {
      data->done = TRUE;
      return;
    }
  g_input_stream_read_bytes_async (data->stream, data->len - data->received->len,
                                   G_PRIORITY_DEFAULT, data->cancellable,
                                   stream_read_cb, data);
}

GBytes *
ss_test_stream_read (GInputStream *stream,
                     gsize         len,
                     guint         timeout_ms)
{
  StreamReadData data = { stream, g_cancellable_new (), len, g_byte_array_new (), FALSE, NULL };

  stream_read_next (&data);
  ss_test_wait_until (ss_test_flag_is_set, &data.done, timeout_ms);
  g_assert_no_error (data.error);
  g_object_unref (data.cancellable);
  return g_byte_array_free_to_bytes (data.received);
}

char *
ss_test_hex (const void *data,
             gsize       len)
{
  GString *out = g_string_sized_new (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", ((const guint8 *) data)[i]);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* reading pcapng back with tshark                                     */

void
ss_test_follow_clear (SsTestFollow *follow)
{
  g_clear_pointer (&follow->node0, g_free);
  g_clear_pointer (&follow->packets[0], g_ptr_array_unref);
  g_clear_pointer (&follow->packets[1], g_ptr_array_unref);
}

GBytes *
ss_test_follow_concat (SsTestFollow *follow,
                       guint         node)
{
  GByteArray *all = g_byte_array_new ();

  for (guint i = 0; i < follow->packets[node]->len; i++)
    {
      GBytes *packet = g_ptr_array_index (follow->packets[node], i);

      g_byte_array_append (all, g_bytes_get_data (packet, NULL), g_bytes_get_size (packet));
    }
  return g_byte_array_free_to_bytes (all);
}

static GBytes *
parse_hex (const char *text)
{
  gsize len = strlen (text);
  GByteArray *bytes = g_byte_array_sized_new (len / 2);

  g_assert_cmpuint (len % 2, ==, 0);
  for (gsize i = 0; i < len; i += 2)
    {
      int hi = g_ascii_xdigit_value (text[i]);
      int lo = g_ascii_xdigit_value (text[i + 1]);
      guint8 byte;

      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      byte = hi << 4 | lo;
      g_byte_array_append (bytes, &byte, 1);
    }
  return g_byte_array_free_to_bytes (bytes);
}

gboolean
ss_test_have_tshark (void)
{
  g_autofree char *tshark = g_find_program_in_path ("tshark");

  if (tshark == NULL)
    g_test_skip ("tshark is not installed");
  return tshark != NULL;
}

void
ss_test_tshark_follow (const char   *path,
                       const char   *protocol,
                       SsTestFollow *follow)
{
  ss_test_tshark_follow_stream (path, protocol, 0, follow);
}

void
ss_test_tshark_follow_stream (const char   *path,
                              const char   *protocol,
                              guint         stream,
                              SsTestFollow *follow)
{
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autofree char *spec = g_strdup_printf ("follow,%s,raw,%u", protocol, stream);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean in_body = FALSE;

  g_assert_nonnull (tshark);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* no personal preferences: decode as a fresh install would */
  g_subprocess_launcher_setenv (launcher, "WIRESHARK_CONFIG_DIR", g_get_tmp_dir (), TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, tshark, "-n", "-r", path, "-q", "-z", spec, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, SS_TEST_LONG_TIMEOUT_MS);
  g_subprocess_communicate_utf8_finish (process, result, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("tshark failed on %s: %s", path, err);

  follow->packets[0] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  follow->packets[1] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "Node 0: "))
        follow->node0 = g_strdup (line + strlen ("Node 0: "));
      else if (g_str_has_prefix (line, "Node 1: "))
        in_body = TRUE;
      else if (g_str_has_prefix (line, "====="))
        in_body = FALSE;
      else if (in_body && line[0] != '\0')
        {
          guint node = line[0] == '\t' ? 1 : 0;

          g_ptr_array_add (follow->packets[node], parse_hex (line + node));
        }
    }
  if (follow->node0 == NULL)
    g_error ("tshark found no %s stream in %s: %s", protocol, path, out);
}
