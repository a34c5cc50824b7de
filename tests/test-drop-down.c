/* test-drop-down.c — SsDropDown: what it shows, what it selects, and that
 * its list is made only when it first opens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include "config.h"

#include "ss-drop-down.h"
#include "ss-test-util.h"

static const char *const numbers[] = { "one", "two", "three", NULL };

typedef struct
{
  GtkWindow  *window;
  SsDropDown *dropdown;
  guint       n_selected_notes;
} Fixture;

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          Fixture    *f)
{
  f->n_selected_notes++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  f->dropdown = SS_DROP_DOWN (ss_drop_down_new_from_strings (numbers));
  gtk_window_set_child (f->window, GTK_WIDGET (f->dropdown));
  g_signal_connect (f->dropdown, "notify::selected", G_CALLBACK (count_cb), f);
  gtk_window_present (f->window);
  ss_test_wait_until ((SsTestCondition) gtk_widget_get_mapped, f->dropdown, 5000);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  ss_test_iterate_for (10);
}

/* The text a person reads on the closed dropdown */
static const char *
shown_text (SsDropDown *dropdown)
{
  GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (dropdown));
  GtkWidget *box = gtk_button_get_child (GTK_BUTTON (button));

  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (box)));
}

static GtkWidget *
popover_of (SsDropDown *dropdown)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (dropdown)); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      return child;
  return NULL;
}

static GtkWidget *
find_list (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_list (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
list_has_rows (gpointer list)
{
  return gtk_widget_get_first_child (list) != NULL;
}

static void
test_selects_and_shows (Fixture       *f,
                        gconstpointer  data)
{
  g_assert_cmpuint (ss_drop_down_get_selected (f->dropdown), ==, 0);
  g_assert_cmpstr (gtk_string_object_get_string (ss_drop_down_get_selected_item (f->dropdown)), ==, "one");
  g_assert_cmpstr (shown_text (f->dropdown), ==, "one");

  ss_drop_down_set_selected (f->dropdown, 2);
  g_assert_cmpuint (ss_drop_down_get_selected (f->dropdown), ==, 2);
  g_assert_cmpstr (shown_text (f->dropdown), ==, "three");
  g_assert_cmpuint (f->n_selected_notes, ==, 1);
  ss_drop_down_set_selected (f->dropdown, 2);
  g_assert_cmpuint (f->n_selected_notes, ==, 1);

  /* the property, as a .ui file sets it */
  g_object_set (f->dropdown, "selected", 1, NULL);
  g_assert_cmpstr (shown_text (f->dropdown), ==, "two");
}

static void
test_list_made_on_open (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *popover, *list;
  GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (f->dropdown));

  g_assert_null (popover_of (f->dropdown));
  g_assert_false (ss_drop_down_get_open (f->dropdown));

  /* a press of its button opens the list (activating a button presses
   * it for a moment, as a key does) */
  gtk_widget_activate (button);
  ss_test_wait_until ((SsTestCondition) ss_drop_down_get_open, f->dropdown, 5000);
  popover = popover_of (f->dropdown);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_has_css_class (popover, "menu"));
  list = find_list (popover);
  g_assert_nonnull (list);
  ss_test_wait_until (list_has_rows, list, 5000);

  /* activating a row picks it and closes the list */
  g_signal_emit_by_name (list, "activate", 1);
  g_assert_false (ss_drop_down_get_open (f->dropdown));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  g_assert_cmpuint (ss_drop_down_get_selected (f->dropdown), ==, 1);
  g_assert_cmpstr (shown_text (f->dropdown), ==, "two");

  /* opened again, the same list */
  ss_drop_down_set_open (f->dropdown, TRUE);
  g_assert_true (popover_of (f->dropdown) == popover);
  ss_drop_down_set_open (f->dropdown, FALSE);
  g_assert_false (gtk_widget_get_visible (popover));
}

static void
test_model_changes (Fixture       *f,
                    gconstpointer  data)
{
  GtkStringList *letters = gtk_string_list_new ((const char *[]) { "a", "b", NULL });

  ss_drop_down_set_selected (f->dropdown, 2);
  ss_drop_down_set_model (f->dropdown, G_LIST_MODEL (letters));
  g_assert_true (ss_drop_down_get_model (f->dropdown) == G_LIST_MODEL (letters));
  g_assert_cmpuint (ss_drop_down_get_selected (f->dropdown), ==, 0);
  g_assert_cmpstr (shown_text (f->dropdown), ==, "a");

  /* the selected item replaced in place */
  gtk_string_list_splice (letters, 0, 1, (const char *[]) { "z", NULL });
  g_assert_cmpstr (shown_text (f->dropdown), ==, "z");

  /* emptied: nothing selected, nothing shown */
  gtk_string_list_splice (letters, 0, 2, NULL);
  g_assert_cmpuint (ss_drop_down_get_selected (f->dropdown), ==, GTK_INVALID_LIST_POSITION);
  g_assert_null (ss_drop_down_get_selected_item (f->dropdown));
  g_assert_cmpstr (shown_text (f->dropdown), ==, "");

  ss_drop_down_set_model (f->dropdown, NULL);
  g_assert_cmpuint (ss_drop_down_get_selected (f->dropdown), ==, GTK_INVALID_LIST_POSITION);
  ss_drop_down_set_open (f->dropdown, TRUE);
  ss_drop_down_set_open (f->dropdown, FALSE);
  g_object_unref (letters);
}

static char *
file_name (gpointer item)
{
  return g_file_get_basename (item);
}

static void
test_label_func (Fixture       *f,
                 gconstpointer  data)
{
  GListStore *files = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GFile) file = g_file_new_for_path ("/tmp/some-file.txt");

  g_list_store_append (files, file);
  ss_drop_down_set_model (f->dropdown, G_LIST_MODEL (files));
  ss_drop_down_set_label_func (f->dropdown, file_name);
  g_assert_cmpstr (shown_text (f->dropdown), ==, "some-file.txt");
  g_object_unref (files);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add ("/drop-down/selects-and-shows", Fixture, NULL, fixture_set_up, test_selects_and_shows, fixture_tear_down);
  g_test_add ("/drop-down/list-made-on-open", Fixture, NULL, fixture_set_up, test_list_made_on_open, fixture_tear_down);
  g_test_add ("/drop-down/model-changes", Fixture, NULL, fixture_set_up, test_model_changes, fixture_tear_down);
  g_test_add ("/drop-down/label-func", Fixture, NULL, fixture_set_up, test_label_func, fixture_tear_down);
  return g_test_run ();
}
