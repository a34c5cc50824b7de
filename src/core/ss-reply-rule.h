/* ss-reply-rule.h — "when received data matches X, reply Y"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-payload.h"

G_BEGIN_DECLS

typedef enum
{
  SS_MATCH_EXACT,        /* the received chunk is exactly X */
  SS_MATCH_CONTAINS,
  SS_MATCH_STARTS_WITH,
  SS_MATCH_REGEX,        /* GRegex on the raw bytes; $1 ${name} in Y */
  SS_N_MATCHES
} SsMatchKind;

#define SS_TYPE_REPLY_RULE (ss_reply_rule_get_type ())

G_DECLARE_FINAL_TYPE (SsReplyRule, ss_reply_rule, SS, REPLY_RULE, GObject)

/* @pattern is in @pattern_encoding (text, escapes or hex; a regex is
 * always text). Properties: "enabled", "match", "pattern",
 * "pattern-encoding", "reply" (an SsPayload), "fired" (a count). */
SsReplyRule  *ss_reply_rule_new                  (SsMatchKind    match,
                                                  SsEncoding     pattern_encoding,
                                                  const char    *pattern,
                                                  SsPayload     *reply);
gboolean      ss_reply_rule_get_enabled          (SsReplyRule   *self);
void          ss_reply_rule_set_enabled          (SsReplyRule   *self,
                                                  gboolean       enabled);
SsMatchKind   ss_reply_rule_get_match            (SsReplyRule   *self);
SsEncoding    ss_reply_rule_get_pattern_encoding (SsReplyRule   *self);
const char   *ss_reply_rule_get_pattern          (SsReplyRule   *self);
SsPayload    *ss_reply_rule_get_reply            (SsReplyRule   *self);
guint         ss_reply_rule_get_fired            (SsReplyRule   *self);
char         *ss_reply_rule_dup_description      (SsReplyRule   *self);
gboolean      ss_reply_rule_check                (SsReplyRule   *self,
                                                  GError       **error);
GBytes       *ss_reply_rule_match                (SsReplyRule   *self,
                                                  const guint8  *data,
                                                  gsize          len);

void          ss_reply_rule_set_match            (SsReplyRule   *self,
                                                  SsMatchKind    match);
void          ss_reply_rule_set_pattern_encoding (SsReplyRule   *self,
                                                  SsEncoding     pattern_encoding);
void          ss_reply_rule_set_pattern          (SsReplyRule   *self,
                                                  const char    *pattern);
void          ss_reply_rule_set_reply            (SsReplyRule   *self,
                                                  SsPayload     *reply);
GBytes       *ss_reply_rule_fire                 (SsReplyRule   *self,
                                                  const guint8  *data,
                                                  gsize          len,
                                                  GError       **error);
GBytes       *ss_reply_rule_replace              (SsReplyRule   *self,
                                                  const guint8  *data,
                                                  gsize          len,
                                                  GError       **error);

G_END_DECLS
