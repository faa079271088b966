/*
 * rt_core_test.c: instantiation, segments, traps (explicit, guard-page and
 * stack-guard faults, call depth), memory.grow, tables, globals, bulk
 * helpers and imports between instances. Expected values follow the
 * WebAssembly 2.0 spec's semantics for each operation.
 */
#include <stdlib.h>
#include <string.h>

#include "../godwit.h"
#include "rt_modules.h"
#include "rt_test.h"

static gw_exec exec;
static char err[256];

static gw_instance *new_m1(void) {
  gw_exec_init(&exec, 100000);
  gw_instance *inst = NULL;
  int r = gw_instantiate(&rt_m1, &exec, NULL, NULL, NULL, &inst, err,
                         sizeof err);
  CHECK_EQ(r, 0);
  CHECK(inst != NULL);
  return inst;
}

static gw_funcref *export_func(gw_instance *inst, const char *name) {
  gw_extern e;
  if (gw_export(inst, name, &e) != 0 || e.kind != GW_EXTERN_FUNC) return NULL;
  return e.u.func;
}

/* Calls a function of up to 4 i32 params; returns the trap kind. */
static int32_t call_i32(gw_instance *inst, const char *name, int32_t *result,
                        int nargs, int32_t a, int32_t b, int32_t c,
                        int32_t d) {
  gw_value args[4], results[1];
  memset(args, 0, sizeof args);
  memset(results, 0, sizeof results);
  int32_t in[4] = {a, b, c, d};
  for (int i = 0; i < nargs; i++) args[i].i32 = in[i];
  gw_funcref *f = export_func(inst, name);
  if (f == NULL) return -1;
  int32_t kind = gw_call(inst->exec, f, args, results);
  if (result != NULL) *result = results[0].i32;
  return kind;
}

TEST(intern_type_is_canonical) {
  uint64_t a = gw_intern_type("ii:i");
  CHECK(a != 0);
  CHECK_EQ(gw_intern_type("ii:i"), a);
  CHECK(gw_intern_type("i:i") != a);
  CHECK(gw_intern_type("") != gw_intern_type(":"));
  /* Many distinct sigs stay distinct (exercises rehashing). */
  char sig[64];
  uint64_t first = 0;
  for (int i = 0; i < 500; i++) {
    snprintf(sig, sizeof sig, "%d:I", i);
    uint64_t id = gw_intern_type(sig);
    if (i == 0) first = id;
  }
  CHECK_EQ(gw_intern_type("0:I"), first);
}

TEST(trap_messages_match_spec) {
  CHECK(strcmp(gw_trap_message(GW_TRAP_INT_DIV_ZERO),
               "integer divide by zero") == 0);
  CHECK(strcmp(gw_trap_message(GW_TRAP_MEMORY_OOB),
               "out of bounds memory access") == 0);
  CHECK(strcmp(gw_trap_message(GW_TRAP_CALL_STACK_EXHAUSTED),
               "call stack exhausted") == 0);
  CHECK(strcmp(gw_trap_message(GW_TRAP_INDIRECT_TYPE_MISMATCH),
               "indirect call type mismatch") == 0);
  CHECK(strcmp(gw_trap_message(GW_TRAP_UNDEFINED_ELEMENT),
               "undefined element") == 0);
  CHECK(strcmp(gw_trap_message(GW_TRAP_UNINITIALIZED_ELEMENT),
               "uninitialized element") == 0);
}

