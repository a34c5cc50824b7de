/* ss-test-process.h — other programs as peers and judges: python3 (or
 * socat, ncat) on a pipe with bounded waits that kill it on failure, and
 * tshark reading a recording back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-test-util.h"

G_BEGIN_DECLS

/* python3's path, or NULL with the test marked skipped. */
char        *ss_test_find_python        (void);

/* Spawns @argv with its stdout on a pipe (the test's own stdout is its
 * TAP stream) and its stderr inherited, so a failing peer says why in the
 * test log; @flags may add a stdin pipe. */
GSubprocess *ss_test_spawn_peer         (GSubprocessFlags    flags,
                                         const char *const  *argv);

/* ss_test_wait_until() that kills @process before failing, so no process
 * outlives a failed test. */
void         ss_test_peer_wait          (GSubprocess        *process,
                                         SsTestCondition     condition,
                                         gpointer            user_data,
                                         guint               timeout_ms,
                                         const char         *what);

/* The next line of the peer's stdout, without its newline; fails the test
 * (killing the peer) on a timeout or when stdout ends first. */
char        *ss_test_peer_read_line     (GSubprocess        *process,
                                         GDataInputStream   *lines,
                                         guint               timeout_ms);

/* Waits for the peer to exit, and asserts it exited with status 0. */
void         ss_test_peer_wait_exit_ok  (GSubprocess        *process,
                                         guint               timeout_ms);

/* Reads everything from a pipe (a subprocess's stdout) until @len bytes
 * or EOF. */
GBytes      *ss_test_stream_read        (GInputStream       *stream,
                                         gsize               len,
                                         guint               timeout_ms);

/* @data in lowercase hex, as a peer's bytes.fromhex() reads it */
char        *ss_test_hex                (const void         *data,
                                         gsize               len);

/* What tshark's "follow" prints: the payload of each direction, one line
 * (of hex) per packet; node 1's lines are indented with a tab. */
typedef struct
{
  char      *node0;   /* "address:port" */
  GPtrArray *packets[2];
} SsTestFollow;

/* TRUE when tshark is installed; otherwise the test is marked skipped. */
gboolean     ss_test_have_tshark        (void);

/* tshark -r @path -qz follow,@protocol,raw,0 into @follow, which
 * ss_test_follow_clear() frees; fails the test when tshark fails or finds
 * no such stream. tshark must be installed. */
void         ss_test_tshark_follow      (const char         *path,
                                         const char         *protocol,
                                         SsTestFollow       *follow);
/* The same for stream number @stream of the file (tshark's tcp.stream). */
void         ss_test_tshark_follow_stream (const char       *path,
                                           const char       *protocol,
                                           guint             stream,
                                           SsTestFollow     *follow);
/* The packets of @node (0 or 1), one after the other */
GBytes      *ss_test_follow_concat      (SsTestFollow       *follow,
                                         guint               node);
void         ss_test_follow_clear       (SsTestFollow       *follow);

G_END_DECLS
