/* ss-traffic-log.c — a socket's bytes and events, compactly stored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-traffic-log-private.h"

#define MAX_PEERS 0xffffff

enum {
  PROP_0,
  PROP_BUDGET,
  PROP_EVICTED_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static Block *
last_block (SsTrafficLog *self)
{
  return self->blocks->len ? g_ptr_array_index (self->blocks, self->blocks->len - 1) : NULL;
}

static GType
ss_traffic_log_get_item_type (GListModel *model)
{
  return SS_TYPE_TRAFFIC_ENTRY;
}

static guint
ss_traffic_log_get_n_items (GListModel *model)
{
  return SS_TRAFFIC_LOG (model)->n_published;
}

/* The entry of a record of this log's own, published or not. */
SsTrafficEntry *
ss_traffic_log_make_entry (SsTrafficLog *self,
                           guint         position)
{
  g_autoptr(GBytes) bytes = NULL;
  SsTrafficEntry *entry;
  const Record *record;
  guint peer;

  g_assert (position < self->n_records);

  record = &self->records[position];
  if (record->kind == SS_TRAFFIC_EVENT)
    bytes = g_bytes_new (self->event_text->data + record->offset, record->length);
  else if (record->length == 0)
    bytes = g_bytes_new (NULL, 0);
  else if (!ss_traffic_log_record_is_evicted (self, record))
    {
      Block *block = g_ptr_array_index (self->blocks, record->block - self->first_block);

      bytes = g_bytes_new_with_free_func (block->data + record->offset, record->length,
                                          ss_traffic_block_unref, ss_traffic_block_ref (block));
    }

  entry = bytes != NULL ? ss_traffic_entry_new (record->kind, record->time, bytes)
                        : ss_traffic_entry_new_evicted (record->kind, record->time, record->length);
  peer = (guint) record->peer_high << 16 | record->peer_low;
  if (peer != 0)
    ss_traffic_entry_set_peer (entry, g_ptr_array_index (self->peers, peer - 1));
  if (self->relayed)
    ss_traffic_entry_set_relayed (entry, TRUE);
  return entry;
}

