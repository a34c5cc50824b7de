/* test-toxic-properties.c — relay faults by property: random chains over
 * random inputs give the input back (up to a limit) however it is cut,
 * however often the chain is asked, and however the faults change live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib.h>

#include "ss-test-toxic.h"

/* A random chain of the faults that pass everything (and limit_data). */
static guint
random_chain (GRand       *rand,
              SsToxicSpec *specs,
              gsize       *limit)
{
  guint n = g_rand_int_range (rand, 1, 5);

  *limit = G_MAXSIZE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = NULL;

      switch (g_rand_int_range (rand, 0, 5))
        {
        case 0:
          text = g_strdup_printf ("latency %d jitter %d", g_rand_int_range (rand, 0, 300),
                                  g_rand_int_range (rand, 0, 100));
          break;
        case 1:
          text = g_strdup_printf ("bandwidth %d", g_rand_int_range (rand, 5, 5000));
          break;
        case 2:
          text = g_strdup_printf ("slicer %d size_variation %d delay %d", g_rand_int_range (rand, 1, 500),
                                  g_rand_int_range (rand, 0, 200), g_rand_int_range (rand, 0, 2000));
          break;
        case 3:
          text = g_strdup_printf ("slow_close %d", g_rand_int_range (rand, 0, 1000));
          break;
        default:
          text = g_strdup_printf ("limit_data %d", g_rand_int_range (rand, 0, 30000));
          break;
        }
      specs[i] = ss_toxic_test_spec (text);
      if (specs[i].kind == SS_TOXIC_LIMIT_DATA)
        *limit = MIN (*limit, (gsize) specs[i].params[0]);
      g_test_message ("  %s", text);
    }
  return n;
}

/* One round of a property test: a random chain and a random input. */
typedef struct
{
  SsToxicSpec   specs[4];
  guint         n_specs;
  gsize         limit;   /* the least limit_data, or G_MAXSIZE */
  GBytes       *input;
  const guint8 *data;
  gsize         len;
  guint32       seed;    /* for the chains */
} Round;

static void
round_init (Round *round,
            GRand *rand,
            guint  index,
            gint32 max_len)
{
  round->len = g_rand_int_range (rand, 1, max_len);
  round->input = ss_toxic_random_bytes (rand, round->len);
  round->data = g_bytes_get_data (round->input, NULL);
  round->seed = g_rand_int (rand);
  g_test_message ("round %u, %zu bytes:", index, round->len);
  round->n_specs = random_chain (rand, round->specs, &round->limit);
}

/* All of the input up to the least limit came out, then the close. */
static void
assert_round_output (Round      *round,
                     SsToxicRun *run)
{
  ss_toxic_run_assert_output (run, round->data, MIN (round->len, round->limit));
  g_assert_true (run->ended);
  g_assert_cmpint (run->end, ==, SS_TOXIC_ACTION_SHUTDOWN);
}

/* Pushes @input cut at random, at random times, and asks at random
 * times (or, @exact, at the times the chain names). */
static void
run_cut (SsToxicRun   *run,
         GRand        *cuts,
         const guint8 *data,
         gsize         len,
         gboolean      exact)
{
  for (gsize at = 0; at < len;)
    {
      gsize chunk = ss_toxic_random_chunk (cuts, len - at, 8000);
      gint64 wake;

      ss_toxic_run_push (run, run->now + g_rand_int_range (cuts, 0, 20 * MS), data + at, chunk);
      at += chunk;
      wake = ss_toxic_run_now (run);
      if (wake != G_MAXINT64 && (exact || g_rand_boolean (cuts)))
        {
          run->now = exact ? wake : wake + g_rand_int_range (cuts, 0, 5 * MS);
          ss_toxic_run_now (run);
        }
    }
  if (!run->ended)
    ss_toxic_run_close (run, run->now);
  ss_toxic_run_idle (run);
}

static void
test_chunking_property (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2024);

  for (guint round = 0; round < 60; round++)
    {
      Round r;
      SsToxicRun whole, cut;

      round_init (&r, rand, round, 40000);

      /* one push, asked only when the chain says */
      ss_toxic_run_init (&whole, r.specs, r.n_specs, r.seed);
      ss_toxic_run_push (&whole, 0, r.data, r.len);
      ss_toxic_run_close (&whole, 0);
      ss_toxic_run_idle (&whole);

      /* many pushes, asked at odd times */
      {
        g_autoptr(GRand) cuts = g_rand_new_with_seed (round);

        ss_toxic_run_init (&cut, r.specs, r.n_specs, r.seed);
        run_cut (&cut, cuts, r.data, r.len, FALSE);
      }

      assert_round_output (&r, &whole);
      assert_round_output (&r, &cut);
      ss_toxic_run_clear (&whole);
      ss_toxic_run_clear (&cut);
      g_bytes_unref (r.input);
    }
}

