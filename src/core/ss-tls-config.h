/* ss-tls-config.h — what a TLS session is made with: names, versions, trust, certificates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "ss-tls-certificate.h"

G_BEGIN_DECLS

typedef struct _SsTlsConfig SsTlsConfig;

/* TLS versions by their minor number: 0 is the library's own bound */
#define SS_TLS_VERSION_1_2 12
#define SS_TLS_VERSION_1_3 13

SsTlsConfig *ss_tls_config_new               (void);
SsTlsConfig *ss_tls_config_new_from_options  (GVariantDict *options,
                                              const char   *cwd,
                                              GError      **error);
SsTlsConfig *ss_tls_config_copy              (const SsTlsConfig *self);
SsTlsConfig *ss_tls_config_ref               (SsTlsConfig  *self);
void         ss_tls_config_unref             (SsTlsConfig  *self);

void         ss_tls_config_set_servername    (SsTlsConfig  *self,
                                              const char   *servername);
const char  *ss_tls_config_get_servername    (SsTlsConfig  *self);
void         ss_tls_config_set_alpn          (SsTlsConfig  *self,
                                              const char   *alpn);
const char  *ss_tls_config_get_alpn          (SsTlsConfig  *self);
void         ss_tls_config_set_versions      (SsTlsConfig  *self,
                                              int           min_version,
                                              int           max_version);
void         ss_tls_config_get_versions      (SsTlsConfig  *self,
                                              int          *min_version,
                                              int          *max_version);
void         ss_tls_config_set_insecure      (SsTlsConfig  *self,
                                              gboolean      insecure);
gboolean     ss_tls_config_get_insecure      (SsTlsConfig  *self);
void         ss_tls_config_set_request_client_cert (SsTlsConfig *self,
                                                    gboolean     request);
gboolean     ss_tls_config_get_request_client_cert (SsTlsConfig *self);
gboolean     ss_tls_config_set_cafile        (SsTlsConfig  *self,
                                              const char   *path,
                                              GError      **error);
const char  *ss_tls_config_get_cafile        (SsTlsConfig  *self);
gboolean     ss_tls_config_set_certificate   (SsTlsConfig  *self,
                                              const char   *cert_path,
                                              const char   *key_path,
                                              GError      **error);
const char  *ss_tls_config_get_cert_file     (SsTlsConfig  *self);
const char  *ss_tls_config_get_key_file      (SsTlsConfig  *self);
int          ss_tls_config_get_trust_count   (SsTlsConfig  *self);
void         ss_tls_config_set_keylog_path   (SsTlsConfig  *self,
                                              const char   *path);
const char  *ss_tls_config_get_keylog_path   (SsTlsConfig  *self);

gnutls_certificate_credentials_t
             ss_tls_config_get_credentials   (SsTlsConfig  *self,
                                              gboolean      server,
                                              const char   *host,
                                              GError      **error);
SsTlsCertificate *ss_tls_config_get_server_certificate (SsTlsConfig *self);
char        *ss_tls_config_dup_priorities    (SsTlsConfig  *self);
void         ss_tls_config_append_keylog     (SsTlsConfig  *self,
                                              const char   *line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsTlsConfig, ss_tls_config_unref)

G_END_DECLS
