/* ss-quick-send-bar.h — the payload library as a row of buttons: one
 * click (or Alt+1 … Alt+9) sends a payload
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-payload-store.h"

G_BEGIN_DECLS

#define SS_TYPE_QUICK_SEND_BAR (ss_quick_send_bar_get_type ())

G_DECLARE_FINAL_TYPE (SsQuickSendBar, ss_quick_send_bar, SS, QUICK_SEND_BAR, GtkWidget)

void        ss_quick_send_bar_set_store   (SsQuickSendBar *self,
                                           SsPayloadStore *store);
guint       ss_quick_send_bar_get_n_shown (SsQuickSendBar *self);
SsPayload  *ss_quick_send_bar_get_shown   (SsQuickSendBar *self,
                                           guint           position);
gboolean    ss_quick_send_bar_send        (SsQuickSendBar *self,
                                           guint           position);

G_END_DECLS
