/* ss-reply-template.h — a regex rule's reply: its text cut at the
 * references to capture groups, put together again for each match
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ss-encoding.h"

G_BEGIN_DECLS

typedef struct _SsReplyTemplate SsReplyTemplate;

SsReplyTemplate *ss_reply_template_new    (GRegex           *regex,
                                           SsEncoding        encoding,
                                           const char       *text,
                                           GError          **error);
void             ss_reply_template_free   (SsReplyTemplate  *self);
void             ss_reply_template_expand (SsReplyTemplate  *self,
                                           const guint8     *data,
                                           GMatchInfo       *match_info,
                                           GByteArray       *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsReplyTemplate, ss_reply_template_free)

G_END_DECLS
