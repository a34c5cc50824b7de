/* ss-throttled-model.h — a growing list, as a view can follow it in a flood
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SS_TYPE_THROTTLED_MODEL (ss_throttled_model_get_type ())

G_DECLARE_FINAL_TYPE (SsThrottledModel, ss_throttled_model, SS, THROTTLED_MODEL, GObject)

SsThrottledModel *ss_throttled_model_new   (GListModel       *model);
SsThrottledModel *ss_throttled_model_new_full (GListModel    *model,
                                               double         rate,
                                               double         burst);
void              ss_throttled_model_flush (SsThrottledModel *self);
void              ss_throttled_model_set_held (SsThrottledModel *self,
                                               gboolean          held);

G_END_DECLS
