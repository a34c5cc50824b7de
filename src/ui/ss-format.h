/* ss-format.h — socket facts in the words the window shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ss-socket.h"

G_BEGIN_DECLS

const char *ss_format_state       (SsSocket *socket);
char       *ss_format_kind        (SsSocket *socket);
char       *ss_format_bytes       (guint64   bytes);

G_END_DECLS
