/* ss-payload-format.h — a payload shown as text, a hex dump or source code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SS_PAYLOAD_TEXT,
  SS_PAYLOAD_HEX_DUMP,
  SS_PAYLOAD_C_ARRAY,
  SS_PAYLOAD_PYTHON,
} SsPayloadFormat;

char *ss_payload_format (const guint8    *data,
                         gsize            len,
                         SsPayloadFormat  format,
                         gsize            max_len);

void  ss_payload_format_hex_dump_place (gsize  byte,
                                       gsize *hex,
                                       gsize *text);

G_END_DECLS
