/* ss-encoding.c — what a person types in the send box, as the bytes it means
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <string.h>

#include "ss-encoding-private.h"

G_DEFINE_QUARK (ss-encoding-error-quark, ss_encoding_error)

static const char * const encoding_names[] = {
  [SS_ENCODING_TEXT] = "text",
  [SS_ENCODING_ESCAPED] = "escapes",
  [SS_ENCODING_HEX] = "hex",
  [SS_ENCODING_BASE64] = "base64",
  [SS_ENCODING_FILE] = "file",
};

static const char * const line_ending_names[] = {
  [SS_LINE_ENDING_NONE] = "none",
  [SS_LINE_ENDING_LF] = "lf",
  [SS_LINE_ENDING_CR] = "cr",
  [SS_LINE_ENDING_CRLF] = "crlf",
};

static const char * const line_ending_bytes[] = {
  [SS_LINE_ENDING_NONE] = "",
  [SS_LINE_ENDING_LF] = "\n",
  [SS_LINE_ENDING_CR] = "\r",
  [SS_LINE_ENDING_CRLF] = "\r\n",
};

G_STATIC_ASSERT (G_N_ELEMENTS (encoding_names) == SS_N_ENCODINGS);
G_STATIC_ASSERT (G_N_ELEMENTS (line_ending_names) == SS_N_LINE_ENDINGS);

/* The name kept in files and settings, not for people to read. */
const char *
ss_encoding_to_string (SsEncoding encoding)
{
  g_return_val_if_fail (encoding < SS_N_ENCODINGS, NULL);
  return encoding_names[encoding];
}

gboolean
ss_encoding_from_string (const char *name,
                         SsEncoding *encoding)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < SS_N_ENCODINGS; i++)
    if (g_str_equal (name, encoding_names[i]))
      {
        if (encoding != NULL)
          *encoding = i;
        return TRUE;
      }
  return FALSE;
}

const char *
ss_line_ending_to_string (SsLineEnding ending)
{
  g_return_val_if_fail (ending < SS_N_LINE_ENDINGS, NULL);
  return line_ending_names[ending];
}

gboolean
ss_line_ending_from_string (const char   *name,
                            SsLineEnding *ending)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < SS_N_LINE_ENDINGS; i++)
    if (g_str_equal (name, line_ending_names[i]))
      {
        if (ending != NULL)
          *ending = i;
        return TRUE;
      }
  return FALSE;
}

/* "", "\n", "\r" or "\r\n" */
const char *
ss_line_ending_get_bytes (SsLineEnding ending)
{
  g_return_val_if_fail (ending < SS_N_LINE_ENDINGS, "");
  return line_ending_bytes[ending];
}

/* The character at @p for a message: itself when it can be seen, else
 * as an escape. */
static char *
describe_char (const char *p,
               gsize       avail,
               gsize      *n)
{
  gunichar c = ss_encoding_next_char (p, avail, n);

  if (c == (gunichar) -1 || c < 0x20 || c == 0x7f)
    return g_strdup_printf ("\\x%02x", (guint8) *p);
  if (!ss_encoding_is_shown_as_is (c))
    return g_strdup_printf ("\\u{%x}", c);
  return g_strndup (p, *n);
}

typedef struct
{
  const char  *text;
  gsize        len;
  gsize       *error_start;
  gsize       *error_end;
  GError     **error;
} Input;

/* "line 2, column 5": columns count characters, as a person does. */
static char *
describe_position (const Input *in,
                   gsize        offset)
{
  guint line = 1, column = 1;
  gsize i = 0;

  while (i < offset)
    {
      gsize n;

      if (in->text[i] == '\n')
        {
          line++;
          column = 1;
          i++;
          continue;
        }
      ss_encoding_next_char (in->text + i, in->len - i, &n);
      column++;
      i += n;
    }
  /* TRANSLATORS: where a mistake is in the send box, as in
   * "Unknown escape “\q” at line 1, column 4" */
  return g_strdup_printf (_("line %u, column %u"), line, column);
}

G_GNUC_PRINTF (5, 6)
static void
fail (const Input     *in,
      SsEncodingError  code,
      gsize            start,
      gsize            end,
      const char      *format,
      ...)
{
  va_list args;

  g_assert (start < end || (start == 0 && end == in->len));
  g_assert (end <= in->len);

  if (in->error_start != NULL)
    *in->error_start = start;
  if (in->error_end != NULL)
    *in->error_end = end;
  if (in->error == NULL)
    return;

  va_start (args, format);
  *in->error = g_error_new_valist (SS_ENCODING_ERROR, code, format, args);
  va_end (args);
}

