/* ss-checksum.c — checksums appended to a payload (sum, XOR, CRCs, LRC,
 * fixed bytes) over a range of it, and checked on a message received
 *
 * The CRCs are the Rocksoft model's, with the parameters and check values
 * ("123456789") of Greg Cook's CRC catalogue (reveng). Adding one is a row
 * in the table below and its check value in tests/test-checksum.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "ss-checksum.h"
#include "ss-encoding.h"

G_DEFINE_QUARK (ss-checksum-error-quark, ss_checksum_error)

G_DEFINE_BOXED_TYPE (SsChecksum, ss_checksum, ss_checksum_copy, ss_checksum_free)

typedef struct
{
  const char      *name;        /* the text form's */
  const char      *label;       /* shown; translated when marked */
  guint            width;       /* bytes appended (0: the fixed bytes') */
  SsChecksumOrder  order;       /* as the protocol that uses it sends it */
  gboolean         crc;
  gboolean         reflected;   /* refin = refout for every CRC here */
  guint32          poly;
  guint32          init;
  guint32          xorout;
} ChecksumInfo;

static const ChecksumInfo checksums[SS_N_CHECKSUMS] = {
  [SS_CHECKSUM_NONE] = { "none", N_("No Checksum"), 0, SS_CHECKSUM_ORDER_BIG },
  [SS_CHECKSUM_SUM8] = { "sum8", N_("Sum (ADD8)"), 1, SS_CHECKSUM_ORDER_BIG },
  [SS_CHECKSUM_XOR8] = { "xor8", N_("XOR (XOR8)"), 1, SS_CHECKSUM_ORDER_BIG },
  /* CRC-8/SMBUS, check 0xf4 */
  [SS_CHECKSUM_CRC8] = { "crc8", "CRC-8", 1, SS_CHECKSUM_ORDER_BIG,
                         TRUE, FALSE, 0x07, 0x00, 0x00 },
  /* check 0x4b37; Modbus RTU sends the low byte first */
  [SS_CHECKSUM_CRC16_MODBUS] = { "crc16-modbus", "CRC-16/MODBUS", 2, SS_CHECKSUM_ORDER_LITTLE,
                                 TRUE, TRUE, 0x8005, 0xffff, 0x0000 },
  /* CRC-16/IBM-3740, check 0x29b1 */
  [SS_CHECKSUM_CRC16_CCITT_FALSE] = { "crc16-ccitt-false", "CRC-16/CCITT-FALSE", 2, SS_CHECKSUM_ORDER_BIG,
                                      TRUE, FALSE, 0x1021, 0xffff, 0x0000 },
  /* check 0x31c3 */
  [SS_CHECKSUM_CRC16_XMODEM] = { "crc16-xmodem", "CRC-16/XMODEM", 2, SS_CHECKSUM_ORDER_BIG,
                                 TRUE, FALSE, 0x1021, 0x0000, 0x0000 },
  /* CRC-16/ARC (IBM), check 0xbb3d */
  [SS_CHECKSUM_CRC16_ARC] = { "crc16-arc", "CRC-16/IBM (ARC)", 2, SS_CHECKSUM_ORDER_LITTLE,
                              TRUE, TRUE, 0x8005, 0x0000, 0x0000 },
  /* CRC-32/ISO-HDLC (zip, Ethernet), check 0xcbf43926 */
  [SS_CHECKSUM_CRC32] = { "crc32", "CRC-32", 4, SS_CHECKSUM_ORDER_LITTLE,
                          TRUE, TRUE, 0x04c11db7, 0xffffffff, 0xffffffff },
  /* the two's complement of the byte sum, as Modbus ASCII computes it */
  [SS_CHECKSUM_LRC] = { "lrc", N_("LRC (Modbus ASCII)"), 1, SS_CHECKSUM_ORDER_BIG },
  [SS_CHECKSUM_FIXED] = { "fixed", N_("Fixed Bytes"), 0, SS_CHECKSUM_ORDER_BIG },
};

/* Each CRC's byte table, made on first use. */
static guint32 crc_tables[SS_N_CHECKSUMS][256];
static gsize crc_tables_ready[SS_N_CHECKSUMS];

static guint32
reflect (guint32 value,
         guint   bits)
{
  guint32 out = 0;

  for (guint i = 0; i < bits; i++)
    if (value & (1u << i))
      out |= 1u << (bits - 1 - i);
  return out;
}

