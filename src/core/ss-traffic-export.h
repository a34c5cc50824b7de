/* ss-traffic-export.h — a socket's traffic log saved to a file: a text
 * transcript, a hex dump, the raw bytes of one direction, or pcapng
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-address.h"
#include "ss-message-log.h"
#include "ss-traffic-log.h"

G_BEGIN_DECLS

/* The order is the Save dialog's. */
typedef enum
{
  SS_EXPORT_TRANSCRIPT,
  SS_EXPORT_HEX_DUMP,
  SS_EXPORT_RAW_RECEIVED,
  SS_EXPORT_RAW_SENT,
  SS_EXPORT_PCAPNG,
  SS_N_EXPORTS
} SsExportFormat;

const char *ss_export_format_get_extension (SsExportFormat   format);

gboolean    ss_traffic_export              (SsTrafficLog    *log,
                                            SsExportFormat   format,
                                            const char      *path,
                                            const SsAddress *local,
                                            const SsAddress *peer,
                                            gboolean         datagram,
                                            guint64         *missing,
                                            GError         **error);

gboolean    ss_traffic_export_messages     (SsMessageLog    *messages,
                                            SsExportFormat   format,
                                            const char      *path,
                                            guint64         *missing,
                                            GError         **error);

G_END_DECLS
