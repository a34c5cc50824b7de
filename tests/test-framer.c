/* test-framer.c — a stream split into messages: the same messages for any
 * chunking, against a plain reference; hostile specs and streams; the
 * spec's text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>

#include <gio/gio.h>

#include "ss-framer.h"
#include "ss-hexdump.h"
#include "ss-message-splitter.h"

typedef struct
{
  guint64 length;
  guint   flags;
} Frame;

/* The stream fed in chunks of the given sizes (cycled), as the message
 * log does: the messages ended, and what is left pending */
static GArray *
frame_chunked (const SsFramerSpec *spec,
               guint64             max,
               const guint8       *data,
               gsize               len,
               const gsize        *sizes,
               guint               n_sizes,
               guint64            *pending)
{
  g_autoptr(SsFramer) framer = ss_framer_new (spec, max);
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  guint64 current = 0;
  guint current_flags = 0;
  gsize at = 0;

  for (guint c = 0; at < len; c++)
    {
      gsize chunk = MIN (sizes[c % n_sizes], len - at);
      gsize offset = 0;

      while (offset < chunk)
        {
          guint flags;
          gsize n = ss_framer_scan (framer, data + at + offset, chunk - offset, &flags);

          g_assert_cmpuint (n, >, 0);
          g_assert_cmpuint (n, <=, chunk - offset);
          current += n;
          current_flags |= flags & ~SS_FRAME_END;
          if (flags & SS_FRAME_END)
            {
              Frame frame = { current, current_flags };

              g_array_append_val (frames, frame);
              current = 0;
              current_flags = 0;
            }
          offset += n;
        }
      at += chunk;
    }
  g_assert_cmpuint (ss_framer_get_pending (framer), ==, current);
  *pending = current;
  return frames;
}

/* The messages as the spec says, written plainly over the whole stream */
static GArray *
frame_reference (const SsFramerSpec *spec,
                 guint64             max,
                 const guint8       *data,
                 gsize               len,
                 guint64            *pending)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  gsize start = 0, delimiter_end = 0;
  guint carry = 0;  /* CAPPED, for the rest of a cut message */
  guint64 declared = 0;

  max = MAX (max, SS_FRAMER_MIN_MAX);
  for (gsize end = 1; end <= len; end++)
    {
      gboolean ends = FALSE;
      guint flags = carry;

      switch (spec->mode)
        {
        case SS_FRAMING_DELIMITER:
          {
            guint n = spec->delimiter_len;

            ends = end >= n && end - n >= delimiter_end &&
                   memcmp (data + end - n, spec->delimiter, n) == 0;
            if (ends)
              delimiter_end = end;
          }
          break;
        case SS_FRAMING_FIXED:
          if (declared == 0)
            declared = spec->fixed_length;
          ends = --declared == 0;
          break;
        case SS_FRAMING_LENGTH:
          {
            guint64 header = spec->length_offset + spec->length_size;

            if (declared == 0 && end - start == header)
              {
                guint64 value = 0;
                gint64 total;

                for (guint i = 0; i < spec->length_size; i++)
                  {
                    guint8 byte = data[start + spec->length_offset + i];

                    if (spec->big_endian)
                      value = value << 8 | byte;
                    else
                      value |= (guint64) byte << (8 * i);
                  }
                total = (gint64) value + spec->adjustment + (spec->counts_header ? 0 : (gint64) header);
                if (total < (gint64) header)
                  {
                    ends = TRUE;
                    flags |= SS_FRAME_SHORT;
                  }
                else if ((guint64) total == header)
                  ends = TRUE;
                else
                  declared = total - header;
              }
            else if (declared > 0)
              ends = --declared == 0;
          }
          break;
        default:
          break;
        }

      if (ends)
        {
          Frame frame = { end - start, flags };

          g_array_append_val (frames, frame);
          start = end;
          carry = 0;
          if (spec->mode == SS_FRAMING_FIXED || spec->mode == SS_FRAMING_LENGTH)
            declared = 0;
        }
      else if (end - start == max)
        {
          Frame frame = { max, SS_FRAME_CAPPED };

          g_array_append_val (frames, frame);
          start = end;
          carry = SS_FRAME_CAPPED;
        }
    }
  *pending = len - start;
  return frames;
}

typedef struct
{
  const guint8 *stream;
  gsize         at;       /* where the next message must start */
  GArray       *lengths;  /* of guint64 */
} Split;

static void
split_cb (const guint8 *data,
          gsize         len,
          gpointer      user_data)
{
  Split *split = user_data;
  guint64 length = len;

  /* a message's bytes are the stream's, in order, none left out */
  g_assert_cmpmem (data, len, split->stream + split->at, len);
  split->at += len;
  g_array_append_val (split->lengths, length);
}

