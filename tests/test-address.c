/* test-address.c — addresses typed by a person: split, parsed, shown back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ss-address.h"
#include "ss-test-util.h"

static void
assert_split (const char *text,
              const char *expected_host,
              guint16     expected_port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  guint16 port = 1234;

  g_test_message ("split “%s”", text);
  g_assert_true (ss_address_split (text, &host, &port, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (host, ==, expected_host);
  g_assert_cmpuint (port, ==, expected_port);
}

/* The message must name what is wrong: every @needle is in it. */
static void
assert_message_has (const GError *error,
                    const char   *needle1,
                    const char   *needle2)
{
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (strstr (error->message, needle1) == NULL)
    g_error ("“%s” is not in the message “%s”", needle1, error->message);
  if (needle2 != NULL && strstr (error->message, needle2) == NULL)
    g_error ("“%s” is not in the message “%s”", needle2, error->message);
}

static void
assert_split_error (const char *text,
                    const char *needle1,
                    const char *needle2)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;

  g_test_message ("split “%s”", text);
  g_assert_false (ss_address_split (text, &host, &port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (host);
  assert_message_has (error, needle1, needle2);
}

static void
assert_parse (const char *text,
              int         family,
              const char *default_host,
              int         expected_family,
              const char *expected_string,
              const char *expected_python)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;
  g_autofree char *string = NULL;
  g_autofree char *python = NULL;

  g_test_message ("parse “%s”", text);
  address = ss_address_parse_numeric (text, family, default_host, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_assert_cmpint (ss_address_get_family (address), ==, expected_family);

  string = ss_address_to_string (address);
  python = ss_address_to_python (address);
  g_assert_cmpstr (string, ==, expected_string);
  g_assert_cmpstr (python, ==, expected_python);
}

static void
assert_parse_error (const char *text,
                    int         family,
                    int         code,
                    const char *needle1,
                    const char *needle2)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;

  g_test_message ("parse “%s”", text);
  address = ss_address_parse_numeric (text, family, NULL, &error);
  g_assert_null (address);
  g_assert_error (error, G_IO_ERROR, code);
  assert_message_has (error, needle1, needle2);
}

static void
test_split_good (void)
{
  assert_split ("127.0.0.1:8000", "127.0.0.1", 8000);
  assert_split ("localhost:80", "localhost", 80);
  assert_split ("[::1]:8000", "::1", 8000);
  assert_split ("[fe80::1%lo]:443", "fe80::1%lo", 443);
  assert_split (":8000", NULL, 8000);
  assert_split ("8000", NULL, 8000);
  assert_split ("0", NULL, 0);
  assert_split ("65535", NULL, 65535);
  assert_split ("  127.0.0.1:9  ", "127.0.0.1", 9);
  assert_split ("host.example:0", "host.example", 0);
}

static void
test_split_errors (void)
{
  assert_split_error ("", "empty", NULL);
  assert_split_error ("   ", "empty", NULL);
  assert_split_error ("127.0.0.1", "port is missing", NULL);
  assert_split_error ("localhost", "port is missing", NULL);
  assert_split_error ("127.0.0.1:", "port is missing", NULL);
  assert_split_error ("127.0.0.1:65536", "65536", "out of range");
  assert_split_error ("65536", "65536", "out of range");
  assert_split_error ("127.0.0.1:abc", "“abc”", "not a port number");
  assert_split_error ("127.0.0.1:-1", "“-1”", "not a port number");
  assert_split_error ("127.0.0.1:80x", "“80x”", "not a port number");
  assert_split_error ("[::1:8000", "[::1:8000", "closing “]”");
  assert_split_error ("[::1]", "port is missing", "[::1]");
  assert_split_error ("[::1]8000", "port is missing", "[::1]");
  assert_split_error ("[::1]:", "port is missing", NULL);
  assert_split_error ("[::1]:99999", "99999", "out of range");
  assert_split_error ("::1:8000", "brackets", "[::1:8000]");
  assert_split_error ("fe80::1", "brackets", "fe80::1");
}

