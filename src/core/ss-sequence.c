/* ss-sequence.c — a send sequence: an ordered list of steps, and each
 * step's one-line text form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ss-sequence.h"

/* A step's text form, one line, as payloads.ini keeps it (Step1=…):
 *
 *   send NAME                                the payload called NAME
 *   wait MS                                  MS milliseconds
 *   expect MATCH[/ENCODING] TIMEOUT PATTERN  until what arrived since
 *                                            the step began matches
 *
 * MATCH is exact, contains, starts-with or regex; ENCODING (text when
 * missing) is text, escapes or hex, and a regex is always text. NAME and
 * PATTERN are the rest of the line, inner spaces and all. Words are
 * separated by spaces.
 */

static const char * const step_words[SS_N_STEP_KINDS] = { "send", "wait", "expect" };
static const char * const match_words[SS_N_MATCHES] = {
  "exact", "contains", "starts-with", "regex",
};

G_DEFINE_QUARK (ss-sequence-error-quark, ss_sequence_error)
G_DEFINE_BOXED_TYPE (SsStep, ss_step, ss_step_copy, ss_step_free)

const char *
ss_match_kind_to_string (SsMatchKind match)
{
  g_return_val_if_fail (match < SS_N_MATCHES, NULL);
  return match_words[match];
}

static SsStep *
step_new (SsStepKind kind)
{
  SsStep *step = g_new0 (SsStep, 1);

  step->kind = kind;
  step->match = SS_MATCH_CONTAINS;
  step->encoding = SS_ENCODING_TEXT;
  return step;
}

SsStep *
ss_step_new_send (const char *payload)
{
  SsStep *step = step_new (SS_STEP_SEND);

  step->payload = g_strdup (payload != NULL ? payload : "");
  return step;
}

SsStep *
ss_step_new_wait (guint ms)
{
  SsStep *step = step_new (SS_STEP_WAIT);

  step->ms = MIN (ms, SS_STEP_MAX_MS);
  return step;
}

SsStep *
ss_step_new_expect (SsMatchKind  match,
                    SsEncoding   encoding,
                    const char  *pattern,
                    guint        timeout_ms)
{
  SsStep *step = step_new (SS_STEP_EXPECT);

  g_return_val_if_fail (match < SS_N_MATCHES, step);
  step->match = match;
  step->encoding = encoding;
  step->pattern = g_strdup (pattern != NULL ? pattern : "");
  step->ms = MIN (timeout_ms, SS_STEP_MAX_MS);
  return step;
}

SsStep *
ss_step_copy (const SsStep *step)
{
  SsStep *copy;

  g_return_val_if_fail (step != NULL, NULL);

  copy = g_memdup2 (step, sizeof *step);
  copy->payload = g_strdup (step->payload);
  copy->pattern = g_strdup (step->pattern);
  return copy;
}

void
ss_step_free (SsStep *step)
{
  if (step == NULL)
    return;
  g_free (step->payload);
  g_free (step->pattern);
  g_free (step);
}

gboolean
ss_step_equal (const SsStep *a,
               const SsStep *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind)
    {
    case SS_STEP_SEND:
      return g_strcmp0 (a->payload, b->payload) == 0;
    case SS_STEP_WAIT:
      return a->ms == b->ms;
    case SS_STEP_EXPECT:
      return a->ms == b->ms && a->match == b->match && a->encoding == b->encoding &&
             g_strcmp0 (a->pattern, b->pattern) == 0;
    case SS_N_STEP_KINDS:
    default:
      return FALSE;
    }
}

static SsReplyRule *
rule_for (const SsStep *step)
{
  g_autoptr(SsPayload) nothing = ss_payload_new (NULL, SS_ENCODING_TEXT, "", SS_LINE_ENDING_NONE);

  return ss_reply_rule_new (step->match, step->encoding, step->pattern, nothing);
}

/**
 * ss_step_check:
 *
 * Whether the step can run, as far as it alone tells: a send names a
 * payload; an expect's pattern is not empty and decodes (or, a regex,
 * compiles). The error is a message for the person who wrote the step.
 */
