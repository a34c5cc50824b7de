/* ss-plot-draw.c — drawing an SsPlot: title and legend, grid and tick
 * labels, the series' lines, and the values under the pointer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-ui"

#include "config.h"

#include <math.h>

#include "ss-plot-private.h"

typedef struct
{
  GdkRGBA fg;
  GdkRGBA dim;      /* tick labels */
  GdkRGBA grid;
  GdkRGBA axis;
  GdkRGBA bg;       /* under the hover box */
  GdkRGBA series[2];
} Colors;

static void
lookup_color (GtkStyleContext *context,
              const char      *first,
              const char      *second,
              const char      *fallback,
              GdkRGBA         *color)
{
  /* Adwaita names its colours; another theme may name only the older ones */
  if (!gtk_style_context_lookup_color (context, first, color) &&
      (second == NULL || !gtk_style_context_lookup_color (context, second, color)))
    gdk_rgba_parse (color, fallback);
}

static void
lookup_colors (SsPlot *self,
               Colors *colors)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  gboolean dark;

  gtk_style_context_get_color (context, &colors->fg);
  /* light text: a dark theme, where the fallbacks must be light too */
  dark = 0.299 * colors->fg.red + 0.587 * colors->fg.green + 0.114 * colors->fg.blue > 0.5;
  /* GTK 4.8's Adwaita names no accent colour, and its selection blue
   * vanishes on the dark background: the GNOME palette's blue and green,
   * a lighter shade on dark (the traffic log's colours for received and
   * sent) */
  lookup_color (context, "accent_color", NULL, dark ? "#62a0ea" : "#1c71d8", &colors->series[0]);
  gdk_rgba_parse (&colors->series[1], dark ? "#57e389" : "#26a269");
  lookup_color (context, "window_bg_color", "theme_bg_color",
                dark ? "#242424" : "#fafafa", &colors->bg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  colors->dim = colors->fg;
  colors->dim.alpha *= 0.7;
  colors->grid = colors->fg;
  colors->grid.alpha *= 0.1;
  colors->axis = colors->fg;
  colors->axis.alpha *= 0.35;
}

static char *
color_hex (const GdkRGBA *color)
{
  return g_strdup_printf ("#%02x%02x%02x",
                          (guint) round (CLAMP (color->red, 0, 1) * 255),
                          (guint) round (CLAMP (color->green, 0, 1) * 255),
                          (guint) round (CLAMP (color->blue, 0, 1) * 255));
}

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  double         x,
                  double         y,
                  const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x), round (y)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static PangoLayout *
markup_layout (SsPlot     *self,
               const char *markup)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

/* "Throughput  KiB/s" at the left, the legend at the right if it fits. */
static void
draw_header (SsPlot             *self,
             GtkSnapshot        *snapshot,
             const SsPlotLayout *layout,
             const Colors       *colors)
{
  const char *labels[2] = { self->label_a, self->label_b };
  int columns[2] = { self->column_a, self->column_b };
  g_autoptr(GString) legend = g_string_new (NULL);
  g_autofree char *title_markup = NULL;
  g_autoptr(PangoLayout) title = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int title_width;

  title_markup = g_markup_printf_escaped ("<b>%s</b>  %s", self->title != NULL ? self->title : "",
                                          layout->scale.unit);
  title = markup_layout (self, title_markup);
  pango_layout_set_width (title, MAX (1, width - 2 * PAD) * PANGO_SCALE);
  pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
  append_layout_at (snapshot, title, PAD, PAD, &colors->fg);
  pango_layout_get_pixel_size (title, &title_width, NULL);

  for (guint i = 0; i < 2; i++)
    if (_ss_plot_column_shown (self, columns[i]) && labels[i] != NULL && *labels[i] != '\0')
      {
        g_autofree char *hex = color_hex (&colors->series[i]);
        g_autofree char *entry = g_markup_printf_escaped ("<span foreground=\"%s\">━━</span> %s", hex, labels[i]);

        if (legend->len > 0)
          g_string_append (legend, "   ");
        g_string_append (legend, entry);
      }
  if (legend->len > 0)
    {
      g_autoptr(PangoLayout) text = markup_layout (self, legend->str);
      int legend_width;

      pango_layout_get_pixel_size (text, &legend_width, NULL);
      if (PAD + title_width + 24 + legend_width <= width - PAD)
        append_layout_at (snapshot, text, width - PAD - legend_width, PAD, &colors->dim);
    }
}

