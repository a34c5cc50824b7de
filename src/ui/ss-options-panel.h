/* ss-options-panel.h — a socket's options: set one, see what the kernel holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-socket.h"

G_BEGIN_DECLS

#define SS_TYPE_OPTIONS_PANEL (ss_options_panel_get_type ())

G_DECLARE_FINAL_TYPE (SsOptionsPanel, ss_options_panel, SS, OPTIONS_PANEL, GtkWidget)

void ss_options_panel_set_socket (SsOptionsPanel *self,
                                  SsSocket       *socket);
void ss_options_panel_refresh    (SsOptionsPanel *self);

G_END_DECLS
