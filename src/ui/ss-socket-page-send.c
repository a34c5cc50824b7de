/* ss-socket-page-send.c — a socket page's sending: Send Once, Send All, a
 * file, a repeat, to one connection or all of a listener's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ss-connection-dropdown.h"
#include "ss-format.h"
#include "ss-icmp.h"
#include "ss-quick-send-bar.h"
#include "ss-receive-file-box.h"
#include "ss-socket-page-private.h"

static gboolean
is_listener (SsSocketPage *self)
{
  return ss_socket_get_state (self->socket) == SS_SOCKET_LISTENING;
}

/* The connection the target dropdown names, or NULL for all of them. */
static SsSocket *
dup_chosen_connection (SsSocketPage *self)
{
  return ss_connection_dropdown_dup_selected (self->target_dropdown);
}

/* A listener sends through its connections: the page follows their
 * queues for the progress bar, and Stop stops them too. */
static void
watch_targets (SsSocketPage *self,
               GPtrArray    *targets)
{
  if (self->send_targets != NULL)
    for (guint i = 0; i < self->send_targets->len; i++)
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->send_targets, i), self);
  g_clear_pointer (&self->send_targets, g_ptr_array_unref);
  if (targets == NULL)
    return;
  self->send_targets = g_ptr_array_ref (targets);
  for (guint i = 0; i < targets->len; i++)
    g_signal_connect_swapped (g_ptr_array_index (targets, i), "notify::queued",
                              G_CALLBACK (ss_socket_page_update_send_progress), self);
}

static void
watch_target (SsSocketPage *self,
              SsSocket     *target)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);

  if (target == self->socket)
    {
      watch_targets (self, NULL);
      return;
    }
  g_ptr_array_add (targets, g_object_ref (target));
  watch_targets (self, targets);
}

void
ss_socket_page_forget_send_targets (SsSocketPage *self)
{
  watch_targets (self, NULL);
}

/* Where a datagram goes: the destination field, or NULL for the connected
 * peer. FALSE when the field does not parse (the error is shown). */
static gboolean
parse_destination (SsSocketPage  *self,
                   SsAddress    **to)
{
  const char *destination = gtk_editable_get_text (GTK_EDITABLE (self->destination_entry));
  g_autoptr(GError) error = NULL;

  *to = NULL;
  if (!gtk_widget_get_visible (self->destination_box) || *destination == '\0')
    return TRUE;
  *to = ss_address_parse_numeric (destination, ss_socket_get_family (self->socket), "127.0.0.1", &error);
  if (*to == NULL)
    ss_socket_page_show_error (self, error);
  return *to != NULL;
}

/* What the send box holds, or NULL when it does not parse (the box shows
 * where, and the message says what) or holds a file. */
static GBytes *
dup_payload (SsSocketPage *self)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  if (ss_composer_get_file (self->composer) != NULL)
    {
      ss_socket_page_show_message (self, _("A file is sent with Send All, one connection at a time"),
                                   _("Send Once and Repeat send a payload typed in the box"), TRUE);
      return NULL;
    }
  bytes = ss_composer_dup_bytes (self->composer, &error);
  if (bytes == NULL)
    ss_socket_page_show_error (self, error);
  return bytes;
}

static void
send_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SsSocketPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize sent;

  ss_socket_page_stop_waiting (self);
  sent = ss_socket_send_finish (SS_SOCKET (object), result, &error);
  if (sent < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ss_socket_page_show_error (self, error);
    }
  else if ((guint64) sent < self->send_size)
    {
      g_autofree char *text = g_strdup_printf (_("send took %" PRIu64 " of %" PRIu64 " bytes: the rest was not sent"),
                                               (guint64) sent, self->send_size);
      ss_socket_page_show_message (self, text, NULL, FALSE);
    }
}

/* One send() or sendto(): a datagram is all or nothing, so a destination
 * always means one call. */
