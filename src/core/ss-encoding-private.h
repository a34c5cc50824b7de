/* ss-encoding-private.h — what decoding and encoding share: reading a
 * character, and whether a person can see it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-encoding.h"

G_BEGIN_DECLS

/* The character at @p, or -1 for a byte that does not start valid UTF-8
 * (then *n is 1). */
static inline gunichar
ss_encoding_next_char (const char *p,
                       gsize       avail,
                       gsize      *n)
{
  guint8 byte = *p;
  gunichar c;

  g_assert (avail > 0);
  *n = 1;
  if (byte < 0x80)
    return byte;
  c = g_utf8_get_char_validated (p, MIN (avail, 4));
  if (c == (gunichar) -1 || c == (gunichar) -2 || c > 0x10ffff ||
      (c >= 0xd800 && c < 0xe000))
    return (gunichar) -1;
  *n = g_unichar_to_utf8 (c, NULL);
  return c;
}

static inline gboolean
ss_encoding_is_shown_as_is (gunichar c)
{
  /* the line and paragraph separators would break the line where the
   * person does not see a character; the joiner glues emoji together */
  if (c == 0x2028 || c == 0x2029)
    return FALSE;
  return g_unichar_isprint (c) || c == 0x200d;
}

G_END_DECLS
