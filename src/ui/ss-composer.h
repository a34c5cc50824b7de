/* ss-composer.h — the send box: what is typed, in an encoding, with a live
 * preview of exactly the bytes that will go
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-payload.h"
#include "ss-payloads-popover.h"

G_BEGIN_DECLS

#define SS_TYPE_COMPOSER (ss_composer_get_type ())

G_DECLARE_FINAL_TYPE (SsComposer, ss_composer, SS, COMPOSER, GtkWidget)

SsComposer *ss_composer_new            (void);
GBytes     *ss_composer_dup_bytes      (SsComposer   *self,
                                        GError      **error);
SsPayload  *ss_composer_dup_payload    (SsComposer   *self);
const char *ss_composer_get_file       (SsComposer   *self);
void        ss_composer_set_payload    (SsComposer   *self,
                                        SsPayload    *payload);
void        ss_composer_remember       (SsComposer   *self);
gboolean    ss_composer_save_payload   (SsComposer   *self,
                                        SsPayload    *payload,
                                        const char   *name,
                                        GError      **error);
void        ss_composer_save_as        (SsComposer   *self);
SsPayloadsPopover *ss_composer_get_payloads_popover (SsComposer *self);
gboolean    ss_composer_get_valid      (SsComposer   *self);
GtkWidget  *ss_composer_get_text_view  (SsComposer   *self);

G_END_DECLS