static guint32
width_mask (guint bits)
{
  return bits == 32 ? 0xffffffffu : (1u << bits) - 1;
}

static const guint32 *
crc_table (SsChecksumKind kind)
{
  const ChecksumInfo *info = &checksums[kind];

  if (g_once_init_enter (&crc_tables_ready[kind]))
    {
      guint bits = info->width * 8;
      guint32 mask = width_mask (bits);

      for (guint32 i = 0; i < 256; i++)
        {
          guint32 crc;

          if (info->reflected)
            {
              guint32 poly = reflect (info->poly, bits);

              crc = i;
              for (guint b = 0; b < 8; b++)
                crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
            }
          else
            {
              guint32 top = 1u << (bits - 1);

              crc = i << (bits - 8);
              for (guint b = 0; b < 8; b++)
                crc = ((crc & top) ? (crc << 1) ^ info->poly : crc << 1) & mask;
            }
          crc_tables[kind][i] = crc;
        }
      g_once_init_leave (&crc_tables_ready[kind], 1);
    }
  return crc_tables[kind];
}

static guint32
compute_crc (SsChecksumKind  kind,
             const guint8   *data,
             gsize           len)
{
  const ChecksumInfo *info = &checksums[kind];
  const guint32 *table = crc_table (kind);
  guint bits = info->width * 8;
  guint32 mask = width_mask (bits);
  guint32 crc = info->reflected ? reflect (info->init, bits) : info->init;

  if (info->reflected)
    for (gsize i = 0; i < len; i++)
      crc = (crc >> 8) ^ table[(crc ^ data[i]) & 0xff];
  else
    for (gsize i = 0; i < len; i++)
      crc = ((crc << 8) ^ table[((crc >> (bits - 8)) ^ data[i]) & 0xff]) & mask;
  return (crc ^ info->xorout) & mask;
}

static guint32
compute_value (SsChecksumKind  kind,
               const guint8   *data,
               gsize           len)
{
  guint8 acc = 0;

  switch (kind)
    {
    case SS_CHECKSUM_SUM8:
    case SS_CHECKSUM_LRC:
      for (gsize i = 0; i < len; i++)
        acc += data[i];
      return kind == SS_CHECKSUM_LRC ? (guint8) -acc : acc;
    case SS_CHECKSUM_XOR8:
      for (gsize i = 0; i < len; i++)
        acc ^= data[i];
      return acc;
    default:
      g_assert (checksums[kind].crc);
      return compute_crc (kind, data, len);
    }
}

/* Kinds ----------------------------------------------------------------- */

/* The name in the text form, e.g. "crc16-modbus". */
const char *
ss_checksum_kind_to_string (SsChecksumKind kind)
{
  g_return_val_if_fail (kind < SS_N_CHECKSUMS, NULL);
  return checksums[kind].name;
}

gboolean
ss_checksum_kind_from_string (const char     *name,
                              SsChecksumKind *kind)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < SS_N_CHECKSUMS; i++)
    if (g_ascii_strcasecmp (name, checksums[i].name) == 0)
      {
        if (kind != NULL)
          *kind = i;
        return TRUE;
      }
  return FALSE;
}

/* What the chooser shows, translated. */
const char *
ss_checksum_kind_get_label (SsChecksumKind kind)
{
  g_return_val_if_fail (kind < SS_N_CHECKSUMS, NULL);
  /* the CRCs' names are the catalogue's, the same in every language */
  return checksums[kind].crc ? checksums[kind].label : g_dgettext (GETTEXT_PACKAGE, checksums[kind].label);
}

/* Bytes appended; 0 for none, and for fixed bytes (their own length). */
guint
ss_checksum_kind_get_width (SsChecksumKind kind)
{
  g_return_val_if_fail (kind < SS_N_CHECKSUMS, 0);
  return checksums[kind].width;
}

/* The byte order the protocols using it send it in. */
SsChecksumOrder
ss_checksum_kind_get_order (SsChecksumKind kind)
{
  g_return_val_if_fail (kind < SS_N_CHECKSUMS, SS_CHECKSUM_ORDER_BIG);
  return checksums[kind].order;
}

/* The spec -------------------------------------------------------------- */

