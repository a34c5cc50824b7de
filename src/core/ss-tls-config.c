/* ss-tls-config.c — what a TLS session is made with: names, versions, trust, certificates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ss-tls-config.h"

struct _SsTlsConfig
{
  gatomicrefcount  ref_count;
  char            *servername;  /* NULL: the host connected to; "": no SNI */
  char            *alpn;        /* "h2,http/1.1" */
  int              min_version;
  int              max_version;
  gboolean         insecure;
  gboolean         request_client_cert;
  char            *cafile;
  char            *cert_file;
  char            *key_file;
  char            *keylog_path;

  /* made on first use: files are read once, not per connection; a
   * client's and a server's apart, as one configuration may serve both
   * (the command line's) */
  gnutls_certificate_credentials_t credentials[2];
  SsTlsCertificate *server_certificate;  /* given, or generated */
  int              trust_count;  /* the CAs the client's credentials hold */
  /* replaced by a change of files, but sessions may still use them */
  GPtrArray       *retired;
};

SsTlsConfig *
ss_tls_config_new (void)
{
  SsTlsConfig *self = g_new0 (SsTlsConfig, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

/* the settings without what was made from them */
SsTlsConfig *
ss_tls_config_copy (const SsTlsConfig *self)
{
  SsTlsConfig *copy = ss_tls_config_new ();

  copy->servername = g_strdup (self->servername);
  copy->alpn = g_strdup (self->alpn);
  copy->min_version = self->min_version;
  copy->max_version = self->max_version;
  copy->insecure = self->insecure;
  copy->request_client_cert = self->request_client_cert;
  copy->cafile = g_strdup (self->cafile);
  copy->cert_file = g_strdup (self->cert_file);
  copy->key_file = g_strdup (self->key_file);
  copy->keylog_path = g_strdup (self->keylog_path);
  return copy;
}

SsTlsConfig *
ss_tls_config_ref (SsTlsConfig *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
free_credentials (gpointer credentials)
{
  gnutls_certificate_free_credentials (credentials);
}

/* Sessions made before keep theirs: GnuTLS does not copy credentials. */
static void
drop_credentials (SsTlsConfig *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->credentials); i++)
    if (self->credentials[i] != NULL)
      {
        if (self->retired == NULL)
          self->retired = g_ptr_array_new_with_free_func (free_credentials);
        g_ptr_array_add (self->retired, g_steal_pointer (&self->credentials[i]));
      }
  g_clear_pointer (&self->server_certificate, ss_tls_certificate_unref);
}

void
ss_tls_config_unref (SsTlsConfig *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  drop_credentials (self);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_free (self->servername);
  g_free (self->alpn);
  g_free (self->cafile);
  g_free (self->cert_file);
  g_free (self->key_file);
  g_free (self->keylog_path);
  g_free (self);
}

void
ss_tls_config_set_servername (SsTlsConfig *self,
                              const char  *servername)
{
  g_free (self->servername);
  self->servername = g_strdup (servername);
}

const char *
ss_tls_config_get_servername (SsTlsConfig *self)
{
  return self->servername;
}

void
ss_tls_config_set_alpn (SsTlsConfig *self,
                        const char  *alpn)
{
  g_free (self->alpn);
  self->alpn = alpn != NULL && *alpn != '\0' ? g_strdup (alpn) : NULL;
}

const char *
ss_tls_config_get_alpn (SsTlsConfig *self)
{
  return self->alpn;
}

void
ss_tls_config_set_versions (SsTlsConfig *self,
                            int          min_version,
                            int          max_version)
{
  self->min_version = min_version;
  self->max_version = max_version;
}

void
ss_tls_config_get_versions (SsTlsConfig *self,
                            int         *min_version,
                            int         *max_version)
{
  *min_version = self->min_version;
  *max_version = self->max_version;
}

void
ss_tls_config_set_insecure (SsTlsConfig *self,
                            gboolean     insecure)
{
  self->insecure = insecure;
}

gboolean
ss_tls_config_get_insecure (SsTlsConfig *self)
{
  return self->insecure;
}

/* a server asks its clients for a certificate, and shows the one it gets */
void
ss_tls_config_set_request_client_cert (SsTlsConfig *self,
                                       gboolean     request)
{
  self->request_client_cert = request;
}

gboolean
ss_tls_config_get_request_client_cert (SsTlsConfig *self)
{
  return self->request_client_cert;
}

/* A CA file is read when chosen, so a wrong one is said there, not at
 * the first connection. */
gboolean
ss_tls_config_set_cafile (SsTlsConfig  *self,
                          const char   *path,
                          GError      **error)
{
  if (path != NULL && *path != '\0')
    {
      gnutls_certificate_credentials_t probe;
      int n;

      gnutls_certificate_allocate_credentials (&probe);
      n = gnutls_certificate_set_x509_trust_file (probe, path, GNUTLS_X509_FMT_PEM);
      gnutls_certificate_free_credentials (probe);
      if (n <= 0)
        {
          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || g_access (path, R_OK) != 0)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _("The CA file %s cannot be read"), path);
          else
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("The CA file %s holds no PEM certificate"), path);
          return FALSE;
        }
    }
  g_free (self->cafile);
  self->cafile = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
  drop_credentials (self);
  return TRUE;
}

