/* ss-poller.c — one main-loop source watching every socket through epoll
 *
 * A GSource per socket made GLib walk every descriptor on every turn of
 * the main loop: it builds the poll set anew, poll(2) asks each socket,
 * and adding a descriptor walks the whole set to keep it sorted. With
 * 10,000 connections held that was most of the time the window spent per
 * accepted connection. Here the main loop polls one descriptor, an epoll
 * set that the kernel keeps, and a turn costs what is ready, not what is
 * watched.
 *
 * One poller per main context, shared by the watches made while it is
 * the thread's default, and gone with its last watch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "ss-poller.h"

/* Ready descriptors handled per dispatch, and for how long: the rest
 * wait for the next turn (epoll reports them again), so that the window
 * draws between batches however many are ready. */
#define MAX_EVENTS         256
#define DISPATCH_BUDGET_US 8000
/* The poller waits for the window's layout and drawing (it is below
 * their priority), but never longer than this while sockets are ready: a
 * list laying out a thousand new rows frame after frame took the main
 * loop for half a second of a burst of connections, and their lines
 * waited in the kernel meanwhile. Then the guard, above the window's
 * priorities, runs a batch. */
#define STARVED_MS         24

typedef struct
{
  GSource       source;
  GMainContext *context;    /* weak: the key in `pollers` */
  int           epoll_fd;
  guint         n_watches;
  guint         dispatching;
  GPtrArray    *freed;      /* watches freed while dispatching */
  gint64        last_run;   /* monotonic µs: the last batch's start */
  GSource      *guard;      /* while sockets were ready at the last batch */
} SsPoller;

struct _SsPollerWatch
{
  SsPoller     *poller;
  int           fd;
  GIOCondition  condition;
  gboolean      freed;
  gboolean      urgent;
  SsPollerFunc  func;
  gpointer      user_data;
};

/* GMainContext → SsPoller */
static GHashTable *pollers;
G_LOCK_DEFINE_STATIC (pollers);

static GIOCondition
condition_from_epoll (guint32 events)
{
  return ((events & EPOLLIN) ? G_IO_IN : 0) |
         ((events & EPOLLOUT) ? G_IO_OUT : 0) |
         ((events & EPOLLPRI) ? G_IO_PRI : 0) |
         ((events & EPOLLERR) ? G_IO_ERR : 0) |
         ((events & EPOLLHUP) ? G_IO_HUP : 0);
}

static guint32
epoll_from_condition (GIOCondition condition)
{
  return ((condition & G_IO_IN) ? EPOLLIN : 0) |
         ((condition & G_IO_OUT) ? EPOLLOUT : 0) |
         ((condition & G_IO_PRI) ? EPOLLPRI : 0);
}

static gboolean guard_cb (gpointer user_data);

/* Takes a batch of what is ready; FALSE when nothing was */
static gboolean
poller_run (SsPoller *self)
{
  struct epoll_event events[MAX_EVENTS];
  gint64 start;
  int n;

  n = epoll_wait (self->epoll_fd, events, G_N_ELEMENTS (events), 0);
  if (n < 0 && errno != EINTR)
    g_critical ("epoll_wait: %s", g_strerror (errno));

  /* A watch freed by an earlier callback of this batch may still have an
   * event in it: it is only marked, and released after the batch.
   *
   * Urgent watches go first (a listener: clients that do not wait fill
   * its accept queue, and each SYN the kernel then drops costs a client a
   * second); the others until the budget is spent. */
  self->dispatching++;
  start = self->last_run = g_get_monotonic_time ();
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < n; i++)
      {
        SsPollerWatch *watch = events[i].data.ptr;
        GIOCondition revents;

        if (watch->freed || watch->condition == 0 || watch->urgent != (pass == 0))
          continue;
        if (pass == 1 && i % 8 == 7 && g_get_monotonic_time () - start > DISPATCH_BUDGET_US)
          break;
        /* what was asked for when the batch was read, and not since taken
         * back; errors and hang-ups are always reported */
        revents = condition_from_epoll (events[i].events) & (watch->condition | G_IO_ERR | G_IO_HUP);
        if (revents != 0)
          watch->func (revents, watch->user_data);
      }
  if (--self->dispatching == 0)
    g_ptr_array_set_size (self->freed, 0);
  return n > 0;
}

static gboolean
poller_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  SsPoller *self = (SsPoller *) source;

  if (poller_run (self) && self->guard == NULL)
    {
      self->guard = g_timeout_source_new (STARVED_MS);
      g_source_set_priority (self->guard, G_PRIORITY_HIGH_IDLE);
      g_source_set_static_name (self->guard, "[sockscope] sockets, starved");
      g_source_set_callback (self->guard, guard_cb, self, NULL);
      g_source_attach (self->guard, self->context);
    }
  return G_SOURCE_CONTINUE;
}

static void
guard_stop (SsPoller *self)
{
  if (self->guard == NULL)
    return;
  g_source_destroy (self->guard);
  g_clear_pointer (&self->guard, g_source_unref);
}

/* Runs a batch if the poller has not for STARVED_MS; ends once a batch
 * finds nothing ready, so an idle window sleeps. */
