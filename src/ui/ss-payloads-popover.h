/* ss-payloads-popover.h — the saved payloads: load, save, delete, import,
 * export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-payload-store.h"

G_BEGIN_DECLS

#define SS_TYPE_PAYLOADS_POPOVER (ss_payloads_popover_get_type ())

G_DECLARE_FINAL_TYPE (SsPayloadsPopover, ss_payloads_popover, SS, PAYLOADS_POPOVER, GtkPopover)

void ss_payloads_popover_set_store   (SsPayloadsPopover *self,
                                      SsPayloadStore    *store);
void ss_payloads_popover_show_error  (SsPayloadsPopover *self,
                                      const char        *message);
void ss_payloads_popover_focus_name  (SsPayloadsPopover *self);
gboolean ss_payloads_popover_import  (SsPayloadsPopover *self,
                                      const char        *path);
gboolean ss_payloads_popover_export  (SsPayloadsPopover *self,
                                      const char        *path);

G_END_DECLS
