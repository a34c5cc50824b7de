/* ss-socket-page-actions.c — what each button of a socket page calls
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

#include "ss-constants.h"
#include "ss-error.h"
#include "ss-file-chooser.h"
#include "ss-format.h"
#include "ss-icmp.h"
#include "ss-socket-page-private.h"

static void
bind_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SsSocketPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ss_socket_bind_finish (SS_SOCKET (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ss_socket_page_show_error (self, error);
      return;
    }
  g_settings_set_string (self->settings, "last-bind-address",
                         gtk_editable_get_text (GTK_EDITABLE (self->bind_entry)));
}

static void
bind_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);

  ss_socket_page_dismiss_message (self);
  ss_socket_bind_async (self->socket, gtk_editable_get_text (GTK_EDITABLE (self->bind_entry)),
                        self->cancellable, bind_done_cb, g_object_ref (self));
}

/* A server's backlog: the kernel's longest queue; the seed's listen(5)
 * in Learner Mode. */
static int
usual_backlog (SsSocketPage *self)
{
  return g_settings_get_boolean (self->settings, "learner-mode") ? 5 : ss_socket_max_backlog ();
}

/* The backlog a listener got is what its field shows; before listen(),
 * the one the person last chose, or else the usual one. */
static int
default_backlog (SsSocketPage *self)
{
  int chosen = g_settings_get_int (self->settings, "last-backlog");

  return chosen >= 0 ? chosen : usual_backlog (self);
}

void
ss_socket_page_show_backlog (SsSocketPage *self)
{
  int backlog = ss_socket_get_backlog (self->socket);

  if (backlog < 0)
    backlog = default_backlog (self);
  if (gtk_spin_button_get_value_as_int (self->backlog_spin) != backlog)
    gtk_spin_button_set_value (self->backlog_spin, backlog);
}

/* A backlog typed is remembered; the default, taken as it is, is not, so
 * it keeps following the kernel and the mode. */
static void
remember_backlog (SsSocketPage *self,
                  int           backlog)
{
  g_settings_set_int (self->settings, "last-backlog", backlog == usual_backlog (self) ? -1 : backlog);
}

static void
listen_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  g_autoptr(GError) error = NULL;
  int backlog = gtk_spin_button_get_value_as_int (self->backlog_spin);

  ss_socket_page_dismiss_message (self);
  if (!ss_socket_listen (self->socket, backlog, &error))
    ss_socket_page_show_error (self, error);
  else
    remember_backlog (self, backlog);
}

static void
accept_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SsSocketPage) self = user_data;
  g_autoptr(SsSocket) connection = NULL;
  g_autoptr(GError) error = NULL;

  ss_socket_page_stop_waiting (self);
  connection = ss_socket_accept_finish (SS_SOCKET (object), result, &error);
  if (connection == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ss_socket_page_show_error (self, error);
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);

  ss_socket_accept_async (self->socket, ss_socket_page_start_waiting (self), accept_done_cb, g_object_ref (self));
  ss_socket_page_show_waiting (self, "accept()");
}

static void
connect_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SsSocketPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ss_socket_connect_finish (SS_SOCKET (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ss_socket_page_show_error (self, error);
      return;
    }
  g_settings_set_string (self->settings, "last-connect-address",
                         gtk_editable_get_text (GTK_EDITABLE (self->connect_entry)));
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);

  ss_socket_page_dismiss_message (self);
  ss_socket_connect_async (self->socket, gtk_editable_get_text (GTK_EDITABLE (self->connect_entry)),
                           self->cancellable, connect_done_cb, g_object_ref (self));
}

static void
connect_ex_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SsSocketPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int code;

  code = ss_socket_connect_ex_finish (SS_SOCKET (object), result, &error);
  if (code < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ss_socket_page_show_error (self, error);
      return;
    }
  if (code == 0)
    text = g_strdup (_("connect_ex returned 0: connected"));
  else
    /* Translators: "connect_ex returned 111 (ECONNREFUSED): Connection refused" */
    text = g_strdup_printf (_("connect_ex returned %d (%s): %s"), code, ss_errno_name (code),
                            g_strerror (code));
  ss_socket_page_show_message (self, text, code ? ss_errno_explain (code) : NULL, FALSE);
}

static void
connect_ex_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);

  ss_socket_page_dismiss_message (self);
  ss_socket_connect_ex_async (self->socket, gtk_editable_get_text (GTK_EDITABLE (self->connect_entry)),
                              self->cancellable, connect_ex_done_cb, g_object_ref (self));
}

static void
recv_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SsSocketPage) self = user_data;
  g_autoptr(GError) error = NULL;

  ss_socket_page_stop_waiting (self);
  if (ss_socket_recv_finish (SS_SOCKET (object), result, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ss_socket_page_show_error (self, error);
}

static void
recv_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  int size = gtk_spin_button_get_value_as_int (self->recv_size_spin);

  g_settings_set_int (self->settings, "recv-size", size);
  ss_socket_recv_async (self->socket, size, ss_socket_page_start_waiting (self), recv_done_cb, g_object_ref (self));
  ss_socket_page_show_waiting (self, "recv()");
}

