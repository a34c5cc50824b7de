/* ss-system-window-actions.c — what System Sockets does with a socket: copy, export, close, connect, show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ss-file-chooser.h"
#include "ss-system-format.h"
#include "ss-system-window-private.h"
#include "ss-window.h"

static void
pause_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  SsSystemWindow *self = user_data;
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));
  gboolean paused = !g_variant_get_boolean (state);

  g_simple_action_set_state (action, g_variant_new_boolean (paused));
  self->paused = paused;
  if (!paused)
    _ss_system_window_run (self, TRUE);
}

static void
refresh_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  _ss_system_window_run (user_data, TRUE);
}

static void
copy_row_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  SsSystemWindow *self = user_data;
  const SsSystemEntry *entry = _ss_system_window_selected_entry (self);
  g_autofree char *text = NULL;

  if (entry == NULL)
    return;
  text = ss_system_entry_to_text (entry);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
close_connection_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  SsSystemWindow *self = user_data;
  const SsSystemEntry *entry = _ss_system_window_selected_entry (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (entry == NULL)
    return;
  if (!ss_sock_diag_destroy (&entry->record, &error))
    {
      text = g_strdup_printf (_("Could not close %s → %s: %s"), entry->local_text, entry->peer_text, error->message);
      _ss_system_window_show_message (self, text, TRUE);
      return;
    }
  text = g_strdup_printf (_("Closed %s → %s: its program’s next call on it fails with ECONNABORTED."),
                          entry->local_text, entry->peer_text);
  _ss_system_window_show_message (self, text, FALSE);
  _ss_system_window_run (self, TRUE);
}

/* The application's main window, made when there is none */
static SsWindow *
main_window (SsSystemWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  for (GList *l = app != NULL ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    if (SS_IS_WINDOW (l->data))
      return l->data;
  return app != NULL ? ss_window_new (SS_APPLICATION (app)) : NULL;
}

/* A spec for a connection to the listener: a wildcard address is reached
 * on loopback */
static char *
connect_spec (const SsSystemEntry *entry)
{
  const SsSockRecord *r = &entry->record;
  static const guint8 zero[16] = { 0 };

  if (r->family == AF_UNIX)
    return g_strconcat ("unix:", r->unix_name, NULL);
  if (r->family == AF_INET && memcmp (r->local.addr, zero, 4) == 0)
    return g_strdup_printf ("tcp:127.0.0.1:%u", r->local.port);
  if (r->family == AF_INET6 && memcmp (r->local.addr, zero, 16) == 0)
    return g_strdup_printf ("tcp:[::1]:%u", r->local.port);
  return g_strconcat ("tcp:", entry->local_text, NULL);
}

static void
connect_to_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  SsSystemWindow *self = user_data;
  const SsSystemEntry *entry = _ss_system_window_selected_entry (self);
  g_autofree char *text = NULL;
  g_autoptr(SsSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  SsWindow *window;

  if (entry == NULL)
    return;
  text = connect_spec (entry);
  spec = ss_spec_parse (text, &error);
  window = main_window (self);
  if (spec == NULL || window == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot connect to %s: %s"), entry->local_text,
                                                  error != NULL ? error->message : _("no main window"));
      _ss_system_window_show_message (self, message, TRUE);
      return;
    }
  ss_window_open_spec (window, spec);
  gtk_window_present (GTK_WINDOW (window));
}

/* One of the session's sockets (a listener's connections too) with the
 * inode, or NULL */
static SsSocket *
find_socket (GListModel *sockets,
             guint32     inode)
{
  guint n = sockets != NULL ? g_list_model_get_n_items (sockets) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) socket = g_list_model_get_item (sockets, i);
      SsSocket *found;

      if (ss_sock_diag_fd_inode (ss_socket_get_fd (socket)) == inode)
        return g_steal_pointer (&socket);
      found = find_socket (ss_socket_get_connections (socket), inode);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
show_in_sockscope_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  SsSystemWindow *self = user_data;
  const SsSystemEntry *entry = _ss_system_window_selected_entry (self);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (entry == NULL)
    return;
  for (GList *l = app != NULL ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    {
      g_autoptr(SsSocket) socket = NULL;

      if (!SS_IS_WINDOW (l->data))
        continue;
      socket = find_socket (ss_session_get_sockets (ss_window_get_session (l->data)), entry->record.inode);
      if (socket != NULL)
        {
          ss_window_select_socket (l->data, socket);
          gtk_window_present (l->data);
          return;
        }
    }
  _ss_system_window_show_message (self, _("This socket is no page of Sockscope’s: it may have been closed, or belong to a helper of the app."), TRUE);
}

/**
 * ss_system_window_write_csv:
 *
 * Writes the rows shown, in their order, as CSV (ss_system_export_csv()).
 */
gboolean
ss_system_window_write_csv (SsSystemWindow  *self,
                            GFile           *file,
                            GError         **error)
{
  g_autoptr(GBytes) csv = NULL;

  g_return_val_if_fail (SS_IS_SYSTEM_WINDOW (self), FALSE);

  csv = ss_system_export_csv (G_LIST_MODEL (self->model));
  return g_file_replace_contents (file, g_bytes_get_data (csv, NULL), g_bytes_get_size (csv), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

static void
csv_chosen (gpointer        user_data,
            GFile          *file,
            GtkFileChooser *chooser)
{
  SsSystemWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *text = NULL;

  if (!ss_system_window_write_csv (self, file, &error))
    text = g_strdup_printf (_("Could not save %s: %s"), name, error->message);
  else
    text = g_strdup_printf (_("Saved %u sockets to %s"), g_list_model_get_n_items (G_LIST_MODEL (self->model)), name);
  _ss_system_window_show_message (self, text, error != NULL);
}

static void
export_csv_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  SsSystemWindow *self = user_data;
  GtkFileChooser *chooser = ss_file_chooser_new (GTK_WIDGET (self), _("Export Sockets as CSV"),
                                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), "sockets.csv");

  ss_file_chooser_show (chooser, csv_chosen, self);
}

static void
focus_search_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  SsSystemWindow *self = user_data;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static const GActionEntry entries[] = {
  { "pause", pause_activated, NULL, "false" },
  { "refresh", refresh_activated },
  { "copy-row", copy_row_activated },
  { "close-connection", close_connection_activated },
  { "connect-to", connect_to_activated },
  { "show-in-sockscope", show_in_sockscope_activated },
  { "export-csv", export_csv_activated },
  { "focus-search", focus_search_activated },
  /* the plots pane; its button's state */
  { "plots", NULL, NULL, "false" },
};

static const struct
{
  const char *accel;
  const char *action;
} shortcuts[] = {
  { "<Primary>p", "system.pause" },
  { "F5", "system.refresh" },
  { "<Primary>r", "system.refresh" },
  { "<Primary>c", "system.copy-row" },
  { "Delete", "system.close-connection" },
  { "<Primary>s", "system.export-csv" },
  { "<Primary>f", "system.focus-search" },
  { "F9", "system.plots" },
};

void
_ss_system_window_add_actions (SsSystemWindow *self)
{
  static const char *toggles[] = { "system-hide-loopback", "system-hide-listening", "system-only-tcp" };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (toggles); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (self->settings, toggles[i]);

      g_action_map_add_action (G_ACTION_MAP (self->actions), action);
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "system", G_ACTION_GROUP (self->actions));

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (shortcuts[i].accel),
                                                            gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
