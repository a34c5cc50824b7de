/* bench-record.c — one TCP connection on loopback receiving N bytes (4 GiB
 * unless SOCKSCOPE_BENCH_BYTES says otherwise) recorded to a file in
 * $TMPDIR: a minimal C recv() loop write()ing each chunk to a file, then
 * Sockscope's core (a listener with auto-accept, the connection recording
 * to pcapng with ss_socket_start_recording()), each in its own forked
 * child, rounds alternating. Afterwards the recording is read back: the
 * TCP payload of the received direction must hash (SHA-256) to what the
 * sender sent. Each file is deleted after its run.
 *
 * Target (issue 4): at least 0.5× the reference's throughput, and the
 * recorded payload's SHA-256 equal to the sender's. It reports, it does
 * not fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-bench"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "bench-session.h"
#include "bench-util.h"

#define MiB            (1024.0 * 1024.0)
#define TIME_LIMIT     300.0
/* not a power of two: no block, chunk or packet size lines up with it */
#define PATTERN_PERIOD 1048573
/* what a file may need besides the payload (pcapng adds some 80 bytes a
 * packet), and what is left to others on the disk */
#define SPACE_FACTOR   (1.0 + 1.0 / 16)
#define SPACE_MARGIN   ((guint64) 256 << 20)

#define BLOCK_SHB        0x0A0D0D0Au
#define BLOCK_EPB        0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

static guint8 pattern[PATTERN_PERIOD + BENCH_SEND_CHUNK];

enum { RECEIVER_CPU = BENCH_RECEIVER_CPU, SHA_EQUAL, FILE_BYTES, PACKETS };

typedef struct
{
  guint64     n_bytes;
  const char *dir;
  char        sha256[65];   /* of what the sender sends */
} Config;

static void
init_pattern (void)
{
  guint32 x = 2463534242u;

  for (gsize i = 0; i < PATTERN_PERIOD; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      pattern[i] = x >> 24;
    }
  memcpy (pattern + PATTERN_PERIOD, pattern, BENCH_SEND_CHUNK);
}

/* The sender's bytes are a function of their offset, so hashing the same
 * walk over the pattern gives the hash of what it sent, without making the
 * sender pay for it during the run. */
static void
hash_sent (guint64  n_bytes,
           char    *out)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint64 done = 0; done < n_bytes; )
    {
      gsize want = MIN (BENCH_SEND_CHUNK, n_bytes - done);

      g_checksum_update (checksum, pattern + done % PATTERN_PERIOD, want);
      done += want;
    }
  g_strlcpy (out, g_checksum_get_string (checksum), 65);
}

/* ------------------------------------------------------------------ */

static void
run_reference (gconstpointer  data,
               BenchResult   *result)
{
  const Config *config = data;
  g_autofree char *path = g_build_filename (config->dir, "reference.bin", NULL);
  BenchStreamSender sender = { 0, config->n_bytes, 0, pattern, PATTERN_PERIOD, 0 };
  GThread *thread;
  guint64 total;
  double start, cpu;
  int listener, fd, file;
  gboolean written;

  bench_pin_thread (0);
  listener = bench_loopback_socket (SOCK_STREAM, 4, &sender.port);
  file = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (file < 0)
    g_error ("%s: %s", path, g_strerror (errno));
  cpu = bench_thread_cpu ();
  start = bench_now ();
  sender.deadline = start + TIME_LIMIT;
  thread = g_thread_new ("sender", bench_stream_sender, &sender);
  fd = accept (listener, NULL, NULL);

  total = bench_recv_stream (fd, config->n_bytes, sender.deadline, file, NULL, &written);
  written &= close (file) == 0;
  result->seconds = bench_now () - start;
  result->values[RECEIVER_CPU] = bench_thread_cpu () - cpu;
  result->bytes = total;
  result->ok = total == config->n_bytes && written;
  if (!written)
    g_snprintf (result->note, sizeof result->note, "write: %s", g_strerror (errno));
  else if (!result->ok)
    g_snprintf (result->note, sizeof result->note, "received %" G_GUINT64_FORMAT " bytes", total);

  close (fd);
  g_thread_join (thread);
  close (listener);
  g_unlink (path);
}

