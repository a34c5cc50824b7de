/* fuzz-payload-format.c — libFuzzer target: bytes from a peer shown as a
 * hex dump, a C array or a Python bytes literal (ss_payload_format)
 *
 * The first byte picks the format and the length limit; the rest is the
 * payload. What is checked besides crashes and sanitizer reports: every
 * format is valid UTF-8 for GTK; the hex dump and the C array, read back,
 * are exactly the bytes shown; a literal is printable ASCII.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "ss-payload-format.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Every "0x.." of a C array, or every two hex digits between a dump's
 * offset and its "|ascii|" column, in order. */
static GByteArray *
read_back (const char      *text,
           SsPayloadFormat  format)
{
  GByteArray *out = g_byte_array_new ();
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = lines[i];
      const char *end;

      if (format == SS_PAYLOAD_C_ARRAY)
        {
          while ((p = strstr (p, "0x")) != NULL)
            {
              guint8 byte = g_ascii_xdigit_value (p[2]) * 16 + g_ascii_xdigit_value (p[3]);

              g_byte_array_append (out, &byte, 1);
              p += 4;
            }
          continue;
        }

      /* "00000010  61 62 …  |ab|": the offset, then pairs until the bar */
      end = strchr (p, '|');
      if (end == NULL || strlen (p) < 10)
        continue;
      for (p += 10; p + 1 < end; p++)
        if (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]))
          {
            guint8 byte = g_ascii_xdigit_value (p[0]) * 16 + g_ascii_xdigit_value (p[1]);

            g_byte_array_append (out, &byte, 1);
            p++;
          }
    }
  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  SsPayloadFormat format;
  gsize max_len, shown;
  g_autofree char *text = NULL;

  if (size < 1)
    return 0;
  format = data[0] % 4;
  /* no limit, or a small one that cuts the payload */
  max_len = (data[0] >> 2) % 2 == 0 ? 0 : (data[0] >> 3);
  data++;
  size--;

  text = ss_payload_format (data, size, format, max_len);
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  shown = (max_len > 0 && size > max_len) ? max_len : size;

  switch (format)
    {
    case SS_PAYLOAD_HEX_DUMP:
    case SS_PAYLOAD_C_ARRAY:
      {
        g_autoptr(GByteArray) back = read_back (text, format);

        g_assert_cmpmem (back->data, back->len, data, shown);
      }
      break;
    case SS_PAYLOAD_PYTHON:
      for (const char *p = text; *p != '\0'; p++)
        g_assert_true (*p == '\n' || (guint8) *p >= 0x20);
      break;
    case SS_PAYLOAD_TEXT:
    default:
      break;
    }
  return 0;
}
