/* ss-traffic-view-messages.c — a traffic view's rows as messages (the
 * Messages popover), and its Hex and Text layout: each row as
 * `hexdump -C` shows it, as wide as the column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ss-escape.h"
#include "ss-framing-box.h"
#include "ss-hexdump.h"
#include "ss-tooltip.h"
#include "ss-traffic-view-private.h"

/* A row shows this many lines of a long message; the rest is in the
 * details, one selection away. */
#define HEXDUMP_LINES 16
/* the bytes a line shows before the column's width is known */
#define DEFAULT_PER_LINE 16

static guint framing_chosen_signal;

/* The rows shown: the messages, or the log's own entries */
GListModel *
ss_traffic_view_get_rows (SsTrafficView *self)
{
  if (self->messages != NULL)
    return G_LIST_MODEL (self->messages);
  return self->log != NULL ? G_LIST_MODEL (self->log) : NULL;
}

/**
 * ss_traffic_view_get_messages:
 *
 * Returns: (transfer none) (nullable): the messages shown, when the
 *   person split the traffic into messages
 */
SsMessageLog *
ss_traffic_view_get_messages (SsTrafficView *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_VIEW (self), NULL);
  return self->messages;
}

typedef struct
{
  SsChecksum *checksum;
  guint8      delimiter[SS_FRAMER_MAX_DELIMITER];
  guint       delimiter_len;
} Verify;

static void
verify_free (gpointer data)
{
  Verify *verify = data;

  ss_checksum_free (verify->checksum);
  g_free (verify);
}

/* A message ends with its checksum, before its delimiter when it has one
 * (the send box puts the checksum before the line ending too). */
static gboolean
verify_message_cb (SsTrafficKind  kind,
                   const guint8  *data,
                   gsize          len,
                   gpointer       user_data)
{
  Verify *verify = user_data;

  if (verify->delimiter_len > 0 && len >= verify->delimiter_len &&
      memcmp (data + len - verify->delimiter_len, verify->delimiter, verify->delimiter_len) == 0)
    len -= verify->delimiter_len;
  return ss_checksum_verify (verify->checksum, data, len, NULL);
}

/* Frames the log shown (again) as the person chose */
void
ss_traffic_view_frame (SsTrafficView *self)
{
  g_clear_object (&self->messages);
  if (self->log == NULL || self->framing.mode == SS_FRAMING_NONE)
    return;
  self->messages = ss_message_log_new (self->log, &self->framing);
  if (self->verify != NULL)
    {
      Verify *verify = g_new0 (Verify, 1);

      verify->checksum = ss_checksum_copy (self->verify);
      if (self->framing.mode == SS_FRAMING_DELIMITER)
        {
          memcpy (verify->delimiter, self->framing.delimiter, self->framing.delimiter_len);
          verify->delimiter_len = self->framing.delimiter_len;
        }
      ss_message_log_set_check (self->messages, verify_message_cb, verify, verify_free);
    }
}

/* A few characters for the button: the toolbar has little room */
static char *
dup_summary (const SsFramerSpec *spec)
{
  switch (spec->mode)
    {
    case SS_FRAMING_DELIMITER:
      return ss_escape_bytes (spec->delimiter, spec->delimiter_len, 4, FALSE);
    case SS_FRAMING_FIXED:
      /* Translators: a fixed message length on a narrow button */
      return g_strdup_printf (_("%u B"), spec->fixed_length);
    case SS_FRAMING_LENGTH:
      /* Translators: messages split by a length field, on a narrow button */
      return g_strdup (_("length"));
    case SS_FRAMING_IDLE:
      /* Translators: an idle gap in milliseconds, on a narrow button */
      return g_strdup_printf (_("%u ms"), spec->idle_ms);
    case SS_FRAMING_NONE:
    case SS_N_FRAMINGS:
    default:
      return NULL;
    }
}

