/* rt_modules.c: the modules described in rt_modules.h. */
#include "rt_modules.h"

#include <string.h>

/* ---- "generated code" ---------------------------------------------------- */

/* Entry/exit depth accounting exactly as compiler/codegen emits it. */
#define ENTER(inst)                                                           \
  int64_t depth_ = (inst)->exec->depth_left;                                  \
  if (depth_ <= 0) gw_trap((inst), GW_TRAP_CALL_STACK_EXHAUSTED);             \
  (inst)->exec->depth_left = depth_ - 1
#define LEAVE(inst) ((inst)->exec->depth_left += 1)

static int32_t m1_add(gw_instance *inst, int32_t a, int32_t b) {
  ENTER(inst);
  LEAVE(inst);
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

static int32_t m1_load(gw_instance *inst, int32_t addr) {
  ENTER(inst);
  volatile uint8_t *p = inst->mem0_base + (uint32_t)addr;
  uint32_t v = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
               (uint32_t)p[3] << 24;
  LEAVE(inst);
  return (int32_t)v;
}

static int32_t m1_recurse(gw_instance *inst, int32_t n) {
  ENTER(inst);
  int32_t r = n <= 0 ? 0 : 1 + m1_recurse(inst, n - 1);
  LEAVE(inst);
  return r;
}

/* No depth accounting and big frames: only the stack guard can stop it. */
static int32_t (*volatile deep_next)(gw_instance *, int32_t);
static int32_t m1_deep(gw_instance *inst, int32_t n) {
  volatile char frame[1 << 20];
  frame[0] = (char)n;
  if (n == 0) return 0;
  return deep_next(inst, n - 1) + frame[0];
}

static int32_t m1_div(gw_instance *inst, int32_t a, int32_t b) {
  ENTER(inst);
  if (b == 0) gw_trap(inst, GW_TRAP_INT_DIV_ZERO);
  if (a == INT32_MIN && b == -1) gw_trap(inst, GW_TRAP_INT_OVERFLOW);
  LEAVE(inst);
  return a / b;
}

static void m1_bulk(gw_instance *inst, int32_t op, int32_t x, int32_t y,
                    int32_t n) {
  ENTER(inst);
  switch (op) {
  case BULK_MEMORY_INIT: gw_memory_init(inst, 0, 1, x, y, n); break;
  case BULK_MEMORY_COPY: gw_memory_copy(inst, 0, 0, x, y, n); break;
  case BULK_MEMORY_FILL: gw_memory_fill(inst, 0, x, y, n); break;
  case BULK_TABLE_INIT: gw_table_init(inst, 0, 1, x, y, n); break;
  case BULK_TABLE_COPY: gw_table_copy(inst, 0, 0, x, y, n); break;
  case BULK_TABLE_FILL: gw_table_fill(inst, 0, x, inst->funcs[y], n); break;
  case BULK_DATA_DROP: gw_data_drop(inst, 1); break;
  case BULK_ELEM_DROP: gw_elem_drop(inst, 1); break;
  case BULK_HOST_TRAP: gw_trap(inst, GW_TRAP_HOST);
  }
  LEAVE(inst);
}

static int32_t m1_get_g0(gw_instance *inst) {
  ENTER(inst);
  LEAVE(inst);
  return inst->globals[0]->value.i32;
}

/* ---- trampolines, one per signature -------------------------------------- */

static void tramp_ii_i(void *code, gw_instance *inst, const gw_value *args,
                       gw_value *results) {
  results[0].i32 = ((int32_t(*)(gw_instance *, int32_t, int32_t))code)(
      inst, args[0].i32, args[1].i32);
}
static void tramp_i_i(void *code, gw_instance *inst, const gw_value *args,
                      gw_value *results) {
  results[0].i32 =
      ((int32_t(*)(gw_instance *, int32_t))code)(inst, args[0].i32);
}
static void tramp_iiii_(void *code, gw_instance *inst, const gw_value *args,
                        gw_value *results) {
  (void)results;
  ((void (*)(gw_instance *, int32_t, int32_t, int32_t, int32_t))code)(
      inst, args[0].i32, args[1].i32, args[2].i32, args[3].i32);
}
static void tramp__(void *code, gw_instance *inst, const gw_value *args,
                    gw_value *results) {
  (void)args;
  (void)results;
  ((void (*)(gw_instance *))code)(inst);
}
static void tramp__i(void *code, gw_instance *inst, const gw_value *args,
                     gw_value *results) {
  (void)args;
  results[0].i32 = ((int32_t(*)(gw_instance *))code)(inst);
}

#define NO_MAX UINT64_MAX
#define I32(v)                                                                \
  {.kind = GW_CONST_I32,                                                      \
   .bytes = {(v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff,              \
             ((v) >> 24) & 0xff}}
#define FUNC(i) {.kind = GW_CONST_REF_FUNC, .index = (i)}
#define NULLREF {.kind = GW_CONST_REF_NULL, .index = GW_FUNCREF}

/* ---- m1 -------------------------------------------------------------------- */

static const char *const m1_sigs[] = {"ii:i", "i:i", "iiii:", ":", ":i"};
static const gw_trampoline m1_tramps[] = {tramp_ii_i, tramp_i_i, tramp_iiii_,
                                          tramp__, tramp__i};
static const uint32_t m1_func_types[] = {0, 1, 1, 1, 0, 2, 4};
static void *const m1_code[] = {m1_add, m1_load, m1_recurse, m1_deep,
                                m1_div, m1_bulk, m1_get_g0};
static const gw_limits_desc m1_tables[] = {{4, 10, GW_FUNCREF}};
static const gw_limits_desc m1_mems[] = {{1, 3, 0}};
static const gw_global_desc m1_globals[] = {
    {GW_I32, 1, I32(42)},
    {GW_I64, 0, {.kind = GW_CONST_I64, .bytes = {1, 0, 0, 0, 0, 0, 0, 0x80}}},
    {GW_FUNCREF, 0, FUNC(M1_GET_G0)},
};
static const gw_export_desc m1_exports[] = {
    {"add", GW_EXTERN_FUNC, M1_ADD, 0},       {"load", GW_EXTERN_FUNC, M1_LOAD, 0},
    {"recurse", GW_EXTERN_FUNC, M1_RECURSE, 0}, {"deep", GW_EXTERN_FUNC, M1_DEEP, 0},
    {"div", GW_EXTERN_FUNC, M1_DIV, 0},       {"bulk", GW_EXTERN_FUNC, M1_BULK, 0},
    {"get_g0", GW_EXTERN_FUNC, M1_GET_G0, 0}, {"mem", GW_EXTERN_MEMORY, 0, 0},
    {"tab", GW_EXTERN_TABLE, 0, 0},           {"g0", GW_EXTERN_GLOBAL, 0, 0},
    {"g1", GW_EXTERN_GLOBAL, 1, 0},           {"g2", GW_EXTERN_GLOBAL, 2, 0},
};
static const gw_const_expr m1_elem0[] = {FUNC(M1_ADD), FUNC(M1_DIV)};
static const gw_const_expr m1_elem1[] = {FUNC(M1_LOAD), NULLREF};
static const gw_const_expr m1_elem2[] = {FUNC(M1_RECURSE)};
static const gw_elem_desc m1_elems[] = {
    {GW_SEG_ACTIVE, 0, I32(1), GW_FUNCREF, 2, m1_elem0},
    {GW_SEG_PASSIVE, 0, I32(0), GW_FUNCREF, 2, m1_elem1},
    {GW_SEG_DECLARATIVE, 0, I32(0), GW_FUNCREF, 1, m1_elem2},
};
static const gw_data_desc m1_datas[] = {
    {GW_SEG_ACTIVE, 0, I32(16), 5, (const uint8_t *)"hello"},
    {GW_SEG_PASSIVE, 0, I32(0), 4, (const uint8_t *)"xyz!"},
};

const gw_module_desc rt_m1 = {
    .name = "m1",
    .num_types = 5, .type_sigs = m1_sigs,
    .num_imports = 0, .imports = NULL,
    .num_imported_funcs = 0, .num_funcs = 7,
    .func_types = m1_func_types, .func_names = NULL,
    .func_code = m1_code, .trampolines = m1_tramps,
    .num_imported_tables = 0, .num_tables = 1, .tables = m1_tables,
    .num_imported_memories = 0, .num_memories = 1, .memories = m1_mems,
    .num_imported_globals = 0, .num_globals = 3, .globals = m1_globals,
    .num_exports = 12, .exports = m1_exports,
    .num_elems = 3, .elems = m1_elems,
    .num_datas = 2, .datas = m1_datas,
    .start = -1,
};

__attribute__((constructor)) static void init_deep(void) {
  deep_next = m1_deep;
}

/* ---- m2 -------------------------------------------------------------------- */

static const char *const m2_sigs[] = {"ii:i", ":", "i:i", ":i"};
static const gw_trampoline m2_tramps[] = {tramp_ii_i, tramp__, tramp_i_i,
                                          tramp__i};
static const gw_import_desc m2_imports[] = {
    {"m1", "add", GW_EXTERN_FUNC, 0, 0, 0, 0},
    {"m1", "mem", GW_EXTERN_MEMORY, 0, 0, 1, NO_MAX},
    {"m1", "tab", GW_EXTERN_TABLE, GW_FUNCREF, 0, 4, 10},
    {"m1", "g1", GW_EXTERN_GLOBAL, GW_I64, 0, 0, 0},
    {"m1", "g0", GW_EXTERN_GLOBAL, GW_I32, 1, 0, 0},
    {"host", "reenter", GW_EXTERN_FUNC, 2, 0, 0, 0},
};

static void m2_start(gw_instance *inst) {
  ENTER(inst);
  gw_funcref *add = inst->funcs[0];
  int32_t v = ((int32_t(*)(gw_instance *, int32_t, int32_t))add->code)(
      add->instance, 2, 3);
  memcpy(inst->mem0_base + 200, &v, 4);
  inst->globals[1]->value.i32 += 1;
  LEAVE(inst);
}

static int32_t m2_call_reenter(gw_instance *inst, int32_t x) {
  ENTER(inst);
  gw_funcref *f = inst->funcs[1];
  int32_t r = ((int32_t(*)(gw_instance *, int32_t))f->code)(f->instance, x);
  LEAVE(inst);
  return r + 1;
}

static int32_t m2_get_g2(gw_instance *inst) {
  ENTER(inst);
  LEAVE(inst);
  return (int32_t)(inst->globals[2]->value.i64 >> 32);
}

static const uint32_t m2_func_types[] = {0, 2, 1, 2, 3};
static void *const m2_code[] = {m2_start, m2_call_reenter, m2_get_g2};
static const gw_global_desc m2_globals[] = {
    {GW_I64, 0, {0}},
    {GW_I32, 1, {0}},
    {GW_I64, 0, {.kind = GW_CONST_GLOBAL_GET, .index = 0}},
};
static const gw_export_desc m2_exports[] = {
    {"call_reenter", GW_EXTERN_FUNC, 3, 0},
    {"get_g2", GW_EXTERN_FUNC, 4, 0},
};
static const gw_const_expr m2_elem0[] = {FUNC(3)};
static const gw_elem_desc m2_elems[] = {
    {GW_SEG_ACTIVE, 0, I32(3), GW_FUNCREF, 1, m2_elem0},
};
static const gw_data_desc m2_datas[] = {
    {GW_SEG_ACTIVE, 0, I32(100), 2, (const uint8_t *)"M2"},
};

const gw_module_desc rt_m2 = {
    .name = "m2",
    .num_types = 4, .type_sigs = m2_sigs,
    .num_imports = 6, .imports = m2_imports,
    .num_imported_funcs = 2, .num_funcs = 5,
    .func_types = m2_func_types, .func_names = NULL,
    .func_code = m2_code, .trampolines = m2_tramps,
    .num_imported_tables = 1, .num_tables = 1, .tables = NULL,
    .num_imported_memories = 1, .num_memories = 1, .memories = NULL,
    .num_imported_globals = 2, .num_globals = 3, .globals = m2_globals,
    .num_exports = 2, .exports = m2_exports,
    .num_elems = 1, .elems = m2_elems,
    .num_datas = 1, .datas = m2_datas,
    .start = 2,
};

/* ---- m3, m4: segments out of bounds ------------------------------------ */

static const char *const m34_sigs[] = {":"};
static const gw_trampoline m34_tramps[] = {tramp__};
static void m34_f(gw_instance *inst) { (void)inst; }
static const uint32_t m34_func_types[] = {0};
static void *const m34_code[] = {m34_f};
static const gw_limits_desc m34_tables[] = {{2, NO_MAX, GW_FUNCREF}};
static const gw_limits_desc m34_mems[] = {{1, NO_MAX, 0}};
static const gw_export_desc m34_exports[] = {
    {"mem", GW_EXTERN_MEMORY, 0, 0},
    {"tab", GW_EXTERN_TABLE, 0, 0},
};
static const gw_const_expr m34_f1[] = {FUNC(0)};
static const gw_const_expr m34_f2[] = {FUNC(0), FUNC(0)};
static const gw_elem_desc m3_elems[] = {
    {GW_SEG_ACTIVE, 0, I32(0), GW_FUNCREF, 1, m34_f1},
};
static const gw_data_desc m3_datas[] = {
    {GW_SEG_ACTIVE, 0, I32(0), 2, (const uint8_t *)"ok"},
    {GW_SEG_ACTIVE, 0, I32(65534), 3, (const uint8_t *)"abc"},
    {GW_SEG_ACTIVE, 0, I32(10), 2, (const uint8_t *)"zz"},
};
static const gw_elem_desc m4_elems[] = {
    {GW_SEG_ACTIVE, 0, I32(1), GW_FUNCREF, 2, m34_f2},
};
static const gw_data_desc m4_datas[] = {
    {GW_SEG_ACTIVE, 0, I32(0), 2, (const uint8_t *)"no"},
};

#define M34(elems_, datas_, ndatas)                                           \
  {                                                                           \
    .name = "", .num_types = 1, .type_sigs = m34_sigs, .num_imports = 0,      \
    .num_funcs = 1, .func_types = m34_func_types, .func_code = m34_code,      \
    .trampolines = m34_tramps, .num_tables = 1, .tables = m34_tables,         \
    .num_memories = 1, .memories = m34_mems, .num_exports = 2,                \
    .exports = m34_exports, .num_elems = 1, .elems = elems_,                  \
    .num_datas = ndatas, .datas = datas_, .start = -1,                        \
  }

const gw_module_desc rt_m3 = M34(m3_elems, m3_datas, 3);
const gw_module_desc rt_m4 = M34(m4_elems, m4_datas, 1);
