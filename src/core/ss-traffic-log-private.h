/* ss-traffic-log-private.h — what ss-traffic-log.c and its search share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-message-log.h"
#include "ss-rate-limit.h"
#include "ss-traffic-log.h"

G_BEGIN_DECLS

/* Payload bytes go into large blocks and each entry is a small fixed
 * record, so a log of millions of chunks costs a few dozen bytes an entry,
 * not a GObject and an allocation each. Items are made when a view asks.
 *
 * The payload kept is bounded by a budget: when a chunk would exceed it,
 * the oldest blocks go. Their records stay (time, kind, length), so the
 * model only shrinks when cleared and the counters stay exact; only the bytes are gone,
 * and the entries say so. The budget counts payload bytes, as a person
 * setting it means; the blocks' unused tails come on top (a few percent
 * for recv()-sized chunks, see ss_traffic_log_get_memory()). Event texts
 * are not payload and are never evicted: they tell what happened to the
 * socket. */
#define BLOCK_SIZE       (1024 * 1024)
/* a log that only ever sees a few small messages stays small */
#define FIRST_BLOCK_SIZE 512
/* In a flood the model changes PUBLISH_RATE times a second, after a burst
 * of PUBLISH_BURST changes at once: a person's exchanges and a test's
 * steps are shown at once, a flood's reads are not each a relayout. */
#define PUBLISH_RATE     10
#define PUBLISH_BURST    16

typedef struct
{
  gint64  time;
  guint32 block;   /* number of the block holding the payload */
  guint32 offset;  /* in that block; for an event, in event_text */
  guint32 length;
  guint8  kind;
  /* the datagram's sender or destination: an index into peers, split to
   * fit the record's padding (0: none) */
  guint8  peer_high;
  guint16 peer_low;
} Record;

/* The per-entry cost the issue allows is 64 bytes, array slack included. */
G_STATIC_ASSERT (sizeof (Record) <= 24);

/* Refcounted, so an entry a view holds keeps its bytes without a copy,
 * even after the log has evicted the block. */
typedef struct
{
  gatomicrefcount ref;
  gboolean        mapped;   /* mmap()ed, not g_malloc()ed */
  gsize           size;
  gsize           used;
  guint64         bytes[SS_TRAFFIC_EVENT];
  guint8          data[];
} Block;

struct _SsTrafficLog
{
  GObject     parent_instance;

  Record     *records;
  guint       n_records;
  guint       records_capacity;
  guint       n_published;
  /* every payload record before this one has been evicted */
  guint       first_kept;

  GPtrArray  *blocks;          /* kept, oldest first */
  guint32     first_block;     /* the number of blocks[0] */
  Block      *spare;           /* an evicted block, to be filled again */
  /* evicted blocks a view's entries still held when they went, with a
   * reference of the log's own: their payload counts in the budget until
   * only the log holds them (NULL until one is) */
  GPtrArray  *pinned;
  guint64     pinned_payload;
  gsize       next_block_size;
  guint64     kept_size;       /* allocated size of blocks[] */
  guint64     kept_payload;    /* chunk bytes in blocks[] */
  guint64     budget;
  /* keeps no payload at all: each chunk is counted and at once evicted */
  gboolean    counts_only;

  GByteArray *event_text;
  /* a relayed pair's: received is client → server, sent server → client */
  gboolean    relayed;

  /* model changes a flood may still make at once (a token bucket) */
  SsRateLimit publish_limit;
  guint       publish_id;      /* a model change due soon */
  gboolean    event_pending;   /* events are shown at once */

  guint64     bytes[SS_TRAFFIC_EVENT];
  guint64     evicted[SS_TRAFFIC_EVENT];
  guint64     evicted_notified;
  guint64     chunks[SS_TRAFFIC_EVENT + 1];

