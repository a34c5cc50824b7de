/* ss-spec.h — the command line's socket specs: tcp-listen:[HOST:]PORT, udp:HOST:PORT, unix:PATH, tcp-relay:…
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SS_SPEC_TCP_LISTEN,
  SS_SPEC_TCP_CONNECT,
  SS_SPEC_UDP_LISTEN,
  SS_SPEC_UDP_CONNECT,
  SS_SPEC_UNIX_LISTEN,
  SS_SPEC_UNIX_CONNECT,
  SS_SPEC_TCP_RELAY,
  SS_SPEC_UNIX_RELAY,
  SS_SPEC_UDP_RELAY,
} SsSpecKind;

typedef struct
{
  SsSpecKind  kind;
  char       *address;  /* "[HOST:]PORT" or a Unix path, for ss_address_resolve_async() */
  char       *target;   /* a relay's: "HOST:PORT" or a Unix path; NULL otherwise */
  gboolean    tls;      /* tls: and tls-listen:, TCP speaking TLS; a relay's clients speak TLS */
  gboolean    target_tls; /* a relay speaks TLS to its target */
  /* how a relay's target leg verifies the target, when the window chose
   * (the command line's --cafile and --insecure otherwise): a CA file
   * (NULL: --cafile's, or the system's CAs), or any certificate */
  gboolean    target_verify_chosen;
  char       *target_cafile;
  gboolean    target_insecure;
} SsSpec;

SsSpec  *ss_spec_parse        (const char    *text,
                               GError       **error);
void     ss_spec_free         (SsSpec        *self);
char    *ss_spec_to_string    (const SsSpec  *self);
gboolean ss_spec_is_listen    (const SsSpec  *self);
int      ss_spec_socket_type  (const SsSpec  *self);
gboolean ss_spec_is_unix      (const SsSpec  *self);
gboolean ss_spec_is_relay     (const SsSpec  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsSpec, ss_spec_free)

G_END_DECLS
