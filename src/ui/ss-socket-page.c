/* ss-socket-page.c — one socket's page: its calls, its facts, its traffic
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ss-accessible.h"
#include "ss-constants.h"
#include "ss-error.h"
#include "ss-format.h"
#include "ss-relay-faults-box.h"
#include "ss-reply-rules-panel.h"
#include "ss-socket-page-private.h"
#include "ss-sequences-panel.h"
#include "ss-tcp-plots.h"
#include "ss-tls-panel.h"

enum {
  PROP_0,
  PROP_SOCKET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SsSocketPage, ss_socket_page, GTK_TYPE_WIDGET)

#define COUNTERS_MS 100

void
ss_socket_page_show_message (SsSocketPage *self,
              const char   *message,
              const char   *explanation,
              gboolean      is_error)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_label), message);
  gtk_label_set_text (self->explanation_label, explanation ? explanation : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->explanation_label), explanation);
  gtk_widget_set_visible (GTK_WIDGET (self->explanation_label), explanation != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_icon), is_error);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error-message");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "error-message");
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

/* The kernel's answer, then in plain words what usually causes it. */
void
ss_socket_page_show_error (SsSocketPage *self,
            const GError *error)
{
  const char *explanation = error->domain == SS_ERRNO_ERROR ? ss_errno_explain (error->code) : NULL;

  ss_socket_page_show_message (self, error->message, explanation, TRUE);
}

/* Dismissing the message also stops a call that waits. */
void
ss_socket_page_dismiss_message (SsSocketPage *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  g_cancellable_cancel (self->wait_cancellable);
  g_clear_object (&self->wait_cancellable);
}

GCancellable *
ss_socket_page_start_waiting (SsSocketPage *self)
{
  ss_socket_page_dismiss_message (self);
  self->wait_cancellable = g_cancellable_new ();
  return self->wait_cancellable;
}

/* Said only when the call really waits, so a call that completes at once
 * does not flash a message. */
void
ss_socket_page_show_waiting (SsSocketPage *self,
              const char   *call)
{
  g_autofree char *text = NULL;

  if (!ss_socket_get_waiting (self->socket))
    return;
  /* Translators: %s is accept() or recv() */
  text = g_strdup_printf (_("Waiting in %s… (the socket is blocking; dismiss to stop)"), call);
  ss_socket_page_show_message (self, text, NULL, FALSE);
}

void
ss_socket_page_stop_waiting (SsSocketPage *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  g_clear_object (&self->wait_cancellable);
}

static void
option_failed_cb (SsSocketPage   *self,
                  GError         *error,
                  SsOptionsPanel *panel)
{
  ss_socket_page_show_error (self, error);
}

/**
 * ss_socket_page_get_options_panel:
 *
 * The Options expander's panel, made when the expander first opens: with
 * a row and a spin button for each of a TCP socket's many options, it
 * was a large part of making every page.
 *
 * Returns: (transfer none): the socket's options panel
 */
SsOptionsPanel *
ss_socket_page_get_options_panel (SsSocketPage *self)
{
  g_return_val_if_fail (SS_IS_SOCKET_PAGE (self), NULL);

  if (self->options_panel == NULL)
    {
      self->options_panel = g_object_new (SS_TYPE_OPTIONS_PANEL, "margin-top", 6, NULL);
      g_signal_connect_object (self->options_panel, "failed", G_CALLBACK (option_failed_cb),
                               self, G_CONNECT_SWAPPED);
      ss_options_panel_set_socket (self->options_panel, self->socket);
      /* bind, connect and close change what applies and what the kernel holds */
      g_signal_connect_object (self->socket, "notify::state", G_CALLBACK (ss_options_panel_refresh),
                               self->options_panel, G_CONNECT_SWAPPED);
      gtk_expander_set_child (self->options_expander, GTK_WIDGET (self->options_panel));
      ss_accessible_repair_names (GTK_WIDGET (self->options_panel));
    }
  return self->options_panel;
}

static void
options_expanded_cb (SsSocketPage *self)
{
  if (gtk_expander_get_expanded (self->options_expander))
    ss_socket_page_get_options_panel (self);
}

static gboolean
is_stream (SsSocket *socket)
{
  int type = ss_socket_get_socket_type (socket);
  return type == SOCK_STREAM || type == SOCK_SEQPACKET;
}

/* Rules answer what a listener's connections receive, or a datagram
 * socket's datagrams; an accepted connection follows its listener's. */