  /* Each distinct datagram peer once, as text; the last one is looked up
   * without hashing, since a flood comes from one sender. */
  GPtrArray  *peers;
  GHashTable *peer_index;      /* GBytes of the sockaddr → index + 1 */
  SsAddress   last_peer;
  guint       last_peer_index;

  /* Records cleared so far: a merged log names a record by this plus its
   * position, so a record cleared from its log is never mistaken for the
   * one that takes its place. */
  guint32     cleared;

  /* A merged log (a listener's page): its records are references. A
   * record's block is the number of its source, its offset the source
   * record's number (cleared + position); the payload stays where it is. */
  GPtrArray  *sources;         /* of MergeSource, NULL in a socket's log */
  /* A log merged into another forwards each record it adds */
  SsTrafficLog *merge_into;    /* not a ref: the merged log holds ours */
  guint32     merge_source;
  /* the message logs of this log (a page's, and a listener's page
   * narrowed to this connection), told of each record as it is added;
   * not refs: they hold ours. NULL when none. */
  GPtrArray  *framings;
};

typedef struct
{
  SsTrafficLog *log;
  char         *label;
} MergeSource;

const guint8   *ss_traffic_log_merged_record_data (SsTrafficLog *self,
                                                   const Record *record);
SsTrafficEntry *ss_traffic_log_make_entry         (SsTrafficLog *self,
                                                   guint         position);
SsTrafficEntry *ss_traffic_log_merged_entry       (SsTrafficLog *self,
                                                   const Record *record);
Record         *ss_traffic_log_add_record         (SsTrafficLog  *self,
                                                   SsTrafficKind  kind,
                                                   guint32        offset,
                                                   guint32        length);
void            ss_traffic_log_forward            (SsTrafficLog *self,
                                                   const Record *record,
                                                   const guint8 *arriving);
void            ss_traffic_log_unmerge            (SsTrafficLog *self);
void            ss_message_log_add_record         (SsMessageLog *self,
                                                   guint         position,
                                                   const guint8 *arriving);

/* @arriving: the newest record's payload as it came, still hot in the
 * cache (the log's own copy of a flood's chunk went around it), or NULL
 * to read the log's copy */
static inline void
ss_traffic_log_tell_framings (SsTrafficLog *self,
                              const guint8 *arriving)
{
  if (G_UNLIKELY (self->framings != NULL))
    for (guint i = 0; i < self->framings->len; i++)
      ss_message_log_add_record (g_ptr_array_index (self->framings, i), self->n_records - 1, arriving);
}

/* The payload of a record that is kept, or NULL */
/* A record whose bytes were let go for the memory budget: its block is
 * gone (an event's text is kept apart, and never is). */
static inline gboolean
ss_traffic_log_record_is_evicted (SsTrafficLog *self,
                                  const Record *record)
{
  return record->kind != SS_TRAFFIC_EVENT && record->length > 0 &&
         record->block < self->first_block;
}

static inline const guint8 *
ss_traffic_log_record_data (SsTrafficLog *self,
                            const Record *record)
{
  const Block *block;

  if (G_UNLIKELY (self->sources != NULL))
    return ss_traffic_log_merged_record_data (self, record);
  if (record->kind == SS_TRAFFIC_EVENT)
    return self->event_text->data + record->offset;
  if (record->length == 0 || record->block < self->first_block)
    return NULL;
  block = g_ptr_array_index (self->blocks, record->block - self->first_block);
  return block->data + record->offset;
}

Block   *ss_traffic_block_new          (gsize         size);
Block   *ss_traffic_block_ref          (Block        *block);
void     ss_traffic_block_unref        (gpointer      block);
guint64  ss_traffic_block_payload      (const Block  *block);
void     ss_traffic_block_store        (guint8       *dest,
                                        const guint8 *src,
                                        gsize         len);
void     ss_traffic_log_recycle        (SsTrafficLog *self,
                                        Block        *block);
void     ss_traffic_log_release_pinned (SsTrafficLog *self);

G_END_DECLS