static void
update_button (SsTrafficView *self)
{
  g_autofree char *summary = dup_summary (&self->framing);
  g_autofree char *spec = ss_framer_spec_to_string (&self->framing);
  g_autofree char *label = NULL;
  g_autofree char *tooltip = NULL;

  if (summary == NULL)
    label = g_strdup (_("Messages"));
  else
    /* Translators: the Messages button while the log is split; %s is
     * how, in a few characters: "\n", "16 B", "length", "50 ms" */
    label = g_strdup_printf (_("Messages: %s"), summary);
  gtk_menu_button_set_label (self->messages_button, label);
  if (summary == NULL)
    tooltip = g_strdup (_("One row a message instead of one a recv or send call: by a delimiter, a fixed length, a length field or an idle gap (Ctrl+M)"));
  else
    /* Translators: %s is the framing, e.g. "length:offset=0,size=2,big,adjust=0" */
    tooltip = g_strdup_printf (_("One row a message, split by %s (Ctrl+M)"), spec);
  ss_tooltip_set_text (GTK_WIDGET (self->messages_button), tooltip);
}

/**
 * ss_traffic_view_set_framing:
 *
 * Shows the log split as @spec says (%SS_FRAMING_NONE: one row a
 * chunk), what it holds already and what comes.
 */
void
ss_traffic_view_set_framing (SsTrafficView      *self,
                             const SsFramerSpec *spec)
{
  g_return_if_fail (SS_IS_TRAFFIC_VIEW (self));
  g_return_if_fail (spec != NULL && spec->mode < SS_N_FRAMINGS);

  self->framing = *spec;
  if (self->framing_box != NULL)
    ss_framing_box_set_spec (self->framing_box, spec);
  update_button (self);
  ss_traffic_view_frame (self);
  ss_traffic_view_show_rows (self);
}

/* The framing shown */
const SsFramerSpec *
ss_traffic_view_get_framing (SsTrafficView *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_VIEW (self), NULL);
  return &self->framing;
}

/**
 * ss_traffic_view_set_verify:
 * @verify: (nullable): the checksum each message should end with
 *
 * Messages are marked good or bad by @verify, as if chosen in the
 * Messages popover (with the framing shown).
 */
void
ss_traffic_view_set_verify (SsTrafficView    *self,
                            const SsChecksum *verify)
{
  g_return_if_fail (SS_IS_TRAFFIC_VIEW (self));

  if (verify != NULL && ss_checksum_is_none (verify))
    verify = NULL;
  if (verify == NULL ? self->verify == NULL
                     : self->verify != NULL && ss_checksum_equal (verify, self->verify))
    return;
  g_clear_pointer (&self->verify, ss_checksum_free);
  if (verify != NULL)
    self->verify = ss_checksum_copy (verify);
  if (self->framing_box != NULL)
    ss_framing_box_set_verify (self->framing_box, verify);
  if (self->framing.mode == SS_FRAMING_NONE)
    return;
  ss_traffic_view_frame (self);
  ss_traffic_view_show_rows (self);
}

/* (nullable): the checksum each message is verified with */
const SsChecksum *
ss_traffic_view_get_verify (SsTrafficView *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_VIEW (self), NULL);
  return self->verify;
}

static void
framing_apply_cb (SsTrafficView *self,
                  const char    *text)
{
  SsFramerSpec spec;

  if (!ss_framer_spec_parse (text, &spec, NULL))
    g_return_if_reached ();
  g_clear_pointer (&self->verify, ss_checksum_free);
  self->verify = ss_framing_box_dup_verify (self->framing_box);
  ss_traffic_view_set_framing (self, &spec);
  gtk_menu_button_popdown (self->messages_button);
  g_signal_emit (self, framing_chosen_signal, 0);
}

/* Find, the filter's positions: on the messages when shown */
guint
ss_traffic_view_rows_find (SsTrafficView *self,
                           const guint8  *needle,
                           gsize          len,
                           guint          from,
                           gboolean       backward,
                           guint          kinds)
{
  if (self->messages != NULL)
    return ss_message_log_find (self->messages, needle, len, from, backward, kinds);
  return ss_traffic_log_find (self->log, needle, len, from, backward, kinds);
}

guint
ss_traffic_view_rows_count_kinds (SsTrafficView *self,
                                  guint          kinds,
                                  guint          end)
{
  if (self->messages != NULL)
    return ss_message_log_count_kinds (self->messages, kinds, end);
  return ss_traffic_log_count_kinds (self->log, kinds, end);
}

guint
ss_traffic_view_rows_nth_of_kinds (SsTrafficView *self,
                                   guint          kinds,
                                   guint          n)
{
  if (self->messages != NULL)
    return ss_message_log_nth_of_kinds (self->messages, kinds, n);
  return ss_traffic_log_nth_of_kinds (self->log, kinds, n);
}

