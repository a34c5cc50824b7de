/* ss-tls-calls.h — the steps a socket takes to speak TLS, as calls: Python's ssl and GnuTLS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-call-log.h"
#include "ss-tls-session.h"

G_BEGIN_DECLS

void ss_tls_calls_record_context   (SsCallLog    *calls,
                                    int           fd,
                                    const char   *ctx_name,
                                    SsTlsConfig  *config,
                                    gboolean      server);
void ss_tls_calls_record_wrap      (SsCallLog    *calls,
                                    int           fd,
                                    const char   *ctx_name,
                                    const char   *plain_name,
                                    const char   *tls_name,
                                    SsTlsSession *tls);
void ss_tls_calls_record_handshake (SsCallLog    *calls,
                                    int           fd,
                                    const char   *tls_name,
                                    SsTlsSession *tls,
                                    int           errsv);
const char *ss_tls_calls_translate (const char  *name,
                                    const char  *args,
                                    char       **tls_args);
gboolean    ss_tls_calls_get_bye_sent (SsTlsSession *tls);
void        ss_tls_calls_add_bye      (SsCall       *call);

G_END_DECLS
