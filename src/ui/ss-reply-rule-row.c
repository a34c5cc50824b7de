/* ss-reply-rule-row.c — one auto-reply rule, edited in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-accessible.h"
#include "ss-drop-down.h"
#include "ss-reply-rule-row.h"

/* An error quotes the pattern: a pasted megabyte must not become a label
 * (or a tooltip) of a megabyte. */
#define ERROR_CHARS 400

/* What pattern_encoding_dropdown offers, in its order. */
static const SsEncoding pattern_encodings[] = {
  SS_ENCODING_TEXT,
  SS_ENCODING_ESCAPED,
  SS_ENCODING_HEX,
};

/* What reply_encoding_dropdown offers, in its order. */
static const SsEncoding reply_encodings[] = {
  SS_ENCODING_TEXT,
  SS_ENCODING_ESCAPED,
  SS_ENCODING_HEX,
  SS_ENCODING_BASE64,
};

struct _SsReplyRuleRow
{
  GtkListBoxRow  parent_instance;

  GtkSwitch     *enabled_switch;
  GtkLabel      *number_label;
  GtkLabel      *fired_label;
  SsDropDown    *match_dropdown;
  GtkEntry      *pattern_entry;
  SsDropDown    *pattern_encoding_dropdown;
  GtkEntry      *reply_entry;
  SsDropDown    *reply_encoding_dropdown;
  SsDropDown    *line_ending_dropdown;
  GtkLabel      *error_label;
  GtkLabel      *when_label;
  GtkLabel      *reply_label;

  SsReplyRule   *rule;
  /* What the person last chose with the switch: a rule that turns invalid
   * while edited goes off, and on again once it is valid. */
  gboolean       wants_enabled;
  /* Set while the widgets are made to show the rule, so their signals do
   * not write back what they were just given. */
  gboolean       showing;
};

enum {
  PROP_0,
  PROP_RULE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SsReplyRuleRow, ss_reply_rule_row, GTK_TYPE_LIST_BOX_ROW)

static guint
index_of (const SsEncoding *encodings,
          guint             n,
          SsEncoding        encoding)
{
  for (guint i = 0; i < n; i++)
    if (encodings[i] == encoding)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

/* Sets the entry's text only when it differs: setting it again would move
 * the cursor of someone typing in it. */
static void
show_text (GtkEntry   *entry,
           const char *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
show_selected (SsDropDown *dropdown,
               guint       position)
{
  if (ss_drop_down_get_selected (dropdown) != position)
    ss_drop_down_set_selected (dropdown, position);
}

static void
show_fired (SsReplyRuleRow *self)
{
  guint fired = ss_reply_rule_get_fired (self->rule);
  g_autofree char *text = NULL;

  if (fired == 0)
    text = g_strdup (_("not fired yet"));
  else
    /* Translators: how many times an auto-reply rule replied */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "fired %u time", "fired %u times", fired),
                            fired);
  gtk_label_set_text (self->fired_label, text);
}

/* The placeholders say what a pattern and a reply look like in what the
 * dropdowns now say. */
static void
show_placeholders (SsReplyRuleRow *self)
{
  SsPayload *reply = ss_reply_rule_get_reply (self->rule);
  gboolean regex = ss_reply_rule_get_match (self->rule) == SS_MATCH_REGEX;
  const char *pattern_example;
  const char *reply_example;

  if (regex)
    pattern_example = _("e.g. ^GET (\\S+)");
  else if (ss_reply_rule_get_pattern_encoding (self->rule) == SS_ENCODING_HEX)
    pattern_example = _("e.g. 70 69 6e 67");
  else if (ss_reply_rule_get_pattern_encoding (self->rule) == SS_ENCODING_ESCAPED)
    pattern_example = _("e.g. ping\\r\\n");
  else
    pattern_example = _("e.g. ping");

  switch (ss_payload_get_encoding (reply))
    {
    case SS_ENCODING_HEX:
      reply_example = _("e.g. 70 6f 6e 67");
      break;
    case SS_ENCODING_BASE64:
      reply_example = _("e.g. cG9uZw==");
      break;
    case SS_ENCODING_ESCAPED:
      reply_example = regex ? _("e.g. got $1\\r\\n") : _("e.g. pong\\r\\n");
      break;
    case SS_ENCODING_TEXT:
    case SS_ENCODING_FILE:
    case SS_N_ENCODINGS:
    default:
      reply_example = regex ? _("e.g. got $1") : _("e.g. pong");
      break;
    }

  gtk_entry_set_placeholder_text (self->pattern_entry, pattern_example);
  gtk_entry_set_placeholder_text (self->reply_entry, reply_example);
}

/* Checks the rule after any change: an invalid one says why and is off,
 * so it never replies half-made. */
