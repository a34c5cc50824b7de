/* test-traffic-export.c — a traffic log saved in each format and read
 * back (pcapng by tshark), atomically; finding in and clearing a log;
 * --record on a listener and on a connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ss-spec.h"
#include "ss-test-process.h"
#include "ss-test-socket.h"
#include "ss-traffic-export.h"
#include "ss-traffic-log.h"

#define ALL_KINDS (1u << SS_TRAFFIC_RECEIVED | 1u << SS_TRAFFIC_SENT | 1u << SS_TRAFFIC_EVENT)
#define R         (1u << SS_TRAFFIC_RECEIVED)
#define S         (1u << SS_TRAFFIC_SENT)
#define E         (1u << SS_TRAFFIC_EVENT)
#define NONE      G_MAXUINT

/* ------------------------------------------------------------------ */
/* files                                                               */

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sockscope-export-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);

  ss_test_remove_tree (file);
}

static void
assert_file_is (const char *path,
                const void *expected,
                gsize       expected_len)
{
  g_autoptr(GBytes) contents = ss_test_read_file (path);

  g_assert_cmpmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents),
                   expected, expected_len);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The names in @dir, sorted, joined by spaces: "a b .c.XXXXXX" */
static char *
list_dir (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) handle = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

#define assert_dir_holds(dir, expected) \
  G_STMT_START { \
    g_autofree char *names_ = list_dir (dir); \
    g_assert_cmpstr (names_, ==, (expected)); \
  } G_STMT_END

/* ------------------------------------------------------------------ */
/* a connected pair with known traffic                                 */

/* Text, invalid UTF-8, NUL, control bytes and newlines, and what a
 * transcript shows for each: UTF-8 kept, the rest as C escapes, a
 * newline escaped and kept as a line break. */
typedef struct
{
  SsTrafficKind  kind;
  const char    *data;
  gsize          len;
  const char    *escaped;
} Chunk;

#define CHUNK(kind, literal, escaped) { kind, literal, sizeof literal - 1, escaped }

static const Chunk chunks[] = {
  CHUNK (SS_TRAFFIC_SENT, "hello\n", "hello\\n\n"),
  CHUNK (SS_TRAFFIC_RECEIVED, "ok \xff\xfe\x80 bad", "ok \\xff\\xfe\\x80 bad"),
  CHUNK (SS_TRAFFIC_SENT, "nul\0byte\0", "nul\\0byte\\0"),
  CHUNK (SS_TRAFFIC_RECEIVED, "\x01\x1b[31m\x7f\t\r\n", "\\x01\\x1b[31m\\x7f\\t\\r\\n\n"),
  CHUNK (SS_TRAFFIC_SENT, "caf\xc3\xa9 \xe2\x86\x92 \\ end", "caf\xc3\xa9 \xe2\x86\x92 \\\\ end"),
  CHUNK (SS_TRAFFIC_RECEIVED, "two\nlines\n", "two\\n\nlines\\n\n"),
  CHUNK (SS_TRAFFIC_SENT, "\0", "\\0"),
};

typedef struct
{
  SsSession *session;
  SsSocket  *client;
  int        listener;
  int        peer;
} Pair;

/* A TCP client of Sockscope connected to a raw peer of the test. */
static void
pair_open (Pair *pair)
{
  pair->session = ss_session_new ();
  pair->client = ss_test_raw_pair (pair->session, AF_INET, 0, &pair->listener, &pair->peer);
}

static void
pair_close (Pair *pair)
{
  g_assert_no_errno (close (pair->peer));
  g_assert_no_errno (close (pair->listener));
  ss_test_finalize_session (pair->session, pair->client, NULL);
}

/* One chunk, one entry: each is through before the next starts. */
static void
pair_exchange (Pair          *pair,
               SsTrafficKind  kind,
               const void    *data,
               gsize          len)
{
  if (kind == SS_TRAFFIC_SENT)
    {
      g_autoptr(GBytes) got = NULL;
      guint64 out = ss_socket_get_bytes_out (pair->client);

      ss_test_send_ok (pair->client, data, len);
      got = ss_test_raw_recv (pair->peer, len, FALSE, SS_TEST_TIMEOUT_MS);
      g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), data, len);
      g_assert_cmpuint (ss_socket_get_bytes_out (pair->client), ==, out + len);
    }
  else
    {
      guint64 in = ss_socket_get_bytes_in (pair->client);

      ss_test_raw_send_all (pair->peer, data, len, SS_TEST_TIMEOUT_MS);
      ss_test_wait_bytes_in (pair->client, in + len);
    }
}

static GBytes *
stream_of (SsTrafficKind kind)
{
  GByteArray *all = g_byte_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    if (chunks[i].kind == kind)
      g_byte_array_append (all, (const guint8 *) chunks[i].data, chunks[i].len);
  return g_byte_array_free_to_bytes (all);
}

