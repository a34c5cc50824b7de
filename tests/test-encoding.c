/* test-encoding.c — the send box's text as bytes (text, escapes, hex,
 * base64), its error positions, the way back, and SsPayload
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>

#include "ss-encoding.h"
#include "ss-payload.h"

#define BYTES(s) s, sizeof (s) - 1

/* --- Text that decodes --- */

typedef struct
{
  const char *name;
  SsEncoding  encoding;
  const char *text;
  gsize       text_len;
  const char *expected;
  gsize       expected_len;
} DecodeCase;

static const DecodeCase decode_cases[] = {
  { "text/empty", SS_ENCODING_TEXT, BYTES (""), BYTES ("") },
  { "text/ascii", SS_ENCODING_TEXT, BYTES ("GET / HTTP/1.0\r\n"), BYTES ("GET / HTTP/1.0\r\n") },
  { "text/utf8", SS_ENCODING_TEXT, BYTES ("é😀"), BYTES ("\xc3\xa9\xf0\x9f\x98\x80") },
  { "text/backslash-kept", SS_ENCODING_TEXT, BYTES ("a\\nb"), BYTES ("a\\nb") },
  { "text/nul", SS_ENCODING_TEXT, BYTES ("a\0b"), BYTES ("a\0b") },

  { "escapes/empty", SS_ENCODING_ESCAPED, BYTES (""), BYTES ("") },
  { "escapes/plain", SS_ENCODING_ESCAPED, BYTES ("hello"), BYTES ("hello") },
  { "escapes/common", SS_ENCODING_ESCAPED, BYTES ("a\\r\\n\\t\\0\\\\"), BYTES ("a\r\n\t\0\\") },
  { "escapes/c-extra", SS_ENCODING_ESCAPED, BYTES ("\\\"\\'\\a\\b\\e\\f\\v"), BYTES ("\"'\a\b\x1b\f\v") },
  { "escapes/hex", SS_ENCODING_ESCAPED, BYTES ("\\x00\\xFF\\x7f\\xAb"), BYTES ("\0\xff\x7f\xab") },
  { "escapes/hex-two-digits-only", SS_ENCODING_ESCAPED, BYTES ("\\x414"), BYTES ("A4") },
  { "escapes/nul-in-middle", SS_ENCODING_ESCAPED, BYTES ("a\\0b"), BYTES ("a\0b") },
  { "escapes/u-emoji", SS_ENCODING_ESCAPED, BYTES ("\\u{1F600}"), BYTES ("\xf0\x9f\x98\x80") },
  { "escapes/u-range", SS_ENCODING_ESCAPED, BYTES ("\\u{41}\\u{e9}\\u{0}\\u{10FFFF}"),
    BYTES ("A\xc3\xa9\0\xf4\x8f\xbf\xbf") },
  { "escapes/u-six-digits", SS_ENCODING_ESCAPED, BYTES ("\\u{00e9}\\u{000041}"), BYTES ("\xc3\xa9" "A") },
  { "escapes/real-newline", SS_ENCODING_ESCAPED, BYTES ("line 1\nline 2\n"), BYTES ("line 1\nline 2\n") },
  { "escapes/utf8-literal", SS_ENCODING_ESCAPED, BYTES ("é 😀 ü"), BYTES ("é 😀 ü") },
  { "escapes/braces-alone", SS_ENCODING_ESCAPED, BYTES ("{u}x"), BYTES ("{u}x") },

  { "hex/empty", SS_ENCODING_HEX, BYTES (""), BYTES ("") },
  { "hex/blank", SS_ENCODING_HEX, BYTES (" \n\t "), BYTES ("") },
  { "hex/spaced", SS_ENCODING_HEX, BYTES ("48 65 6c 6c 6f"), BYTES ("Hello") },
  { "hex/run", SS_ENCODING_HEX, BYTES ("48656c6c6f"), BYTES ("Hello") },
  { "hex/even-runs", SS_ENCODING_HEX, BYTES ("48656c 6c6f"), BYTES ("Hello") },
  { "hex/mixed-separators", SS_ENCODING_HEX, BYTES ("48:65,6C;6c-6F"), BYTES ("Hello") },
  { "hex/upper", SS_ENCODING_HEX, BYTES ("DEADBEEF"), BYTES ("\xde\xad\xbe\xef") },
  { "hex/0x", SS_ENCODING_HEX, BYTES ("0x48 0x65,0X6c"), BYTES ("Hel") },
  { "hex/0x-run", SS_ENCODING_HEX, BYTES ("0x4865"), BYTES ("He") },
  { "hex/backslash-x", SS_ENCODING_HEX, BYTES ("\\x48\\x65\\X6c"), BYTES ("Hel") },
  { "hex/lines", SS_ENCODING_HEX, BYTES (" \t\n48\r\n00 \n"), BYTES ("H\0") },
  { "hex/zeros", SS_ENCODING_HEX, BYTES ("00 00"), BYTES ("\0\0") },

  { "base64/empty", SS_ENCODING_BASE64, BYTES (""), BYTES ("") },
  { "base64/blank", SS_ENCODING_BASE64, BYTES ("  \n"), BYTES ("") },
  { "base64/padded", SS_ENCODING_BASE64, BYTES ("SGVsbG8="), BYTES ("Hello") },
  { "base64/unpadded", SS_ENCODING_BASE64, BYTES ("SGVsbG8"), BYTES ("Hello") },
  { "base64/two-pad", SS_ENCODING_BASE64, BYTES ("AA=="), BYTES ("\0") },
  { "base64/two-pad-missing", SS_ENCODING_BASE64, BYTES ("AA"), BYTES ("\0") },
  { "base64/full", SS_ENCODING_BASE64, BYTES ("QUJD"), BYTES ("ABC") },
  { "base64/whitespace", SS_ENCODING_BASE64, BYTES (" SGVs\nbG8 =\n"), BYTES ("Hello") },
  { "base64/standard", SS_ENCODING_BASE64, BYTES ("+/8="), BYTES ("\xfb\xff") },
  { "base64/url-safe", SS_ENCODING_BASE64, BYTES ("-_8"), BYTES ("\xfb\xff") },
};

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       expected_len)
{
  gsize len;
  const guint8 *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (data, len, expected, expected_len);
}

