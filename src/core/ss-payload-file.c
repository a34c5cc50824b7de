/* ss-payload-file.c — a list of payloads as a text file a person can edit:
 * the format of the payload library and the send history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ss-payload-file.h"
#include "ss-sequence-file.h"

/* The file is a GKeyFile (desktop-entry syntax, UTF-8), written like this:
 *
 *   # Sockscope payloads. One group per payload, in order.
 *   [Sockscope Payloads]
 *   Version=1
 *
 *   [Payload 1]
 *   Name=HTTP GET
 *   Encoding=escapes
 *   LineEnding=none
 *   Content=GET / HTTP/1.0\\r\\n\\r\\n
 *
 * - The first group is [Sockscope Payloads]. Version is 1 when missing; a
 *   higher Version is an error, so a newer file is never misread and then
 *   written back without what this version does not know.
 * - Every other group is one payload, in file order. Its name ("Payload
 *   N" when written) is only a label: the payload's name is its Name key
 *   (missing: a payload without a name). Names may repeat in the history;
 *   ss_payload_store_put() keeps them unique in the library.
 * - Encoding is text, escapes, hex, base64 or file (missing: text);
 *   LineEnding is none, lf, cr or crlf (missing: none); Content is
 *   required. Checksum is ss_checksum_parse()'s text form (missing:
 *   none), appended before the line ending; QuickSend=false keeps a
 *   library payload off the quick-send buttons (missing: true). Unknown
 *   keys are ignored, so an older Sockscope reads the file.
 * - Values use the GKeyFile escapes \s \n \t \r \\. The writer doubles
 *   every backslash and writes tabs, line breaks and spaces at either end
 *   as escapes, so that the content comes back byte for byte even through
 *   an editor that strips trailing blanks. The reader keeps a backslash
 *   before any other character as it is (GKeyFile would refuse it), so a
 *   hand-written escapes payload may say \x00 as well as \\x00.
 * - A second group of the same name, or a second key of the same name in
 *   a group, is an error: GKeyFile would merge them, and a payload a
 *   person pasted twice would be lost on the next save.
 */

#define HEADER_GROUP  "Sockscope Payloads"
#define FILE_VERSION  1

#define HEADER_COMMENT \
  " Sockscope payloads. One group per payload, in order.\n" \
  " Encoding: text, escapes, hex, base64 or file. LineEnding: none, lf, cr or crlf.\n" \
  " Checksum: e.g. crc16-modbus,from=1,skip-end=0,order=little (see the README).\n" \
  " In values, \\n \\r \\t \\s (a space) and \\\\ (a backslash) are escapes."

/* --- Reading --------------------------------------------------------- */

static void
set_line_error (GError     **error,
                const char  *display_name,
                guint        line,
                const char  *problem)
{
  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
               /* Translators: a payload file, a line number, what is wrong there */
               _("“%s”, line %u: %s"), display_name, line, problem);
}

static char *
location_key (const char *group,
              const char *key)
{
  return g_strconcat (group, "\n", key, NULL);
}

/* As GKeyFile's g_key_file_is_key_name(): a name, then an optional
 * [locale]. */
static gboolean
is_key_name (const char *key)
{
  const char *p = key;

  while (*p != '\0' && *p != '=' && *p != '[' && *p != ']')
    p = g_utf8_next_char (p);
  if (p == key || key[0] == ' ' || p[-1] == ' ')
    return FALSE;
  if (*p == '[')
    {
      p++;
      while (*p != '\0' &&
             (g_unichar_isalnum (g_utf8_get_char (p)) ||
              *p == '-' || *p == '_' || *p == '.' || *p == '@'))
        p = g_utf8_next_char (p);
      if (*p != ']')
        return FALSE;
      p++;
    }
  return *p == '\0';
}

/* Reads the lines as GKeyFile will, to say on which line a problem is,
 * which GKeyFile does not, and to refuse what it would take silently
 * (repeated groups and keys). Fills @lines with "group" and "group\nkey"
 * → line number. */
