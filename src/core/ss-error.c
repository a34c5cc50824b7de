/* ss-error.c — errors from syscalls, keeping the raw errno
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ss-constants.h"
#include "ss-error.h"

G_DEFINE_QUARK (ss-errno-error-quark, ss_errno_error)

/* "connect: Connection refused (ECONNREFUSED)" */
void
ss_set_errno_error (GError     **error,
                    int          errsv,
                    const char  *call)
{
  g_set_error (error, SS_ERRNO_ERROR, errsv,
               /* Translators: %s are a call name, a message, an errno name */
               _("%s: %s (%s)"),
               call, g_strerror (errsv), ss_errno_name (errsv));
}
