/* test-hostile-input.c — garbage, empty, huge and negative values where a
 * person types an address or a command-line spec: a clear error, and
 * nothing changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ss-spec.h"
#include "test-hostile-util.h"

#define HUGE_LEN (10 * 1024)

/* What a text entry can hold (GTK gives valid UTF-8), none of it an
 * address: no port, bad ports, bad brackets, junk and control bytes. */
static const char *const bad_addresses[] = {
  "", " ", "\t\r\n", ":", "::", ":::", "[", "]", "[]", "[]:", "[]:80",
  "[::1]", "[::1]80", "[::1]:", "[::1]:-1", "[::1]:65536", "[[::1]]:80", "[::1]]:80",
  "127.0.0.1", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:-0", "127.0.0.1:65536",
  "127.0.0.1:4294967296", "127.0.0.1:18446744073709551616", "127.0.0.1:0x50",
  "127.0.0.1:80abc", "127.0.0.1: 80", "127.0.0.1:+80", "127.0.0.1:80 80",
  "127.0.0.1:٨٠", "127.0.0.1:８０",
  "-1", "-80", "-65536", "65536", "99999999999999999999999", "1e3", "0.5",
  "::1:80", "1:2:3", "tcp:1.2.3.4:80", "localhost", "@abstract", "/tmp/x.sock",
  "999.999.999.999:80", "256.0.0.1:80", "1.2.3.4.5:80",
  "[::1%lo]:80", "[fe80::1%999999]:80",
  "\x01\x02\x03:\x04", "\x1b[31m:80", "127.0.0.1:80\x1b[0m", "%s%n%x:80", "127.0.0.1:%n",
  "你好:80", "127.0.0.1:八十",
};

static const char *const bad_specs[] = {
  "", ":", "::", "tcp", "tcp:", "tcp-listen:", "udp:", "udp-listen:", "unix:", "unix:@",
  "unix-listen:", "tcp:80", "tcp::80", "tcp:host:0", "tcp:host:-1", "tcp:127.0.0.1:65536",
  "tcp-listen:99999", "tcp-listen:-1", "udp-listen:-5", "udp:127.0.0.1:0",
  "TCP-LISTEN-X:80", "tcp:[::1", "tcp:[::1]", "tcp :1.2.3.4:80", " tcp:1.2.3.4:80",
  "sctp:1.2.3.4:80", "tcp:1.2.3.4:80:90", "tcp:\x1b[31m", "%s%n:%s%n", "tcp-listen:%n",
};

/* Built at run time: 10 KB of each kind of junk. A 10 KB host in
 * brackets is only refused where the host must be numeric: a spec takes
 * it as a name, to look up later. */
static GPtrArray *
huge_inputs (const char *prefix,
             gboolean    numeric_host)
{
  GPtrArray *inputs = g_ptr_array_new_with_free_func (g_free);
  static const char *const fills[] = { "A", "9", ":", "[", "%n", "\x1b[0m", "é" };

  for (guint i = 0; i < G_N_ELEMENTS (fills); i++)
    {
      GString *text = g_string_new (prefix);

      while (text->len < HUGE_LEN)
        g_string_append (text, fills[i]);
      g_ptr_array_add (inputs, g_string_free (text, FALSE));
    }
  /* (leading zeros are fine: "127.0.0.1:000080" is port 80, as in
   * Python) */
  g_ptr_array_add (inputs, g_strdup_printf ("%s127.0.0.1:%0*d", prefix, HUGE_LEN, 99999));
  if (numeric_host)
    g_ptr_array_add (inputs, g_strdup_printf ("%s[%0*d]:80", prefix, HUGE_LEN, 1));
  return inputs;
}