static gboolean
scan_lines (const char  *display_name,
            const char  *data,
            gsize        len,
            GHashTable  *lines,
            GError     **error)
{
  g_autofree char *group = NULL;
  const char *end = data + len;
  const char *next;
  guint number = 0;

  for (const char *line = data; line < end; line = next)
    {
      const char *eol = memchr (line, '\n', end - line);
      g_autofree char *text = NULL;
      char *p;

      if (eol == NULL)
        eol = end;
      next = eol + 1;
      number++;
      if (eol > line && eol[-1] == '\r')
        eol--;
      if (!g_utf8_validate_len (line, eol - line, NULL))
        {
          set_line_error (error, display_name, number, _("this line is not UTF-8 text"));
          return FALSE;
        }
      text = g_strndup (line, eol - line);
      p = text;
      while (g_ascii_isspace (*p))
        p++;

      if (*p == '\0' || *p == '#')
        continue;

      if (*p == '[')
        {
          char *close = strchr (p, ']');
          const char *after;
          gpointer first;

          if (close != NULL)
            {
              for (after = close + 1; *after == ' ' || *after == '\t'; after++)
                ;
              if (*after != '\0')
                close = NULL;
            }
          if (close == NULL)
            {
              set_line_error (error, display_name, number,
                              _("a group starts with [ and ends with ]"));
              return FALSE;
            }
          *close = '\0';
          p++;
          if (*p == '\0' || strchr (p, '[') != NULL)
            {
              set_line_error (error, display_name, number, _("this is not a group name"));
              return FALSE;
            }
          for (const char *c = p; *c != '\0'; c++)
            if (g_ascii_iscntrl (*c))
              {
                set_line_error (error, display_name, number, _("this is not a group name"));
                return FALSE;
              }
          if (g_hash_table_lookup_extended (lines, p, NULL, &first))
            {
              g_autofree char *problem =
                g_strdup_printf (_("[%s] is here a second time (first on line %u): "
                                   "give each payload its own group name"),
                                 p, GPOINTER_TO_UINT (first));
              set_line_error (error, display_name, number, problem);
              return FALSE;
            }
          if (group == NULL && strcmp (p, HEADER_GROUP) != 0)
            {
              set_line_error (error, display_name, number,
                              _("the first group must be [Sockscope Payloads]"));
              return FALSE;
            }
          g_free (group);
          group = g_strdup (p);
          g_hash_table_insert (lines, g_strdup (group), GUINT_TO_POINTER (number));
          continue;
        }

      if (*p != '=' && strchr (p, '=') != NULL)
        {
          char *equal = strchr (p, '=');
          g_autofree char *where = NULL;
          gpointer first;

          if (group == NULL)
            {
              set_line_error (error, display_name, number,
                              _("a key=value line before the first [group]"));
              return FALSE;
            }
          while (equal > p && g_ascii_isspace (equal[-1]))
            equal--;
          *equal = '\0';
          if (!is_key_name (p))
            {
              g_autofree char *problem =
                g_strdup_printf (_("“%s” is not a key name"), p);
              set_line_error (error, display_name, number, problem);
              return FALSE;
            }
          where = location_key (group, p);
          if (g_hash_table_lookup_extended (lines, where, NULL, &first))
            {
              g_autofree char *problem =
                g_strdup_printf (_("[%s] has %s a second time (first on line %u)"),
                                 group, p, GPOINTER_TO_UINT (first));
              set_line_error (error, display_name, number, problem);
              return FALSE;
            }
          g_hash_table_insert (lines, g_steal_pointer (&where), GUINT_TO_POINTER (number));
          continue;
        }

      set_line_error (error, display_name, number,
                      _("this line is not a [group], a key=value pair or a # comment"));
      return FALSE;
    }
  return TRUE;
}

/* GKeyFile's string escapes; a backslash before anything else stays. */
static char *
unescape_value (const char *raw)
{
  GString *out = g_string_sized_new (strlen (raw));

  for (const char *p = raw; *p != '\0'; p++)
    {
      char c = *p;

      if (c == '\\')
        {
          switch (p[1])
            {
            case 's': c = ' '; p++; break;
            case 'n': c = '\n'; p++; break;
            case 't': c = '\t'; p++; break;
            case 'r': c = '\r'; p++; break;
            case '\\': p++; break;
            default: break;
            }
        }
      g_string_append_c (out, c);
    }
  return g_string_free (out, FALSE);
}

static guint
line_of (GHashTable *lines,
         const char *group,
         const char *key)
{
  g_autofree char *where = key != NULL ? location_key (group, key) : NULL;

  return GPOINTER_TO_UINT (g_hash_table_lookup (lines, where != NULL ? where : group));
}

/* The value of @key with escapes undone and blanks at the ends dropped,
 * for the keys that hold a word or a number; NULL when missing. */
static char *
dup_word (GKeyFile   *keyfile,
          const char *group,
          const char *key)
{
  g_autofree char *raw = g_key_file_get_value (keyfile, group, key, NULL);

  if (raw == NULL)
    return NULL;
  return g_strstrip (unescape_value (raw));
}

