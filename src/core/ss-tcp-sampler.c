/* ss-tcp-sampler.c — a TCP connection's kernel state, sampled into a series
 *
 * Once an interval (a second by default) the probe reads TCP_INFO and
 * the queues; counters become rates against the previous reading. The
 * timer runs only while someone holds the sampler (a plot on screen) and
 * it is not paused: plots that nobody sees cost nothing, and pausing
 * freezes what they show. The probe is a function, so the system view
 * can feed readings it took from a netlink dump instead of a descriptor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <math.h>
#include <stddef.h>
#include <string.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "ss-tcp-sampler.h"

struct _SsTcpSampler
{
  GObject         parent_instance;

  SsTcpProbe      probe;
  gpointer        probe_data;
  GDestroyNotify  probe_destroy;

  SsSeries       *series;
  guint           interval_ms;
  guint           holds;
  guint           timeout_id;
  guint           paused : 1;
  guint           gone : 1;

  /* the previous reading, to turn counters into rates; unset after a
   * pause, so a rate never averages over time nobody watched */
  gboolean        have_previous;
  gint64          previous_time;
  SsTcpSample     previous;
};

G_DEFINE_FINAL_TYPE (SsTcpSampler, ss_tcp_sampler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_PAUSED,
  PROP_RUNNING,
  PROP_GONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * ss_tcp_sample_from_tcp_info:
 * @tcp_info: a struct tcp_info, as getsockopt or INET_DIAG_INFO gives it
 * @length: its length: older kernels give a shorter struct, whose
 *   missing fields read as 0
 *
 * Fills what TCP_INFO holds; the queues are left as they were (the
 * caller has them from SIOCINQ/SIOCOUTQ, or from the netlink message).
 */
void
ss_tcp_sample_from_tcp_info (SsTcpSample   *sample,
                             gconstpointer  tcp_info,
                             gsize          length)
{
  struct tcp_info info = { 0 };

  g_return_if_fail (sample != NULL);
  g_return_if_fail (tcp_info != NULL || length == 0);

  memcpy (&info, tcp_info, MIN (length, sizeof info));
  sample->rtt_us = info.tcpi_rtt;
  sample->cwnd = info.tcpi_snd_cwnd;
  sample->total_retrans = info.tcpi_total_retrans;
  sample->bytes_acked = info.tcpi_bytes_acked;
  sample->bytes_received = info.tcpi_bytes_received;
}

/**
 * ss_tcp_sample_read_fd:
 *
 * Returns: %FALSE when @fd is no TCP socket the kernel reports on
 */
gboolean
ss_tcp_sample_read_fd (int          fd,
                       SsTcpSample *sample)
{
  struct tcp_info info = { 0 };
  socklen_t length = sizeof info;
  int inq = 0, outq = 0;

  g_return_val_if_fail (sample != NULL, FALSE);

  if (fd < 0 || getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &length) < 0)
    return FALSE;
  ss_tcp_sample_from_tcp_info (sample, &info, length);
  sample->recv_queue = ioctl (fd, SIOCINQ, &inq) == 0 ? MAX (inq, 0) : 0;
  sample->send_queue = ioctl (fd, SIOCOUTQ, &outq) == 0 ? MAX (outq, 0) : 0;
  return TRUE;
}

static gboolean
socket_probe (gpointer     user_data,
              SsTcpSample *sample)
{
  SsSocket *socket = user_data;

  /* a closed socket's descriptor number may already be someone else's */
  if (ss_socket_get_state (socket) == SS_SOCKET_CLOSED)
    return FALSE;
  return ss_tcp_sample_read_fd (ss_socket_get_fd (socket), sample);
}

