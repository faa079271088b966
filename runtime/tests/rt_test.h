/*
 * rt_test.h: a tiny test runner for the runtime's C unit tests.
 * TEST(name) { CHECK(...); } registers a test; rt_main.c runs them all
 * (or those whose name contains argv[1]) and exits nonzero on a failure.
 */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <stdio.h>

void rt_register(const char *name, void (*fn)(void));
void rt_fail(const char *file, int line, const char *what);

#define TEST(name)                                                            \
  static void name(void);                                                     \
  __attribute__((constructor)) static void register_##name(void) {            \
    rt_register(#name, name);                                                 \
  }                                                                           \
  static void name(void)

#define CHECK(cond)                                                           \
  do {                                                                        \
    if (!(cond)) rt_fail(__FILE__, __LINE__, #cond);                          \
  } while (0)

#define CHECK_EQ(a, b)                                                        \
  do {                                                                        \
    long long rt_a = (long long)(a), rt_b = (long long)(b);                   \
    if (rt_a != rt_b) {                                                       \
      char rt_msg[256];                                                       \
      snprintf(rt_msg, sizeof rt_msg, "%s == %s (%lld != %lld)", #a, #b,      \
               rt_a, rt_b);                                                   \
      rt_fail(__FILE__, __LINE__, rt_msg);                                    \
    }                                                                         \
  } while (0)

#endif