static void
test_parse_inet (void)
{
  assert_parse ("127.0.0.1:8000", AF_INET, NULL, AF_INET,
                "127.0.0.1:8000", "('127.0.0.1', 8000)");
  assert_parse ("127.0.0.1:8000", AF_UNSPEC, NULL, AF_INET,
                "127.0.0.1:8000", "('127.0.0.1', 8000)");
  assert_parse ("[::1]:8000", AF_INET6, NULL, AF_INET6,
                "[::1]:8000", "('::1', 8000, 0, 0)");
  assert_parse ("[::1]:8000", AF_UNSPEC, NULL, AF_INET6,
                "[::1]:8000", "('::1', 8000, 0, 0)");
  assert_parse ("[::ffff:127.0.0.1]:80", AF_INET6, NULL, AF_INET6,
                "[::ffff:127.0.0.1]:80", "('::ffff:127.0.0.1', 80, 0, 0)");
  /* Only a port: every interface of the family, or the default host. */
  assert_parse (":8000", AF_INET, NULL, AF_INET, "0.0.0.0:8000", "('0.0.0.0', 8000)");
  assert_parse ("8000", AF_INET, NULL, AF_INET, "0.0.0.0:8000", "('0.0.0.0', 8000)");
  assert_parse (":8000", AF_INET6, NULL, AF_INET6, "[::]:8000", "('::', 8000, 0, 0)");
  assert_parse ("8000", AF_UNSPEC, "127.0.0.1", AF_INET,
                "127.0.0.1:8000", "('127.0.0.1', 8000)");
  assert_parse ("8000", AF_INET6, "::1", AF_INET6, "[::1]:8000", "('::1', 8000, 0, 0)");
  assert_parse ("0", AF_INET, "127.0.0.1", AF_INET, "127.0.0.1:0", "('127.0.0.1', 0)");
}

static void
test_parse_port_and_bytes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) v4 = NULL;
  g_autoptr(SsAddress) v6 = NULL;
  const struct sockaddr_in *sin;
  const struct sockaddr_in6 *sin6;

  v4 = ss_address_parse_numeric ("10.1.2.3:65535", AF_INET, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ss_address_get_port (v4), ==, 65535);
  g_assert_cmpuint (v4->len, ==, sizeof (struct sockaddr_in));
  sin = (const struct sockaddr_in *) &v4->storage;
  g_assert_cmpuint (ntohl (sin->sin_addr.s_addr), ==, 0x0a010203);
  g_assert_cmpuint (ntohs (sin->sin_port), ==, 65535);

  v6 = ss_address_parse_numeric ("[2001:db8::7]:1", AF_INET6, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ss_address_get_port (v6), ==, 1);
  g_assert_cmpuint (v6->len, ==, sizeof (struct sockaddr_in6));
  sin6 = (const struct sockaddr_in6 *) &v6->storage;
  g_assert_cmpuint (sin6->sin6_addr.s6_addr[0], ==, 0x20);
  g_assert_cmpuint (sin6->sin6_addr.s6_addr[15], ==, 0x07);
}

static void
test_parse_errors (void)
{
  /* the splitter's errors come through */
  assert_parse_error ("", AF_INET, G_IO_ERROR_INVALID_ARGUMENT, "empty", NULL);
  assert_parse_error ("127.0.0.1", AF_INET, G_IO_ERROR_INVALID_ARGUMENT, "port is missing", NULL);
  assert_parse_error ("127.0.0.1:65536", AF_INET, G_IO_ERROR_INVALID_ARGUMENT, "65536", "out of range");
  assert_parse_error ("127.0.0.1:abc", AF_INET, G_IO_ERROR_INVALID_ARGUMENT, "“abc”", NULL);
  assert_parse_error ("[::1:80", AF_INET6, G_IO_ERROR_INVALID_ARGUMENT, "closing “]”", NULL);
  assert_parse_error ("::1:80", AF_INET6, G_IO_ERROR_INVALID_ARGUMENT, "brackets", NULL);

  /* the address does not fit the socket */
  assert_parse_error ("[::1]:80", AF_INET, G_IO_ERROR_INVALID_ARGUMENT,
                      "::1 is an IPv6 address", "AF_INET)");
  assert_parse_error ("127.0.0.1:80", AF_INET6, G_IO_ERROR_INVALID_ARGUMENT,
                      "127.0.0.1 is an IPv4 address", "[::ffff:127.0.0.1]");

  /* names need a look-up: NOT_FOUND tells ss_address_resolve_async() */
  assert_parse_error ("localhost:80", AF_INET, G_IO_ERROR_NOT_FOUND, "“localhost”", "not a numeric");
  assert_parse_error ("[nonsense]:80", AF_INET6, G_IO_ERROR_NOT_FOUND, "“nonsense”", NULL);
  assert_parse_error ("999.1.1.1:80", AF_INET, G_IO_ERROR_NOT_FOUND, "999.1.1.1", NULL);

  /* a family Sockscope cannot write addresses for */
  assert_parse_error ("1:2", AF_IPX, G_IO_ERROR_NOT_SUPPORTED, "AF_IPX", NULL);
}

