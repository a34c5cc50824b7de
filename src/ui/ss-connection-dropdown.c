/* ss-connection-dropdown.c — "All Connections" or one of a listener's,
 * for the send box's target and the traffic log's filter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-connection-dropdown.h"
#include "ss-throttled-model.h"

/* The rows: "All Connections", then each connection. The model is the
 * listener's own list behind one fixed row, so ten thousand connections
 * cost no rebuild each. A closed list makes its rows all the same, as
 * the connections come: the connections wait while it is closed, and
 * show when it opens. */
static char *
connection_name (gpointer target)
{
  g_autofree char *python = NULL;
  const char *peer;

  if (GTK_IS_STRING_OBJECT (target))
    return g_strdup (gtk_string_object_get_string (target));
  python = ss_socket_dup_python_name (target);
  peer = ss_socket_get_peer_address (target);
  return g_strdup_printf ("%s (%s)", python, peer ? peer : "?");
}

static void
open_cb (SsDropDown *dropdown)
{
  SsThrottledModel *shown = g_object_get_data (G_OBJECT (dropdown), "ss-connections-shown");

  if (shown != NULL)
    ss_throttled_model_set_held (shown, !ss_drop_down_get_open (dropdown));
}

/**
 * ss_connection_dropdown_setup:
 * @connections: a listener's connections (of SsSocket)
 *
 * Makes @dropdown offer "All Connections" and then each of @connections,
 * as the list changes; "All Connections" is selected.
 */
void
ss_connection_dropdown_setup (SsDropDown  *dropdown,
                              GListModel  *connections)
{
  g_autoptr(GListStore) parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GtkStringList) all = gtk_string_list_new ((const char *[]) { _("All Connections"), NULL });
  g_autoptr(GtkFlattenListModel) targets = NULL;
  SsThrottledModel *shown;

  g_return_if_fail (SS_IS_DROP_DOWN (dropdown));
  g_return_if_fail (G_IS_LIST_MODEL (connections));

  shown = ss_throttled_model_new (g_object_ref (connections));
  g_object_set_data_full (G_OBJECT (dropdown), "ss-connections-shown", shown, g_object_unref);
  if (g_signal_handler_find (dropdown, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, open_cb, NULL) == 0)
    g_signal_connect (dropdown, "notify::open", G_CALLBACK (open_cb), NULL);
  open_cb (dropdown);
  g_list_store_append (parts, all);
  g_list_store_append (parts, shown);
  targets = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts)));
  ss_drop_down_set_label_func (dropdown, connection_name);
  ss_drop_down_set_model (dropdown, G_LIST_MODEL (targets));
  ss_drop_down_set_selected (dropdown, 0);
}

/**
 * ss_connection_dropdown_dup_selected:
 *
 * Returns: (transfer full) (nullable): the connection chosen, or NULL for
 *   all of them
 */
SsSocket *
ss_connection_dropdown_dup_selected (SsDropDown *dropdown)
{
  guint selected = ss_drop_down_get_selected (dropdown);
  GListModel *model = ss_drop_down_get_model (dropdown);
  gpointer item;

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || model == NULL)
    return NULL;
  item = g_list_model_get_item (model, selected);
  if (item != NULL && !SS_IS_SOCKET (item))
    g_clear_object (&item);
  return item;
}

/**
 * ss_connection_dropdown_select:
 * @connection: (nullable): one of the connections, or NULL for all
 *
 * Returns: whether @connection is in the list (and now selected)
 */
gboolean
ss_connection_dropdown_select (SsDropDown  *dropdown,
                               SsSocket    *connection)
{
  SsThrottledModel *shown = g_object_get_data (G_OBJECT (dropdown), "ss-connections-shown");
  GListModel *model = ss_drop_down_get_model (dropdown);
  guint n;

  if (shown != NULL)
    ss_throttled_model_flush (shown);
  n = model != NULL ? g_list_model_get_n_items (model) : 0;
  if (connection == NULL)
    {
      ss_drop_down_set_selected (dropdown, 0);
      return TRUE;
    }
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (item == G_OBJECT (connection))
        {
          ss_drop_down_set_selected (dropdown, i);
          return TRUE;
        }
    }
  return FALSE;
}
