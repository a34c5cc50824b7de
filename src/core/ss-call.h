/* ss-call.h — one socket call as it was made: arguments, result, errno
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SS_TYPE_CALL (ss_call_get_type ())

G_DECLARE_FINAL_TYPE (SsCall, ss_call, SS, CALL, GObject)

/* Where a payload's Python literal goes in a call's Python text. */
#define SS_CALL_PAYLOAD "{payload}"

SsCall     *ss_call_new         (int         fd,
                                 const char *name,
                                 const char *args,
                                 const char *python,
                                 GBytes     *payload,
                                 gint64      result,
                                 int         errsv);
gint64      ss_call_get_time    (SsCall     *self);
int         ss_call_get_fd      (SsCall     *self);
const char *ss_call_get_name    (SsCall     *self);
const char *ss_call_get_args    (SsCall     *self);
const char *ss_call_get_python  (SsCall     *self);
gint64      ss_call_get_result  (SsCall     *self);
int         ss_call_get_errno   (SsCall     *self);
char       *ss_call_to_c        (SsCall     *self);
GBytes     *ss_call_get_payload (SsCall     *self);
char       *ss_call_dup_script  (SsCall     *self);
void        ss_call_start_burst (SsCall     *self);
void        ss_call_add_to_burst (SsCall    *self,
                                  gint64     result);
guint       ss_call_get_n_calls (SsCall     *self);
guint64     ss_call_get_total   (SsCall     *self);
char       *ss_call_dup_outcome (SsCall     *self);
void        ss_call_set_c       (SsCall     *self,
                                 const char *c);
void        ss_call_set_result_text (SsCall     *self,
                                     const char *text);
const char *ss_call_get_result_text (SsCall     *self);

G_END_DECLS
