/* test-toxic-chain.c — relay faults as a pure function of time: each
 * Toxiproxy toxic's behaviour, toxicity, composition, and that what comes
 * out does not depend on how the input was cut or how often it is asked
 *
 * No clock: the test says what time it is. Each fault is checked by a
 * bound that holds whatever times the chain is asked at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <glib.h>
#include <string.h>

#include "ss-toxic-chain.h"

#define MS G_GINT64_CONSTANT (1000)
#define SECOND (1000 * MS)
/* a bound on the calls of one run: a chain that never settles fails */
#define MAX_STEPS 10000000

typedef struct
{
  gint64  at;
  gsize   offset;  /* in the output */
  gsize   len;
} Write;

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
} Run;

static void
run_init (Run               *run,
          const SsToxicSpec *specs,
          guint              n_specs,
          guint32            seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  memset (run, 0, sizeof *run);
  run->chain = ss_toxic_chain_new (specs, n_specs, rand);
  run->out = g_byte_array_new ();
  run->writes = g_array_new (FALSE, FALSE, sizeof (Write));
  run->notes = g_ptr_array_new_with_free_func (g_free);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->chain, ss_toxic_chain_free);
  g_byte_array_unref (run->out);
  g_array_unref (run->writes);
  g_ptr_array_unref (run->notes);
}

/* Does everything the chain says to do at run->now; returns when it
 * wants to be asked again (G_MAXINT64: not until more input). */
static gint64
run_now (Run *run)
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
            Write write = { run->now, run->out->len, g_bytes_get_size (action.bytes) };

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
static void
run_idle (Run *run)
{
  gint64 wake;

  while ((wake = run_now (run)) != G_MAXINT64)
    run->now = wake;
}

/* Asks at every time the chain names up to @until, then at @until. */
static void
run_until (Run    *run,
           gint64  until)
{
  gint64 wake;

  while ((wake = run_now (run)) <= until)
    run->now = wake;
  run->now = until;
}

static void
run_push (Run          *run,
          gint64        at,
          const guint8 *data,
          gsize         len)
{
  g_assert_cmpint (at, >=, run->now);
  run->now = at;
  ss_toxic_chain_push (run->chain, at, data, len);
}

static void
run_close (Run    *run,
           gint64  at)
{
  g_assert_cmpint (at, >=, run->now);
  run->now = at;
  ss_toxic_chain_close (run->chain, at);
}

