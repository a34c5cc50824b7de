/* ss-sock-diag.c — every socket of the machine, from the kernel's NETLINK_SOCK_DIAG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-sock-diag.h"

/* What each dump asks the kernel for: one request per family and
 * protocol, as `ss` does (inet_diag for IP, unix_diag for AF_UNIX). */
static const struct
{
  guint8 family;
  guint8 protocol;
} inet_requests[] = {
  { AF_INET, IPPROTO_TCP },
  { AF_INET6, IPPROTO_TCP },
  { AF_INET, IPPROTO_UDP },
  { AF_INET6, IPPROTO_UDP },
  { AF_INET, IPPROTO_RAW },
  { AF_INET6, IPPROTO_RAW },
};

static const char *proto_names[SS_SOCK_N_PROTOS] = {
  [SS_SOCK_PROTO_TCP] = "TCP",
  [SS_SOCK_PROTO_UDP] = "UDP",
  [SS_SOCK_PROTO_RAW] = "RAW",
  [SS_SOCK_PROTO_UNIX_STREAM] = "UNIX-STREAM",
  [SS_SOCK_PROTO_UNIX_DGRAM] = "UNIX-DGRAM",
  [SS_SOCK_PROTO_UNIX_SEQPACKET] = "UNIX-SEQPACKET",
};

/* The names `ss` prints, so a person can match the two */
static const char *state_names[SS_SOCK_N_STATES] = {
  [0] = "UNKNOWN",
  [SS_SOCK_STATE_ESTABLISHED] = "ESTAB",
  [SS_SOCK_STATE_SYN_SENT] = "SYN-SENT",
  [SS_SOCK_STATE_SYN_RECV] = "SYN-RECV",
  [SS_SOCK_STATE_FIN_WAIT1] = "FIN-WAIT-1",
  [SS_SOCK_STATE_FIN_WAIT2] = "FIN-WAIT-2",
  [SS_SOCK_STATE_TIME_WAIT] = "TIME-WAIT",
  [SS_SOCK_STATE_CLOSE] = "UNCONN",
  [SS_SOCK_STATE_CLOSE_WAIT] = "CLOSE-WAIT",
  [SS_SOCK_STATE_LAST_ACK] = "LAST-ACK",
  [SS_SOCK_STATE_LISTEN] = "LISTEN",
  [SS_SOCK_STATE_CLOSING] = "CLOSING",
  [SS_SOCK_STATE_NEW_SYN_RECV] = "SYN-RECV",
};

const char *
ss_sock_proto_name (SsSockProto proto)
{
  return proto < SS_SOCK_N_PROTOS ? proto_names[proto] : "?";
}

const char *
ss_sock_state_name (guint state)
{
  return state < SS_SOCK_N_STATES ? state_names[state] : state_names[0];
}

static void
record_clear (gpointer data)
{
  SsSockRecord *record = data;

  g_clear_pointer (&record->unix_name, g_free);
}

static void
copy_tcp_info (SsSockDiagTcp *out,
               const void    *data,
               gsize          len)
{
  struct tcp_info info = { 0 };

  /* an older kernel sends a shorter struct: the rest stays 0 */
  memcpy (&info, data, MIN (len, sizeof info));
  out->rtt_us = info.tcpi_rtt;
  out->rttvar_us = info.tcpi_rttvar;
  out->min_rtt_us = info.tcpi_min_rtt;
  out->snd_cwnd = info.tcpi_snd_cwnd;
  out->snd_ssthresh = info.tcpi_snd_ssthresh;
  out->snd_mss = info.tcpi_snd_mss;
  out->retransmits = info.tcpi_retransmits;
  out->total_retrans = info.tcpi_total_retrans;
  out->unacked = info.tcpi_unacked;
  out->lost = info.tcpi_lost;
  out->last_data_sent_ms = info.tcpi_last_data_sent;
  out->last_data_recv_ms = info.tcpi_last_data_recv;
  out->notsent_bytes = info.tcpi_notsent_bytes;
  out->rcv_space = info.tcpi_rcv_space;
  out->bytes_acked = info.tcpi_bytes_acked;
  out->bytes_received = info.tcpi_bytes_received;
  out->bytes_sent = info.tcpi_bytes_sent;
  out->bytes_retrans = info.tcpi_bytes_retrans;
  out->delivery_rate = info.tcpi_delivery_rate;
  out->pacing_rate = info.tcpi_pacing_rate;
}