static void
save_ok (SsSocket       *socket,
         SsExportFormat  format,
         const char     *path,
         guint64         expected_missing)
{
  g_autoptr(GError) error = NULL;
  guint64 missing = G_MAXUINT64;

  g_assert_true (ss_socket_save_traffic (socket, format, path, &missing, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (missing, ==, expected_missing);
}

/* "2024-05-01 12:34:56.123456  " then @rest, exactly */
static gboolean
is_heading (const char *line,
            const char *rest)
{
  return g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}  ", line, 0, 0) &&
         g_str_equal (line + strlen ("2024-05-01 12:34:56.123456  "), rest);
}

static char *
expected_heading (SsTrafficEntry *entry)
{
  gsize len = ss_traffic_entry_get_length (entry);

  switch (ss_traffic_entry_get_kind (entry))
    {
    case SS_TRAFFIC_RECEIVED:
      return g_strdup_printf ("<<< received %" G_GSIZE_FORMAT, len);
    case SS_TRAFFIC_SENT:
      return g_strdup_printf (">>> sent %" G_GSIZE_FORMAT, len);
    case SS_TRAFFIC_EVENT:
    default:
      {
        g_autofree char *text = ss_traffic_entry_dup_text (entry, 0);

        return g_strdup_printf ("--- %s", text);
      }
    }
}

/* `hexdump -C`: "00000000  68 65 6c 6c 6f 0a  ..." with a gap after the
 * eighth byte, then the length alone */
static char *
expected_hex_lines (const guint8 *data,
                    gsize         len)
{
  GString *out = g_string_new (NULL);

  for (gsize line = 0; line < len; line += 16)
    {
      g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x  ", line);
      for (gsize i = line; i < MIN (line + 16, len); i++)
        g_string_append_printf (out, "%02x %s", data[i], i - line == 7 ? " " : "");
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x", len);
  return g_string_free (out, FALSE);
}

static void
test_formats (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *transcript_path = g_build_filename (dir, "log.txt", NULL);
  g_autofree char *hex_path = g_build_filename (dir, "log.hex", NULL);
  g_autofree char *received_path = g_build_filename (dir, "received.bin", NULL);
  g_autofree char *sent_path = g_build_filename (dir, "sent.bin", NULL);
  g_autofree char *pcapng_path = g_build_filename (dir, "log.pcapng", NULL);
  g_autoptr(GBytes) received = stream_of (SS_TRAFFIC_RECEIVED);
  g_autoptr(GBytes) sent = stream_of (SS_TRAFFIC_SENT);
  g_autoptr(GBytes) transcript = NULL;
  g_autoptr(GBytes) hex = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) hex_lines = NULL;
  GListModel *model;
  guint line = 0, hex_line = 0, chunk = 0;
  Pair pair;

  pair_open (&pair);
  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    pair_exchange (&pair, chunks[i].kind, chunks[i].data, chunks[i].len);
  model = G_LIST_MODEL (ss_socket_get_traffic (pair.client));

  save_ok (pair.client, SS_EXPORT_RAW_RECEIVED, received_path, 0);
  save_ok (pair.client, SS_EXPORT_RAW_SENT, sent_path, 0);
  save_ok (pair.client, SS_EXPORT_TRANSCRIPT, transcript_path, 0);
  save_ok (pair.client, SS_EXPORT_HEX_DUMP, hex_path, 0);
  save_ok (pair.client, SS_EXPORT_PCAPNG, pcapng_path, 0);
  assert_dir_holds (dir, "log.hex log.pcapng log.txt received.bin sent.bin");

  /* raw: exactly the bytes of one direction */
  assert_file_is (received_path, g_bytes_get_data (received, NULL), g_bytes_get_size (received));
  assert_file_is (sent_path, g_bytes_get_data (sent, NULL), g_bytes_get_size (sent));

  /* transcript: every entry in order, a heading and the escaped text;
   * valid UTF-8 with no control byte but the line breaks */
  transcript = ss_test_read_file (transcript_path);
  g_assert_true (g_utf8_validate (g_bytes_get_data (transcript, NULL), g_bytes_get_size (transcript), NULL));
  for (gsize i = 0; i < g_bytes_get_size (transcript); i++)
    {
      guint8 byte = ((const guint8 *) g_bytes_get_data (transcript, NULL))[i];

      if (byte != '\n')
        g_assert_cmpuint (byte, >=, 0x20);
    }
  lines = g_strsplit (g_bytes_get_data (transcript, NULL), "\n", -1);

  /* hex dump: the same headings, each chunk's bytes in hex */
  hex = ss_test_read_file (hex_path);
  g_assert_true (g_utf8_validate (g_bytes_get_data (hex, NULL), g_bytes_get_size (hex), NULL));
  hex_lines = g_strsplit (g_bytes_get_data (hex, NULL), "\n", -1);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, i);
      g_autofree char *heading = expected_heading (entry);
      SsTrafficKind kind = ss_traffic_entry_get_kind (entry);

      g_assert_nonnull (lines[line]);
      if (!is_heading (lines[line], heading))
        g_error ("transcript line %u is “%s”, not the heading “%s”", line, lines[line], heading);
      g_assert_true (is_heading (hex_lines[hex_line], heading));
      line++;
      hex_line++;
      if (kind == SS_TRAFFIC_EVENT)
        continue;

      g_assert_cmpuint (chunk, <, G_N_ELEMENTS (chunks));
      g_assert_cmpint (kind, ==, chunks[chunk].kind);
      g_assert_cmpuint (ss_traffic_entry_get_length (entry), ==, chunks[chunk].len);
      {
        /* the body's lines, up to the blank line closing the entry */
        g_auto(GStrv) body = g_strsplit (chunks[chunk].escaped, "\n", -1);
        g_autofree char *want_hex = expected_hex_lines ((const guint8 *) chunks[chunk].data,
                                                        chunks[chunk].len);
        g_auto(GStrv) want_hex_lines = g_strsplit (want_hex, "\n", -1);

        for (guint j = 0; body[j] != NULL; j++)
          g_assert_cmpstr (lines[line++], ==, body[j]);
        g_assert_cmpstr (lines[line++], ==, "");
        for (guint j = 0; want_hex_lines[j] != NULL; j++)
          {
            const char *got = hex_lines[hex_line++];

            g_assert_nonnull (got);
            if (!g_str_has_prefix (got, want_hex_lines[j]))
              g_error ("hex dump line “%s” does not start with “%s”", got, want_hex_lines[j]);
          }
        g_assert_cmpstr (hex_lines[hex_line++], ==, "");
        g_assert_cmpstr (hex_lines[hex_line++], ==, "");
      }
      chunk++;
    }
  g_assert_cmpuint (chunk, ==, G_N_ELEMENTS (chunks));
  /* nothing after the last entry but the end of the file */
  g_assert_cmpstr (lines[line], ==, "");
  g_assert_null (lines[line + 1]);
  g_assert_cmpstr (hex_lines[hex_line], ==, "");
  g_assert_null (hex_lines[hex_line + 1]);

  /* pcapng: tshark follows both directions; the client spoke first */
  if (ss_test_have_tshark ())
    {
      SsTestFollow follow = { 0 };
      g_autoptr(GBytes) node0 = NULL;
      g_autoptr(GBytes) node1 = NULL;

      ss_test_tshark_follow (pcapng_path, "tcp", &follow);
      g_assert_cmpstr (follow.node0, ==, ss_socket_get_local_address (pair.client));
      node0 = ss_test_follow_concat (&follow, 0);
      node1 = ss_test_follow_concat (&follow, 1);
      g_assert_true (g_bytes_equal (node0, sent));
      g_assert_true (g_bytes_equal (node1, received));
      ss_test_follow_clear (&follow);
    }

  pair_close (&pair);
  remove_dir (dir);
}

