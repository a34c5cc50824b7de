/* ss-sequence-run.h — a send sequence running on a socket, once or N
 * times, from the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-payload-store.h"
#include "ss-sequence.h"
#include "ss-socket.h"

G_BEGIN_DECLS

typedef enum
{
  SS_STEP_PENDING,    /* not run yet in this round */
  SS_STEP_RUNNING,
  SS_STEP_OK,
  SS_STEP_TIMED_OUT,  /* an expect step whose timeout passed first */
  SS_STEP_FAILED,     /* a send that failed, a payload that is missing, … */
  SS_STEP_STOPPED,    /* running when Stop was pressed */
  SS_N_STEP_STATUSES
} SsStepStatus;

#define SS_TYPE_STEP_STATUS  (ss_step_status_get_type ())
#define SS_TYPE_SEQUENCE_RUN (ss_sequence_run_get_type ())

GType ss_step_status_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (SsSequenceRun, ss_sequence_run, SS, SEQUENCE_RUN, GObject)

/* Properties: "running", "round" (1-based, 0 before the start), "rounds",
 * "status" (the run's: the last step's that ended, SS_STEP_PENDING before
 * any, SS_STEP_OK when all rounds passed). Signals: "step-changed" (guint
 * index) each time a step's status changes; "finished" once a run ends. */
SsSequenceRun *ss_sequence_run_new            (SsSequence     *sequence,
                                               SsSocket       *socket,
                                               SsPayloadStore *library);
SsSequence    *ss_sequence_run_get_sequence   (SsSequenceRun  *self);
gboolean       ss_sequence_run_start          (SsSequenceRun  *self,
                                               guint           rounds,
                                               GError        **error);
void           ss_sequence_run_stop           (SsSequenceRun  *self);
gboolean       ss_sequence_run_get_running    (SsSequenceRun  *self);
guint          ss_sequence_run_get_round      (SsSequenceRun  *self);
guint          ss_sequence_run_get_rounds     (SsSequenceRun  *self);
SsStepStatus   ss_sequence_run_get_status     (SsSequenceRun  *self);
SsStepStatus   ss_sequence_run_get_step_status  (SsSequenceRun *self,
                                                 guint          index);
const char    *ss_sequence_run_get_step_message (SsSequenceRun *self,
                                                 guint          index);
const char    *ss_step_status_to_string       (SsStepStatus    status);

G_END_DECLS