static gboolean
run_has_note (Run        *run,
              const char *needle)
{
  for (guint i = 0; i < run->notes->len; i++)
    if (strstr (run->notes->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

static GBytes *
random_bytes (GRand *rand,
              gsize  len)
{
  guint8 *data = g_malloc (MAX (len, 1));

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, len);
}

/* A chunk of the input: 1 to @max bytes, no more than remain. */
static gsize
random_chunk (GRand *rand,
              gsize  remaining,
              gint32 max)
{
  gsize chunk = g_rand_int_range (rand, 1, max);

  return MIN (chunk, remaining);
}

static SsToxicSpec
spec (const char *text)
{
  g_autoptr(GError) error = NULL;
  SsToxicSpec parsed;

  g_assert_true (ss_toxic_spec_parse (text, &parsed, &error));
  g_assert_no_error (error);
  return parsed;
}

static void
assert_output (Run          *run,
               const guint8 *expected,
               gsize         len)
{
  g_assert_cmpmem (run->out->data, run->out->len, expected, len);
}

/* The chain ended with @end, after @written bytes. */
static void
assert_ended (Run               *run,
              SsToxicActionKind  end,
              gsize              written)
{
  g_assert_true (run->ended);
  g_assert_cmpint (run->end, ==, end);
  g_assert_cmpuint (run->out->len, ==, written);
}

/* ------------------------------------------------------------------ */

static void
test_no_faults (void)
{
  Run run;
  const guint8 hello[] = "hello";

  run_init (&run, NULL, 0, 1);
  g_assert_false (ss_toxic_chain_next (run.chain, 0, &(SsToxicAction) { 0, }));
  run_push (&run, 5, hello, 5);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 5);
  run_now (&run);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
  assert_output (&run, hello, 5);
  g_assert_cmpint (g_array_index (run.writes, Write, 0).at, ==, 5);
  run_close (&run, 6);
  run_now (&run);
  g_assert_true (run.ended);
  g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
  g_assert_cmpuint (run.notes->len, ==, 0);
  run_clear (&run);
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
        SsToxicSpec slicer = spec (specs[s]);
        gsize max = slicer.params[SS_TOXIC_AVERAGE_SIZE] + slicer.params[SS_TOXIC_SIZE_VARIATION];
        gsize len = 1 + g_rand_int_range (rand, 0, 6000);
        g_autoptr(GBytes) input = random_bytes (rand, len);
        const guint8 *data = g_bytes_get_data (input, NULL);
        Run run;

        g_test_message ("%s, seed %u, %zu bytes", specs[s], seed, len);
        run_init (&run, &slicer, 1, seed);
        for (gsize at = 0; at < len;)
          {
            gsize chunk = random_chunk (rand, len - at, 3000);

            /* asked at the times named, so writes go at their own times */
            run_until (&run, run.now + g_rand_int_range (rand, 0, 3000));
            run_push (&run, run.now, data + at, chunk);
            at += chunk;
          }
        run_idle (&run);
        run_close (&run, run.now);
        run_idle (&run);

        assert_output (&run, data, len);
        for (guint i = 0; i < run.writes->len; i++)
          {
            Write *w = &g_array_index (run.writes, Write, i);

            g_assert_cmpuint (w->len, <=, max);
            if (i > 0)
              g_assert_cmpint (w->at - (w - 1)->at, >=, slicer.params[SS_TOXIC_DELAY_US]);
          }
        if (len > max)
          g_assert_cmpuint (run.writes->len, >, 1);
        g_assert_true (run.ended);
        run_clear (&run);
      }
}

static void
test_slicer_note (void)
{
  SsToxicSpec slicer = spec ("slicer 100");
  g_autofree char *expected = NULL;
  guint8 data[1400] = { 0, };
  Run run;

  run_init (&run, &slicer, 1, 3);
  run_push (&run, 0, data, sizeof data);
  run_idle (&run);
  g_assert_cmpuint (run.out->len, ==, 1400);
  /* halving 1,400 until ≤ 100: 16 slices of 87 or 88 */
  g_assert_cmpuint (run.writes->len, ==, 16);
  expected = g_strdup_printf ("sliced %'d bytes into %'u writes", 1400, 16);
  g_assert_cmpuint (run.notes->len, ==, 1);
  g_assert_cmpstr (run.notes->pdata[0], ==, expected);
  run_clear (&run);
}

static void
test_limit_data (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint round = 0; round < 40; round++)
    {
      SsToxicSpec limit = spec ("limit_data 10000");
      gsize len = 10000 + g_rand_int_range (rand, -3000, 20000);
      g_autoptr(GBytes) input = random_bytes (rand, len);
      const guint8 *data = g_bytes_get_data (input, NULL);
      g_autofree char *note = g_strdup_printf ("closed after %'d bytes", 10000);
      Run run;

      if (round == 0)
        len = 10000;
      run_init (&run, &limit, 1, round);
      for (gsize at = 0; at < len && !run.ended;)
        {
          gsize chunk = random_chunk (rand, len - at, 4000);

          run_push (&run, run.now + 10, data + at, chunk);
          at += chunk;
          run_now (&run);
        }
      if (len < 10000)
        {
          g_assert_false (run.ended);
          run_close (&run, run.now + 1);
          run_idle (&run);
          assert_output (&run, data, len);
          g_assert_false (run_has_note (&run, "closed after"));
        }
      else
        {
          g_assert_true (run.ended);
          assert_output (&run, data, 10000);
          g_assert_true (run_has_note (&run, note));
          /* what comes after is thrown away */
          run_push (&run, run.now + 1, data, 100);
          g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
          g_assert_false (ss_toxic_chain_next (run.chain, run.now, &(SsToxicAction) { 0, }));
        }
      g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
      run_clear (&run);
    }
}

