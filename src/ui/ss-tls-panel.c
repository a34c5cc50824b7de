/* ss-tls-panel.c — a socket's TLS: the switch, its options, the handshake's facts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <sys/socket.h>

#include "ss-address.h"
#include "ss-accessible.h"
#include "ss-file-chooser.h"
#include "ss-tls-panel.h"
#include "ss-tls-session.h"

struct _SsTlsPanel
{
  GtkWidget       parent_instance;

  SsSocket       *socket;
  SsTlsSession   *session;      /* watched for its state */
  SsTlsSession   *server_session; /* a relayed pair's server leg's, watched too */
  GtkEditable    *host_entry;   /* the page's connect address (weak) */
  gboolean        updating;

  GtkWidget      *switch_box;
  GtkLabel       *switch_label;
  GtkSwitch      *tls_switch;
  GtkWidget      *start_button;
  GtkLabel       *start_error_label;
  GtkMenuButton  *options_button;
  SsTlsOptions   *options;       /* made when first needed */
  GtkWidget      *insecure_label;
  GtkWidget      *untrusted_box;
  GtkLabel       *untrusted_label;
  GtkLabel       *target_verify_label;
  GtkExpander    *facts_expander;
  GtkLabel       *facts_label;
  GtkWidget      *save_cert_button;
  GtkLabel       *save_error_label;
  guint           counters_id;   /* the record counters' next showing */
};

G_DEFINE_FINAL_TYPE (SsTlsPanel, ss_tls_panel, GTK_TYPE_WIDGET)

/* how often a flood's record counters are shown at most */
#define COUNTERS_MS 250

static gboolean
is_tcp (SsSocket *socket)
{
  int family = ss_socket_get_family (socket);

  return ss_socket_get_socket_type (socket) == SOCK_STREAM && (family == AF_INET || family == AF_INET6);
}

/* before connect, or a listener: TLS can still be chosen */
static gboolean
can_choose (SsSocket *socket)
{
  SsSocketState state = ss_socket_get_state (socket);

  return state == SS_SOCKET_CREATED || state == SS_SOCKET_BOUND || state == SS_SOCKET_LISTENING;
}

/* what this side shows: a listener's, or a server's after Start TLS */
static SsTlsCertificate *
own_certificate (SsTlsPanel *self)
{
  SsTlsConfig *config = ss_socket_get_tls_config (self->socket);
  SsTlsSession *session = ss_socket_get_tls_session (self->socket);

  if (session != NULL && ss_tls_session_is_server (session))
    return ss_tls_config_get_server_certificate (ss_tls_session_get_config (session));
  if (config == NULL || ss_socket_get_state (self->socket) != SS_SOCKET_LISTENING)
    return NULL;
  return ss_tls_config_get_server_certificate (config);
}

/* STARTTLS: a plaintext TCP connection, either side */
static gboolean
can_start (SsTlsPanel *self)
{
  return is_tcp (self->socket) && ss_socket_can_start_tls (self->socket);
}

static void update (SsTlsPanel *self);

/* a relayed pair's server leg, once it speaks TLS */
static SsTlsSession *
relay_server_session (SsTlsPanel *self)
{
  SsSocket *server = ss_socket_get_relay_server (self->socket);

  return server != NULL ? ss_socket_get_tls_session (server) : NULL;
}

static void
watch (SsTlsPanel    *self,
       SsTlsSession **watched,
       SsTlsSession  *session)
{
  if (session == *watched)
    return;
  if (*watched != NULL)
    g_signal_handlers_disconnect_by_data (*watched, self);
  g_set_object (watched, session);
  if (session != NULL)
    g_signal_connect_swapped (session, "notify::state", G_CALLBACK (update), self);
}

static void
watch_session (SsTlsPanel *self)
{
  watch (self, &self->session, ss_socket_get_tls_session (self->socket));
  watch (self, &self->server_session, relay_server_session (self));
}

/* A relayed pair's server leg: whether the target's certificate passed,
 * and why not, as a TLS client's page says; NULL before the handshake
 * has said (or when it failed before verifying anything). */
static char *
dup_target_verification (SsTlsSession *leg,
                         gboolean     *trusted)
{
  SsTlsState state = ss_tls_session_get_state (leg);
  SsTlsConfig *config = ss_tls_session_get_config (leg);
  const char *why = ss_tls_session_get_verification (leg);

  *trusted = why == NULL;
  if (why == NULL && (state == SS_TLS_STATE_ESTABLISHED || state == SS_TLS_STATE_CLOSED))
    {
      if (ss_tls_config_get_cafile (config) != NULL)
        return g_strdup_printf (_("Target’s certificate: verified by the CA file %s"),
                                ss_tls_config_get_cafile (config));
      return g_strdup (_("Target’s certificate: verified by the system’s CAs"));
    }
  if (why == NULL)
    return NULL;
  if (ss_tls_config_get_insecure (config))
    return g_strdup_printf (_("Target’s certificate: not verified (%s); relayed anyway, as any certificate is accepted"), why);
  return g_strdup_printf (_("Target’s certificate: not trusted (%s); the relay does not forward to it"), why);
}

