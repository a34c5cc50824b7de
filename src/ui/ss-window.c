/* ss-window.c — the main window: sidebar of sockets, a page each, the calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <sys/socket.h>

#include "ss-accessible.h"
#include "ss-call-view.h"
#include "ss-new-socket-box.h"
#include "ss-socket-page.h"
#include "ss-socket-row.h"
#include "ss-throttled-model.h"
#include "ss-window-private.h"

struct _SsWindow
{
  GtkApplicationWindow  parent_instance;

  GtkMenuButton        *primary_menu_button;
  GMenuModel           *primary_menu;

  GtkInfoBar           *error_bar;
  GtkLabel             *error_label;
  GtkPaned             *main_paned;
  GtkPaned             *call_log_paned;
  SsNewSocketBox       *new_socket_box;
  GtkGridView          *socket_list;
  GtkStack             *pages;
  SsCallView           *call_view;

  SsSession            *session;
  GtkSingleSelection   *selection;
  GSettings            *settings;
  GHashTable           *page_for_socket;
};

G_DEFINE_FINAL_TYPE (SsWindow, ss_window, GTK_TYPE_APPLICATION_WINDOW)

void
ss_window_show_error (SsWindow   *self,
                      const char *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_info_bar_set_revealed (self->error_bar, TRUE);
}

static void
error_bar_response_cb (SsWindow *self,
                       int       response)
{
  gtk_info_bar_set_revealed (self->error_bar, FALSE);
}

/* Listeners show their accepted connections under them, and a UDP relay
 * its clients' upstream sockets. A stream socket may become a listener
 * later, and a datagram socket a relay once its target is resolved, so
 * they always get their (maybe empty) list. */
static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  SsSocket *socket = item;
  int type = ss_socket_get_socket_type (socket);

  if (ss_socket_get_listener (socket) != NULL ||
      (type != SOCK_STREAM && type != SOCK_SEQPACKET && type != SOCK_DGRAM))
    return NULL;
  /* A burst of clients shows a few times a second, not once a wakeup: in
   * GTK 4.8 every change relays out the list. */
  return G_LIST_MODEL (ss_throttled_model_new (g_object_ref (ss_socket_get_connections (socket))));
}

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  gtk_list_item_set_child (item, GTK_WIDGET (ss_socket_row_new ()));
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  g_autoptr(SsSocket) socket = gtk_tree_list_row_get_item (row);

  ss_socket_row_set_socket (SS_SOCKET_ROW (child), socket);
  gtk_widget_set_margin_start (child, 18 * gtk_tree_list_row_get_depth (row));
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  ss_socket_row_set_socket (SS_SOCKET_ROW (gtk_list_item_get_child (item)), NULL);
}

/**
 * ss_window_get_selected_socket:
 *
 * Returns: (transfer full) (nullable): the socket whose page is shown
 */
SsSocket *
ss_window_get_selected_socket (SsWindow *self)
{
  GtkTreeListRow *row;

  g_return_val_if_fail (SS_IS_WINDOW (self), NULL);

  row = gtk_single_selection_get_selected_item (self->selection);
  return row ? gtk_tree_list_row_get_item (row) : NULL;
}

static void
selection_changed_cb (SsWindow *self)
{
  g_autoptr(SsSocket) socket = ss_window_get_selected_socket (self);
  GtkWidget *page;

  if (socket == NULL)
    {
      gtk_stack_set_visible_child_name (self->pages, "empty");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-socket", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-in-listener-log", FALSE);
      return;
    }

  page = g_hash_table_lookup (self->page_for_socket, socket);
  if (page == NULL)
    {
      page = GTK_WIDGET (ss_socket_page_new (socket));
      gtk_stack_add_child (self->pages, page);
      g_hash_table_insert (self->page_for_socket, g_object_ref (socket), page);
    }
  gtk_stack_set_visible_child (self->pages, page);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-socket", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-in-listener-log",
                                 ss_socket_get_listener (socket) != NULL);
}

/* The selected connection's traffic, on its listener's page: the
 * listener's log filtered to it, among everything else the server sees. */
static void
show_in_listener_log_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  SsWindow *self = SS_WINDOW (widget);
  g_autoptr(SsSocket) connection = ss_window_get_selected_socket (self);
  SsSocket *listener = connection != NULL ? ss_socket_get_listener (connection) : NULL;
  SsSocketPage *page;

  if (listener == NULL)
    return;
  ss_window_select_socket (self, listener);
  page = g_hash_table_lookup (self->page_for_socket, listener);
  if (page != NULL)
    ss_socket_page_show_connection (page, connection);
}

