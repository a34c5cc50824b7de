/* ss-payload-format.c — a payload shown as text, a hex dump or source code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-escape.h"
#include "ss-payload-format.h"

#define HEX_PER_LINE    16
#define C_PER_LINE      12
/* Python literals are split so that no line grows with the payload: a
 * text view lays out a megabyte-long line very slowly. */
#define PYTHON_PER_LINE 32

static const char hex_digits[] = "0123456789abcdef";

/* `hexdump -C`, without its "*" for repeated lines: every byte is shown. */
static void
append_hex_dump (GString      *out,
                 const guint8 *data,
                 gsize         len)
{
  for (gsize line = 0; line < len; line += HEX_PER_LINE)
    {
      gsize n = MIN (HEX_PER_LINE, len - line);

      g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x  ", line);
      for (gsize i = 0; i < HEX_PER_LINE; i++)
        {
          if (i < n)
            {
              g_string_append_c (out, hex_digits[data[line + i] >> 4]);
              g_string_append_c (out, hex_digits[data[line + i] & 0xf]);
              g_string_append_c (out, ' ');
            }
          else
            g_string_append (out, "   ");
          if (i == 7)
            g_string_append_c (out, ' ');
        }
      g_string_append (out, " |");
      for (gsize i = 0; i < n; i++)
        {
          guint8 byte = data[line + i];

          g_string_append_c (out, byte >= 0x20 && byte < 0x7f ? (char) byte : '.');
        }
      g_string_append (out, "|\n");
    }
  if (len > 0)
    g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x\n", len);
}

/* The length of a whole line of the dump: offset, 16 bytes, the text. */
#define HEX_LINE_LEN (10 + 3 * HEX_PER_LINE + 1 + 2 + HEX_PER_LINE + 2)

/**
 * ss_payload_format_hex_dump_place:
 * @byte: a byte of the payload
 * @hex: (out): where its two hex digits are in the dump (a byte offset)
 * @text: (out): where its character is
 *
 * For marking bytes in what ss_payload_format() makes as a hex dump: every
 * line before @byte's is whole.
 */
void
ss_payload_format_hex_dump_place (gsize  byte,
                                  gsize *hex,
                                  gsize *text)
{
  gsize line = byte / HEX_PER_LINE;
  gsize column = byte % HEX_PER_LINE;
  gsize start = line * HEX_LINE_LEN;

  *hex = start + 10 + 3 * column + (column >= HEX_PER_LINE / 2 ? 1 : 0);
  *text = start + 10 + 3 * HEX_PER_LINE + 1 + 2 + column;
}

static void
append_c_array (GString      *out,
                const guint8 *data,
                gsize         len)
{
  g_string_append_printf (out, "unsigned char data[%" G_GSIZE_FORMAT "] = {", len);
  for (gsize i = 0; i < len; i++)
    {
      if (i % C_PER_LINE == 0)
        g_string_append (out, "\n ");
      g_string_append_printf (out, " 0x%02x", data[i]);
      if (i + 1 < len)
        g_string_append_c (out, ',');
    }
  g_string_append (out, len > 0 ? "\n};\n" : " };\n");
}

/* Adjacent literals in parentheses are one bytes object. */
static void
append_python (GString      *out,
               const guint8 *data,
               gsize         len)
{
  gboolean split = len > PYTHON_PER_LINE;

  if (split)
    g_string_append_c (out, '(');
  for (gsize i = 0; i == 0 || i < len; i += PYTHON_PER_LINE)
    {
      g_autofree char *literal = ss_escape_literal (data + i, MIN (PYTHON_PER_LINE, len - i),
                                                    0, TRUE);

      if (i > 0)
        g_string_append (out, "\n ");
      g_string_append (out, literal);
    }
  if (split)
    g_string_append_c (out, ')');
}

/**
 * ss_payload_format:
 * @data: the bytes, anything a peer sent
 * @len: their length
 * @format: how to show them
 * @max_len: show at most this many bytes, 0 for all; a last line then says
 *   how many are not shown
 *
 * Returns: (transfer full): valid UTF-8 for GTK or the clipboard.
 */
char *
ss_payload_format (const guint8    *data,
                   gsize            len,
                   SsPayloadFormat  format,
                   gsize            max_len)
{
  gsize shown = (max_len > 0 && len > max_len) ? max_len : len;
  GString *out = g_string_sized_new (format == SS_PAYLOAD_HEX_DUMP ? shown * 5 + 16 : shown + 16);

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  switch (format)
    {
    case SS_PAYLOAD_TEXT:
      {
        g_autofree char *text = ss_escape_bytes (data, shown, 0, TRUE);

        g_string_append (out, text);
      }
      break;
    case SS_PAYLOAD_HEX_DUMP:
      append_hex_dump (out, data, shown);
      break;
    case SS_PAYLOAD_C_ARRAY:
      append_c_array (out, data, shown);
      break;
    case SS_PAYLOAD_PYTHON:
      append_python (out, data, shown);
      break;
    default:
      g_return_val_if_reached (g_string_free (out, TRUE));
    }

  if (shown < len)
    {
      guint64 rest = len - shown;

      if (out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c (out, '\n');
      g_string_append_printf (out,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "(%" PRIu64 " more byte not shown)",
                                           "(%" PRIu64 " more bytes not shown)",
                                           rest),
                              rest);
    }

  return g_string_free (out, FALSE);
}
