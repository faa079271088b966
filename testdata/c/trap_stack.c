/* Trap: unbounded recursion exhausts the call stack. */
#include <stdio.h>
#include <stdlib.h>

volatile int sink;

__attribute__((noinline)) static int down(int n, int limit) {
  if (n == limit) return 0;
  int r = down(n + 1, limit);
  sink = n; /* work after the call: no tail call, no loop */
  return r + 1;
}

int main(int argc, char **argv) {
  (void)argv;
  printf("recursing\n");
  fflush(stdout);
  printf("%d\n", down(0, argc > 5 ? 10 : 0x7fffffff));
  return 0;
}
