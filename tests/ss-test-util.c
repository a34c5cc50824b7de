/* ss-test-util.c — bounded waits on the main context, raw loopback peers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-util.h"

/* Conditions are normally changed by main-loop sources (fd sources,
 * GTask completions, child watches), which wake the loop. The tick only
 * makes sure a condition on state outside the loop is looked at again; it
 * never decides an outcome. */
#define TICK_MS 25

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
fd_ready_cb (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Returns FALSE on timeout; fails the test then when @file is set. */
static gboolean
wait_internal (SsTestCondition  condition,
               gpointer         user_data,
               guint            timeout_ms,
               int              fd,
               GIOCondition     fd_condition,
               const char      *what,
               const char      *file,
               int              line,
               const char      *func)
{
  gboolean expired = FALSE;
  gboolean done;
  guint guard_id, tick_id, fd_id = 0;

  if (condition (user_data))
    return TRUE;

  guard_id = g_timeout_add (timeout_ms, set_flag_cb, &expired);
  tick_id = g_timeout_add (TICK_MS, tick_cb, NULL);
  if (fd >= 0)
    fd_id = g_unix_fd_add (fd, fd_condition, fd_ready_cb, NULL);

  while (!(done = condition (user_data)) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!expired)
    g_source_remove (guard_id);
  g_source_remove (tick_id);
  if (fd_id != 0)
    g_source_remove (fd_id);

  if (!done && file != NULL)
    {
      g_autofree char *message = g_strdup_printf ("timed out after %u ms waiting for %s",
                                                  timeout_ms, what);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
    }
  return done;
}

gboolean
ss_test_try_wait_until (SsTestCondition condition,
                        gpointer        user_data,
                        guint           timeout_ms)
{
  return wait_internal (condition, user_data, timeout_ms, -1, 0, NULL, NULL, 0, NULL);
}

void
ss_test_wait_until_full (SsTestCondition  condition,
                         gpointer         user_data,
                         guint            timeout_ms,
                         const char      *what,
                         const char      *file,
                         int              line,
                         const char      *func)
{
  wait_internal (condition, user_data, timeout_ms, -1, 0, what, file, line, func);
}

static gboolean
never (gpointer user_data)
{
  return FALSE;
}

/* For a test that looks for something that must not happen. */
void
ss_test_iterate_for (guint ms)
{
  g_assert_false (ss_test_try_wait_until (never, NULL, ms));
}

guint
ss_test_count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  /* the directory's own descriptor while it is read */
  return n - 1;
}

void
ss_test_count_changes_cb (GListModel *model,
                          guint       position,
                          guint       removed,
                          guint       added,
                          guint      *count)
{
  (*count)++;
}

SsSystemRow *
ss_test_find_system_row (GListModel *rows,
                         guint32     inode,
                         guint      *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(SsSystemRow) row = g_list_model_get_item (rows, i);

      if (ss_system_row_get_entry (row)->record.inode == inode)
        {
          if (position != NULL)
            *position = i;
          return row;
        }
    }
  return NULL;
}

void
ss_test_drain_main_context (void)
{
  /* Bounded: a source that is always ready must not hang the test. */
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

void
ss_test_store_result_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **location = user_data;

  g_assert_null (*location);
  *location = g_object_ref (result);
}

gboolean
ss_test_pointer_is_set (gpointer pointer_location)
{
  return *(gpointer *) pointer_location != NULL;
}

gboolean
ss_test_pointer_is_null (gpointer pointer_location)
{
  return *(gpointer *) pointer_location == NULL;
}

gboolean
ss_test_flag_is_set (gpointer gboolean_location)
{
  return *(gboolean *) gboolean_location;
}

socklen_t
ss_test_loopback_address (int                      family,
                  guint16                  port,
                  struct sockaddr_storage *storage)
{
  memset (storage, 0, sizeof *storage);
  if (family == AF_INET6)
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) storage;

      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons (port);
      sin6->sin6_addr = in6addr_loopback;
      return sizeof *sin6;
    }
  else
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) storage;

      g_assert_cmpint (family, ==, AF_INET);
      sin->sin_family = AF_INET;
      sin->sin_port = htons (port);
      sin->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      return sizeof *sin;
    }
}

