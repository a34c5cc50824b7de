/* ss-plot.c — one or two series over the last minutes, drawn with axes
 *
 * A widget of its own drawing (GtkSnapshot, cairo for the lines): the
 * y axis starts at 0 and ends at a round number above the largest value
 * shown, in the multiple of the unit that fits (B/s, KiB/s, MiB/s); the x
 * axis is time back from the newest sample, so a paused series stands
 * still. Colours come from the theme, so light and dark both read.
 * Pointing at the plot shows the values of the nearest sample.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ss-plot-private.h"

G_DEFINE_FINAL_TYPE (SsPlot, ss_plot, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (SsPlotUnit, ss_plot_unit,
                    G_DEFINE_ENUM_VALUE (SS_PLOT_UNIT_BYTES_PER_SECOND, "bytes-per-second"),
                    G_DEFINE_ENUM_VALUE (SS_PLOT_UNIT_BYTES, "bytes"),
                    G_DEFINE_ENUM_VALUE (SS_PLOT_UNIT_MILLISECONDS, "milliseconds"),
                    G_DEFINE_ENUM_VALUE (SS_PLOT_UNIT_SEGMENTS, "segments"),
                    G_DEFINE_ENUM_VALUE (SS_PLOT_UNIT_SEGMENTS_PER_SECOND, "segments-per-second"))

enum {
  PROP_0,
  PROP_TITLE,
  PROP_LABEL_A,
  PROP_LABEL_B,
  PROP_COLUMN_A,
  PROP_COLUMN_B,
  PROP_UNIT,
  PROP_TIME_SPAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static PangoLayout *
make_layout (SsPlot     *self,
             const char *text)
{
  return gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
}

static double
text_width (SsPlot     *self,
            const char *text)
{
  g_autoptr(PangoLayout) layout = make_layout (self, text);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static double
text_height (SsPlot *self)
{
  g_autoptr(PangoLayout) layout = make_layout (self, "0");
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

void
_ss_plot_compute_layout (SsPlot *self,
                SsPlotLayout *layout)
{
  g_auto(GStrv) labels = NULL;
  double gutter = 0, line = text_height (self);
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  _ss_plot_compute_scale (self, &layout->scale);
  labels = ss_plot_dup_y_labels (self);
  for (guint i = 0; labels[i] != NULL; i++)
    gutter = MAX (gutter, text_width (self, labels[i]));

  layout->title_height = line;
  layout->area.origin.x = PAD + gutter + 6;
  layout->area.origin.y = PAD + line + 4;
  layout->area.size.width = MAX (1, width - layout->area.origin.x - PAD);
  layout->area.size.height = MAX (1, height - layout->area.origin.y - line - 2 - PAD);
}

double
_ss_plot_x_for_time (SsPlot       *self,
            const SsPlotLayout *layout,
            gint64        time_us)
{
  double ago = (layout->scale.end_us - time_us) / (double) G_USEC_PER_SEC;

  return layout->area.origin.x + layout->area.size.width * (1 - ago / layout->scale.span);
}

double
_ss_plot_y_for_value (const SsPlotLayout *layout,
             double        value)
{
  return layout->area.origin.y + layout->area.size.height * (1 - value / layout->scale.max);
}

/* The sample nearest to widget coordinate @x, or -1. */
int
_ss_plot_sample_at (SsPlot       *self,
           const SsPlotLayout *layout,
           double        x)
{
  guint n = self->series != NULL ? ss_series_get_n_samples (self->series) : 0;
  double best = G_MAXDOUBLE;
  int found = -1;

  if (n == 0 || x < layout->area.origin.x - PAD ||
      x > layout->area.origin.x + layout->area.size.width + PAD)
    return -1;
  for (guint i = _ss_plot_first_visible (self, layout->scale.end_us); i < n; i++)
    {
      double distance = fabs (_ss_plot_x_for_time (self, layout, ss_series_get_time (self->series, i)) - x);

      if (distance < best)
        {
          best = distance;
          found = i;
        }
    }
  return found;
}

