/* ss-follow-tail.c — keep a growing list scrolled to its end, until the person scrolls up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include "ss-follow-tail.h"

typedef struct
{
  GtkAdjustment *adjustment;  /* not a ref: the state lives on it */
  gboolean       following;
  guint          scroll_id;   /* a scroll to the end, pending */
  double         scroll_from; /* the value when it was asked for */
  double         last_value;  /* as value_changed_cb() last saw it */
  double         last_upper;  /* as size_changed_cb() last saw it */
} FollowTail;

static void
follow_tail_free (gpointer data)
{
  FollowTail *state = data;

  g_clear_handle_id (&state->scroll_id, g_source_remove);
  g_free (state);
}

static gboolean
at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 2;
}

static gboolean
scroll_to_end_cb (gpointer user_data)
{
  FollowTail *state = user_data;
  GtkAdjustment *adjustment = state->adjustment;

  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) -
                            gtk_adjustment_get_page_size (adjustment));
  state->scroll_id = 0;
  return G_SOURCE_REMOVE;
}

/* New rows raise "upper": stay at the end if we were there. Not from
 * inside the notification: it comes while the list configures the
 * adjustment, and the list would put its own position back on the next
 * layout. An idle scroll is one the list sees. */
static void
size_changed_cb (GtkAdjustment *adjustment,
                 GParamSpec    *pspec,
                 FollowTail    *state)
{
  double value = gtk_adjustment_get_value (adjustment);

  /* Scrolled to the end just now, and the list grew in its own handler of
   * that scroll (GTK 4.8's list view measures the rows it had estimated),
   * before value_changed_cb() heard of the scroll: that is still the end
   * the person went to, not 31 px short of it. */
  if (!state->following && value != state->last_value &&
      value + gtk_adjustment_get_page_size (adjustment) >= state->last_upper - 2)
    state->following = TRUE;
  state->last_upper = gtk_adjustment_get_upper (adjustment);

  if (state->following && state->scroll_id == 0)
    {
      state->scroll_from = value;
      state->scroll_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 20, scroll_to_end_cb, state, NULL);
    }
}

/* The person scrolled: follow again only once they are back at the end.
 * While a scroll to the end is pending, a small move is the list's
 * relayout; a move up by more than a page is the person, and wins.
 * A move down never stops following: it is the list keeping its anchor
 * while rows above it are measured taller (a person scrolling down
 * towards the end means to follow anyway). */
static void
value_changed_cb (GtkAdjustment *adjustment,
                  FollowTail    *state)
{
  double value = gtk_adjustment_get_value (adjustment);
  gboolean moved_down = value >= state->last_value;

  state->last_value = value;
  if (state->scroll_id != 0)
    {
      if (value >= state->scroll_from - gtk_adjustment_get_page_size (adjustment))
        return;
      g_clear_handle_id (&state->scroll_id, g_source_remove);
    }
  state->following = at_end (adjustment) || (state->following && moved_down);
}

void
ss_follow_tail_attach (GtkScrolledWindow *scrolled_window)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled_window);
  FollowTail *state = g_new0 (FollowTail, 1);

  state->adjustment = adjustment;
  state->following = TRUE;
  state->last_value = gtk_adjustment_get_value (adjustment);
  state->last_upper = gtk_adjustment_get_upper (adjustment);
  g_object_set_data_full (G_OBJECT (adjustment), "ss-follow-tail", state, follow_tail_free);
  g_signal_connect (adjustment, "notify::upper", G_CALLBACK (size_changed_cb), state);
  g_signal_connect (adjustment, "notify::page-size", G_CALLBACK (size_changed_cb), state);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (value_changed_cb), state);
}
