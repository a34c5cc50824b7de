/* ss-recorder.c — a socket's traffic streamed to a pcapng file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <string.h>

#include "ss-recorder.h"

/* A socket has no packets to show, only bytes: each chunk becomes one or
 * more packets with made-up IP and TCP/UDP headers, so Wireshark can follow
 * the conversation with the real ports and contiguous sequence numbers. */

#define BLOCK_SHB        0x0A0D0D0Au
#define BLOCK_IDB        0x00000001u
#define BLOCK_EPB        0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define LINKTYPE_RAW     101
#define SNAPLEN          262144

#define IPV4_HEADER      20
#define IPV6_HEADER      40
#define TCP_HEADER       20
#define UDP_HEADER       8
/* The IPv4 total length is 16 bits: 65535 - 20 - 20. */
#define MAX_PAYLOAD      65495

#define TCP_FLAG_PSH     0x08
#define TCP_FLAG_ACK     0x10
#define TCP_WINDOW       65535

typedef struct
{
  guint8  addr[16];   /* 4 used for IPv4 */
  guint16 port;
} Endpoint;

/* One conversation in the file: a socket's, or one of a listener's
 * connections when the listener records them all. */
typedef struct
{
  gboolean       ipv6;
  Endpoint       ends[2];   /* [0] local, [1] peer */
  guint32        next_seq[2];
} Stream;

struct _SsRecorder
{
  GOutputStream *stream;
  gboolean       datagram;
  GArray        *streams;   /* of Stream */
  guint8        *packet;
};

static gboolean
endpoint_from_address (const SsAddress *address,
                       int              family,
                       Endpoint        *end)
{
  if (address == NULL || address->storage.ss_family != family)
    return FALSE;

  memset (end, 0, sizeof *end);
  if (family == AF_INET)
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) &address->storage;

      memcpy (end->addr, &sin->sin_addr, 4);
      end->port = g_ntohs (sin->sin_port);
    }
  else
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &address->storage;

      memcpy (end->addr, &sin6->sin6_addr, 16);
      end->port = g_ntohs (sin6->sin6_port);
    }
  return TRUE;
}

/* Unix and other families have no IP addresses: two loopback stand-ins,
 * with ports of their own in each stream so that streams stay apart. */
static void
stand_in (gboolean  ipv6,
          guint     which,
          guint     stream,
          Endpoint *end)
{
  memset (end, 0, sizeof *end);
  if (ipv6)
    end->addr[15] = which + 1;
  else
    {
      end->addr[0] = 127;
      end->addr[3] = which + 1;
    }
  end->port = (guint16) (2 * stream + which + 1);
}

static void
put16 (guint8  *p,
       guint16  value)
{
  p[0] = value >> 8;
  p[1] = value & 0xff;
}

static void
put32 (guint8  *p,
       guint32  value)
{
  p[0] = value >> 24;
  p[1] = (value >> 16) & 0xff;
  p[2] = (value >> 8) & 0xff;
  p[3] = value & 0xff;
}

static guint32
sum_words (guint32       sum,
           const guint8 *data,
           gsize         len)
{
  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (guint32) data[i] << 8 | data[i + 1];
  if (len & 1)
    sum += (guint32) data[len - 1] << 8;
  return sum;
}

