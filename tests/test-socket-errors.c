/* test-socket-errors.c — what the kernel refuses, what the parser refuses, and
 * what a closed socket refuses, each with its errno and its call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-error.h"
#include "ss-test-socket.h"

/* ------------------------------------------------------------------ */
/* errors                                                              */

static void
test_connect_refused (void)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  SsSocket *client;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) states = NULL;
  g_autofree char *address = NULL;
  guint16 port = ss_test_unused_port (AF_INET);

  client = ss_test_create (session, AF_INET, SOCK_STREAM);
  states = ss_test_watch_states (client);
  address = g_strdup_printf ("127.0.0.1:%u", port);

  g_assert_false (ss_test_connect (client, address, &error));
  g_assert_error (error, SS_ERRNO_ERROR, ECONNREFUSED);
  g_assert_nonnull (strstr (error->message, "connect"));
  g_assert_nonnull (strstr (error->message, "ECONNREFUSED"));
  ss_test_assert_call (calls, "connect", ss_socket_get_fd (client), -1, ECONNREFUSED, NULL);
  ss_test_assert_event (client, "ECONNREFUSED");
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CREATED);
  g_assert_null (ss_socket_get_peer_address (client));
  g_assert_cmpint (ss_test_get_failure (client), ==, 0);
  /* if the kernel said EINPROGRESS first, the state went back */
  if (states->len == 2)
    ss_test_assert_states (states, 2, SS_SOCKET_CONNECTING, SS_SOCKET_CREATED);
  else
    ss_test_assert_states (states, 0);
  g_clear_error (&error);

  /* (Connecting the same socket again is allowed by Linux but refused
   * with ECONNABORTED by gVisor's netstack, so it is not asserted here.) */
  ss_socket_close (client);
  ss_test_assert_call (calls, "close", ss_socket_get_fd (client), 0, 0, NULL);

  ss_test_finalize_session (session, client, NULL);
}

static void
test_connect_already (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(SsAddress) address = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  address = ss_address_parse_numeric (ss_socket_get_local_address (listener), AF_INET, NULL, &error);
  g_assert_no_error (error);

  ss_socket_connect (client, address, NULL, ss_test_store_result_cb, &first);
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CONNECTING);
  ss_socket_connect (client, address, NULL, ss_test_store_result_cb, &second);
  ss_test_wait_result (&second, SS_TEST_TIMEOUT_MS);
  g_assert_false (ss_socket_connect_finish (client, second, &error));
  g_assert_error (error, SS_ERRNO_ERROR, EALREADY);
  g_clear_error (&error);

  ss_test_wait_result (&first, SS_TEST_TIMEOUT_MS);
  g_assert_true (ss_socket_connect_finish (client, first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CONNECTED);

  g_clear_object (&first);
  g_clear_object (&second);
  ss_test_finalize_session (session, listener, client, NULL);
}

static void
test_close_while_connecting (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *listener = ss_test_listener_new (session, AF_INET, "127.0.0.1:0");
  SsSocket *client = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(SsAddress) address = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  address = ss_address_parse_numeric (ss_socket_get_local_address (listener), AF_INET, NULL, &error);
  ss_socket_connect (client, address, NULL, ss_test_store_result_cb, &result);
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CONNECTING);
  ss_socket_close (client);

  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  g_assert_false (ss_socket_connect_finish (client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ss_socket_get_state (client), ==, SS_SOCKET_CLOSED);

  g_clear_object (&result);
  ss_test_finalize_session (session, listener, client, NULL);
}

static void
assert_create_refused (int         family,
                       int         type,
                       const char *family_name,
                       const char *type_name)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsCall) call = NULL;
  SsSocket *socket;

  socket = ss_session_create_socket (session, family, type, 0, &error);
  g_assert_null (socket);
  g_assert_nonnull (error);
  g_test_message ("%s, %s: %s", family_name, type_name, error->message);
  g_assert_true (error->domain == SS_ERRNO_ERROR);
  g_assert_cmpint (error->code, >, 0);
  g_assert_true (g_str_has_prefix (error->message, "socket: "));
  g_assert_cmpuint (g_list_model_get_n_items (ss_session_get_sockets (session)), ==, 0);

  /* the failed call is in the log, with the kernel's errno */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (calls)), ==, 1);
  call = g_list_model_get_item (G_LIST_MODEL (calls), 0);
  g_assert_cmpstr (ss_call_get_name (call), ==, "socket");
  g_assert_cmpint (ss_call_get_result (call), ==, -1);
  g_assert_cmpint (ss_call_get_errno (call), ==, error->code);
  g_assert_cmpint (ss_call_get_fd (call), ==, -1);
  g_assert_nonnull (strstr (ss_call_get_args (call), family_name));
  g_assert_nonnull (strstr (ss_call_get_args (call), type_name));

  g_assert_finalize_object (session);
}

static void
test_refused_family (void)
{
  assert_create_refused (AF_IPX, SOCK_STREAM, "AF_IPX", "SOCK_STREAM");
  assert_create_refused (AF_APPLETALK, SOCK_STREAM, "AF_APPLETALK", "SOCK_STREAM");
  assert_create_refused (AF_INET, SOCK_RDM, "AF_INET", "SOCK_RDM");
}

