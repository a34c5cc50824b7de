/* ss-sequences-panel.c — the send area's Sequences button and popover
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-application.h"
#include "ss-sequences-panel.h"

/* The steps are few (a person writes them), so a change of their number,
 * order or kinds rebuilds every row; a change inside a row (a pattern
 * typed, a number spun) only replaces that step, so the focus stays. */

typedef struct
{
  GtkWidget *row;
  GtkImage  *icon;
  GtkLabel  *status;
  GtkDropDown *kind;
  GtkDropDown *payload;
  GtkSpinButton *ms;
  GtkDropDown *match;
  GtkDropDown *encoding;
  GtkEntry  *pattern;
} Row;

struct _SsSequencesPanel
{
  GtkWidget       parent_instance;

  GtkMenuButton  *button;
  GtkPopover     *popover;
  GtkDropDown    *sequence_dropdown;
  GtkStringList  *sequence_names;
  GtkEntry       *name_entry;
  GtkButton      *new_button;
  GtkButton      *delete_button;
  GtkButton      *add_send_button;
  GtkButton      *add_expect_button;
  GtkListBox     *steps_list;
  GtkWidget      *chooser_box;
  GtkWidget      *add_box;
  GtkSpinButton  *rounds_spin;
  GtkButton      *run_button;
  GtkButton      *run_once_button;
  GtkButton      *stop_button;
  GtkLabel       *status_label;

  SsSocket       *socket;
  SsPayloadStore *library;
  GListStore     *sequences;
  SsSequence     *sequence;     /* the one shown */
  SsSequenceRun  *run;
  GArray         *rows;         /* of Row */
  gboolean        updating;     /* filling the controls: not an edit */
};

G_DEFINE_FINAL_TYPE (SsSequencesPanel, ss_sequences_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SOCKET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const status_icons[SS_N_STEP_STATUSES] = {
  "content-loading-symbolic",
  "media-playback-start-symbolic",
  "emblem-ok-symbolic",
  "alarm-symbolic",
  "dialog-error-symbolic",
  "media-playback-stop-symbolic",
};

static void rebuild_rows (SsSequencesPanel *self);

static void
show_status (SsSequencesPanel *self,
             const char       *text,
             gboolean          error)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
save (SsSequencesPanel *self)
{
  g_autoptr(GError) error = NULL;

  if (self->library != NULL && !ss_payload_store_save (self->library, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The sequences were not saved: %s"),
                                               error->message);

      show_status (self, text, TRUE);
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
    gtk_drop_down_set_selected (self->sequence_dropdown, selected);
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
  rebuild_rows (self);
  update_sensitivity (self);
}

static void
sequence_selected_cb (SsSequencesPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->sequence_dropdown);
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
  save (self);
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
  save (self);
}

static void
popover_closed_cb (SsSequencesPanel *self)
{
  save (self);
}

/* --- Steps ----------------------------------------------------------- */

static void
show_step_status (SsSequencesPanel *self,
                  guint             index)
{
  Row *row;
  SsStepStatus status = SS_STEP_PENDING;
  const char *message = NULL;
  g_autofree char *text = NULL;

  if (index >= self->rows->len)
    return;
  row = &g_array_index (self->rows, Row, index);
  if (self->run != NULL && index < ss_sequence_get_n_steps (ss_sequence_run_get_sequence (self->run)))
    {
      status = ss_sequence_run_get_step_status (self->run, index);
      message = ss_sequence_run_get_step_message (self->run, index);
    }
  gtk_image_set_from_icon_name (row->icon, status_icons[status]);
  text = message != NULL ? g_strdup_printf ("%s: %s", ss_step_status_to_string (status), message)
                         : g_strdup (ss_step_status_to_string (status));
  gtk_label_set_text (row->status, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->icon), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static const char *
selected_string (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  return item != NULL ? gtk_string_object_get_string (item) : "";
}

/* The step the row's controls say; %NULL for a send without a payload */
static SsStep *
row_step (Row *row)
{
  switch (gtk_drop_down_get_selected (row->kind))
    {
    case SS_STEP_SEND:
      return ss_step_new_send (selected_string (row->payload));
    case SS_STEP_WAIT:
      return ss_step_new_wait (gtk_spin_button_get_value_as_int (row->ms));
    case SS_STEP_EXPECT:
    default:
      {
        static const SsEncoding encodings[] = { SS_ENCODING_TEXT, SS_ENCODING_ESCAPED,
                                                SS_ENCODING_HEX };
        guint encoding = MIN (gtk_drop_down_get_selected (row->encoding), 2);

        return ss_step_new_expect (MIN (gtk_drop_down_get_selected (row->match), SS_N_MATCHES - 1),
                                   encodings[encoding],
                                   gtk_editable_get_text (GTK_EDITABLE (row->pattern)),
                                   gtk_spin_button_get_value_as_int (row->ms));
      }
    }
}

static guint
row_index (SsSequencesPanel *self,
           GtkWidget        *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW);

  return gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
}

static void
check_steps (SsSequencesPanel *self)
{
  for (guint i = 0; self->sequence != NULL && i < ss_sequence_get_n_steps (self->sequence); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!ss_step_check (ss_sequence_get_step (self->sequence, i), &error))
        {
          /* Translators: a step number, what is wrong with it */
          g_autofree char *text = g_strdup_printf (_("Step %u: %s"), i + 1, error->message);

          show_status (self, text, TRUE);
          return;
        }
    }
  show_status (self, NULL, FALSE);
}

