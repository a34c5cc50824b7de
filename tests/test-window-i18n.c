/* test-window-i18n.c — the window in Chinese: with LANGUAGE=zh_CN and the
 * catalogue this build compiled (build/po/zh_CN/LC_MESSAGES/sockscope.mo),
 * the labels a person reads first are translated
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <sys/socket.h>

#include "ss-test-window.h"

static gboolean
shows_label (GtkWidget     *widget,
             gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static guint
count_shown (GtkWidget  *root,
             const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  ss_test_collect_widgets (root, shows_label, text, found);
  return found->len;
}

/* The Chinese is written out here, not looked up: a catalogue that is
 * not found gives back the English, and the test must see that. */
static gboolean have_locale;

static void
test_window_in_chinese (SsTestWindow  *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SsSocketPage *page;
  SsSocket *socket;

  if (!have_locale)
    {
      g_test_skip ("no zh_CN.UTF-8 locale (./build-aux/sockscope-dev deps makes it)");
      return;
    }
  g_assert_cmpuint (count_shown (GTK_WIDGET (f->window), "新建套接字"), ==, 1);
  g_assert_cmpuint (count_shown (GTK_WIDGET (f->window), "New Socket"), ==, 0);
  g_assert_cmpuint (count_shown (GTK_WIDGET (f->window), "未选择套接字"), ==, 1);

  socket = ss_session_create_socket (f->session, AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  ss_window_select_socket (f->window, socket);
  page = ss_test_wait_page (f, socket);
  g_assert_cmpuint (count_shown (GTK_WIDGET (page), "调用"), ==, 1);
  g_assert_cmpuint (count_shown (GTK_WIDGET (page), "Calls"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LANG", "zh_CN.UTF-8", TRUE);
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  ss_test_window_init (&argc, &argv);

  /* gtk_test_init() keeps the C locale; a person's session would not */
  have_locale = setlocale (LC_ALL, "") != NULL;
  bindtextdomain (GETTEXT_PACKAGE, SS_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  ss_test_window_add ("/window-i18n/chinese", test_window_in_chinese);
  status = g_test_run ();
  ss_test_window_shutdown ();
  return status;
}
