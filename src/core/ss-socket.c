/* ss-socket.c — one socket(2) descriptor, driven from the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-constants.h"
#include "ss-error.h"
#include "ss-escape.h"
#include "ss-socket-private.h"
#include "ss-tls-calls.h"

/* The descriptor is always non-blocking at the kernel: every call either
 * completes at once or is finished later from the fd source, so nothing in
 * here ever blocks the main loop. */

G_DEFINE_ENUM_TYPE (SsSocketState, ss_socket_state,
                    G_DEFINE_ENUM_VALUE (SS_SOCKET_CREATED, "created"),
                    G_DEFINE_ENUM_VALUE (SS_SOCKET_BOUND, "bound"),
                    G_DEFINE_ENUM_VALUE (SS_SOCKET_LISTENING, "listening"),
                    G_DEFINE_ENUM_VALUE (SS_SOCKET_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (SS_SOCKET_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (SS_SOCKET_CLOSED, "closed"))

G_DEFINE_FINAL_TYPE (SsSocket, ss_socket, G_TYPE_OBJECT)

guint ss_socket_signals[SS_SOCKET_N_SIGNALS];

/* @connection's listener, or none: a pointer the listener clears when it
 * goes, as a weak pointer would be */
void
ss_socket_set_listener (SsSocket *connection,
                        SsSocket *listener)
{
  if (connection->listener == listener)
    return;
  if (connection->listener != NULL)
    g_hash_table_remove (connection->listener->accepted_here, connection);
  connection->listener = listener;
  if (listener != NULL)
    {
      if (listener->accepted_here == NULL)
        listener->accepted_here = g_hash_table_new (NULL, NULL);
      g_hash_table_add (listener->accepted_here, connection);
    }
}

static void
ss_socket_dispose (GObject *object)
{
  SsSocket *self = SS_SOCKET (object);

  ss_socket_io_stop (self);
  ss_socket_tls_dispose (self);
  /* the client's leg owns its pair; the server's only points at it */
  if (self->relay_pair != NULL && ss_relay_pair_get_client (self->relay_pair) == self)
    g_clear_pointer (&self->relay_pair, ss_relay_pair_free);
  for (guint i = 0; i < SS_INTERCEPT_N_DIRECTIONS; i++)
    g_clear_pointer (&self->relay_stages[i], ss_relay_stage_free);
  ss_relay_datagram_stop (self);
  ss_socket_faults_dispose (self);
  g_clear_handle_id (&self->retention_id, g_source_remove);
  g_clear_object (&self->recv_burst);
  g_clear_object (&self->connections);
  ss_socket_set_listener (self, NULL);
  if (self->accepted_here != NULL)
    {
      GHashTableIter iter;
      SsSocket *connection;

      g_hash_table_iter_init (&iter, self->accepted_here);
      while (g_hash_table_iter_next (&iter, (gpointer *) &connection, NULL))
        connection->listener = NULL;
      g_clear_pointer (&self->accepted_here, g_hash_table_unref);
    }

  G_OBJECT_CLASS (ss_socket_parent_class)->dispose (object);
}

static void
ss_socket_finalize (GObject *object)
{
  SsSocket *self = SS_SOCKET (object);

  /* Nobody can see this socket any more: release the descriptor quietly. */
  if (self->state != SS_SOCKET_CLOSED && self->fd >= 0)
    {
      close (self->fd);
      ss_socket_remove_unix_file (self);
    }

  g_clear_object (&self->calls);
  g_clear_object (&self->all_traffic);
  g_clear_object (&self->traffic);
  g_free (self->local_address);
  g_free (self->peer_address);
  g_free (self->unix_path);
  g_clear_pointer (&self->last_sender, ss_address_free);
  g_clear_pointer (&self->relay_target, ss_address_free);
  g_clear_pointer (&self->relay_upstreams, g_hash_table_unref);
  g_clear_pointer (&self->relay_client, ss_address_free);
  g_clear_object (&self->reply_rules);
  g_clear_object (&self->relay_intercept);
  ss_socket_clear_framing (self);
  g_clear_handle_id (&self->record_flush_id, g_source_remove);
  g_clear_pointer (&self->recorder, ss_recorder_free);
  g_clear_object (&self->receive_file);
  g_free (self->record_path);
  g_free (self->record_when);

  G_OBJECT_CLASS (ss_socket_parent_class)->finalize (object);
}

static void
ss_socket_class_init (SsSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ss_socket_dispose;
  object_class->finalize = ss_socket_finalize;
  ss_socket_install_properties (object_class);

  /**
   * SsSocket::accepted:
   * @connection: the new socket, already in the listener's connections
   */
  ss_socket_signals[SS_SOCKET_SIGNAL_ACCEPTED] =
    g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SS_TYPE_SOCKET);
  /**
   * SsSocket::message-received:
   * @message: a whole message received, framed as ss_socket_set_framing()
   *   says; emitted only with a framing
   */
  ss_socket_signals[SS_SOCKET_SIGNAL_MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
}

static void
ss_socket_init (SsSocket *self)
{
  self->fd = -1;
  self->file_fd = -1;
  self->auto_accept = TRUE;
  self->auto_receive = TRUE;
  self->timeout = -1;
  self->backlog = -1;
  self->closed_retention = G_MAXUINT;
  self->relay_idle_ms = 60 * 1000;
  self->traffic = ss_traffic_log_new ();
  self->connections = g_list_store_new (SS_TYPE_SOCKET);
  g_queue_init (&self->send_queue);
}

SsSocket *
ss_socket_new_for_fd (SsCallLog     *calls,
                      int            fd,
                      int            family,
                      int            type,
                      int            protocol,
                      SsSocketState  state)
{
  SsSocket *self = ss_socket_new_for_fd_unnamed (calls, fd, family, type, protocol, state);

  ss_socket_update_addresses (self);
  return self;
}

/* The same, its addresses not yet asked for (see
 * ss_socket_set_accepted_addresses()). */
SsSocket *
ss_socket_new_for_fd_unnamed (SsCallLog     *calls,
                              int            fd,
                              int            family,
                              int            type,
                              int            protocol,
                              SsSocketState  state)
{
  SsSocket *self = g_object_new (SS_TYPE_SOCKET, NULL);

  self->calls = calls ? g_object_ref (calls) : ss_call_log_new ();
  self->fd = fd;
  self->family = family;
  self->type = type;
  self->protocol = protocol;
  self->state = state;
  /* A datagram the kernel drops for a full receive buffer is otherwise
   * lost without a word: with this, each datagram read tells how many
   * were dropped before it was queued. */
  if (!ss_socket_is_stream (self))
    setsockopt (fd, SOL_SOCKET, SO_RXQ_OVFL, &(int) { 1 }, sizeof (int));
  ss_socket_io_start (self);
  return self;
}

/**
 * ss_socket_new:
 * @calls: (nullable): where the calls on this socket are recorded
 *
 * Makes a socket with socket(2). A family or type the kernel refuses gives
 * its error (EAFNOSUPPORT, ESOCKTNOSUPPORT, …), recorded like any call.
 *
 * Returns: (transfer full) (nullable): the socket, or %NULL with @error set
 */
SsSocket *
ss_socket_new (SsCallLog  *calls,
               int         family,
               int         type,
               int         protocol,
               GError    **error)
{
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  int fd, errsv;

  g_return_val_if_fail (calls == NULL || SS_IS_CALL_LOG (calls), NULL);

  fd = socket (family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  errsv = fd < 0 ? errno : 0;

  args = g_strdup_printf ("%s, %s|SOCK_NONBLOCK|SOCK_CLOEXEC, %s",
                          ss_family_name (family), ss_type_name (type), ss_protocol_name (protocol));
  if (protocol == 0)
    python = g_strdup_printf ("sk%d = socket.socket(socket.%s, socket.%s)",
                              MAX (fd, 0), ss_family_name (family), ss_type_name (type));
  else
    python = g_strdup_printf ("sk%d = socket.socket(socket.%s, socket.%s, socket.%s)",
                              MAX (fd, 0), ss_family_name (family), ss_type_name (type),
                              ss_protocol_name (protocol));
  if (calls != NULL)
    ss_call_log_record (calls, -1, "socket", args, python, fd, errsv);

  if (fd < 0)
    {
      ss_set_errno_error (error, errsv, "socket");
      return NULL;
    }

  return ss_socket_new_for_fd (calls, fd, family, type, protocol, SS_SOCKET_CREATED);
}

void
ss_socket_set_state (SsSocket      *self,
                     SsSocketState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  /* before the first byte can be read */
  if (state == SS_SOCKET_CONNECTED && self->record_when != NULL)
    ss_socket_record_pending (self);
  ss_socket_io_update_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_STATE]);
}

static void
set_string_property (SsSocket    *self,
                     char       **field,
                     char        *value,
                     SsSocketProp prop)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }
  g_free (*field);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[prop]);
}

