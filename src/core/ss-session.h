/* ss-session.h — the sockets of one window and the calls made on them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-call-log.h"
#include "ss-socket.h"
#include "ss-spec.h"

G_BEGIN_DECLS

#define SS_TYPE_SESSION (ss_session_get_type ())

G_DECLARE_FINAL_TYPE (SsSession, ss_session, SS, SESSION, GObject)

SsSession  *ss_session_new           (void);
GListModel *ss_session_get_sockets   (SsSession      *self);
SsCallLog  *ss_session_get_calls     (SsSession      *self);
SsSocket   *ss_session_create_socket (SsSession      *self,
                                      int             family,
                                      int             type,
                                      int             protocol,
                                      GError        **error);
SsSocket   *ss_session_create_pair   (SsSession      *self,
                                      int             type,
                                      GError        **error);
void        ss_session_remove_socket (SsSession      *self,
                                      SsSocket       *socket);
void        ss_session_set_close_on_peer_close (SsSession *self,
                                                gboolean   close_on_peer_close);
void        ss_session_set_closed_retention    (SsSession *self,
                                                guint      retention);
void        ss_session_open_async    (SsSession      *self,
                                      const SsSpec   *spec,
                                      GCancellable   *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer        user_data);
SsSocket   *ss_session_open_finish   (SsSession      *self,
                                      GAsyncResult   *result,
                                      GError        **error);

void         ss_session_add_relay_fault (SsSession         *self,
                                         SsToxicDirection   direction,
                                         const SsToxicSpec *spec);
void         ss_session_set_record_path (SsSession   *self,
                                         const char  *path);
void         ss_session_set_tls_config  (SsSession   *self,
                                         SsTlsConfig *config);

void         ss_session_set_relay_idle_timeout (SsSession *self,
                                                guint      ms);

G_END_DECLS
