/* ss-payloads-popover.c — the saved payloads: load, save, delete, import,
 * export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-accessible.h"
#include "ss-tooltip.h"
#include "ss-file-chooser.h"
#include "ss-payloads-popover.h"

struct _SsPayloadsPopover
{
  GtkPopover      parent_instance;

  GtkListView    *list_view;
  GtkLabel       *empty_label;
  GtkLabel       *error_label;
  GtkEntry       *name_entry;

  SsPayloadStore *store;
};

G_DEFINE_FINAL_TYPE (SsPayloadsPopover, ss_payloads_popover, GTK_TYPE_POPOVER)

enum { CHOSEN, SAVE, N_SIGNALS };

static guint signals[N_SIGNALS];

void
ss_payloads_popover_show_error (SsPayloadsPopover *self,
                                const char        *message)
{
  g_return_if_fail (SS_IS_PAYLOADS_POPOVER (self));

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_empty (SsPayloadsPopover *self)
{
  guint n = self->store ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n == 0);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->list_view)), n > 0);
}

/* A broken file is said each time the list is opened: it is why the list
 * is empty, and why saving is refused. */
static void
show_cb (SsPayloadsPopover *self)
{
  g_autoptr(GError) error = NULL;

  ss_payloads_popover_show_error (self, NULL);
  if (self->store != NULL && ss_payload_store_get_broken (self->store) &&
      !ss_payload_store_save (self->store, &error))
    ss_payloads_popover_show_error (self, error->message);
}

static void
row_activated_cb (SsPayloadsPopover *self,
                  guint              position)
{
  g_autoptr(SsPayload) payload = g_list_model_get_item (G_LIST_MODEL (self->store), position);

  if (payload != NULL)
    g_signal_emit (self, signals[CHOSEN], 0, payload);
}

static void
save_cb (SsPayloadsPopover *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));

  ss_payloads_popover_show_error (self, NULL);
  g_signal_emit (self, signals[SAVE], 0, name);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
}

/* Where @payload is in the store, or -1. */
static int
find_payload (SsPayloadsPopover *self,
              SsPayload         *payload)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsPayload) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (item == payload)
        return i;
    }
  return -1;
}

static void
save_store (SsPayloadsPopover *self)
{
  g_autoptr(GError) error = NULL;

  if (!ss_payload_store_save (self->store, &error))
    ss_payloads_popover_show_error (self, error->message);
}

static void
delete_clicked_cb (GtkButton         *button,
                   SsPayloadsPopover *self)
{
  int position = find_payload (self, g_object_get_data (G_OBJECT (button), "payload"));

  if (position >= 0)
    ss_payload_store_remove (self->store, position);
  save_store (self);
}

/* Shown as a quick-send button, or not: kept in the file. */
static void
quick_send_toggled_cb (GtkCheckButton    *check,
                       SsPayloadsPopover *self)
{
  SsPayload *payload = g_object_get_data (G_OBJECT (check), "payload");
  g_autoptr(SsPayload) changed = NULL;

  if (payload == NULL || find_payload (self, payload) < 0 ||
      ss_payload_get_quick_send (payload) == gtk_check_button_get_active (check))
    return;
  changed = ss_payload_copy_as (payload, ss_payload_get_name (payload), gtk_check_button_get_active (check));
  ss_payload_store_put (self->store, changed);
  save_store (self);
}

/* Up and down: the order of the list, and of the quick-send buttons. */
static void
move_clicked_cb (GtkButton         *button,
                 SsPayloadsPopover *self)
{
  int position = find_payload (self, g_object_get_data (G_OBJECT (button), "payload"));
  int step = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "step"));
  int n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  if (position < 0 || position + step < 0 || position + step >= n)
    return;
  ss_payload_store_move (self->store, position, position + step);
  save_store (self);
}

