/* ss-tls-panel.h — a socket's TLS: the switch, its options, the handshake's facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-socket.h"
#include "ss-tls-options.h"

G_BEGIN_DECLS

#define SS_TYPE_TLS_PANEL (ss_tls_panel_get_type ())

G_DECLARE_FINAL_TYPE (SsTlsPanel, ss_tls_panel, SS, TLS_PANEL, GtkWidget)

void ss_tls_panel_set_socket     (SsTlsPanel  *self,
                                  SsSocket    *socket);
void ss_tls_panel_set_host_entry (SsTlsPanel  *self,
                                  GtkEditable *entry);
SsTlsOptions *ss_tls_panel_get_options (SsTlsPanel *self);

G_END_DECLS