static void
assert_clear_error (const GError *error,
                    const char   *input)
{
  if (error == NULL)
    g_error ("\"%.64s\" was accepted", input);
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_true (error->code == G_IO_ERROR_INVALID_ARGUMENT ||
                 error->code == G_IO_ERROR_NOT_FOUND ||
                 error->code == G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpuint (strlen (error->message), >, 10);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
check_bad_address (const char *input)
{
  static const int families[] = { AF_INET, AF_INET6, AF_UNSPEC };
  g_autofree char *host = NULL;
  guint16 port = 4242;

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    for (guint d = 0; d < 2; d++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(SsAddress) address = NULL;

        address = ss_address_parse_numeric (input, families[f], d ? "127.0.0.1" : NULL, &error);
        if (address != NULL)
          g_error ("\"%.64s\" was accepted for family %d", input, families[f]);
        assert_clear_error (error, input);
      }

  {
    g_autoptr(GError) error = NULL;

    /* a failed split leaves nothing behind */
    if (ss_address_split (input, &host, &port, &error))
      {
        /* a name with a port splits fine: the look-up is what fails */
        g_assert_no_error (error);
        return;
      }
    g_assert_null (host);
    assert_clear_error (error, input);
  }
}

static void
test_bad_addresses (void)
{
  g_autoptr(GPtrArray) huge = huge_inputs ("", TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (bad_addresses); i++)
    check_bad_address (bad_addresses[i]);
  for (guint i = 0; i < huge->len; i++)
    check_bad_address (g_ptr_array_index (huge, i));
}

static void
test_bad_unix_paths (void)
{
  g_autofree char *long_path = g_strnfill (sizeof ((struct sockaddr_un *) NULL)->sun_path, 'p');
  g_autofree char *huge = g_strnfill (HUGE_LEN, '/');
  g_autofree char *long_abstract = g_strdup_printf ("@%s", long_path);
  const char *const paths[] = { "", long_path, huge, long_abstract };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SsAddress) address = ss_address_parse_numeric (paths[i], AF_UNIX, NULL, &error);

      g_assert_null (address);
      assert_clear_error (error, paths[i]);
    }
}

static void
test_bad_families (void)
{
  static const int families[] = { -1, AF_PACKET, AF_NETLINK, 12345, G_MAXINT, G_MININT };

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SsAddress) address = ss_address_parse_numeric ("127.0.0.1:80", families[i],
                                                               NULL, &error);

      g_assert_null (address);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
check_bad_spec (const char *input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSpec) spec = ss_spec_parse (input, &error);

  if (spec != NULL)
    g_error ("the spec \"%.64s\" was accepted", input);
  assert_clear_error (error, input);
}

static void
test_bad_specs (void)
{
  static const char *const kinds[] = { "", "tcp:", "tcp-listen:", "udp:", "unix:", "unix-listen:" };
  g_autofree char *long_unix = g_strdup_printf ("unix:%0200d", 0);

  for (guint i = 0; i < G_N_ELEMENTS (bad_specs); i++)
    check_bad_spec (bad_specs[i]);
  check_bad_spec (long_unix);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GPtrArray) huge = huge_inputs (kinds[k], FALSE);

      for (guint i = 0; i < huge->len; i++)
        check_bad_spec (g_ptr_array_index (huge, i));
    }
}

/* ------------------------------------------------------------------ */
/* bind and connect: the error comes back, and the socket is untouched  */

typedef struct
{
  SsSocketState  state;
  char          *local;
  char          *peer;
  guint          n_calls;
  guint          n_traffic;
} Snapshot;

static void
snapshot_take (Snapshot  *snapshot,
               SsSession *session,
               SsSocket  *socket)
{
  snapshot->state = ss_socket_get_state (socket);
  snapshot->local = g_strdup (ss_socket_get_local_address (socket));
  snapshot->peer = g_strdup (ss_socket_get_peer_address (socket));
  snapshot->n_calls = g_list_model_get_n_items (G_LIST_MODEL (ss_session_get_calls (session)));
  snapshot->n_traffic = g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (socket)));
}

static void
snapshot_assert_same (Snapshot  *snapshot,
                      SsSession *session,
                      SsSocket  *socket)
{
  g_assert_cmpint (ss_socket_get_state (socket), ==, snapshot->state);
  g_assert_cmpstr (ss_socket_get_local_address (socket), ==, snapshot->local);
  g_assert_cmpstr (ss_socket_get_peer_address (socket), ==, snapshot->peer);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ss_session_get_calls (session))), ==,
                    snapshot->n_calls);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ss_socket_get_traffic (socket))), ==,
                    snapshot->n_traffic);
  g_clear_pointer (&snapshot->local, g_free);
  g_clear_pointer (&snapshot->peer, g_free);
}

