/* ss-system-model.c — the rows of the system view: a list model changed once per refresh
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-system-model.h"

struct _SsSystemModel
{
  GObject           parent_instance;

  SsSystemSnapshot *snapshot;
  GPtrArray        *rows;     /* SsSystemRow, one per entry of the snapshot */
  GPtrArray        *shown;    /* SsSystemRow (not owned): the rows in view, in order */
  guint             counts[SS_SOCK_N_STATES];
  guint             n_sockets;
};

enum {
  REFRESHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
unref_row (gpointer row)
{
  if (row != NULL)
    g_object_unref (row);
}

static GType
ss_system_model_get_item_type (GListModel *model)
{
  return SS_TYPE_SYSTEM_ROW;
}

static guint
ss_system_model_get_n_items (GListModel *model)
{
  return SS_SYSTEM_MODEL (model)->shown->len;
}

static gpointer
ss_system_model_get_item (GListModel *model,
                          guint       position)
{
  SsSystemModel *self = SS_SYSTEM_MODEL (model);

  if (position >= self->shown->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->shown, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ss_system_model_get_item_type;
  iface->get_n_items = ss_system_model_get_n_items;
  iface->get_item = ss_system_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SsSystemModel, ss_system_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
ss_system_model_finalize (GObject *object)
{
  SsSystemModel *self = SS_SYSTEM_MODEL (object);

  g_ptr_array_unref (self->shown);
  g_ptr_array_unref (self->rows);
  g_clear_pointer (&self->snapshot, ss_system_snapshot_unref);

  G_OBJECT_CLASS (ss_system_model_parent_class)->finalize (object);
}

static void
ss_system_model_class_init (SsSystemModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_system_model_finalize;

  /**
   * SsSystemModel::refreshed:
   *
   * Emitted after every ss_system_model_apply(), once the rows moved:
   * rows that kept their place may show new values, so a view redraws
   * what it shows.
   */
  signals[REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ss_system_model_init (SsSystemModel *self)
{
  self->rows = g_ptr_array_new_with_free_func (unref_row);
  self->shown = g_ptr_array_new ();
}

SsSystemModel *
ss_system_model_new (void)
{
  return g_object_new (SS_TYPE_SYSTEM_MODEL, NULL);
}

static void
drop_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ss_system_snapshot_unref (task_data);
  g_task_return_boolean (task, TRUE);
}

/* A snapshot of 50,000 sockets takes milliseconds to free: a worker does
 * it, not the main loop. */
static void
drop_snapshot (SsSystemSnapshot *snapshot)
{
  g_autoptr(GTask) task = NULL;

  if (snapshot == NULL)
    return;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, drop_snapshot);
  g_task_set_task_data (task, snapshot, NULL);
  g_task_run_in_thread (task, drop_thread);
}

/* The rows of @snapshot: the previous snapshot's row for each socket it
 * still has (or had, for a removed one), taken from self->rows with its
 * reference, and a new row for a new socket. What is left in self->rows
 * are the rows of sockets gone. */
static GPtrArray *
rows_for (SsSystemModel    *self,
          SsSystemSnapshot *snapshot)
{
  guint n = ss_system_snapshot_get_n_entries (snapshot);
  GPtrArray *rows = g_ptr_array_new_full (n, unref_row);
  gboolean same = snapshot == self->snapshot;

  for (guint i = 0; i < n; i++)
    {
      const SsSystemEntry *entry = ss_system_snapshot_get_entry (snapshot, i);
      guint from = same ? i : (guint) entry->previous;
      SsSystemRow *row = NULL;

      if ((same || entry->previous >= 0) && from < self->rows->len)
        row = g_steal_pointer (&self->rows->pdata[from]);
      if (row == NULL)
        row = ss_system_row_new ();
      ss_system_row_set_entry (row, entry);
      g_ptr_array_add (rows, row);
    }
  return rows;
}

/**
 * ss_system_model_apply:
 *
 * Shows @result: its snapshot's rows in its order. The model changes in
 * one items-changed, from the first row that differs to the last, so
 * rows that kept their places are not re-made by the view.
 */
void
ss_system_model_apply (SsSystemModel  *self,
                       SsSystemResult *result)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  guint n_old, n_new, prefix = 0, suffix = 0;

  g_return_if_fail (SS_IS_SYSTEM_MODEL (self));
  g_return_if_fail (result != NULL);

  rows = rows_for (self, result->snapshot);
  shown = g_ptr_array_sized_new (result->order->len);
  for (guint i = 0; i < result->order->len; i++)
    g_ptr_array_add (shown, g_ptr_array_index (rows, g_array_index (result->order, guint, i)));

  n_old = self->shown->len;
  n_new = shown->len;
  while (prefix < n_old && prefix < n_new &&
         self->shown->pdata[prefix] == shown->pdata[prefix])
    prefix++;
  while (suffix < n_old - prefix && suffix < n_new - prefix &&
         self->shown->pdata[n_old - 1 - suffix] == shown->pdata[n_new - 1 - suffix])
    suffix++;

  /* the old rows live until the view has let go of them */
  {
    g_autoptr(GPtrArray) old_rows = g_steal_pointer (&self->rows);
    g_autoptr(GPtrArray) old_shown = g_steal_pointer (&self->shown);
    SsSystemSnapshot *old_snapshot = g_steal_pointer (&self->snapshot);

    self->rows = g_steal_pointer (&rows);
    self->shown = g_steal_pointer (&shown);
    self->snapshot = ss_system_snapshot_ref (result->snapshot);
    memcpy (self->counts, result->counts, sizeof self->counts);
    self->n_sockets = result->n_sockets;
    if (prefix < n_old || prefix < n_new)
      g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                                  n_old - prefix - suffix, n_new - prefix - suffix);
    drop_snapshot (old_snapshot);
  }
  g_signal_emit (self, signals[REFRESHED], 0);
}

/* Returns: (nullable) (transfer none): the snapshot shown */
SsSystemSnapshot *
ss_system_model_get_snapshot (SsSystemModel *self)
{
  g_return_val_if_fail (SS_IS_SYSTEM_MODEL (self), NULL);
  return self->snapshot;
}

/* The sockets shown, by state (SsSockState), removed ones left out */
const guint *
ss_system_model_get_counts (SsSystemModel *self)
{
  g_return_val_if_fail (SS_IS_SYSTEM_MODEL (self), NULL);
  return self->counts;
}

/* Every socket of the snapshot, shown or not, removed ones left out */
guint
ss_system_model_get_n_sockets (SsSystemModel *self)
{
  g_return_val_if_fail (SS_IS_SYSTEM_MODEL (self), 0);
  return self->n_sockets;
}
