/* ss-socket.h — one socket(2) descriptor, driven from the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-address.h"
#include "ss-call-log.h"
#include "ss-framer.h"
#include "ss-receive-file.h"
#include "ss-toxic-spec.h"
#include "ss-traffic-export.h"
#include "ss-traffic-log.h"

G_BEGIN_DECLS

typedef enum
{
  SS_SOCKET_CREATED,
  SS_SOCKET_BOUND,
  SS_SOCKET_LISTENING,
  SS_SOCKET_CONNECTING,
  SS_SOCKET_CONNECTED,
  SS_SOCKET_CLOSED,
} SsSocketState;

#define SS_TYPE_SOCKET_STATE (ss_socket_state_get_type ())
#define SS_TYPE_SOCKET       (ss_socket_get_type ())

GType ss_socket_state_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (SsSocket, ss_socket, SS, SOCKET, GObject)

/* What TCP_INFO tells of a TCP socket. */
typedef struct
{
  const char *state;     /* "ESTABLISHED", "LISTEN", … */
  guint       rtt_us;    /* smoothed round-trip time */
  guint       queue;     /* a listener: connections waiting for accept() */
  guint       backlog;   /* a listener: how many may wait */
} SsTcpInfo;

SsSocket      *ss_socket_new               (SsCallLog      *calls,
                                            int             family,
                                            int             type,
                                            int             protocol,
                                            GError        **error);
int            ss_socket_get_fd            (SsSocket       *self);
int            ss_socket_get_family        (SsSocket       *self);
int            ss_socket_get_socket_type   (SsSocket       *self);
int            ss_socket_get_protocol      (SsSocket       *self);
SsSocketState  ss_socket_get_state         (SsSocket       *self);
const char    *ss_socket_get_local_address (SsSocket       *self);
const char    *ss_socket_get_peer_address  (SsSocket       *self);
guint64        ss_socket_get_bytes_in      (SsSocket       *self);
guint64        ss_socket_get_bytes_out     (SsSocket       *self);
gboolean       ss_socket_get_peer_closed   (SsSocket       *self);
gboolean       ss_socket_get_auto_accept   (SsSocket       *self);
void           ss_socket_set_auto_accept   (SsSocket       *self,
                                            gboolean        auto_accept);
SsSocket      *ss_socket_get_listener      (SsSocket       *self);
GListModel    *ss_socket_get_connections   (SsSocket       *self);
gboolean       ss_socket_find_connection   (SsSocket       *self,
                                            SsSocket       *connection,
                                            guint          *position);
GPtrArray     *ss_socket_dup_open_connections (SsSocket     *self);
guint          ss_socket_send_to_connections (SsSocket      *self,
                                              GBytes        *bytes,
                                              GError       **error);
SsTrafficLog  *ss_socket_get_traffic       (SsSocket       *self);
SsTrafficLog  *ss_socket_get_all_traffic   (SsSocket       *self);
GListStore    *ss_socket_get_reply_rules   (SsSocket       *self);
void           ss_socket_set_framing       (SsSocket       *self,
                                            const SsFramerSpec *spec);
const SsFramerSpec *ss_socket_get_framing  (SsSocket       *self);
char          *ss_socket_dup_python_name   (SsSocket       *self);

gboolean       ss_socket_bind              (SsSocket       *self,
                                            const SsAddress *address,
                                            GError        **error);
