/* ss-held-item.h — a chunk a relay holds until the person forwards, edits or drops it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The two directions of a relayed pair. */
typedef enum
{
  SS_INTERCEPT_UPSTREAM,    /* client → server */
  SS_INTERCEPT_DOWNSTREAM,  /* server → client */
  SS_INTERCEPT_N_DIRECTIONS
} SsInterceptDirection;

/* What the person decided for a held item that still waits for the
 * items held before it (order never changes). */
typedef enum
{
  SS_HELD_UNDECIDED,
  SS_HELD_FORWARD,
} SsHeldDecision;

#define SS_TYPE_HELD_ITEM (ss_held_item_get_type ())

G_DECLARE_FINAL_TYPE (SsHeldItem, ss_held_item, SS, HELD_ITEM, GObject)

SsHeldItem          *ss_held_item_new           (guint                 number,
                                                 SsInterceptDirection  direction,
                                                 const char           *pair_label,
                                                 GBytes               *bytes);
guint                ss_held_item_get_number    (SsHeldItem           *self);
SsInterceptDirection ss_held_item_get_direction (SsHeldItem           *self);
const char          *ss_held_item_get_pair_label (SsHeldItem          *self);
GBytes              *ss_held_item_get_bytes     (SsHeldItem           *self);
SsHeldDecision       ss_held_item_get_decision  (SsHeldItem           *self);
void                 ss_held_item_decide        (SsHeldItem           *self,
                                                 GBytes               *bytes);
gboolean             ss_held_item_is_held       (SsHeldItem           *self);
char                *ss_held_item_dup_preview   (SsHeldItem           *self);
const char          *ss_intercept_direction_name (SsInterceptDirection direction);

/* for the relay stage that holds it */
gpointer             ss_held_item_get_stage     (SsHeldItem           *self);
void                 _ss_held_item_set_number   (SsHeldItem           *self,
                                                 guint                 number);
void                 ss_held_item_set_stage     (SsHeldItem           *self,
                                                 gpointer              stage);

G_END_DECLS
