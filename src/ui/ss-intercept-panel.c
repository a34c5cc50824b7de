/* ss-intercept-panel.c — a relay's hold switches, held items and rewrite rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shown on a relay's page and on each of its pairs' pages: the switches
 * and rules are the relay's, for all its pairs, and the held list holds
 * every pair's items (each row names its pair).
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "ss-accessible.h"
#include "ss-held-edit-dialog.h"
#include "ss-intercept-panel.h"
#include "ss-reply-rules-panel.h"

struct _SsInterceptPanel
{
  GtkWidget          parent_instance;

  GtkSwitch         *hold_upstream_switch;
  GtkSwitch         *hold_downstream_switch;
  GtkLabel          *count_label;
  GtkWidget         *forward_all_button;
  GtkListView       *held_view;
  SsReplyRulesPanel *upstream_rules_panel;
  SsReplyRulesPanel *downstream_rules_panel;

  SsRelayIntercept  *intercept;
  GListModel        *held;   /* the relay's held items, or one pair's */
  /* weak: the page's socket owns its page, which owns this panel */
  SsSocket          *pair;
};

G_DEFINE_FINAL_TYPE (SsInterceptPanel, ss_intercept_panel, GTK_TYPE_WIDGET)

static SsHeldItem *
row_item (GtkWidget *button)
{
  /* the buttons' box is inside the row's box */
  GtkWidget *row = gtk_widget_get_parent (gtk_widget_get_parent (button));

  return g_object_get_data (G_OBJECT (row), "held-item");
}

static void
forward_clicked_cb (GtkWidget        *button,
                    SsInterceptPanel *self)
{
  SsHeldItem *item = row_item (button);

  if (item != NULL && self->intercept != NULL)
    ss_relay_intercept_forward (self->intercept, item, NULL);
}

static void
drop_clicked_cb (GtkWidget        *button,
                 SsInterceptPanel *self)
{
  SsHeldItem *item = row_item (button);

  if (item != NULL && self->intercept != NULL)
    ss_relay_intercept_drop (self->intercept, item);
}

static void
edit_clicked_cb (GtkWidget        *button,
                 SsInterceptPanel *self)
{
  SsHeldItem *item = row_item (button);
  GtkWidget *dialog;

  if (item == NULL || self->intercept == NULL)
    return;
  dialog = ss_held_edit_dialog_new (self->intercept, item);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
add_button (GtkWidget        *box,
            const char       *label,
            const char       *tooltip,
            GCallback         callback,
            SsInterceptPanel *self)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", callback, self);
  gtk_box_append (GTK_BOX (box), button);
  return button;
}

static void
setup_cb (GtkListItemFactory *factory,
          GtkListItem        *list_item,
          SsInterceptPanel   *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *header = gtk_label_new (NULL);
  GtkWidget *preview = gtk_label_new (NULL);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 2);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_label_set_ellipsize (GTK_LABEL (header), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (header, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (preview), 0);
  gtk_label_set_ellipsize (GTK_LABEL (preview), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (preview), TRUE);
  gtk_widget_add_css_class (preview, "monospace");
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), preview);
  add_button (buttons, _("Forward"), _("Forward this item as it is (after the items its pair held before it)"),
              G_CALLBACK (forward_clicked_cb), self);
  add_button (buttons, _("Edit…"), _("Change the bytes in the send box’s encodings, then forward them"),
              G_CALLBACK (edit_clicked_cb), self);
  add_button (buttons, _("Drop"), _("Forward nothing of this item: its bytes never reach the other side"),
              G_CALLBACK (drop_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_list_item_set_child (list_item, box);
  /* the buttons take the keyboard, not the row */
  gtk_list_item_set_activatable (list_item, FALSE);
}

static void
show_item (GtkWidget  *box,
           SsHeldItem *item)
{
  GtkWidget *header = gtk_widget_get_first_child (box);
  GtkWidget *preview = gtk_widget_get_next_sibling (header);
  guint64 size = g_bytes_get_size (ss_held_item_get_bytes (item));
  g_autofree char *bytes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " byte", "%" PRIu64 " bytes", size),
                                            size);
  g_autofree char *text = NULL;
  g_autofree char *shown = ss_held_item_dup_preview (item);

  /* TRANSLATORS: a held item: its number, direction, pair (the client's
   * address) and size */
  text = g_strdup_printf (_("%u · %s · %s · %s"), ss_held_item_get_number (item),
                          ss_intercept_direction_name (ss_held_item_get_direction (item)),
                          ss_held_item_get_pair_label (item), bytes);
  if (ss_held_item_get_decision (item) == SS_HELD_FORWARD)
    {
      g_autofree char *waiting = g_strdup_printf (_("%s · forwarded after the items before it"), text);

      g_free (text);
      text = g_steal_pointer (&waiting);
    }
  gtk_label_set_text (GTK_LABEL (header), text);
  gtk_label_set_text (GTK_LABEL (preview), shown);
  gtk_widget_set_tooltip_text (preview, shown);
}

static void
item_changed_cb (SsHeldItem *item,
                 GParamSpec *pspec,
                 GtkWidget  *box)
{
  show_item (box, item);
}

