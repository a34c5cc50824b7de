/* ss-quick-send-bar.c — the payload library as a row of buttons: one
 * click (or Alt+1 … Alt+9) sends a payload
 *
 * The buttons are the library's payloads marked QuickSend, in the
 * library's order (both edited in the Payloads popover). The shortcuts
 * are global to the window but GTK runs them only for a mapped widget:
 * the bar of the page shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-tooltip.h"
#include "ss-application.h"
#include "ss-quick-send-bar.h"

/* Alt+1 … Alt+9 */
#define N_SHORTCUTS 9

struct _SsQuickSendBar
{
  GtkWidget       parent_instance;

  GtkBox         *button_box;

  SsPayloadStore *store;
  GPtrArray      *shown;   /* of SsPayload, a button each */
};

G_DEFINE_FINAL_TYPE (SsQuickSendBar, ss_quick_send_bar, GTK_TYPE_WIDGET)

/* "send" (SsPayload): a button was clicked or its shortcut pressed. */
enum { SEND, N_SIGNALS };

static guint signals[N_SIGNALS];

static void
button_clicked_cb (GtkButton      *button,
                   SsQuickSendBar *self)
{
  guint position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "position"));

  ss_quick_send_bar_send (self, position);
}

static GtkWidget *
make_button (SsQuickSendBar *self,
             SsPayload      *payload,
             guint           position)
{
  const char *name = ss_payload_get_name (payload) != NULL ? ss_payload_get_name (payload) : "";
  GtkWidget *button = gtk_button_new ();
  GtkWidget *label = gtk_label_new (name);
  g_autofree char *tooltip = NULL;
  g_autofree char *accessible = g_strdup_printf (_("Send %s"), name);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
  gtk_button_set_child (GTK_BUTTON (button), label);
  if (position < N_SHORTCUTS)
    /* Translators: a payload's name, then its shortcut's number */
    tooltip = g_strdup_printf (_("Send “%s” (Alt+%u)"), name, position + 1);
  else
    tooltip = g_strdup_printf (_("Send “%s”"), name);
  ss_tooltip_set_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data (G_OBJECT (button), "position", GUINT_TO_POINTER (position));
  g_signal_connect (button, "clicked", G_CALLBACK (button_clicked_cb), self);
  return button;
}

/* The library changed (a payload saved, shown, hidden, moved): the
 * buttons are made again, a handful at most. */
static void
rebuild (SsQuickSendBar *self)
{
  guint n = self->store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;

  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->button_box)));)
    gtk_box_remove (self->button_box, child);
  g_ptr_array_set_size (self->shown, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsPayload) payload = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (!ss_payload_get_quick_send (payload))
        continue;
      gtk_box_append (self->button_box, make_button (self, payload, self->shown->len));
      g_ptr_array_add (self->shown, g_steal_pointer (&payload));
    }
  gtk_widget_set_visible (GTK_WIDGET (self), self->shown->len > 0);
}

static gboolean
shortcut_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  return ss_quick_send_bar_send (SS_QUICK_SEND_BAR (widget), g_variant_get_uint32 (args));
}

static void
ss_quick_send_bar_dispose (GObject *object)
{
  SsQuickSendBar *self = SS_QUICK_SEND_BAR (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), SS_TYPE_QUICK_SEND_BAR);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ss_quick_send_bar_parent_class)->dispose (object);
}

static void
ss_quick_send_bar_class_init (SsQuickSendBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_quick_send_bar_dispose;

  signals[SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SS_TYPE_PAYLOAD);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-quick-send-bar.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, SsQuickSendBar, button_box);
}

static void
ss_quick_send_bar_init (SsQuickSendBar *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GApplication *app = g_application_get_default ();

  self->shown = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < N_SHORTCUTS; i++)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_1 + i, GDK_ALT_MASK),
                                                gtk_callback_action_new (shortcut_cb, NULL, NULL));

      gtk_shortcut_set_arguments (shortcut, g_variant_new_uint32 (i));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), shortcut);
    }
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  if (SS_IS_APPLICATION (app))
    ss_quick_send_bar_set_store (self, ss_application_get_library (SS_APPLICATION (app)));
  else
    rebuild (self);
}

void
ss_quick_send_bar_set_store (SsQuickSendBar *self,
                             SsPayloadStore *store)
{
  g_return_if_fail (SS_IS_QUICK_SEND_BAR (self));
  g_return_if_fail (store == NULL || SS_IS_PAYLOAD_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_swapped (store, "items-changed", G_CALLBACK (rebuild), self);
  rebuild (self);
}

/* How many buttons there are. */
guint
ss_quick_send_bar_get_n_shown (SsQuickSendBar *self)
{
  g_return_val_if_fail (SS_IS_QUICK_SEND_BAR (self), 0);
  return self->shown->len;
}

/* Returns: (transfer none) (nullable): the payload of button @position */
SsPayload *
ss_quick_send_bar_get_shown (SsQuickSendBar *self,
                             guint           position)
{
  g_return_val_if_fail (SS_IS_QUICK_SEND_BAR (self), NULL);
  return position < self->shown->len ? g_ptr_array_index (self->shown, position) : NULL;
}

/* What button @position does; FALSE when there is no such button. */
gboolean
ss_quick_send_bar_send (SsQuickSendBar *self,
                        guint           position)
{
  g_autoptr(SsPayload) payload = NULL;

  g_return_val_if_fail (SS_IS_QUICK_SEND_BAR (self), FALSE);

  if (position >= self->shown->len)
    return FALSE;
  /* the handler may change the library, and so this list */
  payload = g_object_ref (g_ptr_array_index (self->shown, position));
  g_signal_emit (self, signals[SEND], 0, payload);
  return TRUE;
}