gboolean
ss_test_have_ipv6_loopback (void)
{
  struct sockaddr_storage storage;
  socklen_t len = ss_test_loopback_address (AF_INET6, 0, &storage);
  int fd = socket (AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = bind (fd, (struct sockaddr *) &storage, len) == 0;
  close (fd);
  return ok;
}

guint16
ss_test_fd_local_port (int fd)
{
  struct sockaddr_storage storage;
  socklen_t len = sizeof storage;

  g_assert_no_errno (getsockname (fd, (struct sockaddr *) &storage, &len));
  if (storage.ss_family == AF_INET6)
    return ntohs (((struct sockaddr_in6 *) &storage)->sin6_port);
  g_assert_cmpint (storage.ss_family, ==, AF_INET);
  return ntohs (((struct sockaddr_in *) &storage)->sin_port);
}

static int
raw_bound_socket (int      family,
                  int      rcvbuf,
                  guint16 *port)
{
  struct sockaddr_storage storage;
  socklen_t len = ss_test_loopback_address (family, 0, &storage);
  int fd = socket (family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  g_assert_no_errno (fd);
  /* Before listen(), so accepted sockets inherit it and the window is
   * small from the handshake on. */
  if (rcvbuf > 0)
    g_assert_no_errno (setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf));
  g_assert_no_errno (bind (fd, (struct sockaddr *) &storage, len));
  if (port != NULL)
    *port = ss_test_fd_local_port (fd);
  return fd;
}

/**
 * ss_test_raw_listener:
 * @rcvbuf: SO_RCVBUF for the accepted sockets, or 0 for the default
 *
 * Returns: a non-blocking socket listening on loopback, port 0
 */
int
ss_test_raw_listener (int      family,
                      int      rcvbuf,
                      guint16 *port)
{
  int fd = raw_bound_socket (family, rcvbuf, port);

  g_assert_no_errno (listen (fd, 16));
  return fd;
}

/**
 * ss_test_unused_port:
 *
 * A port nobody listens on: a socket is bound to it and kept bound (not
 * listening), so no other test can take it and a connect there is
 * refused. The socket is leaked on purpose until the process ends.
 */
guint16
ss_test_unused_port (int family)
{
  guint16 port;

  raw_bound_socket (family, 0, &port);
  return port;
}

guint16
ss_test_free_port (int family)
{
  guint16 port;
  int fd = raw_bound_socket (family, 0, &port);

  g_assert_no_errno (close (fd));
  return port;
}

typedef struct
{
  int listener;
  int fd;
} AcceptData;

static gboolean
try_accept (gpointer user_data)
{
  AcceptData *data = user_data;

  data->fd = accept4 (data->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (data->fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    g_error ("accept4 on the raw listener: %s", g_strerror (errno));
  return data->fd >= 0;
}

int
ss_test_raw_accept (int   listener,
                    guint timeout_ms)
{
  AcceptData data = { listener, -1 };

  wait_internal (try_accept, &data, timeout_ms, listener, G_IO_IN,
                 "a connection on the raw listener", __FILE__, __LINE__, G_STRFUNC);
  return data.fd;
}

typedef struct
{
  int fd;
  int error;
} ConnectData;

static gboolean
connect_done (gpointer user_data)
{
  ConnectData *data = user_data;
  struct pollfd pfd = { .fd = data->fd, .events = POLLOUT };
  socklen_t len = sizeof data->error;

  if (poll (&pfd, 1, 0) <= 0)
    return FALSE;
  g_assert_no_errno (getsockopt (data->fd, SOL_SOCKET, SO_ERROR, &data->error, &len));
  return TRUE;
}

/**
 * ss_test_raw_connect:
 *
 * Returns: a non-blocking socket connected to @port on loopback; fails
 *   the test when the connection is refused or does not complete in time
 */
int
ss_test_raw_connect (int     family,
                     guint16 port,
                     guint   timeout_ms)
{
  struct sockaddr_storage storage;
  socklen_t len = ss_test_loopback_address (family, port, &storage);
  ConnectData data = { socket (family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), 0 };

  g_assert_no_errno (data.fd);
  if (connect (data.fd, (struct sockaddr *) &storage, len) < 0)
    {
      g_assert_cmpint (errno, ==, EINPROGRESS);
      wait_internal (connect_done, &data, timeout_ms, data.fd, G_IO_OUT,
                     "the raw client to connect", __FILE__, __LINE__, G_STRFUNC);
      if (data.error != 0)
        g_error ("connect on the raw client: %s", g_strerror (data.error));
    }
  return data.fd;
}

typedef struct
{
  int           fd;
  const guint8 *data;
  gsize         len;
  gsize         sent;
} SendData;

static gboolean
try_send (gpointer user_data)
{
  SendData *data = user_data;

  while (data->sent < data->len)
    {
      gssize n = send (data->fd, data->data + data->sent, data->len - data->sent, MSG_NOSIGNAL);

      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return FALSE;
      if (n < 0)
        g_error ("send on a raw socket: %s", g_strerror (errno));
      data->sent += n;
    }
  return TRUE;
}

void
ss_test_raw_send_all (int         fd,
                      const void *buffer,
                      gsize       len,
                      guint       timeout_ms)
{
  SendData data = { fd, buffer, len, 0 };

  wait_internal (try_send, &data, timeout_ms, fd, G_IO_OUT,
                 "the raw socket to take all bytes", __FILE__, __LINE__, G_STRFUNC);
}

typedef struct
{
  int         fd;
  gsize       len;
  gboolean    until_eof;
  gboolean    done;
  GByteArray *received;
} RecvData;

static gboolean
try_recv (gpointer user_data)
{
  RecvData *data = user_data;
  guint8 buffer[64 * 1024];

  while (!data->done)
    {
      gsize want = sizeof buffer;
      gssize n;

      if (!data->until_eof)
        want = MIN (want, data->len - data->received->len);
      n = recv (data->fd, buffer, want, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return FALSE;
      if (n < 0)
        g_error ("recv on a raw socket: %s", g_strerror (errno));
      g_byte_array_append (data->received, buffer, n);
      if (n == 0 || (!data->until_eof && data->received->len >= data->len))
        data->done = TRUE;
    }
  return TRUE;
}

/**
 * ss_test_raw_recv:
 * @len: stop after this many bytes (unless @until_eof)
 * @until_eof: read until the peer closes
 *
 * Returns: (transfer full): what was read, possibly less than @len when
 *   the peer closed first; the caller compares
 */
GBytes *
ss_test_raw_recv (int      fd,
                  gsize    len,
                  gboolean until_eof,
                  guint    timeout_ms)
{
  RecvData data = { fd, len, until_eof, FALSE, g_byte_array_new () };

  if (len == 0 && !until_eof)
    data.done = TRUE;
  wait_internal (try_recv, &data, timeout_ms, fd, G_IO_IN,
                 until_eof ? "the raw peer to read until EOF" : "the raw peer to read its bytes",
                 __FILE__, __LINE__, G_STRFUNC);
  return g_byte_array_free_to_bytes (data.received);
}

void
ss_test_raw_exchange (int         client,
                      int         server,
                      const char *request,
                      const char *reply)
{
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) answer = NULL;

  ss_test_raw_send_all (client, request, strlen (request), SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (shutdown (client, SHUT_WR));
  got = ss_test_raw_recv (server, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), request, strlen (request));
  ss_test_raw_send_all (server, reply, strlen (reply), SS_TEST_TIMEOUT_MS);
  g_assert_no_errno (shutdown (server, SHUT_WR));
  answer = ss_test_raw_recv (client, 0, TRUE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), reply, strlen (reply));
}

/* @text as one datagram to loopback's (IPv4) @port */
void
ss_test_raw_sendto (int         fd,
                    guint16     port,
                    const char *text)
{
  struct sockaddr_storage storage;
  socklen_t len = ss_test_loopback_address (AF_INET, port, &storage);

  g_assert_cmpint (sendto (fd, text, strlen (text), 0, (struct sockaddr *) &storage, len), ==,
                   (gssize) strlen (text));
}

/* A raw UDP socket on loopback, port 0. */
int
ss_test_raw_udp_socket (int      family,
                        guint16 *port)
{
  struct sockaddr_storage storage;
  socklen_t len = ss_test_loopback_address (family, 0, &storage);
  int fd = socket (family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  g_assert_no_errno (fd);
  g_assert_no_errno (bind (fd, (struct sockaddr *) &storage, len));
  *port = ss_test_fd_local_port (fd);
  return fd;
}

typedef struct
{
  int      fd;
  GBytes  *datagram;
  guint16  from_port;
} DatagramData;

static gboolean
try_recv_datagram (gpointer user_data)
{
  DatagramData *data = user_data;
  struct sockaddr_storage from;
  socklen_t from_len = sizeof from;
  guint8 buffer[2048];
  gssize n;

  /* MSG_TRUNC: the datagram's real length, however long it was */
  n = recvfrom (data->fd, buffer, sizeof buffer, MSG_DONTWAIT | MSG_TRUNC,
                (struct sockaddr *) &from, &from_len);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return FALSE;
  g_assert_no_errno (n);
  g_assert_cmpint (n, <=, sizeof buffer);
  data->datagram = g_bytes_new (buffer, n);
  if (from.ss_family == AF_INET6)
    data->from_port = ntohs (((struct sockaddr_in6 *) &from)->sin6_port);
  else
    {
      g_assert_cmpint (from.ss_family, ==, AF_INET);
      data->from_port = ntohs (((struct sockaddr_in *) &from)->sin_port);
    }
  return TRUE;
}

void
ss_test_raw_expect (int         fd,
                    const char *expected)
{
  g_autoptr(GBytes) got = ss_test_raw_recv (fd, strlen (expected), FALSE, SS_TEST_TIMEOUT_MS);

  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), expected, strlen (expected));
}

void
ss_test_raw_expect_nothing (int fd)
{
  char c;

  ss_test_drain_main_context ();
  ss_test_iterate_for (50);
  g_assert_cmpint (recv (fd, &c, 1, MSG_DONTWAIT), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);
}

/**
 * ss_test_raw_recv_datagram:
 * @from_port: (out) (optional): the sender's port
 *
 * Returns: (transfer full): the next datagram on the raw UDP socket @fd
 */
GBytes *
ss_test_raw_recv_datagram (int      fd,
                           guint16 *from_port,
                           guint    timeout_ms)
{
  DatagramData data = { fd, NULL, 0 };

  wait_internal (try_recv_datagram, &data, timeout_ms, fd, G_IO_IN,
                 "a datagram on the raw socket", __FILE__, __LINE__, G_STRFUNC);
  if (from_port != NULL)
    *from_port = data.from_port;
  return data.datagram;
}

/* SO_LINGER {1, 0}: close() sends a RST instead of a FIN. */
void
ss_test_raw_close_with_reset (int fd)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  g_assert_no_errno (setsockopt (fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger));
  g_assert_no_errno (close (fd));
}

