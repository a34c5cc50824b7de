/* ss-new-socket-box.h — the "New socket" form: family and type dropdowns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SS_TYPE_NEW_SOCKET_BOX (ss_new_socket_box_get_type ())

G_DECLARE_FINAL_TYPE (SsNewSocketBox, ss_new_socket_box, SS, NEW_SOCKET_BOX, GtkWidget)

void        ss_new_socket_box_select            (SsNewSocketBox *self,
                                                 const char     *family_name,
                                                 const char     *type_name);
const char *ss_new_socket_box_get_family_name   (SsNewSocketBox *self);
const char *ss_new_socket_box_get_type_name     (SsNewSocketBox *self);
void        ss_new_socket_box_show_error        (SsNewSocketBox *self,
                                                 const char     *message);
void        ss_new_socket_box_focus             (SsNewSocketBox *self);

G_END_DECLS
