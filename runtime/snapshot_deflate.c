/*
 * snapshot_deflate.c: CRC-32 and a small zlib-format (RFC 1950/1951)
 * compressor and decompressor for snapshot memory pages.
 *
 * Why not zlib itself: produced programs are linked for x86-64 and aarch64,
 * and the aarch64 cross toolchain has no libz; a snapshot must be readable
 * on both. The compressor is greedy LZ77 with one hash probe per position
 * (no chains), each block of about 64 KiB written with whichever of
 * dynamic Huffman codes, fixed codes or a stored copy is smallest (see
 * "Compressor" below); the decompressor accepts any valid zlib stream
 * (stored, fixed and dynamic blocks; its structure follows Mark Adler's
 * puff, the reference inflater in zlib's contrib/puff/, which is not part
 * of this repository) and checks every bound, since snapshot files are
 * untrusted input.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

/* Every table below is built once, by build_tables() under pthread_once
 * (tables_ready()): the compressor runs on several threads at once, and a
 * plain "ready" flag is a data race (a thread could see the flag set before
 * the table's contents). */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static void build_tables(void);
static void tables_ready(void) { pthread_once(&tables_once, build_tables); }

/* ---- CRC-32 (IEEE 802.3, as zlib's crc32) ------------------------------ */

static uint32_t CRC_TABLE[256];

static void build_crc_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    CRC_TABLE[i] = c;
  }
}

uint32_t gw_crc32(const uint8_t *p, size_t len) {
  tables_ready();
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < len; i++) c = CRC_TABLE[(c ^ p[i]) & 0xff] ^ (c >> 8);
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

/* ---- Compressor ----------------------------------------------------------
 *
 * Built for speed on memory images (a checkpoint's latency is mostly this):
 * greedy LZ77 with one hash probe per position and no chains, then each
 * block of about 64 KiB is written with whichever of dynamic Huffman codes
 * (fitted to that block), fixed codes or a stored copy is smallest, all
 * three computed exactly from the symbol counts. Incompressible data (float
 * arrays, random bytes) thus costs at most 5 bytes per 64 KiB, and skewed
 * bytes (zeros, exponent bytes) get short codes even where nothing repeats.
 * Numbers and the alternatives measured: docs/snapshot.md.
 */

#define HASH_BITS 16
#define WINDOW 32768u
#define MIN_MATCH 4 /* the hash covers 4 bytes */
#define MAX_MATCH 258
/* Input bytes after which a block ends; its last match may run on, so a
 * block is at most 65535 bytes: one stored chunk when stored. */
#define BLOCK_INPUT (65535u - MAX_MATCH + 1u)
#define LITLEN_SYMS 286
#define DIST_SYMS 30
#define CLEN_SYMS 19

typedef struct bit_writer {
  uint8_t *out;
  size_t pos;
  uint64_t bits;
  int count;
} bit_writer;

/* Appends n <= 32 bits (LSB first); flushes whole 32-bit words. */
static inline void put_bits(bit_writer *w, uint32_t value, int n) {
  w->bits |= (uint64_t)value << w->count;
  w->count += n;
  if (w->count >= 32) {
    uint8_t *p = w->out + w->pos;
    p[0] = (uint8_t)w->bits;
    p[1] = (uint8_t)(w->bits >> 8);
    p[2] = (uint8_t)(w->bits >> 16);
    p[3] = (uint8_t)(w->bits >> 24);
    w->pos += 4;
    w->bits >>= 32;
    w->count -= 32;
  }
}

/* Pads to a byte boundary and writes out what is pending. */
static void flush_bits(bit_writer *w) {
  while (w->count > 0) {
    w->out[w->pos++] = (uint8_t)w->bits;
    w->bits >>= 8;
    w->count -= 8;
  }
  w->bits = 0;
  w->count = 0;
}

/* A Huffman code for output: bit-reversed codes (deflate sends them MSB
 * first into an LSB-first stream) and their lengths. */
typedef struct out_code {
  uint16_t code[LITLEN_SYMS + 2];
  uint8_t len[LITLEN_SYMS + 2];
} out_code;

/* Symbol and extra bits of each match length 3..258 (index len - 3). */
static uint16_t LEN_SYM[256];
/* Distance symbol of distance - 1 < 256, and of (distance - 1) >> 7. */
static uint8_t DIST_SYM_LO[256], DIST_SYM_HI[256];

