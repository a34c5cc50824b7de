/* ss-call.c — one socket call as it was made: arguments, result, errno
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include "ss-call.h"
#include "ss-constants.h"
#include "ss-escape.h"

struct _SsCall
{
  GObject  parent_instance;
  gint64   time;
  int      fd;
  int      errsv;
  gint64   result;
  char    *name;
  char    *args;
  char    *python;      /* with the payload cut short, for reading */
  char    *template;    /* with SS_CALL_PAYLOAD where the payload goes */
  char    *c;           /* several C calls for one Python step, as written */
  char    *result_text; /* Python's result when not a number: 'TLSv1.3' */
  GBytes  *payload;
  /* a burst: the same call made n_calls times automatically, @result
   * being the last one's */
  guint    n_calls;
  guint64  total;
};

G_DEFINE_FINAL_TYPE (SsCall, ss_call, G_TYPE_OBJECT)

static void
ss_call_finalize (GObject *object)
{
  SsCall *self = SS_CALL (object);

  g_free (self->name);
  g_free (self->args);
  g_free (self->python);
  g_free (self->template);
  g_free (self->c);
  g_free (self->result_text);
  g_clear_pointer (&self->payload, g_bytes_unref);

  G_OBJECT_CLASS (ss_call_parent_class)->finalize (object);
}

static void
ss_call_class_init (SsCallClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ss_call_finalize;
}

static void
ss_call_init (SsCall *self)
{
}

static char *
with_payload (const char *template,
              GBytes     *payload,
              gsize       max_len)
{
  g_auto(GStrv) parts = g_strsplit (template, SS_CALL_PAYLOAD, 2);
  g_autofree char *literal = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (payload, &len);

  if (parts[1] == NULL)
    return g_strdup (template);
  literal = ss_escape_literal (data, len, max_len, TRUE);
  return g_strconcat (parts[0], literal, parts[1], NULL);
}

/**
 * ss_call_new:
 * @fd: the descriptor the call was made on, or -1 (socket() itself)
 * @args: the arguments in C notation, without parentheses
 * @python: the same call as the seed writes it in Python; with a @payload,
 *   SS_CALL_PAYLOAD marks where its literal goes
 * @payload: (nullable): the bytes the call sent, kept for the exported
 *   script (shared, not copied)
 * @result: what the call returned (-1 on failure)
 * @errsv: errno on failure, 0 on success
 */
SsCall *
ss_call_new (int         fd,
             const char *name,
             const char *args,
             const char *python,
             GBytes     *payload,
             gint64      result,
             int         errsv)
{
  SsCall *self = g_object_new (SS_TYPE_CALL, NULL);

  self->time = g_get_real_time ();
  self->fd = fd;
  self->name = g_strdup (name);
  self->args = g_strdup (args);
  if (payload != NULL)
    {
      self->payload = g_bytes_ref (payload);
      self->template = g_strdup (python);
      /* long payloads are cut short where people read them */
      self->python = with_payload (python, payload, 64);
    }
  else
    self->python = g_strdup (python);
  self->result = result;
  self->errsv = errsv;
  return self;
}

gint64
ss_call_get_time (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), 0);
  return self->time;
}

int
ss_call_get_fd (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), -1);
  return self->fd;
}

const char *
ss_call_get_name (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), NULL);
  return self->name;
}

const char *
ss_call_get_args (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), NULL);
  return self->args;
}

const char *
ss_call_get_python (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), NULL);
  return self->python;
}

gint64
ss_call_get_result (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), -1);
  return self->result;
}

int
ss_call_get_errno (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), 0);
  return self->errsv;
}

/* "connect(3, 127.0.0.1:1) = -1 ECONNREFUSED (Connection refused)" */
char *
ss_call_to_c (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), NULL);

  if (self->c != NULL && self->errsv == 0)
    return g_strdup (self->c);
  if (self->c != NULL)
    return g_strdup_printf ("%s  /* %s (%s) */", self->c, ss_errno_name (self->errsv), g_strerror (self->errsv));
  if (self->n_calls > 1)
    {
      g_autofree char *outcome = ss_call_dup_outcome (self);

      return g_strdup_printf ("%s(%s) = %" G_GINT64_FORMAT "  /* %s */",
                              self->name, self->args, self->result, outcome);
    }
  if (self->errsv != 0)
    return g_strdup_printf ("%s(%s) = %" G_GINT64_FORMAT " %s (%s)",
                            self->name, self->args, self->result,
                            ss_errno_name (self->errsv), g_strerror (self->errsv));
  return g_strdup_printf ("%s(%s) = %" G_GINT64_FORMAT,
                          self->name, self->args, self->result);
}

