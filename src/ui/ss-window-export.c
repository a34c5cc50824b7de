/* ss-window-export.c — Export as Python Script: the session's calls, or the
 * relay on screen, as a runnable script in the seed's style
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ss-file-chooser.h"
#include "ss-window-private.h"

static void
script_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (object));
      g_autofree char *message = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);
      ss_window_show_error (self, message);
    }
}

static GBytes *
string_to_bytes (char *text)
{
  gsize len = strlen (text);

  return g_bytes_new_take (text, len);
}

/* (nullable): the relay shown, or the relay of the pair shown */
static SsSocket *
dup_shown_relay (SsWindow *self)
{
  g_autoptr(SsSocket) socket = ss_window_get_selected_socket (self);
  SsSocket *listener;

  if (socket == NULL)
    return NULL;
  if (ss_socket_get_relay_target (socket) != NULL)
    return g_steal_pointer (&socket);
  listener = ss_socket_get_listener (socket);
  if (listener != NULL && ss_socket_get_relay_target (listener) != NULL)
    return g_object_ref (listener);
  return NULL;
}

static void
export_chosen_cb (gpointer        user_data,
                  GFile          *file,
                  GtkFileChooser *chooser)
{
  SsWindow *self = user_data;
  g_autoptr(SsSocket) relay = dup_shown_relay (self);
  g_autoptr(GBytes) script = NULL;

  /* written to a temporary file and renamed: a crash leaves the old file */
  if (relay != NULL)
    script = string_to_bytes (ss_socket_relay_to_python (relay));
  else
    script = string_to_bytes (ss_call_log_to_python (ss_session_get_calls (ss_window_get_session (self))));
  /* private: the script holds the payloads the session sent */
  g_file_replace_contents_bytes_async (file, script, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL,
                                       script_saved_cb, g_object_ref (self));
}

void
ss_window_export_script_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  g_autoptr(SsSocket) relay = dup_shown_relay (SS_WINDOW (widget));

  /* a relay (or one of its pairs) on screen: the relay itself, runnable */
  ss_file_chooser_show (ss_file_chooser_new (widget,
                                             relay != NULL ? _("Export Relay as Python Script")
                                                           : _("Export Calls as Python Script"),
                                             GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                             relay != NULL ? "sockscope-relay.py" : "sockscope-session.py"),
                        export_chosen_cb, widget);
}
