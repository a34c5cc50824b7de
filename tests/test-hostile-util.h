/* test-hostile-util.h — what the hostile-peer tests share: descriptor
 * counts, the main context's poll set, and checks on what a log shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-test-socket.h"

G_BEGIN_DECLS

/* Sockscope's end (a client) connected to a raw, non-blocking peer. */
typedef struct
{
  SsSession *session;
  SsSocket  *client;     /* Sockscope's end */
  int        listener;   /* raw */
  int        peer;       /* raw, accepted; -1 once closed */
} SsHostilePair;

void      ss_hostile_pair_init          (SsHostilePair *pair,
                                         int            family,
                                         int            rcvbuf);
void      ss_hostile_pair_finish        (SsHostilePair *pair);

/* A deterministic byte pattern (every value 0–255 occurs). */
guint8   *ss_hostile_pattern            (gsize          len,
                                         guint32        seed);

/* Whether the default main context polls @fd for anything: one full
 * iteration (prepare, query, check, dispatch) that does not block. A
 * descriptor that is not polled cannot wake the loop, so a dead or
 * paused socket that is absent from the poll set cannot busy-loop. */
gboolean  ss_hostile_fd_is_polled       (int            fd);

/* Iterates without blocking until nothing is ready, at most @max times;
 * returns how many iterations dispatched something. A source that is
 * always ready (a busy loop) makes it return @max. */
guint     ss_hostile_drain              (guint          max);

/* Every traffic entry's text (ss_traffic_entry_dup_text) is valid UTF-8
 * with no C0/C1 control character or DEL, maps back to exactly the
 * entry's bytes, and stays valid when cut at @cut bytes. */
void      ss_hostile_assert_text_safe   (SsSocket      *socket,
                                         gsize          cut);

/* The sum of the "N bytes were not sent" events of @socket. */
guint64   ss_hostile_count_not_sent     (SsSocket      *socket);

/* The number of received entries and whether one of them is empty. */
guint     ss_hostile_count_entries      (SsSocket      *socket,
                                         SsTrafficKind  kind,
                                         guint         *n_empty);

G_END_DECLS
