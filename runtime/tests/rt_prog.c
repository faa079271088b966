/*
 * rt_prog.c: hand-written "compiled modules" for testing runtime/main.c.
 * Build with -DPROG=<name> to pick one; each defines gw_module.
 *   PROG_EXIT7      _start calls proc_exit(7)
 *   PROG_HELLO      _start writes "hello\n" with fd_write and returns
 *   PROG_TRAP       _start hits unreachable
 *   PROG_UNKNOWN    imports "env" "f"
 *   PROG_BADSIG     imports proc_exit with the wrong signature
 *   PROG_RECURSE    _start recurses 150000 calls deep
 *   PROG_START_ONLY no _start; the start function writes "start\n"
 */
#include <string.h>

#include "../godwit.h"

#define ENTER(inst)                                                           \
  int64_t depth_ = (inst)->exec->depth_left;                                  \
  if (depth_ <= 0) gw_trap((inst), GW_TRAP_CALL_STACK_EXHAUSTED);             \
  (inst)->exec->depth_left = depth_ - 1
#define LEAVE(inst) ((inst)->exec->depth_left += 1)

static void tramp__(void *code, gw_instance *inst, const gw_value *args,
                    gw_value *results) {
  (void)args;
  (void)results;
  ((void (*)(gw_instance *))code)(inst);
}
static void tramp_none(void *code, gw_instance *inst, const gw_value *args,
                       gw_value *results) {
  (void)code, (void)inst, (void)args, (void)results;
}

static const char *const sigs[] = {":", "i:", "iiii:i", "ii:"};
static const gw_trampoline tramps[] = {tramp__, tramp_none, tramp_none,
                                       tramp_none};
static const gw_limits_desc mems[] = {{1, UINT64_MAX, 0}};

__attribute__((unused)) static void write_hello(gw_instance *inst, const char *text) {
  /* iovec {ptr 64, len} at 0, text at 64, nwritten at 32 */
  uint32_t iov[2] = {64, (uint32_t)strlen(text)};
  memcpy(inst->mem0_base, iov, 8);
  memcpy(inst->mem0_base + 64, text, strlen(text));
  gw_funcref *fd_write = inst->funcs[1];
  ((int32_t(*)(gw_instance *, int32_t, int32_t, int32_t, int32_t))
       fd_write->code)(fd_write->instance, 1, 0, 1, 32);
}

__attribute__((unused)) static int32_t recurse(gw_instance *inst,
                                              int32_t n) {
  ENTER(inst);
  int32_t r = n == 0 ? 0 : 1 + recurse(inst, n - 1);
  LEAVE(inst);
  return r;
}

static void start(gw_instance *inst) {
  ENTER(inst);
  gw_funcref *proc_exit = inst->funcs[0];
#if defined(PROG_EXIT7)
  ((void (*)(gw_instance *, int32_t))proc_exit->code)(proc_exit->instance, 7);
#elif defined(PROG_HELLO) || defined(PROG_START_ONLY)
  (void)proc_exit;
#ifdef PROG_HELLO
  write_hello(inst, "hello\n");
#else
  write_hello(inst, "start\n");
#endif
#elif defined(PROG_TRAP)
  (void)proc_exit;
  gw_trap(inst, GW_TRAP_UNREACHABLE);
#elif defined(PROG_RECURSE)
  (void)proc_exit;
  if (recurse(inst, 150000) != 150000) gw_trap(inst, GW_TRAP_UNREACHABLE);
  write_hello(inst, "deep\n");
#else
  (void)proc_exit;
#endif
  LEAVE(inst);
}

static const gw_import_desc imports[] = {
#if defined(PROG_BADSIG)
    {"wasi_snapshot_preview1", "proc_exit", GW_EXTERN_FUNC, 3, 0, 0, 0},
#else
    {"wasi_snapshot_preview1", "proc_exit", GW_EXTERN_FUNC, 1, 0, 0, 0},
#endif
    {"wasi_snapshot_preview1", "fd_write", GW_EXTERN_FUNC, 2, 0, 0, 0},
#if defined(PROG_UNKNOWN)
    {"env", "f", GW_EXTERN_FUNC, 0, 0, 0, 0},
#endif
};
#define NUM_IMPORTS (sizeof imports / sizeof imports[0])

#if defined(PROG_BADSIG)
static const uint32_t func_types[] = {3, 2, 0, 0};
#else
static const uint32_t func_types[] = {1, 2, 0, 0};
#endif
static void *const code[] = {(void *)start};
static const char *const names[] = {"proc_exit", "fd_write", "_start", NULL};
static const gw_export_desc exports[] = {
    {"memory", GW_EXTERN_MEMORY, 0, 0},
    {"_start", GW_EXTERN_FUNC, NUM_IMPORTS, 0},
};

const gw_module_desc gw_module = {
    .name = "rt_prog",
    .num_types = 4, .type_sigs = sigs,
    .num_imports = NUM_IMPORTS, .imports = imports,
    .num_imported_funcs = NUM_IMPORTS, .num_funcs = NUM_IMPORTS + 1,
    .func_types = func_types, .func_names = names,
    .func_code = code, .trampolines = tramps,
    .num_memories = 1, .memories = mems,
#if defined(PROG_START_ONLY)
    .num_exports = 1, .exports = exports,
    .start = NUM_IMPORTS,
#else
    .num_exports = 2, .exports = exports,
    .start = -1,
#endif
};