/* An unconnected datagram socket's peer is its last sender; a connected
 * one's is its peer. Each datagram is one packet. */
static void
test_datagram_pcapng (void)
{
  SsSession *session = ss_session_new ();
  SsSocket *a = ss_test_create (session, AF_INET, SOCK_DGRAM);
  SsSocket *b = ss_test_create (session, AF_INET, SOCK_DGRAM);
  static const Chunk a_to_b[] = {
    CHUNK (SS_TRAFFIC_SENT, "one\0\xff", NULL),
    CHUNK (SS_TRAFFIC_SENT, "two\r\n", NULL),
  };
  static const Chunk b_to_a[] = {
    CHUNK (SS_TRAFFIC_SENT, "\x01\x02\x03", NULL),
  };
  g_autofree char *dir = make_dir ();
  g_autofree char *a_path = g_build_filename (dir, "a.pcapng", NULL);
  g_autofree char *b_path = g_build_filename (dir, "b.pcapng", NULL);
  g_autofree char *b_received = g_build_filename (dir, "b.bin", NULL);
  g_autoptr(SsAddress) a_address = NULL;
  g_autoptr(GError) error = NULL;
  guint64 total = 0;

  ss_test_bind_ok (a, "127.0.0.1:0");
  ss_test_bind_ok (b, "127.0.0.1:0");
  ss_test_connect_ok (a, ss_socket_get_local_address (b));
  a_address = ss_address_parse_numeric (ss_socket_get_local_address (a), AF_INET, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (a_to_b); i++)
    {
      ss_test_send_ok (a, a_to_b[i].data, a_to_b[i].len);
      total += a_to_b[i].len;
      ss_test_wait_bytes_in (b, total);
    }
  for (guint i = 0; i < G_N_ELEMENTS (b_to_a); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (b_to_a[i].data, b_to_a[i].len);

      g_assert_cmpint (ss_socket_send_once (b, bytes, a_address, &error), ==, b_to_a[i].len);
      g_assert_no_error (error);
      ss_test_wait_bytes_in (a, b_to_a[i].len);
    }

  save_ok (a, SS_EXPORT_PCAPNG, a_path, 0);
  save_ok (b, SS_EXPORT_PCAPNG, b_path, 0);
  save_ok (b, SS_EXPORT_RAW_RECEIVED, b_received, 0);
  {
    GByteArray *all = g_byte_array_new ();
    g_autoptr(GBytes) want = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (a_to_b); i++)
      g_byte_array_append (all, (const guint8 *) a_to_b[i].data, a_to_b[i].len);
    want = g_byte_array_free_to_bytes (all);
    assert_file_is (b_received, g_bytes_get_data (want, NULL), g_bytes_get_size (want));
  }

  if (ss_test_have_tshark ())
    {
      const char *paths[] = { a_path, b_path };

      for (guint s = 0; s < 2; s++)
        {
          /* each file from its socket's side: what it sent is node 0 */
          const Chunk *mine = s == 0 ? a_to_b : b_to_a;
          const Chunk *theirs = s == 0 ? b_to_a : a_to_b;
          guint n_mine = s == 0 ? G_N_ELEMENTS (a_to_b) : G_N_ELEMENTS (b_to_a);
          guint n_theirs = s == 0 ? G_N_ELEMENTS (b_to_a) : G_N_ELEMENTS (a_to_b);
          guint me = 0;
          SsTestFollow follow = { 0 };

          ss_test_tshark_follow (paths[s], "udp", &follow);
          /* b's first datagram was received: node 0 is a, its sender */
          if (s == 1)
            me = 1;
          g_assert_cmpstr (follow.node0, ==, ss_socket_get_local_address (a));
          g_assert_cmpuint (follow.packets[me]->len, ==, n_mine);
          g_assert_cmpuint (follow.packets[!me]->len, ==, n_theirs);
          for (guint i = 0; i < n_mine; i++)
            {
              GBytes *packet = g_ptr_array_index (follow.packets[me], i);

              g_assert_cmpmem (g_bytes_get_data (packet, NULL), g_bytes_get_size (packet),
                               mine[i].data, mine[i].len);
            }
          for (guint i = 0; i < n_theirs; i++)
            {
              GBytes *packet = g_ptr_array_index (follow.packets[!me], i);

              g_assert_cmpmem (g_bytes_get_data (packet, NULL), g_bytes_get_size (packet),
                               theirs[i].data, theirs[i].len);
            }
          ss_test_follow_clear (&follow);
        }
    }

  remove_dir (dir);
  ss_test_finalize_session (session, a, b, NULL);
}

static SsTrafficKind
first_kept_kind (SsTrafficLog *log)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (log)); i++)
    {
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), i);

      if (ss_traffic_entry_get_kind (entry) != SS_TRAFFIC_EVENT && !ss_traffic_entry_get_evicted (entry))
        return ss_traffic_entry_get_kind (entry);
    }
  g_assert_not_reached ();
}

/* With a budget smaller than the traffic, the oldest bytes go: each
 * export says exactly how many, and raw files hold the kept tail. */
