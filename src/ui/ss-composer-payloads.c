/* ss-composer-payloads.c — the send box's history (Up and Down, the draft
 * kept meanwhile) and its saved payloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope"

#include "config.h"

#include <glib/gi18n.h>

#include "ss-composer-private.h"

/* How many sent payloads the history keeps */
#define HISTORY_LIMIT 100

/* The history ----------------------------------------------------------- */

/* @position -1 is the person's own draft, kept while they look back */
static void
show_history_item (SsComposer *self,
                   int         position)
{
  g_autoptr(SsPayload) payload = NULL;

  if (self->history_position < 0 && position >= 0)
    {
      g_clear_object (&self->draft);
      self->draft = ss_composer_dup_payload (self);
    }
  if (position < 0)
    payload = g_steal_pointer (&self->draft);
  else
    payload = g_list_model_get_item (G_LIST_MODEL (self->history), position);
  if (payload == NULL)
    return;

  self->history_position = position;
  ss_composer_load_payload (self, payload);
}

gboolean
ss_composer_text_key_pressed_cb (SsComposer            *self,
                                 guint                  keyval,
                                 guint                  keycode,
                                 GdkModifierType        state,
                                 GtkEventControllerKey *controller)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter cursor;
  int n;

  if ((state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK)) != 0 || self->history == NULL)
    return GDK_EVENT_PROPAGATE;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->history));

  /* Up and Down move the cursor inside the text; only past its first or
   * last line do they walk the history, as a shell does */
  if ((keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up) && gtk_text_iter_get_line (&cursor) == 0)
    {
      if (self->history_position + 1 >= n)
        return GDK_EVENT_PROPAGATE;
      show_history_item (self, self->history_position + 1);
      return GDK_EVENT_STOP;
    }
  if ((keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down) &&
      gtk_text_iter_get_line (&cursor) == gtk_text_buffer_get_line_count (buffer) - 1)
    {
      if (self->history_position < 0)
        return GDK_EVENT_PROPAGATE;
      show_history_item (self, self->history_position - 1);
      return GDK_EVENT_STOP;
    }
  return GDK_EVENT_PROPAGATE;
}

/* Any edit makes the text the person's own again. */
void
ss_composer_text_edited_cb (SsComposer *self)
{
  if (self->loading)
    return;
  self->history_position = -1;
  g_clear_object (&self->draft);
}

/* A payload that was sent goes to the top of the history. */
void
ss_composer_remember (SsComposer *self)
{
  g_autoptr(SsPayload) payload = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SS_IS_COMPOSER (self));

  if (self->history == NULL)
    return;
  payload = ss_composer_dup_payload (self);
  ss_payload_store_remember (self->history, payload, HISTORY_LIMIT);
  self->history_position = -1;
  g_clear_object (&self->draft);
  /* a history that cannot be written is not worth an error in the window
   * for every send: the library is where payloads are kept on purpose */
  if (!ss_payload_store_save (self->history, &error))
    g_debug ("History not saved: %s", error->message);
}

/* The library ----------------------------------------------------------- */

static void
create_payloads_popover_cb (GtkMenuButton *button,
                            gpointer       user_data)
{
  ss_composer_get_payloads_popover (user_data);
}

/**
 * ss_composer_get_payloads_popover:
 *
 * The saved payloads' popover, made when first needed (it opens, or Save
 * as Payload fills its name): a list, a search and a form, made with
 * every page, were a tenth of the making of a page.
 *
 * Returns: (transfer none): the Payloads button's popover
 */
SsPayloadsPopover *
ss_composer_get_payloads_popover (SsComposer *self)
{
  g_return_val_if_fail (SS_IS_COMPOSER (self), NULL);

  if (self->payloads_popover == NULL)
    {
      self->payloads_popover = g_object_new (SS_TYPE_PAYLOADS_POPOVER, NULL);
      g_signal_connect_swapped (self->payloads_popover, "chosen", G_CALLBACK (ss_composer_payload_chosen_cb), self);
      g_signal_connect_swapped (self->payloads_popover, "save", G_CALLBACK (ss_composer_payload_save_cb), self);
      if (self->library != NULL)
        ss_payloads_popover_set_store (self->payloads_popover, self->library);
      gtk_menu_button_set_popover (self->payloads_button, GTK_WIDGET (self->payloads_popover));
    }
  return self->payloads_popover;
}

void
ss_composer_init_payloads (SsComposer *self)
{
  gtk_menu_button_set_create_popup_func (self->payloads_button, create_payloads_popover_cb, self, NULL);
}

void
ss_composer_payload_chosen_cb (SsComposer *self,
                               SsPayload  *payload)
{
  ss_composer_set_payload (self, payload);
  gtk_menu_button_popdown (self->payloads_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

void
ss_composer_payload_save_cb (SsComposer *self,
                             const char *name)
{
  g_autoptr(SsPayload) payload = ss_composer_dup_payload (self);
  g_autoptr(GError) error = NULL;

  if (!ss_composer_save_payload (self, payload, name, &error))
    ss_payloads_popover_show_error (ss_composer_get_payloads_popover (self), error->message);
}

/* Keeps @payload in the library under @name (replacing one of that name). */
gboolean
ss_composer_save_payload (SsComposer  *self,
                          SsPayload   *payload,
                          const char  *name,
                          GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  g_autoptr(SsPayload) named = NULL;

  g_return_val_if_fail (SS_IS_COMPOSER (self), FALSE);

  if (self->library == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("There is no payload library"));
      return FALSE;
    }
  if (*stripped == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Give the payload a name"));
      return FALSE;
    }
  if (ss_payload_store_get_broken (self->library))
    return ss_payload_store_save (self->library, error);

  {
    SsPayload *old = ss_payload_store_lookup (self->library, stripped);

    /* a payload saved again stays a button, or not, as it was */
    named = ss_payload_copy_as (payload, stripped, old == NULL || ss_payload_get_quick_send (old));
  }
  ss_payload_store_put (self->library, named);
  return ss_payload_store_save (self->library, error);
}

/* Opens the saved payloads with the name field ready: what is in the box
 * is kept under the name typed there. */
void
ss_composer_save_as (SsComposer *self)
{
  g_return_if_fail (SS_IS_COMPOSER (self));

  gtk_menu_button_popup (self->payloads_button);
  ss_payloads_popover_focus_name (ss_composer_get_payloads_popover (self));
}
