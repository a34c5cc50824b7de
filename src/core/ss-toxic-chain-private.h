/* ss-toxic-chain-private.h — what the chain and its stages (ss-toxic-stages.c) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-toxic-chain.h"

G_BEGIN_DECLS

#define US_PER_MS G_GINT64_CONSTANT (1000)

typedef enum
{
  ITEM_DATA,
  ITEM_END,    /* the direction closes: the reading side ended, or a fault closed it */
  ITEM_RESET,
} ItemKind;

typedef struct
{
  ItemKind  kind;
  GBytes   *bytes;  /* ITEM_DATA */
  gint64    ts;     /* when it left the stage before */
  char     *note;
} Item;

typedef enum
{
  PULL_READY,  /* an item, now */
  PULL_WAIT,   /* nothing before *wake */
  PULL_IDLE,   /* nothing until more is pushed or closed */
} Pull;

typedef struct
{
  gsize start;
  gsize end;
} Range;

typedef struct
{
  SsToxicSpec  spec;
  GRand       *rand;
  Item        *head;      /* pulled, not all passed on yet */
  gint64       release;   /* the head's release time once drawn, or -1 */
  gint64       free_at;   /* when this stage can pass its next item */
  gboolean     ended;     /* it has passed an end on: it pulls no more */

  gsize        offset;    /* bandwidth: how much of the head has gone */
  GArray      *ranges;    /* slicer: the head's ranges still to slice, the next last */
  Range        slice;     /* slicer: the next slice, once drawn */
  gboolean     have_slice;
  guint        n_slices;  /* slicer: of the head so far */
  gint64       passed;    /* limit_data */
  gboolean     closing;   /* limit_data: the limit is reached, the end is next */
  gint64       close_ts;
  gint64       deadline;  /* reset_peer: once the first data came; else -1 */
  guint64      dropped;   /* timeout, reset_peer, limit_data */
} Stage;

struct _SsToxicChain
{
  GQueue    input;
  Stage    *stages;     /* only the faults this pair got */
  guint     n_stages;
  gboolean *active;     /* per spec given */
  guint     n_specs;
  gint64    t0;         /* the first time the caller gave */
  gboolean  started;
  gboolean  closed;
  gboolean  finished;
  gsize     pending;
};

Item *ss_toxic_item_new      (ItemKind       kind,
                              GBytes        *bytes,
                              gint64         ts);
void  ss_toxic_item_free     (Item          *item);
void  ss_toxic_item_add_note (Item          *item,
                              char          *note);
Pull  ss_toxic_chain_pull    (SsToxicChain  *chain,
                              int            index,
                              gint64         now,
                              Item         **out,
                              gint64        *wake);
Pull  ss_toxic_stage_pull    (SsToxicChain  *chain,
                              int            index,
                              gint64         now,
                              Item         **out,
                              gint64        *wake);
void  ss_toxic_stage_take_held (SsToxicChain  *chain,
                                int            index,
                                GQueue        *into);

G_END_DECLS
