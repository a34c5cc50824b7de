/* ss-traffic-view-private.h — what ss-traffic-view.c and its connection
 * filter share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-conversation-view.h"
#include "ss-drop-down.h"
#include "ss-framing-box.h"
#include "ss-message-log.h"
#include "ss-time-format.h"
#include "ss-traffic-row.h"
#include "ss-traffic-view.h"

G_BEGIN_DECLS

/* the items of layout_dropdown, in order */
enum { LAYOUT_TABLE, LAYOUT_CONVERSATION, LAYOUT_SIDE_BY_SIDE };

struct _SsTrafficView
{
  GtkWidget          parent_instance;

  GtkWidget         *content;
  GtkScrolledWindow *scrolled_window;
  SsTrafficRow      *table_header;  /* the titles, a row like the table's */
  GtkGridView       *table_view;
  guint              columns;       /* shown: a mask of 1 << SsTrafficColumn */
  GHashTable        *bound_items;   /* the table's bound GtkListItems */
  SsTimeFormat      *time_format;
  SsDropDown        *direction_dropdown;
  SsDropDown        *format_dropdown;
  GtkTextView       *details_view;
  GtkWidget         *details_pane;
  SsDropDown        *layout_dropdown;
  GtkStack          *layout_stack;
  SsConversationView *conversation_view;
  GtkToggleButton   *find_button;
  GtkSearchBar      *search_bar;
  GtkSearchEntry    *search_entry;
  GtkCheckButton    *hex_check;
  GtkLabel          *find_status;

  SsDropDown        *connection_dropdown;

  GtkFilter         *direction_filter;
  SsTrafficLog      *log;        /* shown */
  SsTrafficLog      *all_log;    /* what set_log() gave: a listener's, all connections */
  GListModel        *connections;
  gboolean           show_peer;

  /* messages (ss-traffic-view-messages.c) */
  GtkMenuButton     *entry_menu_button;
  GMenuModel        *entry_menu;
  GtkMenuButton     *messages_button;
  SsFramingBox      *framing_box;
  SsFramerSpec       framing;
  SsMessageLog      *messages;    /* the rows, when framed */
  SsChecksum        *verify;      /* each message's, or NULL */
  gboolean           side_by_side;  /* the data as a hex dump */
  guint              hexdump_per_line;
  guint              hexdump_tick;
};

void ss_traffic_view_show_log                (SsTrafficView *self,
                                              SsTrafficLog  *log);
void ss_traffic_view_connection_changed      (SsTrafficView *self);
guint ss_traffic_view_get_kinds              (SsTrafficView *self);
GtkFilterListModel *ss_traffic_view_get_filter_model (SsTrafficView *self);
void ss_traffic_view_install_find            (GtkWidgetClass *widget_class);
void ss_traffic_view_only_connection_action  (GtkWidget     *widget,
                                              const char    *action_name,
                                              GVariant      *parameter);

void ss_traffic_view_show_rows               (SsTrafficView *self);
void ss_traffic_view_update_columns          (SsTrafficView *self);
void ss_traffic_view_bind_hexdump            (SsTrafficView *self,
                                              GtkListItem   *item);
void ss_traffic_view_select_row              (SsTrafficView *self,
                                              guint          position);

GListModel *ss_traffic_view_get_rows         (SsTrafficView *self);
void  ss_traffic_view_frame                  (SsTrafficView *self);
guint ss_traffic_view_rows_find              (SsTrafficView *self,
                                              const guint8  *needle,
                                              gsize          len,
                                              guint          from,
                                              gboolean       backward,
                                              guint          kinds);
guint ss_traffic_view_rows_count_kinds       (SsTrafficView *self,
                                              guint          kinds,
                                              guint          end);
guint ss_traffic_view_rows_nth_of_kinds      (SsTrafficView *self,
                                              guint          kinds,
                                              guint          n);
char *ss_traffic_view_dup_details_heading    (SsTrafficView  *self,
                                              SsTrafficEntry *entry);
void  ss_traffic_view_set_side_by_side       (SsTrafficView *self,
                                              gboolean       side_by_side);
void  ss_traffic_view_init_messages          (SsTrafficView *self);
void  ss_traffic_view_dispose_messages       (SsTrafficView *self);
void  ss_traffic_view_install_messages       (GtkWidgetClass *widget_class);

G_END_DECLS