/* The sidebar's row of @socket, or GTK_INVALID_LIST_POSITION. A socket
 * is a top row; a connection (or a relay's upstream socket) is a child of
 * its listener's row, which is expanded, and whose throttled list shows
 * whatever it still held back. Found from the top rows and the
 * connection's index, not by making a row object for each of ten
 * thousand connections to compare (8 ms). */
static guint
find_row (SsWindow *self,
          SsSocket *socket)
{
  GtkTreeListModel *tree = GTK_TREE_LIST_MODEL (gtk_single_selection_get_model (self->selection));
  GListModel *top = gtk_tree_list_model_get_model (tree);
  SsSocket *listener = ss_socket_get_listener (socket);
  guint n = g_list_model_get_n_items (top);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_child_row (tree, i);
      g_autoptr(SsSocket) item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
      GListModel *children;
      guint index;

      if (item == socket)
        return gtk_tree_list_row_get_position (row);
      /* a top row that is not the connection's listener (a top socket
       * has none: it was found above, or is not in the sidebar) */
      if (listener == NULL || item != listener)
        continue;
      gtk_tree_list_row_set_expanded (row, TRUE);
      children = gtk_tree_list_row_get_children (row);
      if (children == NULL ||
          !ss_socket_find_connection (listener, socket, &index))
        return GTK_INVALID_LIST_POSITION;
      ss_throttled_model_flush (SS_THROTTLED_MODEL (children));
      return gtk_tree_list_row_get_position (row) + 1 + index;
    }
  return GTK_INVALID_LIST_POSITION;
}

/**
 * ss_window_select_socket:
 *
 * Shows @socket's page and its row in the sidebar.
 */
void
ss_window_select_socket (SsWindow *self,
                         SsSocket *socket)
{
  guint position;

  g_return_if_fail (SS_IS_WINDOW (self));

  position = find_row (self, socket);
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, position);
}

/* The payload budget is the person's (Preferences): every socket's log
 * keeps that much, and a listener passes it on to its connections. */
static void
apply_budget (SsWindow *self,
              SsSocket *socket)
{
  guint64 budget = (guint64) g_settings_get_uint (self->settings, "payload-budget") * 1024 * 1024;
  GListModel *connections = ss_socket_get_connections (socket);
  guint n = connections ? g_list_model_get_n_items (connections) : 0;

  ss_traffic_log_set_budget (ss_socket_get_traffic (socket), budget);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (connections, i);

      ss_traffic_log_set_budget (ss_socket_get_traffic (connection), budget);
    }
}

static void
sockets_changed_cb (SsWindow   *self,
                    guint       position,
                    guint       removed,
                    guint       added,
                    GListModel *sockets)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(SsSocket) socket = g_list_model_get_item (sockets, i);

      apply_budget (self, socket);
    }
}

static void
budget_changed_cb (SsWindow *self)
{
  GListModel *sockets = ss_session_get_sockets (self->session);

  sockets_changed_cb (self, 0, 0, g_list_model_get_n_items (sockets), sockets);
}

static void
new_socket_box_create_cb (SsWindow       *self,
                          int             family,
                          int             type,
                          int             protocol,
                          SsNewSocketBox *box)
{
  g_autoptr(GError) error = NULL;
  SsSocket *socket;

  socket = ss_session_create_socket (self->session, family, type, protocol, &error);
  if (socket == NULL)
    {
      ss_new_socket_box_show_error (box, error->message);
      return;
    }

  ss_new_socket_box_show_error (box, NULL);
  g_settings_set_string (self->settings, "last-family", ss_new_socket_box_get_family_name (box));
  g_settings_set_string (self->settings, "last-type", ss_new_socket_box_get_type_name (box));
  ss_window_select_socket (self, socket);
}

static void
new_socket_box_create_pair_cb (SsWindow       *self,
                               int             type,
                               SsNewSocketBox *box)
{
  g_autoptr(GError) error = NULL;
  SsSocket *socket;

  socket = ss_session_create_pair (self->session, type, &error);
  ss_new_socket_box_show_error (box, socket ? NULL : error->message);
  if (socket != NULL)
    ss_window_select_socket (self, socket);
}

static void open_spec_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
new_socket_box_create_relay_cb (SsWindow       *self,
                                const SsSpec   *spec,
                                SsNewSocketBox *box)
{
  ss_session_open_async (self->session, spec, NULL, open_spec_cb, g_object_ref (self));
}

static void
open_spec_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SsWindow) self = user_data;
  g_autoptr(SsSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  socket = ss_session_open_finish (SS_SESSION (object), result, &error);
  if (socket == NULL)
    {
      ss_window_show_error (self, error->message);
      return;
    }
  ss_window_select_socket (self, socket);
}

