/* ss-tls-session-transport.c — a TLS session's own push and pull on the socket's descriptor, and the
 * bytes of its first flight read before STARTTLS began
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "ss-tls-session-private.h"
#include "ss-tls-sniff.h"

/* Our own push and pull on the same descriptor: they count the record
 * bytes, and keep the peer's first bytes to tell what it speaks. */
ssize_t
ss_tls_session_push (gnutls_transport_ptr_t  ptr,
                     const giovec_t         *iov,
                     int                     iovcnt)
{
  SsTlsSession *self = ptr;
  struct msghdr msg = { 0 };
  ssize_t n;

  msg.msg_iov = (struct iovec *) iov;
  msg.msg_iovlen = iovcnt;
  do
    n = sendmsg (self->fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      self->transport_errno = errno;
      gnutls_transport_set_errno (self->session, errno);
      return -1;
    }
  self->record_out += n;
  return n;
}

/**
 * ss_tls_session_feed:
 *
 * Bytes already read from the descriptor that belong to the session: a
 * ClientHello that arrived, and was read as plaintext, before STARTTLS
 * made the connection a TLS server. The handshake reads them first.
 */
void
ss_tls_session_feed (SsTlsSession *self,
                     const guint8 *data,
                     gsize         len)
{
  g_return_if_fail (SS_IS_TLS_SESSION (self));

  if (self->early == NULL)
    self->early = g_byte_array_new ();
  g_byte_array_append (self->early, data, len);
}

/* whether fed bytes are still unread, so the next step needs no wakeup */
gboolean
ss_tls_session_has_early (SsTlsSession *self)
{
  return self->early != NULL && self->early->len > 0;
}

/* Once the session carries data, and only while a reader drains it
 * (ss_tls_session_set_read_ahead()), one recv() takes what the kernel
 * has (up to READ_AHEAD) and GnuTLS's reads (a record's header, then its
 * body) are served from it: a flood costs one recv() for four records,
 * not two for each. An emptied buffer is kept for the next recv() while
 * the reader goes on, and goes when it stops (or a recv() finds
 * nothing), so a quiet session holds none. */
static ssize_t
pull_ahead (SsTlsSession *self,
            guint8       *data,
            size_t        len)
{
  gsize take;
  ssize_t n;

  if (self->ahead == NULL)
    {
      /* the emptied buffer again, while the reader goes on */
      self->ahead = self->ahead_spare != NULL ? g_steal_pointer (&self->ahead_spare) : g_malloc (READ_AHEAD);
      do
        n = recv (self->fd, self->ahead, READ_AHEAD, 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0)
        {
          int errsv = errno;

          g_clear_pointer (&self->ahead, g_free);
          errno = errsv;
          return n;
        }
      self->record_in += n;
      self->ahead_len = n;
      self->ahead_pos = 0;
    }
  take = MIN (len, self->ahead_len - self->ahead_pos);
  memcpy (data, self->ahead + self->ahead_pos, take);
  self->ahead_pos += take;
  if (self->ahead_pos == self->ahead_len)
    self->ahead_spare = g_steal_pointer (&self->ahead);
  return take;
}

ssize_t
ss_tls_session_pull (gnutls_transport_ptr_t  ptr,
                     void                   *data,
                     size_t                  len)
{
  SsTlsSession *self = ptr;
  ssize_t n;

  if ((self->read_ahead && self->state == SS_TLS_STATE_ESTABLISHED) || self->ahead != NULL)
    {
      n = pull_ahead (self, data, len);
      if (n < 0)
        {
          self->transport_errno = errno;
          gnutls_transport_set_errno (self->session, errno);
        }
      return n;
    }
  /* a ClientHello that came as plaintext before STARTTLS (ss_tls_session_feed()) */
  if (self->early != NULL && self->early->len > 0)
    {
      n = MIN (len, self->early->len);
      memcpy (data, self->early->data, n);
      g_byte_array_remove_range (self->early, 0, n);
    }
  else
    do
      n = recv (self->fd, data, len, 0);
    while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      self->transport_errno = errno;
      gnutls_transport_set_errno (self->session, errno);
      return -1;
    }
  if (self->first_len < SNIFF_BYTES && self->state == SS_TLS_STATE_HANDSHAKING)
    {
      gsize take = MIN ((gsize) n, SNIFF_BYTES - self->first_len);

      memcpy (self->first + self->first_len, data, take);
      self->first_len += take;
      if (ss_tls_sniff (self->first, self->first_len) == SS_TLS_SNIFF_OTHER)
        {
          ssize_t more;

          /* GnuTLS reads a record header (5 bytes) first: the message
           * shows a few more, and the connection ends anyway */
          more = recv (self->fd, self->first + self->first_len, SNIFF_BYTES - self->first_len, MSG_DONTWAIT);
          if (more > 0)
            self->first_len += more;
          /* GnuTLS would only say "unexpected packet" */
          self->not_tls = TRUE;
          self->transport_errno = EPROTO;
          gnutls_transport_set_errno (self->session, EPROTO);
          return -1;
        }
    }
  self->record_in += n;
  return n;
}
