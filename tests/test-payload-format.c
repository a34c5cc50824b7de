/* test-payload-format.c — a payload shown as text, a hex dump, a C array
 * and a Python bytes literal, whole and cut off
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <string.h>

#include "ss-payload-format.h"

#define ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

typedef struct
{
  const char      *name;
  const char      *data;
  gsize            len;
  SsPayloadFormat  format;
  gsize            max_len;
  const char      *expected;
} Case;

#define BYTES(s) s, sizeof (s) - 1

static const Case cases[] = {
  /* empty */
  { "empty/text", BYTES (""), SS_PAYLOAD_TEXT, 0, "" },
  { "empty/hex", BYTES (""), SS_PAYLOAD_HEX_DUMP, 0, "" },
  { "empty/c", BYTES (""), SS_PAYLOAD_C_ARRAY, 0, "unsigned char data[0] = { };\n" },
  { "empty/python", BYTES (""), SS_PAYLOAD_PYTHON, 0, "b''" },

  /* a NUL among text */
  { "nul/text", BYTES ("AB\0"), SS_PAYLOAD_TEXT, 0, "AB\\0" },
  { "nul/hex", BYTES ("AB\0"), SS_PAYLOAD_HEX_DUMP, 0,
    "00000000  41 42 00                                          |AB.|\n"
    "00000003\n" },
  { "nul/c", BYTES ("AB\0"), SS_PAYLOAD_C_ARRAY, 0,
    "unsigned char data[3] = {\n"
    "  0x41, 0x42, 0x00\n"
    "};\n" },
  { "nul/python", BYTES ("AB\0"), SS_PAYLOAD_PYTHON, 0, "b'AB\\x00'" },

  /* 17 bytes: one more than a hex dump line, more than a C array line */
  { "wrap/text", BYTES ("ABCDEFGHIJKLMNOPQ"), SS_PAYLOAD_TEXT, 0, "ABCDEFGHIJKLMNOPQ" },
  { "wrap/hex", BYTES ("ABCDEFGHIJKLMNOPQ"), SS_PAYLOAD_HEX_DUMP, 0,
    "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n"
    "00000010  51                                                |Q|\n"
    "00000011\n" },
  { "wrap/c", BYTES ("ABCDEFGHIJKLMNOPQ"), SS_PAYLOAD_C_ARRAY, 0,
    "unsigned char data[17] = {\n"
    "  0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c,\n"
    "  0x4d, 0x4e, 0x4f, 0x50, 0x51\n"
    "};\n" },
  { "wrap/python", BYTES ("ABCDEFGHIJKLMNOPQ"), SS_PAYLOAD_PYTHON, 0, "b'ABCDEFGHIJKLMNOPQ'" },
  /* a long literal is split, so that no line grows with the payload */
  { "wrap/python-split", BYTES (ALPHABET "abcdefg"), SS_PAYLOAD_PYTHON, 0,
    "(b'" ALPHABET "abcdef'\n"
    " b'g')" },

  /* bytes from 0x80: invalid UTF-8, a valid "é", a lone continuation byte */
  { "high/text", BYTES ("\xff\xc3\xa9\x80"), SS_PAYLOAD_TEXT, 0, "\\xff\xc3\xa9\\x80" },
  { "high/hex", BYTES ("\xff\xc3\xa9\x80"), SS_PAYLOAD_HEX_DUMP, 0,
    "00000000  ff c3 a9 80                                       |....|\n"
    "00000004\n" },
  { "high/c", BYTES ("\xff\xc3\xa9\x80"), SS_PAYLOAD_C_ARRAY, 0,
    "unsigned char data[4] = {\n"
    "  0xff, 0xc3, 0xa9, 0x80\n"
    "};\n" },
  { "high/python", BYTES ("\xff\xc3\xa9\x80"), SS_PAYLOAD_PYTHON, 0, "b'\\xff\\xc3\\xa9\\x80'" },

  /* text keeps line breaks, after their escape */
  { "newline/text", BYTES ("a\nb"), SS_PAYLOAD_TEXT, 0, "a\\n\nb" },
  { "newline/python", BYTES ("a\nb'"), SS_PAYLOAD_PYTHON, 0, "b'a\\nb\\''" },

  /* cut off by max_len: the last line says how much is not shown */
  { "cut/text", BYTES ("ABCDEFGHIJ"), SS_PAYLOAD_TEXT, 4,
    "ABCD\n"
    "(6 more bytes not shown)" },
  { "cut/hex", BYTES ("ABCDEFGHIJ"), SS_PAYLOAD_HEX_DUMP, 4,
    "00000000  41 42 43 44                                       |ABCD|\n"
    "00000004\n"
    "(6 more bytes not shown)" },
  { "cut/c", BYTES ("ABCDEFGHIJ"), SS_PAYLOAD_C_ARRAY, 4,
    "unsigned char data[4] = {\n"
    "  0x41, 0x42, 0x43, 0x44\n"
    "};\n"
    "(6 more bytes not shown)" },
  { "cut/python", BYTES ("ABCDEFGHIJ"), SS_PAYLOAD_PYTHON, 4,
    "b'ABCD'\n"
    "(6 more bytes not shown)" },
  { "cut/one-byte", BYTES ("ABCDE"), SS_PAYLOAD_TEXT, 4,
    "ABCD\n"
    "(1 more byte not shown)" },
  /* the cut splits "é": its first byte is escaped, never half a character */
  { "cut/mid-character", BYTES ("A\xc3\xa9"), SS_PAYLOAD_TEXT, 2,
    "A\\xc3\n"
    "(1 more byte not shown)" },
  { "cut/exact-length", BYTES ("ABCD"), SS_PAYLOAD_TEXT, 4, "ABCD" },
};

