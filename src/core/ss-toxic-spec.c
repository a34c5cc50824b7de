/* ss-toxic-spec.c — a relay fault as Toxiproxy names it, and its one-line text form
 *
 * The text form is the kind, its first setting as a bare number, then any
 * other setting by its Toxiproxy attribute name, then the toxicity:
 * "latency 250 jitter 50 toxicity 0.5", "slicer 64 size_variation 16
 * delay 500", "limit_data 10000", "timeout 0". Settings left out are 0;
 * the toxicity left out is 1 (every pair gets it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "ss-toxic-spec.h"

/* A day, in ms: longer is surely a typo, and keeps µs sums far from overflow. */
#define MAX_MS   (G_GINT64_CONSTANT (24) * 3600 * 1000)
/* 1 TiB */
#define MAX_BYTES (G_GINT64_CONSTANT (1) << 40)

typedef struct
{
  const char *name;     /* Toxiproxy's attribute */
  const char *title;    /* with its unit, for the panel */
  gint64      min;
  gint64      max;
  gint64      fallback; /* what a new fault in the panel starts with */
} ParamInfo;

typedef struct
{
  const char *name;
  const char *title;
  const char *explanation;
  guint       n_params;
  ParamInfo   params[SS_TOXIC_MAX_PARAMS];
} KindInfo;

/* One row per fault: adding one is a row here, a stage in ss-toxic-chain.c
 * and its test. */
static const KindInfo kinds[SS_N_TOXIC_KINDS] = {
  [SS_TOXIC_LATENCY] = {
    "latency", N_("Latency"),
    N_("Holds each chunk for the latency, plus or minus a random jitter; order is kept"),
    2, {
      { "latency", N_("Latency (ms)"), 0, MAX_MS, 100 },
      { "jitter", N_("Jitter (ms)"), 0, MAX_MS, 0 },
    } },
  [SS_TOXIC_BANDWIDTH] = {
    "bandwidth", N_("Bandwidth"),
    N_("Passes at most this many kilobytes (1,000 bytes) a second"),
    1, {
      { "rate", N_("Rate (KB/s)"), 1, 10 * 1000 * 1000, 100 },
    } },
  [SS_TOXIC_SLICER] = {
    "slicer", N_("Slicer"),
    N_("Writes each chunk as several smaller writes of about the average size, with a delay between them"),
    3, {
      { "average_size", N_("Average size (bytes)"), 1, 16 * 1024 * 1024, 64 },
      { "size_variation", N_("Size variation (bytes)"), 0, 16 * 1024 * 1024, 0 },
      { "delay", N_("Delay between slices (µs)"), 0, MAX_MS * 1000, 0 },
    } },
  [SS_TOXIC_LIMIT_DATA] = {
    "limit_data", N_("Limit Data"),
    N_("Passes this many bytes, then closes this direction"),
    1, {
      { "bytes", N_("Bytes"), 0, MAX_BYTES, 10000 },
    } },
  [SS_TOXIC_TIMEOUT] = {
    "timeout", N_("Timeout"),
    N_("Passes no data, and closes this direction after the timeout; with 0 it never closes"),
    1, {
      { "timeout", N_("Timeout (ms)"), 0, MAX_MS, 5000 },
    } },
  [SS_TOXIC_RESET_PEER] = {
    "reset_peer", N_("Reset Peer"),
    N_("Resets the connection this long after the first data in this direction, which it drops"),
    1, {
      { "timeout", N_("Timeout (ms)"), 0, MAX_MS, 0 },
    } },
  [SS_TOXIC_SLOW_CLOSE] = {
    "slow_close", N_("Slow Close"),
    N_("Delays the close of this direction"),
    1, {
      { "delay", N_("Delay (ms)"), 0, MAX_MS, 1000 },
    } },
};

G_DEFINE_BOXED_TYPE (SsToxicSpec, ss_toxic_spec, ss_toxic_spec_copy, ss_toxic_spec_free)

