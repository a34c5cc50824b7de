/* ss-socket-faults.c — a relay's faults (Toxiproxy's toxics), per direction, live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The relay keeps what each new pair draws its faults from; a change
 * reaches the pairs already running too (ss_relay_pair_set_faults()),
 * drawn again by toxicity, as Toxiproxy does when a toxic is added or
 * changed. Faults act on stream relays (TCP, Unix): a UDP relay keeps
 * them but forwards each datagram as it comes, and says so.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sys/socket.h>

#include "ss-socket-private.h"

static char *
describe_list (const SsToxicSpec *specs,
               guint              n_specs)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_specs; i++)
    {
      g_autofree char *what = ss_toxic_spec_describe (&specs[i]);

      if (i > 0)
        g_string_append (text, "; ");
      g_string_append (text, what);
    }
  if (n_specs == 0)
    g_string_append (text, C_("faults", "none"));
  return g_string_free (text, FALSE);
}

/**
 * ss_socket_set_relay_faults:
 * @specs: (array length=n_specs): @direction's faults, in the order they
 *   act; each valid (ss_toxic_spec_check())
 *
 * Sets the faults a relay's pairs get: each new pair draws each fault by
 * its toxicity, and the pairs running now draw again.
 */
void
ss_socket_set_relay_faults (SsSocket          *self,
                            SsToxicDirection   direction,
                            const SsToxicSpec *specs,
                            guint              n_specs)
{
  g_autofree char *what = NULL;

  g_return_if_fail (SS_IS_SOCKET (self));
  g_return_if_fail (direction < SS_N_TOXIC_DIRECTIONS);
  g_return_if_fail (specs != NULL || n_specs == 0);

  if (self->relay_faults[direction] == NULL)
    self->relay_faults[direction] = g_array_new (FALSE, FALSE, sizeof (SsToxicSpec));
  g_array_set_size (self->relay_faults[direction], 0);
  for (guint i = 0; i < n_specs; i++)
    if (ss_toxic_spec_check (&specs[i], NULL))
      g_array_append_vals (self->relay_faults[direction], &specs[i], 1);

  what = describe_list ((const SsToxicSpec *) self->relay_faults[direction]->data,
                        self->relay_faults[direction]->len);
  if (direction == SS_TOXIC_UPSTREAM)
    /* Translators: a relay's log when its faults change: "Faults, client → server: Latency 250 ms" */
    ss_traffic_log_append_event (self->traffic, _("Faults, client → server: %s"), what);
  else
    ss_traffic_log_append_event (self->traffic, _("Faults, server → client: %s"), what);
  /* said once, with the first direction that has faults */
  if (self->type != SOCK_STREAM && self->relay_faults[direction]->len > 0 &&
      (direction == SS_TOXIC_UPSTREAM || self->relay_faults[SS_TOXIC_UPSTREAM] == NULL ||
       self->relay_faults[SS_TOXIC_UPSTREAM]->len == 0))
    ss_traffic_log_append_event (self->traffic, _("Faults act on TCP and Unix stream relays only: this relay forwards each datagram as it comes"));
  ss_traffic_log_flush_soon (self->traffic);

  if (self->accepted_here == NULL)
    return;
  {
    GHashTableIter iter;
    SsSocket *connection;

    g_hash_table_iter_init (&iter, self->accepted_here);
    while (g_hash_table_iter_next (&iter, (gpointer *) &connection, NULL))
      if (connection->relay_pair != NULL && connection->state != SS_SOCKET_CLOSED &&
          ss_relay_pair_get_client (connection->relay_pair) == connection)
        ss_relay_pair_set_faults (connection->relay_pair, direction,
                                  (const SsToxicSpec *) self->relay_faults[direction]->data,
                                  self->relay_faults[direction]->len, TRUE);
  }
}

/**
 * ss_socket_dup_relay_faults:
 *
 * Returns: (transfer full) (element-type SsToxicSpec): a relay's faults
 *   for @direction, in order; empty when none were set
 */
GArray *
ss_socket_dup_relay_faults (SsSocket         *self,
                            SsToxicDirection  direction)
{
  GArray *specs = g_array_new (FALSE, FALSE, sizeof (SsToxicSpec));

  g_return_val_if_fail (SS_IS_SOCKET (self), specs);
  g_return_val_if_fail (direction < SS_N_TOXIC_DIRECTIONS, specs);

  if (self->relay_faults[direction] != NULL)
    g_array_append_vals (specs, self->relay_faults[direction]->data, self->relay_faults[direction]->len);
  return specs;
}

/* Whether a new pair of this relay has faults to draw. */
gboolean
ss_socket_has_relay_faults (SsSocket *self)
{
  for (guint d = 0; d < SS_N_TOXIC_DIRECTIONS; d++)
    if (self->relay_faults[d] != NULL && self->relay_faults[d]->len > 0)
      return TRUE;
  return FALSE;
}

/* (transfer none): never NULL; empty when none were set */
const GArray *
ss_socket_peek_relay_faults (SsSocket         *self,
                             SsToxicDirection  direction)
{
  if (self->relay_faults[direction] == NULL)
    self->relay_faults[direction] = g_array_new (FALSE, FALSE, sizeof (SsToxicSpec));
  return self->relay_faults[direction];
}

/**
 * ss_socket_dup_pair_faults:
 *
 * Returns: (transfer full) (nullable): for the client's leg of a relayed
 *   pair, the faults acting on it, a line a direction; NULL otherwise
 */
char *
ss_socket_dup_pair_faults (SsSocket *self)
{
  g_return_val_if_fail (SS_IS_SOCKET (self), NULL);

  if (self->relay_pair == NULL || ss_relay_pair_get_client (self->relay_pair) != self)
    return NULL;
  return ss_relay_pair_dup_faults (self->relay_pair);
}

void
ss_socket_faults_dispose (SsSocket *self)
{
  for (guint d = 0; d < SS_N_TOXIC_DIRECTIONS; d++)
    g_clear_pointer (&self->relay_faults[d], g_array_unref);
}
