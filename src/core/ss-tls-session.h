/* ss-tls-session.h — TLS on a socket's own non-blocking descriptor, every step told
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-tls-certificate.h"
#include "ss-tls-config.h"

G_BEGIN_DECLS

typedef enum
{
  SS_TLS_STATE_HANDSHAKING,
  SS_TLS_STATE_UNTRUSTED,    /* done, but the peer's certificate failed verification */
  SS_TLS_STATE_ESTABLISHED,
  SS_TLS_STATE_CLOSED,       /* a close_notify went one way or the other */
  SS_TLS_STATE_FAILED,
} SsTlsState;

/* one line of the handshake, an alert, a verification result … */
typedef void (*SsTlsEventFunc) (const char *text,
                                gpointer    user_data);

#define SS_TYPE_TLS_SESSION (ss_tls_session_get_type ())

G_DECLARE_FINAL_TYPE (SsTlsSession, ss_tls_session, SS, TLS_SESSION, GObject)

SsTlsSession *ss_tls_session_new              (int             fd,
                                               gboolean        server,
                                               SsTlsConfig    *config,
                                               const char     *host,
                                               GError        **error);
void          ss_tls_session_set_event_func   (SsTlsSession   *self,
                                               SsTlsEventFunc  func,
                                               gpointer        user_data);
SsTlsState    ss_tls_session_handshake        (SsTlsSession   *self,
                                               int            *errsv);
void          ss_tls_session_feed             (SsTlsSession   *self,
                                               const guint8   *data,
                                               gsize           len);
gboolean      ss_tls_session_has_early        (SsTlsSession   *self);
void          ss_tls_session_fail             (SsTlsSession   *self,
                                               const char     *reason);
GIOCondition  ss_tls_session_get_condition    (SsTlsSession   *self);
gssize        ss_tls_session_recv             (SsTlsSession   *self,
                                               guint8         *buffer,
                                               gsize           len,
                                               int            *errsv);
gssize        ss_tls_session_send             (SsTlsSession   *self,
                                               const guint8   *data,
                                               gsize           len,
                                               int            *errsv);
gboolean      ss_tls_session_has_pending      (SsTlsSession   *self);
void          ss_tls_session_set_read_ahead   (SsTlsSession   *self,
                                               gboolean        read_ahead);
void          ss_tls_session_bye              (SsTlsSession   *self);
void          ss_tls_session_trust            (SsTlsSession   *self);

SsTlsState    ss_tls_session_get_state        (SsTlsSession   *self);
gboolean      ss_tls_session_is_server        (SsTlsSession   *self);
const char   *ss_tls_session_get_verification (SsTlsSession   *self);
char         *ss_tls_session_dup_facts        (SsTlsSession   *self);
GPtrArray    *ss_tls_session_get_peer_chain   (SsTlsSession   *self);
const char   *ss_tls_session_get_version      (SsTlsSession   *self);
const char   *ss_tls_session_get_cipher       (SsTlsSession   *self);
const char   *ss_tls_session_get_group        (SsTlsSession   *self);
char         *ss_tls_session_dup_alpn         (SsTlsSession   *self);
char         *ss_tls_session_dup_servername   (SsTlsSession   *self);
gboolean      ss_tls_session_get_resumed      (SsTlsSession   *self);
const char   *ss_tls_session_get_keylog       (SsTlsSession   *self);
guint64       ss_tls_session_get_record_bytes_in  (SsTlsSession *self);
guint64       ss_tls_session_get_record_bytes_out (SsTlsSession *self);
SsTlsConfig  *ss_tls_session_get_config       (SsTlsSession   *self);

void          ss_tls_trust_fingerprint        (const char     *fingerprint);
gboolean      ss_tls_is_trusted_fingerprint   (const char     *fingerprint);

G_END_DECLS
