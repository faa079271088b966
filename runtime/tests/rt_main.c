/* rt_main.c: runs the tests registered with TEST() (see rt_test.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_test.h"

#define MAX_TESTS 256

static struct {
  const char *name;
  void (*fn)(void);
} tests[MAX_TESTS];
static int num_tests, failures_in_test;
int rt_checks;

void rt_register(const char *name, void (*fn)(void)) {
  if (num_tests < MAX_TESTS) {
    tests[num_tests].name = name;
    tests[num_tests].fn = fn;
    num_tests++;
  }
}

void rt_fail(const char *file, int line, const char *what) {
  fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
  failures_in_test++;
}

int main(int argc, char **argv) {
  int failed = 0, ran = 0;
  for (int i = 0; i < num_tests; i++) {
    if (argc > 1 && strstr(tests[i].name, argv[1]) == NULL) continue;
    failures_in_test = 0;
    tests[i].fn();
    ran++;
    printf("%s %s\n", failures_in_test ? "FAIL" : "ok  ", tests[i].name);
    if (failures_in_test) failed++;
  }
  printf("%d tests, %d failed\n", ran, failed);
  return failed ? 1 : 0;
}