static void
show_check (SsReplyRuleRow *self)
{
  g_autoptr(GError) error = NULL;
  gboolean valid = ss_reply_rule_check (self->rule, &error);
  gboolean showing = self->showing;

  if (!valid)
    {
      g_autofree char *message = NULL;

      if (g_utf8_strlen (error->message, -1) > ERROR_CHARS)
        {
          g_autofree char *start = g_utf8_substring (error->message, 0, ERROR_CHARS);

          message = g_strconcat (start, "…", NULL);
        }
      else
        message = g_strdup (error->message);
      gtk_label_set_text (self->error_label, message);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_label), message);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), !valid);

  self->showing = TRUE;
  ss_reply_rule_set_enabled (self->rule, valid && self->wants_enabled);
  gtk_switch_set_active (self->enabled_switch, ss_reply_rule_get_enabled (self->rule));
  gtk_widget_set_sensitive (GTK_WIDGET (self->enabled_switch), valid);
  self->showing = showing;
}

static void
show_rule (SsReplyRuleRow *self)
{
  SsPayload *reply = ss_reply_rule_get_reply (self->rule);
  gboolean regex = ss_reply_rule_get_match (self->rule) == SS_MATCH_REGEX;

  self->showing = TRUE;
  show_selected (self->match_dropdown, ss_reply_rule_get_match (self->rule));
  show_text (self->pattern_entry, ss_reply_rule_get_pattern (self->rule));
  show_selected (self->pattern_encoding_dropdown,
                 index_of (pattern_encodings, G_N_ELEMENTS (pattern_encodings),
                           ss_reply_rule_get_pattern_encoding (self->rule)));
  /* a regex is always text */
  gtk_widget_set_visible (GTK_WIDGET (self->pattern_encoding_dropdown), !regex);
  show_text (self->reply_entry, ss_payload_get_content (reply));
  show_selected (self->reply_encoding_dropdown,
                 index_of (reply_encodings, G_N_ELEMENTS (reply_encodings),
                           ss_payload_get_encoding (reply)));
  show_selected (self->line_ending_dropdown, ss_payload_get_line_ending (reply));
  show_placeholders (self);
  self->showing = FALSE;

  show_check (self);
}

/* The rule changed, from this row or from elsewhere. */
static void
rule_notify_cb (SsReplyRuleRow *self,
                GParamSpec     *pspec,
                SsReplyRule    *rule)
{
  if (g_str_equal (pspec->name, "fired"))
    {
      show_fired (self);
      return;
    }
  if (g_str_equal (pspec->name, "enabled"))
    {
      /* what this row did itself is already shown */
      if (self->showing)
        return;
      /* turned on or off from elsewhere: that is now the wish */
      self->wants_enabled = ss_reply_rule_get_enabled (rule);
    }
  if (!self->showing)
    show_rule (self);
}

static void
enabled_changed_cb (SsReplyRuleRow *self)
{
  if (self->rule == NULL || self->showing)
    return;
  /* an invalid rule cannot be turned on: the switch goes back off */
  if (ss_reply_rule_check (self->rule, NULL))
    self->wants_enabled = gtk_switch_get_active (self->enabled_switch);
  show_check (self);
}

static void
match_changed_cb (SsReplyRuleRow *self)
{
  guint selected = ss_drop_down_get_selected (self->match_dropdown);

  if (self->rule == NULL || self->showing || selected >= SS_N_MATCHES)
    return;
  ss_reply_rule_set_match (self->rule, selected);
}

static void
pattern_changed_cb (SsReplyRuleRow *self)
{
  if (self->rule == NULL || self->showing)
    return;
  ss_reply_rule_set_pattern (self->rule, gtk_editable_get_text (GTK_EDITABLE (self->pattern_entry)));
}

static void
pattern_encoding_changed_cb (SsReplyRuleRow *self)
{
  guint selected = ss_drop_down_get_selected (self->pattern_encoding_dropdown);

  if (self->rule == NULL || self->showing || selected >= G_N_ELEMENTS (pattern_encodings))
    return;
  ss_reply_rule_set_pattern_encoding (self->rule, pattern_encodings[selected]);
}

/* A payload never changes: an edited reply is a new one. */
static void
reply_changed_cb (SsReplyRuleRow *self)
{
  SsPayload *old;
  g_autoptr(SsPayload) reply = NULL;
  guint encoding = ss_drop_down_get_selected (self->reply_encoding_dropdown);
  guint line_ending = ss_drop_down_get_selected (self->line_ending_dropdown);

  if (self->rule == NULL || self->showing)
    return;

  /* what the dropdowns cannot show (a reply from a file) is kept */
  old = ss_reply_rule_get_reply (self->rule);
  reply = ss_payload_new (NULL,
                          encoding < G_N_ELEMENTS (reply_encodings)
                            ? reply_encodings[encoding] : ss_payload_get_encoding (old),
                          gtk_editable_get_text (GTK_EDITABLE (self->reply_entry)),
                          line_ending < SS_N_LINE_ENDINGS
                            ? (SsLineEnding) line_ending : ss_payload_get_line_ending (old));
  if (!ss_payload_equal (reply, old))
    ss_reply_rule_set_reply (self->rule, reply);
}

