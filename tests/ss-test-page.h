/* ss-test-page.h — a socket page's parts in UI tests: a page connected to
 * a raw peer of the test, its traffic view and send box, and what the
 * peer gets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-composer.h"
#include "ss-socket-page.h"
#include "ss-test-window.h"

G_BEGIN_DECLS

/* A TCP socket made with the dropdowns, connected to a raw listener of
 * the test; the accepted raw end is peer. */
typedef struct
{
  SsSocketPage *page;
  SsSocket     *socket;
  int           listener;
  int           peer;
} SsTestConn;

void        ss_test_conn_open         (SsTestWindow *f,
                                       SsTestConn   *conn);
void        ss_test_conn_close        (SsTestConn   *conn);
gpointer    ss_test_conn_view         (SsTestConn   *conn);
gpointer    ss_test_conn_view_child   (SsTestConn   *conn,
                                       const char   *name);

SsComposer *ss_test_composer          (SsSocketPage *page);
gpointer    ss_test_composer_child    (SsSocketPage *page,
                                       const char   *name);

void        ss_test_peer_gets         (int           fd,
                                       const void   *data,
                                       gsize         len);
void        ss_test_peer_quiet        (int           fd);

G_END_DECLS
