/* fuzz-checksum-spec.c — libFuzzer target: the checksum spec's text form
 * (ss_checksum_parse), as payloads.ini and the settings hold it
 *
 * The input is the spec, up to its first NUL; what follows is a payload.
 * What is checked besides crashes and sanitizer reports: a spec is parsed
 * or refused with an error in UTF-8; a parsed spec written back reads as
 * the same spec and writes the same text; on the payload, a checksum is
 * computed or its range refused, and a message made with it verifies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "ss-checksum.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const uint8_t *nul = memchr (data, 0, size);
  gsize text_len = nul != NULL ? (gsize) (nul - data) : size;
  g_autofree char *text = g_strndup ((const char *) data, text_len);
  const guint8 *payload = nul != NULL ? nul + 1 : NULL;
  gsize payload_len = nul != NULL ? size - text_len - 1 : 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsChecksum) spec = ss_checksum_parse (text, &error);
  g_autofree char *again_text = NULL;
  g_autofree char *third_text = NULL;
  g_autoptr(SsChecksum) again = NULL;
  g_autoptr(GBytes) sum = NULL;

  if (spec == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == SS_CHECKSUM_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpint (spec->kind, <, SS_N_CHECKSUMS);

  again_text = ss_checksum_to_string (spec);
  again = ss_checksum_parse (again_text, &error);
  g_assert_no_error (error);
  g_assert_true (ss_checksum_equal (spec, again));
  third_text = ss_checksum_to_string (again);
  g_assert_cmpstr (third_text, ==, again_text);

  sum = ss_checksum_compute (spec, payload, payload_len, &error);
  if (sum == NULL)
    {
      g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_RANGE);
      g_assert_true ((guint64) spec->skip_start + spec->skip_end > payload_len);
      return 0;
    }
  g_assert_cmpuint (g_bytes_get_size (sum), ==, ss_checksum_get_size (spec));
  {
    g_autoptr(GByteArray) message = g_byte_array_new ();

    if (payload_len > 0)
      g_byte_array_append (message, payload, payload_len);
    g_byte_array_append (message, g_bytes_get_data (sum, NULL), g_bytes_get_size (sum));
    g_assert_true (ss_checksum_verify (spec, message->data, message->len, &error));
    g_assert_no_error (error);
  }
  return 0;
}
