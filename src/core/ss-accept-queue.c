/* ss-accept-queue.c — a listener's accept queue, drained by a thread of
 * its own
 *
 * The kernel keeps at most the backlog of connections waiting for
 * accept(); past it, it drops their SYNs and each client waits a second
 * for its retry. Clients that do not wait (a load test, a loop of
 * blocking connects) fill 4,096 places in a third of a second, less than
 * the window may spend laying out a list. So a listener that accepts
 * automatically takes its connections from a thread that does nothing
 * else: accept4() as soon as the kernel has one, into a queue the main
 * loop empties at its own pace. Everything else about a connection
 * (its socket object, its logs, its calls) stays on the main loop.
 *
 * The thread polls the listener through an epoll set of its own, so the
 * kernel's fdinfo shows the listener polled exactly while it is. When
 * accept4() fails for want of descriptors or memory, it leaves the
 * listener out of that set for a second, then tries again: no busy loop
 * on a connection that cannot be taken.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ss-accept-queue.h"

#define MAX_BATCH 4096
#define RETRY_MS  1000

struct _SsAcceptQueue
{
  int            listen_fd;
  int            epoll_fd;   /* the thread's: the listener and stop_fd */
  int            stop_fd;    /* eventfd: written to end the thread */
  int            notify_fd;  /* eventfd: written by the thread, read on the main loop */
  GThread       *thread;

  GMutex         lock;
  GArray        *pending;    /* of SsAccepted, filled by the thread */

  /* the main loop's side */
  GArray        *taken;      /* swapped with pending when used up */
  guint          next;
  SsPollerWatch *watch;
  SsPollerFunc   ready;
  gpointer       user_data;
};