guint16
ss_test_port_of (const char *address)
{
  const char *colon;
  guint64 port;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (address);
  colon = strrchr (address, ':');
  g_assert_nonnull (colon);
  g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, &error);
  g_assert_no_error (error);
  return port;
}

GBytes *
ss_test_read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* Removes @dir and everything in it; a temporary directory of a test. */
void
ss_test_remove_tree (GFile *dir)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        ss_test_remove_tree (child);
      else
        g_file_delete (child, NULL, NULL);
    }
  g_file_delete (dir, NULL, NULL);
}

/* ------------------------------------------------------------------ */

static void
mirror_changed_cb (GListModel   *model,
                   guint         position,
                   guint         removed,
                   guint         added,
                   SsTestMirror *mirror)
{
  mirror->n_signals++;
  g_assert_cmpuint (position + removed, <=, mirror->items->len);
  g_ptr_array_remove_range (mirror->items, position, removed);
  for (guint i = 0; i < added; i++)
    {
      GObject *item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (mirror->items, position + i, item);
    }
  g_assert_cmpuint (mirror->items->len, ==, g_list_model_get_n_items (model));
}

void
ss_test_mirror_init (SsTestMirror *mirror,
                     gpointer      model)
{
  guint n = g_list_model_get_n_items (model);

  mirror->model = model;
  mirror->items = g_ptr_array_new_with_free_func (g_object_unref);
  mirror->n_signals = 0;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (mirror->items, g_list_model_get_item (model, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (mirror_changed_cb), mirror);
}

/* The copy holds the same objects as the model, in the same order. */
void
ss_test_mirror_check (SsTestMirror *mirror)
{
  guint n = g_list_model_get_n_items (mirror->model);

  g_assert_cmpuint (mirror->items->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (mirror->model, i);

      g_assert_true (item == g_ptr_array_index (mirror->items, i));
    }
}

void
ss_test_mirror_clear (SsTestMirror *mirror)
{
  g_signal_handlers_disconnect_by_data (mirror->model, mirror);
  g_clear_pointer (&mirror->items, g_ptr_array_unref);
}

/* The kernel's count of connections refused because an accept queue was
 * full (TcpExt ListenOverflows) in this network namespace, or -1 when
 * /proc does not say. */
gint64
ss_test_listen_overflows (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/net/netstat", &text, NULL, NULL))
    return -1;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_auto(GStrv) names = NULL;
      g_auto(GStrv) values = NULL;

      if (!g_str_has_prefix (lines[i], "TcpExt:") || !g_str_has_prefix (lines[i + 1], "TcpExt:"))
        continue;
      names = g_strsplit (lines[i], " ", -1);
      values = g_strsplit (lines[i + 1], " ", -1);
      for (guint j = 0; names[j] != NULL && values[j] != NULL; j++)
        if (g_str_equal (names[j], "ListenOverflows"))
          return g_ascii_strtoll (values[j], NULL, 10);
    }
  return -1;
}
