/* ss-message-log.h — a traffic log's bytes as messages: an index beside
 * its records, framed as they arrive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ss-framer.h"
#include "ss-traffic-log.h"

G_BEGIN_DECLS

#define SS_TYPE_MESSAGE_LOG (ss_message_log_get_type ())

G_DECLARE_FINAL_TYPE (SsMessageLog, ss_message_log, SS, MESSAGE_LOG, GObject)

/**
 * SsMessageCheckFunc:
 * @data: a whole message's bytes
 *
 * Checks a message as it completes (a checksum, for instance).
 *
 * Returns: %TRUE when the message is good
 */
typedef gboolean (*SsMessageCheckFunc) (SsTrafficKind  kind,
                                        const guint8  *data,
                                        gsize          len,
                                        gpointer       user_data);

SsMessageLog       *ss_message_log_new            (SsTrafficLog       *log,
                                                   const SsFramerSpec *spec);
SsTrafficLog       *ss_message_log_get_log        (SsMessageLog       *self);
const SsFramerSpec *ss_message_log_get_spec       (SsMessageLog       *self);
void                ss_message_log_set_check      (SsMessageLog       *self,
                                                   SsMessageCheckFunc  func,
                                                   gpointer            user_data,
                                                   GDestroyNotify      destroy);
guint               ss_message_log_get_flags      (SsMessageLog       *self,
                                                   guint               position);
guint64             ss_message_log_get_count      (SsMessageLog       *self,
                                                   SsTrafficKind       kind);
guint64             ss_message_log_get_bytes      (SsMessageLog       *self,
                                                   SsTrafficKind       kind);
guint64             ss_message_log_get_memory     (SsMessageLog       *self);
gboolean            ss_message_log_close_idle     (SsMessageLog       *self,
                                                   gint64              now);
guint               ss_message_log_find           (SsMessageLog       *self,
                                                   const guint8       *needle,
                                                   gsize               needle_len,
                                                   guint               from,
                                                   gboolean            backward,
                                                   guint               kinds);
guint               ss_message_log_count_kinds    (SsMessageLog       *self,
                                                   guint               kinds,
                                                   guint               end);
guint               ss_message_log_nth_of_kinds   (SsMessageLog       *self,
                                                   guint               kinds,
                                                   guint               n);

G_END_DECLS