static void
test_budget (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *received_path = g_build_filename (dir, "received.bin", NULL);
  g_autofree char *sent_path = g_build_filename (dir, "sent.bin", NULL);
  g_autofree char *transcript_path = g_build_filename (dir, "log.txt", NULL);
  g_autofree char *hex_path = g_build_filename (dir, "log.hex", NULL);
  g_autofree char *pcapng_path = g_build_filename (dir, "log.pcapng", NULL);
  GByteArray *streams[2] = { g_byte_array_new (), g_byte_array_new () };
  guint64 evicted[2], total;
  SsTrafficLog *log;
  Pair pair;

  pair_open (&pair);
  log = ss_socket_get_traffic (pair.client);
  ss_traffic_log_set_budget (log, 50000);

  /* 10 kB chunks, each with bytes of its own, alternating directions */
  for (guint i = 0; i < 24; i++)
    {
      SsTrafficKind kind = i % 3 == 0 ? SS_TRAFFIC_RECEIVED : SS_TRAFFIC_SENT;
      guint8 chunk[10000];

      for (gsize j = 0; j < sizeof chunk; j++)
        chunk[j] = (guint8) (j * 7 + i * 13 + (j >> 8));
      chunk[0] = i;
      pair_exchange (&pair, kind, chunk, sizeof chunk);
      g_byte_array_append (streams[kind], chunk, sizeof chunk);
    }

  evicted[SS_TRAFFIC_RECEIVED] = ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_RECEIVED);
  evicted[SS_TRAFFIC_SENT] = ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_SENT);
  total = evicted[0] + evicted[1];
  g_assert_cmpuint (evicted[SS_TRAFFIC_RECEIVED], >, 0);
  g_assert_cmpuint (evicted[SS_TRAFFIC_SENT], >, 0);
  g_assert_cmpuint (evicted[SS_TRAFFIC_RECEIVED], <, streams[SS_TRAFFIC_RECEIVED]->len);
  g_assert_cmpuint (evicted[SS_TRAFFIC_SENT], <, streams[SS_TRAFFIC_SENT]->len);

  /* the raw files: one direction each, what is missing is that
   * direction's evicted bytes */
  save_ok (pair.client, SS_EXPORT_RAW_RECEIVED, received_path, evicted[SS_TRAFFIC_RECEIVED]);
  assert_file_is (received_path, streams[0]->data + evicted[0], streams[0]->len - evicted[0]);
  save_ok (pair.client, SS_EXPORT_RAW_SENT, sent_path, evicted[SS_TRAFFIC_SENT]);
  assert_file_is (sent_path, streams[1]->data + evicted[1], streams[1]->len - evicted[1]);

  save_ok (pair.client, SS_EXPORT_TRANSCRIPT, transcript_path, total);
  save_ok (pair.client, SS_EXPORT_HEX_DUMP, hex_path, total);
  save_ok (pair.client, SS_EXPORT_PCAPNG, pcapng_path, total);

  if (ss_test_have_tshark ())
    {
      SsTestFollow follow = { 0 };
      g_autoptr(GBytes) node0 = NULL;
      g_autoptr(GBytes) node1 = NULL;

      SsTrafficKind first = first_kept_kind (log);
      g_autofree char *peer = g_strdup_printf ("127.0.0.1:%u", ss_test_fd_local_port (pair.peer));

      /* node 0 sent the first packet: the first chunk kept */
      ss_test_tshark_follow (pcapng_path, "tcp", &follow);
      node0 = ss_test_follow_concat (&follow, 0);
      node1 = ss_test_follow_concat (&follow, 1);
      g_assert_cmpstr (follow.node0, ==, first == SS_TRAFFIC_SENT
                       ? ss_socket_get_local_address (pair.client) : peer);
      g_assert_cmpmem (g_bytes_get_data (node0, NULL), g_bytes_get_size (node0),
                       streams[first]->data + evicted[first], streams[first]->len - evicted[first]);
      g_assert_cmpmem (g_bytes_get_data (node1, NULL), g_bytes_get_size (node1),
                       streams[!first]->data + evicted[!first], streams[!first]->len - evicted[!first]);
      ss_test_follow_clear (&follow);
    }

  g_byte_array_unref (streams[0]);
  g_byte_array_unref (streams[1]);
  pair_close (&pair);
  remove_dir (dir);
}

/* A failed save leaves the file as it was, and no temporary beside it;
 * a good one replaces it. */
