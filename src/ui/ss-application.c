/* ss-application.c — the application: command line, app actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

#include "ss-application.h"
#include "ss-payload-store.h"
#include "ss-preferences-window.h"
#include "ss-spec.h"
#include "ss-system-window.h"
#include "ss-tls-config.h"
#include "ss-window.h"

struct _SsApplication
{
  GtkApplication  parent_instance;

  /* shared by every send box, loaded on first use */
  SsPayloadStore *history;
  SsPayloadStore *library;
  GtkWindow      *preferences;  /* weak: one at a time */
  GtkWindow      *system;       /* weak: one at a time */
};

G_DEFINE_FINAL_TYPE (SsApplication, ss_application, GTK_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "version", 'v', 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { "system", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open the System Sockets window: every socket of this machine, live"), NULL },
  { "record", 'r', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Record the traffic of the connections the specs open to a pcapng file (more than one: FILE-2, FILE-3 …)"),
    N_("FILE") },
  { "cert", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("TLS: the certificate (PEM) a tls-listen: server shows, or a tls: client sends"), N_("FILE") },
  { "key", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("TLS: the private key (PEM) of --cert"), N_("FILE") },
  { "cafile", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("TLS: trust the CAs in this PEM file instead of the system's"), N_("FILE") },
  { "insecure", 0, 0, G_OPTION_ARG_NONE, NULL, N_("TLS: accept any certificate (said in the window)"), NULL },
  { "alpn", 0, 0, G_OPTION_ARG_STRING, NULL, N_("TLS: the ALPN protocols to offer, comma-separated"), N_("LIST") },
  { "servername", 0, 0, G_OPTION_ARG_STRING, NULL, N_("TLS: the SNI name to send (empty: none)"), N_("NAME") },
  { "keylog", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("TLS: append the session secrets to FILE in NSS key log format"), N_("FILE") },
  { "toxic", 't', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("A fault on the relays' pairs, as Toxiproxy names it: DIRECTION:KIND=VALUE[,SETTING=VALUE…], e.g. upstream:latency=200,jitter=50 or downstream:limit_data=1000,toxicity=0.5 (repeat for more; they act in order)"),
    N_("FAULT") },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, NULL },
  { NULL }
};

static SsWindow *
get_window (SsApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (ss_window_new (self));
  return SS_WINDOW (window);
}

static void
ss_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (SS_APPLICATION (app))));
}

static GPtrArray *
parse_specs (GVariantDict  *options,
             GError       **error)
{
  g_autofree const char **args = NULL;
  g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func ((GDestroyNotify) ss_spec_free);

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &args);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      SsSpec *spec = ss_spec_parse (args[i], error);

      if (spec == NULL)
        return NULL;
      g_ptr_array_add (specs, spec);
    }
  return g_steal_pointer (&specs);
}

/* --toxic, each checked; added to @session when it is given. */
static gboolean
parse_toxics (GVariantDict  *options,
              SsSession     *session,
              GError       **error)
{
  g_autofree const char **args = NULL;

  g_variant_dict_lookup (options, "toxic", "^a&s", &args);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      SsToxicDirection direction;
      SsToxicSpec spec;

      if (!ss_toxic_spec_parse_option (args[i], &direction, &spec, error))
        return FALSE;
      if (session != NULL)
        ss_session_add_relay_fault (session, direction, &spec);
    }
  return TRUE;
}

/* Every spec is checked here, before a display or a window is needed, so
 * a typing mistake gives one clear message and a non-zero exit. */
static int
ss_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("sockscope %s\n", PACKAGE_VERSION);
      return 0;
    }

  specs = parse_specs (options, &error);
  if (specs == NULL || !parse_toxics (options, NULL, &error))
    {
      g_printerr ("sockscope: %s\n", error->message);
      return 1;
    }
  {
    g_autoptr(SsTlsConfig) tls = ss_tls_config_new_from_options (options, NULL, &error);

    if (tls == NULL)
      {
        g_printerr ("sockscope: %s\n", error->message);
        return 1;
      }
  }
  if (g_variant_dict_contains (options, "record"))
    {
      g_autofree char *path = NULL;
      g_autofree char *dir = NULL;

      g_variant_dict_lookup (options, "record", "^ay", &path);
      dir = g_path_get_dirname (path);
      if (specs->len == 0)
        {
          g_printerr ("sockscope: %s\n", _("--record needs a socket to open, e.g. sockscope --record capture.pcapng tcp-listen:8080"));
          return 1;
        }
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_printerr ("sockscope: %s\n", _("--record: the folder of the file does not exist"));
          return 1;
        }
    }
  return -1;
}

