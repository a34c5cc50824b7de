/* ss-traffic-entry.h — one row of a traffic log, made on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  SS_TRAFFIC_RECEIVED,
  SS_TRAFFIC_SENT,
  SS_TRAFFIC_EVENT,
} SsTrafficKind;

/* What a message (a row of framed traffic, see SsMessageLog) is besides
 * its bytes. */
typedef enum
{
  SS_MESSAGE_INCOMPLETE = 1 << 2,  /* its end has not arrived yet */
  SS_MESSAGE_CAPPED     = 1 << 3,  /* cut at the memory budget, or the rest of one that was */
  SS_MESSAGE_SHORT      = 1 << 4,  /* its length field declared less than its header */
  SS_MESSAGE_EVICTED    = 1 << 5,  /* bytes no longer in memory: framing starts again after */
  SS_MESSAGE_GOOD       = 1 << 6,  /* its check (a checksum) passed */
  SS_MESSAGE_BAD        = 1 << 7,  /* its check failed */
  SS_MESSAGE_FRAMED     = 1 << 8,  /* a message at all, not a chunk */
} SsMessageFlags;

#define SS_TYPE_TRAFFIC_KIND  (ss_traffic_kind_get_type ())
#define SS_TYPE_TRAFFIC_ENTRY (ss_traffic_entry_get_type ())

GType ss_traffic_kind_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (SsTrafficEntry, ss_traffic_entry, SS, TRAFFIC_ENTRY, GObject)

SsTrafficEntry *ss_traffic_entry_new         (SsTrafficKind   kind,
                                              gint64          time,
                                              GBytes         *bytes);
SsTrafficEntry *ss_traffic_entry_new_evicted (SsTrafficKind   kind,
                                              gint64          time,
                                              gsize           length);
SsTrafficKind   ss_traffic_entry_get_kind    (SsTrafficEntry *self);
gint64          ss_traffic_entry_get_time    (SsTrafficEntry *self);
GBytes         *ss_traffic_entry_get_bytes   (SsTrafficEntry *self);
gsize           ss_traffic_entry_get_length  (SsTrafficEntry *self);
gboolean        ss_traffic_entry_get_evicted (SsTrafficEntry *self);
char           *ss_traffic_entry_dup_text    (SsTrafficEntry *self,
                                              gsize           max_len);
char           *ss_traffic_entry_dup_note    (SsTrafficEntry *self);

void            ss_traffic_entry_set_peer   (SsTrafficEntry *self,
                                             const char     *peer);
const char     *ss_traffic_entry_get_peer   (SsTrafficEntry *self);
void            ss_traffic_entry_set_source (SsTrafficEntry *self,
                                             guint           source);
guint           ss_traffic_entry_get_source (SsTrafficEntry *self);
void            ss_traffic_entry_set_message (SsTrafficEntry *self,
                                              guint           flags,
                                              guint           first_chunk,
                                              guint           n_chunks);
guint           ss_traffic_entry_get_message_flags (SsTrafficEntry *self);
guint           ss_traffic_entry_get_first_chunk   (SsTrafficEntry *self);
guint           ss_traffic_entry_get_n_chunks      (SsTrafficEntry *self);
void            ss_traffic_entry_set_relayed (SsTrafficEntry *self,
                                              gboolean        relayed);
gboolean        ss_traffic_entry_get_relayed (SsTrafficEntry *self);

G_END_DECLS
