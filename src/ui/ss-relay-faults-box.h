/* ss-relay-faults-box.h — a page's faults: a relay's to edit, a relayed pair's to see
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-socket.h"
#include "ss-toxics-panel.h"

G_BEGIN_DECLS

#define SS_TYPE_RELAY_FAULTS_BOX (ss_relay_faults_box_get_type ())

G_DECLARE_FINAL_TYPE (SsRelayFaultsBox, ss_relay_faults_box, SS, RELAY_FAULTS_BOX, GtkWidget)

void           ss_relay_faults_box_set_socket (SsRelayFaultsBox *self,
                                               SsSocket         *socket);
SsToxicsPanel *ss_relay_faults_box_get_panel  (SsRelayFaultsBox *self);

G_END_DECLS
