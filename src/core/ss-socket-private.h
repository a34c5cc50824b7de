/* ss-socket-private.h — what ss-socket.c and its ss-socket-*.c files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sys/types.h>

#include "ss-accept-queue.h"
#include "ss-message-splitter.h"
#include "ss-poller.h"
#include "ss-receive-file.h"
#include "ss-relay-stage.h"
#include "ss-relay-pair.h"
#include "ss-recorder.h"
#include "ss-socket.h"
#include "ss-tls-session.h"

G_BEGIN_DECLS

typedef enum
{
  SS_WAIT_ACCEPT,
  SS_WAIT_RECV,
  SS_WAIT_SEND,
} SsWaitKind;

typedef enum
{
  SS_SOCKET_PROP_0,
  SS_SOCKET_PROP_FD,
  SS_SOCKET_PROP_FAMILY,
  SS_SOCKET_PROP_SOCKET_TYPE,
  SS_SOCKET_PROP_STATE,
  SS_SOCKET_PROP_LOCAL_ADDRESS,
  SS_SOCKET_PROP_PEER_ADDRESS,
  SS_SOCKET_PROP_BYTES_IN,
  SS_SOCKET_PROP_BYTES_OUT,
  SS_SOCKET_PROP_QUEUED,
  SS_SOCKET_PROP_PEER_CLOSED,
  SS_SOCKET_PROP_FAILURE,
  SS_SOCKET_PROP_AUTO_ACCEPT,
  SS_SOCKET_PROP_LISTENER,
  SS_SOCKET_PROP_AUTO_RECEIVE,
  SS_SOCKET_PROP_LAST_SENDER,
  SS_SOCKET_PROP_TIMEOUT,
  SS_SOCKET_PROP_WAITING,
  SS_SOCKET_PROP_RECORDING,
  SS_SOCKET_PROP_DROPPED,
  SS_SOCKET_PROP_CLOSE_ON_PEER_CLOSE,
  SS_SOCKET_PROP_BACKLOG,
  SS_SOCKET_PROP_CLOSED_RETENTION,
  SS_SOCKET_PROP_TLS_SESSION,
  SS_SOCKET_PROP_RELAY_TARGET,
  SS_SOCKET_PROP_RELAY_FAULTS,
  SS_SOCKET_N_PROPS
} SsSocketProp;

enum
{
  SS_SOCKET_SIGNAL_ACCEPTED,
  SS_SOCKET_SIGNAL_MESSAGE_RECEIVED,
  SS_SOCKET_N_SIGNALS
};

struct _SsSocket
{
  GObject        parent_instance;

  int            fd;
  int            family;
  int            type;
  int            protocol;
  SsSocketState  state;
  SsSocketState  state_before_connect;

  SsCallLog     *calls;
  SsTrafficLog  *traffic;
  SsTrafficLog  *all_traffic;   /* a listener's and its connections' */
  GListStore    *connections;
  SsSocket      *listener;      /* weak: cleared by the listener's dispose */
  /* a listener: the connections whose ->listener it is (not owned). Not
   * GObject weak pointers: GLib keeps those in an array grown by one on
   * each, and ten thousand connections made that quadratic. */
  GHashTable    *accepted_here;

  char          *local_address;
  char          *peer_address;
  /* bound to one address, not a wildcard: what its accepted connections
   * are at too */
  gboolean       local_is_specific;

  SsPollerWatch *watch;
  SsAcceptQueue *accept_queue;  /* while listening and accepting automatically */
  guint          accept_retry_id;

  GQueue         send_queue;    /* of GBytes, the head partly sent */
  gsize          send_offset;
  guint64        queued;

  /* sendfile(): the file goes through the send queue one chunk at a time,
   * so a large file never sits in memory */
  GTask         *file_task;
  int            file_fd;       /* -1 when no file is being sent */
  char          *file_path;
  guint64        file_size;
  guint64        file_read;     /* read and queued so far */
  guint64        file_sent;     /* of that, taken by the kernel */
  GBytes        *file_chunk;    /* the file's chunk in send_queue, not a ref */

  GTask         *connect_task;
  gboolean       connect_waited; /* the caller was answered before the end */
  guint          connect_timeout_id;

  double         timeout;       /* settimeout(): <0 blocking, 0 non-blocking */
  GTask         *wait_task;     /* an accept() or recv() waiting by hand */
  SsWaitKind     wait_kind;
  gsize          wait_bufsize;  /* for recv */
  GBytes        *wait_bytes;    /* for send */
  SsAddress     *wait_to;       /* for sendto */
  guint          wait_timeout_id;
  GCancellable  *wait_cancellable;
  gulong         wait_cancel_id;
  char          *connect_args;
  char          *connect_python;

  SsAddress     *last_sender;   /* of the last datagram received */

  /* the automatic recv() calls of a burst are one entry in the call log */
  SsCall        *recv_burst;
  gint64         recv_burst_time; /* monotonic µs of its last recv() */

  int            backlog;       /* as passed to listen(), -1 before */

  /* a listener: closed connections beyond this many leave the list */
  guint          closed_retention;
  guint          retention_id;

  GListStore    *reply_rules;   /* of SsReplyRule, made on first use */
  SsRelayIntercept *relay_intercept;  /* a relay's, made on first use */
  SsRelayStage  *relay_stages[SS_INTERCEPT_N_DIRECTIONS];  /* a UDP relay's upstream socket's */
  /* how the rules see what is received: as messages framed so (NULL:
   * chunk by chunk), a listener's for its connections; and the splitter
   * that frames this socket's stream for them (ss-socket-reply.c) */
  SsFramerSpec  *framing;
  guint          framing_serial;
  SsMessageSplitter *splitter;
  guint          splitter_serial;
  guint          splitter_idle_id;

  /* a relay: where each accepted connection is forwarded to; a relayed
   * leg: its pair (owned by the client's leg) */
  SsAddress     *relay_target;
  SsRelayPair   *relay_pair;
  /* a relay: the faults each new pair draws, a direction each (of
   * SsToxicSpec; NULL until set) */
  GArray        *relay_faults[SS_N_TOXIC_DIRECTIONS];
  /* a UDP relay: its upstream sockets by client address (GBytes of the
   * sockaddr → SsSocket), closed after relay_idle_ms without a datagram;
   * an upstream socket: its client and its relay (weak) */
  GHashTable    *relay_upstreams;
  guint          relay_sweep_id;
  guint          relay_idle_ms;
  SsAddress     *relay_client;
  SsSocket      *relay_listener;
  gint64         relay_last_us;

  SsRecorder    *recorder;      /* while recording to a file */
  char          *record_path;
  guint          record_flush_id;
  char          *record_when;   /* --record: once connected, or per connection */
  guint          record_count;  /* connections recorded, for their file names */
  /* a listener's recording holds each connection as a stream: which one
   * is this connection's, in which of the listener's recordings */
  guint          record_generation;
  guint          record_stream;

  SsReceiveFile *receive_file;  /* made on first use */

  char          *unix_path;     /* the socket file bind() made, removed at close */
  dev_t          unix_dev;
  ino_t          unix_ino;

  /* SO_RXQ_OVFL on datagram sockets: the kernel's running count of the
   * datagrams it dropped, as last read; of its growth, what the log has
   * not told yet, and what it has */
  guint32        drops_seen;
  guint64        drops_unlogged;
  guint64        dropped;

  SsTlsConfig   *tls_config;    /* a client's before it connects, a listener's */
  char          *tls_host;      /* a client's peer host: SNI and verification */
  SsTlsSession  *tls;           /* once the connection speaks TLS */
  guint          tls_timeout_id;
  /* a plaintext connection: a ClientHello the peer sent (and what came
   * after it), for STARTTLS as the server to answer */
  GByteArray    *tls_hello;
  /* a relay: TLS to its target (the server's leg), and the name it checks */
  SsTlsConfig   *relay_tls_config;
  char          *relay_tls_host;

  int            failure;       /* errno that ended the connection */
  guint          peer_closed : 1;
  guint          auto_accept : 1;
  guint          auto_receive : 1;
  guint          read_shut : 1;
  guint          write_shut : 1;
  guint          connect_ex : 1;
  guint          close_on_peer_close : 1;
  guint          accepted : 1;      /* from a listener, which may be gone */
  guint          tls_context_told : 1;    /* a listener's ssl context is in the call log */
  guint          tls_handshake_told : 1;  /* do_handshake() is in the call log */
  guint          tls_bye_sent : 1;        /* by the close or shutdown being made */
};