static void
row_edited_cb (GtkWidget        *widget,
               GParamSpec       *pspec,
               SsSequencesPanel *self)
{
  guint index;
  gboolean kind_changed;

  if (self->updating || self->sequence == NULL)
    return;
  index = row_index (self, widget);
  if (index >= ss_sequence_get_n_steps (self->sequence))
    return;
  kind_changed = widget == GTK_WIDGET (g_array_index (self->rows, Row, index).kind);
  ss_sequence_replace_step (self->sequence, index, row_step (&g_array_index (self->rows, Row, index)));
  check_steps (self);
  if (kind_changed)
    {
      /* the new kind's fields */
      rebuild_rows (self);
      save (self);
    }
}

static void
row_text_edited_cb (GtkEditable      *editable,
                    SsSequencesPanel *self)
{
  row_edited_cb (GTK_WIDGET (editable), NULL, self);
}

static void
move_clicked_cb (GtkButton        *button,
                 SsSequencesPanel *self)
{
  guint index = row_index (self, GTK_WIDGET (button));
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "delta"));
  guint n = ss_sequence_get_n_steps (self->sequence);

  if (delta == 0)
    ss_sequence_remove_step (self->sequence, index);
  else if ((delta < 0 && index == 0) || (delta > 0 && index + 1 >= n))
    return;
  else
    ss_sequence_move_step (self->sequence, index, index + delta);
  rebuild_rows (self);
  save (self);
}

static GtkDropDown *
new_dropdown (const char *const *strings,
              guint              selected,
              const char        *label,
              guint              index)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (strings));
  g_autofree char *name = g_strdup_printf (label, index + 1);

  gtk_drop_down_set_selected (dropdown, selected);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (dropdown), name);
  return dropdown;
}

static GtkButton *
new_icon_button (SsSequencesPanel *self,
                 const char       *icon,
                 const char       *label,
                 guint             index,
                 int               delta)
{
  GtkButton *button = GTK_BUTTON (gtk_button_new_from_icon_name (icon));
  g_autofree char *name = g_strdup_printf (label, index + 1);

  gtk_widget_add_css_class (GTK_WIDGET (button), "flat");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  g_object_set_data (G_OBJECT (button), "delta", GINT_TO_POINTER (delta));
  g_signal_connect (button, "clicked", G_CALLBACK (move_clicked_cb), self);
  return button;
}