TEST(instantiate_applies_globals_and_segments) {
  gw_instance *inst = new_m1();
  CHECK(inst->mem0_base != NULL);
  CHECK(memcmp(inst->mem0_base + 16, "hello", 5) == 0);
  CHECK_EQ(inst->mem0_base[15], 0);
  gw_extern e;
  CHECK_EQ(gw_export(inst, "g0", &e), 0);
  CHECK_EQ(e.kind, GW_EXTERN_GLOBAL);
  CHECK_EQ(e.u.global->value.i32, 42);
  CHECK(e.u.global == inst->globals[0]);
  CHECK_EQ(gw_export(inst, "g1", &e), 0);
  CHECK((uint64_t)e.u.global->value.i64 == 0x8000000000000001ull);
  CHECK_EQ(gw_export(inst, "g2", &e), 0);
  CHECK(e.u.global->value.ref == inst->funcs[M1_GET_G0]);
  /* Table: [null, add, div, null]; elements are the instance's funcrefs. */
  gw_table *tab = inst->tables[0];
  CHECK_EQ(tab->size, 4);
  CHECK_EQ(tab->max, 10);
  CHECK(tab->elems[0] == NULL);
  CHECK(tab->elems[1] == inst->funcs[M1_ADD]);
  CHECK(tab->elems[2] == inst->funcs[M1_DIV]);
  CHECK(tab->elems[3] == NULL);
  CHECK(inst->funcs[M1_ADD]->instance == inst);
  CHECK_EQ(inst->funcs[M1_ADD]->type_id, gw_intern_type("ii:i"));
  CHECK_EQ(inst->type_ids[1], gw_intern_type("i:i"));
  /* Active and declarative segments are dropped; passive ones are not. */
  CHECK_EQ(inst->data_dropped[0], 1);
  CHECK_EQ(inst->data_dropped[1], 0);
  CHECK_EQ(inst->elem_dropped[0], 1);
  CHECK_EQ(inst->elem_dropped[1], 0);
  CHECK_EQ(inst->elem_dropped[2], 1);
  CHECK_EQ(gw_export(inst, "nope", &e), -1);
  gw_instance_free(inst);
}

TEST(call_returns_results_and_traps) {
  gw_instance *inst = new_m1();
  int32_t r = 0;
  CHECK_EQ(call_i32(inst, "add", &r, 2, 40, 2, 0, 0), GW_TRAP_NONE);
  CHECK_EQ(r, 42);
  CHECK_EQ(call_i32(inst, "div", &r, 2, 7, 2, 0, 0), GW_TRAP_NONE);
  CHECK_EQ(r, 3);
  CHECK_EQ(call_i32(inst, "div", &r, 2, 7, 0, 0, 0), GW_TRAP_INT_DIV_ZERO);
  CHECK_EQ(call_i32(inst, "div", &r, 2, INT32_MIN, -1, 0, 0),
           GW_TRAP_INT_OVERFLOW);
  /* A trap restores the depth budget and leaves no jump buffer behind. */
  CHECK_EQ(exec.depth_left, 100000);
  CHECK(exec.trap_jmp == NULL);
  CHECK_EQ(call_i32(inst, "get_g0", &r, 0, 0, 0, 0, 0), GW_TRAP_NONE);
  CHECK_EQ(r, 42);
  CHECK_EQ(gw_call(&exec, NULL, NULL, NULL), GW_TRAP_UNINITIALIZED_ELEMENT);
  gw_instance_free(inst);
}

TEST(guard_page_fault_is_memory_oob_trap) {
  gw_instance *inst = new_m1();
  int32_t r = 0;
  CHECK_EQ(call_i32(inst, "load", &r, 1, 16, 0, 0, 0), GW_TRAP_NONE);
  CHECK_EQ(r, 0x6c6c6568); /* "hell" little-endian */
  CHECK_EQ(call_i32(inst, "load", &r, 1, 65532, 0, 0, 0), GW_TRAP_NONE);
  CHECK_EQ(call_i32(inst, "load", &r, 1, 65533, 0, 0, 0), GW_TRAP_MEMORY_OOB);
  CHECK_EQ(call_i32(inst, "load", &r, 1, 65536, 0, 0, 0), GW_TRAP_MEMORY_OOB);
  CHECK_EQ(call_i32(inst, "load", &r, 1, -1, 0, 0, 0), GW_TRAP_MEMORY_OOB);
  CHECK_EQ(exec.depth_left, 100000);
  /* Still works after traps (the signal was unblocked by siglongjmp). */
  CHECK_EQ(call_i32(inst, "load", &r, 1, 65533, 0, 0, 0), GW_TRAP_MEMORY_OOB);
  CHECK_EQ(call_i32(inst, "add", &r, 2, 1, 2, 0, 0), GW_TRAP_NONE);
  CHECK_EQ(r, 3);
  gw_instance_free(inst);
}