static void
draw_axes (SsPlot             *self,
           GtkSnapshot        *snapshot,
           const SsPlotLayout *layout,
           const Colors       *colors)
{
  const graphene_rect_t *area = &layout->area;
  g_auto(GStrv) y_labels = ss_plot_dup_y_labels (self);
  g_auto(GStrv) x_labels = ss_plot_dup_x_labels (self);
  guint n_x = g_strv_length (x_labels);
  guint step = _ss_plot_x_step (layout->scale.span);
  double bottom = area->origin.y + area->size.height;
  double free_right = G_MAXDOUBLE;

  for (guint i = 0; y_labels[i] != NULL; i++)
    {
      g_autoptr(PangoLayout) text = gtk_widget_create_pango_layout (GTK_WIDGET (self), y_labels[i]);
      double y = round (_ss_plot_y_for_value (layout, i * layout->scale.step));
      int w, h;

      if (i > 0)
        gtk_snapshot_append_color (snapshot, &colors->grid,
                                   &GRAPHENE_RECT_INIT (area->origin.x, y, area->size.width, 1));
      pango_layout_get_pixel_size (text, &w, &h);
      append_layout_at (snapshot, text, area->origin.x - 6 - w, y - h / 2.0, &colors->dim);
    }

  /* newest first, leaving out a label that would run into the one on
   * its right (a narrow plot) */
  for (guint i = n_x; i-- > 0;)
    {
      g_autoptr(PangoLayout) text = gtk_widget_create_pango_layout (GTK_WIDGET (self), x_labels[i]);
      double ago = (double) (n_x - 1 - i) * step;
      double x = round (area->origin.x + area->size.width * (1 - ago / layout->scale.span));
      double label_x;
      int w;

      if (ago > 0)
        gtk_snapshot_append_color (snapshot, &colors->grid,
                                   &GRAPHENE_RECT_INIT (x, area->origin.y, 1, area->size.height));
      pango_layout_get_pixel_size (text, &w, NULL);
      /* the ends start and stop with the axis, clear of the y labels */
      label_x = CLAMP (x - w / 2.0, area->origin.x, area->origin.x + area->size.width - w);
      if (label_x + w + 8 > free_right)
        continue;
      append_layout_at (snapshot, text, label_x, bottom + 2, &colors->dim);
      free_right = label_x;
    }

  /* the axes themselves */
  gtk_snapshot_append_color (snapshot, &colors->axis,
                             &GRAPHENE_RECT_INIT (area->origin.x, round (bottom), area->size.width, 1));
  gtk_snapshot_append_color (snapshot, &colors->axis,
                             &GRAPHENE_RECT_INIT (area->origin.x, area->origin.y, 1, area->size.height));
}

/* Two samples further apart than this are not joined: the sampler was
 * paused, hidden or the series has a hole. */
static double
gap_threshold (SsPlot *self,
               guint   first)
{
  guint n = ss_series_get_n_samples (self->series);
  gint64 shortest = G_MAXINT64;

  for (guint i = first + 1; i < n; i++)
    {
      gint64 step = ss_series_get_time (self->series, i) - ss_series_get_time (self->series, i - 1);

      if (step > 0 && step < shortest)
        shortest = step;
    }
  return shortest == G_MAXINT64 ? G_MAXDOUBLE : 2.5 * shortest;
}

static void
stroke_run (cairo_t       *cr,
            const double  *points,
            guint          n_points,
            double         baseline,
            const GdkRGBA *color)
{
  if (n_points == 1)
    {
      cairo_arc (cr, points[0], points[1], 1.5, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, color);
      cairo_fill (cr);
      return;
    }

  /* a light fill under the line, then the line */
  cairo_move_to (cr, points[0], baseline);
  for (guint i = 0; i < n_points; i++)
    cairo_line_to (cr, points[2 * i], points[2 * i + 1]);
  cairo_line_to (cr, points[2 * (n_points - 1)], baseline);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * 0.15);
  cairo_fill (cr);

  cairo_move_to (cr, points[0], points[1]);
  for (guint i = 1; i < n_points; i++)
    cairo_line_to (cr, points[2 * i], points[2 * i + 1]);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_stroke (cr);
}