SsChecksum *
ss_checksum_new (SsChecksumKind kind)
{
  SsChecksum *self;

  g_return_val_if_fail (kind < SS_N_CHECKSUMS && kind != SS_CHECKSUM_FIXED, NULL);

  self = g_new0 (SsChecksum, 1);
  self->kind = kind;
  self->order = checksums[kind].order;
  return self;
}

/* @bytes: 1 to SS_CHECKSUM_MAX_FIXED bytes, appended as they are */
SsChecksum *
ss_checksum_new_fixed (GBytes *bytes)
{
  SsChecksum *self;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (g_bytes_get_size (bytes) > 0 && g_bytes_get_size (bytes) <= SS_CHECKSUM_MAX_FIXED, NULL);

  self = g_new0 (SsChecksum, 1);
  self->kind = SS_CHECKSUM_FIXED;
  self->fixed = g_bytes_ref (bytes);
  return self;
}

SsChecksum *
ss_checksum_copy (const SsChecksum *self)
{
  SsChecksum *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  if (copy->fixed != NULL)
    g_bytes_ref (copy->fixed);
  return copy;
}

void
ss_checksum_free (SsChecksum *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->fixed, g_bytes_unref);
  g_free (self);
}

gboolean
ss_checksum_equal (const SsChecksum *a,
                   const SsChecksum *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->kind != b->kind)
    return FALSE;
  if (a->kind == SS_CHECKSUM_NONE)
    return TRUE;
  if (a->kind == SS_CHECKSUM_FIXED)
    return g_bytes_equal (a->fixed, b->fixed);
  return a->skip_start == b->skip_start && a->skip_end == b->skip_end &&
         (checksums[a->kind].width == 1 || a->order == b->order);
}

/* NULL is none too, so a payload without one need not hold a spec. */
gboolean
ss_checksum_is_none (const SsChecksum *self)
{
  return self == NULL || self->kind == SS_CHECKSUM_NONE;
}

/* Bytes appended. */
gsize
ss_checksum_get_size (const SsChecksum *self)
{
  if (ss_checksum_is_none (self))
    return 0;
  if (self->kind == SS_CHECKSUM_FIXED)
    return g_bytes_get_size (self->fixed);
  return checksums[self->kind].width;
}

/* The text form --------------------------------------------------------- */

static gboolean
parse_error (GError     **error,
             const char  *text,
             const char  *problem)
{
  /* Translators: the first %s is what was read, e.g. "crc16,from=x", the second what is wrong */
  g_set_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_PARSE, _("Checksum “%s”: %s"), text, problem);
  return FALSE;
}

static GBytes *
parse_fixed (const char *hex)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  int high = -1;

  for (const char *p = hex; *p != '\0'; p++)
    {
      int digit = g_ascii_xdigit_value (*p);

      if ((*p == ' ' || *p == ':') && high < 0)
        continue;
      if (digit < 0)
        return NULL;
      if (high < 0)
        high = digit;
      else
        {
          guint8 byte = (guint8) (high << 4 | digit);

          g_byte_array_append (out, &byte, 1);
          high = -1;
        }
    }
  if (high >= 0 || out->len == 0 || out->len > SS_CHECKSUM_MAX_FIXED)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
parse_option (SsChecksum  *self,
              const char  *text,
              const char  *option,
              guint       *seen,
              GError     **error)
{
  static const char *keys[] = { "from", "skip-end", "order" };
  const char *equals = strchr (option, '=');
  g_autofree char *key = equals ? g_strstrip (g_strndup (option, equals - option)) : NULL;
  g_autofree char *value = equals ? g_strstrip (g_strdup (equals + 1)) : NULL;
  guint index;
  guint64 number;

  for (index = 0; key != NULL && index < G_N_ELEMENTS (keys); index++)
    if (g_str_equal (key, keys[index]))
      break;
  if (key == NULL || index == G_N_ELEMENTS (keys))
    return parse_error (error, text, _("an option is from=N, skip-end=M or order=big|little"));
  if (*seen & (1u << index))
    return parse_error (error, text, _("an option is given twice"));
  *seen |= 1u << index;

  if (index == 2)
    {
      if (g_str_equal (value, "big"))
        self->order = SS_CHECKSUM_ORDER_BIG;
      else if (g_str_equal (value, "little"))
        self->order = SS_CHECKSUM_ORDER_LITTLE;
      else
        return parse_error (error, text, _("the order is big or little"));
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (value, 10, 0, SS_CHECKSUM_MAX_SKIP, &number, NULL))
    return parse_error (error, text, _("from and skip-end are byte counts"));
  if (index == 0)
    self->skip_start = number;
  else
    self->skip_end = number;
  return TRUE;
}

