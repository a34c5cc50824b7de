/* ss-reply-rule.c — "when received data matches X, reply Y"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ss-escape.h"
#include "ss-reply-rule-private.h"
#include "ss-reply-template.h"

/* How much of the pattern the description shows. */
#define DESCRIPTION_CHARS 40


G_DEFINE_FINAL_TYPE (SsReplyRule, ss_reply_rule, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ENABLED,
  PROP_MATCH,
  PROP_PATTERN_ENCODING,
  PROP_PATTERN,
  PROP_REPLY,
  PROP_FIRED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
drop_built (SsReplyRule *self)
{
  self->built = FALSE;
  g_clear_error (&self->pattern_error);
  g_clear_error (&self->reply_error);
  g_clear_pointer (&self->pattern_bytes, g_bytes_unref);
  g_clear_pointer (&self->regex, g_regex_unref);
  g_clear_pointer (&self->reply_bytes, g_bytes_unref);
  g_clear_pointer (&self->template, ss_reply_template_free);
}

static void
ss_reply_rule_finalize (GObject *object)
{
  SsReplyRule *self = SS_REPLY_RULE (object);

  drop_built (self);
  g_free (self->pattern);
  g_clear_object (&self->reply);

  G_OBJECT_CLASS (ss_reply_rule_parent_class)->finalize (object);
}

static void
ss_reply_rule_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SsReplyRule *self = SS_REPLY_RULE (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    case PROP_MATCH:
      g_value_set_uint (value, self->match);
      break;
    case PROP_PATTERN_ENCODING:
      g_value_set_uint (value, self->pattern_encoding);
      break;
    case PROP_PATTERN:
      g_value_set_string (value, self->pattern);
      break;
    case PROP_REPLY:
      g_value_set_object (value, self->reply);
      break;
    case PROP_FIRED:
      g_value_set_uint (value, self->fired);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_reply_rule_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SsReplyRule *self = SS_REPLY_RULE (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      ss_reply_rule_set_enabled (self, g_value_get_boolean (value));
      break;
    case PROP_MATCH:
      ss_reply_rule_set_match (self, g_value_get_uint (value));
      break;
    case PROP_PATTERN_ENCODING:
      ss_reply_rule_set_pattern_encoding (self, g_value_get_uint (value));
      break;
    case PROP_PATTERN:
      ss_reply_rule_set_pattern (self, g_value_get_string (value));
      break;
    case PROP_REPLY:
      if (g_value_get_object (value) != NULL)
        ss_reply_rule_set_reply (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_reply_rule_class_init (SsReplyRuleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_reply_rule_finalize;
  object_class->get_property = ss_reply_rule_get_property;
  object_class->set_property = ss_reply_rule_set_property;

  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* an SsMatchKind */
  properties[PROP_MATCH] =
    g_param_spec_uint ("match", NULL, NULL,
                       0, SS_N_MATCHES - 1, SS_MATCH_CONTAINS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* an SsEncoding; a regex ignores it */
  properties[PROP_PATTERN_ENCODING] =
    g_param_spec_uint ("pattern-encoding", NULL, NULL,
                       0, SS_N_ENCODINGS - 1, SS_ENCODING_TEXT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATTERN] =
    g_param_spec_string ("pattern", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPLY] =
    g_param_spec_object ("reply", NULL, NULL, SS_TYPE_PAYLOAD,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* how many times the rule replied */
  properties[PROP_FIRED] =
    g_param_spec_uint ("fired", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ss_reply_rule_init (SsReplyRule *self)
{
  self->enabled = TRUE;
  self->match = SS_MATCH_CONTAINS;
  self->pattern_encoding = SS_ENCODING_TEXT;
  self->pattern = g_strdup ("");
  self->reply = ss_payload_new (NULL, SS_ENCODING_TEXT, "", SS_LINE_ENDING_NONE);
}

/**
 * ss_reply_rule_new:
 * @pattern: X as typed, in @pattern_encoding; for %SS_MATCH_REGEX a
 *   regular expression on the raw bytes, whatever @pattern_encoding says
 * @reply: Y; in a regex rule "$1", "${name}" and "$$" stand for what a
 *   group matched and for a "$"
 *
 * Neither is checked here: see ss_reply_rule_check().
 */
SsReplyRule *
ss_reply_rule_new (SsMatchKind  match,
                   SsEncoding   pattern_encoding,
                   const char  *pattern,
                   SsPayload   *reply)
{
  g_return_val_if_fail (match < SS_N_MATCHES, NULL);
  g_return_val_if_fail (pattern_encoding < SS_N_ENCODINGS, NULL);
  g_return_val_if_fail (pattern != NULL, NULL);
  g_return_val_if_fail (SS_IS_PAYLOAD (reply), NULL);

  return g_object_new (SS_TYPE_REPLY_RULE,
                       "match", (guint) match,
                       "pattern-encoding", (guint) pattern_encoding,
                       "pattern", pattern,
                       "reply", reply,
                       NULL);
}

gboolean
ss_reply_rule_get_enabled (SsReplyRule *self)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE (self), FALSE);
  return self->enabled;
}

void
ss_reply_rule_set_enabled (SsReplyRule *self,
                           gboolean     enabled)
{
  g_return_if_fail (SS_IS_REPLY_RULE (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

SsMatchKind
ss_reply_rule_get_match (SsReplyRule *self)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE (self), SS_MATCH_CONTAINS);
  return self->match;
}

void
ss_reply_rule_set_match (SsReplyRule *self,
                         SsMatchKind  match)
{
  g_return_if_fail (SS_IS_REPLY_RULE (self));
  g_return_if_fail (match < SS_N_MATCHES);

  if (self->match == match)
    return;
  self->match = match;
  drop_built (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCH]);
}

SsEncoding
ss_reply_rule_get_pattern_encoding (SsReplyRule *self)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE (self), SS_ENCODING_TEXT);
  return self->pattern_encoding;
}

void
ss_reply_rule_set_pattern_encoding (SsReplyRule *self,
                                    SsEncoding   pattern_encoding)
{
  g_return_if_fail (SS_IS_REPLY_RULE (self));
  g_return_if_fail (pattern_encoding < SS_N_ENCODINGS);

  if (self->pattern_encoding == pattern_encoding)
    return;
  self->pattern_encoding = pattern_encoding;
  drop_built (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATTERN_ENCODING]);
}

/* Never NULL. */
const char *
ss_reply_rule_get_pattern (SsReplyRule *self)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE (self), NULL);
  return self->pattern;
}

void
ss_reply_rule_set_pattern (SsReplyRule *self,
                           const char  *pattern)
{
  g_return_if_fail (SS_IS_REPLY_RULE (self));

  if (pattern == NULL)
    pattern = "";
  if (g_str_equal (self->pattern, pattern))
    return;
  g_free (self->pattern);
  self->pattern = g_strdup (pattern);
  drop_built (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATTERN]);
}

