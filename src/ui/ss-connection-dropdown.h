/* ss-connection-dropdown.h — "All Connections" or one of a listener's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-drop-down.h"
#include "ss-socket.h"

G_BEGIN_DECLS

void      ss_connection_dropdown_setup        (SsDropDown  *dropdown,
                                               GListModel  *connections);
SsSocket *ss_connection_dropdown_dup_selected (SsDropDown *dropdown);
gboolean  ss_connection_dropdown_select       (SsDropDown  *dropdown,
                                               SsSocket    *connection);

G_END_DECLS
