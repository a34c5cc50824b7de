/* ss-spec.c — the command line's socket specs: tcp-listen:[HOST:]PORT, tcp:HOST:PORT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ss-address.h"
#include "ss-spec.h"

/**
 * ss_spec_parse:
 * @text: one command-line argument, socat-style
 *
 * Checks the whole spec (kind, host, port range) without looking anything
 * up, so a typing mistake is reported before any window opens.
 *
 * Returns: (transfer full) (nullable): the spec, or %NULL with @error set
 */
SsSpec *
ss_spec_parse (const char  *text,
               GError     **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  const char *rest;
  SsSpecKind kind;
  guint16 port;
  SsSpec *self;

  g_return_val_if_fail (text != NULL, NULL);

  colon = strchr (text, ':');
  if (colon == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a socket spec: use tcp-listen:[HOST:]PORT or tcp:HOST:PORT"),
                   text);
      return NULL;
    }

  rest = colon + 1;
  if (colon - text == 10 && g_ascii_strncasecmp (text, "tcp-listen", 10) == 0)
    kind = SS_SPEC_TCP_LISTEN;
  else if (colon - text == 3 && g_ascii_strncasecmp (text, "tcp", 3) == 0)
    kind = SS_SPEC_TCP_CONNECT;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown kind “%.*s” in “%s”: use tcp-listen:[HOST:]PORT or tcp:HOST:PORT"),
                   (int) (colon - text), text, text);
      return NULL;
    }

  if (!ss_address_split (rest, &host, &port, error))
    {
      g_prefix_error (error, "%s: ", text);
      return NULL;
    }
  if (kind == SS_SPEC_TCP_CONNECT && host == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: a connect needs a host: tcp:HOST:PORT"), text);
      return NULL;
    }
  if (kind == SS_SPEC_TCP_CONNECT && port == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: port 0 cannot be connected to"), text);
      return NULL;
    }

  self = g_new0 (SsSpec, 1);
  self->kind = kind;
  self->address = g_strdup (rest);
  return self;
}

/* "tcp-listen:8000": the spec as it is typed */
char *
ss_spec_to_string (const SsSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_strdup_printf ("%s:%s", self->kind == SS_SPEC_TCP_LISTEN ? "tcp-listen" : "tcp",
                          self->address);
}

void
ss_spec_free (SsSpec *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self);
}
