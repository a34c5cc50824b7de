/* ss-call-view.c — the call log, in C or in the seed's Python
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-accessible.h"
#include "ss-drop-down.h"
#include "ss-text-cell.h"
#include "ss-call-view.h"
#include "ss-constants.h"
#include "ss-follow-tail.h"
#include "ss-throttled-model.h"
#include "ss-time-format.h"

enum {
  NOTATION_C,
  NOTATION_PYTHON,
};

struct _SsCallView
{
  GtkWidget          parent_instance;

  SsDropDown        *notation_dropdown;
  GtkScrolledWindow *scrolled_window;
  GtkGridView       *call_rows;

  SsTimeFormat      *time_format;
};

G_DEFINE_FINAL_TYPE (SsCallView, ss_call_view, GTK_TYPE_WIDGET)

/* The call at @position of the list, as its row shows it; a call whose
 * position is not known (GTK_INVALID_LIST_POSITION) counts as the first. */
static char *
format_row (SsCallView *self,
            SsCall     *call,
            guint       position)
{
  GListModel *calls = G_LIST_MODEL (gtk_grid_view_get_model (self->call_rows));
  g_autofree char *time_text = NULL;
  g_autofree char *body = NULL;
  g_autofree char *outcome = ss_call_dup_outcome (call);
  int errsv = ss_call_get_errno (call);

  if (position == GTK_INVALID_LIST_POSITION || calls == NULL)
    time_text = ss_time_format_format (self->time_format, ss_call_get_time (call),
                                       ss_call_get_time (call), ss_call_get_time (call));
  else
    time_text = ss_time_format_format_item (self->time_format, ss_call_get_time (call),
                                            calls, calls, position, (SsTimeOf) ss_call_get_time);

  if (ss_drop_down_get_selected (self->notation_dropdown) == NOTATION_PYTHON)
    {
      if (outcome != NULL)
        /* a burst of automatic calls: how many, and what they got */
        body = g_strdup_printf ("%s  # → %s", ss_call_get_python (call), outcome);
      else if (errsv != 0 && ss_call_get_result_text (call) != NULL)
        /* what Python raises, when it is not an OSError of errno's */
        body = g_strdup_printf ("%s  # %s", ss_call_get_python (call), ss_call_get_result_text (call));
      else if (errsv != 0)
        body = g_strdup_printf ("%s  # OSError: [Errno %d] %s (%s)", ss_call_get_python (call),
                                errsv, g_strerror (errsv), ss_errno_name (errsv));
      else if (ss_call_get_result_text (call) != NULL)
        body = g_strdup_printf ("%s  # → %s", ss_call_get_python (call), ss_call_get_result_text (call));
      else if (ss_call_get_result (call) != 0)
        /* the kernel's answer as a comment: the new descriptor, the byte count */
        body = g_strdup_printf ("%s  # → %" G_GINT64_FORMAT, ss_call_get_python (call),
                                ss_call_get_result (call));
      else
        body = g_strdup (ss_call_get_python (call));
    }
  else
    body = ss_call_to_c (call);

  return g_strdup_printf ("%s  %s", time_text, body);
}

/**
 * ss_call_view_format:
 *
 * Returns: (transfer full): the call as its row shows it, in the chosen
 *   notation, with the time in front (since the call before: since
 *   itself)
 */
char *
ss_call_view_format (SsCallView *self,
                     SsCall     *call)
{
  g_return_val_if_fail (SS_IS_CALL_VIEW (self), NULL);
  return format_row (self, call, GTK_INVALID_LIST_POSITION);
}

/* The whole call, for a row cut short. Asked for when the pointer rests
 * on a row: setting a tooltip on every bind costs a round trip to the X
 * server per row, and a flood of accepts binds rows all the time. */
static gboolean
label_query_tooltip_cb (GtkWidget  *label,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip)
{
  gtk_tooltip_set_text (tooltip, ss_text_cell_get_text (SS_TEXT_CELL (label)));
  return TRUE;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          SsCallView               *self)
{
  /* a row's size is set, not measured from its text, so thousands of
   * calls a second cost no text layout, only a redraw */
  GtkWidget *label = ss_text_cell_new (3, 60, 0);

  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (label_query_tooltip_cb), NULL);

  gtk_widget_add_css_class (label, "call-text");
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         SsCallView               *self)
{
  SsCall *call = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = format_row (self, call, gtk_list_item_get_position (item));

  ss_text_cell_set_text (SS_TEXT_CELL (label), text);
  if (ss_call_get_errno (call) != 0)
    gtk_widget_add_css_class (label, "call-failed");
  else
    gtk_widget_remove_css_class (label, "call-failed");
}

/* Rebinding every row is how a list view redraws in the new notation or
 * time format. */
static void
notation_changed_cb (SsCallView *self)
{
  GtkSelectionModel *model = gtk_grid_view_get_model (self->call_rows);
  g_autoptr(GtkListItemFactory) factory = NULL;

  if (model == NULL)
    return;
  factory = g_object_ref (gtk_grid_view_get_factory (self->call_rows));
  gtk_grid_view_set_factory (self->call_rows, NULL);
  gtk_grid_view_set_factory (self->call_rows, factory);
}

void
ss_call_view_set_calls (SsCallView *self,
                        SsCallLog  *calls)
{
  g_autoptr(GtkSelectionModel) selection = NULL;

  g_return_if_fail (SS_IS_CALL_VIEW (self));

  if (calls != NULL)
    selection = GTK_SELECTION_MODEL (gtk_no_selection_new (
                  G_LIST_MODEL (ss_throttled_model_new (g_object_ref (G_LIST_MODEL (calls))))));
  gtk_grid_view_set_model (self->call_rows, selection);
}

static void
ss_call_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_CALL_VIEW);
  /* GTK 4.8 unparents only bound template children: the unnamed root box
   * is still here (a "still has children left" warning at finalize) */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);
  g_clear_object (&SS_CALL_VIEW (object)->time_format);
  G_OBJECT_CLASS (ss_call_view_parent_class)->dispose (object);
}

static void
ss_call_view_class_init (SsCallViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_call_view_dispose;

  g_type_ensure (SS_TYPE_DROP_DOWN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-call-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SsCallView, notation_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsCallView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, SsCallView, call_rows);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_call_view_init (SsCallView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  ss_accessible_repair_names (GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  gtk_grid_view_set_factory (self->call_rows, factory);
  g_signal_connect_swapped (self->notation_dropdown, "notify::selected",
                            G_CALLBACK (notation_changed_cb), self);
  self->time_format = ss_time_format_new ();
  g_signal_connect_object (self->time_format, "changed", G_CALLBACK (notation_changed_cb),
                           self, G_CONNECT_SWAPPED);
  ss_follow_tail_attach (self->scrolled_window);
}
