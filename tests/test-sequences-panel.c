/* test-sequences-panel.c — the Sequences popover of a page: a sequence
 * made with its buttons, run on a connected client against a raw peer,
 * each step's status shown as it runs; a timeout; Stop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-application.h"
#include "ss-sequences-panel.h"
#include "ss-test-window.h"

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static gboolean
is_named (GtkWidget     *widget,
          gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gpointer
find_named (GtkWidget  *root,
            const char *name)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  ss_test_collect_widgets (root, is_named, name, found);
  g_assert_cmpuint (found->len, ==, 1);
  return g_ptr_array_index (found, 0);
}

static gpointer
find_one (GtkWidget *root,
          GType      type,
          guint      nth)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  ss_test_collect_widgets (root, is_type, GSIZE_TO_POINTER (type), found);
  g_assert_cmpuint (found->len, >, nth);
  return g_ptr_array_index (found, nth);
}

static void
click (SsSequencesPanel *panel,
       const char       *name)
{
  GtkWidget *button = ss_test_template_child (panel, SS_TYPE_SEQUENCES_PANEL, name);

  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

typedef struct
{
  SsSequencesPanel *panel;
  guint             index;
  SsStepStatus      status;
} StepWait;

static gboolean
step_has_status (gpointer user_data)
{
  StepWait *wait = user_data;
  SsSequenceRun *run = ss_sequences_panel_get_run (wait->panel);

  return run != NULL && ss_sequence_run_get_step_status (run, wait->index) == wait->status;
}

/* Waits for the step's status, and checks the row shows it */
static void
wait_step (SsSequencesPanel *panel,
           guint             index,
           SsStepStatus      status,
           const char       *icon,
           const char       *text)
{
  StepWait wait = { panel, index, status };
  GtkWidget *row;
  GtkLabel *label;

  ss_test_wait_until (step_has_status, &wait, SS_TEST_TIMEOUT_MS);
  row = ss_sequences_panel_get_row (panel, index);
  label = find_named (row, "step-status");
  if (!g_str_has_prefix (gtk_label_get_text (label), text))
    g_error ("step %u shows “%s”, not “%s…”", index + 1, gtk_label_get_text (label), text);
  g_assert_cmpstr (gtk_image_get_icon_name (find_named (row, "step-status-icon")), ==, icon);
}

static gboolean
run_ended (gpointer panel)
{
  SsSequenceRun *run = ss_sequences_panel_get_run (panel);

  return run != NULL && !ss_sequence_run_get_running (run);
}

static void
read_exactly (int         fd,
              const char *expected)
{
  char buffer[64] = { 0 };
  gsize got = 0, len = strlen (expected);
  gint64 end = g_get_monotonic_time () + SS_TEST_TIMEOUT_MS * 1000;

  while (got < len && g_get_monotonic_time () < end)
    {
      ssize_t n = recv (fd, buffer + got, len - got, MSG_DONTWAIT);

      if (n > 0)
        got += n;
      else
        g_main_context_iteration (NULL, FALSE);
    }
  g_assert_cmpstr (buffer, ==, expected);
}