static void
test_decode (gconstpointer user_data)
{
  const DecodeCase *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize start = 99, end = 99;

  bytes = ss_encoding_decode (c->encoding, c->text, c->text_len, &start, &end, &error);
  g_assert_no_error (error);
  assert_bytes (bytes, c->expected, c->expected_len);
  g_assert_cmpuint (start, ==, 0);
  g_assert_cmpuint (end, ==, 0);

  /* NUL-terminated, where the text holds no NUL */
  if (memchr (c->text, '\0', c->text_len) == NULL)
    {
      g_autoptr(GBytes) again = ss_encoding_decode (c->encoding, c->text, -1, NULL, NULL, NULL);

      assert_bytes (again, c->expected, c->expected_len);
    }
}

/* --- Text that does not --- */

typedef struct
{
  const char      *name;
  SsEncoding       encoding;
  const char      *text;
  gsize            text_len;
  SsEncodingError  code;
  gsize            start;
  gsize            end;
  const char      *where;     /* in the message */
  const char      *shown;     /* in the message too, or NULL */
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "escapes/unknown", SS_ENCODING_ESCAPED, BYTES ("abc\\q"),
    SS_ENCODING_ERROR_ESCAPE, 3, 5, "line 1, column 4", "“\\q”" },
  { "escapes/unknown-utf8", SS_ENCODING_ESCAPED, BYTES ("\\é"),
    SS_ENCODING_ERROR_ESCAPE, 0, 3, "line 1, column 1", "“\\é”" },
  { "escapes/unknown-invalid-utf8", SS_ENCODING_ESCAPED, BYTES ("\\\xff"),
    SS_ENCODING_ERROR_ESCAPE, 0, 2, "line 1, column 1", "“\\xff”" },
  { "escapes/unknown-control", SS_ENCODING_ESCAPED, BYTES ("\\\x01"),
    SS_ENCODING_ERROR_ESCAPE, 0, 2, "line 1, column 1", "“\\x01”" },
  { "escapes/unknown-nul", SS_ENCODING_ESCAPED, BYTES ("a\\\0"),
    SS_ENCODING_ERROR_ESCAPE, 1, 3, "line 1, column 2", "“\\x00”" },
  { "escapes/trailing-backslash", SS_ENCODING_ESCAPED, BYTES ("ab\\"),
    SS_ENCODING_ERROR_ESCAPE, 2, 3, "line 1, column 3", NULL },
  { "escapes/backslash-newline", SS_ENCODING_ESCAPED, BYTES ("a\\\nb"),
    SS_ENCODING_ERROR_ESCAPE, 1, 2, "line 1, column 2", NULL },
  { "escapes/x-no-digit", SS_ENCODING_ESCAPED, BYTES ("\\x"),
    SS_ENCODING_ERROR_ESCAPE, 0, 2, "line 1, column 1", "“\\x”" },
  { "escapes/x-one-digit", SS_ENCODING_ESCAPED, BYTES ("\\x4"),
    SS_ENCODING_ERROR_ESCAPE, 0, 3, "line 1, column 1", "“\\x4”" },
  { "escapes/x-bad-digit", SS_ENCODING_ESCAPED, BYTES ("\\x4z"),
    SS_ENCODING_ERROR_ESCAPE, 0, 3, "line 1, column 1", "“\\x4”" },
  { "escapes/x-after-utf8", SS_ENCODING_ESCAPED, BYTES ("é\\xg1"),
    SS_ENCODING_ERROR_ESCAPE, 2, 4, "line 1, column 2", "“\\x”" },
  { "escapes/u-no-braces", SS_ENCODING_ESCAPED, BYTES ("\\u41"),
    SS_ENCODING_ERROR_ESCAPE, 0, 2, "line 1, column 1", NULL },
  { "escapes/u-at-end", SS_ENCODING_ESCAPED, BYTES ("x\\u"),
    SS_ENCODING_ERROR_ESCAPE, 1, 3, "line 1, column 2", NULL },
  { "escapes/u-empty", SS_ENCODING_ESCAPED, BYTES ("\\u{}"),
    SS_ENCODING_ERROR_ESCAPE, 0, 4, "line 1, column 1", NULL },
  { "escapes/u-unclosed", SS_ENCODING_ESCAPED, BYTES ("\\u{41"),
    SS_ENCODING_ERROR_ESCAPE, 0, 5, "line 1, column 1", NULL },
  { "escapes/u-bad-digit", SS_ENCODING_ESCAPED, BYTES ("\\u{4g}"),
    SS_ENCODING_ERROR_ESCAPE, 0, 5, "line 1, column 1", NULL },
  { "escapes/u-seven-digits", SS_ENCODING_ESCAPED, BYTES ("\\u{0000041}"),
    SS_ENCODING_ERROR_ESCAPE, 0, 11, "line 1, column 1", NULL },
  { "escapes/u-too-big", SS_ENCODING_ESCAPED, BYTES ("ab\\u{110000}"),
    SS_ENCODING_ERROR_CODE_POINT, 2, 12, "line 1, column 3", "“\\u{110000}”" },
  { "escapes/u-surrogate", SS_ENCODING_ESCAPED, BYTES ("\\u{D800}"),
    SS_ENCODING_ERROR_CODE_POINT, 0, 8, "line 1, column 1", "“\\u{D800}”" },
  { "escapes/line-2", SS_ENCODING_ESCAPED, BYTES ("ok\nsecond \\z"),
    SS_ENCODING_ERROR_ESCAPE, 10, 12, "line 2, column 8", "“\\z”" },
  { "escapes/columns-in-characters", SS_ENCODING_ESCAPED, BYTES ("😀\n😀😀\\q"),
    SS_ENCODING_ERROR_ESCAPE, 13, 15, "line 2, column 3", "“\\q”" },
  { "escapes/column-after-invalid-utf8", SS_ENCODING_ESCAPED, BYTES ("\n\n\xff\xfe\\q"),
    SS_ENCODING_ERROR_ESCAPE, 4, 6, "line 3, column 3", "“\\q”" },
  { "escapes/line-4", SS_ENCODING_ESCAPED, BYTES ("a\n\nb\\x41\n  \\u{zz}"),
    SS_ENCODING_ERROR_ESCAPE, 11, 15, "line 4, column 3", "“z”" },

  { "hex/odd", SS_ENCODING_HEX, BYTES ("48 6"),
    SS_ENCODING_ERROR_ODD_DIGITS, 3, 4, "line 1, column 4", "“6”" },
  { "hex/odd-run", SS_ENCODING_HEX, BYTES ("486"),
    SS_ENCODING_ERROR_ODD_DIGITS, 0, 3, "line 1, column 1", "“486”" },
  { "hex/odd-0x", SS_ENCODING_HEX, BYTES ("48,0x486"),
    SS_ENCODING_ERROR_ODD_DIGITS, 3, 8, "line 1, column 4", "“0x486”" },
  { "hex/odd-line-3", SS_ENCODING_HEX, BYTES ("00\n01\n 0203040"),
    SS_ENCODING_ERROR_ODD_DIGITS, 7, 14, "line 3, column 2", NULL },
  { "hex/not-hex", SS_ENCODING_HEX, BYTES ("48 zz"),
    SS_ENCODING_ERROR_HEX_DIGIT, 3, 4, "line 1, column 4", "“z”" },
  { "hex/not-hex-line-2", SS_ENCODING_HEX, BYTES ("48\n65 6g"),
    SS_ENCODING_ERROR_HEX_DIGIT, 7, 8, "line 2, column 5", "“g”" },
  { "hex/not-hex-in-odd-run", SS_ENCODING_HEX, BYTES ("486g"),
    SS_ENCODING_ERROR_HEX_DIGIT, 3, 4, "line 1, column 4", "“g”" },
  { "hex/utf8", SS_ENCODING_HEX, BYTES ("48é"),
    SS_ENCODING_ERROR_HEX_DIGIT, 2, 4, "line 1, column 3", "“é”" },
  { "hex/invalid-utf8", SS_ENCODING_HEX, BYTES ("48 \xff"),
    SS_ENCODING_ERROR_HEX_DIGIT, 3, 4, "line 1, column 4", "“\\xff”" },
  { "hex/nul", SS_ENCODING_HEX, BYTES ("48\0"),
    SS_ENCODING_ERROR_HEX_DIGIT, 2, 3, "line 1, column 3", "“\\x00”" },
  { "hex/prefix-alone", SS_ENCODING_HEX, BYTES ("48 0x"),
    SS_ENCODING_ERROR_HEX_DIGIT, 3, 5, "line 1, column 4", "“0x”" },
  { "hex/prefix-in-run", SS_ENCODING_HEX, BYTES ("480x65"),
    SS_ENCODING_ERROR_HEX_DIGIT, 3, 4, "line 1, column 4", "“x”" },
  { "hex/lone-backslash", SS_ENCODING_HEX, BYTES ("48\\"),
    SS_ENCODING_ERROR_HEX_DIGIT, 2, 3, "line 1, column 3", "“\\”" },

  { "base64/bad-char", SS_ENCODING_BASE64, BYTES ("SGV$"),
    SS_ENCODING_ERROR_BASE64, 3, 4, "line 1, column 4", "“$”" },
  { "base64/invalid-utf8", SS_ENCODING_BASE64, BYTES ("SGV\xff"),
    SS_ENCODING_ERROR_BASE64, 3, 4, "line 1, column 4", "“\\xff”" },
  { "base64/bad-char-line-2", SS_ENCODING_BASE64, BYTES ("SGVs\nbG.8"),
    SS_ENCODING_ERROR_BASE64, 7, 8, "line 2, column 3", "“.”" },
  { "base64/after-padding", SS_ENCODING_BASE64, BYTES ("SGVsbG8=x"),
    SS_ENCODING_ERROR_BASE64, 8, 9, "line 1, column 9", "“x”" },
  { "base64/padding-in-middle", SS_ENCODING_BASE64, BYTES ("QQ==QUJD"),
    SS_ENCODING_ERROR_BASE64, 4, 5, "line 1, column 5", "“Q”" },
  { "base64/remainder-1", SS_ENCODING_BASE64, BYTES ("SGVsb"),
    SS_ENCODING_ERROR_BASE64, 4, 5, "line 1, column 5", NULL },
  { "base64/remainder-1-line-3", SS_ENCODING_BASE64, BYTES ("\n\nQUJDR \n"),
    SS_ENCODING_ERROR_BASE64, 6, 7, "line 3, column 5", NULL },
  { "base64/padding-too-much", SS_ENCODING_BASE64, BYTES ("QUJD="),
    SS_ENCODING_ERROR_BASE64, 4, 5, "line 1, column 5", NULL },
  { "base64/padding-short", SS_ENCODING_BASE64, BYTES ("QQ="),
    SS_ENCODING_ERROR_BASE64, 2, 3, "line 1, column 3", NULL },
  { "base64/padding-long", SS_ENCODING_BASE64, BYTES ("QQ= =="),
    SS_ENCODING_ERROR_BASE64, 2, 6, "line 1, column 3", NULL },
  { "base64/padding-alone", SS_ENCODING_BASE64, BYTES ("=="),
    SS_ENCODING_ERROR_BASE64, 0, 2, "line 1, column 1", NULL },

  { "file/unsupported", SS_ENCODING_FILE, BYTES ("/etc/hosts"),
    SS_ENCODING_ERROR_UNSUPPORTED, 0, 10, NULL, NULL },
};

