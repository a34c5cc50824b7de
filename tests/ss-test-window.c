/* ss-test-window.c — driving the real window in tests: its widgets, the
 * sidebar, a socket's page, the traffic and call views, with bounded waits
 * on what a person sees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>
#include <sys/socket.h>

#include "ss-test-window.h"
#include "ss-text-cell.h"
#include "ss-tls-panel.h"
#include "ss-traffic-view.h"

static SsApplication *app;
static char *data_home;

/* ------------------------------------------------------------------ */
/* reaching the widgets                                                */

gpointer
ss_test_template_child (gpointer    widget,
                        GType       type,
                        const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (child == NULL)
    g_error ("%s has no template child “%s”", g_type_name (type), name);
  return child;
}

void
ss_test_collect_widgets (GtkWidget         *root,
                         SsTestWidgetMatch  match,
                         gconstpointer      data,
                         GPtrArray         *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (match (child, data))
        g_ptr_array_add (out, child);
      ss_test_collect_widgets (child, match, data, out);
    }
}

static gboolean
is_button_for_action (GtkWidget     *widget,
                      gconstpointer  action)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

gboolean
ss_test_is_button (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_BUTTON (widget);
}

/* The button on @root that carries @action. */
GtkWidget *
ss_test_action_button (gpointer    root,
                       const char *action)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  ss_test_collect_widgets (GTK_WIDGET (root), is_button_for_action, action, found);
  if (found->len != 1)
    g_error ("expected one button for %s, found %u", action, found->len);
  return g_ptr_array_index (found, 0);
}

gboolean
ss_test_button_sensitive (gpointer    root,
                          const char *action)
{
  return gtk_widget_is_sensitive (ss_test_action_button (root, action));
}

/* What pressing the button does; a person can only press it when it is
 * sensitive. */
void
ss_test_click (gpointer    root,
               const char *action)
{
  GtkWidget *button = ss_test_action_button (root, action);

  if (!gtk_widget_is_sensitive (button))
    g_error ("the button for %s is not sensitive", action);
  g_assert_true (gtk_widget_activate_action (button, action, NULL));
}

/* Picks the item of a string-list dropdown that starts with @prefix. */
void
ss_test_choose (SsDropDown  *dropdown,
                const char  *prefix)
{
  GListModel *model = ss_drop_down_get_model (dropdown);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_has_prefix (gtk_string_object_get_string (item), prefix))
        {
          ss_drop_down_set_selected (dropdown, i);
          g_assert_true (ss_drop_down_get_selected_item (dropdown) == (gpointer) item);
          return;
        }
    }
  g_error ("no item starting with “%s” in the dropdown", prefix);
}

/* Picks a family and a type on the left and presses Create. */
void
ss_test_window_create_socket (SsTestWindow *f,
                              const char   *family,
                              const char   *type)
{
  g_autofree char *family_item = g_strdup_printf ("%s (", family);
  g_autofree char *type_item = g_strdup_printf ("%s (", type);
  gpointer box = f->new_socket_box;

  ss_test_choose (ss_test_template_child (box, SS_TYPE_NEW_SOCKET_BOX, "family_dropdown"),
                  family_item);
  ss_test_choose (ss_test_template_child (box, SS_TYPE_NEW_SOCKET_BOX, "type_dropdown"),
                  type_item);
  g_signal_emit_by_name (ss_test_template_child (box, SS_TYPE_NEW_SOCKET_BOX, "create_button"),
                         "clicked");
}

/* ------------------------------------------------------------------ */
/* the sidebar                                                         */

GListModel *
ss_test_sidebar_model (SsTestWindow *f)
{
  return G_LIST_MODEL (gtk_grid_view_get_model (f->socket_list));
}

/* Returns: (transfer none): the socket of the sidebar's @position row;
 * the session keeps it */
SsSocket *
ss_test_sidebar_socket (SsTestWindow *f,
                        guint         position,
                        guint        *depth)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (ss_test_sidebar_model (f), position);
  g_autoptr(SsSocket) socket = NULL;

  g_assert_nonnull (row);
  socket = gtk_tree_list_row_get_item (row);
  if (depth != NULL)
    *depth = gtk_tree_list_row_get_depth (row);
  return socket;
}

static gboolean
is_socket_row (GtkWidget     *widget,
               gconstpointer  data)
{
  return SS_IS_SOCKET_ROW (widget) && gtk_widget_get_mapped (widget);
}

