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

typedef enum
{
  COLUMN_TIME,
  COLUMN_DIRECTION,
  COLUMN_LENGTH,
  COLUMN_PEER,
  COLUMN_DATA,
  N_COLUMNS
} Column;



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

/* Each column's width in characters. Every cell is an SsTextCell: its
 * size is set, not measured from its text, so the rows a flood (or ten
 * thousand connections) brings cost no text layout and no re-measure of
 * the column, only a redraw. */
static const struct
{
  int   chars;
  float xalign;
} cell_shape[N_COLUMNS] = {
  [COLUMN_TIME] = { 15, 0 },
  [COLUMN_DIRECTION] = { 15, 0 },  /* "client → server" in a relayed pair */
  [COLUMN_LENGTH] = { 6, 1 },
  [COLUMN_PEER] = { 17, 0 },
  [COLUMN_DATA] = { 40, 0 },
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

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *cell = ss_text_cell_new (column == COLUMN_DATA ? 3 : cell_shape[column].chars,
                                      cell_shape[column].chars, cell_shape[column].xalign);

  /* a Hex and Text row is many lines: its time and length on the first */
  ss_text_cell_set_yalign (SS_TEXT_CELL (cell), 0);
  gtk_widget_add_css_class (cell, column == COLUMN_DATA ? "traffic-data" : "numeric");
  gtk_list_item_set_child (item, cell);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  SsTrafficEntry *entry = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  SsTrafficKind kind = ss_traffic_entry_get_kind (entry);
  g_autofree char *text = NULL;

  switch (column)
    {
    case COLUMN_DIRECTION:
      text = g_strdup (ss_traffic_view_direction_label (kind, ss_traffic_entry_get_relayed (entry)));
      break;
    case COLUMN_LENGTH:
      if (kind != SS_TRAFFIC_EVENT)
        text = g_strdup_printf ("%" G_GSIZE_FORMAT, ss_traffic_entry_get_length (entry));
      break;
    case COLUMN_PEER:
      /* addresses are ASCII, but a Unix path is any bytes */
      if (ss_traffic_entry_get_peer (entry) != NULL)
        text = g_utf8_make_valid (ss_traffic_entry_get_peer (entry), -1);
      /* source 0 is the listener's own */
      set_one_class (label, connection_classes, G_N_ELEMENTS (connection_classes),
                     ss_traffic_entry_get_source (entry) != G_MAXUINT && ss_traffic_entry_get_source (entry) > 0
                     ? connection_classes[(ss_traffic_entry_get_source (entry) - 1) % G_N_ELEMENTS (connection_classes)]
                     : NULL);
      break;
    case COLUMN_DATA:
      /* events too: they quote addresses, and a Unix path is any bytes */
      text = ss_traffic_entry_dup_text (entry, PREVIEW_BYTES);
      break;
    case COLUMN_TIME:  /* bind_time_cb */
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }

  ss_text_cell_set_text (SS_TEXT_CELL (label), text);
  if (column == COLUMN_DIRECTION || column == COLUMN_DATA)
    set_one_class (label, direction_classes, G_N_ELEMENTS (direction_classes), direction_classes[kind]);
  if (column == COLUMN_DATA)
    set_one_class (label, (const char *[]) { "message-bad" }, 1,
                   ss_traffic_entry_get_message_flags (entry) & SS_MESSAGE_BAD ? "message-bad" : NULL);
}

/* Marked: GTK orders the cells of a row its own way, and a test looks
 * for the time among them. */
static void
setup_time_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  setup_cb (factory, item, GINT_TO_POINTER (COLUMN_TIME));
  gtk_widget_add_css_class (gtk_list_item_get_child (item), "traffic-time");
}

/* The time as the person chose to read it (Preferences): the clock, since
 * the log's first entry, or since the row above. */
static void
bind_time_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              SsTrafficView            *self)
{
  g_autofree char *text = NULL;

  text = ss_time_format_format_item (self->time_format,
                                     ss_traffic_entry_get_time (gtk_list_item_get_item (item)),
                                     G_LIST_MODEL (self->log),
                                     G_LIST_MODEL (gtk_column_view_get_model (self->column_view)),
                                     gtk_list_item_get_position (item),
                                     (SsTimeOf) ss_traffic_entry_get_time);
  ss_text_cell_set_text (SS_TEXT_CELL (gtk_list_item_get_child (item)), text);
  if (self->time_cells != NULL)
    g_hash_table_add (self->time_cells, item);
}

static void
unbind_time_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                SsTrafficView            *self)
{
  /* the table may let its rows go after the view's dispose */
  if (self->time_cells != NULL)
    g_hash_table_remove (self->time_cells, item);
}

/* GTK 4.8 keeps a column's cells when its factory is set again: the
 * bound ones are told the new format one by one. */