gboolean
ss_step_check (const SsStep  *step,
               GError       **error)
{
  g_autoptr(SsReplyRule) rule = NULL;

  g_return_val_if_fail (step != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (step->kind)
    {
    case SS_STEP_SEND:
      if (step->payload == NULL || step->payload[0] == '\0')
        {
          g_set_error_literal (error, SS_SEQUENCE_ERROR, SS_SEQUENCE_ERROR_PARSE,
                               _("A send step needs the name of a saved payload"));
          return FALSE;
        }
      return TRUE;
    case SS_STEP_WAIT:
      return TRUE;
    case SS_STEP_EXPECT:
      if (step->pattern == NULL || step->pattern[0] == '\0')
        {
          g_set_error_literal (error, SS_SEQUENCE_ERROR, SS_SEQUENCE_ERROR_PARSE,
                               _("An expect step needs a pattern"));
          return FALSE;
        }
      if (step->encoding != SS_ENCODING_TEXT && step->encoding != SS_ENCODING_ESCAPED &&
          step->encoding != SS_ENCODING_HEX)
        {
          g_set_error_literal (error, SS_SEQUENCE_ERROR, SS_SEQUENCE_ERROR_PARSE,
                               _("A pattern is text, escapes or hex"));
          return FALSE;
        }
      if (step->match == SS_MATCH_REGEX && step->encoding != SS_ENCODING_TEXT)
        {
          g_set_error_literal (error, SS_SEQUENCE_ERROR, SS_SEQUENCE_ERROR_PARSE,
                               _("A regular expression is written as text"));
          return FALSE;
        }
      rule = rule_for (step);
      return ss_reply_rule_check (rule, error);
    case SS_N_STEP_KINDS:
    default:
      g_return_val_if_reached (FALSE);
    }
}

static void
set_parse_error (GError     **error,
                 const char  *text,
                 const char  *problem)
{
  g_set_error (error, SS_SEQUENCE_ERROR, SS_SEQUENCE_ERROR_PARSE,
               /* Translators: a step of a send sequence as written, then what is wrong */
               _("“%s”: %s"), text, problem);
}

/* The next word of *@p, which moves past it and the spaces after. */
static char *
next_word (const char **p)
{
  const char *start = *p;
  const char *end = start;
  char *word;

  while (*end != '\0' && *end != ' ')
    end++;
  word = g_strndup (start, end - start);
  while (*end == ' ')
    end++;
  *p = end;
  return word;
}

static gboolean
parse_ms (const char  *word,
          guint       *ms,
          const char  *text,
          GError     **error)
{
  guint64 number;

  if (word[0] == '\0' || !g_ascii_string_to_unsigned (word, 10, 0, SS_STEP_MAX_MS, &number, NULL))
    {
      g_autofree char *problem =
        /* Translators: %s is what was written; %u the most milliseconds allowed */
        g_strdup_printf (_("“%s” is not a number of milliseconds from 0 to %u"),
                         word, SS_STEP_MAX_MS);
      set_parse_error (error, text, problem);
      return FALSE;
    }
  *ms = number;
  return TRUE;
}

static gboolean
parse_match (const char   *word,
             SsMatchKind  *match,
             SsEncoding   *encoding,
             const char   *text,
             GError      **error)
{
  g_autofree char *kind = g_strdup (word);
  char *slash = strchr (kind, '/');
  gboolean found = FALSE;

  *encoding = SS_ENCODING_TEXT;
  if (slash != NULL)
    {
      *slash = '\0';
      if (!ss_encoding_from_string (slash + 1, encoding) ||
          (*encoding != SS_ENCODING_TEXT && *encoding != SS_ENCODING_ESCAPED &&
           *encoding != SS_ENCODING_HEX))
        {
          g_autofree char *problem =
            g_strdup_printf (_("“%s” is not text, escapes or hex"), slash + 1);
          set_parse_error (error, text, problem);
          return FALSE;
        }
    }
  for (guint i = 0; i < SS_N_MATCHES; i++)
    if (g_str_equal (kind, match_words[i]))
      {
        *match = i;
        found = TRUE;
      }
  if (!found)
    {
      g_autofree char *problem =
        g_strdup_printf (_("“%s” is not exact, contains, starts-with or regex"), kind);
      set_parse_error (error, text, problem);
      return FALSE;
    }
  return TRUE;
}

/**
 * ss_step_parse:
 * @text: one step in its text form (see the top of ss-sequence.c)
 *
 * Returns: (transfer full): the step; %NULL with an SS_SEQUENCE_ERROR
 *   that quotes @text and says what is wrong
 */
SsStep *
ss_step_parse (const char  *text,
               GError     **error)
{
  g_autoptr(SsStep) step = NULL;
  g_autofree char *keyword = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *p = text;
  SsStepKind kind = SS_N_STEP_KINDS;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, SS_SEQUENCE_ERROR, SS_SEQUENCE_ERROR_PARSE,
                           _("A step is UTF-8 text"));
      return NULL;
    }
  for (const char *c = text; *c != '\0'; c++)
    if (*c == '\n' || *c == '\r')
      {
        set_parse_error (error, text, _("a step is one line (write line breaks as escapes)"));
        return NULL;
      }

  while (*p == ' ')
    p++;
  keyword = next_word (&p);
  for (guint i = 0; i < SS_N_STEP_KINDS; i++)
    if (g_str_equal (keyword, step_words[i]))
      kind = i;

  switch (kind)
    {
    case SS_STEP_SEND:
      step = ss_step_new_send (p);
      break;
    case SS_STEP_WAIT:
      {
        g_autofree char *word = next_word (&p);

        step = step_new (SS_STEP_WAIT);
        if (!parse_ms (word, &step->ms, text, error))
          return NULL;
        if (*p != '\0')
          {
            set_parse_error (error, text, _("a wait step is “wait” and milliseconds"));
            return NULL;
          }
      }
      break;
    case SS_STEP_EXPECT:
      {
        g_autofree char *match_word = next_word (&p);
        g_autofree char *ms_word = NULL;

        step = step_new (SS_STEP_EXPECT);
        if (!parse_match (match_word, &step->match, &step->encoding, text, error))
          return NULL;
        ms_word = next_word (&p);
        if (!parse_ms (ms_word, &step->ms, text, error))
          return NULL;
        step->pattern = g_strdup (p);
      }
      break;
    case SS_N_STEP_KINDS:
    default:
      set_parse_error (error, text, _("a step starts with send, wait or expect"));
      return NULL;
    }

  if (!ss_step_check (step, &local_error))
    {
      set_parse_error (error, text, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&step);
}