/* The rows on screen, top to bottom. */
GPtrArray *
ss_test_shown_rows (SsTestWindow *f)
{
  GPtrArray *rows = g_ptr_array_new ();

  ss_test_collect_widgets (GTK_WIDGET (f->socket_list), is_socket_row, NULL, rows);
  return rows;
}

const char *
ss_test_row_title (GtkWidget *row)
{
  return ss_socket_row_get_title (SS_SOCKET_ROW (row));
}

const char *
ss_test_row_subtitle (GtkWidget *row)
{
  return ss_socket_row_get_subtitle (SS_SOCKET_ROW (row));
}

typedef struct
{
  SsTestWindow  *f;
  const char   **titles;
  guint         *depths;
  guint          n;
} SidebarExpect;

/* The model has exactly the expected rows at the expected depths, and the
 * list view shows each with the expected title, indented by its depth. */
static gboolean
sidebar_shows (gpointer user_data)
{
  SidebarExpect *expect = user_data;
  g_autoptr(GPtrArray) rows = NULL;

  if (g_list_model_get_n_items (ss_test_sidebar_model (expect->f)) != expect->n)
    return FALSE;
  for (guint i = 0; i < expect->n; i++)
    {
      guint depth;

      ss_test_sidebar_socket (expect->f, i, &depth);
      if (depth != expect->depths[i])
        return FALSE;
    }

  rows = ss_test_shown_rows (expect->f);
  if (rows->len != expect->n)
    return FALSE;
  for (guint i = 0; i < expect->n; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (ss_test_row_title (row), expect->titles[i]) != 0 ||
          gtk_widget_get_margin_start (row) != (int) (18 * expect->depths[i]))
        return FALSE;
    }
  return TRUE;
}

/* ss_test_wait_sidebar (f, title, depth, title, depth, …, NULL) */
void
ss_test_wait_sidebar (SsTestWindow *f,
                      const char   *first_title,
                      ...)
{
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  g_autoptr(GArray) depths = g_array_new (FALSE, FALSE, sizeof (guint));
  SidebarExpect expect;
  va_list args;

  va_start (args, first_title);
  for (const char *title = first_title; title != NULL; title = va_arg (args, const char *))
    {
      guint depth = va_arg (args, guint);

      g_ptr_array_add (titles, (gpointer) title);
      g_array_append_val (depths, depth);
    }
  va_end (args);

  expect = (SidebarExpect) { f, (const char **) titles->pdata, (guint *) depths->data, titles->len };
  if (!ss_test_try_wait_until (sidebar_shows, &expect, SS_TEST_TIMEOUT_MS))
    {
      g_autoptr(GPtrArray) rows = ss_test_shown_rows (f);
      GString *shown = g_string_new (NULL);

      for (guint i = 0; i < rows->len; i++)
        g_string_append_printf (shown, " [%s · margin %d]", ss_test_row_title (rows->pdata[i]),
                                gtk_widget_get_margin_start (rows->pdata[i]));
      g_error ("timed out waiting for %u sidebar rows starting with “%s”; "
               "the model has %u, the list shows%s", titles->len, first_title ? first_title : "",
               g_list_model_get_n_items (ss_test_sidebar_model (f)), shown->str);
    }
}

/* Highlighted: the list's own row widget around ours is :selected. */
gboolean
ss_test_row_is_selected (GtkWidget *row)
{
  GtkWidget *list_row = gtk_widget_get_parent (row);

  return (gtk_widget_get_state_flags (list_row) & GTK_STATE_FLAG_SELECTED) != 0;
}

/* What clicking a row does. */
void
ss_test_select_row (SsTestWindow *f,
                    guint         position)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->socket_list), "list.select-item",
                                             "(ubb)", position, FALSE, FALSE));
}

/* ------------------------------------------------------------------ */
/* a socket's page                                                     */

SsSocketPage *
ss_test_visible_page (SsTestWindow *f)
{
  GtkWidget *child = gtk_stack_get_visible_child (f->pages);

  return SS_IS_SOCKET_PAGE (child) ? SS_SOCKET_PAGE (child) : NULL;
}

typedef struct
{
  SsTestWindow *f;
  SsSocket     *socket;
} PageExpect;

static gboolean
page_shown (gpointer user_data)
{
  PageExpect *expect = user_data;
  SsSocketPage *page = ss_test_visible_page (expect->f);

  return page != NULL && ss_socket_page_get_socket (page) == expect->socket &&
         gtk_widget_get_mapped (GTK_WIDGET (page));
}

