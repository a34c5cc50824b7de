/* test-preferences.c — the Preferences window: opened by its action, each
 * setting changed there shows at once in the window, with no restart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include "config.h"

#include <sys/socket.h>
#include <unistd.h>

#include "ss-preferences-window.h"
#include "ss-test-window.h"

static GtkApplication *
application_of (SsTestWindow *f)
{
  return gtk_window_get_application (GTK_WINDOW (f->window));
}

static SsPreferencesWindow *
find_preferences (SsTestWindow *f)
{
  for (GList *l = gtk_application_get_windows (application_of (f)); l != NULL; l = l->next)
    if (SS_IS_PREFERENCES_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
preferences_shown (gpointer user_data)
{
  SsPreferencesWindow *preferences = find_preferences (user_data);

  return preferences != NULL && gtk_widget_get_mapped (GTK_WIDGET (preferences));
}

static gpointer
preferences_child (SsPreferencesWindow *preferences,
                   const char          *name)
{
  return ss_test_template_child (preferences, SS_TYPE_PREFERENCES_WINDOW, name);
}

static gboolean
is_time_cell (GtkWidget     *widget,
              gconstpointer  data)
{
  return ss_test_widget_text (widget) != NULL && gtk_widget_has_css_class (widget, "traffic-time");
}

/* The text of the time cell of each row the table shows, in order. */
static GPtrArray *
time_cells (SsSocketPage *page)
{
  GtkWidget *list = ss_test_table_list (page);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      ss_test_collect_widgets (row, is_time_cell, NULL, labels);
      if (labels->len == 1 && gtk_widget_get_child_visible (row))
        g_ptr_array_add (texts, g_strdup (ss_test_widget_text (labels->pdata[0])));
    }
  return texts;
}

typedef struct
{
  SsSocketPage *page;
  const char   *pattern;
} TimeExpect;

/* Every time cell shown matches @pattern (and there are some). */
static gboolean
times_match (gpointer user_data)
{
  TimeExpect *expect = user_data;
  g_autoptr(GPtrArray) texts = time_cells (expect->page);

  for (guint i = 0; i < texts->len; i++)
    if (!g_regex_match_simple (expect->pattern, texts->pdata[i], 0, 0))
      return FALSE;
  return texts->len > 0;
}

static void
wait_times (SsSocketPage *page,
            const char   *pattern)
{
  TimeExpect expect = { page, pattern };

  if (!ss_test_try_wait_until (times_match, &expect, SS_TEST_TIMEOUT_MS))
    {
      g_autoptr(GPtrArray) texts = time_cells (page);

      g_error ("time cells %s… do not match %s", texts->len ? (char *) texts->pdata[0] : "(none)", pattern);
    }
}

/* The first row of the call log starts with @pattern. */
static gboolean
call_log_matches (gpointer user_data)
{
  TimeExpect *expect = user_data;
  SsTestWindow *f = (SsTestWindow *) expect->page;
  GtkWidget *list = ss_test_template_child (f->call_view, SS_TYPE_CALL_VIEW, "call_rows");

  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *label = gtk_widget_get_first_child (row);

      if (ss_test_widget_text (label) != NULL && gtk_widget_get_child_visible (row))
        return g_regex_match_simple (expect->pattern, ss_test_widget_text (label), 0, 0);
    }
  return FALSE;
}

static void
wait_call_log (SsTestWindow *f,
               const char   *pattern)
{
  TimeExpect expect = { (SsSocketPage *) f, pattern };

  ss_test_wait_until (call_log_matches, &expect, SS_TEST_TIMEOUT_MS);
}

static void
assert_setting (GSettings  *settings,
                const char *key,
                const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  g_assert_cmpstr (value, ==, expected);
}

