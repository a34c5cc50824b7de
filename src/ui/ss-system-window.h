/* ss-system-window.h — System Sockets (Ctrl+Shift+S): every socket of the machine, live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SS_TYPE_SYSTEM_WINDOW (ss_system_window_get_type ())

G_DECLARE_FINAL_TYPE (SsSystemWindow, ss_system_window, SS, SYSTEM_WINDOW, GtkWindow)

SsSystemWindow *ss_system_window_new         (GtkApplication *application);
GListModel     *ss_system_window_get_rows    (SsSystemWindow *self);
gboolean        ss_system_window_get_busy    (SsSystemWindow *self);
const char     *ss_system_window_get_message (SsSystemWindow *self);
gboolean        ss_system_window_write_csv   (SsSystemWindow *self,
                                              GFile          *file,
                                              GError        **error);

G_END_DECLS