static void
notify (int fd)
{
  guint64 one = 1;

  while (write (fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
}

static gboolean
watch_listener (SsAcceptQueue *self,
                int            op)
{
  struct epoll_event event = { .events = EPOLLIN, .data.fd = self->listen_fd };

  return epoll_ctl (self->epoll_fd, op, self->listen_fd, &event) == 0;
}

/* Takes what the kernel has queued; FALSE when accept4() failed (the
 * listener is then out of the set) */
static gboolean
drain (SsAcceptQueue *self)
{
  gboolean added = FALSE;
  gboolean listening = TRUE;

  for (guint i = 0; i < MAX_BATCH; i++)
    {
      SsAccepted accepted = { .len = sizeof accepted.address };

      accepted.fd = accept4 (self->listen_fd, (struct sockaddr *) &accepted.address, &accepted.len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (accepted.fd < 0)
        {
          accepted.errsv = errno;
          if (accepted.errsv == EAGAIN || accepted.errsv == EWOULDBLOCK)
            break;
          if (accepted.errsv == EINTR || accepted.errsv == ECONNABORTED)
            continue;
          /* out of descriptors or memory: the connection stays queued in
           * the kernel; stop looking before the main loop hears of it */
          watch_listener (self, EPOLL_CTL_DEL);
          listening = FALSE;
        }
      g_mutex_lock (&self->lock);
      g_array_append_val (self->pending, accepted);
      g_mutex_unlock (&self->lock);
      added = TRUE;
      if (!listening)
        break;
    }
  if (added)
    notify (self->notify_fd);
  return listening;
}

static gpointer
run (gpointer data)
{
  SsAcceptQueue *self = data;
  gboolean listening = TRUE;

  for (;;)
    {
      struct epoll_event events[2];
      int n = epoll_wait (self->epoll_fd, events, G_N_ELEMENTS (events), listening ? -1 : RETRY_MS);
      gboolean stop = FALSE, readable = FALSE;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      for (int i = 0; i < n; i++)
        {
          stop |= events[i].data.fd == self->stop_fd;
          readable |= events[i].data.fd == self->listen_fd;
        }
      if (stop)
        break;
      if (!listening && n == 0)
        listening = watch_listener (self, EPOLL_CTL_ADD);
      else if (listening && readable)
        listening = drain (self);
    }
  return NULL;
}

static void
notified_cb (GIOCondition revents,
             gpointer     user_data)
{
  SsAcceptQueue *self = user_data;
  guint64 count;

  while (read (self->notify_fd, &count, sizeof count) < 0 && errno == EINTR)
    ;
  self->ready (revents, self->user_data);
}

/**
 * ss_accept_queue_new:
 * @listen_fd: a listening socket (non-blocking)
 * @ready: called on the main loop when there is something to pop
 *
 * Returns: (transfer full) (nullable): the queue, its thread started; NULL
 *   when the system refused a descriptor or a thread
 */
SsAcceptQueue *
ss_accept_queue_new (int          listen_fd,
                     SsPollerFunc ready,
                     gpointer     user_data)
{
  SsAcceptQueue *self = g_new0 (SsAcceptQueue, 1);
  struct epoll_event stop = { .events = EPOLLIN };
  g_autoptr(GError) error = NULL;

  self->listen_fd = listen_fd;
  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  self->stop_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  self->notify_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  g_mutex_init (&self->lock);
  self->pending = g_array_new (FALSE, FALSE, sizeof (SsAccepted));
  self->taken = g_array_new (FALSE, FALSE, sizeof (SsAccepted));
  self->ready = ready;
  self->user_data = user_data;
  stop.data.fd = self->stop_fd;
  if (self->epoll_fd < 0 || self->stop_fd < 0 || self->notify_fd < 0 ||
      epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, self->stop_fd, &stop) < 0 ||
      !watch_listener (self, EPOLL_CTL_ADD))
    {
      ss_accept_queue_free (self);
      return NULL;
    }
  self->watch = ss_poller_watch_new (self->notify_fd, notified_cb, self);
  ss_poller_watch_set_condition (self->watch, G_IO_IN);
  /* what a burst brings is taken before the connections' own reads */
  ss_poller_watch_set_urgent (self->watch, TRUE);
  self->thread = g_thread_try_new ("sockscope-accept", run, self, &error);
  if (self->thread == NULL)
    {
      g_warning ("Cannot start a thread to accept connections: %s", error->message);
      ss_accept_queue_free (self);
      return NULL;
    }
  return self;
}

/**
 * ss_accept_queue_pop:
 *
 * Takes the oldest connection (or failure) the thread accepted. Main loop
 * only.
 *
 * Returns: FALSE when there is none
 */
gboolean
ss_accept_queue_pop (SsAcceptQueue *self,
                     SsAccepted    *accepted)
{
  if (self->next >= self->taken->len)
    {
      GArray *swap;

      g_array_set_size (self->taken, 0);
      self->next = 0;
      g_mutex_lock (&self->lock);
      swap = self->pending;
      self->pending = self->taken;
      self->taken = swap;
      g_mutex_unlock (&self->lock);
      if (self->taken->len == 0)
        return FALSE;
    }
  *accepted = g_array_index (self->taken, SsAccepted, self->next++);
  return TRUE;
}

/* The ready callback again on a later turn: what is left of a batch the
 * main loop had no time for. */
void
ss_accept_queue_remind (SsAcceptQueue *self)
{
  notify (self->notify_fd);
}

/**
 * ss_accept_queue_stop:
 *
 * Ends the thread: nothing more is accepted; what it took can still be
 * popped.
 */
void
ss_accept_queue_stop (SsAcceptQueue *self)
{
  if (self->thread == NULL)
    return;
  notify (self->stop_fd);
  g_thread_join (self->thread);
  self->thread = NULL;
}

/**
 * ss_accept_queue_free:
 *
 * Stops the thread; the connections it accepted and nobody popped are
 * closed, as the kernel closes those still queued when a listener goes.
 */
void
ss_accept_queue_free (SsAcceptQueue *self)
{
  SsAccepted accepted;

  if (self == NULL)
    return;
  ss_accept_queue_stop (self);
  g_clear_pointer (&self->watch, ss_poller_watch_free);
  while (ss_accept_queue_pop (self, &accepted))
    if (accepted.fd >= 0)
      close (accepted.fd);
  if (self->epoll_fd >= 0)
    close (self->epoll_fd);
  if (self->stop_fd >= 0)
    close (self->stop_fd);
  if (self->notify_fd >= 0)
    close (self->notify_fd);
  g_mutex_clear (&self->lock);
  g_array_unref (self->pending);
  g_array_unref (self->taken);
  g_free (self);
}
