/* ss-relay-stage.c — one direction of a relayed pair before its faults: rewrite rules, then the held items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bytes read from a leg come here first. The relay's rewrite rules for
 * this direction change them, each firing a line in the pair's log with
 * the bytes before and after; then, while the relay holds this direction,
 * they wait as held items (in the relay's held list) until the person
 * forwards, edits or drops them. Items leave only from the front, so the
 * order never changes: an item forwarded while older ones still wait is
 * marked and goes when they have gone. What leaves goes to the pair's
 * forward function, behind which the fault chain sits.
 *
 * A stream pair's stage follows its relay's framing (the one the relay's
 * page sets, as a socket's page does for its auto-reply rules): the rules
 * then match whole messages, as auto-reply rules do. A message spanning
 * reads waits here until it ends, counted as held; two in one read are
 * matched one by one, each its own held item. Without rules the bytes go
 * as they come and the splitter only follows the stream, so rules added
 * later find the messages where the message log shows them.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-escape.h"
#include "ss-message-splitter.h"
#include "ss-relay-pair.h"
#include "ss-relay-stage.h"
#include "ss-reply-rule.h"
#include "ss-traffic-log.h"

/* How many bytes of a chunk a log line shows before and after a change. */
#define SHOWN_BYTES 256

/* The longest message that waits to be matched whole: the framer ends one
 * there (as the message log caps one at its budget), so what waits stays
 * below the direction's limit and reading goes on. */
#define MAX_MESSAGE (SS_RELAY_PAIR_MAX_BUFFERED / 4)

struct _SsRelayStage
{
  SsRelayIntercept     *intercept;
  SsInterceptDirection  direction;
  SsTrafficLog         *log;
  char                 *pair_label;
  SsRelayStageForward   forward;
  SsRelayStageSettled   settled;
  gpointer              user_data;
  GQueue                held;        /* of SsHeldItem, oldest first */
  gsize                 held_bytes;

  /* rules on whole messages, with the relay's framing */
  SsSocket             *framing_from; /* whose framing: the pair's client leg; not owned */
  SsMessageSplitter    *splitter;
  gsize                 passed;       /* bytes of its growing message already let go */
  guint                 idle_id;
  gboolean              stopped;
};

/**
 * ss_relay_stage_new:
 * @log: (transfer none): the pair's conversation, which outlives the stage
 * @forward: where bytes let through go
 *
 * Returns: (transfer full): the stage, registered with @intercept
 */
SsRelayStage *
ss_relay_stage_new (SsRelayIntercept     *intercept,
                    SsInterceptDirection  direction,
                    SsTrafficLog         *log,
                    const char           *pair_label,
                    SsRelayStageForward   forward,
                    SsRelayStageSettled   settled,
                    gpointer              user_data)
{
  SsRelayStage *self = g_new0 (SsRelayStage, 1);

  self->intercept = g_object_ref (intercept);
  self->direction = direction;
  self->log = g_object_ref (log);
  self->pair_label = g_strdup (pair_label);
  self->forward = forward;
  self->settled = settled;
  self->user_data = user_data;
  g_queue_init (&self->held);
  _ss_relay_intercept_add_stage (intercept, self);
  return self;
}

/**
 * ss_relay_stage_stop:
 *
 * The pair is over: what is still held goes nowhere, and leaves the held
 * list (the log says how much). Safe while the stage is forwarding.
 */
void
ss_relay_stage_stop (SsRelayStage *self)
{
  SsHeldItem *item;
  guint n_items = 0;
  guint64 n_bytes;

  if (self == NULL)
    return;
  self->stopped = TRUE;
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->splitter != NULL)
    {
      gsize len;
      guint64 waiting;

      ss_message_splitter_peek_pending (self->splitter, &len);
      waiting = len - self->passed;
      g_clear_pointer (&self->splitter, ss_message_splitter_free);
      self->passed = 0;
      if (waiting > 0)
        ss_traffic_log_append_event (self->log,
                                     g_dngettext (GETTEXT_PACKAGE,
                                                  "The pair closed inside a message, %s: its %" PRIu64 " byte so far was not forwarded",
                                                  "The pair closed inside a message, %s: its %" PRIu64 " bytes so far were not forwarded",
                                                  waiting),
                                     ss_intercept_direction_name (self->direction), waiting);
    }
  n_bytes = self->held_bytes;
  while ((item = g_queue_pop_head (&self->held)) != NULL)
    {
      ss_held_item_set_stage (item, NULL);
      g_object_unref (item);
      n_items++;
    }
  self->held_bytes = 0;
  if (n_items == 0)
    return;
  ss_traffic_log_append_event (self->log,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "The pair closed with %u item held, %s: its %" PRIu64 " bytes were not forwarded",
                                            "The pair closed with %u items held, %s: their %" PRIu64 " bytes were not forwarded",
                                            n_items),
                               n_items, ss_intercept_direction_name (self->direction), n_bytes);
  ss_traffic_log_flush_soon (self->log);
  _ss_relay_intercept_prune (self->intercept);
}