static void
remove_clicked_cb (SsReplyRuleRow *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static void
ss_reply_rule_row_constructed (GObject *object)
{
  SsReplyRuleRow *self = SS_REPLY_RULE_ROW (object);

  G_OBJECT_CLASS (ss_reply_rule_row_parent_class)->constructed (object);

  g_assert (SS_IS_REPLY_RULE (self->rule));
  self->wants_enabled = ss_reply_rule_get_enabled (self->rule);
  g_signal_connect_object (self->rule, "notify", G_CALLBACK (rule_notify_cb), self,
                           G_CONNECT_SWAPPED);
  show_rule (self);
  show_fired (self);
}

static void
ss_reply_rule_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SsReplyRuleRow *self = SS_REPLY_RULE_ROW (object);

  switch (prop_id)
    {
    case PROP_RULE:
      g_value_set_object (value, self->rule);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_reply_rule_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SsReplyRuleRow *self = SS_REPLY_RULE_ROW (object);

  switch (prop_id)
    {
    case PROP_RULE:
      self->rule = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_reply_rule_row_dispose (GObject *object)
{
  SsReplyRuleRow *self = SS_REPLY_RULE_ROW (object);

  /* the rule may outlive the row (it is the socket's) */
  if (self->rule != NULL)
    g_signal_handlers_disconnect_by_data (self->rule, self);
  g_clear_object (&self->rule);
  /* GtkListBoxRow unparents its child (the unnamed root box) itself */
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_REPLY_RULE_ROW);

  G_OBJECT_CLASS (ss_reply_rule_row_parent_class)->dispose (object);
}

static void
ss_reply_rule_row_class_init (SsReplyRuleRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ss_reply_rule_row_constructed;
  object_class->dispose = ss_reply_rule_row_dispose;
  object_class->get_property = ss_reply_rule_row_get_property;
  object_class->set_property = ss_reply_rule_row_set_property;

  properties[PROP_RULE] =
    g_param_spec_object ("rule", NULL, NULL, SS_TYPE_REPLY_RULE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SsReplyRuleRow::remove:
   *
   * The person asked to remove the rule; whoever holds the rules does.
   */
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (SS_TYPE_DROP_DOWN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-reply-rule-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, fired_label);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, match_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, pattern_entry);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, pattern_encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, reply_entry);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, reply_encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, line_ending_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, when_label);
  gtk_widget_class_bind_template_child (widget_class, SsReplyRuleRow, reply_label);
  /* for the tests */
  gtk_widget_class_bind_template_child_full (widget_class, "remove_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, enabled_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, match_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pattern_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pattern_encoding_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reply_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
}

static void
ss_reply_rule_row_init (SsReplyRuleRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ss_accessible_repair_names (GTK_WIDGET (self));
}

GtkWidget *
ss_reply_rule_row_new (SsReplyRule *rule)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE (rule), NULL);
  return g_object_new (SS_TYPE_REPLY_RULE_ROW, "rule", rule, NULL);
}

/**
 * ss_reply_rule_row_get_rule:
 *
 * Returns: (transfer none): the rule this row edits
 */
SsReplyRule *
ss_reply_rule_row_get_rule (SsReplyRuleRow *self)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE_ROW (self), NULL);
  return self->rule;
}

/* Its place in the list, the number the traffic log gives it. */
void
ss_reply_rule_row_set_number (SsReplyRuleRow *self,
                              guint           number)
{
  g_autofree char *text = NULL;

  g_return_if_fail (SS_IS_REPLY_RULE_ROW (self));

  /* Translators: an auto-reply rule, as the traffic log names it */
  text = g_strdup_printf (_("Rule %u"), number);
  gtk_label_set_text (self->number_label, text);
}

/* Puts the cursor in the pattern: where a new rule is written first. */
void
ss_reply_rule_row_edit (SsReplyRuleRow *self)
{
  g_return_if_fail (SS_IS_REPLY_RULE_ROW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->pattern_entry));
}

/* The same rule as a relay's rewrite rule: what it matches is replaced
 * by its reply, in the bytes passing through. */
void
ss_reply_rule_row_set_rewrite (SsReplyRuleRow *self)
{
  g_return_if_fail (SS_IS_REPLY_RULE_ROW (self));

  gtk_label_set_text_with_mnemonic (self->when_label, _("When relayed data"));
  gtk_label_set_text (self->reply_label, _("Replace with"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reply_entry),
                               _("What takes the place of what matched, read as the dropdown below says; in a regex rule $1 or ${name} insert what a group matched, and $$ is a $"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->enabled_switch),
                               _("Whether this rule rewrites; a rule that is not valid stays off"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fired_label),
                               _("How many chunks this rule has rewritten"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->match_dropdown),
                               _("Exactly: the whole chunk is replaced; starts with: its start; contains and regex: each match"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reply_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Replace with"), -1);
}