TEST(memory_grow_commits_pages_and_respects_max) {
  gw_instance *inst = new_m1();
  gw_memory *mem = inst->memories[0];
  uint8_t *base = mem->base;
  int32_t r = 0;
  CHECK_EQ(mem->max_pages, 3);
  CHECK_EQ(gw_memory_grow(inst, 0, 0), 1);
  CHECK_EQ(gw_memory_grow(inst, 0, 1), 1);
  CHECK_EQ(mem->pages, 2);
  CHECK(mem->base == base);
  CHECK_EQ(call_i32(inst, "load", &r, 1, 65536, 0, 0, 0), GW_TRAP_NONE);
  CHECK_EQ(r, 0);
  CHECK_EQ(call_i32(inst, "load", &r, 1, 2 * 65536, 0, 0, 0),
           GW_TRAP_MEMORY_OOB);
  CHECK_EQ(gw_memory_grow(inst, 0, 2), -1); /* 4 > max 3 */
  CHECK_EQ(gw_memory_grow(inst, 0, 1), 2);
  CHECK_EQ(gw_memory_grow(inst, 0, 1), -1);
  CHECK_EQ(gw_memory_grow(inst, 0, 0xffffffffu), -1);
  CHECK_EQ(mem->pages, 3);
  gw_instance_free(inst);

  /* Without a declared maximum: up to 65536 pages, never beyond. */
  char e[128];
  gw_memory *big = gw_memory_new(0, UINT64_MAX, e, sizeof e);
  CHECK(big != NULL);
  CHECK_EQ(big->max_pages, 65536);
  CHECK(big->reserved >= (1ull << 33) + 65536);
  gw_instance fake;
  memset(&fake, 0, sizeof fake);
  gw_memory *mems[1] = {big};
  fake.memories = mems;
  CHECK_EQ(gw_memory_grow(&fake, 0, 65537), -1);
  CHECK_EQ(gw_memory_grow(&fake, 0, 65536), 0); /* 4 GiB, lazily committed */
  CHECK_EQ(gw_memory_grow(&fake, 0, 1), -1);
  big->base[0xffffffffu] = 7; /* last byte is writable */
  CHECK_EQ(big->base[0xffffffffu], 7);
  gw_memory_free(big);
  CHECK(gw_memory_new(65537, UINT64_MAX, e, sizeof e) == NULL);
}

typedef struct depth_case {
  gw_instance *inst;
  const char *func;
  int32_t arg;
  int32_t result;
  int32_t kind;
} depth_case;

static int run_depth_case(void *p) {
  depth_case *c = p;
  c->kind = call_i32(c->inst, c->func, &c->result, 1, c->arg, 0, 0, 0);
  return 0;
}

TEST(call_depth_limit_traps_as_exhaustion) {
  gw_instance *inst = new_m1();
  /* recurse(n) uses n + 1 frames. */
  depth_case ok = {inst, "recurse", 99999, 0, -1};
  gw_run_on_wasm_stack(run_depth_case, &ok);
  CHECK_EQ(ok.kind, GW_TRAP_NONE);
  CHECK_EQ(ok.result, 99999);
  depth_case over = {inst, "recurse", 100000, 0, -1};
  gw_run_on_wasm_stack(run_depth_case, &over);
  CHECK_EQ(over.kind, GW_TRAP_CALL_STACK_EXHAUSTED);
  CHECK_EQ(exec.depth_left, 100000);
  gw_instance_free(inst);
}

