/* ss-message-expect.h — an expect step on whole messages: those a socket
 * received since the last step ended, and the wait for one that matches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-reply-rule.h"
#include "ss-socket.h"

G_BEGIN_DECLS

/* A message matched: its length */
typedef void (*SsMessageExpectFunc) (gsize    len,
                                     gpointer user_data);

typedef struct _SsMessageExpect SsMessageExpect;

SsMessageExpect *ss_message_expect_new    (SsSocket            *socket,
                                           SsMessageExpectFunc  matched,
                                           gpointer             user_data);
void             ss_message_expect_free   (SsMessageExpect     *self);
void             ss_message_expect_mark   (SsMessageExpect     *self);
gboolean         ss_message_expect_begin  (SsMessageExpect     *self,
                                           SsReplyRule         *rule,
                                           gsize               *len);
void             ss_message_expect_cancel (SsMessageExpect     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsMessageExpect, ss_message_expect_free)

G_END_DECLS
