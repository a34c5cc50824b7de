/* ss-framer-spec.c — how a stream is split into messages, as one line of
 * text: what the Messages popover keeps and the tests write
 *
 *   none
 *   delimiter:ESCAPED        delimiter:\r\n  (text with escapes)
 *   delimiter-hex:HEX        delimiter-hex:7e
 *   fixed:BYTES              fixed:16
 *   length:OPTIONS           length:offset=2,size=2,big,counts-header,adjust=-2
 *   idle:MS                  idle:50
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ss-encoding.h"
#include "ss-escape.h"
#include "ss-framer.h"

static gboolean
fail (GError    **error,
      const char *message)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static gboolean
parse_number (const char *text,
              gint64      min,
              gint64      max,
              gint64     *out)
{
  return g_ascii_string_to_signed (text, 10, min, max, out, NULL);
}

static gboolean
parse_delimiter (const char    *text,
                 SsEncoding     encoding,
                 SsFramerSpec  *spec,
                 GError       **error)
{
  g_autoptr(GBytes) bytes = ss_encoding_decode (encoding, text, -1, NULL, NULL, error);
  gsize len;
  const guint8 *data;

  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    return fail (error, _("The delimiter is empty: give at least one byte"));
  if (len > SS_FRAMER_MAX_DELIMITER)
    return fail (error, _("The delimiter is longer than 64 bytes"));
  memcpy (spec->delimiter, data, len);
  spec->delimiter_len = len;
  return TRUE;
}

static gboolean
parse_length (const char    *text,
              SsFramerSpec  *spec,
              GError       **error)
{
  g_auto(GStrv) options = g_strsplit (text, ",", -1);

  spec->length_size = 2;
  spec->big_endian = TRUE;
  for (guint i = 0; options[i] != NULL; i++)
    {
      const char *option = options[i];
      gint64 value;

      if (*option == '\0')
        continue;
      if (strcmp (option, "big") == 0)
        spec->big_endian = TRUE;
      else if (strcmp (option, "little") == 0)
        spec->big_endian = FALSE;
      else if (strcmp (option, "counts-header") == 0)
        spec->counts_header = TRUE;
      else if (g_str_has_prefix (option, "offset="))
        {
          if (!parse_number (option + 7, 0, SS_FRAMER_MAX_OFFSET, &value))
            return fail (error, _("The length field’s offset must be a number from 0 to 1024"));
          spec->length_offset = value;
        }
      else if (g_str_has_prefix (option, "size="))
        {
          if (!parse_number (option + 5, 1, 4, &value) || value == 3)
            return fail (error, _("The length field’s size must be 1, 2 or 4 bytes"));
          spec->length_size = value;
        }
      else if (g_str_has_prefix (option, "adjust="))
        {
          if (!parse_number (option + 7, -65536, 65536, &value))
            return fail (error, _("The adjustment must be a number from -65536 to 65536"));
          spec->adjustment = value;
        }
      else
        return fail (error, _("Unknown length field option: use offset=, size=, big, little, counts-header or adjust="));
    }
  return TRUE;
}

/**
 * ss_framer_spec_parse:
 * @spec: (out caller-allocates): filled on success
 *
 * Returns: whether @text is a framing spec, with a G_IO_ERROR whose
 *   message says what is wrong when not
 */
gboolean
ss_framer_spec_parse (const char    *text,
                      SsFramerSpec  *spec,
                      GError       **error)
{
  const char *colon;
  g_autofree char *mode = NULL;
  const char *rest;
  gint64 value;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  memset (spec, 0, sizeof *spec);
  colon = strchr (text, ':');
  mode = colon ? g_strndup (text, colon - text) : g_strdup (text);
  rest = colon ? colon + 1 : NULL;

  if (strcmp (mode, "none") == 0 && rest == NULL)
    spec->mode = SS_FRAMING_NONE;
  else if (strcmp (mode, "delimiter") == 0 && rest != NULL)
    {
      spec->mode = SS_FRAMING_DELIMITER;
      return parse_delimiter (rest, SS_ENCODING_ESCAPED, spec, error);
    }
  else if (strcmp (mode, "delimiter-hex") == 0 && rest != NULL)
    {
      spec->mode = SS_FRAMING_DELIMITER;
      return parse_delimiter (rest, SS_ENCODING_HEX, spec, error);
    }
  else if (strcmp (mode, "fixed") == 0 && rest != NULL)
    {
      spec->mode = SS_FRAMING_FIXED;
      if (!parse_number (rest, 1, G_MAXUINT32, &value))
        return fail (error, _("The message length must be a number of bytes, at least 1"));
      spec->fixed_length = value;
    }
  else if (strcmp (mode, "length") == 0 && rest != NULL)
    {
      spec->mode = SS_FRAMING_LENGTH;
      return parse_length (rest, spec, error);
    }
  else if (strcmp (mode, "idle") == 0 && rest != NULL)
    {
      spec->mode = SS_FRAMING_IDLE;
      if (!parse_number (rest, 0, SS_FRAMER_MAX_IDLE_MS, &value))
        return fail (error, _("The idle gap must be a number of milliseconds, up to an hour"));
      spec->idle_ms = value;
    }
  else
    return fail (error, _("Unknown framing: use none, delimiter:, delimiter-hex:, fixed:, length: or idle:"));
  return TRUE;
}

/**
 * ss_framer_spec_to_string:
 *
 * Returns: (transfer full): @spec as ss_framer_spec_parse() reads it
 */
char *
ss_framer_spec_to_string (const SsFramerSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);

  switch (spec->mode)
    {
    case SS_FRAMING_DELIMITER:
      {
        g_autofree char *hex = ss_encoding_encode (SS_ENCODING_HEX, spec->delimiter, spec->delimiter_len);
        g_autofree char *text = ss_escape_bytes (spec->delimiter, spec->delimiter_len, 0, FALSE);

        /* escapes are easier to read, but only hex says what a
         * backslash or a space means without doubt */
        if (strchr (text, ' ') == NULL && strchr (text, ',') == NULL)
          return g_strconcat ("delimiter:", text, NULL);
        return g_strconcat ("delimiter-hex:", hex, NULL);
      }
    case SS_FRAMING_FIXED:
      return g_strdup_printf ("fixed:%u", spec->fixed_length);
    case SS_FRAMING_LENGTH:
      return g_strdup_printf ("length:offset=%u,size=%u,%s%s,adjust=%d",
                              spec->length_offset, spec->length_size,
                              spec->big_endian ? "big" : "little",
                              spec->counts_header ? ",counts-header" : "",
                              spec->adjustment);
    case SS_FRAMING_IDLE:
      return g_strdup_printf ("idle:%u", spec->idle_ms);
    case SS_FRAMING_NONE:
    case SS_N_FRAMINGS:
    default:
      return g_strdup ("none");
    }
}

gboolean
ss_framer_spec_equal (const SsFramerSpec *a,
                      const SsFramerSpec *b)
{
  g_autofree char *text_a = ss_framer_spec_to_string (a);
  g_autofree char *text_b = ss_framer_spec_to_string (b);

  return strcmp (text_a, text_b) == 0;
}