TEST(stack_guard_fault_is_exhaustion_not_a_crash) {
  gw_instance *inst = new_m1();
  /* 1 MiB frames: 10000 of them overflow any stack we would make. */
  depth_case deep = {inst, "deep", 10000, 0, -1};
  gw_run_on_wasm_stack(run_depth_case, &deep);
  CHECK_EQ(deep.kind, GW_TRAP_CALL_STACK_EXHAUSTED);
  depth_case shallow = {inst, "deep", 10, 0, -1};
  gw_run_on_wasm_stack(run_depth_case, &shallow);
  CHECK_EQ(shallow.kind, GW_TRAP_NONE);
  CHECK_EQ(shallow.result, 55); /* 10 + 9 + ... + 1 (char frame values) */
  /* And again, reusing the fault path. */
  gw_run_on_wasm_stack(run_depth_case, &deep);
  CHECK_EQ(deep.kind, GW_TRAP_CALL_STACK_EXHAUSTED);
  gw_instance_free(inst);
}

TEST(bulk_memory_helpers_check_bounds_first) {
  gw_instance *inst = new_m1();
  uint8_t *m = inst->mem0_base;
  int32_t r;
  /* memory.init from passive "xyz!" */
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_INIT, 1000, 1, 3), 0);
  CHECK(memcmp(m + 1000, "yz!", 3) == 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_INIT, 2000, 2, 3),
           GW_TRAP_MEMORY_OOB); /* src + n > 4 */
  CHECK_EQ(m[2000], 0);         /* nothing written */
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_INIT, 65534, 0, 3),
           GW_TRAP_MEMORY_OOB);
  CHECK_EQ(m[65534], 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_INIT, 65536, 4, 0), 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_INIT, 65537, 0, 0),
           GW_TRAP_MEMORY_OOB);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_DATA_DROP, 0, 0, 0), 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_INIT, 0, 0, 1),
           GW_TRAP_MEMORY_OOB); /* dropped: length 0 */
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_INIT, 0, 0, 0), 0);
  /* memory.copy, overlapping both ways */
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_COPY, 17, 16, 5), 0);
  CHECK(memcmp(m + 16, "hhello", 6) == 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_COPY, 16, 17, 5), 0);
  CHECK(memcmp(m + 16, "helloo", 6) == 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_COPY, 65535, 16, 2),
           GW_TRAP_MEMORY_OOB);
  CHECK_EQ(m[65535], 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_COPY, 65536, 65536, 0), 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_COPY, 0, -1, 2),
           GW_TRAP_MEMORY_OOB);
  /* memory.fill */
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_FILL, 3000, 0x1ab, 4), 0);
  CHECK(memcmp(m + 3000, "\xab\xab\xab\xab", 4) == 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_FILL, 65535, 1, 2),
           GW_TRAP_MEMORY_OOB);
  CHECK_EQ(m[65535], 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_FILL, 65536, 1, 0), 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_MEMORY_FILL, 65537, 1, 0),
           GW_TRAP_MEMORY_OOB);
  gw_instance_free(inst);
}

