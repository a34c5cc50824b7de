/* ss-relay-faults-box.c — a page's faults: a relay's to edit, a relayed pair's to see
 *
 * On a stream relay's page the faults panel edits what each new pair
 * draws its faults from, and the pairs running now (ss-socket-faults.c);
 * on a relayed pair's page it says which faults act on that pair; on a
 * UDP relay's page, that faults act on stream relays only. Elsewhere it
 * is hidden.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <sys/socket.h>

#include "ss-relay-faults-box.h"
#include "ss-toxics-panel.h"

struct _SsRelayFaultsBox
{
  GtkWidget      parent_instance;

  SsSocket      *socket;
  GtkExpander   *expander;
  GtkBox        *content;
  GtkLabel      *udp_label;
  SsToxicsPanel *panel;     /* a stream relay's, made when first shown */
  GtkLabel      *pair_label;
  gboolean       loaded;   /* the panel shows the relay's faults */
  /* edits not given to the relay yet, a direction each (or NULL) */
  GArray        *pending[SS_N_TOXIC_DIRECTIONS];
  guint          apply_id;
};

/* A spin button's every step is a change: the relay (and each running
 * pair, which draws its faults again) gets them once the edits pause. */
#define APPLY_DELAY_MS 300

G_DEFINE_FINAL_TYPE (SsRelayFaultsBox, ss_relay_faults_box, GTK_TYPE_WIDGET)

static void
apply_pending (SsRelayFaultsBox *self)
{
  g_clear_handle_id (&self->apply_id, g_source_remove);
  for (SsToxicDirection d = 0; d < SS_N_TOXIC_DIRECTIONS; d++)
    {
      g_autoptr(GArray) specs = g_steal_pointer (&self->pending[d]);

      if (specs != NULL && self->socket != NULL)
        ss_socket_set_relay_faults (self->socket, d, (const SsToxicSpec *) specs->data, specs->len);
    }
}

static gboolean
apply_cb (gpointer user_data)
{
  SsRelayFaultsBox *self = user_data;

  self->apply_id = 0;
  apply_pending (self);
  return G_SOURCE_REMOVE;
}

static void
panel_changed_cb (SsRelayFaultsBox *self,
                  guint             direction,
                  GArray           *specs,
                  SsToxicsPanel    *panel)
{
  if (self->socket == NULL || direction >= SS_N_TOXIC_DIRECTIONS)
    return;
  g_clear_pointer (&self->pending[direction], g_array_unref);
  self->pending[direction] = g_array_copy (specs);
  g_clear_handle_id (&self->apply_id, g_source_remove);
  self->apply_id = g_timeout_add (APPLY_DELAY_MS, apply_cb, self);
}

/* Only a stream relay's page edits faults: the panel (six kinds of fault,
 * two directions) was made with every page, an eighth of the making of
 * a connection's page. */
static void
ensure_panel (SsRelayFaultsBox *self)
{
  if (self->panel != NULL)
    return;
  self->panel = g_object_new (SS_TYPE_TOXICS_PANEL, NULL);
  g_signal_connect_swapped (self->panel, "changed", G_CALLBACK (panel_changed_cb), self);
  gtk_box_insert_child_after (self->content, GTK_WIDGET (self->panel), GTK_WIDGET (self->udp_label));
}

/**
 * ss_relay_faults_box_get_panel:
 *
 * Returns: (transfer none) (nullable): a stream relay's faults panel,
 *   once shown
 */
SsToxicsPanel *
ss_relay_faults_box_get_panel (SsRelayFaultsBox *self)
{
  g_return_val_if_fail (SS_IS_RELAY_FAULTS_BOX (self), NULL);
  return self->panel;
}

static void
update_pair (SsRelayFaultsBox *self)
{
  g_autofree char *faults = ss_socket_dup_pair_faults (self->socket);

  gtk_label_set_label (self->pair_label, faults != NULL ? faults : "");
}

static void
update (SsRelayFaultsBox *self)
{
  gboolean relay, stream, pair;

  if (self->socket == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->expander), FALSE);
      return;
    }
  relay = ss_socket_get_relay_target (self->socket) != NULL;
  stream = ss_socket_get_socket_type (self->socket) == SOCK_STREAM;
  pair = ss_socket_get_relay_server (self->socket) != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->udp_label), relay && !stream);
  if (relay && stream)
    ensure_panel (self);
  if (self->panel != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->panel), relay && stream);
  gtk_widget_set_visible (GTK_WIDGET (self->pair_label), pair);
  /* the box itself stays visible (and empty): it is mapped with its page */
  gtk_widget_set_visible (GTK_WIDGET (self->expander), relay || pair);
  if (relay && stream && !self->loaded)
    {
      self->loaded = TRUE;
      for (SsToxicDirection d = 0; d < SS_N_TOXIC_DIRECTIONS; d++)
        {
          g_autoptr(GArray) specs = ss_socket_dup_relay_faults (self->socket, d);

          ss_toxics_panel_set_specs (self->panel, d, (const SsToxicSpec *) specs->data, specs->len);
        }
    }
  if (pair)
    {
      /* a pair's faults are worth seeing at once: they are few lines */
      gtk_expander_set_expanded (self->expander, TRUE);
      update_pair (self);
    }
}

/**
 * ss_relay_faults_box_set_socket:
 *
 * Shows @socket's faults: a relay's panel, or a relayed pair's faults.
 */
void
ss_relay_faults_box_set_socket (SsRelayFaultsBox *self,
                                SsSocket         *socket)
{
  g_return_if_fail (SS_IS_RELAY_FAULTS_BOX (self));
  g_return_if_fail (socket == NULL || SS_IS_SOCKET (socket));

  apply_pending (self);
  if (self->socket != NULL)
    g_signal_handlers_disconnect_by_data (self->socket, self);
  g_set_object (&self->socket, socket);
  self->loaded = FALSE;
  if (socket != NULL)
    {
      /* a relay's target is set between bind and listen */
      g_signal_connect_object (socket, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (socket, "notify::relay-faults", G_CALLBACK (update_pair), self,
                               G_CONNECT_SWAPPED);
    }
  update (self);
}

static void
ss_relay_faults_box_map (GtkWidget *widget)
{
  /* a UDP relay's target comes after its last change of state */
  update (SS_RELAY_FAULTS_BOX (widget));
  GTK_WIDGET_CLASS (ss_relay_faults_box_parent_class)->map (widget);
}

static void
ss_relay_faults_box_dispose (GObject *object)
{
  SsRelayFaultsBox *self = SS_RELAY_FAULTS_BOX (object);

  /* what was edited last is not lost with the page */
  apply_pending (self);
  if (self->socket != NULL)
    g_signal_handlers_disconnect_by_data (self->socket, self);
  g_clear_object (&self->socket);
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_RELAY_FAULTS_BOX);

  G_OBJECT_CLASS (ss_relay_faults_box_parent_class)->dispose (object);
}

static void
ss_relay_faults_box_class_init (SsRelayFaultsBoxClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_relay_faults_box_dispose;
  widget_class->map = ss_relay_faults_box_map;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-relay-faults-box.ui");
  gtk_widget_class_bind_template_child (widget_class, SsRelayFaultsBox, expander);
  gtk_widget_class_bind_template_child (widget_class, SsRelayFaultsBox, content);
  gtk_widget_class_bind_template_child (widget_class, SsRelayFaultsBox, udp_label);
  gtk_widget_class_bind_template_child (widget_class, SsRelayFaultsBox, pair_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_relay_faults_box_init (SsRelayFaultsBox *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
