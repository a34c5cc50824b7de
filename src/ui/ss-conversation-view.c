/* ss-conversation-view.c — a traffic log as one conversation, each
 * direction in its own colour, as Wireshark's Follow Stream shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-conversation-view.h"
#include "ss-escape.h"
#include "ss-follow-tail.h"

/* A text view lays out text slowly (escaped binary most of all): the
 * conversation shows the last this many payload bytes, and the table has
 * every entry. */
#define MAX_SHOWN (256 * 1024)
/* New entries are added at most this often: a flood is a few appends a
 * second, not one a chunk */
#define UPDATE_MS 100

struct _SsConversationView
{
  GtkWidget          parent_instance;

  GtkScrolledWindow *scrolled_window;
  GtkTextView       *text_view;
  GtkTextTag        *tags[SS_TRAFFIC_EVENT + 1];

  SsTrafficLog      *log;
  guint              update_id;
  gboolean           stale;        /* rebuild before showing anything new */
  guint              shown_until;  /* entries of the log appended so far */
  gsize              shown_bytes;
  guint64            logged_then;  /* the log's payload count at shown_until */
  SsPayloadFormat    format;
  guint              kinds;        /* 1 << SsTrafficKind shown */
  int                last_kind;    /* of the text at the end, -1 none */
};

G_DEFINE_FINAL_TYPE (SsConversationView, ss_conversation_view, GTK_TYPE_WIDGET)

static GtkTextBuffer *
get_buffer (SsConversationView *self)
{
  return gtk_text_view_get_buffer (self->text_view);
}

static void
insert (SsConversationView *self,
        const char         *text,
        SsTrafficKind       kind)
{
  GtkTextBuffer *buffer = get_buffer (self);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  /* each turn of the conversation, and each event, starts a line */
  if (self->last_kind >= 0 && (int) kind != self->last_kind && !gtk_text_iter_starts_line (&end))
    {
      gtk_text_buffer_insert (buffer, &end, "\n", 1);
    }
  gtk_text_buffer_insert_with_tags (buffer, &end, text, -1, self->tags[kind], NULL);
  self->last_kind = kind;
}

static gsize
append_entry (SsConversationView *self,
              SsTrafficEntry     *entry)
{
  SsTrafficKind kind = ss_traffic_entry_get_kind (entry);
  g_autofree char *text = NULL;
  const guint8 *data;
  gsize len;

  if ((self->kinds & (1u << kind)) == 0)
    return 0;
  if (kind == SS_TRAFFIC_EVENT || ss_traffic_entry_get_evicted (entry))
    {
      g_autofree char *line = ss_traffic_entry_dup_text (entry, 0);

      text = g_strconcat (kind == SS_TRAFFIC_EVENT ? "— " : "", line, "\n", NULL);
      insert (self, text, kind == SS_TRAFFIC_EVENT ? SS_TRAFFIC_EVENT : kind);
      /* an event ends its line: the next turn starts on a new one */
      self->last_kind = SS_TRAFFIC_EVENT;
      return 0;
    }

  data = g_bytes_get_data (ss_traffic_entry_get_bytes (entry), &len);
  if (self->format == SS_PAYLOAD_TEXT)
    text = ss_escape_bytes (data, len, 0, TRUE);
  else
    {
      g_autofree char *formatted = ss_payload_format (data, len, self->format, 0);

      text = g_strconcat (formatted, "\n", NULL);
    }
  insert (self, text, kind);
  return len;
}

/* Every payload byte the log has counted, both directions */
static guint64
logged_bytes (SsConversationView *self)
{
  return ss_traffic_log_get_bytes (self->log, SS_TRAFFIC_RECEIVED) +
         ss_traffic_log_get_bytes (self->log, SS_TRAFFIC_SENT);
}

static void
append_range (SsConversationView *self,
              guint               from,
              guint               to)
{
  self->logged_then = logged_bytes (self);
  for (guint i = from; i < to; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->log), i);

      self->shown_bytes += append_entry (self, entry);
    }
  self->shown_until = to;
}

/* From the last MAX_SHOWN bytes on; a line says where the rest is. */
static void
rebuild (SsConversationView *self)
{
  guint n = self->log ? g_list_model_get_n_items (G_LIST_MODEL (self->log)) : 0;
  guint start = n;
  gsize bytes = 0;

  g_clear_handle_id (&self->update_id, g_source_remove);
  self->stale = FALSE;
  gtk_text_buffer_set_text (get_buffer (self), "", 0);
  self->shown_until = 0;
  self->shown_bytes = 0;
  self->last_kind = -1;
  if (self->log == NULL)
    return;

  while (start > 0 && bytes < MAX_SHOWN)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->log), start - 1);

      bytes += ss_traffic_entry_get_length (entry);
      start--;
    }
  if (start > 0)
    {
      g_autofree char *note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "— %u earlier entry is in the table layout\n",
                                                            "— %u earlier entries are in the table layout\n",
                                                            start),
                                               start);
      insert (self, note, SS_TRAFFIC_EVENT);
    }
  append_range (self, start, n);
}

/* Now if shown, else when it is */
static void
refresh (SsConversationView *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    rebuild (self);
  else
    self->stale = TRUE;
}

static gboolean
update_cb (gpointer user_data)
{
  SsConversationView *self = user_data;
  guint n = self->log ? g_list_model_get_n_items (G_LIST_MODEL (self->log)) : 0;
  guint64 pending;

  self->update_id = 0;
  if (self->stale || n < self->shown_until)
    {
      rebuild (self);
      return G_SOURCE_REMOVE;
    }
  /* more than the view shows came since: only the tail is worth laying
   * out. The log's counters say how much, without an item per entry. */
  pending = logged_bytes (self) - self->logged_then;
  if (pending > MAX_SHOWN || self->shown_bytes + pending > 2 * MAX_SHOWN)
    rebuild (self);
  else
    append_range (self, self->shown_until, n);
  return G_SOURCE_REMOVE;
}