static char *
value_line (SsPlot     *self,
            guint       index,
            int         column,
            const char *label)
{
  g_autofree char *value = ss_plot_format_value (self->unit, ss_series_get_value (self->series, index, column));

  if (label == NULL || *label == '\0')
    return g_steal_pointer (&value);
  /* Translators: a plot's hover value: "In 1.25 MiB/s" */
  return g_strdup_printf (C_("plot value", "%s %s"), label, value);
}

/* The lines of the hover box: when, then each series' value. */
char **
_ss_plot_dup_value_lines (SsPlot       *self,
                 const SsPlotLayout *layout,
                 double        x)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autofree char *when = NULL;
  int index = _ss_plot_sample_at (self, layout, x);
  double ago;

  if (index < 0)
    return NULL;
  builder = g_strv_builder_new ();
  ago = (layout->scale.end_us - ss_series_get_time (self->series, index)) / (double) G_USEC_PER_SEC;
  when = ago < 0.5 ? g_strdup (_("now")) : g_strdup_printf (_("−%u s"), (guint) round (ago));
  g_strv_builder_add (builder, when);
  if (_ss_plot_column_shown (self, self->column_a))
    {
      g_autofree char *line = value_line (self, index, self->column_a, self->label_a);

      g_strv_builder_add (builder, line);
    }
  if (_ss_plot_column_shown (self, self->column_b))
    {
      g_autofree char *line = value_line (self, index, self->column_b, self->label_b);

      g_strv_builder_add (builder, line);
    }
  return g_strv_builder_end (builder);
}

/**
 * ss_plot_dup_value_text:
 * @x: a widget coordinate
 *
 * Returns: (nullable): what hovering at @x shows, one line for the time
 *   and one a series, or %NULL where there is no sample
 */
char *
ss_plot_dup_value_text (SsPlot *self,
                        double  x)
{
  g_auto(GStrv) lines = NULL;
  SsPlotLayout layout;

  g_return_val_if_fail (SS_IS_PLOT (self), NULL);

  _ss_plot_compute_layout (self, &layout);
  lines = _ss_plot_dup_value_lines (self, &layout, x);
  return lines != NULL ? g_strjoinv ("\n", lines) : NULL;
}

/**
 * ss_plot_set_hover:
 * @x: a widget coordinate, or -1 for none
 *
 * Shows the values at @x, as the pointer does.
 */
void
ss_plot_set_hover (SsPlot *self,
                   double  x)
{
  g_return_if_fail (SS_IS_PLOT (self));

  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (SsPlot *self,
           double  x,
           double  y)
{
  ss_plot_set_hover (self, x);
}

static void
leave_cb (SsPlot *self)
{
  ss_plot_set_hover (self, -1);
}

static void
ss_plot_measure (GtkWidget      *widget,
                 GtkOrientation  orientation,
                 int             for_size,
                 int            *minimum,
                 int            *natural,
                 int            *minimum_baseline,
                 int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 480;
    }
  else
    {
      *minimum = 110;
      *natural = 130;
    }
}

static void
ss_plot_dispose (GObject *object)
{
  SsPlot *self = SS_PLOT (object);

  ss_plot_set_series (self, NULL);

  G_OBJECT_CLASS (ss_plot_parent_class)->dispose (object);
}

