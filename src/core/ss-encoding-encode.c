/* ss-encoding-encode.c — bytes as the text that means them in an encoding
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-encoding-private.h"

static char *
encode_escaped (const guint8 *data,
                gsize         len)
{
  GString *out = g_string_sized_new (len + len / 8 + 1);
  gsize i = 0;

  while (i < len)
    {
      const char *p = (const char *) data + i;
      gsize n;
      gunichar c = ss_encoding_next_char (p, len - i, &n);

      switch (c)
        {
        case '\n': g_string_append_c (out, '\n'); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\0': g_string_append (out, "\\0"); break;
        case '\\': g_string_append (out, "\\\\"); break;
        default:
          if (c == (gunichar) -1 || c < 0x20 || (c >= 0x7f && c < 0xa0))
            {
              /* not UTF-8 or a control character, byte by byte */
              for (gsize j = 0; j < n; j++)
                g_string_append_printf (out, "\\x%02x", data[i + j]);
            }
          else if (!ss_encoding_is_shown_as_is (c))
            g_string_append_printf (out, "\\u{%x}", c);
          else
            g_string_append_len (out, p, n);
        }
      i += n;
    }
  return g_string_free (out, FALSE);
}

static char *
encode_hex (const guint8 *data,
            gsize         len)
{
  static const char digits[] = "0123456789abcdef";
  char *text = g_malloc (len * 3 + 1);
  char *p = text;

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0)
        *p++ = i % 16 == 0 ? '\n' : ' ';
      *p++ = digits[data[i] >> 4];
      *p++ = digits[data[i] & 0xf];
    }
  *p = '\0';
  return text;
}

/**
 * ss_encoding_encode:
 *
 * Returns: (transfer full) (nullable): @data as text in @encoding, which
 *   ss_encoding_decode() turns back into exactly @data; %NULL when the
 *   encoding cannot hold it (text that is not UTF-8 or holds a NUL; a
 *   file)
 */
char *
ss_encoding_encode (SsEncoding    encoding,
                    const guint8 *data,
                    gsize         len)
{
  g_return_val_if_fail (encoding < SS_N_ENCODINGS, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  switch (encoding)
    {
    case SS_ENCODING_TEXT:
      if (len == 0)
        return g_strdup ("");
      if (memchr (data, '\0', len) != NULL ||
          !g_utf8_validate_len ((const char *) data, len, NULL))
        return NULL;
      return g_strndup ((const char *) data, len);
    case SS_ENCODING_ESCAPED:
      return encode_escaped (data, len);
    case SS_ENCODING_HEX:
      return encode_hex (data, len);
    case SS_ENCODING_BASE64:
      return len > 0 ? g_base64_encode (data, len) : g_strdup ("");
    case SS_ENCODING_FILE:
      return NULL;
    case SS_N_ENCODINGS:
    default:
      g_assert_not_reached ();
    }
}
