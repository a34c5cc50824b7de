/* ss-session.c — the sockets of one window and the calls made on them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include <sys/socket.h>

#include "ss-address.h"
#include "ss-recorder.h"
#include "ss-session.h"
#include "ss-tls-config.h"
#include "ss-socket-options.h"

struct _SsSession
{
  GObject     parent_instance;
  GListStore *sockets;
  SsCallLog  *calls;
  char       *record_path;   /* --record */
  SsTlsConfig *tls_config;   /* --cert, --cafile, … for tls: specs */
  GArray     *relay_faults[SS_N_TOXIC_DIRECTIONS];  /* --toxic, for relay specs */
  guint       record_count;
  gboolean    close_on_peer_close;  /* for new sockets */
  guint       closed_retention;
  guint       relay_idle_ms;
};

G_DEFINE_FINAL_TYPE (SsSession, ss_session, G_TYPE_OBJECT)

static void
ss_session_dispose (GObject *object)
{
  SsSession *self = SS_SESSION (object);

  g_clear_object (&self->sockets);
  g_clear_object (&self->calls);
  g_clear_pointer (&self->record_path, g_free);
  g_clear_pointer (&self->tls_config, ss_tls_config_unref);
  for (guint d = 0; d < SS_N_TOXIC_DIRECTIONS; d++)
    g_clear_pointer (&self->relay_faults[d], g_array_unref);

  G_OBJECT_CLASS (ss_session_parent_class)->dispose (object);
}

static void
ss_session_class_init (SsSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ss_session_dispose;
}

static void
ss_session_init (SsSession *self)
{
  self->sockets = g_list_store_new (SS_TYPE_SOCKET);
  self->calls = ss_call_log_new ();
  self->closed_retention = G_MAXUINT;
  self->relay_idle_ms = 60 * 1000;
}

SsSession *
ss_session_new (void)
{
  return g_object_new (SS_TYPE_SESSION, NULL);
}

/**
 * ss_session_get_sockets:
 *
 * Returns: (transfer none): the sockets made in this session; accepted
 *   connections are under their listener (ss_socket_get_connections())
 */
GListModel *
ss_session_get_sockets (SsSession *self)
{
  g_return_val_if_fail (SS_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->sockets);
}

/**
 * ss_session_get_calls:
 *
 * Returns: (transfer none): every call made, in order, on every socket
 */
SsCallLog *
ss_session_get_calls (SsSession *self)
{
  g_return_val_if_fail (SS_IS_SESSION (self), NULL);
  return self->calls;
}

/**
 * ss_session_create_socket:
 *
 * Returns: (transfer none) (nullable): the new socket, or %NULL with the
 *   kernel's error (the failed call is in the call log too)
 */
SsSocket *
ss_session_create_socket (SsSession  *self,
                          int         family,
                          int         type,
                          int         protocol,
                          GError    **error)
{
  g_autoptr(SsSocket) socket = NULL;

  g_return_val_if_fail (SS_IS_SESSION (self), NULL);

  socket = ss_socket_new (self->calls, family, type, protocol, error);
  if (socket == NULL)
    return NULL;
  ss_socket_set_close_on_peer_close (socket, self->close_on_peer_close);
  ss_socket_set_closed_retention (socket, self->closed_retention);
  ss_socket_set_relay_idle_timeout (socket, self->relay_idle_ms);
  g_list_store_append (self->sockets, socket);
  return socket;
}

void
ss_session_remove_socket (SsSession *self,
                          SsSocket  *socket)
{
  guint position;

  g_return_if_fail (SS_IS_SESSION (self));
  g_return_if_fail (SS_IS_SOCKET (socket));

  if (g_list_store_find (self->sockets, socket, &position))
    g_list_store_remove (self->sockets, position);
}

static void
open_connected_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (ss_socket_connect_finish (SS_SOCKET (object), result, &error))
    g_task_return_pointer (task, g_object_ref (object), g_object_unref);
  else
    g_task_return_error (task, error);
}

