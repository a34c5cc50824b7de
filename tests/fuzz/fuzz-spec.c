/* fuzz-spec.c — libFuzzer target: command-line socket specs (ss_spec_parse)
 *
 * What is checked besides crashes and sanitizer reports: a spec is either
 * parsed or refused with an error, an error's message is valid UTF-8
 * whenever the text is, and a parsed spec written back parses to the same
 * spec.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "ss-spec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSpec) spec = ss_spec_parse (text, &error);
  g_autofree char *again_text = NULL;
  g_autoptr(SsSpec) again = NULL;
  int type;

  if (spec == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == G_IO_ERROR);
      if (g_utf8_validate (text, -1, NULL))
        g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert_no_error (error);
  g_assert_nonnull (spec->address);
  type = ss_spec_socket_type (spec);
  g_assert_true (type == SOCK_STREAM || type == SOCK_DGRAM);
  (void) ss_spec_is_listen (spec);
  (void) ss_spec_is_unix (spec);

  again_text = ss_spec_to_string (spec);
  again = ss_spec_parse (again_text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->kind, ==, spec->kind);
  g_assert_cmpstr (again->address, ==, spec->address);
  return 0;
}