static gboolean
check_version (const char  *display_name,
               GKeyFile    *keyfile,
               GHashTable  *lines,
               GError     **error)
{
  g_autofree char *version = dup_word (keyfile, HEADER_GROUP, "Version");
  guint64 number;

  if (version == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (version, 10, 1, G_MAXUINT, &number, NULL))
    {
      g_autofree char *problem =
        g_strdup_printf (_("Version “%s” is not a version number"), version);
      set_line_error (error, display_name, line_of (lines, HEADER_GROUP, "Version"), problem);
      return FALSE;
    }
  if (number > FILE_VERSION)
    {
      g_autofree char *problem =
        g_strdup_printf (_("Version %s is from a newer Sockscope; this one reads Version %d"),
                         version, FILE_VERSION);
      set_line_error (error, display_name, line_of (lines, HEADER_GROUP, "Version"), problem);
      return FALSE;
    }
  return TRUE;
}

static SsPayload *
read_payload (const char  *display_name,
              GKeyFile    *keyfile,
              GHashTable  *lines,
              const char  *group,
              GError     **error)
{
  g_autofree char *raw_name = g_key_file_get_value (keyfile, group, "Name", NULL);
  g_autofree char *raw_content = g_key_file_get_value (keyfile, group, "Content", NULL);
  g_autofree char *encoding_name = dup_word (keyfile, group, "Encoding");
  g_autofree char *ending_name = dup_word (keyfile, group, "LineEnding");
  g_autofree char *checksum_text = dup_word (keyfile, group, "Checksum");
  g_autofree char *quick_send_word = dup_word (keyfile, group, "QuickSend");
  g_autoptr(SsChecksum) checksum = NULL;
  g_autoptr(GError) checksum_error = NULL;
  gboolean quick_send = TRUE;
  g_autofree char *encoding_word = encoding_name ? g_ascii_strdown (encoding_name, -1) : NULL;
  g_autofree char *ending_word = ending_name ? g_ascii_strdown (ending_name, -1) : NULL;
  g_autofree char *name = NULL;
  g_autofree char *content = NULL;
  SsEncoding encoding = SS_ENCODING_TEXT;
  SsLineEnding ending = SS_LINE_ENDING_NONE;

  if (raw_content == NULL)
    {
      g_autofree char *problem = g_strdup_printf (_("[%s] has no Content"), group);
      set_line_error (error, display_name, line_of (lines, group, NULL), problem);
      return NULL;
    }
  if (encoding_word != NULL && !ss_encoding_from_string (encoding_word, &encoding))
    {
      g_autofree char *problem =
        g_strdup_printf (_("[%s] has an unknown Encoding “%s” "
                           "(text, escapes, hex, base64 or file)"),
                         group, encoding_name);
      set_line_error (error, display_name, line_of (lines, group, "Encoding"), problem);
      return NULL;
    }
  if (ending_word != NULL && !ss_line_ending_from_string (ending_word, &ending))
    {
      g_autofree char *problem =
        g_strdup_printf (_("[%s] has an unknown LineEnding “%s” (none, lf, cr or crlf)"),
                         group, ending_name);
      set_line_error (error, display_name, line_of (lines, group, "LineEnding"), problem);
      return NULL;
    }

  if (checksum_text != NULL && (checksum = ss_checksum_parse (checksum_text, &checksum_error)) == NULL)
    {
      g_autofree char *problem = g_strdup_printf ("[%s] %s", group, checksum_error->message);
      set_line_error (error, display_name, line_of (lines, group, "Checksum"), problem);
      return NULL;
    }
  if (quick_send_word != NULL)
    {
      if (g_ascii_strcasecmp (quick_send_word, "false") == 0)
        quick_send = FALSE;
      else if (g_ascii_strcasecmp (quick_send_word, "true") != 0)
        {
          g_autofree char *problem = g_strdup_printf (_("[%s] has QuickSend “%s”: it is true or false"),
                                                      group, quick_send_word);
          set_line_error (error, display_name, line_of (lines, group, "QuickSend"), problem);
          return NULL;
        }
    }

  if (raw_name != NULL)
    name = unescape_value (raw_name);
  content = unescape_value (raw_content);
  return ss_payload_new_full (name, encoding, content, ending, checksum, quick_send);
}

/**
 * ss_payload_file_parse:
 * @data: the text of a payload file; need not end with a NUL
 * @display_name: what to call the file in an error message, e.g. from
 *   g_filename_display_name()
 *
 * Returns: (transfer full): the payloads in @data, in order; %NULL with a
 *   G_KEY_FILE_ERROR naming @display_name and the line when anything is
 *   wrong
 */
