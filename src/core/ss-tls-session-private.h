/* ss-tls-session-private.h — what ss-tls-session.c and ss-tls-session-peer.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-tls-session.h"

G_BEGIN_DECLS

#define SNIFF_BYTES 16
#define READ_AHEAD  (64 * 1024)

struct _SsTlsSession
{
  GObject           parent_instance;

  gnutls_session_t  session;
  int               fd;            /* the socket's, not owned */
  SsTlsConfig      *config;
  gboolean          server;
  char             *host;          /* a client's: what it connected to */
  char             *check_name;    /* the name the certificate must have */
  char             *resume_key;    /* a client's: its tickets are kept under it */
  GPtrArray        *resumed_chain; /* verified when the ticket offered came */
  gboolean          tickets;       /* a server's: it gives session tickets */
  gboolean          ticket_due;    /* a TLS 1.3 server's: one goes with its first bytes */
  SsTlsState        state;

  SsTlsEventFunc    event_func;
  gpointer          event_data;

  guint64           record_in;
  guint64           record_out;
  int               transport_errno;
  /* the peer's first bytes, to tell a peer that does not speak TLS */
  guint8            first[SNIFF_BYTES];
  gsize             first_len;
  gboolean          not_tls;
  /* bytes read from the descriptor before the session began (a
   * ClientHello read as plaintext before STARTTLS): pulled first */
  GByteArray       *early;

  char             *verification;  /* NULL: verified (or not asked) */
  GPtrArray        *peer_chain;    /* of SsTlsCertificate */
  GString          *keylog;
  gboolean          bye_sent;
  /* what gnutls_record_recv() said after the records one recv call
   * returned (an end, an error): the next call's answer */
  ssize_t           held_ret;
  gboolean          has_held_ret;
  /* records read ahead of GnuTLS's asking (pull_ahead()) */
  gboolean          read_ahead;
  guint8           *ahead;         /* NULL when nothing is read ahead */
  guint8           *ahead_spare;   /* an emptied one, while reading goes on */
  gsize             ahead_len;
  gsize             ahead_pos;
};

void ss_tls_session_tell        (SsTlsSession *self,
                                 const char   *format,
                                 ...) G_GNUC_PRINTF (2, 3);
void ss_tls_session_set_state   (SsTlsSession *self,
                                 SsTlsState    state);
void ss_tls_session_verify_peer (SsTlsSession *self);

/* ss-tls-session-transport.c: GnuTLS's push and pull */
ssize_t ss_tls_session_push (gnutls_transport_ptr_t  ptr,
                             const giovec_t         *iov,
                             int                     iovcnt);
ssize_t ss_tls_session_pull (gnutls_transport_ptr_t  ptr,
                             void                   *data,
                             size_t                  len);

G_END_DECLS
