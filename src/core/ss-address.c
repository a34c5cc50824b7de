/* ss-address.c — socket addresses: parsed from what a person types, shown back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <arpa/inet.h>
#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>

#include "ss-address.h"
#include "ss-constants.h"

G_DEFINE_BOXED_TYPE (SsAddress, ss_address, ss_address_copy, ss_address_free)

SsAddress *
ss_address_new (const struct sockaddr *sa,
                socklen_t              len)
{
  SsAddress *self = g_new0 (SsAddress, 1);

  g_return_val_if_fail (len <= sizeof self->storage, self);

  memcpy (&self->storage, sa, len);
  self->len = len;
  return self;
}

SsAddress *
ss_address_copy (const SsAddress *self)
{
  return g_memdup2 (self, sizeof *self);
}

void
ss_address_free (SsAddress *self)
{
  g_free (self);
}

int
ss_address_get_family (const SsAddress *self)
{
  return self->storage.ss_family;
}

guint16
ss_address_get_port (const SsAddress *self)
{
  if (self->storage.ss_family == AF_INET)
    return ntohs (((const struct sockaddr_in *) &self->storage)->sin_port);
  if (self->storage.ss_family == AF_INET6)
    return ntohs (((const struct sockaddr_in6 *) &self->storage)->sin6_port);
  return 0;
}

/* Unix addresses: a path, "@name" for the abstract namespace, or "" when
 * unnamed (an unbound socket or a socketpair end). */
static char *
unix_to_string (const struct sockaddr_un *sun,
                socklen_t                 len)
{
  gsize path_len;

  if (len <= offsetof (struct sockaddr_un, sun_path))
    return g_strdup ("");

  path_len = len - offsetof (struct sockaddr_un, sun_path);
  if (sun->sun_path[0] == '\0')
    {
      g_autofree char *name = g_strndup (sun->sun_path + 1, path_len - 1);
      return g_strdup_printf ("@%s", name);
    }
  return g_strndup (sun->sun_path, path_len);
}

/* "127.0.0.1:8000", "[::1]:8000": the form a person types back in. */
char *
ss_address_to_string (const SsAddress *self)
{
  char host[INET6_ADDRSTRLEN];

  switch (self->storage.ss_family)
    {
    case AF_INET:
      {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) &self->storage;
        inet_ntop (AF_INET, &sin->sin_addr, host, sizeof host);
        return g_strdup_printf ("%s:%u", host, ntohs (sin->sin_port));
      }
    case AF_INET6:
      {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &self->storage;
        inet_ntop (AF_INET6, &sin6->sin6_addr, host, sizeof host);
        return g_strdup_printf ("[%s]:%u", host, ntohs (sin6->sin6_port));
      }
    case AF_UNIX:
      return unix_to_string ((const struct sockaddr_un *) &self->storage, self->len);
    default:
      return g_strdup_printf ("%s", ss_family_name (self->storage.ss_family));
    }
}

/* The address as the seed writes it in Python: ('127.0.0.1', 8000). */
char *
ss_address_to_python (const SsAddress *self)
{
  char host[INET6_ADDRSTRLEN];

  switch (self->storage.ss_family)
    {
    case AF_INET:
      inet_ntop (AF_INET, &((const struct sockaddr_in *) &self->storage)->sin_addr,
                 host, sizeof host);
      return g_strdup_printf ("('%s', %u)", host, ss_address_get_port (self));
    case AF_INET6:
      inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) &self->storage)->sin6_addr,
                 host, sizeof host);
      return g_strdup_printf ("('%s', %u, 0, 0)", host, ss_address_get_port (self));
    default:
      {
        g_autofree char *text = ss_address_to_string (self);
        return g_strdup_printf ("'%s'", text);
      }
    }
}

static gboolean
parse_port (const char  *text,
            guint16     *port,
            GError     **error)
{
  guint64 value;

  if (*text == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The port is missing: add “:PORT”"));
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a port number"), text);
      return FALSE;
    }
  if (value > 65535)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Port %s is out of range: ports go from 0 to 65535"), text);
      return FALSE;
    }
  *port = (guint16) value;
  return TRUE;
}

/**
 * ss_address_split:
 * @text: "HOST:PORT", "[IPV6]:PORT", ":PORT" or "PORT"
 * @host: (out) (transfer full) (nullable): the host, or %NULL when none was given
 * @port: (out): the port
 *
 * Splits without looking anything up, so every typing mistake is reported
 * at once with what is wrong.
 */
gboolean
ss_address_split (const char  *text,
                  char       **host,
                  guint16     *port,
                  GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  const char *colon;

  *host = NULL;
  if (*stripped == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The address is empty: type HOST:PORT, for example 127.0.0.1:8000"));
      return FALSE;
    }

  if (stripped[0] == '[')
    {
      const char *close = strchr (stripped, ']');

      if (close == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” has no closing “]” after the IPv6 address"), stripped);
          return FALSE;
        }
      if (close[1] != ':')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The port is missing after “%.*s”: add “:PORT”"),
                       (int) (close - stripped + 1), stripped);
          return FALSE;
        }
      if (!parse_port (close + 2, port, error))
        return FALSE;
      *host = g_strndup (stripped + 1, close - stripped - 1);
      return TRUE;
    }

  colon = strrchr (stripped, ':');
  if (colon == NULL)
    {
      /* A bare number is a port; a bare name is a host without a port. */
      if (g_ascii_isdigit (stripped[0]) && strchr (stripped, '.') == NULL)
        return parse_port (stripped, port, error);
      return parse_port ("", port, error);
    }
  if (strchr (stripped, ':') != colon)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Put an IPv6 address in brackets: [%s]:PORT"), stripped);
      return FALSE;
    }
  if (!parse_port (colon + 1, port, error))
    return FALSE;
  if (colon > stripped)
    *host = g_strndup (stripped, colon - stripped);
  return TRUE;
}

