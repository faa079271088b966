/*
 * rt_test.h: the checks of the runtime's C unit tests, and a tiny runner.
 * TEST(name) { CHECK(...); } registers a test; rt_main.c runs them all
 * (or those whose name contains argv[1]) and exits nonzero on a failure.
 * A test program with its own main (wasi_unit_test.c, cr_test.c, ...) uses
 * the checks only: it defines RT_TEST_STANDALONE before including this
 * header, which then defines rt_checks and an rt_fail that counts failures
 * in rt_failures and prints each one.
 */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <stdarg.h>
#include <stdio.h>

void rt_register(const char *name, void (*fn)(void));
/* Called by a failed check with what failed. */
void rt_fail(const char *file, int line, const char *what);
/* Checks made so far. */
extern int rt_checks;

/* rt_fail with a printf-style message. */
__attribute__((format(printf, 3, 4))) static inline void
rt_failf(const char *file, int line, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  rt_fail(file, line, msg);
}

#define TEST(name)                                                            \
  static void name(void);                                                     \
  __attribute__((constructor)) static void register_##name(void) {            \
    rt_register(#name, name);                                                 \
  }                                                                           \
  static void name(void)

#define CHECK(cond)                                                           \
  do {                                                                        \
    rt_checks++;                                                              \
    if (!(cond)) rt_fail(__FILE__, __LINE__, #cond);                          \
  } while (0)

/* CHECK with a printf-style message instead of the condition's text. */
#define CHECK_MSG(cond, ...)                                                  \
  do {                                                                        \
    rt_checks++;                                                              \
    if (!(cond)) rt_failf(__FILE__, __LINE__, __VA_ARGS__);                   \
  } while (0)

#define CHECK_EQ(a, b)                                                        \
  do {                                                                        \
    long long rt_a = (long long)(a), rt_b = (long long)(b);                   \
    CHECK_MSG(rt_a == rt_b, "%s == %s (%lld != %lld)", #a, #b, rt_a, rt_b);   \
  } while (0)

#ifdef RT_TEST_STANDALONE
int rt_checks;
static int rt_failures;
void rt_fail(const char *file, int line, const char *what) {
  rt_failures++;
  fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
}
#endif

#endif