/* The stream fed to a splitter in chunks of the given sizes (cycled),
 * as a socket's rules see it: the messages are the framer's, each whole
 * with its bytes, and the rest is pending */
static void
assert_splitter_agrees (const SsFramerSpec *spec,
                        guint64             max,
                        const guint8       *data,
                        gsize               len,
                        const gsize        *sizes,
                        guint               n_sizes,
                        GArray             *reference,
                        guint64             pending)
{
  g_autoptr(SsMessageSplitter) splitter = ss_message_splitter_new (spec, max);
  g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (guint64));
  Split split = { data, 0, lengths };
  gsize at = 0;

  for (guint c = 0; at < len; c++)
    {
      gsize chunk = MIN (sizes[c % n_sizes], len - at);

      ss_message_splitter_feed (splitter, 0, data + at, chunk, split_cb, &split);
      at += chunk;
    }
  g_assert_cmpuint (lengths->len, ==, reference->len);
  for (guint i = 0; i < lengths->len; i++)
    g_assert_cmpuint (g_array_index (lengths, guint64, i), ==, g_array_index (reference, Frame, i).length);
  g_assert_cmpuint (ss_message_splitter_get_pending (splitter), ==, pending);
  g_assert_cmpuint (split.at + pending, ==, len);
}

static void
assert_same_frames (GArray *a,
                    GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      Frame *x = &g_array_index (a, Frame, i);
      Frame *y = &g_array_index (b, Frame, i);

      if (x->length != y->length || x->flags != y->flags)
        g_error ("message %u: %" G_GUINT64_FORMAT " bytes (flags %u), expected %"
                 G_GUINT64_FORMAT " (flags %u)", i, x->length, x->flags, y->length, y->flags);
    }
}

static guint8 *
random_stream (GRand        *rand,
               const guint8 *alphabet,
               guint         n_letters,
               gsize         len)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = alphabet[g_rand_int_range (rand, 0, n_letters)];
  return data;
}

/* For one spec and many random streams: the reference's messages, the
 * stream in one piece, byte by byte and in random chunks all agree, and
 * every byte is in one message or pending. */
static void
check_spec_on (const char   *spec_text,
               const guint8 *alphabet,
               guint         n_letters,
               gsize         max_len,
               guint64       max)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  SsFramerSpec spec;
  g_autoptr(GError) error = NULL;

  g_assert_true (ss_framer_spec_parse (spec_text, &spec, &error));
  g_assert_no_error (error);

  for (guint round = 0; round < 60; round++)
    {
      gsize len = g_rand_int_range (rand, 0, max_len + 1);
      g_autofree guint8 *data = random_stream (rand, alphabet, n_letters, len);
      gsize whole[] = { G_MAXSIZE };
      gsize one[] = { 1 };
      gsize sizes[7];
      guint64 pending_ref, pending;
      g_autoptr(GArray) reference = frame_reference (&spec, max, data, len, &pending_ref);
      g_autoptr(GArray) in_one = frame_chunked (&spec, max, data, len, whole, 1, &pending);
      g_autoptr(GArray) by_byte = NULL;
      g_autoptr(GArray) random = NULL;
      guint64 total = pending_ref;

      assert_same_frames (in_one, reference);
      g_assert_cmpuint (pending, ==, pending_ref);
      by_byte = frame_chunked (&spec, max, data, len, one, 1, &pending);
      assert_same_frames (by_byte, reference);
      g_assert_cmpuint (pending, ==, pending_ref);
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        sizes[i] = g_rand_int_range (rand, 1, 300);
      random = frame_chunked (&spec, max, data, len, sizes, G_N_ELEMENTS (sizes), &pending);
      assert_same_frames (random, reference);
      g_assert_cmpuint (pending, ==, pending_ref);
      /* what acts on whole messages gets the same ones, with their bytes */
      assert_splitter_agrees (&spec, max, data, len, sizes, G_N_ELEMENTS (sizes), reference, pending_ref);
      assert_splitter_agrees (&spec, max, data, len, one, 1, reference, pending_ref);

      /* nothing dropped, nothing added */
      for (guint i = 0; i < reference->len; i++)
        total += g_array_index (reference, Frame, i).length;
      g_assert_cmpuint (total, ==, len);
    }
}

