/* ss-spec.c — the command line's socket specs: tcp-listen:[HOST:]PORT, udp:HOST:PORT, unix:PATH, tcp-relay:…
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ss-address.h"
#include "ss-spec.h"

static const struct
{
  const char *prefix;
  SsSpecKind  kind;
  gboolean    tls;         /* the listening side, or the connection */
  gboolean    target_tls;  /* a relay's target */
} kinds[] = {
  { "tcp-listen",  SS_SPEC_TCP_LISTEN },
  { "tcp",         SS_SPEC_TCP_CONNECT },
  { "tls-listen",  SS_SPEC_TCP_LISTEN, TRUE },
  { "tls",         SS_SPEC_TCP_CONNECT, TRUE },
  { "udp-listen",  SS_SPEC_UDP_LISTEN },
  { "udp",         SS_SPEC_UDP_CONNECT },
  { "unix-listen", SS_SPEC_UNIX_LISTEN },
  { "unix",        SS_SPEC_UNIX_CONNECT },
  { "tcp-relay",   SS_SPEC_TCP_RELAY },
  { "unix-relay",  SS_SPEC_UNIX_RELAY },
  { "udp-relay",   SS_SPEC_UDP_RELAY },
  /* named for what each side speaks: clients, then the target */
  { "tls-relay",     SS_SPEC_TCP_RELAY, TRUE, TRUE },
  { "tls-tcp-relay", SS_SPEC_TCP_RELAY, TRUE, FALSE },
  { "tcp-tls-relay", SS_SPEC_TCP_RELAY, FALSE, TRUE },
};

#define USAGE N_("use tcp-listen:[HOST:]PORT, tcp:HOST:PORT, tls-listen:[HOST:]PORT, tls:HOST:PORT, udp-listen:[HOST:]PORT, udp:HOST:PORT, unix-listen:PATH, unix:PATH, tcp-relay:[BIND:]PORT:HOST:HOSTPORT, tls-relay:[BIND:]PORT:HOST:HOSTPORT (also tls-tcp-relay: and tcp-tls-relay:), udp-relay:[BIND:]PORT:HOST:HOSTPORT or unix-relay:PATH:TARGETPATH")

gboolean
ss_spec_is_listen (const SsSpec *self)
{
  return self->kind == SS_SPEC_TCP_LISTEN || self->kind == SS_SPEC_UDP_LISTEN ||
         self->kind == SS_SPEC_UNIX_LISTEN || ss_spec_is_relay (self);
}

/* a relay listens, and connects each client it accepts to its target */
gboolean
ss_spec_is_relay (const SsSpec *self)
{
  return self->kind == SS_SPEC_TCP_RELAY || self->kind == SS_SPEC_UDP_RELAY ||
         self->kind == SS_SPEC_UNIX_RELAY;
}

gboolean
ss_spec_is_unix (const SsSpec *self)
{
  return self->kind == SS_SPEC_UNIX_LISTEN || self->kind == SS_SPEC_UNIX_CONNECT ||
         self->kind == SS_SPEC_UNIX_RELAY;
}

int
ss_spec_socket_type (const SsSpec *self)
{
  return self->kind == SS_SPEC_UDP_LISTEN || self->kind == SS_SPEC_UDP_CONNECT ||
         self->kind == SS_SPEC_UDP_RELAY
         ? SOCK_DGRAM : SOCK_STREAM;
}

static gboolean
check_unix_path (const char  *text,
                 const char  *path,
                 GError     **error)
{
  struct sockaddr_un sun;

  if (*path == '\0' || g_str_equal (path, "@"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: the path is missing: give a file path, or @name for an abstract socket"), text);
      return FALSE;
    }
  if (strlen (path) >= sizeof sun.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: the path is too long: Unix socket paths hold at most %u bytes"),
                   text, (guint) sizeof sun.sun_path - 1);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_inet (const char  *text,
            const char  *rest,
            gboolean     listen,
            GError     **error)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (!ss_address_split (rest, &host, &port, error))
    {
      g_prefix_error (error, "%s: ", text);
      return FALSE;
    }
  if (!listen && host == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: a connect needs a host: HOST:PORT"), text);
      return FALSE;
    }
  if (!listen && port == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: port 0 cannot be connected to"), text);
      return FALSE;
    }
  return TRUE;
}

/* ssh -L's "[BIND:]PORT:HOST:HOSTPORT", fields split at colons outside
 * brackets, so "[::1]" is one field. */
static gboolean
parse_tcp_relay (SsSpec      *self,
                 const char  *text,
                 const char  *rest,
                 GError     **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  const char *start = rest;
  gboolean bracket = FALSE;
  const char *bind;
  g_autofree char *listen = NULL;
  g_autofree char *target = NULL;
  guint n;

  for (const char *p = rest;; p++)
    {
      if (*p == '[')
        bracket = TRUE;
      else if (*p == ']')
        bracket = FALSE;
      else if ((*p == ':' && !bracket) || *p == '\0')
        {
          g_ptr_array_add (fields, g_strndup (start, p - start));
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }
  n = fields->len;
  if (n != 3 && n != 4)
    {
      if (self->tls || self->target_tls)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("%s: a TLS relay is tls-relay:[BIND:]PORT:HOST:HOSTPORT (TLS on both sides), tls-tcp-relay: (TLS from the clients only) or tcp-tls-relay: (TLS to the target only), for example tls-relay:8443:example.com:443"),
                     text);
      else if (self->kind == SS_SPEC_UDP_RELAY)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("%s: a UDP relay is udp-relay:[BIND:]PORT:HOST:HOSTPORT, for example udp-relay:5353:127.0.0.1:53"),
                     text);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("%s: a TCP relay is tcp-relay:[BIND:]PORT:HOST:HOSTPORT, for example tcp-relay:9000:127.0.0.1:5432"),
                     text);
      return FALSE;
    }
  bind = n == 4 ? g_ptr_array_index (fields, 0) : "127.0.0.1";
  if (*bind == '\0')
    bind = "127.0.0.1";
  /* a bare IPv6 address would be ambiguous with its port */
  listen = g_strdup_printf (strchr (bind, ':') != NULL && bind[0] != '[' ? "[%s]:%s" : "%s:%s",
                            bind, (char *) g_ptr_array_index (fields, n - 3));
  target = g_strdup_printf ("%s:%s", (char *) g_ptr_array_index (fields, n - 2),
                            (char *) g_ptr_array_index (fields, n - 1));
  if (!check_inet (text, listen, TRUE, error) || !check_inet (text, target, FALSE, error))
    return FALSE;
  self->address = g_steal_pointer (&listen);
  self->target = g_steal_pointer (&target);
  return TRUE;
}

