/* ss-socket-receive.c — recv() and recvfrom(): as data arrives, or by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "ss-error.h"
#include "ss-socket-private.h"
#include "ss-tls-calls.h"

/* Bounded work per wake-up, so one busy socket cannot starve the others
 * or the window. */
#define MAX_READS_PER_WAKEUP   16
#define RECV_BUFFER_SIZE       (64 * 1024)
/* A relayed leg's reads: what it reads is sent on at once, so a larger
 * read is fewer calls each way for the same bytes (and what is sent is
 * still in the cache): the core relay's CPU a byte fell by a quarter
 * from 64 KiB (128 KiB: a twentieth). Its price is in a window showing a
 * flood: the rows of its log view hold their chunks, evicted or not,
 * so its peak RSS grows with the chunk (bench-window-relay: 205 MiB at
 * 64 KiB, 242 at 256, the bound 250). */
#define RELAY_READ_SIZE        (256 * 1024)

/* Automatic reads of one socket this close together are one burst: one
 * entry in the call log, however many reads a flood makes. */
#define BURST_GAP_US           (200 * 1000)

/* Core runs on the main thread only, so one receive buffer serves every
 * socket: ten thousand idle connections must not cost 64 KiB each. (Its
 * pages past the first 64 KiB are touched by relayed legs only.) */
static guint8 recv_buffer[RELAY_READ_SIZE];

/* What an automatic read asks for: a relayed leg's more (TLS records are
 * at most 16 KiB, so not a TLS leg's), within the room its bytes have on
 * their way, so the bound on what waits stays a usual read past it */
static gsize
automatic_read_size (SsSocket *self)
{
  if (self->relay_pair == NULL || self->tls != NULL)
    return RECV_BUFFER_SIZE;
  return CLAMP (ss_relay_pair_get_room (self->relay_pair, self), RECV_BUFFER_SIZE, RELAY_READ_SIZE);
}

static void
peer_closed (SsSocket *self)
{
  self->peer_closed = TRUE;
  ss_traffic_log_append_event (self->traffic, _("Peer closed its side of the connection (recv returned 0)"));
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_PEER_CLOSED]);
  if (self->relay_pair != NULL)
    ss_relay_pair_peer_closed (self->relay_pair, self);
}

static void
remember_sender (SsSocket                      *self,
                 const struct sockaddr_storage *from,
                 socklen_t                      from_len)
{
  if (self->last_sender != NULL &&
      self->last_sender->len == from_len &&
      memcmp (&self->last_sender->storage, from, from_len) == 0)
    return;

  g_clear_pointer (&self->last_sender, ss_address_free);
  self->last_sender = ss_address_new ((const struct sockaddr *) from, from_len);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_LAST_SENDER]);
}

/* SO_RXQ_OVFL: with each datagram, the kernel's running count of those it
 * dropped for this socket before queueing it. The growth is logged once
 * per batch of reads (log_kernel_drops()), not once per datagram, so a
 * flood does not double the log. */
static void
note_kernel_drops (SsSocket      *self,
                   struct msghdr *msg)
{
  for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (msg); cmsg != NULL; cmsg = CMSG_NXTHDR (msg, cmsg))
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SO_RXQ_OVFL &&
        cmsg->cmsg_len >= CMSG_LEN (sizeof (guint32)))
      {
        guint32 count;

        memcpy (&count, CMSG_DATA (cmsg), sizeof count);
        /* unsigned arithmetic: right across the counter's wrap at 2^32 */
        self->drops_unlogged += (guint32) (count - self->drops_seen);
        self->drops_seen = count;
      }
}

static void
log_kernel_drops (SsSocket *self)
{
  if (self->drops_unlogged == 0)
    return;

  self->dropped += self->drops_unlogged;
  ss_traffic_log_append_event (self->traffic,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "The kernel dropped %" PRIu64 " datagram (receive buffer full)",
                                            "The kernel dropped %" PRIu64 " datagrams (receive buffer full)",
                                            self->drops_unlogged),
                               self->drops_unlogged);
  self->drops_unlogged = 0;
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_DROPPED]);
}

/* One recv() (recvmsg() for datagrams, to learn the sender and the
 * kernel's drops) of at most @bufsize bytes; what it read goes into the
 * log. Returns the count, 0 at the end of a stream, or -1 with *errsv_out
 * set. */