static void
test_atomic (void)
{
  static const char old[] = "old contents\n";
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "log.pcapng", NULL);
  g_autofree char *subdir = g_build_filename (dir, "a-directory", NULL);
  g_autofree char *missing_dir_path = g_build_filename (dir, "no-such-dir", "log.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSocket) listener = NULL;
  guint64 missing = 0;
  Pair pair;

  pair_open (&pair);
  pair_exchange (&pair, SS_TRAFFIC_SENT, "new\n", 4);
  /* (a listener's pcapng holds its connections' streams) */
  listener = ss_test_open_spec (pair.session, "udp-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, old, -1, &error));
  g_assert_no_error (error);

  /* a datagram socket that never had a peer: no pcapng */
  missing = 42;
  g_assert_false (ss_socket_save_traffic (listener, SS_EXPORT_PCAPNG, path, &missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  assert_file_is (path, old, strlen (old));
  assert_dir_holds (dir, "log.pcapng");

  /* nowhere to write: the directory does not exist */
  g_assert_false (ss_socket_save_traffic (pair.client, SS_EXPORT_TRANSCRIPT, missing_dir_path,
                                          &missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_dir_holds (dir, "log.pcapng");

  /* written whole, then the rename fails (a directory is in the way):
   * the temporary goes */
  g_assert_no_errno (g_mkdir (subdir, 0700));
  for (SsExportFormat format = 0; format < SS_N_EXPORTS; format++)
    {
      g_assert_false (ss_socket_save_traffic (pair.client, format, subdir, &missing, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      assert_dir_holds (dir, "a-directory log.pcapng");
    }
  g_assert_no_errno (g_rmdir (subdir));

  /* a directory that cannot be written in (root may write anywhere) */
  if (geteuid () != 0)
    {
      g_autofree char *locked = g_build_filename (dir, "locked", NULL);
      g_autofree char *locked_path = g_build_filename (locked, "log.bin", NULL);

      g_assert_no_errno (g_mkdir (locked, 0700));
      g_assert_true (g_file_set_contents (locked_path, old, -1, &error));
      g_assert_no_error (error);
      g_assert_no_errno (g_chmod (locked, 0500));
      g_assert_false (ss_socket_save_traffic (pair.client, SS_EXPORT_RAW_SENT, locked_path,
                                              &missing, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_clear_error (&error);
      assert_file_is (locked_path, old, strlen (old));
      assert_dir_holds (locked, "log.bin");
      g_assert_no_errno (g_chmod (locked, 0700));
    }

  /* success replaces the old content, in every format */
  save_ok (pair.client, SS_EXPORT_RAW_SENT, path, 0);
  assert_file_is (path, "new\n", 4);
  save_ok (pair.client, SS_EXPORT_PCAPNG, path, 0);
  {
    g_autoptr(GBytes) contents = ss_test_read_file (path);

    /* a section header block */
    g_assert_cmpuint (g_bytes_get_size (contents), >, 28);
    g_assert_cmpmem (g_bytes_get_data (contents, NULL), 4, "\x0a\x0d\x0d\x0a", 4);
  }
  assert_dir_holds (dir, geteuid () != 0 ? "locked log.pcapng" : "log.pcapng");

  g_clear_object (&listener);
  pair_close (&pair);
  remove_dir (dir);
}

/* ------------------------------------------------------------------ */
/* find, count, nth, clear                                             */

typedef struct
{
  SsTrafficKind kind;
  const char   *data;
  gsize         len;
} LogEntry;

#define ENTRY(kind, literal) { kind, literal, sizeof literal - 1 }

static const LogEntry log_entries[] = {
  /* 0 */ ENTRY (SS_TRAFFIC_RECEIVED, "hello world"),
  /* 1 */ ENTRY (SS_TRAFFIC_SENT, "GET / HTTP/1.1\r\n"),
  /* 2 */ ENTRY (SS_TRAFFIC_EVENT, "Connected to 127.0.0.1:80"),
  /* 3 */ ENTRY (SS_TRAFFIC_RECEIVED, "wor\0ld\xff"),
  /* 4 */ ENTRY (SS_TRAFFIC_SENT, "hello"),
  /* 5 */ ENTRY (SS_TRAFFIC_RECEIVED, ""),
  /* 6 */ ENTRY (SS_TRAFFIC_EVENT, "hello event"),
  /* 7 */ ENTRY (SS_TRAFFIC_SENT, "ab"),
  /* 8 */ ENTRY (SS_TRAFFIC_SENT, "cd"),
  /* 9 */ ENTRY (SS_TRAFFIC_RECEIVED, "hel"),
};

static SsTrafficLog *
make_log (void)
{
  SsTrafficLog *log = ss_traffic_log_new ();

  for (guint i = 0; i < G_N_ELEMENTS (log_entries); i++)
    {
      if (log_entries[i].kind == SS_TRAFFIC_EVENT)
        ss_traffic_log_append_event (log, "%s", log_entries[i].data);
      else
        ss_traffic_log_append (log, log_entries[i].kind, (const guint8 *) log_entries[i].data,
                               log_entries[i].len);
    }
  ss_traffic_log_flush (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, G_N_ELEMENTS (log_entries));
  return log;
}

typedef struct
{
  const char *needle;
  gsize       len;
  guint       from;
  gboolean    backward;
  guint       kinds;
  guint       expected;
} FindCase;

#define FIND(literal, from, backward, kinds, expected) \
  { literal, sizeof literal - 1, from, backward, kinds, expected }

static const FindCase find_cases[] = {
  FIND ("hello", 0, FALSE, ALL_KINDS, 0),
  FIND ("hello", 1, FALSE, ALL_KINDS, 4),
  FIND ("hello", 4, FALSE, ALL_KINDS, 4),
  FIND ("hello", 5, FALSE, ALL_KINDS, 6),
  FIND ("hello", 7, FALSE, ALL_KINDS, NONE),       /* no wrapping */
  FIND ("hello", 1000, FALSE, ALL_KINDS, NONE),
  FIND ("hello", 5, FALSE, R | S, NONE),           /* only the event left */
  FIND ("hello", 1, FALSE, R, NONE),
  FIND ("hello", 0, FALSE, S, 4),
  FIND ("hello", 9, TRUE, ALL_KINDS, 6),
  FIND ("hello", 6, TRUE, ALL_KINDS, 6),           /* from itself */
  FIND ("hello", 5, TRUE, ALL_KINDS, 4),
  FIND ("hello", 3, TRUE, ALL_KINDS, 0),
  FIND ("hello", 1000, TRUE, ALL_KINDS, 6),        /* from past the end */
  FIND ("hello", 1000, TRUE, R | S, 4),
  FIND ("hello", 3, TRUE, S, NONE),
  FIND ("hello", 0, TRUE, R, 0),
  FIND ("hello", 0, TRUE, ALL_KINDS & ~R, NONE),
  FIND ("hello", 0, FALSE, 0, NONE),               /* no kind at all */
  FIND ("event", 0, FALSE, E, 6),
  FIND ("Connected", 0, FALSE, R | S, NONE),
  FIND ("Connected", 9, TRUE, E, 2),
  FIND ("\0", 0, FALSE, ALL_KINDS, 3),             /* NUL bytes */
  FIND ("r\0l", 0, FALSE, ALL_KINDS, 3),
  FIND ("\0ld\xff", 0, FALSE, ALL_KINDS, 3),
  FIND ("\0ld\xff!", 0, FALSE, ALL_KINDS, NONE),   /* longer than the entry's rest */
  FIND ("wor\0ld\xff", 9, TRUE, R, 3),
  FIND ("\xff", 4, FALSE, ALL_KINDS, NONE),
  FIND ("\r\n", 0, FALSE, ALL_KINDS, 1),
  FIND ("bc", 0, FALSE, ALL_KINDS, NONE),          /* "ab" "cd": not across entries */
  FIND ("hello worldGET", 0, FALSE, ALL_KINDS, NONE),
  FIND ("cdhel", 0, FALSE, ALL_KINDS, NONE),
  FIND ("hel", 7, FALSE, ALL_KINDS, 9),
  FIND ("hel", 9, FALSE, ALL_KINDS, 9),
  FIND ("hel", 8, TRUE, R, 0),
  FIND ("", 0, FALSE, ALL_KINDS, NONE),            /* empty needle */
  FIND ("hello world!", 0, FALSE, ALL_KINDS, NONE),
};

static void
test_find (void)
{
  g_autoptr(SsTrafficLog) log = make_log ();

  for (guint i = 0; i < G_N_ELEMENTS (find_cases); i++)
    {
      const FindCase *c = &find_cases[i];
      guint found = ss_traffic_log_find (log, (const guint8 *) c->needle, c->len,
                                         c->from, c->backward, c->kinds);

      if (found != c->expected)
        g_error ("case %u: “%s” from %u %s in kinds %#x: found %d, expected %d", i,
                 c->needle, c->from, c->backward ? "backward" : "forward", c->kinds,
                 (int) found, (int) c->expected);
    }

  /* unpublished entries are not in the model, so not found */
  ss_traffic_log_append (log, SS_TRAFFIC_SENT, (const guint8 *) "zebra", 5);
  g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) "zebra", 5, 0, FALSE, ALL_KINDS), ==, NONE);
  ss_traffic_log_flush (log);
  g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) "zebra", 5, 0, FALSE, ALL_KINDS), ==, 10);
  g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) "zebra", 5, G_MAXUINT, TRUE, ALL_KINDS), ==, 10);

  /* an empty log finds nothing, either way */
  {
    g_autoptr(SsTrafficLog) empty = ss_traffic_log_new ();

    g_assert_cmpuint (ss_traffic_log_find (empty, (const guint8 *) "a", 1, 0, FALSE, ALL_KINDS), ==, NONE);
    g_assert_cmpuint (ss_traffic_log_find (empty, (const guint8 *) "a", 1, 0, TRUE, ALL_KINDS), ==, NONE);
    g_assert_cmpuint (ss_traffic_log_count_kinds (empty, ALL_KINDS, 10), ==, 0);
    g_assert_cmpuint (ss_traffic_log_nth_of_kinds (empty, ALL_KINDS, 0), ==, NONE);
  }
}

