/* ss-intercept-panel.h — a relay's hold switches, held items and rewrite rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-relay-intercept.h"

G_BEGIN_DECLS

#define SS_TYPE_INTERCEPT_PANEL (ss_intercept_panel_get_type ())

G_DECLARE_FINAL_TYPE (SsInterceptPanel, ss_intercept_panel, SS, INTERCEPT_PANEL, GtkWidget)

void ss_intercept_panel_set_intercept (SsInterceptPanel *self,
                                       SsRelayIntercept *intercept,
                                       SsSocket         *pair);

G_END_DECLS
