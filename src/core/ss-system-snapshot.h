/* ss-system-snapshot.h — one look at every socket of the machine and its owner, compared with the last
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-sock-diag.h"

G_BEGIN_DECLS

typedef enum
{
  SS_SYSTEM_SAME,
  SS_SYSTEM_NEW,      /* not in the previous snapshot */
  SS_SYSTEM_CHANGED,  /* its state, queues, owner or counters moved */
  SS_SYSTEM_REMOVED,  /* gone since the previous snapshot: kept for one more */
} SsSystemChange;

typedef struct
{
  SsSockRecord  record;
  const char   *local_text;   /* "127.0.0.1:8000", a Unix name … */
  const char   *peer_text;
  const char   *process;      /* the owner's name, or NULL when none was found */
  int           pid;          /* the owner, or 0 */
  guint         n_more_owners;
  guint64       serial;       /* the order it was first seen in: the view's order unsorted */
  gint32        previous;     /* the same socket's index in the previous snapshot, or -1 */
  guint8        change;       /* SsSystemChange */
  guint8        owner_hidden; /* no owner found, and it may be a process we may not read */
} SsSystemEntry;

typedef struct _SsSystemSnapshot SsSystemSnapshot;

SsSystemSnapshot    *ss_system_snapshot_take       (SsSystemSnapshot  *previous,
                                                    GError           **error);
SsSystemSnapshot    *ss_system_snapshot_ref        (SsSystemSnapshot  *self);
void                 ss_system_snapshot_unref      (SsSystemSnapshot  *self);
guint                ss_system_snapshot_get_n_entries (SsSystemSnapshot *self);
const SsSystemEntry *ss_system_snapshot_get_entry  (SsSystemSnapshot  *self,
                                                    guint              index);
const SsSystemEntry *ss_system_snapshot_find_inode (SsSystemSnapshot  *self,
                                                    guint32            inode);
guint                ss_system_snapshot_get_n_hidden (SsSystemSnapshot *self);
gint64               ss_system_snapshot_get_duration (SsSystemSnapshot *self);
SsSockDiagMissing    ss_system_snapshot_get_missing  (SsSystemSnapshot *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsSystemSnapshot, ss_system_snapshot_unref)

G_END_DECLS
