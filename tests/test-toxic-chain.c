/* test-toxic-chain.c — relay faults as a pure function of time: each
 * Toxiproxy toxic's behaviour, toxicity, composition, backpressure, and
 * faults changed live (test-toxic-properties.c has the random ones)
 *
 * No clock: the test says what time it is. Each fault is checked by a
 * bound that holds whatever times the chain is asked at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib.h>
#include <string.h>

#include "ss-test-toxic.h"

static void
test_no_faults (void)
{
  SsToxicRun run;
  const guint8 hello[] = "hello";

  ss_toxic_run_init (&run, NULL, 0, 1);
  g_assert_false (ss_toxic_chain_next (run.chain, 0, &(SsToxicAction) { 0, }));
  ss_toxic_run_push (&run, 5, hello, 5);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 5);
  ss_toxic_run_now (&run);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
  ss_toxic_run_assert_output (&run, hello, 5);
  g_assert_cmpint (g_array_index (run.writes, SsToxicWrite, 0).at, ==, 5);
  ss_toxic_run_close (&run, 6);
  ss_toxic_run_now (&run);
  g_assert_true (run.ended);
  g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
  g_assert_cmpuint (run.notes->len, ==, 0);
  ss_toxic_run_clear (&run);
}

static void
test_slicer (void)
{
  const char *specs[] = {
    "slicer 1", "slicer 7", "slicer 7 size_variation 3", "slicer 100 size_variation 50",
    "slicer 10 size_variation 40", "slicer 5000", "slicer 64 size_variation 64 delay 500",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint s = 0; s < G_N_ELEMENTS (specs); s++)
    for (guint32 seed = 1; seed <= 8; seed++)
      {
        SsToxicSpec slicer = ss_toxic_test_spec (specs[s]);
        gsize max = slicer.params[SS_TOXIC_AVERAGE_SIZE] + slicer.params[SS_TOXIC_SIZE_VARIATION];
        gsize len = 1 + g_rand_int_range (rand, 0, 6000);
        g_autoptr(GBytes) input = ss_toxic_random_bytes (rand, len);
        const guint8 *data = g_bytes_get_data (input, NULL);
        SsToxicRun run;

        g_test_message ("%s, seed %u, %zu bytes", specs[s], seed, len);
        ss_toxic_run_init (&run, &slicer, 1, seed);
        for (gsize at = 0; at < len;)
          {
            gsize chunk = ss_toxic_random_chunk (rand, len - at, 3000);

            /* asked at the times named, so writes go at their own times */
            ss_toxic_run_until (&run, run.now + g_rand_int_range (rand, 0, 3000));
            ss_toxic_run_push (&run, run.now, data + at, chunk);
            at += chunk;
          }
        ss_toxic_run_idle (&run);
        ss_toxic_run_close (&run, run.now);
        ss_toxic_run_idle (&run);

        ss_toxic_run_assert_output (&run, data, len);
        for (guint i = 0; i < run.writes->len; i++)
          {
            SsToxicWrite *w = &g_array_index (run.writes, SsToxicWrite, i);

            g_assert_cmpuint (w->len, <=, max);
            if (i > 0)
              g_assert_cmpint (w->at - (w - 1)->at, >=, slicer.params[SS_TOXIC_DELAY_US]);
          }
        if (len > max)
          g_assert_cmpuint (run.writes->len, >, 1);
        g_assert_true (run.ended);
        ss_toxic_run_clear (&run);
      }
}

static void
test_slicer_note (void)
{
  SsToxicSpec slicer = ss_toxic_test_spec ("slicer 100");
  g_autofree char *expected = NULL;
  guint8 data[1400] = { 0, };
  SsToxicRun run;

  ss_toxic_run_init (&run, &slicer, 1, 3);
  ss_toxic_run_push (&run, 0, data, sizeof data);
  ss_toxic_run_idle (&run);
  g_assert_cmpuint (run.out->len, ==, 1400);
  /* halving 1,400 until ≤ 100: 16 slices of 87 or 88 */
  g_assert_cmpuint (run.writes->len, ==, 16);
  expected = g_strdup_printf ("sliced %'d bytes into %'u writes", 1400, 16);
  g_assert_cmpuint (run.notes->len, ==, 1);
  g_assert_cmpstr (run.notes->pdata[0], ==, expected);
  ss_toxic_run_clear (&run);
}

