/*
 * cr_test.c: checkpoint/restore tests with hand-written "generated code".
 *
 * sum_fn and run_fn implement tests/cr_module.wat exactly as the code
 * generator will (godwit.h's C/R contract): a poll at every entry, loop
 * header and call, a save path per point, an unwinding test after each
 * call, and a rewinding prologue. The descriptor below is what
 * compiler/link/descriptor.ts would emit for that module (the hash is the
 * SHA-256 of tests/cr_module.wasm, the offsets are its instructions').
 *
 * Usage: cr_test DIR [N]   runs every test, writing snapshots into DIR;
 * prints "result N VALUE DIGEST" lines that checkpoint_test.ts compares with
 * Deno's own engine running cr_module.wasm.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../snapshot.h"
#define RT_TEST_STANDALONE
#include "rt_test.h"


/* ---- The module (what the compiler would emit) ------------------------- */

enum { F_SUM = 0, F_RUN = 1 };
enum { P_SUM_ENTRY, P_SUM_CALL, P_RUN_ENTRY, P_RUN_LOOP, P_RUN_CALL };

static int64_t sum_fn(gw_instance *inst, int32_t n);
static int64_t run_fn(gw_instance *inst, int32_t n);

static void tramp_i_I(void *code, gw_instance *inst, const gw_value *args,
                      gw_value *results) {
  results[0].i64 = ((int64_t (*)(gw_instance *, int32_t))code)(inst,
                                                                args[0].i32);
}

static const char *const type_sigs[] = {"i:I"};
static const uint32_t func_types[] = {0, 0};
static const char *const func_names[] = {"sum", "run"};
static void *const func_code[] = {(void *)sum_fn, (void *)run_fn};
static const gw_trampoline trampolines[] = {tramp_i_I};
static const gw_limits_desc tables[] = {
    {.min = 2, .max = UINT64_MAX, .elem_type = GW_FUNCREF}};
static const gw_limits_desc memories[] = {{.min = 1, .max = 8}};
static const gw_global_desc globals[] = {
    {.type = GW_I32, .mutable_ = 1, .init = {.kind = GW_CONST_I32}},
    {.type = GW_F64, .mutable_ = 1, .init = {.kind = GW_CONST_F64}},
    {.type = GW_I32, .mutable_ = 0,
     .init = {.kind = GW_CONST_I32, .bytes = {7}}},
};
static const gw_point_desc points[] = {
    [P_SUM_ENTRY] = {F_SUM, 107, GW_POINT_ENTRY, 1, 0, "i"},
    [P_SUM_CALL] = {F_SUM, 123, GW_POINT_CALL, 1, 1, "iI"},
    [P_RUN_ENTRY] = {F_RUN, 141, GW_POINT_ENTRY, 6, 0, "iiIFfv"},
    [P_RUN_LOOP] = {F_RUN, 141, GW_POINT_LOOP, 6, 0, "iiIFfv"},
    [P_RUN_CALL] = {F_RUN, 153, GW_POINT_CALL, 6, 1, "iiIFfvI"},
};

static gw_module_desc module = {
    .name = "cr_module",
    .hash = {0x43, 0xcb, 0x64, 0x3d, 0x66, 0xaf, 0x20, 0x6c, 0xee, 0x51, 0xf7,
             0x6d, 0x48, 0x0e, 0xf7, 0x69, 0x7c, 0xb2, 0xcb, 0xa5, 0x0e, 0x3f,
             0xb9, 0x89, 0xce, 0x36, 0xd4, 0xeb, 0x14, 0x01, 0xe9, 0xed},
    .num_types = 1,
    .type_sigs = type_sigs,
    .num_funcs = 2,
    .func_types = func_types,
    .func_names = func_names,
    .func_code = func_code,
    .trampolines = trampolines,
    .num_tables = 1,
    .tables = tables,
    .num_memories = 1,
    .memories = memories,
    .num_globals = 3,
    .globals = globals,
    .num_datas = 1,
    .num_elems = 1,
    .start = -1,
    .num_points = 5,
    .points = points,
};