/* Never NULL. */
SsPayload *
ss_reply_rule_get_reply (SsReplyRule *self)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE (self), NULL);
  return self->reply;
}

/* A payload never changes (an edited one is a new payload), so the reply
 * is made again only when it is replaced. */
void
ss_reply_rule_set_reply (SsReplyRule *self,
                         SsPayload   *reply)
{
  g_return_if_fail (SS_IS_REPLY_RULE (self));
  g_return_if_fail (SS_IS_PAYLOAD (reply));

  if (!g_set_object (&self->reply, reply))
    return;
  drop_built (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY]);
}

guint
ss_reply_rule_get_fired (SsReplyRule *self)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE (self), 0);
  return self->fired;
}

/* The pattern as typed, on one line and cut short. */
static char *
dup_shown_pattern (SsReplyRule *self)
{
  g_autofree char *text = NULL;

  /* plain text stands for its bytes: show them as the log does */
  if (self->match != SS_MATCH_REGEX && self->pattern_encoding == SS_ENCODING_TEXT)
    text = ss_escape_bytes ((const guint8 *) self->pattern, strlen (self->pattern), 0, FALSE);
  else if (g_utf8_validate (self->pattern, -1, NULL))
    text = g_strdelimit (g_strdup (self->pattern), "\t\n\r", ' ');
  else
    return ss_escape_bytes ((const guint8 *) self->pattern, strlen (self->pattern),
                            DESCRIPTION_CHARS, FALSE);

  if (g_utf8_strlen (text, -1) > DESCRIPTION_CHARS)
    {
      g_autofree char *start = g_utf8_substring (text, 0, DESCRIPTION_CHARS);

      return g_strconcat (start, "…", NULL);
    }
  return g_steal_pointer (&text);
}

