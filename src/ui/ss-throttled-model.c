/* ss-throttled-model.c — a growing list, as a view can follow it in a flood
 *
 * The same items as the model it wraps, but what is appended shows at
 * most THROTTLE_RATE times a second, after a burst of THROTTLE_BURST
 * changes. A list view that follows the tail rebinds and measures its
 * rows on every change: 10,000 connections accepted in a second were
 * 10,000 relayouts of the call log. Now they are ten, each with all that
 * came meanwhile. Other changes (a clear, entries changed in place) show
 * at once. The wrapped model itself stays exact: only the view waits.
 *
 * A view makes a row widget for each item around what it shows (up to
 * 200 in GTK 4.8's list view, 30 in the one-column grid views the window
 * uses for its growing lists), all in the handler of one change, and
 * later changes only rebind them. So the
 * first FILL_ROWS items show FILL_STEP at a time, a frame apart: an empty
 * log that gets a thousand lines at once was one 300 ms stall making 200
 * rows; now it is short steps. A step is small because the lists of a
 * window step in the same turn (publish_later()), between a frame and a
 * batch of sockets: with 24 rows a list, one such turn in a burst of
 * connections took 24 ms (17 of them the main thread running, 10 making
 * rows), and the main loop's largest gap in bench-window-burst fell from
 * 45 to 36 ms (medians of 3 runs) with 8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include "ss-rate-limit.h"
#include "ss-throttled-model.h"

#define THROTTLE_RATE  4
#define THROTTLE_BURST 8
#define AT_ONCE        4
#define FILL_ROWS      256
#define FILL_STEP      8
#define FILL_DELAY_MS  16
/* A change of more rows than anyone reads in a glance is a flood: the
 * next one waits as long as FLOOD_CHANGES would (half a second at 4 a
 * second). Each change rebinds all the rows a list keeps, 200 of them,
 * and 10,000 connections in a second made the window spend as much on
 * the listener's log as on the connections; at the flood's pace nobody
 * reads the rows in between. */
#define FLOOD_ROWS     256
#define FLOOD_CHANGES  2

struct _SsThrottledModel
{
  GObject      parent_instance;

  GListModel  *model;
  /* the first n_items of the model, all this model shows; the rest is
   * appended and not yet shown */
  guint        n_items;
  SsRateLimit  limit;
  guint        publish_id;
  gint64       calm_after;  /* monotonic µs: after a flood's change, the next waits until then */
  /* appends wait until released: for a list nobody sees */
  gboolean     held;
};

static GType
ss_throttled_model_get_item_type (GListModel *list)
{
  return g_list_model_get_item_type (SS_THROTTLED_MODEL (list)->model);
}

static guint
ss_throttled_model_get_n_items (GListModel *list)
{
  return SS_THROTTLED_MODEL (list)->n_items;
}

