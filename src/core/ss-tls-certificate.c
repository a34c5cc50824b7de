/* ss-tls-certificate.c — an X.509 certificate: made for a session, or read, and described
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <arpa/inet.h>
#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <string.h>

#include "ss-tls-certificate.h"

#define VALID_DAYS 30

struct _SsTlsCertificate
{
  gatomicrefcount        ref_count;
  gnutls_x509_crt_t      crt;
  gnutls_x509_privkey_t  key;   /* only for one made here */
};

/**
 * ss_tls_check:
 * @ret: what a GnuTLS call returned
 * @what: the call, for the message
 *
 * Returns: %TRUE when @ret is not an error; otherwise %FALSE with @error
 *   set to GnuTLS's own words
 */
gboolean
ss_tls_check (int          ret,
              const char  *what,
              GError     **error)
{
  if (ret >= 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, gnutls_strerror (ret));
  return FALSE;
}

static SsTlsCertificate *
certificate_new (void)
{
  SsTlsCertificate *self = g_new0 (SsTlsCertificate, 1);

  g_atomic_ref_count_init (&self->ref_count);
  gnutls_x509_crt_init (&self->crt);
  return self;
}

static int
add_san (gnutls_x509_crt_t  crt,
         const char        *name)
{
  guint8 ip[16];

  if (inet_pton (AF_INET, name, ip) == 1)
    return gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ip, 4, GNUTLS_FSAN_APPEND);
  if (inet_pton (AF_INET6, name, ip) == 1)
    return gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ip, 16, GNUTLS_FSAN_APPEND);
  return gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, name, strlen (name), GNUTLS_FSAN_APPEND);
}

/**
 * ss_tls_certificate_generate:
 * @host: (nullable): the listener's bind host, named too
 *
 * A self-signed ECDSA P-256 certificate for this session, valid from an
 * hour ago (clocks differ) for 30 days, for localhost, 127.0.0.1, ::1 and
 * @host. Its key usage allows signing certificates, so a client given it
 * as its CA file (curl --cacert) trusts it.
 */