static void
test_limit_data (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint round = 0; round < 40; round++)
    {
      SsToxicSpec limit = ss_toxic_test_spec ("limit_data 10000");
      gsize len = 10000 + g_rand_int_range (rand, -3000, 20000);
      g_autoptr(GBytes) input = ss_toxic_random_bytes (rand, len);
      const guint8 *data = g_bytes_get_data (input, NULL);
      g_autofree char *note = g_strdup_printf ("closed after %'d bytes", 10000);
      SsToxicRun run;

      if (round == 0)
        len = 10000;
      ss_toxic_run_init (&run, &limit, 1, round);
      for (gsize at = 0; at < len && !run.ended;)
        {
          gsize chunk = ss_toxic_random_chunk (rand, len - at, 4000);

          ss_toxic_run_push (&run, run.now + 10, data + at, chunk);
          at += chunk;
          ss_toxic_run_now (&run);
        }
      if (len < 10000)
        {
          g_assert_false (run.ended);
          ss_toxic_run_close (&run, run.now + 1);
          ss_toxic_run_idle (&run);
          ss_toxic_run_assert_output (&run, data, len);
          g_assert_false (ss_toxic_run_has_note (&run, "closed after"));
        }
      else
        {
          g_assert_true (run.ended);
          ss_toxic_run_assert_output (&run, data, 10000);
          g_assert_true (ss_toxic_run_has_note (&run, note));
          /* what comes after is thrown away */
          ss_toxic_run_push (&run, run.now + 1, data, 100);
          g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
          g_assert_false (ss_toxic_chain_next (run.chain, run.now, &(SsToxicAction) { 0, }));
        }
      g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
      ss_toxic_run_clear (&run);
    }
}

static void
test_limit_data_zero (void)
{
  SsToxicSpec limit = ss_toxic_test_spec ("limit_data 0");
  SsToxicRun run;

  ss_toxic_run_init (&run, &limit, 1, 1);
  g_assert_false (ss_toxic_chain_next (run.chain, 0, &(SsToxicAction) { 0, }));
  ss_toxic_run_push (&run, 100, (const guint8 *) "x", 1);
  ss_toxic_run_now (&run);
  ss_toxic_run_assert_ended (&run, SS_TOXIC_ACTION_SHUTDOWN, 0);
  ss_toxic_run_clear (&run);
}

static void
test_reset_peer (void)
{
  SsToxicSpec reset = ss_toxic_test_spec ("reset_peer 250");
  g_autofree char *note = g_strdup_printf ("reset after %'d ms; %'d bytes dropped", 250, 10);
  SsToxicAction action;
  SsToxicRun run;

  ss_toxic_run_init (&run, &reset, 1, 1);
  /* the clock starts with the first data, as Toxiproxy's */
  g_assert_false (ss_toxic_chain_next (run.chain, 0, &action));
  ss_toxic_run_push (&run, SECOND, (const guint8 *) "hello", 5);
  g_assert_true (ss_toxic_chain_next (run.chain, SECOND, &action));
  g_assert_cmpint (action.kind, ==, SS_TOXIC_ACTION_WAIT);
  g_assert_cmpint (action.until_us, ==, SECOND + 250 * MS);
  ss_toxic_run_push (&run, SECOND + 100 * MS, (const guint8 *) "world", 5);
  run.now = SECOND + 250 * MS - 1;
  g_assert_cmpint (ss_toxic_run_now (&run), ==, SECOND + 250 * MS);
  g_assert_false (run.ended);
  /* dropped, not held */
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
  run.now = SECOND + 250 * MS;
  ss_toxic_run_now (&run);
  ss_toxic_run_assert_ended (&run, SS_TOXIC_ACTION_RESET, 0);
  g_assert_cmpuint (run.notes->len, ==, 1);
  g_assert_cmpstr (run.notes->pdata[0], ==, note);
  ss_toxic_run_clear (&run);

  /* 0: at once */
  reset = ss_toxic_test_spec ("reset_peer 0");
  ss_toxic_run_init (&run, &reset, 1, 1);
  ss_toxic_run_push (&run, 7, (const guint8 *) "x", 1);
  ss_toxic_run_now (&run);
  g_assert_true (run.ended);
  g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_RESET);
  g_assert_cmpint (run.end_at, ==, 7);
  ss_toxic_run_clear (&run);
}

