/* ss-poller.h — one main-loop source watching every socket through epoll
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SsPollerWatch SsPollerWatch;

/* Called from the main loop with what the descriptor is ready for. */
typedef void (*SsPollerFunc) (GIOCondition revents,
                              gpointer     user_data);

SsPollerWatch *ss_poller_watch_new           (int            fd,
                                              SsPollerFunc   func,
                                              gpointer       user_data);
void           ss_poller_watch_set_condition (SsPollerWatch *watch,
                                              GIOCondition   condition);
GIOCondition   ss_poller_watch_get_condition (SsPollerWatch *watch);
void           ss_poller_watch_set_urgent    (SsPollerWatch *watch,
                                              gboolean       urgent);
void           ss_poller_watch_free          (SsPollerWatch *watch);

G_END_DECLS
