/* ss-constants.c — socket families and types by name, with this platform's values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "ss-constants.h"

/* Every family on the seed sheet, in the seed's order after the two a user
 * reaches for first, plus AF_UNIX which Linux users need. The values come
 * from this platform's headers: the seed lists Windows numbers. */
static const SsConstant families[] = {
  { "AF_INET",      AF_INET,      N_("IPv4") },
  { "AF_INET6",     AF_INET6,     N_("IPv6") },
  { "AF_UNIX",      AF_UNIX,      N_("Unix domain") },
  { "AF_UNSPEC",    AF_UNSPEC,    N_("Unspecified") },
  { "AF_APPLETALK", AF_APPLETALK, N_("AppleTalk") },
  { "AF_DECnet",    AF_DECnet,    N_("DECnet") },
  { "AF_IPX",       AF_IPX,       N_("IPX") },
  { "AF_IRDA",      AF_IRDA,      N_("IrDA") },
  { "AF_SNA",       AF_SNA,       N_("SNA") },
};

static const SsConstant types[] = {
  { "SOCK_STREAM",    SOCK_STREAM,    N_("Stream (TCP)") },
  { "SOCK_DGRAM",     SOCK_DGRAM,     N_("Datagram (UDP)") },
  { "SOCK_RAW",       SOCK_RAW,       N_("Raw") },
  { "SOCK_RDM",       SOCK_RDM,       N_("Reliable datagram") },
  { "SOCK_SEQPACKET", SOCK_SEQPACKET, N_("Sequenced packet") },
};

const SsConstant *
ss_constants_families (guint *n_families)
{
  *n_families = G_N_ELEMENTS (families);
  return families;
}

const SsConstant *
ss_constants_types (guint *n_types)
{
  *n_types = G_N_ELEMENTS (types);
  return types;
}

static const char *
lookup_name (const SsConstant *table,
             guint             n,
             int               value)
{
  for (guint i = 0; i < n; i++)
    if (table[i].value == value)
      return table[i].name;
  return NULL;
}

static gboolean
lookup_value (const SsConstant *table,
              guint             n,
              const char       *name,
              int              *value)
{
  for (guint i = 0; i < n; i++)
    if (g_str_equal (table[i].name, name))
      {
        *value = table[i].value;
        return TRUE;
      }
  return FALSE;
}

/* 0 lets the kernel pick the usual protocol of the family and type; the
 * others are for raw sockets and ping sockets (SOCK_DGRAM + ICMP). */
static const SsConstant protocols[] = {
  { "0",              0,              N_("Default for the type") },
  { "IPPROTO_TCP",    IPPROTO_TCP,    N_("TCP") },
  { "IPPROTO_UDP",    IPPROTO_UDP,    N_("UDP") },
  { "IPPROTO_ICMP",   IPPROTO_ICMP,   N_("ICMP (ping)") },
  { "IPPROTO_ICMPV6", IPPROTO_ICMPV6, N_("ICMPv6 (ping)") },
  { "IPPROTO_RAW",    IPPROTO_RAW,    N_("Raw IP") },
};

const SsConstant *
ss_constants_protocols (guint *n_protocols)
{
  *n_protocols = G_N_ELEMENTS (protocols);
  return protocols;
}

const char *
ss_protocol_name (int protocol)
{
  const char *name = lookup_name (protocols, G_N_ELEMENTS (protocols), protocol);
  return name ? name : "?";
}

const char *
ss_family_name (int family)
{
  const char *name = lookup_name (families, G_N_ELEMENTS (families), family);
  return name ? name : "AF_?";
}

const char *
ss_type_name (int type)
{
  const char *name = lookup_name (types, G_N_ELEMENTS (types), type);
  return name ? name : "SOCK_?";
}

gboolean
ss_family_from_name (const char *name,
                     int        *family)
{
  return lookup_value (families, G_N_ELEMENTS (families), name, family);
}

gboolean
ss_type_from_name (const char *name,
                   int        *type)
{
  return lookup_value (types, G_N_ELEMENTS (types), name, type);
}

/* "ECONNREFUSED": what a programmer searches for, so the app always shows it
 * beside the translated message. */
const char *
ss_errno_name (int errsv)
{
  const char *name = strerrorname_np (errsv);
  return name ? name : "E?";
}