/* The details of a message start with where it came from */
char *
ss_traffic_view_dup_details_heading (SsTrafficView  *self,
                                     SsTrafficEntry *entry)
{
  guint first = ss_traffic_entry_get_first_chunk (entry);
  guint n = ss_traffic_entry_get_n_chunks (entry);
  g_autofree char *note = ss_traffic_entry_dup_note (entry);
  g_autofree char *chunks = NULL;

  if (!(ss_traffic_entry_get_message_flags (entry) & SS_MESSAGE_FRAMED) ||
      ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_EVENT)
    return NULL;
  /* Translators: a message's first line in the details; %u are a
   * count of chunks and the position of the first in the log */
  chunks = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "A message from %u chunk, entry %u of the log (Show Chunks in the ⋮ menu)",
                                         "A message from %u chunks, from entry %u of the log (Show Chunks in the ⋮ menu)", n),
                            n, first + 1);
  return note != NULL ? g_strconcat (chunks, "\n", note, NULL) : g_steal_pointer (&chunks);
}

/* Show Chunks: the rows of the log again, the message's first chunk
 * selected */
static void
show_chunks_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SsTrafficView *self = SS_TRAFFIC_VIEW (widget);
  SsTrafficEntry *entry = ss_traffic_view_get_selected_entry (self);
  SsFramerSpec none = { .mode = SS_FRAMING_NONE };
  guint first, shown;

  if (entry == NULL || !(ss_traffic_entry_get_message_flags (entry) & SS_MESSAGE_FRAMED))
    return;
  first = ss_traffic_entry_get_first_chunk (entry);
  ss_traffic_view_set_framing (self, &none);
  shown = ss_traffic_log_count_kinds (self->log, ss_traffic_view_get_kinds (self), first);
  ss_traffic_view_select_row (self, shown);
}

/* The Messages popover's box, made when the popover first opens: a
 * page is made when its socket is first selected, and the box (a form for
 * five framings and a checksum) was a fifth of the making of a page that
 * most people never split into messages. */
static void
create_framing_box_cb (GtkMenuButton *button,
                       gpointer       user_data)
{
  SsTrafficView *self = user_data;

  if (self->framing_box != NULL)
    return;
  self->framing_box = g_object_new (SS_TYPE_FRAMING_BOX, NULL);
  ss_framing_box_set_spec (self->framing_box, &self->framing);
  ss_framing_box_set_verify (self->framing_box, self->verify);
  g_signal_connect_swapped (self->framing_box, "apply", G_CALLBACK (framing_apply_cb), self);
  gtk_popover_set_child (gtk_menu_button_get_popover (button), GTK_WIDGET (self->framing_box));
}

/**
 * ss_traffic_view_get_framing_box:
 *
 * Returns: (transfer none) (nullable): the Messages popover's box, once
 *   the popover has opened
 */
SsFramingBox *
ss_traffic_view_get_framing_box (SsTrafficView *self)
{
  g_return_val_if_fail (SS_IS_TRAFFIC_VIEW (self), NULL);
  return self->framing_box;
}

/* Ctrl+M: the Messages popover */
static void
messages_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  gtk_menu_button_popup (SS_TRAFFIC_VIEW (widget)->messages_button);
}

/* Show Chunks is there for a message */
static void
selected_entry_cb (SsTrafficView *self)
{
  SsTrafficEntry *entry = ss_traffic_view_get_selected_entry (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "traffic.show-chunks",
                                 entry != NULL && (ss_traffic_entry_get_message_flags (entry) & SS_MESSAGE_FRAMED) &&
                                 ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_EVENT);
}

/* --- Hex and Text: the rows as hexdump -C, wrapped at the column --- */

static char *
dup_hexdump (SsTrafficView  *self,
             SsTrafficEntry *entry,
             guint          *n_lines)
{
  g_autofree char *note = ss_traffic_entry_dup_note (entry);
  g_autofree char *dump = NULL;
  gsize len;
  const guint8 *data;

  *n_lines = 1;
  if (ss_traffic_entry_get_kind (entry) == SS_TRAFFIC_EVENT || ss_traffic_entry_get_evicted (entry))
    return ss_traffic_entry_dup_text (entry, 200);
  data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);
  dump = ss_hexdump_format (data, len, self->hexdump_per_line, HEXDUMP_LINES, n_lines);
  *n_lines = MAX (*n_lines, 1);
  if (note == NULL)
    return g_steal_pointer (&dump);
  (*n_lines)++;
  return g_strconcat (note, "\n", dump, NULL);
}