static void
test_limit_data_zero (void)
{
  SsToxicSpec limit = spec ("limit_data 0");
  Run run;

  run_init (&run, &limit, 1, 1);
  g_assert_false (ss_toxic_chain_next (run.chain, 0, &(SsToxicAction) { 0, }));
  run_push (&run, 100, (const guint8 *) "x", 1);
  run_now (&run);
  assert_ended (&run, SS_TOXIC_ACTION_SHUTDOWN, 0);
  run_clear (&run);
}

static void
test_reset_peer (void)
{
  SsToxicSpec reset = spec ("reset_peer 250");
  g_autofree char *note = g_strdup_printf ("reset after %'d ms; %'d bytes dropped", 250, 10);
  SsToxicAction action;
  Run run;

  run_init (&run, &reset, 1, 1);
  /* the clock starts with the first data, as Toxiproxy's */
  g_assert_false (ss_toxic_chain_next (run.chain, 0, &action));
  run_push (&run, SECOND, (const guint8 *) "hello", 5);
  g_assert_true (ss_toxic_chain_next (run.chain, SECOND, &action));
  g_assert_cmpint (action.kind, ==, SS_TOXIC_ACTION_WAIT);
  g_assert_cmpint (action.until_us, ==, SECOND + 250 * MS);
  run_push (&run, SECOND + 100 * MS, (const guint8 *) "world", 5);
  run.now = SECOND + 250 * MS - 1;
  g_assert_cmpint (run_now (&run), ==, SECOND + 250 * MS);
  g_assert_false (run.ended);
  /* dropped, not held */
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
  run.now = SECOND + 250 * MS;
  run_now (&run);
  assert_ended (&run, SS_TOXIC_ACTION_RESET, 0);
  g_assert_cmpuint (run.notes->len, ==, 1);
  g_assert_cmpstr (run.notes->pdata[0], ==, note);
  run_clear (&run);

  /* 0: at once */
  reset = spec ("reset_peer 0");
  run_init (&run, &reset, 1, 1);
  run_push (&run, 7, (const guint8 *) "x", 1);
  run_now (&run);
  g_assert_true (run.ended);
  g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_RESET);
  g_assert_cmpint (run.end_at, ==, 7);
  run_clear (&run);
}

/* Latency: never before the latency (less the jitter), order kept,
 * whatever times the chain is asked at. */