/**
 * ss_checksum_parse:
 * @text: "none", an algorithm's name ("sum8", "xor8", "crc8",
 *   "crc16-modbus", "crc16-ccitt-false", "crc16-xmodem", "crc16-arc",
 *   "crc32", "lrc") or "fixed:HEX", then options separated by commas:
 *   "from=N" (skip the first N bytes), "skip-end=M" (and the last M),
 *   "order=big|little". An empty text is "none".
 *
 * Options that do not apply (a byte order for one byte, a range for fixed
 * bytes) are read and dropped.
 *
 * Returns: (transfer full) (nullable): the spec, or %NULL with an
 *   SS_CHECKSUM_ERROR_PARSE
 */
SsChecksum *
ss_checksum_parse (const char  *text,
                   GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(SsChecksum) self = NULL;
  g_autofree char *name = NULL;
  SsChecksumKind kind;
  guint seen = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_PARSE,
                           _("A checksum is written in UTF-8"));
      return NULL;
    }

  parts = g_strsplit (text, ",", -1);
  name = g_strstrip (g_strdup (parts[0] != NULL ? parts[0] : ""));
  if (*name == '\0' && (parts[0] == NULL || parts[1] == NULL))
    return ss_checksum_new (SS_CHECKSUM_NONE);

  if (g_ascii_strncasecmp (name, "fixed:", 6) == 0)
    {
      g_autoptr(GBytes) bytes = parse_fixed (name + 6);

      if (bytes == NULL)
        {
          g_autofree char *problem = g_strdup_printf (_("fixed bytes are 1 to %d bytes in hex, e.g. fixed:0d0a"),
                                                      SS_CHECKSUM_MAX_FIXED);
          parse_error (error, text, problem);
          return NULL;
        }
      self = ss_checksum_new_fixed (bytes);
    }
  else if (ss_checksum_kind_from_string (name, &kind) && kind != SS_CHECKSUM_FIXED)
    self = ss_checksum_new (kind);
  else
    {
      parse_error (error, text, _("the algorithm is none, sum8, xor8, crc8, crc16-modbus, crc16-ccitt-false, "
                                  "crc16-xmodem, crc16-arc, crc32, lrc or fixed:HEX"));
      return NULL;
    }

  for (guint i = 1; parts[i] != NULL; i++)
    if (!parse_option (self, text, parts[i], &seen, error))
      return NULL;

  /* what does not apply is dropped, so equal specs read and write alike */
  if (self->kind == SS_CHECKSUM_NONE || self->kind == SS_CHECKSUM_FIXED)
    self->skip_start = self->skip_end = 0;
  if (ss_checksum_get_size (self) <= 1 || self->kind == SS_CHECKSUM_FIXED)
    self->order = checksums[self->kind].order;
  return g_steal_pointer (&self);
}

/**
 * ss_checksum_to_string:
 *
 * Returns: (transfer full): the text form ss_checksum_parse() reads, with
 *   only what differs from the defaults
 */
char *
ss_checksum_to_string (const SsChecksum *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (checksums[self->kind].name);
  if (self->kind == SS_CHECKSUM_FIXED)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (self->fixed, &len);

      g_string_append_c (out, ':');
      for (gsize i = 0; i < len; i++)
        g_string_append_printf (out, "%02x", data[i]);
      return g_string_free (out, FALSE);
    }
  if (self->kind == SS_CHECKSUM_NONE)
    return g_string_free (out, FALSE);
  if (self->skip_start > 0)
    g_string_append_printf (out, ",from=%u", self->skip_start);
  if (self->skip_end > 0)
    g_string_append_printf (out, ",skip-end=%u", self->skip_end);
  if (checksums[self->kind].width > 1 && self->order != checksums[self->kind].order)
    g_string_append (out, self->order == SS_CHECKSUM_ORDER_BIG ? ",order=big" : ",order=little");
  return g_string_free (out, FALSE);
}

