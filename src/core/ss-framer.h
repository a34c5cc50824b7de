/* ss-framer.h — a byte stream split into messages: by a delimiter, a fixed
 * length, a length field or an idle gap, fed as it arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The order is the Messages popover's. */
typedef enum
{
  SS_FRAMING_NONE,
  SS_FRAMING_DELIMITER,
  SS_FRAMING_FIXED,
  SS_FRAMING_LENGTH,
  SS_FRAMING_IDLE,
  SS_N_FRAMINGS
} SsFramingMode;

#define SS_FRAMER_MAX_DELIMITER 64
#define SS_FRAMER_MAX_OFFSET    1024
#define SS_FRAMER_MAX_IDLE_MS   3600000
/* The smallest cap on a message: a length field's header always fits. */
#define SS_FRAMER_MIN_MAX       4096

typedef struct
{
  SsFramingMode mode;
  guint8        delimiter[SS_FRAMER_MAX_DELIMITER];
  guint         delimiter_len;
  guint32       fixed_length;
  /* the length field: where it is, its size (1, 2 or 4), its byte order,
   * whether its value counts the header (offset + size) and what to add
   * to it to get the bytes that follow the header (or the whole message) */
  guint32       length_offset;
  guint8        length_size;
  gboolean      big_endian;
  gboolean      counts_header;
  gint32        adjustment;
  guint32       idle_ms;
} SsFramerSpec;

/* What ss_framer_scan() says of the bytes it took. */
typedef enum
{
  SS_FRAME_END    = 1 << 0,  /* a message ends after them */
  /* the message was cut at the cap (the memory budget), or is the rest
   * of one that was: its declared length, or the line, was longer */
  SS_FRAME_CAPPED = 1 << 1,
  /* the length field declared less than its own header: the header
   * alone is the message */
  SS_FRAME_SHORT  = 1 << 2,
} SsFrameFlags;

gboolean ss_framer_spec_parse     (const char          *text,
                                   SsFramerSpec        *spec,
                                   GError             **error);
char    *ss_framer_spec_to_string (const SsFramerSpec  *spec);
gboolean ss_framer_spec_equal     (const SsFramerSpec  *a,
                                   const SsFramerSpec  *b);

typedef struct _SsFramer SsFramer;

SsFramer *ss_framer_new          (const SsFramerSpec *spec,
                                  guint64             max_message);
void      ss_framer_free         (SsFramer           *self);
void      ss_framer_reset        (SsFramer           *self);
gboolean  ss_framer_begin_chunk  (SsFramer           *self,
                                  gint64              time);
gboolean  ss_framer_idle_expired (SsFramer           *self,
                                  gint64              now);
gsize     ss_framer_scan         (SsFramer           *self,
                                  const guint8       *data,
                                  gsize               len,
                                  guint              *flags);
const SsFramerSpec *ss_framer_get_spec (SsFramer     *self);
guint64   ss_framer_get_pending  (SsFramer           *self);
guint64   ss_framer_get_max      (SsFramer           *self);
int       ss_framer_get_single_delimiter (SsFramer   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsFramer, ss_framer_free)

G_END_DECLS
