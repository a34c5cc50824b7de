/* ss-framing-box.c — how a socket's traffic is split into messages: the
 * Messages popover's content
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-accessible.h"
#include "ss-drop-down.h"
#include "ss-encoding.h"
#include "ss-escape.h"
#include "ss-checksum-chooser.h"
#include "ss-framing-box.h"

/* the pages of options_stack, in SsFramingMode order */
static const char *mode_pages[] = { "none", "delimiter", "fixed", "length", "idle" };
G_STATIC_ASSERT (G_N_ELEMENTS (mode_pages) == SS_N_FRAMINGS);
/* the items of size_dropdown */
static const guint length_sizes[] = { 1, 2, 4 };

struct _SsFramingBox
{
  GtkWidget       parent_instance;

  GtkWidget      *content;
  SsDropDown     *mode_dropdown;
  GtkStack       *options_stack;
  GtkEntry       *delimiter_entry;
  SsDropDown     *delimiter_encoding_dropdown;
  GtkSpinButton  *fixed_spin;
  GtkSpinButton  *offset_spin;
  SsDropDown     *size_dropdown;
  SsDropDown     *order_dropdown;
  GtkCheckButton *counts_header_check;
  GtkSpinButton  *adjustment_spin;
  GtkSpinButton  *idle_spin;
  SsChecksumChooser *verify_chooser;
  GtkLabel       *error_label;
  GtkButton      *apply_button;
};

G_DEFINE_FINAL_TYPE (SsFramingBox, ss_framing_box, GTK_TYPE_WIDGET)

enum { APPLY, N_SIGNALS };

static guint signals[N_SIGNALS];

