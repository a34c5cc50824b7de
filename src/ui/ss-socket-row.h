/* ss-socket-row.h — a socket in the sidebar: kind, address, state, fd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-socket.h"

G_BEGIN_DECLS

#define SS_TYPE_SOCKET_ROW (ss_socket_row_get_type ())

G_DECLARE_FINAL_TYPE (SsSocketRow, ss_socket_row, SS, SOCKET_ROW, GtkWidget)

SsSocketRow *ss_socket_row_new        (void);
void         ss_socket_row_set_socket (SsSocketRow *self,
                                       SsSocket    *socket);
const char  *ss_socket_row_get_title    (SsSocketRow *self);
const char  *ss_socket_row_get_subtitle (SsSocketRow *self);

G_END_DECLS