/* (func $sum (param $n i32) (result i64)) */
static int64_t sum_fn(gw_instance *inst, int32_t n) {
  gw_exec *exec = inst->exec;
  gw_value *slots;
  int64_t s0 = 0, r;
  if (exec->cr_request && exec->cr_mode == GW_CR_REWINDING) {
    uint32_t p = gw_cr_resume(inst, F_SUM, &slots);
    n = slots[0].i32;
    if (p == P_SUM_ENTRY) goto at_entry;
    s0 = slots[1].i64;
    goto at_call;
  }
  if (exec->cr_request && gw_cr_poll(inst, P_SUM_ENTRY)) goto save_entry;
at_entry:
  if (n == 0) return 0;
  s0 = (int64_t)n;
  if (exec->cr_request && gw_cr_poll(inst, P_SUM_CALL)) goto save_call;
  r = sum_fn(inst, n - 1);
  goto after_call;
at_call:
  /* Re-issued call: the callee's arguments come from its own frame. */
  r = sum_fn(inst, 0x5a5a5a5a);
after_call:
  if (exec->cr_request && exec->cr_mode == GW_CR_UNWINDING) goto save_call;
  return s0 + r;
save_entry:
  slots = gw_cr_save_frame(inst, P_SUM_ENTRY);
  slots[0].i32 = n;
  return 0;
save_call:
  slots = gw_cr_save_frame(inst, P_SUM_CALL);
  slots[0].i32 = n;
  slots[1].i64 = s0;
  return 0;
}

typedef struct v128 {
  uint8_t b[16];
} v128;

/* (func $run (param $n i32) (result i64)) */
static int64_t run_fn(gw_instance *inst, int32_t n) {
  gw_exec *exec = inst->exec;
  gw_value *slots;
  int32_t i = 0;
  int64_t h = 0, s0 = 0, r;
  double acc = 0;
  float x = 0;
  v128 v;
  memset(&v, 0, sizeof v);
  uint32_t p = 0;
  if (exec->cr_request && exec->cr_mode == GW_CR_REWINDING) {
    p = gw_cr_resume(inst, F_RUN, &slots);
    n = slots[0].i32;
    i = slots[1].i32;
    h = slots[2].i64;
    acc = slots[3].f64;
    x = slots[4].f32;
    memcpy(v.b, slots[5].v128, 16);
    if (p == P_RUN_ENTRY) goto at_entry;
    if (p == P_RUN_LOOP) goto at_loop;
    s0 = slots[6].i64;
    goto at_call;
  }
  if (exec->cr_request && gw_cr_poll(inst, P_RUN_ENTRY)) {
    p = P_RUN_ENTRY;
    goto save;
  }
at_entry:
loop:
  if (exec->cr_request && gw_cr_poll(inst, P_RUN_LOOP)) {
    p = P_RUN_LOOP;
    goto save;
  }
at_loop:
  s0 = (int64_t)((uint64_t)h * 31u);
  if (exec->cr_request && gw_cr_poll(inst, P_RUN_CALL)) {
    p = P_RUN_CALL;
    goto save;
  }
  r = sum_fn(inst, (int32_t)((uint32_t)i % 20));
  goto after_call;
at_call:
  r = sum_fn(inst, 0x5a5a5a5a);
after_call:
  if (exec->cr_request && exec->cr_mode == GW_CR_UNWINDING) {
    p = P_RUN_CALL;
    goto save;
  }
  h = (int64_t)((uint64_t)s0 + (uint64_t)r);
  {
    gw_memory *mem = inst->memories[0];
    uint32_t addr = ((uint32_t)i * 8u) % ((uint32_t)mem->pages * 65536u);
    memcpy(inst->mem0_base + addr, &h, 8);
    acc = acc + (double)(uint32_t)i * 0.5;
    x = x + 0.25f;
    for (int lane = 0; lane < 4; lane++) {
      uint32_t a;
      memcpy(&a, v.b + 4 * lane, 4);
      a += (uint32_t)i * 3u;
      memcpy(v.b + 4 * lane, &a, 4);
    }
    inst->globals[0]->value.i32 += 1;
    if ((uint32_t)i % 37 == 0) gw_memory_grow(inst, 0, 1);
    if (i == 5) inst->tables[0]->elems[1] = inst->funcs[F_SUM];
    i++;
  }
  if ((uint32_t)i < (uint32_t)n) goto loop;
  inst->globals[1]->value.f64 = acc;
  {
    uint64_t acc_bits, lane0;
    uint32_t x_bits;
    memcpy(&acc_bits, &acc, 8);
    memcpy(&x_bits, &x, 4);
    memcpy(&lane0, v.b, 8);
    return (int64_t)((uint64_t)h ^ acc_bits ^ (uint64_t)x_bits ^ lane0);
  }
save:
  slots = gw_cr_save_frame(inst, p);
  slots[0].i32 = n;
  slots[1].i32 = i;
  slots[2].i64 = h;
  slots[3].f64 = acc;
  slots[4].f32 = x;
  memcpy(slots[5].v128, v.b, 16);
  if (p == P_RUN_CALL) slots[6].i64 = s0;
  return 0;
}

