/* ss-toxic-row.h — one relay fault, edited in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-toxic-spec.h"

G_BEGIN_DECLS

#define SS_TYPE_TOXIC_ROW (ss_toxic_row_get_type ())

G_DECLARE_FINAL_TYPE (SsToxicRow, ss_toxic_row, SS, TOXIC_ROW, GtkListBoxRow)

GtkWidget         *ss_toxic_row_new      (const SsToxicSpec *spec);
const SsToxicSpec *ss_toxic_row_get_spec (SsToxicRow        *self);
void               ss_toxic_row_edit     (SsToxicRow        *self);
void               ss_toxic_row_set_ends (SsToxicRow        *self,
                                          gboolean           first,
                                          gboolean           last);

G_END_DECLS