extern GParamSpec *ss_socket_properties[SS_SOCKET_N_PROPS];
extern guint ss_socket_signals[SS_SOCKET_N_SIGNALS];

void      ss_socket_install_properties (GObjectClass  *object_class);
SsSocket *ss_socket_new_for_fd        (SsCallLog     *calls,
                                       int            fd,
                                       int            family,
                                       int            type,
                                       int            protocol,
                                       SsSocketState  state);
void      ss_socket_set_state         (SsSocket      *self,
                                       SsSocketState  state);
void      ss_socket_update_addresses  (SsSocket      *self);
void      ss_socket_set_accepted_addresses (SsSocket *self,
                                            SsSocket *listener,
                                            const char *peer);
SsSocket *ss_socket_new_for_fd_unnamed (SsCallLog    *calls,
                                        int           fd,
                                        int           family,
                                        int           type,
                                        int           protocol,
                                        SsSocketState state);
gboolean  ss_socket_check_open        (SsSocket      *self,
                                       const char    *call,
                                       GError       **error);
gboolean  ss_socket_record_payload    (SsSocket      *self,
                                       const char    *name,
                                       const char    *args,
                                       const char    *python,
                                       GBytes        *payload,
                                       gint64         result,
                                       int            errsv,
                                       GError       **error);
