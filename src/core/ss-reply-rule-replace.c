/* ss-reply-rule-replace.c — a rule as a rewrite: what it matches, replaced by its reply
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The auto-reply matcher answers a chunk; a relay's rewrite rule changes
 * it. The same rule (match kind, pattern, reply with its "$1" groups)
 * says what is replaced and by what: exactly X is replaced whole, a
 * prefix X at the start, and each X (or each match of the regex) wherever
 * it is.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-reply-rule-private.h"

/* Each match of the regex, left to right, replaced by its reply. */
static gboolean
replace_regex (SsReplyRule   *self,
               const guint8  *data,
               gsize          len,
               GByteArray    *out,
               GError       **error)
{
  g_autoptr(GMatchInfo) match_info = NULL;
  gsize done = 0;
  gboolean matched = FALSE;

  if (!_ss_reply_rule_pattern_matches (self, data, len, &match_info))
    return FALSE;
  do
    {
      g_autoptr(GBytes) reply = NULL;
      int start, end;

      if (!g_match_info_fetch_pos (match_info, 0, &start, &end))
        break;
      /* an empty match next to the one before adds nothing new */
      if (start == end && matched && (gsize) start == done)
        continue;
      reply = _ss_reply_rule_make_reply (self, data, match_info, error);
      if (reply == NULL)
        return TRUE;
      g_byte_array_append (out, data + done, start - done);
      g_byte_array_append (out, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
      done = end;
      matched = TRUE;
    }
  while (g_match_info_next (match_info, NULL));
  g_byte_array_append (out, data + done, len - done);
  return matched;
}

/* Each X (never overlapping), left to right, replaced by the reply. */
static gboolean
replace_each (SsReplyRule   *self,
              const guint8  *data,
              gsize          len,
              GByteArray    *out,
              GError       **error)
{
  gsize pattern_len;
  const guint8 *pattern = g_bytes_get_data (self->pattern_bytes, &pattern_len);
  g_autoptr(GBytes) reply = NULL;
  const guint8 *at = data;
  const guint8 *found;

  /* "" is found everywhere: replacing it would insert between every byte */
  if (pattern_len == 0)
    return FALSE;
  while ((found = memmem (at, len - (at - data), pattern, pattern_len)) != NULL)
    {
      if (reply == NULL)
        {
          reply = _ss_reply_rule_make_reply (self, data, NULL, error);
          if (reply == NULL)
            return TRUE;
        }
      g_byte_array_append (out, at, found - at);
      g_byte_array_append (out, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
      at = found + pattern_len;
    }
  if (reply == NULL)
    return FALSE;
  g_byte_array_append (out, at, len - (at - data));
  return TRUE;
}

/**
 * ss_reply_rule_replace:
 * @data: one chunk on its way through a relay
 *
 * The chunk with what the rule matches replaced by the rule's reply
 * ("$1" and "${name}" in a regex rule's reply are what that match's
 * groups took). A match counts as a firing, even when the reply cannot be
 * made, which @error then tells.
 *
 * Returns: (transfer full) (nullable): the new chunk; %NULL without an
 *   error when the rule is off or does not match
 */
GBytes *
ss_reply_rule_replace (SsReplyRule   *self,
                       const guint8  *data,
                       gsize          len,
                       GError       **error)
{
  g_autoptr(GByteArray) out = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean matched;

  g_return_val_if_fail (SS_IS_REPLY_RULE (self), NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!self->enabled)
    return NULL;
  _ss_reply_rule_build (self);
  if (self->pattern_error != NULL)
    return NULL;
  if (data == NULL)
    data = (const guint8 *) "";

  out = g_byte_array_new ();
  switch (self->match)
    {
    case SS_MATCH_REGEX:
      matched = replace_regex (self, data, len, out, &local_error);
      break;
    case SS_MATCH_CONTAINS:
      matched = replace_each (self, data, len, out, &local_error);
      break;
    case SS_MATCH_EXACT:
    case SS_MATCH_STARTS_WITH:
    case SS_N_MATCHES:
    default:
      {
        gsize pattern_len = g_bytes_get_size (self->pattern_bytes);
        g_autoptr(GBytes) reply = NULL;

        matched = _ss_reply_rule_pattern_matches (self, data, len, NULL);
        if (!matched)
          break;
        reply = _ss_reply_rule_make_reply (self, data, NULL, &local_error);
        if (reply == NULL)
          break;
        g_byte_array_append (out, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
        g_byte_array_append (out, data + pattern_len, len - pattern_len);
      }
      break;
    }

  if (!matched)
    return NULL;
  _ss_reply_rule_count_firing (self);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
