/* ss-relay-pair.h — a relayed conversation: a client's leg and the server's, forwarded both ways
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ss-address.h"
#include "ss-held-item.h"
#include "ss-toxic-spec.h"

G_BEGIN_DECLS

/* At most this much waits in Sockscope per direction: beyond it the
 * reading side is not read until the writing side drains, so the kernel's
 * buffers (and the sender) hold the rest. One read may pass it by at most
 * one receive buffer (64 KiB). */
#define SS_RELAY_PAIR_MAX_BUFFERED ((gsize) 4 * 1024 * 1024)

typedef struct _SsRelayPair SsRelayPair;
typedef struct _SsSocket SsSocket;

SsRelayPair *ss_relay_pair_start          (SsSocket        *client,
                                           const SsAddress *target);
void         ss_relay_pair_free           (SsRelayPair     *self);
SsSocket    *ss_relay_pair_get_client     (SsRelayPair     *self);
SsSocket    *ss_relay_pair_get_server     (SsRelayPair     *self);
SsSocket    *ss_relay_pair_get_other      (SsRelayPair     *self,
                                           SsSocket        *leg);
const SsAddress *ss_relay_pair_get_target (SsRelayPair     *self);
gboolean     ss_relay_pair_inject         (SsRelayPair          *self,
                                           SsInterceptDirection  direction,
                                           GBytes               *bytes);
void         ss_relay_pair_set_faults     (SsRelayPair       *self,
                                           SsToxicDirection   direction,
                                           const SsToxicSpec *specs,
                                           guint              n_specs,
                                           gboolean           log);
char        *ss_relay_pair_dup_faults     (SsRelayPair     *self);

/* what a leg's socket tells its pair (ss-socket-*.c) */
gboolean     ss_relay_pair_may_read       (SsRelayPair     *self,
                                           SsSocket        *leg);
gsize        ss_relay_pair_get_room       (SsRelayPair     *self,
                                           SsSocket        *leg);
void         ss_relay_pair_received       (SsRelayPair     *self,
                                           SsSocket        *leg,
                                           const guint8    *data,
                                           gsize            len);
void         ss_relay_pair_peer_closed    (SsRelayPair     *self,
                                           SsSocket        *leg);
void         ss_relay_pair_failed         (SsRelayPair     *self,
                                           SsSocket        *leg,
                                           int              errsv);
void         ss_relay_pair_drained        (SsRelayPair     *self,
                                           SsSocket        *leg);
void         ss_relay_pair_closed         (SsRelayPair     *self,
                                           SsSocket        *leg);

G_END_DECLS