/* A row's Hex and Text: as many lines as the dump has */
void
ss_traffic_view_bind_hexdump (SsTrafficView *self,
                              GtkListItem   *item)
{
  SsTrafficEntry *entry = gtk_list_item_get_item (item);
  GtkInscription *cell;
  g_autofree char *text = NULL;
  guint n_lines;

  if (entry == NULL)
    return;
  cell = GTK_INSCRIPTION (ss_traffic_row_get_cell (SS_TRAFFIC_ROW (gtk_list_item_get_child (item)),
                                                   SS_TRAFFIC_COLUMN_HEXDUMP));
  text = dup_hexdump (self, entry, &n_lines);
  gtk_inscription_set_min_lines (cell, n_lines);
  gtk_inscription_set_nat_lines (cell, n_lines);
  gtk_inscription_set_text (cell, text);
}

static GtkWidget *
hexdump_cell (GtkListItem *item)
{
  return ss_traffic_row_get_cell (SS_TRAFFIC_ROW (gtk_list_item_get_child (item)), SS_TRAFFIC_COLUMN_HEXDUMP);
}

/* Each frame while shown: the bytes a line follow the column's width */
static gboolean
hexdump_tick_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  SsTrafficView *self = user_data;
  GHashTableIter iter;
  gpointer item;
  GtkWidget *cell = NULL;
  PangoFontMetrics *metrics;
  int char_width;
  guint per_line;

  g_hash_table_iter_init (&iter, self->bound_items);
  while (cell == NULL && g_hash_table_iter_next (&iter, &item, NULL))
    if (gtk_widget_get_width (hexdump_cell (item)) > 0)
      cell = hexdump_cell (item);
  if (cell == NULL)
    return G_SOURCE_CONTINUE;

  metrics = pango_context_get_metrics (gtk_widget_get_pango_context (cell), NULL, NULL);
  char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics) / PANGO_SCALE, 1);
  pango_font_metrics_unref (metrics);
  per_line = ss_hexdump_bytes_per_line (gtk_widget_get_width (cell) / char_width);
  if (per_line != self->hexdump_per_line)
    {
      g_autoptr(GList) items = g_hash_table_get_keys (self->bound_items);

      self->hexdump_per_line = per_line;
      for (GList *l = items; l != NULL; l = l->next)
        ss_traffic_view_bind_hexdump (self, l->data);
    }
  return G_SOURCE_CONTINUE;
}

/* The Hex and Text layout: the table, its data as hexdump -C */
void
ss_traffic_view_set_side_by_side (SsTrafficView *self,
                                  gboolean       side_by_side)
{
  self->side_by_side = side_by_side;
  ss_traffic_view_update_columns (self);
  if (side_by_side && self->hexdump_tick == 0)
    self->hexdump_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->table_view), hexdump_tick_cb, self, NULL);
  else if (!side_by_side && self->hexdump_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->table_view), self->hexdump_tick);
      self->hexdump_tick = 0;
    }
}

void
ss_traffic_view_init_messages (SsTrafficView *self)
{
  self->hexdump_per_line = DEFAULT_PER_LINE;
  update_button (self);
  gtk_menu_button_set_create_popup_func (self->messages_button, create_framing_box_cb, self, NULL);
  g_signal_connect (self, "notify::selected-entry", G_CALLBACK (selected_entry_cb), NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "traffic.show-chunks", FALSE);
}

void
ss_traffic_view_dispose_messages (SsTrafficView *self)
{
  g_clear_object (&self->messages);
  g_clear_pointer (&self->verify, ss_checksum_free);
}

void
ss_traffic_view_install_messages (GtkWidgetClass *widget_class)
{
  /**
   * SsTrafficView::framing-chosen:
   *
   * The person chose how the log splits into messages, in the Messages
   * popover (not Show Chunks, which only looks): what the socket's rules
   * follow, and what is kept for its address.
   */
  framing_chosen_signal = g_signal_new ("framing-chosen", G_TYPE_FROM_CLASS (widget_class), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_bind_template_child (widget_class, SsTrafficView, messages_button);
  gtk_widget_class_install_action (widget_class, "traffic.show-chunks", NULL, show_chunks_action);
  gtk_widget_class_install_action (widget_class, "traffic.messages", NULL, messages_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "traffic.messages", NULL);
}