gboolean  ss_socket_record            (SsSocket      *self,
                                       const char    *name,
                                       const char    *args,
                                       const char    *python,
                                       gint64         result,
                                       int            errsv,
                                       GError       **error);

void      ss_socket_log_chunk         (SsSocket      *self,
                                       SsTrafficKind  kind,
                                       const guint8  *data,
                                       gsize          len,
                                       const SsAddress *peer);
void      ss_socket_auto_reply        (SsSocket      *self,
                                       const guint8  *data,
                                       gsize          len,
                                       const SsAddress *sender);

void      ss_socket_clear_framing     (SsSocket      *self);

void      ss_socket_write_received    (SsSocket      *self,
                                       const guint8  *data,
                                       gsize          len);
void      ss_socket_record_pending    (SsSocket      *self);
void      ss_socket_record_connection (SsSocket      *self,
                                       SsSocket      *connection);

void      ss_socket_io_start          (SsSocket      *self);
void      ss_socket_io_stop           (SsSocket      *self);
void      ss_socket_io_update_watch   (SsSocket      *self);
int       ss_socket_io_pump           (SsSocket      *self);
void      ss_socket_relay_write       (SsSocket      *self,
                                       const guint8  *data,
                                       gsize          len);
SsAddress *ss_socket_dup_relay_server_address (SsSocket *self);
void      ss_relay_datagram_from_client (SsSocket        *self,
                                         const guint8    *data,
                                         gsize            len,
                                         const SsAddress *client);
void      ss_relay_datagram_from_server (SsSocket        *upstream,
                                         const guint8    *data,
                                         gsize            len);
void      ss_relay_datagram_stop        (SsSocket        *self);
gboolean  ss_socket_has_relay_faults    (SsSocket        *self);
const GArray *ss_socket_peek_relay_faults (SsSocket      *self,
                                         SsToxicDirection direction);
void      ss_socket_faults_dispose      (SsSocket        *self);
void      ss_socket_file_refill       (SsSocket      *self);
void      ss_socket_file_end          (SsSocket      *self,
                                       int            errsv);
void      ss_socket_accept_ready      (SsSocket      *self);
void      ss_socket_update_accept_queue (SsSocket    *self,
                                         gboolean     wanted);
gboolean  ss_socket_is_stream         (SsSocket      *self);
void      ss_socket_remove_unix_file  (SsSocket      *self);
void      ss_socket_connection_failed (SsSocket      *self,
                                       int            errsv,
                                       const char    *call);
void      ss_socket_receive_ready     (SsSocket      *self);
void      ss_socket_close_if_done     (SsSocket      *self);
void      ss_socket_connection_closed (SsSocket      *self);
gssize    ss_socket_try_recv          (SsSocket      *self,
                                       gsize          bufsize,
                                       gboolean       record_would_block,
                                       GError       **error);
gssize    ss_socket_try_send          (SsSocket      *self,
                                       GBytes        *bytes,
                                       const SsAddress *to,
                                       gboolean       record_would_block,
                                       GError       **error);
SsSocket *ss_socket_try_accept        (SsSocket      *self,
                                       gboolean       record_would_block,
                                       GError       **error);
gboolean  ss_socket_wait_ready        (SsSocket      *self);
void      ss_socket_wait_cancel       (SsSocket      *self);
void      ss_socket_connect_ready     (SsSocket      *self);
void      ss_socket_fail_connect      (SsSocket      *self,
                                       GError        *error);

void ss_socket_set_listener (SsSocket *connection,
                             SsSocket *listener);

/* ss-socket-tls.c */
void         ss_socket_tls_connected   (SsSocket     *self);
void         ss_socket_tls_accepted    (SsSocket     *listener,
                                        SsSocket     *connection);
gboolean     ss_socket_tls_holds       (SsSocket     *self);
GIOCondition ss_socket_tls_condition   (SsSocket     *self);
void         ss_socket_tls_ready       (SsSocket     *self);
void         ss_socket_tls_sniff       (SsSocket     *self,
                                        const guint8 *data,
                                        gsize         len);
gssize       ss_socket_tls_recv        (SsSocket     *self,
                                        guint8       *buffer,
                                        gsize         len);
gssize       ss_socket_tls_send        (SsSocket     *self,
                                        const guint8 *data,
                                        gsize         len);
gboolean     ss_socket_tls_has_pending (SsSocket     *self);
void         ss_socket_tls_close       (SsSocket     *self);
void         ss_socket_tls_dispose     (SsSocket     *self);

/* ss-socket-relay.c */
void         ss_socket_relay_tls_leg   (SsSocket     *client,
                                        SsSocket     *server);

G_END_DECLS
