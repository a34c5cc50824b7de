/* ss-tcp-plots.h — a TCP connection's live plots: throughput, RTT, cwnd,
 * queues and retransmits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-plot.h"
#include "ss-socket.h"
#include "ss-tcp-sampler.h"

G_BEGIN_DECLS

#define SS_TYPE_TCP_PLOTS (ss_tcp_plots_get_type ())

G_DECLARE_FINAL_TYPE (SsTcpPlots, ss_tcp_plots, SS, TCP_PLOTS, GtkWidget)

GtkWidget    *ss_tcp_plots_new            (void);
void          ss_tcp_plots_set_socket     (SsTcpPlots    *self,
                                           SsSocket      *socket);
void          ss_tcp_plots_set_sampler    (SsTcpPlots    *self,
                                           SsTcpSampler  *sampler);
SsTcpSampler *ss_tcp_plots_get_sampler    (SsTcpPlots    *self);
gboolean      ss_tcp_plots_get_available  (SsTcpPlots    *self);
SsPlot       *ss_tcp_plots_get_plot       (SsTcpPlots    *self,
                                           guint          index);
gboolean      ss_tcp_plots_save_png       (SsTcpPlots    *self,
                                           GFile         *file,
                                           GError       **error);
void          ss_tcp_plots_save           (SsTcpPlots    *self,
                                           GFile         *file);

G_END_DECLS
