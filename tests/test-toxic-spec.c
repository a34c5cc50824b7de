/* test-toxic-spec.c — relay faults' one-line text form: what reads, what
 * is refused and why, and that what is written reads back the same
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <gio/gio.h>
#include <string.h>

#include "ss-toxic-spec.h"

static void
assert_parses (const char  *text,
               SsToxicKind  kind,
               gint64       p0,
               gint64       p1,
               gint64       p2,
               double       toxicity,
               const char  *canonical)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  SsToxicSpec spec, again;

  g_test_message ("fault “%s”", text);
  g_assert_true (ss_toxic_spec_parse (text, &spec, &error));
  g_assert_no_error (error);
  g_assert_cmpint (spec.kind, ==, kind);
  g_assert_cmpint (spec.params[0], ==, p0);
  g_assert_cmpint (spec.params[1], ==, p1);
  g_assert_cmpint (spec.params[2], ==, p2);
  g_assert_cmpfloat (spec.toxicity, ==, toxicity);

  written = ss_toxic_spec_to_string (&spec);
  g_assert_cmpstr (written, ==, canonical);
  g_assert_true (ss_toxic_spec_parse (written, &again, &error));
  g_assert_true (ss_toxic_spec_equal (&spec, &again));
}

static void
assert_refused (const char *text,
                const char *needle1,
                const char *needle2)
{
  g_autoptr(GError) error = NULL;
  SsToxicSpec spec;

  memset (&spec, 0xaa, sizeof spec);
  g_test_message ("fault “%s”", text);
  g_assert_false (ss_toxic_spec_parse (text, &spec, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (strstr (error->message, needle1) == NULL)
    g_error ("“%s” is not in the message “%s”", needle1, error->message);
  if (needle2 != NULL && strstr (error->message, needle2) == NULL)
    g_error ("“%s” is not in the message “%s”", needle2, error->message);
  /* not written on failure */
  g_assert_cmpint (spec.kind, ==, (SsToxicKind) 0xaaaaaaaa);
}

static void
test_each_kind (void)
{
  assert_parses ("latency 250 jitter 50 toxicity 0.5", SS_TOXIC_LATENCY, 250, 50, 0, 0.5,
                 "latency 250 jitter 50 toxicity 0.5");
  assert_parses ("latency 250", SS_TOXIC_LATENCY, 250, 0, 0, 1.0, "latency 250");
  assert_parses ("latency latency 10 jitter 0", SS_TOXIC_LATENCY, 10, 0, 0, 1.0, "latency 10");
  assert_parses ("bandwidth 100", SS_TOXIC_BANDWIDTH, 100, 0, 0, 1.0, "bandwidth 100");
  assert_parses ("bandwidth rate 7", SS_TOXIC_BANDWIDTH, 7, 0, 0, 1.0, "bandwidth 7");
  assert_parses ("slicer 64 size_variation 16 delay 500", SS_TOXIC_SLICER, 64, 16, 500, 1.0,
                 "slicer 64 size_variation 16 delay 500");
  assert_parses ("slicer average_size 1 delay 10", SS_TOXIC_SLICER, 1, 0, 10, 1.0,
                 "slicer 1 delay 10");
  assert_parses ("limit_data 10000", SS_TOXIC_LIMIT_DATA, 10000, 0, 0, 1.0, "limit_data 10000");
  assert_parses ("limit-data bytes 0", SS_TOXIC_LIMIT_DATA, 0, 0, 0, 1.0, "limit_data 0");
  assert_parses ("timeout 0", SS_TOXIC_TIMEOUT, 0, 0, 0, 1.0, "timeout 0");
  assert_parses ("timeout timeout 5000 toxicity 0", SS_TOXIC_TIMEOUT, 5000, 0, 0, 0.0,
                 "timeout 5000 toxicity 0");
  assert_parses ("reset_peer 250", SS_TOXIC_RESET_PEER, 250, 0, 0, 1.0, "reset_peer 250");
  assert_parses ("slow_close delay 1000", SS_TOXIC_SLOW_CLOSE, 1000, 0, 0, 1.0, "slow_close 1000");
}

static void
test_spelling (void)
{
  /* spaces, tabs, case, and a toxicity as a percentage */
  assert_parses ("  LATENCY\t250   Jitter 5  ", SS_TOXIC_LATENCY, 250, 5, 0, 1.0, "latency 250 jitter 5");
  assert_parses ("latency 1 toxicity 25%", SS_TOXIC_LATENCY, 1, 0, 0, 0.25, "latency 1 toxicity 0.25");
  assert_parses ("latency 1 toxicity .1", SS_TOXIC_LATENCY, 1, 0, 0, 0.1, "latency 1 toxicity 0.1");
  assert_parses ("latency 1 toxicity 100%", SS_TOXIC_LATENCY, 1, 0, 0, 1.0, "latency 1");
  assert_parses ("latency 1 toxicity 0.333333333333333314829616256247",
                 SS_TOXIC_LATENCY, 1, 0, 0, 1.0 / 3.0, "latency 1 toxicity 0.3333333333333333");
  /* the bare value then the same setting by name is twice */
  assert_refused ("latency 250 latency 300", "latency is given twice", NULL);
}

