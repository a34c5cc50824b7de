/* ss-traffic-row.h — one row of the traffic table: its cells side by side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  SS_TRAFFIC_COLUMN_TIME,
  SS_TRAFFIC_COLUMN_DIRECTION,
  SS_TRAFFIC_COLUMN_LENGTH,
  SS_TRAFFIC_COLUMN_PEER,
  SS_TRAFFIC_COLUMN_DATA,
  SS_TRAFFIC_COLUMN_HEXDUMP,
  SS_TRAFFIC_N_COLUMNS
} SsTrafficColumn;

#define SS_TYPE_TRAFFIC_ROW (ss_traffic_row_get_type ())

G_DECLARE_FINAL_TYPE (SsTrafficRow, ss_traffic_row, SS, TRAFFIC_ROW, GtkWidget)

GtkWidget *ss_traffic_row_new          (void);
GtkWidget *ss_traffic_row_get_cell     (SsTrafficRow    *self,
                                        SsTrafficColumn  column);
void       ss_traffic_row_set_columns  (SsTrafficRow    *self,
                                        guint            shown);

G_END_DECLS
