/* ss-follow-tail.c — keep a growing list scrolled to its end, until the person scrolls up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include "ss-follow-tail.h"

typedef struct
{
  gboolean following;
  gboolean adjusting;
} FollowTail;

/* New rows raise "upper": stay at the end if we were there. */
static void
upper_changed_cb (GtkAdjustment *adjustment,
                  GParamSpec    *pspec,
                  FollowTail    *state)
{
  if (!state->following)
    return;
  state->adjusting = TRUE;
  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) -
                            gtk_adjustment_get_page_size (adjustment));
  state->adjusting = FALSE;
}

/* The person scrolled: follow again only once they are back at the end. */
static void
value_changed_cb (GtkAdjustment *adjustment,
                  FollowTail    *state)
{
  if (state->adjusting)
    return;
  state->following = gtk_adjustment_get_value (adjustment) +
                     gtk_adjustment_get_page_size (adjustment) >=
                     gtk_adjustment_get_upper (adjustment) - 2;
}

void
ss_follow_tail_attach (GtkScrolledWindow *scrolled_window)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled_window);
  FollowTail *state = g_new0 (FollowTail, 1);

  state->following = TRUE;
  g_object_set_data_full (G_OBJECT (adjustment), "ss-follow-tail", state, g_free);
  g_signal_connect (adjustment, "notify::upper", G_CALLBACK (upper_changed_cb), state);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (value_changed_cb), state);
}