/* ---- A hand-made instance (what gw_instantiate would build) ------------- */

typedef struct test_instance {
  gw_instance inst;
  gw_memory *mem;
  gw_memory *mems[1];
  gw_table *tabs[1];
  gw_global globals[3];
  gw_global *global_ptrs[3];
  gw_funcref funcs[2];
  gw_funcref *func_ptrs[2];
  uint64_t type_ids[1];
  uint8_t data_dropped[1], elem_dropped[1];
} test_instance;

static test_instance *new_instance(gw_exec *exec, int apply_segments) {
  char err[256];
  test_instance *t = calloc(1, sizeof *t);
  t->mems[0] = gw_memory_new(1, 8, err, sizeof err);
  t->tabs[0] = gw_table_new(GW_FUNCREF, 2, UINT32_MAX, err, sizeof err);
  if (t->mems[0] == NULL || t->tabs[0] == NULL) {
    fprintf(stderr, "cannot create instance: %s\n", err);
    exit(2);
  }
  t->type_ids[0] = gw_intern_type("i:I");
  for (int f = 0; f < 2; f++) {
    t->funcs[f] = (gw_funcref){.code = func_code[f], .instance = &t->inst,
                               .type_id = t->type_ids[0]};
    t->func_ptrs[f] = &t->funcs[f];
  }
  for (int g = 0; g < 3; g++) {
    t->globals[g].type = (uint8_t)globals[g].type;
    t->globals[g].mutable_ = (uint8_t)globals[g].mutable_;
    t->global_ptrs[g] = &t->globals[g];
  }
  t->globals[2].value.i32 = 7;
  t->inst = (gw_instance){.mem0_base = t->mems[0]->base, .exec = exec,
                          .memories = t->mems, .tables = t->tabs,
                          .globals = t->global_ptrs, .funcs = t->func_ptrs,
                          .type_ids = t->type_ids, .module = &module,
                          .data_dropped = t->data_dropped,
                          .elem_dropped = t->elem_dropped};
  if (apply_segments) { /* (elem (i32.const 0) $sum) (data ... "hello") */
    t->tabs[0]->elems[0] = t->func_ptrs[F_SUM];
    memcpy(t->mems[0]->base + 1000, "hello", 5);
    t->elem_dropped[0] = t->data_dropped[0] = 1;
  }
  return t;
}

static void free_instance(test_instance *t) {
  gw_memory_free(t->mems[0]);
  gw_table_free(t->tabs[0]);
  free(t);
}

