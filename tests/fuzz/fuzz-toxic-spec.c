/* fuzz-toxic-spec.c — libFuzzer target: relay faults' text form (ss_toxic_spec_parse)
 *
 * What is checked besides crashes and sanitizer reports: a fault is either
 * parsed or refused with an error, an error's message is valid UTF-8
 * whenever the text is, a parsed fault is valid and written back parses
 * to the same fault, and a chain made of it runs a few steps, changed
 * live halfway.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>

#include <gio/gio.h>

#include "ss-toxic-chain.h"
#include "ss-toxic-spec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *again_text = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(SsToxicChain) chain = NULL;
  SsToxicSpec spec, again;
  SsToxicAction action;
  gint64 now = 0;

  if (!ss_toxic_spec_parse (text, &spec, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == G_IO_ERROR);
      if (g_utf8_validate (text, -1, NULL))
        g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert_no_error (error);
  g_assert_true (ss_toxic_spec_check (&spec, NULL));
  again_text = ss_toxic_spec_to_string (&spec);
  g_assert_true (ss_toxic_spec_parse (again_text, &again, &error));
  g_assert_no_error (error);
  g_assert_true (ss_toxic_spec_equal (&spec, &again));
  description = ss_toxic_spec_describe (&spec);
  g_assert_true (g_utf8_validate (description, -1, NULL));

  /* the fault on the text itself, followed a bounded number of steps:
   * what comes out is never more than went in */
  rand = g_rand_new_with_seed (size);
  chain = ss_toxic_chain_new (&spec, 1, rand);
  ss_toxic_chain_push (chain, now, data, size);
  ss_toxic_chain_close (chain, now);
  for (int i = 0; i < 64 && ss_toxic_chain_next (chain, now, &action); i++)
    {
      /* halfway, the fault changed live: nothing held may be lost */
      if (i == 32)
        ss_toxic_chain_update (chain, &spec, 1, rand);
      if (action.kind == SS_TOXIC_ACTION_WAIT)
        now = action.until_us;
      else if (action.kind == SS_TOXIC_ACTION_WRITE)
        g_assert_cmpuint (g_bytes_get_size (action.bytes), <=, size);
      ss_toxic_action_clear (&action);
    }
  g_assert_cmpuint (ss_toxic_chain_get_pending (chain), <=, size);
  return 0;
}
