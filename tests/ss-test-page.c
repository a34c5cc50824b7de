/* ss-test-page.c — a socket page's parts in UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-test-page.h"
#include "ss-test-socket.h"
#include "ss-traffic-view.h"

/* No framing is kept for any address: one kept by an earlier test for a
 * port the kernel gives again would split the new page's log */
void
ss_test_conn_open (SsTestWindow *f,
                   SsTestConn   *conn)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.sockscope.Sockscope");

  g_settings_reset (settings, "framings");
  conn->page = ss_test_connected_client (f, 0, &conn->listener, &conn->peer);
  conn->socket = ss_socket_page_get_socket (conn->page);
}

void
ss_test_conn_close (SsTestConn *conn)
{
  g_assert_no_errno (close (conn->peer));
  g_assert_no_errno (close (conn->listener));
}

gpointer
ss_test_conn_view (SsTestConn *conn)
{
  return ss_test_page_child (conn->page, "traffic_view");
}

gpointer
ss_test_conn_view_child (SsTestConn *conn,
                         const char *name)
{
  return ss_test_template_child (ss_test_conn_view (conn), SS_TYPE_TRAFFIC_VIEW, name);
}

SsComposer *
ss_test_composer (SsSocketPage *page)
{
  return ss_test_page_child (page, "composer");
}

gpointer
ss_test_composer_child (SsSocketPage *page,
                        const char   *name)
{
  return ss_test_template_child (ss_test_composer (page), SS_TYPE_COMPOSER, name);
}

/* The peer receives exactly @data (what comes after is checked by the
 * next read, or by ss_test_peer_quiet()). */
void
ss_test_peer_gets (int         fd,
                   const void *data,
                   gsize       len)
{
  g_autoptr(GBytes) received = ss_test_raw_recv (fd, len, FALSE, SS_TEST_TIMEOUT_MS);

  g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received), data, len);
}

/* The peer has nothing to read now (the caller gave the window time to
 * send more first, if it had to). */
void
ss_test_peer_quiet (int fd)
{
  guint8 byte;

  g_assert_cmpint (recv (fd, &byte, 1, MSG_DONTWAIT), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);
}