/* A socket for a spec, recording with --record: the first spec records
 * to the path, the next to "-2", "-3" … */
static SsSocket *
create_for_spec (SsSession  *self,
                 int         family,
                 int         type,
                 GError    **error)
{
  SsSocket *socket = ss_session_create_socket (self, family, type, 0, error);

  if (socket != NULL && self->record_path != NULL)
    {
      g_autofree char *path = ss_recorder_numbered_path (self->record_path, ++self->record_count);

      ss_socket_record_when_connected (socket, path);
    }
  return socket;
}

/* a TLS relay: its clients' leg with the listener's certificate, its
 * target's with the name the target was given by */
static gboolean
open_relay_tls (SsSession     *self,
                SsSocket      *socket,
                const SsSpec  *spec,
                GError       **error)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (!spec->tls && !spec->target_tls)
    return TRUE;
  if (self->tls_config == NULL)
    self->tls_config = ss_tls_config_new ();
  if (spec->tls && !ss_socket_set_tls (socket, self->tls_config, NULL, error))
    return FALSE;
  if (spec->target_tls && ss_address_split (spec->target, &host, &port, NULL))
    {
      g_autoptr(SsTlsConfig) target = NULL;

      /* the window's choice for this relay, the rest as the command line said */
      if (spec->target_verify_chosen)
        {
          target = ss_tls_config_copy (self->tls_config);
          ss_tls_config_set_insecure (target, spec->target_insecure);
          if (spec->target_cafile != NULL && !ss_tls_config_set_cafile (target, spec->target_cafile, error))
            return FALSE;
        }
      ss_socket_set_relay_tls (socket, target != NULL ? target : self->tls_config, host);
    }
  return TRUE;
}

/* A relay's target, resolved after its own address (kept in the task). */
static void
open_target_resolved_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SsSession *self = g_task_get_source_object (task);
  const SsSpec *spec = g_task_get_task_data (task);
  SsAddress *address = g_object_get_data (G_OBJECT (task), "ss-listen-address");
  g_autoptr(SsAddress) target = NULL;
  SsSocket *socket;
  GError *error = NULL;

  target = ss_address_resolve_finish (result, &error);
  if (target == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  socket = create_for_spec (self, ss_address_get_family (address), ss_spec_socket_type (spec), &error);
  if (socket == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!ss_spec_is_unix (spec) && ss_spec_socket_type (spec) == SOCK_STREAM)
    ss_socket_set_option (socket, ss_socket_option_find ("SO_REUSEADDR"), 1, NULL);
  /* the target is set between bind and listen: no client is accepted
   * before it is known, and a relay to its own address is refused; a UDP
   * relay receives once bound */
  for (guint d = 0; d < SS_N_TOXIC_DIRECTIONS; d++)
    if (self->relay_faults[d] != NULL)
      ss_socket_set_relay_faults (socket, d, (const SsToxicSpec *) self->relay_faults[d]->data,
                                  self->relay_faults[d]->len);
  if (ss_socket_bind (socket, address, &error) &&
      ss_socket_set_relay_target (socket, target, &error) &&
      (ss_spec_socket_type (spec) == SOCK_DGRAM ||
       ss_socket_listen (socket, ss_socket_max_backlog (), &error)) &&
      open_relay_tls (self, socket, spec, &error))
    g_task_return_pointer (task, g_object_ref (socket), g_object_unref);
  else
    {
      ss_socket_close (socket);
      g_task_return_error (task, error);
    }
}

/* a client's TLS starts once it connects; a listener's once it listens */
static gboolean
open_tls (SsSession       *self,
          SsSocket        *socket,
          const SsSpec    *spec,
          GError         **error)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (self->tls_config == NULL)
    self->tls_config = ss_tls_config_new ();
  if (ss_spec_is_listen (spec))
    return TRUE;
  if (!ss_address_split (spec->address, &host, &port, error))
    return FALSE;
  return ss_socket_set_tls (socket, self->tls_config, host, error);
}