SsSocketPage *
ss_test_wait_page (SsTestWindow *f,
                   SsSocket     *socket)
{
  PageExpect expect = { f, socket };

  ss_test_wait_until (page_shown, &expect, SS_TEST_TIMEOUT_MS);
  return ss_test_visible_page (f);
}

const char *
ss_test_page_title (SsSocketPage *page)
{
  return gtk_label_get_text (ss_test_template_child (page, SS_TYPE_SOCKET_PAGE, "title_label"));
}

gpointer
ss_test_page_child (SsSocketPage *page,
                    const char   *name)
{
  return ss_test_template_child (page, SS_TYPE_SOCKET_PAGE, name);
}

/* A widget of the page's TLS panel (its switch, facts) */
gpointer
ss_test_tls_panel_child (SsSocketPage *page,
                         const char   *name)
{
  return ss_test_template_child (ss_test_page_child (page, "tls_panel"), SS_TYPE_TLS_PANEL, name);
}

/* A widget of the TLS panel's options popover (made if not yet) */
gpointer
ss_test_tls_option (SsSocketPage *page,
                    const char   *name)
{
  SsTlsOptions *options = ss_tls_panel_get_options (ss_test_page_child (page, "tls_panel"));

  return ss_test_template_child (options, SS_TYPE_TLS_OPTIONS, name);
}

/* The send box's text and its line ending, inside the page's composer */
GtkTextView *
ss_test_send_text (SsSocketPage *page)
{
  return GTK_TEXT_VIEW (ss_composer_get_text_view (ss_test_page_child (page, "composer")));
}

SsDropDown *
ss_test_line_ending (SsSocketPage *page)
{
  return ss_test_template_child (ss_test_page_child (page, "composer"), SS_TYPE_COMPOSER,
                                 "line_ending_dropdown");
}

/* The value beside @key in the page's "Socket" facts. */
const char *
ss_test_info_value (SsSocketPage *page,
                    const char   *key)
{
  GtkGrid *grid = ss_test_page_child (page, "info_grid");

  for (int row = 0; gtk_grid_get_child_at (grid, 0, row) != NULL; row++)
    {
      GtkLabel *key_label = GTK_LABEL (gtk_grid_get_child_at (grid, 0, row));

      if (g_str_equal (gtk_label_get_text (key_label), key))
        return gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 1, row)));
    }
  g_error ("the page has no “%s” row", key);
}

typedef struct
{
  SsSocketPage *page;
  const char   *key;
  const char   *value;
  gboolean      prefix;
} InfoExpect;

static gboolean
info_shows (gpointer user_data)
{
  InfoExpect *expect = user_data;
  const char *value = ss_test_info_value (expect->page, expect->key);

  return expect->prefix ? g_str_has_prefix (value, expect->value)
                        : g_str_equal (value, expect->value);
}

void
ss_test_wait_info_full (SsSocketPage *page,
                        const char   *key,
                        const char   *value,
                        gboolean      prefix)
{
  InfoExpect expect = { page, key, value, prefix };

  if (!ss_test_try_wait_until (info_shows, &expect, SS_TEST_TIMEOUT_MS))
    g_error ("timed out waiting for “%s” to show %s“%s”; it shows “%s”", key,
             prefix ? "a value starting with " : "", value, ss_test_info_value (page, key));
}

typedef struct
{
  GtkRevealer *revealer;
  GtkLabel    *label;
  const char  *needle;
  const char  *not_before;  /* the text shown before, to see a new one */
} ErrorExpect;

static gboolean
error_shown (gpointer user_data)
{
  ErrorExpect *expect = user_data;
  const char *text = gtk_label_get_text (expect->label);

  return gtk_revealer_get_reveal_child (expect->revealer) &&
         gtk_widget_get_mapped (GTK_WIDGET (expect->label)) &&
         strstr (text, expect->needle) != NULL &&
         g_strcmp0 (text, expect->not_before) != 0;
}

/* Returns: (transfer none): the error the page shows */
const char *
ss_test_wait_page_error (SsSocketPage *page,
                         const char   *needle,
                         const char   *not_before)
{
  ErrorExpect expect = { ss_test_page_child (page, "error_revealer"),
                         ss_test_page_child (page, "error_label"),
                         needle, not_before };

  if (!ss_test_try_wait_until (error_shown, &expect, SS_TEST_TIMEOUT_MS))
    g_error ("timed out waiting for the page to show an error with “%s”; revealed: %d, text: “%s”",
             needle, gtk_revealer_get_reveal_child (expect.revealer),
             gtk_label_get_text (expect.label));
  return gtk_label_get_text (expect.label);
}