static void
draw_lines (SsPlot             *self,
            GtkSnapshot        *snapshot,
            const SsPlotLayout *layout,
            const Colors       *colors)
{
  const graphene_rect_t *area = &layout->area;
  int columns[2] = { self->column_a, self->column_b };
  guint n = ss_series_get_n_samples (self->series);
  guint first = _ss_plot_first_visible (self, layout->scale.end_us);
  double threshold = gap_threshold (self, first);
  double baseline = area->origin.y + area->size.height;
  g_autofree double *points = g_new (double, 2 * (n + 1));
  cairo_t *cr;

  /* a little room around the area, so a line at the top is drawn whole */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (area->origin.x, area->origin.y - 2,
                                                                 area->size.width + 2, area->size.height + 3));
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* the second series first, so the first is on top where they meet */
  for (int c = 1; c >= 0; c--)
    {
      guint n_points = 0;
      gint64 previous = 0;

      if (!_ss_plot_column_shown (self, columns[c]))
        continue;
      for (guint i = first; i < n; i++)
        {
          double value = ss_series_get_value (self->series, i, columns[c]);
          gint64 time = ss_series_get_time (self->series, i);

          if (n_points > 0 && (isnan (value) || time - previous > threshold))
            {
              stroke_run (cr, points, n_points, baseline, &colors->series[c]);
              n_points = 0;
            }
          previous = time;
          if (isnan (value))
            continue;
          points[2 * n_points] = _ss_plot_x_for_time (self, layout, time);
          points[2 * n_points + 1] = _ss_plot_y_for_value (layout, MAX (value, 0));
          n_points++;
        }
      if (n_points > 0)
        stroke_run (cr, points, n_points, baseline, &colors->series[c]);
    }
  cairo_destroy (cr);
}

/* A line at the sample under the pointer, and a box with its values. */
static void
draw_hover (SsPlot             *self,
            GtkSnapshot        *snapshot,
            const SsPlotLayout *layout,
            const Colors       *colors)
{
  const graphene_rect_t *area = &layout->area;
  int columns[2] = { self->column_a, self->column_b };
  g_auto(GStrv) lines = _ss_plot_dup_value_lines (self, layout, self->hover_x);
  g_autoptr(GString) markup = NULL;
  g_autoptr(PangoLayout) text = NULL;
  GskRoundedRect box;
  GdkRGBA box_bg = colors->bg;
  int index = _ss_plot_sample_at (self, layout, self->hover_x);
  double x, box_x;
  guint line = 1;
  int w, h;

  if (lines == NULL || index < 0)
    return;

  x = round (_ss_plot_x_for_time (self, layout, ss_series_get_time (self->series, index)));
  gtk_snapshot_append_color (snapshot, &colors->axis,
                             &GRAPHENE_RECT_INIT (x, area->origin.y, 1, area->size.height));

  markup = g_string_new (NULL);
  g_string_append_printf (markup, "<b>%s</b>", lines[0]);
  for (guint c = 0; c < 2; c++)
    if (_ss_plot_column_shown (self, columns[c]))
      {
        double value = ss_series_get_value (self->series, index, columns[c]);
        g_autofree char *hex = color_hex (&colors->series[c]);
        g_autofree char *entry = g_markup_printf_escaped ("\n<span foreground=\"%s\">●</span> %s", hex, lines[line++]);

        g_string_append (markup, entry);
        if (!isnan (value))
          {
            double y = _ss_plot_y_for_value (layout, CLAMP (value, 0, layout->scale.max));

            gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (x - 3, y - 3, 7, 7), 3.5);
            gtk_snapshot_push_rounded_clip (snapshot, &box);
            gtk_snapshot_append_color (snapshot, &colors->series[c], &box.bounds);
            gtk_snapshot_pop (snapshot);
          }
      }

  text = markup_layout (self, markup->str);
  pango_layout_get_pixel_size (text, &w, &h);
  box_x = x + 8;
  if (box_x + w + 12 > area->origin.x + area->size.width)
    box_x = MAX (area->origin.x, x - 8 - w - 12);
  gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (box_x, area->origin.y + 4, w + 12, h + 8), 5);
  box_bg.alpha = 0.92;
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  gtk_snapshot_append_color (snapshot, &box_bg, &box.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &box, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { colors->axis, colors->axis, colors->axis, colors->axis });
  append_layout_at (snapshot, text, box_x + 6, area->origin.y + 8, &colors->fg);
}

void
_ss_plot_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  SsPlot *self = SS_PLOT (widget);
  SsPlotLayout layout;
  Colors colors;

  _ss_plot_compute_layout (self, &layout);
  lookup_colors (self, &colors);
  draw_header (self, snapshot, &layout, &colors);
  draw_axes (self, snapshot, &layout, &colors);
  if (self->series != NULL && ss_series_get_n_samples (self->series) > 0)
    {
      draw_lines (self, snapshot, &layout, &colors);
      if (self->hover_x >= 0)
        draw_hover (self, snapshot, &layout, &colors);
    }
}