static void
update_reply_rules (SsSocketPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->reply_rules_expander),
                          ss_socket_get_state (self->socket) == SS_SOCKET_LISTENING ||
                          ss_socket_get_socket_type (self->socket) != SOCK_STREAM);
}

static gboolean
is_icmp (SsSocket *socket)
{
  int protocol = ss_socket_get_protocol (socket);
  return protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6;
}

/* Each call is enabled when it makes sense in the socket's state, so the
 * page itself shows the seed's recipes step by step. */
static void
update_actions (SsSocketPage *self)
{
  SsSocketState state = ss_socket_get_state (self->socket);
  gboolean accepted = ss_socket_get_listener (self->socket) != NULL;
  gboolean stream = is_stream (self->socket);
  gboolean can_bind = state == SS_SOCKET_CREATED && !accepted;
  gboolean can_connect = (state == SS_SOCKET_CREATED || state == SS_SOCKET_BOUND) && !accepted;
  gboolean can_listen = can_connect && stream;
  gboolean learner = g_settings_get_boolean (self->settings, "learner-mode");
  gboolean open = state != SS_SOCKET_CLOSED;
  gboolean datagram = !stream;
  gboolean can_send, can_receive;
  int failure = 0;

  g_object_get (self->socket, "failure", &failure, NULL);
  /* a listener sends to its connections */
  can_send = (state == SS_SOCKET_CONNECTED && failure == 0) || state == SS_SOCKET_LISTENING ||
             (datagram && open && state != SS_SOCKET_CONNECTING);
  can_receive = (state == SS_SOCKET_CONNECTED && failure == 0) ||
                (datagram && state == SS_SOCKET_BOUND);

  /* In learner mode every call stays clickable, so a call out of order
   * reaches the kernel and its own error shows. */
  if (learner)
    can_bind = can_connect = can_listen = can_send = can_receive = TRUE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.bind", can_bind);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.listen", can_listen);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.accept", learner || state == SS_SOCKET_LISTENING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.connect", can_connect);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.connect-ex", can_connect);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.close", learner || open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.shutdown",
                                 learner || (state == SS_SOCKET_CONNECTED && stream));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.send", can_send);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.send-once", can_send);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.repeat", can_send);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.recv", can_receive);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.reply-to-sender",
                                 datagram && ss_socket_get_last_sender (self->socket) != NULL && open);

  gtk_widget_set_sensitive (GTK_WIDGET (self->bind_entry), can_bind);
  gtk_widget_set_sensitive (GTK_WIDGET (self->backlog_spin), can_listen);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_entry), can_connect);
  gtk_widget_set_sensitive (GTK_WIDGET (self->auto_accept_switch),
                            can_listen || state == SS_SOCKET_LISTENING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->close_on_peer_close_switch),
                            can_listen || state == SS_SOCKET_LISTENING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->recv_size_spin), can_receive);
  gtk_widget_set_sensitive (GTK_WIDGET (self->auto_receive_switch), open);
  gtk_widget_set_visible (self->destination_box, datagram);
  gtk_widget_set_visible (self->echo_button, is_icmp (self->socket));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.record", open);
  gtk_button_set_label (self->record_button, ss_socket_get_recording (self->socket)
                        ? _("Stop Recor_ding") : _("Recor_d to File…"));
  ss_accessible_repair_names (GTK_WIDGET (self->record_button));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.echo", learner || (open && is_icmp (self->socket)));
  ss_socket_page_update_calls_shown (self);
}

static void
ss_socket_page_map (GtkWidget *widget)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);

  GTK_WIDGET_CLASS (ss_socket_page_parent_class)->map (widget);
  ss_socket_page_refresh_kernel_view (self);
  if (self->options_panel != NULL)
    ss_options_panel_refresh (self->options_panel);
  self->kernel_view_id = g_timeout_add (500, ss_socket_page_refresh_kernel_view, self);
}

static void
ss_socket_page_unmap (GtkWidget *widget)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);

  g_clear_handle_id (&self->kernel_view_id, g_source_remove);
  GTK_WIDGET_CLASS (ss_socket_page_parent_class)->unmap (widget);
}

static void
socket_changed_cb (SsSocketPage *self)
{
  ss_socket_page_update_send_progress (self);
  ss_socket_page_update_send_controls (self);
  ss_socket_page_update_info (self);
  update_actions (self);
  if (self->kernel_view_id != 0)
    ss_socket_page_refresh_kernel_view (self);
}

