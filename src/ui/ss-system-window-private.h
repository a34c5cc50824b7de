/* ss-system-window-private.h — the System Sockets window's insides, shared with its actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-system-model.h"
#include "ss-system-window.h"
#include "ss-tcp-plots.h"

G_BEGIN_DECLS

struct _SsSystemWindow
{
  GtkWindow           parent_instance;

  GtkToggleButton    *pause_button;
  GtkSearchEntry     *search_entry;
  GtkLabel           *message_label;
  GtkLabel           *limits_label;
  GtkColumnView      *column_view;
  GtkLabel           *counts_label;
  GtkToggleButton    *plots_button;
  GtkWidget          *plots_pane;
  GtkLabel           *plots_title;
  SsTcpPlots         *plots;
  guint64             plotted;     /* the cookie of the socket plotted, or 0 */
  GMenuModel         *row_menu;
  GtkWidget          *row_popover;

  GSettings          *settings;
  GSimpleActionGroup *actions;
  SsSystemModel      *model;
  GtkSingleSelection *selection;
  GCancellable       *cancellable;
  SsSystemQuery       query;
  guint               timeout_id;
  gboolean            paused;
  gboolean            busy;        /* a worker is running */
  gboolean            want_refresh;
  gboolean            want_order;
  SsSystemResult     *filling;     /* shown a few rows a frame (fill_tick_cb()) */
  guint               n_filled;
  GHashTable         *bound;       /* GtkListItem → bound_value(): the cells on screen */
  guint               generation;  /* of the rows shown: one more each change */
  SsSystemColumn      probed;      /* set by probe_compare() */
  gint64              last_duration;
};

const SsSystemEntry *_ss_system_window_selected_entry (SsSystemWindow *self);
void                 _ss_system_window_show_message   (SsSystemWindow *self,
                                                       const char     *text,
                                                       gboolean        is_error);
void                 _ss_system_window_run            (SsSystemWindow *self,
                                                       gboolean        refresh);
void                 _ss_system_window_add_actions    (SsSystemWindow *self);
void                 _ss_system_window_update_plots   (SsSystemWindow *self);

G_END_DECLS
