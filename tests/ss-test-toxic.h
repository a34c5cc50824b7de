/* ss-test-toxic.h — relay fault chains (SsToxicChain) driven at the times
 * a test gives, and what came out of them, when
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ss-toxic-chain.h"

G_BEGIN_DECLS

#define MS G_GINT64_CONSTANT (1000)
#define SECOND (1000 * MS)
/* a bound on the calls of one run: a chain that never settles fails */
#define MAX_STEPS 10000000

typedef struct
{
  gint64  at;
  gsize   offset;  /* in the output */
  gsize   len;
} SsToxicWrite;

typedef struct
{
  SsToxicChain      *chain;
  GByteArray        *out;
  GArray            *writes;
  GPtrArray         *notes;   /* every note, in order */
  gboolean           ended;
  SsToxicActionKind  end;
  gint64             end_at;
  gint64             now;
  guint              steps;
} SsToxicRun;

void         ss_toxic_run_init          (SsToxicRun        *run,
                                         const SsToxicSpec *specs,
                                         guint              n_specs,
                                         guint32            seed);
void         ss_toxic_run_clear         (SsToxicRun        *run);
gint64       ss_toxic_run_now           (SsToxicRun        *run);
void         ss_toxic_run_idle          (SsToxicRun        *run);
void         ss_toxic_run_until         (SsToxicRun        *run,
                                         gint64             until);
void         ss_toxic_run_push          (SsToxicRun        *run,
                                         gint64             at,
                                         const guint8      *data,
                                         gsize              len);
void         ss_toxic_run_close         (SsToxicRun        *run,
                                         gint64             at);
gboolean     ss_toxic_run_has_note      (SsToxicRun        *run,
                                         const char        *needle);
void         ss_toxic_run_assert_output (SsToxicRun        *run,
                                         const guint8      *expected,
                                         gsize              len);
void         ss_toxic_run_assert_ended  (SsToxicRun        *run,
                                         SsToxicActionKind  end,
                                         gsize              written);
GBytes      *ss_toxic_random_bytes      (GRand             *rand,
                                         gsize              len);
gsize        ss_toxic_random_chunk      (GRand             *rand,
                                         gsize              remaining,
                                         gint32             max);
SsToxicSpec  ss_toxic_test_spec         (const char        *text);

G_END_DECLS
