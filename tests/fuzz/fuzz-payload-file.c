/* fuzz-payload-file.c — libFuzzer target: the payload library and history
 * files (ss_payload_file_parse), which a person may edit by hand
 *
 * The input is the file, any bytes at all. What is checked besides
 * crashes and sanitizer reports: a failure has an error message; a file
 * that parses is written again (ss_payload_file_serialize), and what was
 * written parses to the same payloads: the same names, encodings,
 * contents and line endings, in the same order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "ss-payload-file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_same (GPtrArray *a,
            GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      SsPayload *x = g_ptr_array_index (a, i);
      SsPayload *y = g_ptr_array_index (b, i);

      g_assert_cmpstr (ss_payload_get_name (x), ==, ss_payload_get_name (y));
      g_assert_cmpint (ss_payload_get_encoding (x), ==, ss_payload_get_encoding (y));
      g_assert_cmpstr (ss_payload_get_content (x), ==, ss_payload_get_content (y));
      g_assert_cmpint (ss_payload_get_line_ending (x), ==, ss_payload_get_line_ending (y));
      g_assert_true (ss_checksum_equal (ss_payload_get_checksum (x), ss_payload_get_checksum (y)));
      g_assert_cmpint (ss_payload_get_quick_send (x), ==, ss_payload_get_quick_send (y));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) payloads = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *copy = NULL;
  gsize len;

  /* a copy of its own without a NUL after it, so that reading past it
   * is caught */
  copy = size > 0 ? g_memdup2 (data, size) : NULL;
  payloads = ss_payload_file_parse (copy, size, "fuzz.ini", &error);
  if (payloads == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);

  text = ss_payload_file_serialize (payloads, &len);
  g_assert_nonnull (text);
  g_assert_cmpuint (len, ==, strlen (text));
  again = ss_payload_file_parse (text, len, "fuzz.ini", &error);
  if (again == NULL)
    g_error ("what was written does not parse: %s\n%s", error->message, text);
  check_same (payloads, again);
  return 0;
}