static void
test_error (gconstpointer user_data)
{
  const ErrorCase *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize start = 99, end = 99;

  bytes = ss_encoding_decode (c->encoding, c->text, c->text_len, &start, &end, &error);
  g_assert_null (bytes);
  g_assert_error (error, SS_ENCODING_ERROR, (int) c->code);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (start, ==, c->start);
  g_assert_cmpuint (end, ==, c->end);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (c->where != NULL)
    g_assert_nonnull (strstr (error->message, c->where));
  if (c->shown != NULL)
    g_assert_nonnull (strstr (error->message, c->shown));

  /* without a place for the error or the span */
  g_assert_null (ss_encoding_decode (c->encoding, c->text, c->text_len, NULL, NULL, NULL));
}

static void
test_error_example_message (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = ss_encoding_decode (SS_ENCODING_ESCAPED, "abc\\q", -1, NULL, NULL, &error);
  g_assert_null (bytes);
  g_assert_cmpstr (error->message, ==,
                   "Unknown escape “\\q” at line 1, column 4. Use \\r \\n \\t \\0 \\\\ \\xNN or \\u{…}");
}

/* --- Bytes as text --- */

typedef struct
{
  const char *name;
  SsEncoding  encoding;
  const char *data;
  gsize       len;
  const char *expected;     /* NULL: the encoding cannot hold the bytes */
} EncodeCase;

