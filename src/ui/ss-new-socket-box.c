/* ss-new-socket-box.c — the "New socket" form: family and type dropdowns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <sys/socket.h>

#include "ss-accessible.h"
#include "ss-constants.h"
#include "ss-drop-down.h"
#include "ss-new-socket-box.h"
#include "ss-relay-verify-box.h"
#include "ss-spec.h"

struct _SsNewSocketBox
{
  GtkWidget    parent_instance;

  SsDropDown *family_dropdown;
  SsDropDown *type_dropdown;
  SsDropDown *protocol_dropdown;
  GtkButton   *create_button;
  GtkButton   *pair_button;
  GtkExpander *relay_expander;
  GtkEntry    *relay_listen_entry;
  GtkEntry    *relay_target_entry;
  GtkButton   *relay_button;
  SsDropDown *relay_tls_dropdown;
  SsRelayVerifyBox *relay_verify_box;
  GtkLabel    *error_label;
};

enum {
  CREATE,
  CREATE_PAIR,
  CREATE_RELAY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SsNewSocketBox, ss_new_socket_box, GTK_TYPE_WIDGET)

/* "AF_INET (2) — IPv4": the name the seed uses, this system's number,
 * and what it is. A protocol of 0 is just "0 — Default for the type". */
static GListModel *
model_for (const SsConstant *table,
           guint             n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = table[i].value == 0 && g_str_equal (table[i].name, "0")
                              ? g_strdup_printf ("0 — %s", _(table[i].label))
                              : g_strdup_printf ("%s (%d) — %s", table[i].name, table[i].value,
                                                 _(table[i].label));
      gtk_string_list_append (list, text);
    }
  return G_LIST_MODEL (list);
}

static const SsConstant *
selected (SsDropDown      *dropdown,
          const SsConstant *table,
          guint             n)
{
  guint position = ss_drop_down_get_selected (dropdown);

  return &table[MIN (position, n - 1)];
}

const char *
ss_new_socket_box_get_family_name (SsNewSocketBox *self)
{
  guint n;
  const SsConstant *families = ss_constants_families (&n);

  g_return_val_if_fail (SS_IS_NEW_SOCKET_BOX (self), NULL);
  return selected (self->family_dropdown, families, n)->name;
}

const char *
ss_new_socket_box_get_type_name (SsNewSocketBox *self)
{
  guint n;
  const SsConstant *types = ss_constants_types (&n);

  g_return_val_if_fail (SS_IS_NEW_SOCKET_BOX (self), NULL);
  return selected (self->type_dropdown, types, n)->name;
}

static void
select_by_name (SsDropDown      *dropdown,
                const SsConstant *table,
                guint             n,
                const char       *name)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (table[i].name, name) == 0)
      ss_drop_down_set_selected (dropdown, i);
}

/**
 * ss_new_socket_box_select:
 * @family_name: "AF_INET", …; an unknown name keeps the current choice
 * @type_name: "SOCK_STREAM", …
 */
void
ss_new_socket_box_select (SsNewSocketBox *self,
                          const char     *family_name,
                          const char     *type_name)
{
  guint n_families, n_types;
  const SsConstant *families = ss_constants_families (&n_families);
  const SsConstant *types = ss_constants_types (&n_types);

  g_return_if_fail (SS_IS_NEW_SOCKET_BOX (self));

  select_by_name (self->family_dropdown, families, n_families, family_name);
  select_by_name (self->type_dropdown, types, n_types, type_name);
}

/**
 * ss_new_socket_box_show_error:
 * @message: (nullable): the kernel's answer to socket(), or %NULL to clear
 */
void
ss_new_socket_box_show_error (SsNewSocketBox *self,
                              const char     *message)
{
  g_return_if_fail (SS_IS_NEW_SOCKET_BOX (self));

  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_label), message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

void
ss_new_socket_box_focus (SsNewSocketBox *self)
{
  g_return_if_fail (SS_IS_NEW_SOCKET_BOX (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->family_dropdown));
}

static void
create_clicked_cb (SsNewSocketBox *self)
{
  guint n_families, n_types, n_protocols;
  const SsConstant *families = ss_constants_families (&n_families);
  const SsConstant *types = ss_constants_types (&n_types);
  const SsConstant *protocols = ss_constants_protocols (&n_protocols);

  g_signal_emit (self, signals[CREATE], 0,
                 selected (self->family_dropdown, families, n_families)->value,
                 selected (self->type_dropdown, types, n_types)->value,
                 selected (self->protocol_dropdown, protocols, n_protocols)->value);
}

static void
pair_clicked_cb (SsNewSocketBox *self)
{
  guint n_types;
  const SsConstant *types = ss_constants_types (&n_types);

  g_signal_emit (self, signals[CREATE_PAIR], 0, selected (self->type_dropdown, types, n_types)->value);
}

/* The two addresses as a spec: a path (/… or @name) makes a Unix relay,
 * anything else a TCP one, or a UDP one when the type chosen above is
 * SOCK_DGRAM; in ssh -L's order. */