/* Sooner than @wake at times, never later. */
static gint64
poll_time (GRand  *rand,
           gint64  now,
           gint64  wake)
{
  gint64 step = now + g_rand_int_range (rand, 1, 3 * MS);

  return MIN (wake, step);
}

/* The same cuts asked at the times named, or at those and more: the
 * same writes at the same times. */
static void
test_polling_property (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);

  for (guint round = 0; round < 40; round++)
    {
      g_autoptr(GRand) cuts_a = g_rand_new_with_seed (round);
      g_autoptr(GRand) cuts_b = g_rand_new_with_seed (round);
      Round r;
      SsToxicRun a, b;

      round_init (&r, rand, round, 30000);
      ss_toxic_run_init (&a, r.specs, r.n_specs, r.seed);
      ss_toxic_run_init (&b, r.specs, r.n_specs, r.seed);

      /* the same pushes at the same times; b is asked in between too */
      for (gsize at = 0; at < r.len;)
        {
          gsize chunk = ss_toxic_random_chunk (cuts_a, r.len - at, 8000);
          gint64 next_push = a.now + g_rand_int_range (cuts_a, 0, 20 * MS);
          gint64 wake_b;

          /* each runs its waits up to the next push */
          ss_toxic_run_until (&a, next_push);
          while ((wake_b = ss_toxic_run_now (&b)) <= next_push)
            b.now = poll_time (cuts_b, b.now, wake_b);
          if (a.ended)
            break;
          ss_toxic_run_push (&a, next_push, r.data + at, chunk);
          ss_toxic_run_push (&b, next_push, r.data + at, chunk);
          at += chunk;
        }
      if (!a.ended)
        {
          ss_toxic_run_close (&a, a.now);
          ss_toxic_run_close (&b, b.now);
        }
      ss_toxic_run_idle (&a);
      while (!b.ended)
        {
          gint64 wake = ss_toxic_run_now (&b);

          if (wake == G_MAXINT64)
            break;
          b.now = poll_time (cuts_b, b.now, wake);
        }

      assert_round_output (&r, &a);
      assert_round_output (&r, &b);
      g_assert_cmpuint (a.writes->len, ==, b.writes->len);
      for (guint i = 0; i < a.writes->len; i++)
        {
          SsToxicWrite *wa = &g_array_index (a.writes, SsToxicWrite, i);
          SsToxicWrite *wb = &g_array_index (b.writes, SsToxicWrite, i);

          g_assert_cmpuint (wa->len, ==, wb->len);
          g_assert_cmpint (wa->at, ==, wb->at);
        }
      g_assert_cmpint (a.end_at, ==, b.end_at);
      ss_toxic_run_clear (&a);
      ss_toxic_run_clear (&b);
      g_bytes_unref (r.input);
    }
}

static void
test_update_property (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);

  for (guint round = 0; round < 60; round++)
    {
      g_autoptr(GRand) cuts = g_rand_new_with_seed (round);
      gsize limit_b;
      SsToxicSpec specs_b[4];
      guint n_b;
      Round r;
      SsToxicRun run;

      round_init (&r, rand, round, 30000);
      g_test_message ("then:");
      n_b = random_chain (rand, specs_b, &limit_b);
      ss_toxic_run_init (&run, r.specs, r.n_specs, r.seed);

      for (gsize at = 0; at < r.len && !run.ended;)
        {
          gsize chunk = ss_toxic_random_chunk (cuts, r.len - at, 4000);
          gsize pending;

          ss_toxic_run_until (&run, run.now + g_rand_int_range (cuts, 0, 20 * MS));
          ss_toxic_run_push (&run, run.now, r.data + at, chunk);
          at += chunk;
          /* now and then, the other faults, or the first again */
          if (g_rand_int_range (cuts, 0, 4) == 0)
            {
              gboolean other = g_rand_boolean (cuts);

              pending = ss_toxic_chain_get_pending (run.chain);
              ss_toxic_chain_update (run.chain, other ? specs_b : r.specs, other ? n_b : r.n_specs,
                                     cuts);
              g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, pending);
            }
        }
      if (!run.ended)
        ss_toxic_run_close (&run, run.now);
      ss_toxic_run_idle (&run);

      /* limits count again after an update: some prefix, whole without them */
      g_assert_cmpuint (run.out->len, <=, r.len);
      ss_toxic_run_assert_output (&run, r.data, run.out->len);
      if (r.limit == G_MAXSIZE && limit_b == G_MAXSIZE)
        g_assert_cmpuint (run.out->len, ==, r.len);
      g_assert_true (run.ended);
      g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
      ss_toxic_run_clear (&run);
      g_bytes_unref (r.input);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/toxic-chain/chunking-property", test_chunking_property);
  g_test_add_func ("/toxic-chain/polling-property", test_polling_property);
  g_test_add_func ("/toxic-chain/update-property", test_update_property);

  return g_test_run ();
}
