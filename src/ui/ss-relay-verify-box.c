/* ss-relay-verify-box.c — how a TLS relay's target leg verifies the target: a CA file, or any certificate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's counterpart of the command line's --cafile and --insecure
 * for a relay made in New Socket's Relay section: it says what the
 * relay's spec carries (ss_relay_verify_box_apply()); the session makes
 * the relay's target leg with it.
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-file-chooser.h"
#include "ss-relay-verify-box.h"

struct _SsRelayVerifyBox
{
  GtkWidget    parent_instance;

  GtkEditable *cafile_entry;
  GtkSwitch   *insecure_switch;
  GtkWidget   *insecure_warning;
};

G_DEFINE_FINAL_TYPE (SsRelayVerifyBox, ss_relay_verify_box, GTK_TYPE_WIDGET)

static void
choose_clicked_cb (SsRelayVerifyBox *self)
{
  GtkFileChooser *chooser = ss_file_chooser_new (GTK_WIDGET (self), _("Choose the Target’s CA File"),
                                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), NULL);
  GtkFileFilter *pem = gtk_file_filter_new ();
  GtkFileFilter *all = gtk_file_filter_new ();

  gtk_file_filter_set_name (pem, _("PEM certificates"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_pattern (pem, "*.cer");
  gtk_file_chooser_add_filter (chooser, pem);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, all);
  g_object_unref (pem);
  g_object_unref (all);
  ss_file_chooser_show_for_entry (chooser, self->cafile_entry);
}

static void
insecure_changed_cb (SsRelayVerifyBox *self)
{
  gboolean insecure = gtk_switch_get_active (self->insecure_switch);

  gtk_widget_set_visible (self->insecure_warning, insecure);
  /* a CA file means nothing to a relay that accepts any certificate */
  gtk_widget_set_sensitive (GTK_WIDGET (self->cafile_entry), !insecure);
}

/**
 * ss_relay_verify_box_apply:
 * @spec: a relay's spec that speaks TLS to its target
 *
 * Gives @spec the choice made here: the CA file typed or chosen (none:
 * the command line's --cafile, or the system's CAs), and whether any
 * certificate is accepted.
 */
void
ss_relay_verify_box_apply (SsRelayVerifyBox *self,
                           SsSpec           *spec)
{
  g_autofree char *cafile = NULL;

  g_return_if_fail (SS_IS_RELAY_VERIFY_BOX (self));
  g_return_if_fail (spec != NULL);

  cafile = g_strstrip (g_strdup (gtk_editable_get_text (self->cafile_entry)));
  spec->target_verify_chosen = TRUE;
  spec->target_insecure = gtk_switch_get_active (self->insecure_switch);
  g_free (spec->target_cafile);
  spec->target_cafile = *cafile != '\0' && !spec->target_insecure ? g_steal_pointer (&cafile) : NULL;
}

static void
ss_relay_verify_box_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_RELAY_VERIFY_BOX);
  /* GTK 4.8 unparents only bound template children, not the root box */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ss_relay_verify_box_parent_class)->dispose (object);
}

static void
ss_relay_verify_box_class_init (SsRelayVerifyBoxClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_relay_verify_box_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-relay-verify-box.ui");
  gtk_widget_class_bind_template_child (widget_class, SsRelayVerifyBox, cafile_entry);
  gtk_widget_class_bind_template_child (widget_class, SsRelayVerifyBox, insecure_switch);
  gtk_widget_class_bind_template_child (widget_class, SsRelayVerifyBox, insecure_warning);
  /* for the tests */
  gtk_widget_class_bind_template_child_full (widget_class, "choose_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, insecure_changed_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_relay_verify_box_init (SsRelayVerifyBox *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  insecure_changed_cb (self);
}
