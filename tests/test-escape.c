/* test-escape.c — bytes shown as text, and as C and Python literals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>

#include "ss-escape.h"

#define ELLIPSIS "…"

static char *
escape (const char *data,
        gsize       len,
        gsize       max_len,
        gboolean    keep_newlines)
{
  char *text = ss_escape_bytes ((const guint8 *) data, len, max_len, keep_newlines);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  return text;
}

#define assert_escape(data, max_len, keep_newlines, expected) \
  G_STMT_START { \
    g_autofree char *text_ = escape ((data), sizeof (data) - 1, (max_len), (keep_newlines)); \
    g_assert_cmpstr (text_, ==, (expected)); \
  } G_STMT_END

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* The inverse of ss_escape_bytes(): the promise is that the text maps back
 * to exactly the bytes. Fails the test on anything it would not write. */
static GByteArray *
unescape_text (const char *text,
               gboolean    keep_newlines)
{
  GByteArray *out = g_byte_array_new ();
  const char *p = text;

  while (*p != '\0')
    {
      guint8 byte;

      if (*p != '\\')
        {
          const char *next = g_utf8_next_char (p);

          g_assert_cmpint (*p, !=, '\n');
          g_byte_array_append (out, (const guint8 *) p, next - p);
          p = next;
          continue;
        }

      p++;
      switch (*p)
        {
        case '0': byte = '\0'; break;
        case 't': byte = '\t'; break;
        case 'r': byte = '\r'; break;
        case 'n': byte = '\n'; break;
        case '\\': byte = '\\'; break;
        case 'x':
          g_assert_cmpint (hex_value (p[1]), >=, 0);
          g_assert_cmpint (hex_value (p[2]), >=, 0);
          byte = hex_value (p[1]) * 16 + hex_value (p[2]);
          p += 2;
          break;
        default:
          g_error ("unknown escape “\\%c” in “%s”", *p, text);
        }
      g_byte_array_append (out, &byte, 1);
      p++;
      if (byte == '\n' && keep_newlines)
        {
          g_assert_cmpint (*p, ==, '\n');
          p++;
        }
    }
  return out;
}

/* A C string literal as a compiler reads it: "\x" takes every hex digit
 * that follows, octal escapes up to three digits, and adjacent literals
 * ("a" "b") are joined. A value that does not fit a byte does not compile. */
static GByteArray *
parse_c_literal (const char *text)
{
  GByteArray *out = g_byte_array_new ();
  const char *p = text;

  g_assert_cmpint (*p, ==, '"');
  while (*p == '"')
    {
      p++;
      while (*p != '"')
        {
          guint value;
          guint8 byte;

          g_assert_cmpint (*p, !=, '\0');
          g_assert_cmpint (*p, !=, '\n');
          g_assert_true ((guint8) *p >= 0x20 && (guint8) *p < 0x7f);
          if (*p != '\\')
            {
              g_byte_array_append (out, (const guint8 *) p++, 1);
              continue;
            }
          p++;
          switch (*p)
            {
            case 'x':
              value = 0;
              g_assert_cmpint (hex_value (p[1]), >=, 0);
              for (p++; hex_value (*p) >= 0; p++)
                {
                  value = value * 16 + hex_value (*p);
                  if (value > 0xff)
                    g_error ("hex escape out of range in the C literal %s", text);
                }
              byte = value;
              break;
            case '0': case '1': case '2': case '3':
            case '4': case '5': case '6': case '7':
              value = 0;
              for (guint i = 0; i < 3 && *p >= '0' && *p <= '7'; i++, p++)
                value = value * 8 + (*p - '0');
              g_assert_cmpuint (value, <=, 0xff);
              byte = value;
              break;
            case 'n': byte = '\n'; p++; break;
            case 't': byte = '\t'; p++; break;
            case 'r': byte = '\r'; p++; break;
            case '\\': byte = '\\'; p++; break;
            case '"': byte = '"'; p++; break;
            case '\'': byte = '\''; p++; break;
            default:
              g_error ("unexpected escape “\\%c” in %s", *p, text);
            }
          g_byte_array_append (out, &byte, 1);
        }
      p++;
      while (*p == ' ')
        p++;
    }
  g_assert_true (*p == '\0' || g_str_equal (p, ELLIPSIS));
  return out;
}

