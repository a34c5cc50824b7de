/* ss-relay-intercept.h — a relay's hold switches, rewrite rules and held items, for all its pairs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-held-item.h"

G_BEGIN_DECLS

#define SS_TYPE_RELAY_INTERCEPT (ss_relay_intercept_get_type ())

G_DECLARE_FINAL_TYPE (SsRelayIntercept, ss_relay_intercept, SS, RELAY_INTERCEPT, GObject)

typedef struct _SsSocket SsSocket;
typedef struct _SsTrafficLog SsTrafficLog;

SsRelayIntercept *ss_relay_intercept_new         (SsTrafficLog         *log);
gboolean          ss_relay_intercept_get_hold    (SsRelayIntercept     *self,
                                                  SsInterceptDirection  direction);
void              ss_relay_intercept_set_hold    (SsRelayIntercept     *self,
                                                  SsInterceptDirection  direction,
                                                  gboolean              hold);
GListStore       *ss_relay_intercept_get_rules   (SsRelayIntercept     *self,
                                                  SsInterceptDirection  direction);
GListModel       *ss_relay_intercept_get_held    (SsRelayIntercept     *self);
void              ss_relay_intercept_forward     (SsRelayIntercept     *self,
                                                  SsHeldItem           *item,
                                                  GBytes               *edited);
void              ss_relay_intercept_drop        (SsRelayIntercept     *self,
                                                  SsHeldItem           *item);
void              ss_relay_intercept_forward_all (SsRelayIntercept     *self);

SsRelayIntercept *ss_socket_get_relay_intercept  (SsSocket             *self);
gboolean          ss_socket_relay_holds          (SsSocket             *self,
                                                  SsHeldItem           *item);
gboolean          ss_socket_relay_inject         (SsSocket             *self,
                                                  SsInterceptDirection  direction,
                                                  GBytes               *bytes,
                                                  GError              **error);

/* for the stages of its pairs (ss-relay-stage.c) */
void              _ss_relay_intercept_add_stage    (SsRelayIntercept   *self,
                                                    gpointer            stage);
void              _ss_relay_intercept_remove_stage (SsRelayIntercept   *self,
                                                    gpointer            stage);
guint             _ss_relay_intercept_hold_item    (SsRelayIntercept   *self,
                                                    SsHeldItem         *item);
void              _ss_relay_intercept_prune        (SsRelayIntercept   *self);

G_END_DECLS
