/* ss-tls-session.c — TLS on a socket's own non-blocking descriptor, every step told
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "ss-tls-resumption.h"
#include "ss-tls-session-private.h"
#include "ss-tls-sniff.h"


enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SsTlsSession, ss_tls_session, G_TYPE_OBJECT)

/* The handshake messages by the names of the RFCs, not GnuTLS's */
static const struct
{
  unsigned int  type;
  const char   *name;
} message_names[] = {
  { GNUTLS_HANDSHAKE_HELLO_REQUEST,        "HelloRequest" },
  { GNUTLS_HANDSHAKE_CLIENT_HELLO,         "ClientHello" },
  { GNUTLS_HANDSHAKE_SERVER_HELLO,         "ServerHello" },
  { GNUTLS_HANDSHAKE_HELLO_VERIFY_REQUEST, "HelloVerifyRequest" },
  { GNUTLS_HANDSHAKE_NEW_SESSION_TICKET,   "NewSessionTicket" },
  { GNUTLS_HANDSHAKE_END_OF_EARLY_DATA,    "EndOfEarlyData" },
  { GNUTLS_HANDSHAKE_ENCRYPTED_EXTENSIONS, "EncryptedExtensions" },
  { GNUTLS_HANDSHAKE_CERTIFICATE_PKT,      "Certificate" },
  { GNUTLS_HANDSHAKE_SERVER_KEY_EXCHANGE,  "ServerKeyExchange" },
  { GNUTLS_HANDSHAKE_CERTIFICATE_REQUEST,  "CertificateRequest" },
  { GNUTLS_HANDSHAKE_SERVER_HELLO_DONE,    "ServerHelloDone" },
  { GNUTLS_HANDSHAKE_CERTIFICATE_VERIFY,   "CertificateVerify" },
  { GNUTLS_HANDSHAKE_CLIENT_KEY_EXCHANGE,  "ClientKeyExchange" },
  { GNUTLS_HANDSHAKE_FINISHED,             "Finished" },
  { GNUTLS_HANDSHAKE_CERTIFICATE_STATUS,   "CertificateStatus" },
  { GNUTLS_HANDSHAKE_KEY_UPDATE,           "KeyUpdate" },
  { GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC,   "ChangeCipherSpec" },
  { GNUTLS_HANDSHAKE_CLIENT_HELLO_V2,      "ClientHello (SSLv2)" },
  { GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST,  "HelloRetryRequest" },
};

static const char *
message_name (unsigned int type)
{
  for (guint i = 0; i < G_N_ELEMENTS (message_names); i++)
    if (message_names[i].type == type)
      return message_names[i].name;
  return gnutls_handshake_description_get_name (type);
}

void
ss_tls_session_tell (SsTlsSession *self,
      const char   *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (self->event_func == NULL)
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  self->event_func (text, self->event_data);
}

