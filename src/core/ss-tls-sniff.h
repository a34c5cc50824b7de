/* ss-tls-sniff.h — what a peer's first bytes are: a TLS handshake, or not
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SS_TLS_SNIFF_MORE,          /* too few bytes to tell */
  SS_TLS_SNIFF_CLIENT_HELLO,  /* a TLS record holding a ClientHello */
  SS_TLS_SNIFF_TLS,           /* some other TLS record */
  SS_TLS_SNIFF_OTHER,         /* not TLS */
} SsTlsSniff;

SsTlsSniff ss_tls_sniff         (const guint8 *data,
                                 gsize         len);
char      *ss_tls_sniff_preview (const guint8 *data,
                                 gsize         len);

G_END_DECLS
