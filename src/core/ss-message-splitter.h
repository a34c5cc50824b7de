/* ss-message-splitter.h — a received stream cut into whole messages for
 * what acts on each one (auto-reply rules), as it arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ss-framer.h"

G_BEGIN_DECLS

/**
 * SsMessageFunc:
 * @data: a whole message's bytes, valid during the call only
 *
 * Called for each message as it ends.
 */
typedef void (*SsMessageFunc) (const guint8 *data,
                               gsize         len,
                               gpointer      user_data);

typedef struct _SsMessageSplitter SsMessageSplitter;

SsMessageSplitter  *ss_message_splitter_new        (const SsFramerSpec *spec,
                                                    guint64             max_message);
void                ss_message_splitter_free       (SsMessageSplitter  *self);
const SsFramerSpec *ss_message_splitter_get_spec   (SsMessageSplitter  *self);
void                ss_message_splitter_feed       (SsMessageSplitter  *self,
                                                    gint64              time,
                                                    const guint8       *data,
                                                    gsize               len,
                                                    SsMessageFunc       func,
                                                    gpointer            user_data);
gboolean            ss_message_splitter_close_idle (SsMessageSplitter  *self,
                                                    gint64              now,
                                                    SsMessageFunc       func,
                                                    gpointer            user_data);
void                ss_message_splitter_reset      (SsMessageSplitter  *self);
guint64             ss_message_splitter_get_pending (SsMessageSplitter *self);
const guint8       *ss_message_splitter_peek_pending (SsMessageSplitter *self,
                                                     gsize             *len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsMessageSplitter, ss_message_splitter_free)

G_END_DECLS
