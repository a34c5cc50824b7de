/* ss-file-chooser.h — a modal file chooser and what to do with its file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called once the person accepted a file; @chooser is still there for its
 * choices (gtk_file_chooser_get_choice()). */
typedef void (*SsFileChosenFunc) (gpointer        user_data,
                                  GFile          *file,
                                  GtkFileChooser *chooser);

GtkFileChooser *ss_file_chooser_new  (GtkWidget            *widget,
                                      const char           *title,
                                      GtkFileChooserAction  action,
                                      const char           *accept,
                                      const char           *current_name);
void            ss_file_chooser_show (GtkFileChooser       *chooser,
                                      SsFileChosenFunc      chosen,
                                      gpointer              user_data);
void            ss_file_chooser_show_for_entry (GtkFileChooser *chooser,
                                                GtkEditable    *entry);

G_END_DECLS
