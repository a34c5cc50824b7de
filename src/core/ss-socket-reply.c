/* ss-socket-reply.c — auto-reply: rules that answer what the socket receives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-reply-rule.h"
#include "ss-socket-private.h"
#include "ss-traffic-log-private.h"

/* Core runs on the main thread only. Sending a reply never receives, but
 * it emits signals whose handlers might: they must not reply again. */
static gboolean replying;

/* A listener's rules answer on each of its connections. */
static SsSocket *
rules_owner (SsSocket *self)
{
  return self->listener != NULL ? self->listener : self;
}

/**
 * ss_socket_get_reply_rules:
 *
 * The auto-reply rules, tried in order on each chunk received, or each
 * message with a framing (ss_socket_set_framing()): the first enabled
 * rule that matches replies. On a connection a listener accepted
 * these are the listener's, shared by all its connections.
 *
 * Returns: (transfer none): a GListStore of SsReplyRule
 */
GListStore *
ss_socket_get_reply_rules (SsSocket *self)
{
  SsSocket *owner;

  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);

  owner = rules_owner (self);
  if (owner->reply_rules == NULL)
    owner->reply_rules = g_list_store_new (SS_TYPE_REPLY_RULE);
  return owner->reply_rules;
}

static void
send_reply (SsSocket        *self,
            guint            number,
            GBytes          *reply,
            const SsAddress *sender)
{
  g_autoptr(GError) error = NULL;

  if (ss_socket_is_stream (self))
    {
      /* sendall: what the kernel does not take now is queued */
      if (ss_socket_send (self, reply, &error))
        return;
    }
  else
    {
      /* a connected socket hears only its peer, and sendto() with an
       * address is EISCONN on some families */
      if (self->state == SS_SOCKET_CONNECTED)
        sender = NULL;
      else if (sender == NULL)
        {
          ss_traffic_log_append_event (self->traffic,
                                       _("Auto-reply rule %u cannot reply: the datagram’s sender has no address"),
                                       number);
          return;
        }
      if (ss_socket_send_once (self, reply, sender, &error) >= 0)
        return;
    }
  ss_traffic_log_append_event (self->traffic, _("Auto-reply rule %u could not send its reply: %s"),
                               number, error->message);
}

static void
fire (SsSocket        *self,
      SsReplyRule     *rule,
      guint            number,
      GBytes          *reply,
      GError          *error,
      const SsAddress *sender)
{
  g_autofree char *description = ss_reply_rule_dup_description (rule);

  if (reply == NULL)
    {
      ss_traffic_log_append_event (self->traffic,
                                   _("Auto-reply rule %u (%s) matched, but its reply cannot be made: %s"),
                                   number, description, error->message);
      return;
    }

  ss_traffic_log_append_event (self->traffic,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "Auto-reply rule %u (%s) matched: replying %" PRIu64 " byte",
                                            "Auto-reply rule %u (%s) matched: replying %" PRIu64 " bytes",
                                            g_bytes_get_size (reply)),
                               number, description, (guint64) g_bytes_get_size (reply));
  send_reply (self, number, reply, sender);
}

/* The first enabled rule that matches @data replies. */
static void
match_rules (SsSocket        *self,
             GListModel      *rules,
             const guint8    *data,
             gsize            len,
             const SsAddress *sender)
{
  guint n = g_list_model_get_n_items (rules);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsReplyRule) rule = g_list_model_get_item (rules, i);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;

      if (rule == NULL)
        break;
      reply = ss_reply_rule_fire (rule, data, len, &error);
      if (reply == NULL && error == NULL)
        continue;

      replying = TRUE;
      fire (self, rule, i + 1, reply, error, sender);
      replying = FALSE;
      return;
    }
}

/* --- rules on whole messages --- */

/* The framing the rules see on this socket: its own, or on a connection
 * its listener's (kept when the listener is gone) */
static SsSocket *
framing_owner (SsSocket *self)
{
  return self->listener != NULL ? self->listener : self;
}

/**
 * ss_socket_set_framing:
 * @spec: (nullable): how what the socket receives is split into messages;
 *   %NULL or %SS_FRAMING_NONE for chunk by chunk
 *
 * Auto-reply rules then match whole messages, as the message log shows
 * them, instead of each chunk: a request split over two reads is
 * answered once, two requests in one read twice. What the socket
 * received already is framed again, so the next message is the one the
 * message log shows. On a listener, for each of its connections.
 */
