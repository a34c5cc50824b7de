/* ss-test-tls.h — what the TLS tests share: certificates made with GnuTLS,
 * python3's ssl as a peer, Sockscope TLS clients and listeners
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "ss-session.h"
#include "ss-tls-session.h"

G_BEGIN_DECLS

#define PEER_TIMEOUT_MS SS_TEST_LONG_TIMEOUT_MS
#define DAY (24 * 3600)

typedef struct
{
  gnutls_x509_crt_t     crt;
  gnutls_x509_privkey_t key;
  char                 *cert_path;
  char                 *key_path;
} Cert;

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *lines;
  char             *port;
} Peer;

/* openssl s_server -www with a certificate, on a free port */
typedef struct
{
  GSubprocess      *process;
  GDataInputStream *lines;
  guint16           port;
} OpensslServer;

/* a temporary folder of the test's files, made by its main() */
extern char *ss_test_tls_dir;

void      ss_test_tls_cert_free              (Cert             *cert);
Cert     *ss_test_tls_make_cert              (const char       *name,
                                              const char       *dns,
                                              gint64            from,
                                              gint64            until,
                                              Cert             *issuer,
                                              gboolean          ca);
char     *ss_test_tls_peer_script            (void);
void      ss_test_tls_peer_clear             (Peer             *peer);
void      ss_test_tls_start_python_server    (Peer             *peer,
                                              const char       *python,
                                              Cert             *cert,
                                              const char       *version,
                                              const char       *end);
gboolean  ss_test_tls_settled                (gpointer          user_data);
SsSocket *ss_test_tls_client                 (SsSession        *session,
                                              SsTlsConfig      *config,
                                              const char       *host,
                                              const char       *port);
void      ss_test_tls_assert_events_in_order (SsSocket         *socket,
                                              const char *const *needles);
gboolean  ss_test_tls_peer_closed            (gpointer          user_data);
gboolean  ss_test_tls_has_connection         (gpointer          user_data);
guint16   ss_test_tls_port_of                (SsSocket         *socket);
void      ss_test_tls_save_listener_pem      (SsSocket         *listener,
                                              const char       *path);
gboolean  ss_test_tls_start_openssl          (OpensslServer    *server,
                                              Cert             *cert,
                                              guint             n_accept);
void      ss_test_tls_stop_openssl           (OpensslServer    *server);
void      ss_test_tls_finish_listener        (SsSession        *session,
                                              SsSocket         *listener,
                                              const char       *pem_path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cert, ss_test_tls_cert_free)

G_END_DECLS