static void
send_once (SsSocketPage *self)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(SsAddress) to = NULL;
  g_autoptr(SsSocket) target = NULL;

  ss_socket_page_dismiss_message (self);
  if ((payload = dup_payload (self)) == NULL || !parse_destination (self, &to))
    return;
  if (ss_socket_page_inject (self, payload))
    return;
  if (is_listener (self) && (target = dup_chosen_connection (self)) == NULL)
    {
      ss_socket_page_show_message (self, _("Send Once goes to one connection: choose it above the button"),
                                   _("Send All sends to every connection of the listener"), TRUE);
      return;
    }

  self->send_size = g_bytes_get_size (payload);
  ss_socket_send_async (target ? target : self->socket, payload, to, ss_socket_page_start_waiting (self),
                        send_done_cb, g_object_ref (self));
  ss_socket_page_show_waiting (self, "send()");
  ss_composer_remember (self->composer);
}

static void
send_once_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  send_once (SS_SOCKET_PAGE (widget));
}

static void
send_file_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SsSocketPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (ss_socket_send_file_finish (SS_SOCKET (object), result, &error) < 0 &&
      !g_error_matches (error, SS_ERRNO_ERROR, ECANCELED))
    ss_socket_page_show_error (self, error);
}

static void
send_file (SsSocketPage *self,
           SsSocket     *target,
           const char   *path)
{
  if (*path == '\0')
    {
      ss_socket_page_show_message (self, _("Choose a file to send"), NULL, TRUE);
      return;
    }
  ss_socket_send_file_async (target, path, send_file_done_cb, g_object_ref (self));
  ss_composer_remember (self->composer);
}

/* sendall() to the socket, or to a listener's chosen connection or all
 * of them. */
static void
send_all (SsSocketPage *self,
          SsSocket     *chosen,
          GBytes       *payload)
{
  g_autoptr(GError) error = NULL;

  if (is_listener (self) && chosen == NULL)
    {
      g_autoptr(GPtrArray) connections = ss_socket_dup_open_connections (self->socket);

      watch_targets (self, connections);
      if (ss_socket_send_to_connections (self->socket, payload, &error) == 0)
        ss_socket_page_show_error (self, error);
    }
  else
    {
      watch_target (self, chosen ? chosen : self->socket);
      if (!ss_socket_send (chosen ? chosen : self->socket, payload, &error))
        ss_socket_page_show_error (self, error);
    }
  ss_socket_page_update_send_progress (self);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  const char *file = ss_composer_get_file (self->composer);
  g_autoptr(SsSocket) chosen = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;

  if (gtk_widget_get_visible (self->destination_box) &&
      *gtk_editable_get_text (GTK_EDITABLE (self->destination_entry)) != '\0')
    {
      send_once (self);
      return;
    }

  ss_socket_page_dismiss_message (self);
  chosen = is_listener (self) ? dup_chosen_connection (self) : NULL;
  if (file != NULL)
    {
      if (is_listener (self) && chosen == NULL)
        ss_socket_page_show_message (self, _("A file goes to one connection at a time: choose it above the button"),
                                     NULL, TRUE);
      else
        {
          watch_target (self, chosen ? chosen : self->socket);
          send_file (self, chosen ? chosen : self->socket, file);
          ss_socket_page_update_send_progress (self);
        }
      return;
    }

  if ((payload = dup_payload (self)) == NULL || ss_socket_page_inject (self, payload))
    return;
  send_all (self, chosen, payload);
  ss_composer_remember (self->composer);
}

/* A quick-send button: its payload as Send sends the box's, with its own
 * encoding, checksum and line ending; the box is left as it is. */
static void
quick_send_cb (SsSocketPage *self,
               SsPayload    *payload)
{
  g_autoptr(SsSocket) chosen = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SsAddress) to = NULL;
  g_autoptr(GError) error = NULL;

  ss_socket_page_dismiss_message (self);
  chosen = is_listener (self) ? dup_chosen_connection (self) : NULL;
  if (ss_payload_get_encoding (payload) == SS_ENCODING_FILE)
    {
      if (is_listener (self) && chosen == NULL)
        ss_socket_page_show_message (self, _("A file goes to one connection at a time: choose it above the button"),
                                     NULL, TRUE);
      else
        {
          watch_target (self, chosen ? chosen : self->socket);
          send_file (self, chosen ? chosen : self->socket, ss_payload_get_content (payload));
        }
      return;
    }
  if ((bytes = ss_payload_to_bytes (payload, NULL, NULL, &error)) == NULL)
    {
      g_prefix_error (&error, "%s: ", ss_payload_get_name (payload));
      ss_socket_page_show_error (self, error);
      return;
    }
  if (!parse_destination (self, &to))
    return;
  if (to != NULL)
    {
      if (ss_socket_send_once (self->socket, bytes, to, &error) < 0)
        ss_socket_page_show_error (self, error);
      return;
    }
  send_all (self, chosen, bytes);
}

