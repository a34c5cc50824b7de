/* ss-system-row.c — one socket of the machine, as a row of the system view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-system-row.h"

/* The same row object stands for the same socket from one snapshot to the
 * next (SsSystemModel moves it on), so a selection follows its socket. */
struct _SsSystemRow
{
  GObject              parent_instance;
  const SsSystemEntry *entry;  /* owned by the model's current snapshot */
};

G_DEFINE_FINAL_TYPE (SsSystemRow, ss_system_row, G_TYPE_OBJECT)

static void
ss_system_row_class_init (SsSystemRowClass *klass)
{
}

static void
ss_system_row_init (SsSystemRow *self)
{
}

SsSystemRow *
ss_system_row_new (void)
{
  return g_object_new (SS_TYPE_SYSTEM_ROW, NULL);
}

/* Returns: (transfer none): the socket, valid while its model holds the
 * snapshot (until the next refresh) */
const SsSystemEntry *
ss_system_row_get_entry (SsSystemRow *self)
{
  g_return_val_if_fail (SS_IS_SYSTEM_ROW (self), NULL);
  return self->entry;
}

void
ss_system_row_set_entry (SsSystemRow         *self,
                         const SsSystemEntry *entry)
{
  g_return_if_fail (SS_IS_SYSTEM_ROW (self));
  self->entry = entry;
}
