/* ss-toxic-chain.h — one direction of a relayed pair through its faults, as a pure function of time
 *
 * How a relay drives one direction of a pair (times are the caller's,
 * e.g. g_get_monotonic_time(); the chain never reads a clock):
 *
 *   chain = ss_toxic_chain_new (specs, n, rand);   when the pair is made
 *   ss_toxic_chain_next (chain, now, &a);          at once: timeout counts from the first call
 *   on read:  ss_toxic_chain_push (chain, now, buf, n), then drain
 *   on EOF:   ss_toxic_chain_close (chain, now), then drain
 *   drain:    while (ss_toxic_chain_next (chain, now, &a))
 *               WRITE: write a.bytes to the other leg (a short write
 *                      keeps the rest: stop draining until writable)
 *               WAIT: arm a timer for a.until_us, drain again then; stop
 *               SHUTDOWN: shutdown (other leg, SHUT_WR); nothing more comes
 *               RESET: SO_LINGER 0 and close both legs; nothing more comes
 *             log a.note when it is not NULL; ss_toxic_action_clear (&a)
 *   stop reading the leg while ss_toxic_chain_get_pending() is over the cap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ss-toxic-spec.h"

G_BEGIN_DECLS

typedef enum
{
  SS_TOXIC_ACTION_WRITE,     /* write @bytes to the receiving side */
  SS_TOXIC_ACTION_WAIT,      /* call ss_toxic_chain_next() again at @until_us */
  SS_TOXIC_ACTION_SHUTDOWN,  /* no more data this way: shutdown(SHUT_WR) the receiving side */
  SS_TOXIC_ACTION_RESET,     /* reset the pair (SO_LINGER 0, then close) */
} SsToxicActionKind;

typedef struct
{
  SsToxicActionKind kind;
  GBytes           *bytes;     /* WRITE */
  gint64            until_us;  /* WAIT: on the caller's clock, always after now */
  char             *note;      /* what the log says: "held 250 ms"; may be NULL */
} SsToxicAction;

typedef struct _SsToxicChain SsToxicChain;

SsToxicChain *ss_toxic_chain_new         (const SsToxicSpec *specs,
                                          guint              n_specs,
                                          GRand             *rand);
void          ss_toxic_chain_free        (SsToxicChain      *chain);
void          ss_toxic_chain_update      (SsToxicChain      *chain,
                                          const SsToxicSpec *specs,
                                          guint              n_specs,
                                          GRand             *rand);
void          ss_toxic_chain_push        (SsToxicChain      *chain,
                                          gint64             now_us,
                                          const guint8      *data,
                                          gsize              len);
void          ss_toxic_chain_close       (SsToxicChain      *chain,
                                          gint64             now_us);
gboolean      ss_toxic_chain_next        (SsToxicChain      *chain,
                                          gint64             now_us,
                                          SsToxicAction     *out);
gsize         ss_toxic_chain_get_pending (SsToxicChain      *chain);
gboolean      ss_toxic_chain_is_active   (SsToxicChain      *chain,
                                          guint              index);
gboolean      ss_toxic_chain_is_finished (SsToxicChain      *chain);
void          ss_toxic_action_clear      (SsToxicAction     *action);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsToxicChain, ss_toxic_chain_free)

G_END_DECLS
