/* ss-system-window.c — System Sockets (Ctrl+Shift+S): every socket of the machine, live
 *
 * The dump, the owner scan, the comparison with the last refresh, the
 * filter and the sort all run in a worker (ss_system_query_run_async());
 * the main loop only moves the rows, in one change per refresh.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "ss-system-format.h"
#include "ss-system-window-private.h"
#include "ss-text-cell.h"

G_DEFINE_FINAL_TYPE (SsSystemWindow, ss_system_window, GTK_TYPE_WINDOW)

/* Width of each column in pixels, so a new value costs a redraw, not a
 * re-measure of the column */
static const int column_widths[SS_SYSTEM_N_COLUMNS] = {
  [SS_SYSTEM_COLUMN_PROTOCOL] = 110,
  [SS_SYSTEM_COLUMN_STATE] = 100,
  [SS_SYSTEM_COLUMN_LOCAL] = 220,
  [SS_SYSTEM_COLUMN_PEER] = 220,
  [SS_SYSTEM_COLUMN_RECV_Q] = 80,
  [SS_SYSTEM_COLUMN_SEND_Q] = 80,
  [SS_SYSTEM_COLUMN_UID] = 60,
  [SS_SYSTEM_COLUMN_INODE] = 90,
  [SS_SYSTEM_COLUMN_PROCESS] = 200,
  [SS_SYSTEM_COLUMN_RTT] = 150,
  [SS_SYSTEM_COLUMN_CWND] = 70,
  [SS_SYSTEM_COLUMN_SSTHRESH] = 80,
  [SS_SYSTEM_COLUMN_RETRANS] = 70,
  [SS_SYSTEM_COLUMN_BYTES_ACKED] = 110,
  [SS_SYSTEM_COLUMN_BYTES_RECEIVED] = 120,
  [SS_SYSTEM_COLUMN_DELIVERY_RATE] = 120,
  [SS_SYSTEM_COLUMN_LAST_SEND] = 90,
  [SS_SYSTEM_COLUMN_LAST_RECV] = 90,
};

static const char *change_classes[] = { NULL, "system-new", "system-changed", "system-removed" };


void
_ss_system_window_show_message (SsSystemWindow *self,
                                const char     *text,
                                gboolean        is_error)
{
  gtk_label_set_text (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error-message");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error-message");
}

const SsSystemEntry *
_ss_system_window_selected_entry (SsSystemWindow *self)
{
  SsSystemRow *row = gtk_single_selection_get_selected_item (self->selection);

  return row != NULL ? ss_system_row_get_entry (row) : NULL;
}

static void
set_enabled (SsSystemWindow *self,
             const char     *name,
             gboolean        enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_actions (SsSystemWindow *self)
{
  const SsSystemEntry *entry = _ss_system_window_selected_entry (self);
  gboolean live = entry != NULL && entry->change != SS_SYSTEM_REMOVED;
  const SsSockRecord *r = entry != NULL ? &entry->record : NULL;

  set_enabled (self, "copy-row", entry != NULL);
  set_enabled (self, "close-connection", live && r->family != AF_UNIX && r->proto != SS_SOCK_PROTO_RAW);
  set_enabled (self, "connect-to", live && r->state == SS_SOCK_STATE_LISTEN &&
                                    (r->proto == SS_SOCK_PROTO_TCP ||
                                     (r->proto == SS_SOCK_PROTO_UNIX_STREAM && r->unix_name != NULL)));
  set_enabled (self, "show-in-sockscope", live && entry->pid == getpid ());
}

/* --- cells --- */

static void
cell_update (SsSystemWindow *self,
             GtkListItem    *item,
             SsSystemColumn  column)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  GtkWidget *cell = gtk_widget_get_parent (label);
  SsSystemRow *row = gtk_list_item_get_item (item);
  const SsSystemEntry *entry = ss_system_row_get_entry (row);
  g_autofree char *text = ss_system_entry_format (entry, column);

  ss_text_cell_set_text (SS_TEXT_CELL (label), text);
  /* the whole cell is coloured, so a row reads as one band */
  if (cell == NULL)
    cell = label;
  for (guint i = 1; i < G_N_ELEMENTS (change_classes); i++)
    if (i == entry->change)
      gtk_widget_add_css_class (cell, change_classes[i]);
    else
      gtk_widget_remove_css_class (cell, change_classes[i]);
}

