/* ss-options-panel.c — a socket's options: set one, see what the kernel holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>
#include <sys/socket.h>

#include "ss-tooltip.h"
#include "ss-options-panel.h"
#include "ss-socket-options.h"

/* One row: the option, the control that sets it, and the kernel's value
 * read back after every change (it may differ: SO_RCVBUF doubles). */
typedef struct
{
  SsOptionsPanel *panel;
  const SsOption *option;
  GtkWidget      *control;
  GtkLabel       *kernel_label;
} OptionRow;

struct _SsOptionsPanel
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkGrid   *grid;
  GtkWidget *multicast_box;
  GtkEntry  *group_entry;

  SsSocket  *socket;
  GPtrArray *rows;
  gboolean   refreshing;
};

enum {
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SsOptionsPanel, ss_options_panel, GTK_TYPE_WIDGET)

static void
report (SsOptionsPanel *self,
        GError         *error)
{
  g_signal_emit (self, signals[FAILED], 0, error);
}

static void
refresh_row (OptionRow *row)
{
  SsOptionsPanel *self = row->panel;
  g_autofree char *text = NULL;
  int value;

  if (!ss_socket_get_option (self->socket, row->option, &value, NULL))
    {
      gtk_label_set_text (row->kernel_label, "—");
      return;
    }

  self->refreshing = TRUE;
  if (row->option->kind == SS_OPTION_BOOL)
    {
      gtk_switch_set_active (GTK_SWITCH (row->control), value != 0);
      text = g_strdup (value ? _("on") : _("off"));
    }
  else
    {
      if (row->option->kind == SS_OPTION_LINGER && value < 0)
        text = g_strdup (_("off"));
      else
        text = g_strdup_printf ("%d", value);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (row->control), value);
    }
  self->refreshing = FALSE;

  {
    /* Translators: the value the kernel holds for an option */
    g_autofree char *kernel = g_strdup_printf (_("kernel: %s"), text);
    gtk_label_set_text (row->kernel_label, kernel);
  }
}

void
ss_options_panel_refresh (SsOptionsPanel *self)
{
  gboolean open;

  g_return_if_fail (SS_IS_OPTIONS_PANEL (self));

  if (self->socket == NULL)
    return;
  open = ss_socket_get_state (self->socket) != SS_SOCKET_CLOSED;
  gtk_widget_set_sensitive (self->box, open);
  if (open)
    g_ptr_array_foreach (self->rows, (GFunc) refresh_row, NULL);
}

static void
apply (OptionRow *row,
       int        value)
{
  g_autoptr(GError) error = NULL;

  if (!ss_socket_set_option (row->panel->socket, row->option, value, &error))
    report (row->panel, error);
  refresh_row (row);
}

static void
switch_changed_cb (GtkSwitch  *control,
                   GParamSpec *pspec,
                   OptionRow  *row)
{
  if (!row->panel->refreshing)
    apply (row, gtk_switch_get_active (control));
}

static void
set_clicked_cb (GtkButton *button,
                OptionRow *row)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (row->control);

  gtk_spin_button_update (spin);
  apply (row, gtk_spin_button_get_value_as_int (spin));
}

static void
add_row (SsOptionsPanel *self,
         const SsOption *option,
         int             line)
{
  OptionRow *row = g_new0 (OptionRow, 1);
  GtkWidget *name = gtk_label_new (option->name);
  GtkWidget *kernel = gtk_label_new (NULL);

  row->panel = self;
  row->option = option;
  row->kernel_label = GTK_LABEL (kernel);
  g_ptr_array_add (self->rows, row);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  ss_tooltip_set_text (name, _(option->help));
  gtk_widget_set_hexpand (name, TRUE);
  gtk_label_set_xalign (GTK_LABEL (kernel), 0);
  gtk_widget_add_css_class (kernel, "dim-label");
  gtk_widget_add_css_class (kernel, "numeric");

  if (option->kind == SS_OPTION_BOOL)
    {
      row->control = gtk_switch_new ();
      gtk_widget_set_valign (row->control, GTK_ALIGN_CENTER);
      gtk_widget_set_halign (row->control, GTK_ALIGN_START);
      g_signal_connect (row->control, "notify::active", G_CALLBACK (switch_changed_cb), row);
      gtk_grid_attach (self->grid, row->control, 1, line, 2, 1);
    }
  else
    {
      GtkWidget *set = gtk_button_new_with_label (_("Set"));
      /* "Set" alone does not say what it sets.
       * Translators: %s is a socket option, such as SO_RCVBUF */
      g_autofree char *set_name = g_strdup_printf (_("Set %s"), option->name);

      row->control = gtk_spin_button_new_with_range (option->kind == SS_OPTION_LINGER ? -1 : 0,
                                                     G_MAXINT, 1);
      ss_tooltip_set_text (set, _("Call setsockopt() with this value"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (set),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, set_name,
                                      -1);
      /* narrow: the page's left column is narrow, and values are short */
      gtk_editable_set_width_chars (GTK_EDITABLE (row->control), 6);
      g_signal_connect (set, "clicked", G_CALLBACK (set_clicked_cb), row);
      gtk_grid_attach (self->grid, row->control, 1, line, 1, 1);
      gtk_grid_attach (self->grid, set, 2, line, 1, 1);
    }
  ss_tooltip_set_text (row->control, _(option->help));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row->control),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, name, NULL,
                                  -1);
  gtk_grid_attach (self->grid, name, 0, line, 1, 1);
  gtk_grid_attach (self->grid, kernel, 3, line, 1, 1);
}