static int
ss_application_command_line (GApplication            *app,
                             GApplicationCommandLine *command_line)
{
  SsApplication *self = SS_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SsTlsConfig) tls = NULL;
  SsWindow *window;

  specs = parse_specs (options, &error);
  if (specs == NULL)
    {
      g_application_command_line_printerr (command_line, "sockscope: %s\n", error->message);
      return 1;
    }

  tls = ss_tls_config_new_from_options (options, g_application_command_line_get_cwd (command_line), &error);
  if (tls == NULL)
    {
      g_application_command_line_printerr (command_line, "sockscope: %s\n", error->message);
      return 1;
    }

  window = get_window (self);
  if (!parse_toxics (options, ss_window_get_session (window), &error))
    {
      g_application_command_line_printerr (command_line, "sockscope: %s\n", error->message);
      return 1;
    }
  ss_session_set_tls_config (ss_window_get_session (window), tls);
  if (g_variant_dict_contains (options, "record"))
    {
      g_autofree char *arg = NULL;
      g_autoptr(GFile) file = NULL;
      g_autofree char *path = NULL;

      /* relative to where sockscope was started, not to this process */
      g_variant_dict_lookup (options, "record", "^ay", &arg);
      file = g_application_command_line_create_file_for_arg (command_line, arg);
      path = g_file_get_path (file);
      ss_session_set_record_path (ss_window_get_session (window), path);
    }
  for (guint i = 0; i < specs->len; i++)
    ss_window_open_spec (window, g_ptr_array_index (specs, i));
  gtk_window_present (GTK_WINDOW (window));
  if (g_variant_dict_contains (options, "system"))
    g_action_group_activate_action (G_ACTION_GROUP (self), "system-sockets", NULL);
  return 0;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* Close windows first so they save their size. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_destroy (windows->data);
      windows = next;
    }
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  static const char *developers[] = { "Sockscope developers", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_show_about_dialog (window,
                         "program-name", _("Sockscope"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Work with sockets by hand and watch every byte and every call"),
                         "website", "https://github.com/sockscope/sockscope",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", developers,
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SsApplication *self = user_data;
  /* asked first: a new window goes to the front of the application's */
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->preferences == NULL)
    {
      self->preferences = GTK_WINDOW (ss_preferences_window_new (GTK_APPLICATION (self)));
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
    }
  if (active != self->preferences)
    gtk_window_set_transient_for (self->preferences, active);
  gtk_window_present (self->preferences);
}

static void
system_sockets_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  SsApplication *self = user_data;

  if (self->system == NULL)
    {
      self->system = GTK_WINDOW (ss_system_window_new (GTK_APPLICATION (self)));
      g_object_add_weak_pointer (G_OBJECT (self->system), (gpointer *) &self->system);
    }
  gtk_window_present (self->system);
}

/* Killed politely (Ctrl+C in a terminal, a session ending): close as Quit
 * does, so recordings end with their last packets on disk. */
static gboolean
quit_signal_cb (gpointer user_data)
{
  quit_activated (NULL, NULL, user_data);
  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
  { "system-sockets", system_sockets_activated },
};