static SsAddress *
unix_address (const char  *text,
              GError     **error)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  gsize len = strlen (text);
  gboolean abstract = text[0] == '@';

  if (len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The path is empty: type a file path, or @name for an abstract socket"));
      return NULL;
    }
  if (len >= sizeof sun.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The path is %u bytes long; Unix socket paths hold at most %u"),
                   (guint) len, (guint) sizeof sun.sun_path - 1);
      return NULL;
    }
  memcpy (sun.sun_path, text, len);
  if (abstract)
    sun.sun_path[0] = '\0';
  /* An abstract name is exactly as long as given; a path ends with its NUL. */
  return ss_address_new ((struct sockaddr *) &sun,
                         offsetof (struct sockaddr_un, sun_path) + len + (abstract ? 0 : 1));
}

static SsAddress *
inet_address (const char *host,
              guint16     port,
              int         family)
{
  if (family != AF_INET6)
    {
      struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port) };
      if (inet_pton (AF_INET, host, &sin.sin_addr) == 1)
        return ss_address_new ((struct sockaddr *) &sin, sizeof sin);
    }
  if (family != AF_INET)
    {
      struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons (port) };
      if (inet_pton (AF_INET6, host, &sin6.sin6_addr) == 1)
        return ss_address_new ((struct sockaddr *) &sin6, sizeof sin6);
    }
  return NULL;
}

static gboolean
check_family (const char  *host,
              int          family,
              GError     **error)
{
  struct in6_addr probe;

  if (family == AF_INET && inet_pton (AF_INET6, host, &probe) == 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s is an IPv6 address, but this socket is IPv4 (AF_INET)"), host);
      return FALSE;
    }
  if (family == AF_INET6 && inet_pton (AF_INET, host, &probe) == 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s is an IPv4 address, but this socket is IPv6 (AF_INET6): "
                     "use [::ffff:%s] for an IPv4-mapped address"), host, host);
      return FALSE;
    }
  return TRUE;
}

/**
 * ss_address_parse_numeric:
 * @text: what the person typed
 * @family: the socket's family, or AF_UNSPEC to take it from the text
 * @default_host: (nullable): the host when @text names only a port
 *
 * Returns: (transfer full) (nullable): the address, or %NULL with @error
 *   set. A host name that needs a look-up gives %G_IO_ERROR_NOT_FOUND
 *   (use ss_address_resolve_async() for those).
 */
SsAddress *
ss_address_parse_numeric (const char  *text,
                          int          family,
                          const char  *default_host,
                          GError     **error)
{
  g_autofree char *host = NULL;
  const char *effective;
  guint16 port;
  SsAddress *address;

  g_return_val_if_fail (text != NULL, NULL);

  if (family == AF_UNIX)
    return unix_address (text, error);

  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Sockscope cannot parse addresses of family %s"),
                   ss_family_name (family));
      return NULL;
    }

  if (!ss_address_split (text, &host, &port, error))
    return NULL;

  effective = host ? host : default_host;
  if (effective == NULL)
    effective = family == AF_INET6 ? "::" : "0.0.0.0";

  if (!check_family (effective, family, error))
    return NULL;

  address = inet_address (effective, port, family);
  if (address == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("“%s” is not a numeric address"), effective);
  return address;
}

typedef struct
{
  guint16 port;
  char   *host;
} ResolveData;

static void
resolve_data_free (ResolveData *data)
{
  g_free (data->host);
  g_free (data);
}

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ResolveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses;
  g_autofree char *text = NULL;

  addresses = g_resolver_lookup_by_name_with_flags_finish (G_RESOLVER (object), result, &error);
  if (addresses == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("Could not find the host “%s”: %s"),
                               data->host, error->message);
      return;
    }

  text = g_inet_address_to_string (addresses->data);
  g_task_return_pointer (task, inet_address (text, data->port, AF_UNSPEC),
                         (GDestroyNotify) ss_address_free);
  g_resolver_free_addresses (addresses);
}

/**
 * ss_address_resolve_async:
 *
 * Like ss_address_parse_numeric(), but a host name is looked up without
 * blocking (GResolver), keeping only addresses of @family.
 */
void
ss_address_resolve_async (const char          *text,
                          int                  family,
                          const char          *default_host,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GResolver) resolver = NULL;
  ResolveData *data;
  SsAddress *address;
  GResolverNameLookupFlags flags = G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT;

  g_task_set_source_tag (task, ss_address_resolve_async);

  address = ss_address_parse_numeric (text, family, default_host, &error);
  if (address != NULL)
    {
      g_task_return_pointer (task, address, (GDestroyNotify) ss_address_free);
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (ResolveData, 1);
  ss_address_split (text, &data->host, &data->port, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) resolve_data_free);

  if (family == AF_INET)
    flags = G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY;
  else if (family == AF_INET6)
    flags = G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY;

  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_with_flags_async (resolver, data->host, flags, cancellable,
                                              resolve_cb, g_steal_pointer (&task));
}

SsAddress *
ss_address_resolve_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
