/* fuzz-tls-sniff.c — libFuzzer target: a peer's first bytes classified
 * as a ClientHello, some other TLS record, or not TLS (ss_tls_sniff), and
 * their preview in a message (ss_tls_sniff_preview)
 *
 * What is checked besides crashes and sanitizer reports: the answer for a
 * prefix never contradicts the answer for the whole (once a prefix says
 * what the bytes are, more bytes say the same), and the preview is valid
 * UTF-8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>

#include <glib.h>

#include "ss-tls-sniff.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* a copy of its own, so that reading past it is caught */
  g_autofree guint8 *bytes = size > 0 ? g_memdup2 (data, size) : NULL;
  SsTlsSniff whole = ss_tls_sniff (bytes, size);
  g_autofree char *preview = ss_tls_sniff_preview (bytes, size);

  g_assert_true (g_utf8_validate (preview, -1, NULL));
  for (gsize len = 0; len < size; len++)
    {
      SsTlsSniff part = ss_tls_sniff (bytes, len);

      if (part != SS_TLS_SNIFF_MORE)
        g_assert_cmpint (part, ==, whole);
    }
  return 0;
}
