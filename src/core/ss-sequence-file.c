/* ss-sequence-file.c — send sequences in payloads.ini, in groups of their
 * own after the payloads:
 *
 *   [Sequence 1]
 *   Name=INIT-READ
 *   Step1=send INIT
 *   Step2=expect contains 1000 OK
 *   Step3=wait 200
 *
 * - A group whose name starts with "Sequence " is a sequence; the payload
 *   reader (ss-payload-file.c) passes over them, and this reader over
 *   everything else, so each part of the file is read by its own code.
 * - Name is the sequence's name (missing: none). Step1, Step2, … are its
 *   steps in the text form of ss_step_parse(), in order from 1 with no
 *   gap; a step that does not parse is an error naming the group and key.
 *   Other keys are ignored.
 * - Values use GKeyFile's escapes: \s \n \t \r \\; so an escapes pattern's
 *   backslash is written twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ss-sequence-file.h"

/* No sequence has more steps: a typo'd Step100000 does not make a loop. */
#define MAX_STEPS 10000

gboolean
ss_sequence_file_is_group (const char *group)
{
  return g_str_has_prefix (group, SS_SEQUENCE_GROUP_PREFIX);
}

static SsSequence *
read_sequence (GKeyFile    *keyfile,
               const char  *group,
               const char  *display_name,
               GError     **error)
{
  g_autofree char *name = g_key_file_get_string (keyfile, group, "Name", NULL);
  g_autoptr(SsSequence) sequence = ss_sequence_new (name);

  for (guint i = 1; i <= MAX_STEPS; i++)
    {
      g_autofree char *key = g_strdup_printf ("Step%u", i);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *text = NULL;
      SsStep *step;

      if (!g_key_file_has_key (keyfile, group, key, NULL))
        break;
      text = g_key_file_get_string (keyfile, group, key, &local_error);
      step = text != NULL ? ss_step_parse (text, &local_error) : NULL;
      if (step == NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       /* Translators: a file, a [group], a key, what is wrong */
                       _("“%s”, [%s] %s: %s"), display_name, group, key, local_error->message);
          return NULL;
        }
      ss_sequence_insert_step (sequence, -1, step);
    }
  return g_steal_pointer (&sequence);
}

/**
 * ss_sequence_file_parse:
 * @data: the text of a payload file, which ss_payload_file_parse() read
 *   without error
 *
 * Returns: (transfer full): a GPtrArray of SsSequence, in file order;
 *   %NULL with an error naming the file, group and key
 */
GPtrArray *
ss_sequence_file_parse (const char  *data,
                        gsize        len,
                        const char  *display_name,
                        GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) sequences = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) groups = NULL;

  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL || len == 0)
    return g_steal_pointer (&sequences);
  if (!g_key_file_load_from_data (keyfile, data, len, G_KEY_FILE_NONE, error))
    return NULL;
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      SsSequence *sequence;

      if (!ss_sequence_file_is_group (groups[i]))
        continue;
      sequence = read_sequence (keyfile, groups[i], display_name, error);
      if (sequence == NULL)
        return NULL;
      g_ptr_array_add (sequences, sequence);
    }
  return g_steal_pointer (&sequences);
}

/**
 * ss_sequence_file_serialize:
 * @sequences: of SsSequence
 *
 * Returns: (transfer full): the sequences' groups, to append to what
 *   ss_payload_file_serialize() writes; "" for none
 */
char *
ss_sequence_file_serialize (GPtrArray *sequences)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *text = NULL;

  g_return_val_if_fail (sequences != NULL, NULL);

  if (sequences->len == 0)
    return g_strdup ("");
  for (guint i = 0; i < sequences->len; i++)
    {
      SsSequence *sequence = g_ptr_array_index (sequences, i);
      g_autofree char *group = g_strdup_printf (SS_SEQUENCE_GROUP_PREFIX "%u", i + 1);

      g_key_file_set_string (keyfile, group, "Name", ss_sequence_get_name (sequence));
      for (guint j = 0; j < ss_sequence_get_n_steps (sequence); j++)
        {
          g_autofree char *key = g_strdup_printf ("Step%u", j + 1);
          g_autofree char *step = ss_step_to_string (ss_sequence_get_step (sequence, j));

          g_key_file_set_string (keyfile, group, key, step);
        }
    }
  text = g_key_file_to_data (keyfile, NULL, NULL);
  /* a blank line between the payloads and the first sequence */
  return g_strconcat ("\n", text, NULL);
}
