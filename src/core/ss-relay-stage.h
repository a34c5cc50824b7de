/* ss-relay-stage.h — one direction of a relayed pair before its faults: rewrite rules, then the held items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-relay-intercept.h"
#include "ss-socket.h"

G_BEGIN_DECLS

typedef struct _SsRelayStage SsRelayStage;

/* Where bytes the stage lets go are sent on (the pair's forwarding). */
typedef void (*SsRelayStageForward) (gpointer      user_data,
                                     SsRelayStage *stage,
                                     const guint8 *data,
                                     gsize         len);
/* Held bytes left the stage: the reading side may have room again. */
typedef void (*SsRelayStageSettled) (gpointer      user_data,
                                     SsRelayStage *stage);

SsRelayStage *ss_relay_stage_new            (SsRelayIntercept     *intercept,
                                             SsInterceptDirection  direction,
                                             SsTrafficLog         *log,
                                             const char           *pair_label,
                                             SsRelayStageForward   forward,
                                             SsRelayStageSettled   settled,
                                             gpointer              user_data);
void          ss_relay_stage_stop           (SsRelayStage         *self);
void          ss_relay_stage_free           (SsRelayStage         *self);
void          ss_relay_stage_follow_framing (SsRelayStage         *self,
                                             SsSocket             *socket);
void          ss_relay_stage_take           (SsRelayStage         *self,
                                             const guint8         *data,
                                             gsize                 len);
void          ss_relay_stage_end            (SsRelayStage         *self);
gsize         ss_relay_stage_get_held_bytes (SsRelayStage         *self);
void          ss_relay_stage_inject         (SsRelayStage         *self,
                                             GBytes               *bytes);

/* for the relay's intercept */
void          _ss_relay_stage_release       (SsRelayStage         *self,
                                             gboolean              all);
void          _ss_relay_stage_forward       (SsRelayStage         *self,
                                             SsHeldItem           *item,
                                             GBytes               *edited);
void          _ss_relay_stage_drop          (SsRelayStage         *self,
                                             SsHeldItem           *item);
SsInterceptDirection _ss_relay_stage_get_direction (SsRelayStage  *self);
gpointer      _ss_relay_stage_get_user_data (SsRelayStage         *self);

G_END_DECLS
