/* test-payload-store.c — the payload library and the send history on disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ss-payload-store.h"
#include "ss-test-util.h"

/* A path in this test's own data dir (G_TEST_OPTION_ISOLATE_DIRS). */
static char *
test_path (const char *basename)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), basename, NULL);
}

static void
write_file (const char *path,
            const char *data,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static char *
read_file (const char *path,
           gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, len, &error);
  g_assert_no_error (error);
  return data;
}

static SsPayload *
item_at (SsPayloadStore *store,
         guint           position)
{
  SsPayload *payload = g_list_model_get_item (G_LIST_MODEL (store), position);

  g_assert_nonnull (payload);
  /* the store keeps its own reference */
  g_object_unref (payload);
  return payload;
}

static void
assert_payload (SsPayload    *payload,
                const char   *name,
                SsEncoding    encoding,
                const char   *content,
                SsLineEnding  ending)
{
  g_assert_cmpstr (ss_payload_get_name (payload), ==, name);
  g_assert_cmpint (ss_payload_get_encoding (payload), ==, encoding);
  g_assert_cmpstr (ss_payload_get_content (payload), ==, content);
  g_assert_cmpint (ss_payload_get_line_ending (payload), ==, ending);
}

static void
assert_same_payloads (SsPayloadStore *a,
                      SsPayloadStore *b)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (a));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      SsPayload *x = item_at (a, i);
      SsPayload *y = item_at (b, i);

      assert_payload (y, ss_payload_get_name (x), ss_payload_get_encoding (x),
                      ss_payload_get_content (x), ss_payload_get_line_ending (x));
    }
}

static SsPayloadStore *
load_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  SsPayloadStore *store = ss_payload_store_new (path);

  g_assert_true (ss_payload_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_false (ss_payload_store_get_broken (store));
  return store;
}

static void
save_store (SsPayloadStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ss_payload_store_save (store, &error));
  g_assert_no_error (error);
}

static const char * const tricky_contents[] = {
  "",
  "GET / HTTP/1.0\r\n\r\n",
  "GET / HTTP/1.0\\r\\n\\r\\n",
  "\ttab at both ends\t",
  "   spaces at both ends   ",
  " ",
  "\t \t",
  "\\",
  "trailing backslash\\",
  "\\s \\n \\t \\\\ \\x41 \\u{263a}",
  "# not a comment",
  "[not a group]",
  "key=value = more",
  "=",
  "\n[Payload 9]\nContent=injected\n",
  "\n\nlines\nand\r\nbreaks\rof every kind\n\n",
  "中文的有效载荷 ✓ 🚀",
  "\x01\x02\x1b[0m\x7f controls",
  "48 65 6c 6c 6f",
  "SGVsbG8=",
  "/tmp/a file with spaces ",
};

static const char * const tricky_names[] = {
  "plain",
  " spaces at the ends ",
  "名字",
  "a=b # [c] \\n",
  "line\nbreak",
  "",
};

/* Two megabytes of everything the escaping touches. */
static char *
make_big_content (void)
{
  static const char * const pieces[] = {
    "abc", " ", "\n", "\r\n", "\t", "\\", "中文", "#", "[x]", "=", "\\n", "  ",
  };
  GString *big = g_string_sized_new (2 * 1024 * 1024 + 16);
  guint i = 0;

  while (big->len < 2 * 1024 * 1024)
    g_string_append (big, pieces[i++ % G_N_ELEMENTS (pieces)]);
  g_string_append (big, "  ");
  return g_string_free (big, FALSE);
}