void
ss_relay_stage_free (SsRelayStage *self)
{
  if (self == NULL)
    return;
  ss_relay_stage_stop (self);
  _ss_relay_intercept_remove_stage (self->intercept, self);
  g_free (self->pair_label);
  g_object_unref (self->log);
  g_object_unref (self->intercept);
  g_free (self);
}

static char *
dup_shown (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return ss_escape_bytes (data, len, SHOWN_BYTES, FALSE);
}

/* Each enabled rule of this direction, in order, on what the one before
 * left. */
static GBytes *
rewrite (SsRelayStage *self,
         GBytes       *bytes)
{
  GListModel *rules = G_LIST_MODEL (ss_relay_intercept_get_rules (self->intercept, self->direction));
  guint n = g_list_model_get_n_items (rules);
  g_autoptr(GBytes) current = g_bytes_ref (bytes);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsReplyRule) rule = g_list_model_get_item (rules, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) after = NULL;
      g_autofree char *description = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (current, &len);

      after = ss_reply_rule_replace (rule, data, len, &error);
      if (after == NULL && error == NULL)
        continue;
      description = ss_reply_rule_dup_description (rule);
      if (after == NULL)
        {
          ss_traffic_log_append_event (self->log,
                                       _("Rewrite rule %u (%s), %s, matched, but its replacement cannot be made: %s"),
                                       i + 1, description,
                                       ss_intercept_direction_name (self->direction), error->message);
          continue;
        }
      {
        g_autofree char *before_text = dup_shown (current);
        g_autofree char *after_text = dup_shown (after);

        /* TRANSLATORS: a rewrite rule changed relayed bytes: rule number,
         * what it matches, the direction, the bytes before and after */
        ss_traffic_log_append_event (self->log, _("Rewrite rule %u (%s), %s: “%s” → “%s”"),
                                     i + 1, description,
                                     ss_intercept_direction_name (self->direction),
                                     before_text, after_text);
      }
      g_bytes_unref (current);
      current = g_steal_pointer (&after);
    }
  return g_steal_pointer (&current);
}

static void
hold (SsRelayStage *self,
      GBytes       *bytes)
{
  g_autoptr(SsHeldItem) item = ss_held_item_new (0, self->direction, self->pair_label, bytes);
  guint number;

  ss_held_item_set_stage (item, self);
  g_queue_push_tail (&self->held, g_object_ref (item));
  self->held_bytes += g_bytes_get_size (bytes);
  number = _ss_relay_intercept_hold_item (self->intercept, item);
  ss_traffic_log_append_event (self->log,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "Held item %u, %s: %" PRIu64 " byte",
                                            "Held item %u, %s: %" PRIu64 " bytes",
                                            g_bytes_get_size (bytes)),
                               number, ss_intercept_direction_name (self->direction),
                               (guint64) g_bytes_get_size (bytes));
}