/* ------------------------------------------------------------------ */
/* a TCP socket's page, made and driven as a person would              */

/* A TCP socket made with the dropdowns, the sidebar's only row, and its
 * page once shown. */
SsSocketPage *
ss_test_new_tcp_page (SsTestWindow  *f,
                      SsSocket     **socket_out)
{
  SsSocket *socket;
  SsSocketPage *page;

  ss_test_window_create_socket (f, "AF_INET", "SOCK_STREAM");
  ss_test_wait_sidebar (f, "TCP socket", 0, NULL);
  socket = ss_test_sidebar_socket (f, 0, NULL);
  page = ss_test_wait_page (f, socket);
  if (socket_out != NULL)
    *socket_out = socket;
  return page;
}

void
ss_test_page_bind (SsSocketPage *page,
                   const char   *address)
{
  gtk_editable_set_text (ss_test_page_child (page, "bind_entry"), address);
  ss_test_click (page, "socket.bind");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "bound");
}

guint16
ss_test_page_listen (SsSocketPage *page)
{
  ss_test_click (page, "socket.listen");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "listening");
  return ss_test_port_of (ss_test_info_value (page, SS_TEST_INFO_LOCAL));
}

/* Connects through connect_entry, and takes the connection on the raw
 * @listener: the accepted raw end. */
int
ss_test_page_connect (SsSocketPage *page,
                      int           listener)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", ss_test_fd_local_port (listener));

  gtk_editable_set_text (ss_test_page_child (page, "connect_entry"), address);
  ss_test_click (page, "socket.connect");
  ss_test_wait_info (page, SS_TEST_INFO_STATE, "connected");
  return ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
}

/* A TCP socket made with the dropdowns, connected through connect_entry
 * to a raw listener of the test (its receive buffer @rcvbuf, 0: the
 * default); *peer_out is the accepted raw end. */
SsSocketPage *
ss_test_connected_client (SsTestWindow *f,
                          int           rcvbuf,
                          int          *listener_out,
                          int          *peer_out)
{
  guint16 port;
  SsSocketPage *page;

  *listener_out = ss_test_raw_listener (AF_INET, rcvbuf, &port);
  page = ss_test_new_tcp_page (f, NULL);
  *peer_out = ss_test_page_connect (page, *listener_out);
  return page;
}

void
ss_test_set_send_text (SsSocketPage *page,
                       const char   *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (ss_test_send_text (page)), text, -1);
}

/* ------------------------------------------------------------------ */
/* the traffic and call views                                          */

/* The traffic table: its children are the rows. */
GtkWidget *
ss_test_table_list (SsSocketPage *page)
{
  return ss_test_template_child (ss_test_page_child (page, "traffic_view"), SS_TYPE_TRAFFIC_VIEW, "table_view");
}

GListModel *
ss_test_traffic_model (SsSocketPage *page)
{
  return G_LIST_MODEL (gtk_grid_view_get_model (GTK_GRID_VIEW (ss_test_table_list (page))));
}

/* Returns: (transfer full) (nullable): the first entry of @kind holding
 * exactly @data */
SsTrafficEntry *
ss_test_find_entry (SsSocketPage  *page,
                    SsTrafficKind  kind,
                    const void    *data,
                    gsize          len)
{
  GListModel *model = ss_test_traffic_model (page);
  g_autoptr(GBytes) expected = g_bytes_new_static (data, len);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);

      if (ss_traffic_entry_get_kind (entry) == kind &&
          g_bytes_equal (ss_traffic_entry_get_bytes (entry), expected))
        return g_steal_pointer (&entry);
    }
  return NULL;
}

typedef struct
{
  SsSocketPage  *page;
  SsTrafficKind  kind;
  const void    *data;
  gsize          len;
} TrafficExpect;

static gboolean
traffic_has (gpointer user_data)
{
  TrafficExpect *expect = user_data;
  g_autoptr(SsTrafficEntry) entry = ss_test_find_entry (expect->page, expect->kind,
                                                        expect->data, expect->len);

  return entry != NULL;
}

SsTrafficEntry *
ss_test_wait_entry (SsSocketPage  *page,
                    SsTrafficKind  kind,
                    const void    *data,
                    gsize          len)
{
  TrafficExpect expect = { page, kind, data, len };

  ss_test_wait_until (traffic_has, &expect, SS_TEST_TIMEOUT_MS);
  return ss_test_find_entry (page, kind, data, len);
}

