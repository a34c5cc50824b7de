/* ss-accessible.h — accessible names GTK 4.8 gets wrong, set right
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void ss_accessible_repair_names (GtkWidget *root);

G_END_DECLS
