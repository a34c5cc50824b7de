/* ss-toxic-spec.h — a relay fault as Toxiproxy names it, and its one-line text form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The order is the panel's dropdown's; the names are Toxiproxy's. */
typedef enum
{
  SS_TOXIC_LATENCY,
  SS_TOXIC_BANDWIDTH,
  SS_TOXIC_SLICER,
  SS_TOXIC_LIMIT_DATA,
  SS_TOXIC_TIMEOUT,
  SS_TOXIC_RESET_PEER,
  SS_TOXIC_SLOW_CLOSE,
  SS_N_TOXIC_KINDS
} SsToxicKind;

/* Which way the bytes go through a relayed pair, as Toxiproxy's "stream". */
typedef enum
{
  SS_TOXIC_UPSTREAM,    /* client → server */
  SS_TOXIC_DOWNSTREAM,  /* server → client */
  SS_N_TOXIC_DIRECTIONS
} SsToxicDirection;

#define SS_TOXIC_MAX_PARAMS 3

/* Each kind's parameters, in its own order (ss_toxic_param_name()):
 * latency: latency ms, jitter ms; bandwidth: rate KB/s; slicer:
 * average_size bytes, size_variation bytes, delay µs (Toxiproxy's unit);
 * limit_data: bytes; timeout: timeout ms (0: never closes); reset_peer:
 * timeout ms; slow_close: delay ms. */
enum
{
  SS_TOXIC_LATENCY_MS = 0,
  SS_TOXIC_JITTER_MS = 1,
  SS_TOXIC_RATE_KBPS = 0,
  SS_TOXIC_AVERAGE_SIZE = 0,
  SS_TOXIC_SIZE_VARIATION = 1,
  SS_TOXIC_DELAY_US = 2,
  SS_TOXIC_BYTES = 0,
  SS_TOXIC_TIMEOUT_MS = 0,
  SS_TOXIC_DELAY_MS = 0,
};

typedef struct
{
  SsToxicKind kind;
  gint64      params[SS_TOXIC_MAX_PARAMS];  /* unused ones are 0 */
  double      toxicity;                     /* 0…1: the chance a new pair gets it */
} SsToxicSpec;

#define SS_TYPE_TOXIC_SPEC (ss_toxic_spec_get_type ())

GType        ss_toxic_spec_get_type       (void) G_GNUC_CONST;
SsToxicSpec *ss_toxic_spec_copy           (const SsToxicSpec *self);
void         ss_toxic_spec_free           (SsToxicSpec       *self);
void         ss_toxic_spec_init_default   (SsToxicSpec       *self,
                                           SsToxicKind        kind);
gboolean     ss_toxic_spec_parse          (const char        *text,
                                           SsToxicSpec       *out,
                                           GError           **error);
gboolean     ss_toxic_spec_parse_option   (const char        *text,
                                           SsToxicDirection  *direction,
                                           SsToxicSpec       *out,
                                           GError           **error);
char        *ss_toxic_spec_to_string      (const SsToxicSpec *self);
gboolean     ss_toxic_spec_check          (const SsToxicSpec *self,
                                           GError           **error);
gboolean     ss_toxic_spec_equal          (const SsToxicSpec *a,
                                           const SsToxicSpec *b);
char        *ss_toxic_spec_describe       (const SsToxicSpec *self);

const char  *ss_toxic_kind_name           (SsToxicKind        kind);
const char  *ss_toxic_kind_title          (SsToxicKind        kind);
const char  *ss_toxic_kind_explanation    (SsToxicKind        kind);
guint        ss_toxic_kind_n_params       (SsToxicKind        kind);
const char  *ss_toxic_param_name          (SsToxicKind        kind,
                                           guint              param);
const char  *ss_toxic_param_title         (SsToxicKind        kind,
                                           guint              param);
gint64       ss_toxic_param_min           (SsToxicKind        kind,
                                           guint              param);
gint64       ss_toxic_param_max           (SsToxicKind        kind,
                                           guint              param);
const char  *ss_toxic_direction_name      (SsToxicDirection   direction);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsToxicSpec, ss_toxic_spec_free)

G_END_DECLS
