/* ss-text-cell.h — one line of text in a list's cell, sized in characters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SS_TYPE_TEXT_CELL (ss_text_cell_get_type ())

G_DECLARE_FINAL_TYPE (SsTextCell, ss_text_cell, SS, TEXT_CELL, GtkWidget)

GtkWidget  *ss_text_cell_new        (guint       min_chars,
                                     guint       nat_chars,
                                     float       xalign);
void        ss_text_cell_set_text   (SsTextCell *self,
                                     const char *text);
const char *ss_text_cell_get_text   (SsTextCell *self);
void        ss_text_cell_set_ellipsize (SsTextCell        *self,
                                        PangoEllipsizeMode mode);
void        ss_text_cell_set_yalign    (SsTextCell        *self,
                                        float              yalign);

G_END_DECLS