/**
 * ss_window_open_spec:
 *
 * Opens a socket from the command line, each step recorded as if clicked;
 * a failure shows in the window.
 */
void
ss_window_open_spec (SsWindow     *self,
                     const SsSpec *spec)
{
  g_return_if_fail (SS_IS_WINDOW (self));
  g_return_if_fail (spec != NULL);

  ss_session_open_async (self->session, spec, NULL, open_spec_cb, g_object_ref (self));
}

SsSession *
ss_window_get_session (SsWindow *self)
{
  g_return_val_if_fail (SS_IS_WINDOW (self), NULL);
  return self->session;
}

static void
new_socket_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ss_new_socket_box_focus (SS_WINDOW (widget)->new_socket_box);
}

static void
close_socket_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autoptr(SsSocket) socket = ss_window_get_selected_socket (SS_WINDOW (widget));

  if (socket != NULL)
    ss_socket_close (socket);
}

/* The pages of connections that left the sidebar go too, but the one on
 * screen. */
static void
forget_removed_pages (SsWindow *self)
{
  GtkWidget *visible = gtk_stack_get_visible_child (self->pages);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->page_for_socket);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SsSocket *socket = key;

      if (value == visible || ss_socket_get_listener (socket) == NULL ||
          ss_socket_get_state (socket) != SS_SOCKET_CLOSED)
        continue;
      gtk_stack_remove (self->pages, value);
      g_hash_table_iter_remove (&iter);
    }
}

static void
remove_closed_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SsWindow *self = SS_WINDOW (widget);
  GListModel *sockets = ss_session_get_sockets (self->session);
  guint n = g_list_model_get_n_items (sockets);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) socket = g_list_model_get_item (sockets, i);

      ss_socket_remove_closed_connections (socket, 0);
    }
  forget_removed_pages (self);
}

/* What a new listener does when its peers close, and how many closed
 * connections the sidebar keeps: the preferences, and Learner Mode, where
 * connections stay open until the person closes them, as in the seed. */
static void
server_settings_changed_cb (SsWindow *self)
{
  ss_session_set_close_on_peer_close (self->session,
                                      g_settings_get_boolean (self->settings, "close-on-peer-close") &&
                                      !g_settings_get_boolean (self->settings, "learner-mode"));
  ss_session_set_closed_retention (self->session, g_settings_get_uint (self->settings, "closed-retention"));
  ss_session_set_relay_idle_timeout (self->session, g_settings_get_uint (self->settings, "relay-idle-timeout") * 1000);
}

static gboolean
ss_window_close_request (GtkWindow *window)
{
  SsWindow *self = SS_WINDOW (window);
  gboolean moved = FALSE;
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_set_int (self->settings, "sidebar-width", gtk_paned_get_position (self->main_paned));
  /* only a divider the person moved: the default follows the window */
  g_object_get (self->call_log_paned, "position-set", &moved, NULL);
  if (moved)
    g_settings_set_int (self->settings, "call-log-position", gtk_paned_get_position (self->call_log_paned));

  return GTK_WINDOW_CLASS (ss_window_parent_class)->close_request (window);
}

/* Window actions that are GSettings keys, toggled from the main menu. */
static const char *settings_actions[] = { "learner-mode", "show-calls", "show-call-log" };

/* The shortcuts window, made the first time it is asked for. As
 * gtk/help-overlay.ui, GtkApplication built it with every window, a
 * tenth of the time to the window's first frame. Set as the window's
 * help overlay, as GtkApplication sets it: over this window, showing the
 * application's accelerators, and gone with the window. */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (widget);
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ss-shortcuts-window.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (window, overlay);
    }
  gtk_window_present (GTK_WINDOW (overlay));
}

/* The main menu's popover is made when it first opens (by click or F10):
 * made with the window, it was a twentieth of the time to its first
 * frame. */
static void
create_primary_menu (GtkMenuButton *button,
                     gpointer       user_data)
{
  SsWindow *self = user_data;

  gtk_menu_button_set_menu_model (button, self->primary_menu);
}

static void
ss_window_dispose (GObject *object)
{
  SsWindow *self = SS_WINDOW (object);


  g_clear_pointer (&self->page_for_socket, g_hash_table_unref);
  /* The settings action follows the key for as long as it lives, and the
   * "win" group may outlive the window (GTK's tooltip window can keep its
   * action muxer): a change made elsewhere would then reach the freed
   * window through the group. */
  for (guint i = 0; i < G_N_ELEMENTS (settings_actions); i++)
    g_action_map_remove_action (G_ACTION_MAP (self), settings_actions[i]);

  G_OBJECT_CLASS (ss_window_parent_class)->dispose (object);
}

