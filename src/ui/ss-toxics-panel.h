/* ss-toxics-panel.h — a relay's faults per direction: add, edit, reorder, remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-toxic-spec.h"

G_BEGIN_DECLS

#define SS_TYPE_TOXICS_PANEL (ss_toxics_panel_get_type ())

G_DECLARE_FINAL_TYPE (SsToxicsPanel, ss_toxics_panel, SS, TOXICS_PANEL, GtkWidget)

GtkWidget *ss_toxics_panel_new       (void);
void       ss_toxics_panel_set_specs (SsToxicsPanel     *self,
                                      SsToxicDirection   direction,
                                      const SsToxicSpec *specs,
                                      guint              n_specs);
GArray    *ss_toxics_panel_get_specs (SsToxicsPanel     *self,
                                      SsToxicDirection   direction);
void       ss_toxics_panel_add       (SsToxicsPanel     *self,
                                      SsToxicDirection   direction,
                                      SsToxicKind        kind);

G_END_DECLS
