/* fuzz-address.c — libFuzzer target: the address parser, as a person's
 * typing reaches it (ss_address_parse_numeric, ss_address_split)
 *
 * The first byte picks the socket's family and the default host; the rest
 * is the text. What is checked besides crashes and sanitizer reports: an
 * answer is either an address or an error, an error's message is valid
 * UTF-8 whenever the text is, and an address written back as text parses
 * to the same address.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-fuzz"

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "ss-address.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (const GError *error,
             gboolean      text_is_utf8)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  if (text_is_utf8)
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
check_round_trip (const SsAddress *address,
                  int              family)
{
  g_autofree char *text = ss_address_to_string (address);
  g_autofree char *python = ss_address_to_python (address);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) again = NULL;

  g_assert_nonnull (python);
  again = ss_address_parse_numeric (text, family, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, address->len);
  g_assert_cmpmem (&again->storage, again->len, &address->storage, address->len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const int families[] = { AF_INET, AF_INET6, AF_UNSPEC, AF_UNIX };
  static const char *const default_hosts[] = { NULL, "127.0.0.1", "::1", "" };
  g_autofree char *text = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;
  gboolean utf8;
  guint16 port = 0;
  int family;

  if (size < 1)
    return 0;

  /* the core takes C strings: the text ends at the first NUL */
  family = families[data[0] & 3];
  text = g_strndup ((const char *) data + 1, size - 1);
  utf8 = g_utf8_validate (text, -1, NULL);

  address = ss_address_parse_numeric (text, family, default_hosts[(data[0] >> 2) & 3], &error);
  if (address == NULL)
    check_error (error, utf8);
  else
    {
      g_assert_no_error (error);
      if (family != AF_UNSPEC)
        g_assert_cmpint (ss_address_get_family (address), ==, family);
      check_round_trip (address, ss_address_get_family (address));
    }
  g_clear_error (&error);

  if (ss_address_split (text, &host, &port, &error))
    g_assert_no_error (error);
  else
    {
      g_assert_null (host);
      check_error (error, utf8);
    }
  return 0;
}
