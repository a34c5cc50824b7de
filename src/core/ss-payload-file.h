/* ss-payload-file.h — a list of payloads as a text file a person can edit:
 * reading and writing the format (see ss-payload-file.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ss-payload.h"

G_BEGIN_DECLS

/* Each list is a GPtrArray of SsPayload that owns its references. */
GPtrArray *ss_payload_file_read      (const char   *path,
                                      gboolean     *missing,
                                      GError      **error);
gboolean   ss_payload_file_write     (const char   *path,
                                      GPtrArray    *payloads,
                                      int           mode,
                                      GError      **error);
GPtrArray *ss_payload_file_parse     (const char   *data,
                                      gsize         len,
                                      const char   *display_name,
                                      GError      **error);
char      *ss_payload_file_serialize (GPtrArray    *payloads,
                                      gsize        *len);

G_END_DECLS
