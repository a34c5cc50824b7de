/* ss-traffic-view.c — a socket's traffic log as a table, filtered by
 * direction, with the selected entry's full content below it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-accessible.h"
#include "ss-text-cell.h"
#include "ss-conversation-view.h"
#include "ss-follow-tail.h"
#include "ss-format.h"
#include "ss-payload-format.h"
#include "ss-throttled-model.h"
#include "ss-time-format.h"
#include "ss-traffic-row.h"
#include "ss-traffic-view-private.h"

/* A row shows the start of a chunk; the rest is one selection away. A
 * label with megabytes of text would stall layout. */
#define PREVIEW_BYTES 200
/* The details show the rest, up to what a text view lays out quickly. */
#define DETAILS_BYTES (1024 * 1024)

/* the items of direction_dropdown, in order */
typedef enum
{
  DIRECTION_BOTH,
  DIRECTION_RECEIVED,
  DIRECTION_SENT,
  DIRECTION_FAILED_CHECKS,
} Direction;

G_DEFINE_FINAL_TYPE (SsTrafficView, ss_traffic_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SELECTED_ENTRY, N_PROPS };

static GParamSpec *properties[N_PROPS];

static const char *direction_classes[] = {
  [SS_TRAFFIC_RECEIVED] = "direction-received",
  [SS_TRAFFIC_SENT] = "direction-sent",
  [SS_TRAFFIC_EVENT] = "direction-event",
};

/* A connection's entries in a listener's log share a colour, so a
 * person can follow one client among many at a glance. */
static const char *connection_classes[] = {
  "connection-1", "connection-2", "connection-3", "connection-4", "connection-5", "connection-6",
};

/* Gives @widget @wanted (or none) of @classes. A class that stays is not
 * taken off and put back: each change restyles the cell, and a rebound
 * row mostly keeps its classes. */
static void
set_one_class (GtkWidget         *widget,
               const char *const *classes,
               guint              n_classes,
               const char        *wanted)
{
  for (guint i = 0; i < n_classes; i++)
    if (classes[i] != wanted && gtk_widget_has_css_class (widget, classes[i]))
      gtk_widget_remove_css_class (widget, classes[i]);
  if (wanted != NULL && !gtk_widget_has_css_class (widget, wanted))
    gtk_widget_add_css_class (widget, wanted);
}

/* A relayed pair's directions are named for its two sides. */
const char *
ss_traffic_view_direction_label (SsTrafficKind kind,
                                 gboolean      relayed)
{
  switch (kind)
    {
    case SS_TRAFFIC_RECEIVED:
      return relayed ? _("client → server") : _("← received");
    case SS_TRAFFIC_SENT:
      return relayed ? _("server → client") : _("→ sent");
    case SS_TRAFFIC_EVENT:
    default:
      return _("• event");
    }
}

/* The columns a row shows now: the peer in a listener's or a datagram
 * socket's log, the data as text or as a hex dump */
static guint
shown_columns (SsTrafficView *self)
{
  guint shown = 1u << SS_TRAFFIC_COLUMN_TIME | 1u << SS_TRAFFIC_COLUMN_DIRECTION | 1u << SS_TRAFFIC_COLUMN_LENGTH;

  if (self->show_peer || (self->log != NULL && ss_traffic_log_is_merged (self->log)))
    shown |= 1u << SS_TRAFFIC_COLUMN_PEER;
  shown |= 1u << (self->side_by_side ? SS_TRAFFIC_COLUMN_HEXDUMP : SS_TRAFFIC_COLUMN_DATA);
  return shown;
}

static SsTrafficRow *
item_row (GtkListItem *item)
{
  return SS_TRAFFIC_ROW (gtk_list_item_get_child (item));
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          SsTrafficView            *self)
{
  GtkWidget *row = ss_traffic_row_new ();

  ss_traffic_row_set_columns (SS_TRAFFIC_ROW (row), self->columns);
  gtk_list_item_set_child (item, row);
}

/* The time as the person chose to read it (Preferences): the clock, since
 * the log's first entry, or since the row above. */
static void
bind_time (SsTrafficView *self,
           GtkListItem   *item)
{
  g_autofree char *text = NULL;

  text = ss_time_format_format_item (self->time_format,
                                     ss_traffic_entry_get_time (gtk_list_item_get_item (item)),
                                     G_LIST_MODEL (self->log),
                                     G_LIST_MODEL (gtk_grid_view_get_model (self->table_view)),
                                     gtk_list_item_get_position (item),
                                     (SsTimeOf) ss_traffic_entry_get_time);
  ss_text_cell_set_text (SS_TEXT_CELL (ss_traffic_row_get_cell (item_row (item), SS_TRAFFIC_COLUMN_TIME)), text);
}

