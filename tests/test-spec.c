/* test-spec.c — the command line's socket specs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <gio/gio.h>
#include <string.h>

#include "ss-spec.h"

static void
assert_spec (const char *text,
             SsSpecKind  kind,
             const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSpec) spec = NULL;

  g_test_message ("spec “%s”", text);
  spec = ss_spec_parse (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (spec);
  g_assert_cmpint (spec->kind, ==, kind);
  g_assert_cmpstr (spec->address, ==, address);
}

static void
assert_spec_error (const char *text,
                   const char *needle1,
                   const char *needle2)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSpec) spec = NULL;

  g_test_message ("spec “%s”", text);
  spec = ss_spec_parse (text, &error);
  g_assert_null (spec);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (strstr (error->message, needle1) == NULL)
    g_error ("“%s” is not in the message “%s”", needle1, error->message);
  if (needle2 != NULL && strstr (error->message, needle2) == NULL)
    g_error ("“%s” is not in the message “%s”", needle2, error->message);
}

static void
test_listen (void)
{
  assert_spec ("tcp-listen:8000", SS_SPEC_TCP_LISTEN, "8000");
  assert_spec ("tcp-listen:0", SS_SPEC_TCP_LISTEN, "0");
  assert_spec ("tcp-listen::8000", SS_SPEC_TCP_LISTEN, ":8000");
  assert_spec ("tcp-listen:127.0.0.1:0", SS_SPEC_TCP_LISTEN, "127.0.0.1:0");
  assert_spec ("tcp-listen:[::1]:9000", SS_SPEC_TCP_LISTEN, "[::1]:9000");
  assert_spec ("tcp-listen:localhost:8000", SS_SPEC_TCP_LISTEN, "localhost:8000");
  assert_spec ("TCP-LISTEN:8000", SS_SPEC_TCP_LISTEN, "8000");
}

static void
test_connect (void)
{
  assert_spec ("tcp:localhost:80", SS_SPEC_TCP_CONNECT, "localhost:80");
  assert_spec ("tcp:127.0.0.1:8000", SS_SPEC_TCP_CONNECT, "127.0.0.1:8000");
  assert_spec ("tcp:[::1]:8000", SS_SPEC_TCP_CONNECT, "[::1]:8000");
  assert_spec ("TCP:example.invalid:65535", SS_SPEC_TCP_CONNECT, "example.invalid:65535");
}

/* TLS is TCP with a flag: it prints back as typed */
static void
test_tls (void)
{
  const char *texts[] = { "tls:localhost:443", "tls-listen:8443", "tls-listen:[::1]:8443" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(SsSpec) spec = ss_spec_parse (texts[i], NULL);
      g_autofree char *back = NULL;

      g_assert_nonnull (spec);
      g_assert_true (spec->tls);
      g_assert_cmpint (spec->kind, ==, i == 0 ? SS_SPEC_TCP_CONNECT : SS_SPEC_TCP_LISTEN);
      back = ss_spec_to_string (spec);
      g_assert_cmpstr (back, ==, texts[i]);
    }
  assert_spec_error ("tls:8443", "a connect needs a host", NULL);
  assert_spec_error ("tls:localhost:0", "port 0 cannot be connected to", NULL);
}

static void
test_datagram_and_unix (void)
{
  g_autoptr(SsSpec) udp = NULL;
  g_autoptr(SsSpec) unix_listen = NULL;
  g_autofree char *text = NULL;

  assert_spec ("udp-listen:9000", SS_SPEC_UDP_LISTEN, "9000");
  assert_spec ("udp:127.0.0.1:53", SS_SPEC_UDP_CONNECT, "127.0.0.1:53");
  assert_spec ("unix-listen:/tmp/x.sock", SS_SPEC_UNIX_LISTEN, "/tmp/x.sock");
  assert_spec ("unix:@abstract-name", SS_SPEC_UNIX_CONNECT, "@abstract-name");

  udp = ss_spec_parse ("udp-listen:[::1]:0", NULL);
  g_assert_true (ss_spec_is_listen (udp));
  g_assert_false (ss_spec_is_unix (udp));
  g_assert_cmpint (ss_spec_socket_type (udp), ==, 2 /* SOCK_DGRAM */);

  unix_listen = ss_spec_parse ("unix-listen:@x", NULL);
  g_assert_true (ss_spec_is_unix (unix_listen));
  g_assert_cmpint (ss_spec_socket_type (unix_listen), ==, 1 /* SOCK_STREAM */);
  text = ss_spec_to_string (unix_listen);
  g_assert_cmpstr (text, ==, "unix-listen:@x");

  assert_spec_error ("unix:", "unix:", "path is missing");
  assert_spec_error ("unix-listen:@", "path is missing", NULL);
  {
    g_autofree char *long_path = g_strnfill (200, 'a');
    g_autofree char *spec = g_strconcat ("unix:/", long_path, NULL);
    assert_spec_error (spec, "too long", "107");
  }
  assert_spec_error ("udp:9000", "needs a host", NULL);
  assert_spec_error ("udp-listen:99999", "out of range", NULL);
}

static void
test_bad_kind (void)
{
  assert_spec_error ("garbage", "“garbage”", "not a socket spec");
  assert_spec_error ("", "not a socket spec", NULL);
  assert_spec_error ("sctp:127.0.0.1:53", "“sctp”", "sctp:127.0.0.1:53");
  assert_spec_error ("tcp-connect:127.0.0.1:80", "“tcp-connect”", NULL);
  assert_spec_error ("tcplisten:80", "“tcplisten”", NULL);
  assert_spec_error (":80", "“”", NULL);
}