static void
test_closed_socket (void)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  SsSocket *socket = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("x", 1);
  g_autoptr(GArray) states = ss_test_watch_states (socket);
  int fd = ss_socket_get_fd (socket);
  struct stat before;
  guint n_calls;

  g_assert_no_errno (fstat (fd, &before));
  ss_socket_close (socket);
  g_assert_cmpint (ss_socket_get_state (socket), ==, SS_SOCKET_CLOSED);
  ss_test_assert_call (calls, "close", fd, 0, 0, NULL);
  ss_test_assert_event (socket, "Closed");
  /* the descriptor is really closed */
  ss_test_assert_fd_released (fd, &before);

  /* closing twice is harmless and makes no second call */
  n_calls = g_list_model_get_n_items (G_LIST_MODEL (calls));
  ss_socket_close (socket);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (calls)), ==, n_calls);
  ss_test_assert_states (states, 1, SS_SOCKET_CLOSED);

  g_assert_false (ss_socket_send (socket, bytes, &error));
  g_assert_error (error, SS_ERRNO_ERROR, EBADF);
  g_clear_error (&error);

  g_assert_null (ss_socket_accept (socket, &error));
  g_assert_error (error, SS_ERRNO_ERROR, EBADF);
  g_clear_error (&error);

  g_assert_false (ss_socket_listen (socket, 1, &error));
  g_assert_error (error, SS_ERRNO_ERROR, EBADF);
  g_clear_error (&error);

  g_assert_false (ss_test_bind (socket, "127.0.0.1:0", &error));
  g_assert_error (error, SS_ERRNO_ERROR, EBADF);
  g_clear_error (&error);

  g_assert_false (ss_test_connect (socket, "127.0.0.1:1", &error));
  g_assert_error (error, SS_ERRNO_ERROR, EBADF);
  g_clear_error (&error);

  /* none of these reached the kernel */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (calls)), ==, n_calls);

  ss_test_finalize_session (session, socket, NULL);
}

static void
assert_bind_error (SsSocket   *socket,
                   const char *address,
                   const char *needle)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ss_test_bind (socket, address, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_test_message ("bind “%s”: %s", address, error->message);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” is not in the message “%s”", needle, error->message);
}

static void
test_bind_errors (void)
{
  SsSession *session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  SsSocket *first = ss_test_create (session, AF_INET, SOCK_STREAM);
  SsSocket *second = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  guint n_calls = g_list_model_get_n_items (G_LIST_MODEL (calls));

  /* typing mistakes: the parser's message, and no call reaches the kernel */
  assert_bind_error (first, "127.0.0.1:abc", "“abc”");
  assert_bind_error (first, "127.0.0.1:65536", "65536");
  assert_bind_error (first, "", "empty");
  assert_bind_error (first, "[::1]:0", "IPv6 address");
  assert_bind_error (first, "::1:0", "brackets");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (calls)), ==, n_calls);
  g_assert_cmpint (ss_socket_get_state (first), ==, SS_SOCKET_CREATED);

  /* the kernel's refusal: the port is taken */
  ss_test_bind_ok (first, "127.0.0.1:0");
  g_assert_false (ss_test_bind (second, ss_socket_get_local_address (first), &error));
  g_assert_error (error, SS_ERRNO_ERROR, EADDRINUSE);
  g_assert_true (g_str_has_prefix (error->message, "bind: "));
  g_assert_nonnull (strstr (error->message, "EADDRINUSE"));
  ss_test_assert_call (calls, "bind", ss_socket_get_fd (second), -1, EADDRINUSE, NULL);
  g_assert_cmpint (ss_socket_get_state (second), ==, SS_SOCKET_CREATED);
  g_clear_error (&error);

  /* an address that is not on this machine */
  g_assert_false (ss_test_bind (second, "192.0.2.1:0", &error));
  g_assert_error (error, SS_ERRNO_ERROR, EADDRNOTAVAIL);
  g_clear_error (&error);

  ss_test_finalize_session (session, first, second, NULL);
}

static void
test_open_spec_errors (void)
{
  SsSession *session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) socket = NULL;
  g_autofree char *refused = g_strdup_printf ("tcp:127.0.0.1:%u", ss_test_unused_port (AF_INET));
  g_autoptr(SsSocket) first = NULL;
  g_autofree char *taken = NULL;

  socket = ss_test_open_spec (session, refused, &error);
  g_assert_null (socket);
  g_assert_error (error, SS_ERRNO_ERROR, ECONNREFUSED);
  g_clear_error (&error);

  first = ss_test_open_spec (session, "tcp-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  taken = g_strdup_printf ("tcp-listen:%s", ss_socket_get_local_address (first));
  socket = ss_test_open_spec (session, taken, &error);
  g_assert_null (socket);
  g_assert_error (error, SS_ERRNO_ERROR, EADDRINUSE);
  g_clear_error (&error);

  g_clear_object (&first);
  ss_test_finalize_session (session, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/socket-errors/connect-refused", test_connect_refused);
  g_test_add_func ("/socket-errors/connect-already", test_connect_already);
  g_test_add_func ("/socket-errors/close-while-connecting", test_close_while_connecting);
  g_test_add_func ("/socket-errors/refused-family", test_refused_family);
  g_test_add_func ("/socket-errors/closed", test_closed_socket);
  g_test_add_func ("/socket-errors/bind", test_bind_errors);
  g_test_add_func ("/socket-errors/open", test_open_spec_errors);

  return g_test_run ();
}
