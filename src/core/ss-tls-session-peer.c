/* ss-tls-session-peer.c — the peer's certificate chain, its verification, and the session's facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-tls-session-private.h"

/* the chain as the peer sent it, leaf first */
static void
read_peer_chain (SsTlsSession *self)
{
  const gnutls_datum_t *certs;
  unsigned int n = 0;

  g_clear_pointer (&self->peer_chain, g_ptr_array_unref);
  self->peer_chain = g_ptr_array_new_with_free_func ((GDestroyNotify) ss_tls_certificate_unref);
  certs = gnutls_certificate_get_peers (self->session, &n);
  for (unsigned int i = 0; certs != NULL && i < n; i++)
    {
      SsTlsCertificate *cert = ss_tls_certificate_new_from_datum (&certs[i], NULL);

      if (cert != NULL)
        g_ptr_array_add (self->peer_chain, cert);
    }
}

static char *
format_date (time_t when)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (when);

  return date != NULL ? g_date_time_format (date, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* Each reason the certificate failed, in plain words, with the rule it broke */
static char *
explain_status (SsTlsSession     *self,
                unsigned int      status)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  SsTlsCertificate *leaf = self->peer_chain->len > 0 ? g_ptr_array_index (self->peer_chain, 0) : NULL;
  gnutls_x509_crt_t crt = leaf != NULL ? ss_tls_certificate_get_crt (leaf) : NULL;

  if (leaf == NULL)
    return g_strdup (_("the peer sent no certificate"));

  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
    {
      if (self->peer_chain->len == 1 && gnutls_x509_crt_check_issuer (crt, crt))
        g_ptr_array_add (reasons, g_strdup (_("the certificate is self-signed: no trusted authority vouches for it (a chain must end at a trusted CA)")));
      else
        {
          g_autofree char *issuer = NULL;
          gnutls_datum_t dn = { NULL, 0 };
          SsTlsCertificate *top = g_ptr_array_index (self->peer_chain, self->peer_chain->len - 1);

          if (gnutls_x509_crt_get_issuer_dn3 (ss_tls_certificate_get_crt (top), &dn, 0) >= 0)
            issuer = g_strndup ((const char *) dn.data, dn.size);
          gnutls_free (dn.data);
          g_ptr_array_add (reasons, g_strdup_printf (_("unknown issuer: “%s” is not a trusted authority (a chain must end at a trusted CA)"),
                                                     issuer != NULL ? issuer : "?"));
        }
    }
  if (status & GNUTLS_CERT_EXPIRED)
    {
      g_autofree char *date = format_date (gnutls_x509_crt_get_expiration_time (crt));
      g_ptr_array_add (reasons, g_strdup_printf (_("expired on %s (a certificate is valid only between its dates)"), date));
    }
  if (status & GNUTLS_CERT_NOT_ACTIVATED)
    {
      g_autofree char *date = format_date (gnutls_x509_crt_get_activation_time (crt));
      g_ptr_array_add (reasons, g_strdup_printf (_("not yet valid: valid from %s (a certificate is valid only between its dates)"), date));
    }
  if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
    {
      g_autofree char *names = ss_tls_certificate_dup_names (leaf);
      g_ptr_array_add (reasons, g_strdup_printf (_("the name does not match: “%s” is not one of the certificate's names: %s"),
                                                 self->check_name != NULL ? self->check_name : "", names));
    }
  if (status & GNUTLS_CERT_REVOKED)
    g_ptr_array_add (reasons, g_strdup (_("the certificate was revoked")));
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
    g_ptr_array_add (reasons, g_strdup (_("it is signed with an insecure algorithm")));
  if (reasons->len == 0)
    {
      gnutls_datum_t out = { NULL, 0 };

      gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0);
      g_ptr_array_add (reasons, g_strndup ((const char *) out.data, out.size));
      gnutls_free (out.data);
    }
  g_ptr_array_add (reasons, NULL);
  return g_strjoinv ("; ", (char **) reasons->pdata);
}

/* A client checks the server's chain and name after the handshake, so a
 * failure can wait for the person: Connect Anyway, or close. */