void
ss_socket_set_framing (SsSocket           *self,
                       const SsFramerSpec *spec)
{
  static guint serial;

  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (spec == NULL || spec->mode < SS_N_FRAMINGS);

  if (spec != NULL && spec->mode == SS_FRAMING_NONE)
    spec = NULL;
  if (spec == NULL ? self->framing == NULL
                   : self->framing != NULL && ss_framer_spec_equal (spec, self->framing))
    return;
  g_clear_pointer (&self->framing, g_free);
  if (spec != NULL)
    self->framing = g_memdup2 (spec, sizeof *spec);
  self->framing_serial = ++serial;
}

/**
 * ss_socket_get_framing:
 *
 * Returns: (nullable): the framing the auto-reply rules see, as set on
 *   this socket or its listener; %NULL for chunk by chunk
 */
const SsFramerSpec *
ss_socket_get_framing (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);
  return framing_owner (self)->framing;
}

void
ss_socket_clear_framing (SsSocket *self)
{
  g_clear_handle_id (&self->splitter_idle_id, g_source_remove);
  g_clear_pointer (&self->splitter, ss_message_splitter_free);
  g_clear_pointer (&self->framing, g_free);
}

/* A message of the chunk being read, where it is, or a copy of one that
 * spanned chunks */
typedef struct
{
  const guint8 *data;
  gsize         len;
  GBytes       *copy;
} Ended;

typedef struct
{
  const guint8 *chunk;
  gsize         chunk_len;
  GArray       *ended;
} Collect;

static void
clear_ended (gpointer data)
{
  g_clear_pointer (&((Ended *) data)->copy, g_bytes_unref);
}

/* Messages are acted on once the splitter is done with the chunk: a
 * reply's handlers must not find it halfway. */
static void
collect_cb (const guint8 *data,
            gsize         len,
            gpointer      user_data)
{
  Collect *collect = user_data;
  Ended ended = { data, len, NULL };

  if (data == NULL || data < collect->chunk || data + len > collect->chunk + collect->chunk_len)
    {
      ended.copy = g_bytes_new (data, len);
      ended.data = g_bytes_get_data (ended.copy, NULL);
    }
  g_array_append_val (collect->ended, ended);
}

/* The received records before the last, framed with nothing acted on:
 * the splitter is where the message log is. Bytes no longer in memory
 * start framing again after them, as they do there. */
static void
follow_log (SsSocket          *self,
            SsMessageSplitter *splitter)
{
  SsTrafficLog *log = self->traffic;
  guint last = log->n_records;

  while (last > 0 && log->records[last - 1].kind != SS_TRAFFIC_RECEIVED)
    last--;
  for (guint i = 0; last > 0 && i < last - 1; i++)
    {
      const Record *record = &log->records[i];
      const guint8 *data;

      if (record->kind != SS_TRAFFIC_RECEIVED || record->length == 0)
        continue;
      data = ss_traffic_log_record_data (log, record);
      if (data == NULL)
        ss_message_splitter_reset (splitter);
      else
        ss_message_splitter_feed (splitter, record->time, data, record->length, NULL, NULL);
    }
}

/* This socket's splitter for the framing the rules see now, or NULL */
static SsMessageSplitter *
get_splitter (SsSocket *self)
{
  SsSocket *owner = framing_owner (self);
  guint64 max;

  /* a connection whose listener is gone keeps what it had */
  if (owner == self && self->accepted && self->framing == NULL)
    return self->splitter;
  if (self->splitter != NULL && self->splitter_serial == owner->framing_serial)
    return self->splitter;

  g_clear_handle_id (&self->splitter_idle_id, g_source_remove);
  g_clear_pointer (&self->splitter, ss_message_splitter_free);
  self->splitter_serial = owner->framing_serial;
  if (owner->framing == NULL)
    return NULL;
  /* messages are cut where the message log cuts them */
  max = MIN (ss_traffic_log_get_budget (self->traffic), (guint64) G_MAXUINT32);
  self->splitter = ss_message_splitter_new (owner->framing, max);
  follow_log (self, self->splitter);
  return self->splitter;
}