static void
bind_cell (SsTrafficRow    *row,
           SsTrafficColumn  column,
           SsTrafficEntry  *entry)
{
  SsTrafficKind kind = ss_traffic_entry_get_kind (entry);
  GtkWidget *label = ss_traffic_row_get_cell (row, column);
  g_autofree char *text = NULL;

  switch (column)
    {
    case SS_TRAFFIC_COLUMN_DIRECTION:
      text = g_strdup (ss_traffic_view_direction_label (kind, ss_traffic_entry_get_relayed (entry)));
      break;
    case SS_TRAFFIC_COLUMN_LENGTH:
      if (kind != SS_TRAFFIC_EVENT)
        text = g_strdup_printf ("%" G_GSIZE_FORMAT, ss_traffic_entry_get_length (entry));
      break;
    case SS_TRAFFIC_COLUMN_PEER:
      /* addresses are ASCII, but a Unix path is any bytes */
      if (ss_traffic_entry_get_peer (entry) != NULL)
        text = g_utf8_make_valid (ss_traffic_entry_get_peer (entry), -1);
      /* source 0 is the listener's own */
      set_one_class (label, connection_classes, G_N_ELEMENTS (connection_classes),
                     ss_traffic_entry_get_source (entry) != G_MAXUINT && ss_traffic_entry_get_source (entry) > 0
                     ? connection_classes[(ss_traffic_entry_get_source (entry) - 1) % G_N_ELEMENTS (connection_classes)]
                     : NULL);
      break;
    case SS_TRAFFIC_COLUMN_DATA:
      /* events too: they quote addresses, and a Unix path is any bytes */
      text = ss_traffic_entry_dup_text (entry, PREVIEW_BYTES);
      break;
    case SS_TRAFFIC_COLUMN_TIME:     /* bind_time() */
    case SS_TRAFFIC_COLUMN_HEXDUMP:  /* ss_traffic_view_bind_hexdump() */
    case SS_TRAFFIC_N_COLUMNS:
    default:
      g_assert_not_reached ();
    }

  ss_text_cell_set_text (SS_TEXT_CELL (label), text);
  if (column == SS_TRAFFIC_COLUMN_DIRECTION || column == SS_TRAFFIC_COLUMN_DATA)
    set_one_class (label, direction_classes, G_N_ELEMENTS (direction_classes), direction_classes[kind]);
  if (column == SS_TRAFFIC_COLUMN_DATA)
    set_one_class (label, (const char *[]) { "message-bad" }, 1,
                   ss_traffic_entry_get_message_flags (entry) & SS_MESSAGE_BAD ? "message-bad" : NULL);
}