static void
check_latency (const char *text,
               guint32     seed)
{
  SsToxicSpec latency = spec (text);
  gint64 lower = (latency.params[SS_TOXIC_LATENCY_MS] - latency.params[SS_TOXIC_JITTER_MS]) * MS;
  gint64 upper = (latency.params[SS_TOXIC_LATENCY_MS] + latency.params[SS_TOXIC_JITTER_MS]) * MS;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GBytes) input = random_bytes (rand, 20000);
  const guint8 *data = g_bytes_get_data (input, NULL);
  g_autofree gint64 *pushed_at = g_new (gint64, 20000);
  gint64 last_pushed = 0;
  Run run;

  run_init (&run, &latency, 1, seed);
  for (gsize at = 0; at < 20000;)
    {
      gsize chunk = random_chunk (rand, 20000 - at, 2000);
      gint64 wake;

      run_push (&run, run.now + g_rand_int_range (rand, 0, 40 * MS), data + at, chunk);
      for (gsize i = at; i < at + chunk; i++)
        pushed_at[i] = run.now;
      last_pushed = run.now;
      at += chunk;
      /* asked at odd times, sometimes at the time it names */
      wake = run_now (&run);
      if (wake != G_MAXINT64 && g_rand_boolean (rand))
        {
          run.now = wake;
          run_now (&run);
        }
    }
  run_idle (&run);

  assert_output (&run, data, 20000);
  for (guint i = 0; i < run.writes->len; i++)
    {
      Write *w = &g_array_index (run.writes, Write, i);

      for (gsize b = w->offset; b < w->offset + w->len; b++)
        g_assert_cmpint (w->at, >=, pushed_at[b] + lower);
    }
  /* and not held much longer than the most it may be */
  g_assert_cmpint (run.now, <=, last_pushed + upper);
  g_assert_true (run_has_note (&run, "held"));
  run_clear (&run);
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
  SsToxicSpec latency = spec ("latency 250");
  g_autofree char *note = g_strdup_printf ("held %'d ms", 250);
  Run run;

  run_init (&run, &latency, 1, 1);
  run_push (&run, 10, (const guint8 *) "a", 1);
  run_push (&run, 20, (const guint8 *) "b", 1);
  run_close (&run, 30);
  run_idle (&run);
  g_assert_cmpuint (run.writes->len, ==, 2);
  g_assert_cmpint (g_array_index (run.writes, Write, 0).at, ==, 10 + 250 * MS);
  g_assert_cmpint (g_array_index (run.writes, Write, 1).at, ==, 20 + 250 * MS);
  /* the close follows the data at once, as in Toxiproxy */
  g_assert_cmpint (run.end_at, ==, 20 + 250 * MS);
  g_assert_cmpstr (run.notes->pdata[0], ==, note);
  run_clear (&run);
}

/* Bandwidth: by any time t, at most rate × (t − first push) has gone,
 * and not much less when the chain is asked at the times it names. */
static void
test_bandwidth (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);

  for (guint round = 0; round < 12; round++)
    {
      SsToxicSpec bandwidth = spec (round % 2 ? "bandwidth 10" : "bandwidth 333");
      gint64 rate = bandwidth.params[SS_TOXIC_RATE_KBPS];  /* bytes per ms */
      gsize len = 1 + g_rand_int_range (rand, 0, 60000);
      g_autoptr(GBytes) input = random_bytes (rand, len);
      const guint8 *data = g_bytes_get_data (input, NULL);
      gint64 first = 1000;
      gboolean exact = round < 6;
      Run run;

      run_init (&run, &bandwidth, 1, round);
      run.now = first;
      for (gsize at = 0; at < len;)
        {
          gsize chunk = random_chunk (rand, len - at, 5000);

          run_push (&run, run.now, data + at, chunk);
          at += chunk;
        }
      while (!exact || run.out->len < len)
        {
          gint64 wake = run_now (&run);

          g_assert_cmpint ((gint64) run.out->len * MS, <=, rate * (run.now - first));
          if (wake == G_MAXINT64)
            break;
          gint64 late = wake + g_rand_int_range (rand, 0, 50 * MS);
          gint64 step = run.now + g_rand_int_range (rand, 1, 30 * MS);

          run.now = exact ? wake : MIN (late, step);
        }
      assert_output (&run, data, len);
      for (guint i = 0; i < run.writes->len; i++)
        g_assert_cmpuint (g_array_index (run.writes, Write, i).len, <=, (gsize) rate * 100);
      if (exact)
        /* rounded up at most a µs per write */
        g_assert_cmpint (run.now - first, <=, ((gint64) len * MS) / rate + run.writes->len + 1);
      run_clear (&run);
    }
}

static void
test_timeout_zero (void)
{
  SsToxicSpec timeout = spec ("timeout 0");
  Run run;

  run_init (&run, &timeout, 1, 1);
  run_push (&run, 0, (const guint8 *) "hello", 5);
  g_assert_cmpint (run_now (&run), ==, G_MAXINT64);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
  /* an hour later, still nothing, and still open */
  run_push (&run, 3600 * SECOND, (const guint8 *) "world", 5);
  g_assert_cmpint (run_now (&run), ==, G_MAXINT64);
  run.now = 24 * 3600 * SECOND;
  run_now (&run);
  g_assert_cmpuint (run.out->len, ==, 0);
  g_assert_false (run.ended);
  /* the sender's close still closes */
  run_close (&run, run.now + 1);
  run_now (&run);
  assert_ended (&run, SS_TOXIC_ACTION_SHUTDOWN, 0);
  run_clear (&run);
}