static void act_on_messages (SsSocket        *self,
                             GArray          *ended,
                             gboolean         rules_too,
                             const SsAddress *sender);

/* Whether anything is told of each message (a sequence waiting for one) */
static gboolean
messages_watched (SsSocket *self)
{
  return g_signal_has_handler_pending (self, ss_socket_signals[SS_SOCKET_SIGNAL_MESSAGE_RECEIVED], 0, TRUE);
}

static gboolean
idle_gap_cb (gpointer user_data)
{
  SsSocket *self = user_data;
  g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (Ended));
  Collect collect = { NULL, 0, ended };

  self->splitter_idle_id = 0;
  g_array_set_clear_func (ended, clear_ended);
  if (self->splitter == NULL || self->state == SS_SOCKET_CLOSED)
    return G_SOURCE_REMOVE;
  if (!ss_message_splitter_close_idle (self->splitter, g_get_real_time (), collect_cb, &collect))
    {
      /* more came since: the gap counts from its last chunk */
      if (ss_message_splitter_get_pending (self->splitter) > 0)
        self->splitter_idle_id = g_timeout_add (MAX (ss_message_splitter_get_spec (self->splitter)->idle_ms, 1),
                                                idle_gap_cb, self);
      return G_SOURCE_REMOVE;
    }
  act_on_messages (self, ended, !replying, self->last_sender);
  return G_SOURCE_REMOVE;
}

/* Each message is told, then answered by the rules (@rules_too) */
static void
act_on_messages (SsSocket        *self,
                 GArray          *ended,
                 gboolean         rules_too,
                 const SsAddress *sender)
{
  GListModel *rules = (GListModel *) rules_owner (self)->reply_rules;
  g_autoptr(SsSocket) hold = NULL;

  if (ended->len == 0)
    return;
  /* handlers of what a reply changes may close or drop the socket */
  hold = g_object_ref (self);
  for (guint i = 0; i < ended->len && self->state != SS_SOCKET_CLOSED; i++)
    {
      Ended *message = &g_array_index (ended, Ended, i);

      if (messages_watched (self))
        {
          g_autoptr(GBytes) bytes = message->copy != NULL ? g_bytes_ref (message->copy)
                                                          : g_bytes_new (message->data, message->len);

          g_signal_emit (self, ss_socket_signals[SS_SOCKET_SIGNAL_MESSAGE_RECEIVED], 0, bytes);
        }
      if (rules_too && rules != NULL)
        match_rules (self, rules, message->data, message->len, sender);
    }
}

/* Called with each chunk received, once it is in the log: @sender is a
 * datagram's sender, or NULL. With a framing, the rules see the messages
 * the chunk ends (a datagram's reply goes to the sender of the datagram
 * that ended the message); without, the chunk. */
void
ss_socket_auto_reply (SsSocket        *self,
                      const guint8    *data,
                      gsize            len,
                      const SsAddress *sender)
{
  GListModel *rules = (GListModel *) rules_owner (self)->reply_rules;
  SsMessageSplitter *splitter = get_splitter (self);
  gboolean rules_too = rules != NULL && !replying;
  g_autoptr(GArray) ended = NULL;
  Collect collect;

  if (splitter == NULL)
    {
      if (rules_too)
        {
          g_autoptr(SsSocket) hold = g_object_ref (self);

          match_rules (self, rules, data, len, sender);
        }
      return;
    }

  /* the splitter follows the whole stream, rules or not, so a rule
   * added later sees whole messages from the first */
  ended = g_array_new (FALSE, FALSE, sizeof (Ended));
  g_array_set_clear_func (ended, clear_ended);
  collect = (Collect) { data, len, ended };
  ss_message_splitter_feed (splitter, g_get_real_time (), data, len,
                            rules_too || messages_watched (self) ? collect_cb : NULL, &collect);
  if (ss_message_splitter_get_spec (splitter)->mode == SS_FRAMING_IDLE &&
      ss_message_splitter_get_pending (splitter) > 0 && self->splitter_idle_id == 0)
    self->splitter_idle_id = g_timeout_add (MAX (ss_message_splitter_get_spec (splitter)->idle_ms, 1),
                                            idle_gap_cb, self);
  act_on_messages (self, ended, rules_too, sender);
}