static void
ss_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *new_accels[] = { "<Primary>n", NULL };
  static const char *close_accels[] = { "<Primary>w", NULL };
  static const char *remove_closed_accels[] = { "<Primary><Shift>k", NULL };
  static const char *preferences_accels[] = { "<Primary>comma", NULL };
  static const char *show_calls_accels[] = { "F9", NULL };
  static const char *show_call_log_accels[] = { "<Shift>F9", NULL };
  static const char *system_accels[] = { "<Primary><Shift>s", NULL };
  static const char *help_overlay_accels[] = { "<Primary>question", NULL };
  g_autoptr(GtkCssProvider) provider = NULL;

  G_APPLICATION_CLASS (ss_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries, G_N_ELEMENTS (app_entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.new-socket", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.close-socket", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.remove-closed", remove_closed_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-calls", show_calls_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-call-log", show_call_log_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.system-sockets", system_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", help_overlay_accels);
  gtk_window_set_default_icon_name (APP_ID);

  /* GtkApplication loads menus from the resource base path, but not a
   * style sheet (and the shortcuts window is the window's, when asked) */
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_unix_signal_add (SIGTERM, quit_signal_cb, app);
  g_unix_signal_add (SIGINT, quit_signal_cb, app);
  g_unix_signal_add (SIGHUP, quit_signal_cb, app);
}

static void
ss_application_dispose (GObject *object)
{
  SsApplication *self = SS_APPLICATION (object);

  g_clear_object (&self->history);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (ss_application_parent_class)->dispose (object);
}

static void
ss_application_class_init (SsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = ss_application_dispose;

  app_class->activate = ss_application_activate;
  app_class->startup = ss_application_startup;
  app_class->command_line = ss_application_command_line;
  app_class->handle_local_options = ss_application_handle_local_options;
}

static void
ss_application_init (SsApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[SPEC…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("Open a socket inspector window. Each SPEC opens a socket as if clicked:\n"
      "  tcp-listen:[HOST:]PORT   socket, bind and listen (HOST defaults to 127.0.0.1)\n"
      "  tcp:HOST:PORT            socket and connect\n"
      "  tls-listen:[HOST:]PORT   as tcp-listen:, each connection speaking TLS\n"
      "  tls:HOST:PORT            as tcp:, then a TLS handshake\n"
      "  udp-listen:[HOST:]PORT   a UDP socket bound to the address\n"
      "  udp:HOST:PORT            a UDP socket connected to a default peer\n"
      "  unix-listen:PATH         a Unix stream listener (@name: abstract)\n"
      "  unix:PATH                connect to a Unix stream socket\n"
      "  tcp-relay:[BIND:]PORT:HOST:HOSTPORT\n"
      "                           listen on PORT (BIND defaults to 127.0.0.1) and relay\n"
      "                           each client to HOST:HOSTPORT, as ssh -L does\n"
      "  tls-relay:[BIND:]PORT:HOST:HOSTPORT\n"
      "                           as tcp-relay:, with TLS on both legs: the relay shows\n"
      "                           its certificate (--cert, or one made for the run) and\n"
      "                           verifies the target's (--cafile, --insecure, --servername)\n"
      "  tls-tcp-relay:[BIND:]PORT:HOST:HOSTPORT\n"
      "                           TLS from the clients only (the relay terminates it)\n"
      "  tcp-tls-relay:[BIND:]PORT:HOST:HOSTPORT\n"
      "                           TLS to the target only (the relay originates it)\n"
      "  udp-relay:[BIND:]PORT:HOST:HOSTPORT\n"
      "                           the same for UDP: each client address gets its own\n"
      "                           socket to HOST:HOSTPORT, and the answers go back to it\n"
      "  unix-relay:PATH:TARGETPATH\n"
      "                           listen on the Unix socket PATH (no colon in it) and\n"
      "                           relay each client to TARGETPATH\n"
      "IPv6 hosts go in brackets: tcp-listen:[::1]:8000"));
}

SsApplication *
ss_application_new (void)
{
  return g_object_new (SS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/* A store that cannot be read stays empty and marked broken: it is
 * shown, and never written over. */
static SsPayloadStore *
load_store (const char *basename)
{
  g_autofree char *path = ss_payload_store_dup_default_path (basename);
  SsPayloadStore *store = ss_payload_store_new (path);
  g_autoptr(GError) error = NULL;

  if (!ss_payload_store_load (store, &error))
    g_debug ("%s", error->message);
  return store;
}

/**
 * ss_application_get_history:
 *
 * Returns: (transfer none): the payloads sent from any send box, the
 *   latest first, kept across restarts
 */
SsPayloadStore *
ss_application_get_history (SsApplication *self)
{
  g_return_val_if_fail (SS_IS_APPLICATION (self), NULL);

  if (self->history == NULL)
    self->history = load_store ("history.ini");
  return self->history;
}

/**
 * ss_application_get_library:
 *
 * Returns: (transfer none): the payloads the person saved by name
 */
SsPayloadStore *
ss_application_get_library (SsApplication *self)
{
  g_return_val_if_fail (SS_IS_APPLICATION (self), NULL);

  if (self->library == NULL)
    self->library = load_store ("payloads.ini");
  return self->library;
}
