/* test-toxics-panel.c — the relay's faults panel in a window of its own:
 * adding from the menus, editing settings and toxicity, reordering,
 * removing, what "changed" says, and that what it says makes a chain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>

#include "ss-test-window.h"
#include "ss-toxic-chain.h"
#include "ss-toxic-row.h"
#include "ss-toxics-panel.h"

typedef struct
{
  guint   n_signals;
  guint   direction;
  GArray *specs;
} Changes;

static void
changed_cb (SsToxicsPanel *panel,
            guint          direction,
            GArray        *specs,
            Changes       *changes)
{
  changes->n_signals++;
  changes->direction = direction;
  g_clear_pointer (&changes->specs, g_array_unref);
  changes->specs = g_array_ref (specs);
}

static gboolean
widget_allocated (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static GtkWindow *
show_in_window (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  /* as a side panel shows it: as wide as it is given, no wider */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), child);
  gtk_window_set_default_size (window, 420, 760);
  gtk_window_set_child (window, scrolled);
  gtk_window_present (window);
  ss_test_wait_until (widget_allocated, child, SS_TEST_TIMEOUT_MS);
  return window;
}

/* To look at it: SS_TEST_TOXICS_PNG=/tmp/toxics.png */
static void
save_png (GtkWindow *window)
{
  const char *path = g_getenv ("SS_TEST_TOXICS_PNG");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width, height;

  if (path == NULL)
    return;
  ss_test_iterate_for (100);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static GtkListBox *
list_of (SsToxicsPanel    *panel,
         SsToxicDirection  direction)
{
  return ss_test_template_child (panel, SS_TYPE_TOXICS_PANEL,
                                 direction == SS_TOXIC_UPSTREAM ? "upstream_list" : "downstream_list");
}

static SsToxicRow *
row_at (SsToxicsPanel    *panel,
        SsToxicDirection  direction,
        int               index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list_of (panel, direction), index);

  g_assert_nonnull (row);
  return SS_TOXIC_ROW (row);
}

static gpointer
row_child (SsToxicRow *row,
           const char *name)
{
  return ss_test_template_child (row, SS_TYPE_TOXIC_ROW, name);
}

static GtkSpinButton *
param_spin (SsToxicRow *row,
            guint       param)
{
  g_autofree char *name = g_strdup_printf ("param_spin_%u", param);

  return row_child (row, name);
}

/* The faults of @direction, as their text forms joined by " | ". */
static char *
specs_text (GArray *specs)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < specs->len; i++)
    g_ptr_array_add (texts, ss_toxic_spec_to_string (&g_array_index (specs, SsToxicSpec, i)));
  g_ptr_array_add (texts, NULL);
  return g_strjoinv (" | ", (char **) texts->pdata);
}

static void
assert_specs (SsToxicsPanel    *panel,
              SsToxicDirection  direction,
              Changes          *changes,
              const char       *expected)
{
  g_autoptr(GArray) specs = ss_toxics_panel_get_specs (panel, direction);
  g_autofree char *shown = specs_text (specs);
  g_autofree char *said = specs_text (changes->specs);

  g_assert_cmpstr (shown, ==, expected);
  /* and "changed" said the same, for that direction */
  g_assert_cmpuint (changes->direction, ==, direction);
  g_assert_cmpstr (said, ==, expected);
}

static void
add (SsToxicsPanel    *panel,
     SsToxicDirection  direction,
     SsToxicKind       kind)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "toxics.add", "(uu)",
                                             (guint32) direction, (guint32) kind));
}

