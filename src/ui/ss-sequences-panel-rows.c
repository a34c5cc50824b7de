/* ss-sequences-panel-rows.c — the Sequences popover's steps: a row of
 * controls per step, each edit replacing that step of the sequence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-tooltip.h"
#include "ss-sequences-panel-private.h"

/* The steps are few (a person writes them), so a change of their number,
 * order or kinds rebuilds every row; a change inside a row (a pattern
 * typed, a number spun) only replaces that step, so the focus stays. */

static const char * const status_icons[SS_N_STEP_STATUSES] = {
  "content-loading-symbolic",
  "media-playback-start-symbolic",
  "emblem-ok-symbolic",
  "alarm-symbolic",
  "dialog-error-symbolic",
  "media-playback-stop-symbolic",
};

static void
scroll_to_row (SsSequencesPanel *self,
               SsStepRow        *row)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->steps_list),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;
  GtkAdjustment *adjustment;

  if (scrolled == NULL || !gtk_widget_get_mapped (row->row) ||
      !gtk_widget_compute_bounds (row->row, GTK_WIDGET (self->steps_list), &bounds))
    return;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_clamp_page (adjustment, bounds.origin.y, bounds.origin.y + bounds.size.height);
}

void
ss_sequences_panel_show_step_status (SsSequencesPanel *self,
                                     guint             index)
{
  SsStepRow *row;
  SsStepStatus status = SS_STEP_PENDING;
  const char *message = NULL;
  g_autofree char *text = NULL;

  if (index >= self->rows->len)
    return;
  row = &g_array_index (self->rows, SsStepRow, index);
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
  /* a long sequence: the step that runs is in sight */
  if (status == SS_STEP_RUNNING)
    scroll_to_row (self, row);
}

static const char *
selected_string (SsDropDown *dropdown)
{
  GtkStringObject *item = ss_drop_down_get_selected_item (dropdown);

  return item != NULL ? gtk_string_object_get_string (item) : "";
}

/* The step the row's controls say; %NULL for a send without a payload */
static SsStep *
row_step (SsStepRow *row)
{
  switch (ss_drop_down_get_selected (row->kind))
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
        guint encoding = MIN (ss_drop_down_get_selected (row->encoding), 2);

        return ss_step_new_expect (MIN (ss_drop_down_get_selected (row->match), SS_N_MATCHES - 1),
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

void
ss_sequences_panel_check_steps (SsSequencesPanel *self)
{
  for (guint i = 0; self->sequence != NULL && i < ss_sequence_get_n_steps (self->sequence); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!ss_step_check (ss_sequence_get_step (self->sequence, i), &error))
        {
          /* Translators: a step number, what is wrong with it */
          g_autofree char *text = g_strdup_printf (_("Step %u: %s"), i + 1, error->message);

          ss_sequences_panel_show_status (self, text, TRUE);
          return;
        }
    }
  ss_sequences_panel_show_status (self, NULL, FALSE);
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
  kind_changed = widget == GTK_WIDGET (g_array_index (self->rows, SsStepRow, index).kind);
  ss_sequence_replace_step (self->sequence, index, row_step (&g_array_index (self->rows, SsStepRow, index)));
  ss_sequences_panel_check_steps (self);
  if (kind_changed)
    {
      /* the new kind's fields */
      ss_sequences_panel_rebuild_rows (self);
      ss_sequences_panel_save (self);
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
  ss_sequences_panel_rebuild_rows (self);
  ss_sequences_panel_save (self);
}

static SsDropDown *
new_dropdown (const char *const *strings,
              guint              selected,
              const char        *label,
              guint              index)
{
  SsDropDown *dropdown = SS_DROP_DOWN (ss_drop_down_new_from_strings (strings));
  g_autofree char *name = g_strdup_printf (label, index + 1);

  ss_drop_down_set_selected (dropdown, selected);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  ss_tooltip_set_text (GTK_WIDGET (dropdown), name);
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
  ss_tooltip_set_text (GTK_WIDGET (button), name);
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
  ss_tooltip_set_text (GTK_WIDGET (spin), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  return spin;
}

static GtkWidget *
build_row (SsSequencesPanel *self,
           guint             index,
           SsStepRow              *row)
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
      row->payload = SS_DROP_DOWN (ss_drop_down_new (G_LIST_MODEL (g_object_ref (names))));
      ss_drop_down_set_selected (row->payload, selected);
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

void
ss_sequences_panel_rebuild_rows (SsSequencesPanel *self)
{
  GtkWidget *child;
  guint n = self->sequence != NULL ? ss_sequence_get_n_steps (self->sequence) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_list))) != NULL)
    gtk_list_box_remove (self->steps_list, child);
  g_array_set_size (self->rows, n);
  self->updating = TRUE;
  for (guint i = 0; i < n; i++)
    {
      gtk_list_box_append (self->steps_list, build_row (self, i, &g_array_index (self->rows, SsStepRow, i)));
      ss_sequences_panel_show_step_status (self, i);
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

