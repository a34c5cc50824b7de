/* ss-traffic-row.c — one row of the traffic table: its cells side by side
 *
 * The traffic table was a GtkColumnView, which makes each cell of a row a
 * list item of its own: a widget with its own gestures, focus controller,
 * CSS node and accessible object around ours. It kept 200 rows, so a
 * burst of connections (a listener's log following its end) made and
 * laid out 1,200 of GTK's widgets a change, and the window spent more on
 * them than on the sockets. Now a row is one item of a one-column grid
 * view (which keeps 30, ss-traffic-view.ui) holding this: our cells in a
 * box, each sized in characters, none measured from its text.
 * The table's heading is a row too (ss_traffic_view's header), so the
 * titles sit over their columns at any font size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include "ss-text-cell.h"
#include "ss-traffic-row.h"

#define CELL_SPACING 12

struct _SsTrafficRow
{
  GtkWidget  parent_instance;

  GtkWidget *cells[SS_TRAFFIC_N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (SsTrafficRow, ss_traffic_row, GTK_TYPE_WIDGET)

/* Each column's width in characters: set, not measured from the text, so
 * the rows a flood brings cost no text layout, only a redraw. */
static const struct
{
  guint  min_chars;
  guint  nat_chars;
  float  xalign;
  const char *css_class;
} shapes[SS_TRAFFIC_COLUMN_HEXDUMP] = {
  [SS_TRAFFIC_COLUMN_TIME] = { 15, 15, 0, "traffic-time" },
  [SS_TRAFFIC_COLUMN_DIRECTION] = { 15, 15, 0, "numeric" },  /* "client → server" in a relayed pair */
  [SS_TRAFFIC_COLUMN_LENGTH] = { 6, 6, 1, "numeric" },
  [SS_TRAFFIC_COLUMN_PEER] = { 17, 17, 0, "numeric" },
  [SS_TRAFFIC_COLUMN_DATA] = { 3, 40, 0, "traffic-data" },
};

static GtkWidget *
make_cell (SsTrafficColumn column)
{
  GtkWidget *cell;

  if (column == SS_TRAFFIC_COLUMN_HEXDUMP)
    {
      /* the width comes from the room left, not from the text */
      cell = gtk_inscription_new (NULL);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 20);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 40);
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_CLIP);
      gtk_widget_add_css_class (cell, "traffic-data");
      gtk_widget_add_css_class (cell, "traffic-hexdump");
      gtk_widget_set_hexpand (cell, TRUE);
      return cell;
    }

  cell = ss_text_cell_new (shapes[column].min_chars, shapes[column].nat_chars, shapes[column].xalign);
  /* a Hex and Text row is many lines: its time and length on the first */
  ss_text_cell_set_yalign (SS_TEXT_CELL (cell), 0);
  gtk_widget_add_css_class (cell, shapes[column].css_class);
  if (column == SS_TRAFFIC_COLUMN_TIME)
    gtk_widget_add_css_class (cell, "numeric");
  gtk_widget_set_hexpand (cell, column == SS_TRAFFIC_COLUMN_DATA);
  return cell;
}

static void
ss_traffic_row_dispose (GObject *object)
{
  SsTrafficRow *self = SS_TRAFFIC_ROW (object);

  for (guint i = 0; i < SS_TRAFFIC_N_COLUMNS; i++)
    g_clear_pointer (&self->cells[i], gtk_widget_unparent);

  G_OBJECT_CLASS (ss_traffic_row_parent_class)->dispose (object);
}

static void
ss_traffic_row_class_init (SsTrafficRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_traffic_row_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "trafficrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ss_traffic_row_init (SsTrafficRow *self)
{
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), CELL_SPACING);
  /* the hex dump's cell is made when first shown: a GtkInscription a
   * row is a widget more to make for 200 rows on each new model */
  for (guint i = 0; i < SS_TRAFFIC_COLUMN_HEXDUMP; i++)
    {
      self->cells[i] = make_cell (i);
      gtk_widget_set_parent (self->cells[i], GTK_WIDGET (self));
    }
  /* the peer shows in a listener's or a datagram socket's log, the hex
   * dump in its own layout */
  ss_traffic_row_set_columns (self, ~(1u << SS_TRAFFIC_COLUMN_PEER | 1u << SS_TRAFFIC_COLUMN_HEXDUMP));
}

GtkWidget *
ss_traffic_row_new (void)
{
  return g_object_new (SS_TYPE_TRAFFIC_ROW, NULL);
}

/**
 * ss_traffic_row_get_cell:
 *
 * Returns: (transfer none): the cell of @column: an SsTextCell, or for
 *   SS_TRAFFIC_COLUMN_HEXDUMP a GtkInscription
 */
GtkWidget *
ss_traffic_row_get_cell (SsTrafficRow    *self,
                         SsTrafficColumn  column)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ROW (self), NULL);
  g_return_val_if_fail (column < SS_TRAFFIC_N_COLUMNS, NULL);

  if (self->cells[column] == NULL)
    {
      self->cells[column] = make_cell (column);
      gtk_widget_set_visible (self->cells[column], FALSE);
      gtk_widget_insert_before (self->cells[column], GTK_WIDGET (self), NULL);
    }
  return self->cells[column];
}

/* @shown: a mask of 1 << SsTrafficColumn */
void
ss_traffic_row_set_columns (SsTrafficRow *self,
                            guint         shown)
{
  g_return_if_fail (SS_IS_TRAFFIC_ROW (self));

  for (guint i = 0; i < SS_TRAFFIC_N_COLUMNS; i++)
    if (self->cells[i] != NULL || (shown & (1u << i)))
      gtk_widget_set_visible (ss_traffic_row_get_cell (self, i), (shown & (1u << i)) != 0);
}