const char *
ss_tls_config_get_cafile (SsTlsConfig *self)
{
  return self->cafile;
}

static gboolean
check_expiry (const char  *cert_path,
              GError     **error)
{
  g_autofree char *pem = NULL;
  gsize len;
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum;
  time_t now = time (NULL);
  gboolean ok = TRUE;

  if (!g_file_get_contents (cert_path, &pem, &len, NULL))
    return TRUE;
  datum.data = (unsigned char *) pem;
  datum.size = len;
  gnutls_x509_crt_init (&crt);
  if (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM) >= 0)
    {
      if (gnutls_x509_crt_get_expiration_time (crt) < now)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The certificate %s has expired"), cert_path);
          ok = FALSE;
        }
      else if (gnutls_x509_crt_get_activation_time (crt) > now)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The certificate %s is not valid yet"), cert_path);
          ok = FALSE;
        }
    }
  gnutls_x509_crt_deinit (crt);
  return ok;
}

/**
 * ss_tls_config_set_certificate:
 * @cert_path: (nullable): a PEM certificate (chain), or %NULL for none
 * @key_path: (nullable): its PEM private key; %NULL: in @cert_path
 *
 * The certificate a server shows, or a client sends when asked. Both
 * files are read now: one that cannot be read, has expired or is not the
 * key's is an error here.
 */
gboolean
ss_tls_config_set_certificate (SsTlsConfig  *self,
                               const char   *cert_path,
                               const char   *key_path,
                               GError      **error)
{
  if (cert_path != NULL && *cert_path != '\0')
    {
      gnutls_certificate_credentials_t probe;
      const char *key = key_path != NULL && *key_path != '\0' ? key_path : cert_path;
      int ret;

      for (guint i = 0; i < 2; i++)
        {
          const char *path = i == 0 ? cert_path : key;

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || g_access (path, R_OK) != 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           i == 0 ? _("The certificate file %s cannot be read")
                                  : _("The key file %s cannot be read"), path);
              return FALSE;
            }
        }
      gnutls_certificate_allocate_credentials (&probe);
      ret = gnutls_certificate_set_x509_key_file2 (probe, cert_path, key, GNUTLS_X509_FMT_PEM, NULL, 0);
      gnutls_certificate_free_credentials (probe);
      if (ret == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The key %s is not the key of the certificate %s"), key, cert_path);
          return FALSE;
        }
      if (ret < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The certificate %s or its key %s could not be loaded: %s"),
                       cert_path, key, gnutls_strerror (ret));
          return FALSE;
        }
      if (!check_expiry (cert_path, error))
        return FALSE;
    }
  g_free (self->cert_file);
  g_free (self->key_file);
  self->cert_file = cert_path != NULL && *cert_path != '\0' ? g_strdup (cert_path) : NULL;
  self->key_file = self->cert_file != NULL && key_path != NULL && *key_path != '\0' ? g_strdup (key_path) : NULL;
  drop_credentials (self);
  return TRUE;
}