static void
test_delimiter_chunkings (void)
{
  static const guint8 lines[] = { 'a', 'b', '\r', '\n' };
  static const guint8 ab[] = { 'a', 'b' };
  static const guint8 bytes[] = { 0x7e, 0x00, 0x7d, 0xff };

  check_spec_on ("delimiter:\\n", lines, 4, 3000, 0);
  check_spec_on ("delimiter:\\r\\n", lines, 4, 3000, 0);
  /* self-overlapping delimiters: a partial match that fails must not
   * lose a match starting inside it, even across chunks */
  check_spec_on ("delimiter:aab", ab, 2, 3000, 0);
  check_spec_on ("delimiter:abab", ab, 2, 3000, 0);
  check_spec_on ("delimiter-hex:7e", bytes, 4, 3000, 0);
  check_spec_on ("delimiter-hex:7e 7e", bytes, 4, 3000, 0);
  /* rare delimiters: lines longer than the cap are cut there */
  check_spec_on ("delimiter:aaaaaaaa", ab, 2, 20000, 4096);
}

static void
test_length_chunkings (void)
{
  static const guint8 bytes[] = { 0, 1, 2, 3, 5, 8, 13, 255 };

  check_spec_on ("fixed:1", bytes, 8, 2000, 0);
  check_spec_on ("fixed:7", bytes, 8, 2000, 0);
  check_spec_on ("fixed:5000", bytes, 8, 20000, 4096);
  check_spec_on ("length:offset=0,size=1", bytes, 8, 2000, 0);
  check_spec_on ("length:offset=2,size=2,big", bytes, 8, 3000, 0);
  check_spec_on ("length:offset=1,size=2,little,counts-header", bytes, 8, 3000, 0);
  check_spec_on ("length:offset=0,size=4,little,adjust=-3", bytes, 8, 3000, 0);
  check_spec_on ("length:offset=3,size=1,counts-header,adjust=2", bytes, 8, 3000, 0);
  /* huge declared lengths, cut at the cap again and again */
  check_spec_on ("length:offset=0,size=4,big", bytes, 8, 30000, 4096);
}

static GArray *
frame_whole (const char   *spec_text,
             guint64       max,
             const void   *data,
             gsize         len,
             guint64      *pending)
{
  SsFramerSpec spec;
  gsize whole[] = { G_MAXSIZE };

  g_assert_true (ss_framer_spec_parse (spec_text, &spec, NULL));
  return frame_chunked (&spec, max, data, len, whole, 1, pending);
}

static void
test_hostile_lengths (void)
{
  static const guint8 zero[] = { 0, 0, 0, 0, 0, 0 };
  static const guint8 huge[] = { 0xff, 0xff, 0xff, 0xff };
  g_autofree guint8 *flood = g_malloc0 (3 * 4096 + 100);
  g_autoptr(GArray) frames = NULL;
  guint64 pending;

  /* a zero length that counts its header: the header alone, marked */
  frames = frame_whole ("length:size=2,counts-header", 0, zero, sizeof zero, &pending);
  g_assert_cmpuint (frames->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_array_index (frames, Frame, i).length, ==, 2);
      g_assert_cmpuint (g_array_index (frames, Frame, i).flags, ==, SS_FRAME_SHORT);
    }
  g_clear_pointer (&frames, g_array_unref);

  /* a zero length that does not: the header is the message */
  frames = frame_whole ("length:size=2", 0, zero, sizeof zero, &pending);
  g_assert_cmpuint (frames->len, ==, 3);
  g_assert_cmpuint (g_array_index (frames, Frame, 0).flags, ==, 0);
  g_clear_pointer (&frames, g_array_unref);

  /* 4 GiB declared: cut at the cap, every piece marked, nothing lost */
  memcpy (flood, huge, sizeof huge);
  frames = frame_whole ("length:size=4", 4096, flood, 3 * 4096 + 100, &pending);
  g_assert_cmpuint (frames->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_array_index (frames, Frame, i).length, ==, 4096);
      g_assert_cmpuint (g_array_index (frames, Frame, i).flags, ==, SS_FRAME_CAPPED);
    }
  g_assert_cmpuint (pending, ==, 100);
}

