/* ss-repeat.h — one payload sent every N milliseconds, M times or until
 * stopped, to one socket or to every connection of a listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-socket.h"

G_BEGIN_DECLS

#define SS_TYPE_REPEAT (ss_repeat_get_type ())

G_DECLARE_FINAL_TYPE (SsRepeat, ss_repeat, SS, REPEAT, GObject)

/* @count 0 repeats until stopped; @to is for sendto() on a datagram
 * socket. Properties: "sent" (rounds sent so far), "running". The
 * "stopped" signal carries the GError that stopped it, or NULL. */
SsRepeat  *ss_repeat_new          (SsSocket         *target,
                                   GBytes           *payload,
                                   const SsAddress  *to,
                                   guint             interval_ms,
                                   guint             count);
void       ss_repeat_start        (SsRepeat         *self);
void       ss_repeat_stop         (SsRepeat         *self);
guint      ss_repeat_get_sent     (SsRepeat         *self);
guint      ss_repeat_get_count    (SsRepeat         *self);
gboolean   ss_repeat_get_running  (SsRepeat         *self);

G_END_DECLS
