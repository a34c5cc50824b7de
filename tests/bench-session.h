/* bench-session.h — the Sockscope side of the benchmarks: a session's
 * socket on loopback, opened as the core runs open it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-session.h"

G_BEGIN_DECLS

/* A socket of @session of @type (SOCK_STREAM or SOCK_DGRAM) bound to
 * 127.0.0.1, port 0, and listening with @backlog unless it is 0; *port is
 * its port. Owned by @session. */
SsSocket *bench_session_socket (SsSession *session,
                                int        type,
                                int        backlog,
                                guint16   *port);

G_END_DECLS