/* A hidden conversation (the table layout is shown) costs nothing but a
 * mark: it is rebuilt when it is shown. */
static void
items_changed_cb (SsConversationView *self,
                  guint               position,
                  guint               removed,
                  guint               added)
{
  /* the log only grows at its end, except when cleared: then the
   * conversation empties with the table */
  if (removed > 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      refresh (self);
      return;
    }
  if (self->update_id == 0)
    self->update_id = g_timeout_add (UPDATE_MS, update_cb, self);
}

static void
ss_conversation_view_map (GtkWidget *widget)
{
  SsConversationView *self = SS_CONVERSATION_VIEW (widget);

  GTK_WIDGET_CLASS (ss_conversation_view_parent_class)->map (widget);
  if (self->stale)
    rebuild (self);
}

void
ss_conversation_view_set_log (SsConversationView *self,
                              SsTrafficLog       *log)
{
  g_return_if_fail (SS_IS_CONVERSATION_VIEW (self));

  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_set_object (&self->log, log);
  if (log != NULL)
    g_signal_connect_swapped (log, "items-changed", G_CALLBACK (items_changed_cb), self);
  refresh (self);
}

void
ss_conversation_view_set_format (SsConversationView *self,
                                 SsPayloadFormat     format)
{
  g_return_if_fail (SS_IS_CONVERSATION_VIEW (self));

  if (self->format == format)
    return;
  self->format = format;
  /* a hex dump or source code keeps its columns; text wraps */
  gtk_text_view_set_wrap_mode (self->text_view, format == SS_PAYLOAD_TEXT ? GTK_WRAP_CHAR : GTK_WRAP_NONE);
  refresh (self);
}

void
ss_conversation_view_set_kinds (SsConversationView *self,
                                guint               kinds)
{
  g_return_if_fail (SS_IS_CONVERSATION_VIEW (self));

  if (self->kinds == kinds)
    return;
  self->kinds = kinds;
  refresh (self);
}

/* Finds @text after the selection (or before it), around the end, and
 * selects it. */
gboolean
ss_conversation_view_find (SsConversationView *self,
                           const char         *text,
                           gboolean            backward)
{
  GtkTextBuffer *buffer = get_buffer (self);
  GtkTextIter start, end, match_start, match_end, from;
  gboolean found;

  g_return_val_if_fail (SS_IS_CONVERSATION_VIEW (self), FALSE);

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  from = backward ? start : end;
  if (backward)
    found = gtk_text_iter_backward_search (&from, text, 0, &match_start, &match_end, NULL);
  else
    found = gtk_text_iter_forward_search (&from, text, 0, &match_start, &match_end, NULL);
  if (!found)
    {
      if (backward)
        gtk_text_buffer_get_end_iter (buffer, &from);
      else
        gtk_text_buffer_get_start_iter (buffer, &from);
      found = backward ? gtk_text_iter_backward_search (&from, text, 0, &match_start, &match_end, NULL)
                       : gtk_text_iter_forward_search (&from, text, 0, &match_start, &match_end, NULL);
    }
  if (!found)
    return FALSE;
  gtk_text_buffer_select_range (buffer, &match_start, &match_end);
  gtk_text_view_scroll_to_iter (self->text_view, &match_start, 0.1, FALSE, 0, 0);
  return TRUE;
}

GtkTextView *
ss_conversation_view_get_text_view (SsConversationView *self)
{
  g_return_val_if_fail (SS_IS_CONVERSATION_VIEW (self), NULL);
  return self->text_view;
}

static void
ss_conversation_view_dispose (GObject *object)
{
  SsConversationView *self = SS_CONVERSATION_VIEW (object);

  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_clear_object (&self->log);
  g_clear_handle_id (&self->update_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), SS_TYPE_CONVERSATION_VIEW);

  G_OBJECT_CLASS (ss_conversation_view_parent_class)->dispose (object);
}

static void
ss_conversation_view_class_init (SsConversationViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ss_conversation_view_dispose;
  widget_class->map = ss_conversation_view_map;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ss-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SsConversationView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, SsConversationView, text_view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ss_conversation_view_init (SsConversationView *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->kinds = (1u << SS_TRAFFIC_RECEIVED) | (1u << SS_TRAFFIC_SENT) | (1u << SS_TRAFFIC_EVENT);
  self->last_kind = -1;

  /* the table's colours: received in the accent blue, sent in green */
  buffer = get_buffer (self);
  self->tags[SS_TRAFFIC_RECEIVED] = gtk_text_buffer_create_tag (buffer, "received",
                                                                "foreground", "#1c71d8",
                                                                "paragraph-background", "rgba(28,113,216,0.08)",
                                                                NULL);
  self->tags[SS_TRAFFIC_SENT] = gtk_text_buffer_create_tag (buffer, "sent",
                                                            "foreground", "#26a269",
                                                            "paragraph-background", "rgba(38,162,105,0.08)",
                                                            NULL);
  self->tags[SS_TRAFFIC_EVENT] = gtk_text_buffer_create_tag (buffer, "event",
                                                             "foreground", "#77767b",
                                                             "style", PANGO_STYLE_ITALIC,
                                                             NULL);
  ss_follow_tail_attach (self->scrolled_window);
}
