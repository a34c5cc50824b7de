/* ss-reply-rule-private.h — what the files of SsReplyRule share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-reply-rule.h"
#include "ss-reply-template.h"

G_BEGIN_DECLS

struct _SsReplyRule
{
  GObject          parent_instance;

  SsMatchKind      match;
  SsEncoding       pattern_encoding;
  char            *pattern;
  SsPayload       *reply;
  guint            fired;
  guint            enabled : 1;

  /* Made from the above when first needed, dropped when they change. */
  guint            built : 1;
  GError          *pattern_error;
  GError          *reply_error;
  GBytes          *pattern_bytes;  /* not a regex */
  GRegex          *regex;
  GBytes          *reply_bytes;    /* a fixed reply */
  SsReplyTemplate *template;       /* a regex's reply */
};

void      _ss_reply_rule_build           (SsReplyRule   *self);
gboolean  _ss_reply_rule_pattern_matches (SsReplyRule   *self,
                                          const guint8  *data,
                                          gsize          len,
                                          GMatchInfo   **match_info);
GBytes   *_ss_reply_rule_make_reply      (SsReplyRule   *self,
                                          const guint8  *data,
                                          GMatchInfo    *match_info,
                                          GError       **error);
void      _ss_reply_rule_count_firing    (SsReplyRule   *self);

G_END_DECLS
