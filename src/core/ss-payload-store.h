/* ss-payload-store.h — a list of payloads kept in a text file a person can
 * edit: the payload library, and the send history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-payload.h"

G_BEGIN_DECLS

#define SS_TYPE_PAYLOAD_STORE (ss_payload_store_get_type ())

G_DECLARE_FINAL_TYPE (SsPayloadStore, ss_payload_store, SS, PAYLOAD_STORE, GObject)

/* A GListModel of SsPayload, in file order. */
SsPayloadStore *ss_payload_store_new          (const char      *path);
const char     *ss_payload_store_get_path     (SsPayloadStore  *self);
gboolean        ss_payload_store_load         (SsPayloadStore  *self,
                                               GError         **error);
gboolean        ss_payload_store_get_broken   (SsPayloadStore  *self);
gboolean        ss_payload_store_save         (SsPayloadStore  *self,
                                               GError         **error);
SsPayload      *ss_payload_store_lookup       (SsPayloadStore  *self,
                                               const char      *name);
void            ss_payload_store_put          (SsPayloadStore  *self,
                                               SsPayload       *payload);
void            ss_payload_store_remember     (SsPayloadStore  *self,
                                               SsPayload       *payload,
                                               guint            limit);
void            ss_payload_store_remove       (SsPayloadStore  *self,
                                               guint            position);
void            ss_payload_store_move         (SsPayloadStore  *self,
                                               guint            from,
                                               guint            to);
guint           ss_payload_store_import       (SsPayloadStore  *self,
                                               const char      *path,
                                               GError         **error);
gboolean        ss_payload_store_export       (SsPayloadStore  *self,
                                               const char      *path,
                                               GError         **error);

GListStore     *ss_payload_store_get_sequences (SsPayloadStore *self);

char           *ss_payload_store_dup_default_path (const char  *basename);

G_END_DECLS
