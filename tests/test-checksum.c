/* test-checksum.c — checksums: the catalogue's check values, ranges at
 * their edges, byte order, the text form, verifying a message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <gio/gio.h>
#include <string.h>

#include "ss-checksum.h"

static const guint8 check_input[] = "123456789";

static GBytes *
compute (const char   *spec_text,
         const guint8 *data,
         gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsChecksum) spec = ss_checksum_parse (spec_text, &error);
  GBytes *sum;

  g_assert_no_error (error);
  sum = ss_checksum_compute (spec, data, len, &error);
  g_assert_no_error (error);
  return sum;
}

static void
assert_bytes (GBytes     *bytes,
              const char *hex)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *got = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (got, "%02x", data[i]);
  g_assert_cmpstr (got->str, ==, hex);
  g_string_free (got, TRUE);
}

/* Each algorithm's check value for "123456789", from Greg Cook's CRC
 * catalogue (reveng), written most significant byte first. */
static void
test_catalogue (void)
{
  static const struct { const char *spec; const char *check; } cases[] = {
    { "sum8", "dd" },                    /* 0x31 + … + 0x39 = 0x1dd */
    { "xor8", "31" },
    { "crc8", "f4" },                    /* CRC-8/SMBUS */
    { "crc16-modbus,order=big", "4b37" },
    { "crc16-ccitt-false", "29b1" },     /* CRC-16/IBM-3740 */
    { "crc16-xmodem", "31c3" },
    { "crc16-arc,order=big", "bb3d" },
    { "crc32,order=big", "cbf43926" },   /* CRC-32/ISO-HDLC */
    { "lrc", "23" },                     /* -0xdd */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) sum = compute (cases[i].spec, check_input, 9);

      g_test_message ("%s", cases[i].spec);
      assert_bytes (sum, cases[i].check);
    }
}

/* Modbus RTU, ARC and CRC-32 go low byte first unless told otherwise. */
static void
test_order (void)
{
  g_autoptr(GBytes) modbus = compute ("crc16-modbus", check_input, 9);
  g_autoptr(GBytes) arc = compute ("crc16-arc", check_input, 9);
  g_autoptr(GBytes) crc32 = compute ("crc32", check_input, 9);
  g_autoptr(GBytes) xmodem = compute ("crc16-xmodem,order=little", check_input, 9);
  /* a real Modbus request: read 1 holding register at 0 of unit 1 */
  static const guint8 request[] = { 0x01, 0x03, 0x00, 0x00, 0x00, 0x01 };
  g_autoptr(GBytes) request_sum = compute ("crc16-modbus", request, sizeof request);

  assert_bytes (modbus, "374b");
  assert_bytes (arc, "3dbb");
  assert_bytes (crc32, "2639f4cb");
  assert_bytes (xmodem, "c331");
  assert_bytes (request_sum, "840a");
}

static void
test_fixed (void)
{
  g_autoptr(GBytes) sum = compute ("fixed:0D 0a", check_input, 9);
  g_autoptr(GBytes) empty = compute ("fixed:ff", NULL, 0);
  g_autoptr(GBytes) none = compute ("none", check_input, 9);
  g_autoptr(GBytes) blank = compute ("", check_input, 9);

  assert_bytes (sum, "0d0a");
  assert_bytes (empty, "ff");
  assert_bytes (none, "");
  assert_bytes (blank, "");
}

/* From byte N to the end minus M, at the edges. */
static void
test_range (void)
{
  static const guint8 frame[] = { 0xaa, 0x55, '1', '2', '3', '4', '5', '6', '7', '8', '9', 0x7e };
  g_autoptr(GBytes) inner = compute ("crc16-xmodem,from=2,skip-end=1", frame, sizeof frame);
  g_autoptr(GBytes) all_skipped = compute ("crc16-xmodem,from=6,skip-end=6", frame, sizeof frame);
  g_autoptr(GBytes) empty = compute ("crc32,order=big", NULL, 0);
  g_autoptr(GBytes) empty_sum = compute ("sum8", NULL, 0);
  g_autoptr(GBytes) empty_modbus = compute ("crc16-modbus,order=big", NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(SsChecksum) past = ss_checksum_parse ("crc16-modbus,from=10,skip-end=3", NULL);
  g_autoptr(SsChecksum) past_empty = ss_checksum_parse ("sum8,from=1", NULL);
  g_autoptr(GBytes) nothing = NULL;

  assert_bytes (inner, "31c3");
  /* an empty range is the CRC of nothing: its init xor xorout */
  assert_bytes (all_skipped, "0000");
  assert_bytes (empty, "00000000");
  assert_bytes (empty_sum, "00");
  assert_bytes (empty_modbus, "ffff");

  nothing = ss_checksum_compute (past, frame, sizeof frame, &error);
  g_assert_null (nothing);
  g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_RANGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "12"));
  g_clear_error (&error);

  nothing = ss_checksum_compute (past_empty, NULL, 0, &error);
  g_assert_null (nothing);
  g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_RANGE);
}

