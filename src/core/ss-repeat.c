/* ss-repeat.c — one payload sent every N milliseconds, M times or until
 * stopped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "ss-error.h"
#include "ss-repeat.h"

/* A peer that reads slower than the repeat sends would otherwise make the
 * queue grow without end: above this, a round waits for the next tick. */
#define MAX_QUEUED (4 * 1024 * 1024)

struct _SsRepeat
{
  GObject    parent_instance;

  SsSocket  *target;
  GBytes    *payload;
  SsAddress *to;
  guint      interval_ms;
  guint      count;
  guint      sent;
  guint      timeout_id;
  gboolean   running;
};

G_DEFINE_FINAL_TYPE (SsRepeat, ss_repeat, G_TYPE_OBJECT)

enum { PROP_0, PROP_SENT, PROP_RUNNING, N_PROPS };
enum { STOPPED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
finish (SsRepeat *self,
        GError   *error)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[STOPPED], 0, error);
}

/* One round; FALSE with @error when the repeat cannot go on, TRUE with
 * *@sent FALSE when the round waits for a slow peer. */
static gboolean
send_round (SsRepeat  *self,
            gboolean  *sent,
            GError   **error)
{
  SsSocket *target = self->target;
  SsSocketState state = ss_socket_get_state (target);

  *sent = FALSE;
  if (state == SS_SOCKET_CLOSED)
    {
      g_set_error (error, SS_ERRNO_ERROR, EBADF, _("The socket was closed"));
      return FALSE;
    }

  if (state == SS_SOCKET_LISTENING)
    {
      g_autoptr(GPtrArray) connections = ss_socket_dup_open_connections (target);

      if (connections->len == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                       _("No open connection to send to: every connection of this listener has ended"));
          return FALSE;
        }
      for (guint i = 0; i < connections->len; i++)
        {
          SsSocket *connection = g_ptr_array_index (connections, i);

          /* a connection that fails is logged on its page; the others go on */
          if (ss_socket_get_queued (connection) <= MAX_QUEUED &&
              ss_socket_send (connection, self->payload, NULL))
            *sent = TRUE;
        }
      return TRUE;
    }

  if (ss_socket_get_socket_type (target) != SOCK_STREAM)
    {
      g_autoptr(GError) local_error = NULL;

      if (ss_socket_send_once (target, self->payload, self->to, &local_error) >= 0)
        *sent = TRUE;
      /* a full buffer is the kernel's pace, not a failure */
      else if (!g_error_matches (local_error, SS_ERRNO_ERROR, EAGAIN))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }

  if (ss_socket_get_queued (target) > MAX_QUEUED)
    return TRUE;
  if (!ss_socket_send (target, self->payload, error))
    return FALSE;
  *sent = TRUE;
  return TRUE;
}

/* FALSE when the repeat has ended (and said so) */
static gboolean
run_round (SsRepeat *self)
{
  g_autoptr(GError) error = NULL;
  gboolean sent;

  if (!send_round (self, &sent, &error))
    {
      finish (self, error);
      return FALSE;
    }
  if (sent)
    {
      self->sent++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENT]);
    }
  if (self->count > 0 && self->sent >= self->count)
    {
      finish (self, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  SsRepeat *self = g_object_ref (user_data);
  gboolean go_on;

  /* held: a "stopped" handler may drop the last reference */
  go_on = run_round (self);
  g_object_unref (self);
  /* when it ends, finish() has removed this source already; GLib allows
   * both */
  return go_on ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
ss_repeat_dispose (GObject *object)
{
  SsRepeat *self = SS_REPEAT (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->target);

  G_OBJECT_CLASS (ss_repeat_parent_class)->dispose (object);
}

static void
ss_repeat_finalize (GObject *object)
{
  SsRepeat *self = SS_REPEAT (object);

  g_clear_pointer (&self->payload, g_bytes_unref);
  g_clear_pointer (&self->to, ss_address_free);

  G_OBJECT_CLASS (ss_repeat_parent_class)->finalize (object);
}

static void
ss_repeat_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SsRepeat *self = SS_REPEAT (object);

  switch (prop_id)
    {
    case PROP_SENT:
      g_value_set_uint (value, self->sent);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_repeat_class_init (SsRepeatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ss_repeat_dispose;
  object_class->finalize = ss_repeat_finalize;
  object_class->get_property = ss_repeat_get_property;

  properties[PROP_SENT] =
    g_param_spec_uint ("sent", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STOPPED] =
    g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
ss_repeat_init (SsRepeat *self)
{
}

SsRepeat *
ss_repeat_new (SsSocket        *target,
               GBytes          *payload,
               const SsAddress *to,
               guint            interval_ms,
               guint            count)
{
  SsRepeat *self;

  g_return_val_if_fail (SS_IS_SOCKET (target), NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  self = g_object_new (SS_TYPE_REPEAT, NULL);
  self->target = g_object_ref (target);
  self->payload = g_bytes_ref (payload);
  self->to = to ? ss_address_copy (to) : NULL;
  self->interval_ms = MAX (interval_ms, 1);
  self->count = count;
  return self;
}

/* The first round goes at once, the rest on the timer. */
void
ss_repeat_start (SsRepeat *self)
{
  g_return_if_fail (SS_IS_REPEAT (self));
  g_return_if_fail (!self->running);

  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  if (run_round (self))
    self->timeout_id = g_timeout_add (self->interval_ms, tick_cb, self);
}

/* Stops at once: nothing more is handed to the kernel. What Send all has
 * queued already is the socket's, and its own Stop drops it. */
void
ss_repeat_stop (SsRepeat *self)
{
  g_return_if_fail (SS_IS_REPEAT (self));

  if (!self->running)
    return;
  finish (self, NULL);
}

guint
ss_repeat_get_sent (SsRepeat *self)
{
  g_return_val_if_fail (SS_IS_REPEAT (self), 0);
  return self->sent;
}

guint
ss_repeat_get_count (SsRepeat *self)
{
  g_return_val_if_fail (SS_IS_REPEAT (self), 0);
  return self->count;
}

gboolean
ss_repeat_get_running (SsRepeat *self)
{
  g_return_val_if_fail (SS_IS_REPEAT (self), FALSE);
  return self->running;
}