static void
test_round_trip (gconstpointer data)
{
  g_autofree char *path = test_path ("payloads.ini");
  g_autoptr(SsPayloadStore) store = ss_payload_store_new (path);
  g_autoptr(SsPayloadStore) again = NULL;
  g_autofree char *big = make_big_content ();
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  for (SsEncoding encoding = 0; encoding < SS_N_ENCODINGS; encoding++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (tricky_contents); i++)
        {
          g_autofree char *name =
            g_strdup_printf ("%s %u", tricky_names[n % G_N_ELEMENTS (tricky_names)], n);
          g_autoptr(SsPayload) payload =
            ss_payload_new (name, encoding, tricky_contents[i], n % SS_N_LINE_ENDINGS);

          ss_payload_store_put (store, payload);
          n++;
        }
      {
        g_autofree char *name = g_strdup_printf ("big %u", encoding);
        g_autoptr(SsPayload) payload =
          ss_payload_new (name, encoding, big, SS_LINE_ENDING_CRLF);

        ss_payload_store_put (store, payload);
        n++;
      }
    }
  {
    /* no name at all, and an empty one, are two different things */
    g_autoptr(SsPayload) nameless = ss_payload_new (NULL, SS_ENCODING_TEXT, "x", SS_LINE_ENDING_LF);
    g_autoptr(SsPayload) empty = ss_payload_new ("", SS_ENCODING_TEXT, "y", SS_LINE_ENDING_CR);

    ss_payload_store_put (store, nameless);
    ss_payload_store_put (store, empty);
    n += 2;
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n);

  save_store (store);
  again = load_store (path);
  assert_same_payloads (store, again);
  g_assert_null (ss_payload_get_name (item_at (again, n - 2)));
  g_assert_cmpstr (ss_payload_get_name (item_at (again, n - 1)), ==, "");

  /* what a person opens: documented, and no line that an editor would
   * trim, so that content survives a hand edit */
  text = read_file (path, NULL);
  g_assert_true (g_str_has_prefix (text, "# Sockscope payloads. One group per payload, in order.\n"));
  g_assert_nonnull (strstr (text, "\n[Sockscope Payloads]\nVersion=1\n"));
  g_assert_nonnull (strstr (text, "\n[Payload 1]\nName=plain 0\nEncoding=text\nLineEnding=none\nContent=\n"));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize len = strlen (lines[i]);

      if (len > 0)
        g_assert_false (g_ascii_isspace (lines[i][len - 1]));
    }

  /* the history may hold secrets */
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
}

