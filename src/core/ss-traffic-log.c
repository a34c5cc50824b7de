/* ss-traffic-log.c — a socket's bytes and events, compactly stored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-traffic-log.h"

/* Payload bytes go into large blocks and each entry is a small fixed
 * record, so a log of millions of chunks costs a few dozen bytes an entry,
 * not a GObject and an allocation each. Items are made when a view asks. */
#define BLOCK_SIZE (1024 * 1024)

typedef struct
{
  gint64  time;
  guint32 block;
  guint32 offset;
  guint32 length;
  guint8  kind;
} Record;

typedef struct
{
  gsize  used;
  gsize  size;
  guint8 data[];
} Block;

struct _SsTrafficLog
{
  GObject    parent_instance;
  GArray    *records;
  GPtrArray *blocks;
  guint      n_published;
  guint64    bytes[SS_TRAFFIC_EVENT];
};

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

static gpointer
ss_traffic_log_get_item (GListModel *model,
                         guint       position)
{
  SsTrafficLog *self = SS_TRAFFIC_LOG (model);
  const Record *record;
  const Block *block;
  g_autoptr(GBytes) bytes = NULL;

  if (position >= self->n_published)
    return NULL;

  record = &g_array_index (self->records, Record, position);
  block = g_ptr_array_index (self->blocks, record->block);
  bytes = g_bytes_new (block->data + record->offset, record->length);
  return ss_traffic_entry_new (record->kind, record->time, bytes);
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

  g_array_unref (self->records);
  g_ptr_array_unref (self->blocks);

  G_OBJECT_CLASS (ss_traffic_log_parent_class)->finalize (object);
}

static void
ss_traffic_log_class_init (SsTrafficLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ss_traffic_log_finalize;
}

static void
ss_traffic_log_init (SsTrafficLog *self)
{
  self->records = g_array_new (FALSE, FALSE, sizeof (Record));
  self->blocks = g_ptr_array_new_with_free_func (g_free);
}

SsTrafficLog *
ss_traffic_log_new (void)
{
  return g_object_new (SS_TYPE_TRAFFIC_LOG, NULL);
}

static Block *
block_for (SsTrafficLog *self,
           gsize         len)
{
  Block *block = self->blocks->len ? g_ptr_array_index (self->blocks, self->blocks->len - 1) : NULL;

  if (block == NULL || block->size - block->used < len)
    {
      gsize size = MAX (BLOCK_SIZE, len);

      block = g_malloc (sizeof (Block) + size);
      block->used = 0;
      block->size = size;
      g_ptr_array_add (self->blocks, block);
    }
  return block;
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
  Block *block;
  Record record;

  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));
  g_return_if_fail (len <= G_MAXUINT32);

  block = block_for (self, len);
  /* an empty payload (sendall(b''), an empty datagram) may have no data */
  if (len > 0)
    memcpy (block->data + block->used, data, len);

  record.time = g_get_real_time ();
  record.block = self->blocks->len - 1;
  record.offset = block->used;
  record.length = len;
  record.kind = kind;
  g_array_append_val (self->records, record);

  block->used += len;
  if (kind != SS_TRAFFIC_EVENT)
    self->bytes[kind] += len;
}

void
ss_traffic_log_append_event (SsTrafficLog *self,
                             const char   *format,
                             ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  ss_traffic_log_append (self, SS_TRAFFIC_EVENT, (const guint8 *) text, strlen (text));
}

void
ss_traffic_log_flush (SsTrafficLog *self)
{
  guint added;

  g_return_if_fail (SS_IS_TRAFFIC_LOG (self));

  added = self->records->len - self->n_published;
  if (added == 0)
    return;

  self->n_published = self->records->len;
  g_list_model_items_changed (G_LIST_MODEL (self), self->n_published - added, 0, added);
}

/* Exact byte counts, including what is not yet published. */
guint64
ss_traffic_log_get_bytes (SsTrafficLog  *self,
                          SsTrafficKind  kind)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), 0);
  g_return_val_if_fail (kind < SS_TRAFFIC_EVENT, 0);
  return self->bytes[kind];
}

/**
 * ss_traffic_log_dup_payload:
 *
 * Returns: (transfer full): every byte of one direction, in order
 */
GBytes *
ss_traffic_log_dup_payload (SsTrafficLog  *self,
                            SsTrafficKind  kind)
{
  GByteArray *out;

  g_return_val_if_fail (SS_IS_TRAFFIC_LOG (self), NULL);

  out = g_byte_array_sized_new (kind < SS_TRAFFIC_EVENT ? self->bytes[kind] : 0);
  for (guint i = 0; i < self->records->len; i++)
    {
      const Record *record = &g_array_index (self->records, Record, i);
      const Block *block = g_ptr_array_index (self->blocks, record->block);

      if (record->kind == kind)
        g_byte_array_append (out, block->data + record->offset, record->length);
    }
  return g_byte_array_free_to_bytes (out);
}
