/* ss-traffic-view.h — a socket's traffic log as a table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-checksum.h"
#include "ss-framer.h"
#include "ss-framing-box.h"
#include "ss-message-log.h"
#include "ss-socket.h"
#include "ss-traffic-log.h"

G_BEGIN_DECLS

#define SS_TYPE_TRAFFIC_VIEW (ss_traffic_view_get_type ())

G_DECLARE_FINAL_TYPE (SsTrafficView, ss_traffic_view, SS, TRAFFIC_VIEW, GtkWidget)

void ss_traffic_view_set_log (SsTrafficView *self,
                              SsTrafficLog  *log);

void ss_traffic_view_set_show_peer (SsTrafficView *self,
                                    gboolean       show_peer);

SsTrafficEntry *ss_traffic_view_get_selected_entry (SsTrafficView *self);

void      ss_traffic_view_set_connections (SsTrafficView *self,
                                           GListModel    *connections);
SsSocket *ss_traffic_view_dup_connection  (SsTrafficView *self);
gboolean  ss_traffic_view_show_connection (SsTrafficView *self,
                                           SsSocket      *connection);
SsSocket *ss_traffic_view_get_entry_connection (SsTrafficView  *self,
                                                SsTrafficEntry *entry);

void          ss_traffic_view_set_framing  (SsTrafficView      *self,
                                            const SsFramerSpec *spec);
const SsFramerSpec *ss_traffic_view_get_framing (SsTrafficView *self);
void          ss_traffic_view_set_verify   (SsTrafficView      *self,
                                            const SsChecksum   *verify);
const SsChecksum *ss_traffic_view_get_verify (SsTrafficView   *self);
SsFramingBox *ss_traffic_view_get_framing_box (SsTrafficView   *self);
SsMessageLog *ss_traffic_view_get_messages (SsTrafficView      *self);
const char *ss_traffic_view_direction_label (SsTrafficKind kind,
                                             gboolean      relayed);

G_END_DECLS
