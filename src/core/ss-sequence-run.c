/* ss-sequence-run.c — a send sequence running on a socket, once or N
 * times, from the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ss-message-expect.h"
#include "ss-sequence-run.h"

/* Nothing here waits: a wait is a main-loop timer, an expect step reads
 * the socket's traffic log as entries are published (items-changed) and
 * has a timer for its timeout. Steps follow each other from an idle
 * callback, so a step never starts inside another's signal emission (a
 * view's items-changed, a send's notify) and a run of many quick steps
 * does not recurse.
 *
 * An expect step reads what arrived since the previous step ended (for
 * the first step, since the run started): a reply that comes between a
 * send and the idle that begins the expect after it is the send's reply.
 * With a framing on the socket (the Messages popover), it waits for a
 * whole message that matches (ss-message-expect.c); without, for the
 * bytes since to match.
 *
 * A round stops at its first step that times out or fails, and so does
 * the run: the later steps would act on a device in a state the sequence
 * did not expect. An expect step that sees something else (ERROR where OK
 * was expected) keeps waiting, since the reply may still come, and so
 * times out.
 */

struct _SsSequenceRun
{
  GObject         parent_instance;

  SsSequence     *sequence;    /* a copy, taken at the start */
  SsSocket       *socket;
  SsTrafficLog   *log;
  SsPayloadStore *library;

  GArray         *statuses;    /* of SsStepStatus, one per step */
  GPtrArray      *messages;    /* of char *, one per step */
  guint           step;        /* the current one */
  guint           round;
  guint           rounds;
  SsStepStatus    status;
  gboolean        running;

  guint           next_id;     /* idle: begin self->step */
  guint           timeout_id;  /* a wait's end, an expect's timeout */
  gulong          log_handler;
  guint           cursor;      /* log entries already read */
  guint64         mark;        /* bytes received when the last step ended */
  GByteArray     *received;    /* since the expect step began */
  SsMessageExpect *expect;     /* whole messages, while running */
  SsReplyRule    *rule;
  gint64          step_start;
};