SsToxicSpec *
ss_toxic_spec_copy (const SsToxicSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_memdup2 (self, sizeof *self);
}

void
ss_toxic_spec_free (SsToxicSpec *self)
{
  g_free (self);
}

/* What the panel's Add starts with: something that visibly acts. */
void
ss_toxic_spec_init_default (SsToxicSpec *self,
                            SsToxicKind  kind)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (kind < SS_N_TOXIC_KINDS);

  memset (self, 0, sizeof *self);
  self->kind = kind;
  self->toxicity = 1.0;
  for (guint i = 0; i < kinds[kind].n_params; i++)
    self->params[i] = kinds[kind].params[i].fallback;
}

const char *
ss_toxic_kind_name (SsToxicKind kind)
{
  g_return_val_if_fail (kind < SS_N_TOXIC_KINDS, NULL);
  return kinds[kind].name;
}

const char *
ss_toxic_kind_title (SsToxicKind kind)
{
  g_return_val_if_fail (kind < SS_N_TOXIC_KINDS, NULL);
  return _(kinds[kind].title);
}

const char *
ss_toxic_kind_explanation (SsToxicKind kind)
{
  g_return_val_if_fail (kind < SS_N_TOXIC_KINDS, NULL);
  return _(kinds[kind].explanation);
}

guint
ss_toxic_kind_n_params (SsToxicKind kind)
{
  g_return_val_if_fail (kind < SS_N_TOXIC_KINDS, 0);
  return kinds[kind].n_params;
}

static const ParamInfo *
param_info (SsToxicKind kind,
            guint       param)
{
  g_return_val_if_fail (kind < SS_N_TOXIC_KINDS, NULL);
  g_return_val_if_fail (param < kinds[kind].n_params, NULL);
  return &kinds[kind].params[param];
}

const char *
ss_toxic_param_name (SsToxicKind kind,
                     guint       param)
{
  const ParamInfo *info = param_info (kind, param);

  return info != NULL ? info->name : NULL;
}

const char *
ss_toxic_param_title (SsToxicKind kind,
                      guint       param)
{
  const ParamInfo *info = param_info (kind, param);

  return info != NULL ? _(info->title) : NULL;
}

gint64
ss_toxic_param_min (SsToxicKind kind,
                    guint       param)
{
  const ParamInfo *info = param_info (kind, param);

  return info != NULL ? info->min : 0;
}

gint64
ss_toxic_param_max (SsToxicKind kind,
                    guint       param)
{
  const ParamInfo *info = param_info (kind, param);

  return info != NULL ? info->max : 0;
}

const char *
ss_toxic_direction_name (SsToxicDirection direction)
{
  g_return_val_if_fail (direction < SS_N_TOXIC_DIRECTIONS, NULL);
  return direction == SS_TOXIC_UPSTREAM ? "upstream" : "downstream";
}

static char *
kind_list (void)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < SS_N_TOXIC_KINDS; i++)
    {
      if (i > 0)
        g_string_append (list, ", ");
      g_string_append (list, kinds[i].name);
    }
  return g_string_free (list, FALSE);
}

static char *
param_list (SsToxicKind kind)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < kinds[kind].n_params; i++)
    {
      if (i > 0)
        g_string_append (list, ", ");
      g_string_append (list, kinds[kind].params[i].name);
    }
  g_string_append (list, ", toxicity");
  return g_string_free (list, FALSE);
}

static gboolean
check_param (SsToxicKind  kind,
             guint        param,
             gint64       value,
             GError     **error)
{
  const ParamInfo *info = &kinds[kind].params[param];

  if (value < info->min || value > info->max)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: "latency of latency must be from 0 to 86,400,000" */
                   _("%s of %s must be from %'" PRId64 " to %'" PRId64),
                   info->name, kinds[kind].name, info->min, info->max);
      return FALSE;
    }
  return TRUE;
}

