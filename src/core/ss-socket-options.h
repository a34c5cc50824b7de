/* ss-socket-options.h — setsockopt() and getsockopt(): what is set, and what the kernel holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-socket.h"

G_BEGIN_DECLS

typedef enum
{
  SS_OPTION_BOOL,
  SS_OPTION_INT,
  SS_OPTION_LINGER,  /* the value is the linger time in seconds, -1 for off */
} SsOptionKind;

typedef struct
{
  const char   *name;        /* "SO_RCVBUF" */
  const char   *level_name;  /* "SOL_SOCKET" */
  int           level;
  int           optname;
  SsOptionKind  kind;
  int           family;      /* AF_INET or AF_INET6 for IP-level options, 0 for any */
  gboolean      stream_only;
  const char   *help;        /* N_(): what it does, in a sentence */
} SsOption;

const SsOption *ss_socket_options         (guint           *n_options);
const SsOption *ss_socket_option_find     (const char      *name);
gboolean        ss_socket_option_applies  (const SsOption  *option,
                                           SsSocket        *socket);
gboolean        ss_socket_get_option      (SsSocket        *self,
                                           const SsOption  *option,
                                           int             *value,
                                           GError         **error);
gboolean        ss_socket_set_option      (SsSocket        *self,
                                           const SsOption  *option,
                                           int              value,
                                           GError         **error);
gboolean        ss_socket_set_membership  (SsSocket        *self,
                                           const char      *group,
                                           gboolean         join,
                                           GError         **error);

G_END_DECLS
