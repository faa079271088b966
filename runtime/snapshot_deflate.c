/*
 * snapshot_deflate.c: CRC-32 and a small zlib-format (RFC 1950/1951)
 * compressor and decompressor for snapshot memory pages.
 *
 * Why not zlib itself: produced programs are linked for x86-64 and aarch64,
 * and the aarch64 cross toolchain has no libz; a snapshot must be readable
 * on both. The compressor is LZ77 with a hash chain and the fixed Huffman
 * code (good enough for memory images, which are mostly runs and repeats);
 * the decompressor accepts any valid zlib stream (stored, fixed and dynamic
 * blocks, after Mark Adler's puff.c) and checks every bound, since snapshot
 * files are untrusted input.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

/* ---- CRC-32 (IEEE 802.3, as zlib's crc32) ------------------------------ */

uint32_t gw_crc32(const uint8_t *p, size_t len) {
  static uint32_t table[256];
  static int ready;
  if (!ready) { /* idempotent: racing threads compute the same table */
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = 1;
  }
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < len; i++) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static uint32_t adler32(const uint8_t *p, size_t len) {
  uint32_t a = 1, b = 0;
  while (len > 0) {
    size_t chunk = len < 5552 ? len : 5552; /* no overflow before modulo */
    len -= chunk;
    while (chunk--) {
      a += *p++;
      b += a;
    }
    a %= 65521u;
    b %= 65521u;
  }
  return b << 16 | a;
}

/* ---- Tables shared by both directions ---------------------------------- */

static const uint16_t LEN_BASE[29] = {3,  4,  5,  6,   7,   8,   9,   10,
                                      11, 13, 15, 17,  19,  23,  27,  31,
                                      35, 43, 51, 59,  67,  83,  99,  115,
                                      131, 163, 195, 227, 258};
