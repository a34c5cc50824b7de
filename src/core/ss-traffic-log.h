/* ss-traffic-log.h — a socket's bytes and events, compactly stored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-address.h"
#include "ss-traffic-entry.h"

G_BEGIN_DECLS

#define SS_TYPE_TRAFFIC_LOG (ss_traffic_log_get_type ())

/* Payload kept in memory per log unless told otherwise. */
#define SS_TRAFFIC_LOG_DEFAULT_BUDGET ((guint64) 64 * 1024 * 1024)
/* A budget that never evicts. */
#define SS_TRAFFIC_LOG_UNLIMITED      G_MAXUINT64

G_DECLARE_FINAL_TYPE (SsTrafficLog, ss_traffic_log, SS, TRAFFIC_LOG, GObject)

SsTrafficLog *ss_traffic_log_new               (void);
void          ss_traffic_log_append            (SsTrafficLog  *self,
                                                SsTrafficKind  kind,
                                                const guint8  *data,
                                                gsize          len);
void          ss_traffic_log_append_from  (SsTrafficLog    *self,
                                           SsTrafficKind    kind,
                                           const guint8    *data,
                                           gsize            len,
                                           const SsAddress *peer);
void          ss_traffic_log_append_event      (SsTrafficLog  *self,
                                                const char    *format,
                                                ...) G_GNUC_PRINTF (2, 3);
void          ss_traffic_log_flush             (SsTrafficLog  *self);
void          ss_traffic_log_flush_soon        (SsTrafficLog  *self);

guint64       ss_traffic_log_get_bytes         (SsTrafficLog  *self,
                                                SsTrafficKind  kind);
guint64       ss_traffic_log_get_chunks        (SsTrafficLog  *self,
                                                SsTrafficKind  kind);
guint64       ss_traffic_log_get_evicted_bytes (SsTrafficLog  *self,
                                                SsTrafficKind  kind);
GBytes       *ss_traffic_log_dup_payload       (SsTrafficLog  *self,
                                                SsTrafficKind  kind);
GBytes       *ss_traffic_log_dup_payload_full  (SsTrafficLog  *self,
                                                SsTrafficKind  kind,
                                                guint64       *evicted);

guint64       ss_traffic_log_get_budget        (SsTrafficLog  *self);
void          ss_traffic_log_set_budget        (SsTrafficLog  *self,
                                                guint64        bytes);
void          ss_traffic_log_set_counts_only   (SsTrafficLog  *self);
void          ss_traffic_log_get_memory        (SsTrafficLog  *self,
                                                guint64       *payload,
                                                guint64       *overhead);

guint         ss_traffic_log_find              (SsTrafficLog  *self,
                                                const guint8  *needle,
                                                gsize          needle_len,
                                                guint          from,
                                                gboolean       backward,
                                                guint          kinds);
guint         ss_traffic_log_count_kinds       (SsTrafficLog  *self,
                                                guint          kinds,
                                                guint          end);
guint         ss_traffic_log_nth_of_kinds      (SsTrafficLog  *self,
                                                guint          kinds,
                                                guint          n);
void          ss_traffic_log_clear             (SsTrafficLog  *self);

void          ss_traffic_log_set_relayed       (SsTrafficLog  *self,
                                                gboolean       relayed);
gboolean      ss_traffic_log_get_relayed       (SsTrafficLog  *self);
SsTrafficLog *ss_traffic_log_new_merged        (void);
gboolean      ss_traffic_log_is_merged         (SsTrafficLog  *self);
guint         ss_traffic_log_add_source        (SsTrafficLog  *self,
                                                SsTrafficLog  *source,
                                                const char    *label,
                                                gboolean       existing);
guint         ss_traffic_log_get_n_sources     (SsTrafficLog  *self);
SsTrafficLog *ss_traffic_log_get_source        (SsTrafficLog  *self,
                                                guint          source);
const char   *ss_traffic_log_get_source_label  (SsTrafficLog  *self,
                                                guint          source);

G_END_DECLS
