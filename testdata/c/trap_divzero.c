/* Trap: integer division by zero through a volatile (so the compiler cannot fold it). */
#include <stdio.h>

int main(void) {
  volatile int zero = 0;
  int x = 42;
  printf("dividing %d by zero\n", x);
  fflush(stdout);
  printf("%d\n", x / zero);
  return 0;
}