TEST(table_helpers_check_bounds_first) {
  gw_instance *inst = new_m1();
  gw_table *t = inst->tables[0];
  int32_t r;
  /* table.init from passive [load, null] */
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_INIT, 2, 0, 2), 0);
  CHECK(t->elems[2] == inst->funcs[M1_LOAD]);
  CHECK(t->elems[3] == NULL);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_INIT, 3, 0, 2),
           GW_TRAP_TABLE_OOB);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_INIT, 4, 2, 0), 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_INIT, 5, 0, 0),
           GW_TRAP_TABLE_OOB);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_ELEM_DROP, 0, 0, 0), 0);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_INIT, 0, 0, 1),
           GW_TRAP_TABLE_OOB);
  /* table.copy [null, add, load, null] -> copy 1..3 to 0..2 */
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_COPY, 0, 1, 3), 0);
  CHECK(t->elems[0] == inst->funcs[M1_ADD]);
  CHECK(t->elems[1] == inst->funcs[M1_LOAD]);
  CHECK(t->elems[2] == NULL);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_COPY, 3, 0, 2),
           GW_TRAP_TABLE_OOB);
  CHECK(t->elems[3] == NULL);
  /* table.fill */
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_FILL, 2, M1_DIV, 2), 0);
  CHECK(t->elems[2] == inst->funcs[M1_DIV] && t->elems[3] == t->elems[2]);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_FILL, 3, M1_ADD, 2),
           GW_TRAP_TABLE_OOB);
  CHECK(t->elems[3] == inst->funcs[M1_DIV]);
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_TABLE_FILL, 4, M1_ADD, 0), 0);
  /* table.grow with init value, up to max 10 */
  CHECK_EQ(gw_table_grow(inst, 0, inst->funcs[M1_ADD], 0), 4);
  CHECK_EQ(gw_table_grow(inst, 0, inst->funcs[M1_ADD], 3), 4);
  CHECK_EQ(t->size, 7);
  CHECK(t->elems[6] == inst->funcs[M1_ADD]);
  CHECK_EQ(gw_table_grow(inst, 0, NULL, 4), -1);
  CHECK_EQ(gw_table_grow(inst, 0, NULL, 3), 7);
  CHECK(t->elems[9] == NULL);
  CHECK_EQ(gw_table_grow(inst, 0, NULL, 0xfffffff0u), -1);
  CHECK_EQ(t->size, 10);
  gw_instance_free(inst);
}

TEST(host_trap_propagates_to_outermost_call) {
  gw_instance *inst = new_m1();
  int32_t r;
  CHECK_EQ(call_i32(inst, "bulk", &r, 4, BULK_HOST_TRAP, 0, 0, 0),
           GW_TRAP_HOST);
  gw_instance_free(inst);
}

/* ---- two instances --------------------------------------------------------- */

typedef struct linker {
  gw_instance *m1;
  gw_funcref reenter;
  const char *swap_name; /* resolve this import to ... */
  gw_extern swap_with;   /* ... this instead */
} linker;

/* Host function: calls m1's div(x, 0) in a nested gw_call and returns
 * 100 + the trap kind; for x < 0 it traps itself. */
static gw_instance *reenter_m1;
static int32_t host_reenter(gw_instance *inst, int32_t x) {
  if (x < 0) gw_trap(inst, GW_TRAP_HOST);
  gw_extern e;
  gw_export(reenter_m1, "div", &e);
  gw_value args[2] = {{.i32 = x}, {.i32 = 0}}, res[1];
  int32_t kind = gw_call(inst->exec, e.u.func, args, res);
  return 100 + kind;
}

static int resolve(void *user, gw_instance *inst, const gw_import_desc *imp,
                   gw_extern *out) {
  linker *l = user;
  if (l->swap_name != NULL && strcmp(imp->name, l->swap_name) == 0) {
    *out = l->swap_with;
    return 0;
  }
  if (strcmp(imp->module, "m1") == 0) return gw_export(l->m1, imp->name, out);
  if (strcmp(imp->module, "host") == 0 && strcmp(imp->name, "reenter") == 0) {
    l->reenter.code = (void *)host_reenter;
    l->reenter.instance = inst;
    l->reenter.type_id = gw_intern_type("i:i");
    out->kind = GW_EXTERN_FUNC;
    out->u.func = &l->reenter;
    return 0;
  }
  return 1;
}