static void build_symbol_tables(void) {
  for (int s = 0; s < 29; s++)
    for (int l = LEN_BASE[s]; l < LEN_BASE[s] + (1 << LEN_EXTRA[s]) && l <= 258;
         l++)
      LEN_SYM[l - 3] = (uint16_t)s;
  for (int s = 0; s < 30; s++)
    for (unsigned d = DIST_BASE[s] - 1u;
         d < DIST_BASE[s] - 1u + (1u << DIST_EXTRA[s]); d++) {
      if (d < 256) DIST_SYM_LO[d] = (uint8_t)s;
      else DIST_SYM_HI[d >> 7] = (uint8_t)s;
    }
}

static inline unsigned dist_sym(unsigned dist) {
  unsigned d = dist - 1;
  return d < 256 ? DIST_SYM_LO[d] : DIST_SYM_HI[d >> 7];
}

/*
 * Optimal code lengths for weights sorted ascending (Moffat and Katajainen,
 * "In-place calculation of minimum-redundancy codes", 1995): on return a[i]
 * is the length of the symbol of weight a[i]. n >= 2.
 */
static void minimum_redundancy(uint32_t *a, int n) {
  int root = 0, leaf = 2, next;
  a[0] += a[1];
  for (next = 1; next < n - 1; next++) {
    if (leaf >= n || a[root] < a[leaf]) {
      a[next] = a[root];
      a[root++] = (uint32_t)next;
    } else {
      a[next] = a[leaf++];
    }
    if (leaf >= n || (root < next && a[root] < a[leaf])) {
      a[next] += a[root];
      a[root++] = (uint32_t)next;
    } else {
      a[next] += a[leaf++];
    }
  }
  a[n - 2] = 0;
  for (next = n - 3; next >= 0; next--) a[next] = a[a[next]] + 1;
  int avail = 1, used = 0, depth = 0;
  root = n - 2;
  next = n - 1;
  while (avail > 0) {
    while (root >= 0 && (int)a[root] == depth) {
      used++;
      root--;
    }
    while (avail > used) {
      a[next--] = (uint32_t)depth;
      avail--;
    }
    avail = 2 * used;
    depth++;
    used = 0;
  }
}

/* Canonical codes (RFC 1951 3.2.2), bit-reversed for the writer. */
static void assign_codes(out_code *c, int n) {
  uint16_t count[16] = {0}, next[16];
  for (int i = 0; i < n; i++) count[c->len[i]]++;
  count[0] = 0;
  unsigned code = 0;
  for (int l = 1; l < 16; l++) {
    code = (code + count[l - 1]) << 1;
    next[l] = (uint16_t)code;
  }
  for (int i = 0; i < n; i++) {
    int l = c->len[i];
    if (l == 0) continue;
    unsigned v = next[l]++, r = 0;
    for (int k = 0; k < l; k++) r |= ((v >> k) & 1u) << (l - 1 - k);
    c->code[i] = (uint16_t)r;
  }
}

/* Code lengths (at most max_len) for freq[0..n); unused symbols get 0. At
 * least two symbols get a code, so every code is complete. */
