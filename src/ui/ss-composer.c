/* ss-composer.c — the send box: what is typed, in an encoding, with a live
 * preview of exactly the bytes that will go
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <unistd.h>

#include "ss-accessible.h"
#include "ss-application.h"
#include "ss-composer-private.h"
#include "ss-file-chooser.h"
#include "ss-format.h"
#include "ss-payload-format.h"
#include "ss-payloads-popover.h"

/* The preview shows this much of a payload; the count is always whole. */
#define PREVIEW_BYTES 256

G_DEFINE_FINAL_TYPE (SsComposer, ss_composer, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_VALID, N_PROPS };

static GParamSpec *properties[N_PROPS];

static char *
dup_text (SsComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static SsLineEnding
get_line_ending (SsComposer *self)
{
  guint selected = ss_drop_down_get_selected (self->line_ending_dropdown);

  return selected < SS_N_LINE_ENDINGS ? (SsLineEnding) selected : SS_LINE_ENDING_NONE;
}

static void
set_text (SsComposer *self,
          const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
}

/* Marks the part of the text a parse error is about: @start and @end are
 * byte offsets, the buffer counts characters. */
static void
highlight_error (SsComposer *self,
                 const char *text,
                 gsize       start,
                 gsize       end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter from, to;
  gsize len = strlen (text);

  start = MIN (start, len);
  end = CLAMP (end, start, len);
  gtk_text_buffer_get_iter_at_offset (buffer, &from, g_utf8_pointer_to_offset (text, text + start));
  gtk_text_buffer_get_iter_at_offset (buffer, &to, g_utf8_pointer_to_offset (text, text + end));
  gtk_text_buffer_apply_tag (buffer, self->error_tag, &from, &to);
}

static void
clear_error (SsComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->error_tag, &start, &end);
}

static void
set_valid (SsComposer *self,
           gboolean    valid)
{
  if (self->valid == valid)
    return;
  self->valid = valid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

static void
show_status (SsComposer *self,
             const char *status,
             gboolean    is_error)
{
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), status);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "warning-message");
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error-message");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error-message");
  set_valid (self, !is_error);
}

/* A word on what just happened, not an error: the payload is fine, and
 * the next edit replaces it with the byte count. */
static void
show_notice (SsComposer *self,
             const char *notice)
{
  gtk_label_set_text (self->status_label, notice);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), notice);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error-message");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "warning-message");
}

static void
show_preview (SsComposer   *self,
              const guint8 *data,
              gsize         len)
{
  g_autofree char *dump = ss_payload_format (data, len, SS_PAYLOAD_HEX_DUMP, PREVIEW_BYTES);

  gtk_label_set_text (self->preview_label, dump);
}

/* A file's preview: its size and its first bytes, read now (a quick read,
 * never the whole file). */
static void
update_file_preview (SsComposer *self)
{
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->file_entry));
  g_autofree char *size = NULL;
  g_autofree char *status = NULL;
  guint8 head[PREVIEW_BYTES + 1];
  GStatBuf st;
  gssize n;
  int fd;

  gtk_label_set_text (self->preview_label, "");
  if (*path == '\0')
    {
      show_status (self, _("Choose a file to send"), TRUE);
      return;
    }
  /* O_NONBLOCK: opening a named pipe would wait for a writer, the window with it */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    {
      int errsv = fd < 0 ? errno : EISDIR;

      if (fd >= 0)
        close (fd);
      status = g_strdup_printf (_("Cannot send %s: %s"), path,
                                errsv == EISDIR ? _("not a regular file") : g_strerror (errsv));
      show_status (self, status, TRUE);
      return;
    }
  n = read (fd, head, sizeof head);
  close (fd);

  size = ss_format_bytes (st.st_size);
  status = g_strdup_printf (_("%s, read from disk as it is sent"), size);
  show_status (self, status, FALSE);
  if (n > 0)
    {
      /* one byte more than is shown, so the dump says there is more */
      g_autofree char *dump = ss_payload_format (head, st.st_size > n ? (gsize) st.st_size : (gsize) n,
                                                 SS_PAYLOAD_HEX_DUMP, MIN ((gsize) n, PREVIEW_BYTES));
      gtk_label_set_text (self->preview_label, dump);
    }
}