static void
set_running (SsTcpSampler *self,
             gboolean      running)
{
  if (running == (self->timeout_id != 0))
    return;

  if (running)
    {
      self->have_previous = FALSE;
      self->timeout_id = g_timeout_add (self->interval_ms, (GSourceFunc) ss_tcp_sampler_sample_now, self);
      g_source_set_name_by_id (self->timeout_id, "[sockscope] tcp sampler");
    }
  else
    g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
update_timer (SsTcpSampler *self)
{
  gboolean want = self->holds > 0 && !self->paused && !self->gone;

  if (want == (self->timeout_id != 0))
    return;
  set_running (self, want);
  /* a plot just shown should not wait an interval for its first point */
  if (want)
    ss_tcp_sampler_sample_now (self);
}

/**
 * ss_tcp_sampler_sample_now:
 *
 * Takes one reading and appends it to the series. The timer calls this;
 * tests call it to sample without waiting.
 *
 * Returns: %FALSE once the connection is gone (and the timer stopped)
 */
gboolean
ss_tcp_sampler_sample_now (SsTcpSampler *self)
{
  SsTcpSample sample = { 0 };
  double values[SS_TCP_N_SERIES];
  gint64 now;

  g_return_val_if_fail (SS_IS_TCP_SAMPLER (self), G_SOURCE_REMOVE);

  if (self->gone)
    return G_SOURCE_REMOVE;
  if (!self->probe (self->probe_data, &sample))
    {
      self->gone = TRUE;
      /* removing the timer from its own callback is allowed */
      set_running (self, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GONE]);
      return G_SOURCE_REMOVE;
    }

  now = g_get_monotonic_time ();
  values[SS_TCP_SERIES_IN] = NAN;
  values[SS_TCP_SERIES_OUT] = NAN;
  values[SS_TCP_SERIES_RETRANSMITS] = NAN;
  if (self->have_previous && now > self->previous_time)
    {
      double seconds = (now - self->previous_time) / (double) G_USEC_PER_SEC;

      /* counters only grow, but a probe that changed connections would not */
      if (sample.bytes_received >= self->previous.bytes_received)
        values[SS_TCP_SERIES_IN] = (sample.bytes_received - self->previous.bytes_received) / seconds;
      if (sample.bytes_acked >= self->previous.bytes_acked)
        values[SS_TCP_SERIES_OUT] = (sample.bytes_acked - self->previous.bytes_acked) / seconds;
      if (sample.total_retrans >= self->previous.total_retrans)
        values[SS_TCP_SERIES_RETRANSMITS] = (sample.total_retrans - self->previous.total_retrans) / seconds;
    }
  values[SS_TCP_SERIES_RTT] = sample.rtt_us / 1000.0;
  values[SS_TCP_SERIES_CWND] = sample.cwnd;
  values[SS_TCP_SERIES_SEND_QUEUE] = sample.send_queue;
  values[SS_TCP_SERIES_RECV_QUEUE] = sample.recv_queue;

  self->previous = sample;
  self->previous_time = now;
  self->have_previous = TRUE;
  ss_series_append (self->series, now, values);
  return G_SOURCE_CONTINUE;
}

static void
ss_tcp_sampler_finalize (GObject *object)
{
  SsTcpSampler *self = SS_TCP_SAMPLER (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->probe_destroy != NULL)
    self->probe_destroy (self->probe_data);
  g_clear_object (&self->series);

  G_OBJECT_CLASS (ss_tcp_sampler_parent_class)->finalize (object);
}

