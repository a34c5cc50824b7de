/* ss-call-log.c — every call made through the window, in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-call-log.h"
#include "ss-constants.h"
#include "ss-rate-limit.h"

/* A burst that grows changes its row at most this often */
#define CHANGES_RATE  10
#define CHANGES_BURST 2

struct _SsCallLog
{
  GObject     parent_instance;
  GPtrArray  *calls;
  guint       n_published;   /* what the model shows: calls held back are not yet */
  guint       holds;
  GPtrArray  *changed;       /* shown bursts that grew since their rows were told */
  SsRateLimit changes_limit;
  guint       changes_id;
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
  SsCallLog *self = SS_CALL_LOG (object);

  g_clear_handle_id (&self->changes_id, g_source_remove);
  g_ptr_array_unref (self->changed);
  g_ptr_array_unref (self->calls);
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
  self->changed = g_ptr_array_new ();
  ss_rate_limit_init (&self->changes_limit, CHANGES_RATE, CHANGES_BURST);
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
 * ss_call_log_record_burst:
 *
 * Appends a call that may stand for more of the same, made
 * automatically (see ss_call_start_burst()): an automatic recv() as data
 * arrives, so a flood is one row, not a row per read.
 *
 * Returns: (transfer none): the recorded call
 */
SsCall *
ss_call_log_record_burst (SsCallLog  *self,
                          int         fd,
                          const char *name,
                          const char *args,
                          const char *python,
                          gint64      result)
{
  SsCall *call;

  g_return_val_if_fail (SS_IS_CALL_LOG (self), NULL);

  call = ss_call_new (fd, name, args, python, NULL, result, 0);
  ss_call_start_burst (call);
  g_ptr_array_add (self->calls, call);
  if (self->holds == 0)
    publish (self);
  return call;
}

/* Whether @call is still held back: then its row is made with what it
 * says when it is published. */
static gboolean
is_unpublished (SsCallLog *self,
                SsCall    *call)
{
  for (guint i = self->calls->len; i > self->n_published; i--)
    if (g_ptr_array_index (self->calls, i - 1) == call)
      return TRUE;
  return FALSE;
}

/* The rows of the bursts that grew change together, from the first of
 * them to the end: one change, near the end of the list. */
static void
tell_changes (SsCallLog *self)
{
  guint first = self->n_published;
  guint found = 0;

  g_clear_handle_id (&self->changes_id, g_source_remove);
  for (guint i = self->n_published; i > 0 && found < self->changed->len; i--)
    {
      SsCall *call = g_ptr_array_index (self->calls, i - 1);

      if (g_ptr_array_find (self->changed, call, NULL))
        {
          first = i - 1;
          found++;
        }
    }
  g_ptr_array_set_size (self->changed, 0);
  if (first < self->n_published)
    g_list_model_items_changed (G_LIST_MODEL (self), first,
                                self->n_published - first, self->n_published - first);
}

static gboolean
tell_changes_cb (gpointer user_data)
{
  SsCallLog *self = user_data;

  self->changes_id = 0;
  tell_changes (self);
  return G_SOURCE_REMOVE;
}

/**
 * ss_call_log_add_to_burst:
 * @call: a call of this log made by ss_call_log_record_burst()
 * @result: what the call made again returned
 *
 * Counts one more call in @call's burst. Its row says so a few times a
 * second at most, however fast the calls come.
 */
void
ss_call_log_add_to_burst (SsCallLog *self,
                          SsCall    *call,
                          gint64     result)
{
  guint delay;

  g_return_if_fail (SS_IS_CALL_LOG (self));
  g_return_if_fail (SS_IS_CALL (call));

  ss_call_add_to_burst (call, result);
  if (is_unpublished (self, call) || g_ptr_array_find (self->changed, call, NULL))
    return;
  g_ptr_array_add (self->changed, call);
  if (self->changes_id != 0)
    return;
  delay = ss_rate_limit_take (&self->changes_limit, FALSE);
  if (delay == 0)
    tell_changes (self);
  else
    self->changes_id = g_timeout_add (delay, tell_changes_cb, self);
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
  gboolean tls = FALSE;

  g_return_val_if_fail (SS_IS_CALL_LOG (self), NULL);

  /* the TLS steps are GnuTLS's calls, and ssl's in Python */
  for (guint i = 0; i < self->calls->len && !tls; i++)
    tls = g_str_has_prefix (ss_call_get_name (g_ptr_array_index (self->calls, i)), "gnutls_");
  script = g_string_new ("#!/usr/bin/env python3\n"
                         "# Exported by Sockscope: the socket calls of a session, in order.\n"
                         "import socket\n");
  g_string_append (script, tls ? "import ssl\n\n" : "\n");
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