/* What the bound set keeps for a cell: its column, the change its row
 * showed, and the refresh it was last written in */
static guint
bound_value (SsSystemWindow *self,
             GtkListItem    *item,
             SsSystemColumn  column)
{
  const SsSystemEntry *entry = ss_system_row_get_entry (gtk_list_item_get_item (item));

  return column | entry->change << 8 | (self->generation & 0xffff) << 16;
}

/* A cell scrolled into view shows what its row holds now: refreshes skip
 * cells off screen (model_refreshed_cb()) */
static void
cell_map_cb (GtkWidget      *label,
             SsSystemWindow *self)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (label), "ss-list-item");
  SsSystemColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "ss-column"));

  if (gtk_list_item_get_item (item) == NULL)
    return;
  cell_update (self, item, column);
  g_hash_table_insert (self->bound, item, GUINT_TO_POINTER (bound_value (self, item, column)));
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               SsSystemWindow           *self)
{
  SsSystemColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  gboolean number = ss_system_column_is_number (column);
  /* SsTextCell: text laid out only when drawn, a redraw when it changes */
  GtkWidget *label = ss_text_cell_new (3, column_widths[column] / 8, number ? 1.0 : 0.0);

  if (number)
    gtk_widget_add_css_class (label, "numeric");
  g_object_set_data (G_OBJECT (label), "ss-list-item", item);
  g_object_set_data (G_OBJECT (label), "ss-column", GINT_TO_POINTER (column));
  g_signal_connect (label, "map", G_CALLBACK (cell_map_cb), self);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              SsSystemWindow           *self)
{
  SsSystemColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));

  cell_update (self, item, column);
  g_hash_table_insert (self->bound, item, GUINT_TO_POINTER (bound_value (self, item, column)));
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                SsSystemWindow           *self)
{
  g_hash_table_remove (self->bound, item);
}

/* Rows that kept their place were not rebound: their cells on screen take
 * the new snapshot's values here, a redraw each (GTK keeps about 200 rows
 * bound, most of them off screen and unmapped: cell_map_cb() writes
 * those when they show). Cells the change rebound are written already; a
 * row that was and is the same shows the same text, but for the TCP
 * clocks (RTT, last send …). */
static void
model_refreshed_cb (SsSystemWindow *self)
{
  GHashTableIter iter;
  gpointer item, value;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, &value))
    {
      SsSystemColumn column = GPOINTER_TO_UINT (value) & 0xff;
      SsSystemChange shown = (GPOINTER_TO_UINT (value) >> 8) & 0xff;
      guint written = GPOINTER_TO_UINT (value) >> 16;
      const SsSystemEntry *entry = ss_system_row_get_entry (gtk_list_item_get_item (item));

      if (written == (self->generation & 0xffff) || !gtk_widget_get_mapped (gtk_list_item_get_child (item)))
        continue;
      if (entry->change == SS_SYSTEM_SAME && shown == SS_SYSTEM_SAME &&
          !(entry->record.has_tcp && column >= SS_SYSTEM_COLUMN_RTT))
        continue;
      cell_update (self, item, column);
      g_hash_table_iter_replace (&iter, GUINT_TO_POINTER (bound_value (self, item, column)));
    }
}

/* --- sorting --- */

/* GTK 4.8 cannot say which column a GtkColumnViewSorter sorts by
 * (gtk_column_view_sorter_get_primary_sort_column() is 4.10), and the
 * sort runs in a worker anyway: each column's sorter only says "me" when
 * the view's sorter asks it, and which way round it was asked. */