/* Only the cells shown: a hidden hex dump costs no formatting */
static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         SsTrafficView            *self)
{
  SsTrafficRow *row = item_row (item);
  SsTrafficEntry *entry = gtk_list_item_get_item (item);

  if (entry == NULL)
    return;
  ss_traffic_row_set_columns (row, self->columns);
  bind_time (self, item);
  for (SsTrafficColumn column = SS_TRAFFIC_COLUMN_DIRECTION; column < SS_TRAFFIC_COLUMN_HEXDUMP; column++)
    if (self->columns & (1u << column))
      bind_cell (row, column, entry);
  if (self->columns & (1u << SS_TRAFFIC_COLUMN_HEXDUMP))
    ss_traffic_view_bind_hexdump (self, item);
  if (self->bound_items != NULL)
    g_hash_table_add (self->bound_items, item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           SsTrafficView            *self)
{
  /* the table may let its rows go after the view's dispose */
  if (self->bound_items != NULL)
    g_hash_table_remove (self->bound_items, item);
}

/* GTK 4.8 keeps its rows when told nothing changed: the bound ones are
 * told the new format one by one. */
static void
time_format_changed_cb (SsTrafficView *self)
{
  g_autoptr(GList) items = g_hash_table_get_keys (self->bound_items);

  for (GList *l = items; l != NULL; l = l->next)
    bind_time (self, l->data);
}

/**
 * ss_traffic_view_update_columns:
 *
 * Shows the columns that apply now, in the heading and in every row.
 */
void
ss_traffic_view_update_columns (SsTrafficView *self)
{
  guint columns = shown_columns (self);
  g_autoptr(GList) items = NULL;

  if (columns == self->columns)
    return;
  self->columns = columns;
  ss_traffic_row_set_columns (self->table_header, columns);
  items = g_hash_table_get_keys (self->bound_items);
  for (GList *l = items; l != NULL; l = l->next)
    bind_cb (NULL, l->data, self);
}

static void
setup_table (SsTrafficView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  const char *titles[] = {
    [SS_TRAFFIC_COLUMN_TIME] = _("Time"),
    [SS_TRAFFIC_COLUMN_DIRECTION] = _("Direction"),
    [SS_TRAFFIC_COLUMN_LENGTH] = _("Bytes"),
    [SS_TRAFFIC_COLUMN_PEER] = _("Peer"),
    [SS_TRAFFIC_COLUMN_DATA] = _("Data"),
  };

  for (SsTrafficColumn column = 0; column < SS_TRAFFIC_COLUMN_HEXDUMP; column++)
    ss_text_cell_set_text (SS_TEXT_CELL (ss_traffic_row_get_cell (self->table_header, column)), titles[column]);
  gtk_inscription_set_text (GTK_INSCRIPTION (ss_traffic_row_get_cell (self->table_header, SS_TRAFFIC_COLUMN_HEXDUMP)),
                            _("Hex and Text"));
  self->bound_items = g_hash_table_new (NULL, NULL);
  self->columns = shown_columns (self);
  ss_traffic_row_set_columns (self->table_header, self->columns);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_grid_view_set_factory (self->table_view, factory);
}

/* Events (connected, closed, errors) stay whatever the direction. */
static gboolean
direction_filter_func (gpointer item,
                       gpointer user_data)
{
  SsTrafficView *self = user_data;
  SsTrafficKind kind = ss_traffic_entry_get_kind (item);

  switch (ss_drop_down_get_selected (self->direction_dropdown))
    {
    case DIRECTION_RECEIVED:
      return kind != SS_TRAFFIC_SENT;
    case DIRECTION_SENT:
      return kind != SS_TRAFFIC_RECEIVED;
    case DIRECTION_FAILED_CHECKS:
      return (ss_traffic_entry_get_message_flags (item) & SS_MESSAGE_BAD) != 0;
    case DIRECTION_BOTH:
    default:
      return TRUE;
    }
}

/* The kinds of entry shown, as a mask of 1 << SsTrafficKind */
guint
ss_traffic_view_get_kinds (SsTrafficView *self)
{
  switch (ss_drop_down_get_selected (self->direction_dropdown))
    {
    case DIRECTION_RECEIVED:
      return 1u << SS_TRAFFIC_RECEIVED | 1u << SS_TRAFFIC_EVENT;
    case DIRECTION_SENT:
      return 1u << SS_TRAFFIC_SENT | 1u << SS_TRAFFIC_EVENT;
    case DIRECTION_FAILED_CHECKS:
      return 1u << SS_TRAFFIC_RECEIVED | 1u << SS_TRAFFIC_SENT;
    case DIRECTION_BOTH:
    default:
      return 1u << SS_TRAFFIC_RECEIVED | 1u << SS_TRAFFIC_SENT | 1u << SS_TRAFFIC_EVENT;
    }
}

GtkFilterListModel *
ss_traffic_view_get_filter_model (SsTrafficView *self)
{
  GtkSelectionModel *selection = gtk_grid_view_get_model (self->table_view);

  if (selection == NULL)
    return NULL;
  return GTK_FILTER_LIST_MODEL (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection)));
}

static void
direction_changed_cb (SsTrafficView *self)
{
  GtkFilterListModel *filter_model = ss_traffic_view_get_filter_model (self);
  gboolean both = ss_drop_down_get_selected (self->direction_dropdown) == DIRECTION_BOTH;

  ss_conversation_view_set_kinds (self->conversation_view, ss_traffic_view_get_kinds (self));
  if (filter_model == NULL)
    return;
  /* no filter at all for "Both": a million rows need no test each */
  gtk_filter_list_model_set_filter (filter_model, both ? NULL : self->direction_filter);
  if (!both)
    gtk_filter_changed (self->direction_filter, GTK_FILTER_CHANGE_DIFFERENT);
}

static char *
dup_details (SsTrafficView  *self,
             SsTrafficEntry *entry)
{
  SsPayloadFormat format = ss_drop_down_get_selected (self->format_dropdown);
  const guint8 *data;
  gsize len;

  if (ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_EVENT ||
      ss_traffic_entry_get_evicted (entry))
    return ss_traffic_entry_dup_text (entry, 0);

  data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);
  return ss_payload_format (data, len, format, DETAILS_BYTES);
}