const char *
ss_tls_config_get_cert_file (SsTlsConfig *self)
{
  return self->cert_file;
}

/* (nullable): NULL when the key is in the certificate's file */
const char *
ss_tls_config_get_key_file (SsTlsConfig *self)
{
  return self->key_file;
}

/* what loading the client's trust gave (the CAs, or a GnuTLS error),
 * once its credentials are made */
int
ss_tls_config_get_trust_count (SsTlsConfig *self)
{
  return self->trust_count;
}

void
ss_tls_config_set_keylog_path (SsTlsConfig *self,
                               const char  *path)
{
  g_free (self->keylog_path);
  self->keylog_path = g_strdup (path);
}

const char *
ss_tls_config_get_keylog_path (SsTlsConfig *self)
{
  return self->keylog_path;
}

/* --keylog: every session's secrets as they are made, appended, as
 * SSLKEYLOGFILE does in browsers */
void
ss_tls_config_append_keylog (SsTlsConfig *self,
                             const char  *line)
{
  int fd;

  if (self->keylog_path == NULL)
    return;
  fd = g_open (self->keylog_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_warning ("--keylog %s: %s", self->keylog_path, g_strerror (errno));
      return;
    }
  if (write (fd, line, strlen (line)) < 0 || write (fd, "\n", 1) < 0)
    g_warning ("--keylog %s: %s", self->keylog_path, g_strerror (errno));
  close (fd);
}

/**
 * ss_tls_config_get_credentials:
 * @host: (nullable): a server's bind host, named in a generated certificate
 *
 * The credentials of every session made with this configuration: a
 * client's trust (the system's CAs or the CA file) and its certificate;
 * a server's certificate, generated when none was given.
 *
 * Returns: (transfer none) (nullable): the credentials, or %NULL with @error set
 */
gnutls_certificate_credentials_t
ss_tls_config_get_credentials (SsTlsConfig  *self,
                               gboolean      server,
                               const char   *host,
                               GError      **error)
{
  gnutls_certificate_credentials_t credentials;
  int ret;

  if (self->credentials[server ? 1 : 0] != NULL)
    return self->credentials[server ? 1 : 0];

  gnutls_certificate_allocate_credentials (&credentials);
  if (self->cafile != NULL)
    ret = gnutls_certificate_set_x509_trust_file (credentials, self->cafile, GNUTLS_X509_FMT_PEM);
  else
    ret = gnutls_certificate_set_x509_system_trust (credentials);
  if (!server)
    self->trust_count = ret;
  if (ret < 0 && self->cafile != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The CA file %s could not be loaded: %s"), self->cafile, gnutls_strerror (ret));
      gnutls_certificate_free_credentials (credentials);
      return NULL;
    }

  if (self->cert_file != NULL)
    {
      ret = gnutls_certificate_set_x509_key_file2 (credentials, self->cert_file,
                                                   self->key_file ? self->key_file : self->cert_file,
                                                   GNUTLS_X509_FMT_PEM, NULL, 0);
      if (ret < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The certificate %s could not be loaded: %s"), self->cert_file, gnutls_strerror (ret));
          gnutls_certificate_free_credentials (credentials);
          return NULL;
        }
      if (server)
        {
          gnutls_x509_crt_t *crts = NULL;
          unsigned int n = 0;

          if (gnutls_certificate_get_x509_crt (credentials, 0, &crts, &n) >= 0 && n > 0)
            {
              gnutls_datum_t der = { NULL, 0 };

              if (gnutls_x509_crt_export2 (crts[0], GNUTLS_X509_FMT_DER, &der) >= 0)
                self->server_certificate = ss_tls_certificate_new_from_datum (&der, NULL);
              gnutls_free (der.data);
              for (unsigned int i = 0; i < n; i++)
                gnutls_x509_crt_deinit (crts[i]);
              gnutls_free (crts);
            }
        }
    }
  else if (server)
    {
      SsTlsCertificate *generated = ss_tls_certificate_generate (host, error);
      gnutls_x509_crt_t crt;

      if (generated == NULL)
        {
          gnutls_certificate_free_credentials (credentials);
          return NULL;
        }
      crt = ss_tls_certificate_get_crt (generated);
      ret = gnutls_certificate_set_x509_key (credentials, &crt, 1, ss_tls_certificate_get_key (generated));
      if (ret < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", gnutls_strerror (ret));
          ss_tls_certificate_unref (generated);
          gnutls_certificate_free_credentials (credentials);
          return NULL;
        }
      self->server_certificate = generated;
    }

  self->credentials[server ? 1 : 0] = credentials;
  return credentials;
}