static gpointer
ss_traffic_log_get_item (GListModel *model,
                         guint       position)
{
  SsTrafficLog *self = SS_TRAFFIC_LOG (model);

  if (position >= self->n_published)
    return NULL;
  if (self->sources != NULL)
    return ss_traffic_log_merged_entry (self, &self->records[position]);
  return ss_traffic_log_make_entry (self, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ss_traffic_log_get_item_type;
  iface->get_n_items = ss_traffic_log_get_n_items;
  iface->get_item = ss_traffic_log_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SsTrafficLog, ss_traffic_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
ss_traffic_log_finalize (GObject *object)
{
  SsTrafficLog *self = SS_TRAFFIC_LOG (object);

  g_clear_handle_id (&self->publish_id, g_source_remove);
  ss_traffic_log_unmerge (self);
  g_free (self->records);
  g_ptr_array_unref (self->blocks);
  g_clear_pointer (&self->pinned, g_ptr_array_unref);
  g_clear_pointer (&self->spare, ss_traffic_block_unref);
  g_byte_array_unref (self->event_text);
  g_ptr_array_unref (self->peers);
  g_hash_table_unref (self->peer_index);

  G_OBJECT_CLASS (ss_traffic_log_parent_class)->finalize (object);
}

static void
ss_traffic_log_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SsTrafficLog *self = SS_TRAFFIC_LOG (object);

  switch (prop_id)
    {
    case PROP_BUDGET:
      g_value_set_uint64 (value, self->budget);
      break;
    case PROP_EVICTED_BYTES:
      g_value_set_uint64 (value, self->evicted_notified);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_traffic_log_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SsTrafficLog *self = SS_TRAFFIC_LOG (object);

  switch (prop_id)
    {
    case PROP_BUDGET:
      ss_traffic_log_set_budget (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_traffic_log_class_init (SsTrafficLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_traffic_log_finalize;
  object_class->get_property = ss_traffic_log_get_property;
  object_class->set_property = ss_traffic_log_set_property;

  /**
   * SsTrafficLog:budget:
   *
   * The most payload bytes kept in memory; the oldest blocks of them are
   * evicted beyond it. The block being written is always kept, so one
   * chunk larger than the budget is kept until the next one arrives.
   */
  properties[PROP_BUDGET] =
    g_param_spec_uint64 ("budget", NULL, NULL, 0, G_MAXUINT64, SS_TRAFFIC_LOG_DEFAULT_BUDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SsTrafficLog:evicted-bytes:
   *
   * Payload bytes of both directions no longer in memory, as of the last
   * ss_traffic_log_flush(): notified with the batch that evicted them.
   */
  properties[PROP_EVICTED_BYTES] =
    g_param_spec_uint64 ("evicted-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ss_traffic_log_init (SsTrafficLog *self)
{
  self->blocks = g_ptr_array_new_with_free_func (ss_traffic_block_unref);
  self->event_text = g_byte_array_new ();
  self->budget = SS_TRAFFIC_LOG_DEFAULT_BUDGET;
  self->next_block_size = FIRST_BLOCK_SIZE;
  ss_rate_limit_init (&self->publish_limit, PUBLISH_RATE, PUBLISH_BURST);
  self->peers = g_ptr_array_new_with_free_func (g_free);
  self->peer_index = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                            (GDestroyNotify) g_bytes_unref, NULL);
}

SsTrafficLog *
ss_traffic_log_new (void)
{
  return g_object_new (SS_TYPE_TRAFFIC_LOG, NULL);
}

/**
 * ss_traffic_log_clear:
 *
 * Forgets every entry and its bytes, as Clear in the window does. The
 * counters are not entries: they go on counting everything since the
 * socket was made, and the cleared bytes count as evicted.
 */
void
ss_traffic_log_clear (SsTrafficLog *self)
{
  guint removed;

  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));

  ss_traffic_log_flush (self);
  removed = self->n_published;
  /* what was cleared is no longer in memory, as if evicted: the payload
   * kept from now on starts that far into each direction's stream */
  for (guint kind = 0; kind < SS_TRAFFIC_EVENT; kind++)
    self->evicted[kind] = self->bytes[kind];
  /* block numbers go on from here, as after an eviction */
  self->first_block += self->blocks->len;
  g_ptr_array_set_size (self->blocks, 0);
  g_clear_pointer (&self->pinned, g_ptr_array_unref);
  self->pinned_payload = 0;
  self->kept_size = 0;
  self->kept_payload = 0;
  self->next_block_size = FIRST_BLOCK_SIZE;
  g_byte_array_set_size (self->event_text, 0);
  g_clear_pointer (&self->records, g_free);
  self->records_capacity = 0;
  self->cleared += self->n_records;
  self->n_records = self->n_published = self->first_kept = 0;
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
}

/* The oldest block goes. One that entries a view made still hold (the
 * rows of a list that has not scrolled on yet: in a flood, up to a
 * dozen megabytes) is pinned: its payload counts in the budget, which
 * bounds the payload in memory, until only the log holds it. */
static void
evict_oldest (SsTrafficLog *self)
{
  Block *block = g_ptr_array_steal_index (self->blocks, 0);

  self->first_block++;
  self->kept_size -= block->size;
  for (guint kind = 0; kind < SS_TRAFFIC_EVENT; kind++)
    {
      self->evicted[kind] += block->bytes[kind];
      self->kept_payload -= block->bytes[kind];
    }

  while (self->first_kept < self->n_records)
    {
      const Record *record = &self->records[self->first_kept];

      if (record->kind != SS_TRAFFIC_EVENT && record->length > 0 &&
          record->block >= self->first_block)
        break;
      self->first_kept++;
    }

  if (!g_atomic_ref_count_compare (&block->ref, 1))
    {
      /* made when first needed: ten thousand quiet logs need none */
      if (self->pinned == NULL)
        self->pinned = g_ptr_array_new_with_free_func (ss_traffic_block_unref);
      self->pinned_payload += ss_traffic_block_payload (block);
      g_ptr_array_add (self->pinned, block);
    }
  else
    ss_traffic_log_recycle (self, block);
}


static Block *
add_block (SsTrafficLog *self,
           gsize         len)
{
  gsize size = MAX (self->next_block_size, len);
  Block *block;

  if (size == BLOCK_SIZE && self->spare != NULL)
    block = g_steal_pointer (&self->spare);
  else
    block = ss_traffic_block_new (size);
  g_ptr_array_add (self->blocks, block);
  self->kept_size += block->size;
  self->next_block_size = MIN (self->next_block_size * 2, BLOCK_SIZE);
  return block;
}

/* A new record at the log's end, in its newest block */
Record *
ss_traffic_log_add_record (SsTrafficLog  *self,
                           SsTrafficKind  kind,
                           guint32        offset,
                           guint32        length)
{
  Record *record;

  if (self->n_records == self->records_capacity)
    {
      /* doubling: a million entries cost a dozen reallocations, and glibc
       * moves large ones with mremap() rather than copying them */
      g_return_val_if_fail (self->records_capacity < G_MAXUINT, NULL);
      self->records_capacity = self->records_capacity == 0 ? 16
        : self->records_capacity <= G_MAXUINT / 2 ? self->records_capacity * 2 : G_MAXUINT;
      self->records = g_renew (Record, self->records, self->records_capacity);
    }

  record = &self->records[self->n_records++];
  record->time = g_get_real_time ();
  record->block = self->first_block + self->blocks->len - 1;
  record->offset = offset;
  record->length = length;
  record->kind = kind;
  record->peer_high = 0;
  record->peer_low = 0;
  self->chunks[kind]++;
  return record;
}

/* Room for a chunk of @len bytes at the end of the newest block, after
 * evicting what the budget requires. (recv() straight into this room was
 * tried and measured slower than recv() into a small hot buffer and a
 * memcpy() here: the kernel's copy into cold memory costs more.) */
static guint8 *
reserve (SsTrafficLog *self,
         gsize         len)
{
  Block *block = last_block (self);

  g_assert (len > 0);

  if (block != NULL && block->size - block->used < len)
    block = NULL;

  /* evict first, so the payload kept never exceeds the budget; the block
   * about to take the chunk stays */
  if (self->pinned != NULL && self->pinned->len > 0)
    ss_traffic_log_release_pinned (self);
  while (self->blocks->len > (block ? 1 : 0) &&
         self->kept_payload + self->pinned_payload + len > self->budget)
    evict_oldest (self);

  if (block == NULL)
    block = add_block (self, len);
  return block->data + block->used;
}

/* Stores the chunk just written into the room reserve() gave. */
static void
commit (SsTrafficLog  *self,
        SsTrafficKind  kind,
        const guint8  *data,
        gsize          len,
        guint          peer)
{
  Block *block = len > 0 ? last_block (self) : NULL;
  Record *record;

  self->bytes[kind] += len;
  record = ss_traffic_log_add_record (self, kind, block ? block->used : 0, len);
  if (record == NULL)
    return;
  record->peer_high = peer >> 16;
  record->peer_low = peer & 0xffff;
  if (block != NULL)
    {
      block->used += len;
      block->bytes[kind] += len;
      self->kept_payload += len;
    }
  ss_traffic_log_tell_framings (self, data);
  if (self->merge_into != NULL)
    ss_traffic_log_forward (self, record, data);
}

/* A chunk of a log that keeps no payload: its record, its count, and
 * its bytes evicted as they come (the record's block is one before the
 * first kept, ss_traffic_log_set_counts_only()). */
static void
count_only (SsTrafficLog  *self,
            SsTrafficKind  kind,
            gsize          len,
            guint          peer)
{
  Record *record;

  g_assert (self->blocks->len == 0 && self->first_block > 0);

  self->bytes[kind] += len;
  self->evicted[kind] += len;
  record = ss_traffic_log_add_record (self, kind, 0, len);
  if (record == NULL)
    return;
  record->peer_high = peer >> 16;
  record->peer_low = peer & 0xffff;
  /* no payload record is kept: the events between them need no look */
  self->first_kept = self->n_records;
  ss_traffic_log_tell_framings (self, NULL);
  if (self->merge_into != NULL)
    ss_traffic_log_forward (self, record, NULL);
}

static void
add_event (SsTrafficLog *self,
           const guint8 *text,
           gsize         len)
{
  Record *record;

  g_return_if_fail (len <= G_MAXUINT32 - self->event_text->len);

  record = ss_traffic_log_add_record (self, SS_TRAFFIC_EVENT, self->event_text->len, len);
  if (record == NULL)
    return;
  g_byte_array_append (self->event_text, text, len);
  self->event_pending = TRUE;
  ss_traffic_log_tell_framings (self, NULL);
  if (self->merge_into != NULL)
    ss_traffic_log_forward (self, record, NULL);
}

/**
 * ss_traffic_log_append:
 *
 * Stores one chunk (one recv or send call's bytes). Views see it after the
 * next ss_traffic_log_flush(), so a burst of chunks is one model change.
 */
void
ss_traffic_log_append (SsTrafficLog  *self,
                       SsTrafficKind  kind,
                       const guint8  *data,
                       gsize          len)
{
  ss_traffic_log_append_from (self, kind, data, len, NULL);
}

/* The index + 1 of @peer in peers, adding it the first time. */
static guint
peer_index (SsTrafficLog    *self,
            const SsAddress *peer)
{
  g_autoptr(GBytes) key = NULL;
  gpointer found;

  if (peer == NULL)
    return 0;
  if (self->last_peer_index != 0 && self->last_peer.len == peer->len &&
      memcmp (&self->last_peer.storage, &peer->storage, peer->len) == 0)
    return self->last_peer_index;

  key = g_bytes_new (&peer->storage, peer->len);
  found = g_hash_table_lookup (self->peer_index, key);
  if (found == NULL)
    {
      if (self->peers->len >= MAX_PEERS)
        return 0;
      g_ptr_array_add (self->peers, ss_address_to_string (peer));
      found = GUINT_TO_POINTER (self->peers->len);
      g_hash_table_insert (self->peer_index, g_steal_pointer (&key), found);
    }
  self->last_peer = *peer;
  self->last_peer_index = GPOINTER_TO_UINT (found);
  return self->last_peer_index;
}

/**
 * ss_traffic_log_append_from:
 * @peer: (nullable): who sent a received datagram, or where a sent one
 *   went
 *
 * Like ss_traffic_log_append(), for a datagram: the entry shows @peer.
 */
void
ss_traffic_log_append_from (SsTrafficLog    *self,
                            SsTrafficKind    kind,
                            const guint8    *data,
                            gsize            len,
                            const SsAddress *peer)
{
  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));
  g_return_if_fail (kind <= SS_TRAFFIC_EVENT);
  g_return_if_fail (len <= G_MAXUINT32);

  if (kind == SS_TRAFFIC_EVENT)
    {
      add_event (self, data, len);
      return;
    }
  if (self->counts_only)
    {
      count_only (self, kind, len, peer_index (self, peer));
      return;
    }
  /* an empty payload (sendall(b''), an empty datagram) may have no data */
  if (len > 0)
    ss_traffic_block_store (reserve (self, len), data, len);
  commit (self, kind, data, len, peer_index (self, peer));
}

void
ss_traffic_log_append_event (SsTrafficLog *self,
                             const char   *format,
                             ...)
{
  g_autofree char *text = NULL;
  va_list args;

  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  add_event (self, (const guint8 *) text, strlen (text));
}

void
ss_traffic_log_flush (SsTrafficLog *self)
{
  guint added;
  guint64 evicted;

  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));

  g_clear_handle_id (&self->publish_id, g_source_remove);
  self->event_pending = FALSE;
  added = self->n_records - self->n_published;
  if (added > 0)
    {
      self->n_published = self->n_records;
      g_list_model_items_changed (G_LIST_MODEL (self), self->n_published - added, 0, added);
    }

  evicted = self->evicted[SS_TRAFFIC_RECEIVED] + self->evicted[SS_TRAFFIC_SENT];
  if (evicted != self->evicted_notified)
    {
      self->evicted_notified = evicted;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVICTED_BYTES]);
    }
  /* the merged log publishes what it was given at its own pace: a
   * thousand connections' reads in one wakeup are one change there too */
  if (self->merge_into != NULL)
    ss_traffic_log_flush_soon (self->merge_into);
}

