/* ss-tls-options.c — the TLS options popover: SNI, ALPN, versions, files
 *
 * Made when its button first opens it, or when an error must be shown in
 * it: most pages never show it, and its entries and dropdowns were the
 * largest part of a page's TLS panel. Until then the options are the
 * ones a new popover shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include "ss-drop-down.h"
#include "ss-tls-options.h"

struct _SsTlsOptions
{
  GtkPopover      parent_instance;

  GtkCheckButton *sni_check;
  GtkEditable    *sni_entry;
  GtkEditable    *alpn_entry;
  SsDropDown     *min_dropdown;
  SsDropDown     *max_dropdown;
  GtkEditable    *cafile_entry;
  GtkEditable    *cert_entry;
  GtkEditable    *key_entry;
  GtkCheckButton *insecure_check;
  GtkCheckButton *request_cert_check;
  GtkLabel       *options_error_label;
};

G_DEFINE_FINAL_TYPE (SsTlsOptions, ss_tls_options, GTK_TYPE_POPOVER)

enum { APPLY, N_SIGNALS };
static guint signals[N_SIGNALS];

/* the versions' dropdowns: Any, TLS 1.2, TLS 1.3 */
static const int versions[] = { 0, SS_TLS_VERSION_1_2, SS_TLS_VERSION_1_3 };

static void
apply_clicked_cb (SsTlsOptions *self)
{
  g_signal_emit (self, signals[APPLY], 0);
}

static void
ss_tls_options_class_init (SsTlsOptionsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* Apply: check the files, and use the options if TLS is on */
  signals[APPLY] = g_signal_new ("apply", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (SS_TYPE_DROP_DOWN);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-tls-options.ui");
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, sni_check);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, sni_entry);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, alpn_entry);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, min_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, max_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, cafile_entry);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, cert_entry);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, key_entry);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, insecure_check);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, request_cert_check);
  gtk_widget_class_bind_template_child (widget_class, SsTlsOptions, options_error_label);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
}

static void
ss_tls_options_init (SsTlsOptions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SsTlsOptions *
ss_tls_options_new (void)
{
  return g_object_new (SS_TYPE_TLS_OPTIONS, NULL);
}

/* what the popover shows; a popover not yet made shows its defaults */
typedef struct
{
  const char *cafile, *cert, *key, *sni, *alpn;
  gboolean    send_sni, insecure, request_cert;
  guint       min, max;
} Options;

static void
read_options (SsTlsOptions *self,
              Options      *options)
{
  *options = (Options) { .cafile = "", .cert = "", .key = "", .sni = "", .alpn = "", .send_sni = TRUE };
  if (self == NULL)
    return;
  options->cafile = gtk_editable_get_text (self->cafile_entry);
  options->cert = gtk_editable_get_text (self->cert_entry);
  options->key = gtk_editable_get_text (self->key_entry);
  options->sni = gtk_editable_get_text (self->sni_entry);
  options->alpn = gtk_editable_get_text (self->alpn_entry);
  options->send_sni = gtk_check_button_get_active (self->sni_check);
  options->insecure = gtk_check_button_get_active (self->insecure_check);
  options->request_cert = gtk_check_button_get_active (self->request_cert_check);
  options->min = MIN (ss_drop_down_get_selected (self->min_dropdown), G_N_ELEMENTS (versions) - 1);
  options->max = MIN (ss_drop_down_get_selected (self->max_dropdown), G_N_ELEMENTS (versions) - 1);
}

/**
 * ss_tls_options_make_config:
 * @self: (nullable): the options, or NULL for those a new popover shows
 *   (SNI sent, any version, the system's trust, no certificate)
 *
 * Returns: (transfer full) (nullable): a config for the next connections;
 *   NULL, with @error set, when a file cannot be used
 */
SsTlsConfig *
ss_tls_options_make_config (SsTlsOptions  *self,
                            GError       **error)
{
  g_autoptr(SsTlsConfig) config = ss_tls_config_new ();
  Options options;

  g_return_val_if_fail (self == NULL || SS_IS_TLS_OPTIONS (self), NULL);

  read_options (self, &options);
  if (!ss_tls_config_set_cafile (config, options.cafile, error) ||
      !ss_tls_config_set_certificate (config, options.cert, options.key, error))
    return NULL;
  if (!options.send_sni)
    ss_tls_config_set_servername (config, "");
  else if (*options.sni != '\0')
    ss_tls_config_set_servername (config, options.sni);
  ss_tls_config_set_alpn (config, options.alpn);
  ss_tls_config_set_versions (config, versions[options.min], versions[options.max]);
  ss_tls_config_set_insecure (config, options.insecure);
  ss_tls_config_set_request_client_cert (config, options.request_cert);
  return g_steal_pointer (&config);
}

/* Says why the options cannot be used, under them; NULL: clears it. */
void
ss_tls_options_show_error (SsTlsOptions *self,
                           const GError *error)
{
  g_return_if_fail (SS_IS_TLS_OPTIONS (self));

  gtk_widget_set_visible (GTK_WIDGET (self->options_error_label), error != NULL);
  if (error != NULL)
    gtk_label_set_text (self->options_error_label, error->message);
}
