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
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-escape.h"
#include "ss-relay-stage.h"
#include "ss-reply-rule.h"
#include "ss-traffic-log.h"

/* How many bytes of a chunk a log line shows before and after a change. */
#define SHOWN_BYTES 256

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

/**
 * ss_relay_stage_take:
 * @data: one chunk read from the leg this direction starts at
 *
 * Rewrites the chunk, then holds it or lets it through.
 */
void
ss_relay_stage_take (SsRelayStage *self,
                     const guint8 *data,
                     gsize         len)
{
  g_autoptr(GBytes) bytes = NULL;
  gboolean holding;

  holding = ss_relay_intercept_get_hold (self->intercept, self->direction);
  /* the common case costs no copy */
  if (!holding && g_queue_is_empty (&self->held) &&
      g_list_model_get_n_items (G_LIST_MODEL (ss_relay_intercept_get_rules (self->intercept,
                                                                            self->direction))) == 0)
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
  if (holding)
    hold (self, bytes);
  else if (g_bytes_get_size (bytes) > 0)
    self->forward (self->user_data, self, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* Bytes waiting here, which count against the direction's limit. */
gsize
ss_relay_stage_get_held_bytes (SsRelayStage *self)
{
  return self != NULL ? self->held_bytes : 0;
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
