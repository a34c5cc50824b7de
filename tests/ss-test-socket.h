/* ss-test-socket.h — driving SsSession and SsSocket in tests, with bounded
 * waits and assertions on the call and traffic logs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sys/stat.h>

#include "ss-session.h"
#include "ss-test-util.h"

G_BEGIN_DECLS

SsSocket       *ss_test_create              (SsSession     *session,
                                             int            family,
                                             int            type);
gboolean        ss_test_bind                (SsSocket      *socket,
                                             const char    *address,
                                             GError       **error);
void            ss_test_bind_ok             (SsSocket      *socket,
                                             const char    *address);
gboolean        ss_test_connect             (SsSocket      *socket,
                                             const char    *address,
                                             GError       **error);
void            ss_test_connect_ok          (SsSocket      *socket,
                                             const char    *address);
/* A TCP client of @session connected on loopback to a raw listener of
 * the test (its receive buffer @rcvbuf, 0: the default); *listener_out is
 * the raw listener, *peer_out the accepted raw end. */
SsSocket       *ss_test_raw_pair            (SsSession     *session,
                                             int            family,
                                             int            rcvbuf,
                                             int           *listener_out,
                                             int           *peer_out);
SsSocket       *ss_test_listener_new        (SsSession     *session,
                                             int            family,
                                             const char    *address);
SsSocket       *ss_test_open_spec           (SsSession     *session,
                                             const char    *text,
                                             GError       **error);
SsSocket       *ss_test_open_relay          (SsSession     *session,
                                             const char    *spec);
guint16         ss_test_relay_port          (SsSocket      *relay);
gboolean        ss_test_have_program        (const char    *name);

void            ss_test_wait_connections    (SsSocket      *listener,
                                             guint          n);
SsSocket       *ss_test_connection_at       (SsSocket      *listener,
                                             guint          position);
void            ss_test_wait_bytes_in       (SsSocket      *socket,
                                             guint64        bytes);

/* For ss_test_wait_until() and the like: @socket has received @bytes or
 * more. */
typedef struct
{
  SsSocket *socket;
  guint64   bytes;
} SsTestBytesWait;

gboolean        ss_test_bytes_in_reached    (gpointer       bytes_wait);

void            ss_test_wait_peer_closed    (SsSocket      *socket);
void            ss_test_wait_failure        (SsSocket      *socket);
int             ss_test_get_failure         (SsSocket      *socket);

void            ss_test_send_ok             (SsSocket      *socket,
                                             const void    *data,
                                             gsize          len);
GError         *ss_test_send_until_failure  (SsSocket      *socket,
                                             const char    *text,
                                             guint         *n_sent);
void            ss_test_assert_payload      (SsSocket      *socket,
                                             SsTrafficKind  kind,
                                             const void    *expected,
                                             gsize          expected_len);

SsCall         *ss_test_find_call           (SsCallLog     *calls,
                                             const char    *name,
                                             int            fd,
                                             guint         *position);
guint           ss_test_count_calls         (SsCallLog     *calls,
                                             const char    *name);
guint           ss_test_assert_call         (SsCallLog     *calls,
                                             const char    *name,
                                             int            fd,
                                             gint64         result,
                                             int            errsv,
                                             const char    *python);

GPtrArray      *ss_test_dup_events          (SsSocket      *socket);
guint           ss_test_count_events        (SsSocket      *socket,
                                             const char    *needle);
typedef struct
{
  SsSocket   *socket;
  const char *needle;
} SsTestEventWait;

gboolean        ss_test_has_event           (gpointer       user_data);
void            ss_test_wait_event          (SsSocket      *socket,
                                             const char    *needle);
void            ss_test_assert_event        (SsSocket      *socket,
                                             const char    *needle);
SsTrafficEntry *ss_test_last_entry          (SsSocket      *socket);

GArray         *ss_test_watch_states        (SsSocket      *socket);
void            ss_test_assert_states       (GArray        *states,
                                             guint          n,
                                             ...);
void            ss_test_count_cb            (GObject       *object,
                                             GParamSpec    *pspec,
                                             guint         *count);

void            ss_test_assert_fd_released  (int            fd,
                                             const struct stat *before);
void            ss_test_finalize_session    (SsSession     *session,
                                             SsSocket      *socket1,
                                             ...);

G_END_DECLS
