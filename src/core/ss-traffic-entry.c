/* ss-traffic-entry.c — one row of a traffic log, made on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-escape.h"
#include "ss-traffic-entry.h"

struct _SsTrafficEntry
{
  GObject        parent_instance;
  SsTrafficKind  kind;
  gint64         time;
  GBytes        *bytes;
  gsize          length;
  gboolean       evicted;
  char          *peer;
  guint          source;   /* in a merged log, G_MAXUINT otherwise */
  /* a message's (SsMessageFlags, 0 for a chunk) and the chunks it came
   * from: positions in its traffic log */
  guint          message_flags;
  guint          first_chunk;
  guint          n_chunks;
  gboolean       relayed;  /* from a relayed pair's log */
};

G_DEFINE_ENUM_TYPE (SsTrafficKind, ss_traffic_kind,
                    G_DEFINE_ENUM_VALUE (SS_TRAFFIC_RECEIVED, "received"),
                    G_DEFINE_ENUM_VALUE (SS_TRAFFIC_SENT, "sent"),
                    G_DEFINE_ENUM_VALUE (SS_TRAFFIC_EVENT, "event"))

G_DEFINE_FINAL_TYPE (SsTrafficEntry, ss_traffic_entry, G_TYPE_OBJECT)

static void
ss_traffic_entry_finalize (GObject *object)
{
  g_free (SS_TRAFFIC_ENTRY (object)->peer);
  g_bytes_unref (SS_TRAFFIC_ENTRY (object)->bytes);
  G_OBJECT_CLASS (ss_traffic_entry_parent_class)->finalize (object);
}

static void
ss_traffic_entry_class_init (SsTrafficEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ss_traffic_entry_finalize;
}

static void
ss_traffic_entry_init (SsTrafficEntry *self)
{
  self->source = G_MAXUINT;
}

/**
 * ss_traffic_entry_new:
 * @bytes: the payload; for an event, its UTF-8 description
 */
SsTrafficEntry *
ss_traffic_entry_new (SsTrafficKind  kind,
                      gint64         time,
                      GBytes        *bytes)
{
  SsTrafficEntry *self = g_object_new (SS_TYPE_TRAFFIC_ENTRY, NULL);

  self->kind = kind;
  self->time = time;
  self->bytes = g_bytes_ref (bytes);
  self->length = g_bytes_get_size (bytes);
  return self;
}

/**
 * ss_traffic_entry_new_evicted:
 * @length: how many bytes crossed the socket
 *
 * An entry whose payload the log no longer keeps in memory: its time, kind
 * and length are known, its bytes are not.
 */
SsTrafficEntry *
ss_traffic_entry_new_evicted (SsTrafficKind kind,
                              gint64        time,
                              gsize         length)
{
  SsTrafficEntry *self;

  g_return_val_if_fail (kind != SS_TRAFFIC_EVENT, NULL);

  self = g_object_new (SS_TYPE_TRAFFIC_ENTRY, NULL);
  self->kind = kind;
  self->time = time;
  self->bytes = g_bytes_new (NULL, 0);
  self->length = length;
  self->evicted = TRUE;
  return self;
}

SsTrafficKind
ss_traffic_entry_get_kind (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), SS_TRAFFIC_EVENT);
  return self->kind;
}

gint64
ss_traffic_entry_get_time (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), 0);
  return self->time;
}

/**
 * ss_traffic_entry_get_bytes:
 *
 * Returns: (transfer none): exactly the bytes that crossed the socket, or
 *   none when they were evicted (see ss_traffic_entry_get_evicted())
 */
GBytes *
ss_traffic_entry_get_bytes (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), NULL);
  return self->bytes;
}

/* The length that crossed the socket, evicted or not. */
gsize
ss_traffic_entry_get_length (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), 0);
  return self->length;
}

gboolean
ss_traffic_entry_get_evicted (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), FALSE);
  return self->evicted;
}

/**
 * ss_traffic_entry_dup_text:
 * @max_len: at most this many payload bytes are shown, 0 for all
 *
 * Returns: (transfer full): the payload as text that is safe for GTK
 *   (see ss_escape_bytes()); events are their description; an evicted
 *   payload says how much is not kept.
 */