gboolean
ss_payloads_popover_import (SsPayloadsPopover *self,
                            const char        *path)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (SS_IS_PAYLOADS_POPOVER (self), FALSE);

  ss_payloads_popover_show_error (self, NULL);
  if (ss_payload_store_get_broken (self->store))
    ss_payload_store_save (self->store, &error);
  else if (ss_payload_store_import (self->store, path, &error) > 0 || error == NULL)
    ss_payload_store_save (self->store, &error);
  if (error != NULL)
    {
      ss_payloads_popover_show_error (self, error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
ss_payloads_popover_export (SsPayloadsPopover *self,
                            const char        *path)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (SS_IS_PAYLOADS_POPOVER (self), FALSE);

  ss_payloads_popover_show_error (self, NULL);
  if (!ss_payload_store_export (self->store, path, &error))
    {
      ss_payloads_popover_show_error (self, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
file_chosen_cb (gpointer        user_data,
                GFile          *file,
                GtkFileChooser *chooser)
{
  SsPayloadsPopover *self = user_data;
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL)
    ss_payloads_popover_show_error (self, _("Only local files can be used"));
  else if (gtk_file_chooser_get_action (chooser) == GTK_FILE_CHOOSER_ACTION_SAVE)
    ss_payloads_popover_export (self, path);
  else
    ss_payloads_popover_import (self, path);
}

static void
choose_file (SsPayloadsPopover    *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept)
{
  const char *name = action == GTK_FILE_CHOOSER_ACTION_SAVE ? "payloads.ini" : NULL;

  ss_file_chooser_show (ss_file_chooser_new (GTK_WIDGET (self), title, action, accept, name),
                        file_chosen_cb, self);
}

static void
import_cb (SsPayloadsPopover *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
  choose_file (self, _("Import Payloads"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"));
}

static void
export_cb (SsPayloadsPopover *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
  choose_file (self, _("Export Payloads"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));
}

static GtkWidget *
make_icon_button (const char        *icon,
                  const char        *tooltip,
                  const char        *label,
                  GCallback          clicked,
                  SsPayloadsPopover *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "flat");
  ss_tooltip_set_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (button, "clicked", clicked, self);
  return button;
}

/* A row: the name, the encoding, whether it is a quick-send button, up,
 * down, delete. */
static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              SsPayloadsPopover        *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *encoding = gtk_label_new (NULL);
  GtkWidget *quick_send = gtk_check_button_new ();
  GtkWidget *up, *down;

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (encoding, "dim-label");
  ss_tooltip_set_text (quick_send, _("Show as a quick-send button on the socket pages"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (quick_send),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Quick-send button"),
                                  -1);
  g_signal_connect (quick_send, "toggled", G_CALLBACK (quick_send_toggled_cb), self);
  up = make_icon_button ("go-up-symbolic", _("Move up: earlier in the list and among the buttons"),
                         _("Move Payload Up"), G_CALLBACK (move_clicked_cb), self);
  g_object_set_data (G_OBJECT (up), "step", GINT_TO_POINTER (-1));
  down = make_icon_button ("go-down-symbolic", _("Move down: later in the list and among the buttons"),
                           _("Move Payload Down"), G_CALLBACK (move_clicked_cb), self);
  g_object_set_data (G_OBJECT (down), "step", GINT_TO_POINTER (1));
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), encoding);
  gtk_box_append (GTK_BOX (box), quick_send);
  gtk_box_append (GTK_BOX (box), up);
  gtk_box_append (GTK_BOX (box), down);
  gtk_box_append (GTK_BOX (box),
                  make_icon_button ("user-trash-symbolic", _("Delete this payload"), _("Delete Payload"),
                                    G_CALLBACK (delete_clicked_cb), self));
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             SsPayloadsPopover        *self)
{
  SsPayload *payload = gtk_list_item_get_item (item);
  GtkWidget *name = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *encoding = gtk_widget_get_next_sibling (name);
  GtkWidget *quick_send = gtk_widget_get_next_sibling (encoding);
  const char *content = ss_payload_get_content (payload);
  /* the first 200 characters: the content may be megabytes */
  g_autofree char *preview = g_utf8_substring (content, 0, MIN (g_utf8_strlen (content, 800), 200));
  const SsChecksum *checksum = ss_payload_get_checksum (payload);
  g_autofree char *kind = NULL;

  gtk_label_set_text (GTK_LABEL (name), ss_payload_get_name (payload));
  ss_tooltip_set_text (name, preview);
  if (ss_checksum_is_none (checksum))
    kind = g_strdup (ss_encoding_to_string (ss_payload_get_encoding (payload)));
  else
    kind = g_strdup_printf ("%s + %s", ss_encoding_to_string (ss_payload_get_encoding (payload)),
                            ss_checksum_kind_to_string (checksum->kind));
  gtk_label_set_text (GTK_LABEL (encoding), kind);
  /* set before the payload is known, so the toggle changes nothing */
  g_object_set_data (G_OBJECT (quick_send), "payload", NULL);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (quick_send), ss_payload_get_quick_send (payload));
  for (GtkWidget *child = quick_send; child != NULL; child = gtk_widget_get_next_sibling (child))
    g_object_set_data (G_OBJECT (child), "payload", payload);
}

static void
ss_payloads_popover_dispose (GObject *object)
{
  SsPayloadsPopover *self = SS_PAYLOADS_POPOVER (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ss_payloads_popover_parent_class)->dispose (object);
}

static void
ss_payloads_popover_class_init (SsPayloadsPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_payloads_popover_dispose;

  signals[CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SS_TYPE_PAYLOAD);
  signals[SAVE] =
    g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-payloads-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, SsPayloadsPopover, list_view);
  gtk_widget_class_bind_template_child (widget_class, SsPayloadsPopover, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SsPayloadsPopover, error_label);
  gtk_widget_class_bind_template_child (widget_class, SsPayloadsPopover, name_entry);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_cb);
}

static void
ss_payloads_popover_init (SsPayloadsPopover *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* made by itself, not within a page's template: its own names */
  ss_accessible_repair_names (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  g_signal_connect (self, "show", G_CALLBACK (show_cb), NULL);
  update_empty (self);
}

void
ss_payloads_popover_set_store (SsPayloadsPopover *self,
                               SsPayloadStore    *store)
{
  g_return_if_fail (SS_IS_PAYLOADS_POPOVER (self));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  {
    g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (store)));

    gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  }
  g_signal_connect_swapped (store, "items-changed", G_CALLBACK (update_empty), self);
  update_empty (self);
}

void
ss_payloads_popover_focus_name (SsPayloadsPopover *self)
{
  g_return_if_fail (SS_IS_PAYLOADS_POPOVER (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}
