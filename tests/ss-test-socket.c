/* ss-test-socket.c — driving SsSession and SsSocket in tests, with bounded
 * waits and assertions on the call and traffic logs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "ss-test-socket.h"

SsSocket *
ss_test_create (SsSession *session,
                int        family,
                int        type)
{
  g_autoptr(GError) error = NULL;
  SsSocket *socket = ss_session_create_socket (session, family, type, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (socket);
  g_assert_cmpint (ss_socket_get_state (socket), ==, SS_SOCKET_CREATED);
  g_assert_cmpint (ss_socket_get_fd (socket), >=, 0);
  return socket;
}

gboolean
ss_test_bind (SsSocket    *socket,
              const char  *address,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ss_socket_bind_async (socket, address, NULL, ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  return ss_socket_bind_finish (socket, result, error);
}

void
ss_test_bind_ok (SsSocket   *socket,
                 const char *address)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = ss_test_bind (socket, address, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

gboolean
ss_test_connect (SsSocket    *socket,
                 const char  *address,
                 GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ss_socket_connect_async (socket, address, NULL, ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  return ss_socket_connect_finish (socket, result, error);
}

void
ss_test_connect_ok (SsSocket   *socket,
                    const char *address)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = ss_test_connect (socket, address, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (ss_socket_get_state (socket), ==, SS_SOCKET_CONNECTED);
}

SsSocket *
ss_test_raw_pair (SsSession *session,
                  int        family,
                  int        rcvbuf,
                  int       *listener_out,
                  int       *peer_out)
{
  g_autofree char *address = NULL;
  SsSocket *client;
  guint16 port;

  *listener_out = ss_test_raw_listener (family, rcvbuf, &port);
  client = ss_test_create (session, family, SOCK_STREAM);
  address = g_strdup_printf (family == AF_INET6 ? "[::1]:%u" : "127.0.0.1:%u", port);
  ss_test_connect_ok (client, address);
  *peer_out = ss_test_raw_accept (*listener_out, SS_TEST_TIMEOUT_MS);
  return client;
}

SsSocket *
ss_test_listener_new (SsSession  *session,
                      int         family,
                      const char *address)
{
  g_autoptr(GError) error = NULL;
  SsSocket *listener = ss_test_create (session, family, SOCK_STREAM);

  ss_test_bind_ok (listener, address);
  g_assert_true (ss_socket_listen (listener, 16, &error));
  g_assert_no_error (error);
  return listener;
}

/* Runs ss_session_open_async() on a spec and waits for it. */
SsSocket *
ss_test_open_spec (SsSession   *session,
                   const char  *text,
                   GError     **error)
{
  g_autoptr(SsSpec) spec = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) parse_error = NULL;

  spec = ss_spec_parse (text, &parse_error);
  g_assert_no_error (parse_error);
  ss_session_open_async (session, spec, NULL, ss_test_store_result_cb, &result);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  return ss_session_open_finish (session, result, error);
}

