/* ss-text-cell.c — one line of text in a list's cell, sized in characters
 *
 * What GtkInscription is for, without its cost in a flood: GTK 4.8's
 * inscription asks Pango for the font's metrics on every measure, and
 * Pango shapes a sample sentence each time to find them. A table that
 * makes a thousand cells (a list view keeps 200 rows of five) spent more
 * on those sample sentences than on anything it shows. Here the metrics
 * are found once per font, and the text is laid out only when the cell
 * is drawn: of the 200 rows a list keeps, only those on screen are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include "ss-text-cell.h"

struct _SsTextCell
{
  GtkWidget    parent_instance;

  char        *text;
  guint        min_chars;
  guint        nat_chars;
  float        xalign;
  float        yalign;
  PangoEllipsizeMode ellipsize;
  /* made when first drawn; dropped when the style may change the font */
  PangoLayout *layout;
};

G_DEFINE_FINAL_TYPE (SsTextCell, ss_text_cell, GTK_TYPE_WIDGET)

typedef struct
{
  int char_width;   /* Pango units */
  int line_height;  /* Pango units */
  int ascent;       /* Pango units */
} FontSize;

/* One entry per font description the cells use (proportional, monospace,
 * italic): the measure of every cell is a lookup. Emptied when a system
 * setting (font, scale) changes. */
static GHashTable *font_sizes;

static const FontSize *
get_font_size (SsTextCell *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *description = pango_context_get_font_description (context);
  FontSize *size;

  if (font_sizes == NULL)
    font_sizes = g_hash_table_new_full ((GHashFunc) pango_font_description_hash,
                                        (GEqualFunc) pango_font_description_equal,
                                        (GDestroyNotify) pango_font_description_free,
                                        g_free);
  size = g_hash_table_lookup (font_sizes, description);
  if (size == NULL)
    {
      PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);

      size = g_new0 (FontSize, 1);
      size->char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                              pango_font_metrics_get_approximate_digit_width (metrics));
      size->ascent = pango_font_metrics_get_ascent (metrics);
      size->line_height = size->ascent + pango_font_metrics_get_descent (metrics);
      pango_font_metrics_unref (metrics);
      g_hash_table_insert (font_sizes, pango_font_description_copy (description), size);
    }
  return size;
}

static void
ss_text_cell_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  SsTextCell *self = SS_TEXT_CELL (widget);
  const FontSize *size = get_font_size (self);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = PANGO_PIXELS_CEIL (self->min_chars * size->char_width);
      *natural = PANGO_PIXELS_CEIL (MAX (self->min_chars, self->nat_chars) * size->char_width);
    }
  else
    {
      *minimum = *natural = PANGO_PIXELS_CEIL (size->line_height);
      *minimum_baseline = *natural_baseline = PANGO_PIXELS_CEIL (size->ascent);
    }
}

static PangoLayout *
ensure_layout (SsTextCell *self)
{
  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->text);
      pango_layout_set_ellipsize (self->layout, self->ellipsize);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
    }
  return self->layout;
}

static void
ss_text_cell_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  SsTextCell *self = SS_TEXT_CELL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  PangoLayout *layout;
  PangoRectangle logical;
  gboolean cut;
  int x;

  if (self->text == NULL || self->text[0] == '\0' || width <= 0)
    return;

  layout = ensure_layout (self);
  if (self->ellipsize != PANGO_ELLIPSIZE_NONE)
    {
      /* Laid out once, at the cell's width: text that fits is as it would
       * be unbounded, longer text is cut short with an ellipsis, filling
       * the cell. (Measuring it unbounded first shaped every row's text
       * twice a frame: a fifth of a flooded window's main loop.) */
      pango_layout_set_width (layout, width * PANGO_SCALE);
      pango_layout_get_pixel_extents (layout, NULL, &logical);
      cut = pango_layout_is_ellipsized (layout);
    }
  else
    {
      pango_layout_set_width (layout, -1);
      pango_layout_get_pixel_extents (layout, NULL, &logical);
      cut = logical.width > width;
      if (cut)
        {
          pango_layout_set_width (layout, width * PANGO_SCALE);
          pango_layout_get_pixel_extents (layout, NULL, &logical);
        }
    }
  if (cut)
    x = 0;
  else
    {
      x = (int) (self->xalign * (width - logical.width)) - logical.x;
      if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
        x = width - logical.width - x;
    }

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_render_layout (snapshot, gtk_widget_get_style_context (widget),
                              x, MAX (0, (int) (self->yalign * (height - logical.height))), layout);
  gtk_snapshot_pop (snapshot);
}

