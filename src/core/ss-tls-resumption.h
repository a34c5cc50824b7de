/* ss-tls-resumption.h — TLS sessions resumed: tickets from our servers, kept by our clients
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>

G_BEGIN_DECLS

char     *ss_tls_resumption_key           (int               fd,
                                           const char       *servername,
                                           const char       *cafile);
gboolean  ss_tls_resumption_offer         (gnutls_session_t  session,
                                           const char       *key,
                                           GPtrArray       **chain);
gboolean  ss_tls_resumption_keep          (gnutls_session_t  session,
                                           const char       *key,
                                           GPtrArray        *chain);
gboolean  ss_tls_resumption_enable_server (gnutls_session_t  session);
void      ss_tls_resumption_forget_all    (void);

G_END_DECLS