/* Computing and checking ------------------------------------------------ */

/**
 * ss_checksum_compute:
 * @data: the payload, without the checksum
 *
 * Returns: (transfer full) (nullable): the bytes to append (none for no
 *   checksum); %NULL with SS_CHECKSUM_ERROR_RANGE when the range is past
 *   the end of @data
 */
GBytes *
ss_checksum_compute (const SsChecksum  *self,
                     const guint8      *data,
                     gsize              len,
                     GError           **error)
{
  guint8 out[4];
  guint width;
  guint32 value;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->kind == SS_CHECKSUM_NONE)
    return g_bytes_new (NULL, 0);
  if (self->kind == SS_CHECKSUM_FIXED)
    return g_bytes_ref (self->fixed);

  if ((guint64) self->skip_start + self->skip_end > len)
    {
      g_set_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_RANGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The checksum skips %u + %u bytes, but the payload has only %" PRIu64 " byte",
                                "The checksum skips %u + %u bytes, but the payload has only %" PRIu64 " bytes",
                                len),
                   self->skip_start, self->skip_end, (guint64) len);
      return NULL;
    }

  width = checksums[self->kind].width;
  /* NULL + 0 is undefined behaviour in C */
  value = len > 0 ? compute_value (self->kind, data + self->skip_start, len - self->skip_start - self->skip_end)
                  : compute_value (self->kind, NULL, 0);
  for (guint i = 0; i < width; i++)
    {
      guint shift = self->order == SS_CHECKSUM_ORDER_BIG ? 8 * (width - 1 - i) : 8 * i;

      out[i] = (guint8) (value >> shift);
    }
  return g_bytes_new (out, width);
}

/**
 * ss_checksum_apply:
 *
 * Returns: (transfer full) (nullable): @payload with its checksum after
 *   it, or %NULL as ss_checksum_compute() says
 */
GBytes *
ss_checksum_apply (const SsChecksum  *self,
                   GBytes            *payload,
                   GError           **error)
{
  g_autoptr(GBytes) sum = NULL;
  GByteArray *out;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (payload != NULL, NULL);

  if (ss_checksum_is_none (self))
    return g_bytes_ref (payload);
  data = g_bytes_get_data (payload, &len);
  sum = ss_checksum_compute (self, data, len, error);
  if (sum == NULL)
    return NULL;
  out = g_byte_array_sized_new (len + g_bytes_get_size (sum));
  g_byte_array_append (out, data, len);
  g_byte_array_append (out, g_bytes_get_data (sum, NULL), g_bytes_get_size (sum));
  return g_byte_array_free_to_bytes (out);
}

/**
 * ss_checksum_verify:
 * @message: a message received, ending with its checksum
 *
 * Checks a message as the sender made it: its last bytes are the checksum
 * of what comes before them, over the same range.
 *
 * Returns: %TRUE when it matches (always, for no checksum); %FALSE with
 *   SS_CHECKSUM_ERROR_MISMATCH (saying both values) or _RANGE (the
 *   message is too short)
 */
gboolean
ss_checksum_verify (const SsChecksum  *self,
                    const guint8      *message,
                    gsize              len,
                    GError           **error)
{
  g_autoptr(GBytes) expected = NULL;
  gsize size = ss_checksum_get_size (self);
  gsize body;

  g_return_val_if_fail (message != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (size == 0)
    return TRUE;
  if (len < size)
    {
      g_set_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_RANGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The message has %" PRIu64 " byte, fewer than its checksum’s %" PRIu64,
                                "The message has %" PRIu64 " bytes, fewer than its checksum’s %" PRIu64,
                                len),
                   (guint64) len, (guint64) size);
      return FALSE;
    }
  body = len - size;
  expected = ss_checksum_compute (self, message, body, error);
  if (expected == NULL)
    return FALSE;
  if (memcmp (g_bytes_get_data (expected, NULL), message + body, size) != 0)
    {
      g_autofree char *got = ss_encoding_encode (SS_ENCODING_HEX, message + body, size);
      g_autofree char *want = ss_encoding_encode (SS_ENCODING_HEX, g_bytes_get_data (expected, NULL), size);

      g_set_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_MISMATCH,
                   _("The checksum is %s, but the message’s bytes give %s"), got, want);
      return FALSE;
    }
  return TRUE;
}