/* A new class may bring a new font (an event's italics): laid out anew
 * when next drawn. */
static void
ss_text_cell_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  SsTextCell *self = SS_TEXT_CELL (widget);

  GTK_WIDGET_CLASS (ss_text_cell_parent_class)->css_changed (widget, change);
  g_clear_object (&self->layout);
}

static void
ss_text_cell_system_setting_changed (GtkWidget        *widget,
                                     GtkSystemSetting  setting)
{
  SsTextCell *self = SS_TEXT_CELL (widget);

  GTK_WIDGET_CLASS (ss_text_cell_parent_class)->system_setting_changed (widget, setting);
  if (font_sizes != NULL)
    g_hash_table_remove_all (font_sizes);
  g_clear_object (&self->layout);
  gtk_widget_queue_resize (widget);
}

static void
ss_text_cell_finalize (GObject *object)
{
  SsTextCell *self = SS_TEXT_CELL (object);

  g_free (self->text);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (ss_text_cell_parent_class)->finalize (object);
}

static void
ss_text_cell_class_init (SsTextCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ss_text_cell_finalize;
  widget_class->measure = ss_text_cell_measure;
  widget_class->snapshot = ss_text_cell_snapshot;
  widget_class->css_changed = ss_text_cell_css_changed;
  widget_class->system_setting_changed = ss_text_cell_system_setting_changed;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
ss_text_cell_init (SsTextCell *self)
{
  self->ellipsize = PANGO_ELLIPSIZE_END;
  self->yalign = 0.5;
}

/**
 * ss_text_cell_new:
 * @min_chars: the width it asks for at least, in characters
 * @nat_chars: the width it asks for, in characters
 * @xalign: 0 to start the text at the left, 1 at the right
 */
GtkWidget *
ss_text_cell_new (guint min_chars,
                  guint nat_chars,
                  float xalign)
{
  SsTextCell *self = g_object_new (SS_TYPE_TEXT_CELL, NULL);

  self->min_chars = min_chars;
  self->nat_chars = nat_chars;
  self->xalign = CLAMP (xalign, 0, 1);
  return GTK_WIDGET (self);
}

/* Only a redraw: the size is the cell's, not its text's. */
void
ss_text_cell_set_text (SsTextCell *self,
                       const char *text)
{
  g_return_if_fail (SS_IS_TEXT_CELL (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  if (self->layout != NULL)
    pango_layout_set_text (self->layout, text, -1);
  /* what a screen reader reads of the row */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
ss_text_cell_get_text (SsTextCell *self)
{
  g_return_val_if_fail (SS_IS_TEXT_CELL (self), NULL);
  return self->text != NULL ? self->text : "";
}

/* Where a text too long for the cell is cut: its end (the default), or
 * its middle, to keep both ends of an address. */
void
ss_text_cell_set_ellipsize (SsTextCell         *self,
                            PangoEllipsizeMode  mode)
{
  g_return_if_fail (SS_IS_TEXT_CELL (self));

  self->ellipsize = mode;
  if (self->layout != NULL)
    pango_layout_set_ellipsize (self->layout, mode);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Where in a taller row the line sits: 0.5 in its middle (the default),
 * 0 at its top. */
void
ss_text_cell_set_yalign (SsTextCell *self,
                         float       yalign)
{
  g_return_if_fail (SS_IS_TEXT_CELL (self));

  self->yalign = CLAMP (yalign, 0, 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