/**
 * ss_reply_rule_dup_description:
 *
 * Returns: (transfer full): what the rule looks for, in words, e.g.
 *   contains “ping”, or starts with hex “de ad”
 */
char *
ss_reply_rule_dup_description (SsReplyRule *self)
{
  g_autofree char *shown = NULL;
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (SS_IS_REPLY_RULE (self), NULL);

  shown = dup_shown_pattern (self);
  if (self->match == SS_MATCH_REGEX)
    /* TRANSLATORS: %s is a regular expression */
    return g_strdup_printf (_("matches /%s/"), shown);

  switch (self->pattern_encoding)
    {
    case SS_ENCODING_HEX:
      /* TRANSLATORS: bytes written in hexadecimal, e.g. hex “de ad” */
      quoted = g_strdup_printf (_("hex “%s”"), shown);
      break;
    case SS_ENCODING_BASE64:
      quoted = g_strdup_printf (_("base64 “%s”"), shown);
      break;
    case SS_ENCODING_FILE:
    case SS_ENCODING_TEXT:
    case SS_ENCODING_ESCAPED:
    case SS_N_ENCODINGS:
    default:
      quoted = g_strdup_printf (_("“%s”"), shown);
      break;
    }

  switch (self->match)
    {
    case SS_MATCH_EXACT:
      /* TRANSLATORS: received data that is exactly %s */
      return g_strdup_printf (_("exactly %s"), quoted);
    case SS_MATCH_STARTS_WITH:
      return g_strdup_printf (_("starts with %s"), quoted);
    case SS_MATCH_CONTAINS:
    case SS_MATCH_REGEX:
    case SS_N_MATCHES:
    default:
      return g_strdup_printf (_("contains %s"), quoted);
    }
}

void
_ss_reply_rule_build (SsReplyRule *self)
{
  if (self->built)
    return;
  self->built = TRUE;

  if (self->match == SS_MATCH_REGEX)
    {
      /* raw: the data is bytes, not UTF-8, and "." is one byte */
      self->regex = g_regex_new (self->pattern, G_REGEX_RAW, 0, &self->pattern_error);
      if (self->regex == NULL)
        return;
    }
  else
    {
      self->pattern_bytes = ss_encoding_decode (self->pattern_encoding, self->pattern, -1,
                                                NULL, NULL, &self->pattern_error);
      if (self->pattern_bytes == NULL)
        {
          g_prefix_error (&self->pattern_error, _("The pattern is not valid: "));
          return;
        }
    }

  /* a file is read each time the rule fires: its contents as they are */
  if (ss_payload_get_encoding (self->reply) == SS_ENCODING_FILE)
    return;
  if (self->regex != NULL)
    self->template = ss_reply_template_new (self->regex, ss_payload_get_encoding (self->reply),
                                            ss_payload_get_content (self->reply),
                                            &self->reply_error);
  else
    self->reply_bytes = ss_payload_to_bytes (self->reply, NULL, NULL, &self->reply_error);
  if (self->reply_error != NULL && self->reply_error->domain == SS_ENCODING_ERROR)
    g_prefix_error (&self->reply_error, _("The reply is not valid: "));
}

/**
 * ss_reply_rule_check:
 *
 * Whether the rule can work: the pattern decodes (or, for a regex,
 * compiles) and the reply decodes and uses only groups the regex has. The
 * error is a message for the person who wrote the rule.
 */
gboolean
ss_reply_rule_check (SsReplyRule  *self,
                     GError      **error)
{
  const char *path;

  g_return_val_if_fail (SS_IS_REPLY_RULE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _ss_reply_rule_build (self);
  if (self->pattern_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->pattern_error));
      return FALSE;
    }
  if (self->reply_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->reply_error));
      return FALSE;
    }

  if (ss_payload_get_encoding (self->reply) != SS_ENCODING_FILE)
    return TRUE;
  path = ss_payload_get_content (self->reply);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || g_access (path, R_OK) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The reply file “%s” is not a file that can be read"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