/* Repeat ---------------------------------------------------------------- */

static void
repeat_stopped_cb (SsSocketPage *self,
                   const GError *error,
                   SsRepeat     *repeat)
{
  if (error != NULL)
    ss_socket_page_show_error (self, error);
  ss_socket_page_update_send_progress (self);
}

static void
repeat_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  guint interval = gtk_spin_button_get_value_as_int (self->repeat_interval_spin);
  guint count = gtk_spin_button_get_value_as_int (self->repeat_count_spin);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(SsAddress) to = NULL;
  g_autoptr(SsSocket) chosen = NULL;

  gtk_popover_popdown (self->repeat_popover);
  ss_socket_page_dismiss_message (self);
  if ((payload = dup_payload (self)) == NULL || !parse_destination (self, &to))
    return;

  g_settings_set_uint (self->settings, "repeat-interval", interval);
  g_settings_set_uint (self->settings, "repeat-count", count);
  if (self->repeat != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->repeat, self);
      ss_repeat_stop (self->repeat);
      g_clear_object (&self->repeat);
    }

  chosen = is_listener (self) ? dup_chosen_connection (self) : NULL;
  self->repeat = ss_repeat_new (chosen ? chosen : self->socket, payload, to, interval, count);
  g_signal_connect_swapped (self->repeat, "notify::sent", G_CALLBACK (ss_socket_page_update_send_progress), self);
  g_signal_connect_swapped (self->repeat, "stopped", G_CALLBACK (repeat_stopped_cb), self);
  ss_composer_remember (self->composer);
  ss_repeat_start (self->repeat);
  ss_socket_page_update_send_progress (self);
}

/* Stop is immediate: no more rounds, and what is queued is dropped. */
static void
stop_send_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);

  if (self->repeat != NULL)
    ss_repeat_stop (self->repeat);
  ss_socket_cancel_send (self->socket);
  for (guint i = 0; self->send_targets != NULL && i < self->send_targets->len; i++)
    ss_socket_cancel_send (g_ptr_array_index (self->send_targets, i));
}

/* Send all of a large payload, a file or a repeat: how far it is, and a
 * way to stop it. */