static void
ss_window_finalize (GObject *object)
{
  SsWindow *self = SS_WINDOW (object);

  g_clear_object (&self->selection);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ss_window_parent_class)->finalize (object);
}

static void
ss_window_class_init (SsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_window_dispose;
  object_class->finalize = ss_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = ss_window_close_request;

  g_type_ensure (SS_TYPE_CALL_VIEW);
  g_type_ensure (SS_TYPE_NEW_SOCKET_BOX);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SsWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, SsWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, SsWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, SsWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, SsWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, SsWindow, call_log_paned);
  gtk_widget_class_bind_template_child (widget_class, SsWindow, new_socket_box);
  gtk_widget_class_bind_template_child (widget_class, SsWindow, socket_list);
  gtk_widget_class_bind_template_child (widget_class, SsWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, SsWindow, call_view);
  gtk_widget_class_bind_template_callback (widget_class, error_bar_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_socket_box_create_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_socket_box_create_pair_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_socket_box_create_relay_cb);

  gtk_widget_class_install_action (widget_class, "win.new-socket", NULL, new_socket_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_help_overlay_action);
  gtk_widget_class_install_action (widget_class, "win.close-socket", NULL, close_socket_action);
  gtk_widget_class_install_action (widget_class, "win.show-in-listener-log", NULL, show_in_listener_log_action);
  gtk_widget_class_install_action (widget_class, "win.export-script", NULL, ss_window_export_script_action);
  gtk_widget_class_install_action (widget_class, "win.remove-closed", NULL, remove_closed_action);
}

/* For the startup benchmark (tests/bench-startup.c) only: with
 * SOCKSCOPE_BENCH_FIRST_FRAME set, say when the first frame was painted. */
static void
bench_first_frame_cb (GdkFrameClock *clock,
                      SsWindow      *self)
{
  g_print ("first-frame %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, bench_first_frame_cb, self);
}

static void
bench_realize_cb (SsWindow *self)
{
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                    G_CALLBACK (bench_first_frame_cb), self);
}

static void
ss_window_init (SsWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autofree char *family = NULL;
  g_autofree char *type = NULL;
  GtkTreeListModel *tree;

  gtk_widget_init_template (GTK_WIDGET (self));
  ss_accessible_repair_names (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_primary_menu, self, NULL);

  self->settings = g_settings_new (APP_ID);
  self->session = ss_session_new ();
  self->page_for_socket = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  server_settings_changed_cb (self);
  g_signal_connect_object (self->settings, "changed::close-on-peer-close",
                           G_CALLBACK (server_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::learner-mode",
                           G_CALLBACK (server_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::closed-retention",
                           G_CALLBACK (server_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::relay-idle-timeout",
                           G_CALLBACK (server_settings_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  gtk_paned_set_position (self->main_paned, g_settings_get_int (self->settings, "sidebar-width"));
  if (g_settings_get_int (self->settings, "call-log-position") >= 0)
    gtk_paned_set_position (self->call_log_paned, g_settings_get_int (self->settings, "call-log-position"));
  g_settings_bind (self->settings, "show-call-log", self->call_view, "visible", G_SETTINGS_BIND_GET);

  family = g_settings_get_string (self->settings, "last-family");
  type = g_settings_get_string (self->settings, "last-type");
  ss_new_socket_box_select (self->new_socket_box, family, type);

  tree = gtk_tree_list_model_new (g_object_ref (ss_session_get_sockets (self->session)),
                                  FALSE, TRUE, create_children, NULL, NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (tree));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), NULL);
  gtk_grid_view_set_factory (self->socket_list, factory);
  gtk_grid_view_set_model (self->socket_list, GTK_SELECTION_MODEL (self->selection));

  ss_call_view_set_calls (self->call_view, ss_session_get_calls (self->session));

  for (guint i = 0; i < G_N_ELEMENTS (settings_actions); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (self->settings, settings_actions[i]);

      g_action_map_add_action (G_ACTION_MAP (self), action);
    }
  g_signal_connect_object (ss_session_get_sockets (self->session), "items-changed",
                           G_CALLBACK (sockets_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::payload-budget",
                           G_CALLBACK (budget_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-socket", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-in-listener-log", FALSE);

  if (g_getenv ("SOCKSCOPE_BENCH_FIRST_FRAME") != NULL)
    g_signal_connect (self, "realize", G_CALLBACK (bench_realize_cb), NULL);
}

SsWindow *
ss_window_new (SsApplication *application)
{
  return g_object_new (SS_TYPE_WINDOW, "application", application, NULL);
}