G_DEFINE_FINAL_TYPE (SsSequenceRun, ss_sequence_run, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SsStepStatus, ss_step_status,
                    G_DEFINE_ENUM_VALUE (SS_STEP_PENDING, "pending"),
                    G_DEFINE_ENUM_VALUE (SS_STEP_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (SS_STEP_OK, "ok"),
                    G_DEFINE_ENUM_VALUE (SS_STEP_TIMED_OUT, "timed-out"),
                    G_DEFINE_ENUM_VALUE (SS_STEP_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (SS_STEP_STOPPED, "stopped"))

enum
{
  PROP_0,
  PROP_RUNNING,
  PROP_ROUND,
  PROP_ROUNDS,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  STEP_CHANGED,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * ss_step_status_to_string:
 *
 * Returns: the status in words, for a person
 */
const char *
ss_step_status_to_string (SsStepStatus status)
{
  switch (status)
    {
    case SS_STEP_PENDING:
      /* Translators: a step of a send sequence that has not run yet */
      return _("Not run");
    case SS_STEP_RUNNING:
      return _("Running");
    case SS_STEP_OK:
      /* Translators: a step of a send sequence that passed */
      return _("OK");
    case SS_STEP_TIMED_OUT:
      return _("Timed out");
    case SS_STEP_FAILED:
      return _("Failed");
    case SS_STEP_STOPPED:
      return _("Stopped");
    case SS_N_STEP_STATUSES:
    default:
      g_return_val_if_reached ("");
    }
}

static void
end_step_work (SsSequenceRun *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_signal_handler (&self->log_handler, self->log);
  g_clear_pointer (&self->received, g_byte_array_unref);
  g_clear_object (&self->rule);
  ss_message_expect_cancel (self->expect);
}

static void
ss_sequence_run_dispose (GObject *object)
{
  SsSequenceRun *self = SS_SEQUENCE_RUN (object);

  end_step_work (self);
  g_clear_handle_id (&self->next_id, g_source_remove);
  g_clear_pointer (&self->expect, ss_message_expect_free);
  G_OBJECT_CLASS (ss_sequence_run_parent_class)->dispose (object);
}

static void
ss_sequence_run_finalize (GObject *object)
{
  SsSequenceRun *self = SS_SEQUENCE_RUN (object);

  g_clear_object (&self->sequence);
  g_clear_object (&self->socket);
  g_clear_object (&self->log);
  g_clear_object (&self->library);
  g_array_unref (self->statuses);
  g_ptr_array_unref (self->messages);
  G_OBJECT_CLASS (ss_sequence_run_parent_class)->finalize (object);
}

static void
ss_sequence_run_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SsSequenceRun *self = SS_SEQUENCE_RUN (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_ROUND:
      g_value_set_uint (value, self->round);
      break;
    case PROP_ROUNDS:
      g_value_set_uint (value, self->rounds);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_sequence_run_class_init (SsSequenceRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ss_sequence_run_dispose;
  object_class->finalize = ss_sequence_run_finalize;
  object_class->get_property = ss_sequence_run_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROUND] =
    g_param_spec_uint ("round", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROUNDS] =
    g_param_spec_uint ("rounds", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, SS_TYPE_STEP_STATUS, SS_STEP_PENDING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[STEP_CHANGED] = g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
}

static void
ss_sequence_run_init (SsSequenceRun *self)
{
  self->statuses = g_array_new (FALSE, TRUE, sizeof (SsStepStatus));
  self->messages = g_ptr_array_new_with_free_func (g_free);
}

/**
 * ss_sequence_run_new:
 * @sequence: copied when the run starts, so it may be edited meanwhile
 * @library: where send steps find their payloads, by name
 */
SsSequenceRun *
ss_sequence_run_new (SsSequence     *sequence,
                     SsSocket       *socket,
                     SsPayloadStore *library)
{
  SsSequenceRun *self;

  g_return_val_if_fail (SS_IS_SEQUENCE (sequence), NULL);
  g_return_val_if_fail (SS_IS_SOCKET (socket), NULL);
  g_return_val_if_fail (SS_IS_PAYLOAD_STORE (library), NULL);

  self = g_object_new (SS_TYPE_SEQUENCE_RUN, NULL);
  self->sequence = ss_sequence_copy (sequence);
  self->socket = g_object_ref (socket);
  self->log = g_object_ref (ss_socket_get_traffic (socket));
  self->library = g_object_ref (library);
  g_array_set_size (self->statuses, ss_sequence_get_n_steps (self->sequence));
  g_ptr_array_set_size (self->messages, ss_sequence_get_n_steps (self->sequence));
  return self;
}

/* Returns: (transfer none): the steps as the run has them (a copy) */
SsSequence *
ss_sequence_run_get_sequence (SsSequenceRun *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCE_RUN (self), NULL);
  return self->sequence;
}

static const char *
sequence_name (SsSequenceRun *self)
{
  const char *name = ss_sequence_get_name (self->sequence);

  /* Translators: a send sequence without a name, in the log */
  return name[0] != '\0' ? name : _("(unnamed)");
}

static void
set_step (SsSequenceRun *self,
          guint          index,
          SsStepStatus   status,
          char          *message)
{
  g_array_index (self->statuses, SsStepStatus, index) = status;
  g_free (g_ptr_array_index (self->messages, index));
  g_ptr_array_index (self->messages, index) = message;
  g_signal_emit (self, signals[STEP_CHANGED], 0, index);
}

static void
set_status (SsSequenceRun *self,
            SsStepStatus   status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
finish (SsSequenceRun *self,
        SsStepStatus   status)
{
  end_step_work (self);
  g_clear_handle_id (&self->next_id, g_source_remove);
  g_clear_pointer (&self->expect, ss_message_expect_free);
  self->running = FALSE;
  if (status == SS_STEP_OK)
    ss_traffic_log_append_event (self->log, _("Sequence %s: passed"), sequence_name (self));
  else if (status == SS_STEP_STOPPED)
    ss_traffic_log_append_event (self->log, _("Sequence %s: stopped"), sequence_name (self));
  ss_traffic_log_flush_soon (self->log);
  set_status (self, status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
}

static gboolean next_cb (gpointer user_data);

/* Ends the current step (takes @message); the next begins from an idle. */
static void
end_step (SsSequenceRun *self,
          SsStepStatus   status,
          char          *message)
{
  guint index = self->step;

  end_step_work (self);
  /* Translators: a send sequence's name, a step number, what happened, e.g.
   * "Sequence INIT-READ: step 2 timed out after 1000 ms" */
  ss_traffic_log_append_event (self->log, _("Sequence %s: step %u %s"),
                               sequence_name (self), index + 1, message);
  set_step (self, index, status, message);
  set_status (self, status);
  if (status != SS_STEP_OK)
    {
      finish (self, status);
      return;
    }
  /* what arrives from now on may answer the next step, even before the
   * idle begins it: the poller's reads come first */
  self->mark = ss_traffic_log_get_bytes (self->log, SS_TRAFFIC_RECEIVED);
  ss_message_expect_mark (self->expect);
  self->step++;
  self->next_id = g_idle_add (next_cb, self);
}

static void
send_step (SsSequenceRun *self,
           const SsStep  *step)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SsPayload *payload = ss_payload_store_lookup (self->library, step->payload);

  if (payload == NULL)
    {
      end_step (self, SS_STEP_FAILED,
                /* Translators: %s is a payload's name */
                g_strdup_printf (_("failed: there is no saved payload named “%s”"),
                                 step->payload));
      return;
    }
  bytes = ss_payload_to_bytes (payload, NULL, NULL, &error);
  if (bytes == NULL || !ss_socket_send (self->socket, bytes, &error))
    {
      end_step (self, SS_STEP_FAILED, g_strdup_printf (_("failed: %s"), error->message));
      return;
    }
  end_step (self, SS_STEP_OK,
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "sent %zu byte", "sent %zu bytes",
                                          g_bytes_get_size (bytes)),
                             g_bytes_get_size (bytes)));
}

static gboolean
wait_done_cb (gpointer user_data)
{
  SsSequenceRun *self = user_data;
  const SsStep *step = ss_sequence_get_step (self->sequence, self->step);

  self->timeout_id = 0;
  if (step->kind == SS_STEP_WAIT)
    end_step (self, SS_STEP_OK, g_strdup_printf (_("waited %u ms"), step->ms));
  else
    end_step (self, SS_STEP_TIMED_OUT, g_strdup_printf (_("timed out after %u ms"), step->ms));
  return G_SOURCE_REMOVE;
}

static void matched (SsSequenceRun *self,
                     gsize          len);

static void
check_received (SsSequenceRun *self)
{
  GListModel *model = G_LIST_MODEL (self->log);
  guint n = g_list_model_get_n_items (model);

  for (; self->cursor < n; self->cursor++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, self->cursor);
      GBytes *bytes;

      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_RECEIVED)
        continue;
      bytes = ss_traffic_entry_get_bytes (entry);
      if (bytes != NULL)
        g_byte_array_append (self->received, g_bytes_get_data (bytes, NULL),
                             g_bytes_get_size (bytes));
    }

  {
    g_autoptr(GBytes) reply = ss_reply_rule_match (self->rule, self->received->data,
                                                   self->received->len);

    if (reply == NULL)
      return;
  }
  matched (self, self->received->len);
}

