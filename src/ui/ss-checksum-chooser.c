/* ss-checksum-chooser.c — the send box's checksum: an algorithm, and in a
 * popover the range it covers, the byte order or the fixed bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-checksum-chooser.h"
#include "ss-drop-down.h"

struct _SsChecksumChooser
{
  GtkWidget       parent_instance;

  SsDropDown     *kind_dropdown;
  GtkMenuButton  *options_button;
  GtkSpinButton  *from_spin;
  GtkSpinButton  *skip_end_spin;
  SsDropDown     *order_dropdown;
  GtkWidget      *range_grid;
  GtkWidget      *fixed_box;
  GtkEntry       *fixed_entry;
  GtkLabel       *fixed_error_label;

  gboolean        loading;   /* the controls are set, not changed by hand */
};

G_DEFINE_FINAL_TYPE (SsChecksumChooser, ss_checksum_chooser, GTK_TYPE_WIDGET)

/* Emitted on any change of the controls; read the new checksum with
 * ss_checksum_chooser_dup_checksum(). */
enum { CHANGED, N_SIGNALS };

static guint signals[N_SIGNALS];

static SsChecksumKind
get_kind (SsChecksumChooser *self)
{
  guint selected = ss_drop_down_get_selected (self->kind_dropdown);

  return selected < SS_N_CHECKSUMS ? (SsChecksumKind) selected : SS_CHECKSUM_NONE;
}

/* Only the options of the chosen algorithm can be changed. */
static void
update_options (SsChecksumChooser *self)
{
  SsChecksumKind kind = get_kind (self);
  gboolean fixed = kind == SS_CHECKSUM_FIXED;

  gtk_widget_set_sensitive (GTK_WIDGET (self->options_button), kind != SS_CHECKSUM_NONE);
  gtk_widget_set_visible (self->range_grid, !fixed);
  gtk_widget_set_visible (self->fixed_box, fixed);
  gtk_widget_set_sensitive (GTK_WIDGET (self->order_dropdown), ss_checksum_kind_get_width (kind) > 1);
}

static void
emit_changed (SsChecksumChooser *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsChecksum) checksum = NULL;

  if (self->loading)
    return;
  /* the fixed bytes' mistake is said beside them */
  checksum = ss_checksum_chooser_dup_checksum (self, &error);
  gtk_label_set_text (self->fixed_error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->fixed_error_label), error != NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* A new algorithm starts in the byte order its protocols use. */
static void
kind_changed_cb (SsChecksumChooser *self)
{
  SsChecksumKind kind = get_kind (self);

  if (!self->loading)
    {
      self->loading = TRUE;
      ss_drop_down_set_selected (self->order_dropdown, ss_checksum_kind_get_order (kind));
      self->loading = FALSE;
    }
  update_options (self);
  emit_changed (self);
  /* fixed bytes mean nothing until they are typed */
  if (kind == SS_CHECKSUM_FIXED && !self->loading &&
      *gtk_editable_get_text (GTK_EDITABLE (self->fixed_entry)) == '\0')
    gtk_menu_button_popup (self->options_button);
}

static void
ss_checksum_chooser_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_CHECKSUM_CHOOSER);
  /* GTK 4.8 unparents only bound template children */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ss_checksum_chooser_parent_class)->dispose (object);
}

static void
ss_checksum_chooser_class_init (SsChecksumChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_checksum_chooser_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (SS_TYPE_DROP_DOWN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-checksum-chooser.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, SsChecksumChooser, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsChecksumChooser, options_button);
  gtk_widget_class_bind_template_child (widget_class, SsChecksumChooser, from_spin);
  gtk_widget_class_bind_template_child (widget_class, SsChecksumChooser, skip_end_spin);
  gtk_widget_class_bind_template_child (widget_class, SsChecksumChooser, order_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsChecksumChooser, range_grid);
  gtk_widget_class_bind_template_child (widget_class, SsChecksumChooser, fixed_box);
  gtk_widget_class_bind_template_child (widget_class, SsChecksumChooser, fixed_entry);
  gtk_widget_class_bind_template_child (widget_class, SsChecksumChooser, fixed_error_label);
  gtk_widget_class_bind_template_callback (widget_class, kind_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, emit_changed);
}

static void
ss_checksum_chooser_init (SsChecksumChooser *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  for (guint i = 0; i < SS_N_CHECKSUMS; i++)
    gtk_string_list_append (kinds, ss_checksum_kind_get_label (i));

  self->loading = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  ss_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kinds));
  ss_drop_down_set_selected (self->kind_dropdown, SS_CHECKSUM_NONE);
  update_options (self);
  self->loading = FALSE;
}

/**
 * ss_checksum_chooser_dup_checksum:
 *
 * Returns: (transfer full) (nullable): the checksum chosen, or %NULL with
 *   an SS_CHECKSUM_ERROR_PARSE when the fixed bytes are not hex
 */
SsChecksum *
ss_checksum_chooser_dup_checksum (SsChecksumChooser  *self,
                                  GError            **error)
{
  SsChecksumKind kind;
  SsChecksum *checksum;

  g_return_val_if_fail (SS_IS_CHECKSUM_CHOOSER (self), NULL);

  kind = get_kind (self);
  if (kind == SS_CHECKSUM_FIXED)
    {
      g_autofree char *text = g_strconcat ("fixed:", gtk_editable_get_text (GTK_EDITABLE (self->fixed_entry)), NULL);

      return ss_checksum_parse (text, error);
    }
  checksum = ss_checksum_new (kind);
  if (kind == SS_CHECKSUM_NONE)
    return checksum;
  checksum->skip_start = gtk_spin_button_get_value_as_int (self->from_spin);
  checksum->skip_end = gtk_spin_button_get_value_as_int (self->skip_end_spin);
  if (ss_checksum_kind_get_width (kind) > 1)
    checksum->order = ss_drop_down_get_selected (self->order_dropdown) == SS_CHECKSUM_ORDER_LITTLE
                      ? SS_CHECKSUM_ORDER_LITTLE : SS_CHECKSUM_ORDER_BIG;
  return checksum;
}

/* Shows @checksum (NULL: none), without a "changed" signal. */
void
ss_checksum_chooser_set_checksum (SsChecksumChooser *self,
                                  const SsChecksum  *checksum)
{
  SsChecksumKind kind;

  g_return_if_fail (SS_IS_CHECKSUM_CHOOSER (self));

  kind = checksum != NULL ? checksum->kind : SS_CHECKSUM_NONE;
  self->loading = TRUE;
  ss_drop_down_set_selected (self->kind_dropdown, kind);
  if (kind == SS_CHECKSUM_FIXED)
    {
      g_autofree char *text = ss_checksum_to_string (checksum);

      gtk_editable_set_text (GTK_EDITABLE (self->fixed_entry), text + strlen ("fixed:"));
    }
  else if (kind != SS_CHECKSUM_NONE)
    {
      gtk_spin_button_set_value (self->from_spin, checksum->skip_start);
      gtk_spin_button_set_value (self->skip_end_spin, checksum->skip_end);
      ss_drop_down_set_selected (self->order_dropdown, checksum->order);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fixed_error_label), FALSE);
  update_options (self);
  self->loading = FALSE;
}