/* "PATH:TARGETPATH": the relay's path cannot hold a colon (the first one
 * ends it); the target's may. */
static gboolean
parse_unix_relay (SsSpec      *self,
                  const char  *text,
                  const char  *rest,
                  GError     **error)
{
  const char *colon = strchr (rest, ':');
  g_autofree char *path = NULL;

  if (colon == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: a Unix relay is unix-relay:PATH:TARGETPATH, for example unix-relay:/tmp/spy.sock:/run/app.sock"),
                   text);
      return FALSE;
    }
  path = g_strndup (rest, colon - rest);
  if (!check_unix_path (text, path, error) || !check_unix_path (text, colon + 1, error))
    return FALSE;
  if (g_str_equal (path, colon + 1))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: the relay would connect to itself"), text);
      return FALSE;
    }
  self->address = g_steal_pointer (&path);
  self->target = g_strdup (colon + 1);
  return TRUE;
}

/**
 * ss_spec_parse:
 * @text: one command-line argument, socat-style
 *
 * Checks the whole spec (kind, host, port range, path length) without
 * looking anything up, so a typing mistake is reported before any window
 * opens.
 *
 * Returns: (transfer full) (nullable): the spec, or %NULL with @error set
 */
SsSpec *
ss_spec_parse (const char  *text,
               GError     **error)
{
  const char *colon;
  const char *rest;
  SsSpec *self;
  guint i;

  g_return_val_if_fail (text != NULL, NULL);

  colon = strchr (text, ':');
  if (colon == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a socket spec: %s"), text, _(USAGE));
      return NULL;
    }

  for (i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strlen (kinds[i].prefix) == (gsize) (colon - text) &&
        g_ascii_strncasecmp (text, kinds[i].prefix, colon - text) == 0)
      break;
  if (i == G_N_ELEMENTS (kinds))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown kind “%.*s” in “%s”: %s"),
                   (int) (colon - text), text, text, _(USAGE));
      return NULL;
    }

  self = g_new0 (SsSpec, 1);
  self->kind = kinds[i].kind;
  self->tls = kinds[i].tls;
  self->target_tls = kinds[i].target_tls;
  rest = colon + 1;
  if (ss_spec_is_relay (self))
    {
      if (!(self->kind == SS_SPEC_UNIX_RELAY ? parse_unix_relay (self, text, rest, error)
                                             : parse_tcp_relay (self, text, rest, error)))
        {
          ss_spec_free (self);
          return NULL;
        }
      return self;
    }
  if (ss_spec_is_unix (self) ? !check_unix_path (text, rest, error)
                             : !check_inet (text, rest, ss_spec_is_listen (self), error))
    {
      ss_spec_free (self);
      return NULL;
    }
  self->address = g_strdup (rest);
  return self;
}

/* "tcp-listen:8000": the spec as it is typed */
char *
ss_spec_to_string (const SsSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].kind != self->kind || kinds[i].tls != self->tls || kinds[i].target_tls != self->target_tls)
      continue;
    else if (self->target != NULL)
      return g_strdup_printf ("%s:%s:%s", kinds[i].prefix, self->address, self->target);
    else
      return g_strdup_printf ("%s:%s", kinds[i].prefix, self->address);
  g_return_val_if_reached (NULL);
}

void
ss_spec_free (SsSpec *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self->target);
  g_free (self->target_cafile);
  g_free (self);
}