/* CRC of memory contents, globals and table: what must survive a restore. */
static uint32_t digest(test_instance *t) {
  gw_memory *mem = t->mems[0];
  uint32_t c = gw_crc32(mem->base, mem->pages * GW_PAGE_SIZE);
  uint8_t extra[64];
  size_t k = 0;
  memcpy(extra + k, &mem->pages, 8), k += 8;
  memcpy(extra + k, &t->globals[0].value.i32, 4), k += 4;
  memcpy(extra + k, &t->globals[1].value.f64, 8), k += 8;
  for (int e = 0; e < 2; e++) {
    int32_t idx = t->tabs[0]->elems[e] == NULL ? -1
                  : t->tabs[0]->elems[e] == t->func_ptrs[0] ? 0 : 1;
    memcpy(extra + k, &idx, 4), k += 4;
  }
  memcpy(extra + k, &t->data_dropped[0], 1), k += 1;
  memcpy(extra + k, &t->elem_dropped[0], 1), k += 1;
  return c ^ gw_crc32(extra, k) * 2654435761u;
}

typedef struct run_result {
  int32_t kind;
  int64_t value;
  uint32_t digest;
} run_result;

static run_result call_run(gw_exec *exec, test_instance *t, int32_t n,
                           char *err, size_t errn) {
  gw_value args[1] = {{.i32 = n}}, results[1];
  results[0].i64 = 0;
  run_result r;
  r.kind = gw_cr_call(exec, &t->inst, t->func_ptrs[F_RUN], args, results, err,
                      errn);
  r.value = results[0].i64;
  r.digest = digest(t);
  return r;
}

/* ---- Tests ---------------------------------------------------------------- */

static const char *dir;
static char *path_in_dir(const char *name) {
  static char buf[4][1024];
  static int next;
  char *p = buf[next++ % 4];
  snprintf(p, 1024, "%s/%s", dir, name);
  return p;
}

static uint32_t baseline_memcrc;
static uint64_t baseline_pages;
static int32_t baseline_count;

/* Uninterrupted run; also counts the points reached. */
static run_result baseline(int32_t n, uint64_t *points) {
  char err[512];
  gw_exec exec;
  gw_exec_init(&exec, 100000);
  test_instance *t = new_instance(&exec, 1);
  gw_cr_config cfg = {.snapshot_path = path_in_dir("unused.snapshot"),
                      .checkpoint_after = UINT64_MAX, .signal = -1};
  CHECK_MSG(gw_cr_setup(&exec, &cfg, err, sizeof err) == 0, "%s", err);
  run_result r = call_run(&exec, t, n, err, sizeof err);
  CHECK_MSG(r.kind == GW_TRAP_NONE, "baseline kind %d", r.kind);
  baseline_memcrc = gw_crc32(t->mems[0]->base, t->mems[0]->pages * GW_PAGE_SIZE);
  baseline_pages = t->mems[0]->pages;
  baseline_count = t->globals[0].value.i32;
  *points = gw_cr_points_reached(&exec);
  CHECK_MSG(gw_cr_snapshots_written(&exec) == 0, "baseline wrote a snapshot");
  gw_cr_teardown(&exec);
  /* Without any C/R state at all, the same result. */
  gw_exec plain;
  gw_exec_init(&plain, 100000);
  test_instance *t2 = new_instance(&plain, 1);
  run_result r2 = call_run(&plain, t2, n, err, sizeof err);
  CHECK_MSG(r2.value == r.value && r2.digest == r.digest, "plain run differs");
  free_instance(t);
  free_instance(t2);
  return r;
}

/* Restores path into a fresh instance/exec and finishes the run. */
static run_result restore_and_finish(const char *path, gw_cr_config *cfg,
                                     int32_t n, uint64_t *written) {
  char err[512];
  gw_exec exec;
  gw_exec_init(&exec, 100000);
  test_instance *t = new_instance(&exec, 0); /* no segments: all restored */
  if (cfg) CHECK_MSG(gw_cr_setup(&exec, cfg, err, sizeof err) == 0, "%s", err);
  run_result r = {.kind = -1};
  if (gw_cr_restore(&exec, &t->inst, path, err, sizeof err) != 0) {
    CHECK_MSG(0, "restore %s: %s", path, err);
  } else {
    r = call_run(&exec, t, n ^ 0x1234, err, sizeof err); /* n: from frame */
    if (r.kind == GW_CR_ERROR) CHECK_MSG(0, "resume: %s", err);
  }
  if (written) *written = gw_cr_snapshots_written(&exec);
  gw_cr_teardown(&exec);
  free_instance(t);
  return r;
}

