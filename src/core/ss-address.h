/* ss-address.h — socket addresses: parsed from what a person types, shown back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sys/socket.h>

G_BEGIN_DECLS

#define SS_TYPE_ADDRESS (ss_address_get_type ())

typedef struct
{
  struct sockaddr_storage storage;
  socklen_t               len;
} SsAddress;

GType      ss_address_get_type         (void) G_GNUC_CONST;
SsAddress *ss_address_new              (const struct sockaddr *sa,
                                        socklen_t              len);
SsAddress *ss_address_copy             (const SsAddress       *self);
void       ss_address_free             (SsAddress             *self);
int        ss_address_get_family       (const SsAddress       *self);
guint16    ss_address_get_port         (const SsAddress       *self);
char      *ss_address_to_string        (const SsAddress       *self);
char      *ss_address_to_python        (const SsAddress       *self);
gboolean   ss_address_split            (const char            *text,
                                        char                 **host,
                                        guint16               *port,
                                        GError               **error);
SsAddress *ss_address_parse_numeric    (const char            *text,
                                        int                    family,
                                        const char            *default_host,
                                        GError               **error);
void       ss_address_resolve_async    (const char            *text,
                                        int                    family,
                                        const char            *default_host,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data);
SsAddress *ss_address_resolve_finish   (GAsyncResult          *result,
                                        GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsAddress, ss_address_free)

G_END_DECLS
