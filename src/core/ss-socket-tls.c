/* ss-socket-tls.c — a connected socket speaking TLS: its session, driven by the socket's watch
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

#include "ss-address.h"
#include "ss-error.h"
#include "ss-socket-private.h"
#include "ss-tls-calls.h"
#include "ss-tls-sniff.h"

/* a peer that stops in the middle of a handshake must not hold a
 * connection for ever */
#define HANDSHAKE_TIMEOUT_S 30

/* The log a socket's TLS steps go to: its own, or for a relayed pair's
 * leg the pair's (the client's leg's), named for the leg. */
static void
tell (SsSocket   *self,
      const char *text)
{
  SsRelayPair *pair = self->relay_pair;

  if (pair == NULL && self->listener != NULL && self->listener->relay_target != NULL)
    ss_traffic_log_append_event (self->traffic, _("Client’s leg: %s"), text);
  else if (pair == NULL)
    ss_traffic_log_append_event (self->traffic, "%s", text);
  else if (ss_relay_pair_get_client (pair) == self)
    ss_traffic_log_append_event (self->traffic, _("Client’s leg: %s"), text);
  else
    {
      SsTrafficLog *traffic = ss_relay_pair_get_client (pair)->traffic;

      ss_traffic_log_append_event (traffic, _("Server’s leg: %s"), text);
      ss_traffic_log_flush_soon (traffic);
    }
}

static void
session_event (const char *text,
               gpointer    user_data)
{
  tell (user_data, text);
}

/* the host part of "127.0.0.1:8443" or "[::1]:8443" */
static char *
dup_host (const char *address)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (address == NULL || !ss_address_split (address, &host, &port, NULL))
    return NULL;
  return g_steal_pointer (&host);
}

/* The call log's steps, in Python's ssl and in GnuTLS: the context
 * (a listener's once, for all its connections), then wrap_socket(). */
static void
record_start (SsSocket    *self,
              SsTlsConfig *config,
              gboolean     server,
              const char  *plain_name)
{
  g_autofree char *tls_name = ss_socket_dup_python_name (self);
  g_autofree char *ctx_name = NULL;
  SsSocket *listener = self->listener;

  if (server && listener != NULL && listener->tls_config == config)
    {
      ctx_name = g_strdup_printf ("ctx%d", listener->fd);
      if (!listener->tls_context_told)
        ss_tls_calls_record_context (self->calls, listener->fd, ctx_name, config, TRUE);
      listener->tls_context_told = TRUE;
    }
  else
    {
      ctx_name = g_strdup ("ctx");
      ss_tls_calls_record_context (self->calls, self->fd, ctx_name, config, server);
    }
  ss_tls_calls_record_wrap (self->calls, self->fd, ctx_name, plain_name, tls_name, self->tls);
  /* what is received from now on is read through TLS, by another name */
  g_clear_object (&self->recv_burst);
}

/* do_handshake(), once, when the handshake is over either way */
static void
record_handshake (SsSocket *self,
                  int       errsv)
{
  g_autofree char *tls_name = NULL;

  if (self->tls_handshake_told)
    return;
  self->tls_handshake_told = TRUE;
  tls_name = ss_socket_dup_python_name (self);
  ss_tls_calls_record_handshake (self->calls, self->fd, tls_name, self->tls, errsv);
}

static gboolean
handshake_timed_out (gpointer user_data)
{
  SsSocket *self = user_data;
  g_autofree char *reason = g_strdup_printf (_("The TLS handshake did not finish within %d seconds"),
                                             HANDSHAKE_TIMEOUT_S);

  self->tls_timeout_id = 0;
  ss_tls_session_fail (self->tls, reason);
  record_handshake (self, ETIMEDOUT);
  ss_socket_connection_failed (self, ETIMEDOUT, "TLS");
  ss_socket_close_if_done (self);
  ss_traffic_log_flush (self->traffic);
  return G_SOURCE_REMOVE;
}

/* Bytes TLS would take for its own: queued plaintext would go out
 * encrypted, and unread bytes would be read as the handshake. A server's
 * unread bytes may be the ClientHello it is to answer. */
