/* ss-system-model.h — the rows of the system view: a list model changed once per refresh
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-system-query.h"
#include "ss-system-row.h"

G_BEGIN_DECLS

#define SS_TYPE_SYSTEM_MODEL (ss_system_model_get_type ())

G_DECLARE_FINAL_TYPE (SsSystemModel, ss_system_model, SS, SYSTEM_MODEL, GObject)

SsSystemModel    *ss_system_model_new          (void);
void              ss_system_model_apply        (SsSystemModel  *self,
                                                SsSystemResult *result);
SsSystemSnapshot *ss_system_model_get_snapshot (SsSystemModel  *self);
const guint      *ss_system_model_get_counts   (SsSystemModel  *self);
guint             ss_system_model_get_n_sockets (SsSystemModel *self);

G_END_DECLS