void           ss_socket_bind_async        (SsSocket       *self,
                                            const char     *address,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
gboolean       ss_socket_bind_finish       (SsSocket       *self,
                                            GAsyncResult   *result,
                                            GError        **error);
gboolean       ss_socket_listen            (SsSocket       *self,
                                            int             backlog,
                                            GError        **error);
SsSocket      *ss_socket_accept            (SsSocket       *self,
                                            GError        **error);
void           ss_socket_connect           (SsSocket       *self,
                                            const SsAddress *address,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
void           ss_socket_connect_async     (SsSocket       *self,
                                            const char     *address,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
gboolean       ss_socket_connect_finish    (SsSocket       *self,
                                            GAsyncResult   *result,
                                            GError        **error);
gboolean       ss_socket_send              (SsSocket       *self,
                                            GBytes         *bytes,
                                            GError        **error);
gsize          ss_socket_get_queued        (SsSocket       *self);
void           ss_socket_cancel_send       (SsSocket       *self);
gboolean       ss_socket_get_auto_receive  (SsSocket       *self);
void           ss_socket_set_auto_receive  (SsSocket       *self,
                                            gboolean        auto_receive);
const SsAddress *ss_socket_get_last_sender (SsSocket       *self);
int            ss_socket_get_readable      (SsSocket       *self);
int            ss_socket_get_unsent        (SsSocket       *self);
guint64        ss_socket_get_dropped       (SsSocket       *self);
gboolean       ss_socket_get_tcp_info      (SsSocket       *self,
                                            SsTcpInfo      *info);
gboolean       ss_socket_new_pair          (SsCallLog      *calls,
                                            int             type,
                                            SsSocket      **first,
                                            SsSocket      **second,
                                            GError        **error);
gssize         ss_socket_recv              (SsSocket       *self,
                                            gsize           bufsize,
                                            GError        **error);
gssize         ss_socket_send_once         (SsSocket       *self,
                                            GBytes         *bytes,
                                            const SsAddress *to,
                                            GError        **error);
gboolean       ss_socket_start_recording   (SsSocket       *self,
                                            const char     *path,
                                            GError        **error);
void           ss_socket_stop_recording    (SsSocket       *self);
gboolean       ss_socket_get_recording     (SsSocket       *self);
SsReceiveFile *ss_socket_get_receive_file  (SsSocket       *self);
gboolean       ss_socket_start_receive_file (SsSocket      *self,
                                             const char    *path,
                                             GError       **error);
void           ss_socket_stop_receive_file (SsSocket       *self);
void           ss_socket_record_when_connected (SsSocket   *self,
                                                const char *path);
gboolean       ss_socket_save_traffic      (SsSocket       *self,
                                            SsExportFormat  format,
                                            const char     *path,
                                            guint64        *missing,
                                            GError        **error);
double         ss_socket_get_timeout       (SsSocket       *self);
void           ss_socket_set_timeout       (SsSocket       *self,
                                            double          timeout);
gboolean       ss_socket_get_waiting       (SsSocket       *self);
void           ss_socket_accept_async      (SsSocket       *self,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
SsSocket      *ss_socket_accept_finish     (SsSocket       *self,
                                            GAsyncResult   *result,
                                            GError        **error);
void           ss_socket_recv_async        (SsSocket       *self,
                                            gsize           bufsize,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
void           ss_socket_send_async        (SsSocket       *self,
                                            GBytes         *bytes,
                                            const SsAddress *to,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
gssize         ss_socket_send_finish       (SsSocket       *self,
                                            GAsyncResult   *result,
                                            GError        **error);
void           ss_socket_send_file_async   (SsSocket       *self,
                                            const char     *path,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
gint64         ss_socket_send_file_finish  (SsSocket       *self,
                                            GAsyncResult   *result,
                                            GError        **error);
gboolean       ss_socket_get_file_progress (SsSocket       *self,
                                            guint64        *sent,
                                            guint64        *size);
gssize         ss_socket_recv_finish       (SsSocket       *self,
                                            GAsyncResult   *result,
                                            GError        **error);
gboolean       ss_socket_shutdown          (SsSocket       *self,
                                            int             how,
                                            GError        **error);
void           ss_socket_connect_ex_async  (SsSocket       *self,
                                            const char     *address,
                                            GCancellable   *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer        user_data);
int            ss_socket_connect_ex_finish (SsSocket       *self,
                                            GAsyncResult   *result,
                                            GError        **error);
void           ss_socket_close             (SsSocket       *self);
gboolean       ss_socket_get_close_on_peer_close (SsSocket *self);
void           ss_socket_set_close_on_peer_close (SsSocket *self,
                                                  gboolean  close_on_peer_close);
guint          ss_socket_get_closed_retention (SsSocket    *self);
void           ss_socket_set_closed_retention (SsSocket    *self,
                                               guint        retention);
guint          ss_socket_remove_closed_connections (SsSocket *self,
                                                    guint     keep);
gboolean       ss_socket_set_relay_target  (SsSocket       *self,
                                            const SsAddress *target,
                                            GError        **error);
const SsAddress *ss_socket_get_relay_target (SsSocket      *self);
SsSocket      *ss_socket_get_relay_server  (SsSocket       *self);
char          *ss_socket_relay_to_python   (SsSocket       *self);
void           ss_socket_set_relay_faults  (SsSocket          *self,
                                            SsToxicDirection   direction,
                                            const SsToxicSpec *specs,
                                            guint              n_specs);
GArray        *ss_socket_dup_relay_faults  (SsSocket          *self,
                                            SsToxicDirection   direction);
char          *ss_socket_dup_pair_faults   (SsSocket          *self);
void           ss_socket_set_relay_idle_timeout (SsSocket  *self,
                                                 guint      ms);
int            ss_socket_get_backlog       (SsSocket       *self);
int            ss_socket_max_backlog       (void);

/* TLS (ss-socket-tls.c); the types are in ss-tls-session.h */
typedef struct _SsTlsConfig SsTlsConfig;
typedef struct _SsTlsSession SsTlsSession;

gboolean       ss_socket_set_tls           (SsSocket       *self,
                                            SsTlsConfig    *config,
                                            const char     *host,
                                            GError        **error);
SsTlsConfig   *ss_socket_get_tls_config    (SsSocket       *self);
SsTlsSession  *ss_socket_get_tls_session   (SsSocket       *self);
gboolean       ss_socket_start_tls         (SsSocket       *self,
                                            SsTlsConfig    *config,
                                            gboolean        server,
                                            const char     *host,
                                            GError        **error);
gboolean       ss_socket_can_start_tls     (SsSocket       *self);
gboolean       ss_socket_get_accepted      (SsSocket       *self);
void           ss_socket_tls_trust         (SsSocket       *self);
void           ss_socket_set_relay_tls     (SsSocket       *self,
                                            SsTlsConfig    *config,
                                            const char     *host);
SsTlsConfig   *ss_socket_get_relay_tls     (SsSocket       *self);
char          *ss_socket_dup_tls_keys      (SsSocket       *self);
gboolean       ss_socket_save_tls_keys     (SsSocket       *self,
                                            const char     *path,
                                            GError        **error);

G_END_DECLS