/* The checksum's bytes stand out in the dump: @at is their first byte. */
static void
highlight_checksum (SsComposer *self,
                    gsize       at,
                    gsize       size)
{
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

  for (gsize i = at; i < at + size; i++)
    {
      gsize hex, text;
      PangoAttribute *attr;

      ss_payload_format_hex_dump_place (i, &hex, &text);
      attr = pango_attr_background_new (0x3500, 0x8400, 0xe400);
      attr->start_index = hex;
      attr->end_index = hex + 2;
      pango_attr_list_insert (attrs, attr);
      attr = pango_attr_foreground_new (0xffff, 0xffff, 0xffff);
      attr->start_index = hex;
      attr->end_index = hex + 2;
      pango_attr_list_insert (attrs, attr);
      attr = pango_attr_background_new (0x3500, 0x8400, 0xe400);
      attr->start_index = text;
      attr->end_index = text + 1;
      pango_attr_list_insert (attrs, attr);
    }
  gtk_label_set_attributes (self->preview_label, attrs);
}

static gboolean
update_preview (gpointer user_data)
{
  SsComposer *self = user_data;
  g_autoptr(SsPayload) payload = NULL;
  g_autoptr(SsChecksum) checksum = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *status = NULL;
  gsize start = 0, end = 0;

  self->preview_id = 0;
  clear_error (self);
  gtk_label_set_attributes (self->preview_label, NULL);

  if (self->encoding == SS_ENCODING_FILE)
    {
      update_file_preview (self);
      return G_SOURCE_REMOVE;
    }

  checksum = ss_checksum_chooser_dup_checksum (self->checksum_chooser, &error);
  if (checksum == NULL)
    {
      show_status (self, error->message, TRUE);
      gtk_label_set_text (self->preview_label, "");
      return G_SOURCE_REMOVE;
    }
  text = dup_text (self);
  payload = ss_payload_new_full (NULL, self->encoding, text, get_line_ending (self), checksum, TRUE);
  bytes = ss_payload_to_bytes (payload, &start, &end, &error);
  if (bytes == NULL)
    {
      /* a range past the end is no place in the text */
      if (error->domain == SS_ENCODING_ERROR)
        highlight_error (self, text, start, end);
      show_status (self, error->message, TRUE);
      gtk_label_set_text (self->preview_label, "");
      return G_SOURCE_REMOVE;
    }

  {
    gsize total;
    const guint8 *data = g_bytes_get_data (bytes, &total);
    gsize sum_size = ss_checksum_get_size (checksum);
    gsize sum_at = total - strlen (ss_line_ending_get_bytes (get_line_ending (self))) - sum_size;

    status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRIu64 " byte", "%" PRIu64 " bytes", total),
                              (guint64) total);
    if (sum_size > 0)
      {
        g_autofree char *sum = ss_encoding_encode (SS_ENCODING_HEX, data + sum_at, sum_size);
        g_autofree char *with_sum = NULL;

        /* Translators: "12 bytes, checksum 37 4b" */
        with_sum = g_strdup_printf (_("%s, checksum %s"), status, sum);
        g_free (status);
        status = g_steal_pointer (&with_sum);
      }
    if (total <= PREVIEW_BYTES)
      {
        show_preview (self, data, total);
        if (sum_size > 0)
          highlight_checksum (self, sum_at, sum_size);
      }
    else
      {
        /* only what the preview shows is formatted, however big the payload */
        g_autofree char *dump = ss_payload_format (data, PREVIEW_BYTES, SS_PAYLOAD_HEX_DUMP, 0);
        g_autofree char *more = g_strdup_printf (_("… %" PRIu64 " bytes more"), (guint64) (total - PREVIEW_BYTES));
        g_autofree char *both = g_strconcat (dump, "\n", more, NULL);

        gtk_label_set_text (self->preview_label, both);
      }
    show_status (self, status, FALSE);
  }
  return G_SOURCE_REMOVE;
}

