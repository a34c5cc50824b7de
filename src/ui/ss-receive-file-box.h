/* ss-receive-file-box.h — a socket page's Receive to File switch, with
 * the file, the byte count, and why it stopped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-socket.h"

G_BEGIN_DECLS

#define SS_TYPE_RECEIVE_FILE_BOX (ss_receive_file_box_get_type ())

G_DECLARE_FINAL_TYPE (SsReceiveFileBox, ss_receive_file_box, SS, RECEIVE_FILE_BOX, GtkWidget)

void ss_receive_file_box_set_socket (SsReceiveFileBox *self,
                                     SsSocket         *socket);

G_END_DECLS