static void
membership (SsOptionsPanel *self,
            gboolean        join)
{
  g_autoptr(GError) error = NULL;

  if (!ss_socket_set_membership (self->socket, gtk_editable_get_text (GTK_EDITABLE (self->group_entry)),
                                 join, &error))
    report (self, error);
}

static void
join_clicked_cb (SsOptionsPanel *self)
{
  membership (self, TRUE);
}

static void
leave_clicked_cb (SsOptionsPanel *self)
{
  membership (self, FALSE);
}

/**
 * ss_options_panel_set_socket:
 *
 * Shows the options that apply to @socket's family and type. Set once:
 * a page shows one socket for its whole life.
 */
void
ss_options_panel_set_socket (SsOptionsPanel *self,
                             SsSocket       *socket)
{
  guint n;
  const SsOption *options = ss_socket_options (&n);
  int line = 0;
  int family;

  g_return_if_fail (SS_IS_OPTIONS_PANEL (self));
  g_return_if_fail (self->socket == NULL);

  self->socket = g_object_ref (socket);
  for (guint i = 0; i < n; i++)
    if (ss_socket_option_applies (&options[i], socket))
      add_row (self, &options[i], line++);

  family = ss_socket_get_family (socket);
  gtk_widget_set_visible (self->multicast_box,
                          (family == AF_INET || family == AF_INET6) &&
                          ss_socket_get_socket_type (socket) == SOCK_DGRAM);
  gtk_entry_set_placeholder_text (self->group_entry, family == AF_INET6 ? "ff02::1234" : "239.1.2.3");
  ss_options_panel_refresh (self);
}

static void
ss_options_panel_dispose (GObject *object)
{
  SsOptionsPanel *self = SS_OPTIONS_PANEL (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (ss_options_panel_parent_class)->dispose (object);
}

static void
ss_options_panel_class_init (SsOptionsPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_options_panel_dispose;

  /**
   * SsOptionsPanel::failed:
   * @error: why a setsockopt() failed, for the page to show
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_options_panel_init (SsOptionsPanel *self)
{
  GtkWidget *join, *leave;

  self->rows = g_ptr_array_new_with_free_func (g_free);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (self->grid, 4);
  gtk_grid_set_column_spacing (self->grid, 6);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->grid));

  self->multicast_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->group_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->group_entry), TRUE);
  ss_tooltip_set_text (GTK_WIDGET (self->group_entry), _("A multicast group address"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->group_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Multicast group"),
                                  -1);
  join = gtk_button_new_with_label (_("Join"));
  leave = gtk_button_new_with_label (_("Leave"));
  ss_tooltip_set_text (join, _("Join the multicast group (IP_ADD_MEMBERSHIP)"));
  ss_tooltip_set_text (leave, _("Leave the multicast group (IP_DROP_MEMBERSHIP)"));
  g_signal_connect_swapped (join, "clicked", G_CALLBACK (join_clicked_cb), self);
  g_signal_connect_swapped (leave, "clicked", G_CALLBACK (leave_clicked_cb), self);
  gtk_box_append (GTK_BOX (self->multicast_box), GTK_WIDGET (self->group_entry));
  gtk_box_append (GTK_BOX (self->multicast_box), join);
  gtk_box_append (GTK_BOX (self->multicast_box), leave);
  gtk_box_append (GTK_BOX (self->box), self->multicast_box);
}
