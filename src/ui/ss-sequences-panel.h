/* ss-sequences-panel.h — the send area's Sequences button and popover:
 * the saved send sequences, their steps, and runs on the page's socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-sequence-run.h"
#include "ss-socket.h"

G_BEGIN_DECLS

#define SS_TYPE_SEQUENCES_PANEL (ss_sequences_panel_get_type ())

G_DECLARE_FINAL_TYPE (SsSequencesPanel, ss_sequences_panel, SS, SEQUENCES_PANEL, GtkWidget)

/* Properties: "socket" (what runs use), "library" (an SsPayloadStore;
 * the application's payload library when not set). */
SsSocket       *ss_sequences_panel_get_socket (SsSequencesPanel *self);
void            ss_sequences_panel_set_socket (SsSequencesPanel *self,
                                               SsSocket         *socket);
void            ss_sequences_panel_set_library (SsSequencesPanel *self,
                                                SsPayloadStore   *library);
SsSequence     *ss_sequences_panel_get_sequence (SsSequencesPanel *self);
SsSequenceRun  *ss_sequences_panel_get_run    (SsSequencesPanel *self);
GtkWidget      *ss_sequences_panel_get_row    (SsSequencesPanel *self,
                                               guint             index);

G_END_DECLS