static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  SsSystemWindow *self = g_object_get_data (G_OBJECT (a), "ss-system-window");

  if (self != NULL)
    self->probed = GPOINTER_TO_INT (user_data);
  return GTK_ORDERING_SMALLER;
}

static void
sorter_changed_cb (SsSystemWindow *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  g_autoptr(SsSystemRow) a = ss_system_row_new ();
  g_autoptr(SsSystemRow) b = ss_system_row_new ();
  GtkOrdering order;

  g_object_set_data (G_OBJECT (a), "ss-system-window", self);
  self->probed = SS_SYSTEM_COLUMN_NONE;
  order = gtk_sorter_compare (sorter, a, b);
  self->query.sort_column = order == GTK_ORDERING_EQUAL ? SS_SYSTEM_COLUMN_NONE : self->probed;
  self->query.descending = order == GTK_ORDERING_LARGER;
  _ss_system_window_run (self, FALSE);
}

/* --- refreshing --- */

/* Said in place, not left out silently: what this kernel cannot list */
static void
update_limits (SsSystemWindow    *self,
               SsSockDiagMissing  missing)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (missing & SS_SOCK_DIAG_MISSING_RAW)
    g_string_append (text, _("Raw sockets are not listed: this kernel was built without raw_diag (CONFIG_INET_RAW_DIAG)."));
  if (missing & SS_SOCK_DIAG_MISSING_UNIX)
    g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "",
                            _("Unix sockets are not listed: this kernel was built without unix_diag (CONFIG_UNIX_DIAG)."));
  gtk_label_set_text (self->limits_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->limits_label), text->len > 0);
}

static void
update_counts (SsSystemWindow *self)
{
  const guint *counts = ss_system_model_get_counts (self->model);
  SsSystemSnapshot *snapshot = ss_system_model_get_snapshot (self->model);
  g_autoptr(GString) text = g_string_new (NULL);
  guint shown = 0;

  /* the rows removed since the last refresh, still shown in red, are
   * sockets no more: counted in neither number */
  for (guint state = 0; state < SS_SOCK_N_STATES; state++)
    shown += counts[state];
  g_string_append_printf (text, _("%u of %u sockets"), shown,
                          ss_system_model_get_n_sockets (self->model));
  for (guint state = 0; state < SS_SOCK_N_STATES; state++)
    if (counts[state] > 0 && state != SS_SOCK_STATE_NEW_SYN_RECV)
      g_string_append_printf (text, " · %s %u", ss_sock_state_name (state),
                              counts[state] + (state == SS_SOCK_STATE_SYN_RECV ? counts[SS_SOCK_STATE_NEW_SYN_RECV] : 0));
  g_string_append_printf (text, _(" · refreshed in %u ms"), (guint) (self->last_duration / 1000));
  gtk_label_set_text (self->counts_label, text->str);
  update_limits (self, snapshot != NULL ? ss_system_snapshot_get_missing (snapshot) : 0);
}

/* The first rows of a view cost GTK a widget per cell, about 200 rows at
 * once, more than half a second for all the columns: they come a few rows
 * a frame instead. Past them, rows cost nothing until scrolled to. */
#define FILL_STEP  10
#define FILL_LIMIT 240

static void
apply_rows (SsSystemWindow *self,
            SsSystemResult *result,
            guint           n_rows)
{
  SsSystemResult part = *result;
  g_autoptr(GArray) order = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_rows);

  g_array_append_vals (order, result->order->data, MIN (n_rows, result->order->len));
  part.order = order;
  self->generation++;
  ss_system_model_apply (self->model, &part);
}

static void
applied (SsSystemWindow *self)
{
  self->busy = FALSE;
  update_counts (self);
  update_actions (self);
  if (self->want_refresh || self->want_order)
    _ss_system_window_run (self, self->want_refresh);
}