static void
test_timeout (void)
{
  SsToxicSpec timeout = spec ("timeout 5000");
  g_autofree char *note = g_strdup_printf ("timed out after %'d ms; %'d bytes dropped", 5000, 5);
  gint64 t0 = 3 * SECOND;
  Run run;

  run_init (&run, &timeout, 1, 1);
  /* counted from the first time the chain is told */
  run.now = t0;
  g_assert_cmpint (run_now (&run), ==, t0 + 5 * SECOND);
  run_push (&run, t0 + SECOND, (const guint8 *) "hello", 5);
  g_assert_cmpint (run_now (&run), ==, t0 + 5 * SECOND);
  run.now = t0 + 5 * SECOND - 1;
  run_now (&run);
  g_assert_false (run.ended);
  run.now = t0 + 5 * SECOND;
  run_now (&run);
  assert_ended (&run, SS_TOXIC_ACTION_SHUTDOWN, 0);
  g_assert_cmpstr (run.notes->pdata[0], ==, note);
  run_clear (&run);
}

static void
test_slow_close (void)
{
  SsToxicSpec slow = spec ("slow_close 1000");
  g_autofree char *note = g_strdup_printf ("close held %'d ms", 1000);
  Run run;

  run_init (&run, &slow, 1, 1);
  run_push (&run, 0, (const guint8 *) "abc", 3);
  run_close (&run, 10 * MS);
  g_assert_cmpint (run_now (&run), ==, 1010 * MS);
  assert_output (&run, (const guint8 *) "abc", 3);
  g_assert_cmpint (g_array_index (run.writes, Write, 0).at, ==, 10 * MS);
  g_assert_false (run.ended);
  run.now = 1010 * MS - 1;
  run_now (&run);
  g_assert_false (run.ended);
  run.now = 1010 * MS;
  run_now (&run);
  g_assert_true (run.ended);
  g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
  g_assert_cmpstr (run.notes->pdata[0], ==, note);
  run_clear (&run);

  /* a reset waits too */
  {
    SsToxicSpec both[] = { spec ("reset_peer 0"), spec ("slow_close 200") };

    run_init (&run, both, 2, 1);
    run_push (&run, 5, (const guint8 *) "x", 1);
    run_idle (&run);
    g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_RESET);
    g_assert_cmpint (run.end_at, ==, 5 + 200 * MS);
    run_clear (&run);
  }
}

