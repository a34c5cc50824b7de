/* ss-tls-certificate.h — an X.509 certificate: made for a session, or read, and described
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

typedef struct _SsTlsCertificate SsTlsCertificate;

SsTlsCertificate *ss_tls_certificate_generate        (const char              *host,
                                                      GError                 **error);
SsTlsCertificate *ss_tls_certificate_new_from_datum  (const gnutls_datum_t    *der,
                                                      GError                 **error);
SsTlsCertificate *ss_tls_certificate_ref             (SsTlsCertificate        *self);
void              ss_tls_certificate_unref           (SsTlsCertificate        *self);
gnutls_x509_crt_t ss_tls_certificate_get_crt         (SsTlsCertificate        *self);
gnutls_x509_privkey_t ss_tls_certificate_get_key     (SsTlsCertificate        *self);
char             *ss_tls_certificate_dup_fingerprint (SsTlsCertificate        *self);
char             *ss_tls_certificate_dup_subject     (SsTlsCertificate        *self);
char             *ss_tls_certificate_dup_names       (SsTlsCertificate        *self);
char             *ss_tls_certificate_describe        (SsTlsCertificate        *self);
char             *ss_tls_certificate_dup_pem         (SsTlsCertificate        *self);
char             *ss_tls_certificate_dup_pem_with_key (SsTlsCertificate       *self);
gboolean          ss_tls_certificate_save_pem        (SsTlsCertificate        *self,
                                                      const char              *path,
                                                      GError                 **error);

gboolean          ss_tls_check                       (int                      ret,
                                                      const char              *what,
                                                      GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsTlsCertificate, ss_tls_certificate_unref)

G_END_DECLS
