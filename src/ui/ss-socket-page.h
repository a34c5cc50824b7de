/* ss-socket-page.h — one socket's page: its calls, its facts, its traffic
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-socket.h"

G_BEGIN_DECLS

#define SS_TYPE_SOCKET_PAGE (ss_socket_page_get_type ())

G_DECLARE_FINAL_TYPE (SsSocketPage, ss_socket_page, SS, SOCKET_PAGE, GtkWidget)

SsSocketPage *ss_socket_page_new        (SsSocket     *socket);
SsSocket     *ss_socket_page_get_socket (SsSocketPage *self);
void          ss_socket_page_show_connection (SsSocketPage *self,
                                              SsSocket     *connection);

G_END_DECLS