static void
open_resolved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SsSession *self = g_task_get_source_object (task);
  const SsSpec *spec = g_task_get_task_data (task);
  g_autoptr(SsAddress) address = NULL;
  SsSocket *socket;
  GError *error = NULL;

  address = ss_address_resolve_finish (result, &error);
  if (address == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (ss_spec_is_relay (spec))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_object_set_data_full (G_OBJECT (task), "ss-listen-address",
                              g_steal_pointer (&address), (GDestroyNotify) ss_address_free);
      ss_address_resolve_async (spec->target, ss_spec_is_unix (spec) ? AF_UNIX : AF_UNSPEC,
                                NULL, cancellable, open_target_resolved_cb, g_steal_pointer (&task));
      return;
    }

  socket = create_for_spec (self, ss_address_get_family (address), ss_spec_socket_type (spec), &error);
  if (socket == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (spec->tls && !open_tls (self, socket, spec, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!ss_spec_is_listen (spec))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      /* read before: g_steal_pointer() may be evaluated first */
      ss_socket_connect (socket, address, cancellable,
                         open_connected_cb, g_steal_pointer (&task));
      return;
    }

  /* as Python's socketserver does: a listener restarted at once must not
   * find its port taken by the last run's connections in TIME_WAIT */
  if (ss_spec_socket_type (spec) == SOCK_STREAM && !ss_spec_is_unix (spec))
    ss_socket_set_option (socket, ss_socket_option_find ("SO_REUSEADDR"), 1, NULL);

  /* a datagram "listener" is a bound socket: it receives without
   * listen(); a server takes bursts of connections, so the kernel's
   * longest accept queue, not Python's default of 128 */
  if (ss_socket_bind (socket, address, &error) &&
      (ss_spec_socket_type (spec) == SOCK_DGRAM ||
       ss_socket_listen (socket, ss_socket_max_backlog (), &error)))
    {
      if (spec->tls && !ss_socket_set_tls (socket, self->tls_config, NULL, &error))
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, g_object_ref (socket), g_object_unref);
    }
  else
    g_task_return_error (task, error);
}

static SsSpec *
spec_copy (const SsSpec *spec)
{
  SsSpec *copy = g_new0 (SsSpec, 1);

  copy->kind = spec->kind;
  copy->address = g_strdup (spec->address);
  copy->target = g_strdup (spec->target);
  copy->tls = spec->tls;
  copy->target_tls = spec->target_tls;
  copy->target_verify_chosen = spec->target_verify_chosen;
  copy->target_cafile = g_strdup (spec->target_cafile);
  copy->target_insecure = spec->target_insecure;
  return copy;
}

/**
 * ss_session_open_async:
 *
 * Runs the seed's recipe for @spec, each step a recorded call as if
 * clicked: socket → bind → listen for tcp-listen and unix-listen (loopback
 * when no host is given), socket → bind for udp-listen, socket → connect
 * for tcp, udp and unix; a relay is a listener told its target between
 * bind and listen.
 */
void
ss_session_open_async (SsSession           *self,
                       const SsSpec        *spec,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SS_IS_SESSION (self));
  g_return_if_fail (spec != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ss_session_open_async);
  g_task_set_task_data (task, spec_copy (spec), (GDestroyNotify) ss_spec_free);
  ss_address_resolve_async (spec->address, ss_spec_is_unix (spec) ? AF_UNIX : AF_UNSPEC,
                            "127.0.0.1", cancellable,
                            open_resolved_cb, task);
}

/**
 * ss_session_open_finish:
 *
 * Returns: (transfer full) (nullable): the listening or connected socket;
 *   an error names the spec it came from, since several may be opened
 */
