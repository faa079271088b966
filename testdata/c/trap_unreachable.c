/* Trap: __builtin_trap() compiles to the Wasm `unreachable` instruction. */
#include <stdio.h>

int main(int argc, char **argv) {
  (void)argv;
  printf("about to trap\n");
  fflush(stdout);
  if (argc < 100) __builtin_trap();
  printf("not reached\n");
  return 0;
}