static const EncodeCase encode_cases[] = {
  { "text/empty", SS_ENCODING_TEXT, BYTES (""), "" },
  { "text/utf8", SS_ENCODING_TEXT, BYTES ("é\r\n😀"), "é\r\n😀" },
  { "text/nul", SS_ENCODING_TEXT, BYTES ("a\0b"), NULL },
  { "text/invalid-utf8", SS_ENCODING_TEXT, BYTES ("a\xff"), NULL },
  { "text/cut-utf8", SS_ENCODING_TEXT, BYTES ("a\xc3"), NULL },
  { "escapes/empty", SS_ENCODING_ESCAPED, BYTES (""), "" },
  { "escapes/controls", SS_ENCODING_ESCAPED, BYTES ("a\nb\r\t\0\\\x01\x1b\x7f"),
    "a\nb\\r\\t\\0\\\\\\x01\\x1b\\x7f" },
  { "escapes/quotes-kept", SS_ENCODING_ESCAPED, BYTES ("\"'"), "\"'" },
  { "escapes/utf8-kept", SS_ENCODING_ESCAPED, BYTES ("é😀ü"), "é😀ü" },
  { "escapes/invalid-utf8", SS_ENCODING_ESCAPED, BYTES ("\xff\xc3(\xed\xa0\x80"),
    "\\xff\\xc3(\\xed\\xa0\\x80" },
  { "escapes/c1", SS_ENCODING_ESCAPED, BYTES ("\xc2\x80\xc2\x9f"), "\\xc2\\x80\\xc2\\x9f" },
  { "escapes/invisible", SS_ENCODING_ESCAPED, BYTES ("a\xe2\x80\x8b\xe2\x80\xa8" "b"),
    "a\\u{200b}\\u{2028}b" },
  { "hex/empty", SS_ENCODING_HEX, BYTES (""), "" },
  { "hex/short", SS_ENCODING_HEX, BYTES ("He\0\xff"), "48 65 00 ff" },
  { "hex/17", SS_ENCODING_HEX, BYTES ("ABCDEFGHIJKLMNOPQ"),
    "41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50\n51" },
  { "hex/16", SS_ENCODING_HEX, BYTES ("ABCDEFGHIJKLMNOP"),
    "41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50" },
  { "base64/empty", SS_ENCODING_BASE64, BYTES (""), "" },
  { "base64/hello", SS_ENCODING_BASE64, BYTES ("Hello"), "SGVsbG8=" },
  { "base64/binary", SS_ENCODING_BASE64, BYTES ("\xfb\xff"), "+/8=" },
  { "file/never", SS_ENCODING_FILE, BYTES ("a"), NULL },
};