static void
ss_plot_finalize (GObject *object)
{
  SsPlot *self = SS_PLOT (object);

  g_free (self->title);
  g_free (self->label_a);
  g_free (self->label_b);

  G_OBJECT_CLASS (ss_plot_parent_class)->finalize (object);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
ss_plot_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  SsPlot *self = SS_PLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_LABEL_A:
      g_value_set_string (value, self->label_a);
      break;
    case PROP_LABEL_B:
      g_value_set_string (value, self->label_b);
      break;
    case PROP_COLUMN_A:
      g_value_set_int (value, self->column_a);
      break;
    case PROP_COLUMN_B:
      g_value_set_int (value, self->column_b);
      break;
    case PROP_UNIT:
      g_value_set_enum (value, self->unit);
      break;
    case PROP_TIME_SPAN:
      g_value_set_uint (value, self->time_span);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_plot_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  SsPlot *self = SS_PLOT (object);
  gboolean changed = FALSE;

  switch (prop_id)
    {
    case PROP_TITLE:
      changed = set_string (&self->title, g_value_get_string (value));
      if (changed)
        gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        self->title != NULL ? self->title : "", -1);
      break;
    case PROP_LABEL_A:
      changed = set_string (&self->label_a, g_value_get_string (value));
      break;
    case PROP_LABEL_B:
      changed = set_string (&self->label_b, g_value_get_string (value));
      break;
    case PROP_COLUMN_A:
      ss_plot_set_columns (self, g_value_get_int (value), self->column_b);
      break;
    case PROP_COLUMN_B:
      ss_plot_set_columns (self, self->column_a, g_value_get_int (value));
      break;
    case PROP_UNIT:
      changed = self->unit != (SsPlotUnit) g_value_get_enum (value);
      self->unit = g_value_get_enum (value);
      break;
    case PROP_TIME_SPAN:
      ss_plot_set_time_span (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }

  if (changed)
    {
      g_object_notify_by_pspec (object, pspec);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
ss_plot_class_init (SsPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_plot_dispose;
  object_class->finalize = ss_plot_finalize;
  object_class->get_property = ss_plot_get_property;
  object_class->set_property = ss_plot_set_property;
  widget_class->measure = ss_plot_measure;
  widget_class->snapshot = _ss_plot_snapshot;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL_A] =
    g_param_spec_string ("label-a", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL_B] =
    g_param_spec_string ("label-b", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMN_A] =
    g_param_spec_int ("column-a", NULL, NULL, -1, 63, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMN_B] =
    g_param_spec_int ("column-b", NULL, NULL, -1, 63, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNIT] =
    g_param_spec_enum ("unit", NULL, NULL, SS_TYPE_PLOT_UNIT, SS_PLOT_UNIT_BYTES_PER_SECOND,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME_SPAN] =
    g_param_spec_uint ("time-span", NULL, NULL, 10, 86400, 300,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ss_plot_init (SsPlot *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->column_a = -1;
  self->column_b = -1;
  self->time_span = 300;
  self->hover_x = -1;

  g_signal_connect_swapped (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

SsPlot *
ss_plot_new (void)
{
  return g_object_new (SS_TYPE_PLOT, NULL);
}

/**
 * ss_plot_set_series:
 * @series: (nullable): the samples to draw, redrawn as they come
 */
void
ss_plot_set_series (SsPlot   *self,
                    SsSeries *series)
{
  g_return_if_fail (SS_IS_PLOT (self));
  g_return_if_fail (series == NULL || SS_IS_SERIES (series));

  if (self->series == series)
    return;
  if (self->series != NULL)
    g_clear_signal_handler (&self->changed_id, self->series);
  g_set_object (&self->series, series);
  if (series != NULL)
    self->changed_id = g_signal_connect_swapped (series, "changed", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

SsSeries *
ss_plot_get_series (SsPlot *self)
{
  g_return_val_if_fail (SS_IS_PLOT (self), NULL);
  return self->series;
}

/**
 * ss_plot_set_columns:
 * @column_a: the series column drawn in the first colour, or -1
 * @column_b: the one drawn in the second colour, or -1
 */
void
ss_plot_set_columns (SsPlot *self,
                     int     column_a,
                     int     column_b)
{
  g_return_if_fail (SS_IS_PLOT (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->column_a != column_a)
    {
      self->column_a = column_a;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMN_A]);
    }
  if (self->column_b != column_b)
    {
      self->column_b = column_b;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMN_B]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * ss_plot_set_time_span:
 * @seconds: how far back the time axis goes
 */
void
ss_plot_set_time_span (SsPlot *self,
                       guint   seconds)
{
  g_return_if_fail (SS_IS_PLOT (self));
  g_return_if_fail (seconds >= 10);

  if (self->time_span == seconds)
    return;
  self->time_span = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_SPAN]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
