/* ss-recorder.h — a socket's traffic streamed to a pcapng file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-address.h"

G_BEGIN_DECLS

typedef struct _SsRecorder SsRecorder;

SsRecorder *ss_recorder_new   (const char       *path,
                               const SsAddress  *local,
                               const SsAddress  *peer,
                               gboolean          datagram,
                               GError          **error);
gboolean    ss_recorder_write (SsRecorder       *self,
                               gboolean          sent,
                               gint64            time_us,
                               const guint8     *data,
                               gsize             len,
                               GError          **error);
guint       ss_recorder_add_stream   (SsRecorder      *self,
                                      const SsAddress *local,
                                      const SsAddress *peer);
gboolean    ss_recorder_write_stream (SsRecorder      *self,
                                      guint            stream,
                                      gboolean         sent,
                                      gint64           time_us,
                                      const guint8    *data,
                                      gsize            len,
                                      GError         **error);
gboolean    ss_recorder_flush (SsRecorder       *self,
                               GError          **error);
gboolean    ss_recorder_close (SsRecorder       *self,
                               GError          **error);
void        ss_recorder_free  (SsRecorder       *self);
char       *ss_recorder_numbered_path (const char *path,
                                       guint       n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsRecorder, ss_recorder_free)

G_END_DECLS
