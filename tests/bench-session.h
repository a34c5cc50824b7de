/* bench-session.h — the Sockscope side of the benchmarks: a session's
 * socket on loopback, opened as the core runs open it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bench-util.h"
#include "ss-session.h"

G_BEGIN_DECLS

/* A socket of @session of @type (SOCK_STREAM or SOCK_DGRAM) bound to
 * 127.0.0.1, port 0, and listening with @backlog unless it is 0; *port is
 * its port. Owned by @session. */
SsSocket *bench_session_socket (SsSession *session,
                                int        type,
                                int        backlog,
                                guint16   *port);

/* The socket of @spec_text ("tcp-relay:…", "tls-listen:…") opened by
 * @session as the app opens it, the main context iterating meanwhile;
 * (transfer full). */
SsSocket *bench_session_open    (SsSession  *session,
                                 const char *spec_text);

/* The kept tail of @log's received direction must be the stream's tail,
 * @pattern repeating every @period bytes: a flood is no excuse to log
 * wrong bytes. FALSE with a note otherwise. */
gboolean  bench_check_kept_tail (SsTrafficLog *log,
                                 const guint8 *pattern,
                                 gsize         period,
                                 char         *note,
                                 gsize         note_size);

/* BenchResult.values slot for the receiving thread's CPU time */
#define BENCH_RECEIVER_CPU 0

/* A stream flood into a session's listener with auto-accept: first in a
 * benchmark's own flood state, which the "accepted" handler gets. */
typedef struct
{
  SsSocket          *connection;  /* the handler sets it */
  gboolean           timed_out;
  guint64            n_bytes;
  guint              timeout_id;
  GThread           *thread;
  double             start;
  double             cpu;
  BenchStreamSender  sender;
} BenchFlood;

/* Opens the listener, connects @accepted (with @flood) to its "accepted",
 * then starts the clocks, the @time_limit and the sender of @n_bytes of
 * @pattern. */
void      bench_flood_start     (BenchFlood   *flood,
                                 SsSession    *session,
                                 guint64       n_bytes,
                                 const guint8 *pattern,
                                 gsize         period,
                                 double        time_limit,
                                 GCallback     accepted);
/* The time limit, or the connection's end or its last byte. */
gboolean  bench_flood_done      (BenchFlood   *flood);
/* The clocks stopped into @result (seconds, receiver CPU, peak RSS). */
void      bench_flood_stop      (BenchFlood   *flood,
                                 BenchResult  *result);

G_END_DECLS