/* Typing a megabyte is one decode per pause, not one per key. */
static void
schedule_preview (SsComposer *self)
{
  if (self->preview_id == 0)
    self->preview_id = g_idle_add_full (G_PRIORITY_LOW, update_preview, self, NULL);
}

static void
buffer_changed_cb (SsComposer *self)
{
  schedule_preview (self);
}

static void
select_encoding (SsComposer *self,
                 SsEncoding  encoding)
{
  gboolean file = encoding == SS_ENCODING_FILE;

  self->encoding = encoding;
  gtk_stack_set_visible_child_name (self->input_stack, file ? "file" : "text");
  /* a file is sent as it is on disk */
  gtk_widget_set_sensitive (GTK_WIDGET (self->line_ending_dropdown), !file);
  gtk_widget_set_sensitive (GTK_WIDGET (self->checksum_chooser), !file);
  schedule_preview (self);
}

/* The text is converted to the new encoding when its bytes can be written
 * in it. When they cannot (bytes that are not UTF-8, as Text), the box
 * stays in its encoding and says why: reading "ff" as text would quietly
 * send other bytes. A text that does not parse is simply read anew. */
static void
encoding_changed_cb (SsComposer *self)
{
  guint selected = ss_drop_down_get_selected (self->encoding_dropdown);
  SsEncoding encoding = selected < SS_N_ENCODINGS ? (SsEncoding) selected : SS_ENCODING_TEXT;

  if (encoding == self->encoding)
    return;

  if (self->encoding != SS_ENCODING_FILE && encoding != SS_ENCODING_FILE)
    {
      g_autofree char *text = dup_text (self);
      g_autoptr(GBytes) bytes = ss_encoding_decode (self->encoding, text, -1, NULL, NULL, NULL);

      if (bytes != NULL)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (bytes, &len);
          g_autofree char *converted = ss_encoding_encode (encoding, data, len);

          if (converted == NULL)
            {
              /* back to the encoding the text is in; this handler then
               * sees no change */
              ss_drop_down_set_selected (self->encoding_dropdown, self->encoding);
              show_notice (self, _("These bytes are not text (not UTF-8, or a NUL byte): the box stays as it is"));
              return;
            }
          /* the preview must not decode the old text in the new way */
          self->encoding = encoding;
          set_text (self, converted);
        }
    }

  g_settings_set_string (self->settings, "encoding", ss_encoding_to_string (encoding));
  select_encoding (self, encoding);
}

static void
line_ending_changed_cb (SsComposer *self)
{
  g_settings_set_string (self->settings, "line-ending", ss_line_ending_to_string (get_line_ending (self)));
  schedule_preview (self);
}

/* A checksum chosen is kept for the next start, as the encoding is. */
static void
checksum_changed_cb (SsComposer *self)
{
  g_autoptr(SsChecksum) checksum = ss_checksum_chooser_dup_checksum (self->checksum_chooser, NULL);

  if (checksum != NULL && !self->loading)
    {
      g_autofree char *text = ss_checksum_to_string (checksum);

      g_settings_set_string (self->settings, "checksum", text);
    }
  schedule_preview (self);
}

static void
choose_file_cb (SsComposer *self)
{
  ss_file_chooser_show_for_entry (ss_file_chooser_new (GTK_WIDGET (self), _("Choose a File to Send"),
                                                       GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), NULL),
                                  GTK_EDITABLE (self->file_entry));
}

/* GObject --------------------------------------------------------------- */

