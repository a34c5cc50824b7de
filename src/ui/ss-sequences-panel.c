/* ss-sequences-panel.c — the send area's Sequences button and popover
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-application.h"
#include "ss-sequences-panel-private.h"

G_DEFINE_FINAL_TYPE (SsSequencesPanel, ss_sequences_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SOCKET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


void
ss_sequences_panel_show_status (SsSequencesPanel *self,
                                const char       *text,
                                gboolean          error)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

void
ss_sequences_panel_save (SsSequencesPanel *self)
{
  g_autoptr(GError) error = NULL;

  if (self->library != NULL && !ss_payload_store_save (self->library, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The sequences were not saved: %s"),
                                               error->message);

      ss_sequences_panel_show_status (self, text, TRUE);
    }
}

/* --- The list of sequences ------------------------------------------- */

static char *
dup_shown_name (SsSequence *sequence)
{
  const char *name = ss_sequence_get_name (sequence);

  return g_strdup (name[0] != '\0' ? name : _("(unnamed)"));
}

static void
fill_names (SsSequencesPanel *self)
{
  guint n = self->sequences != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->sequences)) : 0;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint selected = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSequence) sequence = g_list_model_get_item (G_LIST_MODEL (self->sequences), i);

      g_ptr_array_add (names, dup_shown_name (sequence));
      if (sequence == self->sequence)
        selected = i;
    }
  g_ptr_array_add (names, NULL);
  self->updating = TRUE;
  gtk_string_list_splice (self->sequence_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->sequence_names)),
                          (const char *const *) names->pdata);
  if (n > 0)
    ss_drop_down_set_selected (self->sequence_dropdown, selected);
  self->updating = FALSE;
}

static void
update_sensitivity (SsSequencesPanel *self)
{
  gboolean running = self->run != NULL && ss_sequence_run_get_running (self->run);
  gboolean have = self->sequence != NULL;

  gtk_widget_set_sensitive (self->chooser_box, !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_entry), have);
  gtk_widget_set_sensitive (GTK_WIDGET (self->delete_button), have);
  gtk_widget_set_sensitive (GTK_WIDGET (self->steps_list), have && !running);
  gtk_widget_set_sensitive (self->add_box, have && !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), have && !running && self->socket != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_once_button),
                            have && !running && self->socket != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), running);
}

static void
show_sequence (SsSequencesPanel *self,
               SsSequence       *sequence)
{
  g_set_object (&self->sequence, sequence);
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry),
                         sequence != NULL ? ss_sequence_get_name (sequence) : "");
  self->updating = FALSE;
  /* the statuses shown belong to the sequence that ran */
  if (self->run != NULL && !ss_sequence_run_get_running (self->run))
    g_clear_object (&self->run);
  ss_sequences_panel_rebuild_rows (self);
  update_sensitivity (self);
}

static void
sequence_selected_cb (SsSequencesPanel *self)
{
  guint selected = ss_drop_down_get_selected (self->sequence_dropdown);
  g_autoptr(SsSequence) sequence = NULL;

  if (self->updating || self->sequences == NULL)
    return;
  if (selected < g_list_model_get_n_items (G_LIST_MODEL (self->sequences)))
    sequence = g_list_model_get_item (G_LIST_MODEL (self->sequences), selected);
  show_sequence (self, sequence);
}

static void
name_changed_cb (SsSequencesPanel *self)
{
  if (self->updating || self->sequence == NULL)
    return;
  ss_sequence_set_name (self->sequence, gtk_editable_get_text (GTK_EDITABLE (self->name_entry)));
  fill_names (self);
}

static void
new_clicked_cb (SsSequencesPanel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sequences));
  /* Translators: the name a new send sequence gets */
  g_autofree char *name = g_strdup_printf (_("Sequence %u"), n + 1);
  g_autoptr(SsSequence) sequence = ss_sequence_new (name);

  g_list_store_append (self->sequences, sequence);
  show_sequence (self, sequence);
  fill_names (self);
  ss_sequences_panel_save (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
delete_clicked_cb (SsSequencesPanel *self)
{
  guint position;
  g_autoptr(SsSequence) next = NULL;
  guint n;

  if (self->sequence == NULL ||
      !g_list_store_find (self->sequences, self->sequence, &position))
    return;
  g_list_store_remove (self->sequences, position);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sequences));
  if (n > 0)
    next = g_list_model_get_item (G_LIST_MODEL (self->sequences), MIN (position, n - 1));
  show_sequence (self, next);
  fill_names (self);
  ss_sequences_panel_save (self);
}

static void
popover_closed_cb (SsSequencesPanel *self)
{
  ss_sequences_panel_save (self);
}

