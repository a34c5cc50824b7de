/* ss-checksum-chooser.h — the send box's checksum: an algorithm, and in a
 * popover the range it covers, the byte order or the fixed bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-checksum.h"

G_BEGIN_DECLS

#define SS_TYPE_CHECKSUM_CHOOSER (ss_checksum_chooser_get_type ())

G_DECLARE_FINAL_TYPE (SsChecksumChooser, ss_checksum_chooser, SS, CHECKSUM_CHOOSER, GtkWidget)

SsChecksum *ss_checksum_chooser_dup_checksum (SsChecksumChooser  *self,
                                              GError            **error);
void        ss_checksum_chooser_set_checksum (SsChecksumChooser  *self,
                                              const SsChecksum   *checksum);

G_END_DECLS
