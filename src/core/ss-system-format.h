/* ss-system-format.h — a system socket's columns as text: for the table, Copy Row and CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-system-query.h"

G_BEGIN_DECLS

const char *ss_system_column_title     (SsSystemColumn       column);
const char *ss_system_column_csv_name  (SsSystemColumn       column);
gboolean    ss_system_column_is_number (SsSystemColumn       column);
char       *ss_system_entry_format     (const SsSystemEntry *entry,
                                        SsSystemColumn       column);
char       *ss_system_entry_to_text    (const SsSystemEntry *entry);
GBytes     *ss_system_export_csv       (GListModel          *rows);

G_END_DECLS