/* ------------------------------------------------------------------ */

typedef struct
{
  guint64  bytes;
  guint64  packets;
  guint64  file_bytes;
  char    *sha256;
} Readback;

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static gboolean G_GNUC_PRINTF (3, 4)
fail (char       *note,
      gsize       note_size,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_vsnprintf (note, note_size, format, args);
  va_end (args);
  return FALSE;
}

/* Walks the pcapng file's Enhanced Packet Blocks and hashes the TCP
 * payload of the packets from @from_port, in order: their sequence
 * numbers must follow on, so a lost, doubled or reordered packet shows.
 * Returns FALSE with @note set when the file is not as written. */
static gboolean
read_blocks (FILE       *file,
             guint16     from_port,
             GChecksum  *checksum,
             Readback   *out,
             char       *note,
             gsize       note_size)
{
  g_autofree guint8 *block = g_malloc (1 << 20);
  guint32 next_seq = 0;
  gboolean have_seq = FALSE;
  guint32 head[2];

  /* blocks are in host order, as the section header's magic says */
  while (fread (head, sizeof head, 1, file) == 1)
    {
      guint32 length = head[1];
      const guint8 *packet, *tcp;
      guint32 captured, ip_len, tcp_len, payload_len, seq;

      if (length < 12 || length % 4 != 0 || length > (1 << 20))
        return fail (note, note_size, "a block of %u bytes at offset %" G_GUINT64_FORMAT,
                     length, out->file_bytes);
      if (fread (block, length - 8, 1, file) != 1)
        return fail (note, note_size, "the file ends inside a block");
      if (memcmp (block + length - 12, &length, 4) != 0)
        return fail (note, note_size, "a block's two lengths differ at offset %" G_GUINT64_FORMAT,
                     out->file_bytes);
      out->file_bytes += length;

      if (head[0] == BLOCK_SHB && memcmp (block, &(guint32) { BYTE_ORDER_MAGIC }, 4) != 0)
        return fail (note, note_size, "a section in the other byte order");
      if (head[0] != BLOCK_EPB)
        continue;

      /* interface, time (2), captured and original lengths, the packet */
      memcpy (&captured, block + 12, 4);
      if (captured < 20 || captured + 20 > length - 12)
        return fail (note, note_size, "a packet of %u bytes in a block of %u", captured, length);
      packet = block + 20;
      ip_len = (packet[0] >> 4) == 6 ? 40 : (packet[0] & 0x0f) * 4u;
      if (((packet[0] >> 4) == 6 ? packet[6] : packet[9]) != IPPROTO_TCP)
        return fail (note, note_size, "a packet that is not TCP");
      if (ip_len + 20 > captured)
        return fail (note, note_size, "a packet too short for its headers");
      tcp = packet + ip_len;
      tcp_len = (tcp[12] >> 4) * 4u;
      if (ip_len + tcp_len > captured)
        return fail (note, note_size, "a packet too short for its TCP header");
      out->packets++;
      /* the other direction: what the socket sent, nothing here */
      if ((tcp[0] << 8 | tcp[1]) != from_port)
        continue;

      payload_len = captured - ip_len - tcp_len;
      seq = get32 (tcp + 4);
      if (have_seq && seq != next_seq)
        return fail (note, note_size, "sequence %u where %u was due", seq, next_seq);
      next_seq = seq + payload_len;
      have_seq = TRUE;
      g_checksum_update (checksum, tcp + tcp_len, payload_len);
      out->bytes += payload_len;
    }
  if (ferror (file))
    return fail (note, note_size, "read: %s", g_strerror (errno));
  return TRUE;
}

static gboolean
read_back (const char *path,
           guint16     from_port,
           Readback   *out,
           char       *note,
           gsize       note_size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *file_buffer = g_malloc (4 << 20);
  FILE *file = fopen (path, "rb");
  gboolean ok;

  memset (out, 0, sizeof *out);
  if (file == NULL)
    return fail (note, note_size, "%s: %s", path, g_strerror (errno));
  setvbuf (file, file_buffer, _IOFBF, 4 << 20);
  ok = read_blocks (file, from_port, checksum, out, note, note_size);
  fclose (file);
  if (ok)
    out->sha256 = g_strdup (g_checksum_get_string (checksum));
  return ok;
}

