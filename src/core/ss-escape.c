/* ss-escape.c — bytes shown as text: UTF-8 kept, everything else escaped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-escape.h"

static void
append_control (GString *out,
                guint8   byte)
{
  switch (byte)
    {
    case '\0': g_string_append (out, "\\0"); break;
    case '\t': g_string_append (out, "\\t"); break;
    case '\r': g_string_append (out, "\\r"); break;
    case '\n': g_string_append (out, "\\n"); break;
    case '\\': g_string_append (out, "\\\\"); break;
    default:   g_string_append_printf (out, "\\x%02x", byte); break;
    }
}

/**
 * ss_escape_bytes:
 * @data: the bytes, anything a peer sent
 * @len: their length
 * @max_len: stop after this many input bytes (an ellipsis marks the cut),
 *   or 0 for no limit
 * @keep_newlines: keep "\n" as a real line break (after its escape)
 *
 * Returns: (transfer full): valid UTF-8 that is safe to hand to GTK: valid
 *   UTF-8 text stays as it is, control bytes, the backslash and every byte
 *   that is not part of valid UTF-8 are shown as C escapes, so nothing is
 *   dropped and the text maps back to the bytes.
 */
char *
ss_escape_bytes (const guint8 *data,
                 gsize         len,
                 gsize         max_len,
                 gboolean      keep_newlines)
{
  gsize end = (max_len > 0 && len > max_len) ? max_len : len;
  GString *out = g_string_sized_new (end + 8);
  gsize i = 0;

  while (i < end)
    {
      guint8 byte = data[i];

      if (byte < 0x80)
        {
          if (byte < 0x20 || byte == 0x7f || byte == '\\')
            {
              append_control (out, byte);
              if (byte == '\n' && keep_newlines)
                g_string_append_c (out, '\n');
            }
          else
            g_string_append_c (out, byte);
          i++;
          continue;
        }

      {
        gunichar c = g_utf8_get_char_validated ((const char *) data + i, end - i);

        if (c == (gunichar) -1 || c == (gunichar) -2 || (c >= 0x80 && c < 0xa0))
          {
            /* not UTF-8 (or cut off by max_len, or a C1 control) */
            g_string_append_printf (out, "\\x%02x", byte);
            i++;
          }
        else
          {
            int n = g_unichar_to_utf8 (c, NULL);
            g_string_append_len (out, (const char *) data + i, n);
            i += n;
          }
      }
    }

  if (end < len)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

/**
 * ss_escape_literal:
 * @max_len: at most this many bytes are written out (then "…"), 0 for all
 * @python: a Python bytes literal (b'…') rather than a C string ("…")
 *
 * Returns: (transfer full): the bytes as source code, ASCII only, for the
 *   call transcript.
 */
char *
ss_escape_literal (const guint8 *data,
                   gsize         len,
                   gsize         max_len,
                   gboolean      python)
{
  gsize end = (max_len > 0 && len > max_len) ? max_len : len;
  char quote = python ? '\'' : '"';
  GString *out = g_string_new (python ? "b'" : "\"");

  for (gsize i = 0; i < end; i++)
    {
      guint8 byte = data[i];
      gboolean hex = FALSE;

      if (byte == quote || byte == '\\')
        g_string_append_printf (out, "\\%c", byte);
      else if (byte >= 0x20 && byte < 0x7f)
        g_string_append_c (out, byte);
      else if (byte == '\0' && !python)
        {
          g_string_append (out, "\\x00");
          hex = TRUE;
        }
      else if (byte != '\0' && byte < 0x20 && strchr ("\t\r\n", byte))
        append_control (out, byte);
      else
        {
          g_string_append_printf (out, "\\x%02x", byte);
          hex = TRUE;
        }

      /* C's "\x" takes every hex digit that follows ("\xffab" is one
       * escape, out of range): end the literal there and start another. */
      if (hex && !python && i + 1 < end && g_ascii_isxdigit (data[i + 1]))
        g_string_append (out, "\"\"");
    }
  g_string_append_c (out, quote);
  if (end < len)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}