static void
test_count_nth (void)
{
  static const guint masks[] = { 0, R, S, E, R | S, R | E, S | E, ALL_KINDS };
  g_autoptr(SsTrafficLog) log = make_log ();
  guint n = G_N_ELEMENTS (log_entries);

  for (guint m = 0; m < G_N_ELEMENTS (masks); m++)
    {
      guint kinds = masks[m];
      guint count = 0;

      for (guint i = 0; i <= n; i++)
        {
          /* the position among the entries of @kinds */
          g_assert_cmpuint (ss_traffic_log_count_kinds (log, kinds, i), ==, count);
          if (i == n)
            break;
          if (kinds & (1u << log_entries[i].kind))
            {
              g_assert_cmpuint (ss_traffic_log_nth_of_kinds (log, kinds, count), ==, i);
              count++;
            }
        }
      g_assert_cmpuint (ss_traffic_log_count_kinds (log, kinds, G_MAXUINT), ==, count);
      g_assert_cmpuint (ss_traffic_log_nth_of_kinds (log, kinds, count), ==, NONE);
      g_assert_cmpuint (ss_traffic_log_nth_of_kinds (log, kinds, G_MAXUINT), ==, NONE);
    }
  g_assert_cmpuint (ss_traffic_log_count_kinds (log, R, n), ==, 4);
  g_assert_cmpuint (ss_traffic_log_count_kinds (log, S | E, n), ==, 6);
  g_assert_cmpuint (ss_traffic_log_nth_of_kinds (log, E, 1), ==, 6);
}

/* Bytes no longer kept are not searched; the kept ones and events are. */
static void
test_find_evicted (void)
{
  g_autoptr(SsTrafficLog) log = ss_traffic_log_new ();
  guint8 chunk[40000];
  guint n;

  ss_traffic_log_set_budget (log, 50000);
  memset (chunk, '.', sizeof chunk);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *mark = g_strdup_printf ("MARK%u;", i);

      memcpy (chunk + 100, mark, strlen (mark));
      ss_traffic_log_append (log, i % 2 ? SS_TRAFFIC_SENT : SS_TRAFFIC_RECEIVED, chunk, sizeof chunk);
      ss_traffic_log_append_event (log, "event %u", i);
    }
  ss_traffic_log_flush (log);
  n = g_list_model_get_n_items (G_LIST_MODEL (log));
  g_assert_cmpuint (n, ==, 16);
  g_assert_cmpuint (ss_traffic_log_get_evicted_bytes (log, SS_TRAFFIC_RECEIVED), >, 0);

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *mark = g_strdup_printf ("MARK%u;", i);
      g_autofree char *event = g_strdup_printf ("event %u", i);
      g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), 2 * i);
      guint expected = ss_traffic_entry_get_evicted (entry) ? NONE : 2 * i;

      g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) mark, strlen (mark), 0, FALSE, ALL_KINDS),
                        ==, expected);
      g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) mark, strlen (mark), n, TRUE, ALL_KINDS),
                        ==, expected);
      /* events are never evicted */
      g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) event, strlen (event), 0, FALSE, E),
                        ==, 2 * i + 1);
    }
  {
    g_autoptr(SsTrafficEntry) first = g_list_model_get_item (G_LIST_MODEL (log), 0);
    g_autoptr(SsTrafficEntry) last = g_list_model_get_item (G_LIST_MODEL (log), n - 2);

    g_assert_true (ss_traffic_entry_get_evicted (first));
    g_assert_false (ss_traffic_entry_get_evicted (last));
  }
  /* "...." is in every chunk: only kept ones match */
  {
    guint first_kept = ss_traffic_log_find (log, (const guint8 *) "....", 4, 0, FALSE, ALL_KINDS);
    g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), first_kept);

    g_assert_cmpuint (first_kept, >, 0);
    g_assert_false (ss_traffic_entry_get_evicted (entry));
    for (guint i = 0; i < first_kept; i++)
      {
        g_autoptr(SsTrafficEntry) before = g_list_model_get_item (G_LIST_MODEL (log), i);

        g_assert_true (ss_traffic_entry_get_kind (before) == SS_TRAFFIC_EVENT ||
                       ss_traffic_entry_get_evicted (before));
      }
  }
}