/* A Python bytes literal: ASCII only, "\x" takes exactly two digits. */
static GByteArray *
parse_python_literal (const char *text)
{
  GByteArray *out = g_byte_array_new ();
  const char *p = text;

  g_assert_true (g_str_has_prefix (p, "b'"));
  for (p += 2; *p != '\''; )
    {
      guint8 byte;

      g_assert_cmpint (*p, !=, '\0');
      g_assert_true ((guint8) *p >= 0x20 && (guint8) *p < 0x7f);
      if (*p != '\\')
        {
          g_byte_array_append (out, (const guint8 *) p++, 1);
          continue;
        }
      p++;
      switch (*p)
        {
        case 'x':
          g_assert_cmpint (hex_value (p[1]), >=, 0);
          g_assert_cmpint (hex_value (p[2]), >=, 0);
          byte = hex_value (p[1]) * 16 + hex_value (p[2]);
          p += 3;
          break;
        case 'n': byte = '\n'; p++; break;
        case 't': byte = '\t'; p++; break;
        case 'r': byte = '\r'; p++; break;
        case '\\': byte = '\\'; p++; break;
        case '\'': byte = '\''; p++; break;
        case '"': byte = '"'; p++; break;
        default:
          g_error ("unexpected escape “\\%c” in %s", *p, text);
        }
      g_byte_array_append (out, &byte, 1);
    }
  p++;
  g_assert_true (*p == '\0' || g_str_equal (p, ELLIPSIS));
  return out;
}

static void
test_bytes_ascii (void)
{
  assert_escape ("", 0, FALSE, "");
  assert_escape ("hello, world", 0, FALSE, "hello, world");
  assert_escape ("GET / HTTP/1.0", 0, FALSE, "GET / HTTP/1.0");
  assert_escape ("~ !\"'", 0, FALSE, "~ !\"'");
}

static void
test_bytes_utf8_kept (void)
{
  assert_escape ("你好，服务器", 0, FALSE, "你好，服务器");
  assert_escape ("data = str(data,'utf8') → 好", 0, FALSE, "data = str(data,'utf8') → 好");
  assert_escape ("é€𝄞", 0, FALSE, "é€𝄞");
}

static void
test_bytes_control (void)
{
  assert_escape ("a\0b", 0, FALSE, "a\\0b");
  assert_escape ("\t\r\n", 0, FALSE, "\\t\\r\\n");
  assert_escape ("\x01\x1b\x1f\x7f", 0, FALSE, "\\x01\\x1b\\x1f\\x7f");
  assert_escape ("back\\slash", 0, FALSE, "back\\\\slash");
  /* C1 controls are valid UTF-8 but would reach GTK as controls */
  assert_escape ("\xc2\x85\xc2\x9f", 0, FALSE, "\\xc2\\x85\\xc2\\x9f");
  assert_escape ("\xc2\xa0", 0, FALSE, "\xc2\xa0");
}

static void
test_bytes_newlines (void)
{
  assert_escape ("one\ntwo\n", 0, FALSE, "one\\ntwo\\n");
  assert_escape ("one\ntwo\n", 0, TRUE, "one\\n\ntwo\\n\n");
  assert_escape ("\r\n", 0, TRUE, "\\r\\n\n");
}

static void
test_bytes_invalid_utf8 (void)
{
  assert_escape ("\xff\xfe\x00\x80", 0, FALSE, "\\xff\\xfe\\0\\x80");
  /* a lone continuation byte, an overlong NUL, an encoded surrogate */
  assert_escape ("a\x80z", 0, FALSE, "a\\x80z");
  assert_escape ("\xc0\x80", 0, FALSE, "\\xc0\\x80");
  assert_escape ("\xed\xa0\x80", 0, FALSE, "\\xed\\xa0\\x80");
  /* a cut-off sequence, then valid text again */
  assert_escape ("\xe4\xbd你", 0, FALSE, "\\xe4\\xbd你");
  assert_escape ("你\xe5", 0, FALSE, "你\\xe5");
  /* beyond U+10FFFF */
  assert_escape ("\xf4\x90\x80\x80", 0, FALSE, "\\xf4\\x90\\x80\\x80");
}

static void
test_bytes_truncation (void)
{
  assert_escape ("abcdef", 3, FALSE, "abc" ELLIPSIS);
  assert_escape ("abcdef", 6, FALSE, "abcdef");
  assert_escape ("abcdef", 7, FALSE, "abcdef");
  assert_escape ("abcdef", 0, FALSE, "abcdef");
  assert_escape ("\xff\xff\xff", 1, FALSE, "\\xff" ELLIPSIS);
  /* a character cut by the limit is shown as its bytes, never half-kept */
  assert_escape ("你好", 3, FALSE, "你" ELLIPSIS);
  assert_escape ("你好", 4, FALSE, "你\\xe5" ELLIPSIS);
  assert_escape ("你好", 5, FALSE, "你\\xe5\\xa5" ELLIPSIS);
}