static void
test_apply (void)
{
  g_autoptr(SsChecksum) spec = ss_checksum_parse ("crc16-modbus", NULL);
  g_autoptr(GBytes) payload = g_bytes_new_static (check_input, 9);
  g_autoptr(GBytes) sent = ss_checksum_apply (spec, payload, NULL);
  g_autoptr(GBytes) plain = ss_checksum_apply (NULL, payload, NULL);

  g_assert_cmpuint (g_bytes_get_size (sent), ==, 11);
  g_assert_cmpmem (g_bytes_get_data (sent, NULL), 9, check_input, 9);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (sent, NULL))[9], ==, 0x37);
  g_assert_true (g_bytes_equal (plain, payload));
  g_assert_cmpuint (ss_checksum_get_size (spec), ==, 2);
  g_assert_cmpuint (ss_checksum_get_size (NULL), ==, 0);
}

static void
test_verify (void)
{
  static const guint8 good[] = { 0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0a };
  static const guint8 bad[] = { 0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0b };
  g_autoptr(SsChecksum) spec = ss_checksum_parse ("crc16-modbus", NULL);
  g_autoptr(SsChecksum) ranged = ss_checksum_parse ("sum8,from=1", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (ss_checksum_verify (spec, good, sizeof good, &error));
  g_assert_no_error (error);
  g_assert_false (ss_checksum_verify (spec, bad, sizeof bad, &error));
  g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "84 0b"));
  g_assert_nonnull (strstr (error->message, "84 0a"));
  g_clear_error (&error);

  /* shorter than the checksum itself */
  g_assert_false (ss_checksum_verify (spec, good, 1, &error));
  g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_RANGE);
  g_clear_error (&error);
  /* the range is the sender's: byte 0 skipped, 0x02 + 0x03 = 0x05 */
  g_assert_true (ss_checksum_verify (ranged, (const guint8 *) "\x7e\x02\x03\x05", 4, &error));
  g_assert_no_error (error);
  /* the checksum alone, the range skipping a byte that is not there */
  g_assert_false (ss_checksum_verify (ranged, (const guint8 *) "\x05", 1, &error));
  g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_true (ss_checksum_verify (NULL, good, sizeof good, NULL));
}

static void
test_text_form (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "", "none" },
    { "none", "none" },
    { " CRC16-Modbus ", "crc16-modbus" },
    { "crc16-modbus,order=little", "crc16-modbus" },
    { "crc16-modbus, order = big ,from=2", "crc16-modbus,from=2,order=big" },
    { "crc32,skip-end=4,from=1", "crc32,from=1,skip-end=4" },
    { "sum8,order=little", "sum8" },
    { "lrc,from=1,skip-end=2", "lrc,from=1,skip-end=2" },
    { "fixed:0D:0A", "fixed:0d0a" },
    { "fixed:aa bb,from=3", "fixed:aabb" },
  };
  static const char *bad[] = {
    "crc16", "fixed", "fixed:", "fixed:0", "fixed:zz", "crc8,from=-1", "crc8,from=x",
    "crc8,from=1,from=2", "crc8,order=middle", "crc8,size=2", "crc8,", ",from=1",
    "crc8,from=99999999999", "\xff",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SsChecksum) spec = ss_checksum_parse (cases[i].in, &error);
      g_autofree char *text = NULL;
      g_autoptr(SsChecksum) again = NULL;

      g_test_message ("“%s”", cases[i].in);
      g_assert_no_error (error);
      text = ss_checksum_to_string (spec);
      g_assert_cmpstr (text, ==, cases[i].out);
      again = ss_checksum_parse (text, &error);
      g_assert_no_error (error);
      g_assert_true (ss_checksum_equal (spec, again));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SsChecksum) spec = ss_checksum_parse (bad[i], &error);
      g_autofree char *shown = g_strescape (bad[i], NULL);

      g_test_message ("“%s”: %s", shown, error && g_utf8_validate (error->message, -1, NULL) ? error->message : "(?)");
      g_assert_null (spec);
      g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_PARSE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  {
    g_autofree char *many = g_strnfill (2 * (SS_CHECKSUM_MAX_FIXED + 1), 'a');
    g_autofree char *text = g_strconcat ("fixed:", many, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(SsChecksum) spec = ss_checksum_parse (text, &error);

    g_assert_null (spec);
    g_assert_error (error, SS_CHECKSUM_ERROR, SS_CHECKSUM_ERROR_PARSE);
  }
}