SsSocket *
ss_session_open_finish (SsSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *spec = NULL;
  SsSocket *socket;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  socket = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (socket == NULL)
    {
      spec = ss_spec_to_string (g_task_get_task_data (G_TASK (result)));
      g_prefix_error (&local_error, "%s: ", spec);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return socket;
}

/**
 * ss_session_create_pair:
 * @type: SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET
 *
 * socketpair(AF_UNIX, type): both ends are added to the session.
 *
 * Returns: (transfer none) (nullable): the first end, or %NULL with the
 *   kernel's error
 */
SsSocket *
ss_session_create_pair (SsSession  *self,
                        int         type,
                        GError    **error)
{
  g_autoptr(SsSocket) first = NULL;
  g_autoptr(SsSocket) second = NULL;

  g_return_val_if_fail (SS_IS_SESSION (self), NULL);

  if (!ss_socket_new_pair (self->calls, type, &first, &second, error))
    return NULL;
  g_list_store_append (self->sockets, first);
  g_list_store_append (self->sockets, second);
  return first;
}

/**
 * ss_session_set_record_path:
 * @path: (nullable): a pcapng file
 *
 * The sockets opened from specs from now on record their traffic (see
 * ss_socket_record_when_connected()): the first spec's to @path, the
 * next ones' to numbered names beside it.
 */
void
ss_session_set_record_path (SsSession  *self,
                            const char *path)
{
  g_return_if_fail (SS_IS_SESSION (self));

  g_free (self->record_path);
  self->record_path = g_strdup (path);
  self->record_count = 0;
}

/**
 * ss_session_add_relay_fault:
 *
 * The relays opened from specs from now on get @spec too, after the
 * faults added before it (--toxic).
 */
void
ss_session_add_relay_fault (SsSession         *self,
                            SsToxicDirection   direction,
                            const SsToxicSpec *spec)
{
  g_return_if_fail (SS_IS_SESSION (self));
  g_return_if_fail (direction < SS_N_TOXIC_DIRECTIONS);

  if (self->relay_faults[direction] == NULL)
    self->relay_faults[direction] = g_array_new (FALSE, FALSE, sizeof (SsToxicSpec));
  g_array_append_vals (self->relay_faults[direction], spec, 1);
}

/**
 * ss_session_set_close_on_peer_close:
 *
 * Whether sockets made from now on close their connections when the peer
 * does (see ss_socket_set_close_on_peer_close()); sockets already made
 * keep their own setting.
 */
void
ss_session_set_close_on_peer_close (SsSession *self,
                                    gboolean   close_on_peer_close)
{
  g_return_if_fail (SS_IS_SESSION (self));
  self->close_on_peer_close = !!close_on_peer_close;
}

/**
 * ss_session_set_closed_retention:
 * @retention: how many closed connections each listener keeps in its
 *   list, G_MAXUINT for all
 *
 * For every socket of the session, now and made later (see
 * ss_socket_set_closed_retention()).
 */
/* A setting of every socket of the session, now (new ones take it when made) */
static void
set_on_each (SsSession *self,
             void     (*set) (SsSocket *socket, guint value),
             guint      value)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sockets));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) socket = g_list_model_get_item (G_LIST_MODEL (self->sockets), i);

      set (socket, value);
    }
}

void
ss_session_set_closed_retention (SsSession *self,
                                 guint      retention)
{
  g_return_if_fail (SS_IS_SESSION (self));

  self->closed_retention = retention;
  set_on_each (self, ss_socket_set_closed_retention, retention);
}

/**
 * ss_session_set_relay_idle_timeout:
 * @ms: how long a UDP relay keeps a client's pair without a datagram
 *
 * For every socket of the session, now and made later (see
 * ss_socket_set_relay_idle_timeout()).
 */
void
ss_session_set_relay_idle_timeout (SsSession *self,
                                   guint      ms)
{
  g_return_if_fail (SS_IS_SESSION (self));

  self->relay_idle_ms = ms;
  set_on_each (self, ss_socket_set_relay_idle_timeout, ms);
}

/**
 * ss_session_set_tls_config:
 * @config: (nullable): what tls: and tls-listen: specs use from now on
 */
void
ss_session_set_tls_config (SsSession   *self,
                           SsTlsConfig *config)
{
  g_return_if_fail (SS_IS_SESSION (self));

  if (config != NULL)
    ss_tls_config_ref (config);
  g_clear_pointer (&self->tls_config, ss_tls_config_unref);
  self->tls_config = config;
}
