/* ss-accept-queue.h — a listener's accept queue, drained by a thread of
 * its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sys/socket.h>

#include "ss-poller.h"

G_BEGIN_DECLS

typedef struct _SsAcceptQueue SsAcceptQueue;

/* What one accept4() gave: a connection, or the errno it failed with. */
typedef struct
{
  int                     fd;      /* -1 on failure */
  int                     errsv;   /* 0 on success */
  socklen_t               len;
  struct sockaddr_storage address;
} SsAccepted;

SsAcceptQueue *ss_accept_queue_new    (int            listen_fd,
                                       SsPollerFunc   ready,
                                       gpointer       user_data);
gboolean       ss_accept_queue_pop    (SsAcceptQueue *self,
                                       SsAccepted    *accepted);
void           ss_accept_queue_remind (SsAcceptQueue *self);
void           ss_accept_queue_stop   (SsAcceptQueue *self);
void           ss_accept_queue_free   (SsAcceptQueue *self);

G_END_DECLS
