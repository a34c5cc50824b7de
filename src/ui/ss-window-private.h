/* ss-window-private.h — what ss-window.c and its Export action share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-window.h"

G_BEGIN_DECLS

void ss_window_show_error            (SsWindow   *self,
                                      const char *message);
void ss_window_export_script_action  (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter);

G_END_DECLS