/* What the stage lets go: held while the relay holds this direction */
static void
pass_on (SsRelayStage *self,
         GBytes       *bytes,
         gboolean      holding)
{
  if (holding)
    hold (self, bytes);
  else if (g_bytes_get_size (bytes) > 0)
    self->forward (self->user_data, self, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static guint
n_rules (SsRelayStage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (ss_relay_intercept_get_rules (self->intercept,
                                                                               self->direction)));
}

/**
 * ss_relay_stage_follow_framing:
 * @socket: (transfer none): whose framing (ss_socket_get_framing()) the
 *   rules see: a stream pair's client leg, whose framing is its relay's;
 *   it outlives the stage
 *
 * Rewrite rules then match whole messages. Not for datagrams: a datagram
 * is one already, and two must not become one.
 */
void
ss_relay_stage_follow_framing (SsRelayStage *self,
                               SsSocket     *socket)
{
  if (self != NULL)
    self->framing_from = socket;
}

/* The growing message's bytes not let go yet go now, as they are: its
 * start is gone then, so it can no longer be matched whole.
 * Returns: how many went */
static gsize
let_growing_go (SsRelayStage *self,
                gboolean      holding)
{
  g_autoptr(GBytes) rest = NULL;
  const guint8 *data;
  gsize len;

  data = ss_message_splitter_peek_pending (self->splitter, &len);
  if (len <= self->passed)
    return 0;
  rest = g_bytes_new (data + self->passed, len - self->passed);
  self->passed = len;
  pass_on (self, rest, holding);
  return g_bytes_get_size (rest);
}

/* The splitter for the framing the rules see now, or NULL: made anew
 * when the person chose another, what its growing message held going on
 * as it was. */
static SsMessageSplitter *
get_splitter (SsRelayStage *self,
              gboolean      holding)
{
  const SsFramerSpec *spec = NULL;

  if (self->framing_from != NULL && !self->stopped)
    spec = ss_socket_get_framing (self->framing_from);
  if (self->splitter != NULL && spec != NULL &&
      ss_framer_spec_equal (spec, ss_message_splitter_get_spec (self->splitter)))
    return self->splitter;
  if (self->splitter != NULL)
    {
      let_growing_go (self, holding);
      g_clear_handle_id (&self->idle_id, g_source_remove);
      g_clear_pointer (&self->splitter, ss_message_splitter_free);
      self->passed = 0;
    }
  if (spec != NULL && !self->stopped)
    self->splitter = ss_message_splitter_new (spec, MAX_MESSAGE);
  return self->splitter;
}

static void
collect_cb (const guint8 *data,
            gsize         len,
            gpointer      user_data)
{
  g_ptr_array_add (user_data, g_bytes_new (data, len));
}

/* Messages that ended, in order, acted on once the splitter is done with
 * them (what is forwarded may stop the stage). The first one's start went
 * already when @passed is not 0 (it began before there were rules): the
 * rest goes as it is. */
static void
pass_messages (SsRelayStage *self,
               GPtrArray    *ended,
               gsize         passed,
               gboolean      holding)
{
  for (guint i = 0; i < ended->len && !self->stopped; i++)
    {
      GBytes *message = g_ptr_array_index (ended, i);
      gsize len = g_bytes_get_size (message);

      if (i == 0 && passed > 0)
        {
          g_autoptr(GBytes) rest = NULL;

          if (len <= passed)
            continue;
          rest = g_bytes_new_from_bytes (message, passed, len - passed);
          pass_on (self, rest, holding);
        }
      else
        {
          g_autoptr(GBytes) rewritten = rewrite (self, message);

          pass_on (self, rewritten, holding);
        }
    }
}

static gboolean idle_cb (gpointer user_data);

/* An idle gap ends a message only when nothing more comes */
static void
watch_idle (SsRelayStage *self)
{
  const SsFramerSpec *spec;
  gsize len;

  if (self->splitter == NULL || self->idle_id != 0)
    return;
  spec = ss_message_splitter_get_spec (self->splitter);
  ss_message_splitter_peek_pending (self->splitter, &len);
  if (spec->mode == SS_FRAMING_IDLE && len > self->passed)
    self->idle_id = g_timeout_add (MAX (spec->idle_ms, 1), idle_cb, self);
}

static gboolean
idle_cb (gpointer user_data)
{
  SsRelayStage *self = user_data;
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize passed = self->passed;

  self->idle_id = 0;
  if (self->splitter == NULL)
    return G_SOURCE_REMOVE;
  if (!ss_message_splitter_close_idle (self->splitter, g_get_monotonic_time (), collect_cb, ended))
    {
      watch_idle (self);
      return G_SOURCE_REMOVE;
    }
  self->passed = 0;
  pass_messages (self, ended, passed, ss_relay_intercept_get_hold (self->intercept, self->direction));
  ss_traffic_log_flush_soon (self->log);
  /* what waited has gone: the reading side may read again */
  self->settled (self->user_data, self);
  return G_SOURCE_REMOVE;
}

static void
take_framed (SsRelayStage      *self,
             SsMessageSplitter *splitter,
             const guint8      *data,
             gsize              len,
             gboolean           holding)
{
  g_autoptr(GPtrArray) ended = NULL;
  gsize passed;

  if (n_rules (self) == 0)
    {
      /* the rules were taken off while a message grew: it goes first */
      let_growing_go (self, holding);
      if (self->stopped)
        return;
      ss_message_splitter_feed (splitter, g_get_monotonic_time (), data, len, NULL, NULL);
      ss_message_splitter_peek_pending (splitter, &self->passed);
      if (holding)
        {
          g_autoptr(GBytes) bytes = g_bytes_new (data, len);

          hold (self, bytes);
        }
      else
        self->forward (self->user_data, self, data, len);
      return;
    }

  ended = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  passed = self->passed;
  ss_message_splitter_feed (splitter, g_get_monotonic_time (), data, len, collect_cb, ended);
  if (ended->len > 0)
    self->passed = 0;
  pass_messages (self, ended, passed, holding);
  watch_idle (self);
}

/**
 * ss_relay_stage_take:
 * @data: one chunk read from the leg this direction starts at
 *
 * Rewrites the chunk (or the messages it ends, with a framing), then
 * holds it or lets it through.
 */
void
ss_relay_stage_take (SsRelayStage *self,
                     const guint8 *data,
                     gsize         len)
{
  g_autoptr(GBytes) bytes = NULL;
  SsMessageSplitter *splitter;
  gboolean holding;

  holding = ss_relay_intercept_get_hold (self->intercept, self->direction);
  if (self->framing_from != NULL && (splitter = get_splitter (self, holding)) != NULL)
    {
      take_framed (self, splitter, data, len, holding);
      return;
    }
  /* the common case costs no copy */
  if (!holding && g_queue_is_empty (&self->held) && n_rules (self) == 0)
    {
      self->forward (self->user_data, self, data, len);
      return;
    }

  bytes = g_bytes_new (data, len);
  {
    g_autoptr(GBytes) rewritten = rewrite (self, bytes);

    g_bytes_unref (bytes);
    bytes = g_steal_pointer (&rewritten);
  }
  pass_on (self, bytes, holding);
}

/**
 * ss_relay_stage_end:
 *
 * The stream this direction reads ended: a message still growing will
 * not end, and goes on as it is, not rewritten (the log says so), before
 * the end.
 */
void
ss_relay_stage_end (SsRelayStage *self)
{
  guint64 n;

  if (self == NULL || self->splitter == NULL)
    return;
  g_clear_handle_id (&self->idle_id, g_source_remove);
  n = let_growing_go (self, ss_relay_intercept_get_hold (self->intercept, self->direction));
  if (self->splitter == NULL)
    return;
  ss_message_splitter_reset (self->splitter);
  self->passed = 0;
  if (n == 0)
    return;
  ss_traffic_log_append_event (self->log,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "The stream ended inside a message, %s: its last %" PRIu64 " byte went on as it was, not rewritten",
                                            "The stream ended inside a message, %s: its last %" PRIu64 " bytes went on as they were, not rewritten",
                                            n),
                               ss_intercept_direction_name (self->direction), n);
  ss_traffic_log_flush_soon (self->log);
}

