/* ss-relay-script.h — a relay as a small runnable Python script, in the seed's style
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-address.h"

G_BEGIN_DECLS

char *ss_relay_script_new (int              type,
                           const SsAddress *listen,
                           const SsAddress *target,
                           guint            idle_ms);

G_END_DECLS