static void
test_hostile_delimiters (void)
{
  g_autofree guint8 *never = g_malloc (1024 * 1024);
  g_autoptr(GArray) frames = NULL;
  guint64 pending;
  char long_delimiter[200] = "delimiter:";

  /* a delimiter longer than the data: all of it pending */
  for (guint i = 0; i < 64; i++)
    strcat (long_delimiter, "x");
  frames = frame_whole (long_delimiter, 0, "xxxxxxxxxx", 10, &pending);
  g_assert_cmpuint (frames->len, ==, 0);
  g_assert_cmpuint (pending, ==, 10);
  g_clear_pointer (&frames, g_array_unref);

  /* a delimiter that never comes: cut at the cap, 16 pieces of 64 KiB */
  memset (never, 'a', 1024 * 1024);
  frames = frame_whole ("delimiter:\\n", 64 * 1024, never, 1024 * 1024, &pending);
  g_assert_cmpuint (frames->len, ==, 16);
  g_assert_cmpuint (g_array_index (frames, Frame, 15).length, ==, 64 * 1024);
  g_assert_cmpuint (g_array_index (frames, Frame, 15).flags, ==, SS_FRAME_CAPPED);
  g_assert_cmpuint (pending, ==, 0);
}

static void
test_idle_gap (void)
{
  SsFramerSpec spec;
  g_autoptr(SsFramer) framer = NULL;
  g_autoptr(SsFramer) zero = NULL;
  guint flags;

  g_assert_true (ss_framer_spec_parse ("idle:50", &spec, NULL));
  framer = ss_framer_new (&spec, 0);
  /* chunks 10 ms apart are one message; 50 ms of quiet ends it */
  g_assert_false (ss_framer_begin_chunk (framer, 1000000));
  g_assert_cmpuint (ss_framer_scan (framer, (const guint8 *) "abc", 3, &flags), ==, 3);
  g_assert_cmpuint (flags, ==, 0);
  g_assert_false (ss_framer_begin_chunk (framer, 1010000));
  ss_framer_scan (framer, (const guint8 *) "de", 2, &flags);
  g_assert_cmpuint (ss_framer_get_pending (framer), ==, 5);
  g_assert_false (ss_framer_idle_expired (framer, 1059999));
  g_assert_true (ss_framer_begin_chunk (framer, 1060000));
  g_assert_cmpuint (ss_framer_get_pending (framer), ==, 0);
  ss_framer_scan (framer, (const guint8 *) "f", 1, &flags);
  /* quiet with nothing pending ends nothing */
  g_assert_true (ss_framer_idle_expired (framer, 2000000));
  g_assert_false (ss_framer_idle_expired (framer, 3000000));

  /* a gap of 0: every chunk is a message of its own, even at the same
   * microsecond */
  g_assert_true (ss_framer_spec_parse ("idle:0", &spec, NULL));
  zero = ss_framer_new (&spec, 0);
  g_assert_false (ss_framer_begin_chunk (zero, 5));
  ss_framer_scan (zero, (const guint8 *) "a", 1, &flags);
  g_assert_true (ss_framer_begin_chunk (zero, 5));
  ss_framer_scan (zero, (const guint8 *) "b", 1, &flags);
  g_assert_cmpuint (ss_framer_get_pending (zero), ==, 1);
}

static void
collect_cb (const guint8 *data,
            gsize         len,
            gpointer      user_data)
{
  g_ptr_array_add (user_data, g_strndup (data != NULL ? (const char *) data : "", len));
}

/* The splitter with an idle gap hands over a message when the quiet
 * ends it, whole; an empty datagram is a message of its own, the one
 * growing left as it was; a gap in what is known starts afresh */
static void
test_splitter_idle (void)
{
  SsFramerSpec spec;
  g_autoptr(SsMessageSplitter) splitter = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (ss_framer_spec_parse ("idle:50", &spec, NULL));
  splitter = ss_message_splitter_new (&spec, 0);
  ss_message_splitter_feed (splitter, 1000000, (const guint8 *) "abc", 3, collect_cb, messages);
  ss_message_splitter_feed (splitter, 1010000, (const guint8 *) "de", 2, collect_cb, messages);
  ss_message_splitter_feed (splitter, 1020000, NULL, 0, collect_cb, messages);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (messages->pdata[0], ==, "");
  g_assert_false (ss_message_splitter_close_idle (splitter, 1059999, collect_cb, messages));
  g_assert_true (ss_message_splitter_close_idle (splitter, 1060000, collect_cb, messages));
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (messages->pdata[1], ==, "abcde");
  g_assert_cmpuint (ss_message_splitter_get_pending (splitter), ==, 0);

  /* the next chunk after a gap ends the one before it, at once */
  ss_message_splitter_feed (splitter, 2000000, (const guint8 *) "f", 1, collect_cb, messages);
  ss_message_splitter_feed (splitter, 3000000, (const guint8 *) "g", 1, collect_cb, messages);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpstr (messages->pdata[2], ==, "f");
  ss_message_splitter_reset (splitter);
  g_assert_cmpuint (ss_message_splitter_get_pending (splitter), ==, 0);
  g_assert_false (ss_message_splitter_close_idle (splitter, 9000000, collect_cb, messages));
  g_assert_cmpuint (messages->len, ==, 3);
}

