/* ss-hexdump.c — bytes as hex and text side by side, as `hexdump -C`
 * shows them, as many bytes a line as a width holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-hexdump.h"

#define MIN_PER_LINE 4
#define MAX_PER_LINE 64

/* The characters a line of @per_line bytes takes: the offset and two
 * spaces, three a byte, one more every eight, " |", the text, "|" */
static guint
line_chars (guint per_line)
{
  return 10 + 3 * per_line + (per_line - 1) / 8 + 2 + per_line + 1;
}

/**
 * ss_hexdump_bytes_per_line:
 * @chars: the width to fill, in characters of a monospace font
 *
 * Returns: the most bytes a line shows in @chars: a multiple of 4, from
 *   4 to 64
 */
guint
ss_hexdump_bytes_per_line (guint chars)
{
  guint per_line = MAX_PER_LINE;

  while (per_line > MIN_PER_LINE && line_chars (per_line) > chars)
    per_line -= 4;
  return per_line;
}

/**
 * ss_hexdump_format:
 * @per_line: bytes a line (see ss_hexdump_bytes_per_line())
 * @max_lines: at most this many lines, then one that says what is left;
 *   0 for all
 * @n_lines: (out) (optional): the lines written
 *
 * Returns: (transfer full): "00000000  48 65 6c 6c 6f 0a  |Hello.|"
 *   lines, without a newline after the last
 */
char *
ss_hexdump_format (const guint8 *data,
                   gsize         len,
                   guint         per_line,
                   guint         max_lines,
                   guint        *n_lines)
{
  static const char digits[] = "0123456789abcdef";
  GString *out;
  guint lines = 0;
  gsize at;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  per_line = CLAMP (per_line, MIN_PER_LINE, MAX_PER_LINE);
  out = g_string_sized_new (MIN (len, (gsize) per_line * (max_lines ? max_lines : 64)) * 5 + 32);
  for (at = 0; at < len && (max_lines == 0 || lines < max_lines); at += per_line, lines++)
    {
      gsize n = MIN (per_line, len - at);

      if (lines > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x  ", at);
      for (guint i = 0; i < per_line; i++)
        {
          if (i > 0 && i % 8 == 0)
            g_string_append_c (out, ' ');
          if (i < n)
            {
              g_string_append_c (out, digits[data[at + i] >> 4]);
              g_string_append_c (out, digits[data[at + i] & 0xf]);
              g_string_append_c (out, ' ');
            }
          else
            g_string_append (out, "   ");
        }
      g_string_append (out, " |");
      for (gsize i = 0; i < n; i++)
        g_string_append_c (out, data[at + i] >= 0x20 && data[at + i] < 0x7f ? (char) data[at + i] : '.');
      g_string_append_c (out, '|');
    }
  if (at < len)
    {
      guint64 rest = len - at;

      g_string_append_c (out, '\n');
      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "(%" PRIu64 " more byte not shown)",
                                                "(%" PRIu64 " more bytes not shown)", rest), rest);
      lines++;
    }
  if (n_lines != NULL)
    *n_lines = lines;
  return g_string_free (out, FALSE);
}