static void
bind_entry_activate_cb (SsSocketPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "socket.bind", NULL);
}

static void
connect_entry_activate_cb (SsSocketPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "socket.connect", NULL);
}

static void
load_settings (SsSocketPage *self)
{
  g_autofree char *connect_address = g_settings_get_string (self->settings, "last-connect-address");

  ss_socket_page_prefill_bind (self);
  gtk_editable_set_text (GTK_EDITABLE (self->connect_entry), connect_address);
  ss_socket_page_show_backlog (self);

  /* a socket made in this window takes the person's last choice; one
   * already listening (from the command line) keeps its own */
  if (ss_socket_get_state (self->socket) == SS_SOCKET_CREATED)
    ss_socket_set_auto_accept (self->socket, g_settings_get_boolean (self->settings, "auto-accept"));
  /* likewise for receiving, on a socket that has not received yet */
  if (ss_socket_get_bytes_in (self->socket) == 0)
    ss_socket_set_auto_receive (self->socket, g_settings_get_boolean (self->settings, "auto-receive"));
  gtk_spin_button_set_value (self->recv_size_spin, g_settings_get_int (self->settings, "recv-size"));
}

enum { MODE_BLOCKING, MODE_TIMEOUT, MODE_NONBLOCKING };

static void
mode_changed_cb (SsSocketPage *self)
{
  guint mode = ss_drop_down_get_selected (self->mode_dropdown);

  gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_spin), mode == MODE_TIMEOUT);
  ss_socket_set_timeout (self->socket,
                         mode == MODE_BLOCKING ? -1
                         : mode == MODE_NONBLOCKING ? 0
                         : gtk_spin_button_get_value (self->timeout_spin));
}

static void
show_mode (SsSocketPage *self)
{
  double timeout = ss_socket_get_timeout (self->socket);

  if (timeout > 0)
    gtk_spin_button_set_value (self->timeout_spin, timeout);
  ss_drop_down_set_selected (self->mode_dropdown,
                             timeout < 0 ? MODE_BLOCKING : timeout == 0 ? MODE_NONBLOCKING : MODE_TIMEOUT);
  gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_spin), timeout > 0);
}

static void
auto_receive_toggled_cb (SsSocketPage *self)
{
  gboolean active = ss_socket_get_auto_receive (self->socket);

  if (active != g_settings_get_boolean (self->settings, "auto-receive"))
    g_settings_set_boolean (self->settings, "auto-receive", active);
}

/* Remember the choice the person makes, not what a page merely shows. */
static void
auto_accept_toggled_cb (SsSocketPage *self)
{
  if (ss_socket_get_listener (self->socket) == NULL &&
      ss_socket_get_auto_accept (self->socket) != g_settings_get_boolean (self->settings, "auto-accept"))
    g_settings_set_boolean (self->settings, "auto-accept", ss_socket_get_auto_accept (self->socket));
}

static gboolean
counters_due_cb (gpointer user_data)
{
  SsSocketPage *self = user_data;

  self->counters_id = 0;
  self->counters_shown = g_get_monotonic_time ();
  socket_changed_cb (self);
  return G_SOURCE_REMOVE;
}

/* Bytes in and out change with every read of a flood: the page shows
 * them at most ten times a second, so it is not laid out once a read. */
static void
counters_changed_cb (SsSocketPage *self)
{
  gint64 since = (g_get_monotonic_time () - self->counters_shown) / 1000;

  if (self->counters_id != 0)
    return;
  if (since >= COUNTERS_MS)
    counters_due_cb (self);
  else
    self->counters_id = g_timeout_add (COUNTERS_MS - since, counters_due_cb, self);
}

/* Once a socket has listened, its page shows every connection's traffic
 * in one log, as a server's console would: a person testing a server
 * watches the server. */
static void
show_all_traffic (SsSocketPage *self)
{
  SsTrafficLog *all = ss_socket_get_all_traffic (self->socket);

  if (all == NULL || self->showing_all)
    return;
  self->showing_all = TRUE;
  ss_traffic_view_set_log (self->traffic_view, all);
  ss_traffic_view_set_connections (self->traffic_view, ss_socket_get_connections (self->socket));
}