/* Checkpoint at the k-th point, restore in a fresh instance, finish. */
static void test_countdown(int32_t n, run_result base, uint64_t points) {
  char err[512];
  int tested = 0;
  uint64_t step = points / 150 + 1;
  for (uint64_t k = 1; k <= points; k += (k < 40 ? 1 : step)) {
    gw_exec exec;
    gw_exec_init(&exec, 100000);
    test_instance *t = new_instance(&exec, 1);
    char name[64];
    snprintf(name, sizeof name, "countdown-%llu.snapshot",
             (unsigned long long)k);
    gw_cr_config cfg = {.snapshot_path = path_in_dir(name),
                        .checkpoint_after = k, .signal = -1};
    CHECK_MSG(gw_cr_setup(&exec, &cfg, err, sizeof err) == 0, "%s", err);
    run_result r = call_run(&exec, t, n, err, sizeof err);
    CHECK_MSG(r.kind == GW_CR_CHECKPOINTED, "k=%llu: kind %d (%s)",
          (unsigned long long)k, r.kind, err);
    gw_cr_teardown(&exec);
    free_instance(t);
    run_result done = restore_and_finish(path_in_dir(name), NULL, n, NULL);
    CHECK_MSG(done.kind == GW_TRAP_NONE && done.value == base.value &&
              done.digest == base.digest,
          "k=%llu: restored run gives %lld/%08x, expected %lld/%08x",
          (unsigned long long)k, (long long)done.value, done.digest,
          (long long)base.value, base.digest);
    if (k > 3 && k + step <= points) unlink(path_in_dir(name));
    tested++;
  }
  printf("countdown %d checkpoints\n", tested);
}

/* --continue: checkpoint, rewind in-process, finish; then chains. */
static void test_continue_and_chain(int32_t n, run_result base,
                                    uint64_t points) {
  char err[512];
  gw_exec exec;
  gw_exec_init(&exec, 100000);
  test_instance *t = new_instance(&exec, 1);
  gw_cr_config cfg = {.snapshot_path = path_in_dir("continue.snapshot"),
                      .checkpoint_after = points / 2, .continue_after = 1,
                      .signal = -1};
  CHECK_MSG(gw_cr_setup(&exec, &cfg, err, sizeof err) == 0, "%s", err);
  run_result r = call_run(&exec, t, n, err, sizeof err);
  CHECK_MSG(r.kind == GW_TRAP_NONE && r.value == base.value &&
            r.digest == base.digest,
        "--continue run differs: kind %d %s", r.kind, err);
  CHECK_MSG(gw_cr_snapshots_written(&exec) == 1, "--continue wrote %llu",
        (unsigned long long)gw_cr_snapshots_written(&exec));
  gw_cr_teardown(&exec);
  free_instance(t);
  /* The snapshot written by --continue restores to the same end. */
  run_result done =
      restore_and_finish(path_in_dir("continue.snapshot"), NULL, n, NULL);
  CHECK_MSG(done.value == base.value && done.digest == base.digest,
        "restore of --continue snapshot differs");
  /* Chain: a restored run checkpoints again; that snapshot restores too. */
  gw_cr_config again = {.snapshot_path = path_in_dir("chain2.snapshot"),
                        .checkpoint_after = points / 5, .signal = -1};
  uint64_t written = 0;
  run_result mid = restore_and_finish(path_in_dir("continue.snapshot"),
                                      &again, n, &written);
  CHECK_MSG(mid.kind == GW_CR_CHECKPOINTED && written == 1,
        "chained checkpoint: kind %d", mid.kind);
  done = restore_and_finish(path_in_dir("chain2.snapshot"), NULL, n, NULL);
  CHECK_MSG(done.value == base.value && done.digest == base.digest,
        "restore of chained snapshot differs");
}