static void
parse_inet (GArray                *records,
            const struct nlmsghdr *header,
            guint8                 protocol)
{
  const struct inet_diag_msg *msg = NLMSG_DATA (header);
  const struct rtattr *attr;
  int len = header->nlmsg_len - NLMSG_LENGTH (sizeof *msg);
  SsSockRecord record = { 0 };

  if (len < 0)
    return;
  record.family = msg->idiag_family;
  record.proto = protocol == IPPROTO_TCP ? SS_SOCK_PROTO_TCP
                 : protocol == IPPROTO_UDP ? SS_SOCK_PROTO_UDP : SS_SOCK_PROTO_RAW;
  record.state = msg->idiag_state < SS_SOCK_N_STATES ? msg->idiag_state : 0;
  record.cookie = (guint64) msg->id.idiag_cookie[1] << 32 | msg->id.idiag_cookie[0];
  record.inode = msg->idiag_inode;
  record.uid = msg->idiag_uid;
  record.rqueue = msg->idiag_rqueue;
  record.wqueue = msg->idiag_wqueue;
  record.ifindex = msg->id.idiag_if;
  memcpy (record.local.addr, msg->id.idiag_src, msg->idiag_family == AF_INET ? 4 : 16);
  memcpy (record.peer.addr, msg->id.idiag_dst, msg->idiag_family == AF_INET ? 4 : 16);
  record.local.port = ntohs (msg->id.idiag_sport);
  record.peer.port = ntohs (msg->id.idiag_dport);

  for (attr = (const struct rtattr *) (msg + 1); RTA_OK (attr, len); attr = RTA_NEXT (attr, len))
    if (attr->rta_type == INET_DIAG_INFO && protocol == IPPROTO_TCP &&
        record.state != SS_SOCK_STATE_TIME_WAIT && record.state != SS_SOCK_STATE_NEW_SYN_RECV &&
        record.state != SS_SOCK_STATE_LISTEN)
      {
        copy_tcp_info (&record.tcp, RTA_DATA (attr), RTA_PAYLOAD (attr));
        record.has_tcp = TRUE;
      }
  g_array_append_val (records, record);
}

static void
parse_unix (GArray                *records,
            const struct nlmsghdr *header)
{
  const struct unix_diag_msg *msg = NLMSG_DATA (header);
  const struct rtattr *attr;
  int len = header->nlmsg_len - NLMSG_LENGTH (sizeof *msg);
  SsSockRecord record = { 0 };

  if (len < 0)
    return;
  record.family = AF_UNIX;
  record.proto = msg->udiag_type == SOCK_STREAM ? SS_SOCK_PROTO_UNIX_STREAM
                 : msg->udiag_type == SOCK_SEQPACKET ? SS_SOCK_PROTO_UNIX_SEQPACKET
                 : SS_SOCK_PROTO_UNIX_DGRAM;
  record.state = msg->udiag_state < SS_SOCK_N_STATES ? msg->udiag_state : 0;
  record.cookie = (guint64) msg->udiag_cookie[1] << 32 | msg->udiag_cookie[0];
  record.inode = msg->udiag_ino;
  record.uid = G_MAXUINT32;

  for (attr = (const struct rtattr *) (msg + 1); RTA_OK (attr, len); attr = RTA_NEXT (attr, len))
    {
      const char *data = RTA_DATA (attr);
      gsize size = RTA_PAYLOAD (attr);

      switch (attr->rta_type)
        {
        case UNIX_DIAG_NAME:
          if (size > 0 && data[0] == '\0')
            {
              /* abstract: a NUL, then bytes that need not end with one */
              g_autofree char *name = g_strndup (data + 1, size - 1);
              record.unix_name = g_strconcat ("@", name, NULL);
            }
          else if (size > 0)
            record.unix_name = g_strndup (data, size);
          break;
        case UNIX_DIAG_PEER:
          if (size >= sizeof (guint32))
            memcpy (&record.peer_inode, data, sizeof (guint32));
          break;
        case UNIX_DIAG_RQLEN:
          if (size >= sizeof (struct unix_diag_rqlen))
            {
              struct unix_diag_rqlen rq;

              memcpy (&rq, data, sizeof rq);
              record.rqueue = rq.udiag_rqueue;
              record.wqueue = rq.udiag_wqueue;
            }
          break;
        case UNIX_DIAG_UID:
          if (size >= sizeof (guint32))
            memcpy (&record.uid, data, sizeof (guint32));
          break;
        default:
          break;
        }
    }
  g_array_append_val (records, record);
}