void
ss_socket_page_update_send_progress (SsSocketPage *self)
{
  guint64 queued = ss_socket_get_queued (self->socket);
  guint64 file_sent, file_size;
  gboolean repeating = self->repeat != NULL && ss_repeat_get_running (self->repeat);
  gboolean busy, sending_file;
  g_autofree char *text = NULL;
  double fraction;

  sending_file = ss_socket_get_file_progress (self->socket, &file_sent, &file_size);
  for (guint i = 0; self->send_targets != NULL && i < self->send_targets->len; i++)
    {
      SsSocket *target = g_ptr_array_index (self->send_targets, i);

      queued += ss_socket_get_queued (target);
      if (!sending_file)
        sending_file = ss_socket_get_file_progress (target, &file_sent, &file_size);
    }
  busy = queued > 0 || repeating;

  self->send_peak = queued == 0 ? 0 : MAX (self->send_peak, queued);
  gtk_widget_set_visible (self->send_progress_box, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.stop-send", busy);
  if (!busy)
    return;

  if (repeating)
    {
      guint sent = ss_repeat_get_sent (self->repeat);
      guint count = ss_repeat_get_count (self->repeat);

      if (count > 0)
        text = g_strdup_printf (_("Repeating: %u of %u sent"), sent, count);
      else
        text = g_strdup_printf (_("Repeating until stopped: %u sent"), sent);
      fraction = count > 0 ? (double) sent / count : 0.0;
    }
  else if (sending_file)
    {
      g_autofree char *sent = ss_format_bytes (file_sent);
      g_autofree char *size = ss_format_bytes (file_size);

      /* Translators: the sizes are "1.5 MB (1,572,864 bytes)" */
      text = g_strdup_printf (_("Sending the file: %s of %s"), sent, size);
      fraction = file_size > 0 ? (double) file_sent / file_size : 1.0;
    }
  else
    {
      g_autofree char *left = ss_format_bytes (queued);

      /* Translators: %s is a size, "1.5 MB (1,572,864 bytes)" */
      text = g_strdup_printf (_("%s still to send"), left);
      fraction = 1.0 - (double) queued / self->send_peak;
    }
  gtk_progress_bar_set_fraction (self->send_progress, fraction);
  gtk_progress_bar_set_text (self->send_progress, text);
}

/* Datagrams -------------------------------------------------------------- */

/* A ping: the payload needs an ICMP header a text box cannot type. */
static void
echo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  int family = ss_socket_get_family (self->socket);
  const char *destination = gtk_editable_get_text (GTK_EDITABLE (self->destination_entry));
  g_autoptr(GBytes) text = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(SsAddress) to = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize len;

  ss_socket_page_dismiss_message (self);
  if ((text = dup_payload (self)) == NULL)
    return;
  data = g_bytes_get_data (text, &len);
  if (*destination == '\0')
    destination = family == AF_INET6 ? "[::1]:0" : "127.0.0.1:0";
  /* a bare host is fine here: ICMP has no ports */
  to = ss_address_parse_numeric (destination, family, NULL, &error);
  if (to == NULL && strchr (destination, ':') == NULL)
    {
      g_autofree char *with_port = g_strdup_printf ("%s:0", destination);

      g_clear_error (&error);
      to = ss_address_parse_numeric (with_port, family, NULL, &error);
    }
  if (to == NULL)
    {
      ss_socket_page_show_error (self, error);
      return;
    }

  request = ss_icmp_echo_request (family, 0, ++self->echo_sequence, data, len);
  if (ss_socket_send_once (self->socket, request, to, &error) < 0)
    ss_socket_page_show_error (self, error);
}

static void
reply_to_sender_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  SsTrafficEntry *entry = ss_traffic_view_get_selected_entry (self->traffic_view);
  const SsAddress *sender = ss_socket_get_last_sender (self->socket);
  g_autofree char *text = NULL;

  /* the datagram selected in the log, or else the last one received */
  if (entry != NULL && ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_RECEIVED &&
      ss_traffic_entry_get_peer (entry) != NULL)
    text = g_strdup (ss_traffic_entry_get_peer (entry));
  else if (sender != NULL)
    text = ss_address_to_string (sender);
  else
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->destination_entry), text);
  send_once (self);
}

/* The traffic log's selected entry ----------------------------------------- */

/* The bytes of the selected chunk; NULL for an event, or a chunk whose
 * payload is no longer kept. */
static GBytes *
dup_entry_bytes (SsSocketPage *self)
{
  SsTrafficEntry *entry = ss_traffic_view_get_selected_entry (self->traffic_view);

  if (entry == NULL || ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_EVENT ||
      ss_traffic_entry_get_evicted (entry))
    return NULL;
  return g_bytes_ref (ss_traffic_entry_get_bytes (entry));
}

static void
entry_selected_cb (SsSocketPage *self)
{
  g_autoptr(GBytes) bytes = dup_entry_bytes (self);
  gboolean can_send = ss_socket_get_state (self->socket) != SS_SOCKET_CLOSED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.send-entry", bytes != NULL && can_send);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.edit-entry", bytes != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "socket.save-entry", bytes != NULL);
}

/* The same bytes again: a datagram to where it went, or back to whoever
 * sent it. */