static void
update (SsTlsPanel *self)
{
  SsTlsConfig *config;
  SsTlsCertificate *certificate;
  SsTlsSession *server_leg;
  gboolean listener, shown, startable;

  if (self->socket == NULL)
    return;
  watch_session (self);
  config = ss_socket_get_tls_config (self->socket);
  listener = ss_socket_get_state (self->socket) == SS_SOCKET_LISTENING;
  startable = can_start (self);
  shown = is_tcp (self->socket) && ss_socket_get_state (self->socket) != SS_SOCKET_CLOSED &&
          ((ss_socket_get_listener (self->socket) == NULL && (can_choose (self->socket) || config != NULL)) ||
           startable);
  gtk_widget_set_visible (self->switch_box, shown);
  gtk_widget_set_sensitive (self->switch_box, can_choose (self->socket) || startable);
  gtk_widget_set_visible (GTK_WIDGET (self->switch_label), !startable);
  gtk_widget_set_visible (GTK_WIDGET (self->tls_switch), !startable);
  gtk_widget_set_visible (self->start_button, startable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tls.start", startable);
  if (!startable)
    gtk_widget_set_visible (GTK_WIDGET (self->start_error_label), FALSE);
  gtk_label_set_text_with_mnemonic (self->switch_label, listener ? _("_TLS on connections") : _("Use _TLS"));
  self->updating = TRUE;
  gtk_switch_set_active (self->tls_switch, config != NULL);
  self->updating = FALSE;

  gtk_widget_set_visible (self->insecure_label, config != NULL && ss_tls_config_get_insecure (config) && !listener);
  gtk_widget_set_visible (self->untrusted_box, self->session != NULL &&
                          ss_tls_session_get_state (self->session) == SS_TLS_STATE_UNTRUSTED);
  if (self->session != NULL && ss_tls_session_get_verification (self->session) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The certificate is not trusted: %s"),
                                               ss_tls_session_get_verification (self->session));
      gtk_label_set_text (self->untrusted_label, text);
    }

  certificate = own_certificate (self);
  gtk_widget_set_visible (self->save_cert_button, certificate != NULL);
  server_leg = relay_server_session (self);
  {
    gboolean trusted = FALSE;
    g_autofree char *verification = server_leg != NULL ? dup_target_verification (server_leg, &trusted) : NULL;

    gtk_widget_set_visible (GTK_WIDGET (self->target_verify_label), verification != NULL);
    if (verification != NULL)
      gtk_label_set_text (self->target_verify_label, verification);
    if (trusted)
      gtk_widget_remove_css_class (GTK_WIDGET (self->target_verify_label), "error");
    else
      gtk_widget_add_css_class (GTK_WIDGET (self->target_verify_label), "error");
  }
  gtk_widget_set_visible (GTK_WIDGET (self->facts_expander),
                          self->session != NULL || certificate != NULL || server_leg != NULL);
  if (server_leg != NULL)
    {
      /* a relayed pair: each leg's session, the client's first */
      g_autofree char *server_facts = ss_tls_session_dup_facts (server_leg);
      g_autofree char *client_facts = self->session != NULL ? ss_tls_session_dup_facts (self->session) : NULL;
      g_autofree char *facts = NULL;

      if (client_facts != NULL)
        facts = g_strdup_printf (_("Client’s leg:\n%s\n\nServer’s leg:\n%s"), client_facts, server_facts);
      else
        facts = g_strdup_printf (_("Server’s leg:\n%s"), server_facts);
      gtk_label_set_text (self->facts_label, facts);
    }
  else if (self->session != NULL)
    {
      g_autofree char *facts = ss_tls_session_dup_facts (self->session);
      gtk_label_set_text (self->facts_label, facts);
    }
  else if (certificate != NULL)
    {
      g_autofree char *description = ss_tls_certificate_describe (certificate);
      g_autofree char *facts = g_strdup_printf (_("The certificate its connections show:\n%s"), description);
      gtk_label_set_text (self->facts_label, facts);
    }
}

