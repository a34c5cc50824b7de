/* ss-checksum.h — checksums appended to a payload (sum, XOR, CRCs, LRC,
 * fixed bytes) over a range of it, and checked on a message received
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The order is the chooser's, and the text form's names are in ss-checksum.c's table. */
typedef enum
{
  SS_CHECKSUM_NONE,
  SS_CHECKSUM_SUM8,
  SS_CHECKSUM_XOR8,
  SS_CHECKSUM_CRC8,
  SS_CHECKSUM_CRC16_MODBUS,
  SS_CHECKSUM_CRC16_CCITT_FALSE,
  SS_CHECKSUM_CRC16_XMODEM,
  SS_CHECKSUM_CRC16_ARC,
  SS_CHECKSUM_CRC32,
  SS_CHECKSUM_LRC,
  SS_CHECKSUM_FIXED,
  SS_N_CHECKSUMS
} SsChecksumKind;

typedef enum
{
  SS_CHECKSUM_ORDER_BIG,
  SS_CHECKSUM_ORDER_LITTLE,
} SsChecksumOrder;

#define SS_CHECKSUM_ERROR (ss_checksum_error_quark ())

typedef enum
{
  SS_CHECKSUM_ERROR_PARSE,     /* the text form does not read */
  SS_CHECKSUM_ERROR_RANGE,     /* the range is past the end of the payload */
  SS_CHECKSUM_ERROR_MISMATCH,  /* a message's checksum is not the one computed */
} SsChecksumError;

/* The most bytes a fixed checksum holds, and the most a range skips. */
#define SS_CHECKSUM_MAX_FIXED 64
#define SS_CHECKSUM_MAX_SKIP  (1u << 30)

/* What to append: the algorithm, over the payload from byte @skip_start to
 * its end minus @skip_end, written in @order (multi-byte sums only). */
typedef struct
{
  SsChecksumKind   kind;
  guint            skip_start;
  guint            skip_end;
  SsChecksumOrder  order;
  GBytes          *fixed;      /* SS_CHECKSUM_FIXED: the bytes, else NULL */
} SsChecksum;

#define SS_TYPE_CHECKSUM (ss_checksum_get_type ())

GType            ss_checksum_get_type          (void) G_GNUC_CONST;
GQuark           ss_checksum_error_quark       (void);

SsChecksum      *ss_checksum_new               (SsChecksumKind     kind);
SsChecksum      *ss_checksum_new_fixed         (GBytes            *bytes);
SsChecksum      *ss_checksum_copy              (const SsChecksum  *self);
void             ss_checksum_free              (SsChecksum        *self);
gboolean         ss_checksum_equal             (const SsChecksum  *a,
                                                const SsChecksum  *b);
gboolean         ss_checksum_is_none           (const SsChecksum  *self);

SsChecksum      *ss_checksum_parse             (const char        *text,
                                                GError           **error);
char            *ss_checksum_to_string         (const SsChecksum  *self);

gsize            ss_checksum_get_size          (const SsChecksum  *self);
GBytes          *ss_checksum_compute           (const SsChecksum  *self,
                                                const guint8      *data,
                                                gsize              len,
                                                GError           **error);
GBytes          *ss_checksum_apply             (const SsChecksum  *self,
                                                GBytes            *payload,
                                                GError           **error);
gboolean         ss_checksum_verify            (const SsChecksum  *self,
                                                const guint8      *message,
                                                gsize              len,
                                                GError           **error);

const char      *ss_checksum_kind_to_string    (SsChecksumKind     kind);
gboolean         ss_checksum_kind_from_string  (const char        *name,
                                                SsChecksumKind    *kind);
const char      *ss_checksum_kind_get_label    (SsChecksumKind     kind);
guint            ss_checksum_kind_get_width    (SsChecksumKind     kind);
SsChecksumOrder  ss_checksum_kind_get_order    (SsChecksumKind     kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SsChecksum, ss_checksum_free)

G_END_DECLS