static gboolean
check_quiet (SsSocket  *self,
             gboolean   server,
             GError   **error)
{
  int readable = ss_socket_get_readable (self);

  if (self->failure != 0 || self->peer_closed)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("The connection has ended: TLS cannot start on it"));
      return FALSE;
    }
  if (self->queued > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%" PRIu64 " byte is still waiting to be sent: TLS would send it encrypted. Start TLS once it is sent, or cancel the send.",
                                "%" PRIu64 " bytes are still waiting to be sent: TLS would send them encrypted. Start TLS once they are sent, or cancel the send.",
                                self->queued),
                   (guint64) self->queued);
      return FALSE;
    }
  if (readable > 0)
    {
      guint8 head[6];
      gssize n = recv (self->fd, head, sizeof head, MSG_PEEK | MSG_DONTWAIT);

      if (server && (self->tls_hello != NULL || (n > 0 && ss_tls_sniff (head, n) != SS_TLS_SNIFF_OTHER)))
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The peer sent %d byte that is still unread: TLS would read it as its handshake. Receive it first.",
                                "The peer sent %d bytes that are still unread: TLS would read them as its handshake. Receive them first.",
                                readable),
                   readable);
      return FALSE;
    }
  return TRUE;
}

/* a client's connect, a TLS listener's connection, a relay's leg: what
 * the peer sent before is the peer's to explain (a banner is told as "it
 * did not answer in TLS") */
static gboolean
start_tls (SsSocket     *self,
           SsTlsConfig  *config,
           gboolean      server,
           const char   *host,
           GError      **error)
{
  g_autofree char *bind_host = NULL;
  g_autofree char *plain_name = NULL;
  g_autoptr(GByteArray) hello = NULL;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  hello = g_steal_pointer (&self->tls_hello);
  /* the call log names the socket as it was before it wraps */
  plain_name = ss_socket_dup_python_name (self);
  if (server)
    bind_host = dup_host (self->local_address);
  self->tls = ss_tls_session_new (self->fd, server, config, server ? bind_host : host, error);
  if (self->tls == NULL)
    {
      tell (self, (*error)->message);
      return FALSE;
    }
  ss_tls_session_set_event_func (self->tls, session_event, self);
  record_start (self, config, server, plain_name);
  if (server && hello != NULL)
    ss_tls_session_feed (self->tls, hello->data, hello->len);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_TLS_SESSION]);
  if (server && hello != NULL)
    tell (self, _("TLS: answering the ClientHello the peer already sent"));
  else
    tell (self, server ? _("TLS: waiting for the client's ClientHello") : _("TLS: starting the handshake"));
  self->tls_timeout_id = g_timeout_add_seconds (HANDSHAKE_TIMEOUT_S, handshake_timed_out, self);
  /* a client speaks first: its ClientHello goes at once; a server that
   * holds the ClientHello answers it at once */
  if (!server || hello != NULL)
    ss_socket_tls_ready (self);
  else
    ss_socket_io_update_watch (self);
  ss_traffic_log_flush (self->traffic);
  return TRUE;
}

/**
 * ss_socket_start_tls:
 * @config: what the session is made with
 * @server: take the server's part (an accepted connection)
 * @host: (nullable): a client's peer host, for SNI and verification
 *
 * STARTTLS: makes this connected stream socket speak TLS from now on, on
 * its own descriptor; the handshake runs as the socket becomes ready,
 * each step in its log. What was sent and received before stays
 * plaintext in the log. A server answers the ClientHello the peer
 * already sent, if it came as plaintext. Refused while plaintext is
 * still queued to send, or unread.
 */
gboolean
ss_socket_start_tls (SsSocket     *self,
                     SsTlsConfig  *config,
                     gboolean      server,
                     const char   *host,
                     GError      **error)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  if (self->state != SS_SOCKET_CONNECTED || self->type != SOCK_STREAM || self->tls != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                   _("TLS needs a connected stream socket that does not speak TLS yet"));
      return FALSE;
    }
  if (!check_quiet (self, server, error))
    {
      ss_traffic_log_append_event (self->traffic, _("Start TLS: %s"), (*error)->message);
      ss_traffic_log_flush (self->traffic);
      return FALSE;
    }
  return start_tls (self, config, server, host, error);
}

/* a client socket with TLS asked for, now connected */
void
ss_socket_tls_connected (SsSocket *self)
{
  g_autoptr(GError) error = NULL;

  if (self->tls_config == NULL || self->tls != NULL || self->listener != NULL || self->accepted)
    return;
  /* no host typed: the address connected to names the peer */
  if (self->tls_host == NULL)
    self->tls_host = dup_host (self->peer_address);
  if (!start_tls (self, self->tls_config, FALSE, self->tls_host, &error))
    ss_socket_connection_failed (self, EPROTO, "TLS");
}

/* a TLS listener's new connection takes the server's part */
void
ss_socket_tls_accepted (SsSocket *listener,
                        SsSocket *connection)
{
  g_autoptr(GError) error = NULL;

  if (listener->tls_config == NULL)
    return;
  if (!start_tls (connection, listener->tls_config, TRUE, NULL, &error))
    ss_socket_connection_failed (connection, EPROTO, "TLS");
}