static void
ss_composer_dispose (GObject *object)
{
  SsComposer *self = SS_COMPOSER (object);

  g_clear_handle_id (&self->preview_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SS_TYPE_COMPOSER);
  /* GTK 4.8 unparents only bound template children */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);
  g_clear_object (&self->history);
  g_clear_object (&self->library);
  g_clear_object (&self->draft);

  G_OBJECT_CLASS (ss_composer_parent_class)->dispose (object);
}

static void
ss_composer_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SsComposer *self = SS_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_composer_class_init (SsComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ss_composer_dispose;
  object_class->get_property = ss_composer_get_property;

  /* whether what is typed parses: Send is only possible then */
  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SS_TYPE_CHECKSUM_CHOOSER);
  g_type_ensure (SS_TYPE_DROP_DOWN);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-composer.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, SsComposer, encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsComposer, line_ending_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SsComposer, checksum_chooser);
  gtk_widget_class_bind_template_child (widget_class, SsComposer, status_label);
  gtk_widget_class_bind_template_child (widget_class, SsComposer, payloads_button);
  gtk_widget_class_bind_template_child (widget_class, SsComposer, input_stack);
  gtk_widget_class_bind_template_child (widget_class, SsComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, SsComposer, file_entry);
  gtk_widget_class_bind_template_child (widget_class, SsComposer, preview_label);
  gtk_widget_class_bind_template_callback (widget_class, encoding_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, line_ending_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, checksum_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, schedule_preview);
  gtk_widget_class_bind_template_callback (widget_class, choose_file_cb);
}

static void
ss_composer_init (SsComposer *self)
{
  GtkTextBuffer *buffer;
  GtkEventController *keys;
  g_autofree char *encoding_name = NULL;
  g_autofree char *ending_name = NULL;
  g_autofree char *checksum_text = NULL;
  g_autoptr(SsChecksum) checksum = NULL;
  SsEncoding encoding = SS_ENCODING_TEXT;
  SsLineEnding ending = SS_LINE_ENDING_LF;
  GApplication *app = g_application_get_default ();

  self->valid = TRUE;
  self->history_position = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  ss_composer_init_payloads (self);
  ss_accessible_repair_names (GTK_WIDGET (self));

  buffer = gtk_text_view_get_buffer (self->text_view);
  self->error_tag = gtk_text_buffer_create_tag (buffer, NULL,
                                                "underline", PANGO_UNDERLINE_ERROR,
                                                "background", "rgba(224,27,36,0.25)",
                                                NULL);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (buffer_changed_cb), self);
  g_signal_connect_swapped (buffer, "insert-text", G_CALLBACK (ss_composer_text_edited_cb), self);
  g_signal_connect_swapped (buffer, "delete-range", G_CALLBACK (ss_composer_text_edited_cb), self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (ss_composer_text_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);

  if (SS_IS_APPLICATION (app))
    {
      self->history = g_object_ref (ss_application_get_history (SS_APPLICATION (app)));
      self->library = g_object_ref (ss_application_get_library (SS_APPLICATION (app)));
    }

  self->settings = g_settings_new (APP_ID);
  encoding_name = g_settings_get_string (self->settings, "encoding");
  ending_name = g_settings_get_string (self->settings, "line-ending");
  checksum_text = g_settings_get_string (self->settings, "checksum");
  /* a setting that does not read is none */
  checksum = ss_checksum_parse (checksum_text, NULL);
  ss_checksum_chooser_set_checksum (self->checksum_chooser, checksum);
  ss_encoding_from_string (encoding_name, &encoding);
  ss_line_ending_from_string (ending_name, &ending);
  self->encoding = encoding;
  ss_drop_down_set_selected (self->encoding_dropdown, encoding);
  ss_drop_down_set_selected (self->line_ending_dropdown, ending);
  select_encoding (self, encoding);
}

SsComposer *
ss_composer_new (void)
{
  return g_object_new (SS_TYPE_COMPOSER, NULL);
}

