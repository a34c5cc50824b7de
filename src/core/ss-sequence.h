/* ss-sequence.h — a send sequence: an ordered list of steps (send a
 * payload, wait, expect a reply), and each step's one-line text form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-encoding.h"
#include "ss-reply-rule.h"

G_BEGIN_DECLS

typedef enum
{
  SS_STEP_SEND,    /* send a payload of the library, by name */
  SS_STEP_WAIT,    /* wait ms */
  SS_STEP_EXPECT,  /* wait until what arrived since the step began matches */
  SS_N_STEP_KINDS
} SsStepKind;

/* The longest wait or timeout a step takes: a day. */
#define SS_STEP_MAX_MS (24u * 60 * 60 * 1000)

typedef struct
{
  SsStepKind   kind;
  char        *payload;   /* SEND: a payload's name */
  guint        ms;        /* WAIT: how long; EXPECT: the timeout */
  SsMatchKind  match;     /* EXPECT */
  SsEncoding   encoding;  /* EXPECT: the pattern's (text, escapes or hex) */
  char        *pattern;   /* EXPECT */
} SsStep;

#define SS_SEQUENCE_ERROR (ss_sequence_error_quark ())

typedef enum
{
  SS_SEQUENCE_ERROR_PARSE,
} SsSequenceError;

#define SS_TYPE_STEP     (ss_step_get_type ())
#define SS_TYPE_SEQUENCE (ss_sequence_get_type ())

GType        ss_step_get_type         (void) G_GNUC_CONST;
GQuark       ss_sequence_error_quark  (void);

SsStep      *ss_step_new_send         (const char    *payload);
SsStep      *ss_step_new_wait         (guint          ms);
SsStep      *ss_step_new_expect       (SsMatchKind    match,
                                       SsEncoding     encoding,
                                       const char    *pattern,
                                       guint          timeout_ms);
SsStep      *ss_step_copy             (const SsStep  *step);
void         ss_step_free             (SsStep        *step);
gboolean     ss_step_equal            (const SsStep  *a,
                                       const SsStep  *b);
SsStep      *ss_step_parse            (const char    *text,
                                       GError       **error);
char        *ss_step_to_string        (const SsStep  *step);
gboolean     ss_step_check            (const SsStep  *step,
                                       GError       **error);
char        *ss_step_dup_description  (const SsStep  *step);
const char  *ss_match_kind_to_string  (SsMatchKind    match);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsStep, ss_step_free)

G_DECLARE_FINAL_TYPE (SsSequence, ss_sequence, SS, SEQUENCE, GObject)

/* "changed" is emitted after any change to the name or the steps. */
SsSequence   *ss_sequence_new          (const char    *name);
SsSequence   *ss_sequence_copy         (SsSequence    *self);
const char   *ss_sequence_get_name     (SsSequence    *self);
void          ss_sequence_set_name     (SsSequence    *self,
                                        const char    *name);
guint         ss_sequence_get_n_steps  (SsSequence    *self);
const SsStep *ss_sequence_get_step     (SsSequence    *self,
                                        guint          index);
void          ss_sequence_insert_step  (SsSequence    *self,
                                        int            index,
                                        SsStep        *step);
void          ss_sequence_replace_step (SsSequence    *self,
                                        guint          index,
                                        SsStep        *step);
void          ss_sequence_remove_step  (SsSequence    *self,
                                        guint          index);
void          ss_sequence_move_step    (SsSequence    *self,
                                        guint          from,
                                        guint          to);
gboolean      ss_sequence_equal        (SsSequence    *a,
                                        SsSequence    *b);

G_END_DECLS