/* No application data moves until the handshake is done and its
 * certificate trusted. */
gboolean
ss_socket_tls_holds (SsSocket *self)
{
  SsTlsState state;

  if (self->tls == NULL)
    return FALSE;
  state = ss_tls_session_get_state (self->tls);
  return state == SS_TLS_STATE_HANDSHAKING || state == SS_TLS_STATE_UNTRUSTED;
}

GIOCondition
ss_socket_tls_condition (SsSocket *self)
{
  if (self->failure != 0)
    return 0;
  return ss_tls_session_get_condition (self->tls);
}

static void
handshake_over (SsSocket *self)
{
  g_clear_handle_id (&self->tls_timeout_id, g_source_remove);
  ss_socket_io_update_watch (self);
  if (ss_socket_tls_holds (self))
    return;
  /* GnuTLS may already hold what came with the last handshake record */
  ss_socket_io_pump (self);
  if (self->auto_receive && !self->read_shut)
    ss_socket_receive_ready (self);
}

/* the descriptor is ready for the handshake's next step */
void
ss_socket_tls_ready (SsSocket *self)
{
  SsTlsState state;
  int errsv;

  state = ss_tls_session_handshake (self->tls, &errsv);
  if (state == SS_TLS_STATE_HANDSHAKING)
    {
      ss_socket_io_update_watch (self);
      return;
    }
  if (state == SS_TLS_STATE_UNTRUSTED && self->relay_pair != NULL)
    {
      /* no one is there to press Connect Anyway for a relay's leg */
      tell (self, _("The relay does not forward to a server whose certificate is not trusted: give it the target’s CA file (--cafile), or let it accept any certificate (--insecure)"));
      ss_tls_session_bye (self->tls);
      state = SS_TLS_STATE_FAILED;
      errsv = EPROTO;
    }
  record_handshake (self, errsv);
  if (state == SS_TLS_STATE_FAILED)
    {
      g_clear_handle_id (&self->tls_timeout_id, g_source_remove);
      ss_socket_connection_failed (self, errsv, "TLS");
      return;
    }
  handshake_over (self);
}

/* The largest ClientHello kept for STARTTLS: a record is at most 16 KiB,
 * and a ClientHello is one or, rarely, a few */
#define MAX_HELLO (64 * 1024)

/* A plaintext connection receiving a ClientHello: its peer speaks TLS,
 * which the log says before the bytes. The bytes are kept, so that Start
 * TLS as the server answers them (a STARTTLS client often sends its
 * ClientHello before the person has pressed it). */
void
ss_socket_tls_sniff (SsSocket     *self,
                     const guint8 *data,
                     gsize         len)
{
  if (self->tls != NULL || self->type != SOCK_STREAM || self->relay_pair != NULL)
    return;
  if (self->tls_hello != NULL)
    {
      if (self->tls_hello->len + len <= MAX_HELLO)
        g_byte_array_append (self->tls_hello, data, len);
      else
        g_clear_pointer (&self->tls_hello, g_byte_array_unref);
      return;
    }
  if (ss_tls_sniff (data, len) != SS_TLS_SNIFF_CLIENT_HELLO)
    return;
  self->tls_hello = g_byte_array_sized_new (len);
  g_byte_array_append (self->tls_hello, data, len);
  if (self->accepted && ss_socket_get_bytes_in (self) == 0)
    ss_traffic_log_append_event (self->traffic,
                                 _("The peer is speaking TLS: its first bytes are a ClientHello. Start TLS answers it on this connection; TLS on the listener, on the next ones."));
  else
    ss_traffic_log_append_event (self->traffic,
                                 _("The peer started a TLS handshake: these bytes are a ClientHello. Start TLS answers it."));
}

gssize
ss_socket_tls_recv (SsSocket *self,
                    guint8   *buffer,
                    gsize     len)
{
  int errsv;
  gssize n = ss_tls_session_recv (self->tls, buffer, len, &errsv);

  if (n < 0)
    errno = errsv;
  return n;
}

gssize
ss_socket_tls_send (SsSocket     *self,
                    const guint8 *data,
                    gsize         len)
{
  int errsv;
  gssize n = ss_tls_session_send (self->tls, data, len, &errsv);

  if (n < 0)
    errno = errsv;
  return n;
}

gboolean
ss_socket_tls_has_pending (SsSocket *self)
{
  return self->tls != NULL && ss_tls_session_has_pending (self->tls);
}

