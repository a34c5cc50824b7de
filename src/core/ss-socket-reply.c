/* ss-socket-reply.c — auto-reply: rules that answer what the socket receives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "ss-reply-rule.h"
#include "ss-socket-private.h"

/* Core runs on the main thread only. Sending a reply never receives, but
 * it emits signals whose handlers might: they must not reply again. */
static gboolean replying;

/* A listener's rules answer on each of its connections. */
static SsSocket *
rules_owner (SsSocket *self)
{
  return self->listener != NULL ? self->listener : self;
}

/**
 * ss_socket_get_reply_rules:
 *
 * The auto-reply rules, tried in order on each chunk received: the first
 * enabled rule that matches replies. On a connection a listener accepted
 * these are the listener's, shared by all its connections.
 *
 * Returns: (transfer none): a GListStore of SsReplyRule
 */
GListStore *
ss_socket_get_reply_rules (SsSocket *self)
{
  SsSocket *owner;

  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);

  owner = rules_owner (self);
  if (owner->reply_rules == NULL)
    owner->reply_rules = g_list_store_new (SS_TYPE_REPLY_RULE);
  return owner->reply_rules;
}

static void
send_reply (SsSocket        *self,
            guint            number,
            GBytes          *reply,
            const SsAddress *sender)
{
  g_autoptr(GError) error = NULL;

  if (ss_socket_is_stream (self))
    {
      /* sendall: what the kernel does not take now is queued */
      if (ss_socket_send (self, reply, &error))
        return;
    }
  else
    {
      /* a connected socket hears only its peer, and sendto() with an
       * address is EISCONN on some families */
      if (self->state == SS_SOCKET_CONNECTED)
        sender = NULL;
      else if (sender == NULL)
        {
          ss_traffic_log_append_event (self->traffic,
                                       _("Auto-reply rule %u cannot reply: the datagram’s sender has no address"),
                                       number);
          return;
        }
      if (ss_socket_send_once (self, reply, sender, &error) >= 0)
        return;
    }
  ss_traffic_log_append_event (self->traffic, _("Auto-reply rule %u could not send its reply: %s"),
                               number, error->message);
}

static void
fire (SsSocket        *self,
      SsReplyRule     *rule,
      guint            number,
      GBytes          *reply,
      GError          *error,
      const SsAddress *sender)
{
  g_autofree char *description = ss_reply_rule_dup_description (rule);

  if (reply == NULL)
    {
      ss_traffic_log_append_event (self->traffic,
                                   _("Auto-reply rule %u (%s) matched, but its reply cannot be made: %s"),
                                   number, description, error->message);
      return;
    }

  ss_traffic_log_append_event (self->traffic,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "Auto-reply rule %u (%s) matched: replying %" PRIu64 " byte",
                                            "Auto-reply rule %u (%s) matched: replying %" PRIu64 " bytes",
                                            g_bytes_get_size (reply)),
                               number, description, (guint64) g_bytes_get_size (reply));
  send_reply (self, number, reply, sender);
}

/* Called with each chunk received, once it is in the log: @sender is a
 * datagram's sender, or NULL. */
void
ss_socket_auto_reply (SsSocket        *self,
                      const guint8    *data,
                      gsize            len,
                      const SsAddress *sender)
{
  GListModel *rules = (GListModel *) rules_owner (self)->reply_rules;
  g_autoptr(SsSocket) hold = NULL;
  guint n;

  if (rules == NULL || replying)
    return;

  n = g_list_model_get_n_items (rules);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsReplyRule) rule = g_list_model_get_item (rules, i);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;

      if (rule == NULL)
        break;
      reply = ss_reply_rule_fire (rule, data, len, &error);
      if (reply == NULL && error == NULL)
        continue;

      /* handlers of what the reply changes may close or drop the socket */
      hold = g_object_ref (self);
      replying = TRUE;
      fire (self, rule, i + 1, reply, error, sender);
      replying = FALSE;
      return;
    }
}
