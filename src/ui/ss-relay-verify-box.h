/* ss-relay-verify-box.h — how a TLS relay's target leg verifies the target: a CA file, or any certificate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-spec.h"

G_BEGIN_DECLS

#define SS_TYPE_RELAY_VERIFY_BOX (ss_relay_verify_box_get_type ())
G_DECLARE_FINAL_TYPE (SsRelayVerifyBox, ss_relay_verify_box, SS, RELAY_VERIFY_BOX, GtkWidget)

void ss_relay_verify_box_apply (SsRelayVerifyBox *self,
                                SsSpec           *spec);

G_END_DECLS
