/* ss-window.h — the main window: sidebar of sockets, a page each, the calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-application.h"
#include "ss-session.h"
#include "ss-spec.h"

G_BEGIN_DECLS

#define SS_TYPE_WINDOW (ss_window_get_type ())

G_DECLARE_FINAL_TYPE (SsWindow, ss_window, SS, WINDOW, GtkApplicationWindow)

SsWindow  *ss_window_new           (SsApplication *application);
SsSession *ss_window_get_session   (SsWindow      *self);
void       ss_window_open_spec     (SsWindow      *self,
                                    const SsSpec  *spec);
void       ss_window_select_socket (SsWindow      *self,
                                    SsSocket      *socket);
SsSocket  *ss_window_get_selected_socket (SsWindow *self);

G_END_DECLS
