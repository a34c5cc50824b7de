/* ss-socket-page-framing.c — a page's framing: what the socket's
 * auto-reply rules follow, and what is kept for the socket's address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <sys/socket.h>

#include "ss-socket-page-private.h"

/* addresses remembered; the oldest go first */
#define MAX_KEPT 64

/* A framing is the protocol's, and a protocol is found at an address: a
 * person testing a device at 192.168.1.50:502, or a server of theirs on
 * port 8000, splits its traffic the same way each time. Not a default
 * for every new socket: an HTTP client should not find its log split as
 * a Modbus device's was. An accepted connection is its listener's.
 * NULL until the socket has the address that names it. */
static char *
dup_key (SsSocket *socket)
{
  SsSocket *listener = ss_socket_get_listener (socket);
  const char *type;

  if (listener != NULL)
    return dup_key (listener);
  switch (ss_socket_get_socket_type (socket))
    {
    case SOCK_STREAM:
      type = "stream";
      break;
    case SOCK_DGRAM:
      type = "datagram";
      break;
    case SOCK_SEQPACKET:
      type = "seqpacket";
      break;
    default:
      return NULL;
    }
  switch (ss_socket_get_state (socket))
    {
    case SS_SOCKET_LISTENING:
      return g_strdup_printf ("%s listen %s", type, ss_socket_get_local_address (socket));
    case SS_SOCKET_CONNECTED:
      if (ss_socket_get_peer_address (socket) != NULL)
        return g_strdup_printf ("%s connect %s", type, ss_socket_get_peer_address (socket));
      return NULL;
    case SS_SOCKET_BOUND:
      if (ss_socket_get_socket_type (socket) == SOCK_DGRAM && ss_socket_get_local_address (socket) != NULL)
        return g_strdup_printf ("%s bind %s", type, ss_socket_get_local_address (socket));
      return NULL;
    case SS_SOCKET_CREATED:
    case SS_SOCKET_CONNECTING:
    case SS_SOCKET_CLOSED:
    default:
      return NULL;
    }
}

/* @key's framing, and the checksum its messages are verified with
 * (*verify NULL: none) */
static gboolean
lookup (SsSocketPage  *self,
        const char    *key,
        SsFramerSpec  *spec,
        SsChecksum   **verify)
{
  g_autoptr(GVariant) kept = g_settings_get_value (self->settings, "framings");
  GVariantIter iter;
  const char *name, *text, *checksum;

  *verify = NULL;
  g_variant_iter_init (&iter, kept);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &name, &text, &checksum))
    if (g_str_equal (name, key))
      {
        if (!ss_framer_spec_parse (text, spec, NULL) || spec->mode == SS_FRAMING_NONE)
          return FALSE;
        /* one that cannot be read (a newer version's) is none */
        if (checksum[0] != '\0')
          *verify = ss_checksum_parse (checksum, NULL);
        return TRUE;
      }
  return FALSE;
}

/* @key's framing (and checksum) first, the others after it; none: @key
 * forgotten */
static void
store (SsSocketPage       *self,
       const char         *key,
       const SsFramerSpec *spec,
       const SsChecksum   *verify)
{
  g_autoptr(GVariant) kept = g_settings_get_value (self->settings, "framings");
  g_autoptr(GVariant) old = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *name, *text, *checksum;
  guint n = 0;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  if (spec->mode != SS_FRAMING_NONE)
    {
      g_autofree char *spec_text = ss_framer_spec_to_string (spec);
      g_autofree char *verify_text = verify != NULL ? ss_checksum_to_string (verify) : NULL;

      g_variant_builder_add (&builder, "(sss)", key, spec_text, verify_text != NULL ? verify_text : "");
      n++;
    }
  g_variant_iter_init (&iter, kept);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &name, &text, &checksum))
    if (!g_str_equal (name, key) && n++ < MAX_KEPT)
      g_variant_builder_add (&builder, "(sss)", name, text, checksum);
  g_settings_set_value (self->settings, "framings", g_variant_builder_end (&builder));
}

/* The socket has (another) address: a framing the person chose on this
 * page is kept for it, else the one kept for it is shown */
static void
address_changed_cb (SsSocketPage *self)
{
  g_autofree char *key = dup_key (self->socket);
  g_autoptr(SsChecksum) verify = NULL;
  SsFramerSpec spec;

  if (key == NULL || self->settings == NULL || g_strcmp0 (key, self->framing_key) == 0)
    return;
  g_free (self->framing_key);
  self->framing_key = g_steal_pointer (&key);
  if (self->framing_chosen)
    store (self, self->framing_key, ss_traffic_view_get_framing (self->traffic_view),
           ss_traffic_view_get_verify (self->traffic_view));
  else if (lookup (self, self->framing_key, &spec, &verify))
    {
      /* before the framing: the messages are framed once, verified */
      ss_traffic_view_set_verify (self->traffic_view, verify);
      ss_traffic_view_set_framing (self->traffic_view, &spec);
      ss_socket_set_framing (self->socket, &spec);
    }
}

static void
framing_chosen_cb (SsSocketPage *self)
{
  const SsFramerSpec *spec = ss_traffic_view_get_framing (self->traffic_view);

  self->framing_chosen = TRUE;
  ss_socket_set_framing (self->socket, spec);
  if (self->framing_key != NULL && self->settings != NULL)
    store (self, self->framing_key, spec, ss_traffic_view_get_verify (self->traffic_view));
}

void
ss_socket_page_setup_framing (SsSocketPage *self)
{
  g_signal_connect_object (self->traffic_view, "framing-chosen", G_CALLBACK (framing_chosen_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->socket, "notify::state", G_CALLBACK (address_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->socket, "notify::peer-address", G_CALLBACK (address_changed_cb),
                           self, G_CONNECT_SWAPPED);
  address_changed_cb (self);
}
