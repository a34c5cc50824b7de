/* ss-constants.h — socket families and types by name, with this platform's values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;   /* "AF_INET" */
  int         value;  /* this platform's number, not the seed's Windows one */
  const char *label;  /* plain words, marked with N_(): "IPv4" */
} SsConstant;

const SsConstant *ss_constants_families  (guint *n_families);
const SsConstant *ss_constants_types     (guint *n_types);
const SsConstant *ss_constants_protocols (guint *n_protocols);
const char       *ss_protocol_name       (int    protocol);
const char       *ss_family_name         (int family);
const char       *ss_type_name           (int type);
gboolean          ss_family_from_name    (const char *name,
                                          int        *family);
gboolean          ss_type_from_name      (const char *name,
                                          int        *type);
const char       *ss_errno_name          (int errsv);

G_END_DECLS
