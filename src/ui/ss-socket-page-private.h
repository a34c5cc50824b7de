/* ss-socket-page-private.h — what ss-socket-page.c and its actions share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-composer.h"
#include "ss-drop-down.h"
#include "ss-error.h"
#include "ss-options-panel.h"
#include "ss-repeat.h"
#include "ss-socket-page.h"
#include "ss-traffic-view.h"

G_BEGIN_DECLS

typedef enum
{
  INFO_FD,
  INFO_KIND,
  INFO_STATE,
  INFO_LOCAL,
  INFO_PEER,
  INFO_RECEIVED,
  INFO_SENT,
  INFO_QUEUED,
  INFO_READABLE,
  INFO_UNSENT,
  INFO_TCP_STATE,
  INFO_RTT,
  INFO_ACCEPT_QUEUE,
  N_INFO
} InfoRow;

struct _SsSocketPage
{
  GtkWidget      parent_instance;

  GtkRevealer   *error_revealer;
  GtkImage      *error_icon;
  GtkLabel      *error_label;
  GtkLabel      *explanation_label;
  GtkSwitch     *auto_receive_switch;
  GtkSpinButton *recv_size_spin;
  SsDropDown    *shutdown_dropdown;
  SsDropDown    *mode_dropdown;
  GtkSpinButton *timeout_spin;
  GCancellable  *wait_cancellable;
  GtkWidget     *destination_box;
  GtkWidget     *send_progress_box;
  GtkWidget     *echo_button;
  GtkButton     *record_button;
  guint16        echo_sequence;
  guint64        send_size;     /* of the send() under way, for its message */
  GtkProgressBar *send_progress;
  guint64        send_peak;     /* the most queued since the queue was empty */
  GtkEntry      *destination_entry;
  GtkLabel      *title_label;
  GtkWidget     *exposure_label;
  GtkEntry      *bind_entry;
  GtkSpinButton *backlog_spin;
  GtkSwitch     *auto_accept_switch;
  GtkSwitch     *close_on_peer_close_switch;
  GtkEntry      *connect_entry;
  GtkGrid       *calls_grid;
  GtkWidget     *calls_column;
  gboolean       was_listening;  /* what the socket became: calls shown */
  gboolean       was_connected;
  char          *bind_prefill;   /* what the bind address started with */
  GtkGrid       *info_grid;
  GtkExpander   *options_expander;
  SsOptionsPanel *options_panel;   /* made when first expanded */
  GtkExpander   *reply_rules_expander;
  SsTrafficView *traffic_view;
  SsComposer    *composer;
  SsDropDown    *target_dropdown;
  GtkPopover    *repeat_popover;
  GtkSpinButton *repeat_interval_spin;
  GtkSpinButton *repeat_count_spin;
  SsRepeat      *repeat;
  GPtrArray     *send_targets;  /* a listener's connections being sent to */

  GtkLabel      *info_values[N_INFO];

  SsSocket      *socket;
  GSettings     *settings;
  GCancellable  *cancellable;
  guint          kernel_view_id;
  guint          counters_id;    /* bytes in and out, shown soon */
  gint64         counters_shown;
  gboolean       showing_all;    /* a listener's log of every connection */
  /* the socket's address as its kept framing is named, and whether the
   * person chose a framing here (ss-socket-page-framing.c) */
  char          *framing_key;
  gboolean       framing_chosen;
};

SsOptionsPanel *ss_socket_page_get_options_panel (SsSocketPage *self);
void          ss_socket_page_install_actions  (GtkWidgetClass *widget_class);
/* ss-socket-page-intercept.c */
void          ss_socket_page_install_intercept (GtkWidgetClass *widget_class);
void          ss_socket_page_setup_intercept  (SsSocketPage   *self);
gboolean      ss_socket_page_inject           (SsSocketPage   *self,
                                               GBytes         *payload);
void          ss_socket_page_build_info_grid  (SsSocketPage   *self);
void          ss_socket_page_show_info_rows   (SsSocketPage   *self);
void          ss_socket_page_update_info      (SsSocketPage   *self);
gboolean      ss_socket_page_refresh_kernel_view (gpointer     user_data);
void          ss_socket_page_install_send_actions (GtkWidgetClass *widget_class);
gboolean      ss_socket_page_save_log         (SsSocketPage   *self,
                                               SsExportFormat  format,
                                               const char     *path);
void          ss_socket_page_setup_send       (SsSocketPage   *self);
void          ss_socket_page_setup_framing    (SsSocketPage   *self);
void          ss_socket_page_update_calls_shown (SsSocketPage *self);
void          ss_socket_page_prefill_bind     (SsSocketPage   *self);
void          ss_socket_page_bind_host_changed (SsSocketPage  *self);
void          ss_socket_page_update_send_controls (SsSocketPage *self);
void          ss_socket_page_update_send_progress (SsSocketPage *self);
void          ss_socket_page_forget_send_targets  (SsSocketPage *self);
void          ss_socket_page_show_message     (SsSocketPage   *self,
                                               const char     *message,
                                               const char     *explanation,
                                               gboolean        is_error);
void          ss_socket_page_show_error       (SsSocketPage   *self,
                                               const GError   *error);
void          ss_socket_page_dismiss_message  (SsSocketPage   *self);
void          ss_socket_page_show_backlog     (SsSocketPage   *self);
GCancellable *ss_socket_page_start_waiting    (SsSocketPage   *self);
void          ss_socket_page_show_waiting     (SsSocketPage   *self,
                                               const char     *call);
void          ss_socket_page_stop_waiting     (SsSocketPage   *self);

G_END_DECLS