static gboolean
guard_cb (gpointer user_data)
{
  SsPoller *self = user_data;
  gboolean more;

  if (g_get_monotonic_time () - self->last_run < STARVED_MS * 1000)
    return G_SOURCE_CONTINUE;
  /* a callback may release the poller's last watch */
  g_source_ref ((GSource *) self);
  more = poller_run (self);
  if (!more)
    guard_stop (self);
  g_source_unref ((GSource *) self);
  return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
poller_finalize (GSource *source)
{
  SsPoller *self = (SsPoller *) source;

  guard_stop (self);
  close (self->epoll_fd);
  g_ptr_array_unref (self->freed);
}

static GSourceFuncs poller_funcs = {
  .dispatch = poller_dispatch,
  .finalize = poller_finalize,
};

/* The poller of the thread's default main context, made when there is
 * none yet. */
static SsPoller *
poller_get (void)
{
  GMainContext *context = g_main_context_get_thread_default ();
  SsPoller *self;

  if (context == NULL)
    context = g_main_context_default ();

  G_LOCK (pollers);
  if (pollers == NULL)
    pollers = g_hash_table_new (NULL, NULL);
  self = g_hash_table_lookup (pollers, context);
  if (self == NULL)
    {
      int epoll_fd = epoll_create1 (EPOLL_CLOEXEC);

      /* only when out of descriptors or memory, which nothing here can
       * recover from */
      if (epoll_fd < 0)
        g_error ("epoll_create1: %s", g_strerror (errno));

      self = (SsPoller *) g_source_new (&poller_funcs, sizeof (SsPoller));
      self->context = context;
      self->epoll_fd = epoll_fd;
      self->freed = g_ptr_array_new_with_free_func (g_free);
      /* Below GTK's layout and redraw priorities: however hard a peer
       * floods, the window still draws and takes input between batches. */
      g_source_set_priority ((GSource *) self, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_static_name ((GSource *) self, "[sockscope] sockets");
      /* GLib blocks a source that cannot recurse while it dispatches: it
       * takes the epoll descriptor out of its poll set and puts it back,
       * and wakes the context to do so, three syscalls and an empty turn
       * of the loop per dispatch. A nested dispatch is safe here (a watch
       * freed meanwhile is only marked until the outermost one ends). */
      g_source_set_can_recurse ((GSource *) self, TRUE);
      g_source_add_unix_fd ((GSource *) self, epoll_fd, G_IO_IN);
      g_source_attach ((GSource *) self, context);
      g_hash_table_insert (pollers, context, self);
    }
  self->n_watches++;
  G_UNLOCK (pollers);
  return self;
}

static void
poller_release (SsPoller *self)
{
  gboolean last;

  G_LOCK (pollers);
  last = --self->n_watches == 0;
  if (last)
    g_hash_table_remove (pollers, self->context);
  G_UNLOCK (pollers);

  if (last)
    {
      guard_stop (self);
      g_source_destroy ((GSource *) self);
      g_source_unref ((GSource *) self);
    }
}

/**
 * ss_poller_watch_new:
 * @fd: a descriptor, open as long as the watch is
 * @func: called with what @fd is ready for
 * @user_data: for @func
 *
 * A watch on @fd in the thread's default main context, asking for
 * nothing until ss_poller_watch_set_condition().
 */
SsPollerWatch *
ss_poller_watch_new (int          fd,
                     SsPollerFunc func,
                     gpointer     user_data)
{
  SsPollerWatch *watch = g_new0 (SsPollerWatch, 1);

  watch->poller = poller_get ();
  watch->fd = fd;
  watch->func = func;
  watch->user_data = user_data;
  return watch;
}

/* With nothing asked for, the descriptor leaves the set: poll and epoll
 * report hang-ups and errors whatever is asked, and a dead connection
 * would otherwise wake the loop forever. */
void
ss_poller_watch_set_condition (SsPollerWatch *watch,
                               GIOCondition   condition)
{
  struct epoll_event event = { .events = epoll_from_condition (condition), .data.ptr = watch };
  int op;

  if (condition == watch->condition)
    return;
  if (condition == 0)
    op = EPOLL_CTL_DEL;
  else if (watch->condition == 0)
    op = EPOLL_CTL_ADD;
  else
    op = EPOLL_CTL_MOD;

  /* fails only for a descriptor that is not open, which is the caller's
   * bug */
  if (epoll_ctl (watch->poller->epoll_fd, op, watch->fd, &event) < 0)
    g_critical ("epoll_ctl (%d): %s", watch->fd, g_strerror (errno));
  watch->condition = condition;
}

GIOCondition
ss_poller_watch_get_condition (SsPollerWatch *watch)
{
  return watch->condition;
}

/* Before the descriptor is closed: epoll follows the open file, not the
 * number, and a file still open in another process would stay in the set. */
void
ss_poller_watch_free (SsPollerWatch *watch)
{
  SsPoller *poller = watch->poller;

  ss_poller_watch_set_condition (watch, 0);
  if (poller->dispatching > 0)
    {
      watch->freed = TRUE;
      g_ptr_array_add (poller->freed, watch);
    }
  else
    g_free (watch);
  poller_release (poller);
}

/**
 * ss_poller_watch_set_urgent:
 *
 * An urgent watch is called before the others ready at the same time,
 * and never waits for the next turn.
 */
void
ss_poller_watch_set_urgent (SsPollerWatch *watch,
                            gboolean       urgent)
{
  g_return_if_fail (watch != NULL);
  watch->urgent = urgent != FALSE;
}