static int
open_diag_socket (GError **error)
{
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

  if (fd < 0)
    ss_set_errno_error (error, errno, "socket(AF_NETLINK, NETLINK_SOCK_DIAG)");
  return fd;
}

static gboolean
send_request (int          fd,
              void        *request,
              gsize        len,
              GError     **error)
{
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

  if (sendto (fd, request, len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
    {
      ss_set_errno_error (error, errno, "sendto(NETLINK_SOCK_DIAG)");
      return FALSE;
    }
  return TRUE;
}

/* Reads a dump to its NLMSG_DONE. Returns the kernel's errno for the
 * request (0 when it answered), or -1 with @error set when reading failed. */
static int
read_dump (int      fd,
           GArray  *records,
           guint8   protocol,
           GError **error)
{
  /* large, so that a big dump takes few reads */
  gsize size = 256 * 1024;
  g_autofree guint8 *buffer = g_malloc (size);

  for (;;)
    {
      ssize_t n = recv (fd, buffer, size, 0);
      const struct nlmsghdr *header = (const struct nlmsghdr *) buffer;
      int len = n;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          ss_set_errno_error (error, errno, "recv(NETLINK_SOCK_DIAG)");
          return -1;
        }
      if (n == 0)
        return 0;
      for (; NLMSG_OK (header, (guint) len); header = NLMSG_NEXT (header, len))
        {
          /* a dump the kernel could not start (no such diag module)
           * ends with its error in the DONE message */
          if (header->nlmsg_type == NLMSG_DONE)
            {
              int done_error = 0;

              if (header->nlmsg_len >= NLMSG_LENGTH (sizeof done_error))
                memcpy (&done_error, NLMSG_DATA (header), sizeof done_error);
              return done_error < 0 ? -done_error : 0;
            }
          if (header->nlmsg_type == NLMSG_ERROR)
            {
              const struct nlmsgerr *err = NLMSG_DATA (header);
              return err->error < 0 ? -err->error : 0;
            }
          if (protocol == 0)
            parse_unix (records, header);
          else
            parse_inet (records, header, protocol);
        }
    }
}

static int
dump_inet (int      fd,
           GArray  *records,
           guint8   family,
           guint8   protocol,
           GError **error)
{
  struct
  {
    struct nlmsghdr         header;
    struct inet_diag_req_v2 request;
  } message = {
    .header = {
      .nlmsg_len = sizeof message,
      .nlmsg_type = SOCK_DIAG_BY_FAMILY,
      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
    },
    .request = {
      .sdiag_family = family,
      .sdiag_protocol = protocol,
      .idiag_states = G_MAXUINT32,
    },
  };

  if (protocol == IPPROTO_TCP)
    message.request.idiag_ext = 1 << (INET_DIAG_INFO - 1);
  if (!send_request (fd, &message, sizeof message, error))
    return -1;
  return read_dump (fd, records, protocol, error);
}

static int
dump_unix (int      fd,
           GArray  *records,
           GError **error)
{
  struct
  {
    struct nlmsghdr      header;
    struct unix_diag_req request;
  } message = {
    .header = {
      .nlmsg_len = sizeof message,
      .nlmsg_type = SOCK_DIAG_BY_FAMILY,
      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
    },
    .request = {
      .sdiag_family = AF_UNIX,
      .udiag_states = G_MAXUINT32,
      .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID,
    },
  };

  if (!send_request (fd, &message, sizeof message, error))
    return -1;
  return read_dump (fd, records, 0, error);
}

/**
 * ss_sock_diag_dump:
 *
 * Every TCP, UDP and raw socket (IPv4 and IPv6) and every Unix socket of
 * this network namespace, as the kernel lists them. Blocks: call it from
 * a worker thread. A family or protocol whose diag module the kernel lacks
 * (raw_diag, unix_diag) is left out, not an error: @missing says which,
 * so the view can say what it cannot show.
 *
 * Returns: (transfer full): an array of #SsSockRecord, or %NULL
 */
GArray *
ss_sock_diag_dump (SsSockDiagMissing  *missing,
                   GError            **error)
{
  g_autoptr(GArray) records = g_array_sized_new (FALSE, FALSE, sizeof (SsSockRecord), 1024);
  int fd;

  g_array_set_clear_func (records, record_clear);
  *missing = 0;
  fd = open_diag_socket (error);
  if (fd < 0)
    return NULL;

  for (guint i = 0; i <= G_N_ELEMENTS (inet_requests); i++)
    {
      int result = i < G_N_ELEMENTS (inet_requests)
                   ? dump_inet (fd, records, inet_requests[i].family, inet_requests[i].protocol, error)
                   : dump_unix (fd, records, error);

      if (result < 0)
        {
          close (fd);
          return NULL;
        }
      if (result > 0)
        {
          g_debug ("sock_diag %u: %s", i, g_strerror (result));
          if (i == G_N_ELEMENTS (inet_requests))
            *missing |= SS_SOCK_DIAG_MISSING_UNIX;
          else if (inet_requests[i].protocol == IPPROTO_RAW)
            *missing |= SS_SOCK_DIAG_MISSING_RAW;
        }
    }
  close (fd);
  return g_steal_pointer (&records);
}

/* A request naming one TCP or UDP socket exactly, as the kernel listed it */
static void
set_request_id (struct inet_diag_req_v2 *request,
                const SsSockRecord      *record)
{
  request->sdiag_family = record->family;
  request->sdiag_protocol = record->proto == SS_SOCK_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
  request->idiag_states = G_MAXUINT32;
  request->id.idiag_sport = htons (record->local.port);
  request->id.idiag_dport = htons (record->peer.port);
  memcpy (request->id.idiag_src, record->local.addr, 16);
  memcpy (request->id.idiag_dst, record->peer.addr, 16);
  request->id.idiag_if = record->ifindex;
  request->id.idiag_cookie[0] = record->cookie & G_MAXUINT32;
  request->id.idiag_cookie[1] = record->cookie >> 32;
}

/* Sends one request naming one socket and reads its one answer into
 * @buffer. Returns the answer's length, or -1: with @error set when the
 * request could not be sent, else with *@recv_errno. */
static ssize_t
ask_once (void    *message,
          gsize    len,
          guint8  *buffer,
          gsize    size,
          int     *recv_errno,
          GError **error)
{
  ssize_t n;
  int fd = open_diag_socket (error);

  *recv_errno = 0;
  if (fd < 0)
    return -1;
  if (!send_request (fd, message, len, error))
    {
      close (fd);
      return -1;
    }
  do
    n = recv (fd, buffer, size, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    *recv_errno = errno;
  close (fd);
  return n;
}

/**
 * ss_sock_diag_lookup:
 * @record: a TCP or UDP socket of an earlier dump
 * @found: (out caller-allocates): its state now
 *
 * Asks the kernel about one socket, not all (the plots of a connection
 * picked in the system view ask once a second): a quick exact lookup by
 * its addresses and cookie.
 *
 * Returns: FALSE when it is gone (ENOENT in %SS_ERRNO_ERROR) or on error
 */
gboolean
ss_sock_diag_lookup (const SsSockRecord  *record,
                     SsSockRecord        *found,
                     GError             **error)
{
  struct
  {
    struct nlmsghdr         header;
    struct inet_diag_req_v2 request;
  } message = {
    .header = {
      .nlmsg_len = sizeof message,
      .nlmsg_type = SOCK_DIAG_BY_FAMILY,
      .nlmsg_flags = NLM_F_REQUEST,
    },
  };
  g_autoptr(GArray) records = g_array_new (FALSE, TRUE, sizeof (SsSockRecord));
  guint8 buffer[4096];
  const struct nlmsghdr *header = (const struct nlmsghdr *) buffer;
  int errsv = 0;
  ssize_t n;
  int len;

  g_return_val_if_fail (record != NULL && found != NULL, FALSE);
  g_return_val_if_fail (record->family != AF_UNIX && record->proto != SS_SOCK_PROTO_RAW, FALSE);

  set_request_id (&message.request, record);
  if (record->proto == SS_SOCK_PROTO_TCP)
    message.request.idiag_ext = 1 << (INET_DIAG_INFO - 1);
  /* an exact request has one answer: the socket, or an error */
  n = ask_once (&message, sizeof message, buffer, sizeof buffer, &errsv, error);
  if (n < 0)
    {
      if (errsv != 0)
        ss_set_errno_error (error, errsv, "recv(NETLINK_SOCK_DIAG)");
      return FALSE;
    }
  len = n;
  for (; NLMSG_OK (header, (guint) len); header = NLMSG_NEXT (header, len))
    {
      if (header->nlmsg_type == NLMSG_ERROR)
        {
          errsv = -((const struct nlmsgerr *) NLMSG_DATA (header))->error;
          break;
        }
      parse_inet (records, header, message.request.sdiag_protocol);
    }
  if (records->len == 0)
    {
      if (errsv == 0 || errsv == ENOENT)
        g_set_error (error, SS_ERRNO_ERROR, ENOENT, "%s", _("The socket is gone already."));
      else
        ss_set_errno_error (error, errsv, "SOCK_DIAG_BY_FAMILY");
      return FALSE;
    }
  *found = g_array_index (records, SsSockRecord, 0);
  return TRUE;
}

/**
 * ss_sock_diag_destroy:
 *
 * Closes another program's TCP or UDP socket as `ss -K` does
 * (SOCK_DESTROY): its owner's next call fails with ECONNABORTED. It needs
 * CAP_NET_ADMIN and a kernel built with CONFIG_INET_DIAG_DESTROY; the
 * error says which is missing.
 */
gboolean
ss_sock_diag_destroy (const SsSockRecord  *record,
                      GError             **error)
{
  struct
  {
    struct nlmsghdr         header;
    struct inet_diag_req_v2 request;
  } message = {
    .header = {
      .nlmsg_len = sizeof message,
      .nlmsg_type = SOCK_DESTROY,
      .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
    },
  };
  guint8 buffer[1024];
  ssize_t n;
  int errsv = 0;

  g_return_val_if_fail (record != NULL, FALSE);

  if (record->family == AF_UNIX || record->proto == SS_SOCK_PROTO_RAW)
    {
      g_set_error (error, SS_ERRNO_ERROR, EOPNOTSUPP, "%s",
                   _("Only TCP and UDP sockets can be closed from outside their program (SOCK_DESTROY)."));
      return FALSE;
    }

  set_request_id (&message.request, record);
  n = ask_once (&message, sizeof message, buffer, sizeof buffer, &errsv, error);
  if (n < 0 && errsv == 0)
    return FALSE;
  if (n >= (ssize_t) NLMSG_LENGTH (sizeof (struct nlmsgerr)) &&
      ((struct nlmsghdr *) buffer)->nlmsg_type == NLMSG_ERROR)
    errsv = -((struct nlmsgerr *) NLMSG_DATA (buffer))->error;

  switch (errsv)
    {
    case 0:
      return TRUE;
    case EPERM:
    case EACCES:
      g_set_error (error, SS_ERRNO_ERROR, errsv, "%s",
                   _("Closing another program's connection needs the CAP_NET_ADMIN capability: run Sockscope as root (or give it that capability) to do it."));
      return FALSE;
    case EOPNOTSUPP:
      g_set_error (error, SS_ERRNO_ERROR, errsv, "%s",
                   _("This kernel cannot close sockets from outside: it was built without CONFIG_INET_DIAG_DESTROY."));
      return FALSE;
    case ENOENT:
      g_set_error (error, SS_ERRNO_ERROR, errsv, "%s",
                   _("The socket is gone already."));
      return FALSE;
    default:
      ss_set_errno_error (error, errsv, "SOCK_DESTROY");
      return FALSE;
    }
}

static char *
format_inet (guint8            family,
             const SsSockInet *inet)
{
  char text[INET6_ADDRSTRLEN];

  inet_ntop (family, inet->addr, text, sizeof text);
  if (family == AF_INET6)
    return inet->port ? g_strdup_printf ("[%s]:%u", text, inet->port) : g_strdup_printf ("[%s]:*", text);
  return inet->port ? g_strdup_printf ("%s:%u", text, inet->port) : g_strdup_printf ("%s:*", text);
}

/* "127.0.0.1:8000", "[::1]:8000", "0.0.0.0:*", or a Unix name ("@name"
 * when abstract, "*" when unnamed) */
char *
ss_sock_record_format_local (const SsSockRecord *record)
{
  if (record->family == AF_UNIX)
    return g_strdup (record->unix_name != NULL ? record->unix_name : "*");
  return format_inet (record->family, &record->local);
}

/* A Unix socket's peer is named by its inode, as `ss` does */
char *
ss_sock_record_format_peer (const SsSockRecord *record)
{
  if (record->family == AF_UNIX)
    return record->peer_inode ? g_strdup_printf ("* %u", record->peer_inode) : g_strdup ("*");
  return format_inet (record->family, &record->peer);
}

static gboolean
inet_is_loopback (guint8            family,
                  const SsSockInet *inet)
{
  static const guint8 v6_loopback[16] = { [15] = 1 };
  static const guint8 v4_mapped[12] = { [10] = 0xff, [11] = 0xff };

  if (family == AF_INET)
    return inet->addr[0] == 127;
  return memcmp (inet->addr, v6_loopback, 16) == 0 ||
         (memcmp (inet->addr, v4_mapped, 12) == 0 && inet->addr[12] == 127);
}

/* An IP socket bound to or connected to a loopback address (a Unix
 * socket is none: "only TCP" hides those) */
gboolean
ss_sock_record_is_loopback (const SsSockRecord *record)
{
  if (record->family == AF_UNIX)
    return FALSE;
  return inet_is_loopback (record->family, &record->local) ||
         inet_is_loopback (record->family, &record->peer);
}

gboolean
ss_sock_record_is_tcp (const SsSockRecord *record)
{
  return record->proto == SS_SOCK_PROTO_TCP;
}

/* The inode a dump names a descriptor's socket by (0 for a bad one): how
 * the system view finds Sockscope's own sockets among all others */
guint32
ss_sock_diag_fd_inode (int fd)
{
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISSOCK (st.st_mode))
    return 0;
  return st.st_ino;
}