gboolean
ss_toxic_spec_check (const SsToxicSpec  *self,
                     GError            **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if ((guint) self->kind >= SS_N_TOXIC_KINDS)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Unknown fault"));
      return FALSE;
    }
  for (guint i = 0; i < kinds[self->kind].n_params; i++)
    if (!check_param (self->kind, i, self->params[i], error))
      return FALSE;
  for (guint i = kinds[self->kind].n_params; i < SS_TOXIC_MAX_PARAMS; i++)
    g_return_val_if_fail (self->params[i] == 0, FALSE);
  if (!(self->toxicity >= 0.0 && self->toxicity <= 1.0))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The toxicity must be from 0 to 1 (or 0% to 100%)"));
      return FALSE;
    }
  return TRUE;
}

gboolean
ss_toxic_spec_equal (const SsToxicSpec *a,
                     const SsToxicSpec *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->kind == b->kind &&
         memcmp (a->params, b->params, sizeof a->params) == 0 &&
         a->toxicity == b->toxicity;
}

static gboolean
parse_number (const char   *token,
              const char   *what,
              gint64       *out,
              GError      **error)
{
  if (!g_ascii_isdigit (token[0]) ||
      !g_ascii_string_to_signed (token, 10, 0, G_MAXINT64, out, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a whole number for %s"), token, what);
      return FALSE;
    }
  return TRUE;
}

/* 0.25, or 25% */
static gboolean
parse_toxicity (const char  *token,
                double      *out,
                GError     **error)
{
  gsize len = strlen (token);
  gboolean percent = len > 0 && token[len - 1] == '%';
  g_autofree char *number = g_strndup (token, percent ? len - 1 : len);
  char *end = NULL;
  double value;

  /* plain decimals only: strtod would take hex, exponents and "inf" */
  value = number[0] != '\0' && strspn (number, "0123456789.") == strlen (number)
    ? g_ascii_strtod (number, &end) : NAN;
  if (percent)
    value /= 100.0;
  if (end == NULL || *end != '\0' || end == number || !(value >= 0.0 && value <= 1.0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a toxicity: give a number from 0 to 1, or a percentage"), token);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static int
find_kind (const char *token)
{
  g_autofree char *name = g_ascii_strdown (token, -1);

  /* "limit-data" as well as Toxiproxy's "limit_data" */
  g_strdelimit (name, "-", '_');
  for (guint i = 0; i < SS_N_TOXIC_KINDS; i++)
    if (g_str_equal (name, kinds[i].name))
      return i;
  return -1;
}

static int
find_param (SsToxicKind  kind,
            const char  *token)
{
  for (guint i = 0; i < kinds[kind].n_params; i++)
    if (g_ascii_strcasecmp (token, kinds[kind].params[i].name) == 0)
      return i;
  return -1;
}

/**
 * ss_toxic_spec_parse:
 * @text: one fault, e.g. "latency 250 jitter 50 toxicity 0.5"
 * @out: (out caller-allocates): the fault, written only on success
 *
 * Returns: FALSE with a G_IO_ERROR_INVALID_ARGUMENT that says what is wrong
 */
gboolean
ss_toxic_spec_parse (const char   *text,
                     SsToxicSpec  *out,
                     GError      **error)
{
  g_auto(GStrv) tokens = NULL;
  SsToxicSpec spec = { 0, };
  gboolean given[SS_TOXIC_MAX_PARAMS] = { FALSE, };
  gboolean toxicity_given = FALSE;
  guint n = 0, i = 1;
  int kind;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  tokens = g_strsplit_set (text, " \t\r\n\f\v", -1);
  /* empty tokens are runs of spaces */
  for (guint j = 0; tokens[j] != NULL; j++)
    {
      if (tokens[j][0] != '\0')
        tokens[n++] = tokens[j];
      else
        g_free (tokens[j]);
    }
  tokens[n] = NULL;

  if (n == 0)
    {
      g_autofree char *list = kind_list ();

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The fault is empty: start with its kind (%s)"), list);
      return FALSE;
    }

  kind = find_kind (tokens[0]);
  if (kind < 0)
    {
      g_autofree char *list = kind_list ();

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a fault: use %s"), tokens[0], list);
      return FALSE;
    }
  spec.kind = kind;
  spec.toxicity = 1.0;

  /* the first setting may come bare: "latency 250" */
  if (i < n && g_ascii_isdigit (tokens[i][0]))
    {
      if (!parse_number (tokens[i], kinds[kind].params[0].name, &spec.params[0], error))
        return FALSE;
      given[0] = TRUE;
      i++;
    }

  for (; i < n; i += 2)
    {
      const char *name = tokens[i];
      int param;

      if (g_ascii_strcasecmp (name, "toxicity") == 0)
        param = SS_TOXIC_MAX_PARAMS;
      else if ((param = find_param (kind, name)) < 0)
        {
          g_autofree char *list = param_list (kind);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a setting of %s: it has %s"), name, kinds[kind].name, list);
          return FALSE;
        }

      if ((param == SS_TOXIC_MAX_PARAMS && toxicity_given) ||
          (param < SS_TOXIC_MAX_PARAMS && given[param]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("%s is given twice"), name);
          return FALSE;
        }
      if (i + 1 >= n)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("%s needs a value after it"), name);
          return FALSE;
        }

      if (param == SS_TOXIC_MAX_PARAMS)
        {
          if (!parse_toxicity (tokens[i + 1], &spec.toxicity, error))
            return FALSE;
          toxicity_given = TRUE;
        }
      else
        {
          if (!parse_number (tokens[i + 1], kinds[kind].params[param].name, &spec.params[param], error))
            return FALSE;
          given[param] = TRUE;
        }
    }

  if (!given[0])
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: "limit_data needs its bytes: e.g. limit_data 10000" */
                   _("%s needs its %s: e.g. %s %'" PRId64),
                   kinds[kind].name, kinds[kind].params[0].name,
                   kinds[kind].name, kinds[kind].params[0].fallback);
      return FALSE;
    }

  if (!ss_toxic_spec_check (&spec, error))
    return FALSE;

  *out = spec;
  return TRUE;
}