typedef struct
{
  guint position, removed, added;
  guint count;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *changed)
{
  changed->position = position;
  changed->removed = removed;
  changed->added = added;
  changed->count++;
}

static void
test_clear (void)
{
  g_autoptr(SsTrafficLog) log = make_log ();
  GListModel *model = G_LIST_MODEL (log);
  ItemsChanged changed = { 0 };
  guint64 bytes[2], chunks[3];
  guint n = g_list_model_get_n_items (model);

  for (SsTrafficKind kind = 0; kind < SS_TRAFFIC_EVENT; kind++)
    bytes[kind] = ss_traffic_log_get_bytes (log, kind);
  for (SsTrafficKind kind = 0; kind <= SS_TRAFFIC_EVENT; kind++)
    chunks[kind] = ss_traffic_log_get_chunks (log, kind);
  g_assert_cmpuint (bytes[SS_TRAFFIC_RECEIVED], ==, 11 + 7 + 0 + 3);
  g_assert_cmpuint (bytes[SS_TRAFFIC_SENT], ==, 16 + 5 + 2 + 2);
  g_assert_cmpuint (chunks[SS_TRAFFIC_EVENT], ==, 2);

  g_signal_connect (log, "items-changed", G_CALLBACK (items_changed_cb), &changed);
  ss_traffic_log_clear (log);
  g_assert_cmpuint (changed.count, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, n);
  g_assert_cmpuint (changed.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_null (g_list_model_get_item (model, 0));
  g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) "hello", 5, 0, FALSE, ALL_KINDS), ==, NONE);
  g_assert_cmpuint (ss_traffic_log_count_kinds (log, ALL_KINDS, G_MAXUINT), ==, 0);

  /* the counters count everything since the start */
  for (SsTrafficKind kind = 0; kind < SS_TRAFFIC_EVENT; kind++)
    g_assert_cmpuint (ss_traffic_log_get_bytes (log, kind), ==, bytes[kind]);
  for (SsTrafficKind kind = 0; kind <= SS_TRAFFIC_EVENT; kind++)
    g_assert_cmpuint (ss_traffic_log_get_chunks (log, kind), ==, chunks[kind]);

  /* clearing an empty log changes nothing */
  ss_traffic_log_clear (log);
  g_assert_cmpuint (changed.count, ==, 1);

  /* new entries after a clear, and find on them */
  ss_traffic_log_append (log, SS_TRAFFIC_SENT, (const guint8 *) "after\0clear", 11);
  ss_traffic_log_append_event (log, "still %s", "here");
  ss_traffic_log_append (log, SS_TRAFFIC_RECEIVED, (const guint8 *) "hello again", 11);
  ss_traffic_log_flush (log);
  g_assert_cmpuint (changed.count, ==, 2);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  {
    g_autoptr(SsTrafficEntry) entry = g_list_model_get_item (model, 0);
    g_autoptr(SsTrafficEntry) event = g_list_model_get_item (model, 1);
    g_autofree char *text = ss_traffic_entry_dup_text (event, 0);

    g_assert_cmpint (ss_traffic_entry_get_kind (entry), ==, SS_TRAFFIC_SENT);
    g_assert_false (ss_traffic_entry_get_evicted (entry));
    g_assert_cmpmem (g_bytes_get_data (ss_traffic_entry_get_bytes (entry), NULL), 11, "after\0clear", 11);
    g_assert_cmpstr (text, ==, "still here");
  }
  g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) "hello", 5, 0, FALSE, ALL_KINDS), ==, 2);
  g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) "\0clear", 6, 2, TRUE, ALL_KINDS), ==, 0);
  g_assert_cmpuint (ss_traffic_log_find (log, (const guint8 *) "here", 4, 0, FALSE, E), ==, 1);
  g_assert_cmpuint (ss_traffic_log_nth_of_kinds (log, R, 0), ==, 2);
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_SENT), ==, bytes[SS_TRAFFIC_SENT] + 11);
  g_assert_cmpuint (ss_traffic_log_get_bytes (log, SS_TRAFFIC_RECEIVED), ==, bytes[SS_TRAFFIC_RECEIVED] + 11);
  g_assert_cmpuint (ss_traffic_log_get_chunks (log, SS_TRAFFIC_EVENT), ==, chunks[SS_TRAFFIC_EVENT] + 1);

  /* an export after a clear holds what came after it */
  {
    g_autofree char *dir = make_dir ();
    g_autofree char *path = g_build_filename (dir, "sent.bin", NULL);
    g_autoptr(GError) error = NULL;
    guint64 missing = 1;

    g_assert_true (ss_traffic_export (log, SS_EXPORT_RAW_SENT, path, NULL, NULL, FALSE, &missing, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (missing, ==, 0);
    assert_file_is (path, "after\0clear", 11);
    remove_dir (dir);
  }
  g_signal_handlers_disconnect_by_data (log, &changed);
}

/* ------------------------------------------------------------------ */
/* --record                                                            */

static void
assert_recording (const char *path,
                  const char *node0,
                  const void *from_node0,
                  gsize       from_node0_len,
                  const void *from_node1,
                  gsize       from_node1_len)
{
  SsTestFollow follow = { 0 };
  g_autoptr(GBytes) node0_bytes = NULL;
  g_autoptr(GBytes) node1_bytes = NULL;

  ss_test_tshark_follow (path, "tcp", &follow);
  g_assert_cmpstr (follow.node0, ==, node0);
  node0_bytes = ss_test_follow_concat (&follow, 0);
  node1_bytes = ss_test_follow_concat (&follow, 1);
  g_assert_cmpmem (g_bytes_get_data (node0_bytes, NULL), g_bytes_get_size (node0_bytes),
                   from_node0, from_node0_len);
  g_assert_cmpmem (g_bytes_get_data (node1_bytes, NULL), g_bytes_get_size (node1_bytes),
                   from_node1, from_node1_len);
  ss_test_follow_clear (&follow);
}

/* A listener records each connection it accepts: cap.pcapng, then
 * cap-2.pcapng. */
static void
test_record_listener (void)
{
  static const char from_client[2][16] = { "first\0\xff\n", "SECOND client" };
  static const gsize from_client_len[2] = { 8, 13 };
  static const char reply[2][8] = { "one", "two\r\n" };
  SsSession *session = ss_session_new ();
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "cap.pcapng", NULL);
  g_autofree char *path2 = g_build_filename (dir, "cap-2.pcapng", NULL);
  g_autoptr(SsSocket) listener = NULL;
  g_autoptr(GError) error = NULL;
  SsSocket *connections[2];
  int clients[2];
  guint16 port;

  ss_session_set_record_path (session, path);
  listener = ss_test_open_spec (session, "tcp-listen:127.0.0.1:0", &error);
  g_assert_no_error (error);
  g_assert_false (ss_socket_get_recording (listener));
  port = ss_test_port_of (ss_socket_get_local_address (listener));
  /* nothing recorded before a connection */
  assert_dir_holds (dir, "");

  for (guint i = 0; i < 2; i++)
    {
      clients[i] = ss_test_raw_connect (AF_INET, port, SS_TEST_TIMEOUT_MS);
      ss_test_wait_connections (listener, i + 1);
      connections[i] = ss_test_connection_at (listener, i);
      g_assert_true (ss_socket_get_recording (connections[i]));
      g_assert_cmpuint (ss_test_fd_local_port (clients[i]), ==,
                        ss_test_port_of (ss_socket_get_peer_address (connections[i])));
    }
  assert_dir_holds (dir, "cap-2.pcapng cap.pcapng");

  /* both talk at once, each its own bytes */
  for (guint i = 0; i < 2; i++)
    ss_test_raw_send_all (clients[i], from_client[i], from_client_len[i], SS_TEST_TIMEOUT_MS);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) got = NULL;

      ss_test_wait_bytes_in (connections[i], from_client_len[i]);
      ss_test_send_ok (connections[i], reply[i], strlen (reply[i]));
      got = ss_test_raw_recv (clients[i], strlen (reply[i]), FALSE, SS_TEST_TIMEOUT_MS);
      g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), reply[i], strlen (reply[i]));
    }
  for (guint i = 0; i < 2; i++)
    {
      ss_socket_close (connections[i]);
      g_assert_false (ss_socket_get_recording (connections[i]));
    }
  assert_dir_holds (dir, "cap-2.pcapng cap.pcapng");

  if (ss_test_have_tshark ())
    {
      const char *paths[] = { path, path2 };

      for (guint i = 0; i < 2; i++)
        {
          g_autofree char *client = g_strdup_printf ("127.0.0.1:%u", ss_test_fd_local_port (clients[i]));

          /* the client spoke first */
          assert_recording (paths[i], client, from_client[i], from_client_len[i],
                            reply[i], strlen (reply[i]));
        }
    }

  for (guint i = 0; i < 2; i++)
    g_assert_no_errno (close (clients[i]));
  ss_socket_close (listener);
  g_clear_object (&listener);
  ss_test_finalize_session (session, NULL);
  remove_dir (dir);
}

