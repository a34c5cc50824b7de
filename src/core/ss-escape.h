/* ss-escape.h — bytes shown as text: UTF-8 kept, everything else escaped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ss_escape_bytes (const guint8 *data,
                       gsize         len,
                       gsize         max_len,
                       gboolean      keep_newlines);

G_END_DECLS

G_BEGIN_DECLS

char *ss_escape_literal (const guint8 *data,
                         gsize         len,
                         gsize         max_len,
                         gboolean      python);

G_END_DECLS