static gpointer
ss_throttled_model_get_item (GListModel *list,
                             guint       position)
{
  SsThrottledModel *self = SS_THROTTLED_MODEL (list);

  if (position >= self->n_items)
    return NULL;
  return g_list_model_get_item (self->model, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ss_throttled_model_get_item_type;
  iface->get_n_items = ss_throttled_model_get_n_items;
  iface->get_item = ss_throttled_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SsThrottledModel, ss_throttled_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static gboolean publish_cb (gpointer user_data);

/* Calls publish_cb() after at least @delay ms, on a multiple of @quantum
 * ms of the monotonic clock: the lists of a window (sidebar, table, call
 * log) that wait at once show in the same turn, and so in one frame, not
 * a frame each. */
static guint
publish_later (SsThrottledModel *self,
               guint             delay,
               guint             quantum)
{
  gint64 now_ms = g_get_monotonic_time () / 1000;
  gint64 due = (now_ms + delay + quantum - 1) / quantum * quantum;

  return g_timeout_add ((guint) (due - now_ms), publish_cb, self);
}

/* Shows what waits, or with @filling, the next step of the first rows. */
static void
publish (SsThrottledModel *self,
         gboolean          filling)
{
  guint n_items = g_list_model_get_n_items (self->model);
  guint before = self->n_items;

  g_clear_handle_id (&self->publish_id, g_source_remove);
  if (n_items <= before)
    return;
  if (filling && before < FILL_ROWS && n_items - before > FILL_STEP)
    {
      n_items = before + FILL_STEP;
      self->publish_id = publish_later (self, FILL_DELAY_MS, FILL_DELAY_MS);
    }
  else if (n_items - before > FLOOD_ROWS)
    self->calm_after = g_get_monotonic_time () + (gint64) (FLOOD_CHANGES * G_USEC_PER_SEC / self->limit.rate);
  self->n_items = n_items;
  g_list_model_items_changed (G_LIST_MODEL (self), before, 0, n_items - before);
}

static gboolean
publish_cb (gpointer user_data)
{
  SsThrottledModel *self = user_data;

  self->publish_id = 0;
  publish (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
publish_soon (SsThrottledModel *self)
{
  guint delay;

  if (self->publish_id != 0 || self->held)
    return;
  /* A few rows show at once, within the change (a call the person made
   * is in the call log when the call returns). More are main-loop work
   * of their own, not part of whatever made the change: accepting a burst
   * of connections has a time budget per turn. */
  delay = ss_rate_limit_take (&self->limit, FALSE);
  delay = MAX (delay, (guint) (MAX (self->calm_after - g_get_monotonic_time (), 0) / 1000));
  if (delay == 0 && g_list_model_get_n_items (self->model) - self->n_items <= AT_ONCE)
    publish (self, TRUE);
  else
    self->publish_id = delay == 0 ? g_timeout_add (0, publish_cb, self)
                                  : publish_later (self, delay, 1000 / THROTTLE_RATE);
}

/* Invariant: the first n_items of the model are what this shows. */
static void
items_changed_cb (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  SsThrottledModel *self)
{
  guint shown = self->n_items;

  if (position >= shown)
    {
      /* past what is shown: appended, or a change to what is not shown yet */
      publish_soon (self);
    }
  else if (position + removed <= shown)
    {
      /* within what is shown: shown as it is */
      self->n_items = shown - removed + added;
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
    }
  else
    {
      /* from what is shown into what is not: what is shown keeps its
       * length as far as the new items reach (a call log's growing rows
       * change in place), and the rest follows soon */
      guint kept = MIN (shown, position + added);

      self->n_items = kept;
      g_list_model_items_changed (G_LIST_MODEL (self), position, shown - position, kept - position);
      publish_soon (self);
    }
}

static void
ss_throttled_model_dispose (GObject *object)
{
  SsThrottledModel *self = SS_THROTTLED_MODEL (object);

  g_clear_handle_id (&self->publish_id, g_source_remove);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, items_changed_cb, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (ss_throttled_model_parent_class)->dispose (object);
}

static void
ss_throttled_model_class_init (SsThrottledModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ss_throttled_model_dispose;
}

static void
ss_throttled_model_init (SsThrottledModel *self)
{
}

/**
 * ss_throttled_model_flush:
 *
 * Shows all of the model now: for a position found in the model itself.
 */
void
ss_throttled_model_flush (SsThrottledModel *self)
{
  g_return_if_fail (SS_IS_THROTTLED_MODEL (self));

  publish (self, FALSE);
}

/**
 * ss_throttled_model_set_held:
 * @held: whether appends wait
 *
 * Holds appends back while nobody can see the list (a closed popup's
 * list makes its rows all the same), and shows them all when released.
 * Other changes show as always.
 */
void
ss_throttled_model_set_held (SsThrottledModel *self,
                             gboolean          held)
{
  g_return_if_fail (SS_IS_THROTTLED_MODEL (self));

  self->held = held;
  if (held)
    g_clear_handle_id (&self->publish_id, g_source_remove);
  else
    publish (self, FALSE);
}

/**
 * ss_throttled_model_new:
 * @model: (transfer full): a list that mostly grows at its end
 */
SsThrottledModel *
ss_throttled_model_new (GListModel *model)
{
  return ss_throttled_model_new_full (model, THROTTLE_RATE, THROTTLE_BURST);
}

/**
 * ss_throttled_model_new_full:
 * @model: (transfer full): a list that mostly grows at its end
 * @rate: appends shown a second, past the burst
 * @burst: changes shown at once
 */
SsThrottledModel *
ss_throttled_model_new_full (GListModel *model,
                             double      rate,
                             double      burst)
{
  SsThrottledModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (rate > 0, NULL);

  self = g_object_new (SS_TYPE_THROTTLED_MODEL, NULL);
  ss_rate_limit_init (&self->limit, rate, burst);
  self->model = model;
  self->n_items = g_list_model_get_n_items (model);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), self);
  return self;
}
