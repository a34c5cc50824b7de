/* bench-util.h — what the benchmarks share: sizes from the environment,
 * a clock, and one measurement per forked child so peaks stay apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean ok;
  double   seconds;
  guint64  bytes;
  guint64  count;
  guint64  dropped;      /* by the kernel, where it can be read */
  guint64  extra;        /* what a benchmark wants besides */
  double   values[8];    /* and more */
  long     maxrss_kib;   /* peak RSS of the measuring process */
  char     note[160];    /* why a run is not ok */
} BenchResult;

typedef void (*BenchFunc) (gconstpointer  data,
                           BenchResult   *result);

/* "4G", "512M", "100k", "1000000" in @name, or @fallback. */
guint64  bench_env_size       (const char    *name,
                               guint64        fallback);
double   bench_now            (void);
long     bench_maxrss_kib     (void);
/* CPU time (user + system) of the calling thread, in seconds */
double   bench_thread_cpu     (void);

/* Runs @func in a forked child and returns what it filled in; ru_maxrss
 * is taken at the child's end unless @func set it (to leave out its own
 * checks). Children share no peak with each other or the parent. */
void     bench_run_forked     (BenchFunc      func,
                               gconstpointer  data,
                               BenchResult   *result);

/* The drops column of /proc/net/udp for a socket bound to
 * 127.0.0.1:@port; G_MAXUINT64 when it cannot be read. */
guint64  bench_udp_drops      (guint16        port);

/* Keeps the calling thread on CPU @index (of those it may use) when
 * SOCKSCOPE_BENCH_PIN is set: sender and receiver on their own cores
 * make runs comparable on a busy machine. */
void     bench_pin_thread     (guint          index);

double   bench_median         (double        *values,
                               guint          n);

/* A socket of @type (SOCK_STREAM or SOCK_DGRAM, with SOCK_NONBLOCK if
 * wanted) bound to 127.0.0.1, port 0, listening with @backlog unless it
 * is 0; *port is its port. */
int      bench_loopback_socket (int            type,
                                int            backlog,
                                guint16       *port);

/* What a stream sender writes: @period bytes of a pattern and then its
 * first BENCH_SEND_CHUNK bytes again, so that one send() never wraps. */
#define BENCH_SEND_CHUNK (256 * 1024)

typedef struct
{
  guint16       port;        /* on 127.0.0.1 */
  guint64       n_bytes;
  double        deadline;    /* bench_now() past which it gives up */
  const guint8 *pattern;
  gsize         period;
  guint16       local_port;  /* its own, once connected */
} BenchStreamSender;

/* A GThreadFunc: connects to @sender's port and sends the pattern from
 * its start until n_bytes are sent, the receiver closes, or the
 * deadline; the same for the reference and the Sockscope runs. */
gpointer bench_stream_sender   (gpointer       sender);

/* The reference receiver: recv() on the stream @fd into a 64 KiB buffer
 * until @n_bytes have come, the peer's end, or @deadline, each chunk also
 * written to @file unless it is -1 (a failed write stops it, *written
 * FALSE). Returns the bytes received; *rounds counts the recv() calls but
 * the last. @rounds and @written may be NULL. */
guint64  bench_recv_stream     (int            fd,
                                guint64        n_bytes,
                                double         deadline,
                                int            file,
                                guint         *rounds,
                                gboolean      *written);

G_END_DECLS