/* Latency: never before the latency (less the jitter), order kept,
 * whatever times the chain is asked at. */
static void
check_latency (const char *text,
               guint32     seed)
{
  SsToxicSpec latency = ss_toxic_test_spec (text);
  gint64 lower = (latency.params[SS_TOXIC_LATENCY_MS] - latency.params[SS_TOXIC_JITTER_MS]) * MS;
  gint64 upper = (latency.params[SS_TOXIC_LATENCY_MS] + latency.params[SS_TOXIC_JITTER_MS]) * MS;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GBytes) input = ss_toxic_random_bytes (rand, 20000);
  const guint8 *data = g_bytes_get_data (input, NULL);
  g_autofree gint64 *pushed_at = g_new (gint64, 20000);
  gint64 last_pushed = 0;
  SsToxicRun run;

  ss_toxic_run_init (&run, &latency, 1, seed);
  for (gsize at = 0; at < 20000;)
    {
      gsize chunk = ss_toxic_random_chunk (rand, 20000 - at, 2000);
      gint64 wake;

      ss_toxic_run_push (&run, run.now + g_rand_int_range (rand, 0, 40 * MS), data + at, chunk);
      for (gsize i = at; i < at + chunk; i++)
        pushed_at[i] = run.now;
      last_pushed = run.now;
      at += chunk;
      /* asked at odd times, sometimes at the time it names */
      wake = ss_toxic_run_now (&run);
      if (wake != G_MAXINT64 && g_rand_boolean (rand))
        {
          run.now = wake;
          ss_toxic_run_now (&run);
        }
    }
  ss_toxic_run_idle (&run);

  ss_toxic_run_assert_output (&run, data, 20000);
  for (guint i = 0; i < run.writes->len; i++)
    {
      SsToxicWrite *w = &g_array_index (run.writes, SsToxicWrite, i);

      for (gsize b = w->offset; b < w->offset + w->len; b++)
        g_assert_cmpint (w->at, >=, pushed_at[b] + lower);
    }
  /* and not held much longer than the most it may be */
  g_assert_cmpint (run.now, <=, last_pushed + upper);
  g_assert_true (ss_toxic_run_has_note (&run, "held"));
  ss_toxic_run_clear (&run);
}

static void
test_latency (void)
{
  for (guint32 seed = 1; seed <= 10; seed++)
    {
      check_latency ("latency 250", seed);
      check_latency ("latency 100 jitter 50", seed);
      check_latency ("latency 10 jitter 30", seed);
    }
}

static void
test_latency_exact (void)
{
  SsToxicSpec latency = ss_toxic_test_spec ("latency 250");
  g_autofree char *note = g_strdup_printf ("held %'d ms", 250);
  SsToxicRun run;

  ss_toxic_run_init (&run, &latency, 1, 1);
  ss_toxic_run_push (&run, 10, (const guint8 *) "a", 1);
  ss_toxic_run_push (&run, 20, (const guint8 *) "b", 1);
  ss_toxic_run_close (&run, 30);
  ss_toxic_run_idle (&run);
  g_assert_cmpuint (run.writes->len, ==, 2);
  g_assert_cmpint (g_array_index (run.writes, SsToxicWrite, 0).at, ==, 10 + 250 * MS);
  g_assert_cmpint (g_array_index (run.writes, SsToxicWrite, 1).at, ==, 20 + 250 * MS);
  /* the close follows the data at once, as in Toxiproxy */
  g_assert_cmpint (run.end_at, ==, 20 + 250 * MS);
  g_assert_cmpstr (run.notes->pdata[0], ==, note);
  ss_toxic_run_clear (&run);
}

/* Bandwidth: by any time t, at most rate × (t − first push) has gone,
 * and not much less when the chain is asked at the times it names. */
