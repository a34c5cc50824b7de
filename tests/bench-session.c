/* bench-session.c — the Sockscope side of the benchmarks: a session's
 * socket on loopback, opened as the core runs open it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <string.h>
#include <sys/socket.h>

#include "bench-session.h"

SsSocket *
bench_session_socket (SsSession *session,
                      int        type,
                      int        backlog,
                      guint16   *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsAddress) address = NULL;
  SsSocket *socket;
  const char *local;

  socket = ss_session_create_socket (session, AF_INET, type, 0, &error);
  address = ss_address_parse_numeric ("127.0.0.1:0", AF_INET, NULL, &error);
  if (socket == NULL || address == NULL || !ss_socket_bind (socket, address, &error) ||
      (backlog > 0 && !ss_socket_listen (socket, backlog, &error)))
    g_error ("%s: %s", backlog > 0 ? "listener" : "bind", error->message);
  local = ss_socket_get_local_address (socket);
  *port = (guint16) g_ascii_strtoull (strrchr (local, ':') + 1, NULL, 10);
  return socket;
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SsSocket **socket = user_data;
  g_autoptr(GError) error = NULL;

  *socket = ss_session_open_finish (SS_SESSION (object), result, &error);
  if (*socket == NULL)
    g_error ("opening the benchmark's socket: %s", error->message);
}

SsSocket *
bench_session_open (SsSession  *session,
                    const char *spec_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SsSpec) spec = ss_spec_parse (spec_text, &error);
  SsSocket *socket = NULL;

  if (spec == NULL)
    g_error ("%s: %s", spec_text, error->message);
  ss_session_open_async (session, spec, NULL, opened_cb, &socket);
  while (socket == NULL)
    g_main_context_iteration (NULL, TRUE);
  return socket;
}

gboolean
bench_check_kept_tail (SsTrafficLog *log,
                       const guint8 *pattern,
                       gsize         period,
                       char         *note,
                       gsize         note_size)
{
  guint64 evicted = 0;
  g_autoptr(GBytes) tail = ss_traffic_log_dup_payload_full (log, SS_TRAFFIC_RECEIVED, &evicted);
  gsize len;
  const guint8 *data = g_bytes_get_data (tail, &len);

  for (gsize i = 0; i < len; )
    {
      gsize at = (evicted + i) % period;
      gsize run = MIN (len - i, period - at);

      if (memcmp (data + i, pattern + at, run) != 0)
        {
          g_snprintf (note, note_size, "the log is wrong near byte %" G_GUINT64_FORMAT, evicted + i);
          return FALSE;
        }
      i += run;
    }
  return TRUE;
}

static gboolean
flood_time_limit_cb (gpointer user_data)
{
  BenchFlood *flood = user_data;

  flood->timed_out = TRUE;
  flood->timeout_id = 0;
  return G_SOURCE_REMOVE;
}

void
bench_flood_start (BenchFlood   *flood,
                   SsSession    *session,
                   guint64       n_bytes,
                   const guint8 *pattern,
                   gsize         period,
                   double        time_limit,
                   GCallback     accepted)
{
  SsSocket *listener;

  flood->n_bytes = n_bytes;
  flood->sender = (BenchStreamSender) { 0, n_bytes, 0, pattern, period, 0 };
  listener = bench_session_socket (session, SOCK_STREAM, 4, &flood->sender.port);
  ss_socket_set_auto_accept (listener, TRUE);
  bench_pin_thread (0);
  g_signal_connect (listener, "accepted", accepted, flood);

  flood->cpu = bench_thread_cpu ();
  flood->start = bench_now ();
  flood->sender.deadline = flood->start + time_limit;
  flood->timeout_id = g_timeout_add_seconds (time_limit, flood_time_limit_cb, flood);
  flood->thread = g_thread_new ("sender", bench_stream_sender, &flood->sender);
}

gboolean
bench_flood_done (BenchFlood *flood)
{
  return flood->timed_out ||
         (flood->connection != NULL &&
          (ss_socket_get_peer_closed (flood->connection) ||
           ss_socket_get_bytes_in (flood->connection) >= flood->n_bytes));
}

void
bench_flood_stop (BenchFlood  *flood,
                  BenchResult *result)
{
  result->seconds = bench_now () - flood->start;
  result->values[BENCH_RECEIVER_CPU] = bench_thread_cpu () - flood->cpu;
  result->maxrss_kib = bench_maxrss_kib ();
  g_clear_handle_id (&flood->timeout_id, g_source_remove);
}
