/* ss-error.h — errors from syscalls, keeping the raw errno
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The error code of SS_ERRNO_ERROR is the errno itself, so the window can
 * always show the kernel's own answer (name and number). */
#define SS_ERRNO_ERROR (ss_errno_error_quark ())

GQuark ss_errno_error_quark (void);
void   ss_set_errno_error   (GError     **error,
                             int          errsv,
                             const char  *call);
const char *ss_errno_explain (int          errsv);

G_END_DECLS