static void
test_bandwidth (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);

  for (guint round = 0; round < 12; round++)
    {
      SsToxicSpec bandwidth = ss_toxic_test_spec (round % 2 ? "bandwidth 10" : "bandwidth 333");
      gint64 rate = bandwidth.params[SS_TOXIC_RATE_KBPS];  /* bytes per ms */
      gsize len = 1 + g_rand_int_range (rand, 0, 60000);
      g_autoptr(GBytes) input = ss_toxic_random_bytes (rand, len);
      const guint8 *data = g_bytes_get_data (input, NULL);
      gint64 first = 1000;
      gboolean exact = round < 6;
      SsToxicRun run;

      ss_toxic_run_init (&run, &bandwidth, 1, round);
      run.now = first;
      for (gsize at = 0; at < len;)
        {
          gsize chunk = ss_toxic_random_chunk (rand, len - at, 5000);

          ss_toxic_run_push (&run, run.now, data + at, chunk);
          at += chunk;
        }
      while (!exact || run.out->len < len)
        {
          gint64 wake = ss_toxic_run_now (&run);

          g_assert_cmpint ((gint64) run.out->len * MS, <=, rate * (run.now - first));
          if (wake == G_MAXINT64)
            break;
          gint64 late = wake + g_rand_int_range (rand, 0, 50 * MS);
          gint64 step = run.now + g_rand_int_range (rand, 1, 30 * MS);

          run.now = exact ? wake : MIN (late, step);
        }
      ss_toxic_run_assert_output (&run, data, len);
      for (guint i = 0; i < run.writes->len; i++)
        g_assert_cmpuint (g_array_index (run.writes, SsToxicWrite, i).len, <=, (gsize) rate * 100);
      if (exact)
        /* rounded up at most a µs per write */
        g_assert_cmpint (run.now - first, <=, ((gint64) len * MS) / rate + run.writes->len + 1);
      ss_toxic_run_clear (&run);
    }
}

static void
test_timeout_zero (void)
{
  SsToxicSpec timeout = ss_toxic_test_spec ("timeout 0");
  SsToxicRun run;

  ss_toxic_run_init (&run, &timeout, 1, 1);
  ss_toxic_run_push (&run, 0, (const guint8 *) "hello", 5);
  g_assert_cmpint (ss_toxic_run_now (&run), ==, G_MAXINT64);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
  /* an hour later, still nothing, and still open */
  ss_toxic_run_push (&run, 3600 * SECOND, (const guint8 *) "world", 5);
  g_assert_cmpint (ss_toxic_run_now (&run), ==, G_MAXINT64);
  run.now = 24 * 3600 * SECOND;
  ss_toxic_run_now (&run);
  g_assert_cmpuint (run.out->len, ==, 0);
  g_assert_false (run.ended);
  /* the sender's close still closes */
  ss_toxic_run_close (&run, run.now + 1);
  ss_toxic_run_now (&run);
  ss_toxic_run_assert_ended (&run, SS_TOXIC_ACTION_SHUTDOWN, 0);
  ss_toxic_run_clear (&run);
}

static void
test_timeout (void)
{
  SsToxicSpec timeout = ss_toxic_test_spec ("timeout 5000");
  g_autofree char *note = g_strdup_printf ("timed out after %'d ms; %'d bytes dropped", 5000, 5);
  gint64 t0 = 3 * SECOND;
  SsToxicRun run;

  ss_toxic_run_init (&run, &timeout, 1, 1);
  /* counted from the first time the chain is told */
  run.now = t0;
  g_assert_cmpint (ss_toxic_run_now (&run), ==, t0 + 5 * SECOND);
  ss_toxic_run_push (&run, t0 + SECOND, (const guint8 *) "hello", 5);
  g_assert_cmpint (ss_toxic_run_now (&run), ==, t0 + 5 * SECOND);
  run.now = t0 + 5 * SECOND - 1;
  ss_toxic_run_now (&run);
  g_assert_false (run.ended);
  run.now = t0 + 5 * SECOND;
  ss_toxic_run_now (&run);
  ss_toxic_run_assert_ended (&run, SS_TOXIC_ACTION_SHUTDOWN, 0);
  g_assert_cmpstr (run.notes->pdata[0], ==, note);
  ss_toxic_run_clear (&run);
}

