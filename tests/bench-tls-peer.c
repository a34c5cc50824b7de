/* bench-tls-peer.c — the TLS benchmarks' peers: a GnuTLS client that
 * sends a stream or makes handshakes one after another, and the
 * reference, a minimal C GnuTLS server loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench-tls-peer.h"

#define RECV_BUFFER (64 * 1024)
#define BLOCK_LIMIT_S 10

void
bench_tls_client_init (BenchTlsClient *client)
{
  g_mutex_init (&client->mutex);
  g_cond_init (&client->cond);
}

void
bench_tls_client_clear (BenchTlsClient *client)
{
  g_mutex_clear (&client->mutex);
  g_cond_clear (&client->cond);
}

static int
handshake (gnutls_session_t session,
           double           deadline)
{
  int ret;

  /* a peer that stops answering times a blocking read out (BLOCK_LIMIT_S):
   * the deadline ends the retries */
  do
    ret = gnutls_handshake (session);
  while (ret < 0 && gnutls_error_is_fatal (ret) == 0 && bench_now () < deadline);
  return ret;
}

/* so that no benchmark waits for ever on a peer that stopped */
static void
limit_blocking (int fd)
{
  struct timeval limit = { BLOCK_LIMIT_S, 0 };

  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
}

/* A client session on @fd: no verification (the certificate is the
 * server's own, made for the run), the benchmark's priorities. */
static gnutls_session_t
client_session (gnutls_certificate_credentials_t credentials,
                int                              fd)
{
  gnutls_session_t session;

  if (gnutls_init (&session, GNUTLS_CLIENT) < 0 ||
      gnutls_priority_set_direct (session, BENCH_TLS_PRIORITIES, NULL) < 0 ||
      gnutls_credentials_set (session, GNUTLS_CRD_CERTIFICATE, credentials) < 0)
    g_error ("TLS client: session setup failed");
  gnutls_transport_set_int (session, fd);
  return session;
}

/* waits, bounded by the deadline, for @what to become TRUE under the lock */
static gboolean
wait_for (BenchTlsClient *client,
          gboolean       *flag,
          guint          *count,
          guint           at_least)
{
  gboolean ok;

  g_mutex_lock (&client->mutex);
  for (;;)
    {
      ok = flag != NULL ? *flag : *count >= at_least;
      if (ok || bench_now () > client->deadline)
        break;
      g_cond_wait_until (&client->cond, &client->mutex, g_get_monotonic_time () + 100 * 1000);
    }
  g_mutex_unlock (&client->mutex);
  return ok;
}

static void
send_stream (BenchTlsClient   *client,
             gnutls_session_t  session)
{
  guint rounds = 0;

  while (client->sent < client->n_bytes)
    {
      /* one record each: GnuTLS sends at most 16 KiB a call */
      gsize want = MIN (16384, client->n_bytes - client->sent);
      ssize_t n = gnutls_record_send (session, client->pattern + client->sent % client->period, want);

      if ((n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) && bench_now () < client->deadline)
        continue;
      if (n < 0)
        {
          g_snprintf (client->error, sizeof client->error, "send: %s", gnutls_strerror (n));
          break;
        }
      client->sent += n;
      if (++rounds % 1024 == 0 && bench_now () > client->deadline)
        break;
    }
}

gpointer
bench_tls_client_thread (gpointer user_data)
{
  BenchTlsClient *client = user_data;
  gnutls_certificate_credentials_t credentials;
  guint n = client->n_handshakes > 0 ? client->n_handshakes : 1;

  bench_pin_thread (1);
  gnutls_certificate_allocate_credentials (&credentials);
  for (guint i = 0; i < n; i++)
    {
      int fd = bench_connect_loopback (client->port);
      gnutls_session_t session;
      int ret;

      if (fd < 0)
        g_error ("TLS client: connect: %s", g_strerror (errno));
      limit_blocking (fd);
      session = client_session (credentials, fd);
      ret = handshake (session, client->deadline);

      if (ret < 0)
        {
          g_snprintf (client->error, sizeof client->error, "handshake %u: %s", i + 1, gnutls_strerror (ret));
          gnutls_deinit (session);
          close (fd);
          break;
        }
      if (client->n_handshakes == 0)
        {
          if (client->gated)
            wait_for (client, &client->go, NULL, 0);
          send_stream (client, session);
          /* the receiver closes first: the tickets it sent are unread
           * here, and closing would reset the connection */
          wait_for (client, &client->finish, NULL, 0);
        }
      else
        {
          /* sequential: the server has its handshake done first */
          if (!wait_for (client, NULL, &client->server_done, i + 1))
            {
              g_snprintf (client->error, sizeof client->error, "the server did not finish handshake %u", i + 1);
              i = n;
            }
          else
            client->handshakes++;
        }
      gnutls_deinit (session);
      close (fd);
    }
  gnutls_certificate_free_credentials (credentials);
  return NULL;
}

void
bench_tls_client_go (BenchTlsClient *client,
                     double          deadline)
{
  g_mutex_lock (&client->mutex);
  client->deadline = deadline;
  client->go = TRUE;
  g_cond_broadcast (&client->cond);
  g_mutex_unlock (&client->mutex);
}

void
bench_tls_client_finish (BenchTlsClient *client)
{
  g_mutex_lock (&client->mutex);
  client->finish = TRUE;
  g_cond_broadcast (&client->cond);
  g_mutex_unlock (&client->mutex);
}

void
bench_tls_server_done (BenchTlsClient *client)
{
  g_mutex_lock (&client->mutex);
  client->server_done++;
  g_cond_broadcast (&client->cond);
  g_mutex_unlock (&client->mutex);
}

/* ------------------------------------------------------------------ */

static gnutls_session_t
server_session (gnutls_certificate_credentials_t credentials,
                int                              fd)
{
  gnutls_session_t session;

  if (gnutls_init (&session, GNUTLS_SERVER) < 0 ||
      gnutls_priority_set_direct (session, "NORMAL", NULL) < 0 ||
      gnutls_credentials_set (session, GNUTLS_CRD_CERTIFICATE, credentials) < 0)
    g_error ("TLS reference: session setup failed");
  gnutls_transport_set_int (session, fd);
  return session;
}

guint64
bench_tls_reference (int                              listener,
                     gnutls_certificate_credentials_t credentials,
                     BenchTlsClient                  *client)
{
  static guint8 buffer[RECV_BUFFER];
  guint n = client->n_handshakes > 0 ? client->n_handshakes : 1;
  guint64 total = 0;

  limit_blocking (listener);
  for (guint i = 0; i < n; i++)
    {
      int fd = accept (listener, NULL, NULL);
      gnutls_session_t session;

      if (fd < 0)
        break;
      limit_blocking (fd);
      session = server_session (credentials, fd);
      if (handshake (session, client->deadline) < 0)
        {
          gnutls_deinit (session);
          close (fd);
          break;
        }
      if (client->n_handshakes > 0)
        {
          total++;
          bench_tls_server_done (client);
        }
      else
        {
          guint rounds = 0;

          while (total < client->n_bytes)
            {
              ssize_t got = gnutls_record_recv (session, buffer, sizeof buffer);

              if ((got == GNUTLS_E_AGAIN || got == GNUTLS_E_INTERRUPTED) && bench_now () < client->deadline)
                continue;
              if (got <= 0)
                break;
              total += got;
              if (++rounds % 1024 == 0 && bench_now () > client->deadline)
                break;
            }
        }
      gnutls_deinit (session);
      close (fd);
    }
  return total;
}