static void
ss_tcp_sampler_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SsTcpSampler *self = SS_TCP_SAMPLER (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval_ms);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->timeout_id != 0);
      break;
    case PROP_GONE:
      g_value_set_boolean (value, self->gone);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_tcp_sampler_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SsTcpSampler *self = SS_TCP_SAMPLER (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      ss_tcp_sampler_set_interval (self, g_value_get_uint (value));
      break;
    case PROP_PAUSED:
      ss_tcp_sampler_set_paused (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_tcp_sampler_class_init (SsTcpSamplerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_tcp_sampler_finalize;
  object_class->get_property = ss_tcp_sampler_get_property;
  object_class->set_property = ss_tcp_sampler_set_property;

  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 100, 60000, 1000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GONE] =
    g_param_spec_boolean ("gone", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ss_tcp_sampler_init (SsTcpSampler *self)
{
  self->interval_ms = 1000;
}

/**
 * ss_tcp_sampler_new:
 * @probe: takes one reading
 * @capacity: how many readings the series keeps (300 at one a second:
 *   the last five minutes)
 */
SsTcpSampler *
ss_tcp_sampler_new (SsTcpProbe     probe,
                    gpointer       user_data,
                    GDestroyNotify destroy,
                    guint          capacity)
{
  SsTcpSampler *self;

  g_return_val_if_fail (probe != NULL, NULL);

  self = g_object_new (SS_TYPE_TCP_SAMPLER, NULL);
  self->probe = probe;
  self->probe_data = user_data;
  self->probe_destroy = destroy;
  self->series = ss_series_new (SS_TCP_N_SERIES, capacity);
  return self;
}

/**
 * ss_tcp_sampler_new_for_socket:
 *
 * A sampler of one of Sockscope's own sockets, through its descriptor,
 * until the socket closes.
 */
SsTcpSampler *
ss_tcp_sampler_new_for_socket (SsSocket *socket,
                               guint     capacity)
{
  g_return_val_if_fail (SS_IS_SOCKET (socket), NULL);

  return ss_tcp_sampler_new (socket_probe, g_object_ref (socket), g_object_unref, capacity);
}

/**
 * ss_tcp_sampler_get_series:
 *
 * Returns: (transfer none): the readings, oldest first, in the columns of
 *   #SsTcpSeriesColumn
 */
SsSeries *
ss_tcp_sampler_get_series (SsTcpSampler *self)
{
  g_return_val_if_fail (SS_IS_TCP_SAMPLER (self), NULL);
  return self->series;
}

guint
ss_tcp_sampler_get_interval (SsTcpSampler *self)
{
  g_return_val_if_fail (SS_IS_TCP_SAMPLER (self), 0);
  return self->interval_ms;
}

void
ss_tcp_sampler_set_interval (SsTcpSampler *self,
                             guint         interval_ms)
{
  g_return_if_fail (SS_IS_TCP_SAMPLER (self));
  g_return_if_fail (interval_ms >= 100);

  if (self->interval_ms == interval_ms)
    return;
  self->interval_ms = interval_ms;
  if (self->timeout_id != 0)
    {
      set_running (self, FALSE);
      set_running (self, TRUE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

gboolean
ss_tcp_sampler_get_paused (SsTcpSampler *self)
{
  g_return_val_if_fail (SS_IS_TCP_SAMPLER (self), FALSE);
  return self->paused;
}

void
ss_tcp_sampler_set_paused (SsTcpSampler *self,
                           gboolean      paused)
{
  g_return_if_fail (SS_IS_TCP_SAMPLER (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  update_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

/**
 * ss_tcp_sampler_hold:
 *
 * Someone watches: sample (unless paused) until as many
 * ss_tcp_sampler_release() calls.
 */
void
ss_tcp_sampler_hold (SsTcpSampler *self)
{
  g_return_if_fail (SS_IS_TCP_SAMPLER (self));

  self->holds++;
  update_timer (self);
}

void
ss_tcp_sampler_release (SsTcpSampler *self)
{
  g_return_if_fail (SS_IS_TCP_SAMPLER (self));
  g_return_if_fail (self->holds > 0);

  self->holds--;
  update_timer (self);
}

/**
 * ss_tcp_sampler_get_running:
 *
 * Returns: whether the sampling timer exists right now
 */
gboolean
ss_tcp_sampler_get_running (SsTcpSampler *self)
{
  g_return_val_if_fail (SS_IS_TCP_SAMPLER (self), FALSE);
  return self->timeout_id != 0;
}

/**
 * ss_tcp_sampler_get_gone:
 *
 * Returns: whether the connection has gone (the series keeps its last
 *   readings)
 */
gboolean
ss_tcp_sampler_get_gone (SsTcpSampler *self)
{
  g_return_val_if_fail (SS_IS_TCP_SAMPLER (self), FALSE);
  return self->gone;
}
