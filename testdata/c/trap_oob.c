/* Trap: a load far beyond linear memory (natively: a fault on an unmapped address). */
#include <stdint.h>
#include <stdio.h>

int main(void) {
  volatile uintptr_t addr = 0xfffffff0u;
  printf("reading far away\n");
  fflush(stdout);
  printf("%d\n", *(volatile int *)addr);
  return 0;
}
