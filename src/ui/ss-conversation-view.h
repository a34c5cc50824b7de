/* ss-conversation-view.h — a traffic log as one conversation, each
 * direction in its own colour, as Wireshark's Follow Stream shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-payload-format.h"
#include "ss-traffic-log.h"

G_BEGIN_DECLS

#define SS_TYPE_CONVERSATION_VIEW (ss_conversation_view_get_type ())

G_DECLARE_FINAL_TYPE (SsConversationView, ss_conversation_view, SS, CONVERSATION_VIEW, GtkWidget)

void         ss_conversation_view_set_log    (SsConversationView *self,
                                              SsTrafficLog       *log);
void         ss_conversation_view_set_format (SsConversationView *self,
                                              SsPayloadFormat     format);
void         ss_conversation_view_set_kinds  (SsConversationView *self,
                                              guint               kinds);
gboolean     ss_conversation_view_find       (SsConversationView *self,
                                              const char         *text,
                                              gboolean            backward);
GtkTextView *ss_conversation_view_get_text_view (SsConversationView *self);

G_END_DECLS
