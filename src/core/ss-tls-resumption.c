/* ss-tls-resumption.c — TLS sessions resumed: tickets from our servers, kept by our clients
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Without this, "Resumed: no" would be all a page could ever say. Our
 * listeners give session tickets (under one key for as long as the app
 * runs), and our clients keep the last ticket each server gave, by the
 * server's address, the name asked for and the CA file trusted, and offer
 * it on the next connection. As RFC 8446 asks of TLS 1.3 clients, a
 * ticket is offered once: the next handshake brings a new one.
 *
 * A resumed handshake sends no certificate: what vouches for the server
 * is the handshake that made the ticket. So only a session whose
 * certificate was verified keeps its ticket (never one accepted by
 * --insecure or Connect Anyway), and the ticket carries that session's
 * verified chain, for the resumed one to show.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <sys/socket.h>

#include "ss-address.h"
#include "ss-tls-certificate.h"
#include "ss-tls-resumption.h"

/* a client keeps at most this many servers' tickets */
#define MAX_KEPT 256

typedef struct
{
  GBytes    *data;   /* gnutls_session_get_data2() */
  GPtrArray *chain;  /* of SsTlsCertificate, verified when the ticket came */
} Kept;

static GMutex lock;
static GHashTable *kept;  /* key → Kept */

static void
kept_free (Kept *entry)
{
  g_bytes_unref (entry->data);
  g_ptr_array_unref (entry->chain);
  g_free (entry);
}

/**
 * ss_tls_resumption_key:
 * @fd: a connected socket
 * @servername: (nullable): the name the certificate was checked for
 * @cafile: (nullable): the CA file trusted, or none for the system's
 *
 * Returns: (transfer full) (nullable): what a client's tickets are kept
 *   under: the server's address, the name and the trust
 *   ("127.0.0.1:8443 localhost ca.pem")
 */
char *
ss_tls_resumption_key (int         fd,
                       const char *servername,
                       const char *cafile)
{
  struct sockaddr_storage storage;
  socklen_t len = sizeof storage;
  g_autoptr(SsAddress) peer = NULL;
  g_autofree char *text = NULL;

  if (getpeername (fd, (struct sockaddr *) &storage, &len) != 0)
    return NULL;
  peer = ss_address_new ((struct sockaddr *) &storage, len);
  text = ss_address_to_string (peer);
  return g_strdup_printf ("%s %s %s", text, servername != NULL ? servername : "",
                          cafile != NULL ? cafile : "");
}

/* A client, before its handshake: the ticket this server gave last, if
 * any, and in @chain the certificates verified when it came, which a
 * resumed handshake stands on. Returns whether one was offered. */
gboolean
ss_tls_resumption_offer (gnutls_session_t   session,
                         const char        *key,
                         GPtrArray        **chain)
{
  g_autofree char *stolen_key = NULL;
  Kept *entry = NULL;
  gsize size;
  const guint8 *bytes;
  gboolean offered;

  if (key == NULL)
    return FALSE;
  g_mutex_lock (&lock);
  if (kept != NULL)
    g_hash_table_steal_extended (kept, key, (gpointer *) &stolen_key, (gpointer *) &entry);
  g_mutex_unlock (&lock);
  if (entry == NULL)
    return FALSE;
  bytes = g_bytes_get_data (entry->data, &size);
  offered = gnutls_session_set_data (session, bytes, size) == GNUTLS_E_SUCCESS;
  if (offered)
    *chain = g_ptr_array_ref (entry->chain);
  kept_free (entry);
  return offered;
}

/* A client whose server's certificate, @chain, was verified, once the
 * server has given a ticket (TLS 1.3: a NewSessionTicket after the
 * handshake; TLS 1.2: the handshake itself). Never waits: without a
 * ticket there is nothing to keep. */
gboolean
ss_tls_resumption_keep (gnutls_session_t  session,
                        const char       *key,
                        GPtrArray        *chain)
{
  gnutls_datum_t data = { NULL, 0 };
  Kept *entry;

  if (key == NULL || chain == NULL)
    return FALSE;
  if (gnutls_protocol_get_version (session) == GNUTLS_TLS1_3 &&
      !(gnutls_session_get_flags (session) & GNUTLS_SFLAGS_SESSION_TICKET))
    return FALSE;
  if (gnutls_session_get_data2 (session, &data) != GNUTLS_E_SUCCESS)
    return FALSE;

  entry = g_new0 (Kept, 1);
  entry->data = g_bytes_new (data.data, data.size);
  entry->chain = g_ptr_array_ref (chain);
  g_mutex_lock (&lock);
  if (kept == NULL)
    kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) kept_free);
  if (g_hash_table_size (kept) >= MAX_KEPT && !g_hash_table_contains (kept, key))
    g_hash_table_remove_all (kept);
  g_hash_table_replace (kept, g_strdup (key), entry);
  g_mutex_unlock (&lock);
  gnutls_free (data.data);
  return TRUE;
}

/* A server: give session tickets, all under one key made when the first
 * listener needs it. Under TLS 1.3 a ticket is a message after the
 * handshake; the session was made with GNUTLS_NO_AUTO_SEND_TICKET, so it
 * goes with the first bytes the server sends (ss_tls_session_send()),
 * never unasked: a client that sends, closes and never reads would have
 * unread bytes, and its close would reset the connection, losing what it
 * sent. Returns whether tickets are given. */
gboolean
ss_tls_resumption_enable_server (gnutls_session_t session)
{
  static gsize made;
  static gnutls_datum_t ticket_key;

  if (g_once_init_enter (&made))
    {
      if (gnutls_session_ticket_key_generate (&ticket_key) != GNUTLS_E_SUCCESS)
        ticket_key.size = 0;
      g_once_init_leave (&made, 1);
    }
  return ticket_key.size > 0 && gnutls_session_ticket_enable_server (session, &ticket_key) == GNUTLS_E_SUCCESS;
}

/* for tests: every client starts afresh */
void
ss_tls_resumption_forget_all (void)
{
  g_mutex_lock (&lock);
  g_clear_pointer (&kept, g_hash_table_unref);
  g_mutex_unlock (&lock);
}