static gboolean
publish_cb (gpointer user_data)
{
  SsTrafficLog *self = user_data;

  self->publish_id = 0;
  ss_traffic_log_flush (self);
  return G_SOURCE_REMOVE;
}

/**
 * ss_traffic_log_flush_soon:
 *
 * ss_traffic_log_flush() for what a peer sends. Events and the first
 * changes of a burst are published at once; past PUBLISH_BURST changes in
 * a row, a flood's chunks are published PUBLISH_RATE times a second. A
 * view then lays out and draws a few times a second, not once a read,
 * and the main loop spends its time reading. The counters never wait.
 */
void
ss_traffic_log_flush_soon (SsTrafficLog *self)
{
  guint delay;

  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));

  if (self->merge_into != NULL)
    ss_traffic_log_flush_soon (self->merge_into);
  if (self->n_records == self->n_published)
    return;
  delay = ss_rate_limit_take (&self->publish_limit, self->event_pending);
  if (delay == 0)
    ss_traffic_log_flush (self);
  else if (self->publish_id == 0)
    self->publish_id = g_timeout_add (delay, publish_cb, self);
}

guint64
ss_traffic_log_get_budget (SsTrafficLog *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), 0);
  return self->budget;
}

/**
 * ss_traffic_log_set_budget:
 * @bytes: the most payload bytes to keep in memory, or
 *   %SS_TRAFFIC_LOG_UNLIMITED
 *
 * A smaller budget evicts at once, all but the block being written.
 * Entries already made keep their bytes; the counters stay exact.
 */
