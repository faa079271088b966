/* Dense double matrix multiply. Benchmark: argv[1] = matrix size. */
#include <stdio.h>
#include <stdlib.h>

static unsigned lcg_state = 12345;
static double next_value(void) {
  lcg_state = lcg_state * 1103515245u + 12345u;
  return (double)((lcg_state >> 16) & 0x7fff) / 32768.0 - 0.5;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 64;
  double *a = malloc(sizeof(double) * n * n);
  double *b = malloc(sizeof(double) * n * n);
  double *c = calloc((size_t)n * n, sizeof(double));
  for (int i = 0; i < n * n; i++) a[i] = next_value();
  for (int i = 0; i < n * n; i++) b[i] = next_value();
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++) {
      double aik = a[i * n + k];
      for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  double trace = 0, sum = 0;
  for (int i = 0; i < n; i++) trace += c[i * n + i];
  for (int i = 0; i < n * n; i++) sum += c[i];
  printf("n=%d trace=%.10f sum=%.10f c[0]=%.17g\n", n, trace, sum, c[0]);
  free(a);
  free(b);
  free(c);
  return 0;
}