static void
test_preferences (SsTestWindow  *f,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (application_of (f), "app.preferences");
  g_autoptr(GError) error = NULL;
  SsPreferencesWindow *preferences;
  SsSocketPage *page, *new_page;
  SsSocket *socket, *new_socket;
  int listener, peer;

  page = ss_test_connected_client (f, 0, &listener, &peer);
  socket = ss_socket_page_get_socket (page);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u\n", i);
      g_autoptr(SsTrafficEntry) entry = NULL;

      ss_test_raw_send_all (peer, line, strlen (line), SS_TEST_TIMEOUT_MS);
      entry = ss_test_wait_entry (page, SS_TRAFFIC_RECEIVED, line, strlen (line));
    }
  wait_times (page, "^[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}$");
  wait_call_log (f, "^[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}  ");

  /* Ctrl+, and the main menu open one window, again and again */
  g_assert_cmpstr (accels[0], ==, "<Control>comma");
  g_action_group_activate_action (G_ACTION_GROUP (application_of (f)), "preferences", NULL);
  ss_test_wait_until (preferences_shown, f, SS_TEST_TIMEOUT_MS);
  preferences = find_preferences (f);
  g_object_add_weak_pointer (G_OBJECT (preferences), (gpointer *) &preferences);
  g_action_group_activate_action (G_ACTION_GROUP (application_of (f)), "preferences", NULL);
  g_assert_true (find_preferences (f) == preferences);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (f->window));

  /* the time column, in the traffic table and the call log */
  ss_test_choose (preferences_child (preferences, "time_format_dropdown"), "Since the previous");
  assert_setting (settings, "time-format", "since-previous");
  wait_times (page, "^\\+[0-9]+\\.[0-9]{3}$");
  wait_call_log (f, "^\\+0\\.000  ");
  ss_test_choose (preferences_child (preferences, "time_format_dropdown"), "Since the first");
  wait_times (page, "^[0-9]+\\.[0-9]{3}$");
  ss_test_choose (preferences_child (preferences, "time_precision_dropdown"), "Microseconds");
  wait_times (page, "^[0-9]+\\.[0-9]{6}$");
  ss_test_choose (preferences_child (preferences, "time_format_dropdown"), "Time of day");
  wait_times (page, "^[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}$");
  wait_call_log (f, "^[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}  ");

  /* the payload budget of the open socket's log, and of a new one's */
  g_assert_cmpuint (ss_traffic_log_get_budget (ss_socket_get_traffic (socket)), ==, 64 * 1024 * 1024);
  gtk_spin_button_set_value (preferences_child (preferences, "budget_spin"), 8);
  g_assert_cmpuint (g_settings_get_uint (settings, "payload-budget"), ==, 8);
  g_assert_cmpuint (ss_traffic_log_get_budget (ss_socket_get_traffic (socket)), ==, 8 * 1024 * 1024);
  new_socket = ss_session_create_socket (f->session, AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ss_traffic_log_get_budget (ss_socket_get_traffic (new_socket)), ==, 8 * 1024 * 1024);

  /* the default bind host: on a page not bound yet, and on a new one */
  ss_window_select_socket (f->window, new_socket);
  new_page = ss_test_wait_page (f, new_socket);
  g_assert_cmpstr (gtk_editable_get_text (ss_test_page_child (new_page, "bind_entry")), ==, "127.0.0.1:0");
  gtk_editable_set_text (preferences_child (preferences, "bind_host_entry"), "0.0.0.0");
  assert_setting (settings, "default-bind-host", "0.0.0.0");
  g_assert_cmpstr (gtk_editable_get_text (ss_test_page_child (new_page, "bind_entry")), ==, "0.0.0.0:0");
  new_socket = ss_session_create_socket (f->session, AF_INET6, SOCK_DGRAM, 0, &error);
  g_assert_no_error (error);
  ss_window_select_socket (f->window, new_socket);
  new_page = ss_test_wait_page (f, new_socket);
  g_assert_cmpstr (gtk_editable_get_text (ss_test_page_child (new_page, "bind_entry")), ==, "[::]:0");

  /* what listeners do with connections (their own tests are elsewhere) */
  g_assert_true (gtk_switch_get_active (preferences_child (preferences, "close_on_peer_close_switch")));
  gtk_switch_set_active (preferences_child (preferences, "close_on_peer_close_switch"), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "close-on-peer-close"));
  gtk_spin_button_set_value (preferences_child (preferences, "retention_spin"), 50);
  g_assert_cmpuint (g_settings_get_uint (settings, "closed-retention"), ==, 50);

  /* Learner Mode: the connected client's page shows Listen again */
  g_assert_false (gtk_widget_is_visible (ss_test_action_button (page, "socket.listen")));
  gtk_switch_set_active (preferences_child (preferences, "learner_mode_switch"), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "learner-mode"));
  g_assert_true (gtk_widget_is_visible (ss_test_action_button (page, "socket.listen")));

  gtk_window_destroy (GTK_WINDOW (preferences));
  ss_test_wait_until (ss_test_pointer_is_null, &preferences, SS_TEST_TIMEOUT_MS);
  close (peer);
  close (listener);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/preferences/applied-live", test_preferences);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