void
ss_tls_session_verify_peer (SsTlsSession *self)
{
  unsigned int status = 0;
  g_autofree char *fingerprint = NULL;
  int ret;

  /* resumed: no certificate came; the one verified when the session
   * began (the only kind whose ticket is kept) vouches for it */
  if (!self->server && self->resumed_chain != NULL && gnutls_session_is_resumed (self->session))
    {
      g_clear_pointer (&self->peer_chain, g_ptr_array_unref);
      self->peer_chain = g_ptr_array_ref (self->resumed_chain);
      ss_tls_session_tell (self, _("The peer's certificate is valid for %s: verified when this session began (a resumed handshake sends none)"),
                           self->check_name ? self->check_name : "?");
      return;
    }
  read_peer_chain (self);
  if (self->server)
    {
      if (self->peer_chain->len == 0)
        return;
    }
  if (self->peer_chain->len > 0)
    fingerprint = ss_tls_certificate_dup_fingerprint (g_ptr_array_index (self->peer_chain, 0));

  ret = gnutls_certificate_verify_peers3 (self->session, self->server ? NULL : self->check_name, &status);
  if (ret < 0 && ret != GNUTLS_E_NO_CERTIFICATE_FOUND)
    status = GNUTLS_CERT_INVALID;
  if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND)
    status = GNUTLS_CERT_INVALID;
  if (status == 0)
    {
      if (self->server)
        ss_tls_session_tell (self, _("The client's certificate is valid"));
      else
        ss_tls_session_tell (self, _("The peer's certificate is valid for %s"), self->check_name ? self->check_name : "?");
      return;
    }

  g_free (self->verification);
  self->verification = explain_status (self, status);
  if (ss_tls_config_get_insecure (self->config))
    ss_tls_session_tell (self, _("Not verified (insecure mode accepts any certificate): %s"), self->verification);
  else if (fingerprint != NULL && ss_tls_is_trusted_fingerprint (fingerprint))
    ss_tls_session_tell (self, _("Certificate not verified (%s), but trusted for this session by its fingerprint %s"),
          self->verification, fingerprint);
  else if (!self->server)
    {
      ss_tls_session_tell (self, _("The certificate is not trusted: %s. Nothing is sent or read until you choose Connect Anyway or close."),
            self->verification);
      ss_tls_session_set_state (self, SS_TLS_STATE_UNTRUSTED);
    }
  else
    ss_tls_session_tell (self, _("The client's certificate is not trusted: %s"), self->verification);
}

SsTlsState
ss_tls_session_get_state (SsTlsSession *self)
{
  g_return_val_if_fail (SS_IS_TLS_SESSION (self), SS_TLS_STATE_FAILED);
  return self->state;
}

gboolean
ss_tls_session_is_server (SsTlsSession *self)
{
  return self->server;
}

/* (nullable): why the peer's certificate failed verification */
const char *
ss_tls_session_get_verification (SsTlsSession *self)
{
  return self->verification;
}

/* (transfer none) (nullable): of SsTlsCertificate, leaf first */
GPtrArray *
ss_tls_session_get_peer_chain (SsTlsSession *self)
{
  return self->peer_chain;
}

const char *
ss_tls_session_get_version (SsTlsSession *self)
{
  const char *name = gnutls_protocol_get_name (gnutls_protocol_get_version (self->session));

  return name != NULL ? name : "?";
}

const char *
ss_tls_session_get_cipher (SsTlsSession *self)
{
  const char *name = gnutls_ciphersuite_get (self->session);

  return name != NULL ? name : "?";
}

const char *
ss_tls_session_get_group (SsTlsSession *self)
{
  const char *name = gnutls_group_get_name (gnutls_group_get (self->session));

  return name != NULL ? name : "—";
}

char *
ss_tls_session_dup_alpn (SsTlsSession *self)
{
  gnutls_datum_t protocol;

  if (gnutls_alpn_get_selected_protocol (self->session, &protocol) < 0)
    return NULL;
  return g_strndup ((const char *) protocol.data, protocol.size);
}

/* the SNI a client sent, or a server received */
char *
ss_tls_session_dup_servername (SsTlsSession *self)
{
  char name[256];
  size_t size = sizeof name;
  unsigned int type;

  if (gnutls_server_name_get (self->session, name, &size, &type, 0) < 0 || type != GNUTLS_NAME_DNS)
    return NULL;
  return g_strndup (name, size);
}

gboolean
ss_tls_session_get_resumed (SsTlsSession *self)
{
  return gnutls_session_is_resumed (self->session) != 0;
}

