/* ss-test-toxic.c — relay fault chains (SsToxicChain) driven at the times
 * a test gives, and what came out of them, when
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>

#include "ss-test-toxic.h"

void
ss_toxic_run_init (SsToxicRun        *run,
                   const SsToxicSpec *specs,
                   guint              n_specs,
                   guint32            seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  memset (run, 0, sizeof *run);
  run->chain = ss_toxic_chain_new (specs, n_specs, rand);
  run->out = g_byte_array_new ();
  run->writes = g_array_new (FALSE, FALSE, sizeof (SsToxicWrite));
  run->notes = g_ptr_array_new_with_free_func (g_free);
}

void
ss_toxic_run_clear (SsToxicRun *run)
{
  g_clear_pointer (&run->chain, ss_toxic_chain_free);
  g_byte_array_unref (run->out);
  g_array_unref (run->writes);
  g_ptr_array_unref (run->notes);
}

/* Does everything the chain says to do at run->now; returns when it
 * wants to be asked again (G_MAXINT64: not until more input). */
gint64
ss_toxic_run_now (SsToxicRun *run)
{
  SsToxicAction action;

  while (ss_toxic_chain_next (run->chain, run->now, &action))
    {
      g_assert_cmpuint (++run->steps, <, MAX_STEPS);
      g_assert_false (run->ended);
      if (action.note != NULL)
        g_ptr_array_add (run->notes, g_strdup (action.note));

      switch (action.kind)
        {
        case SS_TOXIC_ACTION_WRITE:
          {
            SsToxicWrite write = { run->now, run->out->len, g_bytes_get_size (action.bytes) };

            g_assert_cmpuint (write.len, >, 0);
            g_byte_array_append (run->out, g_bytes_get_data (action.bytes, NULL), write.len);
            g_array_append_val (run->writes, write);
          }
          break;
        case SS_TOXIC_ACTION_WAIT:
          {
            gint64 until = action.until_us;

            g_assert_cmpint (until, >, run->now);
            g_assert_null (action.bytes);
            ss_toxic_action_clear (&action);
            return until;
          }
        case SS_TOXIC_ACTION_SHUTDOWN:
        case SS_TOXIC_ACTION_RESET:
          g_assert_null (action.bytes);
          run->ended = TRUE;
          run->end = action.kind;
          run->end_at = run->now;
          g_assert_cmpuint (ss_toxic_chain_get_pending (run->chain), ==, 0);
          g_assert_true (ss_toxic_chain_is_finished (run->chain));
          break;
        default:
          g_assert_not_reached ();
        }
      ss_toxic_action_clear (&action);
      g_assert_null (action.note);
    }
  return G_MAXINT64;
}

/* Asks at every time the chain names until it has nothing more to do. */
void
ss_toxic_run_idle (SsToxicRun *run)
{
  gint64 wake;

  while ((wake = ss_toxic_run_now (run)) != G_MAXINT64)
    run->now = wake;
}

/* Asks at every time the chain names up to @until, then at @until. */
void
ss_toxic_run_until (SsToxicRun *run,
                    gint64      until)
{
  gint64 wake;

  while ((wake = ss_toxic_run_now (run)) <= until)
    run->now = wake;
  run->now = until;
}

void
ss_toxic_run_push (SsToxicRun   *run,
                   gint64        at,
                   const guint8 *data,
                   gsize         len)
{
  g_assert_cmpint (at, >=, run->now);
  run->now = at;
  ss_toxic_chain_push (run->chain, at, data, len);
}

void
ss_toxic_run_close (SsToxicRun *run,
                    gint64      at)
{
  g_assert_cmpint (at, >=, run->now);
  run->now = at;
  ss_toxic_chain_close (run->chain, at);
}

gboolean
ss_toxic_run_has_note (SsToxicRun *run,
                       const char *needle)
{
  for (guint i = 0; i < run->notes->len; i++)
    if (strstr (run->notes->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

GBytes *
ss_toxic_random_bytes (GRand *rand,
                       gsize  len)
{
  guint8 *data = g_malloc (MAX (len, 1));

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, len);
}

/* A chunk of the input: 1 to @max bytes, no more than remain. */
gsize
ss_toxic_random_chunk (GRand  *rand,
                       gsize   remaining,
                       gint32  max)
{
  gsize chunk = g_rand_int_range (rand, 1, max);

  return MIN (chunk, remaining);
}

SsToxicSpec
ss_toxic_test_spec (const char *text)
{
  g_autoptr(GError) error = NULL;
  SsToxicSpec parsed;

  g_assert_true (ss_toxic_spec_parse (text, &parsed, &error));
  g_assert_no_error (error);
  return parsed;
}

void
ss_toxic_run_assert_output (SsToxicRun   *run,
                            const guint8 *expected,
                            gsize         len)
{
  g_assert_cmpmem (run->out->data, run->out->len, expected, len);
}

/* The chain ended with @end, after @written bytes. */
void
ss_toxic_run_assert_ended (SsToxicRun        *run,
                           SsToxicActionKind  end,
                           gsize              written)
{
  g_assert_true (run->ended);
  g_assert_cmpint (run->end, ==, end);
  g_assert_cmpuint (run->out->len, ==, written);
}