static void
bind_cb (GtkListItemFactory *factory,
         GtkListItem        *list_item,
         SsInterceptPanel   *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  SsHeldItem *item = gtk_list_item_get_item (list_item);

  g_object_set_data (G_OBJECT (box), "held-item", item);
  show_item (box, item);
  g_signal_connect (item, "notify", G_CALLBACK (item_changed_cb), box);
}

static void
unbind_cb (GtkListItemFactory *factory,
           GtkListItem        *list_item,
           SsInterceptPanel   *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  SsHeldItem *item = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (item, item_changed_cb, box);
  g_object_set_data (G_OBJECT (box), "held-item", NULL);
}

static void
update_count (SsInterceptPanel *self)
{
  guint n = g_list_model_get_n_items (self->held);
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup (_("Nothing held"));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u held item", "%u held items", n), n);
  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_sensitive (self->forward_all_button, n > 0);
}

/* On a pair's page only that pair's items go, each in its order. */
static void
forward_all_clicked_cb (SsInterceptPanel *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->intercept == NULL)
    return;
  if (self->held == ss_relay_intercept_get_held (self->intercept))
    {
      ss_relay_intercept_forward_all (self->intercept);
      return;
    }
  /* forwarding changes the list: take the items first */
  for (guint i = 0; i < g_list_model_get_n_items (self->held); i++)
    g_ptr_array_add (items, g_list_model_get_item (self->held, i));
  for (guint i = 0; i < items->len; i++)
    ss_relay_intercept_forward (self->intercept, items->pdata[i], NULL);
}

static gboolean
held_by_pair (gpointer item,
              gpointer user_data)
{
  SsInterceptPanel *self = user_data;

  return self->pair != NULL && ss_socket_relay_holds (self->pair, item);
}

/**
 * ss_intercept_panel_set_intercept:
 * @pair: (nullable): a leg of one of the relay's pairs, on that pair's
 *   page: the held list shows only that pair's items
 *
 * Set once: a page shows one relay's intercept for its whole life.
 */
void
ss_intercept_panel_set_intercept (SsInterceptPanel *self,
                                  SsRelayIntercept *intercept,
                                  SsSocket         *pair)
{
  GListModel *held;

  g_return_if_fail (SS_IS_INTERCEPT_PANEL (self));
  g_return_if_fail (SS_IS_RELAY_INTERCEPT (intercept));
  g_return_if_fail (self->intercept == NULL);

  self->intercept = g_object_ref (intercept);
  g_object_bind_property (intercept, "hold-upstream", self->hold_upstream_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (intercept, "hold-downstream", self->hold_downstream_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  held = ss_relay_intercept_get_held (intercept);
  if (pair != NULL)
    {
      GtkCustomFilter *filter = gtk_custom_filter_new (held_by_pair, self, NULL);

      self->pair = pair;
      g_object_add_weak_pointer (G_OBJECT (pair), (gpointer *) &self->pair);

      self->held = G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (held), GTK_FILTER (filter)));
    }
  else
    self->held = g_object_ref (held);
  gtk_list_view_set_model (self->held_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (self->held))));
  g_signal_connect_object (self->held, "items-changed", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  update_count (self);
  ss_reply_rules_panel_set_rewrite_rules (self->upstream_rules_panel,
                                          ss_relay_intercept_get_rules (intercept, SS_INTERCEPT_UPSTREAM));
  ss_reply_rules_panel_set_rewrite_rules (self->downstream_rules_panel,
                                          ss_relay_intercept_get_rules (intercept, SS_INTERCEPT_DOWNSTREAM));
}

static void
ss_intercept_panel_dispose (GObject *object)
{
  SsInterceptPanel *self = SS_INTERCEPT_PANEL (object);

  if (self->held_view != NULL)
    gtk_list_view_set_model (self->held_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_INTERCEPT_PANEL);
  /* GTK 4.8 unparents only bound template children */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->held);
  g_clear_weak_pointer (&self->pair);
  g_clear_object (&self->intercept);

  G_OBJECT_CLASS (ss_intercept_panel_parent_class)->dispose (object);
}

static void
ss_intercept_panel_class_init (SsInterceptPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_intercept_panel_dispose;

  g_type_ensure (SS_TYPE_REPLY_RULES_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-intercept-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, SsInterceptPanel, hold_upstream_switch);
  gtk_widget_class_bind_template_child (widget_class, SsInterceptPanel, hold_downstream_switch);
  gtk_widget_class_bind_template_child (widget_class, SsInterceptPanel, count_label);
  gtk_widget_class_bind_template_child (widget_class, SsInterceptPanel, forward_all_button);
  gtk_widget_class_bind_template_child (widget_class, SsInterceptPanel, held_view);
  gtk_widget_class_bind_template_child (widget_class, SsInterceptPanel, upstream_rules_panel);
  gtk_widget_class_bind_template_child (widget_class, SsInterceptPanel, downstream_rules_panel);
  gtk_widget_class_bind_template_callback (widget_class, forward_all_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_intercept_panel_init (SsInterceptPanel *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* made by itself, not within a page's template: its own names */
  ss_accessible_repair_names (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->held_view, factory);
}