static void
shutdown_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  static const int how[] = { SHUT_WR, SHUT_RD, SHUT_RDWR };
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  g_autoptr(GError) error = NULL;
  guint selected = ss_drop_down_get_selected (self->shutdown_dropdown);

  ss_socket_page_dismiss_message (self);
  if (!ss_socket_shutdown (self->socket, how[MIN (selected, G_N_ELEMENTS (how) - 1)], &error))
    ss_socket_page_show_error (self, error);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);

  ss_socket_page_dismiss_message (self);
  ss_socket_close (self->socket);
}

static void
record_chosen_cb (gpointer        user_data,
                  GFile          *file,
                  GtkFileChooser *chooser)
{
  SsSocketPage *self = user_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;

  if (path != NULL && !ss_socket_start_recording (self->socket, path, &error))
    ss_socket_page_show_error (self, error);
}

/* Record to File… starts a capture, and the same button stops it. */
static void
record_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  g_autofree char *name = NULL;

  if (ss_socket_get_recording (self->socket))
    {
      ss_socket_stop_recording (self->socket);
      return;
    }

  name = g_strdup_printf ("sockscope-fd%d.pcapng", ss_socket_get_fd (self->socket));
  ss_file_chooser_show (ss_file_chooser_new (widget, _("Record to File"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                             _("_Record"), name),
                        record_chosen_cb, self);
}

/* The Save dialog's format choice: ids, and the labels in SsExportFormat
 * order */
static const char *save_format_ids[] = { "transcript", "hexdump", "received", "sent", "pcapng", NULL };

static void
save_log_chosen_cb (gpointer        user_data,
                    GFile          *file,
                    GtkFileChooser *chooser)
{
  SsSocketPage *self = user_data;
  g_autofree char *path = g_file_get_path (file);
  const char *choice = gtk_file_chooser_get_choice (chooser, "format");
  SsExportFormat format = SS_EXPORT_TRANSCRIPT;

  for (guint i = 0; choice != NULL && save_format_ids[i] != NULL; i++)
    if (g_str_equal (choice, save_format_ids[i]))
      format = i;
  if (path != NULL)
    ss_socket_page_save_log (self, format, path);
}

/* Saves the log; says so when part of it was no longer in memory. */
gboolean
ss_socket_page_save_log (SsSocketPage   *self,
                         SsExportFormat  format,
                         const char     *path)
{
  g_autoptr(GError) error = NULL;
  /* what the log shows: a listener's every connection, or the one chosen */
  g_autoptr(SsSocket) connection = ss_traffic_view_dup_connection (self->traffic_view);
  guint64 missing = 0;

  /* messages, when the log is split into them (pcapng is the stream's) */
  SsMessageLog *messages = ss_traffic_view_get_messages (self->traffic_view);

  ss_socket_page_dismiss_message (self);
  if (messages != NULL && format != SS_EXPORT_PCAPNG
      ? !ss_traffic_export_messages (messages, format, path, &missing, &error)
      : !ss_socket_save_traffic (connection != NULL ? connection : self->socket, format, path, &missing, &error))
    {
      ss_socket_page_show_error (self, error);
      return FALSE;
    }
  if (missing > 0)
    {
      g_autofree char *size = ss_format_bytes (missing);
      g_autofree char *text = g_strdup_printf (_("Saved, but without %s of earlier traffic: it was no longer kept in memory"), size);

      ss_socket_page_show_message (self, text, _("Record to File keeps every byte of a long capture"), FALSE);
    }
  return TRUE;
}

static void
save_log_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  const char *labels[] = {
    _("Text transcript"), _("Hex dump"), _("Raw bytes received"), _("Raw bytes sent"), _("pcapng (Wireshark)"), NULL,
  };
  g_autofree char *name = g_strdup_printf ("sockscope-fd%d.txt", ss_socket_get_fd (self->socket));
  GtkFileChooser *chooser = ss_file_chooser_new (widget, _("Save Log"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                 _("_Save"), name);

  gtk_file_chooser_add_choice (chooser, "format", _("Format"), save_format_ids, labels);
  gtk_file_chooser_set_choice (chooser, "format", "transcript");
  ss_file_chooser_show (chooser, save_log_chosen_cb, self);
}

static void
clear_log_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SsSocketPage *self = SS_SOCKET_PAGE (widget);
  g_autoptr(SsSocket) connection = ss_traffic_view_dup_connection (self->traffic_view);
  SsTrafficLog *all = ss_socket_get_all_traffic (self->socket);

  /* the log shown: one connection's, or a listener's view of them all
   * (which forgets its entries, not the connections' own) */
  if (connection != NULL)
    ss_traffic_log_clear (ss_socket_get_traffic (connection));
  else
    ss_traffic_log_clear (all != NULL ? all : ss_socket_get_traffic (self->socket));
}

void
ss_socket_page_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "socket.bind", NULL, bind_action);
  gtk_widget_class_install_action (widget_class, "socket.listen", NULL, listen_action);
  gtk_widget_class_install_action (widget_class, "socket.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "socket.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "socket.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "socket.connect-ex", NULL, connect_ex_action);
  gtk_widget_class_install_action (widget_class, "socket.recv", NULL, recv_action);
  gtk_widget_class_install_action (widget_class, "socket.shutdown", NULL, shutdown_action);
  gtk_widget_class_install_action (widget_class, "socket.record", NULL, record_action);
  gtk_widget_class_install_action (widget_class, "socket.save-log", NULL, save_log_action);
  gtk_widget_class_install_action (widget_class, "socket.clear-log", NULL, clear_log_action);
  ss_socket_page_install_send_actions (widget_class);
}
