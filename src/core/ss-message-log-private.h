/* ss-message-log-private.h — what the message log's files share: its
 * index of messages and how a message's bytes are found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-message-log.h"
#include "ss-traffic-log-private.h"

G_BEGIN_DECLS

/* A message copies nothing: it names the record its first byte is in,
 * where in that record it starts, and its length; its bytes are the
 * records of its stream from there on, wherever the log keeps them (or
 * evicted them). 16 bytes a message, whatever it spans. Events are
 * messages of one record. A message's position is that of its first
 * byte: rows are in the order messages began, and nothing moves. */
typedef struct
{
  guint32 record;
  guint32 skip;
  guint32 length;
  guint32 flags;   /* the kind in the two low bits, then SsMessageFlags */
} Message;

G_STATIC_ASSERT (sizeof (Message) == 16);

/* Messages are kept in pages, not one array: growing never copies, and
 * the only slack is the last page's, so the index costs its 16 bytes a
 * message (a doubling array would cost up to twice that). */
#define PAGE_BITS 12
#define PAGE_SIZE (1u << PAGE_BITS)
/* Past the first SLAB_PAGES pages (131,072 messages), pages come 32 at a
 * time from 2 MiB slabs the kernel may back with one huge page: a flood
 * of short lines then costs one page fault per 2 MiB of index, not 512.
 * A log of a few messages never holds more than a page. */
#define SLAB_PAGES 32
#define SLAB_SIZE  (SLAB_PAGES * PAGE_SIZE * sizeof (Message))
/* slabs made ready ahead, by a thread of their own */
#define PREPARED_SLABS 2

#define KIND_MASK 3u

/* One direction of one source log (a connection, in a listener's log) */
typedef struct
{
  SsFramer *framer;
  guint     open;  /* the position + 1 of the message still growing, 0 none */
} Stream;

struct _SsMessageLog
{
  GObject       parent_instance;

  SsTrafficLog *log;
  SsFramerSpec  spec;
  GArray       *streams;      /* of Stream, by source * 2 + kind */

  GPtrArray    *pages;        /* of PAGE_SIZE Messages */
  GPtrArray    *slabs;        /* where pages past the first SLAB_PAGES are */
  GAsyncQueue  *ready;        /* slabs made ready, once slabs are used */
  guint         prepared;     /* slabs asked for and not yet taken */
  guint         n_messages;
  guint         n_published;
  guint         first_changed; /* the first published message grown since */

  guint64       count[SS_TRAFFIC_EVENT + 1];
  guint64       bytes[SS_TRAFFIC_EVENT];

  SsMessageCheckFunc check;
  gpointer      check_data;
  GDestroyNotify check_destroy;

  guint         idle_id;
};

static inline Message *
message_at (SsMessageLog *self,
            guint         position)
{
  Message *page = g_ptr_array_index (self->pages, position >> PAGE_BITS);

  return &page[position & (PAGE_SIZE - 1)];
}

static inline guint
ss_message_log_record_source (SsTrafficLog *log,
               const Record *record)
{
  return log->sources != NULL ? record->block : 0;
}

void     ss_message_log_clear_streams (SsMessageLog  *self);
void     ss_message_log_free_pages    (SsMessageLog  *self);
void     ss_message_log_close_message (SsMessageLog  *self,
                                       Stream        *stream);
GBytes  *ss_message_log_dup_bytes     (SsMessageLog  *self,
                                       const Message *message,
                                       guint         *n_chunks);

G_END_DECLS
