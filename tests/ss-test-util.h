/* ss-test-util.h — bounded waits on the main context, raw loopback peers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sys/socket.h>

#include "ss-system-row.h"

G_BEGIN_DECLS

/* Every wait in the tests is bounded by one of these; they are generous
 * because a loaded CI machine (or a sanitizer build) is slow, and a test
 * that passes never waits that long. */
#define SS_TEST_TIMEOUT_MS      10000
#define SS_TEST_LONG_TIMEOUT_MS 30000

typedef gboolean (*SsTestCondition) (gpointer user_data);

void      ss_test_wait_until_full      (SsTestCondition  condition,
                                        gpointer         user_data,
                                        guint            timeout_ms,
                                        const char      *what,
                                        const char      *file,
                                        int              line,
                                        const char      *func);

/* Iterates the default main context until @condition returns TRUE; fails
 * the test, naming the condition, when @timeout_ms pass first. */
#define ss_test_wait_until(condition, user_data, timeout_ms) \
  ss_test_wait_until_full ((condition), (user_data), (timeout_ms), \
                           #condition, __FILE__, __LINE__, G_STRFUNC)

/* The same, returning FALSE on timeout instead of failing, for a caller
 * that must clean up first (kill a subprocess). */
gboolean  ss_test_try_wait_until       (SsTestCondition  condition,
                                        gpointer         user_data,
                                        guint            timeout_ms);

/* Iterates the default main context without blocking until nothing is
 * ready, so pending idles (GTask completions, notifications) have run. */
void      ss_test_drain_main_context   (void);

/* Runs the main loop for @ms, so anything that was going to happen has. */
void      ss_test_iterate_for          (guint          ms);

/* The descriptors this process holds (the entries of /proc/self/fd). */
guint     ss_test_count_fds            (void);

/* An items-changed handler counting the signals in (guint *) @count. */
void      ss_test_count_changes_cb     (GListModel    *model,
                                        guint          position,
                                        guint          removed,
                                        guint          added,
                                        guint         *count);

/* The row of @rows (SsSystemRow items) for the socket of @inode, and its
 * position if @position is not NULL; NULL when it is not there. The
 * list holds the row (transfer none). */
SsSystemRow *ss_test_find_system_row   (GListModel    *rows,
                                        guint32        inode,
                                        guint         *position);

/* A GAsyncReadyCallback storing a ref on the result into
 * (GAsyncResult **) @user_data. */
void      ss_test_store_result_cb      (GObject       *source,
                                        GAsyncResult  *result,
                                        gpointer       user_data);
gboolean  ss_test_pointer_is_set       (gpointer       pointer_location);
gboolean  ss_test_pointer_is_null      (gpointer       pointer_location);
gboolean  ss_test_flag_is_set          (gpointer       gboolean_location);

#define ss_test_wait_result(result_location, timeout_ms) \
  ss_test_wait_until_full (ss_test_pointer_is_set, (result_location), (timeout_ms), \
                           "async result " #result_location, \
                           __FILE__, __LINE__, G_STRFUNC)

/* Raw sockets as the other end of a connection: plain socket(2) calls,
 * non-blocking, loopback only, port 0. */
gboolean  ss_test_have_ipv6_loopback  (void);
int       ss_test_raw_listener        (int            family,
                                       int            rcvbuf,
                                       guint16       *port);
int       ss_test_raw_accept          (int            listener,
                                       guint          timeout_ms);
int       ss_test_raw_connect         (int            family,
                                       guint16        port,
                                       guint          timeout_ms);
guint16   ss_test_fd_local_port       (int            fd);
socklen_t ss_test_loopback_address    (int            family,
                                       guint16        port,
                                       struct sockaddr_storage *storage);
guint16   ss_test_unused_port         (int            family);
/* A port no socket holds (the kernel's pick, let go at once): a server
 * can bind it again, as one given by a person */
guint16   ss_test_free_port           (int            family);
void      ss_test_raw_send_all        (int            fd,
                                       const void    *data,
                                       gsize          len,
                                       guint          timeout_ms);
GBytes   *ss_test_raw_recv            (int            fd,
                                       gsize          len,
                                       gboolean       until_eof,
                                       guint          timeout_ms);
void      ss_test_raw_close_with_reset (int           fd);
/* Through a relay: @client sends @request and half-closes; @server reads
 * it to the end, answers @reply and half-closes; @client reads that to
 * the end. Each side must get exactly what the other sent. */
void      ss_test_raw_exchange        (int            client,
                                       int            server,
                                       const char    *request,
                                       const char    *reply);

/* A raw UDP socket bound to loopback, port 0, and the next datagram
 * on it, whole (at most 2 KiB), with its sender's port. */
int       ss_test_raw_udp_socket      (int            family,
                                       guint16       *port);
void      ss_test_raw_sendto          (int            fd,
                                       guint16        port,
                                       const char    *text);
GBytes   *ss_test_raw_recv_datagram   (int            fd,
                                       guint16       *from_port,
                                       guint          timeout_ms);

/* @fd gets exactly @expected next (a relay forwarded it); or nothing at
 * all though the main loop ran (a relay holds it). */
void      ss_test_raw_expect          (int            fd,
                                       const char    *expected);
void      ss_test_raw_expect_nothing  (int            fd);

/* "127.0.0.1:40123" → 40123; fails the test on anything else. */
guint16   ss_test_port_of             (const char    *address);

/* The whole file at @path; fails the test when it cannot be read. */
GBytes   *ss_test_read_file           (const char    *path);
void      ss_test_remove_tree         (GFile         *dir);

/* A copy of a list model kept up to date from items-changed alone: if a
 * signal says the wrong positions, the copy and the model part ways. */
typedef struct
{
  GListModel *model;
  GPtrArray  *items;
  guint       n_signals;
} SsTestMirror;

void      ss_test_mirror_init          (SsTestMirror  *mirror,
                                        gpointer       model);
void      ss_test_mirror_check         (SsTestMirror  *mirror);
void      ss_test_mirror_clear         (SsTestMirror  *mirror);

/* TcpExt ListenOverflows: SYNs dropped for a full accept queue, or -1 */
gint64    ss_test_listen_overflows     (void);

G_END_DECLS