static void
test_spec_text (void)
{
  static const struct
  {
    const char *text;
    const char *again;
  } good[] = {
    { "none", "none" },
    { "delimiter:\\n", "delimiter:\\n" },
    { "delimiter:\\r\\n", "delimiter:\\r\\n" },
    { "delimiter:END", "delimiter:END" },
    { "delimiter-hex:7E", "delimiter:~" },
    { "delimiter:a b", "delimiter-hex:61 20 62" },
    { "fixed:16", "fixed:16" },
    { "length:", "length:offset=0,size=2,big,adjust=0" },
    { "length:offset=4,size=4,little,counts-header,adjust=-6",
      "length:offset=4,size=4,little,counts-header,adjust=-6" },
    { "idle:0", "idle:0" },
    { "idle:50", "idle:50" },
  };
  static const char *bad[] = {
    "", "nothing", "none:", "delimiter", "delimiter:", "delimiter-hex:7", "delimiter-hex:zz",
    "delimiter:\\q", "fixed:0", "fixed:-1", "fixed:4294967296", "fixed:x",
    "length:size=3", "length:size=8", "length:offset=1025", "length:adjust=1e9", "length:sideways",
    "idle:-1", "idle:3600001", "idle",
    "delimiter:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      SsFramerSpec spec, again;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_assert_true (ss_framer_spec_parse (good[i].text, &spec, &error));
      g_assert_no_error (error);
      text = ss_framer_spec_to_string (&spec);
      g_assert_cmpstr (text, ==, good[i].again);
      g_assert_true (ss_framer_spec_parse (text, &again, NULL));
      g_assert_true (ss_framer_spec_equal (&spec, &again));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      SsFramerSpec spec;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_false (ss_framer_spec_parse (bad[i], &spec, &error));
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL) && *error->message);
    }
}

/* The side-by-side layout's lines, as hexdump -C writes them */
static void
test_hexdump (void)
{
  const guint8 *hello = (const guint8 *) "Hello, world!\n\x01\xff";
  g_autofree char *sixteen = ss_hexdump_format (hello, 16, 16, 0, NULL);
  g_autofree char *eight = NULL;
  g_autofree char *cut = NULL;
  guint n_lines;

  g_assert_cmpstr (sixteen, ==,
                   "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 01 ff  |Hello, world!...|");
  eight = ss_hexdump_format (hello, 10, 8, 0, &n_lines);
  g_assert_cmpstr (eight, ==,
                   "00000000  48 65 6c 6c 6f 2c 20 77  |Hello, w|\n"
                   "00000008  6f 72                    |or|");
  g_assert_cmpuint (n_lines, ==, 2);
  cut = ss_hexdump_format (hello, 16, 4, 2, &n_lines);
  g_assert_cmpuint (n_lines, ==, 3);
  g_assert_true (g_str_has_suffix (cut, "\n(8 more bytes not shown)"));

  /* a line never wider than asked, and as many bytes as fit */
  for (guint chars = 0; chars < 400; chars++)
    {
      guint per_line = ss_hexdump_bytes_per_line (chars);
      g_autofree char *line = ss_hexdump_format (hello, 16, per_line, 1, NULL);
      g_autofree char *wider = ss_hexdump_format (hello, 16, per_line + 4, 1, NULL);

      g_assert_cmpuint (per_line % 4, ==, 0);
      g_assert_cmpuint (per_line, >=, 4);
      g_assert_cmpuint (per_line, <=, 64);
      /* a full line's width, measured on 16 bytes when it shows fewer */
      if (per_line > 4 && per_line <= 16)
        g_assert_cmpuint (strcspn (line, "\n") - (16 - MIN (per_line, 16)), <=, chars);
      if (per_line < 16)
        g_assert_cmpuint (strlen (wider) - (16 - MIN (per_line + 4, 16)), >, chars);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/framer/delimiter/chunkings", test_delimiter_chunkings);
  g_test_add_func ("/framer/length/chunkings", test_length_chunkings);
  g_test_add_func ("/framer/hostile/lengths", test_hostile_lengths);
  g_test_add_func ("/framer/hostile/delimiters", test_hostile_delimiters);
  g_test_add_func ("/framer/idle-gap", test_idle_gap);
  g_test_add_func ("/framer/splitter-idle", test_splitter_idle);
  g_test_add_func ("/framer/spec-text", test_spec_text);
  g_test_add_func ("/hexdump/side-by-side", test_hexdump);

  return g_test_run ();
}
