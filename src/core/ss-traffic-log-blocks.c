/* ss-traffic-log-blocks.c — the blocks a traffic log keeps its payload in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <string.h>
#include <sys/mman.h>
#if defined (__SSE2__)
#include <emmintrin.h>
#endif

#include "ss-traffic-log-private.h"

/* Blocks this large are mappings of their own, not malloc()'s: in a flood
 * the evicted blocks a view still held went back to malloc's heap, which
 * kept their pages and cut them up among small allocations, so new blocks
 * grew the heap (with the window open, a fifth of it was free space at
 * the peak). A mapping's pages go back to the system when it goes. */
#define MAPPED_BLOCK_MIN (64 * 1024)

Block *
ss_traffic_block_new (gsize size)
{
  Block *block = NULL;
  gboolean mapped = FALSE;

  if (size >= MAPPED_BLOCK_MIN)
    {
      void *map = mmap (NULL, sizeof (Block) + size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

      mapped = map != MAP_FAILED;
      if (mapped)
        block = map;
    }
  if (!mapped)
    block = g_malloc (sizeof (Block) + size);
  block->mapped = mapped;
  g_atomic_ref_count_init (&block->ref);
  block->size = size;
  block->used = 0;
  memset (block->bytes, 0, sizeof block->bytes);
  return block;
}

Block *
ss_traffic_block_ref (Block *block)
{
  g_atomic_ref_count_inc (&block->ref);
  return block;
}

void
ss_traffic_block_unref (gpointer data)
{
  Block *block = data;

  if (!g_atomic_ref_count_dec (&block->ref))
    return;
  if (block->mapped)
    munmap (block, sizeof (Block) + block->size);
  else
    g_free (block);
}

guint64
ss_traffic_block_payload (const Block *block)
{
  guint64 payload = 0;

  for (guint kind = 0; kind < SS_TRAFFIC_EVENT; kind++)
    payload += block->bytes[kind];
  return payload;
}

/* In a flood every block is full-sized: reusing one saves the page
 * faults of a fresh megabyte each time. */
void
ss_traffic_log_recycle (SsTrafficLog *self,
                        Block        *block)
{
  if (self->spare == NULL && block->size == BLOCK_SIZE)
    {
      block->used = 0;
      memset (block->bytes, 0, sizeof block->bytes);
      self->spare = block;
    }
  else
    ss_traffic_block_unref (block);
}

/* Pinned blocks that only the log still holds go (the rows that showed
 * them have moved on). */
void
ss_traffic_log_release_pinned (SsTrafficLog *self)
{
  for (guint i = 0; i < self->pinned->len;)
    {
      Block *block = g_ptr_array_index (self->pinned, i);

      if (!g_atomic_ref_count_compare (&block->ref, 1))
        {
          i++;
          continue;
        }
      self->pinned_payload -= ss_traffic_block_payload (block);
      ss_traffic_log_recycle (self, g_ptr_array_steal_index_fast (self->pinned, i));
    }
}

/* A flood's chunk goes where nothing reads it soon: stores that bypass
 * the cache spare the memory the read of each line before its write, and
 * the cache the bytes (a relay sends from its hot receive buffer, and
 * framings scan the chunk as it came, ss_traffic_log_tell_framings()).
 * Not for a person's small chunk. */
void
ss_traffic_block_store (guint8       *dest,
                        const guint8 *src,
                        gsize         len)
{
#if defined (__SSE2__)
  if (len >= 16 * 1024)
    {
      gsize head = (16 - ((guintptr) dest & 15)) & 15;

      memcpy (dest, src, head);
      dest += head;
      src += head;
      len -= head;
      for (; len >= 64; len -= 64, dest += 64, src += 64)
        {
          __m128i a = _mm_loadu_si128 ((const __m128i *) src);
          __m128i b = _mm_loadu_si128 ((const __m128i *) (src + 16));
          __m128i c = _mm_loadu_si128 ((const __m128i *) (src + 32));
          __m128i d = _mm_loadu_si128 ((const __m128i *) (src + 48));

          _mm_stream_si128 ((__m128i *) dest, a);
          _mm_stream_si128 ((__m128i *) (dest + 16), b);
          _mm_stream_si128 ((__m128i *) (dest + 32), c);
          _mm_stream_si128 ((__m128i *) (dest + 48), d);
        }
      /* ordered before anything that reads them: a view, another thread */
      _mm_sfence ();
    }
#endif
  memcpy (dest, src, len);
}
