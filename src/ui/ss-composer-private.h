/* ss-composer-private.h — what ss-composer.c and its history and saved
 * payloads share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ss-checksum-chooser.h"
#include "ss-composer.h"
#include "ss-drop-down.h"
#include "ss-payloads-popover.h"

G_BEGIN_DECLS

struct _SsComposer
{
  GtkWidget          parent_instance;

  SsDropDown        *encoding_dropdown;
  SsDropDown        *line_ending_dropdown;
  SsChecksumChooser *checksum_chooser;
  GtkLabel          *status_label;
  GtkMenuButton     *payloads_button;
  SsPayloadsPopover *payloads_popover;
  GtkStack          *input_stack;
  GtkTextView       *text_view;
  GtkEntry          *file_entry;
  GtkLabel          *preview_label;
  GtkTextTag        *error_tag;

  GSettings         *settings;
  SsPayloadStore    *history;
  SsPayloadStore    *library;
  SsEncoding         encoding;    /* what the text is in now */
  guint              preview_id;
  int                history_position;  /* -1: the person's own draft */
  SsPayload         *draft;             /* kept while the history is shown */
  gboolean           valid;
  gboolean           loading;           /* the text is set, not typed */
};

void     ss_composer_load_payload        (SsComposer            *self,
                                          SsPayload             *payload);
gboolean ss_composer_text_key_pressed_cb (SsComposer            *self,
                                          guint                  keyval,
                                          guint                  keycode,
                                          GdkModifierType        state,
                                          GtkEventControllerKey *controller);
void     ss_composer_text_edited_cb      (SsComposer            *self);
void     ss_composer_init_payloads       (SsComposer            *self);
void     ss_composer_payload_chosen_cb   (SsComposer            *self,
                                          SsPayload             *payload);
void     ss_composer_payload_save_cb     (SsComposer            *self,
                                          const char            *name);

G_END_DECLS