static void
add_step (SsSequencesPanel *self,
          SsStep           *step)
{
  if (self->sequence == NULL)
    {
      ss_step_free (step);
      return;
    }
  ss_sequence_insert_step (self->sequence, -1, step);
  ss_sequences_panel_rebuild_rows (self);
  ss_sequences_panel_check_steps (self);
  ss_sequences_panel_save (self);
}

static void
add_send_cb (SsSequencesPanel *self)
{
  g_autoptr(SsPayload) first = NULL;

  if (self->library != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->library)) > 0)
    first = g_list_model_get_item (G_LIST_MODEL (self->library), 0);
  add_step (self, ss_step_new_send (first != NULL ? ss_payload_get_name (first) : ""));
}

static void
add_wait_cb (SsSequencesPanel *self)
{
  add_step (self, ss_step_new_wait (200));
}

static void
add_expect_cb (SsSequencesPanel *self)
{
  add_step (self, ss_step_new_expect (SS_MATCH_CONTAINS, SS_ENCODING_TEXT, "", 1000));
}

/* --- Running --------------------------------------------------------- */

static void
step_changed_cb (SsSequencesPanel *self,
                 guint             index)
{
  ss_sequences_panel_show_step_status (self, index);
}

static void
finished_cb (SsSequencesPanel *self)
{
  SsSequence *ran = ss_sequence_run_get_sequence (self->run);
  SsStepStatus status = ss_sequence_run_get_status (self->run);
  g_autofree char *text = NULL;

  if (status == SS_STEP_OK)
    text = g_strdup_printf (g_dngettext (NULL, "Passed: %u round", "Passed: %u rounds",
                                         ss_sequence_run_get_rounds (self->run)),
                            ss_sequence_run_get_rounds (self->run));
  else if (status == SS_STEP_STOPPED)
    text = g_strdup (_("Stopped"));
  else
    for (guint i = 0; i < ss_sequence_get_n_steps (ran); i++)
      if (ss_sequence_run_get_step_status (self->run, i) == status)
        /* Translators: round number, step number, what happened */
        text = g_strdup_printf (_("Round %u, step %u: %s"), ss_sequence_run_get_round (self->run),
                                i + 1, ss_sequence_run_get_step_message (self->run, i));
  ss_sequences_panel_show_status (self, text, status != SS_STEP_OK && status != SS_STEP_STOPPED);
  update_sensitivity (self);
}