/* Transfer none: the relay @spec opens, listening; the session holds it. */
SsSocket *
ss_test_open_relay (SsSession  *session,
                    const char *spec)
{
  g_autoptr(GError) error = NULL;
  SsSocket *relay = ss_test_open_spec (session, spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (relay);
  g_assert_cmpint (ss_socket_get_state (relay), ==, SS_SOCKET_LISTENING);
  g_object_unref (relay);
  return relay;
}

guint16
ss_test_relay_port (SsSocket *relay)
{
  return ss_test_port_of (ss_socket_get_local_address (relay));
}

/* Whether a peer program (socat, ncat, curl …) is installed. */
gboolean
ss_test_have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

/* Transfer none: the listener's connections hold it. */
SsSocket *
ss_test_connection_at (SsSocket *listener,
                       guint     position)
{
  g_autoptr(SsSocket) connection = g_list_model_get_item (ss_socket_get_connections (listener),
                                                          position);
  g_assert_nonnull (connection);
  return connection;
}

gboolean
ss_test_bytes_in_reached (gpointer bytes_wait)
{
  SsTestBytesWait *wait = bytes_wait;

  return ss_socket_get_bytes_in (wait->socket) >= wait->bytes;
}

void
ss_test_wait_bytes_in (SsSocket *socket,
                       guint64   bytes)
{
  SsTestBytesWait wait = { socket, bytes };

  ss_test_wait_until (ss_test_bytes_in_reached, &wait, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (ss_socket_get_bytes_in (socket), ==, bytes);
}

static gboolean
peer_has_closed (gpointer socket)
{
  return ss_socket_get_peer_closed (socket);
}

static gboolean
has_failed (gpointer socket)
{
  int failure = 0;

  g_object_get (socket, "failure", &failure, NULL);
  return failure != 0;
}

typedef struct
{
  SsSocket *socket;
  guint64   count;
} SocketWait;

static gboolean
has_connections (gpointer user_data)
{
  SocketWait *wait = user_data;

  return g_list_model_get_n_items (ss_socket_get_connections (wait->socket)) >= wait->count;
}

/* Until the listener has accepted @n connections (automatically). */
void
ss_test_wait_connections (SsSocket *listener,
                          guint     n)
{
  SocketWait wait = { listener, n };

  ss_test_wait_until (has_connections, &wait, SS_TEST_TIMEOUT_MS);
}

void
ss_test_wait_peer_closed (SsSocket *socket)
{
  ss_test_wait_until (peer_has_closed, socket, SS_TEST_TIMEOUT_MS);
}

/* Until the connection has failed (the "failure" errno is set). */
void
ss_test_wait_failure (SsSocket *socket)
{
  ss_test_wait_until (has_failed, socket, SS_TEST_TIMEOUT_MS);
}

int
ss_test_get_failure (SsSocket *socket)
{
  int failure = -1;

  g_object_get (socket, "failure", &failure, NULL);
  return failure;
}

void
ss_test_send_ok (SsSocket   *socket,
                 const void *data,
                 gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);

  g_assert_true (ss_socket_send (socket, bytes, &error));
  g_assert_no_error (error);
}

typedef struct
{
  SsSocket *socket;
  GBytes   *payload;
  GError   *error;
  guint     n_sent;
} SendUntilFail;

static gboolean
send_until_failure (gpointer user_data)
{
  SendUntilFail *data = user_data;

  if (ss_socket_send (data->socket, data->payload, &data->error))
    {
      data->n_sent++;
      return FALSE;
    }
  return TRUE;
}

/* Sends @text again and again, iterating the main loop, until a send
 * fails (bounded by the usual wait); returns that error. */
GError *
ss_test_send_until_failure (SsSocket   *socket,
                            const char *text,
                            guint      *n_sent)
{
  SendUntilFail data = { socket, g_bytes_new_static (text, strlen (text)), NULL, 0 };

  ss_test_wait_until (send_until_failure, &data, SS_TEST_TIMEOUT_MS);
  g_bytes_unref (data.payload);
  if (n_sent != NULL)
    *n_sent = data.n_sent;
  return data.error;
}

void
ss_test_assert_payload (SsSocket      *socket,
                        SsTrafficKind  kind,
                        const void    *expected,
                        gsize          expected_len)
{
  g_autoptr(GBytes) payload = ss_traffic_log_dup_payload (ss_socket_get_traffic (socket), kind);
  gsize len;
  const guint8 *data = g_bytes_get_data (payload, &len);

  g_assert_cmpmem (data, len, expected, expected_len);
}

/* The last call named @name on @fd (any fd when -2), or NULL; its position
 * in the log goes to @position. */
SsCall *
ss_test_find_call (SsCallLog  *calls,
                   const char *name,
                   int         fd,
                   guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (calls));

  for (guint i = n; i-- > 0; )
    {
      g_autoptr(SsCall) call = g_list_model_get_item (G_LIST_MODEL (calls), i);

      if (g_str_equal (ss_call_get_name (call), name) && (fd == -2 || ss_call_get_fd (call) == fd))
        {
          if (position != NULL)
            *position = i;
          return g_steal_pointer (&call);
        }
    }
  return NULL;
}

guint
ss_test_count_calls (SsCallLog  *calls,
                     const char *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (calls));
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsCall) call = g_list_model_get_item (G_LIST_MODEL (calls), i);

      if (g_str_equal (ss_call_get_name (call), name))
        count++;
    }
  return count;
}

/* Asserts the call exists with this result and errno; returns its position. */
guint
ss_test_assert_call (SsCallLog  *calls,
                     const char *name,
                     int         fd,
                     gint64      result,
                     int         errsv,
                     const char *python)
{
  guint position = 0;
  g_autoptr(SsCall) call = ss_test_find_call (calls, name, fd, &position);

  if (call == NULL)
    g_error ("no call %s on fd %d in the call log", name, fd);
  g_assert_cmpint (ss_call_get_result (call), ==, result);
  g_assert_cmpint (ss_call_get_errno (call), ==, errsv);
  if (python != NULL)
    g_assert_cmpstr (ss_call_get_python (call), ==, python);
  return position;
}