static void
relay_clicked_cb (SsNewSocketBox *self)
{
  g_autofree char *listen = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->relay_listen_entry))));
  g_autofree char *target = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->relay_target_entry))));
  g_autofree char *text = NULL;
  g_autoptr(SsSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  guint n_types;
  const SsConstant *types = ss_constants_types (&n_types);
  gboolean datagram = selected (self->type_dropdown, types, n_types)->value == SOCK_DGRAM;
  /* the dropdown's items, in order: what the clients and the target speak */
  static const char *const tcp_kinds[] = { "tcp-relay", "tls-tcp-relay", "tcp-tls-relay", "tls-relay" };
  guint tls = MIN (ss_drop_down_get_selected (self->relay_tls_dropdown), G_N_ELEMENTS (tcp_kinds) - 1);
  gboolean unix_path = *listen == '/' || *listen == '@';

  if (*listen == '\0' || *target == '\0')
    {
      ss_new_socket_box_show_error (self, _("A relay needs both addresses: where to listen, and the target"));
      return;
    }
  if (unix_path && tls > 0)
    {
      ss_new_socket_box_show_error (self, _("A relay with TLS listens on TCP: [HOST:]PORT, not a Unix socket path"));
      return;
    }
  if (datagram && !unix_path && tls > 0)
    {
      ss_new_socket_box_show_error (self, _("A UDP relay has no TLS: choose SOCK_STREAM as the type for a relay with TLS"));
      return;
    }
  text = g_strdup_printf ("%s:%s:%s",
                          unix_path ? "unix-relay" : datagram ? "udp-relay" : tcp_kinds[tls],
                          listen, target);
  spec = ss_spec_parse (text, &error);
  if (spec == NULL)
    {
      ss_new_socket_box_show_error (self, error->message);
      return;
    }
  if (spec->target_tls)
    ss_relay_verify_box_apply (self->relay_verify_box, spec);
  ss_new_socket_box_show_error (self, NULL);
  g_signal_emit (self, signals[CREATE_RELAY], 0, spec);
}

/* the target's verification is asked for when the relay speaks TLS to it */
static void
relay_tls_changed_cb (SsNewSocketBox *self)
{
  guint tls = ss_drop_down_get_selected (self->relay_tls_dropdown);

  gtk_widget_set_visible (GTK_WIDGET (self->relay_verify_box), tls == 2 || tls == 3);
}

/* socketpair() makes Unix sockets only (on Linux): offer it there. */
static void
family_changed_cb (SsNewSocketBox *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->pair_button),
                          g_str_equal (ss_new_socket_box_get_family_name (self), "AF_UNIX"));
}

static void
ss_new_socket_box_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_NEW_SOCKET_BOX);
  /* GTK 4.8 unparents only bound template children: the unnamed root box
   * is still here (a "still has children left" warning at finalize) */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object)));)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ss_new_socket_box_parent_class)->dispose (object);
}

static void
ss_new_socket_box_class_init (SsNewSocketBoxClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_new_socket_box_dispose;

  /**
   * SsNewSocketBox::create:
   * @family: the chosen family's value
   * @type: the chosen type's value
   * @protocol: the chosen protocol's value, 0 for the type's default
   */
  signals[CREATE] = g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                  G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);

  /**
   * SsNewSocketBox::create-pair:
   * @type: the chosen type's value, for socketpair(AF_UNIX, type)
   */
  signals[CREATE_PAIR] = g_signal_new ("create-pair", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * SsNewSocketBox::create-relay:
   * @spec: (type gpointer): the relay's spec (an #SsSpec), checked
   */
  signals[CREATE_RELAY] = g_signal_new ("create-relay", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  g_type_ensure (SS_TYPE_RELAY_VERIFY_BOX);
  g_type_ensure (SS_TYPE_DROP_DOWN);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-new-socket-box.ui");
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, family_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, protocol_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, create_button);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, pair_button);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, relay_expander);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, relay_listen_entry);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, relay_target_entry);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, relay_button);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, relay_tls_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, relay_verify_box);
  gtk_widget_class_bind_template_child (widget_class, SsNewSocketBox, error_label);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pair_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, relay_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, relay_tls_changed_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_new_socket_box_init (SsNewSocketBox *self)
{
  guint n_families, n_types;
  const SsConstant *families = ss_constants_families (&n_families);
  const SsConstant *types = ss_constants_types (&n_types);
  g_autoptr(GListModel) family_model = model_for (families, n_families);
  g_autoptr(GListModel) type_model = model_for (types, n_types);
  guint n_protocols;
  const SsConstant *protocols = ss_constants_protocols (&n_protocols);
  g_autoptr(GListModel) protocol_model = model_for (protocols, n_protocols);

  gtk_widget_init_template (GTK_WIDGET (self));
  ss_accessible_repair_names (GTK_WIDGET (self));
  /* a collapsed expander does not hold its child in the tree yet */
  ss_accessible_repair_names (GTK_WIDGET (self->relay_tls_dropdown));
  ss_drop_down_set_model (self->family_dropdown, family_model);
  ss_drop_down_set_model (self->type_dropdown, type_model);
  ss_drop_down_set_model (self->protocol_dropdown, protocol_model);
  g_signal_connect_swapped (self->family_dropdown, "notify::selected",
                            G_CALLBACK (family_changed_cb), self);
  family_changed_cb (self);
}
