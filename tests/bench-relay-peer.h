/* bench-relay-peer.h — socat as the reference relay of the relay benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "bench-util.h"

G_BEGIN_DECLS

/* `socat -b65536 TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr[,fork]
 * TCP:127.0.0.1:@target_port` on a free port (*port), once its listener
 * is up (at most 10 s); NULL with a note in @note when it could not
 * start. */
GSubprocess *bench_socat_relay_start (guint16   target_port,
                                      gboolean  fork,
                                      guint16  *port,
                                      char     *note,
                                      gsize     note_size);
/* CPU time (user + system) @socat has used so far, in seconds */
double       bench_socat_cpu         (GSubprocess *socat);
/* Ends it, and its forked children with it. */
void         bench_socat_relay_stop  (GSubprocess *socat);

/* The server behind the relay: accepts one connection on @listener and
 * reads until n_bytes, checking each byte against @pattern (repeating
 * every @period bytes), so what arrives is exactly what was sent. */
typedef struct
{
  int           listener;
  guint64       n_bytes;
  double        deadline;
  const guint8 *pattern;
  gsize         period;
  guint64       received;
  gboolean      intact;
  double        end;
  gint          done;     /* set last; the main context is woken */
} BenchRelayServer;

gpointer     bench_relay_server_thread (gpointer server);

/* What the server read into @result: the seconds from @start to its
 * last byte, the bytes, ok when all came intact (a note otherwise). */
void         bench_relay_server_result (BenchRelayServer *server,
                                        double            start,
                                        BenchResult      *result);

/* The reference run of a stream through a relay: @n_bytes of @pattern
 * from a BenchStreamSender through socat to a BenchRelayServer, for up to
 * @time_limit s; socat's CPU time in result->values[@cpu_slot]. */
void         bench_socat_stream      (guint64           n_bytes,
                                      const guint8     *pattern,
                                      gsize             period,
                                      double            time_limit,
                                      guint             cpu_slot,
                                      BenchResult      *result);

/* The port of a Sockscope socket's local address ("127.0.0.1:PORT") */
guint16      bench_port_of_address   (const char  *address);

G_END_DECLS