static gboolean
fill_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  SsSystemWindow *self = user_data;

  self->n_filled += FILL_STEP;
  if (self->n_filled < FILL_LIMIT && self->n_filled < self->filling->order->len)
    {
      apply_rows (self, self->filling, self->n_filled);
      return G_SOURCE_CONTINUE;
    }
  self->generation++;
  ss_system_model_apply (self->model, self->filling);
  g_clear_pointer (&self->filling, ss_system_result_free);
  applied (self);
  return G_SOURCE_REMOVE;
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *async_result,
             gpointer      user_data)
{
  g_autoptr(SsSystemWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSystemResult) result = ss_system_query_run_finish (async_result, &error);
  guint n_shown;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (result == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The kernel's list of sockets could not be read: %s"), error->message);
      _ss_system_window_show_message (self, text, TRUE);
      return;
    }
  self->last_duration = result->duration;
  n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  if (n_shown < FILL_LIMIT && result->order->len > n_shown + FILL_STEP &&
      gtk_widget_get_mapped (GTK_WIDGET (self->column_view)))
    {
      /* still busy until every row is in */
      self->busy = TRUE;
      self->filling = g_steal_pointer (&result);
      self->n_filled = n_shown + FILL_STEP;
      apply_rows (self, self->filling, self->n_filled);
      gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view), fill_tick_cb, self, NULL);
      return;
    }
  self->generation++;
  ss_system_model_apply (self->model, result);
  applied (self);
}

void
_ss_system_window_run (SsSystemWindow *self,
                       gboolean        refresh)
{
  SsSystemSnapshot *base = ss_system_model_get_snapshot (self->model);

  if (self->busy)
    {
      /* one worker at a time; the latest wish runs when it is done */
      self->want_refresh |= refresh;
      self->want_order = TRUE;
      return;
    }
  if (base == NULL)
    refresh = TRUE;
  self->want_refresh = FALSE;
  self->want_order = FALSE;
  self->busy = TRUE;
  ss_system_query_run_async (&self->query, base, refresh, self->cancellable,
                             run_done_cb, g_object_ref (self));
}

static gboolean
tick_cb (gpointer user_data)
{
  SsSystemWindow *self = user_data;

  if (!self->paused && !self->busy)
    _ss_system_window_run (self, TRUE);
  return G_SOURCE_CONTINUE;
}

static void
interval_changed_cb (SsSystemWindow *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (g_settings_get_uint (self->settings, "system-refresh-interval"),
                                    tick_cb, self);
}

static void
filters_changed_cb (SsSystemWindow *self)
{
  self->query.hide_loopback = g_settings_get_boolean (self->settings, "system-hide-loopback");
  self->query.hide_listening = g_settings_get_boolean (self->settings, "system-hide-listening");
  self->query.only_tcp = g_settings_get_boolean (self->settings, "system-only-tcp");
  _ss_system_window_run (self, FALSE);
}

static void
search_changed_cb (SsSystemWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  g_free (self->query.text);
  self->query.text = g_strstrip (g_strdup (text));
  g_settings_set_string (self->settings, "system-filter-text", text);
  _ss_system_window_run (self, FALSE);
}

/* --- the row menu --- */

/* A right click selects the row under the pointer, then opens the menu */
static void
context_pressed_cb (SsSystemWindow *self,
                    int             n_press,
                    double          x,
                    double          y)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);
  GtkWidget *popover;

  for (; picked != NULL; picked = gtk_widget_get_parent (picked))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (picked), "ss-list-item");

      if (item != NULL)
        {
          gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (item));
          break;
        }
    }
  if (picked == NULL)
    return;
  if (self->row_popover == NULL)
    {
      /* made on first use, and unparented in dispose */
      self->row_popover = gtk_popover_menu_new_from_model (self->row_menu);
      gtk_widget_set_parent (self->row_popover, GTK_WIDGET (self->column_view));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->row_popover), FALSE);
    }
  popover = self->row_popover;
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { x, y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (popover));
}

