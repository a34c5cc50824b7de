/* ss-hexdump.h — bytes as hex and text side by side, as `hexdump -C`
 * shows them, as many bytes a line as a width holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint ss_hexdump_bytes_per_line (guint         chars);
char *ss_hexdump_format         (const guint8 *data,
                                 gsize         len,
                                 guint         per_line,
                                 guint         max_lines,
                                 guint        *n_lines);

G_END_DECLS
