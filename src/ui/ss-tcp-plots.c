/* ss-tcp-plots.c — a TCP connection's live plots: throughput, RTT, cwnd,
 * queues and retransmits
 *
 * The panel holds its sampler only while it is mapped: a collapsed
 * expander, another page or a hidden window means no timer at all. The
 * sampler of one of Sockscope's own sockets is made the first time the
 * plots are shown, so a thousand connections that nobody plots cost
 * nothing. The system view gives a sampler of its own making instead
 * (ss_tcp_plots_set_sampler()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ss-file-chooser.h"
#include "ss-tcp-plots.h"

/* five minutes of samples, one a second */
#define SAMPLES 300
#define N_PLOTS 5

struct _SsTcpPlots
{
  GtkWidget        parent_instance;

  GtkToggleButton *pause_button;
  GtkLabel        *status_label;
  GtkLabel        *error_label;
  GtkWidget       *graphs_box;
  SsPlot          *plots[N_PLOTS];

  SsSocket        *socket;
  SsTcpSampler    *sampler;
  GBinding        *pause_binding;
  GdkSurface      *surface;   /* while mapped: its window's, to see it minimized */
  gboolean         held;
  gboolean         available;
};

G_DEFINE_FINAL_TYPE (SsTcpPlots, ss_tcp_plots, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Each plot's series columns, in the template's order. */
static const int plot_columns[N_PLOTS][2] = {
  { SS_TCP_SERIES_IN, SS_TCP_SERIES_OUT },
  { SS_TCP_SERIES_RTT, -1 },
  { SS_TCP_SERIES_CWND, -1 },
  { SS_TCP_SERIES_RECV_QUEUE, SS_TCP_SERIES_SEND_QUEUE },
  { SS_TCP_SERIES_RETRANSMITS, -1 },
};

static void
set_available (SsTcpPlots *self,
               gboolean    available)
{
  if (self->available == available)
    return;
  self->available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

static void
update_status (SsTcpPlots *self)
{
  g_autofree char *text = NULL;

  if (self->sampler == NULL)
    text = g_strdup ("");
  else if (ss_tcp_sampler_get_gone (self->sampler))
    text = g_strdup (_("The connection has closed: these are its last minutes"));
  else if (ss_tcp_sampler_get_paused (self->sampler))
    text = g_strdup (_("Paused"));
  else
    {
      SsSeries *series = ss_tcp_sampler_get_series (self->sampler);
      guint minutes = ss_series_get_capacity (series) * ss_tcp_sampler_get_interval (self->sampler) / 60000;

      text = g_strdup_printf (_("Live, the last %u min"), MAX (minutes, 1));
    }
  gtk_label_set_label (self->status_label, text);
}

static gboolean
socket_is_tcp (SsSocket *socket)
{
  int family = ss_socket_get_family (socket);

  return ss_socket_get_socket_type (socket) == SOCK_STREAM &&
         (family == AF_INET || family == AF_INET6);
}

/* A TCP connection, or one that was and has been plotted. */
static void
update_available (SsTcpPlots *self)
{
  SsSocketState state;
  gboolean plotted;

  if (self->socket == NULL)
    return;
  state = ss_socket_get_state (self->socket);
  plotted = self->sampler != NULL && ss_series_get_n_samples (ss_tcp_sampler_get_series (self->sampler)) > 0;
  set_available (self, socket_is_tcp (self->socket) &&
                 (state == SS_SOCKET_CONNECTING || state == SS_SOCKET_CONNECTED ||
                  (state == SS_SOCKET_CLOSED && plotted)));
}

static void
hold (SsTcpPlots *self,
      gboolean    held)
{
  if (self->held == held || self->sampler == NULL)
    return;
  self->held = held;
  if (held)
    ss_tcp_sampler_hold (self->sampler);
  else
    ss_tcp_sampler_release (self->sampler);
}

/* Mapped, in a window that is not minimized (GTK keeps a minimized
 * window's widgets mapped). */
static void
update_hold (SsTcpPlots *self)
{
  gboolean minimized = self->surface != NULL && GDK_IS_TOPLEVEL (self->surface) &&
                       (gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface)) & GDK_TOPLEVEL_STATE_MINIMIZED);

  hold (self, gtk_widget_get_mapped (GTK_WIDGET (self)) && !minimized);
}