static void
test_unix_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;
  g_autofree char *string = NULL;
  g_autofree char *python = NULL;
  const struct sockaddr_un *sun;

  address = ss_address_parse_numeric ("/tmp/sockscope.sock", AF_UNIX, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ss_address_get_family (address), ==, AF_UNIX);
  g_assert_cmpuint (ss_address_get_port (address), ==, 0);
  /* a path's length includes its terminating NUL, as bind(2) takes it */
  g_assert_cmpuint (address->len, ==, offsetof (struct sockaddr_un, sun_path) + strlen ("/tmp/sockscope.sock") + 1);
  sun = (const struct sockaddr_un *) &address->storage;
  g_assert_cmpstr (sun->sun_path, ==, "/tmp/sockscope.sock");

  string = ss_address_to_string (address);
  python = ss_address_to_python (address);
  g_assert_cmpstr (string, ==, "/tmp/sockscope.sock");
  g_assert_cmpstr (python, ==, "'/tmp/sockscope.sock'");
}

static void
test_unix_abstract (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;
  g_autofree char *string = NULL;
  const struct sockaddr_un *sun;

  address = ss_address_parse_numeric ("@sockscope-test", AF_UNIX, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ss_address_get_family (address), ==, AF_UNIX);
  /* abstract: a leading NUL, and exactly as long as the name, no NUL after */
  g_assert_cmpuint (address->len, ==, offsetof (struct sockaddr_un, sun_path) + strlen ("@sockscope-test"));
  sun = (const struct sockaddr_un *) &address->storage;
  g_assert_cmpint (sun->sun_path[0], ==, '\0');
  g_assert_cmpmem (sun->sun_path + 1, strlen ("sockscope-test"), "sockscope-test", strlen ("sockscope-test"));

  string = ss_address_to_string (address);
  g_assert_cmpstr (string, ==, "@sockscope-test");
}

static void
test_unix_unnamed (void)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  g_autoptr(SsAddress) address = NULL;
  g_autofree char *string = NULL;
  g_autofree char *python = NULL;

  /* what getsockname() gives for a socketpair end */
  address = ss_address_new ((struct sockaddr *) &sun, offsetof (struct sockaddr_un, sun_path));
  string = ss_address_to_string (address);
  python = ss_address_to_python (address);
  g_assert_cmpstr (string, ==, "");
  g_assert_cmpstr (python, ==, "''");
}