/* before close() or shutdown(SHUT_WR): a close_notify, so the peer can
 * tell the end from a truncation */
void
ss_socket_tls_close (SsSocket *self)
{
  g_clear_handle_id (&self->tls_timeout_id, g_source_remove);
  if (self->tls != NULL && self->failure == 0)
    {
      gboolean before = ss_tls_calls_get_bye_sent (self->tls);

      ss_tls_session_bye (self->tls);
      /* the call being made says so in C */
      self->tls_bye_sent = !before && ss_tls_calls_get_bye_sent (self->tls);
    }
}

void
ss_socket_tls_dispose (SsSocket *self)
{
  g_clear_handle_id (&self->tls_timeout_id, g_source_remove);
  if (self->tls != NULL)
    ss_tls_session_set_event_func (self->tls, NULL, NULL);
  g_clear_object (&self->tls);
  g_clear_pointer (&self->tls_config, ss_tls_config_unref);
  g_clear_pointer (&self->tls_host, g_free);
  g_clear_pointer (&self->tls_hello, g_byte_array_unref);
  g_clear_pointer (&self->relay_tls_config, ss_tls_config_unref);
  g_clear_pointer (&self->relay_tls_host, g_free);
}

/**
 * ss_socket_set_tls:
 * @config: (nullable): TLS for this socket, or %NULL for plaintext
 * @host: (nullable): a client's peer host, for SNI and verification
 *
 * A client socket not yet connected starts TLS once it connects; a
 * listener's connections start as TLS servers. A listener's certificate
 * (generated when none was given) is made now, so it can be shown.
 */
gboolean
ss_socket_set_tls (SsSocket     *self,
                   SsTlsConfig  *config,
                   const char   *host,
                   GError      **error)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);

  if (config != NULL && self->state == SS_SOCKET_LISTENING)
    {
      g_autofree char *bind_host = dup_host (self->local_address);

      if (ss_tls_config_get_credentials (config, TRUE, bind_host, error) == NULL)
        return FALSE;
    }
  if (config != NULL)
    ss_tls_config_ref (config);
  g_clear_pointer (&self->tls_config, ss_tls_config_unref);
  self->tls_config = config;
  /* the next connection's context is made again, with these settings */
  self->tls_context_told = FALSE;
  g_free (self->tls_host);
  self->tls_host = g_strdup (host);
  return TRUE;
}

/* (transfer none) (nullable) */
SsTlsConfig *
ss_socket_get_tls_config (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->tls_config;
}

/* (transfer none) (nullable): once the connection speaks TLS */
SsTlsSession *
ss_socket_get_tls_session (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return self->tls;
}

/* Whether Start TLS makes sense now: a connected stream that does not
 * speak TLS, is not a relay's leg and has not ended. (It may still be
 * refused: see ss_socket_start_tls().) */
gboolean
ss_socket_can_start_tls (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);

  return self->state == SS_SOCKET_CONNECTED && self->type == SOCK_STREAM && self->tls == NULL &&
         self->relay_pair == NULL && self->failure == 0 && !self->peer_closed && !self->write_shut;
}

/* a listener's connection, which takes the server's part in Start TLS */
gboolean
ss_socket_get_accepted (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  return self->accepted;
}

/* Connect Anyway, after the certificate failed verification */
void
ss_socket_tls_trust (SsSocket *self)
{
  g_return_if_fail (SS_IS_SOCKET (self));

  if (self->tls == NULL || ss_tls_session_get_state (self->tls) != SS_TLS_STATE_UNTRUSTED)
    return;
  ss_tls_session_trust (self->tls);
  handshake_over (self);
  ss_traffic_log_flush (self->traffic);
}

/* a listener's keys are its connections' */
static void
append_keys (SsSocket *self,
             GString  *text)
{
  guint n;

  if (self->tls != NULL)
    g_string_append (text, ss_tls_session_get_keylog (self->tls));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      append_keys (connection, text);
    }
}

/**
 * ss_socket_dup_tls_keys:
 *
 * Returns: (transfer full): the session secrets of this connection (or
 *   of a listener's connections) in NSS key log format, for Wireshark
 */
char *
ss_socket_dup_tls_keys (SsSocket *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  append_keys (self, text);
  return g_string_free (text, FALSE);
}

gboolean
ss_socket_save_tls_keys (SsSocket    *self,
                         const char  *path,
                         GError     **error)
{
  g_autofree char *keys = ss_socket_dup_tls_keys (self);

  return g_file_set_contents_full (path, keys, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}
