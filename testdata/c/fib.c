/* Recursion: naive Fibonacci and Ackermann. Benchmark: argv[1] = n for fib. */
#include <stdio.h>
#include <stdlib.h>

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static unsigned ack(unsigned m, unsigned n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv) {
  unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 25;
  printf("fib(%u) = %u\n", n, fib(n));
  for (unsigned m = 0; m <= 3; m++)
    printf("ack(%u, 4) = %u\n", m, ack(m, 4));
  return 0;
}
