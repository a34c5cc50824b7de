/* ss-tls-options.h — the TLS options popover: SNI, ALPN, versions, files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-tls-config.h"

G_BEGIN_DECLS

#define SS_TYPE_TLS_OPTIONS (ss_tls_options_get_type ())

G_DECLARE_FINAL_TYPE (SsTlsOptions, ss_tls_options, SS, TLS_OPTIONS, GtkPopover)

SsTlsOptions *ss_tls_options_new         (void);
SsTlsConfig  *ss_tls_options_make_config (SsTlsOptions  *self,
                                          GError       **error);
void          ss_tls_options_show_error  (SsTlsOptions  *self,
                                          const GError  *error);

G_END_DECLS
