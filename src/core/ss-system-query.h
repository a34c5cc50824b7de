/* ss-system-query.h — which sockets of a snapshot show, in which order, and their counts by state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-system-snapshot.h"

G_BEGIN_DECLS

/* The columns a view sorts by, one compare each (ss-system-query.c) */
typedef enum
{
  SS_SYSTEM_COLUMN_NONE,
  SS_SYSTEM_COLUMN_PROTOCOL,
  SS_SYSTEM_COLUMN_STATE,
  SS_SYSTEM_COLUMN_LOCAL,
  SS_SYSTEM_COLUMN_PEER,
  SS_SYSTEM_COLUMN_RECV_Q,
  SS_SYSTEM_COLUMN_SEND_Q,
  SS_SYSTEM_COLUMN_UID,
  SS_SYSTEM_COLUMN_INODE,
  SS_SYSTEM_COLUMN_PROCESS,
  SS_SYSTEM_COLUMN_RTT,
  SS_SYSTEM_COLUMN_CWND,
  SS_SYSTEM_COLUMN_SSTHRESH,
  SS_SYSTEM_COLUMN_RETRANS,
  SS_SYSTEM_COLUMN_BYTES_ACKED,
  SS_SYSTEM_COLUMN_BYTES_RECEIVED,
  SS_SYSTEM_COLUMN_DELIVERY_RATE,
  SS_SYSTEM_COLUMN_LAST_SEND,
  SS_SYSTEM_COLUMN_LAST_RECV,
  SS_SYSTEM_N_COLUMNS,
} SsSystemColumn;

typedef struct
{
  char           *text;            /* a port, an address, a process, a state: any part of them */
  gboolean        hide_loopback;
  gboolean        hide_listening;
  gboolean        only_tcp;
  SsSystemColumn  sort_column;
  gboolean        descending;
} SsSystemQuery;

typedef struct
{
  SsSystemSnapshot *snapshot;
  GArray           *order;         /* guint: the indices of the entries shown, in order */
  guint             counts[SS_SOCK_N_STATES];  /* of the entries shown, removed ones left out */
  guint             n_sockets;     /* in the snapshot, shown or not, removed ones left out */
  gint64            duration;      /* µs: the snapshot (when taken) and the order */
} SsSystemResult;

SsSystemQuery  *ss_system_query_copy        (const SsSystemQuery *self);
void            ss_system_query_free        (SsSystemQuery       *self);
gboolean        ss_system_query_matches     (const SsSystemQuery *self,
                                             const SsSystemEntry *entry);
SsSystemResult *ss_system_query_run         (const SsSystemQuery *self,
                                             SsSystemSnapshot    *snapshot);
void            ss_system_query_run_async   (const SsSystemQuery *self,
                                             SsSystemSnapshot    *base,
                                             gboolean             refresh,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
SsSystemResult *ss_system_query_run_finish  (GAsyncResult        *result,
                                             GError             **error);
void            ss_system_result_free       (SsSystemResult      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsSystemQuery, ss_system_query_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsSystemResult, ss_system_result_free)

G_END_DECLS
