/* ss-traffic-view-find.c — Find in a traffic view: text or hex bytes,
 * next and previous, in the table or the conversation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ss-encoding.h"
#include "ss-throttled-model.h"
#include "ss-traffic-view-private.h"

static void
show_find_status (SsTrafficView *self,
                  const char    *status,
                  gboolean       is_error)
{
  gtk_label_set_text (self->find_status, status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->find_status), status);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->find_status), "error-message");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->find_status), "error-message");
}

static void
search_changed_cb (SsTrafficView *self)
{
  show_find_status (self, "", FALSE);
}

/* The bytes searched for: the text as UTF-8, or hex. NULL with the
 * status showing why. */
static GBytes *
dup_needle (SsTrafficView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GError) error = NULL;
  GBytes *needle;

  if (!gtk_check_button_get_active (self->hex_check))
    return *text ? g_bytes_new (text, strlen (text)) : NULL;
  needle = ss_encoding_decode (SS_ENCODING_HEX, text, -1, NULL, NULL, &error);
  if (needle == NULL)
    show_find_status (self, error->message, TRUE);
  else if (g_bytes_get_size (needle) == 0)
    g_clear_pointer (&needle, g_bytes_unref);
  return needle;
}

static gboolean
find_in_table (SsTrafficView *self,
               GBytes        *needle,
               gboolean       backward)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_grid_view_get_model (self->table_view));
  guint kinds = ss_traffic_view_get_kinds (self);
  guint n = g_list_model_get_n_items (ss_traffic_view_get_rows (self));
  guint selected = gtk_single_selection_get_selected (selection);
  guint from, found, shown;
  gsize len;
  const guint8 *data = g_bytes_get_data (needle, &len);

  if (n == 0)
    return FALSE;
  /* positions in the table are the log's, less what the filter hides,
   * once the table shows all of the log */
  ss_throttled_model_flush (SS_THROTTLED_MODEL (gtk_filter_list_model_get_model (ss_traffic_view_get_filter_model (self))));
  if (selected == GTK_INVALID_LIST_POSITION)
    from = backward ? n - 1 : 0;
  else
    {
      guint current = ss_traffic_view_rows_nth_of_kinds (self, kinds, selected);

      if (current == G_MAXUINT)
        from = 0;
      else if (backward)
        from = current == 0 ? n - 1 : current - 1;
      else
        from = current + 1 >= n ? 0 : current + 1;
    }

  found = ss_traffic_view_rows_find (self, data, len, from, backward, kinds);
  if (found == G_MAXUINT)
    found = ss_traffic_view_rows_find (self, data, len, backward ? n - 1 : 0, backward, kinds);
  if (found == G_MAXUINT)
    return FALSE;

  shown = ss_traffic_view_rows_count_kinds (self, kinds, found);
  ss_traffic_view_select_row (self, shown);
  return TRUE;
}

/* Selects the table's row at @position (of what the filter shows), and
 * scrolls to it */
void
ss_traffic_view_select_row (SsTrafficView *self,
                            guint          position)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_grid_view_get_model (self->table_view));

  if (selection == NULL)
    return;
  ss_throttled_model_flush (SS_THROTTLED_MODEL (gtk_filter_list_model_get_model (ss_traffic_view_get_filter_model (self))));
  gtk_single_selection_set_selected (selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->table_view), "list.scroll-to-item", "u", position);
}

static void
find (SsTrafficView *self,
      gboolean       backward)
{
  g_autoptr(GBytes) needle = NULL;
  gboolean found;

  if (self->log == NULL || (needle = dup_needle (self)) == NULL)
    return;

  if (ss_drop_down_get_selected (self->layout_dropdown) == LAYOUT_CONVERSATION)
    {
      gsize len;
      const char *data = g_bytes_get_data (needle, &len);
      g_autofree char *text = NULL;

      /* the conversation is text: bytes that are not UTF-8 are only in
       * the table */
      if (!g_utf8_validate_len (data, len, NULL) || memchr (data, '\0', len) != NULL)
        {
          show_find_status (self, _("These bytes are not text: find them in the Table layout"), TRUE);
          return;
        }
      text = g_strndup (data, len);
      found = ss_conversation_view_find (self->conversation_view, text, backward);
    }
  else
    found = find_in_table (self, needle, backward);

  show_find_status (self, found ? "" : _("Not found"), !found);
}

static void
find_next_cb (SsTrafficView *self)
{
  find (self, FALSE);
}

static void
find_previous_cb (SsTrafficView *self)
{
  find (self, TRUE);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SsTrafficView *self = SS_TRAFFIC_VIEW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
ss_traffic_view_install_find (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, find_next_cb);
  gtk_widget_class_bind_template_callback (widget_class, find_previous_cb);
  gtk_widget_class_install_action (widget_class, "traffic.find", NULL, find_action);
}