/**
 * ss_call_get_payload:
 *
 * Returns: (transfer none) (nullable): the bytes a send call sent
 */
GBytes *
ss_call_get_payload (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), NULL);
  return self->payload;
}

/**
 * ss_call_dup_script:
 *
 * Returns: (transfer full): the call in Python with its whole payload, for
 *   a script that repeats it
 */
char *
ss_call_dup_script (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), NULL);

  if (self->n_calls > 0)
    {
      g_autofree char *outcome = ss_call_dup_outcome (self);

      /* one call in the script: it takes what the burst took, or what
       * the peer sends this time */
      return g_strdup_printf ("%s  # %s in the session", self->python, outcome);
    }
  if (self->payload == NULL)
    return g_strdup (self->python);
  return with_payload (self->template, self->payload, 0);
}

/**
 * ss_call_start_burst:
 *
 * Makes this call (already made once, with its result) the first of a
 * burst: the same call made again automatically, each added with
 * ss_call_add_to_burst(). Its row then says how many calls and bytes.
 */
void
ss_call_start_burst (SsCall *self)
{
  g_return_if_fail (SS_IS_CALL (self));
  g_return_if_fail (self->n_calls == 0);

  self->n_calls = 1;
  self->total = MAX (self->result, 0);
}

void
ss_call_add_to_burst (SsCall *self,
                      gint64  result)
{
  g_return_if_fail (SS_IS_CALL (self));
  g_return_if_fail (self->n_calls > 0);

  self->n_calls++;
  self->total += MAX (result, 0);
  self->result = result;
}

/**
 * ss_call_get_n_calls:
 *
 * Returns: how many calls a burst stands for, or 0 for a single call
 */
guint
ss_call_get_n_calls (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), 0);
  return self->n_calls;
}

/**
 * ss_call_get_total:
 *
 * Returns: the bytes all the calls of a burst returned
 */
guint64
ss_call_get_total (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), 0);
  return self->total;
}

/**
 * ss_call_dup_outcome:
 *
 * What a burst got, as code notation says it: "18 bytes", "5 calls,
 * 9000 bytes", "3 calls, 18 bytes, the last 0" (a stream's end).
 *
 * Returns: (transfer full) (nullable): the outcome, or %NULL for a single
 *   call
 */
char *
ss_call_dup_outcome (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), NULL);

  if (self->n_calls == 0)
    return NULL;
  if (self->n_calls == 1)
    return g_strdup_printf ("%" G_GINT64_FORMAT " byte%s", self->result, self->result == 1 ? "" : "s");
  return g_strdup_printf ("%u calls, %" G_GUINT64_FORMAT " byte%s%s", self->n_calls, self->total,
                          self->total == 1 ? "" : "s", self->result == 0 ? ", the last 0" : "");
}

/**
 * ss_call_set_c:
 * @c: the C calls, as written, with their results
 *
 * For a step that is one statement in Python but several calls in C
 * (ssl's wrap_socket() is gnutls_init(), gnutls_server_name_set() and
 * gnutls_transport_set_int()): the C notation shows @c as it is. Set
 * right after the call is recorded, before the main loop runs again.
 */
void
ss_call_set_c (SsCall     *self,
               const char *c)
{
  g_return_if_fail (SS_IS_CALL (self));

  g_free (self->c);
  self->c = g_strdup (c);
}

/**
 * ss_call_set_result_text:
 * @text: what the call returned, as the notation writes it
 *
 * For a call whose result is not a number: ssk3.version() gives
 * 'TLSv1.3'. Set right after the call is recorded.
 */
void
ss_call_set_result_text (SsCall     *self,
                         const char *text)
{
  g_return_if_fail (SS_IS_CALL (self));

  g_free (self->result_text);
  self->result_text = g_strdup (text);
}

/* (nullable): see ss_call_set_result_text() */
const char *
ss_call_get_result_text (SsCall *self)
{
  g_return_val_if_fail (SS_IS_CALL (self), NULL);
  return self->result_text;
}
