/* ss-test-window.h — driving the real window in tests: its widgets, the
 * sidebar, a socket's page, the traffic and call views, with bounded waits
 * on what a person sees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-application.h"
#include "ss-call-view.h"
#include "ss-composer.h"
#include "ss-drop-down.h"
#include "ss-new-socket-box.h"
#include "ss-socket-page.h"
#include "ss-socket-row.h"
#include "ss-test-util.h"
#include "ss-window.h"

G_BEGIN_DECLS

/* A GTest fixture: one fresh window, and its template children. */
typedef struct
{
  SsWindow       *window;   /* weak: GTK owns a toplevel */
  SsSession      *session;  /* weak, to see it go with the window */
  SsNewSocketBox *new_socket_box;
  GtkGridView    *socket_list;
  GtkStack       *pages;
  SsCallView     *call_view;
  GtkInfoBar     *error_bar;
  GtkLabel       *error_label;
} SsTestWindow;

/* Adds a test case that gets a fresh window (setup and teardown). */
#define ss_test_window_add(path, func) \
  g_test_add ((path), SsTestWindow, NULL, ss_test_window_setup, (func), ss_test_window_teardown)

void            ss_test_window_init          (int            *argc,
                                              char         ***argv);
void            ss_test_window_shutdown      (void);
void            ss_test_window_setup         (SsTestWindow   *f,
                                              gconstpointer   data);
void            ss_test_window_teardown      (SsTestWindow   *f,
                                              gconstpointer   data);

/* Widgets */
typedef gboolean (*SsTestWidgetMatch) (GtkWidget *widget, gconstpointer data);

gpointer        ss_test_template_child       (gpointer        widget,
                                              GType           type,
                                              const char     *name);
void            ss_test_collect_widgets      (GtkWidget      *root,
                                              SsTestWidgetMatch match,
                                              gconstpointer   data,
                                              GPtrArray      *out);
gboolean        ss_test_is_button            (GtkWidget      *widget,
                                              gconstpointer   data);
gboolean        ss_test_widget_mapped        (gpointer        widget);
GtkWidget      *ss_test_action_button        (gpointer        root,
                                              const char     *action);
gboolean        ss_test_button_sensitive     (gpointer        root,
                                              const char     *action);
void            ss_test_click                (gpointer        root,
                                              const char     *action);
void            ss_test_choose               (SsDropDown    *dropdown,
                                              const char     *prefix);
void            ss_test_window_create_socket (SsTestWindow   *f,
                                              const char     *family,
                                              const char     *type);

/* The sidebar */
GListModel     *ss_test_sidebar_model        (SsTestWindow   *f);
SsSocket       *ss_test_sidebar_socket       (SsTestWindow   *f,
                                              guint           position,
                                              guint          *depth);
GPtrArray      *ss_test_shown_rows           (SsTestWindow   *f);
const char     *ss_test_row_title            (GtkWidget      *row);
const char     *ss_test_row_subtitle         (GtkWidget      *row);
gboolean        ss_test_row_is_selected      (GtkWidget      *row);
void            ss_test_wait_sidebar         (SsTestWindow   *f,
                                              const char     *first_title,
                                              ...) G_GNUC_NULL_TERMINATED;
void            ss_test_select_row           (SsTestWindow   *f,
                                              guint           position);

/* A socket's page, and the rows of its "Socket" facts */
#define SS_TEST_INFO_FD       "Descriptor (fileno)"
#define SS_TEST_INFO_KIND     "Family, type"
#define SS_TEST_INFO_STATE    "State"
#define SS_TEST_INFO_LOCAL    "Local (getsockname)"
#define SS_TEST_INFO_PEER     "Peer (getpeername)"
#define SS_TEST_INFO_RECEIVED "Received"
#define SS_TEST_INFO_SENT     "Sent"

SsSocketPage   *ss_test_visible_page         (SsTestWindow   *f);
SsSocketPage   *ss_test_wait_page            (SsTestWindow   *f,
                                              SsSocket       *socket);
gpointer        ss_test_page_child           (SsSocketPage   *page,
                                              const char     *name);
gpointer        ss_test_tls_panel_child      (SsSocketPage   *page,
                                              const char     *name);
gpointer        ss_test_tls_option           (SsSocketPage   *page,
                                              const char     *name);
GtkTextView    *ss_test_send_text            (SsSocketPage   *page);
SsDropDown     *ss_test_line_ending          (SsSocketPage   *page);
const char     *ss_test_page_title           (SsSocketPage   *page);
const char     *ss_test_info_value           (SsSocketPage   *page,
                                              const char     *key);
void            ss_test_wait_info_full       (SsSocketPage   *page,
                                              const char     *key,
                                              const char     *value,
                                              gboolean        prefix);
const char     *ss_test_wait_page_error      (SsSocketPage   *page,
                                              const char     *needle,
                                              const char     *not_before);

#define ss_test_wait_info(page, key, value) \
  ss_test_wait_info_full ((page), (key), (value), FALSE)
#define ss_test_wait_info_prefix(page, key, value) \
  ss_test_wait_info_full ((page), (key), (value), TRUE)

/* A TCP socket's page: made with the dropdowns as the sidebar's only row
 * (*socket_out, if given, is its socket); bound; listening, returning its
 * port; connected to a raw listener of the test, returning the accepted
 * raw end. ss_test_connected_client() makes the raw listener (its
 * receive buffer @rcvbuf, 0: the default) and the page, and connects. */
SsSocketPage   *ss_test_new_tcp_page         (SsTestWindow   *f,
                                              SsSocket      **socket_out);
void            ss_test_page_bind            (SsSocketPage   *page,
                                              const char     *address);
guint16         ss_test_page_listen          (SsSocketPage   *page);
int             ss_test_page_connect         (SsSocketPage   *page,
                                              int             listener);
SsSocketPage   *ss_test_connected_client     (SsTestWindow   *f,
                                              int             rcvbuf,
                                              int            *listener_out,
                                              int            *peer_out);
void            ss_test_set_send_text        (SsSocketPage   *page,
                                              const char     *text);

/* The traffic and call views */
GListModel     *ss_test_traffic_model        (SsSocketPage   *page);
GtkWidget      *ss_test_table_list           (SsSocketPage   *page);
SsTrafficEntry *ss_test_find_entry           (SsSocketPage   *page,
                                              SsTrafficKind   kind,
                                              const void     *data,
                                              gsize           len);
SsTrafficEntry *ss_test_wait_entry           (SsSocketPage   *page,
                                              SsTrafficKind   kind,
                                              const void     *data,
                                              gsize           len);
const char     *ss_test_widget_text          (GtkWidget      *widget);
void            ss_test_dropdown_popup       (SsDropDown    *dropdown,
                                              gboolean        open);
void            ss_test_wait_label_shown     (gpointer        root,
                                              const char     *css_class,
                                              const char     *text);
GListModel     *ss_test_call_model           (SsTestWindow   *f);
char           *ss_test_call_names           (SsTestWindow   *f);
SsCall         *ss_test_call_at              (SsTestWindow   *f,
                                              guint           position);

#define ss_test_assert_calls(f, expected) \
  G_STMT_START { \
    g_autofree char *_names = ss_test_call_names (f); \
    g_assert_cmpstr (_names, ==, (expected)); \
  } G_STMT_END

G_END_DECLS