char *
ss_traffic_entry_dup_text (SsTrafficEntry *self,
                           gsize           max_len)
{
  gsize len;
  const guint8 *data;
  g_autofree char *text = NULL;
  g_autofree char *note = NULL;

  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), NULL);

  if (self->evicted)
    {
      g_autofree char *size = g_format_size (self->length);

      /* Translators: in place of bytes dropped from memory; %s is a size
       * such as "64.0 kB" */
      return g_strdup_printf (_("(%s not kept in memory)"), size);
    }

  data = g_bytes_get_data (self->bytes, &len);
  text = ss_escape_bytes (data, len, max_len, FALSE);
  note = ss_traffic_entry_dup_note (self);
  if (note != NULL)
    return g_strconcat (note, " ", text, NULL);
  return g_steal_pointer (&text);
}

/**
 * ss_traffic_entry_dup_note:
 *
 * Returns: (transfer full) (nullable): what a message is besides its
 *   bytes, in parentheses: "(incomplete, 3 bytes so far)", cut at the
 *   memory budget, a length field shorter than its header; %NULL for a
 *   chunk or a whole message
 */
char *
ss_traffic_entry_dup_note (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), NULL);

  if (self->message_flags & SS_MESSAGE_INCOMPLETE)
    /* Translators: a message whose end has not arrived yet */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "(incomplete, %" PRIu64 " byte so far)",
                                         "(incomplete, %" PRIu64 " bytes so far)", self->length),
                            (guint64) self->length);
  if (self->message_flags & SS_MESSAGE_SHORT)
    return g_strdup (_("(its length field is shorter than its header)"));
  if (self->message_flags & SS_MESSAGE_CAPPED)
    return g_strdup (_("(cut at the memory budget)"));
  if (self->message_flags & SS_MESSAGE_BAD)
    /* Translators: a message whose checksum did not match its bytes */
    return g_strdup (_("(bad checksum)"));
  return NULL;
}

/**
 * ss_traffic_entry_set_message:
 * @flags: #SsMessageFlags
 * @first_chunk: the position in its traffic log of the first chunk the
 *   message came from
 * @n_chunks: how many chunks of its direction it spans
 *
 * Makes the entry a message of an SsMessageLog.
 */
void
ss_traffic_entry_set_message (SsTrafficEntry *self,
                              guint           flags,
                              guint           first_chunk,
                              guint           n_chunks)
{
  g_return_if_fail (SS_IS_TRAFFIC_ENTRY (self));
  self->message_flags = flags | SS_MESSAGE_FRAMED;
  self->first_chunk = first_chunk;
  self->n_chunks = n_chunks;
}

/* #SsMessageFlags; 0 for a chunk */
guint
ss_traffic_entry_get_message_flags (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), 0);
  return self->message_flags;
}

guint
ss_traffic_entry_get_first_chunk (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), 0);
  return self->first_chunk;
}

guint
ss_traffic_entry_get_n_chunks (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), 0);
  return self->n_chunks;
}

/**
 * ss_traffic_entry_set_peer:
 * @peer: the datagram's sender or destination, as text
 */
void
ss_traffic_entry_set_peer (SsTrafficEntry *self,
                           const char     *peer)
{
  g_return_if_fail (SS_IS_TRAFFIC_ENTRY (self));

  g_free (self->peer);
  self->peer = g_strdup (peer);
}

/**
 * ss_traffic_entry_get_peer:
 *
 * Returns: (nullable): who sent this datagram, or where it went; %NULL
 *   for a stream's chunks and for events
 */
const char *
ss_traffic_entry_get_peer (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), NULL);
  return self->peer;
}

/**
 * ss_traffic_entry_set_source:
 * @source: the number of the log it came from, in a merged log
 *
 * In a listener's merged log, which of its logs (the listener's own, or
 * one connection's) holds this entry: see ss_traffic_log_get_source().
 */
void
ss_traffic_entry_set_source (SsTrafficEntry *self,
                             guint           source)
{
  g_return_if_fail (SS_IS_TRAFFIC_ENTRY (self));
  self->source = source;
}

/**
 * ss_traffic_entry_set_relayed:
 *
 * From a relayed pair's log: received is client → server, sent is
 * server → client (see ss_traffic_log_set_relayed()).
 */
void
ss_traffic_entry_set_relayed (SsTrafficEntry *self,
                              gboolean        relayed)
{
  g_return_if_fail (SS_IS_TRAFFIC_ENTRY (self));
  self->relayed = !!relayed;
}

gboolean
ss_traffic_entry_get_relayed (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), FALSE);
  return self->relayed;
}

/**
 * ss_traffic_entry_get_source:
 *
 * Returns: the number of the log the entry came from in a merged log, or
 *   G_MAXUINT for an entry of a socket's own log
 */
guint
ss_traffic_entry_get_source (SsTrafficEntry *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_ENTRY (self), G_MAXUINT);
  return self->source;
}