static void
test_slow_close (void)
{
  SsToxicSpec slow = ss_toxic_test_spec ("slow_close 1000");
  g_autofree char *note = g_strdup_printf ("close held %'d ms", 1000);
  SsToxicRun run;

  ss_toxic_run_init (&run, &slow, 1, 1);
  ss_toxic_run_push (&run, 0, (const guint8 *) "abc", 3);
  ss_toxic_run_close (&run, 10 * MS);
  g_assert_cmpint (ss_toxic_run_now (&run), ==, 1010 * MS);
  ss_toxic_run_assert_output (&run, (const guint8 *) "abc", 3);
  g_assert_cmpint (g_array_index (run.writes, SsToxicWrite, 0).at, ==, 10 * MS);
  g_assert_false (run.ended);
  run.now = 1010 * MS - 1;
  ss_toxic_run_now (&run);
  g_assert_false (run.ended);
  run.now = 1010 * MS;
  ss_toxic_run_now (&run);
  g_assert_true (run.ended);
  g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
  g_assert_cmpstr (run.notes->pdata[0], ==, note);
  ss_toxic_run_clear (&run);

  /* a reset waits too */
  {
    SsToxicSpec both[] = { ss_toxic_test_spec ("reset_peer 0"), ss_toxic_test_spec ("slow_close 200") };

    ss_toxic_run_init (&run, both, 2, 1);
    ss_toxic_run_push (&run, 5, (const guint8 *) "x", 1);
    ss_toxic_run_idle (&run);
    g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_RESET);
    g_assert_cmpint (run.end_at, ==, 5 + 200 * MS);
    ss_toxic_run_clear (&run);
  }
}

static void
test_toxicity (void)
{
  SsToxicSpec never = ss_toxic_test_spec ("latency 1000 toxicity 0");
  SsToxicSpec always = ss_toxic_test_spec ("latency 1000 toxicity 1");
  SsToxicSpec half = ss_toxic_test_spec ("latency 1000 toxicity 0.5");
  guint got = 0;
  SsToxicRun run;

  ss_toxic_run_init (&run, &never, 1, 1);
  g_assert_false (ss_toxic_chain_is_active (run.chain, 0));
  ss_toxic_run_push (&run, 0, (const guint8 *) "x", 1);
  ss_toxic_run_now (&run);
  g_assert_cmpuint (run.out->len, ==, 1);
  ss_toxic_run_clear (&run);

  ss_toxic_run_init (&run, &always, 1, 1);
  g_assert_true (ss_toxic_chain_is_active (run.chain, 0));
  ss_toxic_run_push (&run, 0, (const guint8 *) "x", 1);
  ss_toxic_run_now (&run);
  g_assert_cmpuint (run.out->len, ==, 0);
  ss_toxic_run_clear (&run);

  for (guint32 seed = 0; seed < 1000; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(GRand) same = g_rand_new_with_seed (seed);
      SsToxicChain *chain = ss_toxic_chain_new (&half, 1, rand);
      SsToxicChain *again = ss_toxic_chain_new (&half, 1, same);

      got += ss_toxic_chain_is_active (chain, 0);
      /* decided by the generator alone */
      g_assert_cmpint (ss_toxic_chain_is_active (chain, 0), ==, ss_toxic_chain_is_active (again, 0));
      ss_toxic_chain_free (chain);
      ss_toxic_chain_free (again);
    }
  g_assert_cmpuint (got, >, 400);
  g_assert_cmpuint (got, <, 600);
}