static void
test_bad_address (void)
{
  /* every address error is prefixed with the whole spec */
  assert_spec_error ("tcp-listen:", "tcp-listen:: ", "empty");
  assert_spec_error ("tcp-listen:localhost", "tcp-listen:localhost: ", "port is missing");
  assert_spec_error ("tcp:localhost", "tcp:localhost: ", "port is missing");
  assert_spec_error ("tcp:127.0.0.1:", "port is missing", NULL);
  assert_spec_error ("tcp-listen:70000", "70000", "out of range");
  assert_spec_error ("tcp:127.0.0.1:65536", "65536", "out of range");
  assert_spec_error ("tcp:127.0.0.1:http", "“http”", "not a port number");
  assert_spec_error ("tcp:[::1:80", "closing “]”", NULL);
  assert_spec_error ("tcp:::1:80", "brackets", NULL);
}

static void
test_bad_connect (void)
{
  assert_spec_error ("tcp:8000", "tcp:8000", "needs a host");
  assert_spec_error ("tcp::8000", "tcp::8000", "needs a host");
  assert_spec_error ("tcp:127.0.0.1:0", "tcp:127.0.0.1:0", "port 0");
  assert_spec_error ("tcp:localhost:0", "port 0", NULL);
}

static void
assert_relay (const char *text,
              SsSpecKind  kind,
              const char *address,
              const char *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSpec) spec = NULL;
  g_autoptr(SsSpec) again = NULL;
  g_autofree char *round = NULL;

  g_test_message ("spec “%s”", text);
  spec = ss_spec_parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (spec->kind, ==, kind);
  g_assert_true (ss_spec_is_relay (spec));
  g_assert_true (ss_spec_is_listen (spec));
  g_assert_cmpint (ss_spec_socket_type (spec), ==, kind == SS_SPEC_UDP_RELAY ? 2 /* SOCK_DGRAM */
                                                                            : 1 /* SOCK_STREAM */);
  g_assert_cmpstr (spec->address, ==, address);
  g_assert_cmpstr (spec->target, ==, target);
  /* shown as typed, and read back the same */
  round = ss_spec_to_string (spec);
  again = ss_spec_parse (round, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->address, ==, address);
  g_assert_cmpstr (again->target, ==, target);
}

static void
test_relay (void)
{
  /* ssh -L's syntax: BIND defaults to loopback */
  assert_relay ("tcp-relay:9000:127.0.0.1:5432", SS_SPEC_TCP_RELAY, "127.0.0.1:9000", "127.0.0.1:5432");
  assert_relay ("tcp-relay:0.0.0.0:9000:db.example:5432", SS_SPEC_TCP_RELAY, "0.0.0.0:9000", "db.example:5432");
  assert_relay ("tcp-relay:[::1]:9000:[::1]:22", SS_SPEC_TCP_RELAY, "[::1]:9000", "[::1]:22");
  assert_relay ("tcp-relay::9000:localhost:80", SS_SPEC_TCP_RELAY, "127.0.0.1:9000", "localhost:80");
  assert_relay ("TCP-RELAY:0:127.0.0.1:80", SS_SPEC_TCP_RELAY, "127.0.0.1:0", "127.0.0.1:80");
  assert_relay ("udp-relay:5353:127.0.0.1:53", SS_SPEC_UDP_RELAY, "127.0.0.1:5353", "127.0.0.1:53");
  assert_relay ("unix-relay:/tmp/spy.sock:/run/app.sock", SS_SPEC_UNIX_RELAY, "/tmp/spy.sock", "/run/app.sock");
  assert_relay ("unix-relay:@spy:/run/a:b.sock", SS_SPEC_UNIX_RELAY, "@spy", "/run/a:b.sock");

  assert_spec_error ("tcp-relay:9000", "tcp-relay:9000", "[BIND:]PORT:HOST:HOSTPORT");
  assert_spec_error ("tcp-relay:9000:127.0.0.1", "[BIND:]PORT:HOST:HOSTPORT", NULL);
  assert_spec_error ("tcp-relay:a:b:c:d:e", "[BIND:]PORT:HOST:HOSTPORT", NULL);
  assert_spec_error ("tcp-relay:9000:127.0.0.1:0", "port 0", NULL);
  assert_spec_error ("tcp-relay:99999:127.0.0.1:80", "out of range", NULL);
  assert_spec_error ("tcp-relay:9000::80", "needs a host", NULL);
  assert_spec_error ("tcp-relay:9000:127.0.0.1:http", "not a port number", NULL);
  assert_spec_error ("tcp-relay:[::1:9000:[::1]:22", "[BIND:]PORT:HOST:HOSTPORT", NULL);
  assert_spec_error ("udp-relay:5353", "udp-relay:[BIND:]PORT:HOST:HOSTPORT", NULL);
  assert_spec_error ("unix-relay:/tmp/a.sock", "unix-relay:PATH:TARGETPATH", NULL);
  assert_spec_error ("unix-relay::/run/app.sock", "path is missing", NULL);
  assert_spec_error ("unix-relay:/tmp/a.sock:", "path is missing", NULL);
  assert_spec_error ("unix-relay:/tmp/a.sock:/tmp/a.sock", "connect to itself", NULL);
}

static void
test_free_null (void)
{
  ss_spec_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/spec/listen", test_listen);
  g_test_add_func ("/spec/connect", test_connect);
  g_test_add_func ("/spec/tls", test_tls);
  g_test_add_func ("/spec/datagram-and-unix", test_datagram_and_unix);
  g_test_add_func ("/spec/bad-kind", test_bad_kind);
  g_test_add_func ("/spec/bad-address", test_bad_address);
  g_test_add_func ("/spec/bad-connect", test_bad_connect);
  g_test_add_func ("/spec/relay", test_relay);
  g_test_add_func ("/spec/free-null", test_free_null);

  return g_test_run ();
}
