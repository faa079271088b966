/*
 * trap.c: trap messages, raising traps, and the fault handlers that turn
 * hardware faults into traps: a SIGSEGV/SIGBUS inside a memory reservation
 * is an out-of-bounds memory access, one inside the current thread's wasm
 * stack guard is call stack exhaustion; anything else gets the default
 * action (the process dies as it would have without us).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *gw_trap_message(int32_t kind) {
  switch (kind) {
  case GW_TRAP_NONE: return "no trap";
  case GW_TRAP_UNREACHABLE: return "unreachable";
  case GW_TRAP_INT_DIV_ZERO: return "integer divide by zero";
  case GW_TRAP_INT_OVERFLOW: return "integer overflow";
  case GW_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
  case GW_TRAP_MEMORY_OOB: return "out of bounds memory access";
  case GW_TRAP_TABLE_OOB: return "out of bounds table access";
  case GW_TRAP_UNDEFINED_ELEMENT: return "undefined element";
  case GW_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
  case GW_TRAP_INDIRECT_TYPE_MISMATCH: return "indirect call type mismatch";
  case GW_TRAP_CALL_STACK_EXHAUSTED: return "call stack exhausted";
  case GW_TRAP_HOST: return "host function failed";
  case GW_TRAP_EXIT: return "program exited";
  default: return "unknown trap";
  }
}

void gw_trap(gw_instance *inst, int32_t kind) {
  gw_exec *exec = gw_current_exec();
  if (exec == NULL && inst != NULL) exec = inst->exec;
  if (exec == NULL || exec->trap_jmp == NULL) {
    /* No gw_call to unwind to: an embedding bug, not a Wasm trap. */
    fprintf(stderr, "godwit: trap outside of any call: %s\n",
            gw_trap_message(kind));
    abort();
  }
  exec->trap_kind = kind;
  siglongjmp(*(sigjmp_buf *)exec->trap_jmp, 1);
}

/* ---- Registry of memory reservations -------------------------------------
 * Read by the signal handler without locks (atomics only); written under a
 * mutex. A slot is live when its `lo` is nonzero. */

#define MAX_RESERVATIONS 16384

static _Atomic uintptr_t reservation_lo[MAX_RESERVATIONS];
static _Atomic uintptr_t reservation_hi[MAX_RESERVATIONS];
static _Atomic size_t reservation_count; /* high-water mark of used slots */
static pthread_mutex_t reservation_lock = PTHREAD_MUTEX_INITIALIZER;

int gw_register_reservation(void *base, uint64_t size) {
  int result = -1;
  pthread_mutex_lock(&reservation_lock);
  for (size_t i = 0; i < MAX_RESERVATIONS; i++) {
    if (atomic_load(&reservation_lo[i]) != 0) continue;
    atomic_store(&reservation_hi[i], (uintptr_t)base + size);
    atomic_store(&reservation_lo[i], (uintptr_t)base);
    if (i >= atomic_load(&reservation_count))
      atomic_store(&reservation_count, i + 1);
    result = 0;
    break;
  }
  pthread_mutex_unlock(&reservation_lock);
  return result;
}

void gw_unregister_reservation(void *base) {
  pthread_mutex_lock(&reservation_lock);
  size_t n = atomic_load(&reservation_count);
  for (size_t i = 0; i < n; i++) {
    if (atomic_load(&reservation_lo[i]) == (uintptr_t)base) {
      atomic_store(&reservation_lo[i], 0);
      atomic_store(&reservation_hi[i], 0);
      break;
    }
  }
  pthread_mutex_unlock(&reservation_lock);
}

static int in_reservation(uintptr_t addr) {
  size_t n = atomic_load(&reservation_count);
  for (size_t i = 0; i < n; i++) {
    uintptr_t lo = atomic_load(&reservation_lo[i]);
    if (lo != 0 && addr >= lo && addr < atomic_load(&reservation_hi[i]))
      return 1;
  }
  return 0;
}

/* ---- Stack guard of the current thread ---------------------------------- */

static __thread uintptr_t stack_guard_lo, stack_guard_hi;

void gw_set_stack_guard(void *lo, void *hi) {
  stack_guard_lo = (uintptr_t)lo;
  stack_guard_hi = (uintptr_t)hi;
}

/* ---- The handler ----------------------------------------------------------- */

static void fault_handler(int sig, siginfo_t *info, void *ucontext) {
  (void)ucontext;
  uintptr_t addr = (uintptr_t)info->si_addr;
  gw_exec *exec = gw_current_exec();
  /* si_code > 0: raised by the kernel for a real fault (not kill()). */
  if (exec != NULL && exec->trap_jmp != NULL && info->si_code > 0) {
    int32_t kind = GW_TRAP_NONE;
    if (addr >= stack_guard_lo && addr < stack_guard_hi)
      kind = GW_TRAP_CALL_STACK_EXHAUSTED;
    else if (in_reservation(addr))
      kind = GW_TRAP_MEMORY_OOB;
    if (kind != GW_TRAP_NONE) {
      exec->trap_kind = kind;
      /* The jump buffer saved the signal mask: this unblocks `sig`. */
      siglongjmp(*(sigjmp_buf *)exec->trap_jmp, 1);
    }
  }
  /* Not ours: die the default way. The signal stays blocked until we
   * return, then the pending one (or the re-executed fault) kills us. */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, NULL);
  raise(sig);
}

static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fault_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
}

void gw_install_fault_handlers(void) {
  pthread_once(&handlers_once, install_handlers);
}