/* SIGUSR1 (the handler only sets the flag) and the periodic timer. */
static void test_signal_and_timer(int32_t n, run_result base) {
  char err[512];
  gw_exec exec;
  gw_exec_init(&exec, 100000);
  test_instance *t = new_instance(&exec, 1);
  gw_cr_config cfg = {.snapshot_path = path_in_dir("signal.snapshot")};
  CHECK_MSG(gw_cr_setup(&exec, &cfg, err, sizeof err) == 0, "%s", err);
  CHECK_MSG(exec.cr_request == 0, "flag set before any request");
  raise(SIGUSR1);
  CHECK_MSG(exec.cr_request != 0, "SIGUSR1 did not set the flag");
  run_result r = call_run(&exec, t, n, err, sizeof err);
  CHECK_MSG(r.kind == GW_CR_CHECKPOINTED, "signal: kind %d", r.kind);
  gw_cr_teardown(&exec);
  free_instance(t);
  run_result done =
      restore_and_finish(path_in_dir("signal.snapshot"), NULL, n, NULL);
  CHECK_MSG(done.value == base.value && done.digest == base.digest,
        "signal snapshot restores differently");

  /* Timer: many checkpoints with --continue on a long run. */
  int32_t long_n = 1500000;
  uint64_t points;
  run_result long_base = baseline(long_n, &points);
  gw_exec_init(&exec, 100000);
  t = new_instance(&exec, 1);
  gw_cr_config tcfg = {.snapshot_path = path_in_dir("timer.snapshot"),
                       .checkpoint_every = 0.005, .continue_after = 1,
                       .signal = -1};
  CHECK_MSG(gw_cr_setup(&exec, &tcfg, err, sizeof err) == 0, "%s", err);
  r = call_run(&exec, t, long_n, err, sizeof err);
  uint64_t written = gw_cr_snapshots_written(&exec);
  CHECK_MSG(r.kind == GW_TRAP_NONE && r.value == long_base.value &&
            r.digest == long_base.digest,
        "timer run differs: kind %d %s", r.kind, err);
  CHECK_MSG(written >= 1, "timer wrote %llu snapshots", (unsigned long long)written);
  gw_cr_teardown(&exec);
  free_instance(t);
  done = restore_and_finish(path_in_dir("timer.snapshot"), NULL, long_n, NULL);
  CHECK_MSG(done.value == long_base.value && done.digest == long_base.digest,
        "timer snapshot restores differently");
  printf("timer %llu snapshots\n", (unsigned long long)written);
}

/* ---- Corruption ----------------------------------------------------------- */

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  *len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc(*len);
  if (fread(b, 1, *len, f) != *len) *len = 0;
  fclose(f);
  return b;
}

/* Restores bytes into a fresh instance; returns 0 on success, else the
 * error in err. */
static int try_restore(const uint8_t *bytes, size_t len, char *err,
                       size_t n) {
  gw_exec exec;
  gw_exec_init(&exec, 100000);
  test_instance *t = new_instance(&exec, 0);
  int r = gw_cr_restore_bytes(&exec, &t->inst, bytes, len, err, n);
  if (r == 0) CHECK_MSG(exec.cr_mode == GW_CR_REWINDING, "restore did not arm");
  else CHECK_MSG(exec.cr_mode == GW_CR_NORMAL, "failed restore armed rewinding");
  gw_cr_teardown(&exec);
  free_instance(t);
  return r;
}