static void
test_encode (gconstpointer user_data)
{
  const EncodeCase *c = user_data;
  g_autofree char *text = ss_encoding_encode (c->encoding, (const guint8 *) c->data, c->len);
  g_autoptr(GBytes) back = NULL;

  g_assert_cmpstr (text, ==, c->expected);
  if (text == NULL)
    return;
  back = ss_encoding_decode (c->encoding, text, -1, NULL, NULL, NULL);
  assert_bytes (back, c->data, c->len);
}

static void
test_encode_null_data (void)
{
  for (SsEncoding e = SS_ENCODING_TEXT; e < SS_ENCODING_FILE; e++)
    {
      g_autofree char *text = ss_encoding_encode (e, NULL, 0);

      g_assert_cmpstr (text, ==, "");
    }
}

/* --- The way back, for any bytes --- */

static void
check_escaped_readable (const char *text)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        continue;
      g_assert_false (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0));
    }
}

static void
round_trip (const guint8 *data,
            gsize         len)
{
  static const SsEncoding always[] = { SS_ENCODING_ESCAPED, SS_ENCODING_HEX, SS_ENCODING_BASE64 };
  g_autofree char *as_text = ss_encoding_encode (SS_ENCODING_TEXT, data, len);
  gboolean text_ok = (len == 0 || memchr (data, '\0', len) == NULL) &&
                     g_utf8_validate ((const char *) data, len, NULL);

  g_assert_true ((as_text != NULL) == text_ok);
  if (as_text != NULL)
    {
      g_autoptr(GBytes) back = ss_encoding_decode (SS_ENCODING_TEXT, as_text, -1, NULL, NULL, NULL);

      assert_bytes (back, (const char *) data, len);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (always); i++)
    {
      g_autofree char *text = ss_encoding_encode (always[i], data, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) back = NULL;

      g_assert_nonnull (text);
      if (always[i] == SS_ENCODING_ESCAPED)
        check_escaped_readable (text);
      back = ss_encoding_decode (always[i], text, -1, NULL, NULL, &error);
      g_assert_no_error (error);
      assert_bytes (back, (const char *) data, len);
    }
}