/**
 * ss_step_to_string:
 *
 * Returns: (transfer full): @step's text form, which ss_step_parse()
 *   reads back to an equal step (when @step passes ss_step_check())
 */
char *
ss_step_to_string (const SsStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);

  switch (step->kind)
    {
    case SS_STEP_SEND:
      return g_strdup_printf ("send %s", step->payload);
    case SS_STEP_WAIT:
      return g_strdup_printf ("wait %u", step->ms);
    case SS_STEP_EXPECT:
      if (step->encoding == SS_ENCODING_TEXT)
        return g_strdup_printf ("expect %s %u %s", match_words[step->match], step->ms,
                                step->pattern);
      return g_strdup_printf ("expect %s/%s %u %s", match_words[step->match],
                              ss_encoding_to_string (step->encoding), step->ms, step->pattern);
    case SS_N_STEP_KINDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * ss_step_dup_description:
 *
 * Returns: (transfer full): the step in words, e.g. Expect contains “OK”
 *   within 1000 ms
 */
char *
ss_step_dup_description (const SsStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);

  switch (step->kind)
    {
    case SS_STEP_SEND:
      /* Translators: %s is a saved payload's name */
      return g_strdup_printf (_("Send “%s”"), step->payload);
    case SS_STEP_WAIT:
      return g_strdup_printf (_("Wait %u ms"), step->ms);
    case SS_STEP_EXPECT:
      {
        g_autoptr(SsReplyRule) rule = rule_for (step);
        g_autofree char *what = ss_reply_rule_dup_description (rule);

        /* Translators: %s is e.g. contains “OK”; %u milliseconds */
        return g_strdup_printf (_("Expect a reply that %s, within %u ms"), what, step->ms);
      }
    case SS_N_STEP_KINDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* --- The sequence ---------------------------------------------------- */

struct _SsSequence
{
  GObject    parent_instance;
  char      *name;
  GPtrArray *steps;
};

G_DEFINE_FINAL_TYPE (SsSequence, ss_sequence, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
ss_sequence_finalize (GObject *object)
{
  SsSequence *self = SS_SEQUENCE (object);

  g_free (self->name);
  g_ptr_array_unref (self->steps);
  G_OBJECT_CLASS (ss_sequence_parent_class)->finalize (object);
}

static void
ss_sequence_class_init (SsSequenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_sequence_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ss_sequence_init (SsSequence *self)
{
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) ss_step_free);
  self->name = g_strdup ("");
}

SsSequence *
ss_sequence_new (const char *name)
{
  SsSequence *self = g_object_new (SS_TYPE_SEQUENCE, NULL);

  ss_sequence_set_name (self, name);
  return self;
}

/**
 * ss_sequence_copy:
 *
 * Returns: (transfer full): a new sequence with @self's name and copies of
 *   its steps, which a run keeps while the original is edited
 */
SsSequence *
ss_sequence_copy (SsSequence *self)
{
  SsSequence *copy;

  g_return_val_if_fail (SS_IS_SEQUENCE (self), NULL);

  copy = ss_sequence_new (self->name);
  for (guint i = 0; i < self->steps->len; i++)
    g_ptr_array_add (copy->steps, ss_step_copy (g_ptr_array_index (self->steps, i)));
  return copy;
}

const char *
ss_sequence_get_name (SsSequence *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCE (self), NULL);
  return self->name;
}

void
ss_sequence_set_name (SsSequence *self,
                      const char *name)
{
  g_return_if_fail (SS_IS_SEQUENCE (self));

  if (name == NULL)
    name = "";
  if (g_str_equal (self->name, name))
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_signal_emit (self, signals[CHANGED], 0);
}

guint
ss_sequence_get_n_steps (SsSequence *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCE (self), 0);
  return self->steps->len;
}