/* A long run of digits is cut short where a message shows it. */
static char *
describe_run (const char *p,
              gsize       n)
{
  if (n > 16)
    return g_strdup_printf ("%.*s…", 16, p);
  return g_strndup (p, n);
}

static GBytes *
decode_escaped (const Input *in)
{
  const char *text = in->text;
  gsize len = in->len;
  g_autoptr(GByteArray) out = g_byte_array_sized_new (len);
  gsize i = 0;

  while (i < len)
    {
      const char *backslash = memchr (text + i, '\\', len - i);
      gsize at = backslash != NULL ? (gsize) (backslash - text) : len;
      guint8 byte;

      g_byte_array_append (out, (const guint8 *) text + i, at - i);
      i = at;
      if (i == len)
        break;

      if (i + 1 == len || text[i + 1] == '\n')
        {
          g_autofree char *where = describe_position (in, i);

          fail (in, SS_ENCODING_ERROR_ESCAPE, i, i + 1,
                _("A lone backslash at %s ends the line. Write \\\\ for a backslash"),
                where);
          return NULL;
        }

      switch (text[i + 1])
        {
        case 'r': byte = '\r'; break;
        case 'n': byte = '\n'; break;
        case 't': byte = '\t'; break;
        case '0': byte = '\0'; break;
        case '\\': byte = '\\'; break;
        case '"': byte = '"'; break;
        case '\'': byte = '\''; break;
        case 'a': byte = '\a'; break;
        case 'b': byte = '\b'; break;
        case 'e': byte = 0x1b; break;
        case 'f': byte = '\f'; break;
        case 'v': byte = '\v'; break;

        case 'x':
          {
            gsize digits = 0;

            while (digits < 2 && i + 2 + digits < len &&
                   g_ascii_isxdigit (text[i + 2 + digits]))
              digits++;
            if (digits < 2)
              {
                g_autofree char *where = describe_position (in, i);

                fail (in, SS_ENCODING_ERROR_ESCAPE, i, i + 2 + digits,
                      _("The escape “%.*s” at %s needs two hex digits, as in \\x0a"),
                      (int) (2 + digits), text + i, where);
                return NULL;
              }
            byte = g_ascii_xdigit_value (text[i + 2]) * 16 +
                   g_ascii_xdigit_value (text[i + 3]);
            g_byte_array_append (out, &byte, 1);
            i += 4;
            continue;
          }

        case 'u':
          {
            gsize j = i + 3;
            gsize digits = 0;
            gunichar c = 0;
            char utf8[6];

            if (i + 2 >= len || text[i + 2] != '{')
              {
                g_autofree char *where = describe_position (in, i);

                fail (in, SS_ENCODING_ERROR_ESCAPE, i, i + 2,
                      _("The escape “\\u” at %s needs braces around its hex digits, as in \\u{1F600}"),
                      where);
                return NULL;
              }
            for (; j < len && g_ascii_isxdigit (text[j]); j++, digits++)
              if (digits < 6)
                c = c * 16 + g_ascii_xdigit_value (text[j]);
            if (j == len)
              {
                g_autofree char *where = describe_position (in, i);

                fail (in, SS_ENCODING_ERROR_ESCAPE, i, j,
                      _("The escape “\\u{” at %s is not closed by “}”, as in \\u{1F600}"),
                      where);
                return NULL;
              }
            if (text[j] != '}')
              {
                gsize n;
                g_autofree char *shown = describe_char (text + j, len - j, &n);
                g_autofree char *where = describe_position (in, i);

                fail (in, SS_ENCODING_ERROR_ESCAPE, i, j + n,
                      _("“%s” in the escape “\\u{…}” at %s is not a hex digit, as in \\u{1F600}"),
                      shown, where);
                return NULL;
              }
            if (digits == 0 || digits > 6)
              {
                g_autofree char *where = describe_position (in, i);

                fail (in, SS_ENCODING_ERROR_ESCAPE, i, j + 1,
                      _("The escape “\\u{…}” at %s takes one to six hex digits, as in \\u{1F600}"),
                      where);
                return NULL;
              }
            if (c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
              {
                g_autofree char *where = describe_position (in, i);

                fail (in, SS_ENCODING_ERROR_CODE_POINT, i, j + 1,
                      _("“%.*s” at %s is not a Unicode character: give one up to 10FFFF, but not D800 to DFFF"),
                      (int) (j + 1 - i), text + i, where);
                return NULL;
              }
            g_byte_array_append (out, (const guint8 *) utf8, g_unichar_to_utf8 (c, utf8));
            i = j + 1;
            continue;
          }

        default:
          {
            gsize n;
            g_autofree char *shown = describe_char (text + i + 1, len - i - 1, &n);
            g_autofree char *where = describe_position (in, i);

            /* an unseen character after the backslash is named apart
             * from it, as "\\x01" would read as an escaped backslash */
            if (shown[0] == '\\')
              fail (in, SS_ENCODING_ERROR_ESCAPE, i, i + 1 + n,
                    _("The backslash at %s is followed by “%s”, which starts no escape. Use \\r \\n \\t \\0 \\\\ \\xNN or \\u{…}"),
                    where, shown);
            else
              fail (in, SS_ENCODING_ERROR_ESCAPE, i, i + 1 + n,
                    _("Unknown escape “\\%s” at %s. Use \\r \\n \\t \\0 \\\\ \\xNN or \\u{…}"),
                    shown, where);
            return NULL;
          }
        }

      g_byte_array_append (out, &byte, 1);
      i += 2;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
is_hex_separator (char c)
{
  return g_ascii_isspace (c) || c == ':' || c == ',' || c == '-' || c == ';';
}

/* "0x" or "\x" (either case) before a run of digits */
static gboolean
is_hex_prefix (const char *text,
               gsize       len,
               gsize       i)
{
  return i + 1 < len && (text[i] == '0' || text[i] == '\\') &&
         (text[i + 1] == 'x' || text[i + 1] == 'X');
}

static GBytes *
decode_hex (const Input *in)
{
  const char *text = in->text;
  gsize len = in->len;
  g_autoptr(GByteArray) out = g_byte_array_sized_new (len / 2);
  gsize i = 0;

  while (i < len)
    {
      gsize run_start, digits_start;

      if (is_hex_separator (text[i]))
        {
          i++;
          continue;
        }

      run_start = i;
      if (is_hex_prefix (text, len, i))
        i += 2;
      digits_start = i;
      while (i < len && g_ascii_isxdigit (text[i]))
        i++;

      /* a run ends at a separator, or where "\x" starts the next one */
      if (i < len && !is_hex_separator (text[i]) &&
          !(text[i] == '\\' && is_hex_prefix (text, len, i)))
        {
          gsize n;
          g_autofree char *shown = describe_char (text + i, len - i, &n);
          g_autofree char *where = describe_position (in, i);

          fail (in, SS_ENCODING_ERROR_HEX_DIGIT, i, i + n,
                _("“%s” at %s is not a hex digit: use 0–9 and a–f, with spaces or : , - ; between bytes"),
                shown, where);
          return NULL;
        }
      if (i == digits_start)
        {
          g_autofree char *where = describe_position (in, run_start);

          fail (in, SS_ENCODING_ERROR_HEX_DIGIT, run_start, i,
                _("“%.2s” at %s is not followed by hex digits"),
                text + run_start, where);
          return NULL;
        }
      if ((i - digits_start) % 2 != 0)
        {
          g_autofree char *shown = describe_run (text + run_start, i - run_start);
          g_autofree char *where = describe_position (in, run_start);

          fail (in, SS_ENCODING_ERROR_ODD_DIGITS, run_start, i,
                _("“%s” at %s has an odd number of hex digits: each byte takes two, as in 0a"),
                shown, where);
          return NULL;
        }

      for (gsize j = digits_start; j < i; j += 2)
        {
          guint8 byte = g_ascii_xdigit_value (text[j]) * 16 +
                        g_ascii_xdigit_value (text[j + 1]);

          g_byte_array_append (out, &byte, 1);
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Both alphabets: the standard one and the URL-safe one (- and _). */
static int
base64_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;
  return -1;
}

static GBytes *
decode_base64 (const Input *in)
{
  const char *text = in->text;
  gsize len = in->len;
  g_autoptr(GByteArray) out = g_byte_array_sized_new (len / 4 * 3 + 3);
  gsize chars = 0, last = 0;
  gsize pad = 0, pad_start = 0, pad_end = 0;
  guint32 bits = 0;
  guint n_bits = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      int value;

      if (g_ascii_isspace (c))
        continue;
      if (c == '=')
        {
          if (pad == 0)
            pad_start = i;
          pad++;
          pad_end = i + 1;
          continue;
        }

      value = base64_value (c);
      if (value < 0)
        {
          gsize n;
          g_autofree char *shown = describe_char (text + i, len - i, &n);
          g_autofree char *where = describe_position (in, i);

          fail (in, SS_ENCODING_ERROR_BASE64, i, i + n,
                _("“%s” at %s is not a base64 character: use A–Z a–z 0–9 + / (or - _) and = at the end"),
                shown, where);
          return NULL;
        }
      if (pad > 0)
        {
          g_autofree char *where = describe_position (in, i);

          fail (in, SS_ENCODING_ERROR_BASE64, i, i + 1,
                _("“%c” at %s comes after the padding “=”, which can only end base64 text"),
                c, where);
          return NULL;
        }

      bits = (bits << 6) | value;
      n_bits += 6;
      if (n_bits >= 8)
        {
          guint8 byte;

          n_bits -= 8;
          byte = (bits >> n_bits) & 0xff;
          bits &= (1u << n_bits) - 1;
          g_byte_array_append (out, &byte, 1);
        }
      chars++;
      last = i;
    }

  if (chars % 4 == 1)
    {
      g_autofree char *where = describe_position (in, last);

      fail (in, SS_ENCODING_ERROR_BASE64, last, last + 1,
            _("The base64 text ends with a lone character at %s: a byte takes at least two"),
            where);
      return NULL;
    }
  if (pad > 0 && pad != (4 - chars % 4) % 4)
    {
      guint wanted = (4 - chars % 4) % 4;
      g_autofree char *where = describe_position (in, pad_start);

      if (wanted == 0)
        fail (in, SS_ENCODING_ERROR_BASE64, pad_start, pad_end,
              _("The padding “=” at %s is too much: the groups of four are full"),
              where);
      else
        fail (in, SS_ENCODING_ERROR_BASE64, pad_start, pad_end,
              ngettext ("The padding at %s should be %u “=”, to fill the last group of four",
                        "The padding at %s should be %u “=”, to fill the last group of four",
                        wanted),
              where, wanted);
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * ss_encoding_decode:
 * @text: what the person typed (any bytes: it need not be valid UTF-8)
 * @len: its length, or -1 when it ends with a NUL
 * @error_start: (out) (optional): on failure, the byte offset in @text
 *   where the mistake starts (0 on success)
 * @error_end: (out) (optional): and where it ends, after its start (for
 *   SS_ENCODING_ERROR_UNSUPPORTED: all of @text)
 *
 * Returns: (transfer full) (nullable): the bytes @text means in
 *   @encoding, or %NULL with an SS_ENCODING_ERROR whose message says what
 *   is wrong and where ("line 2, column 5")
 */
GBytes *
ss_encoding_decode (SsEncoding   encoding,
                    const char  *text,
                    gssize       len,
                    gsize       *error_start,
                    gsize       *error_end,
                    GError     **error)
{
  Input in = { text, 0, error_start, error_end, error };

  g_return_val_if_fail (encoding < SS_N_ENCODINGS, NULL);
  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  in.len = len < 0 ? strlen (text) : (gsize) len;
  if (error_start != NULL)
    *error_start = 0;
  if (error_end != NULL)
    *error_end = 0;

  switch (encoding)
    {
    case SS_ENCODING_TEXT:
      return g_bytes_new (text, in.len);
    case SS_ENCODING_ESCAPED:
      return decode_escaped (&in);
    case SS_ENCODING_HEX:
      return decode_hex (&in);
    case SS_ENCODING_BASE64:
      return decode_base64 (&in);
    case SS_ENCODING_FILE:
      fail (&in, SS_ENCODING_ERROR_UNSUPPORTED, 0, in.len,
            _("A file name is not decoded: the file is read when it is sent"));
      return NULL;
    case SS_N_ENCODINGS:
    default:
      g_assert_not_reached ();
    }
}