_ss_reply_rule_pattern_matches (SsReplyRule   *self,
                 const guint8  *data,
                 gsize          len,
                 GMatchInfo   **match_info)
{
  const guint8 *pattern;
  gsize pattern_len;

  if (self->regex != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* with a length, NUL bytes in the data are data */
      if (g_regex_match_full (self->regex, data != NULL ? (const char *) data : "", len,
                              0, 0, match_info, &error))
        return TRUE;
      if (error != NULL)
        g_debug ("regex /%s/ failed: %s", self->pattern, error->message);
      g_clear_pointer (match_info, g_match_info_unref);
      return FALSE;
    }

  pattern = g_bytes_get_data (self->pattern_bytes, &pattern_len);
  switch (self->match)
    {
    case SS_MATCH_EXACT:
      return len == pattern_len && (len == 0 || memcmp (data, pattern, len) == 0);
    case SS_MATCH_STARTS_WITH:
      return len >= pattern_len && (pattern_len == 0 || memcmp (data, pattern, pattern_len) == 0);
    case SS_MATCH_CONTAINS:
      return pattern_len == 0 || (len >= pattern_len && memmem (data, len, pattern, pattern_len) != NULL);
    case SS_MATCH_REGEX:
    case SS_N_MATCHES:
    default:
      g_assert_not_reached ();
    }
}

static void
append_line_ending (GByteArray *out,
                    SsPayload  *reply)
{
  const char *ending = ss_line_ending_get_bytes (ss_payload_get_line_ending (reply));

  g_byte_array_append (out, (const guint8 *) ending, strlen (ending));
}

GBytes *
_ss_reply_rule_make_reply (SsReplyRule   *self,
            const guint8  *data,
            GMatchInfo    *match_info,
            GError       **error)
{
  GByteArray *out;

  if (self->reply_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->reply_error));
      return NULL;
    }
  if (self->reply_bytes != NULL)
    return g_bytes_ref (self->reply_bytes);

  out = g_byte_array_new ();
  if (self->template != NULL)
    ss_reply_template_expand (self->template, data, match_info, out);
  else
    {
      g_autofree char *contents = NULL;
      gsize length;

      g_assert (ss_payload_get_encoding (self->reply) == SS_ENCODING_FILE);
      if (!g_file_get_contents (ss_payload_get_content (self->reply), &contents, &length, error))
        {
          g_byte_array_unref (out);
          return NULL;
        }
      g_byte_array_append (out, (const guint8 *) contents, length);
    }
  append_line_ending (out, self->reply);
  return g_byte_array_free_to_bytes (out);
}

void
_ss_reply_rule_count_firing (SsReplyRule *self)
{
  self->fired++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRED]);
}

static GBytes *
match_and_reply (SsReplyRule   *self,
                 const guint8  *data,
                 gsize          len,
                 gboolean       count,
                 GError       **error)
{
  g_autoptr(GMatchInfo) match_info = NULL;

  if (!self->enabled)
    return NULL;
  _ss_reply_rule_build (self);
  if (self->pattern_error != NULL)
    return NULL;
  if (!_ss_reply_rule_pattern_matches (self, data, len, &match_info))
    return NULL;

  if (count)
    _ss_reply_rule_count_firing (self);
  return _ss_reply_rule_make_reply (self, data, match_info, error);
}

/**
 * ss_reply_rule_match:
 * @data: one received chunk: what one recv() returned, or one datagram
 *
 * Returns: (transfer full) (nullable): the reply, with a regex's groups
 *   put in; %NULL when the rule is off, does not match, or cannot work
 */
GBytes *
ss_reply_rule_match (SsReplyRule  *self,
                     const guint8 *data,
                     gsize         len)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE (self), NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  return match_and_reply (self, data, len, FALSE, NULL);
}

/**
 * ss_reply_rule_fire:
 * @data: one received chunk
 *
 * As ss_reply_rule_match(), for the socket that will send the reply: a
 * match counts as a firing ("fired" goes up) even when the reply cannot be
 * made (a file that cannot be read, a reply that does not decode), which
 * @error then tells.
 *
 * Returns: (transfer full) (nullable): the reply; %NULL without an error
 *   when the rule does not fire
 */
GBytes *
ss_reply_rule_fire (SsReplyRule   *self,
                    const guint8  *data,
                    gsize          len,
                    GError       **error)
{
  g_return_val_if_fail (SS_IS_REPLY_RULE (self), NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return match_and_reply (self, data, len, TRUE, error);
}
