/* ss-traffic-view-connections.c — a listener's traffic view: all its
 * connections' log, or one connection's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-connection-dropdown.h"
#include "ss-text-cell.h"
#include "ss-traffic-view-private.h"

/* Picking a connection shows its own log, so that Find, Save Log and
 * Clear work on exactly what is shown; "All Connections" shows the
 * listener's merged log again. */
void
ss_traffic_view_connection_changed (SsTrafficView *self)
{
  g_autoptr(SsSocket) connection = ss_connection_dropdown_dup_selected (self->connection_dropdown);

  ss_traffic_view_show_log (self, connection != NULL ? ss_socket_get_traffic (connection) : self->all_log);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "traffic.only-connection",
                                 self->connections != NULL && connection == NULL);
}

/**
 * ss_traffic_view_set_connections:
 * @connections: (nullable): a listener's connections (of SsSocket), for
 *   a log that merges theirs; NULL for any other log
 *
 * Offers to show all of them (the log set_log() gave), or only one.
 */
void
ss_traffic_view_set_connections (SsTrafficView *self,
                                 GListModel    *connections)
{
  g_return_if_fail (SS_IS_TRAFFIC_VIEW (self));

  if (connections == self->connections)
    return;
  g_set_object (&self->connections, connections);
  gtk_widget_set_visible (GTK_WIDGET (self->connection_dropdown), connections != NULL);
  ss_text_cell_set_text (SS_TEXT_CELL (ss_traffic_row_get_cell (self->table_header, SS_TRAFFIC_COLUMN_PEER)),
                         connections != NULL ? _("Connection") : _("Peer"));
  if (connections != NULL)
    ss_connection_dropdown_setup (self->connection_dropdown, connections);
  else
    ss_drop_down_set_model (self->connection_dropdown, NULL);
  ss_traffic_view_connection_changed (self);
}

/**
 * ss_traffic_view_dup_connection:
 *
 * Returns: (transfer full) (nullable): the one connection whose traffic
 *   is shown, or NULL when the view shows the log set_log() gave
 */
SsSocket *
ss_traffic_view_dup_connection (SsTrafficView *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_VIEW (self), NULL);

  if (self->connections == NULL)
    return NULL;
  return ss_connection_dropdown_dup_selected (self->connection_dropdown);
}

/**
 * ss_traffic_view_show_connection:
 * @connection: (nullable): one of the connections, or NULL for all
 *
 * Returns: whether @connection is one of the view's connections
 */
gboolean
ss_traffic_view_show_connection (SsTrafficView *self,
                                 SsSocket      *connection)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_VIEW (self), FALSE);

  if (self->connections == NULL)
    return connection == NULL;
  return ss_connection_dropdown_select (self->connection_dropdown, connection);
}

/**
 * ss_traffic_view_get_entry_connection:
 * @entry: an entry the view shows
 *
 * Returns: (transfer none) (nullable): the connection whose log holds
 *   @entry of a listener's log, while it is among the connections
 */
SsSocket *
ss_traffic_view_get_entry_connection (SsTrafficView  *self,
                                      SsTrafficEntry *entry)
{
  guint source = ss_traffic_entry_get_source (entry);
  SsTrafficLog *log;
  guint n;

  g_return_val_if_fail (SS_IS_TRAFFIC_VIEW (self), NULL);
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (entry), NULL);

  if (self->connections == NULL || source == G_MAXUINT || source == 0 ||
      self->all_log == NULL || !ss_traffic_log_is_merged (self->all_log))
    return NULL;
  log = ss_traffic_log_get_source (self->all_log, source);
  n = g_list_model_get_n_items (self->connections);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (self->connections, i);

      if (ss_socket_get_traffic (connection) == log)
        return connection;
    }
  return NULL;
}

/* traffic.only-connection: the selected entry's connection alone */
void
ss_traffic_view_only_connection_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  SsTrafficView *self = SS_TRAFFIC_VIEW (widget);
  SsTrafficEntry *entry = ss_traffic_view_get_selected_entry (self);
  SsSocket *connection = entry != NULL ? ss_traffic_view_get_entry_connection (self, entry) : NULL;

  if (connection != NULL)
    ss_traffic_view_show_connection (self, connection);
}
