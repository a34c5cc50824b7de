/* fuzz-escape.c — libFuzzer target: bytes from a peer shown as text
 * (ss_escape_bytes) and as source literals (ss_escape_literal)
 *
 * The first byte picks the options (keep newlines, Python or C, the
 * length limit); the rest is the payload, any bytes at all. What is
 * checked besides crashes and sanitizer reports: the text is valid UTF-8
 * with no control character (but the kept newlines), it maps back to
 * exactly the payload, and a literal is ASCII.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "ss-escape.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The inverse of ss_escape_bytes() without a limit. */
static GByteArray *
unescape (const char *text,
          gboolean    keep_newlines)
{
  GByteArray *out = g_byte_array_new ();
  const char *p = text;

  while (*p != '\0')
    {
      guint8 byte;

      if (*p != '\\')
        {
          g_byte_array_append (out, (const guint8 *) p++, 1);
          continue;
        }
      switch (p[1])
        {
        case '0': byte = '\0'; break;
        case 't': byte = '\t'; break;
        case 'r': byte = '\r'; break;
        case 'n': byte = '\n'; break;
        case '\\': byte = '\\'; break;
        case 'x':
          g_assert_true (g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]));
          byte = g_ascii_xdigit_value (p[2]) * 16 + g_ascii_xdigit_value (p[3]);
          p += 2;
          break;
        default:
          g_assert_not_reached ();
        }
      p += 2;
      /* a kept newline follows its escape */
      if (byte == '\n' && keep_newlines)
        {
          g_assert_true (*p == '\n');
          p++;
        }
      g_byte_array_append (out, &byte, 1);
    }
  return out;
}

static void
check_text (const char *text,
            gboolean    keep_newlines)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' && keep_newlines)
        continue;
      g_assert_false (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const gsize limits[] = { 0, 0, 1, 2, 3, 7, 64, 4096 };
  const guint8 *payload;
  gsize len, max_len;
  gboolean keep_newlines, python;
  g_autofree char *text = NULL;
  g_autofree char *literal = NULL;

  if (size < 1)
    return 0;
  keep_newlines = data[0] & 1;
  python = (data[0] >> 1) & 1;
  max_len = limits[(data[0] >> 2) & 7];
  /* a copy of its own, so that reading past it is caught */
  payload = size > 1 ? g_memdup2 (data + 1, size - 1) : NULL;
  len = size - 1;

  text = ss_escape_bytes (payload, len, max_len, keep_newlines);
  check_text (text, keep_newlines);
  if (max_len == 0 || len <= max_len)
    {
      GByteArray *back = unescape (text, keep_newlines);

      g_assert_cmpmem (back->data, back->len, payload, len);
      g_byte_array_unref (back);
    }

  literal = ss_escape_literal (payload, len, max_len, python);
  g_assert_true (g_utf8_validate (literal, -1, NULL));
  g_assert_true (literal[0] == (python ? 'b' : '"'));
  for (const char *p = literal; *p != '\0'; p++)
    {
      /* ASCII, but for the "…" that marks a cut */
      if ((guint8) *p >= 0x80)
        {
          g_assert_true (max_len > 0 && len > max_len);
          g_assert_cmpstr (p, ==, "…");
          break;
        }
      g_assert_true (*p >= 0x20 && *p < 0x7f);
    }

  g_free ((gpointer) payload);
  return 0;
}
