/* test-throttled-model.c — the views' list: appends in batches, the rest at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <gio/gio.h>

#include "ss-test-util.h"
#include "ss-throttled-model.h"

#define BURST 8
/* one append a quarter of an hour: nothing past the burst shows by
 * itself while a test runs, however slow the machine */
#define SLOW_RATE (1 / 900.0)

/* The copy is the model, and what is shown is the start of the store. */
static void
assert_mirrors (SsTestMirror *mirror,
                GListStore   *store)
{
  guint n = g_list_model_get_n_items (mirror->model);

  ss_test_mirror_check (mirror);
  g_assert_cmpuint (n, <=, g_list_model_get_n_items (G_LIST_MODEL (store)));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) shown = g_list_model_get_item (mirror->model, i);
      g_autoptr(GObject) stored = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_assert_true (shown == stored);
    }
  g_assert_null (g_list_model_get_item (mirror->model, n));
}

static void
append (GListStore *store)
{
  g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);

  g_list_store_append (store, item);
}

static gboolean
shows_all (gpointer user_data)
{
  GListModel **models = user_data;

  return g_list_model_get_n_items (models[0]) == g_list_model_get_n_items (models[1]);
}

static void
test_appends (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(SsThrottledModel) model = NULL;
  SsTestMirror mirror;
  guint signals_before;

  append (store);
  model = ss_throttled_model_new_full (g_object_ref (G_LIST_MODEL (store)), SLOW_RATE, BURST);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == G_TYPE_OBJECT);
  /* what the store had is shown from the start */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  ss_test_mirror_init (&mirror, model);

  /* a burst shows at once, change by change */
  for (guint i = 0; i < BURST; i++)
    {
      append (store);
      g_assert_cmpuint (mirror.n_signals, ==, i + 1);
      assert_mirrors (&mirror, store);
    }
  g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==, BURST + 1);

  /* past it, a flood waits */
  for (guint i = 0; i < 1000; i++)
    append (store);
  g_assert_cmpuint (mirror.n_signals, ==, BURST);
  g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==, BURST + 1);
  assert_mirrors (&mirror, store);

  /* and comes in one change */
  ss_throttled_model_flush (model);
  g_assert_cmpuint (mirror.n_signals, ==, BURST + 1);
  g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==, BURST + 1001);
  assert_mirrors (&mirror, store);
  signals_before = mirror.n_signals;
  ss_throttled_model_flush (model);
  g_assert_cmpuint (mirror.n_signals, ==, signals_before);

  ss_test_mirror_clear (&mirror);
}

/* At the default rate, what waits shows by itself, all of it. */
static void
test_appends_show (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(SsThrottledModel) model = ss_throttled_model_new (g_object_ref (G_LIST_MODEL (store)));
  GListModel *models[2] = { G_LIST_MODEL (model), G_LIST_MODEL (store) };
  SsTestMirror mirror;

  ss_test_mirror_init (&mirror, model);
  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < 1000; i++)
        append (store);
      ss_test_wait_until (shows_all, models, SS_TEST_TIMEOUT_MS);
      assert_mirrors (&mirror, store);
    }
  ss_test_mirror_clear (&mirror);
}

/* After a change of a flood's size, the next one waits longer than the
 * rate alone makes it (here half an hour), though tokens are left. */
static void
test_flood_pauses (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(SsThrottledModel) model = NULL;
  GListModel *models[2];
  SsTestMirror mirror;

  /* past the first rows, which show in steps of their own */
  for (guint i = 0; i < 300; i++)
    append (store);
  model = ss_throttled_model_new_full (g_object_ref (G_LIST_MODEL (store)), SLOW_RATE, BURST);
  models[0] = G_LIST_MODEL (model);
  models[1] = G_LIST_MODEL (store);
  ss_test_mirror_init (&mirror, model);

  /* a small change shows, as it did before any flood */
  append (store);
  ss_test_wait_until (shows_all, models, SS_TEST_TIMEOUT_MS);
  /* the flood shows in one change */
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < 1000; i++)
      g_ptr_array_add (items, g_object_new (G_TYPE_OBJECT, NULL));
    g_list_store_splice (store, 301, 0, items->pdata, items->len);
  }
  ss_test_wait_until (shows_all, models, SS_TEST_TIMEOUT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (models[0]), ==, 1301);
  assert_mirrors (&mirror, store);

  /* the next waits, with BURST - 2 tokens left */
  append (store);
  ss_test_iterate_for (100);
  g_assert_cmpuint (g_list_model_get_n_items (models[0]), ==, 1301);
  ss_throttled_model_flush (model);
  g_assert_cmpuint (g_list_model_get_n_items (models[0]), ==, 1302);
  assert_mirrors (&mirror, store);
  ss_test_mirror_clear (&mirror);
}

static void
count_added_cb (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                guint      *max_added_while_filling)
{
  /* the rows GTK makes at once: those of the first 200 items */
  if (position < 200)
    *max_added_while_filling = MAX (*max_added_while_filling, added);
}