/* Every kind has a name that reads back, a label, and its width. */
static void
test_kinds (void)
{
  for (guint i = 0; i < SS_N_CHECKSUMS; i++)
    {
      SsChecksumKind kind = SS_N_CHECKSUMS;

      g_assert_true (ss_checksum_kind_from_string (ss_checksum_kind_to_string (i), &kind));
      g_assert_cmpint (kind, ==, i);
      g_assert_nonnull (ss_checksum_kind_get_label (i));
    }
  g_assert_cmpuint (ss_checksum_kind_get_width (SS_CHECKSUM_CRC32), ==, 4);
  g_assert_cmpint (ss_checksum_kind_get_order (SS_CHECKSUM_CRC16_MODBUS), ==, SS_CHECKSUM_ORDER_LITTLE);
}

/* The CRCs Python's standard library has, on random data: zlib.crc32 is
 * CRC-32, binascii.crc_hqx(data, 0) XMODEM and (data, 0xffff) CCITT-FALSE. */
static void
test_python (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  guint8 data[1000];
  g_autofree char *hex = NULL;
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) crc32 = NULL;
  g_autoptr(GBytes) xmodem = NULL;
  g_autoptr(GBytes) ccitt = NULL;
  g_autofree char *expected = NULL;
  const char *argv[] = { "python3", "-c", NULL, NULL };
  g_autofree char *python = g_find_program_in_path ("python3");
  int status;

  if (python == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  for (guint i = 0; i < sizeof data; i++)
    data[i] = g_rand_int (rand);
  hex = g_malloc (2 * sizeof data + 1);
  for (guint i = 0; i < sizeof data; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", data[i]);
  script = g_strdup_printf ("import zlib, binascii\n"
                            "d = bytes.fromhex('%s')\n"
                            "print('%%08x %%04x %%04x' %% (zlib.crc32(d), binascii.crc_hqx(d, 0), binascii.crc_hqx(d, 0xffff)))\n",
                            hex);
  argv[2] = script;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  crc32 = compute ("crc32,order=big", data, sizeof data);
  xmodem = compute ("crc16-xmodem", data, sizeof data);
  ccitt = compute ("crc16-ccitt-false", data, sizeof data);
  {
    const guint8 *a = g_bytes_get_data (crc32, NULL);
    const guint8 *b = g_bytes_get_data (xmodem, NULL);
    const guint8 *c = g_bytes_get_data (ccitt, NULL);

    expected = g_strdup_printf ("%02x%02x%02x%02x %02x%02x %02x%02x\n",
                                a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1]);
  }
  g_assert_cmpstr (out, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/checksum/catalogue", test_catalogue);
  g_test_add_func ("/checksum/order", test_order);
  g_test_add_func ("/checksum/fixed", test_fixed);
  g_test_add_func ("/checksum/range", test_range);
  g_test_add_func ("/checksum/apply", test_apply);
  g_test_add_func ("/checksum/verify", test_verify);
  g_test_add_func ("/checksum/text-form", test_text_form);
  g_test_add_func ("/checksum/kinds", test_kinds);
  g_test_add_func ("/checksum/python", test_python);

  return g_test_run ();
}