/* every secret of the session so far, in NSS key log format */
const char *
ss_tls_session_get_keylog (SsTlsSession *self)
{
  return self->keylog->str;
}

guint64
ss_tls_session_get_record_bytes_in (SsTlsSession *self)
{
  return self->record_in;
}

guint64
ss_tls_session_get_record_bytes_out (SsTlsSession *self)
{
  return self->record_out;
}

SsTlsConfig *
ss_tls_session_get_config (SsTlsSession *self)
{
  return self->config;
}

/* The page's TLS facts: a few "name: value" lines, then the peer's chain */
char *
ss_tls_session_dup_facts (SsTlsSession *self)
{
  GString *text = g_string_new (NULL);
  g_autofree char *alpn = NULL;
  g_autofree char *sni = NULL;

  g_return_val_if_fail (SS_IS_TLS_SESSION (self), NULL);

  if (self->state == SS_TLS_STATE_HANDSHAKING)
    {
      g_string_append (text, _("Handshake under way"));
      return g_string_free (text, FALSE);
    }
  if (self->state == SS_TLS_STATE_FAILED && self->peer_chain == NULL)
    {
      g_string_append (text, _("The handshake failed: see the log"));
      return g_string_free (text, FALSE);
    }
  alpn = ss_tls_session_dup_alpn (self);
  sni = self->server ? ss_tls_session_dup_servername (self)
                     : g_strdup (ss_tls_config_get_servername (self->config) != NULL
                                 ? ss_tls_config_get_servername (self->config) : self->host);
  g_string_append_printf (text, _("Version: %s\nCipher suite: %s\nKey exchange group: %s\nALPN: %s\nSNI: %s\nResumed: %s\nRecord bytes: %" PRIu64 " in, %" PRIu64 " out"),
                          ss_tls_session_get_version (self), ss_tls_session_get_cipher (self),
                          ss_tls_session_get_group (self), alpn != NULL ? alpn : _("none"),
                          sni != NULL && *sni != '\0' ? sni : _("none"),
                          ss_tls_session_get_resumed (self) ? _("yes") : _("no"),
                          self->record_in, self->record_out);
  if (ss_tls_config_get_insecure (self->config) && !self->server)
    g_string_append_printf (text, "\n%s", _("INSECURE: any certificate is accepted"));
  if (self->peer_chain != NULL && self->peer_chain->len > 0)
    {
      g_string_append_printf (text, "\n%s %s", _("Verification:"),
                              self->verification != NULL ? self->verification : _("valid"));
      for (guint i = 0; i < self->peer_chain->len; i++)
        {
          g_autofree char *description = ss_tls_certificate_describe (g_ptr_array_index (self->peer_chain, i));

          g_string_append_printf (text, "\n\n");
          g_string_append_printf (text, _("Peer certificate %u:"), i + 1);
          g_string_append_printf (text, "\n%s", description);
        }
    }
  else if (!self->server)
    g_string_append_printf (text, "\n%s", _("The peer sent no certificate"));
  return g_string_free (text, FALSE);
}

/* fingerprints trusted by Connect Anyway, for as long as the app runs */
static GHashTable *trusted;

void
ss_tls_trust_fingerprint (const char *fingerprint)
{
  if (trusted == NULL)
    trusted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (trusted, g_strdup (fingerprint));
}

gboolean
ss_tls_is_trusted_fingerprint (const char *fingerprint)
{
  return trusted != NULL && g_hash_table_contains (trusted, fingerprint);
}

/* Connect Anyway: this certificate, by its fingerprint, for as long as the app runs */
void
ss_tls_session_trust (SsTlsSession *self)
{
  g_autofree char *fingerprint = NULL;

  g_return_if_fail (SS_IS_TLS_SESSION (self));

  if (self->state != SS_TLS_STATE_UNTRUSTED)
    return;
  fingerprint = ss_tls_certificate_dup_fingerprint (g_ptr_array_index (self->peer_chain, 0));
  ss_tls_trust_fingerprint (fingerprint);
  ss_tls_session_tell (self, _("Connect Anyway: the certificate with fingerprint %s is trusted for this session"), fingerprint);
  ss_tls_session_set_state (self, SS_TLS_STATE_ESTABLISHED);
}
