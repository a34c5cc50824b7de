/* ss-icmp.h — ICMP echo requests, for ping and raw sockets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes  *ss_icmp_echo_request (int           family,
                               guint16       identifier,
                               guint16       sequence,
                               const guint8 *data,
                               gsize         len);
guint16  ss_icmp_checksum     (const guint8 *data,
                               gsize         len);

G_END_DECLS