static void
test_toxicity (void)
{
  SsToxicSpec never = spec ("latency 1000 toxicity 0");
  SsToxicSpec always = spec ("latency 1000 toxicity 1");
  SsToxicSpec half = spec ("latency 1000 toxicity 0.5");
  guint got = 0;
  Run run;

  run_init (&run, &never, 1, 1);
  g_assert_false (ss_toxic_chain_is_active (run.chain, 0));
  run_push (&run, 0, (const guint8 *) "x", 1);
  run_now (&run);
  g_assert_cmpuint (run.out->len, ==, 1);
  run_clear (&run);

  run_init (&run, &always, 1, 1);
  g_assert_true (ss_toxic_chain_is_active (run.chain, 0));
  run_push (&run, 0, (const guint8 *) "x", 1);
  run_now (&run);
  g_assert_cmpuint (run.out->len, ==, 0);
  run_clear (&run);

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
  Run run;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = i;

  /* each fault acts on what the one before passed */
  {
    SsToxicSpec chain[] = { spec ("latency 100"), spec ("slicer 10"), spec ("limit_data 55") };
    g_autofree char *held = g_strdup_printf ("held %'d ms", 100);

    run_init (&run, chain, G_N_ELEMENTS (chain), 1);
    run_push (&run, 0, data, sizeof data);
    run_idle (&run);
    assert_output (&run, data, 55);
    for (guint i = 0; i < run.writes->len; i++)
      {
        g_assert_cmpuint (g_array_index (run.writes, Write, i).len, <=, 10);
        g_assert_cmpint (g_array_index (run.writes, Write, i).at, >=, 100 * MS);
      }
    g_assert_true (run.ended);
    g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
    g_assert_true (run_has_note (&run, held));
    g_assert_true (run_has_note (&run, "closed after"));
    run_clear (&run);
  }

  /* the close limit_data makes waits behind the data in the latency after it */
  {
    SsToxicSpec chain[] = { spec ("limit_data 20"), spec ("latency 100") };

    run_init (&run, chain, G_N_ELEMENTS (chain), 1);
    run_push (&run, 0, data, sizeof data);
    run_idle (&run);
    assert_output (&run, data, 20);
    g_assert_cmpint (run.end_at, ==, 100 * MS);
    run_clear (&run);
  }

  /* slices of a chunk held by latency say both */
  {
    SsToxicSpec chain[] = { spec ("slicer 30"), spec ("latency 50") };
    g_autofree char *sliced = g_strdup_printf ("sliced %'d bytes into %'u writes; held %'d ms", 100, 4, 50);

    run_init (&run, chain, G_N_ELEMENTS (chain), 1);
    run_push (&run, 0, data, sizeof data);
    run_idle (&run);
    assert_output (&run, data, sizeof data);
    g_assert_cmpuint (run.writes->len, ==, 4);
    g_assert_true (run_has_note (&run, sliced));
    run_clear (&run);
  }

  /* timeout after latency: what latency held is dropped too */
  {
    SsToxicSpec chain[] = { spec ("latency 10"), spec ("timeout 0") };

    run_init (&run, chain, G_N_ELEMENTS (chain), 1);
    run_push (&run, 0, data, sizeof data);
    g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, sizeof data);
    run_idle (&run);
    g_assert_cmpuint (run.out->len, ==, 0);
    g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
    g_assert_false (run.ended);
    run_clear (&run);
  }
}

/* Held bytes are pending until written: the relay's backpressure. */
static void
test_pending (void)
{
  SsToxicSpec chain[] = { spec ("latency 100"), spec ("bandwidth 1000") };
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GBytes) input = random_bytes (rand, 1 << 20);
  const guint8 *data = g_bytes_get_data (input, NULL);
  Run run;

  run_init (&run, chain, G_N_ELEMENTS (chain), 1);
  for (gsize at = 0; at < (1 << 20); at += 65536)
    run_push (&run, 0, data + at, 65536);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 1 << 20);
  run.now = 100 * MS + 300 * MS;
  run_now (&run);
  /* 300 ms at 1,000 KB/s */
  g_assert_cmpuint (run.out->len, <=, 300000);
  g_assert_cmpuint (run.out->len, >=, 200000);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, (1 << 20) - run.out->len);
  run_idle (&run);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 0);
  assert_output (&run, data, 1 << 20);
  run_clear (&run);
}

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
      specs[i] = spec (text);
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
  round->input = random_bytes (rand, round->len);
  round->data = g_bytes_get_data (round->input, NULL);
  round->seed = g_rand_int (rand);
  g_test_message ("round %u, %zu bytes:", index, round->len);
  round->n_specs = random_chain (rand, round->specs, &round->limit);
}

/* All of the input up to the least limit came out, then the close. */
static void
assert_round_output (Round *round,
                     Run   *run)
{
  assert_output (run, round->data, MIN (round->len, round->limit));
  g_assert_true (run->ended);
  g_assert_cmpint (run->end, ==, SS_TOXIC_ACTION_SHUTDOWN);
}

