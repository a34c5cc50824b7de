/* test-hostile-util.c — what the hostile-peer tests share: descriptor
 * counts, the main context's poll set, and checks on what a log shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test-hostile-util.h"

void
ss_hostile_pair_init (SsHostilePair *pair,
                      int            family,
                      int            rcvbuf)
{
  pair->session = ss_session_new ();
  pair->client = ss_test_raw_pair (pair->session, family, rcvbuf, &pair->listener, &pair->peer);
}

void
ss_hostile_pair_finish (SsHostilePair *pair)
{
  if (pair->peer >= 0)
    close (pair->peer);
  close (pair->listener);
  ss_test_finalize_session (pair->session, pair->client, NULL);
}

guint8 *
ss_hostile_pattern (gsize   len,
                    guint32 seed)
{
  guint8 *data = g_malloc (MAX (len, 1));
  guint32 state = seed;

  for (gsize i = 0; i < len; i++)
    {
      state = state * 1103515245 + 12345;
      data[i] = state >> 24;
    }
  return data;
}

/* Whether @fd is in an epoll set of this process with something asked
 * for: the kernel lists each set's descriptors in /proc/self/fdinfo
 * ("tfd: 12 events: 19 …"), and the sockets' poller is the only epoll
 * set here. One descriptor is open at a time, for a test near its
 * limit. */
gboolean
ss_hostile_fd_is_polled (int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *tfd = g_strdup_printf ("tfd: %8d ", fd);
  GDir *dir = g_dir_open ("/proc/self/fd", 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link_path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (link_path, NULL);

      if (g_strcmp0 (target, "anon_inode:[eventpoll]") == 0)
        g_ptr_array_add (sets, g_build_filename ("/proc/self/fdinfo", name, NULL));
    }
  g_dir_close (dir);

  for (guint i = 0; i < sets->len; i++)
    {
      g_autofree char *info = NULL;
      g_auto(GStrv) lines = NULL;

      g_assert_true (g_file_get_contents (g_ptr_array_index (sets, i), &info, NULL, NULL));
      lines = g_strsplit (info, "\n", -1);
      for (guint j = 0; lines[j] != NULL; j++)
        if (g_str_has_prefix (lines[j], tfd))
          return TRUE;
    }
  return FALSE;
}

guint
ss_hostile_drain (guint max)
{
  guint n = 0;

  while (n < max && g_main_context_iteration (NULL, FALSE))
    n++;
  return n;
}

/* The inverse of ss_escape_bytes (keep_newlines FALSE, no limit). */
static GBytes *
unescape (const char *text)
{
  GByteArray *out = g_byte_array_new ();
  const char *p = text;

  while (*p != '\0')
    {
      guint8 byte;

      if (*p != '\\')
        {
          g_byte_array_append (out, (const guint8 *) p, 1);
          p++;
          continue;
        }
      switch (p[1])
        {
        case '0': byte = '\0'; p += 2; break;
        case 't': byte = '\t'; p += 2; break;
        case 'r': byte = '\r'; p += 2; break;
        case 'n': byte = '\n'; p += 2; break;
        case '\\': byte = '\\'; p += 2; break;
        case 'x':
          g_assert_true (g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]));
          byte = g_ascii_xdigit_value (p[2]) * 16 + g_ascii_xdigit_value (p[3]);
          p += 4;
          break;
        default:
          g_error ("unknown escape “\\%c” in an entry's text", p[1]);
        }
      g_byte_array_append (out, &byte, 1);
    }
  return g_byte_array_free_to_bytes (out);
}

static void
assert_displayable (const char *text)
{
  const char *end = NULL;

  if (!g_utf8_validate (text, -1, &end))
    g_error ("an entry's text is not valid UTF-8 at byte %" G_GSIZE_FORMAT,
             (gsize) (end - text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* raw control characters would reach the terminal or GTK: ESC
       * starts a terminal escape sequence, U+009B (CSI) is one too */
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_error ("an entry's text holds the control character U+%04X", c);
    }
}

void
ss_hostile_assert_text_safe (SsSocket *socket,
                             gsize     cut)
{
  GListModel *traffic = G_LIST_MODEL (ss_socket_get_traffic (socket));
  guint n = g_list_model_get_n_items (traffic);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (traffic, i);
      GBytes *bytes = ss_traffic_entry_get_bytes (entry);
      g_autofree char *text = ss_traffic_entry_dup_text (entry, 0);
      g_autofree char *cut_text = ss_traffic_entry_dup_text (entry, cut);

      assert_displayable (text);
      assert_displayable (cut_text);
      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_EVENT)
        {
          g_autoptr(GBytes) back = unescape (text);

          g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back),
                           g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
        }
    }
}

guint64
ss_hostile_count_not_sent (SsSocket *socket)
{
  g_autoptr(GPtrArray) events = ss_test_dup_events (socket);
  guint64 total = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const char *text = g_ptr_array_index (events, i);

      if (strstr (text, " not sent") != NULL)
        total += g_ascii_strtoull (text, NULL, 10);
    }
  return total;
}

guint
ss_hostile_count_entries (SsSocket      *socket,
                          SsTrafficKind  kind,
                          guint         *n_empty)
{
  GListModel *traffic = G_LIST_MODEL (ss_socket_get_traffic (socket));
  guint n = g_list_model_get_n_items (traffic);
  guint count = 0;

  if (n_empty != NULL)
    *n_empty = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (traffic, i);

      if (ss_traffic_entry_get_kind (entry) != kind)
        continue;
      count++;
      if (n_empty != NULL && ss_traffic_entry_get_length (entry) == 0)
        (*n_empty)++;
    }
  return count;
}