/* An unbound socket's getsockname() is 0.0.0.0:0 (or [::]:0, or an empty
 * Unix name): the window shows "no address" rather than that. */
static gboolean
is_unbound_address (const struct sockaddr_storage *storage,
                    socklen_t                      len)
{
  if (storage->ss_family == AF_INET)
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) storage;
      return sin->sin_port == 0 && sin->sin_addr.s_addr == htonl (INADDR_ANY);
    }
  if (storage->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) storage;
      return sin6->sin6_port == 0 && IN6_IS_ADDR_UNSPECIFIED (&sin6->sin6_addr);
    }
  return len <= sizeof (sa_family_t);
}

/* An address the kernel gives every connection a listener accepts as
 * their own local address: any but a wildcard (0.0.0.0, ::). */
static gboolean
is_specific_address (const struct sockaddr_storage *storage,
                     socklen_t                      len)
{
  if (storage->ss_family == AF_INET)
    return ((const struct sockaddr_in *) storage)->sin_addr.s_addr != htonl (INADDR_ANY);
  if (storage->ss_family == AF_INET6)
    return !IN6_IS_ADDR_UNSPECIFIED (&((const struct sockaddr_in6 *) storage)->sin6_addr);
  return len > sizeof (sa_family_t);
}

/* getsockname(), as the window shows it; NULL when unbound */
static char *
dup_local_address (SsSocket *self)
{
  struct sockaddr_storage storage;
  socklen_t len = sizeof storage;
  g_autoptr(SsAddress) address = NULL;

  if (getsockname (self->fd, (struct sockaddr *) &storage, &len) != 0 ||
      is_unbound_address (&storage, len))
    return NULL;
  self->local_is_specific = is_specific_address (&storage, len);
  address = ss_address_new ((struct sockaddr *) &storage, len);
  return ss_address_to_string (address);
}

