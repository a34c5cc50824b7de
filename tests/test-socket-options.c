/* test-socket-options.c — setsockopt, read back with getsockopt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <gio/gio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-session.h"
#include "ss-socket-options.h"
#include "ss-test-socket.h"
#include "ss-test-util.h"

#define TIMEOUT_MS 10000

static int
set_and_read (SsSocket   *socket,
              const char *name,
              int         value)
{
  const SsOption *option = ss_socket_option_find (name);
  g_autoptr(GError) error = NULL;
  int held = -12345;

  g_assert_nonnull (option);
  g_assert_true (ss_socket_set_option (socket, option, value, &error));
  g_assert_no_error (error);
  g_assert_true (ss_socket_get_option (socket, option, &held, &error));
  g_assert_no_error (error);
  return held;
}

static void
test_read_back (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsSocket *tcp = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsCallLog *calls = ss_session_get_calls (session);

  g_assert_cmpint (set_and_read (tcp, "SO_REUSEADDR", 1), ==, 1);
  g_assert_cmpint (set_and_read (tcp, "SO_REUSEADDR", 0), ==, 0);
  g_assert_cmpint (set_and_read (tcp, "TCP_NODELAY", 1), ==, 1);
  g_assert_cmpint (set_and_read (tcp, "SO_KEEPALIVE", 1), ==, 1);
  /* the kernel holds at least what was asked (Linux doubles it) */
  g_assert_cmpint (set_and_read (tcp, "SO_RCVBUF", 65536), >=, 65536);
  g_assert_cmpint (set_and_read (tcp, "SO_LINGER", 0), ==, 0);
  g_assert_cmpint (set_and_read (tcp, "SO_LINGER", -1), ==, -1);
  g_assert_cmpint (set_and_read (tcp, "IP_TTL", 7), ==, 7);

  /* each set is a step of the session, in both notations */
  ss_test_assert_call (calls, "setsockopt", ss_socket_get_fd (tcp), 0, 0, NULL);
  g_assert_cmpuint (ss_test_count_calls (calls, "setsockopt"), ==, 8);
}

static void
test_applies (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsSocket *udp = ss_test_create (session, AF_INET, SOCK_DGRAM);
  SsSocket *tcp6 = ss_test_create (session, AF_INET6, SOCK_STREAM);
  SsSocket *unix_stream = ss_test_create (session, AF_UNIX, SOCK_STREAM);

  g_assert_false (ss_socket_option_applies (ss_socket_option_find ("TCP_NODELAY"), udp));
  g_assert_true (ss_socket_option_applies (ss_socket_option_find ("SO_BROADCAST"), udp));
  g_assert_true (ss_socket_option_applies (ss_socket_option_find ("IP_MULTICAST_TTL"), udp));
  g_assert_false (ss_socket_option_applies (ss_socket_option_find ("IPV6_V6ONLY"), udp));
  g_assert_true (ss_socket_option_applies (ss_socket_option_find ("IPV6_V6ONLY"), tcp6));
  g_assert_false (ss_socket_option_applies (ss_socket_option_find ("IP_TTL"), tcp6));
  g_assert_false (ss_socket_option_applies (ss_socket_option_find ("TCP_NODELAY"), unix_stream));
  g_assert_true (ss_socket_option_applies (ss_socket_option_find ("SO_SNDBUF"), unix_stream));
}

/* IPV6_V6ONLY off: a listener on [::] also takes IPv4 clients, which show
 * as IPv4-mapped addresses. */
static void
test_dual_stack (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  SsSocket *listener, *connection;
  guint16 port;
  int client;

  if (!ss_test_have_ipv6_loopback ())
    {
      g_test_skip ("no IPv6 on this machine");
      return;
    }

  listener = ss_test_create (session, AF_INET6, SOCK_STREAM);
  g_assert_cmpint (set_and_read (listener, "IPV6_V6ONLY", 0), ==, 0);
  ss_test_bind_ok (listener, "[::]:0");
  g_assert_true (ss_socket_listen (listener, 5, &error));
  g_assert_no_error (error);
  port = ss_test_port_of (ss_socket_get_local_address (listener));

  client = ss_test_raw_connect (AF_INET, port, TIMEOUT_MS);
  ss_test_wait_connections (listener, 1);
  connection = ss_test_connection_at (listener, 0);
  g_assert_true (g_str_has_prefix (ss_socket_get_peer_address (connection), "[::ffff:127.0.0.1]:"));
  /* a wildcard listener's connection is at the address the client reached */
  {
    g_autofree char *local = g_strdup_printf ("[::ffff:127.0.0.1]:%u", port);

    g_assert_cmpstr (ss_socket_get_local_address (connection), ==, local);
  }
  close (client);
}

static void
test_membership (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  SsSocket *udp = ss_test_create (session, AF_INET, SOCK_DGRAM);
  SsCallLog *calls = ss_session_get_calls (session);

  /* a group needs a multicast route, which a test machine may lack: the
   * call is recorded either way, with the kernel's answer */
  if (!ss_socket_set_membership (udp, "239.1.2.3", TRUE, &error))
    g_test_message ("join: %s", error->message);
  g_clear_error (&error);
  {
    g_autoptr(SsCall) call = ss_test_find_call (calls, "setsockopt", ss_socket_get_fd (udp), NULL);
    g_assert_nonnull (call);
  }

  g_assert_false (ss_socket_set_membership (udp, "not-a-group", TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "not-a-group"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/socket-options/read-back", test_read_back);
  g_test_add_func ("/socket-options/applies", test_applies);
  g_test_add_func ("/socket-options/dual-stack", test_dual_stack);
  g_test_add_func ("/socket-options/membership", test_membership);

  return g_test_run ();
}