static gssize
receive_one (SsSocket *self,
             gsize     bufsize,
             gboolean  whole_datagram,
             int      *errsv_out)
{
  struct sockaddr_storage from;
  socklen_t from_len;
  g_autofree guint8 *large = NULL;
  guint8 *buffer = recv_buffer;
  gboolean datagrams = self->type != SOCK_STREAM;
  /* room for SO_RXQ_OVFL, and for any other message a person's option
   * adds, so that one is never cut off */
  union
  {
    guint8         buf[CMSG_SPACE (sizeof (guint32)) + 256];
    struct cmsghdr align;
  } control;
  struct msghdr msg = { 0 };
  struct iovec iov;
  SsAddress sender;
  const SsAddress *peer = NULL;
  gssize n;

  /* Received automatically, a datagram is taken whole, however large; a
   * person's recv(bufsize) takes what it asks, and the log says what the
   * kernel dropped. */
  /* a UDP payload always fits the shared buffer; only Unix datagrams
   * can be larger, and only they pay for the probe */
  if (datagrams && whole_datagram && self->family == AF_UNIX)
    {
      gssize next = recv (self->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
      if (next > (gssize) bufsize)
        bufsize = next;
    }
  /* a person may ask recv() for more than the shared buffer holds */
  if (bufsize > sizeof recv_buffer)
    buffer = large = g_malloc (bufsize);
  iov.iov_base = buffer;
  iov.iov_len = bufsize;

  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (datagrams)
    {
      msg.msg_control = &control;
      msg.msg_controllen = sizeof control;
    }
  if (self->tls != NULL)
    n = ss_socket_tls_recv (self, buffer, bufsize);
  else
    do
      n = recvmsg (self->fd, &msg, datagrams ? MSG_TRUNC : 0);
    while (n < 0 && errno == EINTR);

  *errsv_out = n < 0 ? errno : 0;
  if (n < 0)
    return -1;
  from_len = msg.msg_namelen;
  if (datagrams)
    note_kernel_drops (self, &msg);
  if (n == 0 && ss_socket_is_stream (self))
    {
      peer_closed (self);
      return 0;
    }

  if (!ss_socket_is_stream (self) && from_len > sizeof (sa_family_t))
    {
      sender.len = from_len;
      memcpy (&sender.storage, &from, from_len);
      peer = &sender;
    }

  if ((gsize) n > bufsize)
    {
      ss_socket_log_chunk (self, SS_TRAFFIC_RECEIVED, buffer, bufsize, peer);
      ss_traffic_log_append_event (self->traffic,
                                   _("The datagram had %" PRIu64 " bytes: recv(%" PRIu64 ") took the first %" PRIu64 " and the kernel dropped the rest"),
                                   (guint64) n, (guint64) bufsize, (guint64) bufsize);
      n = bufsize;
    }
  else
    {
      ss_socket_tls_sniff (self, buffer, n);
      ss_socket_log_chunk (self, SS_TRAFFIC_RECEIVED, buffer, n, peer);
    }
  if (self->relay_pair != NULL)
    ss_relay_pair_received (self->relay_pair, self, buffer, n);
  else if (self->relay_target != NULL && !ss_socket_is_stream (self))
    ss_relay_datagram_from_client (self, buffer, n, peer);
  else if (self->relay_client != NULL)
    ss_relay_datagram_from_server (self, buffer, n);
  else
    ss_socket_auto_reply (self, buffer, n, peer);
  if (peer != NULL)
    remember_sender (self, &from, from_len);
  return n;
}

static char *
dup_recv_python (SsSocket *self,
                 gsize     bufsize)
{
  g_autofree char *name = ss_socket_dup_python_name (self);

  if (ss_socket_is_stream (self))
    return g_strdup_printf ("data = %s.recv(%" G_GSIZE_FORMAT ")", name, bufsize);
  return g_strdup_printf ("data, addr = %s.recvfrom(%" G_GSIZE_FORMAT ")", name, bufsize);
}

static const char *
recv_name (SsSocket *self)
{
  return ss_socket_is_stream (self) ? "recv" : "recvfrom";
}

/* The seed's recv() step, made automatically: the reads of a burst are
 * one entry in the call log, which counts them, so the recipe reads
 * complete without a flood flooding the log. A failed read is an entry
 * of its own, as it would raise in Python. */
static void
record_automatic_recv (SsSocket *self,
                       gsize     bufsize,
                       gssize    n,
                       int       errsv)
{
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  gint64 now = g_get_monotonic_time ();

  if (n >= 0 && self->recv_burst != NULL && now - self->recv_burst_time < BURST_GAP_US)
    {
      ss_call_log_add_to_burst (self->calls, self->recv_burst, n);
      self->recv_burst_time = now;
      return;
    }

  args = g_strdup_printf ("%d, buf, %" G_GSIZE_FORMAT ", 0", self->fd, bufsize);
  python = dup_recv_python (self, bufsize);
  if (n < 0)
    {
      ss_socket_record (self, recv_name (self), args, python, -1, errsv, NULL);
      return;
    }
  {
    g_autofree char *tls_args = NULL;
    const char *tls_name = self->tls != NULL ? ss_tls_calls_translate ("recv", args, &tls_args) : NULL;

    g_set_object (&self->recv_burst,
                  ss_call_log_record_burst (self->calls, self->fd, tls_name ? tls_name : recv_name (self),
                                            tls_name ? tls_args : args, python, n));
  }
  self->recv_burst_time = now;
}

/* The source saw the fd readable: a bounded batch of reads, then the
 * kernel's drops once for the whole batch. */
void
ss_socket_receive_ready (SsSocket *self)
{
  guint64 before = ss_socket_get_bytes_in (self);
  g_autoptr(SsTlsSession) tls = self->tls != NULL ? g_object_ref (self->tls) : NULL;

  /* a relayed leg's reads are sends on the other leg, each a notify of
   * its bytes out: one for the batch, as for this leg's bytes in */
  g_autoptr(SsSocket) other = self->relay_pair != NULL ? ss_relay_pair_get_other (self->relay_pair, self) : NULL;

  if (other != NULL)
    g_object_freeze_notify (G_OBJECT (other));
  /* This loop goes on while anything is held (GnuTLS's decrypted bytes,
   * records read ahead), so TLS records may be read ahead here up to its
   * last bounded read; past that only what is held is read, and the
   * kernel tells of the rest at the next wakeup. Not for a relayed leg,
   * which stops when the other leg is full. */
  if (tls != NULL)
    ss_tls_session_set_read_ahead (tls, self->relay_pair == NULL);
  /* what GnuTLS already decrypted is read now: the kernel will not say so */
  for (guint i = 0; i < MAX_READS_PER_WAKEUP || ss_socket_tls_has_pending (self); i++)
    {
      int errsv;
      gssize n;
      gsize bufsize;

      if (tls != NULL && i + 1 >= MAX_READS_PER_WAKEUP)
        ss_tls_session_set_read_ahead (tls, FALSE);

      /* a relayed leg reads only while the other leg has room; what it
       * forwarded may have ended the pair */
      if (self->state == SS_SOCKET_CLOSED ||
          (self->relay_pair != NULL && !ss_relay_pair_may_read (self->relay_pair, self)))
        break;
      bufsize = automatic_read_size (self);
      n = receive_one (self, bufsize, TRUE, &errsv);

      if (n >= 0 || (errsv != EAGAIN && errsv != EWOULDBLOCK))
        record_automatic_recv (self, bufsize, n, errsv);
      if (n > 0 || (n == 0 && !ss_socket_is_stream (self)))
        continue;
      if (n < 0 && errsv != EAGAIN && errsv != EWOULDBLOCK)
        ss_socket_connection_failed (self, errsv, "recv");
      break;
    }
  if (tls != NULL)
    ss_tls_session_set_read_ahead (tls, FALSE);

  log_kernel_drops (self);
  if (ss_socket_get_bytes_in (self) != before)
    g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_BYTES_IN]);
  if (other != NULL)
    g_object_thaw_notify (G_OBJECT (other));
}

