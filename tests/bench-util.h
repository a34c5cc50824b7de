/* bench-util.h — what the benchmarks share: sizes from the environment,
 * a clock, and one measurement per forked child so peaks stay apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean ok;
  double   seconds;
  guint64  bytes;
  guint64  count;
  guint64  dropped;      /* by the kernel, where it can be read */
  guint64  extra;        /* what a benchmark wants besides */
  double   values[24];   /* and more */
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

/* A TCP_NODELAY connection to 127.0.0.1:@port, or -1 */
int      bench_connect_loopback (guint16       port);

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
  /* gated: once connected it waits for bench_stream_sender_go(), which
   * sets the deadline (g_mutex_init() and g_cond_init() them first) */
  gboolean      gated;
  GMutex        mutex;
  GCond         cond;
  gboolean      go;
} BenchStreamSender;

void     bench_stream_sender_go (BenchStreamSender *sender,
                                 double             deadline);

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

/* SOCKSCOPE_BENCH_ROUNDS, at least 1 (default 3) */
guint    bench_env_rounds      (void);

/* A field of /proc/self/status in KiB ("VmRSS"); 0 when it cannot be
 * read. The peak (VmHWM) falls back to ru_maxrss. */
long     bench_proc_status_kib (const char    *field);
long     bench_vm_hwm_kib      (void);

/* @period bytes of the flood's pattern and then its start again, to
 * @size bytes: the same for the stream floods' reference and Sockscope. */
void     bench_fill_pattern    (guint8        *pattern,
                                gsize          size,
                                gsize          period);

/* ------------------------------------------------------------------ */
/* rounds and their printing                                           */

typedef void (*BenchPrintFunc) (const char        *name,
                                const BenchResult *result);

/* SOCKSCOPE_BENCH_ONLY=sockscope: runs @func once in this process (one
 * side alone, under a profiler), prints it as @name and returns TRUE. */
gboolean bench_only_sockscope  (BenchFunc      func,
                                gconstpointer  data,
                                const char    *name,
                                BenchPrintFunc print);
/* bench_run_forked(), then @print as @name */
void     bench_run_print       (BenchFunc      func,
                                gconstpointer  data,
                                const char    *name,
                                BenchPrintFunc print,
                                BenchResult   *result);
/* The end of a run's line: why it failed, and the newline. */
void     bench_print_end       (const BenchResult *result);

/* A round's figures for both sides, medians taken at the end. */
typedef struct
{
  guint   n;
  double *reference;
  double *sockscope;
  double *reference_cpu;
  double *sockscope_cpu;
} BenchRounds;

/* bench_env_rounds() rounds, zeroed */
void     bench_rounds_init     (BenchRounds   *rounds);
void     bench_rounds_clear    (BenchRounds   *rounds);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BenchRounds, bench_rounds_clear)
/* "  (medians; @what: reference …, sockscope …, cost ratio …", the CPU
 * medians with @precision decimals and @unit; the caller ends it. */
void     bench_print_cpu_medians (BenchRounds *rounds,
                                  const char  *what,
                                  int          precision,
                                  const char  *unit);

/* ------------------------------------------------------------------ */
/* many connections: a client child and the reference accept loop     */

/* BenchResult.values slot for the accepting thread's CPU time */
#define BENCH_ACCEPTER_CPU 0

/* What the client reports once it has made every connect() call. */
typedef struct
{
  guint failed;
  int   first_errno;
} BenchClientReport;

typedef struct
{
  pid_t pid;
  int   go;        /* bench_client_go() starts it; close to end the client */
  int   report;    /* the BenchClientReport comes here */
} BenchClient;

/* Forks a client that, on bench_client_go(), connect()s @n times to
 * 127.0.0.1:@port without waiting for any to complete, but paced by the
 * accept queue of @listener so that it never overflows, into @fds (made
 * before the fork: the child allocates nothing), and holds them. Fork it
 * first, while the process is small: each page a big process writes
 * after a fork is first copied for it (copy-on-write), a cost no client
 * a person starts puts on the app; the go hands it the listener. */
BenchClient       bench_client_start  (guint              n,
                                       int               *fds);
void              bench_client_go     (BenchClient       *client,
                                       guint16            port,
                                       int                listener);
/* Ends a client that was never told to go */
void              bench_client_cancel (BenchClient       *client);
/* Ends the client (its connections reset) and returns what it reported. */
BenchClientReport bench_client_finish (BenchClient       *client);
/* A note in @result if the client failed. */
void              bench_note_client   (BenchResult       *result,
                                       const BenchClientReport *report);

/* Each process holds one end of every connection: raises the soft
 * RLIMIT_NOFILE and returns @n scaled down to what the hard limit and the
 * ephemeral ports allow with @fd_spare besides, saying so after @name. */
guint    bench_fit_connections (const char    *name,
                                guint          n,
                                guint          fd_spare);

/* The reference: a minimal C accept4() loop with poll() on a non-blocking
 * listener with @backlog, @n connections from a client child, for up to
 * @time_limit s. */
void     bench_accept_reference (guint         n,
                                 int           backlog,
                                 double        time_limit,
                                 BenchResult  *result);

/* A run's line up to its peak RSS: accepted, rate, accepter CPU. */
void     bench_print_accepted  (const char        *name,
                                const BenchResult *result);

G_END_DECLS