/* A connection records from its first byte, even one that was waiting
 * before the connect had completed in Sockscope. */
static void
test_record_connect (void)
{
  static const char early[] = "early\0bird\xff";
  static const char answer[] = "answer\n";
  SsSession *session = ss_session_new ();
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "conn.pcapng", NULL);
  g_autofree char *text = NULL;
  g_autofree char *peer_address = NULL;
  g_autoptr(SsSpec) spec = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SsSocket) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  int listener, peer;
  guint16 port;

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  text = g_strdup_printf ("tcp:127.0.0.1:%u", port);
  peer_address = g_strdup_printf ("127.0.0.1:%u", port);
  spec = ss_spec_parse (text, &error);
  g_assert_no_error (error);

  ss_session_set_record_path (session, path);
  ss_session_open_async (session, spec, NULL, ss_test_store_result_cb, &result);
  /* the peer talks as soon as it can, before the connect is reported */
  peer = ss_test_raw_accept (listener, SS_TEST_TIMEOUT_MS);
  ss_test_raw_send_all (peer, early, sizeof early - 1, SS_TEST_TIMEOUT_MS);
  ss_test_wait_result (&result, SS_TEST_TIMEOUT_MS);
  client = ss_session_open_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_true (ss_socket_get_recording (client));

  ss_test_wait_bytes_in (client, sizeof early - 1);
  ss_test_send_ok (client, answer, sizeof answer - 1);
  got = ss_test_raw_recv (peer, sizeof answer - 1, FALSE, SS_TEST_TIMEOUT_MS);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), answer, sizeof answer - 1);
  ss_socket_close (client);
  g_assert_false (ss_socket_get_recording (client));
  assert_dir_holds (dir, "conn.pcapng");

  if (ss_test_have_tshark ())
    assert_recording (path, peer_address, early, sizeof early - 1, answer, sizeof answer - 1);

  g_assert_no_errno (close (peer));
  g_assert_no_errno (close (listener));
  g_clear_object (&client);
  /* the task holds the session */
  g_clear_object (&result);
  ss_test_finalize_session (session, NULL);
  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/traffic-export/formats", test_formats);
  g_test_add_func ("/traffic-export/datagram-pcapng", test_datagram_pcapng);
  g_test_add_func ("/traffic-export/budget", test_budget);
  g_test_add_func ("/traffic-export/atomic", test_atomic);
  g_test_add_func ("/traffic-log/find", test_find);
  g_test_add_func ("/traffic-log/count-nth", test_count_nth);
  g_test_add_func ("/traffic-log/find-evicted", test_find_evicted);
  g_test_add_func ("/traffic-log/clear", test_clear);
  g_test_add_func ("/record/listener", test_record_listener);
  g_test_add_func ("/record/connect", test_record_connect);

  return g_test_run ();
}