static void
test_missing_file (gconstpointer data)
{
  g_autofree char *path = test_path ("nothing-here.ini");
  g_autoptr(SsPayloadStore) store = load_store (path);

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == SS_TYPE_PAYLOAD);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (store), 0));
  g_assert_cmpstr (ss_payload_store_get_path (store), ==, path);
  /* loading does not create it */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* an empty list saves and loads back */
  save_store (store);
  g_clear_object (&store);
  store = load_store (path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

static void
test_history (gconstpointer data)
{
  g_autofree char *path = test_path ("history.ini");
  g_autoptr(SsPayloadStore) store = load_store (path);
  g_autoptr(SsPayloadStore) again = NULL;
  g_autoptr(SsPayload) a = ss_payload_new ("first", SS_ENCODING_TEXT, "a", SS_LINE_ENDING_NONE);
  g_autoptr(SsPayload) b = ss_payload_new (NULL, SS_ENCODING_TEXT, "b", SS_LINE_ENDING_NONE);
  g_autoptr(SsPayload) c = ss_payload_new (NULL, SS_ENCODING_HEX, "63", SS_LINE_ENDING_NONE);
  g_autoptr(SsPayload) a2 = ss_payload_new ("again", SS_ENCODING_TEXT, "a", SS_LINE_ENDING_NONE);
  g_autoptr(SsPayload) a_lf = ss_payload_new (NULL, SS_ENCODING_TEXT, "a", SS_LINE_ENDING_LF);
  g_autoptr(SsPayload) a_esc = ss_payload_new (NULL, SS_ENCODING_ESCAPED, "a", SS_LINE_ENDING_NONE);
  SsTestMirror mirror;

  ss_test_mirror_init (&mirror, store);

  ss_payload_store_remember (store, a, 10);
  ss_payload_store_remember (store, b, 10);
  ss_payload_store_remember (store, c, 10);
  g_assert_true (item_at (store, 0) == c);
  g_assert_true (item_at (store, 1) == b);
  g_assert_true (item_at (store, 2) == a);
  g_assert_cmpuint (mirror.n_signals, ==, 3);
  ss_test_mirror_check (&mirror);

  /* the same bytes written the same way move to the top, under the new
   * name; a different line ending or encoding is another payload */
  ss_payload_store_remember (store, a2, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  g_assert_true (item_at (store, 0) == a2);
  g_assert_true (item_at (store, 1) == c);
  g_assert_true (item_at (store, 2) == b);
  ss_test_mirror_check (&mirror);

  ss_payload_store_remember (store, a_lf, 10);
  ss_payload_store_remember (store, a_esc, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 5);
  ss_test_mirror_check (&mirror);

  /* sending again what is already first changes nothing but the signal */
  ss_payload_store_remember (store, a_esc, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 5);
  g_assert_true (item_at (store, 0) == a_esc);
  ss_test_mirror_check (&mirror);

  /* the oldest fall off past the limit */
  ss_payload_store_remember (store, b, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  g_assert_true (item_at (store, 0) == b);
  g_assert_true (item_at (store, 1) == a_esc);
  g_assert_true (item_at (store, 2) == a_lf);
  ss_test_mirror_check (&mirror);

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      g_autoptr(SsPayload) p = ss_payload_new (NULL, SS_ENCODING_TEXT, text, SS_LINE_ENDING_NONE);

      ss_payload_store_remember (store, p, 5);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), <=, 5);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 5);
  g_assert_cmpstr (ss_payload_get_content (item_at (store, 0)), ==, "message 19");
  g_assert_cmpstr (ss_payload_get_content (item_at (store, 4)), ==, "message 15");
  ss_test_mirror_check (&mirror);

  /* a payload from the list itself, sent again */
  ss_payload_store_remember (store, item_at (store, 3), 5);
  g_assert_cmpstr (ss_payload_get_content (item_at (store, 0)), ==, "message 16");
  g_assert_cmpstr (ss_payload_get_content (item_at (store, 1)), ==, "message 19");
  g_assert_cmpstr (ss_payload_get_content (item_at (store, 4)), ==, "message 15");
  ss_test_mirror_check (&mirror);

  /* the order survives a save, and a new store on the same file */
  save_store (store);
  again = load_store (path);
  assert_same_payloads (store, again);

  /* remove, anywhere */
  ss_payload_store_remove (store, 4);
  ss_payload_store_remove (store, 0);
  ss_payload_store_remove (store, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  g_assert_cmpstr (ss_payload_get_content (item_at (store, 0)), ==, "message 19");
  g_assert_cmpstr (ss_payload_get_content (item_at (store, 1)), ==, "message 17");
  ss_test_mirror_check (&mirror);

  /* loading replaces the list, in one change */
  {
    guint before = mirror.n_signals;

    g_assert_true (ss_payload_store_load (store, NULL));
    g_assert_cmpuint (mirror.n_signals, ==, before + 1);
    assert_same_payloads (store, again);
    ss_test_mirror_check (&mirror);
  }

  ss_test_mirror_clear (&mirror);
}

static void
test_put (gconstpointer data)
{
  g_autofree char *path = test_path ("payloads.ini");
  g_autoptr(SsPayloadStore) store = load_store (path);
  g_autoptr(SsPayloadStore) again = NULL;
  g_autoptr(SsPayload) get = ss_payload_new ("GET", SS_ENCODING_ESCAPED, "GET /\\r\\n", SS_LINE_ENDING_NONE);
  g_autoptr(SsPayload) ping = ss_payload_new ("ping", SS_ENCODING_TEXT, "ping", SS_LINE_ENDING_LF);
  g_autoptr(SsPayload) zero = ss_payload_new ("zero", SS_ENCODING_HEX, "00", SS_LINE_ENDING_NONE);
  g_autoptr(SsPayload) get2 = ss_payload_new ("GET", SS_ENCODING_ESCAPED, "GET /index.html\\r\\n", SS_LINE_ENDING_CRLF);
  g_autoptr(SsPayload) same = ss_payload_new ("same bytes", SS_ENCODING_TEXT, "ping", SS_LINE_ENDING_LF);
  SsTestMirror mirror;

  ss_test_mirror_init (&mirror, store);

  ss_payload_store_put (store, get);
  ss_payload_store_put (store, ping);
  ss_payload_store_put (store, zero);
  g_assert_cmpuint (mirror.n_signals, ==, 3);
  g_assert_true (ss_payload_store_lookup (store, "ping") == ping);
  g_assert_null (ss_payload_store_lookup (store, "pong"));
  g_assert_null (ss_payload_store_lookup (store, NULL));

  /* the same name: replaced where it was */
  ss_payload_store_put (store, get2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  g_assert_true (item_at (store, 0) == get2);
  g_assert_true (ss_payload_store_lookup (store, "GET") == get2);
  g_assert_cmpuint (mirror.n_signals, ==, 4);
  ss_test_mirror_check (&mirror);

  /* the library goes by names: equal bytes under another name are kept */
  ss_payload_store_put (store, same);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 4);
  g_assert_true (item_at (store, 3) == same);

  ss_payload_store_remove (store, 1);
  g_assert_null (ss_payload_store_lookup (store, "ping"));
  g_assert_true (item_at (store, 1) == zero);
  ss_test_mirror_check (&mirror);

  save_store (store);
  again = load_store (path);
  assert_same_payloads (store, again);
  assert_payload (ss_payload_store_lookup (again, "GET"), "GET", SS_ENCODING_ESCAPED,
                  "GET /index.html\\r\\n", SS_LINE_ENDING_CRLF);

  ss_test_mirror_clear (&mirror);
}

static void
test_import_export (gconstpointer data)
{
  g_autofree char *path = test_path ("payloads.ini");
  g_autofree char *other_path = test_path ("from-a-friend.ini");
  g_autofree char *export_path = test_path ("exported.ini");
  g_autofree char *broken_path = test_path ("broken.ini");
  g_autofree char *missing_path = test_path ("missing.ini");
  g_autoptr(SsPayloadStore) store = load_store (path);
  g_autoptr(SsPayloadStore) other = load_store (other_path);
  g_autoptr(SsPayloadStore) exported = NULL;
  g_autoptr(SsPayload) x = ss_payload_new ("x", SS_ENCODING_TEXT, "mine", SS_LINE_ENDING_NONE);
  g_autoptr(SsPayload) y = ss_payload_new ("y", SS_ENCODING_TEXT, "old y", SS_LINE_ENDING_NONE);
  g_autoptr(SsPayload) y2 = ss_payload_new ("y", SS_ENCODING_BASE64, "bmV3IHk=", SS_LINE_ENDING_LF);
  g_autoptr(SsPayload) z = ss_payload_new ("z", SS_ENCODING_FILE, "/etc/hostname", SS_LINE_ENDING_NONE);
  g_autoptr(GError) error = NULL;
  SsTestMirror mirror;

  ss_payload_store_put (store, x);
  ss_payload_store_put (store, y);
  ss_payload_store_put (other, y2);
  ss_payload_store_put (other, z);
  save_store (other);

  ss_test_mirror_init (&mirror, store);
  g_assert_cmpuint (ss_payload_store_import (store, other_path, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  assert_payload (item_at (store, 0), "x", SS_ENCODING_TEXT, "mine", SS_LINE_ENDING_NONE);
  assert_payload (item_at (store, 1), "y", SS_ENCODING_BASE64, "bmV3IHk=", SS_LINE_ENDING_LF);
  assert_payload (item_at (store, 2), "z", SS_ENCODING_FILE, "/etc/hostname", SS_LINE_ENDING_NONE);
  ss_test_mirror_check (&mirror);

  /* importing again replaces, and adds nothing */
  g_assert_cmpuint (ss_payload_store_import (store, other_path, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);

  /* a broken or missing file changes nothing */
  write_file (broken_path, "[Sockscope Payloads]\nVersion=1\n[P]\nName=w\n", -1);
  {
    guint before = mirror.n_signals;

    g_assert_cmpuint (ss_payload_store_import (store, broken_path, &error), ==, 0);
    g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
    g_assert_nonnull (strstr (error->message, "broken.ini"));
    g_assert_nonnull (strstr (error->message, "line 3"));
    g_assert_nonnull (strstr (error->message, "[P] has no Content"));
    g_clear_error (&error);
    g_assert_cmpuint (ss_payload_store_import (store, missing_path, &error), ==, 0);
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error (&error);
    g_assert_cmpuint (mirror.n_signals, ==, before);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  }

  /* export: the same list, and the store's own file is not touched */
  g_assert_true (ss_payload_store_export (store, export_path, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  exported = load_store (export_path);
  assert_same_payloads (store, exported);

  /* an export imports back into an empty store as the same list */
  {
    g_autofree char *fresh_path = test_path ("fresh.ini");
    g_autoptr(SsPayloadStore) fresh = load_store (fresh_path);

    g_assert_cmpuint (ss_payload_store_import (fresh, export_path, &error), ==, 3);
    g_assert_no_error (error);
    assert_same_payloads (store, fresh);
  }

  /* a folder that is not there is an error, not a crash */
  {
    g_autofree char *nowhere = g_build_filename (g_get_user_data_dir (), "no", "such", "dir.ini", NULL);

    g_assert_false (ss_payload_store_export (store, nowhere, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  ss_test_mirror_clear (&mirror);
}

typedef struct
{
  const char *what;
  const char *data;
  gssize      len;
  const char *problem;    /* a part of the message */
} Corrupt;

#define HEAD "[Sockscope Payloads]\nVersion=1\n\n[Payload 1]\nName=a\n"

static const Corrupt corrupt_files[] = {
  { "garbage bytes", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe", 18, "line 1: this line is not UTF-8 text" },
  { "binary in a value", HEAD "Content=he\0llo\n", sizeof (HEAD "Content=he\0llo\n") - 1,
    "line 6: this line is not UTF-8 text" },
  { "not a key file", "hello world\n", -1,
    "line 1: this line is not a [group], a key=value pair or a # comment" },
  { "cut in a group", HEAD "Content=a\n\n[Payl", -1,
    "line 8: a group starts with [ and ends with ]" },
  { "cut in a key", HEAD "Content=a\n\n[Payload 2]\nName=b\nEncod", -1,
    "line 10: this line is not a [group], a key=value pair or a # comment" },
  { "cut before Content", HEAD "Encoding=text\n", -1,
    "line 4: [Payload 1] has no Content" },
  { "unknown encoding", HEAD "Encoding=utf16\nContent=x\n", -1,
    "line 6: [Payload 1] has an unknown Encoding “utf16”" },
  { "unknown line ending", HEAD "LineEnding=lfcr\nContent=x\n", -1,
    "line 6: [Payload 1] has an unknown LineEnding “lfcr”" },
  { "missing Content", HEAD "Encoding=hex\nLineEnding=lf\n\n[Payload 2]\nContent=x\n", -1,
    "line 4: [Payload 1] has no Content" },
  { "newer version", "[Sockscope Payloads]\nVersion=2\n\n[Payload 1]\nContent=x\n", -1,
    "line 2: Version 2 is from a newer Sockscope" },
  { "bad version", "[Sockscope Payloads]\nVersion=one\n", -1,
    "line 2: Version “one” is not a version number" },
  { "no header", "[Payload 1]\nContent=x\n", -1,
    "line 1: the first group must be [Sockscope Payloads]" },
  { "key before a group", "# hello\nContent=x\n", -1,
    "line 2: a key=value line before the first [group]" },
  { "a group twice", HEAD "Content=a\n[Payload 2]\nContent=b\n[Payload 1]\nContent=c\n", -1,
    "line 9: [Payload 1] is here a second time (first on line 4)" },
  { "a key twice", HEAD "Content=a\nName=b\n", -1,
    "line 7: [Payload 1] has Name a second time (first on line 5)" },
  { "bad group name", "[Sockscope Payloads]\n[]\n", -1, "line 2: this is not a group name" },
  { "unknown checksum", HEAD "Checksum=crc17\nContent=x\n", -1,
    "line 6: [Payload 1] Checksum “crc17”: the algorithm is" },
  { "bad checksum range", HEAD "Content=x\nChecksum=crc8,from=x\n", -1,
    "line 7: [Payload 1] Checksum “crc8,from=x”: from and skip-end are byte counts" },
  { "bad quick send", HEAD "QuickSend=maybe\nContent=x\n", -1,
    "line 6: [Payload 1] has QuickSend “maybe”: it is true or false" },
  { "bad key name", HEAD " Con[tent=x\n", -1, "line 6: “Con[tent” is not a key name" },
};

static void
test_corrupt (gconstpointer data)
{
  const Corrupt *corrupt = data;
  g_autofree char *path = test_path ("payloads.ini");
  g_autofree char *export_path = test_path ("exported.ini");
  g_autofree char *import_path = test_path ("good.ini");
  g_autoptr(SsPayloadStore) store = ss_payload_store_new (path);
  g_autoptr(SsPayload) p = ss_payload_new ("p", SS_ENCODING_TEXT, "p", SS_LINE_ENDING_NONE);
  g_autoptr(GError) error = NULL;
  gsize len = corrupt->len >= 0 ? (gsize) corrupt->len : strlen (corrupt->data);
  g_autofree char *on_disk = NULL;
  gsize on_disk_len;
  SsTestMirror mirror;

  /* a store that had a list, then the file broke under it */
  write_file (path, HEAD "Content=a\n", -1);
  g_assert_true (ss_payload_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  ss_test_mirror_init (&mirror, store);

  write_file (path, corrupt->data, len);
  g_assert_false (ss_payload_store_load (store, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  g_test_message ("%s: %s", corrupt->what, error->message);
  g_assert_true (g_str_has_prefix (error->message, "“"));
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, corrupt->problem));
  g_clear_error (&error);
  g_assert_true (ss_payload_store_get_broken (store));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpuint (mirror.n_signals, ==, 1);
  ss_test_mirror_check (&mirror);

  /* nothing writes over it, whatever the list holds */
  ss_payload_store_put (store, p);
  g_assert_false (ss_payload_store_save (store, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "could not be read, so it is left as it is"));
  g_clear_error (&error);
  g_assert_false (ss_payload_store_export (store, export_path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (g_file_test (export_path, G_FILE_TEST_EXISTS));
  write_file (import_path, HEAD "Content=b\n", -1);
  g_assert_cmpuint (ss_payload_store_import (store, import_path, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  on_disk = read_file (path, &on_disk_len);
  g_assert_cmpmem (on_disk, on_disk_len, corrupt->data, len);

  /* still broken after another try; fixed once the file is */
  g_assert_false (ss_payload_store_load (store, NULL));
  g_assert_false (ss_payload_store_save (store, NULL));
  g_clear_pointer (&on_disk, g_free);
  on_disk = read_file (path, &on_disk_len);
  g_assert_cmpmem (on_disk, on_disk_len, corrupt->data, len);

  write_file (path, HEAD "Content=fixed\n", -1);
  g_assert_true (ss_payload_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_false (ss_payload_store_get_broken (store));
  assert_payload (item_at (store, 0), "a", SS_ENCODING_TEXT, "fixed", SS_LINE_ENDING_NONE);
  save_store (store);
  ss_test_mirror_check (&mirror);

  ss_test_mirror_clear (&mirror);
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

/* A file that cannot be read at all (a folder) is broken too. */
static void
test_unreadable (gconstpointer data)
{
  g_autofree char *path = test_path ("a-folder.ini");
  g_autoptr(SsPayloadStore) store = ss_payload_store_new (path);
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_signal_connect (store, "notify::broken", G_CALLBACK (notify_cb), &notified);
  g_assert_false (ss_payload_store_load (store, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_true (ss_payload_store_get_broken (store));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_false (ss_payload_store_save (store, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  g_assert_false (ss_payload_store_load (store, NULL));
  g_assert_cmpuint (notified, ==, 1);
}

/* What a person may write by hand, beyond what the writer writes. */
/* A checksum and a payload kept off the buttons are written only when
 * they are there, and come back; the bytes have the checksum before the
 * line ending. */
static void
test_checksum_quick_send (gconstpointer data)
{
  g_autofree char *path = test_path ("payloads.ini");
  g_autoptr(SsPayloadStore) store = ss_payload_store_new (path);
  g_autoptr(SsPayloadStore) again = NULL;
  g_autoptr(SsChecksum) modbus = ss_checksum_parse ("crc16-modbus,from=1", NULL);
  g_autoptr(SsPayload) summed = ss_payload_new_full ("Read", SS_ENCODING_HEX, "7e 01 03 00 00 00 01",
                                                     SS_LINE_ENDING_CRLF, modbus, TRUE);
  g_autoptr(SsPayload) hidden = ss_payload_new_full ("Quiet", SS_ENCODING_TEXT, "x",
                                                     SS_LINE_ENDING_NONE, NULL, FALSE);
  g_autoptr(SsPayload) past = ss_payload_new_full ("Past", SS_ENCODING_TEXT, "",
                                                   SS_LINE_ENDING_NONE, modbus, TRUE);
  g_autoptr(SsPayload) copy = ss_payload_copy_as (summed, "Copy", FALSE);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize start = 99, end = 99;

  ss_payload_store_put (store, summed);
  ss_payload_store_put (store, hidden);
  save_store (store);
  text = read_file (path, NULL);
  g_assert_nonnull (strstr (text, "Checksum=crc16-modbus,from=1\n"));
  g_assert_nonnull (strstr (text, "QuickSend=false\n"));
  g_assert_cmpuint (strstr (text, "QuickSend") - text, >, strstr (text, "Quiet") - text);

  again = load_store (path);
  g_assert_true (ss_payload_equal (item_at (again, 0), summed));
  g_assert_true (ss_payload_get_quick_send (item_at (again, 0)));
  g_assert_false (ss_payload_get_quick_send (item_at (again, 1)));
  g_assert_true (ss_checksum_is_none (ss_payload_get_checksum (item_at (again, 1))));

  bytes = ss_payload_to_bytes (item_at (again, 0), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   "\x7e\x01\x03\x00\x00\x00\x01\x84\x0a\r\n", 11);
  g_assert_false (ss_payload_equal (summed, hidden));

  /* the order is the buttons': moved, and kept */
  ss_payload_store_put (again, past);
  ss_payload_store_move (again, 2, 0);
  ss_payload_store_move (again, 1, 2);
  g_assert_cmpstr (ss_payload_get_name (item_at (again, 0)), ==, "Past");
  g_assert_cmpstr (ss_payload_get_name (item_at (again, 1)), ==, "Quiet");
  g_assert_cmpstr (ss_payload_get_name (item_at (again, 2)), ==, "Read");
  save_store (again);
  {
    g_autoptr(SsPayloadStore) third = load_store (path);

    assert_same_payloads (again, third);
  }
  g_assert_true (ss_payload_equal (summed, copy));
  g_assert_false (ss_payload_get_quick_send (copy));
  g_assert_cmpstr (ss_payload_get_name (copy), ==, "Copy");

  /* the range past the end of an empty payload: an error, at no place in the text */
  g_assert_null (ss_payload_to_bytes (past, &start, &end, &error));
  g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_RANGE);
  g_assert_cmpuint (start, ==, 0);
  g_assert_cmpuint (end, ==, 0);
}

static void
test_hand_written (gconstpointer data)
{
  static const char text[] =
    "# my payloads\r\n"
    "[Sockscope Payloads]\r\n"
    "\r\n"
    "[Login]\r\n"
    "  Name = Login\r\n"
    "Encoding = Hex \r\n"
    "Content=48 65\r\n"
    "Comment=an unknown key is ignored\r\n"
    "  # an indented comment\r\n"
    "[Escapes]\r\n"
    "Content=\\x00\\r\\n\\\\x01\\s\r\n"
    "Encoding=escapes\r\n"
    "LineEnding=CRLF\r\n"
    "Name[de]=Fluchten\r\n"
    "[Bare]\n"
    "Content=  just text";
  g_autofree char *path = test_path ("payloads.ini");
  g_autoptr(SsPayloadStore) store = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  write_file (path, text, -1);
  store = load_store (path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  assert_payload (item_at (store, 0), "Login", SS_ENCODING_HEX, "48 65", SS_LINE_ENDING_NONE);
  /* \x00 is not a GKeyFile escape: it reaches the escapes decoder as is */
  assert_payload (item_at (store, 1), NULL, SS_ENCODING_ESCAPED, "\\x00\r\n\\x01 ", SS_LINE_ENDING_CRLF);
  assert_payload (item_at (store, 2), NULL, SS_ENCODING_TEXT, "just text", SS_LINE_ENDING_NONE);

  bytes = ss_payload_to_bytes (item_at (store, 1), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   "\0\r\n\1 \r\n", 7);

  /* written back in the usual form, and read back the same */
  save_store (store);
  {
    g_autoptr(SsPayloadStore) again = load_store (path);

    assert_same_payloads (store, again);
  }

  /* an empty file and a file of comments are empty lists */
  write_file (path, "", 0);
  g_clear_object (&store);
  store = load_store (path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  write_file (path, "# nothing yet\n\n", -1);
  g_assert_true (ss_payload_store_load (store, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

static void
test_default_path (gconstpointer data)
{
  g_autofree char *path = ss_payload_store_dup_default_path ("payloads.ini");
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "sockscope", "payloads.ini", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(SsPayloadStore) store = NULL;
  g_autoptr(SsPayload) p = ss_payload_new ("p", SS_ENCODING_TEXT, "p", SS_LINE_ENDING_NONE);
  GStatBuf st;

  g_assert_cmpstr (path, ==, expected);
  /* the isolated test dir, never the real one */
  g_assert_true (g_str_has_prefix (g_get_user_data_dir (), g_get_tmp_dir ()));

  /* saving makes the folder, private */
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  store = load_store (path);
  ss_payload_store_put (store, p);
  save_store (store);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_clear_object (&store);
  store = load_store (path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
}

/* GLib's isolated dirs drop the previous test's strings without freeing
 * them, since callers may still hold them: kept reachable here, so that
 * the leak checks of the sanitizer build see only our own leaks. */
static void
keep_user_dirs (void)
{
  static GPtrArray *kept;

  if (kept == NULL)
    kept = g_ptr_array_new ();
  g_ptr_array_add (kept, (gpointer) g_get_home_dir ());
  g_ptr_array_add (kept, (gpointer) g_get_user_data_dir ());
  g_ptr_array_add (kept, (gpointer) g_get_user_cache_dir ());
  g_ptr_array_add (kept, (gpointer) g_get_user_config_dir ());
  g_ptr_array_add (kept, (gpointer) g_get_user_state_dir ());
  g_ptr_array_add (kept, (gpointer) g_get_user_runtime_dir ());
  g_ptr_array_add (kept, (gpointer) g_get_system_data_dirs ());
  g_ptr_array_add (kept, (gpointer) g_get_system_config_dirs ());
}

typedef struct
{
  GTestDataFunc func;
  gconstpointer data;
} Test;

static void
run_test (gconstpointer data)
{
  const Test *test = data;

  keep_user_dirs ();
  test->func (test->data);
}

static void
add_test (const char    *path,
          GTestDataFunc  func,
          gconstpointer  data)
{
  Test *test = g_new (Test, 1);

  test->func = func;
  test->data = data;
  g_test_add_data_func_full (path, test, run_test, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_test ("/payload-store/missing-file", test_missing_file, NULL);
  add_test ("/payload-store/round-trip", test_round_trip, NULL);
  add_test ("/payload-store/history", test_history, NULL);
  add_test ("/payload-store/put", test_put, NULL);
  add_test ("/payload-store/import-export", test_import_export, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (corrupt_files); i++)
    {
      g_autofree char *name = g_strdup_printf ("/payload-store/corrupt/%s", corrupt_files[i].what);

      add_test (name, test_corrupt, &corrupt_files[i]);
    }
  add_test ("/payload-store/unreadable", test_unreadable, NULL);
  add_test ("/payload-store/hand-written", test_hand_written, NULL);
  add_test ("/payload-store/checksum-quick-send", test_checksum_quick_send, NULL);
  add_test ("/payload-store/default-path", test_default_path, NULL);

  return g_test_run ();
}
