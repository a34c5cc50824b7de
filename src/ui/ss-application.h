/* ss-application.h — the application: command line, app actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ss-payload-store.h"

G_BEGIN_DECLS

#define SS_TYPE_APPLICATION (ss_application_get_type ())

G_DECLARE_FINAL_TYPE (SsApplication, ss_application, SS, APPLICATION, GtkApplication)

SsApplication  *ss_application_new         (void);
SsPayloadStore *ss_application_get_history (SsApplication *self);
SsPayloadStore *ss_application_get_library (SsApplication *self);

G_END_DECLS
