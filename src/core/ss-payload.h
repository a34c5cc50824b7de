/* ss-payload.h — a payload a person keeps: name, encoding, text, line ending
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-checksum.h"
#include "ss-encoding.h"

G_BEGIN_DECLS

#define SS_TYPE_PAYLOAD (ss_payload_get_type ())

G_DECLARE_FINAL_TYPE (SsPayload, ss_payload, SS, PAYLOAD, GObject)

SsPayload    *ss_payload_new              (const char    *name,
                                           SsEncoding     encoding,
                                           const char    *content,
                                           SsLineEnding   line_ending);
SsPayload    *ss_payload_new_full         (const char        *name,
                                           SsEncoding         encoding,
                                           const char        *content,
                                           SsLineEnding       line_ending,
                                           const SsChecksum  *checksum,
                                           gboolean           quick_send);
SsPayload    *ss_payload_new_for_bytes    (const char    *name,
                                           GBytes        *bytes);
SsPayload    *ss_payload_copy_as          (SsPayload     *self,
                                           const char    *name,
                                           gboolean       quick_send);
const char   *ss_payload_get_name         (SsPayload     *self);
void          ss_payload_set_name         (SsPayload     *self,
                                           const char    *name);
SsEncoding    ss_payload_get_encoding     (SsPayload     *self);
const char   *ss_payload_get_content      (SsPayload     *self);
SsLineEnding  ss_payload_get_line_ending  (SsPayload     *self);
const SsChecksum *ss_payload_get_checksum (SsPayload     *self);
gboolean      ss_payload_get_quick_send   (SsPayload     *self);
gboolean      ss_payload_equal            (SsPayload     *a,
                                           SsPayload     *b);
GBytes       *ss_payload_to_bytes         (SsPayload     *self,
                                           gsize         *error_start,
                                           gsize         *error_end,
                                           GError       **error);

G_END_DECLS
