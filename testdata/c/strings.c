/* libc string and number formatting: snprintf, strtol/strtod, qsort, memmove, 64-bit math. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(void) {
  char buf[128];
  snprintf(buf, sizeof buf, "%5d|%-5d|%05.1f|%x|%o|%e", 42, -7, 3.14159, 0xbeefu, 8, 12345.678);
  printf("%s\n", buf);
  printf("strtol=%ld strtoul=%lu strtod=%.17g\n", strtol("-12345xyz", NULL, 10),
         strtoul("ff", NULL, 16), strtod("2.718281828459045", NULL));
  int v[20];
  uint32_t x = 7;
  for (int i = 0; i < 20; i++) { x = x * 1103515245u + 12345u; v[i] = (int)(x >> 16) % 1000 - 500; }
  qsort(v, 20, sizeof *v, cmp_int);
  for (int i = 0; i < 20; i++) printf("%d%c", v[i], i == 19 ? '\n' : ',');
  char s[] = "abcdefghijklmnop";
  memmove(s + 3, s, 8);
  printf("memmove=%s strlen=%zu strstr=%s strrchr=%s\n", s, strlen(s), strstr(s, "fgh"), strrchr(s, 'c'));
  int64_t a = INT64_C(0x7fffffffffffffff), b = INT64_MIN;
  uint64_t u = UINT64_C(0xfedcba9876543210);
  printf("i64: %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIx64 "\n", a, b, u, u >> 7);
  printf("mul=%" PRIu64 " div=%" PRId64 " rem=%" PRId64 "\n", u * 0x9e3779b97f4a7c15ull, b / 7, b % 7);
  printf("clz=%d ctz=%d popcount=%d\n", __builtin_clzll(u >> 20), __builtin_ctzll(u), __builtin_popcountll(u));
  float f = 1.0f / 3.0f;
  double d = 1.0 / 3.0;
  printf("float=%.9g double=%.17g conv=%d %u %lld\n", f, d, (int)-2.9, (unsigned)3.99e9, (long long)-1e18);
  printf("%s\n", 0.1 + 0.2 == 0.3 ? "equal" : "not equal");
  return 0;
}