static void
update_details (SsTrafficView *self)
{
  GtkSelectionModel *selection = gtk_grid_view_get_model (self->table_view);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->details_view);
  SsTrafficEntry *entry = NULL;
  g_autofree char *text = NULL;

  /* a hex dump or source code keeps its columns; text wraps */
  gtk_text_view_set_wrap_mode (self->details_view,
                               ss_drop_down_get_selected (self->format_dropdown) == SS_PAYLOAD_TEXT
                               ? GTK_WRAP_CHAR : GTK_WRAP_NONE);
  if (selection != NULL)
    entry = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection));
  if (entry != NULL)
    {
      g_autofree char *heading = ss_traffic_view_dup_details_heading (self, entry);
      g_autofree char *details = dup_details (self, entry);

      text = heading != NULL ? g_strconcat (heading, "\n\n", details, NULL) : g_steal_pointer (&details);
    }
  gtk_text_buffer_set_text (buffer, text ? text : "", -1);
  gtk_widget_set_visible (self->details_pane, entry != NULL);
}

/**
 * ss_traffic_view_get_selected_entry:
 *
 * Returns: (transfer none) (nullable): the entry the person selected
 */
SsTrafficEntry *
ss_traffic_view_get_selected_entry (SsTrafficView *self)
{
  GtkSelectionModel *selection;

  g_return_val_if_fail (SS_IS_TRAFFIC_VIEW (self), NULL);

  selection = gtk_grid_view_get_model (self->table_view);
  if (selection == NULL)
    return NULL;
  return gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection));
}

static void
selection_changed_cb (SsTrafficView *self)
{
  update_details (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ENTRY]);
}

static void
format_changed_cb (SsTrafficView *self)
{
  update_details (self);
  ss_conversation_view_set_format (self->conversation_view, ss_drop_down_get_selected (self->format_dropdown));
}

static void
layout_changed_cb (SsTrafficView *self)
{
  gboolean conversation = ss_drop_down_get_selected (self->layout_dropdown) == LAYOUT_CONVERSATION;

  gtk_stack_set_visible_child_name (self->layout_stack, conversation ? "conversation" : "table");
  ss_traffic_view_set_side_by_side (self, ss_drop_down_get_selected (self->layout_dropdown) == LAYOUT_SIDE_BY_SIDE);
}

/* Copy: the whole entry as shown, or the conversation's selection */
static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SsTrafficView *self = SS_TRAFFIC_VIEW (widget);
  SsTrafficEntry *entry = ss_traffic_view_get_selected_entry (self);
  g_autofree char *text = NULL;

  if (ss_drop_down_get_selected (self->layout_dropdown) == LAYOUT_CONVERSATION)
    {
      GtkTextView *view = ss_conversation_view_get_text_view (self->conversation_view);

      gtk_text_buffer_copy_clipboard (gtk_text_view_get_buffer (view), gtk_widget_get_clipboard (widget));
      return;
    }
  if (entry == NULL)
    return;
  if (ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_EVENT || ss_traffic_entry_get_evicted (entry))
    text = ss_traffic_entry_dup_text (entry, 0);
  else
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);

      text = ss_payload_format (data, len, ss_drop_down_get_selected (self->format_dropdown), 0);
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

/**
 * ss_traffic_view_set_log:
 * @log: (nullable): the log to show
 */
/**
 * ss_traffic_view_set_show_peer:
 *
 * Shows who sent each datagram (or where it went): for datagram sockets.
 */

void
ss_traffic_view_set_show_peer (SsTrafficView *self,
                               gboolean       show_peer)
{
  g_return_if_fail (SS_IS_TRAFFIC_VIEW (self));
  self->show_peer = show_peer;
  ss_traffic_view_update_columns (self);
}

/* Makes the table's model anew: the rows (the log's entries, or its
 * messages) as they are now */