/* A flood into an empty list shows its first rows a few at a time, so a
 * view never makes its 200 row widgets in one go; a flush shows all. */
static void
test_first_rows_in_steps (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(SsThrottledModel) model = ss_throttled_model_new (g_object_ref (G_LIST_MODEL (store)));
  GListModel *models[2] = { G_LIST_MODEL (model), G_LIST_MODEL (store) };
  guint max_added = 0;
  SsTestMirror mirror;

  ss_test_mirror_init (&mirror, model);
  g_signal_connect (model, "items-changed", G_CALLBACK (count_added_cb), &max_added);
  for (guint i = 0; i < 1000; i++)
    append (store);
  g_assert_cmpuint (g_list_model_get_n_items (mirror.model), <=, 32);
  ss_test_wait_until (shows_all, models, SS_TEST_TIMEOUT_MS);
  assert_mirrors (&mirror, store);
  g_assert_cmpuint (max_added, >, 0);
  g_assert_cmpuint (max_added, <=, 32);

  /* a hundred at once wait for the main loop: the rows they bring are
   * not the work of whoever added them */
  {
    GObject *items[100];
    guint shown = g_list_model_get_n_items (mirror.model);

    for (guint i = 0; i < G_N_ELEMENTS (items); i++)
      items[i] = g_object_new (G_TYPE_OBJECT, NULL);
    g_list_store_splice (store, 1000, 0, (gpointer *) items, G_N_ELEMENTS (items));
    g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==, shown);
    for (guint i = 0; i < G_N_ELEMENTS (items); i++)
      g_object_unref (items[i]);
    ss_test_wait_until (shows_all, models, SS_TEST_TIMEOUT_MS);
    assert_mirrors (&mirror, store);
  }

  /* cleared, filled again, and flushed: all at once, for a selection */
  g_list_store_remove_all (store);
  for (guint i = 0; i < 1000; i++)
    append (store);
  ss_throttled_model_flush (model);
  g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==, 1000);
  assert_mirrors (&mirror, store);
  g_signal_handlers_disconnect_by_func (model, count_added_cb, &max_added);
  ss_test_mirror_clear (&mirror);
}

/* Removals and changes within what is shown show at once, whatever waits
 * behind them; one reaching into what waits cuts what is shown where its
 * new rows end. */
static void
test_other_changes (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(SsThrottledModel) model = ss_throttled_model_new_full (g_object_ref (G_LIST_MODEL (store)),
                                                                   SLOW_RATE, BURST);
  SsTestMirror mirror;
  guint shown;

  ss_test_mirror_init (&mirror, model);
  /* spend the burst, then keep some waiting */
  for (guint i = 0; i < BURST + 20; i++)
    append (store);
  shown = g_list_model_get_n_items (mirror.model);
  g_assert_cmpuint (shown, ==, BURST);

  /* the first row removed: gone from the view at once */
  g_list_store_remove (store, 0);
  g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==, shown - 1);
  assert_mirrors (&mirror, store);

  /* a row replaced within what is shown */
  {
    g_autoptr(GObject) other = g_object_new (G_TYPE_OBJECT, NULL);

    g_list_store_splice (store, 1, 1, (gpointer *) &other, 1);
    assert_mirrors (&mirror, store);
  }

  /* a removal from the last shown row into what waits */
  shown = g_list_model_get_n_items (mirror.model);
  g_list_store_splice (store, shown - 1, 5, NULL, 0);
  g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==, shown - 1);
  assert_mirrors (&mirror, store);

  /* rows replaced in place from what is shown into what waits (a call
   * log's growing rows): what is shown keeps its length */
  {
    GObject *others[4];

    for (guint i = 0; i < G_N_ELEMENTS (others); i++)
      others[i] = g_object_new (G_TYPE_OBJECT, NULL);
    shown = g_list_model_get_n_items (mirror.model);
    g_list_store_splice (store, shown - 2, 4, (gpointer *) others, 4);
    g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==, shown);
    assert_mirrors (&mirror, store);
    for (guint i = 0; i < G_N_ELEMENTS (others); i++)
      g_object_unref (others[i]);
  }

  ss_throttled_model_flush (model);
  g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (store)));
  assert_mirrors (&mirror, store);

  /* cleared: at once */
  g_list_store_remove_all (store);
  g_assert_cmpuint (g_list_model_get_n_items (mirror.model), ==, 0);
  assert_mirrors (&mirror, store);

  ss_test_mirror_clear (&mirror);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/throttled-model/appends", test_appends);
  g_test_add_func ("/throttled-model/appends-show", test_appends_show);
  g_test_add_func ("/throttled-model/flood-pauses", test_flood_pauses);
  g_test_add_func ("/throttled-model/other-changes", test_other_changes);
  g_test_add_func ("/throttled-model/first-rows-in-steps", test_first_rows_in_steps);

  return g_test_run ();
}
