/* ss-preferences-window.h — the Preferences window (Ctrl+,)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SS_TYPE_PREFERENCES_WINDOW (ss_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (SsPreferencesWindow, ss_preferences_window, SS, PREFERENCES_WINDOW, GtkWindow)

SsPreferencesWindow *ss_preferences_window_new (GtkApplication *application);

G_END_DECLS
