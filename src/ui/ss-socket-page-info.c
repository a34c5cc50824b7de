/* ss-socket-page-info.c — a page's Socket section: what the socket is,
 * and what the kernel holds for it (polled while the page is shown)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <sys/socket.h>

#include "ss-constants.h"
#include "ss-format.h"
#include "ss-socket-page-private.h"

static void
set_info (SsSocketPage *self,
          InfoRow       row,
          const char   *value)
{
  gtk_label_set_text (self->info_values[row], value && *value ? value : "—");
}

/* Safe by default means loopback; binding to 0.0.0.0 or [::] is one
 * choice away, and then the page says what it means. */
static gboolean
is_exposed (SsSocket *socket)
{
  const char *local = ss_socket_get_local_address (socket);

  return ss_socket_get_state (socket) != SS_SOCKET_CLOSED && local != NULL &&
         (g_str_has_prefix (local, "0.0.0.0:") || g_str_has_prefix (local, "[::]:"));
}

void
ss_socket_page_update_info (SsSocketPage *self)
{
  g_autofree char *kind = ss_format_kind (self->socket);
  g_autofree char *fd = g_strdup_printf ("%d", ss_socket_get_fd (self->socket));
  g_autofree char *family_type = g_strdup_printf ("%s, %s",
                                                  ss_family_name (ss_socket_get_family (self->socket)),
                                                  ss_type_name (ss_socket_get_socket_type (self->socket)));
  g_autofree char *received = ss_format_bytes (ss_socket_get_bytes_in (self->socket));
  g_autofree char *sent = ss_format_bytes (ss_socket_get_bytes_out (self->socket));
  g_autofree char *queued = ss_format_bytes (ss_socket_get_queued (self->socket));

  gtk_label_set_text (self->title_label, kind);
  gtk_widget_set_visible (self->exposure_label, is_exposed (self->socket));
  set_info (self, INFO_FD, fd);
  set_info (self, INFO_KIND, family_type);
  set_info (self, INFO_STATE, ss_format_state (self->socket));
  set_info (self, INFO_LOCAL, ss_socket_get_local_address (self->socket));
  set_info (self, INFO_PEER, ss_socket_get_peer_address (self->socket));
  set_info (self, INFO_RECEIVED, received);
  set_info (self, INFO_SENT, sent);
  set_info (self, INFO_QUEUED, queued);
}

static void
set_kernel_count (SsSocketPage *self,
                  InfoRow       row,
                  int           count)
{
  g_autofree char *text = count >= 0 ? ss_format_bytes (count) : NULL;

  set_info (self, row, text);
}

static void
refresh_tcp_info (SsSocketPage *self)
{
  g_autofree char *rtt = NULL;
  g_autofree char *queue = NULL;
  SsTcpInfo info;

  if (!ss_socket_get_tcp_info (self->socket, &info))
    {
      set_info (self, INFO_TCP_STATE, NULL);
      set_info (self, INFO_RTT, NULL);
      set_info (self, INFO_ACCEPT_QUEUE, NULL);
      return;
    }

  rtt = g_strdup_printf (_("%.3f ms"), info.rtt_us / 1000.0);
  if (g_str_equal (info.state, "LISTEN"))
    /* Translators: the accept queue: "2 waiting of at most 5" */
    queue = g_strdup_printf (_("%u waiting of at most %u"), info.queue, info.backlog);
  set_info (self, INFO_TCP_STATE, info.state);
  set_info (self, INFO_RTT, g_str_equal (info.state, "LISTEN") ? NULL : rtt);
  set_info (self, INFO_ACCEPT_QUEUE, queue);
}

/* What the kernel holds for this socket changes without any event we are
 * told of, so it is polled while the page is on screen. */
gboolean
ss_socket_page_refresh_kernel_view (gpointer user_data)
{
  SsSocketPage *self = user_data;

  set_kernel_count (self, INFO_READABLE, ss_socket_get_readable (self->socket));
  set_kernel_count (self, INFO_UNSENT, ss_socket_get_unsent (self->socket));
  refresh_tcp_info (self);
  return G_SOURCE_CONTINUE;
}

void
ss_socket_page_build_info_grid (SsSocketPage *self)
{
  const char *keys[N_INFO] = {
    [INFO_FD] = _("Descriptor (fileno)"),
    [INFO_KIND] = _("Family, type"),
    [INFO_STATE] = _("State"),
    [INFO_LOCAL] = _("Local (getsockname)"),
    [INFO_PEER] = _("Peer (getpeername)"),
    [INFO_RECEIVED] = _("Received"),
    [INFO_SENT] = _("Sent"),
    [INFO_QUEUED] = _("Waiting to send"),
    [INFO_READABLE] = _("Waiting to be read (FIONREAD)"),
    [INFO_UNSENT] = _("In the send buffer (SIOCOUTQ)"),
    [INFO_TCP_STATE] = _("TCP state (TCP_INFO)"),
    [INFO_RTT] = _("Round-trip time"),
    [INFO_ACCEPT_QUEUE] = _("Accept queue"),
  };

  for (guint i = 0; i < N_INFO; i++)
    {
      GtkWidget *key = gtk_label_new (keys[i]);
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (key), 0);
      gtk_widget_add_css_class (key, "info-key");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      /* wrap, never cut: a Unix path or an IPv6 address can be long */
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_grid_attach (self->info_grid, key, 0, i, 1, 1);
      gtk_grid_attach (self->info_grid, value, 1, i, 1, 1);
      self->info_values[i] = GTK_LABEL (value);
    }
}

/* TCP_INFO has nothing to say of a UDP or Unix socket */
void
ss_socket_page_show_info_rows (SsSocketPage *self)
{
  int family = ss_socket_get_family (self->socket);
  gboolean tcp = (family == AF_INET || family == AF_INET6) &&
                 ss_socket_get_socket_type (self->socket) == SOCK_STREAM;

  for (guint i = INFO_TCP_STATE; i < N_INFO; i++)
    {
      gtk_widget_set_visible (gtk_grid_get_child_at (self->info_grid, 0, i), tcp);
      gtk_widget_set_visible (GTK_WIDGET (self->info_values[i]), tcp);
    }
}