/* Pushes @input cut at random, at random times, and asks at random
 * times (or, @exact, at the times the chain names). */
static void
run_cut (Run          *run,
         GRand        *cuts,
         const guint8 *data,
         gsize         len,
         gboolean      exact)
{
  for (gsize at = 0; at < len;)
    {
      gsize chunk = random_chunk (cuts, len - at, 8000);
      gint64 wake;

      run_push (run, run->now + g_rand_int_range (cuts, 0, 20 * MS), data + at, chunk);
      at += chunk;
      wake = run_now (run);
      if (wake != G_MAXINT64 && (exact || g_rand_boolean (cuts)))
        {
          run->now = exact ? wake : wake + g_rand_int_range (cuts, 0, 5 * MS);
          run_now (run);
        }
    }
  if (!run->ended)
    run_close (run, run->now);
  run_idle (run);
}

static void
test_chunking_property (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2024);

  for (guint round = 0; round < 60; round++)
    {
      Round r;
      Run whole, cut;

      round_init (&r, rand, round, 40000);

      /* one push, asked only when the chain says */
      run_init (&whole, r.specs, r.n_specs, r.seed);
      run_push (&whole, 0, r.data, r.len);
      run_close (&whole, 0);
      run_idle (&whole);

      /* many pushes, asked at odd times */
      {
        g_autoptr(GRand) cuts = g_rand_new_with_seed (round);

        run_init (&cut, r.specs, r.n_specs, r.seed);
        run_cut (&cut, cuts, r.data, r.len, FALSE);
      }

      assert_round_output (&r, &whole);
      assert_round_output (&r, &cut);
      run_clear (&whole);
      run_clear (&cut);
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
      Run a, b;

      round_init (&r, rand, round, 30000);
      run_init (&a, r.specs, r.n_specs, r.seed);
      run_init (&b, r.specs, r.n_specs, r.seed);

      /* the same pushes at the same times; b is asked in between too */
      for (gsize at = 0; at < r.len;)
        {
          gsize chunk = random_chunk (cuts_a, r.len - at, 8000);
          gint64 next_push = a.now + g_rand_int_range (cuts_a, 0, 20 * MS);
          gint64 wake_b;

          /* each runs its waits up to the next push */
          run_until (&a, next_push);
          while ((wake_b = run_now (&b)) <= next_push)
            b.now = poll_time (cuts_b, b.now, wake_b);
          if (a.ended)
            break;
          run_push (&a, next_push, r.data + at, chunk);
          run_push (&b, next_push, r.data + at, chunk);
          at += chunk;
        }
      if (!a.ended)
        {
          run_close (&a, a.now);
          run_close (&b, b.now);
        }
      run_idle (&a);
      while (!b.ended)
        {
          gint64 wake = run_now (&b);

          if (wake == G_MAXINT64)
            break;
          b.now = poll_time (cuts_b, b.now, wake);
        }

      assert_round_output (&r, &a);
      assert_round_output (&r, &b);
      g_assert_cmpuint (a.writes->len, ==, b.writes->len);
      for (guint i = 0; i < a.writes->len; i++)
        {
          Write *wa = &g_array_index (a.writes, Write, i);
          Write *wb = &g_array_index (b.writes, Write, i);

          g_assert_cmpuint (wa->len, ==, wb->len);
          g_assert_cmpint (wa->at, ==, wb->at);
        }
      g_assert_cmpint (a.end_at, ==, b.end_at);
      run_clear (&a);
      run_clear (&b);
      g_bytes_unref (r.input);
    }
}

/* Faults changed while a pair runs: what was held goes on through the
 * new faults, none of it lost, repeated or reordered. */
