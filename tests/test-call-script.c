/* test-call-script.c — the call transcript exported as Python, replayed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-test"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ss-session.h"
#include "ss-test-socket.h"
#include "ss-test-util.h"

#define TIMEOUT_MS 20000

static void
test_python_notation (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  SsCallLog *calls = ss_session_get_calls (session);
  g_autoptr(GBytes) big = NULL;
  g_autofree char *script_line = NULL;
  SsCall *call;
  guint8 data[200];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = i;
  big = g_bytes_new (data, sizeof data);
  call = ss_call_log_record_payload (calls, 3, "sendall", "3, …, 200", "sk3.sendall(" SS_CALL_PAYLOAD ")",
                                     big, 200, 0);

  /* what people read is cut short; the script has every byte */
  g_assert_nonnull (strstr (ss_call_get_python (call), "sk3.sendall(b'"));
  g_assert_nonnull (strstr (ss_call_get_python (call), "…"));
  script_line = ss_call_dup_script (call);
  g_assert_null (strstr (script_line, "…"));
  g_assert_nonnull (strstr (script_line, "\\xc7"));
}

/* A session made through the core, exported, then run by Python against
 * the same live peer: the peer must receive the same bytes in order. */
static void
test_replay (void)
{
  g_autoptr(SsSession) session = ss_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) python = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GBytes) tail = g_bytes_new_static ("tail", 4);
  g_autofree char *python3 = g_find_program_in_path ("python3");
  g_autofree char *address = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *script = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree guint8 *payload = NULL;
  SsSocket *client, *doomed;
  guint16 port;
  int listener, peer;
  const gsize payload_len = 100000;

  if (python3 == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }

  listener = ss_test_raw_listener (AF_INET, 0, &port);
  address = g_strdup_printf ("127.0.0.1:%u", port);
  refused = g_strdup_printf ("127.0.0.1:%u", ss_test_unused_port (AF_INET));

  /* a failed call stays in the transcript; the script goes on past it */
  doomed = ss_test_create (session, AF_INET, SOCK_STREAM);
  g_assert_false (ss_test_connect (doomed, refused, NULL));

  client = ss_test_create (session, AF_INET, SOCK_STREAM);
  ss_test_connect_ok (client, address);
  peer = ss_test_raw_accept (listener, TIMEOUT_MS);

  payload = g_malloc (payload_len);
  for (gsize i = 0; i < payload_len; i++)
    payload[i] = (i * 7) & 0xff;
  ss_test_send_ok (client, "hello 你好\0\xff'\"\\", 18);
  ss_test_send_ok (client, payload, payload_len);
  g_assert_cmpint (ss_socket_send_once (client, tail, NULL, &error), ==, 4);
  g_assert_no_error (error);
  ss_socket_close (client);
  first = ss_test_raw_recv (peer, G_MAXSIZE, TRUE, TIMEOUT_MS);
  close (peer);

  script = ss_call_log_to_python (ss_session_get_calls (session));
  dir = g_dir_make_tmp ("sockscope-script-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "session.py", NULL);
  g_assert_true (g_file_set_contents (path, script, -1, &error));

  python = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, python3, path, NULL);
  g_assert_no_error (error);
  peer = ss_test_raw_accept (listener, TIMEOUT_MS);
  second = ss_test_raw_recv (peer, G_MAXSIZE, TRUE, TIMEOUT_MS);
  g_assert_true (g_subprocess_wait_check (python, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (g_bytes_get_size (first), ==, 18 + payload_len + 4);
  g_assert_true (g_bytes_equal (first, second));

  close (peer);
  close (listener);
  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (dir));
  (void) doomed;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/call-script/python-notation", test_python_notation);
  g_test_add_func ("/call-script/replay", test_replay);

  return g_test_run ();
}