static void
log_changed_cb (GListModel    *model,
                guint          position,
                guint          removed,
                guint          added,
                SsSequenceRun *self)
{
  /* a cleared log: read what comes after */
  if (removed > 0 && position < self->cursor)
    self->cursor = position;
  check_received (self);
}

/* The bytes received since the previous step ended, from the end of
 * the published log (flushed: all of it) back. */
static void
take_since_mark (SsSequenceRun *self)
{
  GListModel *model = G_LIST_MODEL (self->log);
  guint64 need = ss_traffic_log_get_bytes (self->log, SS_TRAFFIC_RECEIVED) - self->mark;
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = self->cursor; i > 0 && need > 0; i--)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i - 1);
      GBytes *bytes;
      gsize len, take;

      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_RECEIVED)
        continue;
      len = ss_traffic_entry_get_length (entry);
      take = MIN (len, need);
      need -= take;
      bytes = ss_traffic_entry_get_bytes (entry);
      if (bytes != NULL && take > 0)
        g_ptr_array_add (pieces, g_bytes_new_from_bytes (bytes, len - take, take));
    }
  for (guint i = pieces->len; i > 0; i--)
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (g_ptr_array_index (pieces, i - 1), &size);

      g_byte_array_append (self->received, data, size);
    }
}

static void
matched (SsSequenceRun *self,
         gsize          len)
{
  gint64 elapsed = (g_get_monotonic_time () - self->step_start) / 1000;

  end_step (self, SS_STEP_OK, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "matched %u byte after %u ms",
                                                            "matched %u bytes after %u ms", len),
                                               (guint) len, (guint) elapsed));
}

