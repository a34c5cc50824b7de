/* ss-socket-send.c — send() and sendto() by hand: one call, its count shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "ss-constants.h"
#include "ss-error.h"
#include "ss-escape.h"
#include "ss-socket-private.h"

/**
 * ss_socket_send_once:
 * @to: (nullable): the destination, for sendto() on a datagram socket
 *
 * One send() (or sendto()) call, as Python's send(): the kernel may take
 * fewer bytes than given, and the count shows it. Nothing is queued.
 *
 * Returns: the bytes the kernel took, or -1 with @error set (EAGAIN when
 *   its buffer is full)
 */
gssize
ss_socket_send_once (SsSocket         *self,
                     GBytes           *bytes,
                     const SsAddress  *to,
                     GError          **error)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), -1);
  g_return_val_if_fail (bytes != NULL, -1);

  return ss_socket_try_send (self, bytes, to, TRUE, error);
}

/* One send() by hand; see ss_socket_try_recv() for @record_would_block. */
gssize
ss_socket_try_send (SsSocket         *self,
                    GBytes           *bytes,
                    const SsAddress  *to,
                    gboolean          record_would_block,
                    GError          **error)
{
  g_autofree char *name = NULL;
  g_autofree char *c_literal = NULL;
  g_autofree char *args = NULL;
  g_autofree char *python = NULL;
  const guint8 *data;
  gsize len;
  gssize n;
  int errsv;

  if (!ss_socket_check_open (self, to ? "sendto" : "send", error))
    return -1;
  if (self->queued > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Send all is still sending %" PRIu64 " byte: wait for it, or close the socket",
                                "Send all is still sending %" PRIu64 " bytes: wait for it, or close the socket",
                                self->queued),
                   self->queued);
      return -1;
    }

  data = g_bytes_get_data (bytes, &len);
  do
    n = to ? sendto (self->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT,
                     (const struct sockaddr *) &to->storage, to->len)
           : send (self->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  errsv = n < 0 ? errno : 0;
  if (n < 0 && (errsv == EAGAIN || errsv == EWOULDBLOCK) && !record_would_block)
    {
      ss_set_errno_error (error, errsv, to ? "sendto" : "send");
      return -1;
    }

  name = ss_socket_dup_python_name (self);
  c_literal = ss_escape_literal (data, len, 64, FALSE);
  if (to != NULL)
    {
      g_autofree char *to_text = ss_address_to_string (to);
      g_autofree char *to_python = ss_address_to_python (to);

      args = g_strdup_printf ("%d, %s, %" G_GSIZE_FORMAT ", MSG_NOSIGNAL, {%s, %s}, %u", self->fd,
                              c_literal, len, ss_family_name (ss_address_get_family (to)),
                              to_text, to->len);
      python = g_strdup_printf ("%s.sendto(" SS_CALL_PAYLOAD ", %s)", name, to_python);
    }
  else
    {
      args = g_strdup_printf ("%d, %s, %" G_GSIZE_FORMAT ", MSG_NOSIGNAL", self->fd, c_literal, len);
      python = g_strdup_printf ("%s.send(" SS_CALL_PAYLOAD ")", name);
    }
  ss_socket_record_payload (self, to ? "sendto" : "send", args, python, bytes, n, errsv, error);

  if (n >= 0)
    {
      if (n > 0 || !ss_socket_is_stream (self))
        ss_socket_log_chunk (self, SS_TRAFFIC_SENT, data, n, to);
      g_object_notify_by_pspec (G_OBJECT (self), ss_socket_properties[SS_SOCKET_PROP_BYTES_OUT]);
    }
  else if (errsv != EAGAIN && errsv != EWOULDBLOCK && !self->write_shut &&
           self->state == SS_SOCKET_CONNECTED && ss_socket_is_stream (self))
    ss_socket_connection_failed (self, errsv, "send");
  ss_traffic_log_flush (self->traffic);
  return n;
}

/**
 * ss_socket_dup_open_connections:
 *
 * Returns: (transfer full) (element-type SsSocket): the listener's
 *   connections that are still connected, oldest first
 */
GPtrArray *
ss_socket_dup_open_connections (SsSocket *self)
{
  GPtrArray *open = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_val_if_fail (SS_IS_SOCKET (self), open);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) connection = g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      if (connection->state == SS_SOCKET_CONNECTED && connection->failure == 0 &&
          !connection->write_shut)
        g_ptr_array_add (open, g_steal_pointer (&connection));
    }
  return open;
}

/**
 * ss_socket_send_to_connections:
 *
 * sendall() of @bytes on every open connection of a listener, each once.
 * A connection that fails is logged on its own page and skipped.
 *
 * Returns: how many connections it was queued on; 0 with @error set when
 *   there were none or every one failed
 */
guint
ss_socket_send_to_connections (SsSocket  *self,
                               GBytes    *bytes,
                               GError   **error)
{
  g_autoptr(GPtrArray) connections = NULL;
  g_autoptr(GError) last_error = NULL;
  guint sent = 0;

  g_return_val_if_fail (SS_IS_SOCKET (self), 0);
  g_return_val_if_fail (bytes != NULL, 0);

  connections = ss_socket_dup_open_connections (self);
  for (guint i = 0; i < connections->len; i++)
    {
      g_clear_error (&last_error);
      if (ss_socket_send (g_ptr_array_index (connections, i), bytes, &last_error))
        sent++;
    }

  if (sent > 0)
    return sent;
  if (last_error != NULL)
    g_propagate_error (error, g_steal_pointer (&last_error));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                 _("No open connection to send to: this listener has none accepted that is still connected"));
  return 0;
}