/* getsockname() and getpeername(): the kernel's word, after every call that
 * may change them (port 0 becomes a real port at bind). */
void
ss_socket_update_addresses (SsSocket *self)
{
  struct sockaddr_storage storage;
  socklen_t len;
  char *local, *peer = NULL;

  if (self->state == SS_SOCKET_CLOSED)
    return;

  local = dup_local_address (self);
  len = sizeof storage;
  if (getpeername (self->fd, (struct sockaddr *) &storage, &len) == 0)
    {
      g_autoptr(SsAddress) address = ss_address_new ((struct sockaddr *) &storage, len);
      peer = ss_address_to_string (address);
    }

  set_string_property (self, &self->local_address, local, SS_SOCKET_PROP_LOCAL_ADDRESS);
  set_string_property (self, &self->peer_address, peer, SS_SOCKET_PROP_PEER_ADDRESS);
}

/* The addresses of a connection @listener accepted, from @peer (accept4()
 * gave it): its local address is the listener's unless that is a
 * wildcard, so a burst of connections costs no getpeername() at all, and
 * no getsockname() on a listener bound to one address. */
void
ss_socket_set_accepted_addresses (SsSocket   *self,
                                  SsSocket   *listener,
                                  const char *peer)
{
  char *local = listener->local_is_specific ? g_strdup (listener->local_address)
                                            : dup_local_address (self);

  set_string_property (self, &self->local_address, local, SS_SOCKET_PROP_LOCAL_ADDRESS);
  set_string_property (self, &self->peer_address, g_strdup (peer), SS_SOCKET_PROP_PEER_ADDRESS);
}

/* Records the call, and turns a failure into @error. */
gboolean
ss_socket_record (SsSocket    *self,
                  const char  *name,
                  const char  *args,
                  const char  *python,
                  gint64       result,
                  int          errsv,
                  GError     **error)
{
  return ss_socket_record_payload (self, name, args, python, NULL, result, errsv, error);
}

/* The same, for a call that sent @payload (SS_CALL_PAYLOAD in @python). */
gboolean
ss_socket_record_payload (SsSocket    *self,
                          const char  *name,
                          const char  *args,
                          const char  *python,
                          GBytes      *payload,
                          gint64       result,
                          int          errsv,
                          GError     **error)
{
  g_autofree char *tls_args = NULL;
  const char *tls_name = self->tls != NULL ? ss_tls_calls_translate (name, args, &tls_args) : NULL;
  SsCall *call;

  /* through TLS the bytes go by GnuTLS's calls */
  call = ss_call_log_record_payload (self->calls, self->fd, tls_name ? tls_name : name,
                                     tls_name ? tls_args : args, python, payload, result, errsv);
  if (self->tls_bye_sent)
    ss_tls_calls_add_bye (call);
  self->tls_bye_sent = FALSE;
  /* any other call on this socket ends a burst of automatic receives */
  g_clear_object (&self->recv_burst);
  if (errsv == 0)
    return TRUE;
  ss_set_errno_error (error, errsv, name);
  return FALSE;
}

/* "sk3" for sockets the person made, "conn5" for accepted ones, as the seed
 * names them; "ssk3" and "sconn5" once wrap_socket() made them speak TLS.
 * A UDP relay's upstream sockets sit under their relay too, but socket()
 * made them: they stay "sk". */
char *
ss_socket_dup_python_name (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  if (self->tls != NULL)
    return g_strdup_printf ("%s%d", self->accepted ? "sconn" : "ssk", self->fd);
  return g_strdup_printf ("%s%d", self->accepted ? "conn" : "sk", self->fd);
}

