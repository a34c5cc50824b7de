/* ss-framing-box.h — how a socket's traffic is split into messages: the
 * Messages popover's content
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-checksum.h"
#include "ss-framer.h"

G_BEGIN_DECLS

#define SS_TYPE_FRAMING_BOX (ss_framing_box_get_type ())

G_DECLARE_FINAL_TYPE (SsFramingBox, ss_framing_box, SS, FRAMING_BOX, GtkWidget)

char *ss_framing_box_dup_spec_text (SsFramingBox       *self);
void  ss_framing_box_set_spec      (SsFramingBox       *self,
                                    const SsFramerSpec *spec);
SsChecksum *ss_framing_box_dup_verify (SsFramingBox    *self);
void        ss_framing_box_set_verify (SsFramingBox     *self,
                                       const SsChecksum *verify);

G_END_DECLS
