/* ss-toxic-row.c — one relay fault, edited in place
 *
 * A row keeps its kind for life: another kind is another fault (remove
 * this one, add that one), so the settings shown never change meaning
 * under the person's hands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-accessible.h"
#include "ss-toxic-row.h"

struct _SsToxicRow
{
  GtkListBoxRow  parent_instance;

  GtkLabel      *title_label;
  GtkLabel      *summary_label;
  GtkLabel      *param_labels[SS_TOXIC_MAX_PARAMS];
  GtkSpinButton *param_spins[SS_TOXIC_MAX_PARAMS];
  GtkSpinButton *toxicity_spin;
  GtkWidget     *up_button;
  GtkWidget     *down_button;

  SsToxicSpec    spec;
  /* Set while the spin buttons are given the spec, so their signals do
   * not write back what they were just given. */
  gboolean       showing;
};

enum {
  CHANGED,
  REMOVE,
  MOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SsToxicRow, ss_toxic_row, GTK_TYPE_LIST_BOX_ROW)

static void
show_summary (SsToxicRow *self)
{
  g_autofree char *summary = ss_toxic_spec_describe (&self->spec);
  g_autofree char *text = ss_toxic_spec_to_string (&self->spec);
  g_autofree char *tooltip = NULL;

  gtk_label_set_text (self->summary_label, summary);
  /* the text form, as Toxiproxy's people and the fault's log know it */
  tooltip = g_strdup_printf ("%s\n%s", ss_toxic_kind_explanation (self->spec.kind), text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->summary_label), tooltip);
}

static void
value_changed_cb (SsToxicRow *self)
{
  SsToxicSpec spec = self->spec;

  if (self->showing)
    return;
  for (guint i = 0; i < ss_toxic_kind_n_params (spec.kind); i++)
    spec.params[i] = (gint64) gtk_spin_button_get_value (self->param_spins[i]);
  spec.toxicity = CLAMP (gtk_spin_button_get_value (self->toxicity_spin) / 100.0, 0.0, 1.0);
  /* a toxicity left as shown keeps its exact value (1/3 shows as 33.3) */
  if (G_APPROX_VALUE (spec.toxicity, self->spec.toxicity, 0.0005))
    spec.toxicity = self->spec.toxicity;
  if (ss_toxic_spec_equal (&spec, &self->spec) || !ss_toxic_spec_check (&spec, NULL))
    return;

  self->spec = spec;
  show_summary (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
remove_clicked_cb (SsToxicRow *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static void
up_clicked_cb (SsToxicRow *self)
{
  g_signal_emit (self, signals[MOVE], 0, -1);
}

static void
down_clicked_cb (SsToxicRow *self)
{
  g_signal_emit (self, signals[MOVE], 0, 1);
}

static void
show_spec (SsToxicRow *self)
{
  SsToxicKind kind = self->spec.kind;
  guint n = ss_toxic_kind_n_params (kind);

  self->showing = TRUE;
  gtk_label_set_text (self->title_label, ss_toxic_kind_title (kind));
  for (guint i = 0; i < SS_TOXIC_MAX_PARAMS; i++)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->param_labels[i]), i < n);
      gtk_widget_set_visible (GTK_WIDGET (self->param_spins[i]), i < n);
      if (i < n)
        {
          GtkAdjustment *adjustment =
            gtk_adjustment_new ((double) self->spec.params[i],
                                (double) ss_toxic_param_min (kind, i),
                                (double) ss_toxic_param_max (kind, i),
                                1, 100, 0);
          g_autofree char *tooltip = NULL;

          gtk_label_set_text (self->param_labels[i], ss_toxic_param_title (kind, i));
          gtk_spin_button_configure (self->param_spins[i], adjustment, 1, 0);
          /* Translators: a relay fault's setting, and its name in Toxiproxy */
          tooltip = g_strdup_printf (_("%s (Toxiproxy's “%s”)"), ss_toxic_param_title (kind, i),
                                     ss_toxic_param_name (kind, i));
          gtk_widget_set_tooltip_text (GTK_WIDGET (self->param_spins[i]), tooltip);
        }
    }
  gtk_spin_button_set_value (self->toxicity_spin, self->spec.toxicity * 100.0);
  show_summary (self);
  self->showing = FALSE;
}

static void
ss_toxic_row_dispose (GObject *object)
{
  /* GtkListBoxRow unparents its child (the unnamed root box) itself */
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_TOXIC_ROW);

  G_OBJECT_CLASS (ss_toxic_row_parent_class)->dispose (object);
}

static void
ss_toxic_row_class_init (SsToxicRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_toxic_row_dispose;

  /**
   * SsToxicRow::changed:
   *
   * A setting or the toxicity was changed; ss_toxic_row_get_spec() has it.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SsToxicRow::remove:
   *
   * The person asked to remove the fault; whoever holds the rows does.
   */
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SsToxicRow::move:
   * @delta: -1 earlier, 1 later
   *
   * The person asked to move the fault in the order they act in.
   */
  signals[MOVE] = g_signal_new ("move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-toxic-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SsToxicRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, SsToxicRow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SsToxicRow, toxicity_spin);
  for (guint i = 0; i < SS_TOXIC_MAX_PARAMS; i++)
    {
      g_autofree char *label = g_strdup_printf ("param_label_%u", i);
      g_autofree char *spin = g_strdup_printf ("param_spin_%u", i);

      gtk_widget_class_bind_template_child_full (widget_class, g_intern_string (label), FALSE,
                                                 G_STRUCT_OFFSET (SsToxicRow, param_labels) +
                                                 i * sizeof (GtkLabel *));
      gtk_widget_class_bind_template_child_full (widget_class, g_intern_string (spin), FALSE,
                                                 G_STRUCT_OFFSET (SsToxicRow, param_spins) +
                                                 i * sizeof (GtkSpinButton *));
    }
  /* for the tests */
  gtk_widget_class_bind_template_child_full (widget_class, "remove_button", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, SsToxicRow, up_button);
  gtk_widget_class_bind_template_child (widget_class, SsToxicRow, down_button);
  gtk_widget_class_bind_template_callback (widget_class, value_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, up_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, down_clicked_cb);
}

static void
ss_toxic_row_init (SsToxicRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ss_accessible_repair_names (GTK_WIDGET (self));
}

GtkWidget *
ss_toxic_row_new (const SsToxicSpec *spec)
{
  SsToxicRow *self;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (ss_toxic_spec_check (spec, NULL), NULL);

  self = g_object_new (SS_TYPE_TOXIC_ROW, NULL);
  self->spec = *spec;
  show_spec (self);
  return GTK_WIDGET (self);
}

/**
 * ss_toxic_row_get_spec:
 *
 * Returns: (transfer none): the fault as the row now shows it
 */
const SsToxicSpec *
ss_toxic_row_get_spec (SsToxicRow *self)
{
  g_return_val_if_fail (SS_IS_TOXIC_ROW (self), NULL);
  return &self->spec;
}

/* Puts the cursor in the first setting: where a new fault is set first. */
void
ss_toxic_row_edit (SsToxicRow *self)
{
  g_return_if_fail (SS_IS_TOXIC_ROW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->param_spins[0]));
}

/* The first fault cannot act earlier, nor the last later. */
void
ss_toxic_row_set_ends (SsToxicRow *self,
                       gboolean    first,
                       gboolean    last)
{
  g_return_if_fail (SS_IS_TOXIC_ROW (self));
  gtk_widget_set_sensitive (self->up_button, !first);
  gtk_widget_set_sensitive (self->down_button, !last);
}
