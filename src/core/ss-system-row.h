/* ss-system-row.h — one socket of the machine, as a row of the system view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ss-system-snapshot.h"

G_BEGIN_DECLS

#define SS_TYPE_SYSTEM_ROW (ss_system_row_get_type ())

G_DECLARE_FINAL_TYPE (SsSystemRow, ss_system_row, SS, SYSTEM_ROW, GObject)

SsSystemRow         *ss_system_row_new       (void);
const SsSystemEntry *ss_system_row_get_entry (SsSystemRow         *self);
void                 ss_system_row_set_entry (SsSystemRow         *self,
                                              const SsSystemEntry *entry);

G_END_DECLS
