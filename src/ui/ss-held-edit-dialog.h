/* ss-held-edit-dialog.h — a held item's bytes in the send box's encodings, forwarded as edited
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-relay-intercept.h"

G_BEGIN_DECLS

#define SS_TYPE_HELD_EDIT_DIALOG (ss_held_edit_dialog_get_type ())

G_DECLARE_FINAL_TYPE (SsHeldEditDialog, ss_held_edit_dialog, SS, HELD_EDIT_DIALOG, GtkWindow)

GtkWidget *ss_held_edit_dialog_new (SsRelayIntercept *intercept,
                                    SsHeldItem       *item);

G_END_DECLS