static void
ss_tcp_plots_map (GtkWidget *widget)
{
  SsTcpPlots *self = SS_TCP_PLOTS (widget);

  GTK_WIDGET_CLASS (ss_tcp_plots_parent_class)->map (widget);

  g_set_object (&self->surface, gtk_native_get_surface (gtk_widget_get_native (widget)));
  if (self->surface != NULL)
    g_signal_connect_object (self->surface, "notify::state", G_CALLBACK (update_hold), self, G_CONNECT_SWAPPED);

  if (self->sampler == NULL && self->socket != NULL && self->available &&
      ss_socket_get_state (self->socket) != SS_SOCKET_CLOSED)
    {
      g_autoptr(SsTcpSampler) sampler = ss_tcp_sampler_new_for_socket (self->socket, SAMPLES);

      ss_tcp_plots_set_sampler (self, sampler);
    }
  update_hold (self);
}

static void
ss_tcp_plots_unmap (GtkWidget *widget)
{
  SsTcpPlots *self = SS_TCP_PLOTS (widget);

  if (self->surface != NULL)
    g_signal_handlers_disconnect_by_func (self->surface, update_hold, self);
  g_clear_object (&self->surface);
  hold (self, FALSE);

  GTK_WIDGET_CLASS (ss_tcp_plots_parent_class)->unmap (widget);
}

/**
 * ss_tcp_plots_set_sampler:
 * @sampler: (nullable): where the plots' series comes from
 *
 * The panel holds @sampler while it is on screen and pauses it with its
 * Pause button.
 */
void
ss_tcp_plots_set_sampler (SsTcpPlots   *self,
                          SsTcpSampler *sampler)
{
  SsSeries *series = sampler != NULL ? ss_tcp_sampler_get_series (sampler) : NULL;

  g_return_if_fail (SS_IS_TCP_PLOTS (self));
  g_return_if_fail (sampler == NULL || SS_IS_TCP_SAMPLER (sampler));

  if (self->sampler == sampler)
    return;

  hold (self, FALSE);
  g_clear_pointer (&self->pause_binding, g_binding_unbind);
  if (self->sampler != NULL)
    g_signal_handlers_disconnect_by_data (self->sampler, self);
  g_set_object (&self->sampler, sampler);

  for (guint i = 0; i < N_PLOTS; i++)
    {
      ss_plot_set_series (self->plots[i], series);
      if (sampler != NULL)
        ss_plot_set_time_span (self->plots[i], MAX (10, ss_series_get_capacity (series) *
                                                        ss_tcp_sampler_get_interval (sampler) / 1000));
    }
  if (sampler != NULL)
    {
      self->pause_binding = g_object_bind_property (sampler, "paused", self->pause_button, "active",
                                                    G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
      g_signal_connect_swapped (sampler, "notify::paused", G_CALLBACK (update_status), self);
      g_signal_connect_swapped (sampler, "notify::gone", G_CALLBACK (update_status), self);
      if (self->socket == NULL)
        set_available (self, TRUE);
      update_hold (self);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), sampler != NULL);
  update_status (self);
}

/**
 * ss_tcp_plots_get_sampler:
 *
 * Returns: (transfer none) (nullable): the sampler, made the first time
 *   a socket's plots were shown
 */
SsTcpSampler *
ss_tcp_plots_get_sampler (SsTcpPlots *self)
{
  g_return_val_if_fail (SS_IS_TCP_PLOTS (self), NULL);
  return self->sampler;
}

/**
 * ss_tcp_plots_set_socket:
 *
 * Plots @socket (once shown) while it is a TCP connection. Set once.
 */
void
ss_tcp_plots_set_socket (SsTcpPlots *self,
                         SsSocket   *socket)
{
  g_return_if_fail (SS_IS_TCP_PLOTS (self));
  g_return_if_fail (SS_IS_SOCKET (socket));
  g_return_if_fail (self->socket == NULL);

  self->socket = g_object_ref (socket);
  g_signal_connect_object (socket, "notify::state", G_CALLBACK (update_available), self, G_CONNECT_SWAPPED);
  update_available (self);
}

gboolean
ss_tcp_plots_get_available (SsTcpPlots *self)
{
  g_return_val_if_fail (SS_IS_TCP_PLOTS (self), FALSE);
  return self->available;
}

/**
 * ss_tcp_plots_get_plot:
 * @index: 0 throughput, 1 RTT, 2 cwnd, 3 queues, 4 retransmits
 *
 * Returns: (transfer none): that plot
 */
