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

G_END_DECLS
