/*
 * sleeper: prints a numbered line, then sleeps, COUNT times (for the
 * checkpoint tests: a checkpoint request must interrupt the sleep promptly,
 * and the restored program must sleep only for what was left).
 *   sleeper [COUNT [MILLISECONDS]]   (defaults 5 and 20)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 5;
  long ms = argc > 2 ? atol(argv[2]) : 20;
  unsigned long sum = 0;
  for (int i = 0; i < count; i++) {
    sum = sum * 31 + (unsigned long)i;
    printf("tick %d %lu\n", i, sum);
    fflush(stdout);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  printf("done after %d ticks\n", count);
  return 0;
}
