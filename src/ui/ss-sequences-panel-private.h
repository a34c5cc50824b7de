/* ss-sequences-panel-private.h — the Sequences popover's parts, shared
 * by ss-sequences-panel.c (the list of sequences, runs) and
 * ss-sequences-panel-rows.c (a row of controls per step)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-drop-down.h"
#include "ss-sequences-panel.h"

G_BEGIN_DECLS

typedef struct
{
  GtkWidget *row;
  GtkImage  *icon;
  GtkLabel  *status;
  SsDropDown *kind;
  SsDropDown *payload;
  GtkSpinButton *ms;
  SsDropDown *match;
  SsDropDown *encoding;
  GtkEntry  *pattern;
} SsStepRow;

struct _SsSequencesPanel
{
  GtkWidget       parent_instance;

  GtkMenuButton  *button;
  GtkPopover     *popover;
  SsDropDown     *sequence_dropdown;
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
  GArray         *rows;         /* of SsStepRow */
  gboolean        updating;     /* filling the controls: not an edit */
};

void ss_sequences_panel_show_status      (SsSequencesPanel *self,
                                         const char       *text,
                                         gboolean          error);
void ss_sequences_panel_save             (SsSequencesPanel *self);
void ss_sequences_panel_rebuild_rows     (SsSequencesPanel *self);
void ss_sequences_panel_show_step_status (SsSequencesPanel *self,
                                         guint             index);
void ss_sequences_panel_check_steps      (SsSequencesPanel *self);

G_END_DECLS
