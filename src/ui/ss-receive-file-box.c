/* ss-receive-file-box.c — a socket page's Receive to File switch, with
 * the file, the byte count, and why it stopped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "ss-accessible.h"
#include "ss-file-chooser.h"
#include "ss-format.h"
#include "ss-receive-file-box.h"

/* A flood changes the count on every recv(): the label follows 4 times a
 * second at most. */
#define COUNT_INTERVAL_MS 250

struct _SsReceiveFileBox
{
  GtkWidget      parent_instance;

  GtkSwitch     *receive_switch;
  GtkLabel      *status_label;

  SsSocket      *socket;
  SsReceiveFile *file;      /* the socket's */
  guint          count_id;
};

G_DEFINE_FINAL_TYPE (SsReceiveFileBox, ss_receive_file_box, GTK_TYPE_WIDGET)

static void
update (SsReceiveFileBox *self)
{
  const char *path = self->file ? ss_receive_file_get_path (self->file) : NULL;
  const char *failure = self->file ? ss_receive_file_get_failure (self->file) : NULL;
  gboolean active = self->file != NULL && ss_receive_file_get_active (self->file);
  gboolean open = self->socket != NULL && ss_socket_get_state (self->socket) != SS_SOCKET_CLOSED;
  GtkWidget *label = GTK_WIDGET (self->status_label);
  g_autofree char *text = NULL;

  gtk_switch_set_state (self->receive_switch, active);
  gtk_switch_set_active (self->receive_switch, active);
  /* a closed socket can still say where its bytes went, not start again */
  gtk_widget_set_sensitive (GTK_WIDGET (self->receive_switch), open || active);

  if (failure != NULL)
    text = g_strdup (failure);
  else if (path != NULL)
    {
      g_autofree char *display = g_filename_display_name (path);
      guint64 bytes = ss_receive_file_get_bytes (self->file);
      g_autofree char *count = ss_format_bytes (bytes);

      /* Translators: a size ("1.5 MB (1,572,864 bytes)"), then a file */
      text = g_strdup_printf (active ? _("%s appended to %s") : _("Stopped: %s appended to %s"),
                              count, display);
    }
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (label, text);
  gtk_widget_set_visible (label, text != NULL);
  if (failure != NULL)
    {
      gtk_widget_add_css_class (label, "error-message");
      gtk_widget_remove_css_class (label, "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (label, "error-message");
      gtk_widget_add_css_class (label, "dim-label");
    }
}

static gboolean
count_timeout_cb (gpointer user_data)
{
  SsReceiveFileBox *self = user_data;

  self->count_id = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
bytes_changed_cb (SsReceiveFileBox *self)
{
  if (self->count_id == 0)
    self->count_id = g_timeout_add (COUNT_INTERVAL_MS, count_timeout_cb, self);
}

static void
file_chosen_cb (gpointer        user_data,
                GFile          *file,
                GtkFileChooser *chooser)
{
  SsReceiveFileBox *self = user_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;

  if (self->socket == NULL)
    return;
  if (path == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Only local files can be used"));
  else
    ss_socket_start_receive_file (self->socket, path, &error);
  if (error != NULL)
    {
      update (self);
      gtk_label_set_text (self->status_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error-message");
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
    }
}

/* On asks for the file (the switch turns on once it is open); off closes it. */
static gboolean
state_set_cb (SsReceiveFileBox *self,
              gboolean          state)
{
  if (self->socket == NULL)
    return TRUE;
  if (!state)
    ss_socket_stop_receive_file (self->socket);
  else if (!ss_receive_file_get_active (self->file))
    ss_file_chooser_show (ss_file_chooser_new (GTK_WIDGET (self), _("Receive to File"),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Receive"), "received.bin"),
                          file_chosen_cb, self);
  update (self);
  return TRUE;
}

static void
disconnect (SsReceiveFileBox *self)
{
  if (self->socket != NULL)
    g_signal_handlers_disconnect_by_data (self->socket, self);
  if (self->file != NULL)
    g_signal_handlers_disconnect_by_data (self->file, self);
  g_clear_object (&self->socket);
  g_clear_object (&self->file);
  g_clear_handle_id (&self->count_id, g_source_remove);
}

static void
ss_receive_file_box_dispose (GObject *object)
{
  SsReceiveFileBox *self = SS_RECEIVE_FILE_BOX (object);

  disconnect (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SS_TYPE_RECEIVE_FILE_BOX);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ss_receive_file_box_parent_class)->dispose (object);
}

static void
ss_receive_file_box_class_init (SsReceiveFileBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_receive_file_box_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-receive-file-box.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, SsReceiveFileBox, receive_switch);
  gtk_widget_class_bind_template_child (widget_class, SsReceiveFileBox, status_label);
  gtk_widget_class_bind_template_callback (widget_class, state_set_cb);
}

static void
ss_receive_file_box_init (SsReceiveFileBox *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ss_accessible_repair_names (GTK_WIDGET (self));
  update (self);
}

void
ss_receive_file_box_set_socket (SsReceiveFileBox *self,
                                SsSocket         *socket)
{
  g_return_if_fail (SS_IS_RECEIVE_FILE_BOX (self));
  g_return_if_fail (socket == NULL || SS_IS_SOCKET (socket));

  disconnect (self);
  if (socket != NULL)
    {
      self->socket = g_object_ref (socket);
      self->file = g_object_ref (ss_socket_get_receive_file (socket));
      g_signal_connect_swapped (self->file, "notify::active", G_CALLBACK (update), self);
      g_signal_connect_swapped (self->file, "notify::failure", G_CALLBACK (update), self);
      g_signal_connect_swapped (self->file, "notify::path", G_CALLBACK (update), self);
      g_signal_connect_swapped (self->file, "notify::bytes", G_CALLBACK (bytes_changed_cb), self);
      g_signal_connect_swapped (self->socket, "notify::state", G_CALLBACK (update), self);
    }
  update (self);
}