static void
start (SsSequencesPanel *self,
       guint             rounds)
{
  g_autoptr(GError) error = NULL;

  if (self->sequence == NULL || self->socket == NULL || self->library == NULL)
    return;
  if (self->run != NULL && ss_sequence_run_get_running (self->run))
    return;
  ss_sequences_panel_save (self);
  g_clear_object (&self->run);
  self->run = ss_sequence_run_new (self->sequence, self->socket, self->library);
  g_signal_connect_object (self->run, "step-changed", G_CALLBACK (step_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->run, "finished", G_CALLBACK (finished_cb), self,
                           G_CONNECT_SWAPPED);
  if (!ss_sequence_run_start (self->run, rounds, &error))
    {
      g_clear_object (&self->run);
      ss_sequences_panel_show_status (self, error->message, TRUE);
      return;
    }
  for (guint i = 0; i < self->rows->len; i++)
    ss_sequences_panel_show_step_status (self, i);
  ss_sequences_panel_show_status (self, _("Running…"), FALSE);
  update_sensitivity (self);
}

static void
run_once_clicked_cb (SsSequencesPanel *self)
{
  start (self, 1);
}

static void
run_clicked_cb (SsSequencesPanel *self)
{
  start (self, gtk_spin_button_get_value_as_int (self->rounds_spin));
}

static void
stop_clicked_cb (SsSequencesPanel *self)
{
  if (self->run != NULL)
    ss_sequence_run_stop (self->run);
}

/* --- The widget ------------------------------------------------------ */

static void
library_sequences_changed_cb (SsSequencesPanel *self)
{
  guint position;

  /* a reload replaced them: show the first */
  if (self->sequence == NULL || !g_list_store_find (self->sequences, self->sequence, &position))
    {
      g_autoptr(SsSequence) first = NULL;

      if (g_list_model_get_n_items (G_LIST_MODEL (self->sequences)) > 0)
        first = g_list_model_get_item (G_LIST_MODEL (self->sequences), 0);
      show_sequence (self, first);
    }
  fill_names (self);
}

void
ss_sequences_panel_set_library (SsSequencesPanel *self,
                                SsPayloadStore   *library)
{
  g_return_if_fail (SS_IS_SEQUENCES_PANEL (self));
  g_return_if_fail (library == NULL || SS_IS_PAYLOAD_STORE (library));

  if (self->sequences != NULL)
    g_signal_handlers_disconnect_by_data (self->sequences, self);
  g_set_object (&self->library, library);
  g_clear_object (&self->sequences);
  if (library != NULL)
    self->sequences = g_object_ref (ss_payload_store_get_sequences (library));
  g_clear_object (&self->sequence);
  if (self->sequences != NULL)
    {
      g_signal_connect_swapped (self->sequences, "items-changed",
                                G_CALLBACK (library_sequences_changed_cb), self);
      library_sequences_changed_cb (self);
    }
  else
    show_sequence (self, NULL);
}

static void
ss_sequences_panel_dispose (GObject *object)
{
  SsSequencesPanel *self = SS_SEQUENCES_PANEL (object);

  if (self->run != NULL)
    ss_sequence_run_stop (self->run);
  g_clear_object (&self->run);
  if (self->sequences != NULL)
    g_signal_handlers_disconnect_by_data (self->sequences, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SS_TYPE_SEQUENCES_PANEL);
  g_clear_object (&self->sequence);
  g_clear_object (&self->sequences);
  g_clear_object (&self->library);
  g_clear_object (&self->socket);
  G_OBJECT_CLASS (ss_sequences_panel_parent_class)->dispose (object);
}

static void
ss_sequences_panel_finalize (GObject *object)
{
  SsSequencesPanel *self = SS_SEQUENCES_PANEL (object);

  g_array_unref (self->rows);
  G_OBJECT_CLASS (ss_sequences_panel_parent_class)->finalize (object);
}

static void
ss_sequences_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SsSequencesPanel *self = SS_SEQUENCES_PANEL (object);

  switch (prop_id)
    {
    case PROP_SOCKET:
      g_value_set_object (value, self->socket);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_sequences_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SsSequencesPanel *self = SS_SEQUENCES_PANEL (object);

  switch (prop_id)
    {
    case PROP_SOCKET:
      ss_sequences_panel_set_socket (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_sequences_panel_class_init (SsSequencesPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_sequences_panel_dispose;
  object_class->finalize = ss_sequences_panel_finalize;
  object_class->get_property = ss_sequences_panel_get_property;
  object_class->set_property = ss_sequences_panel_set_property;

  properties[PROP_SOCKET] =
    g_param_spec_object ("socket", NULL, NULL, SS_TYPE_SOCKET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SS_TYPE_DROP_DOWN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ss-sequences-panel.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, button);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, popover);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, sequence_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, sequence_names);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, new_button);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, delete_button);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, add_send_button);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, add_expect_button);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, steps_list);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, chooser_box);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, add_box);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, rounds_spin);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, run_button);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, run_once_button);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, stop_button);
  gtk_widget_class_bind_template_child (widget_class, SsSequencesPanel, status_label);
  gtk_widget_class_bind_template_callback (widget_class, sequence_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, delete_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, popover_closed_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_send_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_wait_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_expect_cb);
  gtk_widget_class_bind_template_callback (widget_class, run_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, run_once_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_clicked_cb);
}

static void
ss_sequences_panel_init (SsSequencesPanel *self)
{
  GApplication *app = g_application_get_default ();

  self->rows = g_array_new (FALSE, TRUE, sizeof (SsStepRow));
  gtk_widget_init_template (GTK_WIDGET (self));
  if (SS_IS_APPLICATION (app))
    ss_sequences_panel_set_library (self, ss_application_get_library (SS_APPLICATION (app)));
  else
    show_sequence (self, NULL);
}

SsSocket *
ss_sequences_panel_get_socket (SsSequencesPanel *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCES_PANEL (self), NULL);
  return self->socket;
}

void
ss_sequences_panel_set_socket (SsSequencesPanel *self,
                               SsSocket         *socket)
{
  g_return_if_fail (SS_IS_SEQUENCES_PANEL (self));
  g_return_if_fail (socket == NULL || SS_IS_SOCKET (socket));

  if (self->socket == socket)
    return;
  if (self->run != NULL)
    ss_sequence_run_stop (self->run);
  g_set_object (&self->socket, socket);
  update_sensitivity (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOCKET]);
}

/* Returns: (transfer none) (nullable): the sequence shown */
SsSequence *
ss_sequences_panel_get_sequence (SsSequencesPanel *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCES_PANEL (self), NULL);
  return self->sequence;
}

/* Returns: (transfer none) (nullable): the last run started */
SsSequenceRun *
ss_sequences_panel_get_run (SsSequencesPanel *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCES_PANEL (self), NULL);
  return self->run;
}

/* Returns: (transfer none): the row of step @index (a box: the controls,
 * then the status icon and text) */
GtkWidget *
ss_sequences_panel_get_row (SsSequencesPanel *self,
                            guint             index)
{
  g_return_val_if_fail (SS_IS_SEQUENCES_PANEL (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  return g_array_index (self->rows, SsStepRow, index).row;
}