void
ss_traffic_view_show_rows (SsTrafficView *self)
{
  g_autoptr(GtkSingleSelection) selection = NULL;
  GListModel *rows = ss_traffic_view_get_rows (self);

  if (rows != NULL)
    {
      SsThrottledModel *shown = ss_throttled_model_new (g_object_ref (rows));
      GtkFilterListModel *filter_model = gtk_filter_list_model_new (G_LIST_MODEL (shown), NULL);

      selection = gtk_single_selection_new (G_LIST_MODEL (filter_model));
      gtk_single_selection_set_autoselect (selection, FALSE);
      gtk_single_selection_set_can_unselect (selection, TRUE);
      gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
      g_signal_connect_object (selection, "notify::selected-item",
                               G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
    }
  gtk_grid_view_set_model (self->table_view, GTK_SELECTION_MODEL (selection));
  direction_changed_cb (self);
  selection_changed_cb (self);
}

/* Shows @log: the one given, or one connection's of a listener's */
void
ss_traffic_view_show_log (SsTrafficView *self,
                          SsTrafficLog  *log)
{
  if (log == self->log)
    return;
  g_set_object (&self->log, log);
  ss_traffic_view_frame (self);
  ss_conversation_view_set_log (self->conversation_view, log);
  ss_traffic_view_update_columns (self);
  ss_traffic_view_show_rows (self);
}

void
ss_traffic_view_set_log (SsTrafficView *self,
                         SsTrafficLog  *log)
{
  g_return_if_fail (SS_IS_TRAFFIC_VIEW (self));

  g_set_object (&self->all_log, log);
  if (self->connections != NULL)
    ss_drop_down_set_selected (self->connection_dropdown, 0);
  ss_traffic_view_show_log (self, log);
}

static void
ss_traffic_view_dispose (GObject *object)
{
  SsTrafficView *self = SS_TRAFFIC_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_TRAFFIC_VIEW);
  g_clear_object (&self->direction_filter);
  g_clear_object (&self->log);
  g_clear_object (&self->all_log);
  g_clear_object (&self->connections);
  g_clear_object (&self->time_format);
  g_clear_pointer (&self->bound_items, g_hash_table_unref);
  ss_traffic_view_dispose_messages (self);
  G_OBJECT_CLASS (ss_traffic_view_parent_class)->dispose (object);
}

static void
ss_traffic_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SsTrafficView *self = SS_TRAFFIC_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ENTRY:
      g_value_set_object (value, ss_traffic_view_get_selected_entry (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_traffic_view_class_init (SsTrafficViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_traffic_view_dispose;
  G_OBJECT_CLASS (klass)->get_property = ss_traffic_view_get_property;

  properties[PROP_SELECTED_ENTRY] =
    g_param_spec_object ("selected-entry", NULL, NULL, SS_TYPE_TRAFFIC_ENTRY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);

  g_type_ensure (SS_TYPE_DROP_DOWN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-traffic-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, content);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, entry_menu_button);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, entry_menu);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, table_header);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, table_view);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, direction_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, details_view);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, details_pane);
  gtk_widget_class_bind_template_callback (widget_class, direction_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, format_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, layout_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, layout_stack);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, conversation_view);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, find_button);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, hex_check);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, find_status);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, connection_dropdown);
  gtk_widget_class_bind_template_callback_full (widget_class, "connection_changed_cb",
                                                G_CALLBACK (ss_traffic_view_connection_changed));
  gtk_widget_class_bind_template_callback (widget_class, layout_changed_cb);
  ss_traffic_view_install_find (widget_class);
  ss_traffic_view_install_messages (widget_class);
  gtk_widget_class_install_action (widget_class, "traffic.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "traffic.only-connection", NULL,
                                   ss_traffic_view_only_connection_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "traffic.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "traffic.copy", NULL);
  g_type_ensure (SS_TYPE_CONVERSATION_VIEW);
  g_type_ensure (SS_TYPE_TRAFFIC_ROW);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* A menu button given a menu makes the whole popover menu there and then
 * (GTK 4.8), a few milliseconds of each page's making for a menu most
 * pages never open: it is given when the button first opens. */
static void
give_entry_menu_cb (GtkMenuButton *button,
                    gpointer       user_data)
{
  SsTrafficView *self = user_data;

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->entry_menu);
}

static void
ss_traffic_view_init (SsTrafficView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ss_accessible_repair_names (GTK_WIDGET (self));
  self->direction_filter = GTK_FILTER (gtk_custom_filter_new (direction_filter_func, self, NULL));

  self->time_format = ss_time_format_new ();
  g_signal_connect_object (self->time_format, "changed", G_CALLBACK (time_format_changed_cb),
                           self, G_CONNECT_SWAPPED);
  setup_table (self);
  gtk_menu_button_set_create_popup_func (self->entry_menu_button, give_entry_menu_cb, self, NULL);
  ss_traffic_view_init_messages (self);
  ss_follow_tail_attach (self->scrolled_window);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "traffic.only-connection", FALSE);
  g_object_bind_property (self->find_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
}