static void
test_update (void)
{
  SsToxicSpec latency = spec ("latency 1000");
  SsToxicSpec slicer = spec ("slicer 10 delay 1000");
  Run run;

  /* removed: what latency held goes at once */
  run_init (&run, &latency, 1, 1);
  run_push (&run, 0, (const guint8 *) "abc", 3);
  g_assert_cmpint (run_now (&run), ==, SECOND);
  g_assert_true (ss_toxic_chain_is_active (run.chain, 0));
  run.now = 100 * MS;
  ss_toxic_chain_update (run.chain, NULL, 0, NULL);
  g_assert_cmpuint (ss_toxic_chain_get_pending (run.chain), ==, 3);
  g_assert_cmpint (run_now (&run), ==, G_MAXINT64);
  assert_output (&run, (const guint8 *) "abc", 3);
  g_assert_cmpint (g_array_index (run.writes, Write, 0).at, ==, 100 * MS);

  /* added: what comes next waits */
  ss_toxic_chain_update (run.chain, &latency, 1, NULL);
  run_push (&run, 200 * MS, (const guint8 *) "d", 1);
  g_assert_cmpint (run_now (&run), ==, 1200 * MS);
  run_clear (&run);

  /* in the middle of a chunk's slices: the rest goes on whole */
  run_init (&run, &slicer, 1, 1);
  run_push (&run, 0, (const guint8 *) "0123456789abcdefghijklmnopqrstuvwxyz", 36);
  g_assert_cmpint (run_now (&run), ==, 1 * MS);
  g_assert_cmpuint (run.out->len, >, 0);
  g_assert_cmpuint (run.out->len, <=, 10);
  ss_toxic_chain_update (run.chain, NULL, 0, NULL);
  run_now (&run);
  assert_output (&run, (const guint8 *) "0123456789abcdefghijklmnopqrstuvwxyz", 36);
  g_assert_cmpuint (run.writes->len, ==, 2);
  run_clear (&run);

  /* in the middle of a chunk bandwidth paces */
  {
    SsToxicSpec bandwidth = spec ("bandwidth 1");
    g_autoptr(GRand) rand = g_rand_new_with_seed (9);
    g_autoptr(GBytes) input = random_bytes (rand, 250);

    run_init (&run, &bandwidth, 1, 1);
    run_push (&run, 0, g_bytes_get_data (input, NULL), 250);
    run_until (&run, 150 * MS);
    g_assert_cmpuint (run.out->len, ==, 100);
    ss_toxic_chain_update (run.chain, NULL, 0, NULL);
    run_now (&run);
    assert_output (&run, g_bytes_get_data (input, NULL), 250);
    g_assert_cmpuint (run.writes->len, ==, 2);
    run_clear (&run);
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
      Run run;

      round_init (&r, rand, round, 30000);
      g_test_message ("then:");
      n_b = random_chain (rand, specs_b, &limit_b);
      run_init (&run, r.specs, r.n_specs, r.seed);

      for (gsize at = 0; at < r.len && !run.ended;)
        {
          gsize chunk = random_chunk (cuts, r.len - at, 4000);
          gsize pending;

          run_until (&run, run.now + g_rand_int_range (cuts, 0, 20 * MS));
          run_push (&run, run.now, r.data + at, chunk);
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
        run_close (&run, run.now);
      run_idle (&run);

      /* limits count again after an update: some prefix, whole without them */
      g_assert_cmpuint (run.out->len, <=, r.len);
      assert_output (&run, r.data, run.out->len);
      if (r.limit == G_MAXSIZE && limit_b == G_MAXSIZE)
        g_assert_cmpuint (run.out->len, ==, r.len);
      g_assert_true (run.ended);
      g_assert_cmpint (run.end, ==, SS_TOXIC_ACTION_SHUTDOWN);
      run_clear (&run);
      g_bytes_unref (r.input);
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
  g_test_add_func ("/toxic-chain/chunking-property", test_chunking_property);
  g_test_add_func ("/toxic-chain/polling-property", test_polling_property);
  g_test_add_func ("/toxic-chain/update", test_update);
  g_test_add_func ("/toxic-chain/update-property", test_update_property);

  return g_test_run ();
}