static void
message_matched_cb (gsize    len,
                    gpointer user_data)
{
  matched (user_data, len);
}

static void
expect_step (SsSequenceRun *self,
             const SsStep  *step)
{
  if (ss_socket_get_framing (self->socket) != NULL)
    {
      g_autoptr(SsPayload) nothing = ss_payload_new (NULL, SS_ENCODING_TEXT, "", SS_LINE_ENDING_NONE);
      gsize len;

      self->rule = ss_reply_rule_new (step->match, step->encoding, step->pattern, nothing);
      if (ss_message_expect_begin (self->expect, self->rule, &len))
        matched (self, len);
      else
        self->timeout_id = g_timeout_add (step->ms, wait_done_cb, self);
      return;
    }

  g_autoptr(SsPayload) nothing = ss_payload_new (NULL, SS_ENCODING_TEXT, "", SS_LINE_ENDING_NONE);

  self->rule = ss_reply_rule_new (step->match, step->encoding, step->pattern, nothing);
  self->received = g_byte_array_new ();
  /* what arrived before the previous step ended is not a reply to this
   * one; what arrived since is, though the step begins a little later */
  ss_traffic_log_flush (self->log);
  self->cursor = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  take_since_mark (self);
  self->log_handler = g_signal_connect (self->log, "items-changed",
                                        G_CALLBACK (log_changed_cb), self);
  self->timeout_id = g_timeout_add (step->ms, wait_done_cb, self);
  check_received (self);
}

