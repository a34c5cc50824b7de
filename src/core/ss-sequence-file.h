/* ss-sequence-file.h — send sequences in payloads.ini: their own groups
 * beside the payloads' (see ss-sequence-file.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ss-sequence.h"

G_BEGIN_DECLS

#define SS_SEQUENCE_GROUP_PREFIX "Sequence "

gboolean   ss_sequence_file_is_group  (const char   *group);
GPtrArray *ss_sequence_file_parse     (const char   *data,
                                       gsize         len,
                                       const char   *display_name,
                                       GError      **error);
char      *ss_sequence_file_serialize (GPtrArray    *sequences);

G_END_DECLS
