/* fuzz-framer.c — libFuzzer target: framing specs (ss_framer_spec_parse)
 * and the framer on any stream
 *
 * The input is a spec's text, a NUL, then the stream. What is checked
 * besides crashes and sanitizer reports: a spec is parsed or refused with
 * a UTF-8 message (for UTF-8 text); a parsed spec written back parses to
 * the same spec; the stream framed in one piece and byte by byte gives
 * the same messages, and every byte is in exactly one of them or pending;
 * the message splitter gives them too, with their bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>
#include <string.h>

#include <gio/gio.h>

#include "ss-framer.h"
#include "ss-message-splitter.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The lengths of the messages that end, with their flags folded in; the
 * pending bytes last */
static GArray *
frame (const SsFramerSpec *spec,
       const guint8       *data,
       gsize               len,
       gsize               chunk)
{
  /* the smallest cap, so that fuzzed lengths reach it */
  SsFramer *framer = ss_framer_new (spec, SS_FRAMER_MIN_MAX);
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 current = 0, total = 0;
  gint64 time = 0;

  for (gsize at = 0; at < len; at += chunk)
    {
      gsize n = MIN (chunk, len - at);
      gsize offset = 0;

      time += 1000;
      g_assert_false (ss_framer_begin_chunk (framer, time));
      while (offset < n)
        {
          guint flags;
          gsize taken = ss_framer_scan (framer, data + at + offset, n - offset, &flags);

          g_assert_cmpuint (taken, >, 0);
          g_assert_cmpuint (taken, <=, n - offset);
          current += taken;
          offset += taken;
          if (flags & SS_FRAME_END)
            {
              guint64 entry = current << 3 | (flags & ~SS_FRAME_END);

              g_assert_cmpuint (current, <=, SS_FRAMER_MIN_MAX);
              g_array_append_val (ends, entry);
              total += current;
              current = 0;
            }
        }
    }
  g_assert_cmpuint (ss_framer_get_pending (framer), ==, current);
  g_assert_cmpuint (total + current, ==, len);
  g_array_append_val (ends, current);
  ss_framer_free (framer);
  return ends;
}

typedef struct
{
  const guint8 *stream;
  gsize         at;
  GArray       *ends;
} Split;

static void
split_cb (const guint8 *data,
          gsize         len,
          gpointer      user_data)
{
  Split *split = user_data;
  guint64 length = len;

  g_assert_true (len == 0 || memcmp (data, split->stream + split->at, len) == 0);
  split->at += len;
  g_array_append_val (split->ends, length);
}

/* The splitter (what auto-reply rules see) in chunks of three: the
 * framer's messages, each with its bytes */
static void
check_splitter (const SsFramerSpec *spec,
                const guint8       *data,
                gsize               len,
                GArray             *frames)
{
  SsMessageSplitter *splitter = ss_message_splitter_new (spec, SS_FRAMER_MIN_MAX);
  Split split = { data, 0, g_array_new (FALSE, FALSE, sizeof (guint64)) };

  for (gsize at = 0; at < len; at += 3)
    ss_message_splitter_feed (splitter, 0, data + at, MIN (3, len - at), split_cb, &split);
  g_assert_cmpuint (split.ends->len + 1, ==, frames->len);
  for (guint i = 0; i < split.ends->len; i++)
    g_assert_cmpuint (g_array_index (split.ends, guint64, i), ==, g_array_index (frames, guint64, i) >> 3);
  g_assert_cmpuint (ss_message_splitter_get_pending (splitter), ==, g_array_index (frames, guint64, frames->len - 1));
  g_array_unref (split.ends);
  ss_message_splitter_free (splitter);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const guint8 *nul = memchr (data, '\0', size);
  g_autofree char *text = g_strndup ((const char *) data, nul ? (gsize) (nul - data) : size);
  g_autofree guint8 *stream = NULL;
  gsize len = nul ? size - (nul - data) - 1 : 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *again_text = NULL;
  SsFramerSpec spec, again;
  GArray *whole, *by_byte;

  if (!ss_framer_spec_parse (text, &spec, &error))
    {
      g_assert_nonnull (error);
      if (g_utf8_validate (text, -1, NULL))
        g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  again_text = ss_framer_spec_to_string (&spec);
  g_assert_true (ss_framer_spec_parse (again_text, &again, &error));
  g_assert_true (ss_framer_spec_equal (&spec, &again));

  /* an idle gap's messages depend on the chunks' times, not only on
   * the bytes (test-framer checks it): a fixed length instead */
  if (spec.mode == SS_FRAMING_NONE || spec.mode == SS_FRAMING_IDLE)
    {
      spec.mode = SS_FRAMING_FIXED;
      spec.fixed_length = 1 + (len % 7);
    }
  /* a copy of its own, so that reading past it is caught */
  stream = len > 0 ? g_memdup2 (nul + 1, len) : NULL;
  whole = frame (&spec, stream, len, G_MAXSIZE);
  by_byte = frame (&spec, stream, len, 1);
  g_assert_cmpmem (whole->data, whole->len * sizeof (guint64), by_byte->data, by_byte->len * sizeof (guint64));
  check_splitter (&spec, stream, len, whole);
  g_array_unref (whole);
  g_array_unref (by_byte);
  return 0;
}