static const uint8_t LEN_EXTRA[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
                                      1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                      4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t DIST_BASE[30] = {
    1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
    33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
    1025, 1537, 2049, 3073, 4097, 6145,  8193,  12289, 16385, 24577};
static const uint8_t DIST_EXTRA[30] = {0, 0, 0, 0, 1, 1, 2,  2,  3,  3,
                                       4, 4, 5, 5, 6, 6, 7,  7,  8,  8,
                                       9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/* ---- Compressor --------------------------------------------------------- */

typedef struct bit_writer {
  uint8_t *out;
  size_t pos;
  uint64_t bits;
  int count;
} bit_writer;

static void put_bits(bit_writer *w, uint32_t value, int n) {
  w->bits |= (uint64_t)value << w->count;
  w->count += n;
  while (w->count >= 8) {
    w->out[w->pos++] = (uint8_t)w->bits;
    w->bits >>= 8;
    w->count -= 8;
  }
}

/* Huffman codes go out most significant bit first. */
static void put_code(bit_writer *w, uint32_t code, int n) {
  uint32_t reversed = 0;
  for (int i = 0; i < n; i++) reversed |= ((code >> i) & 1u) << (n - 1 - i);
  put_bits(w, reversed, n);
}

static void put_litlen(bit_writer *w, unsigned sym) {
  if (sym < 144) put_code(w, 0x30 + sym, 8);
  else if (sym < 256) put_code(w, 0x190 + (sym - 144), 9);
  else if (sym < 280) put_code(w, sym - 256, 7);
  else put_code(w, 0xc0 + (sym - 280), 8);
}

static void put_match(bit_writer *w, unsigned len, unsigned dist) {
  unsigned l = 28;
  while (LEN_BASE[l] > len) l--;
  put_litlen(w, 257 + l);
  put_bits(w, len - LEN_BASE[l], LEN_EXTRA[l]);
  unsigned d = 29;
  while (DIST_BASE[d] > dist) d--;
  put_code(w, d, 5);
  put_bits(w, dist - DIST_BASE[d], DIST_EXTRA[d]);
}

#define HASH_BITS 15
#define WINDOW 32768u
#define MAX_CHAIN 4

int gw_deflate(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len) {
  /* Fixed-code literals take at most 9 bits: this bound always holds. */
  size_t cap = len + len / 8 + 64;
  bit_writer w = {.out = malloc(cap)};
  int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
  int32_t *prev = malloc(sizeof(int32_t) * WINDOW);
  if (w.out == NULL || head == NULL || prev == NULL) {
    free(w.out);
    free(head);
    free(prev);
    return -1;
  }
  memset(head, 0xff, sizeof(int32_t) << HASH_BITS); /* -1: empty */
  w.out[w.pos++] = 0x78; /* CM 8, 32 KiB window */
  w.out[w.pos++] = 0x01; /* no dictionary, check bits: 0x7801 % 31 == 0 */
  put_bits(&w, 1, 1);    /* BFINAL: one block */
  put_bits(&w, 1, 2);    /* BTYPE 01: fixed Huffman codes */
  size_t i = 0;
  while (i < len) {
    unsigned best_len = 0, best_dist = 0;
    if (i + 3 <= len) {
      uint32_t h = ((uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
                    in[i + 2]) * 2654435761u >> (32 - HASH_BITS);
      int32_t cand = head[h];
      size_t max_len = len - i < 258 ? len - i : 258;
      for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; chain++) {
        size_t dist = i - (size_t)cand;
        if (dist > WINDOW) break;
        unsigned l = 0;
        while (l < max_len && in[cand + l] == in[i + l]) l++;
        if (l > best_len) {
          best_len = l;
          best_dist = (unsigned)dist;
          if (l == max_len) break;
        }
        int32_t next = prev[cand % WINDOW];
        if (next >= cand) break; /* stale slot from an older window */
        cand = next;
      }
      prev[i % WINDOW] = head[h];
      head[h] = (int32_t)i;
    }
    if (best_len >= 3) {
      put_match(&w, best_len, best_dist);
      /* Index the positions the match covers (cheaply: a few suffice for
       * runs, all of them for short matches). */
      size_t end = i + best_len;
      for (size_t j = i + 1; j < end && j + 3 <= len; j++) {
        if (best_len > 32 && j > i + 8 && j + 8 < end) continue;
        uint32_t h = ((uint32_t)in[j] << 16 | (uint32_t)in[j + 1] << 8 |
                      in[j + 2]) * 2654435761u >> (32 - HASH_BITS);
        prev[j % WINDOW] = head[h];
        head[h] = (int32_t)j;
      }
      i = end;
    } else {
      put_litlen(&w, in[i]);
      i++;
    }
  }
  put_litlen(&w, 256); /* end of block */
  if (w.count > 0) put_bits(&w, 0, 8 - w.count);
  uint32_t check = adler32(in, len);
  w.out[w.pos++] = (uint8_t)(check >> 24);
  w.out[w.pos++] = (uint8_t)(check >> 16);
  w.out[w.pos++] = (uint8_t)(check >> 8);
  w.out[w.pos++] = (uint8_t)check;
  free(head);
  free(prev);
  *out = w.out;
  *out_len = w.pos;
  return 0;
}

/* ---- Decompressor (after puff.c) --------------------------------------- */

#define MAX_BITS 15

typedef struct inflate_state {
  const uint8_t *in;
  size_t in_len, in_pos;
  uint32_t bits;
  int count;
  uint8_t *out;
  size_t out_len, out_pos;
  int error;
} inflate_state;

typedef struct huffman {
  int16_t count[MAX_BITS + 1]; /* codes per length */
  int16_t symbol[288];         /* symbols ordered by code */
} huffman;

static uint32_t get_bits(inflate_state *s, int need) {
  uint64_t val = s->bits;
  while (s->count < need) {
    if (s->in_pos >= s->in_len) {
      s->error = 1;
      return 0;
    }
    val |= (uint64_t)s->in[s->in_pos++] << s->count;
    s->count += 8;
  }
  s->bits = (uint32_t)(val >> need);
  s->count -= need;
  return (uint32_t)(val & ((1ull << need) - 1));
}

static int decode_symbol(inflate_state *s, const huffman *h) {
  int code = 0, first = 0, index = 0;
  for (int len = 1; len <= MAX_BITS; len++) {
    code |= (int)get_bits(s, 1);
    if (s->error) return -1;
    int count = h->count[len];
    if (code - count < first) return h->symbol[index + (code - first)];
    index += count;
    first += count;
    first <<= 1;
    code <<= 1;
  }
  return -1; /* ran out of codes */
}

/* Builds a canonical code; returns 0 when complete, >0 when incomplete,
 * <0 when over-subscribed. */
static int build_huffman(huffman *h, const int16_t *lengths, int n) {
  int16_t offs[MAX_BITS + 1];
  memset(h->count, 0, sizeof h->count);
  for (int i = 0; i < n; i++) h->count[lengths[i]]++;
  if (h->count[0] == n) return 0;
  int left = 1;
  for (int len = 1; len <= MAX_BITS; len++) {
    left <<= 1;
    left -= h->count[len];
    if (left < 0) return left;
  }
  offs[1] = 0;
  for (int len = 1; len < MAX_BITS; len++)
    offs[len + 1] = (int16_t)(offs[len] + h->count[len]);
  for (int i = 0; i < n; i++)
    if (lengths[i] != 0) h->symbol[offs[lengths[i]]++] = (int16_t)i;
  return left;
}

static int inflate_codes(inflate_state *s, const huffman *lencode,
                         const huffman *distcode) {
  for (;;) {
    int sym = decode_symbol(s, lencode);
    if (sym < 0) return -1;
    if (sym < 256) {
      if (s->out_pos >= s->out_len) return -1;
      s->out[s->out_pos++] = (uint8_t)sym;
    } else if (sym == 256) {
      return 0;
    } else {
      sym -= 257;
      if (sym >= 29) return -1;
      size_t len = LEN_BASE[sym] + get_bits(s, LEN_EXTRA[sym]);
      int dsym = decode_symbol(s, distcode);
      if (dsym < 0 || dsym >= 30) return -1;
      size_t dist = DIST_BASE[dsym] + get_bits(s, DIST_EXTRA[dsym]);
      if (s->error || dist > s->out_pos || len > s->out_len - s->out_pos)
        return -1;
      for (size_t k = 0; k < len; k++, s->out_pos++)
        s->out[s->out_pos] = s->out[s->out_pos - dist];
    }
  }
}

static int inflate_stored(inflate_state *s) {
  s->bits = 0; /* to a byte boundary */
  s->count = 0;
  if (s->in_len - s->in_pos < 4) return -1;
  const uint8_t *p = s->in + s->in_pos;
  unsigned len = p[0] | p[1] << 8, nlen = p[2] | p[3] << 8;
  if (len != (~nlen & 0xffffu)) return -1;
  s->in_pos += 4;
  if (s->in_len - s->in_pos < len || s->out_len - s->out_pos < len) return -1;
  memcpy(s->out + s->out_pos, s->in + s->in_pos, len);
  s->in_pos += len;
  s->out_pos += len;
  return 0;
}

static int inflate_fixed(inflate_state *s) {
  static huffman lencode, distcode;
  static int ready;
  if (!ready) {
    int16_t lengths[288];
    int i = 0;
    for (; i < 144; i++) lengths[i] = 8;
    for (; i < 256; i++) lengths[i] = 9;
    for (; i < 280; i++) lengths[i] = 7;
    for (; i < 288; i++) lengths[i] = 8;
    build_huffman(&lencode, lengths, 288);
    for (i = 0; i < 30; i++) lengths[i] = 5;
    build_huffman(&distcode, lengths, 30);
    ready = 1;
  }
  return inflate_codes(s, &lencode, &distcode);
}

static int inflate_dynamic(inflate_state *s) {
  static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                    11, 4,  12, 3, 13, 2, 14, 1, 15};
  int16_t lengths[320];
  huffman lencode, distcode;
  int nlen = (int)get_bits(s, 5) + 257;
  int ndist = (int)get_bits(s, 5) + 1;
  int ncode = (int)get_bits(s, 4) + 4;
  if (s->error || nlen > 286 || ndist > 30) return -1;
  int i = 0;
  for (; i < ncode; i++) lengths[order[i]] = (int16_t)get_bits(s, 3);
  for (; i < 19; i++) lengths[order[i]] = 0;
  if (s->error || build_huffman(&lencode, lengths, 19) != 0) return -1;
  for (i = 0; i < nlen + ndist;) {
    int sym = decode_symbol(s, &lencode);
    if (sym < 0) return -1;
    if (sym < 16) {
      lengths[i++] = (int16_t)sym;
      continue;
    }
    int16_t len = 0;
    int repeat;
    if (sym == 16) {
      if (i == 0) return -1;
      len = lengths[i - 1];
      repeat = 3 + (int)get_bits(s, 2);
    } else if (sym == 17) {
      repeat = 3 + (int)get_bits(s, 3);
    } else {
      repeat = 11 + (int)get_bits(s, 7);
    }
    if (s->error || i + repeat > nlen + ndist) return -1;
    while (repeat--) lengths[i++] = len;
  }
  if (lengths[256] == 0) return -1;
  int err = build_huffman(&lencode, lengths, nlen);
  if (err < 0 || (err > 0 && nlen - lencode.count[0] != 1)) return -1;
  err = build_huffman(&distcode, lengths + nlen, ndist);
  if (err < 0 || (err > 0 && ndist - distcode.count[0] != 1)) return -1;
  return inflate_codes(s, &lencode, &distcode);
}

int gw_inflate(const uint8_t *in, size_t len, uint8_t *out, size_t out_len) {
  if (len < 6) return -1;
  if ((in[0] & 0x0f) != 8 || (in[0] >> 4) > 7 || (in[1] & 0x20) ||
      ((unsigned)in[0] << 8 | in[1]) % 31 != 0)
    return -1;
  inflate_state s = {.in = in, .in_len = len - 4, .in_pos = 2,
                     .out = out, .out_len = out_len};
  int last;
  do {
    last = (int)get_bits(&s, 1);
    int type = (int)get_bits(&s, 2);
    if (s.error) return -1;
    int r = type == 0   ? inflate_stored(&s)
            : type == 1 ? inflate_fixed(&s)
            : type == 2 ? inflate_dynamic(&s)
                        : -1;
    if (r != 0 || s.error) return -1;
  } while (!last);
  if (s.out_pos != out_len || s.in_pos != len - 4) return -1;
  const uint8_t *c = in + len - 4;
  uint32_t check = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 |
                   (uint32_t)c[2] << 8 | c[3];
  return check == adler32(out, out_len) ? 0 : -1;
}