static void
begin_step (SsSequenceRun *self)
{
  const SsStep *step;

  if (self->step == ss_sequence_get_n_steps (self->sequence))
    {
      if (self->round == self->rounds)
        {
          finish (self, SS_STEP_OK);
          return;
        }
      self->round++;
      self->step = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROUND]);
      if (self->rounds > 1)
        ss_traffic_log_append_event (self->log, _("Sequence %s: round %u of %u"),
                                     sequence_name (self), self->round, self->rounds);
      for (guint i = 0; i < self->statuses->len; i++)
        set_step (self, i, SS_STEP_PENDING, NULL);
      if (self->statuses->len == 0)
        {
          self->next_id = g_idle_add (next_cb, self);
          return;
        }
    }

  step = ss_sequence_get_step (self->sequence, self->step);
  self->step_start = g_get_monotonic_time ();
  set_step (self, self->step, SS_STEP_RUNNING, NULL);
  set_status (self, SS_STEP_RUNNING);
  switch (step->kind)
    {
    case SS_STEP_SEND:
      send_step (self, step);
      break;
    case SS_STEP_WAIT:
      self->timeout_id = g_timeout_add (step->ms, wait_done_cb, self);
      break;
    case SS_STEP_EXPECT:
      expect_step (self, step);
      break;
    case SS_N_STEP_KINDS:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
next_cb (gpointer user_data)
{
  SsSequenceRun *self = user_data;

  self->next_id = 0;
  ss_traffic_log_flush_soon (self->log);
  begin_step (self);
  return G_SOURCE_REMOVE;
}

/**
 * ss_sequence_run_start:
 * @rounds: how many times to run the steps, at least 1
 *
 * Starts the run from the main loop (nothing happens before it runs
 * again). Refused while running, or when a step cannot work (see
 * ss_step_check()), with a message for the person.
 */
gboolean
ss_sequence_run_start (SsSequenceRun  *self,
                       guint           rounds,
                       GError        **error)
{
  g_return_val_if_fail (SS_IS_SEQUENCE_RUN (self), FALSE);
  g_return_val_if_fail (rounds >= 1, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("The sequence is already running"));
      return FALSE;
    }
  for (guint i = 0; i < ss_sequence_get_n_steps (self->sequence); i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!ss_step_check (ss_sequence_get_step (self->sequence, i), &local_error))
        {
          g_set_error (error, SS_SEQUENCE_ERROR, SS_SEQUENCE_ERROR_PARSE,
                       /* Translators: a step number, what is wrong with it */
                       _("Step %u: %s"), i + 1, local_error->message);
          return FALSE;
        }
    }

  self->running = TRUE;
  self->mark = ss_traffic_log_get_bytes (self->log, SS_TRAFFIC_RECEIVED);
  self->expect = ss_message_expect_new (self->socket, message_matched_cb, self);
  self->rounds = rounds;
  self->round = 0;
  self->step = ss_sequence_get_n_steps (self->sequence);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROUNDS]);
  set_status (self, SS_STEP_RUNNING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  ss_traffic_log_append_event (self->log,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "Sequence %s: started, %u round",
                                            "Sequence %s: started, %u rounds", rounds),
                               sequence_name (self), rounds);
  /* the first round begins as any next round does */
  self->next_id = g_idle_add (next_cb, self);
  return TRUE;
}

/**
 * ss_sequence_run_stop:
 *
 * Stops at once: the running step is marked stopped, its timer and its
 * reading of the log end. Nothing when not running.
 */
void
ss_sequence_run_stop (SsSequenceRun *self)
{
  g_return_if_fail (SS_IS_SEQUENCE_RUN (self));

  if (!self->running)
    return;
  if (self->step < self->statuses->len &&
      g_array_index (self->statuses, SsStepStatus, self->step) == SS_STEP_RUNNING)
    set_step (self, self->step, SS_STEP_STOPPED, g_strdup (_("stopped")));
  finish (self, SS_STEP_STOPPED);
}

gboolean
ss_sequence_run_get_running (SsSequenceRun *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCE_RUN (self), FALSE);
  return self->running;
}

guint
ss_sequence_run_get_round (SsSequenceRun *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCE_RUN (self), 0);
  return self->round;
}

guint
ss_sequence_run_get_rounds (SsSequenceRun *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCE_RUN (self), 0);
  return self->rounds;
}

SsStepStatus
ss_sequence_run_get_status (SsSequenceRun *self)
{
  g_return_val_if_fail (SS_IS_SEQUENCE_RUN (self), SS_STEP_PENDING);
  return self->status;
}

SsStepStatus
ss_sequence_run_get_step_status (SsSequenceRun *self,
                                 guint          index)
{
  g_return_val_if_fail (SS_IS_SEQUENCE_RUN (self), SS_STEP_PENDING);
  g_return_val_if_fail (index < self->statuses->len, SS_STEP_PENDING);
  return g_array_index (self->statuses, SsStepStatus, index);
}

/* Returns: (nullable): what happened at the step, e.g. "timed out after
 * 1000 ms"; %NULL before it ended */
const char *
ss_sequence_run_get_step_message (SsSequenceRun *self,
                                  guint          index)
{
  g_return_val_if_fail (SS_IS_SEQUENCE_RUN (self), NULL);
  g_return_val_if_fail (index < self->messages->len, NULL);
  return g_ptr_array_index (self->messages, index);
}