static void
test_round_trip_random (void)
{
  /* pieces that make the escapes and UTF-8 interesting */
  static const char * const pieces[] = {
    "\\", "\n", "\r", "\t", "é", "😀", "\xc2\x85", "\xe2\x80\xa8", "\xed\xa0\x80",
    "\xf4\x90\x80\x80", "\xc3", "\xe2\x82", "\\x4", "\\u{", "}", "0x", "=", " ",
  };

  /* Deterministic per run: g_test_rand_* follows the test seed */
  for (guint round = 0; round < 4000; round++)
    {
      g_autoptr(GByteArray) data = g_byte_array_new ();
      guint n = g_test_rand_int_range (0, 48);

      for (guint i = 0; i < n; i++)
        {
          switch (g_test_rand_int_range (0, 3))
            {
            case 0:
              {
                guint8 byte = g_test_rand_int_range (0, 256);

                g_byte_array_append (data, &byte, 1);
                break;
              }
            case 1:
              {
                guint8 byte = g_test_rand_int_range (0x20, 0x7f);

                g_byte_array_append (data, &byte, 1);
                break;
              }
            default:
              {
                const char *piece = pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))];

                g_byte_array_append (data, (const guint8 *) piece, strlen (piece));
              }
            }
        }
      round_trip (data->data, data->len);
    }
}

static void
test_round_trip_all_bytes (void)
{
  guint8 all[256];

  for (guint i = 0; i < 256; i++)
    all[i] = i;
  round_trip (all, sizeof all);
  for (guint i = 0; i < 256; i++)
    round_trip (all + i, 1);
}

/* --- Size: no cap, and linear --- */

#define BIG (4 * 1024 * 1024)

static void
decode_big (SsEncoding  encoding,
            const char *text,
            gsize       expected_len)
{
  gint64 before = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = ss_encoding_decode (encoding, text, -1, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, expected_len);
  /* linear: far less than the seconds a quadratic pass would take */
  g_test_message ("%s: %" G_GINT64_FORMAT " ms", ss_encoding_to_string (encoding),
                  (g_get_monotonic_time () - before) / 1000);
}

static void
test_big (void)
{
  g_autofree guint8 *data = g_malloc (BIG);
  g_autofree char *escaped = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *base64 = NULL;
  g_autofree char *run = g_malloc (BIG * 2 + 1);
  g_autofree char *late_error = NULL;
  g_autoptr(GError) error = NULL;
  gsize start, end;

  for (gsize i = 0; i < BIG; i++)
    data[i] = (i * 7919) >> 3;
  escaped = ss_encoding_encode (SS_ENCODING_ESCAPED, data, BIG);
  hex = ss_encoding_encode (SS_ENCODING_HEX, data, BIG);
  base64 = ss_encoding_encode (SS_ENCODING_BASE64, data, BIG);
  decode_big (SS_ENCODING_ESCAPED, escaped, BIG);
  decode_big (SS_ENCODING_HEX, hex, BIG);
  decode_big (SS_ENCODING_BASE64, base64, BIG);
  decode_big (SS_ENCODING_TEXT, base64, strlen (base64));

  /* one run of 8 Mi digits */
  memset (run, 'a', BIG * 2);
  run[BIG * 2] = '\0';
  decode_big (SS_ENCODING_HEX, run, BIG);

  /* an error at the very end: its position is found once, not per line */
  late_error = g_strconcat (hex, "\\q", NULL);
  g_assert_null (ss_encoding_decode (SS_ENCODING_ESCAPED, late_error, -1, &start, &end, &error));
  g_assert_error (error, SS_ENCODING_ERROR, SS_ENCODING_ERROR_ESCAPE);
  g_assert_cmpuint (start, ==, strlen (hex));
  g_assert_cmpuint (end, ==, strlen (hex) + 2);
  g_assert_nonnull (strstr (error->message, "line 262144, column 48"));
  g_clear_error (&error);

  /* an odd run that long is shown cut short */
  run[BIG * 2 - 1] = '\0';
  g_assert_null (ss_encoding_decode (SS_ENCODING_HEX, run, -1, &start, &end, &error));
  g_assert_error (error, SS_ENCODING_ERROR, SS_ENCODING_ERROR_ODD_DIGITS);
  g_assert_cmpuint (start, ==, 0);
  g_assert_cmpuint (end, ==, BIG * 2 - 1);
  g_assert_cmpuint (strlen (error->message), <, 200);
}

/* --- Names and line endings --- */