/**
 * ss_composer_dup_bytes:
 *
 * Returns: (transfer full): exactly the bytes to send, checksum and line
 *   ending included; NULL with @error set when the text does not parse
 *   (the box shows where), the checksum cannot be made, or the payload is
 *   a file
 */
GBytes *
ss_composer_dup_bytes (SsComposer  *self,
                       GError     **error)
{
  g_autoptr(SsPayload) payload = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize start = 0, end = 0;

  g_return_val_if_fail (SS_IS_COMPOSER (self), NULL);

  if (self->encoding != SS_ENCODING_FILE)
    {
      g_autoptr(SsChecksum) checksum = ss_checksum_chooser_dup_checksum (self->checksum_chooser, error);

      if (checksum == NULL)
        return NULL;
    }
  payload = ss_composer_dup_payload (self);
  bytes = ss_payload_to_bytes (payload, &start, &end, &local_error);
  if (bytes == NULL)
    {
      /* the preview may not have run yet: show the place now */
      g_clear_handle_id (&self->preview_id, g_source_remove);
      update_preview (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

/**
 * ss_composer_dup_payload:
 *
 * Returns: (transfer full): what is in the box, as a payload without a
 *   name (fixed checksum bytes that are not hex are left out)
 */
SsPayload *
ss_composer_dup_payload (SsComposer *self)
{
  g_autofree char *text = NULL;
  g_autoptr(SsChecksum) checksum = NULL;

  g_return_val_if_fail (SS_IS_COMPOSER (self), NULL);

  if (self->encoding == SS_ENCODING_FILE)
    return ss_payload_new (NULL, SS_ENCODING_FILE, gtk_editable_get_text (GTK_EDITABLE (self->file_entry)),
                           SS_LINE_ENDING_NONE);
  text = dup_text (self);
  checksum = ss_checksum_chooser_dup_checksum (self->checksum_chooser, NULL);
  return ss_payload_new_full (NULL, self->encoding, text, get_line_ending (self), checksum, TRUE);
}

/* The path of the file to send, or NULL when the box holds a payload. */
const char *
ss_composer_get_file (SsComposer *self)
{
  g_return_val_if_fail (SS_IS_COMPOSER (self), NULL);

  if (self->encoding != SS_ENCODING_FILE)
    return NULL;
  return gtk_editable_get_text (GTK_EDITABLE (self->file_entry));
}

void
ss_composer_load_payload (SsComposer *self,
                          SsPayload  *payload)
{
  SsEncoding encoding = ss_payload_get_encoding (payload);

  self->loading = TRUE;
  /* select first, so the text is not converted from the old encoding */
  self->encoding = encoding;
  ss_drop_down_set_selected (self->encoding_dropdown, encoding);
  select_encoding (self, encoding);
  if (encoding == SS_ENCODING_FILE)
    gtk_editable_set_text (GTK_EDITABLE (self->file_entry), ss_payload_get_content (payload));
  else
    {
      set_text (self, ss_payload_get_content (payload));
      ss_drop_down_set_selected (self->line_ending_dropdown, ss_payload_get_line_ending (payload));
    }
  /* not kept in the settings: the box's own choice comes back next start */
  ss_checksum_chooser_set_checksum (self->checksum_chooser, ss_payload_get_checksum (payload));
  schedule_preview (self);
  self->loading = FALSE;
}

void
ss_composer_set_payload (SsComposer *self,
                         SsPayload  *payload)
{
  g_return_if_fail (SS_IS_COMPOSER (self));
  g_return_if_fail (SS_IS_PAYLOAD (payload));

  ss_composer_load_payload (self, payload);
  ss_composer_text_edited_cb (self);
}

gboolean
ss_composer_get_valid (SsComposer *self)
{
  g_return_val_if_fail (SS_IS_COMPOSER (self), FALSE);
  return self->valid;
}

GtkWidget *
ss_composer_get_text_view (SsComposer *self)
{
  g_return_val_if_fail (SS_IS_COMPOSER (self), NULL);
  return GTK_WIDGET (self->text_view);
}
