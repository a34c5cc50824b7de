/* ss-reply-rules-panel.h — a socket's auto-reply rules: add, edit, remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SS_TYPE_REPLY_RULES_PANEL (ss_reply_rules_panel_get_type ())

G_DECLARE_FINAL_TYPE (SsReplyRulesPanel, ss_reply_rules_panel, SS, REPLY_RULES_PANEL, GtkWidget)

void ss_reply_rules_panel_set_rules (SsReplyRulesPanel *self,
                                     GListStore        *rules);
void ss_reply_rules_panel_set_rewrite_rules (SsReplyRulesPanel *self,
                                             GListStore        *rules);

G_END_DECLS