static void
test_refused (void)
{
  assert_refused ("", "empty", "latency, bandwidth, slicer");
  assert_refused ("   ", "empty", NULL);
  assert_refused ("lag 250", "“lag” is not a fault", "reset_peer, slow_close");
  assert_refused ("latency", "latency needs its latency", "latency 100");
  assert_refused ("limit_data toxicity 0.5", "limit_data needs its bytes", NULL);
  assert_refused ("latency 250 wobble 3", "“wobble” is not a setting of latency",
                  "latency, jitter, toxicity");
  assert_refused ("latency 250 jitter", "jitter needs a value", NULL);
  assert_refused ("latency 250 toxicity", "toxicity needs a value", NULL);
  assert_refused ("latency 250 jitter 1 jitter 2", "jitter is given twice", NULL);
  assert_refused ("latency 1 toxicity 1 toxicity 1", "toxicity is given twice", NULL);
  assert_refused ("latency -5", "“-5” is not a setting of latency", NULL);
  assert_refused ("latency 250 jitter -5", "“-5” is not a whole number for jitter", NULL);
  assert_refused ("latency 2.5", "“2.5” is not a whole number for latency", NULL);
  assert_refused ("latency 99999999999999999999", "not a whole number", NULL);
  assert_refused ("latency 86400001", "latency of latency must be from 0 to", NULL);
  assert_refused ("bandwidth 0", "rate of bandwidth must be from 1 to", NULL);
  assert_refused ("slicer 0", "average_size of slicer must be from 1", NULL);
  assert_refused ("latency 1 toxicity 1.5", "“1.5” is not a toxicity", NULL);
  assert_refused ("latency 1 toxicity -0.5", "“-0.5” is not a toxicity", NULL);
  assert_refused ("latency 1 toxicity 101%", "not a toxicity", NULL);
  assert_refused ("latency 1 toxicity nan", "not a toxicity", NULL);
  assert_refused ("latency 1 toxicity 0x1p-1", "not a toxicity", NULL);
  assert_refused ("latency 1 toxicity %", "not a toxicity", NULL);
  assert_refused ("timeout 5000 delay 3", "“delay” is not a setting of timeout", NULL);
}

static void
test_defaults (void)
{
  for (SsToxicKind kind = 0; kind < SS_N_TOXIC_KINDS; kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *description = NULL;
      SsToxicSpec spec, again;

      ss_toxic_spec_init_default (&spec, kind);
      g_assert_true (ss_toxic_spec_check (&spec, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (spec.toxicity, ==, 1.0);
      text = ss_toxic_spec_to_string (&spec);
      g_assert_true (g_str_has_prefix (text, ss_toxic_kind_name (kind)));
      g_assert_true (ss_toxic_spec_parse (text, &again, &error));
      g_assert_true (ss_toxic_spec_equal (&spec, &again));

      description = ss_toxic_spec_describe (&spec);
      g_assert_cmpstr (description, !=, "");
      g_assert_cmpstr (ss_toxic_kind_title (kind), !=, "");
      g_assert_cmpstr (ss_toxic_kind_explanation (kind), !=, "");
      g_assert_cmpuint (ss_toxic_kind_n_params (kind), >=, 1);
      for (guint i = 0; i < ss_toxic_kind_n_params (kind); i++)
        {
          g_assert_nonnull (ss_toxic_param_name (kind, i));
          g_assert_nonnull (ss_toxic_param_title (kind, i));
          g_assert_cmpint (ss_toxic_param_min (kind, i), <=, spec.params[i]);
          g_assert_cmpint (ss_toxic_param_max (kind, i), >=, spec.params[i]);
        }
    }
}

static void
test_describe (void)
{
  SsToxicSpec spec;
  g_autofree char *latency = NULL;
  g_autofree char *share = NULL;

  g_assert_true (ss_toxic_spec_parse ("latency 250 jitter 50", &spec, NULL));
  latency = ss_toxic_spec_describe (&spec);
  g_assert_cmpstr (latency, ==, "Latency 250 ms ± 50 ms");

  g_assert_true (ss_toxic_spec_parse ("timeout 0 toxicity 0.25", &spec, NULL));
  share = ss_toxic_spec_describe (&spec);
  g_assert_cmpstr (share, ==, "Pass nothing, never close, for 25% of pairs");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/toxic-spec/each-kind", test_each_kind);
  g_test_add_func ("/toxic-spec/spelling", test_spelling);
  g_test_add_func ("/toxic-spec/refused", test_refused);
  g_test_add_func ("/toxic-spec/defaults", test_defaults);
  g_test_add_func ("/toxic-spec/describe", test_describe);

  return g_test_run ();
}