typedef struct
{
  BenchFlood  base;
  const char *path;
  GError     *error;
} Flood;

static void
accepted_cb (SsSocket *listener,
             SsSocket *connection,
             Flood    *flood)
{
  /* from its first byte: nothing is read before the next dispatch */
  g_set_object (&flood->base.connection, connection);
  ss_socket_start_recording (connection, flood->path, &flood->error);
}

static void
run_sockscope (gconstpointer  data,
               BenchResult   *result)
{
  const Config *config = data;
  g_autofree char *path = g_build_filename (config->dir, "recording.pcapng", NULL);
  g_autoptr(SsSession) session = ss_session_new ();
  Flood flood = { .path = path };
  Readback readback = { 0 };
  gboolean recorded;

  /* its sender's local_port is what the recording shows for the sender */
  bench_flood_start (&flood.base, session, config->n_bytes, pattern, PATTERN_PERIOD, TIME_LIMIT,
                     G_CALLBACK (accepted_cb));
  while (flood.error == NULL && !bench_flood_done (&flood.base))
    g_main_context_iteration (NULL, TRUE);
  /* a write that failed (the disk full) stops the recording */
  recorded = flood.base.connection != NULL && ss_socket_get_recording (flood.base.connection);
  if (flood.base.connection != NULL)
    ss_socket_stop_recording (flood.base.connection);

  bench_flood_stop (&flood.base, result);

  if (flood.base.connection == NULL || flood.error != NULL)
    {
      g_snprintf (result->note, sizeof result->note, "%s",
                  flood.error ? flood.error->message : "no connection was accepted");
      g_clear_error (&flood.error);
      if (flood.base.connection != NULL)
        ss_socket_close (flood.base.connection);
      g_thread_join (flood.base.thread);
      g_clear_object (&flood.base.connection);
      g_unlink (path);
      return;
    }

  result->bytes = ss_socket_get_bytes_in (flood.base.connection);
  /* the sender may still be writing after a time-out */
  ss_socket_close (flood.base.connection);
  g_thread_join (flood.base.thread);
  g_clear_object (&flood.base.connection);

  if (read_back (path, flood.base.sender.local_port, &readback, result->note, sizeof result->note))
    {
      result->values[SHA_EQUAL] = g_str_equal (readback.sha256, config->sha256);
      result->values[FILE_BYTES] = readback.file_bytes;
      result->values[PACKETS] = readback.packets;
      result->ok = recorded && result->bytes == config->n_bytes &&
                   readback.bytes == config->n_bytes && result->values[SHA_EQUAL];
      if (!result->ok)
        g_snprintf (result->note, sizeof result->note,
                    "received %" G_GUINT64_FORMAT ", recorded %" G_GUINT64_FORMAT " bytes%s%s",
                    result->bytes, readback.bytes, recorded ? "" : ", the recording stopped",
                    flood.base.timed_out ? " before the time limit" : "");
      g_free (readback.sha256);
    }
  g_unlink (path);
}

/* ------------------------------------------------------------------ */

/* Room for one file at a time, each deleted after its run: a disk too
 * small scales the run down. */
static guint64
fit_space (const char *dir,
           guint64     n_bytes)
{
  struct statvfs fs;
  guint64 free_bytes, fit;

  if (statvfs (dir, &fs) != 0)
    g_error ("statvfs %s: %s", dir, g_strerror (errno));
  free_bytes = (guint64) fs.f_bavail * fs.f_frsize;
  if (free_bytes >= n_bytes * SPACE_FACTOR + SPACE_MARGIN)
    return n_bytes;

  fit = free_bytes > SPACE_MARGIN ? (guint64) ((free_bytes - SPACE_MARGIN) / SPACE_FACTOR) : 0;
  fit &= ~(((guint64) 1 << 20) - 1);
  printf ("record: %s has %.0f MiB free: %.0f MiB instead of %.0f MiB "
          "(set TMPDIR to a larger disk for the full run)\n",
          dir, free_bytes / MiB, fit / MiB, n_bytes / MiB);
  return fit;
}

