/* ss-toxics-panel.c — a relay's faults per direction: add, edit, reorder, remove
 *
 * The rows are the faults: what the panel says is what
 * ss_toxics_panel_get_specs() returns, and every change a person makes
 * is announced with the whole direction's list ("changed"), which is
 * what a relay makes each new pair's SsToxicChain from.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-accessible.h"
#include "ss-toxic-row.h"
#include "ss-toxics-panel.h"

struct _SsToxicsPanel
{
  GtkWidget      parent_instance;

  GtkListBox    *lists[SS_N_TOXIC_DIRECTIONS];
  GtkMenuButton *add_buttons[SS_N_TOXIC_DIRECTIONS];
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SsToxicsPanel, ss_toxics_panel, GTK_TYPE_WIDGET)

static SsToxicDirection
direction_of (SsToxicsPanel *self,
              GtkWidget     *row)
{
  GtkWidget *list = gtk_widget_get_parent (row);

  return list == GTK_WIDGET (self->lists[SS_TOXIC_DOWNSTREAM])
    ? SS_TOXIC_DOWNSTREAM : SS_TOXIC_UPSTREAM;
}

static guint
n_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

/* The first and last rows cannot move further; their buttons say so. */
static void
update_move_buttons (SsToxicsPanel    *self,
                     SsToxicDirection  direction)
{
  GtkListBox *list = self->lists[direction];
  guint n = n_rows (list);

  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);

      ss_toxic_row_set_ends (SS_TOXIC_ROW (row), i == 0, i + 1 == n);
    }
}

static void
emit_changed (SsToxicsPanel    *self,
              SsToxicDirection  direction)
{
  g_autoptr(GArray) specs = ss_toxics_panel_get_specs (self, direction);

  update_move_buttons (self, direction);
  g_signal_emit (self, signals[CHANGED], 0, (guint) direction, specs);
}

static void
row_changed_cb (SsToxicsPanel *self,
                SsToxicRow    *row)
{
  emit_changed (self, direction_of (self, GTK_WIDGET (row)));
}

static void
row_remove_cb (SsToxicsPanel *self,
               SsToxicRow    *row)
{
  SsToxicDirection direction = direction_of (self, GTK_WIDGET (row));
  GtkListBox *list = self->lists[direction];
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  GtkListBoxRow *next;

  gtk_list_box_remove (list, GTK_WIDGET (row));
  /* the keyboard stays in the list: on the row that took its place */
  next = gtk_list_box_get_row_at_index (list, MAX (0, MIN (index, (int) n_rows (list) - 1)));
  if (next != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (next));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->add_buttons[direction]));
  emit_changed (self, direction);
}

static void
row_move_cb (SsToxicsPanel *self,
             int            delta,
             SsToxicRow    *row)
{
  SsToxicDirection direction = direction_of (self, GTK_WIDGET (row));
  GtkListBox *list = self->lists[direction];
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  int to = index + delta;

  if (to < 0 || to >= (int) n_rows (list))
    return;
  g_object_ref (row);
  gtk_list_box_remove (list, GTK_WIDGET (row));
  gtk_list_box_insert (list, GTK_WIDGET (row), to);
  g_object_unref (row);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  emit_changed (self, direction);
}