static void
test_unix_errors (void)
{
  g_autofree char *longest = g_strnfill (sizeof ((struct sockaddr_un *) NULL)->sun_path - 1, 'a');
  g_autofree char *too_long = g_strnfill (sizeof ((struct sockaddr_un *) NULL)->sun_path, 'a');
  g_autofree char *size = g_strdup_printf ("%u bytes", (guint) strlen (too_long));
  g_autoptr(SsAddress) ok = NULL;
  g_autoptr(GError) error = NULL;

  assert_parse_error ("", AF_UNIX, G_IO_ERROR_INVALID_ARGUMENT, "path is empty", NULL);
  assert_parse_error (too_long, AF_UNIX, G_IO_ERROR_INVALID_ARGUMENT, size, "at most 107");

  ok = ss_address_parse_numeric (longest, AF_UNIX, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
}

static void
test_copy_and_boxed (void)
{
  g_autoptr(SsAddress) address = ss_address_parse_numeric ("[::1]:7", AF_INET6, NULL, NULL);
  g_autoptr(SsAddress) copy = NULL;
  g_autoptr(SsAddress) boxed = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_nonnull (address);
  copy = ss_address_copy (address);
  g_assert_true (copy != address);
  g_assert_cmpmem (copy, sizeof *copy, address, sizeof *address);

  g_assert_true (G_TYPE_IS_BOXED (SS_TYPE_ADDRESS));
  boxed = g_boxed_copy (SS_TYPE_ADDRESS, address);
  a = ss_address_to_string (address);
  b = ss_address_to_string (boxed);
  g_assert_cmpstr (a, ==, b);
}

static void
test_other_family_to_string (void)
{
  struct sockaddr sa = { .sa_family = AF_IPX };
  g_autoptr(SsAddress) address = ss_address_new (&sa, sizeof sa);
  g_autofree char *string = ss_address_to_string (address);
  g_autofree char *python = ss_address_to_python (address);

  g_assert_cmpstr (string, ==, "AF_IPX");
  g_assert_cmpstr (python, ==, "'AF_IPX'");
  g_assert_cmpuint (ss_address_get_port (address), ==, 0);
}

static SsAddress *
resolve (const char *text,
         int         family,
         const char *default_host,
         guint       timeout_ms,
         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ss_address_resolve_async (text, family, default_host, NULL, ss_test_store_result_cb, &result);
  /* a look-up never completes inside the call: the loop must run */
  g_assert_null (result);
  ss_test_wait_result (&result, timeout_ms);
  return ss_address_resolve_finish (result, error);
}

static void
test_resolve_numeric (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;
  g_autofree char *string = NULL;

  address = resolve ("8000", AF_INET6, "::1", SS_TEST_TIMEOUT_MS, &error);
  g_assert_no_error (error);
  string = ss_address_to_string (address);
  g_assert_cmpstr (string, ==, "[::1]:8000");
}

static void
test_resolve_parse_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;

  /* a typing mistake is reported as such, without a look-up */
  address = resolve ("localhost:http", AF_INET, NULL, SS_TEST_TIMEOUT_MS, &error);
  g_assert_null (address);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  assert_message_has (error, "“http”", NULL);
}

static void
test_resolve_localhost (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;
  g_autofree char *string = NULL;

  address = resolve ("localhost:80", AF_INET, NULL, SS_TEST_TIMEOUT_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ss_address_get_family (address), ==, AF_INET);
  string = ss_address_to_string (address);
  g_assert_cmpstr (string, ==, "127.0.0.1:80");
}

static void
test_resolve_not_found (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;

  /* .invalid never resolves (RFC 6761); without a network it fails fast */
  address = resolve ("no-such-host.invalid:80", AF_INET, NULL, SS_TEST_TIMEOUT_MS, &error);
  g_assert_null (address);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  assert_message_has (error, "no-such-host.invalid", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/address/split/good", test_split_good);
  g_test_add_func ("/address/split/errors", test_split_errors);
  g_test_add_func ("/address/parse/inet", test_parse_inet);
  g_test_add_func ("/address/parse/port-and-bytes", test_parse_port_and_bytes);
  g_test_add_func ("/address/parse/errors", test_parse_errors);
  g_test_add_func ("/address/unix/path", test_unix_path);
  g_test_add_func ("/address/unix/abstract", test_unix_abstract);
  g_test_add_func ("/address/unix/unnamed", test_unix_unnamed);
  g_test_add_func ("/address/unix/errors", test_unix_errors);
  g_test_add_func ("/address/copy-and-boxed", test_copy_and_boxed);
  g_test_add_func ("/address/other-family", test_other_family_to_string);
  g_test_add_func ("/address/resolve/numeric", test_resolve_numeric);
  g_test_add_func ("/address/resolve/parse-error", test_resolve_parse_error);
  g_test_add_func ("/address/resolve/localhost", test_resolve_localhost);
  g_test_add_func ("/address/resolve/not-found", test_resolve_not_found);

  return g_test_run ();
}