static GtkSpinButton *
new_ms_spin (guint       value,
             const char *label,
             guint       index)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, SS_STEP_MAX_MS, 100));
  g_autofree char *name = g_strdup_printf (label, index + 1);

  gtk_spin_button_set_value (spin, value);
  gtk_spin_button_set_numeric (spin, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 6);
  gtk_widget_set_tooltip_text (GTK_WIDGET (spin), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  return spin;
}

static GtkWidget *
build_row (SsSequencesPanel *self,
           guint             index,
           Row              *row)
{
  const SsStep *step = ss_sequence_get_step (self->sequence, index);
  const char *kinds[] = { _("Send"), _("Wait"), _("Expect"), NULL };
  const char *matches[] = { _("Exact"), _("Contains"), _("Starts with"), _("Regex"), NULL };
  const char *encodings[] = { _("Text"), _("Escapes"), _("Hex"), NULL };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *status_line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  g_autofree char *number = g_strdup_printf ("%u.", index + 1);

  gtk_widget_set_margin_start (box, 4);
  gtk_widget_set_margin_end (box, 4);
  gtk_widget_set_margin_top (box, 2);
  gtk_widget_set_margin_bottom (box, 2);
  memset (row, 0, sizeof *row);
  gtk_box_append (GTK_BOX (line), gtk_label_new (number));
  row->kind = new_dropdown (kinds, step->kind, _("Step %u kind"), index);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (row->kind));

  if (step->kind == SS_STEP_SEND)
    {
      g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
      guint n = self->library != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->library)) : 0;
      guint selected = GTK_INVALID_LIST_POSITION;
      g_autofree char *name = g_strdup_printf (_("Step %u payload"), index + 1);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(SsPayload) payload = g_list_model_get_item (G_LIST_MODEL (self->library), i);
          const char *payload_name = ss_payload_get_name (payload);

          if (payload_name == NULL)
            continue;
          if (g_strcmp0 (payload_name, step->payload) == 0)
            selected = g_list_model_get_n_items (G_LIST_MODEL (names));
          gtk_string_list_append (names, payload_name);
        }
      /* a name the library no longer has stays shown, and fails the run */
      if (selected == GTK_INVALID_LIST_POSITION && step->payload[0] != '\0')
        {
          selected = g_list_model_get_n_items (G_LIST_MODEL (names));
          gtk_string_list_append (names, step->payload);
        }
      row->payload = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL));
      gtk_drop_down_set_selected (row->payload, selected);
      gtk_widget_set_hexpand (GTK_WIDGET (row->payload), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->payload),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_widget_set_tooltip_text (GTK_WIDGET (row->payload),
                                   _("The saved payload to send, with its encoding and line ending"));
      g_signal_connect (row->payload, "notify::selected", G_CALLBACK (row_edited_cb), self);
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (row->payload));
    }
  else if (step->kind == SS_STEP_WAIT)
    {
      row->ms = new_ms_spin (step->ms, _("Step %u milliseconds"), index);
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (row->ms));
      gtk_box_append (GTK_BOX (line), gtk_label_new (_("ms")));
      gtk_box_append (GTK_BOX (line), g_object_new (GTK_TYPE_BOX, "hexpand", TRUE, NULL));
    }
  else
    {
      guint encoding = step->encoding == SS_ENCODING_HEX ? 2 : step->encoding == SS_ENCODING_ESCAPED;
      g_autofree char *name = g_strdup_printf (_("Step %u pattern"), index + 1);

      row->match = new_dropdown (matches, step->match, _("Step %u match"), index);
      row->encoding = new_dropdown (encodings, encoding, _("Step %u pattern encoding"), index);
      row->pattern = GTK_ENTRY (gtk_entry_new ());
      gtk_editable_set_text (GTK_EDITABLE (row->pattern), step->pattern);
      gtk_widget_set_hexpand (GTK_WIDGET (row->pattern), TRUE);
      gtk_editable_set_width_chars (GTK_EDITABLE (row->pattern), 8);
      gtk_entry_set_placeholder_text (row->pattern, _("Pattern"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (row->pattern),
                                   _("What the data received since the step began must match"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->pattern),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      row->ms = new_ms_spin (step->ms, _("Step %u timeout in milliseconds"), index);
      g_signal_connect (row->match, "notify::selected", G_CALLBACK (row_edited_cb), self);
      g_signal_connect (row->encoding, "notify::selected", G_CALLBACK (row_edited_cb), self);
      g_signal_connect (row->pattern, "changed", G_CALLBACK (row_text_edited_cb), self);
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (row->match));
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (row->encoding));
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (row->pattern));
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (row->ms));
      gtk_box_append (GTK_BOX (line), gtk_label_new (_("ms")));
    }
  if (row->ms != NULL)
    g_signal_connect (row->ms, "notify::value", G_CALLBACK (row_edited_cb), self);
  g_signal_connect (row->kind, "notify::selected", G_CALLBACK (row_edited_cb), self);

  gtk_box_append (GTK_BOX (line), GTK_WIDGET (new_icon_button (self, "go-up-symbolic",
                                                               _("Move step %u up"), index, -1)));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (new_icon_button (self, "go-down-symbolic",
                                                               _("Move step %u down"), index, 1)));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (new_icon_button (self, "list-remove-symbolic",
                                                               _("Remove step %u"), index, 0)));

  row->icon = GTK_IMAGE (gtk_image_new ());
  row->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->status, 0);
  gtk_label_set_ellipsize (row->status, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (row->status), "dim-label");
  /* names for tests and the inspector */
  gtk_widget_set_name (GTK_WIDGET (row->icon), "step-status-icon");
  gtk_widget_set_name (GTK_WIDGET (row->status), "step-status");
  gtk_box_append (GTK_BOX (status_line), GTK_WIDGET (row->icon));
  gtk_box_append (GTK_BOX (status_line), GTK_WIDGET (row->status));
  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), status_line);
  row->row = box;
  return box;
}

