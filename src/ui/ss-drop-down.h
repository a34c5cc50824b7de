/* ss-drop-down.h — a dropdown whose list is made when it first opens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SS_TYPE_DROP_DOWN (ss_drop_down_get_type ())

G_DECLARE_FINAL_TYPE (SsDropDown, ss_drop_down, SS, DROP_DOWN, GtkWidget)

/* The text an item shows; NULL for a GtkStringObject's string. */
typedef char *(*SsDropDownLabelFunc) (gpointer item);

GtkWidget  *ss_drop_down_new              (GListModel         *model);
GtkWidget  *ss_drop_down_new_from_strings (const char * const *strings);
GListModel *ss_drop_down_get_model        (SsDropDown         *self);
void        ss_drop_down_set_model        (SsDropDown         *self,
                                           GListModel         *model);
guint       ss_drop_down_get_selected     (SsDropDown         *self);
void        ss_drop_down_set_selected     (SsDropDown         *self,
                                           guint               position);
gpointer    ss_drop_down_get_selected_item (SsDropDown        *self);
void        ss_drop_down_set_label_func   (SsDropDown         *self,
                                           SsDropDownLabelFunc label_func);
gboolean    ss_drop_down_get_open         (SsDropDown         *self);
void        ss_drop_down_set_open         (SsDropDown         *self,
                                           gboolean            open);

G_END_DECLS