static void
test_add_edit (void)
{
  Changes changes = { 0, };
  GtkWidget *panel = ss_toxics_panel_new ();
  SsToxicsPanel *self = SS_TOXICS_PANEL (panel);
  GtkWindow *window;
  GtkMenuButton *add_button;
  GMenuModel *menu;
  SsToxicRow *row;
  GtkWidget *focus;

  g_signal_connect (panel, "changed", G_CALLBACK (changed_cb), &changes);
  window = show_in_window (panel);

  /* empty: each list says so */
  for (SsToxicDirection d = 0; d < SS_N_TOXIC_DIRECTIONS; d++)
    {
      g_autoptr(GArray) specs = ss_toxics_panel_get_specs (self, d);

      g_assert_cmpuint (specs->len, ==, 0);
      g_assert_null (gtk_list_box_get_row_at_index (list_of (self, d), 0));
    }
  ss_test_wait_label_shown (panel, "dim-label", "No faults: the client's bytes pass as they come");
  ss_test_wait_label_shown (panel, "dim-label", "No faults: the server's bytes pass as they come");

  /* the Add Fault menus offer every fault, by the panel's action */
  add_button = ss_test_template_child (panel, SS_TYPE_TOXICS_PANEL, "downstream_add_button");
  menu = gtk_menu_button_get_menu_model (add_button);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, SS_N_TOXIC_KINDS);
  for (int i = 0; i < SS_N_TOXIC_KINDS; i++)
    {
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;
      g_autoptr(GVariant) target = NULL;
      guint32 direction, kind;

      g_assert_true (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label));
      g_assert_cmpstr (label, ==, ss_toxic_kind_title (i));
      g_assert_true (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action));
      g_assert_cmpstr (action, ==, "toxics.add");
      target = g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE ("(uu)"));
      g_variant_get (target, "(uu)", &direction, &kind);
      g_assert_cmpuint (direction, ==, SS_TOXIC_DOWNSTREAM);
      g_assert_cmpuint (kind, ==, i);
    }

  /* Add: a fault that acts, the cursor in its first setting */
  add (self, SS_TOXIC_DOWNSTREAM, SS_TOXIC_LATENCY);
  g_assert_cmpuint (changes.n_signals, ==, 1);
  assert_specs (self, SS_TOXIC_DOWNSTREAM, &changes, "latency 100");
  row = row_at (self, SS_TOXIC_DOWNSTREAM, 0);
  ss_test_wait_until (ss_test_widget_mapped, row, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (gtk_label_get_text (row_child (row, "title_label")), ==, "Latency");
  g_assert_cmpstr (gtk_label_get_text (row_child (row, "summary_label")), ==, "Latency 100 ms");
  g_assert_cmpstr (gtk_label_get_text (row_child (row, "param_label_0")), ==, "Latency (ms)");
  g_assert_cmpstr (gtk_label_get_text (row_child (row, "param_label_1")), ==, "Jitter (ms)");
  g_assert_true (gtk_widget_get_visible (row_child (row, "param_spin_1")));
  g_assert_false (gtk_widget_get_visible (row_child (row, "param_spin_2")));
  g_assert_false (gtk_widget_get_visible (row_child (row, "param_label_2")));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (param_spin (row, 0))));
  /* the other direction is untouched */
  g_assert_null (gtk_list_box_get_row_at_index (list_of (self, SS_TOXIC_UPSTREAM), 0));

  /* edit the settings and the toxicity as a person does */
  gtk_spin_button_set_value (param_spin (row, 0), 250);
  g_assert_cmpuint (changes.n_signals, ==, 2);
  gtk_spin_button_set_value (param_spin (row, 1), 50);
  gtk_spin_button_set_value (row_child (row, "toxicity_spin"), 50);
  g_assert_cmpuint (changes.n_signals, ==, 4);
  assert_specs (self, SS_TOXIC_DOWNSTREAM, &changes, "latency 250 jitter 50 toxicity 0.5");
  g_assert_cmpstr (gtk_label_get_text (row_child (row, "summary_label")), ==,
                   "Latency 250 ms ± 50 ms, for 50% of pairs");
  /* the same value again is no change */
  gtk_spin_button_set_value (param_spin (row, 0), 250);
  g_assert_cmpuint (changes.n_signals, ==, 4);
  /* a spin button keeps to the fault's range */
  gtk_spin_button_set_value (param_spin (row, 0), 1e12);
  assert_specs (self, SS_TOXIC_DOWNSTREAM, &changes, "latency 86400000 jitter 50 toxicity 0.5");

  /* a slicer shows three settings */
  add (self, SS_TOXIC_DOWNSTREAM, SS_TOXIC_SLICER);
  row = row_at (self, SS_TOXIC_DOWNSTREAM, 1);
  g_assert_true (gtk_widget_get_visible (row_child (row, "param_spin_2")));
  g_assert_cmpstr (gtk_label_get_text (row_child (row, "param_label_2")), ==, "Delay between slices (µs)");
  assert_specs (self, SS_TOXIC_DOWNSTREAM, &changes,
                "latency 86400000 jitter 50 toxicity 0.5 | slicer 64");

  save_png (window);

  /* every control says what it is for */
  {
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

    ss_test_collect_widgets (panel, ss_test_is_button, NULL, buttons);
    g_assert_cmpuint (buttons->len, >=, 2 + 2 * 3);
    for (guint i = 0; i < buttons->len; i++)
      {
        GtkWidget *button = buttons->pdata[i];

        /* the inner toggle of a menu button has its parent's, and a
         * spin button's own +/- are GTK's */
        if (GTK_IS_MENU_BUTTON (gtk_widget_get_parent (button)) ||
            gtk_widget_get_ancestor (button, GTK_TYPE_SPIN_BUTTON) != NULL)
          continue;
        if (gtk_widget_get_tooltip_text (button) == NULL)
          g_error ("a %s has no tooltip", G_OBJECT_TYPE_NAME (button));
      }
  }
  for (guint i = 0; i < 3; i++)
    g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (param_spin (row, i))));

  g_clear_pointer (&changes.specs, g_array_unref);
  gtk_window_destroy (window);
}

