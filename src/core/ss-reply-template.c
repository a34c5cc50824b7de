/* ss-reply-template.c — a regex rule's reply: its text cut at the
 * references to capture groups, put together again for each match
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "ss-reply-template.h"

/* A regex rule's reply, cut at its references: literal bytes, or the
 * bytes a capture group matched. */
typedef struct
{
  GBytes *literal;   /* NULL for a group */
  int     group;
} Piece;

struct _SsReplyTemplate
{
  GArray *pieces;    /* of Piece */
};

static void
piece_clear (gpointer data)
{
  Piece *piece = data;

  g_clear_pointer (&piece->literal, g_bytes_unref);
}

/* Literal text of a regex rule's reply, decoded as the reply says. */
static gboolean
add_literal (GArray      *pieces,
             SsEncoding   encoding,
             GString     *text,
             GError     **error)
{
  Piece piece = { NULL, -1 };

  if (text->len == 0)
    return TRUE;
  piece.literal = ss_encoding_decode (encoding, text->str, text->len, NULL, NULL, error);
  if (piece.literal == NULL)
    return FALSE;
  g_array_append_val (pieces, piece);
  g_string_truncate (text, 0);
  return TRUE;
}

static gboolean
add_group (GArray      *pieces,
           GRegex      *regex,
           int          group,
           GError     **error)
{
  int count = g_regex_get_capture_count (regex);
  Piece piece = { NULL, group };

  if (group > count)
    {
      if (count == 0)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("The reply uses group %d, but the regular expression has no groups (write “$$” for a “$”)"),
                     group);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The reply uses group %d, but the regular expression has only %d group",
                                  "The reply uses group %d, but the regular expression has only %d groups",
                                  count),
                     group, count);
      return FALSE;
    }
  g_array_append_val (pieces, piece);
  return TRUE;
}

/**
 * ss_reply_template_new:
 * @regex: the rule's regular expression, for its groups
 * @encoding: how the literal text is written (not %SS_ENCODING_FILE)
 * @text: the reply as typed
 *
 * Cuts @text at "$0".."$99" and "${name}"; "$$" is a "$", and a "$"
 * before anything else is itself. Each literal run is decoded on its own,
 * so a reference may stand between hex bytes or escapes.
 *
 * Returns: (transfer full) (nullable): the template; %NULL with an
 *   SS_ENCODING_ERROR when a literal run does not decode, or a
 *   G_IO_ERROR_INVALID_ARGUMENT when a reference is not to a group of
 *   @regex
 */
SsReplyTemplate *
ss_reply_template_new (GRegex      *regex,
                       SsEncoding   encoding,
                       const char  *text,
                       GError     **error)
{
  g_autoptr(GArray) pieces = NULL;
  g_autoptr(GString) literal = NULL;
  const char *p = text;
  SsReplyTemplate *self;

  g_return_val_if_fail (regex != NULL, NULL);
  g_return_val_if_fail (encoding < SS_N_ENCODINGS, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  literal = g_string_new (NULL);
  g_array_set_clear_func (pieces, piece_clear);

  while (*p != '\0')
    {
      if (p[0] != '$' || (p[1] != '$' && p[1] != '{' && !g_ascii_isdigit (p[1])))
        {
          g_string_append_c (literal, *p++);
          continue;
        }

      if (p[1] == '$')
        {
          g_string_append_c (literal, '$');
          p += 2;
          continue;
        }

      if (!add_literal (pieces, encoding, literal, error))
        return NULL;

      if (g_ascii_isdigit (p[1]))
        {
          int group = p[1] - '0';

          p += 2;
          if (g_ascii_isdigit (*p))
            group = group * 10 + (*p++ - '0');
          if (!add_group (pieces, regex, group, error))
            return NULL;
        }
      else
        {
          const char *end = strchr (p + 2, '}');
          g_autofree char *name = NULL;
          int group;

          if (end == NULL)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("The reply has a “${” without its “}”"));
              return NULL;
            }
          name = g_strndup (p + 2, end - (p + 2));
          p = end + 1;
          if (name[0] == '\0')
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("The reply has “${}” without a group name"));
              return NULL;
            }
          if (strspn (name, "0123456789") == strlen (name))
            group = strlen (name) > 4 ? G_MAXINT : atoi (name);
          else
            {
              group = g_regex_get_string_number (regex, name);
              if (group < 0)
                {
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The reply uses the group “%s”, but the regular expression has no group of that name"),
                               name);
                  return NULL;
                }
            }
          if (!add_group (pieces, regex, group, error))
            return NULL;
        }
    }
  if (!add_literal (pieces, encoding, literal, error))
    return NULL;

  self = g_new0 (SsReplyTemplate, 1);
  self->pieces = g_steal_pointer (&pieces);
  return self;
}

void
ss_reply_template_free (SsReplyTemplate *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->pieces);
  g_free (self);
}

/**
 * ss_reply_template_expand:
 * @data: the received chunk that @match_info matched
 * @match_info: a match of the template's regex
 * @out: where the reply's bytes are appended
 *
 * Puts the template together for one match: a group that took no part in
 * the match is empty.
 */
void
ss_reply_template_expand (SsReplyTemplate *self,
                          const guint8    *data,
                          GMatchInfo      *match_info,
                          GByteArray      *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (match_info != NULL);
  g_return_if_fail (out != NULL);

  for (guint i = 0; i < self->pieces->len; i++)
    {
      const Piece *piece = &g_array_index (self->pieces, Piece, i);
      int start, end;

      if (piece->literal != NULL)
        g_byte_array_append (out, g_bytes_get_data (piece->literal, NULL),
                             g_bytes_get_size (piece->literal));
      else if (g_match_info_fetch_pos (match_info, piece->group, &start, &end) &&
               start >= 0 && end > start)
        g_byte_array_append (out, data + start, end - start);
    }
}

