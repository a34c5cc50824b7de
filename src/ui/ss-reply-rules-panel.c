/* ss-reply-rules-panel.c — a socket's auto-reply rules: add, edit, remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-reply-rule-row.h"
#include "ss-reply-rules-panel.h"

struct _SsReplyRulesPanel
{
  GtkWidget   parent_instance;

  GtkListBox *rules_list;
  GtkLabel   *intro_label;
  GtkLabel   *empty_label;
  GtkWidget  *add_button;

  GListStore *rules;
  gboolean    rewrite;
};

G_DEFINE_FINAL_TYPE (SsReplyRulesPanel, ss_reply_rules_panel, GTK_TYPE_WIDGET)

static void
row_remove_cb (SsReplyRulesPanel *self,
               SsReplyRuleRow    *row)
{
  guint position;

  if (g_list_store_find (self->rules, ss_reply_rule_row_get_rule (row), &position))
    g_list_store_remove (self->rules, position);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  SsReplyRulesPanel *self = user_data;
  GtkWidget *row = ss_reply_rule_row_new (item);

  g_signal_connect_object (row, "remove", G_CALLBACK (row_remove_cb), self, G_CONNECT_SWAPPED);
  if (self->rewrite)
    ss_reply_rule_row_set_rewrite (SS_REPLY_RULE_ROW (row));
  return row;
}

/* Rows are numbered as the traffic log numbers the rules that fire. */
static void
renumber (SsReplyRulesPanel *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->rules_list, i)) != NULL; i++)
    ss_reply_rule_row_set_number (SS_REPLY_RULE_ROW (row), i + 1);
}

static void
add_clicked_cb (SsReplyRulesPanel *self)
{
  g_autoptr(SsPayload) reply = ss_payload_new (NULL, SS_ENCODING_TEXT, "", SS_LINE_ENDING_NONE);
  g_autoptr(SsReplyRule) rule = NULL;
  GtkListBoxRow *row;

  if (self->rules == NULL)
    return;

  /* off: an empty "contains" matches everything, and must not answer
   * before the person has written what it is for */
  rule = ss_reply_rule_new (SS_MATCH_CONTAINS, SS_ENCODING_TEXT, "", reply);
  ss_reply_rule_set_enabled (rule, FALSE);
  g_list_store_append (self->rules, rule);

  row = gtk_list_box_get_row_at_index (self->rules_list,
                                       g_list_model_get_n_items (G_LIST_MODEL (self->rules)) - 1);
  if (row != NULL)
    ss_reply_rule_row_edit (SS_REPLY_RULE_ROW (row));
}

/**
 * ss_reply_rules_panel_set_rules:
 * @rules: a GListStore of SsReplyRule, which the panel edits in place
 *
 * Set once: a page shows one socket's rules for its whole life.
 */
void
ss_reply_rules_panel_set_rules (SsReplyRulesPanel *self,
                                GListStore        *rules)
{
  g_return_if_fail (SS_IS_REPLY_RULES_PANEL (self));
  g_return_if_fail (G_IS_LIST_STORE (rules));
  g_return_if_fail (g_list_model_get_item_type (G_LIST_MODEL (rules)) == SS_TYPE_REPLY_RULE);
  g_return_if_fail (self->rules == NULL);

  self->rules = g_object_ref (rules);
  gtk_list_box_bind_model (self->rules_list, G_LIST_MODEL (rules), create_row, self, NULL);
  /* after the list box's own handler, so the rows are there */
  g_signal_connect_object (rules, "items-changed", G_CALLBACK (renumber), self, G_CONNECT_SWAPPED);
  renumber (self);
}

/**
 * ss_reply_rules_panel_set_rewrite_rules:
 * @rules: a relay direction's rewrite rules (GListStore of SsReplyRule)
 *
 * The panel for rules that rewrite relayed bytes instead of replying.
 */
void
ss_reply_rules_panel_set_rewrite_rules (SsReplyRulesPanel *self,
                                        GListStore        *rules)
{
  g_return_if_fail (SS_IS_REPLY_RULES_PANEL (self));

  self->rewrite = TRUE;
  gtk_label_set_text (self->intro_label,
                      _("What matches is replaced in the relayed bytes, one chunk (one recv()) at a time. Every rule is tried in order on what the ones before left; each change is a line in the pair’s log. $1 or ${name} in the replacement insert a regex capture."));
  gtk_label_set_text (self->empty_label, _("No rules: bytes pass as they are"));
  gtk_widget_set_tooltip_text (self->add_button,
                               _("Add a rule at the end; it starts off, so it rewrites only once you turn it on"));
  ss_reply_rules_panel_set_rules (self, rules);
}

static void
ss_reply_rules_panel_dispose (GObject *object)
{
  SsReplyRulesPanel *self = SS_REPLY_RULES_PANEL (object);

  if (self->rules != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->rules, self);
      gtk_list_box_bind_model (self->rules_list, NULL, NULL, NULL, NULL);
      g_clear_object (&self->rules);
    }
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_REPLY_RULES_PANEL);
  /* GTK 4.8 unparents only bound template children: the unnamed root box
   * is still here (a "still has children left" warning at finalize) */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ss_reply_rules_panel_parent_class)->dispose (object);
}

static void
ss_reply_rules_panel_class_init (SsReplyRulesPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_reply_rules_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-reply-rules-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, SsReplyRulesPanel, rules_list);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRulesPanel, intro_label);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRulesPanel, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRulesPanel, add_button);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_reply_rules_panel_init (SsReplyRulesPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
