/* ss-call-view.h — the call log, in C or in the seed's Python
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-call-log.h"

G_BEGIN_DECLS

#define SS_TYPE_CALL_VIEW (ss_call_view_get_type ())

G_DECLARE_FINAL_TYPE (SsCallView, ss_call_view, SS, CALL_VIEW, GtkWidget)

void  ss_call_view_set_calls  (SsCallView *self,
                               SsCallLog  *calls);
char *ss_call_view_format     (SsCallView *self,
                               SsCall     *call);

G_END_DECLS
