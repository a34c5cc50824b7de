/* ss-message-expect.c — an expect step on whole messages: those a socket
 * received since the last step ended, and the wait for one that matches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With a framing on the socket (the Messages popover), a sequence's
 * expect step waits for a whole message that matches, each message tried
 * alone, as the socket's auto-reply rules do. A reply may come between a
 * send and the idle that begins the expect step after it: the messages
 * since the last step ended are kept, and tried first.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-message-expect.h"

struct _SsMessageExpect
{
  SsSocket            *socket;
  gulong               handler;
  GPtrArray           *since;   /* of GBytes: messages since the mark */
  SsReplyRule         *rule;    /* while a step waits */
  SsMessageExpectFunc  matched;
  gpointer             user_data;
};

static gboolean
message_matches (SsMessageExpect *self,
                 GBytes          *message)
{
  g_autoptr(GBytes) reply = ss_reply_rule_match (self->rule, g_bytes_get_data (message, NULL),
                                                 g_bytes_get_size (message));

  return reply != NULL;
}

/* A whole message received: tried by the step waiting, or kept for the
 * next one */
static void
message_received_cb (SsSocket        *socket,
                     GBytes          *message,
                     SsMessageExpect *self)
{
  if (self->rule != NULL)
    {
      if (message_matches (self, message))
        self->matched (g_bytes_get_size (message), self->user_data);
      return;
    }
  g_ptr_array_add (self->since, g_bytes_ref (message));
}

/**
 * ss_message_expect_new:
 * @matched: called when a message matches the rule of a step waiting
 *   (ss_message_expect_begin())
 *
 * Keeps the messages @socket receives from now on.
 *
 * Returns: (transfer full): the messages' keeper
 */
SsMessageExpect *
ss_message_expect_new (SsSocket            *socket,
                       SsMessageExpectFunc  matched,
                       gpointer             user_data)
{
  SsMessageExpect *self = g_new0 (SsMessageExpect, 1);

  self->socket = g_object_ref (socket);
  self->since = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->matched = matched;
  self->user_data = user_data;
  self->handler = g_signal_connect (socket, "message-received", G_CALLBACK (message_received_cb), self);
  return self;
}

void
ss_message_expect_free (SsMessageExpect *self)
{
  if (self == NULL)
    return;
  g_clear_signal_handler (&self->handler, self->socket);
  g_clear_object (&self->rule);
  g_ptr_array_unref (self->since);
  g_object_unref (self->socket);
  g_free (self);
}

/* A step ended: what came before is no reply to the next one */
void
ss_message_expect_mark (SsMessageExpect *self)
{
  g_ptr_array_set_size (self->since, 0);
}

/**
 * ss_message_expect_begin:
 * @rule: what the step expects (its reply unused)
 * @len: (out): the length of a message kept since the mark that matches
 *
 * Returns: %TRUE when a message kept matches; else the step waits, and
 *   the first that matches is told to the matched function
 */
gboolean
ss_message_expect_begin (SsMessageExpect *self,
                         SsReplyRule     *rule,
                         gsize           *len)
{
  g_set_object (&self->rule, rule);
  for (guint i = 0; i < self->since->len; i++)
    if (message_matches (self, g_ptr_array_index (self->since, i)))
      {
        *len = g_bytes_get_size (g_ptr_array_index (self->since, i));
        g_clear_object (&self->rule);
        return TRUE;
      }
  g_ptr_array_set_size (self->since, 0);
  return FALSE;
}

/* The step waits no more: messages are kept again */
void
ss_message_expect_cancel (SsMessageExpect *self)
{
  if (self != NULL)
    g_clear_object (&self->rule);
}
