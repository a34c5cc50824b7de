/* ss-relay-output.h — one direction of a relayed pair from what is released to the write: its faults, then the other leg
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ss-toxic-chain.h"
#include "ss-traffic-log.h"

G_BEGIN_DECLS

typedef struct _SsRelayOutput SsRelayOutput;
typedef struct _SsSocket SsSocket;

/* Nothing more goes this way: @reset FALSE, pass a clean end on
 * (shutdown(SHUT_WR) the receiving leg once its queue is written); TRUE,
 * reset the pair. Called at most once. */
typedef void (*SsRelayOutputEndFunc) (gpointer  user_data,
                                      gboolean  reset);

SsRelayOutput *ss_relay_output_new         (SsSocket             *from,
                                            SsSocket             *to,
                                            SsToxicDirection      direction,
                                            SsTrafficLog         *log,
                                            SsRelayOutputEndFunc  end_func,
                                            gpointer              user_data);
void           ss_relay_output_free        (SsRelayOutput        *self);
void           ss_relay_output_set_faults  (SsRelayOutput        *self,
                                            const SsToxicSpec    *specs,
                                            guint                 n_specs);
void           ss_relay_output_write       (SsRelayOutput        *self,
                                            const guint8         *data,
                                            gsize                 len);
void           ss_relay_output_close       (SsRelayOutput        *self);
void           ss_relay_output_writable    (SsRelayOutput        *self);
void           ss_relay_output_stop        (SsRelayOutput        *self);
gsize          ss_relay_output_get_pending (SsRelayOutput        *self);
char          *ss_relay_output_describe    (SsRelayOutput        *self);

G_END_DECLS