static void
test_names (void)
{
  static const char * const encodings[] = { "text", "escapes", "hex", "base64", "file" };
  static const char * const endings[] = { "none", "lf", "cr", "crlf" };
  static const char * const ending_bytes[] = { "", "\n", "\r", "\r\n" };
  SsEncoding encoding;
  SsLineEnding ending;

  for (guint i = 0; i < SS_N_ENCODINGS; i++)
    {
      g_assert_cmpstr (ss_encoding_to_string (i), ==, encodings[i]);
      g_assert_true (ss_encoding_from_string (encodings[i], &encoding));
      g_assert_cmpint (encoding, ==, i);
    }
  for (guint i = 0; i < SS_N_LINE_ENDINGS; i++)
    {
      g_assert_cmpstr (ss_line_ending_to_string (i), ==, endings[i]);
      g_assert_cmpstr (ss_line_ending_get_bytes (i), ==, ending_bytes[i]);
      g_assert_true (ss_line_ending_from_string (endings[i], &ending));
      g_assert_cmpint (ending, ==, i);
    }

  encoding = SS_ENCODING_HEX;
  g_assert_false (ss_encoding_from_string ("Hex", &encoding));
  g_assert_false (ss_encoding_from_string ("", &encoding));
  g_assert_cmpint (encoding, ==, SS_ENCODING_HEX);
  ending = SS_LINE_ENDING_CR;
  g_assert_false (ss_line_ending_from_string ("\r\n", &ending));
  g_assert_cmpint (ending, ==, SS_LINE_ENDING_CR);
}

/* --- SsPayload --- */

typedef struct
{
  const char *name;
  const char *data;
  gsize       len;
  SsEncoding  encoding;
  const char *content;
} ForBytesCase;

static const ForBytesCase for_bytes_cases[] = {
  { "empty", BYTES (""), SS_ENCODING_TEXT, "" },
  { "text", BYTES ("GET / HTTP/1.1\r\nHost: é\r\n\r\n"), SS_ENCODING_TEXT,
    "GET / HTTP/1.1\r\nHost: é\r\n\r\n" },
  { "text-with-nul", BYTES ("PING\0"), SS_ENCODING_ESCAPED, "PING\\0" },
  { "mostly-text", BYTES ("key=value\xff\xfe\n"), SS_ENCODING_ESCAPED, "key=value\\xff\\xfe\n" },
  { "binary", BYTES ("\x00\x01\x02\x03\xff\xfe" "ab"), SS_ENCODING_HEX, "00 01 02 03 ff fe 61 62" },
  { "binary-utf8-invalid", BYTES ("\x80\x81\x82" "abcd"), SS_ENCODING_HEX, "80 81 82 61 62 63 64" },
};

static void
test_payload_for_bytes (gconstpointer user_data)
{
  const ForBytesCase *c = user_data;
  g_autoptr(GBytes) bytes = g_bytes_new_static (c->data, c->len);
  SsPayload *payload = ss_payload_new_for_bytes ("received", bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) back = NULL;

  g_assert_cmpstr (ss_payload_get_name (payload), ==, "received");
  g_assert_cmpint (ss_payload_get_encoding (payload), ==, c->encoding);
  g_assert_cmpstr (ss_payload_get_content (payload), ==, c->content);
  g_assert_cmpint (ss_payload_get_line_ending (payload), ==, SS_LINE_ENDING_NONE);
  back = ss_payload_to_bytes (payload, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, bytes));
  g_assert_finalize_object (payload);
}