TEST(imports_are_shared_between_instances) {
  gw_instance *m1 = new_m1();
  reenter_m1 = m1;
  linker l = {.m1 = m1};
  gw_instance *m2 = NULL;
  int r = gw_instantiate(&rt_m2, &exec, resolve, &l, NULL, &m2, err,
                         sizeof err);
  CHECK_EQ(r, 0);
  if (r != 0) {
    fprintf(stderr, "  %s\n", err);
    return;
  }
  /* Pointer identity of imported objects. */
  CHECK(m2->memories[0] == m1->memories[0]);
  CHECK(m2->mem0_base == m1->mem0_base);
  CHECK(m2->tables[0] == m1->tables[0]);
  CHECK(m2->globals[1] == m1->globals[0]);
  CHECK(m2->funcs[0] == m1->funcs[M1_ADD]);
  /* Segments and start ran against the shared objects. */
  CHECK(memcmp(m1->mem0_base + 100, "M2", 2) == 0);
  int32_t v;
  memcpy(&v, m1->mem0_base + 200, 4);
  CHECK_EQ(v, 5);
  CHECK_EQ(m1->globals[0]->value.i32, 43);
  CHECK(m1->tables[0]->elems[3] == m2->funcs[3]);
  CHECK(m2->funcs[3]->instance == m2);
  /* global.get of an imported global in a constant expression */
  int32_t hi;
  CHECK_EQ(call_i32(m2, "get_g2", &hi, 0, 0, 0, 0, 0), 0);
  CHECK_EQ(hi, (int32_t)0x80000000);
  /* Calling through the shared table from m1's side reaches m2. The host
   * import makes a nested gw_call that traps (div by zero) and returns. */
  gw_value args[1] = {{.i32 = 7}}, res[1];
  CHECK_EQ(gw_call(&exec, m1->tables[0]->elems[3], args, res), 0);
  CHECK_EQ(res[0].i32, 100 + GW_TRAP_INT_DIV_ZERO + 1);
  CHECK_EQ(exec.depth_left, 100000);
  /* A host function's trap unwinds through m2 to this call. */
  args[0].i32 = -1;
  CHECK_EQ(gw_call(&exec, m2->funcs[3], args, res), GW_TRAP_HOST);
  CHECK_EQ(exec.depth_left, 100000);
  gw_instance_free(m2);
  gw_instance_free(m1);
}

static void expect_link_error(linker *l, const char *needle) {
  gw_instance *m2 = (gw_instance *)1;
  err[0] = 0;
  int r = gw_instantiate(&rt_m2, &exec, resolve, l, NULL, &m2, err,
                         sizeof err);
  CHECK_EQ(r, -1);
  CHECK(m2 == NULL);
  if (strstr(err, needle) == NULL) {
    fprintf(stderr, "  message: %s (expected %s)\n", err, needle);
    CHECK(strstr(err, needle) != NULL);
  }
}

