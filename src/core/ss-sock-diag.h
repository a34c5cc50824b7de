/* ss-sock-diag.h — every socket of the machine, from the kernel's NETLINK_SOCK_DIAG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sys/socket.h>
#include <netinet/in.h>

G_BEGIN_DECLS

/* The TCP internals of one connection (the kernel's struct tcp_info, in
 * the units it gives them), for the table and for plots. */
typedef struct
{
  guint32 rtt_us;
  guint32 rttvar_us;
  guint32 min_rtt_us;
  guint32 snd_cwnd;         /* segments */
  guint32 snd_ssthresh;     /* segments; ≥ 0x7fffffff: not yet set */
  guint32 snd_mss;
  guint32 retransmits;      /* of the segment in flight */
  guint32 total_retrans;    /* segments, since the connection began */
  guint32 unacked;
  guint32 lost;
  guint32 last_data_sent_ms;
  guint32 last_data_recv_ms;
  guint32 notsent_bytes;
  guint32 rcv_space;
  guint64 bytes_acked;
  guint64 bytes_received;
  guint64 bytes_sent;
  guint64 bytes_retrans;
  guint64 delivery_rate;    /* bytes/s */
  guint64 pacing_rate;      /* bytes/s */
} SsSockDiagTcp;

/* The kinds of socket a dump lists, one row of kinds[] each */
typedef enum
{
  SS_SOCK_PROTO_TCP,
  SS_SOCK_PROTO_UDP,
  SS_SOCK_PROTO_RAW,
  SS_SOCK_PROTO_UNIX_STREAM,
  SS_SOCK_PROTO_UNIX_DGRAM,
  SS_SOCK_PROTO_UNIX_SEQPACKET,
  SS_SOCK_N_PROTOS,
} SsSockProto;

/* The kernel's TCP state numbers (include/net/tcp_states.h); Unix and
 * UDP sockets use the same ones (ESTABLISHED, LISTEN, CLOSE). */
typedef enum
{
  SS_SOCK_STATE_ESTABLISHED = 1,
  SS_SOCK_STATE_SYN_SENT,
  SS_SOCK_STATE_SYN_RECV,
  SS_SOCK_STATE_FIN_WAIT1,
  SS_SOCK_STATE_FIN_WAIT2,
  SS_SOCK_STATE_TIME_WAIT,
  SS_SOCK_STATE_CLOSE,
  SS_SOCK_STATE_CLOSE_WAIT,
  SS_SOCK_STATE_LAST_ACK,
  SS_SOCK_STATE_LISTEN,
  SS_SOCK_STATE_CLOSING,
  SS_SOCK_STATE_NEW_SYN_RECV,
  SS_SOCK_N_STATES,
} SsSockState;

/* One endpoint: an IP address and port, or a Unix name */
typedef struct
{
  guint8  addr[16];   /* network order; an IPv4 address in the first 4 */
  guint16 port;       /* host order */
} SsSockInet;

typedef struct
{
  guint64        cookie;      /* the kernel's id of the socket, unique while it lives */
  guint32        inode;       /* 0 for a socket no file holds (TIME-WAIT, a request) */
  guint32        uid;
  guint32        rqueue;      /* a listener: its accept queue */
  guint32        wqueue;      /* a listener: its backlog */
  guint32        peer_inode;  /* Unix: the other end's inode */
  guint32        ifindex;     /* bound to a device, or 0 */
  guint8         family;      /* AF_INET, AF_INET6, AF_UNIX */
  guint8         proto;       /* SsSockProto */
  guint8         state;       /* SsSockState */
  guint8         has_tcp;
  SsSockInet     local;       /* AF_INET, AF_INET6 */
  SsSockInet     peer;
  char          *unix_name;   /* AF_UNIX: the path, "@name" when abstract, or NULL */
  SsSockDiagTcp  tcp;         /* when has_tcp */
} SsSockRecord;

/* What a dump could not list: the kernel lacks that diag module */
typedef enum
{
  SS_SOCK_DIAG_MISSING_RAW  = 1 << 0,  /* raw_diag */
  SS_SOCK_DIAG_MISSING_UNIX = 1 << 1,  /* unix_diag */
} SsSockDiagMissing;

GArray      *ss_sock_diag_dump          (SsSockDiagMissing  *missing,
                                         GError            **error);
gboolean     ss_sock_diag_destroy       (const SsSockRecord *record,
                                         GError            **error);
gboolean     ss_sock_diag_lookup        (const SsSockRecord *record,
                                         SsSockRecord       *found,
                                         GError            **error);
const char  *ss_sock_proto_name         (SsSockProto          proto);
const char  *ss_sock_state_name         (guint                state);
char        *ss_sock_record_format_local (const SsSockRecord *record);
char        *ss_sock_record_format_peer  (const SsSockRecord *record);
gboolean     ss_sock_record_is_loopback (const SsSockRecord *record);
gboolean     ss_sock_record_is_tcp      (const SsSockRecord *record);
guint32      ss_sock_diag_fd_inode      (int                  fd);

G_END_DECLS