/* The shortest text that reads back as the same double. */
static void
append_double (GString *out,
               double   value)
{
  /* plain decimals, as parse_toxicity() reads them ("%g" would write
   * 2.09e-08 for a tiny one), with the fewest digits that read back as
   * the same number; a value in [0, 1] needs at most ~340 */
  char buffer[400];

  for (int digits = 0; digits < 345; digits++)
    {
      char format[16];

      g_snprintf (format, sizeof format, "%%.%df", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_string_append (out, buffer);
}

/**
 * ss_toxic_spec_to_string:
 *
 * Returns: (transfer full): the text form, which ss_toxic_spec_parse()
 * reads back as the same fault: "latency 250 jitter 50 toxicity 0.5"
 */
char *
ss_toxic_spec_to_string (const SsToxicSpec *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail ((guint) self->kind < SS_N_TOXIC_KINDS, NULL);

  out = g_string_new (kinds[self->kind].name);
  g_string_append_printf (out, " %" PRId64, self->params[0]);
  for (guint i = 1; i < kinds[self->kind].n_params; i++)
    if (self->params[i] != 0)
      g_string_append_printf (out, " %s %" PRId64,
                              kinds[self->kind].params[i].name, self->params[i]);
  if (self->toxicity != 1.0)
    {
      g_string_append (out, " toxicity ");
      append_double (out, self->toxicity);
    }
  return g_string_free (out, FALSE);
}

/**
 * ss_toxic_spec_parse_option:
 * @text: a direction, then a fault as the command line writes it:
 *   "upstream:latency=200,jitter=50,toxicity=0.5"
 * @direction: (out): which way it acts
 * @out: (out caller-allocates): the fault, written only on success
 *
 * Returns: FALSE with a G_IO_ERROR_INVALID_ARGUMENT that says what is wrong
 */
gboolean
ss_toxic_spec_parse_option (const char        *text,
                            SsToxicDirection  *direction,
                            SsToxicSpec       *out,
                            GError           **error)
{
  const char *colon;
  g_autofree char *name = NULL;
  g_autofree char *fault = NULL;
  guint d;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (direction != NULL, FALSE);

  colon = strchr (text, ':');
  name = colon != NULL ? g_strndup (text, colon - text) : NULL;
  for (d = 0; name != NULL && d < SS_N_TOXIC_DIRECTIONS; d++)
    if (g_ascii_strcasecmp (name, ss_toxic_direction_name (d)) == 0)
      break;
  if (name == NULL || d == SS_N_TOXIC_DIRECTIONS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: keep upstream, downstream and the example as they are */
                   _("“%s”: a fault starts with its direction, upstream (client to server) or downstream (server to client): e.g. upstream:latency=200,jitter=50"),
                   text);
      return FALSE;
    }
  /* "latency=200,jitter=50" is "latency 200 jitter 50" */
  fault = g_strdelimit (g_strdup (colon + 1), ",=", ' ');
  if (!ss_toxic_spec_parse (fault, out, error))
    return FALSE;
  *direction = d;
  return TRUE;
}

/**
 * ss_toxic_spec_describe:
 *
 * Returns: (transfer full): what the fault does, in the person's words:
 * "Latency 250 ms ± 50 ms, for 50% of pairs"
 */
char *
ss_toxic_spec_describe (const SsToxicSpec *self)
{
  const gint64 *p;
  g_autofree char *what = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail ((guint) self->kind < SS_N_TOXIC_KINDS, NULL);

  p = self->params;
  switch (self->kind)
    {
    case SS_TOXIC_LATENCY:
      what = p[1] > 0
        ? g_strdup_printf (_("Latency %'" PRId64 " ms ± %'" PRId64 " ms"), p[0], p[1])
        : g_strdup_printf (_("Latency %'" PRId64 " ms"), p[0]);
      break;
    case SS_TOXIC_BANDWIDTH:
      what = g_strdup_printf (_("Bandwidth %'" PRId64 " KB/s"), p[0]);
      break;
    case SS_TOXIC_SLICER:
      if (p[1] > 0 && p[2] > 0)
        what = g_strdup_printf (_("Slices of %'" PRId64 " ± %'" PRId64
                                  " bytes, %'" PRId64 " µs apart"), p[0], p[1], p[2]);
      else if (p[1] > 0)
        what = g_strdup_printf (_("Slices of %'" PRId64 " ± %'" PRId64 " bytes"),
                                p[0], p[1]);
      else if (p[2] > 0)
        what = g_strdup_printf (_("Slices of %'" PRId64 " bytes, %'" PRId64
                                  " µs apart"), p[0], p[2]);
      else
        what = g_strdup_printf (_("Slices of %'" PRId64 " bytes"), p[0]);
      break;
    case SS_TOXIC_LIMIT_DATA:
      what = g_strdup_printf (_("Close after %'" PRId64 " bytes"), p[0]);
      break;
    case SS_TOXIC_TIMEOUT:
      what = p[0] > 0
        ? g_strdup_printf (_("Pass nothing, close after %'" PRId64 " ms"), p[0])
        : g_strdup (_("Pass nothing, never close"));
      break;
    case SS_TOXIC_RESET_PEER:
      what = g_strdup_printf (_("Reset %'" PRId64 " ms after the first data"), p[0]);
      break;
    case SS_TOXIC_SLOW_CLOSE:
      what = g_strdup_printf (_("Close delayed %'" PRId64 " ms"), p[0]);
      break;
    case SS_N_TOXIC_KINDS:
    default:
      g_assert_not_reached ();
    }

  if (self->toxicity >= 1.0)
    return g_steal_pointer (&what);
  /* Translators: a fault, and the share of new pairs that get it */
  return g_strdup_printf (_("%s, for %.4g%% of pairs"), what, self->toxicity * 100.0);
}