/* Replaces the first `from` in the JSON by `to` and fixes lengths + CRC. */
static uint8_t *patch_json(const uint8_t *bytes, size_t len, const char *from,
                           const char *to, size_t *out_len) {
  uint64_t json_len = 0;
  for (int i = 0; i < 8; i++) json_len |= (uint64_t)bytes[16 + i] << (8 * i);
  char *json = strndup((const char *)bytes + 32, json_len);
  char *at = strstr(json, from);
  if (at == NULL) {
    free(json);
    return NULL;
  }
  size_t new_json = json_len - strlen(from) + strlen(to);
  *out_len = len - json_len + new_json;
  uint8_t *out = malloc(*out_len);
  memcpy(out, bytes, 32);
  size_t pre = (size_t)(at - json);
  memcpy(out + 32, json, pre);
  memcpy(out + 32 + pre, to, strlen(to));
  memcpy(out + 32 + pre + strlen(to), at + strlen(from),
         json_len - pre - strlen(from));
  memcpy(out + 32 + new_json, bytes + 32 + json_len, len - 32 - json_len - 4);
  for (int i = 0; i < 8; i++) out[16 + i] = (uint8_t)(new_json >> (8 * i));
  uint32_t crc = gw_crc32(out, *out_len - 4);
  for (int i = 0; i < 4; i++) out[*out_len - 4 + i] = (uint8_t)(crc >> (8 * i));
  free(json);
  return out;
}

static void expect_error(const uint8_t *bytes, size_t len, const char *want,
                         const char *label) {
  char err[512] = "";
  int r = try_restore(bytes, len, err, sizeof err);
  CHECK_MSG(r != 0, "%s: restore accepted a bad snapshot", label);
  if (r != 0)
    CHECK_MSG(strstr(err, want) != NULL, "%s: error \"%s\" lacks \"%s\"", label,
          err, want);
}

