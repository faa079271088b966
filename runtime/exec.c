/*
 * exec.c: execution contexts, gw_call (the only way into Wasm code from C),
 * and gw_run_on_wasm_stack (a thread with a stack big enough for the
 * call-depth limit, a guard region that turns overflow into a trap, and an
 * alternate signal stack so the fault handler can run after an overflow).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* Wasm stack: 2 GiB of lazily committed address space (~20 KiB per frame at
 * the default 100000-call limit), whose lowest 16 MiB is the guard. */
#define WASM_STACK_SIZE (2ull << 30)
#define WASM_STACK_MIN (64ull << 20)
#define WASM_STACK_GUARD (16ull << 20)
#define ALT_STACK_SIZE (256u << 10)

static __thread gw_exec *current_exec;
static __thread int on_wasm_stack;
static __thread int has_alt_stack;
/* The alternate stack this thread allocated itself, or NULL: one that was
 * already there (the embedder's, a sanitizer's) is not ours to free. */
static __thread void *own_alt_stack;

gw_exec *gw_current_exec(void) { return current_exec; }

void gw_exec_init(gw_exec *exec, int64_t depth_limit) {
  memset(exec, 0, sizeof *exec);
  if (depth_limit > GW_MAX_CALL_DEPTH) depth_limit = GW_MAX_CALL_DEPTH;
  exec->depth_left = depth_limit;
  exec->depth_limit = depth_limit;
}

/* Makes sure this thread can take a fault handler even on a full stack. */
static void ensure_alt_stack(void) {
  if (has_alt_stack) return;
  stack_t current;
  if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE)) {
    has_alt_stack = 1;
    return;
  }
  void *mem = malloc(ALT_STACK_SIZE); /* lives as long as the thread */
  if (mem == NULL) return;
  stack_t alt = {.ss_sp = mem, .ss_size = ALT_STACK_SIZE, .ss_flags = 0};
  if (sigaltstack(&alt, NULL) == 0) {
    has_alt_stack = 1;
    own_alt_stack = mem;
  } else {
    free(mem);
  }
}

/* Index of the type whose canonical id is fn's, in fn's instance. */
static int64_t find_type(const gw_funcref *fn) {
  const gw_instance *inst = fn->instance;
  if (inst == NULL || inst->module == NULL || inst->type_ids == NULL)
    return -1;
  for (uint32_t t = 0; t < inst->module->num_types; t++)
    if (inst->type_ids[t] == fn->type_id) return t;
  return -1;
}

int32_t gw_call(gw_exec *exec, gw_funcref *fn, const gw_value *args,
                gw_value *results) {
  if (fn == NULL) return GW_TRAP_UNINITIALIZED_ELEMENT;
  int64_t type = find_type(fn);
  /* Host functions without an instance of a module that has their type
   * cannot be called through a trampoline. */
  if (type < 0) return GW_TRAP_HOST;
  gw_trampoline trampoline = fn->instance->module->trampolines[type];

  gw_install_fault_handlers();
  ensure_alt_stack();

  sigjmp_buf jump;
  void *volatile saved_jmp = exec->trap_jmp;
  gw_exec *volatile saved_exec = current_exec;
  volatile int64_t saved_depth = exec->depth_left;
  int32_t kind = GW_TRAP_NONE;

  current_exec = exec;
  if (sigsetjmp(jump, 1) == 0) {
    exec->trap_jmp = &jump;
    exec->trap_kind = GW_TRAP_NONE;
    trampoline(fn->code, fn->instance, args, results);
  } else {
    kind = exec->trap_kind;
    exec->depth_left = saved_depth; /* frames unwound without their +1 */
  }
  exec->trap_jmp = saved_jmp;
  current_exec = saved_exec;
  return kind;
}

/* ---- The wasm thread --------------------------------------------------- */

typedef struct wasm_thread_args {
  int (*fn)(void *);
  void *arg;
  int result;
  void *guard_lo, *guard_hi;
} wasm_thread_args;

static void *wasm_thread_main(void *p) {
  wasm_thread_args *a = p;
  gw_set_stack_guard(a->guard_lo, a->guard_hi);
  ensure_alt_stack();
  on_wasm_stack = 1;
  a->result = a->fn(a->arg);
  on_wasm_stack = 0;
  /* Release this thread's alternate stack before the thread goes away, if
   * it is the one we allocated. */
  stack_t current;
  if (own_alt_stack != NULL && sigaltstack(NULL, &current) == 0 &&
      !(current.ss_flags & SS_DISABLE) && current.ss_sp == own_alt_stack) {
    stack_t off = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
    if (sigaltstack(&off, NULL) == 0) free(own_alt_stack);
    own_alt_stack = NULL;
  }
  has_alt_stack = 0;
  return NULL;
}

int gw_run_on_wasm_stack(int (*fn)(void *), void *arg) {
  if (on_wasm_stack) return fn(arg); /* already on one: nest in place */
  gw_install_fault_handlers();

  /* Reserve (lazily committed), falling back to smaller sizes if the
   * system refuses the full one. */
  size_t size = WASM_STACK_SIZE;
  void *stack = MAP_FAILED;
  while (size >= WASM_STACK_MIN) {
    stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
                 0);
    if (stack != MAP_FAILED) break;
    size /= 2;
  }
  if (stack == MAP_FAILED) return fn(arg); /* best effort: current stack */
  size_t guard = WASM_STACK_GUARD < size / 4 ? WASM_STACK_GUARD : size / 4;
  mprotect(stack, guard, PROT_NONE);

  wasm_thread_args a = {.fn = fn, .arg = arg, .result = 0,
                        .guard_lo = stack, .guard_hi = (char *)stack + guard};
  pthread_attr_t attr;
  pthread_t thread;
  int started = pthread_attr_init(&attr) == 0 &&
                pthread_attr_setstack(&attr, (char *)stack + guard,
                                      size - guard) == 0 &&
                pthread_create(&thread, &attr, wasm_thread_main, &a) == 0;
  pthread_attr_destroy(&attr);
  if (started) {
    pthread_join(thread, NULL);
  } else {
    a.result = fn(arg);
  }
  munmap(stack, size);
  return a.result;
}
