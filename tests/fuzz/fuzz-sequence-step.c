/* fuzz-sequence-step.c — libFuzzer target: a send sequence's step text
 * form (ss_step_parse)
 *
 * What is checked besides crashes and sanitizer reports: a step is parsed
 * or refused with a UTF-8 message; a parsed step passes ss_step_check(),
 * and written back it parses to an equal step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>
#include <string.h>

#include <gio/gio.h>

#include "ss-sequence.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsStep) step = ss_step_parse (text, &error);
  g_autoptr(SsStep) again = NULL;
  g_autofree char *written = NULL;
  g_autofree char *description = NULL;

  if (step == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_true (ss_step_check (step, NULL));
  written = ss_step_to_string (step);
  again = ss_step_parse (written, &error);
  g_assert_no_error (error);
  g_assert_true (ss_step_equal (step, again));
  description = ss_step_dup_description (step);
  g_assert_true (g_utf8_validate (description, -1, NULL));
  return 0;
}
