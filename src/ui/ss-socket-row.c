/* ss-socket-row.c — a socket in the sidebar: kind, address, state, fd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-format.h"
#include "ss-socket-row.h"
#include "ss-text-cell.h"

struct _SsSocketRow
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkImage  *icon;
  SsTextCell *title_label;
  SsTextCell *subtitle_label;

  SsSocket  *socket;
  SsSocket  *server;   /* a relayed pair's: the server's leg */
  GtkWidget *menu;
};

G_DEFINE_FINAL_TYPE (SsSocketRow, ss_socket_row, GTK_TYPE_WIDGET)

static const char *
icon_for (SsSocket *socket)
{
  switch (ss_socket_get_state (socket))
    {
    case SS_SOCKET_LISTENING:
      return "network-server-symbolic";
    case SS_SOCKET_CONNECTED:
    case SS_SOCKET_CONNECTING:
      return "network-transmit-receive-symbolic";
    case SS_SOCKET_CLOSED:
      return "network-offline-symbolic";
    case SS_SOCKET_CREATED:
    case SS_SOCKET_BOUND:
    default:
      return "network-wired-symbolic";
    }
}

static void
update (SsSocketRow *self)
{
  g_autofree char *kind = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const char *address;

  if (self->socket == NULL)
    return;

  kind = ss_format_kind (self->socket);
  /* a connection is best known by its peer, anything else by its own address */
  address = ss_socket_get_peer_address (self->socket);
  if (address == NULL || ss_socket_get_state (self->socket) == SS_SOCKET_LISTENING)
    address = ss_socket_get_local_address (self->socket);
  if (address != NULL && *address != '\0')
    title = g_strdup_printf ("%s · %s", kind, address);
  else
    title = g_steal_pointer (&kind);

  /* a relayed pair: both legs' states on the client's row */
  if (self->server != NULL)
    /* Translators: a relayed pair's two legs: "client connected · server connecting · fd 5" */
    subtitle = g_strdup_printf (_("client %s · server %s · fd %d"), ss_format_state (self->socket),
                                ss_format_state (self->server), ss_socket_get_fd (self->socket));
  else
    /* Translators: "connected · fd 5" */
    subtitle = g_strdup_printf (_("%s · fd %d"), ss_format_state (self->socket),
                                ss_socket_get_fd (self->socket));

  ss_text_cell_set_text (self->title_label, title);
  ss_text_cell_set_text (self->subtitle_label, subtitle);
  gtk_image_set_from_icon_name (self->icon, icon_for (self->socket));
}

/* The title, for a sidebar too narrow for it; asked for when the pointer
 * rests, not set on each update (a round trip to the X server each). */
static gboolean
query_tooltip_cb (SsSocketRow *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  const char *title = ss_text_cell_get_text (self->title_label);

  if (title == NULL || *title == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, title);
  return TRUE;
}

/**
 * ss_socket_row_set_socket:
 * @socket: (nullable): the socket to show, %NULL when the row is recycled
 */
void
ss_socket_row_set_socket (SsSocketRow *self,
                          SsSocket    *socket)
{
  static const char *watched[] = {
    "notify::state", "notify::local-address", "notify::peer-address",
    "notify::peer-closed", "notify::failure",
  };

  g_return_if_fail (SS_IS_SOCKET_ROW (self));

  if (self->socket == socket)
    return;

  if (self->socket != NULL)
    g_signal_handlers_disconnect_by_func (self->socket, update, self);
  if (self->server != NULL)
    g_signal_handlers_disconnect_by_func (self->server, update, self);
  g_set_object (&self->socket, socket);
  g_clear_object (&self->server);
  if (socket != NULL && ss_socket_get_relay_server (socket) != NULL)
    self->server = g_object_ref (ss_socket_get_relay_server (socket));
  if (socket != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
      g_signal_connect_swapped (socket, watched[i], G_CALLBACK (update), self);
  if (self->server != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
      g_signal_connect_swapped (self->server, watched[i], G_CALLBACK (update), self);
  update (self);
}

static void
ss_socket_row_dispose (GObject *object)
{
  SsSocketRow *self = SS_SOCKET_ROW (object);

  ss_socket_row_set_socket (self, NULL);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (ss_socket_row_parent_class)->dispose (object);
}

static void
ss_socket_row_class_init (SsSocketRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_socket_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* A right click (or a long press) selects the row, as a left click
 * would, and offers what applies to its socket. The menu is made on the
 * first one: ten thousand rows should not each carry a popover. */
static void
show_menu (SsSocketRow *self,
           double       x,
           double       y)
{
  GdkRectangle at = { (int) x, (int) y, 1, 1 };

  if (self->menu == NULL)
    {
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autoptr(GMenuItem) show_in_listener = g_menu_item_new (_("Show in _Listener’s Log"),
                                                               "win.show-in-listener-log");

      g_menu_item_set_attribute (show_in_listener, "hidden-when", "s", "action-disabled");
      g_menu_append_item (menu, show_in_listener);
      g_menu_append (menu, _("_Close Socket"), "win.close-socket");
      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
      gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "listitem.select", "(bb)", FALSE, FALSE);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &at);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
right_click_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                SsSocketRow     *self)
{
  show_menu (self, x, y);
}

static void
long_press_cb (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               SsSocketRow         *self)
{
  show_menu (self, x, y);
}

static void
ss_socket_row_init (SsSocketRow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *long_press = gtk_gesture_long_press_new ();

  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  /* Made in code, not from a template: a burst of connections makes
   * hundreds of rows at once, and parsing a template was most of each.
   * The texts are cells sized in characters, not labels that lay out
   * their text to be measured. */
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_margin_top (self->box, 4);
  gtk_widget_set_margin_bottom (self->box, 4);
  self->icon = GTK_IMAGE (gtk_image_new_from_icon_name ("network-wired-symbolic"));
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->icon));
  gtk_widget_set_hexpand (labels, TRUE);
  self->title_label = SS_TEXT_CELL (ss_text_cell_new (4, 28, 0));
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (self->title_label));
  self->subtitle_label = SS_TEXT_CELL (ss_text_cell_new (4, 28, 0));
  ss_text_cell_set_ellipsize (self->subtitle_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "dim-label");
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (self->subtitle_label));
  gtk_box_append (GTK_BOX (self->box), labels);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (right_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (long_press_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (long_press));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

SsSocketRow *
ss_socket_row_new (void)
{
  return g_object_new (SS_TYPE_SOCKET_ROW, NULL);
}

/* The row's two lines: "TCP · 127.0.0.1:8000", "listening · fd 7" */
const char *
ss_socket_row_get_title (SsSocketRow *self)
{
  g_return_val_if_fail (SS_IS_SOCKET_ROW (self), NULL);
  return ss_text_cell_get_text (self->title_label);
}

const char *
ss_socket_row_get_subtitle (SsSocketRow *self)
{
  g_return_val_if_fail (SS_IS_SOCKET_ROW (self), NULL);
  return ss_text_cell_get_text (self->subtitle_label);
}
