/* ss-file-chooser.c — a modal file chooser and what to do with its file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-file-chooser.h"

typedef struct
{
  SsFileChosenFunc chosen;
  gpointer         user_data;
  GDestroyNotify   destroy;   /* of user_data, once answered */
} Chosen;

static void
response_cb (GtkNativeDialog *dialog,
             int              response,
             Chosen          *chosen)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        chosen->chosen (chosen->user_data, file, GTK_FILE_CHOOSER (dialog));
    }
  if (chosen->destroy != NULL)
    chosen->destroy (chosen->user_data);
  g_free (chosen);
  g_object_unref (dialog);
}

/**
 * ss_file_chooser_new:
 * @widget: the chooser is modal over its window
 * @current_name: (nullable): the name proposed when saving
 *
 * Returns: (transfer full): the chooser, to set up further and then
 *   give to ss_file_chooser_show(), which owns it from then on
 */
GtkFileChooser *
ss_file_chooser_new (GtkWidget            *widget,
                     const char           *title,
                     GtkFileChooserAction  action,
                     const char           *accept,
                     const char           *current_name)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         action, accept, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (current_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), current_name);
  return GTK_FILE_CHOOSER (chooser);
}

static void
show (GtkFileChooser   *chooser,
      SsFileChosenFunc  chosen,
      gpointer          user_data,
      GDestroyNotify    destroy)
{
  Chosen *closure = g_new (Chosen, 1);

  closure->chosen = chosen;
  closure->user_data = user_data;
  closure->destroy = destroy;
  g_signal_connect (chooser, "response", G_CALLBACK (response_cb), closure);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
ss_file_chooser_show (GtkFileChooser   *chooser,
                      SsFileChosenFunc  chosen,
                      gpointer          user_data)
{
  show (chooser, chosen, user_data, NULL);
}

static void
fill_entry (gpointer        user_data,
            GFile          *file,
            GtkFileChooser *chooser)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    gtk_editable_set_text (GTK_EDITABLE (user_data), path);
}

/**
 * ss_file_chooser_show_for_entry:
 * @entry: where the chosen file's path goes
 *
 * As ss_file_chooser_show(), for the "Choose…" button beside an entry.
 */
void
ss_file_chooser_show_for_entry (GtkFileChooser *chooser,
                                GtkEditable    *entry)
{
  show (chooser, fill_entry, g_object_ref (entry), g_object_unref);
}
