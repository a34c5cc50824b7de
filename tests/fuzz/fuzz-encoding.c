/* fuzz-encoding.c — libFuzzer target: the send box's text decoded as
 * text, escapes, hex or base64 (ss_encoding_decode), and the bytes
 * encoded back (ss_encoding_encode)
 *
 * The first byte picks the encoding; the rest is the text, any bytes at
 * all. What is checked besides crashes and sanitizer reports: a failure
 * has an error and a span inside the text; bytes that decode come back
 * from each encoding that can hold them, exactly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "ss-encoding.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_round_trip (SsEncoding    encoding,
                  const guint8 *data,
                  gsize         len)
{
  g_autofree char *text = ss_encoding_encode (encoding, data, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) back = NULL;
  gsize back_len;
  const guint8 *back_data;

  if (encoding == SS_ENCODING_TEXT)
    {
      gboolean holds = (len == 0 || memchr (data, '\0', len) == NULL) &&
                       g_utf8_validate ((const char *) data, len, NULL);

      g_assert_true ((text != NULL) == holds);
      if (text == NULL)
        return;
    }
  g_assert_nonnull (text);
  if (encoding != SS_ENCODING_TEXT)
    g_assert_true (g_utf8_validate (text, -1, NULL));

  back = ss_encoding_decode (encoding, text, -1, NULL, NULL, &error);
  g_assert_no_error (error);
  back_data = g_bytes_get_data (back, &back_len);
  g_assert_cmpmem (back_data, back_len, data, len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  SsEncoding encoding;
  const char *text;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize start = G_MAXSIZE, end = G_MAXSIZE;

  if (size < 1)
    return 0;
  encoding = data[0] % SS_N_ENCODINGS;
  /* a copy of its own, so that reading past it is caught */
  len = size - 1;
  text = len > 0 ? g_memdup2 (data + 1, len) : NULL;

  bytes = ss_encoding_decode (encoding, text, len, &start, &end, &error);
  if (bytes == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == SS_ENCODING_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (end, <=, len);
      if (error->code == SS_ENCODING_ERROR_UNSUPPORTED)
        g_assert_true (start == 0 && end == len);
      else
        {
          g_assert_cmpuint (start, <, end);
          g_assert_nonnull (strstr (error->message, "line "));
        }
    }
  else
    {
      gsize n;
      const guint8 *decoded = g_bytes_get_data (bytes, &n);

      g_assert_no_error (error);
      g_assert_true (start == 0 && end == 0);
      /* no encoding makes more bytes than it was given characters */
      g_assert_cmpuint (n, <=, len);
      check_round_trip (SS_ENCODING_TEXT, decoded, n);
      check_round_trip (SS_ENCODING_ESCAPED, decoded, n);
      check_round_trip (SS_ENCODING_HEX, decoded, n);
      check_round_trip (SS_ENCODING_BASE64, decoded, n);
    }

  g_free ((gpointer) text);
  return 0;
}
