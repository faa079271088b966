/* wasm-cflags: -O3 -msimd128 */
/*
 * Loops clang auto-vectorizes at -O3 (built with -msimd128 here and without
 * it in vec_kernels_scalar.c, which includes this file): a 3x3 box blur of
 * an 8-bit image, saxpy on floats, a 16-bit integer dot product and a byte
 * histogram-free checksum (sum and weighted sum of bytes, as adler32 does
 * before its modulo). Plain C: the native build prints the same lines.
 *
 *   vec_kernels [SIZE [REPS]]   (default 128 4) SIZE x SIZE image and
 *                               SIZE * SIZE element vectors, REPS passes
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NOINLINE __attribute__((noinline))

static uint32_t seed = 12345;
static uint32_t next_random(void) {
  seed = seed * 1664525u + 1013904223u;
  return seed >> 8;
}

/* out = 3x3 box blur of in (w x h, borders copied), rounded down. */
NOINLINE static void blur(const uint8_t *in, uint8_t *out, int w, int h) {
  for (int x = 0; x < w; x++) out[x] = in[x];
  for (int y = 1; y < h - 1; y++) {
    const uint8_t *above = in + (y - 1) * w, *row = in + y * w,
                  *below = in + (y + 1) * w;
    uint8_t *dst = out + y * w;
    dst[0] = row[0];
    for (int x = 1; x < w - 1; x++) {
      unsigned sum = above[x - 1] + above[x] + above[x + 1] + row[x - 1] +
                     row[x] + row[x + 1] + below[x - 1] + below[x] +
                     below[x + 1];
      dst[x] = (uint8_t)((sum * 7282u) >> 16); /* sum / 9 for sum <= 2295 */
    }
    dst[w - 1] = row[w - 1];
  }
  for (int x = 0; x < w; x++) out[(h - 1) * w + x] = in[(h - 1) * w + x];
}

/* y = a * x + y. */
NOINLINE static void saxpy(float a, const float *x, float *y, int n) {
  for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

/* Sum of x[i] * y[i] on 16-bit lanes, 32-bit products, sum modulo 2^32. */
NOINLINE static uint32_t dot16(const int16_t *x, const int16_t *y, int n) {
  uint32_t sum = 0;
  for (int i = 0; i < n; i++) sum += (uint32_t)((int32_t)x[i] * y[i]);
  return sum;
}

/* Sum of the bytes and the sum of (n - i) * byte, modulo 2^32. */
NOINLINE static void byte_sums(const uint8_t *p, int n, uint32_t *a,
                               uint32_t *b) {
  uint32_t s1 = 0, s2 = 0;
  for (int i = 0; i < n; i++) {
    s1 += p[i];
    s2 += (uint32_t)(n - i) * p[i];
  }
  *a = s1;
  *b = s2;
}

int main(int argc, char **argv) {
  int size = argc > 1 ? atoi(argv[1]) : 128;
  int reps = argc > 2 ? atoi(argv[2]) : 4;
  int n = size * size;
  uint8_t *img = malloc(n), *tmp = malloc(n);
  float *fx = malloc(n * sizeof(float)), *fy = malloc(n * sizeof(float));
  int16_t *sx = malloc(n * sizeof(int16_t)), *sy = malloc(n * sizeof(int16_t));
  if (!img || !tmp || !fx || !fy || !sx || !sy) return 1;
  for (int i = 0; i < n; i++) {
    img[i] = (uint8_t)next_random();
    fx[i] = (float)(int)(next_random() % 2001 - 1000) / 64.0f;
    fy[i] = (float)(int)(next_random() % 2001 - 1000) / 128.0f;
    sx[i] = (int16_t)next_random();
    sy[i] = (int16_t)next_random();
  }
  uint32_t blur_sum = 0, s1 = 0, s2 = 0;
  uint32_t dot = 0;
  for (int r = 0; r < reps; r++) {
    blur(img, tmp, size, size);
    blur(tmp, img, size, size);
    uint32_t a, b;
    byte_sums(img, n, &a, &b);
    blur_sum = blur_sum * 31 + a;
    s1 += a;
    s2 ^= b;
    saxpy(r % 2 ? -0.75f : 0.5f, fx, fy, n);
    dot += dot16(sx, sy, n);
    sx[r % n] += (int16_t)dot;
  }
  double fsum = 0;
  for (int i = 0; i < n; i += 7) fsum += fy[i];
  printf("blur %08x bytes %08x %08x\n", blur_sum, s1, s2);
  printf("saxpy %.6f %.6f %.6f\n", fy[0], fy[n / 2], fsum);
  printf("dot16 %08x\n", dot);
  return 0;
}