static void
send_entry_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  g_autoptr(GBytes) bytes = dup_entry_bytes (self);
  g_autoptr(GError) error = NULL;
  SsSocket *target = self->socket;

  if (bytes == NULL)
    return;
  ss_socket_page_dismiss_message (self);
  if (ss_socket_get_socket_type (self->socket) != SOCK_STREAM)
    {
      SsTrafficEntry *entry = ss_traffic_view_get_selected_entry (self->traffic_view);
      const char *peer = ss_traffic_entry_get_peer (entry);
      g_autoptr(SsAddress) to = NULL;

      if (peer != NULL &&
          (to = ss_address_parse_numeric (peer, ss_socket_get_family (self->socket), NULL, &error)) == NULL)
        {
          ss_socket_page_show_error (self, error);
          return;
        }
      if (ss_socket_send_once (self->socket, bytes, to, &error) < 0)
        ss_socket_page_show_error (self, error);
      return;
    }
  /* on a listener's page, through the connection it went through */
  if (is_listener (self))
    {
      SsTrafficEntry *entry = ss_traffic_view_get_selected_entry (self->traffic_view);

      target = ss_traffic_view_get_entry_connection (self->traffic_view, entry);
      if (target == NULL)
        {
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This entry's connection is no longer in the list: send it from the send box"));
          ss_socket_page_show_error (self, error);
          return;
        }
    }
  if (!ss_socket_send (target, bytes, &error))
    ss_socket_page_show_error (self, error);
}

static void
edit_entry_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  g_autoptr(GBytes) bytes = dup_entry_bytes (self);
  g_autoptr(SsPayload) payload = NULL;

  if (bytes == NULL)
    return;
  payload = ss_payload_new_for_bytes (NULL, bytes);
  ss_composer_set_payload (self->composer, payload);
}

static void
save_entry_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);

  edit_entry_action (widget, action_name, parameter);
  ss_composer_save_as (self->composer);
}

/* The page's sending controls follow the socket: a listener chooses among
 * its connections and cannot send itself. */
void
ss_socket_page_update_send_controls (SsSocketPage *self)
{
  gboolean listener = is_listener (self);

  gtk_widget_set_visible (GTK_WIDGET (self->target_dropdown), listener);
}

void
ss_socket_page_setup_send (SsSocketPage *self)
{
  gtk_spin_button_set_value (self->repeat_interval_spin, g_settings_get_uint (self->settings, "repeat-interval"));
  gtk_spin_button_set_value (self->repeat_count_spin, g_settings_get_uint (self->settings, "repeat-count"));
  ss_connection_dropdown_setup (self->target_dropdown, ss_socket_get_connections (self->socket));
  g_signal_connect_object (self->traffic_view, "notify::selected-entry",
                           G_CALLBACK (entry_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->socket, "notify::state",
                           G_CALLBACK (entry_selected_cb), self, G_CONNECT_SWAPPED);
  entry_selected_cb (self);
  ss_receive_file_box_set_socket (SS_RECEIVE_FILE_BOX (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                                                     SS_TYPE_SOCKET_PAGE,
                                                                                     "receive_file_box")),
                                  self->socket);
}

void
ss_socket_page_install_send_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "socket.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "socket.send-once", NULL, send_once_action);
  gtk_widget_class_install_action (widget_class, "socket.stop-send", NULL, stop_send_action);
  gtk_widget_class_install_action (widget_class, "socket.repeat", NULL, repeat_action);
  gtk_widget_class_install_action (widget_class, "socket.echo", NULL, echo_action);
  gtk_widget_class_install_action (widget_class, "socket.reply-to-sender", NULL, reply_to_sender_action);
  gtk_widget_class_install_action (widget_class, "socket.send-entry", NULL, send_entry_action);
  gtk_widget_class_install_action (widget_class, "socket.edit-entry", NULL, edit_entry_action);
  gtk_widget_class_install_action (widget_class, "socket.save-entry", NULL, save_entry_action);

  g_type_ensure (SS_TYPE_QUICK_SEND_BAR);
  g_type_ensure (SS_TYPE_RECEIVE_FILE_BOX);
  gtk_widget_class_bind_template_child_full (widget_class, "quick_send_bar", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "receive_file_box", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, quick_send_cb);
}