/* (transfer none) (nullable): what a server shows, once it has credentials */
SsTlsCertificate *
ss_tls_config_get_server_certificate (SsTlsConfig *self)
{
  return self->server_certificate;
}

/* GnuTLS's own defaults, narrowed to the versions asked for */
char *
ss_tls_config_dup_priorities (SsTlsConfig *self)
{
  int min = self->min_version ? self->min_version : SS_TLS_VERSION_1_2;
  int max = self->max_version ? self->max_version : SS_TLS_VERSION_1_3;
  GString *text;

  if (self->min_version == 0 && self->max_version == 0)
    return g_strdup ("NORMAL");
  text = g_string_new ("NORMAL:-VERS-ALL");
  for (int v = min; v <= max; v++)
    g_string_append_printf (text, ":+VERS-TLS1.%d", v - 10);
  return g_string_free (text, FALSE);
}

static char *
dup_option_path (GVariantDict *options,
                 const char   *name,
                 const char   *cwd)
{
  g_autofree char *path = NULL;

  if (!g_variant_dict_lookup (options, name, "^ay", &path) || *path == '\0')
    return NULL;
  if (cwd == NULL || g_path_is_absolute (path))
    return g_steal_pointer (&path);
  return g_build_filename (cwd, path, NULL);
}

/**
 * ss_tls_config_new_from_options:
 * @options: the command line's --cert, --key, --cafile, --insecure,
 *   --alpn, --servername and --keylog
 * @cwd: (nullable): where relative paths start
 *
 * Every file is checked here, so a wrong one is said before any window
 * opens.
 *
 * Returns: (transfer full) (nullable): the configuration, or %NULL with
 *   @error set
 */
SsTlsConfig *
ss_tls_config_new_from_options (GVariantDict  *options,
                                const char    *cwd,
                                GError       **error)
{
  g_autoptr(SsTlsConfig) self = ss_tls_config_new ();
  g_autofree char *cert = dup_option_path (options, "cert", cwd);
  g_autofree char *key = dup_option_path (options, "key", cwd);
  g_autofree char *cafile = dup_option_path (options, "cafile", cwd);
  g_autofree char *keylog = dup_option_path (options, "keylog", cwd);
  const char *text;

  if (key != NULL && cert == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("--key needs --cert"));
      return NULL;
    }
  if (!ss_tls_config_set_certificate (self, cert, key, error) ||
      !ss_tls_config_set_cafile (self, cafile, error))
    return NULL;
  if (g_variant_dict_lookup (options, "alpn", "&s", &text))
    ss_tls_config_set_alpn (self, text);
  if (g_variant_dict_lookup (options, "servername", "&s", &text))
    ss_tls_config_set_servername (self, text);
  ss_tls_config_set_insecure (self, g_variant_dict_contains (options, "insecure"));
  ss_tls_config_set_keylog_path (self, keylog);
  return g_steal_pointer (&self);
}