static void
test_composition (void)
{
  guint8 data[100];
  SsToxicRun run;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = i;

  /* each fault acts on what the one before passed */
  {
    SsToxicSpec chain[] = { ss_toxic_test_spec ("latency 100"), ss_toxic_test_spec ("slicer 10"), ss_toxic_test_spec ("limit_data 55") };
    g_autofree char *held = g_strdup_printf ("held %'d ms", 100);

    ss_toxic_run_init (&run, chain, G_N_ELEMENTS (chain), 1);
    ss_toxic_run_push (&run, 0, data, sizeof data);
    ss_toxic_run_idle (&run);
    ss_toxic_run_assert_output (&run, data, 55);
    for (guint i = 0; i < run.writes->len; i++)
      {
        g_assert_cmpuint (g_array_index (run.writes, SsToxicWrite, i).len, <=, 10);
        g_assert_cmpint (g_array_index (run.writes, SsToxicWrite, i).at, >=, 100 * MS);
      }
    g_assert_true (run.ended);
    g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
    g_assert_true (ss_toxic_run_has_note (&run, held));
    g_assert_true (ss_toxic_run_has_note (&run, "closed after"));
    ss_toxic_run_clear (&run);
  }

  /* the close limit_data makes waits behind the data in the latency after it */
  {
    SsToxicSpec chain[] = { ss_toxic_test_spec ("limit_data 20"), ss_toxic_test_spec ("latency 100") };

    ss_toxic_run_init (&run, chain, G_N_ELEMENTS (chain), 1);
    ss_toxic_run_push (&run, 0, data, sizeof data);
    ss_toxic_run_idle (&run);
    ss_toxic_run_assert_output (&run, data, 20);
    g_assert_cmpint (run.end_at, ==, 100 * MS);
    ss_toxic_run_clear (&run);
  }

  /* slices of a chunk held by latency say both */
  {
    SsToxicSpec chain[] = { ss_toxic_test_spec ("slicer 30"), ss_toxic_test_spec ("latency 50") };
    g_autofree char *sliced = g_strdup_printf ("sliced %'d bytes into %'u writes; held %'d ms", 100, 4, 50);

    ss_toxic_run_init (&run, chain, G_N_ELEMENTS (chain), 1);
    ss_toxic_run_push (&run, 0, data, sizeof data);
    ss_toxic_run_idle (&run);
    ss_toxic_run_assert_output (&run, data, sizeof data);
    g_assert_cmpuint (run.writes->len, ==, 4);
    g_assert_true (ss_toxic_run_has_note (&run, sliced));
    ss_toxic_run_clear (&run);
  }

  /* timeout after latency: what latency held is dropped too */
  {
    SsToxicSpec chain[] = { ss_toxic_test_spec ("latency 10"), ss_toxic_test_spec ("timeout 0") };

    ss_toxic_run_init (&run, chain, G_N_ELEMENTS (chain), 1);
    ss_toxic_run_push (&run, 0, data, sizeof data);
    g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, sizeof data);
    ss_toxic_run_idle (&run);
    g_assert_cmpuint (run.out->len, ==, 0);
    g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
    g_assert_false (run.ended);
    ss_toxic_run_clear (&run);
  }
}

/* Held bytes are pending until written: the relay's backpressure. */
static void
test_pending (void)
{
  SsToxicSpec chain[] = { ss_toxic_test_spec ("latency 100"), ss_toxic_test_spec ("bandwidth 1000") };
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GBytes) input = ss_toxic_random_bytes (rand, 1 << 20);
  const guint8 *data = g_bytes_get_data (input, NULL);
  SsToxicRun run;

  ss_toxic_run_init (&run, chain, G_N_ELEMENTS (chain), 1);
  for (gsize at = 0; at < (1 << 20); at += 65536)
    ss_toxic_run_push (&run, 0, data + at, 65536);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 1 << 20);
  run.now = 100 * MS + 300 * MS;
  ss_toxic_run_now (&run);
  /* 300 ms at 1,000 KB/s */
  g_assert_cmpuint (run.out->len, <=, 300000);
  g_assert_cmpuint (run.out->len, >=, 200000);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, (1 << 20) - run.out->len);
  ss_toxic_run_idle (&run);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
  ss_toxic_run_assert_output (&run, data, 1 << 20);
  ss_toxic_run_clear (&run);
}

/* Faults changed while a pair runs: what was held goes on through the
 * new faults, none of it lost, repeated or reordered. */
