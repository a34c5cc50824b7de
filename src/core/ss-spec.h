/* ss-spec.h — the command line's socket specs: tcp-listen:[HOST:]PORT, tcp:HOST:PORT
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
} SsSpecKind;

typedef struct
{
  SsSpecKind  kind;
  char       *address;  /* "[HOST:]PORT", for ss_address_resolve_async() */
} SsSpec;

SsSpec *ss_spec_parse (const char  *text,
                       GError     **error);
void    ss_spec_free  (SsSpec      *self);
char   *ss_spec_to_string (const SsSpec *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsSpec, ss_spec_free)

G_END_DECLS
