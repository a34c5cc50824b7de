/* ss-follow-tail.h — keep a growing list scrolled to its end, until the person scrolls up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void ss_follow_tail_attach (GtkScrolledWindow *scrolled_window);

G_END_DECLS