gboolean
ss_socket_check_open (SsSocket    *self,
            const char  *call,
            GError     **error)
{
  if (self->state != SS_SOCKET_CLOSED)
    return TRUE;
  g_set_error (error, SS_ERRNO_ERROR, EBADF,
               _("%s: the socket is closed (EBADF)"), call);
  return FALSE;
}

gboolean
ss_socket_listen (SsSocket  *self,
                  int        backlog,
                  GError   **error)
{
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  g_autofree char *name = NULL;
  int result, errsv;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);

  if (!ss_socket_check_open (self, "listen", error))
    return FALSE;

  result = listen (self->fd, backlog);
  errsv = result < 0 ? errno : 0;

  name = ss_socket_dup_python_name (self);
  args = g_strdup_printf ("%d, %d", self->fd, backlog);
  python = g_strdup_printf ("%s.listen(%d)", name, backlog);
  if (!ss_socket_record (self, "listen", args, python, result, errsv, error))
    return FALSE;

  if (self->backlog != backlog)
    {
      self->backlog = backlog;
      g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_BACKLOG]);
    }
  /* listen() on an unbound socket binds it to a port of the kernel's choice. */
  ss_socket_update_addresses (self);
  /* before the state changes, so a page that shows a listener finds it */
  if (self->all_traffic == NULL)
    {
      self->all_traffic = ss_traffic_log_new_merged ();
      ss_traffic_log_add_source (self->all_traffic, self->traffic, NULL, TRUE);
      ss_traffic_log_set_relayed (self->all_traffic, self->relay_target != NULL);
    }
  ss_socket_set_state (self, SS_SOCKET_LISTENING);
  ss_traffic_log_append_event (self->traffic, _("Listening on %s (backlog %d)"),
                               self->local_address, backlog);
  ss_traffic_log_flush (self->traffic);
  return TRUE;
}

void
ss_socket_close (SsSocket *self)
{
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  g_autofree char *name = NULL;
  int result, errsv;

  g_return_if_fail (SS_IS_SOCKET (self));

  if (self->state == SS_SOCKET_CLOSED)
    return;

  g_object_ref (self);
  ss_socket_tls_close (self);
  ss_socket_io_stop (self);

  result = close (self->fd);
  errsv = result < 0 ? errno : 0;
  name = ss_socket_dup_python_name (self);
  args = g_strdup_printf ("%d", self->fd);
  python = g_strdup_printf ("%s.close()", name);
  ss_socket_record (self, "close", args, python, result, errsv, NULL);

  ss_socket_stop_recording (self);
  ss_socket_stop_receive_file (self);
  ss_socket_set_state (self, SS_SOCKET_CLOSED);
  ss_traffic_log_append_event (self->traffic, _("Closed"));
  if (result == 0)
    ss_socket_remove_unix_file (self);
  ss_traffic_log_flush (self->traffic);
  if (self->listener != NULL)
    ss_socket_connection_closed (self->listener);
  if (self->relay_pair != NULL)
    ss_relay_pair_closed (self->relay_pair, self);
  ss_relay_datagram_stop (self);
  g_object_unref (self);
}

/**
 * ss_socket_new_pair:
 * @calls: (nullable): where the call is recorded
 * @type: SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET
 * @first: (out) (transfer full): one end
 * @second: (out) (transfer full): the other end
 *
 * socketpair(AF_UNIX, type): two sockets already connected to each other.
 */
gboolean
ss_socket_new_pair (SsCallLog  *calls,
                    int         type,
                    SsSocket  **first,
                    SsSocket  **second,
                    GError    **error)
{
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  int fds[2] = { -1, -1 };
  int result, errsv;

  g_return_val_if_fail (first != NULL && second != NULL, FALSE);

  result = socketpair (AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds);
  errsv = result < 0 ? errno : 0;

  args = g_strdup_printf ("AF_UNIX, %s|SOCK_NONBLOCK|SOCK_CLOEXEC, 0, [%d, %d]",
                          ss_type_name (type), fds[0], fds[1]);
  python = g_strdup_printf ("sk%d, sk%d = socket.socketpair(socket.AF_UNIX, socket.%s)",
                            MAX (fds[0], 0), MAX (fds[1], 0), ss_type_name (type));
  if (calls != NULL)
    ss_call_log_record (calls, -1, "socketpair", args, python, result, errsv);
  if (result < 0)
    {
      ss_set_errno_error (error, errsv, "socketpair");
      return FALSE;
    }

  *first = ss_socket_new_for_fd (calls, fds[0], AF_UNIX, type, 0, SS_SOCKET_CONNECTED);
  *second = ss_socket_new_for_fd (calls, fds[1], AF_UNIX, type, 0, SS_SOCKET_CONNECTED);
  return TRUE;
}