static void
test_order_remove (void)
{
  Changes changes = { 0, };
  GtkWidget *panel = ss_toxics_panel_new ();
  SsToxicsPanel *self = SS_TOXICS_PANEL (panel);
  GtkWindow *window;
  SsToxicRow *first, *last;

  g_signal_connect (panel, "changed", G_CALLBACK (changed_cb), &changes);
  window = show_in_window (panel);

  add (self, SS_TOXIC_UPSTREAM, SS_TOXIC_SLICER);
  add (self, SS_TOXIC_UPSTREAM, SS_TOXIC_LATENCY);
  add (self, SS_TOXIC_UPSTREAM, SS_TOXIC_LIMIT_DATA);
  assert_specs (self, SS_TOXIC_UPSTREAM, &changes, "slicer 64 | latency 100 | limit_data 10000");

  /* the ends cannot move further */
  first = row_at (self, SS_TOXIC_UPSTREAM, 0);
  last = row_at (self, SS_TOXIC_UPSTREAM, 2);
  g_assert_false (gtk_widget_get_sensitive (row_child (first, "up_button")));
  g_assert_true (gtk_widget_get_sensitive (row_child (first, "down_button")));
  g_assert_true (gtk_widget_get_sensitive (row_child (last, "up_button")));
  g_assert_false (gtk_widget_get_sensitive (row_child (last, "down_button")));

  /* limit_data first: it acts before the others */
  g_signal_emit_by_name (row_child (last, "up_button"), "clicked");
  g_signal_emit_by_name (row_child (last, "up_button"), "clicked");
  assert_specs (self, SS_TOXIC_UPSTREAM, &changes, "limit_data 10000 | slicer 64 | latency 100");
  g_assert_true (row_at (self, SS_TOXIC_UPSTREAM, 0) == last);
  g_assert_false (gtk_widget_get_sensitive (row_child (last, "up_button")));
  g_assert_true (gtk_widget_get_sensitive (row_child (first, "up_button")));

  /* remove the middle one */
  g_signal_emit_by_name (row_child (first, "remove_button"), "clicked");
  assert_specs (self, SS_TOXIC_UPSTREAM, &changes, "limit_data 10000 | latency 100");
  g_signal_emit_by_name (row_child (row_at (self, SS_TOXIC_UPSTREAM, 1), "remove_button"), "clicked");
  g_signal_emit_by_name (row_child (row_at (self, SS_TOXIC_UPSTREAM, 0), "remove_button"), "clicked");
  assert_specs (self, SS_TOXIC_UPSTREAM, &changes, "");
  /* the keyboard is left on the Add button, not lost */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         ss_test_template_child (panel, SS_TYPE_TOXICS_PANEL,
                                                                 "upstream_add_button")));

  g_clear_pointer (&changes.specs, g_array_unref);
  gtk_window_destroy (window);
}

