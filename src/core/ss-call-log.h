/* ss-call-log.h — every call made through the window, in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-call.h"

G_BEGIN_DECLS

#define SS_TYPE_CALL_LOG (ss_call_log_get_type ())

G_DECLARE_FINAL_TYPE (SsCallLog, ss_call_log, SS, CALL_LOG, GObject)

SsCallLog *ss_call_log_new    (void);
SsCall    *ss_call_log_record (SsCallLog  *self,
                               int         fd,
                               const char *name,
                               const char *args,
                               const char *python,
                               gint64      result,
                               int         errsv);
SsCall    *ss_call_log_record_payload (SsCallLog  *self,
                                       int         fd,
                                       const char *name,
                                       const char *args,
                                       const char *python,
                                       GBytes     *payload,
                                       gint64      result,
                                       int         errsv);
SsCall    *ss_call_log_record_burst   (SsCallLog  *self,
                                       int         fd,
                                       const char *name,
                                       const char *args,
                                       const char *python,
                                       gint64      result);
void       ss_call_log_add_to_burst   (SsCallLog  *self,
                                       SsCall     *call,
                                       gint64      result);
void       ss_call_log_hold           (SsCallLog  *self);
void       ss_call_log_release        (SsCallLog  *self);
char      *ss_call_log_to_python      (SsCallLog  *self);

G_END_DECLS
