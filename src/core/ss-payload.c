/* ss-payload.c — a payload a person keeps: name, encoding, text, line
 * ending, checksum, and whether it is a quick-send button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>

#include "ss-payload.h"

struct _SsPayload
{
  GObject       parent_instance;
  char         *name;
  char         *content;
  SsEncoding    encoding;
  SsLineEnding  line_ending;
  SsChecksum   *checksum;     /* NULL: none */
  gboolean      quick_send;
};

G_DEFINE_FINAL_TYPE (SsPayload, ss_payload, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_ENCODING,
  PROP_CONTENT,
  PROP_LINE_ENDING,
  PROP_CHECKSUM,
  PROP_QUICK_SEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ss_payload_finalize (GObject *object)
{
  SsPayload *self = SS_PAYLOAD (object);

  g_free (self->name);
  g_free (self->content);
  g_clear_pointer (&self->checksum, ss_checksum_free);

  G_OBJECT_CLASS (ss_payload_parent_class)->finalize (object);
}

static void
ss_payload_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SsPayload *self = SS_PAYLOAD (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ENCODING:
      g_value_set_uint (value, self->encoding);
      break;
    case PROP_CONTENT:
      g_value_set_string (value, self->content);
      break;
    case PROP_LINE_ENDING:
      g_value_set_uint (value, self->line_ending);
      break;
    case PROP_CHECKSUM:
      g_value_set_boxed (value, self->checksum);
      break;
    case PROP_QUICK_SEND:
      g_value_set_boolean (value, self->quick_send);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_payload_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SsPayload *self = SS_PAYLOAD (object);

  switch (prop_id)
    {
    case PROP_NAME:
      ss_payload_set_name (self, g_value_get_string (value));
      break;
    case PROP_ENCODING:
      self->encoding = g_value_get_uint (value);
      break;
    case PROP_CONTENT:
      /* never NULL, so that callers need not check */
      g_free (self->content);
      self->content = g_strdup (g_value_get_string (value) ? g_value_get_string (value) : "");
      break;
    case PROP_LINE_ENDING:
      self->line_ending = g_value_get_uint (value);
      break;
    case PROP_CHECKSUM:
      g_clear_pointer (&self->checksum, ss_checksum_free);
      if (!ss_checksum_is_none (g_value_get_boxed (value)))
        self->checksum = g_value_dup_boxed (value);
      break;
    case PROP_QUICK_SEND:
      self->quick_send = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ss_payload_class_init (SsPayloadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ss_payload_finalize;
  object_class->get_property = ss_payload_get_property;
  object_class->set_property = ss_payload_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* An SsEncoding, and the three below fixed at construction: a payload
   * edited is a new payload, so that lists holding one never go stale. */
  properties[PROP_ENCODING] =
    g_param_spec_uint ("encoding", NULL, NULL,
                       0, SS_N_ENCODINGS - 1, SS_ENCODING_TEXT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTENT] =
    g_param_spec_string ("content", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* an SsLineEnding */
  properties[PROP_LINE_ENDING] =
    g_param_spec_uint ("line-ending", NULL, NULL,
                       0, SS_N_LINE_ENDINGS - 1, SS_LINE_ENDING_NONE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* appended after the content, before the line ending */
  properties[PROP_CHECKSUM] =
    g_param_spec_boxed ("checksum", NULL, NULL, SS_TYPE_CHECKSUM,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* a library payload shown as a button on the socket pages */
  properties[PROP_QUICK_SEND] =
    g_param_spec_boolean ("quick-send", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ss_payload_init (SsPayload *self)
{
  self->content = g_strdup ("");
  self->quick_send = TRUE;
}

/**
 * ss_payload_new:
 * @name: (nullable): what the person calls it
 * @content: the text as typed, in @encoding (not checked here: see
 *   ss_payload_to_bytes())
 */
SsPayload *
ss_payload_new (const char   *name,
                SsEncoding    encoding,
                const char   *content,
                SsLineEnding  line_ending)
{
  return ss_payload_new_full (name, encoding, content, line_ending, NULL, TRUE);
}

/**
 * ss_payload_new_full:
 * @checksum: (nullable): appended after the content (copied); %NULL for none
 * @quick_send: whether the library shows it as a quick-send button
 */
SsPayload *
ss_payload_new_full (const char       *name,
                     SsEncoding        encoding,
                     const char       *content,
                     SsLineEnding      line_ending,
                     const SsChecksum *checksum,
                     gboolean          quick_send)
{
  g_return_val_if_fail (encoding < SS_N_ENCODINGS, NULL);
  g_return_val_if_fail (line_ending < SS_N_LINE_ENDINGS, NULL);

  return g_object_new (SS_TYPE_PAYLOAD,
                       "name", name,
                       "encoding", (guint) encoding,
                       "content", content,
                       "line-ending", (guint) line_ending,
                       "checksum", checksum,
                       "quick-send", quick_send,
                       NULL);
}

/* The same payload under @name, shown as a button or not. */
SsPayload *
ss_payload_copy_as (SsPayload  *self,
                    const char *name,
                    gboolean    quick_send)
{
  g_return_val_if_fail (SS_IS_PAYLOAD (self), NULL);

  return ss_payload_new_full (name, self->encoding, self->content, self->line_ending,
                              self->checksum, quick_send);
}

/* Bytes that an escaped text shows as themselves: printable UTF-8 and the
 * usual line and column breaks. */
static gsize
count_readable (const guint8 *data,
                gsize         len)
{
  gsize readable = 0;
  gsize i = 0;

  while (i < len)
    {
      guint8 byte = data[i];
      gunichar c;
      gsize n;

      if (byte < 0x80)
        {
          if (g_ascii_isprint (byte) || byte == '\n' || byte == '\r' || byte == '\t')
            readable++;
          i++;
          continue;
        }
      c = g_utf8_get_char_validated ((const char *) data + i, MIN (len - i, 4));
      if (c == (gunichar) -1 || c == (gunichar) -2 || !g_unichar_isprint (c))
        {
          i++;
          continue;
        }
      n = g_unichar_to_utf8 (c, NULL);
      readable += n;
      i += n;
    }
  return readable;
}

/**
 * ss_payload_new_for_bytes:
 * @name: (nullable): what the person calls it
 * @bytes: bytes to keep, e.g. a message received
 *
 * Returns: (transfer full): a payload whose ss_payload_to_bytes() gives
 *   @bytes back: as text when they are UTF-8 without NUL, as escaped text
 *   when at least three quarters of them read as text, else as hex; with
 *   no line ending.
 */
SsPayload *
ss_payload_new_for_bytes (const char *name,
                          GBytes     *bytes)
{
  const guint8 *data;
  gsize len;
  g_autofree char *content = NULL;
  SsEncoding encoding;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  content = ss_encoding_encode (SS_ENCODING_TEXT, data, len);
  encoding = SS_ENCODING_TEXT;
  if (content == NULL)
    {
      encoding = count_readable (data, len) * 4 >= len * 3
                 ? SS_ENCODING_ESCAPED : SS_ENCODING_HEX;
      content = ss_encoding_encode (encoding, data, len);
    }
  g_assert (content != NULL);

  return ss_payload_new (name, encoding, content, SS_LINE_ENDING_NONE);
}

/**
 * ss_payload_get_name:
 *
 * Returns: (nullable): the name, or %NULL for a payload without one
 */
const char *
ss_payload_get_name (SsPayload *self)
{
  g_return_val_if_fail (SS_IS_PAYLOAD (self), NULL);
  return self->name;
}

void
ss_payload_set_name (SsPayload  *self,
                     const char *name)
{
  g_return_if_fail (SS_IS_PAYLOAD (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

SsEncoding
ss_payload_get_encoding (SsPayload *self)
{
  g_return_val_if_fail (SS_IS_PAYLOAD (self), SS_ENCODING_TEXT);
  return self->encoding;
}

/* Never NULL. */
const char *
ss_payload_get_content (SsPayload *self)
{
  g_return_val_if_fail (SS_IS_PAYLOAD (self), NULL);
  return self->content;
}

SsLineEnding
ss_payload_get_line_ending (SsPayload *self)
{
  g_return_val_if_fail (SS_IS_PAYLOAD (self), SS_LINE_ENDING_NONE);
  return self->line_ending;
}

/* Never NULL: a payload without a checksum has "none". */
const SsChecksum *
ss_payload_get_checksum (SsPayload *self)
{
  static const SsChecksum none = { SS_CHECKSUM_NONE };

  g_return_val_if_fail (SS_IS_PAYLOAD (self), &none);
  return self->checksum != NULL ? self->checksum : &none;
}

gboolean
ss_payload_get_quick_send (SsPayload *self)
{
  g_return_val_if_fail (SS_IS_PAYLOAD (self), FALSE);
  return self->quick_send;
}

/* The same bytes to send, written the same way; the names (and whether
 * they are buttons) may differ. */
gboolean
ss_payload_equal (SsPayload *a,
                  SsPayload *b)
{
  g_return_val_if_fail (SS_IS_PAYLOAD (a), FALSE);
  g_return_val_if_fail (SS_IS_PAYLOAD (b), FALSE);

  return a->encoding == b->encoding &&
         a->line_ending == b->line_ending &&
         g_str_equal (a->content, b->content) &&
         ss_checksum_equal (ss_payload_get_checksum (a), ss_payload_get_checksum (b));
}

/**
 * ss_payload_to_bytes:
 * @error_start: (out) (optional): on failure, where the mistake starts in
 *   the content (a byte offset)
 * @error_end: (out) (optional): and where it ends
 *
 * Returns: (transfer full) (nullable): the content decoded, its checksum,
 *   then the line ending; %NULL with an SS_ENCODING_ERROR when the content
 *   does not decode, or is a file (SS_ENCODING_ERROR_UNSUPPORTED: the
 *   sender reads it), or an SS_CHECKSUM_ERROR when the checksum's range is
 *   past the end (@error_start and @error_end are then 0)
 */
GBytes *
ss_payload_to_bytes (SsPayload  *self,
                     gsize      *error_start,
                     gsize      *error_end,
                     GError    **error)
{
  g_autoptr(GBytes) decoded = NULL;
  const char *ending;
  gsize ending_len;
  GByteArray *out;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (SS_IS_PAYLOAD (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  decoded = ss_encoding_decode (self->encoding, self->content, -1,
                                error_start, error_end, error);
  if (decoded == NULL)
    return NULL;
  if (self->checksum != NULL)
    {
      GBytes *summed = ss_checksum_apply (self->checksum, decoded, error);

      if (summed == NULL)
        {
          if (error_start != NULL)
            *error_start = 0;
          if (error_end != NULL)
            *error_end = 0;
          return NULL;
        }
      g_bytes_unref (decoded);
      decoded = summed;
    }

  ending = ss_line_ending_get_bytes (self->line_ending);
  ending_len = strlen (ending);
  if (ending_len == 0)
    return g_steal_pointer (&decoded);

  data = g_bytes_get_data (decoded, &len);
  out = g_byte_array_sized_new (len + ending_len);
  g_byte_array_append (out, data, len);
  g_byte_array_append (out, (const guint8 *) ending, ending_len);
  return g_byte_array_free_to_bytes (out);
}