/* Only what the parser refuses: a name that looks like a host would be
 * looked up (DNS), and these tests stay on loopback. */
static gboolean
refused_by_parser (const char *input,
                   int         family)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = ss_address_parse_numeric (input, family, "127.0.0.1", &error);

  g_assert_null (address);
  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
check_bind_connect (SsSession  *session,
                    SsSocket   *socket,
                    const char *input)
{
  Snapshot snapshot;
  g_autoptr(GError) error = NULL;

  if (!refused_by_parser (input, ss_socket_get_family (socket)))
    return;

  snapshot_take (&snapshot, session, socket);
  g_assert_false (ss_test_bind (socket, input, &error));
  assert_clear_error (error, input);
  snapshot_assert_same (&snapshot, session, socket);
  g_clear_error (&error);

  snapshot_take (&snapshot, session, socket);
  g_assert_false (ss_test_connect (socket, input, &error));
  assert_clear_error (error, input);
  snapshot_assert_same (&snapshot, session, socket);
}

static void
test_bad_bind_connect (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *tcp = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsSocket *udp6 = ss_test_create (session, AF_INET6, SOCK_DGRAM);
  SsSocket *bound = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsSocket *unix_socket = ss_test_create (session, AF_UNIX, SOCK_STREAM);
  g_autoptr(GPtrArray) huge = huge_inputs ("", TRUE);
  g_autofree char *long_path = g_strnfill (200, 'p');
  g_autofree char *huge_path = g_strnfill (HUGE_LEN, 'p');
  SsSocket *inet[] = { tcp, udp6, bound };
  g_autoptr(GError) error = NULL;

  /* a bound socket stays bound to what it was */
  ss_test_bind_ok (bound, "127.0.0.1:0");

  for (guint s = 0; s < G_N_ELEMENTS (inet); s++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (bad_addresses); i++)
        check_bind_connect (session, inet[s], bad_addresses[i]);
      for (guint i = 0; i < huge->len; i++)
        check_bind_connect (session, inet[s], g_ptr_array_index (huge, i));
    }
  check_bind_connect (session, unix_socket, "");
  check_bind_connect (session, unix_socket, long_path);
  check_bind_connect (session, unix_socket, huge_path);

  /* and after all that, each still does what it should */
  ss_test_bind_ok (tcp, "127.0.0.1:0");
  g_assert_true (ss_socket_listen (tcp, 4, &error));
  g_assert_no_error (error);
  ss_test_connect_ok (bound, ss_socket_get_local_address (tcp));
  ss_test_bind_ok (udp6, ss_test_have_ipv6_loopback () ? "[::1]:0" : "[::]:0");

  ss_test_finalize_session (session, tcp, udp6, bound, unix_socket, NULL);
}

/* Negative and huge backlogs reach the kernel as Python passes them (Linux
 * caps them at net.core.somaxconn): the call log says what it answered. */
static void
test_odd_backlogs (void)
{
  static const int backlogs[] = { -1, G_MININT, G_MAXINT, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (backlogs); i++)
    {
      SsSession *session = ss_session_new ();
      SsSocket *socket = ss_test_create (session, AF_INET, SOCK_STREAM);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      ss_test_bind_ok (socket, "127.0.0.1:0");
      ok = ss_socket_listen (socket, backlogs[i], &error);
      ss_test_assert_call (ss_session_get_calls (session), "listen", ss_socket_get_fd (socket),
                           ok ? 0 : -1, ok ? 0 : error->code, NULL);
      g_assert_cmpint (ss_socket_get_state (socket), ==,
                       ok ? SS_SOCKET_LISTENING : SS_SOCKET_BOUND);
      ss_test_finalize_session (session, socket, NULL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hostile/input/addresses", test_bad_addresses);
  g_test_add_func ("/hostile/input/unix-paths", test_bad_unix_paths);
  g_test_add_func ("/hostile/input/families", test_bad_families);
  g_test_add_func ("/hostile/input/specs", test_bad_specs);
  g_test_add_func ("/hostile/input/bind-connect", test_bad_bind_connect);
  g_test_add_func ("/hostile/input/backlogs", test_odd_backlogs);

  return g_test_run ();
}
