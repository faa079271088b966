/* Sieve of Eratosthenes. argv[1] = limit, argv[2] = repetitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int limit = argc > 1 ? atoi(argv[1]) : 100000;
  int reps = argc > 2 ? atoi(argv[2]) : 1;
  char *composite = malloc((size_t)limit + 1);
  int count = 0;
  long long sum = 0;
  for (int r = 0; r < reps; r++) {
    memset(composite, 0, (size_t)limit + 1);
    count = 0;
    sum = 0;
    for (int i = 2; i <= limit; i++) {
      if (composite[i]) continue;
      count++;
      sum += i;
      for (long long j = (long long)i * i; j <= limit; j += i) composite[j] = 1;
    }
  }
  printf("primes up to %d: %d (sum %lld)\n", limit, count, sum);
  int shown = 0;
  for (int i = limit; i >= 2 && shown < 5; i--)
    if (!composite[i]) { printf("%d%s", i, shown < 4 ? " " : "\n"); shown++; }
  free(composite);
  return 0;
}