static char *
format (const void      *data,
        gsize            len,
        SsPayloadFormat  payload_format,
        gsize            max_len)
{
  char *text = ss_payload_format (data, len, payload_format, max_len);

  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  return text;
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *text = format (c->data, c->len, c->format, c->max_len);

  g_assert_cmpstr (text, ==, c->expected);
}

/* Any bytes, any cut: always valid UTF-8, and never more than the cut. */
static void
test_random_valid_utf8 (void)
{
  GRand *rand = g_rand_new_with_seed (4);

  for (guint round = 0; round < 500; round++)
    {
      gsize len = g_rand_int_range (rand, 0, 200);
      g_autofree guint8 *data = g_malloc (len + 1);
      gsize max_len = g_rand_int_range (rand, 0, 64);

      for (gsize i = 0; i < len; i++)
        data[i] = g_rand_int_range (rand, 0, 256);
      for (SsPayloadFormat f = SS_PAYLOAD_TEXT; f <= SS_PAYLOAD_PYTHON; f++)
        {
          g_autofree char *text = format (data, len, f, max_len);

          g_assert_true ((strstr (text, "not shown)") != NULL) == (max_len > 0 && len > max_len));
        }
    }
  g_rand_free (rand);
}

/* A mebibyte, as the details pane shows at most: one line per 16 bytes. */
static void
test_hex_dump_big (void)
{
  gsize len = 1024 * 1024;
  g_autofree guint8 *data = g_malloc (len + 1);
  g_autofree char *text = NULL;
  gsize lines = 0;

  for (gsize i = 0; i <= len; i++)
    data[i] = i * 7;
  text = format (data, len + 1, SS_PAYLOAD_HEX_DUMP, len);
  for (const char *p = text; *p != '\0'; p++)
    lines += *p == '\n';
  g_assert_cmpuint (lines, ==, len / 16 + 1);
  g_assert_true (g_str_has_suffix (text, "|\n00100000\n(1 more byte not shown)"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/payload-format/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/payload-format/random-valid-utf8", test_random_valid_utf8);
  g_test_add_func ("/payload-format/hex-dump-1mib", test_hex_dump_big);

  return g_test_run ();
}