static void build_lengths(out_code *c, const uint32_t *freq, int n,
                          int max_len) {
  uint32_t keys[LITLEN_SYMS], w[LITLEN_SYMS];
  int used = 0;
  memset(c->len, 0, (size_t)n);
  for (int i = 0; i < n; i++)
    if (freq[i] > 0) keys[used++] = freq[i] << 9 | (uint32_t)i;
  /* Counts are < 2^23 (per block), symbols < 2^9: sort on the packed key. */
  for (int k = 0; used < 2; k++)
    if (freq[k] == 0) keys[used++] = (uint32_t)k; /* weight 0, first */
  for (int i = 1; i < used; i++) { /* insertion sort: n <= 286 */
    uint32_t key = keys[i];
    int j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  for (int i = 0; i < used; i++) w[i] = (keys[i] >> 9) + 1;
  minimum_redundancy(w, used);
  /* Limit the lengths (as miniz does): move overlong codes to max_len,
   * then lengthen shorter ones until the Kraft sum is exactly 1. */
  int num[33] = {0};
  for (int i = 0; i < used; i++) num[w[i] > 32 ? 32 : w[i]]++;
  for (int l = max_len + 1; l <= 32; l++) {
    num[max_len] += num[l];
    num[l] = 0;
  }
  uint32_t total = 0;
  for (int l = max_len; l > 0; l--) total += (uint32_t)num[l] << (max_len - l);
  while (total != 1u << max_len) {
    num[max_len]--;
    for (int l = max_len - 1; l > 0; l--)
      if (num[l] != 0) {
        num[l]--;
        num[l + 1] += 2;
        break;
      }
    total--;
  }
  /* Rarest symbols (first in keys) get the longest codes. */
  int i = 0;
  for (int l = max_len; l > 0; l--)
    for (int k = num[l]; k > 0; k--) c->len[keys[i++] & 511] = (uint8_t)l;
  assign_codes(c, n);
}

/* Tokens of one block: a literal byte (< 256), or dist << 9 | len. */
typedef struct block {
  uint32_t *tokens;
  size_t num_tokens;
  size_t in_len; /* input bytes the tokens cover */
  uint32_t litlen_freq[LITLEN_SYMS];
  uint32_t dist_freq[DIST_SYMS];
} block;

/* Bits of the block's symbols and extra bits under the given lengths. */
static uint64_t data_bits(const block *b, const uint8_t *litlen_len,
                          const uint8_t *dist_len) {
  uint64_t bits = 0;
  for (int s = 0; s < LITLEN_SYMS; s++)
    bits += (uint64_t)b->litlen_freq[s] *
            (litlen_len[s] + (s > 256 ? LEN_EXTRA[s - 257] : 0));
  for (int s = 0; s < DIST_SYMS; s++)
    bits += (uint64_t)b->dist_freq[s] * (dist_len[s] + DIST_EXTRA[s]);
  return bits;
}

/* The dynamic header's code-length sequence, run-length coded: entries
 * symbol | extra << 8. Returns the count. */
static int rle_lengths(const uint8_t *lens, int n, uint16_t *out) {
  int count = 0;
  for (int i = 0; i < n;) {
    int l = lens[i], run = 1;
    while (i + run < n && lens[i + run] == l) run++;
    i += run;
    if (l == 0) {
      while (run >= 11) {
        int r = run > 138 ? 138 : run;
        out[count++] = (uint16_t)(18 | (r - 11) << 8);
        run -= r;
      }
      if (run >= 3) {
        out[count++] = (uint16_t)(17 | (run - 3) << 8);
        run = 0;
      }
    } else {
      out[count++] = (uint16_t)l;
      run--;
      while (run >= 3) {
        int r = run > 6 ? 6 : run;
        out[count++] = (uint16_t)(16 | (r - 3) << 8);
        run -= r;
      }
    }
    while (run-- > 0) out[count++] = (uint16_t)l;
  }
  return count;
}

static const uint8_t CLEN_ORDER[CLEN_SYMS] = {16, 17, 18, 0,  8, 7,  9,
                                              6,  10, 5,  11, 4, 12, 3,
                                              13, 2,  14, 1,  15};
static const uint8_t CLEN_EXTRA_BITS[CLEN_SYMS] = {[16] = 2, [17] = 3,
                                                   [18] = 7};

/* Writes the block's tokens with the given codes (header already out). */
static void write_tokens(bit_writer *w, const block *b, const out_code *lit,
                         const out_code *dist) {
  for (size_t t = 0; t < b->num_tokens; t++) {
    uint32_t tok = b->tokens[t];
    if (tok < 512) {
      put_bits(w, lit->code[tok], lit->len[tok]);
      continue;
    }
    unsigned len = tok & 511, d = tok >> 9;
    unsigned ls = LEN_SYM[len - 3], ds = dist_sym(d);
    put_bits(w,
             lit->code[257 + ls] |
                 (uint32_t)(len - LEN_BASE[ls]) << lit->len[257 + ls],
             lit->len[257 + ls] + LEN_EXTRA[ls]);
    put_bits(w,
             dist->code[ds] | (uint32_t)(d - DIST_BASE[ds]) << dist->len[ds],
             dist->len[ds] + DIST_EXTRA[ds]);
  }
  put_bits(w, lit->code[256], lit->len[256]);
}

/* The fixed codes (RFC 1951 3.2.6), built by build_tables(). */
static out_code fixed_lit, fixed_dist;

static void build_fixed_encoders(void) {
  for (int s = 0; s < 288; s++)
    fixed_lit.len[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
  assign_codes(&fixed_lit, 288);
  for (int s = 0; s < 30; s++) fixed_dist.len[s] = 5;
  assign_codes(&fixed_dist, 30);
}

/* Writes one block in its smallest form. */
static void write_block(bit_writer *w, block *b, const uint8_t *in, int last) {
  b->litlen_freq[256] = 1;
  out_code lit, dist, clen;
  build_lengths(&lit, b->litlen_freq, LITLEN_SYMS, 15);
  build_lengths(&dist, b->dist_freq, DIST_SYMS, 15);
  int nlit = LITLEN_SYMS, ndist = DIST_SYMS;
  while (nlit > 257 && lit.len[nlit - 1] == 0) nlit--;
  while (ndist > 1 && dist.len[ndist - 1] == 0) ndist--;
  uint8_t lens[LITLEN_SYMS + DIST_SYMS];
  memcpy(lens, lit.len, (size_t)nlit);
  memcpy(lens + nlit, dist.len, (size_t)ndist);
  uint16_t rle[LITLEN_SYMS + DIST_SYMS];
  int nrle = rle_lengths(lens, nlit + ndist, rle);
  uint32_t clen_freq[CLEN_SYMS] = {0};
  for (int i = 0; i < nrle; i++) clen_freq[rle[i] & 0xff]++;
  build_lengths(&clen, clen_freq, CLEN_SYMS, 7);
  int nclen = CLEN_SYMS;
  while (nclen > 4 && clen.len[CLEN_ORDER[nclen - 1]] == 0) nclen--;

  uint64_t dynamic_bits = 5 + 5 + 4 + 3 * (uint64_t)nclen +
                          data_bits(b, lit.len, dist.len);
  for (int s = 0; s < CLEN_SYMS; s++)
    dynamic_bits += (uint64_t)clen_freq[s] * (clen.len[s] + CLEN_EXTRA_BITS[s]);
  uint64_t fixed_bits = data_bits(b, fixed_lit.len, fixed_dist.len);
  /* Stored: pad to a byte, then LEN/NLEN per chunk of at most 65535. */
  uint64_t chunks = (b->in_len + 65534) / 65535;
  uint64_t stored_bits = (uint64_t)((8 - (w->count + 3) % 8) % 8) +
                         chunks * 32 + 8 * (uint64_t)b->in_len +
                         (chunks - 1) * 3 + 8 * (chunks - 1);

  if (stored_bits <= dynamic_bits && stored_bits <= fixed_bits) {
    size_t done = 0;
    do {
      size_t n = b->in_len - done < 65535 ? b->in_len - done : 65535;
      put_bits(w, (done + n == b->in_len && last) ? 1 : 0, 1);
      put_bits(w, 0, 2); /* BTYPE 00: stored */
      flush_bits(w);
      uint8_t *p = w->out + w->pos;
      p[0] = (uint8_t)n;
      p[1] = (uint8_t)(n >> 8);
      p[2] = (uint8_t)~n;
      p[3] = (uint8_t)(~n >> 8);
      memcpy(p + 4, in + done, n);
      w->pos += 4 + n;
      done += n;
    } while (done < b->in_len);
  } else if (fixed_bits <= dynamic_bits) {
    put_bits(w, (uint32_t)last, 1);
    put_bits(w, 1, 2); /* BTYPE 01: fixed codes */
    write_tokens(w, b, &fixed_lit, &fixed_dist);
  } else {
    put_bits(w, (uint32_t)last, 1);
    put_bits(w, 2, 2); /* BTYPE 10: dynamic codes */
    put_bits(w, (uint32_t)(nlit - 257), 5);
    put_bits(w, (uint32_t)(ndist - 1), 5);
    put_bits(w, (uint32_t)(nclen - 4), 4);
    for (int i = 0; i < nclen; i++) put_bits(w, clen.len[CLEN_ORDER[i]], 3);
    for (int i = 0; i < nrle; i++) {
      int s = rle[i] & 0xff;
      put_bits(w, clen.code[s], clen.len[s]);
      if (s >= 16) put_bits(w, rle[i] >> 8, CLEN_EXTRA_BITS[s]);
    }
    write_tokens(w, b, &lit, &dist);
  }
  memset(b->litlen_freq, 0, sizeof b->litlen_freq);
  memset(b->dist_freq, 0, sizeof b->dist_freq);
  b->num_tokens = 0;
  b->in_len = 0;
}

static inline uint32_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static inline uint32_t hash4(uint32_t v) {
  return v * 2654435761u >> (32 - HASH_BITS);
}

/* Length of the common prefix of a and b, at most max. */
static inline unsigned match_length(const uint8_t *a, const uint8_t *b,
                                    unsigned max) {
  unsigned l = 0;
  while (l + 8 <= max) {
    uint64_t x, y;
    memcpy(&x, a + l, 8);
    memcpy(&y, b + l, 8);
    if (x != y) {
      uint64_t diff = x ^ y;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      return l + (unsigned)(__builtin_ctzll(diff) >> 3);
#else
      return l + (unsigned)(__builtin_clzll(diff) >> 3);
#endif
    }
    l += 8;
  }
  while (l < max && a[l] == b[l]) l++;
  return l;
}

int gw_deflate(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len) {
  tables_ready();
  /* A block is at most its stored form: its bytes plus 5 bytes of header
   * and padding. */
  size_t cap = len + 16 * (len / BLOCK_INPUT + 2) + 16;
  bit_writer w = {.out = malloc(cap)};
  uint32_t *head = calloc((size_t)1 << HASH_BITS, sizeof(uint32_t));
  block *b = calloc(1, sizeof *b);
  uint32_t *tokens = malloc(sizeof(uint32_t) * BLOCK_INPUT);
  if (w.out == NULL || head == NULL || b == NULL || tokens == NULL) {
    free(w.out);
    free(head);
    free(b);
    free(tokens);
    return -1;
  }
  b->tokens = tokens;
  w.out[w.pos++] = 0x78; /* CM 8, 32 KiB window */
  w.out[w.pos++] = 0x01; /* no dictionary, check bits: 0x7801 % 31 == 0 */
  /* head[h] is 1 + the last position with hash h (0: none). */
  size_t i = 0, block_start = 0;
  while (i < len) {
    size_t block_end = len - block_start > BLOCK_INPUT ? block_start + BLOCK_INPUT
                                                       : len;
    while (i < block_end) {
      if (i + MIN_MATCH <= len) {
        uint32_t v = load32(in + i);
        uint32_t h = hash4(v);
        size_t cand = head[h];
        head[h] = (uint32_t)(i + 1);
        if (cand != 0 && i - (cand - 1) <= WINDOW &&
            load32(in + cand - 1) == v) {
          size_t from = cand - 1;
          unsigned max = len - i < MAX_MATCH ? (unsigned)(len - i) : MAX_MATCH;
          unsigned l = MIN_MATCH + match_length(in + from + MIN_MATCH,
                                                in + i + MIN_MATCH,
                                                max - MIN_MATCH);
          unsigned d = (unsigned)(i - from);
          b->tokens[b->num_tokens++] = d << 9 | l;
          b->litlen_freq[257 + LEN_SYM[l - 3]]++;
          b->dist_freq[dist_sym(d)]++;
          /* Index the match's last position, so that a run or repeat
           * continues with a near match. */
          if (l > 2 && i + l - 1 + MIN_MATCH <= len)
            head[hash4(load32(in + i + l - 1))] = (uint32_t)(i + l);
          i += l;
          continue;
        }
      }
      b->tokens[b->num_tokens++] = in[i];
      b->litlen_freq[in[i]]++;
      i++;
    }
    b->in_len = i - block_start;
    write_block(&w, b, in + block_start, i >= len);
    block_start = i;
  }
  if (len == 0) { /* one empty final block */
    put_bits(&w, 1, 1);
    put_bits(&w, 1, 2);
    put_bits(&w, 0, 7); /* end of block: fixed code 0000000 */
  }
  flush_bits(&w);
  uint32_t check = adler32(in, len);
  w.out[w.pos++] = (uint8_t)(check >> 24);
  w.out[w.pos++] = (uint8_t)(check >> 16);
  w.out[w.pos++] = (uint8_t)(check >> 8);
  w.out[w.pos++] = (uint8_t)check;
  free(head);
  free(b);
  free(tokens);
  *out = w.out;
  *out_len = w.pos;
  return 0;
}

/* ---- Decompressor (after zlib's contrib/puff) -------------------------- */

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

/* The fixed codes' decoding tables (built by build_tables()). */
static huffman FIXED_LENCODE, FIXED_DISTCODE;

static void build_fixed_decoders(void) {
  int16_t lengths[288];
  int i = 0;
  for (; i < 144; i++) lengths[i] = 8;
  for (; i < 256; i++) lengths[i] = 9;
  for (; i < 280; i++) lengths[i] = 7;
  for (; i < 288; i++) lengths[i] = 8;
  build_huffman(&FIXED_LENCODE, lengths, 288);
  for (i = 0; i < 30; i++) lengths[i] = 5;
  build_huffman(&FIXED_DISTCODE, lengths, 30);
}

static int inflate_fixed(inflate_state *s) {
  return inflate_codes(s, &FIXED_LENCODE, &FIXED_DISTCODE);
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
  tables_ready();
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

static void build_tables(void) {
  build_crc_table();
  build_symbol_tables();
  build_fixed_encoders();
  build_fixed_decoders();
}