GPtrArray *
ss_payload_file_parse (const char  *data,
                       gsize        len,
                       const char  *display_name,
                       GError     **error)
{
  g_autoptr(GHashTable) lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* no text at all: scan_lines() does no arithmetic on NULL */
  if (data == NULL)
    data = "";
  if (!scan_lines (display_name, data, len, lines, error))
    return NULL;
  if (!g_key_file_load_from_data (keyfile, data, len, G_KEY_FILE_NONE, &local_error))
    {
      /* what scan_lines() did not foresee: no line to show */
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
                   _("“%s” is not a payload file: %s"), display_name, local_error->message);
      return NULL;
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      SsPayload *payload;

      if (i == 0)
        {
          g_assert (g_str_equal (groups[i], HEADER_GROUP));
          if (!check_version (display_name, keyfile, lines, error))
            return NULL;
          continue;
        }
      if (ss_sequence_file_is_group (groups[i]))
        continue;
      payload = read_payload (display_name, keyfile, lines, groups[i], error);
      if (payload == NULL)
        return NULL;
      g_ptr_array_add (payloads, payload);
    }
  return g_steal_pointer (&payloads);
}

/**
 * ss_payload_file_read:
 * @missing: (out) (optional): when not %NULL, a missing file is no error
 *   but an empty list, and this says whether the file was missing
 *
 * Returns: (transfer full): the payloads in @path, in order; %NULL with an
 *   error naming the file (and the line) when it cannot be read or parsed
 */
GPtrArray *
ss_payload_file_read (const char  *path,
                      gboolean    *missing,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *display = NULL;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (missing != NULL)
    *missing = FALSE;
  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      if (missing != NULL && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          *missing = TRUE;
          return g_ptr_array_new_with_free_func (g_object_unref);
        }
      /* GLib's message names the file */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  display = g_filename_display_name (path);
  return ss_payload_file_parse (data, len, display, error);
}

/* --- Writing --------------------------------------------------------- */

/* The inverse of unescape_value(), with spaces at either end escaped and
 * every tab, so that no line of the file starts or ends with a blank. */
static char *
escape_value (const char *text)
{
  gsize len = strlen (text);
  gsize lead = strspn (text, " ");
  gsize trail = len;
  GString *out = g_string_sized_new (len + len / 16 + 8);

  while (trail > lead && text[trail - 1] == ' ')
    trail--;
  for (gsize i = 0; i < len; i++)
    {
      switch (text[i])
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case ' ':
          if (i < lead || i >= trail)
            g_string_append (out, "\\s");
          else
            g_string_append_c (out, ' ');
          break;
        default:
          g_string_append_c (out, text[i]);
        }
    }
  return g_string_free (out, FALSE);
}

/**
 * ss_payload_file_serialize:
 * @payloads: of SsPayload, each with a UTF-8 name and content
 * @len: (out) (optional): the length of the text
 *
 * Returns: (transfer full): the text of a payload file that holds
 *   @payloads, for ss_payload_file_parse()
 */
char *
ss_payload_file_serialize (GPtrArray *payloads,
                           gsize     *len)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  g_return_val_if_fail (payloads != NULL, NULL);

  g_key_file_set_integer (keyfile, HEADER_GROUP, "Version", FILE_VERSION);
  g_key_file_set_comment (keyfile, NULL, NULL, HEADER_COMMENT, NULL);
  for (guint i = 0; i < payloads->len; i++)
    {
      SsPayload *payload = g_ptr_array_index (payloads, i);
      g_autofree char *group = g_strdup_printf ("Payload %u", i + 1);
      const char *name = ss_payload_get_name (payload);
      g_autofree char *content = escape_value (ss_payload_get_content (payload));

      if (name != NULL)
        {
          g_autofree char *value = escape_value (name);

          g_key_file_set_value (keyfile, group, "Name", value);
        }
      g_key_file_set_value (keyfile, group, "Encoding",
                            ss_encoding_to_string (ss_payload_get_encoding (payload)));
      g_key_file_set_value (keyfile, group, "LineEnding",
                            ss_line_ending_to_string (ss_payload_get_line_ending (payload)));
      /* only what differs from the defaults: a history stays as it was */
      if (!ss_checksum_is_none (ss_payload_get_checksum (payload)))
        {
          g_autofree char *checksum = ss_checksum_to_string (ss_payload_get_checksum (payload));

          g_key_file_set_value (keyfile, group, "Checksum", checksum);
        }
      if (!ss_payload_get_quick_send (payload))
        g_key_file_set_value (keyfile, group, "QuickSend", "false");
      g_key_file_set_value (keyfile, group, "Content", content);
    }
  return g_key_file_to_data (keyfile, len, NULL);
}


/**
 * ss_payload_file_write:
 * @payloads: of SsPayload, as for ss_payload_file_serialize()
 * @mode: the new file's permissions, e.g. 0600
 *
 * Writes @payloads to @path atomically. The folder must exist.
 */
gboolean
ss_payload_file_write (const char  *path,
                       GPtrArray   *payloads,
                       int          mode,
                       GError     **error)
{
  g_autofree char *data = NULL;
  gsize len;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (payloads != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = ss_payload_file_serialize (payloads, &len);
  /* a new file renamed over the old one: never half written */
  return g_file_set_contents_full (path, data, len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, mode, error);
}