static void
test_update (void)
{
  SsToxicSpec latency = ss_toxic_test_spec ("latency 1000");
  SsToxicSpec slicer = ss_toxic_test_spec ("slicer 10 delay 1000");
  SsToxicRun run;

  /* removed: what latency held goes at once */
  ss_toxic_run_init (&run, &latency, 1, 1);
  ss_toxic_run_push (&run, 0, (const guint8 *) "abc", 3);
  g_assert_cmpint (ss_toxic_run_now (&run), ==, SECOND);
  g_assert_true (ss_toxic_chain_is_active (run.chain, 0));
  run.now = 100 * MS;
  ss_toxic_chain_update (run.chain, NULL, 0, NULL);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 3);
  g_assert_cmpint (ss_toxic_run_now (&run), ==, G_MAXINT64);
  ss_toxic_run_assert_output (&run, (const guint8 *) "abc", 3);
  g_assert_cmpint (g_array_index (run.writes, SsToxicWrite, 0).at, ==, 100 * MS);

  /* added: what comes next waits */
  ss_toxic_chain_update (run.chain, &latency, 1, NULL);
  ss_toxic_run_push (&run, 200 * MS, (const guint8 *) "d", 1);
  g_assert_cmpint (ss_toxic_run_now (&run), ==, 1200 * MS);
  ss_toxic_run_clear (&run);

  /* in the middle of a chunk's slices: the rest goes on whole */
  ss_toxic_run_init (&run, &slicer, 1, 1);
  ss_toxic_run_push (&run, 0, (const guint8 *) "0123456789abcdefghijklmnopqrstuvwxyz", 36);
  g_assert_cmpint (ss_toxic_run_now (&run), ==, 1 * MS);
  g_assert_cmpuint (run.out->len, >, 0);
  g_assert_cmpuint (run.out->len, <=, 10);
  ss_toxic_chain_update (run.chain, NULL, 0, NULL);
  ss_toxic_run_now (&run);
  ss_toxic_run_assert_output (&run, (const guint8 *) "0123456789abcdefghijklmnopqrstuvwxyz", 36);
  g_assert_cmpuint (run.writes->len, ==, 2);
  ss_toxic_run_clear (&run);

  /* in the middle of a chunk bandwidth paces */
  {
    SsToxicSpec bandwidth = ss_toxic_test_spec ("bandwidth 1");
    g_autoptr(GRand) rand = g_rand_new_with_seed (9);
    g_autoptr(GBytes) input = ss_toxic_random_bytes (rand, 250);

    ss_toxic_run_init (&run, &bandwidth, 1, 1);
    ss_toxic_run_push (&run, 0, g_bytes_get_data (input, NULL), 250);
    ss_toxic_run_until (&run, 150 * MS);
    g_assert_cmpuint (run.out->len, ==, 100);
    ss_toxic_chain_update (run.chain, NULL, 0, NULL);
    ss_toxic_run_now (&run);
    ss_toxic_run_assert_output (&run, g_bytes_get_data (input, NULL), 250);
    g_assert_cmpuint (run.writes->len, ==, 2);
    ss_toxic_run_clear (&run);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/toxic-chain/no-faults", test_no_faults);
  g_test_add_func ("/toxic-chain/slicer", test_slicer);
  g_test_add_func ("/toxic-chain/slicer-note", test_slicer_note);
  g_test_add_func ("/toxic-chain/limit-data", test_limit_data);
  g_test_add_func ("/toxic-chain/limit-data-zero", test_limit_data_zero);
  g_test_add_func ("/toxic-chain/reset-peer", test_reset_peer);
  g_test_add_func ("/toxic-chain/latency", test_latency);
  g_test_add_func ("/toxic-chain/latency-exact", test_latency_exact);
  g_test_add_func ("/toxic-chain/bandwidth", test_bandwidth);
  g_test_add_func ("/toxic-chain/timeout-zero", test_timeout_zero);
  g_test_add_func ("/toxic-chain/timeout", test_timeout);
  g_test_add_func ("/toxic-chain/slow-close", test_slow_close);
  g_test_add_func ("/toxic-chain/toxicity", test_toxicity);
  g_test_add_func ("/toxic-chain/composition", test_composition);
  g_test_add_func ("/toxic-chain/pending", test_pending);
  g_test_add_func ("/toxic-chain/update", test_update);

  return g_test_run ();
}
