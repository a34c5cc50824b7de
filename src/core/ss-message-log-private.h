/* ss-message-log-private.h — what the message log's files share: its
 * index of messages and how a message's bytes are found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-message-log.h"
#include "ss-traffic-log-private.h"

G_BEGIN_DECLS

/* A message copies nothing: it is the record its first byte is in,
 * where in that record it starts, and its length; its bytes are the
 * records of its stream from there on, wherever the log keeps them (or
 * evicted them). Events are messages of one record. A message's position
 * is that of its first byte: rows are in the order messages began, and
 * nothing moves. This is a message as read from the index: */
typedef struct
{
  guint32 record;
  guint32 skip;
  guint32 length;
  guint32 flags;   /* the kind in the two low bits, then SsMessageFlags */
} Message;

/* The index keeps much less. Messages that start in one record follow
 * one another there (a record is one stream's, and a message starts
 * where the one before it ended): they are one run, which says where
 * the first starts; each message is then only its length, two bytes.
 * A flood of 64-byte lines costs about 2 bytes a line, where a record
 * and an offset each would be 16, and what a flood's index costs is
 * mostly the kernel zeroing its pages. A kind is its record's. Lengths
 * past 0xfffe, and the rare flags (incomplete, capped, short, evicted),
 * are kept apart by position; a check's verdict is a byte a message,
 * kept only while a check is set. */
typedef struct
{
  guint32 first;   /* the position of its first message */
  guint32 record;
  guint32 skip;
} Run;

#define WIDE_LENGTH      0xffffu
#define LENGTH_PAGE_BITS 15
#define LENGTH_PAGE_SIZE (1u << LENGTH_PAGE_BITS)
#define RUN_PAGE_BITS    10
#define RUN_PAGE_SIZE    (1u << RUN_PAGE_BITS)

#define KIND_MASK 3u
#define CHECK_FLAGS (SS_MESSAGE_GOOD | SS_MESSAGE_BAD)

typedef struct
{
  guint32 length;  /* when WIDE_LENGTH is the short one */
  guint32 flags;   /* SsMessageFlags but the check's */
} Special;

/* One direction of one source log (a connection, in a listener's log) */
typedef struct
{
  SsFramer *framer;
  guint     open;  /* the position + 1 of the message still growing, 0 none */
  guint32   open_record;  /* where it starts, known without the index */
  guint32   open_skip;
} Stream;

struct _SsMessageLog
{
  GObject       parent_instance;

  SsTrafficLog *log;
  SsFramerSpec  spec;
  GArray       *streams;      /* of Stream, by source * 2 + kind */

  GPtrArray    *lengths;      /* pages of LENGTH_PAGE_SIZE guint16 */
  GPtrArray    *runs;         /* pages of RUN_PAGE_SIZE Run */
  guint         n_runs;
  guint64       run_end;      /* where the last message ends in the last run's record */
  GHashTable   *special;      /* position → Special, the rare messages */
  GPtrArray    *checks;       /* pages of LENGTH_PAGE_SIZE guint8: a check's verdicts */
  guint         cached_run;   /* the run last looked up */
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

static inline Run *
run_at (SsMessageLog *self,
        guint         index)
{
  Run *page = g_ptr_array_index (self->runs, index >> RUN_PAGE_BITS);

  return &page[index & (RUN_PAGE_SIZE - 1)];
}

static inline guint16 *
length_at (SsMessageLog *self,
           guint         position)
{
  guint16 *page = g_ptr_array_index (self->lengths, position >> LENGTH_PAGE_BITS);

  return &page[position & (LENGTH_PAGE_SIZE - 1)];
}

/* Reading messages in order (or backward) costs what each costs alone,
 * not the sum of the run's lengths before it */
typedef struct
{
  SsMessageLog *log;
  guint         run;
  guint         run_end;   /* the position after the run's last */
  guint         position;
  guint64       skip;      /* of the message at position */
} MessageIter;

static inline guint
ss_message_log_record_source (SsTrafficLog *log,
               const Record *record)
{
  return log->sources != NULL ? record->block : 0;
}

void     ss_message_log_clear_streams (SsMessageLog  *self);
void     ss_message_log_init_index    (SsMessageLog  *self);
void     ss_message_log_free_index    (SsMessageLog  *self);
void     ss_message_log_destroy_index (SsMessageLog  *self);
guint64  ss_message_log_index_memory  (SsMessageLog  *self);
guint    ss_message_log_append        (SsMessageLog  *self,
                                       guint32        record,
                                       guint32        skip,
                                       guint64        length,
                                       guint          flags);
void     ss_message_log_add_flags     (SsMessageLog  *self,
                                       guint          position,
                                       guint          flags);
void     ss_message_log_clear_flags   (SsMessageLog  *self,
                                       guint          position,
                                       guint          flags);
guint    ss_message_log_get_rare_flags (SsMessageLog *self,
                                       guint          position);
guint64  ss_message_log_get_length    (SsMessageLog  *self,
                                       guint          position);
void     ss_message_log_set_length    (SsMessageLog  *self,
                                       guint          position,
                                       guint64        length);
guint    ss_message_log_find_run      (SsMessageLog  *self,
                                       guint          position);
void     ss_message_log_describe      (SsMessageLog  *self,
                                       guint          position,
                                       guint32        record,
                                       guint32        skip,
                                       Message       *message);
void     ss_message_log_get           (SsMessageLog  *self,
                                       guint          position,
                                       Message       *message);
void     ss_message_log_iter_init     (SsMessageLog  *self,
                                       MessageIter   *iter,
                                       guint          position);
void     ss_message_log_iter_read     (MessageIter   *iter,
                                       Message       *message);
void     ss_message_log_iter_next     (MessageIter   *iter);
void     ss_message_log_iter_prev     (MessageIter   *iter);
void     ss_message_log_close_message (SsMessageLog  *self,
                                       Stream        *stream);
GBytes  *ss_message_log_dup_bytes     (SsMessageLog  *self,
                                       const Message *message,
                                       guint         *n_chunks);

G_END_DECLS