void
ss_tls_session_set_state (SsTlsSession *self,
           SsTlsState    state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* A client keeps the server's ticket only when its certificate was
 * verified: a resumed handshake sends none, and stands on this one. */
static void
keep_ticket (SsTlsSession *self)
{
  if (!self->server && self->state == SS_TLS_STATE_ESTABLISHED && self->verification == NULL)
    ss_tls_resumption_keep (self->session, self->resume_key, self->peer_chain);
}

static int
handshake_hook (gnutls_session_t      session,
                unsigned int          type,
                unsigned int          when,
                unsigned int          incoming,
                const gnutls_datum_t *msg)
{
  SsTlsSession *self = gnutls_session_get_ptr (session);
  /* the message as on the wire: its 4-byte header and its body */
  guint size = msg->size + (type == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC ? 0 : 4);

  if (incoming)
    ss_tls_session_tell (self, g_dngettext (GETTEXT_PACKAGE, "TLS ← %s (%u byte)", "TLS ← %s (%u bytes)", size),
          message_name (type), size);
  else
    ss_tls_session_tell (self, g_dngettext (GETTEXT_PACKAGE, "TLS → %s (%u byte)", "TLS → %s (%u bytes)", size),
          message_name (type), size);
  /* TLS 1.3 gives tickets after the handshake */
  if (incoming && type == GNUTLS_HANDSHAKE_NEW_SESSION_TICKET)
    keep_ticket (self);
  return 0;
}

static void
append_hex (GString      *text,
            const guint8 *data,
            gsize         len)
{
  static const char digits[] = "0123456789abcdef";

  /* five secrets a handshake: no printf() a byte */
  for (gsize i = 0; i < len; i++)
    {
      g_string_append_c (text, digits[data[i] >> 4]);
      g_string_append_c (text, digits[data[i] & 0xf]);
    }
}

/* NSS key log format: LABEL <client random> <secret>, one line each */
static int
keylog_func (gnutls_session_t      session,
             const char           *label,
             const gnutls_datum_t *secret)
{
  SsTlsSession *self = gnutls_session_get_ptr (session);
  gnutls_datum_t client_random, server_random;
  g_autoptr(GString) line = g_string_new (label);

  gnutls_session_get_random (session, &client_random, &server_random);
  g_string_append_c (line, ' ');
  append_hex (line, client_random.data, client_random.size);
  g_string_append_c (line, ' ');
  append_hex (line, secret->data, secret->size);
  g_string_append_printf (self->keylog, "%s\n", line->str);
  ss_tls_config_append_keylog (self->config, line->str);
  return 0;
}

static gboolean
is_ip_address (const char *host)
{
  guint8 buf[16];

  return inet_pton (AF_INET, host, buf) == 1 || inet_pton (AF_INET6, host, buf) == 1;
}

static gboolean
set_alpn (SsTlsSession  *self,
          GError       **error)
{
  const char *alpn = ss_tls_config_get_alpn (self->config);
  g_auto(GStrv) protocols = NULL;
  g_autofree gnutls_datum_t *data = NULL;
  guint n;

  if (alpn == NULL)
    return TRUE;
  protocols = g_strsplit (alpn, ",", -1);
  n = g_strv_length (protocols);
  data = g_new0 (gnutls_datum_t, n);
  for (guint i = 0; i < n; i++)
    {
      g_strstrip (protocols[i]);
      data[i].data = (unsigned char *) protocols[i];
      data[i].size = strlen (protocols[i]);
    }
  return ss_tls_check (gnutls_alpn_set_protocols (self->session, data, n, 0), "ALPN", error);
}

/**
 * ss_tls_session_new:
 * @fd: a connected stream socket, non-blocking; the caller keeps it
 * @host: (nullable): a client's peer host (SNI and verification); a
 *   server's bind host (named in a generated certificate)
 *
 * A TLS session on @fd, not started: call ss_tls_session_handshake()
 * when the descriptor is ready for what ss_tls_session_get_condition()
 * says, until it is no longer handshaking. Anything made on a connected
 * socket works: a client's connect, an accepted connection, a STARTTLS
 * upgrade or a relay's leg.
 */
SsTlsSession *
ss_tls_session_new (int           fd,
                    gboolean      server,
                    SsTlsConfig  *config,
                    const char   *host,
                    GError      **error)
{
  g_autoptr(SsTlsSession) self = g_object_new (SS_TYPE_TLS_SESSION, NULL);
  gnutls_certificate_credentials_t credentials;
  g_autofree char *priorities = NULL;
  const char *servername;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self->server = server;
  self->config = ss_tls_config_ref (config);
  self->host = g_strdup (host);
  credentials = ss_tls_config_get_credentials (config, server, host, error);
  if (credentials == NULL)
    return NULL;

  if (!ss_tls_check (gnutls_init (&self->session, (server ? GNUTLS_SERVER | GNUTLS_NO_AUTO_SEND_TICKET : GNUTLS_CLIENT) |
                                                  GNUTLS_NONBLOCK),
              "gnutls_init", error))
    return NULL;
  gnutls_session_set_ptr (self->session, self);
  priorities = ss_tls_config_dup_priorities (config);
  if (!ss_tls_check (gnutls_priority_set_direct (self->session, priorities, NULL), priorities, error) ||
      !ss_tls_check (gnutls_credentials_set (self->session, GNUTLS_CRD_CERTIFICATE, credentials),
              "gnutls_credentials_set", error) ||
      !set_alpn (self, error))
    return NULL;

  /* The socket's own descriptor, as gnutls_transport_set_int() would use
   * it, through push and pull functions of ours that count the record
   * bytes and keep the peer's first bytes. */
  self->fd = fd;
  gnutls_transport_set_ptr (self->session, self);
  gnutls_transport_set_vec_push_function (self->session, ss_tls_session_push);
  gnutls_transport_set_pull_function (self->session, ss_tls_session_pull);
  gnutls_handshake_set_hook_function (self->session, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_POST, handshake_hook);
  gnutls_session_set_keylog_function (self->session, keylog_func);

  if (server && ss_tls_config_get_request_client_cert (config))
    gnutls_certificate_server_set_request (self->session, GNUTLS_CERT_REQUEST);
  if (!server)
    {
      /* SNI: the host by default; an IP address is never sent (RFC 6066) */
      servername = ss_tls_config_get_servername (config);
      if (servername == NULL)
        servername = host;
      if (servername != NULL && *servername != '\0' && !is_ip_address (servername))
        gnutls_server_name_set (self->session, GNUTLS_NAME_DNS, servername, strlen (servername));
      self->check_name = g_strdup (servername != NULL && *servername != '\0' ? servername : host);
      self->resume_key = ss_tls_resumption_key (fd, self->check_name, ss_tls_config_get_cafile (config));
      ss_tls_resumption_offer (self->session, self->resume_key, &self->resumed_chain);
    }
  else
    self->tickets = ss_tls_resumption_enable_server (self->session);
  return g_steal_pointer (&self);
}

static void
ss_tls_session_finalize (GObject *object)
{
  SsTlsSession *self = SS_TLS_SESSION (object);

  if (self->session != NULL)
    gnutls_deinit (self->session);
  g_clear_pointer (&self->config, ss_tls_config_unref);
  g_free (self->host);
  g_free (self->check_name);
  g_free (self->resume_key);
  g_clear_pointer (&self->resumed_chain, g_ptr_array_unref);
  g_free (self->verification);
  g_clear_pointer (&self->peer_chain, g_ptr_array_unref);
  g_clear_pointer (&self->early, g_byte_array_unref);
  g_string_free (self->keylog, TRUE);
  g_free (self->ahead);
  g_free (self->ahead_spare);

  G_OBJECT_CLASS (ss_tls_session_parent_class)->finalize (object);
}

static void
ss_tls_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SsTlsSession *self = SS_TLS_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_tls_session_class_init (SsTlsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_tls_session_finalize;
  object_class->get_property = ss_tls_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, SS_TLS_STATE_HANDSHAKING, SS_TLS_STATE_FAILED,
                      SS_TLS_STATE_HANDSHAKING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ss_tls_session_init (SsTlsSession *self)
{
  self->keylog = g_string_new (NULL);
  self->fd = -1;
}

void
ss_tls_session_set_event_func (SsTlsSession   *self,
                               SsTlsEventFunc  func,
                               gpointer        user_data)
{
  self->event_func = func;
  self->event_data = user_data;
}

/* alerts by their RFC 8446 / 5246 names, as Wireshark and openssl show them */
static const struct
{
  int         code;
  const char *name;
} alert_names[] = {
  { 0, "close_notify" }, { 10, "unexpected_message" }, { 20, "bad_record_mac" },
  { 21, "decryption_failed" }, { 22, "record_overflow" }, { 30, "decompression_failure" },
  { 40, "handshake_failure" }, { 41, "no_certificate" }, { 42, "bad_certificate" },
  { 43, "unsupported_certificate" }, { 44, "certificate_revoked" }, { 45, "certificate_expired" },
  { 46, "certificate_unknown" }, { 47, "illegal_parameter" }, { 48, "unknown_ca" },
  { 49, "access_denied" }, { 50, "decode_error" }, { 51, "decrypt_error" },
  { 60, "export_restriction" }, { 70, "protocol_version" }, { 71, "insufficient_security" },
  { 80, "internal_error" }, { 86, "inappropriate_fallback" }, { 90, "user_canceled" },
  { 100, "no_renegotiation" }, { 109, "missing_extension" }, { 110, "unsupported_extension" },
  { 111, "certificate_unobtainable" }, { 112, "unrecognized_name" },
  { 113, "bad_certificate_status_response" }, { 114, "bad_certificate_hash_value" },
  { 115, "unknown_psk_identity" }, { 116, "certificate_required" },
  { 120, "no_application_protocol" },
};

static const char *
alert_name (gnutls_alert_description_t alert)
{
  for (guint i = 0; i < G_N_ELEMENTS (alert_names); i++)
    if (alert_names[i].code == (int) alert)
      return alert_names[i].name;
  return "unknown";
}

static void
tell_alert_received (SsTlsSession *self)
{
  gnutls_alert_description_t alert = gnutls_alert_get (self->session);

  ss_tls_session_tell (self, _("TLS ← alert %s"), alert_name (alert));
}

static void
handshake_done (SsTlsSession *self)
{
  g_autofree char *alpn = ss_tls_session_dup_alpn (self);

  ss_tls_session_tell (self, _("TLS handshake done: %s, %s, group %s%s%s%s"),
        ss_tls_session_get_version (self), ss_tls_session_get_cipher (self),
        ss_tls_session_get_group (self),
        alpn != NULL ? _(", ALPN ") : "", alpn != NULL ? alpn : "",
        gnutls_session_is_resumed (self->session) ? _(", resumed") : "");
  /* verified before it is announced: what shows the session (the facts)
   * shows its certificate and the verdict at once */
  ss_tls_session_verify_peer (self);
  if (self->state == SS_TLS_STATE_HANDSHAKING)
    ss_tls_session_set_state (self, SS_TLS_STATE_ESTABLISHED);
  /* TLS 1.2 gave its ticket (or session ID) in the handshake */
  keep_ticket (self);
  self->ticket_due = self->tickets && gnutls_protocol_get_version (self->session) == GNUTLS_TLS1_3;
}

/* what went wrong in plain words, and the errno the socket ends with */
static int
handshake_failed (SsTlsSession *self,
                  int           ret)
{
  int errsv = EPROTO;

  if (self->not_tls)
    {
      g_autofree char *preview = ss_tls_sniff_preview (self->first, self->first_len);

      ss_tls_session_tell (self, self->server ? _("The peer did not start a TLS handshake; its first bytes were “%s”")
                               : _("The peer did not answer in TLS; its first bytes were “%s”"),
            preview);
    }
  else if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
    {
      tell_alert_received (self);
      ss_tls_session_tell (self, _("The TLS handshake failed: the peer sent the alert %s"),
            alert_name (gnutls_alert_get (self->session)));
    }
  else if ((ret == GNUTLS_E_PULL_ERROR || ret == GNUTLS_E_PUSH_ERROR) && self->transport_errno != 0)
    {
      errsv = self->transport_errno;
      ss_tls_session_tell (self, _("The connection failed in the middle of the TLS handshake: %s"), g_strerror (errsv));
    }
  else if (ret == GNUTLS_E_PREMATURE_TERMINATION || ret == GNUTLS_E_UNEXPECTED_PACKET_LENGTH)
    {
      errsv = ECONNABORTED;
      ss_tls_session_tell (self, _("The peer closed the connection in the middle of the TLS handshake"));
    }
  else
    {
      gnutls_alert_level_t level;
      int alert = gnutls_error_to_alert (ret, (int *) &level);

      ss_tls_session_tell (self, _("The TLS handshake failed: %s"), gnutls_strerror (ret));
      if (alert >= 0 && gnutls_alert_send_appropriate (self->session, ret) >= 0)
        ss_tls_session_tell (self, _("TLS → alert %s"), alert_name (alert));
    }
  ss_tls_session_set_state (self, SS_TLS_STATE_FAILED);
  return errsv;
}

/**
 * ss_tls_session_handshake:
 * @errsv: (out): when it failed, the errno the connection ends with
 *
 * One step of the handshake, as far as the descriptor allows without
 * blocking. Each message is told as it goes, then the outcome.
 */
SsTlsState
ss_tls_session_handshake (SsTlsSession *self,
                          int          *errsv)
{
  int ret;

  g_return_val_if_fail (SS_IS_TLS_SESSION (self), SS_TLS_STATE_FAILED);

  *errsv = 0;
  if (self->state != SS_TLS_STATE_HANDSHAKING)
    return self->state;
  for (;;)
    {
      ret = gnutls_handshake (self->session);
      if (ret == GNUTLS_E_WARNING_ALERT_RECEIVED)
        {
          tell_alert_received (self);
          continue;
        }
      break;
    }
  if (ret == 0)
    handshake_done (self);
  else if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
    return self->state;
  else
    *errsv = handshake_failed (self, ret);
  return self->state;
}

/* a timeout, or the person giving up on it */
void
ss_tls_session_fail (SsTlsSession *self,
                     const char   *reason)
{
  g_return_if_fail (SS_IS_TLS_SESSION (self));

  if (self->state == SS_TLS_STATE_FAILED)
    return;
  ss_tls_session_tell (self, "%s", reason);
  ss_tls_session_set_state (self, SS_TLS_STATE_FAILED);
}

/* what the descriptor must be ready for before the next step */
GIOCondition
ss_tls_session_get_condition (SsTlsSession *self)
{
  g_return_val_if_fail (SS_IS_TLS_SESSION (self), 0);

  if (self->state != SS_TLS_STATE_HANDSHAKING)
    return 0;
  return gnutls_record_get_direction (self->session) ? G_IO_OUT : G_IO_IN;
}

/**
 * ss_tls_session_recv:
 *
 * Decrypted bytes, as recv() gives plaintext. 0 is the end: after the
 * peer's close_notify, or (told as a possible truncation) when the
 * connection ended without one.
 */
gssize
ss_tls_session_recv (SsTlsSession *self,
                     guint8       *buffer,
                     gsize         len,
                     int          *errsv)
{
  gsize got = 0;
  ssize_t n;

  *errsv = 0;
  /* As many records as @buffer holds: one chunk in the log (and one
   * trip through the socket's reading) for 64 KiB, not for each 16 KiB
   * record. What ends the run after some data is the next call's answer. */
  for (;;)
    {
      if (self->has_held_ret)
        {
          n = self->held_ret;
          self->has_held_ret = FALSE;
        }
      else
        n = gnutls_record_recv (self->session, buffer + got, len - got);
      if (n == GNUTLS_E_WARNING_ALERT_RECEIVED)
        {
          tell_alert_received (self);
          continue;
        }
      /* TLS 1.2 renegotiation is not followed; TLS 1.3's tickets come here as messages */
      if (n == GNUTLS_E_REHANDSHAKE)
        {
          gnutls_alert_send (self->session, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION);
          ss_tls_session_tell (self, _("TLS → alert %s"), alert_name (GNUTLS_A_NO_RENEGOTIATION));
          continue;
        }
      /* a message of the handshake's (a session ticket) was all a call
       * took: what was read ahead is no longer readable in the kernel's
       * eyes, so it is read now */
      if ((n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) && self->ahead != NULL)
        continue;
      if (n > 0 && (got += n) < len)
        continue;
      if (got > 0)
        {
          if (n <= 0 && n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED)
            {
              self->held_ret = n;
              self->has_held_ret = TRUE;
            }
          return got;
        }
      break;
    }
  if (n >= 0)
    {
      if (n == 0)
        {
          ss_tls_session_tell (self, _("TLS ← alert close_notify: the peer ended the TLS session cleanly"));
          ss_tls_session_set_state (self, SS_TLS_STATE_CLOSED);
        }
      return n;
    }
  if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
    {
      *errsv = EAGAIN;
      return -1;
    }
  if (n == GNUTLS_E_PREMATURE_TERMINATION)
    {
      ss_tls_session_tell (self, _("The peer closed the connection without a TLS close_notify: what it sent may be truncated"));
      ss_tls_session_set_state (self, SS_TLS_STATE_CLOSED);
      return 0;
    }
  if (n == GNUTLS_E_FATAL_ALERT_RECEIVED)
    tell_alert_received (self);
  else if (n == GNUTLS_E_PULL_ERROR && self->transport_errno != 0)
    {
      *errsv = self->transport_errno;
      ss_tls_session_set_state (self, SS_TLS_STATE_FAILED);
      return -1;
    }
  else
    ss_tls_session_tell (self, _("TLS error: %s"), gnutls_strerror (n));
  ss_tls_session_set_state (self, SS_TLS_STATE_FAILED);
  *errsv = EPROTO;
  return -1;
}

/* GnuTLS wants the same bytes again after GNUTLS_E_AGAIN: the send queue's head is */
gssize
ss_tls_session_send (SsTlsSession *self,
                     const guint8 *data,
                     gsize         len,
                     int          *errsv)
{
  ssize_t n;

  *errsv = 0;
  /* a TLS 1.3 server's session ticket, ahead of its first bytes (see
   * ss_tls_resumption_enable_server()); sent or failed, the data goes */
  if (self->ticket_due)
    {
      int ret = gnutls_session_ticket_send (self->session, 1, 0);

      if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
        {
          *errsv = EAGAIN;
          return -1;
        }
      self->ticket_due = FALSE;
    }
  n = gnutls_record_send (self->session, data, len);
  if (n >= 0)
    return n;
  if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
    *errsv = EAGAIN;
  else if (n == GNUTLS_E_PUSH_ERROR && self->transport_errno != 0)
    *errsv = self->transport_errno;
  else
    {
      ss_tls_session_tell (self, _("TLS error: %s"), gnutls_strerror (n));
      *errsv = EPROTO;
    }
  return -1;
}

/**
 * ss_tls_session_set_read_ahead:
 *
 * Whether the records may be read ahead of GnuTLS's asking: only for a
 * reader that goes on until ss_tls_session_recv() says EAGAIN (which it
 * says only once nothing is read ahead), since what is read ahead is no
 * longer readable in the kernel's eyes.
 */
void
ss_tls_session_set_read_ahead (SsTlsSession *self,
                               gboolean      read_ahead)
{
  g_return_if_fail (SS_IS_TLS_SESSION (self));
  self->read_ahead = read_ahead;
  if (!read_ahead)
    g_clear_pointer (&self->ahead_spare, g_free);
}

/* decrypted bytes GnuTLS holds that the kernel no longer shows as readable */
gboolean
ss_tls_session_has_pending (SsTlsSession *self)
{
  return self->state == SS_TLS_STATE_ESTABLISHED &&
         (self->has_held_ret || self->ahead != NULL || gnutls_record_check_pending (self->session) > 0);
}

/* close_notify, once, without waiting for the peer's */
void
ss_tls_session_bye (SsTlsSession *self)
{
  g_return_if_fail (SS_IS_TLS_SESSION (self));

  if (self->bye_sent || (self->state != SS_TLS_STATE_ESTABLISHED && self->state != SS_TLS_STATE_CLOSED &&
                         self->state != SS_TLS_STATE_UNTRUSTED))
    return;
  self->bye_sent = TRUE;
  if (self->state == SS_TLS_STATE_UNTRUSTED)
    {
      gnutls_alert_send (self->session, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
      ss_tls_session_tell (self, _("TLS → alert %s"), alert_name (GNUTLS_A_BAD_CERTIFICATE));
      ss_tls_session_set_state (self, SS_TLS_STATE_FAILED);
      return;
    }
  if (gnutls_bye (self->session, GNUTLS_SHUT_WR) == 0)
    ss_tls_session_tell (self, _("TLS → alert close_notify"));
  ss_tls_session_set_state (self, SS_TLS_STATE_CLOSED);
}