static guint16
fold (guint32 sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

static gboolean
write_all (SsRecorder    *self,
           const void    *data,
           gsize          len,
           GError       **error)
{
  return g_output_stream_write_all (self->stream, data, len, NULL, NULL, error);
}

/* Blocks are written in host byte order, which the byte-order magic of the
 * section header announces. Every field is naturally aligned, so the
 * structs have no padding. */
static gboolean
write_headers (SsRecorder  *self,
               GError     **error)
{
  struct
  {
    guint32 type, length, magic;
    guint16 major, minor;
    guint32 section_length[2];   /* -1: not given */
    guint32 length_again;
  } shb = {
    BLOCK_SHB, 28, BYTE_ORDER_MAGIC, 1, 0, { G_MAXUINT32, G_MAXUINT32 }, 28
  };
  struct
  {
    guint32 type, length;
    guint16 linktype, reserved;
    guint32 snaplen, length_again;
  } idb = {
    BLOCK_IDB, 20, LINKTYPE_RAW, 0, SNAPLEN, 20
  };

  G_STATIC_ASSERT (sizeof shb == 28);
  G_STATIC_ASSERT (sizeof idb == 20);

  return write_all (self, &shb, sizeof shb, error) &&
         write_all (self, &idb, sizeof idb, error);
}

/**
 * ss_recorder_add_stream:
 * @local: (nullable): this side's address; Unix and unknown addresses get
 *   loopback stand-ins
 * @peer: (nullable): the other side's
 *
 * Another conversation in the same file (a listener records each of its
 * connections as a stream of its own). The first, number 0, is the one
 * ss_recorder_new() was given.
 *
 * Returns: the stream's number, for ss_recorder_write_stream()
 */
guint
ss_recorder_add_stream (SsRecorder      *self,
                        const SsAddress *local,
                        const SsAddress *peer)
{
  Stream stream = { 0 };
  int family = local != NULL ? local->storage.ss_family : AF_UNSPEC;
  guint n = self->streams->len;

  stream.ipv6 = family == AF_INET6;
  if (family == AF_INET || family == AF_INET6)
    {
      if (!endpoint_from_address (local, family, &stream.ends[0]))
        stand_in (stream.ipv6, 0, n, &stream.ends[0]);
      if (!endpoint_from_address (peer, family, &stream.ends[1]))
        stand_in (stream.ipv6, 1, n, &stream.ends[1]);
    }
  else
    {
      stand_in (FALSE, 0, n, &stream.ends[0]);
      stand_in (FALSE, 1, n, &stream.ends[1]);
    }
  /* Arbitrary, but distinct per direction, as real ones would be. */
  stream.next_seq[0] = 0x10000000;
  stream.next_seq[1] = 0x20000000;
  g_array_append_val (self->streams, stream);
  return n;
}

/**
 * ss_recorder_new:
 * @path: the file, replaced if it exists and readable by the user only
 * @local: (nullable): the socket's own address
 * @peer: (nullable): the address of the other end
 * @datagram: whether packets are UDP rather than TCP
 *
 * Starts a pcapng file. Addresses that are not IPv4 or IPv6 (or a missing
 * one) are shown as 127.0.0.1 port 1 and 127.0.0.2 port 2.
 *
 * Returns: (transfer full): the recorder, to be closed and freed
 */
SsRecorder *
ss_recorder_new (const char       *path,
                 const SsAddress  *local,
                 const SsAddress  *peer,
                 gboolean          datagram,
                 GError          **error)
{
  g_autoptr(SsRecorder) self = NULL;
  g_autoptr(GOutputStream) out = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Written in place, not to a temporary renamed at the end: a capture is
   * on disk as it happens, and one cut short by a crash is still there. */
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot write %s: %s"), path, g_strerror (errsv));
      return NULL;
    }
  out = g_unix_output_stream_new (fd, TRUE);

  self = g_new0 (SsRecorder, 1);
  self->stream = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), 256 * 1024);
  self->datagram = datagram;
  self->packet = g_malloc (IPV6_HEADER + TCP_HEADER + MAX_PAYLOAD);
  self->streams = g_array_new (FALSE, TRUE, sizeof (Stream));
  ss_recorder_add_stream (self, local, peer);

  if (!write_headers (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static gsize
build_packet (SsRecorder   *self,
              Stream       *stream,
              guint         from,
              const guint8 *data,
              gsize         len)
{
  const Endpoint *src = &stream->ends[from];
  const Endpoint *dst = &stream->ends[!from];
  gsize ip_len = stream->ipv6 ? IPV6_HEADER : IPV4_HEADER;
  gsize l4_len = (self->datagram ? UDP_HEADER : TCP_HEADER) + len;
  guint8 *ip = self->packet;
  guint8 *l4 = ip + ip_len;
  guint8 protocol = self->datagram ? IPPROTO_UDP : IPPROTO_TCP;
  guint32 sum;
  guint16 check;

  memset (ip, 0, ip_len + (self->datagram ? UDP_HEADER : TCP_HEADER));
  if (stream->ipv6)
    {
      ip[0] = 0x60;
      put16 (ip + 4, l4_len);
      ip[6] = protocol;
      ip[7] = 64;
      memcpy (ip + 8, src->addr, 16);
      memcpy (ip + 24, dst->addr, 16);
      sum = sum_words (0, ip + 8, 32);
    }
  else
    {
      ip[0] = 0x45;
      put16 (ip + 2, ip_len + l4_len);
      put16 (ip + 6, 0x4000);   /* don't fragment */
      ip[8] = 64;
      ip[9] = protocol;
      memcpy (ip + 12, src->addr, 4);
      memcpy (ip + 16, dst->addr, 4);
      put16 (ip + 10, fold (sum_words (0, ip, IPV4_HEADER)));
      sum = sum_words (0, ip + 12, 8);
    }
  sum += protocol + (guint32) l4_len;

  put16 (l4, src->port);
  put16 (l4 + 2, dst->port);
  if (self->datagram)
    {
      put16 (l4 + 4, l4_len);
      if (len > 0)
        memcpy (l4 + UDP_HEADER, data, len);
      check = fold (sum_words (sum, l4, l4_len));
      /* zero would mean "no checksum" */
      put16 (l4 + 6, check == 0 ? 0xffff : check);
    }
  else
    {
      put32 (l4 + 4, stream->next_seq[from]);
      put32 (l4 + 8, stream->next_seq[!from]);
      l4[12] = 5 << 4;
      l4[13] = TCP_FLAG_ACK | TCP_FLAG_PSH;
      put16 (l4 + 14, TCP_WINDOW);
      memcpy (l4 + TCP_HEADER, data, len);
      put16 (l4 + 16, fold (sum_words (sum, l4, l4_len)));
      stream->next_seq[from] += len;
    }
  return ip_len + l4_len;
}

static gboolean
write_packet (SsRecorder    *self,
              guint64        time_us,
              gsize          packet_len,
              GError       **error)
{
  static const guint8 zeros[4] = { 0 };
  gsize padding = (4 - packet_len % 4) % 4;
  guint32 total = 32 + packet_len + padding;
  guint32 head[7] = {
    BLOCK_EPB, total, 0,
    time_us >> 32, time_us & 0xffffffff,
    packet_len, packet_len,
  };

  return write_all (self, head, sizeof head, error) &&
         write_all (self, self->packet, packet_len, error) &&
         write_all (self, zeros, padding, error) &&
         write_all (self, &total, sizeof total, error);
}

/**
 * ss_recorder_write:
 * @sent: TRUE for bytes the socket sent, FALSE for bytes it received
 * @time_us: when, in microseconds since the epoch
 *
 * Appends one chunk (or datagram), split into several packets when it
 * does not fit in one IP packet.
 */
gboolean
ss_recorder_write (SsRecorder    *self,
                   gboolean       sent,
                   gint64         time_us,
                   const guint8  *data,
                   gsize          len,
                   GError       **error)
{
  return ss_recorder_write_stream (self, 0, sent, time_us, data, len, error);
}

/**
 * ss_recorder_write_stream:
 * @stream: a number ss_recorder_add_stream() gave
 *
 * ss_recorder_write() for one of the file's streams.
 */
gboolean
ss_recorder_write_stream (SsRecorder    *self,
                          guint          stream,
                          gboolean       sent,
                          gint64         time_us,
                          const guint8  *data,
                          gsize          len,
                          GError       **error)
{
  guint from = sent ? 0 : 1;
  gsize offset = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (stream < self->streams->len, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (self->stream != NULL, FALSE);

  /* an empty TCP segment carries nothing to follow; an empty datagram does */
  if (len == 0 && !self->datagram)
    return TRUE;

  do
    {
      gsize n = MIN (len - offset, MAX_PAYLOAD);
      gsize packet_len = build_packet (self, &g_array_index (self->streams, Stream, stream), from,
                                       data != NULL ? data + offset : data, n);

      if (!write_packet (self, MAX (time_us, 0), packet_len, error))
        return FALSE;
      offset += n;
    }
  while (offset < len);
  return TRUE;
}

/* What is buffered goes to the file: after a burst, so a capture on disk
 * is never far behind. */
gboolean
ss_recorder_flush (SsRecorder  *self,
                   GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->stream == NULL)
    return TRUE;
  return g_output_stream_flush (self->stream, NULL, error);
}

/**
 * ss_recorder_close:
 *
 * Flushes and closes the file. Later writes are not allowed; the recorder
 * still has to be freed.
 */
gboolean
ss_recorder_close (SsRecorder  *self,
                   GError     **error)
{
  g_autoptr(GOutputStream) stream = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  stream = g_steal_pointer (&self->stream);
  if (stream == NULL)
    return TRUE;
  return g_output_stream_close (stream, NULL, error);
}

void
ss_recorder_free (SsRecorder *self)
{
  if (self == NULL)
    return;
  if (self->stream != NULL)
    ss_recorder_close (self, NULL);
  g_free (self->packet);
  g_array_unref (self->streams);
  g_free (self);
}

/* "capture.pcapng", then "capture-2.pcapng", "capture-3.pcapng" … */
char *
ss_recorder_numbered_path (const char *path,
               guint       n)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *numbered = NULL;
  const char *dot = strrchr (base, '.');

  if (n <= 1)
    return g_strdup (path);
  if (dot != NULL && dot != base)
    numbered = g_strdup_printf ("%.*s-%u%s", (int) (dot - base), base, n, dot);
  else
    numbered = g_strdup_printf ("%s-%u", base, n);
  return g_build_filename (dir, numbered, NULL);
}
