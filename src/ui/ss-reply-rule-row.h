/* ss-reply-rule-row.h — one auto-reply rule, edited in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-reply-rule.h"

G_BEGIN_DECLS

#define SS_TYPE_REPLY_RULE_ROW (ss_reply_rule_row_get_type ())

G_DECLARE_FINAL_TYPE (SsReplyRuleRow, ss_reply_rule_row, SS, REPLY_RULE_ROW, GtkListBoxRow)

GtkWidget   *ss_reply_rule_row_new        (SsReplyRule    *rule);
SsReplyRule *ss_reply_rule_row_get_rule   (SsReplyRuleRow *self);
void         ss_reply_rule_row_set_number (SsReplyRuleRow *self,
                                           guint           number);
void         ss_reply_rule_row_edit       (SsReplyRuleRow *self);

void         ss_reply_rule_row_set_rewrite (SsReplyRuleRow *self);

G_END_DECLS