static gboolean
counters_due_cb (gpointer user_data)
{
  SsTlsPanel *self = user_data;

  self->counters_id = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

/* The record counters move with every read of a flood: the facts are
 * written again at most every COUNTERS_MS, not once a read (each new
 * text lays the page out again). */
static void
counters_changed_cb (SsTlsPanel *self)
{
  if (self->counters_id == 0)
    self->counters_id = g_timeout_add (COUNTERS_MS, counters_due_cb, self);
}

/* the host typed by Connect: SNI and the name the certificate must have */
static char *
dup_host (SsTlsPanel *self)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (self->host_entry == NULL ||
      !ss_address_split (gtk_editable_get_text (self->host_entry), &host, &port, NULL))
    return NULL;
  return g_steal_pointer (&host);
}

static void apply_clicked_cb (SsTlsPanel *self);

/**
 * ss_tls_panel_get_options:
 *
 * The options' popover, made when first needed: it opens, or says why
 * the options cannot be used.
 *
 * Returns: (transfer none): the TLS options
 */
SsTlsOptions *
ss_tls_panel_get_options (SsTlsPanel *self)
{
  g_return_val_if_fail (SS_IS_TLS_PANEL (self), NULL);

  if (self->options == NULL)
    {
      self->options = ss_tls_options_new ();
      g_signal_connect_swapped (self->options, "apply", G_CALLBACK (apply_clicked_cb), self);
      gtk_menu_button_set_popover (self->options_button, GTK_WIDGET (self->options));
      ss_accessible_repair_names (GTK_WIDGET (self->options));
    }
  return self->options;
}

static void
create_options_cb (GtkMenuButton *button,
                   gpointer       self)
{
  ss_tls_panel_get_options (self);
}