TEST(link_errors_name_the_import) {
  gw_instance *m1 = new_m1();
  reenter_m1 = m1;
  linker l = {.m1 = m1};
  gw_extern e;
  char ebuf[128];

  gw_instance *m2 = NULL;
  CHECK_EQ(gw_instantiate(&rt_m2, &exec, NULL, NULL, NULL, &m2, err,
                          sizeof err),
           -1);
  CHECK(strcmp(err, "unknown import: \"m1\" \"add\"") == 0);

  l.swap_name = "reenter"; /* kind mismatch: a memory for a function */
  l.swap_with.kind = GW_EXTERN_MEMORY;
  l.swap_with.u.memory = m1->memories[0];
  expect_link_error(&l, "incompatible import type for \"host\" \"reenter\"");

  l.swap_name = "add"; /* function signature mismatch: i:i for ii:i */
  gw_export(m1, "load", &l.swap_with);
  expect_link_error(&l, "incompatible import type for \"m1\" \"add\"");

  l.swap_name = "g1"; /* global mutability mismatch */
  gw_export(m1, "g0", &e);
  gw_global g = {.type = GW_I64, .mutable_ = 1};
  l.swap_with.kind = GW_EXTERN_GLOBAL;
  l.swap_with.u.global = &g;
  expect_link_error(&l, "incompatible import type for \"m1\" \"g1\"");
  g.mutable_ = 0; /* and type mismatch */
  g.type = GW_I32;
  expect_link_error(&l, "incompatible import type for \"m1\" \"g1\"");

  l.swap_name = "mem"; /* memory smaller than the import's minimum */
  gw_memory *small = gw_memory_new(0, 5, ebuf, sizeof ebuf);
  l.swap_with.kind = GW_EXTERN_MEMORY;
  l.swap_with.u.memory = small;
  expect_link_error(&l, "incompatible import type for \"m1\" \"mem\"");
  CHECK_EQ(gw_memory_grow(&(gw_instance){.memories = &small}, 0, 1), 0);
  gw_instance *ok = NULL;
  CHECK_EQ(gw_instantiate(&rt_m2, &exec, resolve, &l, NULL, &ok, err,
                          sizeof err),
           0); /* current size counts, not the declared minimum */
  gw_instance_free(ok);

  l.swap_name = "tab"; /* table without max where the import has max 10 */
  gw_table *nomax = gw_table_new(GW_FUNCREF, 4, UINT64_MAX, ebuf, sizeof ebuf);
  l.swap_with.kind = GW_EXTERN_TABLE;
  l.swap_with.u.table = nomax;
  expect_link_error(&l, "incompatible import type for \"m1\" \"tab\"");
  gw_table *max11 = gw_table_new(GW_FUNCREF, 4, 11, ebuf, sizeof ebuf);
  l.swap_with.u.table = max11;
  expect_link_error(&l, "incompatible import type for \"m1\" \"tab\"");
  gw_table *max9 = gw_table_new(GW_FUNCREF, 4, 9, ebuf, sizeof ebuf);
  l.swap_with.u.table = max9;
  ok = NULL;
  CHECK_EQ(gw_instantiate(&rt_m2, &exec, resolve, &l, NULL, &ok, err,
                          sizeof err),
           0);
  gw_instance_free(ok);
  gw_table *ext = gw_table_new(GW_EXTERNREF, 4, 9, ebuf, sizeof ebuf);
  l.swap_with.u.table = ext;
  expect_link_error(&l, "incompatible import type for \"m1\" \"tab\"");

  l.swap_name = NULL;
  l.m1 = NULL;
  gw_instance_free(m1);
  gw_memory_free(small);
  gw_table_free(nomax);
  gw_table_free(max11);
  gw_table_free(max9);
  gw_table_free(ext);
}

TEST(out_of_bounds_segments_trap_and_keep_earlier_writes) {
  gw_exec_init(&exec, 1000);
  gw_instance *inst = NULL;
  int r = gw_instantiate(&rt_m3, &exec, NULL, NULL, NULL, &inst, err,
                         sizeof err);
  CHECK_EQ(r, GW_TRAP_MEMORY_OOB);
  CHECK(inst != NULL);
  if (inst == NULL) return;
  CHECK(memcmp(inst->mem0_base, "ok", 2) == 0);
  CHECK_EQ(inst->mem0_base[65534], 0); /* checked before any write */
  CHECK_EQ(inst->mem0_base[10], 0);    /* later segment not applied */
  CHECK(inst->tables[0]->elems[0] == inst->funcs[0]);
  gw_instance_free(inst);

  r = gw_instantiate(&rt_m4, &exec, NULL, NULL, NULL, &inst, err, sizeof err);
  CHECK_EQ(r, GW_TRAP_TABLE_OOB);
  CHECK(inst != NULL);
  if (inst == NULL) return;
  CHECK(inst->tables[0]->elems[1] == NULL);
  CHECK_EQ(inst->mem0_base[0], 0); /* data comes after elements */
  gw_instance_free(inst);
}

TEST(many_instances_reserve_and_release) {
  /* 300 instances x 8 GiB of address space at once, then freed. */
  gw_instance *insts[300];
  for (int i = 0; i < 300; i++) insts[i] = new_m1();
  int32_t r = 0;
  CHECK_EQ(call_i32(insts[299], "load", &r, 1, 65536, 0, 0, 0),
           GW_TRAP_MEMORY_OOB);
  for (int i = 0; i < 300; i++) gw_instance_free(insts[i]);
  gw_instance *inst = new_m1();
  CHECK_EQ(call_i32(inst, "load", &r, 1, 65536, 0, 0, 0), GW_TRAP_MEMORY_OOB);
  gw_instance_free(inst);
}