static void
time_format_changed_cb (SsTrafficView *self)
{
  g_autoptr(GList) items = g_hash_table_get_keys (self->time_cells);

  for (GList *l = items; l != NULL; l = l->next)
    bind_time_cb (NULL, l->data, self);
}

static void
add_time_column (SsTrafficView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_time_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_time_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_time_cb), self);
  view_column = gtk_column_view_column_new (_("Time"), g_object_ref (factory));
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->column_view, view_column);
}

static GtkColumnViewColumn *
add_column (SsTrafficView *self,
            Column         column,
            const char    *title,
            gboolean       expand)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->column_view, view_column);
  return view_column;
}

/* Events (connected, closed, errors) stay whatever the direction. */
static gboolean
direction_filter_func (gpointer item,
                       gpointer user_data)
{
  SsTrafficView *self = user_data;
  SsTrafficKind kind = ss_traffic_entry_get_kind (item);

  switch (gtk_drop_down_get_selected (self->direction_dropdown))
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
  switch (gtk_drop_down_get_selected (self->direction_dropdown))
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
  GtkSelectionModel *selection = gtk_column_view_get_model (self->column_view);

  if (selection == NULL)
    return NULL;
  return GTK_FILTER_LIST_MODEL (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection)));
}

static void
direction_changed_cb (SsTrafficView *self)
{
  GtkFilterListModel *filter_model = ss_traffic_view_get_filter_model (self);
  gboolean both = gtk_drop_down_get_selected (self->direction_dropdown) == DIRECTION_BOTH;

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
  SsPayloadFormat format = gtk_drop_down_get_selected (self->format_dropdown);
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
  GtkSelectionModel *selection = gtk_column_view_get_model (self->column_view);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->details_view);
  SsTrafficEntry *entry = NULL;
  g_autofree char *text = NULL;

  /* a hex dump or source code keeps its columns; text wraps */
  gtk_text_view_set_wrap_mode (self->details_view,
                               gtk_drop_down_get_selected (self->format_dropdown) == SS_PAYLOAD_TEXT
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

  selection = gtk_column_view_get_model (self->column_view);
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
  ss_conversation_view_set_format (self->conversation_view, gtk_drop_down_get_selected (self->format_dropdown));
}

static void
layout_changed_cb (SsTrafficView *self)
{
  gboolean conversation = gtk_drop_down_get_selected (self->layout_dropdown) == LAYOUT_CONVERSATION;

  gtk_stack_set_visible_child_name (self->layout_stack, conversation ? "conversation" : "table");
  ss_traffic_view_set_side_by_side (self, gtk_drop_down_get_selected (self->layout_dropdown) == LAYOUT_SIDE_BY_SIDE);
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

  if (gtk_drop_down_get_selected (self->layout_dropdown) == LAYOUT_CONVERSATION)
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

      text = ss_payload_format (data, len, gtk_drop_down_get_selected (self->format_dropdown), 0);
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
/* A datagram's peer, or in a listener's log the connection: a merged log
 * always shows whose each entry is */
static void
update_peer_column (SsTrafficView *self)
{
  gtk_column_view_column_set_visible (self->peer_column,
                                      self->show_peer || (self->log != NULL && ss_traffic_log_is_merged (self->log)));
}

void
ss_traffic_view_set_show_peer (SsTrafficView *self,
                               gboolean       show_peer)
{
  g_return_if_fail (SS_IS_TRAFFIC_VIEW (self));
  self->show_peer = show_peer;
  update_peer_column (self);
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
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
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
  update_peer_column (self);
  ss_traffic_view_show_rows (self);
}

void
ss_traffic_view_set_log (SsTrafficView *self,
                         SsTrafficLog  *log)
{
  g_return_if_fail (SS_IS_TRAFFIC_VIEW (self));

  g_set_object (&self->all_log, log);
  if (self->connections != NULL)
    gtk_drop_down_set_selected (self->connection_dropdown, 0);
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
  g_clear_pointer (&self->time_cells, g_hash_table_unref);
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

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-traffic-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, content);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, column_view);
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
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
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
  self->time_cells = g_hash_table_new (NULL, NULL);
  add_time_column (self);
  add_column (self, COLUMN_DIRECTION, _("Direction"), FALSE);
  add_column (self, COLUMN_LENGTH, _("Bytes"), FALSE);
  self->peer_column = add_column (self, COLUMN_PEER, _("Peer"), FALSE);
  gtk_column_view_column_set_visible (self->peer_column, FALSE);
  self->data_column = add_column (self, COLUMN_DATA, _("Data"), TRUE);
  ss_traffic_view_init_messages (self);
  ss_follow_tail_attach (self->scrolled_window);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "traffic.only-connection", FALSE);
  g_object_bind_property (self->find_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
}