typedef struct
{
  const char *css_class;
  const char *text;
} LabelMatch;

/* Opens (or closes) @dropdown's list, as a click on it does. */
void
ss_test_dropdown_popup (SsDropDown *dropdown,
                        gboolean    open)
{
  ss_drop_down_set_open (dropdown, open);
  g_assert_true (ss_drop_down_get_open (dropdown) == open);
}

/* The text a label shows, or a cell's (an SsTextCell, or the inscription
 * of a Hex and Text row): the cells of the traffic table and the rows of
 * the call log; NULL for any other widget. */
const char *
ss_test_widget_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (SS_IS_TEXT_CELL (widget))
    return ss_text_cell_get_text (SS_TEXT_CELL (widget));
  if (GTK_IS_INSCRIPTION (widget))
    return gtk_inscription_get_text (GTK_INSCRIPTION (widget));
  return NULL;
}

static gboolean
is_label_showing (GtkWidget     *widget,
                  gconstpointer  data)
{
  const LabelMatch *match = data;

  const char *text;

  if ((text = ss_test_widget_text (widget)) == NULL)
    return FALSE;
  return gtk_widget_get_mapped (widget) &&
         gtk_widget_has_css_class (widget, match->css_class) &&
         g_strcmp0 (text, match->text) == 0;
}

typedef struct
{
  GtkWidget  *root;
  LabelMatch  match;
} ShownExpect;

static gboolean
label_shown (gpointer user_data)
{
  ShownExpect *expect = user_data;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  ss_test_collect_widgets (expect->root, is_label_showing, &expect->match, found);
  return found->len > 0;
}

/* A label of @css_class under @root shows exactly @text on screen. */
void
ss_test_wait_label_shown (gpointer    root,
                          const char *css_class,
                          const char *text)
{
  ShownExpect expect = { GTK_WIDGET (root), { css_class, text } };

  if (!ss_test_try_wait_until (label_shown, &expect, SS_TEST_TIMEOUT_MS))
    g_error ("timed out waiting for a .%s label showing “%s”", css_class, text);
}

GListModel *
ss_test_call_model (SsTestWindow *f)
{
  GtkGridView *call_rows = ss_test_template_child (f->call_view, SS_TYPE_CALL_VIEW,
                                                   "call_rows");

  return G_LIST_MODEL (gtk_grid_view_get_model (call_rows));
}

/* "socket bind listen": the call log view's rows by name. */
char *
ss_test_call_names (SsTestWindow *f)
{
  GListModel *model = ss_test_call_model (f);
  GString *names = g_string_new (NULL);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsCall) call = g_list_model_get_item (model, i);

      g_string_append_printf (names, "%s%s", i ? " " : "", ss_call_get_name (call));
    }
  return g_string_free (names, FALSE);
}

SsCall *
ss_test_call_at (SsTestWindow *f,
                 guint         position)
{
  SsCall *call = g_list_model_get_item (ss_test_call_model (f), position);

  g_assert_nonnull (call);
  return call;
}

/* ------------------------------------------------------------------ */
/* fixture                                                             */

static void
reset_settings (void)
{
  const char *id = g_application_get_application_id (G_APPLICATION (app));
  g_autoptr(GSettings) settings = g_settings_new (id);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

gboolean
ss_test_widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
pointer_is_null (gpointer pointer_location)
{
  return *(gpointer *) pointer_location == NULL;
}

static gboolean
all_pointers_null (gpointer user_data)
{
  GPtrArray *locations = user_data;

  for (guint i = 0; i < locations->len; i++)
    if (!pointer_is_null (locations->pdata[i]))
      return FALSE;
  return TRUE;
}

/* A weak pointer on every socket of @sockets and their connections. */
static void
watch_sockets (GListModel *sockets,
               GPtrArray  *locations)
{
  guint n = g_list_model_get_n_items (sockets);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsSocket) socket = g_list_model_get_item (sockets, i);
      gpointer *location = g_new (gpointer, 1);

      *location = socket;
      g_object_add_weak_pointer (G_OBJECT (socket), location);
      g_ptr_array_add (locations, location);
      watch_sockets (ss_socket_get_connections (socket), locations);
    }
}

/**
 * ss_test_window_init:
 *
 * gtk_test_init() and the one application every window of the program
 * belongs to: each GtkApplication exports the same object path on the
 * session bus, so a second one could not register while the first lives.
 */