static void
rebuild_rows (SsSequencesPanel *self)
{
  GtkWidget *child;
  guint n = self->sequence != NULL ? ss_sequence_get_n_steps (self->sequence) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_list))) != NULL)
    gtk_list_box_remove (self->steps_list, child);
  g_array_set_size (self->rows, n);
  self->updating = TRUE;
  for (guint i = 0; i < n; i++)
    {
      gtk_list_box_append (self->steps_list, build_row (self, i, &g_array_index (self->rows, Row, i)));
      show_step_status (self, i);
    }
  self->updating = FALSE;
  if (n == 0)
    {
      GtkWidget *empty = gtk_label_new (self->sequence != NULL
                                        ? _("No steps yet: add one below")
                                        : _("No sequences yet: press + to make one"));

      gtk_widget_add_css_class (empty, "dim-label");
      gtk_widget_set_margin_top (empty, 12);
      gtk_widget_set_margin_bottom (empty, 12);
      gtk_list_box_append (self->steps_list, empty);
    }
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
  rebuild_rows (self);
  check_steps (self);
  save (self);
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
  show_step_status (self, index);
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
  show_status (self, text, status != SS_STEP_OK && status != SS_STEP_STOPPED);
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
  save (self);
  g_clear_object (&self->run);
  self->run = ss_sequence_run_new (self->sequence, self->socket, self->library);
  g_signal_connect_object (self->run, "step-changed", G_CALLBACK (step_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->run, "finished", G_CALLBACK (finished_cb), self,
                           G_CONNECT_SWAPPED);
  if (!ss_sequence_run_start (self->run, rounds, &error))
    {
      g_clear_object (&self->run);
      show_status (self, error->message, TRUE);
      return;
    }
  for (guint i = 0; i < self->rows->len; i++)
    show_step_status (self, i);
  show_status (self, _("Running…"), FALSE);
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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sockscope/Sockscope/ss-sequences-panel.ui");
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

  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
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
  return g_array_index (self->rows, Row, index).row;
}