static void
show_options_error (SsTlsPanel   *self,
                    const GError *error)
{
  if (error == NULL && self->options == NULL)
    return;
  ss_tls_options_show_error (ss_tls_panel_get_options (self), error);
  /* said where the file was chosen */
  if (error != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_menu_button_popup (self->options_button);
}

/* TLS on with the options as they are, or off */
static void
apply (SsTlsPanel *self,
       gboolean    on)
{
  g_autoptr(SsTlsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;

  if (on)
    {
      config = ss_tls_options_make_config (self->options, &error);
      host = dup_host (self);
      if (config == NULL || !ss_socket_set_tls (self->socket, config, host, &error))
        {
          show_options_error (self, error);
          update (self);
          return;
        }
      show_options_error (self, NULL);
    }
  /* off keeps the message of a failed on: the switch goes back by itself */
  else
    ss_socket_set_tls (self->socket, NULL, NULL, NULL);
  update (self);
}

static void
switch_changed_cb (SsTlsPanel *self)
{
  if (self->updating || self->socket == NULL)
    return;
  apply (self, gtk_switch_get_active (self->tls_switch));
}

static void
apply_clicked_cb (SsTlsPanel *self)
{
  g_autoptr(SsTlsConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  if (self->socket != NULL && ss_socket_get_tls_config (self->socket) != NULL)
    {
      apply (self, TRUE);
      return;
    }
  config = ss_tls_options_make_config (self->options, &error);
  show_options_error (self, error);
}

static void
host_changed_cb (SsTlsPanel *self)
{
  SsTlsConfig *config;
  g_autofree char *host = NULL;

  if (self->socket == NULL || !can_choose (self->socket) ||
      (config = ss_socket_get_tls_config (self->socket)) == NULL)
    return;
  host = dup_host (self);
  ss_socket_set_tls (self->socket, config, host, NULL);
}

/* the peer's host for SNI and verification: the one typed by Connect,
 * or else the address connected to */
static char *
dup_peer_host (SsTlsPanel *self)
{
  g_autofree char *host = dup_host (self);
  const char *peer = ss_socket_get_peer_address (self->socket);
  guint16 port;

  if (host == NULL && peer != NULL)
    ss_address_split (peer, &host, &port, NULL);
  return g_steal_pointer (&host);
}

/* Start TLS: an accepted connection as the server, any other as the
 * client, with the options as they are */
static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SsTlsPanel *self = SS_TLS_PANEL (widget);
  g_autoptr(SsTlsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  gboolean server;

  if (self->socket == NULL || !can_start (self))
    return;
  server = ss_socket_get_accepted (self->socket);
  config = ss_tls_options_make_config (self->options, &error);
  if (config == NULL)
    {
      show_options_error (self, error);
      return;
    }
  show_options_error (self, NULL);
  if (!server)
    host = dup_peer_host (self);
  if (!ss_socket_start_tls (self->socket, config, server, host, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not start TLS: %s"), error->message);

      gtk_label_set_text (self->start_error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->start_error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->start_error_label), FALSE);
  update (self);
}

static void
connect_anyway_clicked_cb (SsTlsPanel *self)
{
  ss_socket_tls_trust (self->socket);
  update (self);
}

static void
show_save_error (SsTlsPanel   *self,
                 const char   *what,
                 const GError *error)
{
  gtk_widget_set_visible (GTK_WIDGET (self->save_error_label), error != NULL);
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s: %s", what, error->message);
      gtk_label_set_text (self->save_error_label, text);
    }
}

static void
keys_chosen_cb (gpointer        user_data,
                GFile          *file,
                GtkFileChooser *chooser)
{
  SsTlsPanel *self = user_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;

  ss_socket_save_tls_keys (self->socket, path, &error);
  show_save_error (self, _("Could not save the TLS keys"), error);
}

static void
save_keys_clicked_cb (SsTlsPanel *self)
{
  ss_file_chooser_show (ss_file_chooser_new (GTK_WIDGET (self), _("Save TLS Keys"),
                                             GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), "sslkeylog.txt"),
                        keys_chosen_cb, self);
}

static void
cert_chosen_cb (gpointer        user_data,
                GFile          *file,
                GtkFileChooser *chooser)
{
  SsTlsPanel *self = user_data;
  SsTlsCertificate *certificate = own_certificate (self);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;

  if (certificate != NULL)
    ss_tls_certificate_save_pem (certificate, path, &error);
  show_save_error (self, _("Could not save the certificate"), error);
}

static void
save_cert_clicked_cb (SsTlsPanel *self)
{
  ss_file_chooser_show (ss_file_chooser_new (GTK_WIDGET (self), _("Save Certificate"),
                                             GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), "sockscope-cert.pem"),
                        cert_chosen_cb, self);
}

/**
 * ss_tls_panel_set_socket:
 *
 * Shows @socket's TLS: its switch while it can be chosen, the handshake's
 * facts once it speaks TLS. Set once.
 */
void
ss_tls_panel_set_socket (SsTlsPanel *self,
                         SsSocket   *socket)
{
  g_return_if_fail (SS_IS_TLS_PANEL (self));
  g_return_if_fail (SS_IS_SOCKET (socket));
  g_return_if_fail (self->socket == NULL);

  self->socket = g_object_ref (socket);
  g_signal_connect_object (socket, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  /* the record counters move with the application bytes */
  g_signal_connect_object (socket, "notify::bytes-in", G_CALLBACK (counters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (socket, "notify::bytes-out", G_CALLBACK (counters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (socket, "notify::failure", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (socket, "notify::peer-closed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (socket, "notify::tls-session", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  /* a relayed pair's page tells the server leg's TLS too */
  if (ss_socket_get_relay_server (socket) != NULL)
    {
      SsSocket *server = ss_socket_get_relay_server (socket);

      g_signal_connect_object (server, "notify::tls-session", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (server, "notify::failure", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (server, "notify::bytes-out", G_CALLBACK (counters_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  update (self);
}

/* the page's connect address: its host is the client's SNI */
void
ss_tls_panel_set_host_entry (SsTlsPanel  *self,
                             GtkEditable *entry)
{
  g_return_if_fail (SS_IS_TLS_PANEL (self));

  self->host_entry = entry;
  g_signal_connect_object (entry, "changed", G_CALLBACK (host_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
ss_tls_panel_dispose (GObject *object)
{
  SsTlsPanel *self = SS_TLS_PANEL (object);

  watch (self, &self->session, NULL);
  watch (self, &self->server_session, NULL);
  g_clear_handle_id (&self->counters_id, g_source_remove);
  g_clear_object (&self->socket);
  self->host_entry = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_TLS_PANEL);
  /* GTK 4.8 unparents only bound template children, not the root box */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ss_tls_panel_parent_class)->dispose (object);
}

static void
ss_tls_panel_class_init (SsTlsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_tls_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-tls-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, switch_box);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, switch_label);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, start_button);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, start_error_label);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, options_button);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, insecure_label);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, untrusted_box);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, untrusted_label);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, target_verify_label);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, facts_expander);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, facts_label);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, save_cert_button);
  gtk_widget_class_bind_template_child (widget_class, SsTlsPanel, save_error_label);
  /* for the tests */
  gtk_widget_class_bind_template_child_full (widget_class, "connect_anyway_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, connect_anyway_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_keys_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_cert_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "tls.start", NULL, start_action);
}

static void
ss_tls_panel_init (SsTlsPanel *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (self->options_button, create_options_cb, self, NULL);
  g_signal_connect_swapped (self->tls_switch, "notify::active", G_CALLBACK (switch_changed_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tls.start", FALSE);
  /* the page's shortcut, wherever its focus is: a hidden page's panel is
   * not mapped, so only the page shown takes it */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Primary><Shift>t"),
                                                          gtk_named_action_new ("tls.start")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}
