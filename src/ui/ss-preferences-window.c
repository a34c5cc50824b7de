/* ss-preferences-window.c — the Preferences window (Ctrl+,): each control
 * bound to its GSettings key, so a change applies at once, everywhere
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include "ss-drop-down.h"
#include "ss-preferences-window.h"

struct _SsPreferencesWindow
{
  GtkWindow      parent_instance;

  GtkSpinButton *budget_spin;
  SsDropDown    *time_format_dropdown;
  SsDropDown    *time_precision_dropdown;
  GtkEntry      *bind_host_entry;
  GtkSwitch     *close_on_peer_close_switch;
  GtkSpinButton *retention_spin;
  GtkSpinButton *relay_idle_spin;
  GtkSwitch     *learner_mode_switch;

  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (SsPreferencesWindow, ss_preferences_window, GTK_TYPE_WINDOW)

/* The items of the two dropdowns, in order, as the keys spell them. */
static const char *time_formats[] = { "clock", "since-first", "since-previous", NULL };
static const char *time_precisions[] = { "ms", "us", NULL };

static gboolean
choice_to_selected (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], choice))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
selected_to_choice (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *choices = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[selected]);
}

static void
bind_choice (SsPreferencesWindow *self,
             const char          *key,
             SsDropDown          *dropdown,
             const char         **choices)
{
  g_settings_bind_with_mapping (self->settings, key, dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_to_selected, selected_to_choice, choices, NULL);
}

static void
ss_preferences_window_finalize (GObject *object)
{
  SsPreferencesWindow *self = SS_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (ss_preferences_window_parent_class)->finalize (object);
}

static void
ss_preferences_window_class_init (SsPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ss_preferences_window_finalize;

  g_type_ensure (SS_TYPE_DROP_DOWN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SsPreferencesWindow, budget_spin);
  gtk_widget_class_bind_template_child (widget_class, SsPreferencesWindow, time_format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsPreferencesWindow, time_precision_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsPreferencesWindow, bind_host_entry);
  gtk_widget_class_bind_template_child (widget_class, SsPreferencesWindow, close_on_peer_close_switch);
  gtk_widget_class_bind_template_child (widget_class, SsPreferencesWindow, retention_spin);
  gtk_widget_class_bind_template_child (widget_class, SsPreferencesWindow, relay_idle_spin);
  gtk_widget_class_bind_template_child (widget_class, SsPreferencesWindow, learner_mode_switch);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ss_preferences_window_init (SsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "payload-budget", self->budget_spin, "value", G_SETTINGS_BIND_DEFAULT);
  bind_choice (self, "time-format", self->time_format_dropdown, time_formats);
  bind_choice (self, "time-precision", self->time_precision_dropdown, time_precisions);
  g_settings_bind (self->settings, "default-bind-host", self->bind_host_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "close-on-peer-close", self->close_on_peer_close_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "closed-retention", self->retention_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "relay-idle-timeout", self->relay_idle_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "learner-mode", self->learner_mode_switch, "active", G_SETTINGS_BIND_DEFAULT);
}

SsPreferencesWindow *
ss_preferences_window_new (GtkApplication *application)
{
  return g_object_new (SS_TYPE_PREFERENCES_WINDOW, "application", application, NULL);
}