static void
add_columns (SsSystemWindow *self)
{
  for (SsSystemColumn c = SS_SYSTEM_COLUMN_PROTOCOL; c < SS_SYSTEM_N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, GINT_TO_POINTER (c), NULL));

      g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), self);
      column = gtk_column_view_column_new (ss_system_column_title (c), factory);
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, column_widths[c]);
      gtk_column_view_append_column (self->column_view, column);
    }
}

static void
ss_system_window_dispose (GObject *object)
{
  SsSystemWindow *self = SS_SYSTEM_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_pointer (&self->row_popover, gtk_widget_unparent);

  G_OBJECT_CLASS (ss_system_window_parent_class)->dispose (object);
}

static void
ss_system_window_finalize (GObject *object)
{
  SsSystemWindow *self = SS_SYSTEM_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->actions);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_pointer (&self->query.text, g_free);
  g_clear_pointer (&self->filling, ss_system_result_free);

  G_OBJECT_CLASS (ss_system_window_parent_class)->finalize (object);
}

static void
ss_system_window_class_init (SsSystemWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_system_window_dispose;
  object_class->finalize = ss_system_window_finalize;

  g_type_ensure (SS_TYPE_TCP_PLOTS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-system-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, limits_label);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, counts_label);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, plots_button);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, plots_pane);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, plots_title);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, plots);
  gtk_widget_class_bind_template_child (widget_class, SsSystemWindow, row_menu);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, context_pressed_cb);
}

static void
ss_system_window_init (SsSystemWindow *self)
{
  g_autofree char *text = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  self->bound = g_hash_table_new (NULL, NULL);
  self->model = ss_system_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (_ss_system_window_update_plots), self, G_CONNECT_SWAPPED);
  _ss_system_window_update_plots (self);
  g_signal_connect_object (self->model, "refreshed",
                           G_CALLBACK (model_refreshed_cb), self, G_CONNECT_SWAPPED);

  add_columns (self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);

  _ss_system_window_add_actions (self);
  update_actions (self);

  /* the filters as they were left */
  self->query.hide_loopback = g_settings_get_boolean (self->settings, "system-hide-loopback");
  self->query.hide_listening = g_settings_get_boolean (self->settings, "system-hide-listening");
  self->query.only_tcp = g_settings_get_boolean (self->settings, "system-only-tcp");
  text = g_settings_get_string (self->settings, "system-filter-text");
  self->query.text = g_strstrip (g_strdup (text));
  g_signal_handlers_block_by_func (self->search_entry, search_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  g_signal_handlers_unblock_by_func (self->search_entry, search_changed_cb, self);
  g_signal_connect_object (self->settings, "changed::system-hide-loopback",
                           G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::system-hide-listening",
                           G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::system-only-tcp",
                           G_CALLBACK (filters_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::system-refresh-interval",
                           G_CALLBACK (interval_changed_cb), self, G_CONNECT_SWAPPED);

  interval_changed_cb (self);
  _ss_system_window_run (self, TRUE);
}

SsSystemWindow *
ss_system_window_new (GtkApplication *application)
{
  return g_object_new (SS_TYPE_SYSTEM_WINDOW, "application", application, NULL);
}

/* Returns: (transfer none): the rows shown, in order (#SsSystemRow) */
GListModel *
ss_system_window_get_rows (SsSystemWindow *self)
{
  g_return_val_if_fail (SS_IS_SYSTEM_WINDOW (self), NULL);
  return G_LIST_MODEL (self->model);
}

/* Whether a refresh or a new order is under way, for tests */
gboolean
ss_system_window_get_busy (SsSystemWindow *self)
{
  g_return_val_if_fail (SS_IS_SYSTEM_WINDOW (self), FALSE);
  return self->busy;
}

/* Returns: (nullable): the message shown over the table */
const char *
ss_system_window_get_message (SsSystemWindow *self)
{
  g_return_val_if_fail (SS_IS_SYSTEM_WINDOW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_text (self->message_label) : NULL;
}