/* The texts of the socket's events, in order. */
GPtrArray *
ss_test_dup_events (SsSocket *socket)
{
  GListModel *traffic = G_LIST_MODEL (ss_socket_get_traffic (socket));
  guint n = g_list_model_get_n_items (traffic);
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (traffic, i);
      gsize len;
      const char *data;

      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_EVENT)
        continue;
      data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);
      g_ptr_array_add (events, g_strndup (data, len));
    }
  return events;
}

guint
ss_test_count_events (SsSocket   *socket,
                      const char *needle)
{
  g_autoptr(GPtrArray) events = ss_test_dup_events (socket);
  guint count = 0;

  for (guint i = 0; i < events->len; i++)
    if (strstr (g_ptr_array_index (events, i), needle) != NULL)
      count++;
  return count;
}

/* an SsTestCondition: an event with @needle is in the socket's log */
gboolean
ss_test_has_event (gpointer user_data)
{
  SsTestEventWait *wait = user_data;

  return ss_test_count_events (wait->socket, wait->needle) > 0;
}

/* Iterates until @socket's log has an event with @needle (bounded). */
void
ss_test_wait_event (SsSocket   *socket,
                    const char *needle)
{
  SsTestEventWait wait = { socket, needle };

  ss_test_wait_until (ss_test_has_event, &wait, SS_TEST_TIMEOUT_MS);
}

void
ss_test_assert_event (SsSocket   *socket,
                      const char *needle)
{
  if (ss_test_count_events (socket, needle) == 0)
    g_error ("no event with “%s” in the traffic log of fd %d", needle, ss_socket_get_fd (socket));
}

SsTrafficEntry *
ss_test_last_entry (SsSocket *socket)
{
  GListModel *traffic = G_LIST_MODEL (ss_socket_get_traffic (socket));
  guint n = g_list_model_get_n_items (traffic);

  g_assert_cmpuint (n, >, 0);
  return g_list_model_get_item (traffic, n - 1);
}

static void
record_state_cb (SsSocket   *socket,
                 GParamSpec *pspec,
                 GArray     *states)
{
  SsSocketState state = ss_socket_get_state (socket);

  g_array_append_val (states, state);
}

GArray *
ss_test_watch_states (SsSocket *socket)
{
  GArray *states = g_array_new (FALSE, FALSE, sizeof (SsSocketState));

  g_signal_connect_data (socket, "notify::state", G_CALLBACK (record_state_cb),
                         g_array_ref (states), (GClosureNotify) (void (*) (void)) g_array_unref, 0);
  return states;
}

void
ss_test_assert_states (GArray *states,
                       guint   n,
                       ...)
{
  va_list args;

  g_assert_cmpuint (states->len, ==, n);
  va_start (args, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (states, SsSocketState, i), ==, va_arg (args, int));
  va_end (args);
}

void
ss_test_count_cb (GObject    *object,
                  GParamSpec *pspec,
                  guint      *count)
{
  (*count)++;
}

/* The descriptor no longer refers to that socket: closed, or (if some
 * other thread opened a file since) reused for something else. */
void
ss_test_assert_fd_released (int                fd,
                            const struct stat *before)
{
  struct stat after;

  if (fstat (fd, &after) < 0)
    g_assert_cmpint (errno, ==, EBADF);
  else
    g_assert_false (after.st_ino == before->st_ino && after.st_dev == before->st_dev);
}

/* Everything a session made is released with it, connections included. */
void
ss_test_finalize_session (SsSession *session,
                          SsSocket  *socket1,
                          ...)
{
  GPtrArray *weak = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  va_start (args, socket1);
  for (SsSocket *socket = socket1; socket != NULL; socket = va_arg (args, SsSocket *))
    {
      gpointer *location = g_new (gpointer, 1);

      *location = socket;
      g_object_add_weak_pointer (G_OBJECT (socket), location);
      g_ptr_array_add (weak, location);
    }
  va_end (args);

  /* let pending GTask completions drop their refs */
  ss_test_drain_main_context ();
  g_assert_finalize_object (session);
  for (guint i = 0; i < weak->len; i++)
    if (*(gpointer *) g_ptr_array_index (weak, i) != NULL)
      g_error ("socket %u given to finalize_session() is still alive", i);
  g_ptr_array_unref (weak);
}
