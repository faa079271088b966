/*
 * wasi_stubs.c: the two runtime functions wasi*.c needs (gw_trap,
 * gw_intern_type, and the two checkpoint queries of blocking calls), for
 * testing WASI without the rest of the runtime.
 * gw_trap longjmps to wasi_test_trap_jmp and records the kind.
 */
#include <setjmp.h>
#include <stdint.h>

#include "../snapshot.h"

jmp_buf wasi_test_trap_jmp;
int32_t wasi_test_trap_kind;

void gw_trap(gw_instance *inst, int32_t kind) {
  (void)inst;
  wasi_test_trap_kind = kind;
  longjmp(wasi_test_trap_jmp, 1);
}

uint64_t gw_intern_type(const char *sig) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a: equal sigs, equal ids */
  for (; *sig; sig++) h = (h ^ (uint8_t)*sig) * 1099511628211ull;
  return h;
}

/* No checkpoint is ever requested here. */
int gw_cr_checkpoint_requested(const gw_instance *inst) {
  (void)inst;
  return 0;
}

int gw_cr_abandon_host_call(gw_instance *inst) {
  (void)inst;
  return 0;
}