/* Every GTK warning fails a test but one: GTK 4.8 itself, now and then
 * (once in some fifty runs of the whole suite, on a loaded machine),
 * draws a gizmo (a switch's slider, a scrollbar's) whose visibility
 * changed between its frame's layout and its drawing. It is printed, it
 * is harmless, and no code of ours can prevent it. */
static gboolean
is_known_race (const char     *log_domain,
               GLogLevelFlags  log_level,
               const char     *message)
{
  return g_strcmp0 (log_domain, "Gtk") == 0 && (log_level & G_LOG_LEVEL_WARNING) &&
         message != NULL && g_str_has_prefix (message, "Trying to snapshot GtkGizmo ") &&
         g_str_has_suffix (message, " without a current allocation");
}

static gboolean
fatal_unless_known_race (const char     *log_domain,
                         GLogLevelFlags  log_level,
                         const char     *message,
                         gpointer        user_data)
{
  return !is_known_race (log_domain, log_level, message);
}

/* GTK logs through the structured API, whose default writer makes a
 * warning fatal without asking the handler above: the known race is
 * printed here instead, everything else goes the default way. */
static GLogWriterOutput
write_log (GLogLevelFlags   log_level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
    else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
      message = fields[i].value;
  if (is_known_race (domain, log_level, message))
    {
      g_printerr ("# GTK 4.8's known race, not ours: %s\n", message);
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
ss_test_window_init (int    *argc,
                     char ***argv)
{
  g_autoptr(GError) error = NULL;

  g_log_set_writer_func (write_log, NULL, NULL);
  gtk_test_init (argc, argv, NULL);
  g_test_log_set_fatal_handler (fatal_unless_known_race, NULL);

  /* the payload history and library are the person's: tests keep theirs
   * in a directory of their own, removed at the end */
  data_home = g_dir_make_tmp ("sockscope-test-data-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  app = ss_application_new ();
  /* tests run in parallel: none may find another's instance on the bus */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
}

/* Not checked for finalization: an application that never ran never shut
 * down, and GTK's side of it keeps a reference until then. */
void
ss_test_window_shutdown (void)
{
  g_clear_object (&app);
  if (data_home != NULL)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (data_home);

      ss_test_remove_tree (dir);
      g_clear_pointer (&data_home, g_free);
    }
}

static void
clear_store (SsPayloadStore *store)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (store)) > 0)
    ss_payload_store_remove (store, 0);
}

/* A fresh window for one case, presented and mapped. */
void
ss_test_window_setup (SsTestWindow  *f,
                      gconstpointer  data)
{
  /* every case starts from the defaults, whatever the last one chose */
  reset_settings ();
  clear_store (ss_application_get_history (app));
  clear_store (ss_application_get_library (app));

  f->window = ss_window_new (app);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  f->session = ss_window_get_session (f->window);
  g_object_add_weak_pointer (G_OBJECT (f->session), (gpointer *) &f->session);

  f->new_socket_box = ss_test_template_child (f->window, SS_TYPE_WINDOW, "new_socket_box");
  f->socket_list = ss_test_template_child (f->window, SS_TYPE_WINDOW, "socket_list");
  f->pages = ss_test_template_child (f->window, SS_TYPE_WINDOW, "pages");
  f->call_view = ss_test_template_child (f->window, SS_TYPE_WINDOW, "call_view");
  f->error_bar = ss_test_template_child (f->window, SS_TYPE_WINDOW, "error_bar");
  f->error_label = ss_test_template_child (f->window, SS_TYPE_WINDOW, "error_label");

  gtk_window_present (GTK_WINDOW (f->window));
  ss_test_wait_until (ss_test_widget_mapped, f->window, SS_TEST_TIMEOUT_MS);

  /* a fresh window: nothing in it yet */
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_sidebar_model (f)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->pages), ==, "empty");
  g_assert_cmpuint (g_list_model_get_n_items (ss_test_call_model (f)), ==, 0);
  g_assert_false (gtk_info_bar_get_revealed (f->error_bar));
}

/* Destroys the window and checks that it, its session and every socket
 * are freed: no row, page or pending call may hold on to them. */
void
ss_test_window_teardown (SsTestWindow  *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_free);

  if (f->session != NULL)
    watch_sockets (ss_session_get_sockets (f->session), sockets);
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));

  ss_test_wait_until (pointer_is_null, &f->window, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (pointer_is_null, &f->session, SS_TEST_TIMEOUT_MS);
  ss_test_wait_until (all_pointers_null, sockets, SS_TEST_TIMEOUT_MS);
  ss_test_drain_main_context ();
}