/**
 * ss_socket_recv:
 * @bufsize: the most bytes to take, as in Python's recv(bufsize)
 *
 * One recv() call, as the Receive button makes it: with nothing waiting it
 * fails with EAGAIN at once. For a datagram socket it is recvfrom(), and
 * ss_socket_get_last_sender() tells who sent it.
 *
 * Returns: the byte count (0 when the peer closed a stream), or -1 with
 *   @error set
 */
gssize
ss_socket_recv (SsSocket  *self,
                gsize      bufsize,
                GError   **error)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), -1);
  g_return_val_if_fail (bufsize > 0, -1);

  return ss_socket_try_recv (self, bufsize, TRUE, error);
}

/* One recv() by hand. With @record_would_block FALSE an EAGAIN is not
 * recorded: a blocking call that waits records only its outcome. */
gssize
ss_socket_try_recv (SsSocket  *self,
                    gsize      bufsize,
                    gboolean   record_would_block,
                    GError   **error)
{
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  const char *call;
  guint64 before;
  gssize n;
  int errsv;

  if (!ss_socket_check_open (self, "recv", error))
    return -1;

  before = ss_socket_get_bytes_in (self);
  n = receive_one (self, bufsize, FALSE, &errsv);
  log_kernel_drops (self);
  if (n < 0 && (errsv == EAGAIN || errsv == EWOULDBLOCK) && !record_would_block)
    {
      ss_set_errno_error (error, errsv, "recv");
      return -1;
    }

  call = recv_name (self);
  args = g_strdup_printf ("%d, buf, %" G_GSIZE_FORMAT ", 0", self->fd, bufsize);
  python = dup_recv_python (self, bufsize);
  ss_socket_record (self, call, args, python, n, n < 0 ? errsv : 0, error);

  if (n < 0 && errsv != EAGAIN && errsv != EWOULDBLOCK && self->state == SS_SOCKET_CONNECTED)
    ss_socket_connection_failed (self, errsv, call);
  if (ss_socket_get_bytes_in (self) != before)
    g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_BYTES_IN]);
  ss_socket_close_if_done (self);
  ss_traffic_log_flush (self->traffic);
  return n;
}