static GtkWidget *
append_row (SsToxicsPanel     *self,
            SsToxicDirection   direction,
            const SsToxicSpec *spec)
{
  GtkWidget *row = ss_toxic_row_new (spec);

  g_signal_connect_object (row, "changed", G_CALLBACK (row_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "remove", G_CALLBACK (row_remove_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "move", G_CALLBACK (row_move_cb), self, G_CONNECT_SWAPPED);
  gtk_list_box_append (self->lists[direction], row);
  return row;
}

/**
 * ss_toxics_panel_add:
 *
 * Adds a fault of @kind, with settings that visibly act, at the end of
 * @direction's faults, as the Add Fault menu does; "changed" follows.
 */
void
ss_toxics_panel_add (SsToxicsPanel    *self,
                     SsToxicDirection  direction,
                     SsToxicKind       kind)
{
  SsToxicSpec spec;
  GtkWidget *row;

  g_return_if_fail (SS_IS_TOXICS_PANEL (self));
  g_return_if_fail (direction < SS_N_TOXIC_DIRECTIONS);
  g_return_if_fail (kind < SS_N_TOXIC_KINDS);

  ss_toxic_spec_init_default (&spec, kind);
  row = append_row (self, direction, &spec);
  ss_toxic_row_edit (SS_TOXIC_ROW (row));
  emit_changed (self, direction);
}

static void
add_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  guint32 direction, kind;

  g_variant_get (parameter, "(uu)", &direction, &kind);
  if (direction < SS_N_TOXIC_DIRECTIONS && kind < SS_N_TOXIC_KINDS)
    ss_toxics_panel_add (SS_TOXICS_PANEL (widget), direction, kind);
}

/* The Add Fault menus, from the faults' own table. */
static void
build_add_menus (SsToxicsPanel *self)
{
  for (SsToxicDirection direction = 0; direction < SS_N_TOXIC_DIRECTIONS; direction++)
    {
      g_autoptr(GMenu) menu = g_menu_new ();

      for (SsToxicKind kind = 0; kind < SS_N_TOXIC_KINDS; kind++)
        {
          g_autoptr(GMenuItem) item = g_menu_item_new (ss_toxic_kind_title (kind), NULL);

          g_menu_item_set_action_and_target (item, "toxics.add", "(uu)", (guint32) direction,
                                             (guint32) kind);
          g_menu_append_item (menu, item);
        }
      gtk_menu_button_set_menu_model (self->add_buttons[direction], G_MENU_MODEL (menu));
    }
}

/**
 * ss_toxics_panel_set_specs:
 * @specs: (array length=n_specs): what @direction's faults are now
 *
 * Shows faults kept elsewhere (settings, a relay being shown); no
 * "changed" follows, as nothing was changed by the person.
 */
void
ss_toxics_panel_set_specs (SsToxicsPanel     *self,
                           SsToxicDirection   direction,
                           const SsToxicSpec *specs,
                           guint              n_specs)
{
  GtkListBoxRow *row;

  g_return_if_fail (SS_IS_TOXICS_PANEL (self));
  g_return_if_fail (direction < SS_N_TOXIC_DIRECTIONS);
  g_return_if_fail (specs != NULL || n_specs == 0);

  while ((row = gtk_list_box_get_row_at_index (self->lists[direction], 0)) != NULL)
    gtk_list_box_remove (self->lists[direction], GTK_WIDGET (row));
  for (guint i = 0; i < n_specs; i++)
    if (ss_toxic_spec_check (&specs[i], NULL))
      append_row (self, direction, &specs[i]);
  update_move_buttons (self, direction);
}

/**
 * ss_toxics_panel_get_specs:
 *
 * Returns: (transfer full) (element-type SsToxicSpec): @direction's
 *   faults in the order they act, for ss_toxic_chain_new()
 */
GArray *
ss_toxics_panel_get_specs (SsToxicsPanel    *self,
                           SsToxicDirection  direction)
{
  GArray *specs = g_array_new (FALSE, FALSE, sizeof (SsToxicSpec));
  GtkListBoxRow *row;

  g_return_val_if_fail (SS_IS_TOXICS_PANEL (self), specs);
  g_return_val_if_fail (direction < SS_N_TOXIC_DIRECTIONS, specs);

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->lists[direction], i)) != NULL; i++)
    g_array_append_vals (specs, ss_toxic_row_get_spec (SS_TOXIC_ROW (row)), 1);
  return specs;
}

GtkWidget *
ss_toxics_panel_new (void)
{
  return g_object_new (SS_TYPE_TOXICS_PANEL, NULL);
}

static void
ss_toxics_panel_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_TOXICS_PANEL);
  /* GTK 4.8 unparents only bound template children: the unnamed root box
   * is still here (a "still has children left" warning at finalize) */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ss_toxics_panel_parent_class)->dispose (object);
}

static void
ss_toxics_panel_class_init (SsToxicsPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_toxics_panel_dispose;

  /**
   * SsToxicsPanel::changed:
   * @direction: an SsToxicDirection
   * @specs: (element-type SsToxicSpec): that direction's faults now, in order
   *
   * The person added, edited, moved or removed one of @direction's faults.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ARRAY);

  gtk_widget_class_install_action (widget_class, "toxics.add", "(uu)", add_action_cb);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-toxics-panel.ui");
  gtk_widget_class_bind_template_child_full (widget_class, "upstream_list", FALSE,
                                             G_STRUCT_OFFSET (SsToxicsPanel, lists) +
                                             SS_TOXIC_UPSTREAM * sizeof (GtkListBox *));
  gtk_widget_class_bind_template_child_full (widget_class, "downstream_list", FALSE,
                                             G_STRUCT_OFFSET (SsToxicsPanel, lists) +
                                             SS_TOXIC_DOWNSTREAM * sizeof (GtkListBox *));
  gtk_widget_class_bind_template_child_full (widget_class, "upstream_add_button", FALSE,
                                             G_STRUCT_OFFSET (SsToxicsPanel, add_buttons) +
                                             SS_TOXIC_UPSTREAM * sizeof (GtkMenuButton *));
  gtk_widget_class_bind_template_child_full (widget_class, "downstream_add_button", FALSE,
                                             G_STRUCT_OFFSET (SsToxicsPanel, add_buttons) +
                                             SS_TOXIC_DOWNSTREAM * sizeof (GtkMenuButton *));
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_toxics_panel_init (SsToxicsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_add_menus (self);
  ss_accessible_repair_names (GTK_WIDGET (self));
}
