/* ss-receive-file.h — received bytes appended, raw, to a file as they
 * arrive (接收转向文件): the payload only, for a person who wants the data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SS_TYPE_RECEIVE_FILE (ss_receive_file_get_type ())

G_DECLARE_FINAL_TYPE (SsReceiveFile, ss_receive_file, SS, RECEIVE_FILE, GObject)

SsReceiveFile *ss_receive_file_new          (void);
gboolean       ss_receive_file_start        (SsReceiveFile  *self,
                                             const char     *path,
                                             GError        **error);
void           ss_receive_file_stop         (SsReceiveFile  *self);
gboolean       ss_receive_file_write        (SsReceiveFile  *self,
                                             const guint8   *data,
                                             gsize           len,
                                             GError        **error);
gboolean       ss_receive_file_get_active   (SsReceiveFile  *self);
const char    *ss_receive_file_get_path     (SsReceiveFile  *self);
guint64        ss_receive_file_get_bytes    (SsReceiveFile  *self);
const char    *ss_receive_file_get_failure  (SsReceiveFile  *self);

G_END_DECLS