static void test_corruption(void) {
  size_t len;
  uint8_t *good = read_all(path_in_dir("countdown-3.snapshot"), &len);
  CHECK_MSG(good != NULL && len > 100, "no snapshot to corrupt");
  if (good == NULL) return;
  char err[512];
  CHECK_MSG(try_restore(good, len, err, sizeof err) == 0, "good: %s", err);

  /* Truncation at many lengths: always a clear error. */
  for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : len / 97 + 1)) {
    char e[512] = "";
    int r = try_restore(good, cut, e, sizeof e);
    CHECK_MSG(r != 0, "truncated to %zu accepted", cut);
    CHECK_MSG(strstr(e, "truncated") || strstr(e, "magic") ||
              strstr(e, "checksum"),
          "truncated to %zu: \"%s\"", cut, e);
  }
  /* Single bit flips everywhere (sampled). */
  uint8_t *bad = malloc(len);
  int flips = 0;
  for (size_t pos = 0; pos < len; pos += len / 301 + 1) {
    memcpy(bad, good, len);
    bad[pos] ^= (uint8_t)(1u << (pos % 8));
    char e[512] = "";
    int r = try_restore(bad, len, e, sizeof e);
    CHECK_MSG(r != 0, "bit flip at %zu accepted", pos);
    flips++;
  }
  free(bad);
  printf("corruption %d bit flips rejected\n", flips);

  /* Well-formed files with bad contents (checksum fixed up). */
  struct {
    const char *from, *to, *want;
  } cases[] = {
      {"\"hash\":\"43cb", "\"hash\":\"53cb", "another module"},
      {"\"func\":1,", "\"func\":9,", "bad function index"},
      {"\"func\":1,", "\"func\":0,", "not a call migration point of function 0"},
      {"\"offset\":153", "\"offset\":154", "not a call migration point"},
      {"\"kind\":\"entry\"", "\"kind\":\"call\"", "not a call migration"},
      {"{\"type\":\"i32\",\"value\":", "{\"type\":\"i64\",\"value\":",
       "does not match"},
      {"\"pages\":", "\"pages\":99999,\"x\":", "limits"},
      {"\"size\":2", "\"size\":1", "limits"},
      {"\"elements\":[0,", "\"elements\":[", "expected 2 elements"},
      {"\"version\":1", "\"version\":2", "bad version"},
      {"\"frames\":[", "\"frames\":[{\"func\":1},", "bad offset"},
      {"\"mutable\":true", "\"mutable\":false", "mutability"},
      {"\"locals\":[", "\"locals\":[{\"type\":\"i32\",\"value\":1},",
       "expected"},
      {"\"length\":", "\"length\":9999999,\"y\":", "beyond the end"},
      {"\"elements\":[0", "\"elements\":[77", "function index"},
      {"\"version\":1", "\"version\":1,\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                        "[[[[[[[[[[[[[[[[[[[[[]]]]",
       "malformed JSON"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t plen;
    uint8_t *p = patch_json(good, len, cases[i].from, cases[i].to, &plen);
    CHECK_MSG(p != NULL, "case %zu: pattern %s not found", i, cases[i].from);
    if (p == NULL) continue;
    expect_error(p, plen, cases[i].want, cases[i].from);
    free(p);
  }
  /* A valid-CRC stream whose zlib data is damaged. */
  {
    size_t plen;
    uint8_t *p = patch_json(good, len, "\"version\":1", "\"version\":1", &plen);
    uint64_t json_len = 0;
    for (int k = 0; k < 8; k++) json_len |= (uint64_t)p[16 + k] << (8 * k);
    p[32 + json_len + 10] ^= 0xff; /* inside the first zlib stream */
    uint32_t crc = gw_crc32(p, plen - 4);
    for (int k = 0; k < 4; k++) p[plen - 4 + k] = (uint8_t)(crc >> (8 * k));
    expect_error(p, plen, "corrupt compressed data", "zlib damage");
    free(p);
  }
  /* Version in the header. */
  memcpy(err, good, 0);
  uint8_t *v2 = malloc(len);
  memcpy(v2, good, len);
  v2[8] = 2;
  expect_error(v2, len, "unsupported snapshot version 2", "header version");
  free(v2);
  free(good);
}

/* ---- Compression and JSON units ------------------------------------------- */

static void test_deflate(void) {
  size_t sizes[] = {0, 1, 3, 100, 65536, 300000};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    size_t len = sizes[s];
    uint8_t *in = malloc(len + 1);
    uint32_t seed = 12345u + (uint32_t)s;
    for (size_t i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      /* Mixed: runs, repeats and noise. */
      in[i] = (i / 1000) % 3 == 0 ? 0 : (i / 1000) % 3 == 1
                                              ? (uint8_t)(i % 7)
                                              : (uint8_t)(seed >> 16);
    }
    uint8_t *z;
    size_t zlen;
    CHECK_MSG(gw_deflate(in, len, &z, &zlen) == 0, "deflate %zu", len);
    uint8_t *back = malloc(len + 1);
    CHECK_MSG(gw_inflate(z, zlen, back, len) == 0 && memcmp(in, back, len) == 0,
          "round trip of %zu bytes", len);
    if (len > 0) CHECK_MSG(gw_inflate(z, zlen, back, len - 1) != 0, "short out");
    free(z);
    free(back);
    free(in);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: cr_test DIR [N]\n");
    return 2;
  }
  if (argc == 4 && strcmp(argv[1], "inflate") == 0) {
    /* cr_test inflate FILE LEN: CRC-32 of the inflated zlib stream. */
    size_t len, out_len = (size_t)strtoull(argv[3], NULL, 10);
    uint8_t *z = read_all(argv[2], &len);
    uint8_t *out = malloc(out_len + 1);
    if (z == NULL || gw_inflate(z, len, out, out_len) != 0) {
      printf("inflate failed\n");
      return 1;
    }
    printf("crc %u\n", gw_crc32(out, out_len));
    return 0;
  }
  dir = argv[1];
  int32_t n = argc > 2 ? atoi(argv[2]) : 300;
  test_deflate();
  uint64_t points;
  run_result base = baseline(n, &points);
  printf("result %d %lld %u %llu %d\n", n, (long long)base.value,
         baseline_memcrc, (unsigned long long)baseline_pages, baseline_count);
  printf("points %llu\n", (unsigned long long)points);
  test_countdown(n, base, points);
  test_continue_and_chain(n, base, points);
  test_signal_and_timer(n, base);
  test_corruption();
  printf("%s (%d failures)\n", rt_failures ? "FAILED" : "ok", rt_failures);
  return rt_failures ? 1 : 0;
}
