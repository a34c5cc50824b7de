/* ss-relay-intercept.c — a relay's hold switches, rewrite rules and held items, for all its pairs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A relay (a listener) has one; each of its pairs has a stage a direction
 * (ss-relay-stage.c) that reads the switches and rules here and lists
 * what it holds in the one held list the relay's page shows. Actions on
 * an item go to the stage that holds it, which keeps the order.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ss-relay-intercept.h"
#include "ss-relay-stage.h"
#include "ss-reply-rule.h"
#include "ss-socket-private.h"
#include "ss-traffic-log.h"

struct _SsRelayIntercept
{
  GObject       parent_instance;

  SsTrafficLog *log;       /* the relay's own */
  gboolean      hold[SS_INTERCEPT_N_DIRECTIONS];
  GListStore   *rules[SS_INTERCEPT_N_DIRECTIONS];
  GListStore   *held;      /* of SsHeldItem, in the order they came */
  GPtrArray    *stages;    /* of SsRelayStage, not owned */
  guint         last_number;
};

G_DEFINE_FINAL_TYPE (SsRelayIntercept, ss_relay_intercept, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_HOLD_UPSTREAM,
  PROP_HOLD_DOWNSTREAM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ss_relay_intercept_finalize (GObject *object)
{
  SsRelayIntercept *self = SS_RELAY_INTERCEPT (object);

  /* each stage holds a reference: none is left */
  g_assert (self->stages->len == 0);
  g_ptr_array_unref (self->stages);
  g_clear_object (&self->held);
  for (guint i = 0; i < SS_INTERCEPT_N_DIRECTIONS; i++)
    g_clear_object (&self->rules[i]);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (ss_relay_intercept_parent_class)->finalize (object);
}

static void
ss_relay_intercept_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SsRelayIntercept *self = SS_RELAY_INTERCEPT (object);

  switch (prop_id)
    {
    case PROP_HOLD_UPSTREAM:
      g_value_set_boolean (value, self->hold[SS_INTERCEPT_UPSTREAM]);
      break;
    case PROP_HOLD_DOWNSTREAM:
      g_value_set_boolean (value, self->hold[SS_INTERCEPT_DOWNSTREAM]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_relay_intercept_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SsRelayIntercept *self = SS_RELAY_INTERCEPT (object);

  switch (prop_id)
    {
    case PROP_HOLD_UPSTREAM:
      ss_relay_intercept_set_hold (self, SS_INTERCEPT_UPSTREAM, g_value_get_boolean (value));
      break;
    case PROP_HOLD_DOWNSTREAM:
      ss_relay_intercept_set_hold (self, SS_INTERCEPT_DOWNSTREAM, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_relay_intercept_class_init (SsRelayInterceptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_relay_intercept_finalize;
  object_class->get_property = ss_relay_intercept_get_property;
  object_class->set_property = ss_relay_intercept_set_property;

  /* whether client → server data waits in the held list */
  properties[PROP_HOLD_UPSTREAM] =
    g_param_spec_boolean ("hold-upstream", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOLD_DOWNSTREAM] =
    g_param_spec_boolean ("hold-downstream", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ss_relay_intercept_init (SsRelayIntercept *self)
{
  for (guint i = 0; i < SS_INTERCEPT_N_DIRECTIONS; i++)
    self->rules[i] = g_list_store_new (SS_TYPE_REPLY_RULE);
  self->held = g_list_store_new (SS_TYPE_HELD_ITEM);
  self->stages = g_ptr_array_new ();
}

/* @log: where switching hold on and off is told (the relay's log) */
SsRelayIntercept *
ss_relay_intercept_new (SsTrafficLog *log)
{
  SsRelayIntercept *self = g_object_new (SS_TYPE_RELAY_INTERCEPT, NULL);

  self->log = g_object_ref (log);
  return self;
}

gboolean
ss_relay_intercept_get_hold (SsRelayIntercept     *self,
                             SsInterceptDirection  direction)
{
  g_return_val_if_fail (SS_IS_RELAY_INTERCEPT (self), FALSE);
  g_return_val_if_fail (direction < SS_INTERCEPT_N_DIRECTIONS, FALSE);
  return self->hold[direction];
}

/* Items that left their stage (forwarded, dropped, or their pair
 * closed) come off the list in one change. */
void
_ss_relay_intercept_prune (SsRelayIntercept *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->held));
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);
  guint first = G_MAXUINT;

  for (guint i = 0; i < n; i++)
    {
      SsHeldItem *item = g_list_model_get_item (G_LIST_MODEL (self->held), i);

      if (ss_held_item_get_stage (item) != NULL)
        {
          if (first != G_MAXUINT)
            g_ptr_array_add (kept, item);
          else
            g_object_unref (item);
          continue;
        }
      if (first == G_MAXUINT)
        first = i;
      g_object_unref (item);
    }
  if (first == G_MAXUINT)
    return;
  g_list_store_splice (self->held, first, n - first, kept->pdata, kept->len);
}

/**
 * ss_relay_intercept_set_hold:
 *
 * While on, what arrives in @direction on every pair of the relay waits
 * in the held list. Switching it off forwards what waits, in order.
 */
void
ss_relay_intercept_set_hold (SsRelayIntercept     *self,
                             SsInterceptDirection  direction,
                             gboolean              hold)
{
  g_return_if_fail (SS_IS_RELAY_INTERCEPT (self));
  g_return_if_fail (direction < SS_INTERCEPT_N_DIRECTIONS);

  hold = !!hold;
  if (self->hold[direction] == hold)
    return;
  self->hold[direction] = hold;
  ss_traffic_log_append_event (self->log, hold ? _("Holding %s") : _("No longer holding %s"),
                               ss_intercept_direction_name (direction));
  ss_traffic_log_flush_soon (self->log);
  if (!hold)
    {
      /* a stage may go while forwarding (its pair fails): walk a copy */
      g_autoptr(GPtrArray) stages = g_ptr_array_copy (self->stages, NULL, NULL);

      for (guint i = 0; i < stages->len; i++)
        if (g_ptr_array_find (self->stages, stages->pdata[i], NULL) &&
            _ss_relay_stage_get_direction (stages->pdata[i]) == direction)
          _ss_relay_stage_release (stages->pdata[i], TRUE);
      _ss_relay_intercept_prune (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self),
                            properties[direction == SS_INTERCEPT_UPSTREAM
                                       ? PROP_HOLD_UPSTREAM : PROP_HOLD_DOWNSTREAM]);
}

/**
 * ss_relay_intercept_get_rules:
 *
 * The rewrite rules of @direction, tried in order on each chunk, each on
 * what the ones before left (see ss_reply_rule_replace()).
 *
 * Returns: (transfer none): a GListStore of SsReplyRule
 */
GListStore *
ss_relay_intercept_get_rules (SsRelayIntercept     *self,
                              SsInterceptDirection  direction)
{
  g_return_val_if_fail (SS_IS_RELAY_INTERCEPT (self), NULL);
  g_return_val_if_fail (direction < SS_INTERCEPT_N_DIRECTIONS, NULL);
  return self->rules[direction];
}

/* (transfer none): what every pair of the relay holds, of SsHeldItem */
GListModel *
ss_relay_intercept_get_held (SsRelayIntercept *self)
{
  g_return_val_if_fail (SS_IS_RELAY_INTERCEPT (self), NULL);
  return G_LIST_MODEL (self->held);
}

/* An item that already left (forwarded, dropped, its pair gone) is
 * left alone; the list may drop its last reference meanwhile. */
static void
act (SsRelayIntercept *self,
     SsHeldItem       *item,
     gboolean          forward,
     GBytes           *edited)
{
  g_autoptr(SsHeldItem) hold = NULL;

  if (ss_held_item_get_stage (item) == NULL)
    return;
  hold = g_object_ref (item);
  if (forward)
    _ss_relay_stage_forward (ss_held_item_get_stage (item), item, edited);
  else
    _ss_relay_stage_drop (ss_held_item_get_stage (item), item);
  _ss_relay_intercept_prune (self);
}

/**
 * ss_relay_intercept_forward:
 * @edited: (nullable): bytes to forward instead of the item's own
 *
 * Forwards @item once the items its pair held before it in the same
 * direction have gone (forwarded or dropped).
 */
void
ss_relay_intercept_forward (SsRelayIntercept *self,
                            SsHeldItem       *item,
                            GBytes           *edited)
{
  g_return_if_fail (SS_IS_RELAY_INTERCEPT (self));
  g_return_if_fail (SS_IS_HELD_ITEM (item));

  act (self, item, TRUE, edited);
}

void
ss_relay_intercept_drop (SsRelayIntercept *self,
                         SsHeldItem       *item)
{
  g_return_if_fail (SS_IS_RELAY_INTERCEPT (self));
  g_return_if_fail (SS_IS_HELD_ITEM (item));

  act (self, item, FALSE, NULL);
}

/* Every held item of every pair, each pair's in order; hold stays on. */
void
ss_relay_intercept_forward_all (SsRelayIntercept *self)
{
  g_autoptr(GPtrArray) stages = NULL;

  g_return_if_fail (SS_IS_RELAY_INTERCEPT (self));

  stages = g_ptr_array_copy (self->stages, NULL, NULL);
  for (guint i = 0; i < stages->len; i++)
    if (g_ptr_array_find (self->stages, stages->pdata[i], NULL))
      _ss_relay_stage_release (stages->pdata[i], TRUE);
  _ss_relay_intercept_prune (self);
}

void
_ss_relay_intercept_add_stage (SsRelayIntercept *self,
                               gpointer          stage)
{
  g_ptr_array_add (self->stages, stage);
}

void
_ss_relay_intercept_remove_stage (SsRelayIntercept *self,
                                  gpointer          stage)
{
  g_ptr_array_remove_fast (self->stages, stage);
}

/* Lists @item and gives it its number. */
guint
_ss_relay_intercept_hold_item (SsRelayIntercept *self,
                               SsHeldItem       *item)
{
  _ss_held_item_set_number (item, ++self->last_number);
  g_list_store_append (self->held, item);
  return self->last_number;
}

/**
 * ss_socket_get_relay_intercept:
 *
 * Returns: (transfer none) (nullable): the intercept of a relay, for the
 *   relay, either leg of one of its pairs, or a UDP relay's upstream
 *   socket; made on first use
 */
SsRelayIntercept *
ss_socket_get_relay_intercept (SsSocket *self)
{
  SsSocket *relay = self;

  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);

  if (self->relay_pair != NULL)
    relay = ss_relay_pair_get_client (self->relay_pair)->listener;
  else if (self->relay_listener != NULL)
    relay = self->relay_listener;
  if (relay == NULL || relay->relay_target == NULL)
    return NULL;
  if (relay->relay_intercept == NULL)
    relay->relay_intercept = ss_relay_intercept_new (relay->traffic);
  return relay->relay_intercept;
}

/* Whether @item waits in the pair of which @self is a leg. */
gboolean
ss_socket_relay_holds (SsSocket   *self,
                       SsHeldItem *item)
{
  SsRelayStage *stage;

  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (SS_IS_HELD_ITEM (item), FALSE);

  stage = ss_held_item_get_stage (item);
  /* a stream pair's stages are its pair's; a UDP pair's, its upstream socket's */
  return stage != NULL &&
         _ss_relay_stage_get_user_data (stage) == (self->relay_pair != NULL ? (gpointer) self->relay_pair
                                                                            : (gpointer) self);
}

/**
 * ss_socket_relay_inject:
 * @self: either leg of a relayed pair
 * @direction: %SS_INTERCEPT_UPSTREAM sends @bytes to the server,
 *   %SS_INTERCEPT_DOWNSTREAM to the client
 *
 * Sends the person's own bytes to one side of the pair mid-stream, after
 * what was forwarded before, and logs them as injected.
 */
gboolean
ss_socket_relay_inject (SsSocket              *self,
                        SsInterceptDirection   direction,
                        GBytes                *bytes,
                        GError               **error)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (direction < SS_INTERCEPT_N_DIRECTIONS, FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  /* a UDP relay's pair is its upstream socket */
  if (self->relay_pair == NULL && self->relay_stages[direction] != NULL &&
      self->state == SS_SOCKET_CONNECTED && self->relay_listener != NULL)
    {
      ss_relay_stage_inject (self->relay_stages[direction], bytes);
      return TRUE;
    }
  if (self->relay_pair == NULL || !ss_relay_pair_inject (self->relay_pair, direction, bytes))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           direction == SS_INTERCEPT_UPSTREAM
                           ? _("The server’s side of this pair is not connected")
                           : _("The client’s side of this pair is not connected"));
      return FALSE;
    }
  return TRUE;
}