/* Bytes waiting here, which count against the direction's limit. */
gsize
ss_relay_stage_get_held_bytes (SsRelayStage *self)
{
  gsize growing = 0;

  if (self == NULL)
    return 0;
  /* a message growing until it can be matched whole waits here too */
  if (self->splitter != NULL)
    {
      ss_message_splitter_peek_pending (self->splitter, &growing);
      growing -= self->passed;
    }
  return self->held_bytes + growing;
}

/* Bytes of the person's own, sent on in this direction after what was
 * let through before them (held items stay held). */
void
ss_relay_stage_inject (SsRelayStage *self,
                       GBytes       *bytes)
{
  g_autofree char *text = dup_shown (bytes);

  ss_traffic_log_append_event (self->log,
                               self->direction == SS_INTERCEPT_UPSTREAM
                               ? _("Injected to the server: “%s”")
                               : _("Injected to the client: “%s”"),
                               text);
  ss_traffic_log_flush_soon (self->log);
  if (g_bytes_get_size (bytes) > 0)
    self->forward (self->user_data, self, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* Lets the front items go while they are marked to be forwarded; @all
 * marks every item first. Items that leave are no longer the stage's;
 * the intercept takes them off its list. */
void
_ss_relay_stage_release (SsRelayStage *self,
                         gboolean      all)
{
  SsHeldItem *item;
  guint64 n_items = 0;
  guint64 n_bytes = 0;

  while ((item = g_queue_peek_head (&self->held)) != NULL)
    {
      GBytes *bytes = ss_held_item_get_bytes (item);

      if (all)
        ss_held_item_decide (item, NULL);
      if (ss_held_item_get_decision (item) != SS_HELD_FORWARD)
        break;
      g_queue_pop_head (&self->held);
      self->held_bytes -= g_bytes_get_size (bytes);
      ss_held_item_set_stage (item, NULL);
      n_items++;
      n_bytes += g_bytes_get_size (bytes);
      if (g_bytes_get_size (bytes) > 0)
        self->forward (self->user_data, self, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_object_unref (item);
    }
  if (n_items == 0)
    return;
  if (all)
    ss_traffic_log_append_event (self->log,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "Forwarded every held item, %s: %" PRIu64 " item, %" PRIu64 " bytes",
                                              "Forwarded every held item, %s: %" PRIu64 " items, %" PRIu64 " bytes",
                                              n_items),
                                 ss_intercept_direction_name (self->direction), n_items, n_bytes);
  ss_traffic_log_flush_soon (self->log);
  self->settled (self->user_data, self);
}

/* The person forwards @item, as it is or as @edited: it goes once the
 * items held before it have gone. */
void
_ss_relay_stage_forward (SsRelayStage *self,
                         SsHeldItem   *item,
                         GBytes       *edited)
{
  guint number = ss_held_item_get_number (item);
  const char *direction = ss_intercept_direction_name (self->direction);
  GBytes *before = ss_held_item_get_bytes (item);
  guint waiting = 0;

  for (GList *l = self->held.head; l != NULL && l->data != item; l = l->next)
    if (ss_held_item_get_decision (l->data) != SS_HELD_FORWARD)
      waiting++;

  if (edited != NULL && !g_bytes_equal (edited, before))
    {
      g_autofree char *before_text = dup_shown (before);
      g_autofree char *after_text = dup_shown (edited);

      ss_traffic_log_append_event (self->log, _("Held item %u, %s, edited: “%s” → “%s”"),
                                   number, direction, before_text, after_text);
      self->held_bytes = self->held_bytes - g_bytes_get_size (before) + g_bytes_get_size (edited);
      ss_held_item_decide (item, edited);
    }
  else
    ss_held_item_decide (item, NULL);

  if (waiting > 0)
    ss_traffic_log_append_event (self->log,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "Held item %u, %s: forwarded once the %u item held before it goes",
                                              "Held item %u, %s: forwarded once the %u items held before it go",
                                              waiting),
                                 number, direction, waiting);
  else
    ss_traffic_log_append_event (self->log,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "Held item %u, %s: forwarded %" PRIu64 " byte",
                                              "Held item %u, %s: forwarded %" PRIu64 " bytes",
                                              g_bytes_get_size (ss_held_item_get_bytes (item))),
                                 number, direction,
                                 (guint64) g_bytes_get_size (ss_held_item_get_bytes (item)));
  _ss_relay_stage_release (self, FALSE);
  ss_traffic_log_flush_soon (self->log);
}

void
_ss_relay_stage_drop (SsRelayStage *self,
                      SsHeldItem   *item)
{
  gsize size = g_bytes_get_size (ss_held_item_get_bytes (item));

  if (!g_queue_remove (&self->held, item))
    return;
  self->held_bytes -= size;
  ss_held_item_set_stage (item, NULL);
  ss_traffic_log_append_event (self->log,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "Held item %u, %s: dropped %" PRIu64 " byte",
                                            "Held item %u, %s: dropped %" PRIu64 " bytes",
                                            size),
                               ss_held_item_get_number (item),
                               ss_intercept_direction_name (self->direction), (guint64) size);
  g_object_unref (item);
  /* the front may now be an item already marked to go */
  _ss_relay_stage_release (self, FALSE);
  ss_traffic_log_flush_soon (self->log);
  self->settled (self->user_data, self);
}

SsInterceptDirection
_ss_relay_stage_get_direction (SsRelayStage *self)
{
  return self->direction;
}

/* what the stage was made for: its pair */
gpointer
_ss_relay_stage_get_user_data (SsRelayStage *self)
{
  return self->user_data;
}