const SsStep *
ss_sequence_get_step (SsSequence *self,
                      guint       index)
{
  g_return_val_if_fail (SS_IS_SEQUENCE (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, index);
}

/**
 * ss_sequence_insert_step:
 * @index: where, or -1 for the end
 * @step: (transfer full)
 */
void
ss_sequence_insert_step (SsSequence *self,
                         int         index,
                         SsStep     *step)
{
  g_return_if_fail (SS_IS_SEQUENCE (self));
  g_return_if_fail (step != NULL);

  if (index < 0 || (guint) index > self->steps->len)
    index = self->steps->len;
  g_ptr_array_insert (self->steps, index, step);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * ss_sequence_replace_step:
 * @step: (transfer full)
 */
void
ss_sequence_replace_step (SsSequence *self,
                          guint       index,
                          SsStep     *step)
{
  g_return_if_fail (SS_IS_SEQUENCE (self));
  g_return_if_fail (step != NULL);
  g_return_if_fail (index < self->steps->len);

  if (ss_step_equal (g_ptr_array_index (self->steps, index), step))
    {
      ss_step_free (step);
      return;
    }
  ss_step_free (g_ptr_array_index (self->steps, index));
  g_ptr_array_index (self->steps, index) = step;
  g_signal_emit (self, signals[CHANGED], 0);
}

void
ss_sequence_remove_step (SsSequence *self,
                         guint       index)
{
  g_return_if_fail (SS_IS_SEQUENCE (self));
  g_return_if_fail (index < self->steps->len);

  g_ptr_array_remove_index (self->steps, index);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
ss_sequence_move_step (SsSequence *self,
                       guint       from,
                       guint       to)
{
  gpointer step;

  g_return_if_fail (SS_IS_SEQUENCE (self));
  g_return_if_fail (from < self->steps->len && to < self->steps->len);

  if (from == to)
    return;
  step = g_ptr_array_steal_index (self->steps, from);
  g_ptr_array_insert (self->steps, to, step);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
ss_sequence_equal (SsSequence *a,
                   SsSequence *b)
{
  g_return_val_if_fail (SS_IS_SEQUENCE (a) && SS_IS_SEQUENCE (b), FALSE);

  if (!g_str_equal (a->name, b->name) || a->steps->len != b->steps->len)
    return FALSE;
  for (guint i = 0; i < a->steps->len; i++)
    if (!ss_step_equal (g_ptr_array_index (a->steps, i), g_ptr_array_index (b->steps, i)))
      return FALSE;
  return TRUE;
}
