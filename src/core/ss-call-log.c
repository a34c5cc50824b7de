/* ss-call-log.c — every call made through the window, in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-call-log.h"
#include "ss-constants.h"

struct _SsCallLog
{
  GObject    parent_instance;
  GPtrArray *calls;
  guint      n_published;   /* what the model shows: calls held back are not yet */
  guint      holds;
};

static GType
ss_call_log_get_item_type (GListModel *model)
{
  return SS_TYPE_CALL;
}

static guint
ss_call_log_get_n_items (GListModel *model)
{
  return SS_CALL_LOG (model)->n_published;
}

static gpointer
ss_call_log_get_item (GListModel *model,
                      guint       position)
{
  SsCallLog *self = SS_CALL_LOG (model);

  if (position >= self->n_published)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->calls, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ss_call_log_get_item_type;
  iface->get_n_items = ss_call_log_get_n_items;
  iface->get_item = ss_call_log_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SsCallLog, ss_call_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
ss_call_log_finalize (GObject *object)
{
  g_ptr_array_unref (SS_CALL_LOG (object)->calls);
  G_OBJECT_CLASS (ss_call_log_parent_class)->finalize (object);
}

static void
ss_call_log_class_init (SsCallLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ss_call_log_finalize;
}

static void
ss_call_log_init (SsCallLog *self)
{
  self->calls = g_ptr_array_new_with_free_func (g_object_unref);
}

SsCallLog *
ss_call_log_new (void)
{
  return g_object_new (SS_TYPE_CALL_LOG, NULL);
}

static void
publish (SsCallLog *self)
{
  guint added = self->calls->len - self->n_published;

  if (added == 0)
    return;
  self->n_published = self->calls->len;
  g_list_model_items_changed (G_LIST_MODEL (self), self->n_published - added, 0, added);
}

/**
 * ss_call_log_record:
 *
 * Appends a call (see ss_call_new() for the arguments).
 *
 * Returns: (transfer none): the recorded call
 */
SsCall *
ss_call_log_record (SsCallLog  *self,
                    int         fd,
                    const char *name,
                    const char *args,
                    const char *python,
                    gint64      result,
                    int         errsv)
{
  return ss_call_log_record_payload (self, fd, name, args, python, NULL, result, errsv);
}

/**
 * ss_call_log_record_payload:
 * @python: the call in Python, SS_CALL_PAYLOAD where @payload goes
 * @payload: the bytes the call sent
 *
 * Like ss_call_log_record(), for a call that sent bytes.
 *
 * Returns: (transfer none): the recorded call
 */
SsCall *
ss_call_log_record_payload (SsCallLog  *self,
                            int         fd,
                            const char *name,
                            const char *args,
                            const char *python,
                            GBytes     *payload,
                            gint64      result,
                            int         errsv)
{
  SsCall *call;

  g_return_val_if_fail (SS_IS_CALL_LOG (self), NULL);

  call = ss_call_new (fd, name, args, python, payload, result, errsv);
  g_ptr_array_add (self->calls, call);
  if (self->holds == 0)
    publish (self);
  return call;
}

/**
 * ss_call_log_hold:
 *
 * Calls recorded from now on join the model together, when the last hold
 * is released: a wakeup that accepts a hundred connections is one change
 * to the list that shows them, not a hundred relayouts.
 */
void
ss_call_log_hold (SsCallLog *self)
{
  g_return_if_fail (SS_IS_CALL_LOG (self));

  self->holds++;
}

void
ss_call_log_release (SsCallLog *self)
{
  g_return_if_fail (SS_IS_CALL_LOG (self));
  g_return_if_fail (self->holds > 0);

  if (--self->holds == 0)
    publish (self);
}

/**
 * ss_call_log_to_python:
 *
 * The session as a runnable Python script: every call in order, with the
 * same payloads. A call that failed in the session is wrapped so the
 * script goes on past it, as the session did.
 *
 * Returns: (transfer full): the script
 */
char *
ss_call_log_to_python (SsCallLog *self)
{
  GString *script;

  g_return_val_if_fail (SS_IS_CALL_LOG (self), NULL);

  script = g_string_new ("#!/usr/bin/env python3\n"
                         "# Exported by Sockscope: the socket calls of a session, in order.\n"
                         "import socket\n\n");
  for (guint i = 0; i < self->calls->len; i++)
    {
      SsCall *call = g_ptr_array_index (self->calls, i);
      g_autofree char *line = ss_call_dup_script (call);
      int errsv = ss_call_get_errno (call);

      if (errsv == 0)
        g_string_append_printf (script, "%s\n", line);
      else
        g_string_append_printf (script,
                                "try:\n"
                                "    %s\n"
                                "except OSError as error:  # the session got %s\n"
                                "    print(error)\n",
                                line, ss_errno_name (errsv));
    }
  return g_string_free (script, FALSE);
}