static void
test_bytes_round_trip (void)
{
  /* Deterministic per run (g_test_rand_* follows the test seed): many
   * buffers mixing ASCII, controls, valid multi-byte text and junk. */
  static const char *const pieces[] = {
    "a", "\\", "\n", "\0", "\x7f", "\xff", "\x80", "\xc2\x85", "你", "€",
    "𝄞", "\xe4\xbd", "\xed\xa0\x80", "\xf0\x9f", "\xc3", "x",
  };

  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(GByteArray) input = g_byte_array_new ();
      guint n = g_test_rand_int_range (0, 40);
      gboolean keep_newlines = i % 2;

      for (guint j = 0; j < n; j++)
        {
          if (g_test_rand_bit ())
            {
              guint8 byte = g_test_rand_int_range (0, 256);
              g_byte_array_append (input, &byte, 1);
            }
          else
            {
              const char *piece = pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))];
              g_byte_array_append (input, (const guint8 *) piece, MAX (strlen (piece), 1));
            }
        }

      {
        g_autofree char *text = escape ((const char *) input->data, input->len, 0, keep_newlines);
        g_autoptr(GByteArray) back = unescape_text (text, keep_newlines);
        g_autofree char *c = ss_escape_literal (input->data, input->len, 0, FALSE);
        g_autofree char *py = ss_escape_literal (input->data, input->len, 0, TRUE);
        g_autoptr(GByteArray) from_c = NULL;
        g_autoptr(GByteArray) from_py = NULL;

        g_assert_cmpmem (back->data, back->len, input->data, input->len);

        from_c = parse_c_literal (c);
        g_assert_cmpmem (from_c->data, from_c->len, input->data, input->len);

        from_py = parse_python_literal (py);
        g_assert_cmpmem (from_py->data, from_py->len, input->data, input->len);
      }
    }
}

#define assert_literal(data, max_len, python, expected) \
  G_STMT_START { \
    g_autofree char *text_ = ss_escape_literal ((const guint8 *) (data), sizeof (data) - 1, \
                                                (max_len), (python)); \
    g_assert_cmpstr (text_, ==, (expected)); \
  } G_STMT_END

static void
test_literal_c (void)
{
  assert_literal ("", 0, FALSE, "\"\"");
  assert_literal ("hello\n", 0, FALSE, "\"hello\\n\"");
  assert_literal ("say \"hi\"", 0, FALSE, "\"say \\\"hi\\\"\"");
  assert_literal ("it's", 0, FALSE, "\"it's\"");
  assert_literal ("a\\b", 0, FALSE, "\"a\\\\b\"");
  assert_literal ("\xff\xfe\x00\x80", 0, FALSE, "\"\\xff\\xfe\\x00\\x80\"");
  assert_literal ("\t\r", 0, FALSE, "\"\\t\\r\"");
  assert_literal ("你", 0, FALSE, "\"\\xe4\\xbd\\xa0\"");
  assert_literal ("abcdef", 2, FALSE, "\"ab\"" ELLIPSIS);
}

static void
test_literal_c_hex_then_digit (void)
{
  g_autofree char *text = NULL;
  g_autoptr(GByteArray) back = NULL;

  /* In C, "\xffab" is one escape of value 0xffab and does not compile:
   * the literal must stop the escape before a following hex digit. */
  text = ss_escape_literal ((const guint8 *) "\xff" "ab\x00" "1", 5, 0, FALSE);
  g_test_message ("%s", text);
  back = parse_c_literal (text);
  g_assert_cmpmem (back->data, back->len, "\xff" "ab\x00" "1", 5);
}

static void
test_literal_python (void)
{
  assert_literal ("", 0, TRUE, "b''");
  assert_literal ("hello\n", 0, TRUE, "b'hello\\n'");
  assert_literal ("it's", 0, TRUE, "b'it\\'s'");
  assert_literal ("say \"hi\"", 0, TRUE, "b'say \"hi\"'");
  assert_literal ("a\\b", 0, TRUE, "b'a\\\\b'");
  assert_literal ("\xff\xfe\x00\x80", 0, TRUE, "b'\\xff\\xfe\\x00\\x80'");
  assert_literal ("\x00" "1", 0, TRUE, "b'\\x001'");
  assert_literal ("你", 0, TRUE, "b'\\xe4\\xbd\\xa0'");
  assert_literal ("abcdef", 3, TRUE, "b'abc'" ELLIPSIS);
  assert_literal ("abc", 3, TRUE, "b'abc'");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/escape/bytes/ascii", test_bytes_ascii);
  g_test_add_func ("/escape/bytes/utf8-kept", test_bytes_utf8_kept);
  g_test_add_func ("/escape/bytes/control", test_bytes_control);
  g_test_add_func ("/escape/bytes/newlines", test_bytes_newlines);
  g_test_add_func ("/escape/bytes/invalid-utf8", test_bytes_invalid_utf8);
  g_test_add_func ("/escape/bytes/truncation", test_bytes_truncation);
  g_test_add_func ("/escape/round-trip", test_bytes_round_trip);
  g_test_add_func ("/escape/literal/c", test_literal_c);
  g_test_add_func ("/escape/literal/c-hex-then-digit", test_literal_c_hex_then_digit);
  g_test_add_func ("/escape/literal/python", test_literal_python);

  return g_test_run ();
}
