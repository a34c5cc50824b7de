/* ss-held-edit-dialog.c — a held item's bytes in the send box's encodings, forwarded as edited
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "ss-composer.h"
#include "ss-held-edit-dialog.h"

struct _SsHeldEditDialog
{
  GtkWindow         parent_instance;

  GtkLabel         *about_label;
  GtkLabel         *error_label;
  SsComposer       *composer;

  SsRelayIntercept *intercept;
  SsHeldItem       *item;
};

G_DEFINE_FINAL_TYPE (SsHeldEditDialog, ss_held_edit_dialog, GTK_TYPE_WINDOW)

static void
show_error (SsHeldEditDialog *self,
            const char       *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
forward_clicked_cb (SsHeldEditDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  /* forwarded, dropped or gone with its pair while the box was open */
  if (!ss_held_item_is_held (self->item) ||
      ss_held_item_get_decision (self->item) == SS_HELD_FORWARD)
    {
      show_error (self, _("This item is no longer held: it was forwarded, dropped, or its pair closed"));
      return;
    }
  if (ss_composer_get_file (self->composer) != NULL)
    {
      show_error (self, _("A held item is edited as bytes typed in the box, not as a file"));
      return;
    }
  bytes = ss_composer_dup_bytes (self->composer, &error);
  if (bytes == NULL)
    {
      show_error (self, error->message);
      return;
    }
  ss_relay_intercept_forward (self->intercept, self->item, bytes);
  gtk_window_close (GTK_WINDOW (self));
}

static void
ss_held_edit_dialog_dispose (GObject *object)
{
  SsHeldEditDialog *self = SS_HELD_EDIT_DIALOG (object);

  g_clear_object (&self->item);
  g_clear_object (&self->intercept);

  G_OBJECT_CLASS (ss_held_edit_dialog_parent_class)->dispose (object);
}

static void
ss_held_edit_dialog_class_init (SsHeldEditDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_held_edit_dialog_dispose;

  g_type_ensure (SS_TYPE_COMPOSER);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-held-edit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SsHeldEditDialog, about_label);
  gtk_widget_class_bind_template_child (widget_class, SsHeldEditDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SsHeldEditDialog, composer);
  /* for the tests */
  gtk_widget_class_bind_template_child_full (widget_class, "forward_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, forward_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, gtk_window_close);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                (GtkShortcutFunc) forward_clicked_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                (GtkShortcutFunc) forward_clicked_cb, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ss_held_edit_dialog_init (SsHeldEditDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* A window of its own, so the page's send box keeps what is typed in it. */
GtkWidget *
ss_held_edit_dialog_new (SsRelayIntercept *intercept,
                         SsHeldItem       *item)
{
  SsHeldEditDialog *self;
  g_autoptr(SsPayload) payload = NULL;
  g_autofree char *title = NULL;
  g_autofree char *about = NULL;
  guint64 size;

  g_return_val_if_fail (SS_IS_RELAY_INTERCEPT (intercept), NULL);
  g_return_val_if_fail (SS_IS_HELD_ITEM (item), NULL);

  self = g_object_new (SS_TYPE_HELD_EDIT_DIALOG, NULL);
  self->intercept = g_object_ref (intercept);
  self->item = g_object_ref (item);
  size = g_bytes_get_size (ss_held_item_get_bytes (item));
  title = g_strdup_printf (_("Edit Held Item %u"), ss_held_item_get_number (item));
  gtk_window_set_title (GTK_WINDOW (self), title);
  about = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%s from %s, %" PRIu64 " byte held. Change it in any encoding; Forward Edited sends what the preview shows.",
                                        "%s from %s, %" PRIu64 " bytes held. Change them in any encoding; Forward Edited sends what the preview shows.",
                                        size),
                           ss_intercept_direction_name (ss_held_item_get_direction (item)),
                           ss_held_item_get_pair_label (item), size);
  gtk_label_set_text (self->about_label, about);
  payload = ss_payload_new_for_bytes (NULL, ss_held_item_get_bytes (item));
  ss_composer_set_payload (self->composer, payload);
  return GTK_WIDGET (self);
}
