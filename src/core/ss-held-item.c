/* ss-held-item.c — a chunk a relay holds until the person forwards, edits or drops it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ss-escape.h"
#include "ss-held-item.h"

/* How many characters of a held chunk its row shows. */
#define PREVIEW_CHARS 120

struct _SsHeldItem
{
  GObject               parent_instance;

  guint                 number;
  SsInterceptDirection  direction;
  char                 *pair_label;
  GBytes               *bytes;
  SsHeldDecision        decision;
  gpointer              stage;  /* the SsRelayStage that holds it, or NULL once it left */
};

G_DEFINE_FINAL_TYPE (SsHeldItem, ss_held_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DECISION,
  PROP_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ss_held_item_finalize (GObject *object)
{
  SsHeldItem *self = SS_HELD_ITEM (object);

  g_free (self->pair_label);
  g_bytes_unref (self->bytes);

  G_OBJECT_CLASS (ss_held_item_parent_class)->finalize (object);
}

static void
ss_held_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SsHeldItem *self = SS_HELD_ITEM (object);

  switch (prop_id)
    {
    case PROP_DECISION:
      g_value_set_uint (value, self->decision);
      break;
    case PROP_BYTES:
      g_value_set_boxed (value, self->bytes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_held_item_class_init (SsHeldItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_held_item_finalize;
  object_class->get_property = ss_held_item_get_property;

  /* an SsHeldDecision */
  properties[PROP_DECISION] =
    g_param_spec_uint ("decision", NULL, NULL, 0, SS_HELD_FORWARD, SS_HELD_UNDECIDED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES] =
    g_param_spec_boxed ("bytes", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ss_held_item_init (SsHeldItem *self)
{
}

/**
 * ss_held_item_new:
 * @number: the item's number in its relay, from 1
 * @pair_label: which pair it belongs to (the client's address)
 */
SsHeldItem *
ss_held_item_new (guint                 number,
                  SsInterceptDirection  direction,
                  const char           *pair_label,
                  GBytes               *bytes)
{
  SsHeldItem *self;

  g_return_val_if_fail (direction < SS_INTERCEPT_N_DIRECTIONS, NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  self = g_object_new (SS_TYPE_HELD_ITEM, NULL);
  self->number = number;
  self->direction = direction;
  self->pair_label = g_strdup (pair_label != NULL ? pair_label : "");
  self->bytes = g_bytes_ref (bytes);
  return self;
}

guint
ss_held_item_get_number (SsHeldItem *self)
{
  g_return_val_if_fail (SS_IS_HELD_ITEM (self), 0);
  return self->number;
}

SsInterceptDirection
ss_held_item_get_direction (SsHeldItem *self)
{
  g_return_val_if_fail (SS_IS_HELD_ITEM (self), SS_INTERCEPT_UPSTREAM);
  return self->direction;
}

const char *
ss_held_item_get_pair_label (SsHeldItem *self)
{
  g_return_val_if_fail (SS_IS_HELD_ITEM (self), NULL);
  return self->pair_label;
}

/* (transfer none): what will be forwarded: the bytes as they arrived
 * (after the rewrite rules), or as edited */
GBytes *
ss_held_item_get_bytes (SsHeldItem *self)
{
  g_return_val_if_fail (SS_IS_HELD_ITEM (self), NULL);
  return self->bytes;
}

SsHeldDecision
ss_held_item_get_decision (SsHeldItem *self)
{
  g_return_val_if_fail (SS_IS_HELD_ITEM (self), SS_HELD_UNDECIDED);
  return self->decision;
}

/* Marks the item to be forwarded (with @bytes instead of its own when
 * not NULL) as soon as the items before it have gone. */
void
ss_held_item_decide (SsHeldItem *self,
                     GBytes     *bytes)
{
  g_return_if_fail (SS_IS_HELD_ITEM (self));

  if (bytes != NULL && bytes != self->bytes)
    {
      g_bytes_unref (self->bytes);
      self->bytes = g_bytes_ref (bytes);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES]);
    }
  if (self->decision == SS_HELD_FORWARD)
    return;
  self->decision = SS_HELD_FORWARD;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECISION]);
}

/* Whether the item still waits (not forwarded, dropped, or gone with
 * its pair). */
gboolean
ss_held_item_is_held (SsHeldItem *self)
{
  g_return_val_if_fail (SS_IS_HELD_ITEM (self), FALSE);
  return self->stage != NULL;
}

/* (transfer full): the bytes on one line, escaped as the log shows them */
char *
ss_held_item_dup_preview (SsHeldItem *self)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (SS_IS_HELD_ITEM (self), NULL);
  data = g_bytes_get_data (self->bytes, &len);
  return ss_escape_bytes (data, len, PREVIEW_CHARS, FALSE);
}

const char *
ss_intercept_direction_name (SsInterceptDirection direction)
{
  return direction == SS_INTERCEPT_UPSTREAM ? _("client → server") : _("server → client");
}

gpointer
ss_held_item_get_stage (SsHeldItem *self)
{
  return self->stage;
}

void
ss_held_item_set_stage (SsHeldItem *self,
                        gpointer    stage)
{
  self->stage = stage;
}

void
_ss_held_item_set_number (SsHeldItem *self,
                          guint       number)
{
  self->number = number;
}
