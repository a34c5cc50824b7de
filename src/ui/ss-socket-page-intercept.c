/* ss-socket-page-intercept.c — a relay's page and its pairs' pages: intercept, and the send box injecting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A relay's page and each pair's page show the relay's hold switches,
 * held items and rewrite rules (SsInterceptPanel). On a pair's page the
 * send box injects: the dropdown beside the buttons says whether the
 * payload goes to the client or to the server.
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-intercept-panel.h"
#include "ss-relay-intercept.h"
#include "ss-socket-page-private.h"

static GtkWidget *
child (SsSocketPage *self,
       const char   *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), SS_TYPE_SOCKET_PAGE, name));
}

/* The client's leg of a relayed pair (a relay's connection), or a UDP
 * relay's upstream socket for one client. */
static gboolean
is_pair (SsSocketPage *self)
{
  return ss_socket_get_relay_server (self->socket) != NULL ||
         (ss_socket_get_relay_target (self->socket) == NULL &&
          ss_socket_get_relay_intercept (self->socket) != NULL);
}

/**
 * ss_socket_page_inject:
 *
 * On a pair's page, sends @payload to the side the dropdown names,
 * logged as injected.
 *
 * Returns: whether the page injects (so the caller sends nothing itself)
 */
gboolean
ss_socket_page_inject (SsSocketPage *self,
                       GBytes       *payload)
{
  SsDropDown *dropdown = SS_DROP_DOWN (child (self, "inject_dropdown"));
  SsInterceptDirection direction;
  g_autoptr(GError) error = NULL;

  if (!gtk_widget_get_visible (GTK_WIDGET (dropdown)))
    return FALSE;
  /* the dropdown's order: to the client, to the server */
  direction = ss_drop_down_get_selected (dropdown) == 1 ? SS_INTERCEPT_UPSTREAM : SS_INTERCEPT_DOWNSTREAM;
  if (!ss_socket_relay_inject (self->socket, direction, payload, &error))
    ss_socket_page_show_error (self, error);
  ss_composer_remember (self->composer);
  return TRUE;
}

/* A pair's page injects once the pair's server side is there. */
static void
update_inject (SsSocketPage *self)
{
  gtk_widget_set_visible (child (self, "inject_dropdown"), is_pair (self));
}

void
ss_socket_page_setup_intercept (SsSocketPage *self)
{
  SsRelayIntercept *intercept = ss_socket_get_relay_intercept (self->socket);
  GtkWidget *expander = child (self, "intercept_expander");

  gtk_widget_set_visible (expander, intercept != NULL);
  /* made only here: the panel (switches, held items, rules, each
   * direction) was a twentieth of the making of every page */
  if (intercept != NULL)
    {
      GtkWidget *panel = g_object_new (SS_TYPE_INTERCEPT_PANEL, "margin-top", 6, NULL);

      gtk_expander_set_child (GTK_EXPANDER (expander), panel);
      ss_intercept_panel_set_intercept (SS_INTERCEPT_PANEL (panel), intercept,
                                        is_pair (self) ? self->socket : NULL);
    }
  g_signal_connect_object (self->socket, "notify::state", G_CALLBACK (update_inject),
                           self, G_CONNECT_SWAPPED);
  update_inject (self);
}

void
ss_socket_page_install_intercept (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child_full (widget_class, "intercept_expander", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "inject_dropdown", FALSE, 0);
}
