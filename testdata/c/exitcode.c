/* Exit code propagation: prints, then exit(7) from a nested call. */
#include <stdio.h>
#include <stdlib.h>

static void leave(int code) {
  printf("leaving with %d\n", code);
  exit(code);
}

int main(void) {
  leave(7);
  printf("not reached\n");
  return 0;
}