static void
print_run (const char        *name,
           const BenchResult *result)
{
  printf ("  %-9s %6.2f GB/s  %7.3f s  receiver CPU %.3f s/GB  %" G_GUINT64_FORMAT " bytes  peak RSS %ld MiB",
          name, result->bytes / MAX (result->seconds, 1e-9) / 1e9, result->seconds,
          result->values[RECEIVER_CPU] / MAX (result->bytes / 1e9, 1e-9), result->bytes,
          result->maxrss_kib / 1024);
  if (result->values[FILE_BYTES] > 0)
    printf ("  pcapng %.0f MiB in %.0f packets (%.2f%% framing), sha256 equal: %s",
            result->values[FILE_BYTES] / MiB, result->values[PACKETS],
            (result->values[FILE_BYTES] / MAX (result->bytes, 1) - 1) * 100,
            result->values[SHA_EQUAL] ? "yes" : "no");
  bench_print_end (result);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_auto(BenchRounds) rounds = { 0 };
  Config config;
  long peak_rss = 0;
  double reference_gbps, sockscope_gbps, ratio;
  gboolean all_ok = TRUE, sha_equal = TRUE;

  dir = g_dir_make_tmp ("sockscope-bench-record-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  config.dir = dir;
  config.n_bytes = fit_space (dir, bench_env_size ("SOCKSCOPE_BENCH_BYTES", (guint64) 4 << 30));
  bench_rounds_init (&rounds);
  if (config.n_bytes == 0)
    {
      printf ("record: no room in %s, nothing run\n", dir);
      g_rmdir (dir);
      return 0;
    }
  init_pattern ();
  hash_sent (config.n_bytes, config.sha256);

  printf ("record: %.0f MiB over loopback TCP into files in %s, %u rounds; the sender's sha256 %s\n",
          config.n_bytes / MiB, dir, rounds.n, config.sha256);
  if (bench_only_sockscope (run_sockscope, &config, "sockscope", print_run))
    {
      g_rmdir (dir);
      return 0;
    }
  for (guint i = 0; i < rounds.n; i++)
    {
      BenchResult result;

      bench_run_print (run_reference, &config, "reference", print_run, &result);
      rounds.reference[i] = result.ok ? result.bytes / result.seconds : 0;
      rounds.reference_cpu[i] = result.values[RECEIVER_CPU] / MAX (result.bytes / 1e9, 1e-9);
      all_ok &= result.ok;

      bench_run_print (run_sockscope, &config, "sockscope", print_run, &result);
      rounds.sockscope[i] = result.ok ? result.bytes / result.seconds : 0;
      rounds.sockscope_cpu[i] = result.values[RECEIVER_CPU] / MAX (result.bytes / 1e9, 1e-9);
      peak_rss = MAX (peak_rss, result.maxrss_kib);
      sha_equal &= result.values[SHA_EQUAL] != 0;
      all_ok &= result.ok;
    }
  g_rmdir (dir);

  reference_gbps = bench_median (rounds.reference, rounds.n) / 1e9;
  sockscope_gbps = bench_median (rounds.sockscope, rounds.n) / 1e9;
  ratio = reference_gbps > 0 ? sockscope_gbps / reference_gbps : 0;
  /* the disk's writeback runs in the kernel's threads, for both alike;
   * the receiving thread's CPU time is what the recording itself costs */
  bench_print_cpu_medians (&rounds, "receiver CPU", 3, "s/GB");
  printf (")\n");
  printf ("record: reference %.2f GB/s, sockscope %.2f GB/s, ratio %.2f, sha256 equal: %s, "
          "sockscope peak RSS %ld MiB%s%s\n",
          reference_gbps, sockscope_gbps, ratio, sha_equal ? "yes" : "no", peak_rss / 1024,
          ratio < 0.5 ? ", BELOW TARGET (ratio 0.5)" : "",
          all_ok ? "" : ", RUN FAILED");
  return 0;
}
