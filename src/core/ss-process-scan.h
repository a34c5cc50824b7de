/* ss-process-scan.h — which process holds each socket, as `ss -p` finds it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SsProcessScan SsProcessScan;

typedef struct
{
  int          pid;
  const char  *name;     /* the process's comm */
  guint        n_more;   /* other processes holding the same socket (after fork) */
} SsSocketOwner;

SsProcessScan       *ss_process_scan_new          (void);
void                 ss_process_scan_free         (SsProcessScan *self);
const SsSocketOwner *ss_process_scan_lookup       (SsProcessScan *self,
                                                   guint32        inode);
guint                ss_process_scan_get_n_hidden (SsProcessScan *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsProcessScan, ss_process_scan_free)

G_END_DECLS