/* Faults kept elsewhere are shown without a "changed"; what the panel
 * then says makes the chain a relay makes. */
static void
test_set_specs_chain (void)
{
  Changes changes = { 0, };
  GtkWidget *panel = ss_toxics_panel_new ();
  SsToxicsPanel *self = SS_TOXICS_PANEL (panel);
  SsToxicSpec specs[2];
  g_autoptr(GArray) got = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(SsToxicChain) chain = NULL;
  SsToxicAction action;
  GtkWindow *window;

  g_assert_true (ss_toxic_spec_parse ("latency 250 jitter 0", &specs[0], NULL));
  g_assert_true (ss_toxic_spec_parse ("slow_close 1000 toxicity 0.25", &specs[1], NULL));
  g_signal_connect (panel, "changed", G_CALLBACK (changed_cb), &changes);
  window = show_in_window (panel);

  ss_toxics_panel_set_specs (self, SS_TOXIC_UPSTREAM, specs, 2);
  g_assert_cmpuint (changes.n_signals, ==, 0);
  got = ss_toxics_panel_get_specs (self, SS_TOXIC_UPSTREAM);
  g_assert_cmpuint (got->len, ==, 2);
  g_assert_true (ss_toxic_spec_equal (&g_array_index (got, SsToxicSpec, 0), &specs[0]));
  g_assert_true (ss_toxic_spec_equal (&g_array_index (got, SsToxicSpec, 1), &specs[1]));
  {
    g_autofree char *expected = g_strdup_printf ("Close delayed %'d ms, for 25%% of pairs", 1000);

    g_assert_cmpstr (gtk_label_get_text (row_child (row_at (self, SS_TOXIC_UPSTREAM, 1), "summary_label")),
                     ==, expected);
  }

  /* set again: replaced, not added to */
  ss_toxics_panel_set_specs (self, SS_TOXIC_UPSTREAM, specs, 1);
  g_clear_pointer (&got, g_array_unref);
  got = ss_toxics_panel_get_specs (self, SS_TOXIC_UPSTREAM);
  g_assert_cmpuint (got->len, ==, 1);

  chain = ss_toxic_chain_new ((const SsToxicSpec *) got->data, got->len, rand);
  ss_toxic_chain_push (chain, 0, (const guint8 *) "ping", 4);
  g_assert_true (ss_toxic_chain_next (chain, 0, &action));
  g_assert_cmpint (action.kind, ==, SS_TOXIC_ACTION_WAIT);
  g_assert_cmpint (action.until_us, ==, 250 * 1000);
  g_assert_true (ss_toxic_chain_next (chain, 250 * 1000, &action));
  g_assert_cmpint (action.kind, ==, SS_TOXIC_ACTION_WRITE);
  g_assert_cmpmem (g_bytes_get_data (action.bytes, NULL), g_bytes_get_size (action.bytes), "ping", 4);
  ss_toxic_action_clear (&action);

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);

  g_test_add_func ("/toxics-panel/add-edit", test_add_edit);
  g_test_add_func ("/toxics-panel/order-remove", test_order_remove);
  g_test_add_func ("/toxics-panel/set-specs-chain", test_set_specs_chain);

  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