static void
test_payload_to_bytes (void)
{
  static const struct
  {
    SsLineEnding  ending;
    const char   *expected;
  } endings[] = {
    { SS_LINE_ENDING_NONE, "PING\t1" },
    { SS_LINE_ENDING_LF, "PING\t1\n" },
    { SS_LINE_ENDING_CR, "PING\t1\r" },
    { SS_LINE_ENDING_CRLF, "PING\t1\r\n" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      SsPayload *payload = ss_payload_new (NULL, SS_ENCODING_ESCAPED, "PING\\t1", endings[i].ending);
      g_autoptr(GBytes) bytes = ss_payload_to_bytes (payload, NULL, NULL, NULL);

      g_assert_null (ss_payload_get_name (payload));
      assert_bytes (bytes, endings[i].expected, strlen (endings[i].expected));
      g_assert_finalize_object (payload);
    }

  /* an empty payload is only its line ending */
  {
    SsPayload *payload = ss_payload_new ("blank", SS_ENCODING_HEX, "", SS_LINE_ENDING_CRLF);
    g_autoptr(GBytes) bytes = ss_payload_to_bytes (payload, NULL, NULL, NULL);

    assert_bytes (bytes, BYTES ("\r\n"));
    g_assert_finalize_object (payload);
  }
}

static void
test_payload_to_bytes_errors (void)
{
  SsPayload *payload = ss_payload_new ("bad", SS_ENCODING_HEX, "48\n65 6", SS_LINE_ENDING_LF);
  g_autoptr(GError) error = NULL;
  gsize start = 0, end = 0;

  g_assert_null (ss_payload_to_bytes (payload, &start, &end, &error));
  g_assert_error (error, SS_ENCODING_ERROR, SS_ENCODING_ERROR_ODD_DIGITS);
  g_assert_cmpuint (start, ==, 6);
  g_assert_cmpuint (end, ==, 7);
  g_assert_nonnull (strstr (error->message, "line 2, column 4"));
  g_assert_finalize_object (payload);
  g_clear_error (&error);

  payload = ss_payload_new ("file", SS_ENCODING_FILE, "/etc/hosts", SS_LINE_ENDING_NONE);
  g_assert_null (ss_payload_to_bytes (payload, NULL, NULL, &error));
  g_assert_error (error, SS_ENCODING_ERROR, SS_ENCODING_ERROR_UNSUPPORTED);
  g_assert_finalize_object (payload);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_payload_properties (void)
{
  SsPayload *payload = ss_payload_new ("a", SS_ENCODING_BASE64, "QUJD", SS_LINE_ENDING_CR);
  g_autofree char *name = NULL;
  g_autofree char *content = NULL;
  guint encoding, ending;
  guint notified = 0;

  g_object_get (payload,
                "name", &name,
                "encoding", &encoding,
                "content", &content,
                "line-ending", &ending,
                NULL);
  g_assert_cmpstr (name, ==, "a");
  g_assert_cmpuint (encoding, ==, SS_ENCODING_BASE64);
  g_assert_cmpstr (content, ==, "QUJD");
  g_assert_cmpuint (ending, ==, SS_LINE_ENDING_CR);

  g_signal_connect (payload, "notify::name", G_CALLBACK (count_notify), &notified);
  ss_payload_set_name (payload, "a");
  g_assert_cmpuint (notified, ==, 0);
  ss_payload_set_name (payload, "b");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (ss_payload_get_name (payload), ==, "b");
  ss_payload_set_name (payload, NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_null (ss_payload_get_name (payload));
  g_assert_finalize_object (payload);

  /* a NULL content is empty text */
  payload = ss_payload_new (NULL, SS_ENCODING_TEXT, NULL, SS_LINE_ENDING_NONE);
  g_assert_cmpstr (ss_payload_get_content (payload), ==, "");
  g_assert_finalize_object (payload);
}

static void
test_payload_equal (void)
{
  SsPayload *a = ss_payload_new ("one", SS_ENCODING_HEX, "48 65", SS_LINE_ENDING_LF);
  SsPayload *same = ss_payload_new ("two", SS_ENCODING_HEX, "48 65", SS_LINE_ENDING_LF);
  SsPayload *unnamed = ss_payload_new (NULL, SS_ENCODING_HEX, "48 65", SS_LINE_ENDING_LF);
  SsPayload *other_encoding = ss_payload_new ("one", SS_ENCODING_TEXT, "48 65", SS_LINE_ENDING_LF);
  SsPayload *other_content = ss_payload_new ("one", SS_ENCODING_HEX, "4865", SS_LINE_ENDING_LF);
  SsPayload *other_ending = ss_payload_new ("one", SS_ENCODING_HEX, "48 65", SS_LINE_ENDING_CRLF);

  g_assert_true (ss_payload_equal (a, a));
  g_assert_true (ss_payload_equal (a, same));
  g_assert_true (ss_payload_equal (unnamed, a));
  g_assert_false (ss_payload_equal (a, other_encoding));
  /* the same bytes, written otherwise: not the same payload */
  g_assert_false (ss_payload_equal (a, other_content));
  g_assert_false (ss_payload_equal (a, other_ending));

  g_assert_finalize_object (a);
  g_assert_finalize_object (same);
  g_assert_finalize_object (unnamed);
  g_assert_finalize_object (other_encoding);
  g_assert_finalize_object (other_content);
  g_assert_finalize_object (other_ending);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (decode_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/encoding/decode/%s", decode_cases[i].name);

      g_test_add_data_func (path, &decode_cases[i], test_decode);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/encoding/error/%s", error_cases[i].name);

      g_test_add_data_func (path, &error_cases[i], test_error);
    }
  g_test_add_func ("/encoding/error/example-message", test_error_example_message);
  for (gsize i = 0; i < G_N_ELEMENTS (encode_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/encoding/encode/%s", encode_cases[i].name);

      g_test_add_data_func (path, &encode_cases[i], test_encode);
    }
  g_test_add_func ("/encoding/encode/null-data", test_encode_null_data);
  g_test_add_func ("/encoding/round-trip/random", test_round_trip_random);
  g_test_add_func ("/encoding/round-trip/all-bytes", test_round_trip_all_bytes);
  g_test_add_func ("/encoding/big", test_big);
  g_test_add_func ("/encoding/names", test_names);
  for (gsize i = 0; i < G_N_ELEMENTS (for_bytes_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/payload/for-bytes/%s", for_bytes_cases[i].name);

      g_test_add_data_func (path, &for_bytes_cases[i], test_payload_for_bytes);
    }
  g_test_add_func ("/payload/to-bytes", test_payload_to_bytes);
  g_test_add_func ("/payload/to-bytes-errors", test_payload_to_bytes_errors);
  g_test_add_func ("/payload/properties", test_payload_properties);
  g_test_add_func ("/payload/equal", test_payload_equal);

  return g_test_run ();
}