void
ss_traffic_log_set_budget (SsTrafficLog *self,
                           guint64       bytes)
{
  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));

  /* a log that keeps nothing stays so */
  if (self->budget == bytes || self->counts_only)
    return;

  self->budget = bytes;
  /* the block being written stays */
  while (self->blocks->len > 1 && self->kept_payload > self->budget)
    evict_oldest (self);
  g_clear_pointer (&self->spare, ss_traffic_block_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUDGET]);
}

/**
 * ss_traffic_log_set_counts_only:
 *
 * From now on the log keeps no payload, not even the newest chunk: each
 * chunk is an entry (its time, kind and length) and counted, its bytes
 * evicted as they come, without being copied. For a log whose bytes are
 * kept elsewhere (a relayed pair's server leg: the pair's log has them).
 * Events are kept as always.
 */
void
ss_traffic_log_set_counts_only (SsTrafficLog *self)
{
  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));

  if (self->counts_only)
    return;
  self->counts_only = TRUE;
  self->budget = 0;
  while (self->blocks->len > 0)
    evict_oldest (self);
  g_clear_pointer (&self->spare, ss_traffic_block_unref);
  /* block numbers before the first kept are evicted: a new record's
   * block (the one before) must be one */
  if (self->first_block == 0)
    self->first_block = 1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUDGET]);
}

/**
 * ss_traffic_log_get_memory:
 * @payload: (out) (optional): bytes allocated for the payload kept, the
 *   blocks' unused tails included
 * @overhead: (out) (optional): bytes allocated for everything else: the
 *   entries' records (the array's capacity, not its length) and event texts
 *
 * What the log holds, without what views hold through entries they made.
 */
void
ss_traffic_log_get_memory (SsTrafficLog *self,
                           guint64      *payload,
                           guint64      *overhead)
{
  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));

  if (payload != NULL)
    *payload = self->kept_size + (self->spare ? self->spare->size : 0);
  if (overhead != NULL)
    *overhead = (guint64) self->records_capacity * sizeof (Record) + self->event_text->len;
}