static void
ss_socket_page_constructed (GObject *object)
{
  SsSocketPage *self = SS_SOCKET_PAGE (object);
  static const char *watched[] = {
    "notify::state", "notify::local-address", "notify::peer-address", "notify::queued",
    "notify::peer-closed", "notify::failure", "notify::last-sender", "notify::recording",
    "notify::relay-target",
  };

  G_OBJECT_CLASS (ss_socket_page_parent_class)->constructed (object);
  ss_socket_page_show_info_rows (self);

  load_settings (self);
  g_settings_bind (self->settings, "show-calls", self->calls_column, "visible", G_SETTINGS_BIND_GET);
  ss_socket_page_setup_send (self);
  g_object_bind_property (self->socket, "auto-accept", self->auto_accept_switch, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_object (self->auto_accept_switch, "notify::active",
                           G_CALLBACK (auto_accept_toggled_cb), self, G_CONNECT_SWAPPED);
  g_object_bind_property (self->socket, "auto-receive", self->auto_receive_switch, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_object (self->auto_receive_switch, "notify::active",
                           G_CALLBACK (auto_receive_toggled_cb), self, G_CONNECT_SWAPPED);
  show_mode (self);
  g_signal_connect_swapped (self->mode_dropdown, "notify::selected", G_CALLBACK (mode_changed_cb), self);
  g_signal_connect_swapped (self->timeout_spin, "value-changed", G_CALLBACK (mode_changed_cb), self);
  g_signal_connect_object (self->settings, "changed::learner-mode",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::learner-mode",
                           G_CALLBACK (ss_socket_page_show_backlog), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::default-bind-host",
                           G_CALLBACK (ss_socket_page_bind_host_changed), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    g_signal_connect_object (self->socket, watched[i], G_CALLBACK (socket_changed_cb),
                             self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->socket, "notify::backlog", G_CALLBACK (ss_socket_page_show_backlog),
                           self, G_CONNECT_SWAPPED);
  g_object_bind_property (self->socket, "close-on-peer-close", self->close_on_peer_close_switch, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_object (self->socket, "notify::bytes-in", G_CALLBACK (counters_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->socket, "notify::bytes-out", G_CALLBACK (counters_changed_cb),
                           self, G_CONNECT_SWAPPED);
  ss_traffic_view_set_log (self->traffic_view, ss_socket_get_traffic (self->socket));
  ss_traffic_view_set_show_peer (self->traffic_view, !is_stream (self->socket));
  g_signal_connect_object (self->socket, "notify::state", G_CALLBACK (show_all_traffic),
                           self, G_CONNECT_SWAPPED);
  show_all_traffic (self);
  ss_socket_page_setup_framing (self);
  g_signal_connect_object (self->options_expander, "notify::expanded",
                           G_CALLBACK (options_expanded_cb), self, G_CONNECT_SWAPPED);
  ss_reply_rules_panel_set_rules (SS_REPLY_RULES_PANEL (gtk_expander_get_child (self->reply_rules_expander)),
                                  ss_socket_get_reply_rules (self->socket));
  g_signal_connect_object (self->socket, "notify::state", G_CALLBACK (update_reply_rules),
                           self, G_CONNECT_SWAPPED);
  update_reply_rules (self);
  ss_tcp_plots_set_socket (SS_TCP_PLOTS (gtk_widget_get_template_child (GTK_WIDGET (self), SS_TYPE_SOCKET_PAGE,
                                                                      "tcp_plots")), self->socket);
  {
    SsTlsPanel *tls = SS_TLS_PANEL (gtk_widget_get_template_child (GTK_WIDGET (self), SS_TYPE_SOCKET_PAGE,
                                                                   "tls_panel"));

    ss_tls_panel_set_host_entry (tls, GTK_EDITABLE (self->connect_entry));
    ss_tls_panel_set_socket (tls, self->socket);
  }
  ss_socket_page_setup_intercept (self);
  ss_relay_faults_box_set_socket (SS_RELAY_FAULTS_BOX (gtk_widget_get_template_child (
    GTK_WIDGET (self), SS_TYPE_SOCKET_PAGE, "relay_faults_box")), self->socket);
  socket_changed_cb (self);
}

/**
 * ss_socket_page_show_connection:
 * @connection: (nullable): one of the page's listener's connections, or
 *   NULL for all of them
 *
 * Filters a listener's log to one of its connections.
 */
void
ss_socket_page_show_connection (SsSocketPage *self,
                                SsSocket     *connection)
{
  g_return_if_fail (SS_IS_SOCKET_PAGE (self));

  ss_traffic_view_show_connection (self->traffic_view, connection);
}

static void
ss_socket_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SsSocketPage *self = SS_SOCKET_PAGE (object);

  switch (prop_id)
    {
    case PROP_SOCKET:
      g_value_set_object (value, self->socket);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_socket_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SsSocketPage *self = SS_SOCKET_PAGE (object);

  switch (prop_id)
    {
    case PROP_SOCKET:
      self->socket = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_socket_page_dispose (GObject *object)
{
  SsSocketPage *self = SS_SOCKET_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->wait_cancellable);
  g_clear_object (&self->wait_cancellable);
  g_clear_handle_id (&self->kernel_view_id, g_source_remove);
  g_clear_handle_id (&self->counters_id, g_source_remove);
  ss_socket_page_forget_send_targets (self);
  if (self->repeat != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->repeat, self);
      ss_repeat_stop (self->repeat);
      g_clear_object (&self->repeat);
    }
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_SOCKET_PAGE);
  /* GTK 4.8 unparents only bound template children: the unnamed root box
   * is still here (a "still has children left" warning at finalize) */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ss_socket_page_parent_class)->dispose (object);
}

static void
ss_socket_page_finalize (GObject *object)
{
  SsSocketPage *self = SS_SOCKET_PAGE (object);

  g_clear_object (&self->socket);
  g_clear_object (&self->cancellable);
  g_free (self->bind_prefill);
  g_free (self->framing_key);

  G_OBJECT_CLASS (ss_socket_page_parent_class)->finalize (object);
}

static void
ss_socket_page_class_init (SsSocketPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ss_socket_page_constructed;
  object_class->dispose = ss_socket_page_dispose;
  object_class->finalize = ss_socket_page_finalize;
  object_class->get_property = ss_socket_page_get_property;
  object_class->set_property = ss_socket_page_set_property;
  widget_class->map = ss_socket_page_map;
  widget_class->unmap = ss_socket_page_unmap;

  properties[PROP_SOCKET] =
    g_param_spec_object ("socket", NULL, NULL, SS_TYPE_SOCKET,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SS_TYPE_TRAFFIC_VIEW);
  g_type_ensure (SS_TYPE_COMPOSER);
  g_type_ensure (SS_TYPE_OPTIONS_PANEL);
  g_type_ensure (SS_TYPE_SEQUENCES_PANEL);
  g_type_ensure (SS_TYPE_REPLY_RULES_PANEL);
  g_type_ensure (SS_TYPE_TCP_PLOTS);
  g_type_ensure (SS_TYPE_TLS_PANEL);
  g_type_ensure (SS_TYPE_RELAY_FAULTS_BOX);
  g_type_ensure (SS_TYPE_DROP_DOWN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-socket-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, error_icon);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, auto_receive_switch);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, recv_size_spin);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, shutdown_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, destination_box);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, send_progress_box);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, echo_button);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, record_button);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, send_progress);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, destination_entry);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, exposure_label);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, bind_entry);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, backlog_spin);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, auto_accept_switch);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, close_on_peer_close_switch);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, connect_entry);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, calls_grid);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, calls_column);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, info_grid);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, options_expander);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, reply_rules_expander);
  gtk_widget_class_bind_template_child_full (widget_class, "reply_rules_panel", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "plots_expander", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "tcp_plots", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "tls_panel", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "relay_faults_box", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, traffic_view);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, composer);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, repeat_popover);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, repeat_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, SsSocketPage, repeat_count_spin);
  gtk_widget_class_bind_template_callback_full (widget_class, "dismiss_error_cb",
                                                G_CALLBACK (ss_socket_page_dismiss_message));
  ss_socket_page_install_actions (widget_class);
  ss_socket_page_install_intercept (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, bind_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, connect_entry_activate_cb);


  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_socket_page_init (SsSocketPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ss_accessible_repair_names (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  ss_socket_page_build_info_grid (self);
}

SsSocketPage *
ss_socket_page_new (SsSocket *socket)
{
  g_return_val_if_fail (SS_IS_SOCKET (socket), NULL);
  return g_object_new (SS_TYPE_SOCKET_PAGE, "socket", socket, NULL);
}

/**
 * ss_socket_page_get_socket:
 *
 * Returns: (transfer none): the socket this page shows
 */
SsSocket *
ss_socket_page_get_socket (SsSocketPage *self)
{
  g_return_val_if_fail (SS_IS_SOCKET_PAGE (self), NULL);
  return self->socket;
}