static void
show_error (SsFramingBox *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
mode_changed_cb (SsFramingBox *self)
{
  guint mode = ss_drop_down_get_selected (self->mode_dropdown);

  gtk_stack_set_visible_child_name (self->options_stack, mode_pages[MIN (mode, SS_N_FRAMINGS - 1)]);
  show_error (self, NULL);
}

/**
 * ss_framing_box_dup_spec_text:
 *
 * Returns: (transfer full) (nullable): the framing chosen, as
 *   ss_framer_spec_parse() reads it; %NULL when it is not valid, and the
 *   box says why
 */
char *
ss_framing_box_dup_spec_text (SsFramingBox *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  SsFramerSpec spec;

  g_return_val_if_fail (SS_IS_FRAMING_BOX (self), NULL);

  switch (ss_drop_down_get_selected (self->mode_dropdown))
    {
    case SS_FRAMING_DELIMITER:
      text = g_strconcat (ss_drop_down_get_selected (self->delimiter_encoding_dropdown) == 1
                          ? "delimiter-hex:" : "delimiter:",
                          gtk_editable_get_text (GTK_EDITABLE (self->delimiter_entry)), NULL);
      break;
    case SS_FRAMING_FIXED:
      text = g_strdup_printf ("fixed:%.0f", gtk_spin_button_get_value (self->fixed_spin));
      break;
    case SS_FRAMING_LENGTH:
      text = g_strdup_printf ("length:offset=%d,size=%u,%s%s,adjust=%d",
                              gtk_spin_button_get_value_as_int (self->offset_spin),
                              length_sizes[MIN (ss_drop_down_get_selected (self->size_dropdown), 2)],
                              ss_drop_down_get_selected (self->order_dropdown) == 1 ? "little" : "big",
                              gtk_check_button_get_active (self->counts_header_check) ? ",counts-header" : "",
                              gtk_spin_button_get_value_as_int (self->adjustment_spin));
      break;
    case SS_FRAMING_IDLE:
      text = g_strdup_printf ("idle:%d", gtk_spin_button_get_value_as_int (self->idle_spin));
      break;
    default:
      text = g_strdup ("none");
      break;
    }

  if (!ss_framer_spec_parse (text, &spec, &error))
    {
      show_error (self, error->message);
      return NULL;
    }
  show_error (self, NULL);
  return g_steal_pointer (&text);
}

/* Shows @spec in the controls, as the person would have set it */
void
ss_framing_box_set_spec (SsFramingBox       *self,
                         const SsFramerSpec *spec)
{
  g_return_if_fail (SS_IS_FRAMING_BOX (self));

  switch (spec->mode)
    {
    case SS_FRAMING_DELIMITER:
      {
        g_autofree char *text = ss_escape_bytes (spec->delimiter, spec->delimiter_len, 0, FALSE);

        ss_drop_down_set_selected (self->delimiter_encoding_dropdown, 0);
        gtk_editable_set_text (GTK_EDITABLE (self->delimiter_entry), text);
      }
      break;
    case SS_FRAMING_FIXED:
      gtk_spin_button_set_value (self->fixed_spin, spec->fixed_length);
      break;
    case SS_FRAMING_LENGTH:
      gtk_spin_button_set_value (self->offset_spin, spec->length_offset);
      ss_drop_down_set_selected (self->size_dropdown, spec->length_size == 1 ? 0 : spec->length_size == 2 ? 1 : 2);
      ss_drop_down_set_selected (self->order_dropdown, spec->big_endian ? 0 : 1);
      gtk_check_button_set_active (self->counts_header_check, spec->counts_header);
      gtk_spin_button_set_value (self->adjustment_spin, spec->adjustment);
      break;
    case SS_FRAMING_IDLE:
      gtk_spin_button_set_value (self->idle_spin, spec->idle_ms);
      break;
    case SS_FRAMING_NONE:
    case SS_N_FRAMINGS:
    default:
      break;
    }
  ss_drop_down_set_selected (self->mode_dropdown, spec->mode);
}

static void
apply_cb (SsFramingBox *self)
{
  g_autofree char *text = ss_framing_box_dup_spec_text (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsChecksum) verify = NULL;

  if (text == NULL)
    return;
  verify = ss_checksum_chooser_dup_checksum (self->verify_chooser, &error);
  if (verify == NULL)
    {
      show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[APPLY], 0, text);
}

/**
 * ss_framing_box_dup_verify:
 *
 * Returns: (transfer full) (nullable): the checksum each message should
 *   end with, or NULL for none
 */
SsChecksum *
ss_framing_box_dup_verify (SsFramingBox *self)
{
  SsChecksum *verify;

  g_return_val_if_fail (SS_IS_FRAMING_BOX (self), NULL);

  verify = ss_checksum_chooser_dup_checksum (self->verify_chooser, NULL);
  if (verify != NULL && ss_checksum_is_none (verify))
    g_clear_pointer (&verify, ss_checksum_free);
  return verify;
}

/* Shows @verify (NULL: none) as the checksum each message should end with */
void
ss_framing_box_set_verify (SsFramingBox     *self,
                           const SsChecksum *verify)
{
  g_return_if_fail (SS_IS_FRAMING_BOX (self));
  ss_checksum_chooser_set_checksum (self->verify_chooser, verify);
}

static void
ss_framing_box_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_FRAMING_BOX);
  G_OBJECT_CLASS (ss_framing_box_parent_class)->dispose (object);
}

static void
ss_framing_box_class_init (SsFramingBoxClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_framing_box_dispose;

  /**
   * SsFramingBox::apply:
   * @spec: the framing chosen, valid, as ss_framer_spec_parse() reads it
   */
  signals[APPLY] = g_signal_new ("apply", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SS_TYPE_CHECKSUM_CHOOSER);
  g_type_ensure (SS_TYPE_DROP_DOWN);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-framing-box.ui");
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, content);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, options_stack);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, delimiter_entry);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, delimiter_encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, fixed_spin);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, offset_spin);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, size_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, order_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, counts_header_check);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, adjustment_spin);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, idle_spin);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, verify_chooser);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, error_label);
  gtk_widget_class_bind_template_child (widget_class, SsFramingBox, apply_button);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_framing_box_init (SsFramingBox *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ss_accessible_repair_names (GTK_WIDGET (self));
  mode_changed_cb (self);
}
