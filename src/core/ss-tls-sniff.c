/* ss-tls-sniff.c — what a peer's first bytes are: a TLS handshake, or not
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-escape.h"
#include "ss-tls-sniff.h"

#define CONTENT_HANDSHAKE  22
#define CONTENT_MIN        20  /* change_cipher_spec */
#define CONTENT_MAX        24  /* heartbeat */
#define CLIENT_HELLO        1
#define PREVIEW_BYTES       8

/* A TLS record header: a content type of 20–24, then version 3.x (SSL 3.0
 * to TLS 1.3 all say 3.1–3.4 here, or 3.0), then a length of at most
 * 2^14 + 2048. A ClientHello is a handshake record whose first message
 * type is 1. Bytes never read past @len. */
SsTlsSniff
ss_tls_sniff (const guint8 *data,
              gsize         len)
{
  guint record_len;

  if (len == 0)
    return SS_TLS_SNIFF_MORE;
  if (data[0] < CONTENT_MIN || data[0] > CONTENT_MAX)
    return SS_TLS_SNIFF_OTHER;
  if (len < 2)
    return SS_TLS_SNIFF_MORE;
  if (data[1] != 3)
    return SS_TLS_SNIFF_OTHER;
  if (len < 3)
    return SS_TLS_SNIFF_MORE;
  if (data[2] > 4)
    return SS_TLS_SNIFF_OTHER;
  if (len < 5)
    return SS_TLS_SNIFF_MORE;
  record_len = (data[3] << 8) | data[4];
  if (record_len == 0 || record_len > 16384 + 2048)
    return SS_TLS_SNIFF_OTHER;
  if (data[0] != CONTENT_HANDSHAKE)
    return SS_TLS_SNIFF_TLS;
  if (len < 6)
    return SS_TLS_SNIFF_MORE;
  return data[5] == CLIENT_HELLO ? SS_TLS_SNIFF_CLIENT_HELLO : SS_TLS_SNIFF_TLS;
}

/* "GET / HT…": the first bytes as text, escaped, for a message */
char *
ss_tls_sniff_preview (const guint8 *data,
                      gsize         len)
{
  /* the escape marks the cut with an ellipsis itself */
  return ss_escape_bytes (data, len, PREVIEW_BYTES, FALSE);
}
