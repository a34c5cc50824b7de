/* ss-tcp-sampler.h — a TCP connection's kernel state, sampled into a series
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ss-series.h"
#include "ss-socket.h"

G_BEGIN_DECLS

/* One reading of a connection, as TCP_INFO (getsockopt, or netlink's
 * INET_DIAG_INFO) and the queue ioctls give it. Counters only grow. */
typedef struct
{
  guint64 bytes_acked;     /* sent and acknowledged by the peer */
  guint64 bytes_received;
  guint   rtt_us;
  guint   cwnd;            /* segments */
  guint   send_queue;      /* bytes not yet sent or acknowledged */
  guint   recv_queue;      /* bytes not yet read by the owner */
  guint   total_retrans;   /* segments retransmitted, ever */
} SsTcpSample;

/* A source of readings: returns FALSE when the connection is gone. */
typedef gboolean (*SsTcpProbe) (gpointer     user_data,
                                SsTcpSample *sample);

/* The columns of a sampler's series. */
typedef enum
{
  SS_TCP_SERIES_IN,          /* bytes/s received */
  SS_TCP_SERIES_OUT,         /* bytes/s acknowledged */
  SS_TCP_SERIES_RTT,         /* ms */
  SS_TCP_SERIES_CWND,        /* segments */
  SS_TCP_SERIES_SEND_QUEUE,  /* bytes */
  SS_TCP_SERIES_RECV_QUEUE,  /* bytes */
  SS_TCP_SERIES_RETRANSMITS, /* segments/s */
  SS_TCP_N_SERIES
} SsTcpSeriesColumn;

#define SS_TYPE_TCP_SAMPLER (ss_tcp_sampler_get_type ())

G_DECLARE_FINAL_TYPE (SsTcpSampler, ss_tcp_sampler, SS, TCP_SAMPLER, GObject)

gboolean      ss_tcp_sample_read_fd          (int             fd,
                                              SsTcpSample    *sample);
void          ss_tcp_sample_from_tcp_info    (SsTcpSample    *sample,
                                              gconstpointer   tcp_info,
                                              gsize           length);

SsTcpSampler *ss_tcp_sampler_new             (SsTcpProbe      probe,
                                              gpointer        user_data,
                                              GDestroyNotify  destroy,
                                              guint           capacity);
SsTcpSampler *ss_tcp_sampler_new_for_socket  (SsSocket       *socket,
                                              guint           capacity);
SsSeries     *ss_tcp_sampler_get_series      (SsTcpSampler   *self);
guint         ss_tcp_sampler_get_interval    (SsTcpSampler   *self);
void          ss_tcp_sampler_set_interval    (SsTcpSampler   *self,
                                              guint           interval_ms);
gboolean      ss_tcp_sampler_get_paused      (SsTcpSampler   *self);
void          ss_tcp_sampler_set_paused      (SsTcpSampler   *self,
                                              gboolean        paused);
void          ss_tcp_sampler_hold            (SsTcpSampler   *self);
void          ss_tcp_sampler_release         (SsTcpSampler   *self);
gboolean      ss_tcp_sampler_get_running     (SsTcpSampler   *self);
gboolean      ss_tcp_sampler_get_gone        (SsTcpSampler   *self);
gboolean      ss_tcp_sampler_sample_now      (SsTcpSampler   *self);

G_END_DECLS
