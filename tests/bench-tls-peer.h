/* bench-tls-peer.h — the TLS benchmarks' peers: a GnuTLS client that
 * sends a stream or makes handshakes one after another, and the
 * reference, a minimal C GnuTLS server loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gnutls/gnutls.h>

#include "bench-util.h"

G_BEGIN_DECLS

/* What the client offers, so both servers settle on the same:
 * TLS 1.3 with AES-128-GCM (the figure). */
#define BENCH_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM"

typedef struct
{
  guint16       port;         /* on 127.0.0.1 */
  double        deadline;     /* bench_now() past which it gives up */
  /* a stream: n_bytes of @pattern, repeating every @period bytes */
  guint64       n_bytes;
  const guint8 *pattern;
  gsize         period;
  /* or n_handshakes, one after another: each waits for the server to
   * count its handshake done (bench_tls_server_done()) */
  guint         n_handshakes;
  /* gated: once connected (and its handshake done) the stream waits for
   * bench_tls_client_go() */
  gboolean      gated;

  /* the client's */
  guint64       sent;
  guint         handshakes;
  char          error[96];

  /* the server's side counts here */
  GMutex        mutex;
  GCond         cond;
  gboolean      go;
  guint         server_done;
  gboolean      finish;       /* the stream's receiver is done: close */
} BenchTlsClient;

/* g_mutex_init(), g_cond_init() */
void     bench_tls_client_init    (BenchTlsClient *client);
void     bench_tls_client_clear   (BenchTlsClient *client);
/* A GThreadFunc. The stream's connection is kept open (unread session
 * tickets would make its close a reset) until bench_tls_client_finish(). */
gpointer bench_tls_client_thread  (gpointer        client);
void     bench_tls_client_go      (BenchTlsClient *client,
                                   double          deadline);
void     bench_tls_client_finish  (BenchTlsClient *client);
/* the server counts a handshake done: the client makes the next */
void     bench_tls_server_done    (BenchTlsClient *client);

/* The reference: accepts on the blocking @listener and, with
 * @credentials, either reads the client's stream with gnutls_record_recv()
 * into a 64 KiB buffer until n_bytes (returns the bytes), or completes
 * n_handshakes handshakes one connection after another (returns the
 * count). */
guint64  bench_tls_reference      (int                              listener,
                                   gnutls_certificate_credentials_t credentials,
                                   BenchTlsClient                  *client);

G_END_DECLS