SsTlsCertificate *
ss_tls_certificate_generate (const char  *host,
                             GError     **error)
{
  g_autoptr(SsTlsCertificate) self = certificate_new ();
  const char *names[] = { "localhost", "127.0.0.1", "::1" };
  guint8 serial[16];
  time_t now = time (NULL);

  gnutls_x509_privkey_init (&self->key);
  if (!ss_tls_check (gnutls_x509_privkey_generate (self->key, GNUTLS_PK_ECDSA,
                                            GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
              "gnutls_x509_privkey_generate", error))
    return NULL;

  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f;  /* a positive number */
  gnutls_x509_crt_set_version (self->crt, 3);
  gnutls_x509_crt_set_serial (self->crt, serial, sizeof serial);
  gnutls_x509_crt_set_activation_time (self->crt, now - 3600);
  gnutls_x509_crt_set_expiration_time (self->crt, now + VALID_DAYS * 24 * 3600);
  gnutls_x509_crt_set_dn_by_oid (self->crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                 "Sockscope session certificate", strlen ("Sockscope session certificate"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    add_san (self->crt, names[i]);
  if (host != NULL && *host != '\0' && !g_strv_contains (names, host) &&
      !g_str_equal (host, "0.0.0.0") && !g_str_equal (host, "::"))
    add_san (self->crt, host);
  gnutls_x509_crt_set_basic_constraints (self->crt, 0, -1);
  gnutls_x509_crt_set_key_usage (self->crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN);
  gnutls_x509_crt_set_key_purpose_oid (self->crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
  if (!ss_tls_check (gnutls_x509_crt_set_key (self->crt, self->key), "gnutls_x509_crt_set_key", error))
    return NULL;
  {
    guint8 id[64];
    size_t id_size = sizeof id;

    if (gnutls_x509_crt_get_key_id (self->crt, 0, id, &id_size) >= 0)
      gnutls_x509_crt_set_subject_key_id (self->crt, id, id_size);
  }
  if (!ss_tls_check (gnutls_x509_crt_sign2 (self->crt, self->crt, self->key, GNUTLS_DIG_SHA256, 0),
              "gnutls_x509_crt_sign2", error))
    return NULL;
  /* read back as a peer would: a certificate being built answers
   * questions about its extensions only once encoded */
  {
    gnutls_datum_t der = { NULL, 0 };
    gnutls_x509_crt_t crt;
    int ret = gnutls_x509_crt_export2 (self->crt, GNUTLS_X509_FMT_DER, &der);

    gnutls_x509_crt_init (&crt);
    if (ret >= 0)
      ret = gnutls_x509_crt_import (crt, &der, GNUTLS_X509_FMT_DER);
    gnutls_free (der.data);
    if (!ss_tls_check (ret, "gnutls_x509_crt_import", error))
      {
        gnutls_x509_crt_deinit (crt);
        return NULL;
      }
    gnutls_x509_crt_deinit (self->crt);
    self->crt = crt;
  }
  return g_steal_pointer (&self);
}

/* a peer's certificate, as the handshake gave it */
SsTlsCertificate *
ss_tls_certificate_new_from_datum (const gnutls_datum_t  *der,
                                   GError               **error)
{
  g_autoptr(SsTlsCertificate) self = certificate_new ();

  if (!ss_tls_check (gnutls_x509_crt_import (self->crt, der, GNUTLS_X509_FMT_DER), "gnutls_x509_crt_import", error))
    return NULL;
  return g_steal_pointer (&self);
}

SsTlsCertificate *
ss_tls_certificate_ref (SsTlsCertificate *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ss_tls_certificate_unref (SsTlsCertificate *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  gnutls_x509_crt_deinit (self->crt);
  if (self->key != NULL)
    gnutls_x509_privkey_deinit (self->key);
  g_free (self);
}

gnutls_x509_crt_t
ss_tls_certificate_get_crt (SsTlsCertificate *self)
{
  return self->crt;
}

gnutls_x509_privkey_t
ss_tls_certificate_get_key (SsTlsCertificate *self)
{
  return self->key;
}

/* "AB:CD:…", the SHA-256 of the DER, as browsers and openssl show it */
char *
ss_tls_certificate_dup_fingerprint (SsTlsCertificate *self)
{
  guint8 digest[32];
  size_t size = sizeof digest;
  GString *text = g_string_new (NULL);

  if (gnutls_x509_crt_get_fingerprint (self->crt, GNUTLS_DIG_SHA256, digest, &size) < 0)
    return g_string_free (text, FALSE);
  for (size_t i = 0; i < size; i++)
    g_string_append_printf (text, i ? ":%02X" : "%02X", digest[i]);
  return g_string_free (text, FALSE);
}

static char *
dup_dn (gnutls_x509_crt_t crt,
        gboolean          issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *text;

  if ((issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0)
              : gnutls_x509_crt_get_dn3 (crt, &dn, 0)) < 0)
    return g_strdup ("");
  text = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return text;
}

char *
ss_tls_certificate_dup_subject (SsTlsCertificate *self)
{
  return dup_dn (self->crt, FALSE);
}

/* the names a client may reach it by: its DNS and IP SANs, comma-separated */
char *
ss_tls_certificate_dup_names (SsTlsCertificate *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0;; i++)
    {
      char buf[256];
      size_t size = sizeof buf - 1;
      unsigned int critical;
      int type = gnutls_x509_crt_get_subject_alt_name (self->crt, i, buf, &size, &critical);

      if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (type == GNUTLS_SAN_DNSNAME)
        g_ptr_array_add (names, g_strndup (buf, size));
      else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
        {
          char ip[INET6_ADDRSTRLEN];

          if (inet_ntop (size == 4 ? AF_INET : AF_INET6, buf, ip, sizeof ip) != NULL)
            g_ptr_array_add (names, g_strdup (ip));
        }
      else if (type < 0 && type != GNUTLS_E_SHORT_MEMORY_BUFFER)
        break;
    }
  /* an old certificate names its host only in its CN */
  if (names->len == 0)
    {
      char cn[256];
      size_t size = sizeof cn;

      if (gnutls_x509_crt_get_dn_by_oid (self->crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) >= 0)
        g_ptr_array_add (names, g_strdup (cn));
    }
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

static char *
format_time (time_t when)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (when);

  return date != NULL ? g_date_time_format (date, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* subject, issuer, validity, names, key and fingerprint: a few lines */
char *
ss_tls_certificate_describe (SsTlsCertificate *self)
{
  g_autofree char *subject = dup_dn (self->crt, FALSE);
  g_autofree char *issuer = dup_dn (self->crt, TRUE);
  g_autofree char *from = format_time (gnutls_x509_crt_get_activation_time (self->crt));
  g_autofree char *until = format_time (gnutls_x509_crt_get_expiration_time (self->crt));
  g_autofree char *names = ss_tls_certificate_dup_names (self);
  g_autofree char *fingerprint = ss_tls_certificate_dup_fingerprint (self);
  unsigned int bits = 0;
  int algorithm = gnutls_x509_crt_get_pk_algorithm (self->crt, &bits);
  const char *pk = gnutls_pk_algorithm_get_name (algorithm);

  return g_strdup_printf (_("Subject: %s\nIssuer: %s\nValid: %s to %s\nNames: %s\nKey: %s %u bits\nSHA-256: %s"),
                          subject, issuer, from, until, *names ? names : "—",
                          pk != NULL ? pk : "?", bits, fingerprint);
}

char *
ss_tls_certificate_dup_pem (SsTlsCertificate *self)
{
  gnutls_datum_t pem = { NULL, 0 };
  char *text;

  if (gnutls_x509_crt_export2 (self->crt, GNUTLS_X509_FMT_PEM, &pem) < 0)
    return NULL;
  text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  return text;
}

/* The certificate and its key, as Python's load_cert_chain() reads one
 * file: for an exported script that serves with the session's generated
 * certificate. */
char *
ss_tls_certificate_dup_pem_with_key (SsTlsCertificate *self)
{
  g_autofree char *pem = ss_tls_certificate_dup_pem (self);
  gnutls_datum_t key = { NULL, 0 };
  char *text;

  if (pem == NULL || self->key == NULL ||
      gnutls_x509_privkey_export2 (self->key, GNUTLS_X509_FMT_PEM, &key) < 0)
    return NULL;
  text = g_strdup_printf ("%s%.*s", pem, (int) key.size, (const char *) key.data);
  gnutls_free (key.data);
  return text;
}

/* the certificate alone (never its key), for curl --cacert */
gboolean
ss_tls_certificate_save_pem (SsTlsCertificate  *self,
                             const char        *path,
                             GError           **error)
{
  g_autofree char *pem = ss_tls_certificate_dup_pem (self);

  if (pem == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The certificate could not be written as PEM"));
      return FALSE;
    }
  return g_file_set_contents (path, pem, -1, error);
}