SsPlot *
ss_tcp_plots_get_plot (SsTcpPlots *self,
                       guint       index)
{
  g_return_val_if_fail (SS_IS_TCP_PLOTS (self), NULL);
  g_return_val_if_fail (index < N_PLOTS, NULL);
  return self->plots[index];
}

/**
 * ss_tcp_plots_save_png:
 *
 * Writes the plots as they are on screen, on the window's background, to
 * @file (through a temporary file, so a failure leaves an older file as
 * it was).
 */
gboolean
ss_tcp_plots_save_png (SsTcpPlots  *self,
                       GFile       *file,
                       GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  GtkSnapshot *snapshot;
  GtkNative *native;
  int width, height;

  g_return_val_if_fail (SS_IS_TCP_PLOTS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  width = gtk_widget_get_width (self->graphs_box);
  height = gtk_widget_get_height (self->graphs_box);
  native = gtk_widget_get_native (self->graphs_box);
  if (!gtk_widget_get_mapped (self->graphs_box) || native == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("The plots can be saved only while they are shown"));
      return FALSE;
    }

  /* the box's own CSS background (style.css) makes the image opaque */
  paintable = gtk_widget_paintable_new (self->graphs_box);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The plots drew nothing to save"));
      return FALSE;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  png = gdk_texture_save_to_png_bytes (texture);
  return g_file_replace_contents (file, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                  NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/**
 * ss_tcp_plots_save:
 *
 * Saves as PNG, as the Save button does once a file is chosen: a failure
 * is said in the panel.
 */
void
ss_tcp_plots_save (SsTcpPlots *self,
                   GFile      *file)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SS_IS_TCP_PLOTS (self));

  if (!ss_tcp_plots_save_png (self, file, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the plots: %s"), error->message);

      gtk_label_set_label (self->error_label, message);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
}

static void
save_chosen_cb (gpointer        user_data,
                GFile          *file,
                GtkFileChooser *chooser)
{
  ss_tcp_plots_save (user_data, file);
}

static void
save_clicked_cb (SsTcpPlots *self)
{
  ss_file_chooser_show (ss_file_chooser_new (GTK_WIDGET (self), _("Save Plots as PNG"),
                                             GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), "sockscope-plots.png"),
                        save_chosen_cb, self);
}

static void
ss_tcp_plots_dispose (GObject *object)
{
  SsTcpPlots *self = SS_TCP_PLOTS (object);

  if (self->surface != NULL)
    g_signal_handlers_disconnect_by_func (self->surface, update_hold, self);
  g_clear_object (&self->surface);
  ss_tcp_plots_set_sampler (self, NULL);
  g_clear_object (&self->socket);
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_TCP_PLOTS);
  /* GTK 4.8 unparents only bound template children, not the root box */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ss_tcp_plots_parent_class)->dispose (object);
}

static void
ss_tcp_plots_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SsTcpPlots *self = SS_TCP_PLOTS (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_tcp_plots_class_init (SsTcpPlotsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *plot_names[N_PLOTS] = {
    "throughput_plot", "rtt_plot", "cwnd_plot", "queues_plot", "retransmits_plot",
  };

  object_class->dispose = ss_tcp_plots_dispose;
  object_class->get_property = ss_tcp_plots_get_property;
  widget_class->map = ss_tcp_plots_map;
  widget_class->unmap = ss_tcp_plots_unmap;

  /**
   * SsTcpPlots:available:
   *
   * Whether there is something to plot: a TCP connection, or a sampler.
   */
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SS_TYPE_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-tcp-plots.ui");
  gtk_widget_class_bind_template_child (widget_class, SsTcpPlots, pause_button);
  gtk_widget_class_bind_template_child (widget_class, SsTcpPlots, status_label);
  gtk_widget_class_bind_template_child (widget_class, SsTcpPlots, error_label);
  gtk_widget_class_bind_template_child (widget_class, SsTcpPlots, graphs_box);
  for (guint i = 0; i < N_PLOTS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, plot_names[i], FALSE,
                                               G_STRUCT_OFFSET (SsTcpPlots, plots) + i * sizeof (SsPlot *));
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_tcp_plots_init (SsTcpPlots *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_PLOTS; i++)
    ss_plot_set_columns (self->plots[i], plot_columns[i][0], plot_columns[i][1]);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), FALSE);
}

GtkWidget *
ss_tcp_plots_new (void)
{
  return g_object_new (SS_TYPE_TCP_PLOTS, NULL);
}