static void
test_run (SsTestWindow  *f,
          gconstpointer  data)
{
  SsPayloadStore *library = ss_application_get_library (SS_APPLICATION (g_application_get_default ()));
  g_autoptr(SsPayload) ping = ss_payload_new ("PING", SS_ENCODING_TEXT, "PING", SS_LINE_ENDING_LF);
  SsSocketPage *page;
  SsSequencesPanel *panel;
  GtkEntry *pattern;
  GtkSpinButton *timeout;
  GtkLabel *status;
  int listener, peer;

  ss_payload_store_put (library, ping);
  page = ss_test_connected_client (f, 0, &listener, &peer);
  panel = find_one (GTK_WIDGET (page), SS_TYPE_SEQUENCES_PANEL, 0);
  g_assert_true (ss_sequences_panel_get_socket (panel) != NULL);
  status = ss_test_template_child (panel, SS_TYPE_SEQUENCES_PANEL, "status_label");

  /* the popover opens, and a new sequence gets steps */
  /* (not popped up: a popover grabbing the focus of an unfocused Xvfb
   * window makes GTK warn) */
  g_assert_null (ss_sequences_panel_get_sequence (panel));
  g_assert_false (gtk_widget_get_sensitive (ss_test_template_child (panel, SS_TYPE_SEQUENCES_PANEL,
                                                                    "run_once_button")));
  click (panel, "new_button");
  g_assert_nonnull (ss_sequences_panel_get_sequence (panel));
  click (panel, "add_send_button");
  click (panel, "add_expect_button");
  g_assert_cmpuint (ss_sequence_get_n_steps (ss_sequences_panel_get_sequence (panel)), ==, 2);
  /* an empty pattern is refused, and said so */
  g_assert_nonnull (strstr (gtk_label_get_text (status), "Step 2"));
  pattern = find_one (ss_sequences_panel_get_row (panel, 1), GTK_TYPE_ENTRY, 0);
  gtk_editable_set_text (GTK_EDITABLE (pattern), "OK");
  g_assert_cmpstr (gtk_label_get_text (status), ==, "");
  timeout = find_one (ss_sequences_panel_get_row (panel, 1), GTK_TYPE_SPIN_BUTTON, 0);
  gtk_spin_button_set_value (timeout, SS_TEST_TIMEOUT_MS);
  {
    g_autofree char *text = ss_step_to_string (ss_sequence_get_step (ss_sequences_panel_get_sequence (panel), 1));

    g_assert_cmpstr (text, ==, "expect contains 10000 OK");
  }

  /* run once: the send goes, the expect waits for the peer's OK */
  click (panel, "run_once_button");
  wait_step (panel, 0, SS_STEP_OK, "emblem-ok-symbolic", "OK: sent 5 bytes");
  read_exactly (peer, "PING\n");
  wait_step (panel, 1, SS_STEP_RUNNING, "media-playback-start-symbolic", "Running");
  g_assert_true (gtk_widget_get_sensitive (ss_test_template_child (panel, SS_TYPE_SEQUENCES_PANEL,
                                                                   "stop_button")));
  ss_test_raw_send_all (peer, "O", 1, SS_TEST_TIMEOUT_MS);
  ss_test_iterate_for (50);
  ss_test_raw_send_all (peer, "K\n", 2, SS_TEST_TIMEOUT_MS);
  wait_step (panel, 1, SS_STEP_OK, "emblem-ok-symbolic", "OK: matched");
  ss_test_wait_until (run_ended, panel, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Passed: 1 round");

  /* a reply that never comes: the expect times out */
  gtk_editable_set_text (GTK_EDITABLE (pattern), "NEVER");
  gtk_spin_button_set_value (timeout, 200);
  click (panel, "run_once_button");
  read_exactly (peer, "PING\n");
  wait_step (panel, 1, SS_STEP_TIMED_OUT, "alarm-symbolic", "Timed out: timed out after 200 ms");
  ss_test_wait_until (run_ended, panel, SS_TEST_TIMEOUT_MS);
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Round 1, step 2: timed out after 200 ms");

  /* Stop, mid-run */
  gtk_spin_button_set_value (timeout, SS_TEST_TIMEOUT_MS);
  click (panel, "run_button");
  read_exactly (peer, "PING\n");
  wait_step (panel, 1, SS_STEP_RUNNING, "media-playback-start-symbolic", "Running");
  click (panel, "stop_button");
  wait_step (panel, 1, SS_STEP_STOPPED, "media-playback-stop-symbolic", "Stopped");
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Stopped");
  g_assert_true (gtk_widget_get_sensitive (ss_test_template_child (panel, SS_TYPE_SEQUENCES_PANEL,
                                                                   "run_once_button")));

  /* kept with the payloads */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ss_payload_store_get_sequences (library))), ==, 1);
  gtk_popover_popdown (ss_test_template_child (panel, SS_TYPE_SEQUENCES_PANEL, "popover"));

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ss_test_window_init (&argc, &argv);
  ss_test_window_add ("/sequences-panel/run", test_run);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
