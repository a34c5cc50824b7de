/* ss-system-window-plots.c — the plots of a TCP connection picked in the
 * system view: any program's, read from the kernel once a second
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ss-sock-diag.h"
#include "ss-system-window-private.h"

/* The connection asked about alone (an exact sock_diag lookup, not a
 * dump of every socket): FALSE once it is gone. */
static gboolean
probe_cb (gpointer     user_data,
          SsTcpSample *sample)
{
  const SsSockRecord *record = user_data;
  SsSockRecord now;

  if (!ss_sock_diag_lookup (record, &now, NULL) || !now.has_tcp)
    return FALSE;
  sample->bytes_acked = now.tcp.bytes_acked;
  sample->bytes_received = now.tcp.bytes_received;
  sample->rtt_us = now.tcp.rtt_us;
  sample->cwnd = now.tcp.snd_cwnd;
  sample->send_queue = now.wqueue;
  sample->recv_queue = now.rqueue;
  sample->total_retrans = now.tcp.total_retrans;
  return TRUE;
}

static gboolean
can_plot (const SsSystemEntry *entry)
{
  return entry != NULL && entry->record.proto == SS_SOCK_PROTO_TCP && entry->record.has_tcp &&
         entry->record.state != SS_SOCK_STATE_LISTEN && entry->change != SS_SYSTEM_REMOVED;
}

/* Follows the selection: the plots of the TCP connection selected, kept
 * while the same socket stays selected across refreshes. The sampler
 * reads only while the plots are on screen (SsTcpPlots holds it while
 * mapped). */
void
_ss_system_window_update_plots (SsSystemWindow *self)
{
  const SsSystemEntry *entry = _ss_system_window_selected_entry (self);
  g_autofree char *title = NULL;

  if (!can_plot (entry))
    {
      if (entry != NULL && self->plotted != 0 && entry->record.cookie == self->plotted)
        return;  /* gone: its last minutes stay shown, as on a page */
      self->plotted = 0;
      ss_tcp_plots_set_sampler (self->plots, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->plots), FALSE);
      gtk_label_set_text (self->plots_title, _("Select a TCP connection to plot it."));
      return;
    }
  if (entry->record.cookie == self->plotted)
    return;

  {
    SsSockRecord *record = g_new (SsSockRecord, 1);
    g_autoptr(SsTcpSampler) sampler = NULL;

    *record = entry->record;
    record->unix_name = NULL;
    sampler = ss_tcp_sampler_new (probe_cb, record, g_free, 300);
    ss_tcp_plots_set_sampler (self->plots, sampler);
    gtk_widget_set_visible (GTK_WIDGET (self->plots), TRUE);
  }
  self->plotted = entry->record.cookie;
  /* Translators: the plots' heading: "127.0.0.1:5432 → 127.0.0.1:40312" */
  title = g_strdup_printf (_("%s → %s"), entry->local_text, entry->peer_text);
  gtk_label_set_text (self->plots_title, title);
}
