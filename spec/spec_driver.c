/*
 * spec_driver.c: the executable behind the spec harness (spec/runner.ts).
 *
 * It provides the `spectest` host module of the spec's test conventions,
 * a registry of named instances (`register`), and loads modules compiled by
 * Godwit as shared objects (dlopen + the `gw_module` descriptor). The
 * harness talks to it over a line protocol, one request per line on stdin
 * and one response line on stdout (see spec/driver_protocol.ts):
 *
 *   load <id> <path.so>         -> ok | trap <msg> | unlinkable <msg> | error <msg>
 *   register <name-hex> <id>    -> ok | error <msg>
 *   invoke <id> <name-hex> <value>...  -> ok <value>... | trap <msg> | error <msg>
 *   get <id> <name-hex>         -> ok <value> | error <msg>
 *   crinvoke <id> <name-hex> <max-points> <within> <budget-ms> <fresh-every>
 *            <prefix|-> <value>...  -> cr <key=value>... ; <invoke's reply>
 *   crrestore <id> <path.so> <name-hex> <snapshot-file> <value>...
 *                               -> cr hash=<hex> ; <invoke's reply>
 *   crhop <id> <path.so> <name-hex> <snapshot-file> <out-file> <value>...
 *                               -> cr hop=1 ; ok | cr hop=0 hash=<hex> ; <invoke's reply>
 *   quit
 *
 * crinvoke is `invoke` with checkpoint injection (see "Checkpoint
 * injection" below): the reply of the uninterrupted run follows " ; ", and
 * before it: reached=<points the run reached> checked=<points checkpointed,
 * restored into a fresh instance, finished and compared> mismatched=<N>
 * nocp=<points that cannot be checkpointed portably> nocp_reason=<hex name>
 * detail=<hex name: the first mismatch> hash=<hex: final state>
 * (at most max-points points are checked, spread evenly over the first
 * `within` points reached (0: all; deep recursion makes late snapshots
 * huge), and no more once budget-ms have passed, but at least one),
 * fresh=<n,n,...|->: the points whose snapshot was written to
 * <prefix>-<n>.snap for a restore in a fresh process (every fresh-every-th
 * check of a module linked only to spectest). crrestore instantiates
 * path.so as instance <id> without its start function, restores the
 * snapshot, finishes the call of export <name-hex> and replies with the
 * final state's hash, comparable with crinvoke's.
 *
 * Names are `=` followed by the hex of their bytes (any bytes, even none). Values
 * are lossless: i32:<8 hex> i64:<16 hex> f32:<8 hex> f64:<16 hex>
 * v128:<32 hex, the 128-bit little-endian value, most significant digit
 * first>, funcref:null|func, externref:null|<decimal N> (host reference N).
 *
 * Usage: spec_driver [--max-call-depth N] [--print] [--debug-corrupt-local]
 * (--print: the spectest print functions write to stderr;
 * --debug-corrupt-local: every restore changes one saved i32 local, so that
 * tests can prove checkpoint injection detects a broken restore).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "godwit.h"
#include "snapshot.h"

/* Host reference N (`ref.extern N`) is this tag | N: opaque to Wasm. */
#define EXTERN_TAG 0x4000000000000000ULL

static int print_enabled;
static int corrupt_restores; /* --debug-corrupt-local */
static gw_exec driver_exec;

/* ---- The spectest module ------------------------------------------------ */

static void sp_print(gw_instance *inst) {
  (void)inst;
  if (print_enabled) fprintf(stderr, "\n");
}
static void sp_print_i32(gw_instance *inst, int32_t a) {
  (void)inst;
  if (print_enabled) fprintf(stderr, "%" PRId32 " : i32\n", a);
}
static void sp_print_i64(gw_instance *inst, int64_t a) {
  (void)inst;
  if (print_enabled) fprintf(stderr, "%" PRId64 " : i64\n", a);
}
static void sp_print_f32(gw_instance *inst, float a) {
  (void)inst;
  if (print_enabled) fprintf(stderr, "%g : f32\n", (double)a);
}
static void sp_print_f64(gw_instance *inst, double a) {
  (void)inst;
  if (print_enabled) fprintf(stderr, "%g : f64\n", a);
}
static void sp_print_i32_f32(gw_instance *inst, int32_t a, float b) {
  sp_print_i32(inst, a);
  sp_print_f32(inst, b);
}
static void sp_print_f64_f64(gw_instance *inst, double a, double b) {
  sp_print_f64(inst, a);
  sp_print_f64(inst, b);
}

/* Trampolines, one per spectest type (see gw_trampoline). */
static void tr_v(void *code, gw_instance *inst, const gw_value *a, gw_value *r) {
  (void)a, (void)r;
  ((void (*)(gw_instance *))code)(inst);
}
static void tr_i(void *code, gw_instance *inst, const gw_value *a, gw_value *r) {
  (void)r;
  ((void (*)(gw_instance *, int32_t))code)(inst, a[0].i32);
}
static void tr_I(void *code, gw_instance *inst, const gw_value *a, gw_value *r) {
  (void)r;
  ((void (*)(gw_instance *, int64_t))code)(inst, a[0].i64);
}
static void tr_f(void *code, gw_instance *inst, const gw_value *a, gw_value *r) {
  (void)r;
  ((void (*)(gw_instance *, float))code)(inst, a[0].f32);
}
static void tr_F(void *code, gw_instance *inst, const gw_value *a, gw_value *r) {
  (void)r;
  ((void (*)(gw_instance *, double))code)(inst, a[0].f64);
}
static void tr_if(void *code, gw_instance *inst, const gw_value *a, gw_value *r) {
  (void)r;
  ((void (*)(gw_instance *, int32_t, float))code)(inst, a[0].i32, a[1].f32);
}
static void tr_FF(void *code, gw_instance *inst, const gw_value *a, gw_value *r) {
  (void)r;
  ((void (*)(gw_instance *, double, double))code)(inst, a[0].f64, a[1].f64);
}

static const char *const sp_sigs[] = {":", "i:", "I:", "f:", "F:", "if:", "FF:"};
static const uint32_t sp_func_types[] = {0, 1, 2, 3, 4, 5, 6};
static const char *const sp_func_names[] = {
    "print", "print_i32", "print_i64", "print_f32",
    "print_f64", "print_i32_f32", "print_f64_f64"};
static void *const sp_code[] = {
    (void *)sp_print, (void *)sp_print_i32, (void *)sp_print_i64,
    (void *)sp_print_f32, (void *)sp_print_f64, (void *)sp_print_i32_f32,
    (void *)sp_print_f64_f64};
static const gw_trampoline sp_trampolines[] = {tr_v, tr_i, tr_I, tr_f,
                                               tr_F, tr_if, tr_FF};
static const gw_limits_desc sp_tables[] = {{10, 20, GW_FUNCREF}};
static const gw_limits_desc sp_memories[] = {{1, 2, 0}};
static gw_global_desc sp_globals[] = {
    {GW_I32, 0, {GW_CONST_I32, 0, {0}}},
    {GW_I64, 0, {GW_CONST_I64, 0, {0}}},
    {GW_F32, 0, {GW_CONST_F32, 0, {0}}},
    {GW_F64, 0, {GW_CONST_F64, 0, {0}}},
};
static const gw_export_desc sp_exports[] = {
    {"print", GW_EXTERN_FUNC, 0, 0},
    {"print_i32", GW_EXTERN_FUNC, 1, 0},
    {"print_i64", GW_EXTERN_FUNC, 2, 0},
    {"print_f32", GW_EXTERN_FUNC, 3, 0},
    {"print_f64", GW_EXTERN_FUNC, 4, 0},
    {"print_i32_f32", GW_EXTERN_FUNC, 5, 0},
    {"print_f64_f64", GW_EXTERN_FUNC, 6, 0},
    {"global_i32", GW_EXTERN_GLOBAL, 0, 0},
    {"global_i64", GW_EXTERN_GLOBAL, 1, 0},
    {"global_f32", GW_EXTERN_GLOBAL, 2, 0},
    {"global_f64", GW_EXTERN_GLOBAL, 3, 0},
    {"table", GW_EXTERN_TABLE, 0, 0},
    {"memory", GW_EXTERN_MEMORY, 0, 0},
};

static const gw_module_desc spectest_module = {
    .name = "spectest",
    .num_types = 7,
    .type_sigs = sp_sigs,
    .num_imports = 0,
    .imports = NULL,
    .num_imported_funcs = 0,
    .num_funcs = 7,
    .func_types = sp_func_types,
    .func_names = sp_func_names,
    .func_code = sp_code,
    .trampolines = sp_trampolines,
    .num_imported_tables = 0,
    .num_tables = 1,
    .tables = sp_tables,
    .num_imported_memories = 0,
    .num_memories = 1,
    .memories = sp_memories,
    .num_imported_globals = 0,
    .num_globals = 4,
    .globals = sp_globals,
    .num_exports = sizeof sp_exports / sizeof sp_exports[0],
    .exports = sp_exports,
    .num_elems = 0,
    .elems = NULL,
    .num_datas = 0,
    .datas = NULL,
    .start = -1,
};

/* Global values per the spec's conventions: 666 and 666.6. */
static void init_spectest_globals(void) {
  int32_t i32 = 666;
  int64_t i64 = 666;
  float f32 = 666.6f;
  double f64 = 666.6;
  memcpy(sp_globals[0].init.bytes, &i32, 4);
  memcpy(sp_globals[1].init.bytes, &i64, 8);
  memcpy(sp_globals[2].init.bytes, &f32, 4);
  memcpy(sp_globals[3].init.bytes, &f64, 8);
}

/* ---- Instances and the registry ------------------------------------------ */

static gw_instance **instances; /* by the harness's instance id */
static size_t num_instances;

typedef struct registration {
  char *name;
  gw_instance *inst;
} registration;
static registration *registry;
static size_t num_registered;

static void set_instance(size_t id, gw_instance *inst) {
  if (id >= num_instances) {
    size_t n = id + 16;
    instances = realloc(instances, n * sizeof *instances);
    if (!instances) abort();
    memset(instances + num_instances, 0, (n - num_instances) * sizeof *instances);
    num_instances = n;
  }
  instances[id] = inst;
}

static gw_instance *get_instance(const char *id_text) {
  char *end;
  unsigned long id = strtoul(id_text, &end, 10);
  if (*end || id >= num_instances) return NULL;
  return instances[id];
}

static void register_instance(const char *name, gw_instance *inst) {
  for (size_t i = 0; i < num_registered; i++) {
    if (strcmp(registry[i].name, name) == 0) {
      registry[i].inst = inst;
      return;
    }
  }
  registry = realloc(registry, (num_registered + 1) * sizeof *registry);
  if (!registry) abort();
  registry[num_registered].name = strdup(name);
  registry[num_registered].inst = inst;
  num_registered++;
}

/* What a load resolved, so checkpoint injection can make a fresh instance
 * linked exactly like the original (inst->host of loaded instances). */
typedef struct load_record {
  const gw_module_desc *desc;
  gw_extern *imports; /* per import index, as resolved at load */
  int only_spectest;  /* every import comes from spectest */
  int linked;         /* imports from other instances, or an imported table */
} load_record;

/* Every instance loaded so far (also those whose start trapped): the state
 * checkpoint injection resets when a module is linked to others. */
static gw_instance **all_insts;
static size_t num_all;

static void remember_instance(gw_instance *inst) {
  all_insts = realloc(all_insts, (num_all + 1) * sizeof *all_insts);
  if (!all_insts) abort();
  all_insts[num_all++] = inst;
}

/* Imports come from registered instances' exports; the runtime type-checks.
 * `user` is the load's record (or NULL), which notes what each resolved to. */
static int resolve_import(void *user, gw_instance *inst,
                          const gw_import_desc *imp, gw_extern *out) {
  (void)inst;
  load_record *rec = user;
  for (size_t i = 0; i < num_registered; i++) {
    if (strcmp(registry[i].name, imp->module) == 0) {
      if (gw_export(registry[i].inst, imp->name, out) != 0) return 1;
      if (rec) {
        size_t index = (size_t)(imp - rec->desc->imports);
        if (index < rec->desc->num_imports) rec->imports[index] = *out;
        if (strcmp(imp->module, "spectest") != 0) rec->only_spectest = 0;
        if (strcmp(imp->module, "spectest") != 0 ||
            imp->kind == GW_EXTERN_TABLE)
          rec->linked = 1;
      }
      return 0;
    }
  }
  return 1;
}

/* Resolves imports to what the original load of the module got. */
static int replay_import(void *user, gw_instance *inst,
                         const gw_import_desc *imp, gw_extern *out) {
  (void)inst;
  load_record *rec = user;
  size_t index = (size_t)(imp - rec->desc->imports);
  if (index >= rec->desc->num_imports) return 1;
  *out = rec->imports[index];
  return 0;
}

static load_record *new_load_record(const gw_module_desc *desc) {
  load_record *rec = calloc(1, sizeof *rec);
  if (!rec) abort();
  rec->desc = desc;
  rec->imports = calloc(desc->num_imports + 1, sizeof *rec->imports);
  if (!rec->imports) abort();
  rec->only_spectest = 1;
  return rec;
}

/* ---- Values on the wire ---------------------------------------------------- */

/* Decodes an `=`-prefixed hex name in place; returns its length or -1. */
static int unhex_name(char *s) {
  if (s[0] != '=') return -1;
  memmove(s, s + 1, strlen(s));
  size_t n = strlen(s);
  if (n % 2) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned v;
    if (sscanf(s + 2 * i, "%2x", &v) != 1) return -1;
    s[i] = (char)v;
  }
  s[n / 2] = 0;
  return (int)(n / 2);
}

static int parse_hex_u64(const char *s, size_t digits, uint64_t *out) {
  if (strlen(s) != digits) return -1;
  char *end;
  *out = strtoull(s, &end, 16);
  return *end ? -1 : 0;
}

/* Parses one argument of type letter `t` (see gw_module_desc.type_sigs). */
static int parse_value(char t, const char *tok, gw_value *v) {
  const char *colon = strchr(tok, ':');
  if (!colon) return -1;
  size_t tlen = (size_t)(colon - tok);
  const char *rest = colon + 1;
  uint64_t bits;
  memset(v, 0, sizeof *v);
#define TYPE_IS(name) (tlen == strlen(name) && strncmp(tok, name, tlen) == 0)
  switch (t) {
  case 'i':
    if (!TYPE_IS("i32") || parse_hex_u64(rest, 8, &bits)) return -1;
    v->i32 = (int32_t)(uint32_t)bits;
    return 0;
  case 'I':
    if (!TYPE_IS("i64") || parse_hex_u64(rest, 16, &bits)) return -1;
    v->i64 = (int64_t)bits;
    return 0;
  case 'f': {
    if (!TYPE_IS("f32") || parse_hex_u64(rest, 8, &bits)) return -1;
    uint32_t b32 = (uint32_t)bits;
    memcpy(&v->f32, &b32, 4);
    return 0;
  }
  case 'F':
    if (!TYPE_IS("f64") || parse_hex_u64(rest, 16, &bits)) return -1;
    memcpy(&v->f64, &bits, 8);
    return 0;
  case 'v': {
    if (!TYPE_IS("v128") || strlen(rest) != 32) return -1;
    for (int j = 0; j < 16; j++) { /* byte j is digits (15-j)*2 .. +2 */
      unsigned b;
      if (sscanf(rest + (15 - j) * 2, "%2x", &b) != 1) return -1;
      v->v128[j] = (uint8_t)b;
    }
    return 0;
  }
  case 'r':
    if (!TYPE_IS("funcref") || strcmp(rest, "null") != 0) return -1;
    v->ref = NULL;
    return 0;
  case 'e':
    if (!TYPE_IS("externref")) return -1;
    if (strcmp(rest, "null") == 0) {
      v->ref = NULL;
    } else {
      char *end;
      unsigned long long n = strtoull(rest, &end, 10);
      if (*end || n >= EXTERN_TAG) return -1;
      v->ref = (void *)(uintptr_t)(EXTERN_TAG | n);
    }
    return 0;
  default:
    return -1;
  }
#undef TYPE_IS
}

static void print_value(char t, const gw_value *v) {
  uint32_t b32;
  uint64_t b64;
  switch (t) {
  case 'i':
    printf(" i32:%08" PRIx32, (uint32_t)v->i32);
    break;
  case 'I':
    printf(" i64:%016" PRIx64, (uint64_t)v->i64);
    break;
  case 'f':
    memcpy(&b32, &v->f32, 4);
    printf(" f32:%08" PRIx32, b32);
    break;
  case 'F':
    memcpy(&b64, &v->f64, 8);
    printf(" f64:%016" PRIx64, b64);
    break;
  case 'v':
    printf(" v128:");
    for (int j = 15; j >= 0; j--) printf("%02x", v->v128[j]);
    break;
  case 'r':
    printf(v->ref ? " funcref:func" : " funcref:null");
    break;
  case 'e': {
    uintptr_t p = (uintptr_t)v->ref;
    if (!p) printf(" externref:null");
    else if ((p & EXTERN_TAG) == EXTERN_TAG) printf(" externref:%llu", (unsigned long long)(p & ~EXTERN_TAG));
    else printf(" externref:func");
    break;
  }
  default:
    printf(" unknown:%c", t);
  }
}

/* ---- Commands ---------------------------------------------------------------- */

static void reply(const char *fmt, const char *arg) {
  printf(fmt, arg);
  putchar('\n');
  fflush(stdout);
}

static void cmd_load(char *id_text, char *path) {
  char err[512] = "";
  char *end;
  unsigned long id = strtoul(id_text, &end, 10);
  if (*end) return reply("error bad instance id %s", id_text);
  void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!so) return reply("error dlopen: %s", dlerror());
  const gw_module_desc *desc = dlsym(so, "gw_module");
  if (!desc) return reply("error no gw_module in %s", path);
  gw_instance *inst = NULL;
  load_record *rec = new_load_record(desc);
  int rc = gw_instantiate(desc, &driver_exec, resolve_import, rec, rec,
                          &inst, err, sizeof err);
  if (inst) remember_instance(inst);
  else free(rec->imports), free(rec);
  if (rc < 0) return reply("unlinkable %s", err[0] ? err : "link error");
  if (rc > 0) return reply("trap %s", gw_trap_message(rc));
  set_instance(id, inst);
  reply("ok", "");
}

/* The signature string of an exported function, from its module. */
static const char *export_sig(gw_instance *inst, const char *name, size_t len) {
  const gw_module_desc *m = inst->module;
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const gw_export_desc *e = &m->exports[i];
    size_t e_len = e->name_len ? e->name_len : strlen(e->name);
    if (e->kind == GW_EXTERN_FUNC && e_len == len && memcmp(e->name, name, len) == 0) {
      return m->type_sigs[m->func_types[m->exports[i].index]];
    }
  }
  return NULL;
}

/* A parsed invocation: the function, its signature and arguments. */
typedef struct call_spec {
  gw_funcref *fn;
  const char *results_sig; /* result letters */
  int nresults;
  gw_value *params;
  gw_value *results;
} call_spec;

static void free_call(call_spec *c) {
  free(c->params);
  free(c->results);
}

/* Looks up and parses an invocation; replies with an error and returns -1
 * when it is bad. */
static int prepare_call(gw_instance *inst, const char *name, size_t len,
                        char **args, int nargs, call_spec *c) {
  gw_extern ex;
  memset(c, 0, sizeof *c);
  if (gw_export_n(inst, name, len, &ex) != 0 || ex.kind != GW_EXTERN_FUNC) {
    reply("error unknown function export \"%s\"", name);
    return -1;
  }
  const char *sig = export_sig(inst, name, len);
  if (!sig) {
    reply("error no signature for \"%s\"", name);
    return -1;
  }
  const char *colon = strchr(sig, ':');
  int nparams = (int)(colon - sig);
  c->fn = ex.u.func;
  c->results_sig = colon + 1;
  c->nresults = (int)strlen(colon + 1);
  if (nparams != nargs) {
    reply("error wrong number of arguments for %s", sig);
    return -1;
  }
  c->params = calloc((size_t)nparams + 1, sizeof *c->params);
  c->results = calloc((size_t)c->nresults + 1, sizeof *c->results);
  if (!c->params || !c->results) abort();
  for (int i = 0; i < nparams; i++) {
    if (parse_value(sig[i], args[i], &c->params[i]) != 0) {
      reply("error bad argument %s", args[i]);
      free_call(c);
      return -1;
    }
  }
  return 0;
}

/* The reply to an invocation that ended with `kind` (no newline). */
static void print_outcome(int32_t kind, const call_spec *c,
                          const gw_value *results) {
  if (kind != GW_TRAP_NONE) {
    printf("trap %s", gw_trap_message(kind));
  } else {
    printf("ok");
    for (int i = 0; i < c->nresults; i++)
      print_value(c->results_sig[i], &results[i]);
  }
}

static void cmd_invoke(gw_instance *inst, const char *name, size_t len, char **args, int nargs) {
  call_spec c;
  if (prepare_call(inst, name, len, args, nargs, &c) != 0) return;
  int32_t kind = gw_call(&driver_exec, c.fn, c.params, c.results);
  print_outcome(kind, &c, c.results);
  putchar('\n');
  fflush(stdout);
  free_call(&c);
}

static void cmd_get(gw_instance *inst, const char *name, size_t len) {
  gw_extern ex;
  if (gw_export_n(inst, name, len, &ex) != 0 || ex.kind != GW_EXTERN_GLOBAL) {
    return reply("error unknown global export \"%s\"", name);
  }
  printf("ok");
  print_value(gw_type_letter(ex.u.global->type), &ex.u.global->value);
  putchar('\n');
  fflush(stdout);
}

/* ---- Checkpoint injection ------------------------------------------------- */
/*
 * crinvoke runs an invocation uninterrupted (counting the migration points
 * it reaches), then for a sample of those points n: resets the state to the
 * image taken before the invocation, runs again with a countdown checkpoint
 * at the n-th point, restores the snapshot bytes into a FRESH instance of
 * the same module (same imports, no start function), finishes the call
 * there and compares the outcome and the final state with the
 * uninterrupted run. Afterwards the state is what the uninterrupted run
 * left, so the rest of the script sees the right state.
 */

/* A copy of memories, tables, globals and dropped-segment flags. */
typedef struct mem_image {
  gw_memory *mem;
  uint64_t pages;
  uint8_t *bytes;
} mem_image;
typedef struct table_image {
  gw_table *table;
  uint64_t size;
  void **elems;
} table_image;
typedef struct global_image {
  gw_global *global;
  gw_value value;
} global_image;
typedef struct dropped_image {
  gw_instance *inst;
  uint8_t *data, *elem;
} dropped_image;
typedef struct state_image {
  mem_image *mems;
  size_t num_mems;
  table_image *tables;
  size_t num_tables;
  global_image *globals;
  size_t num_globals;
  dropped_image *dropped;
  size_t num_dropped;
} state_image;

static void *grow_array(void *p, size_t count, size_t size) {
  p = realloc(p, (count + 1) * size);
  if (!p) abort();
  return p;
}

/* Adds inst's memories, tables, globals (imported ones too, once each) and
 * dropped flags to the image, copying their current contents. */
static void image_add(state_image *img, gw_instance *inst) {
  const gw_module_desc *m = inst->module;
  for (uint32_t i = 0; i < m->num_memories; i++) {
    gw_memory *mem = inst->memories[i];
    size_t k = 0;
    while (k < img->num_mems && img->mems[k].mem != mem) k++;
    if (k < img->num_mems) continue;
    img->mems = grow_array(img->mems, img->num_mems, sizeof *img->mems);
    size_t len = mem->pages * GW_PAGE_SIZE;
    uint8_t *bytes = malloc(len ? len : 1);
    if (!bytes) abort();
    memcpy(bytes, mem->base, len);
    img->mems[img->num_mems++] = (mem_image){mem, mem->pages, bytes};
  }
  for (uint32_t i = 0; i < m->num_tables; i++) {
    gw_table *table = inst->tables[i];
    size_t k = 0;
    while (k < img->num_tables && img->tables[k].table != table) k++;
    if (k < img->num_tables) continue;
    img->tables = grow_array(img->tables, img->num_tables, sizeof *img->tables);
    void **elems = malloc((table->size + 1) * sizeof *elems);
    if (!elems) abort();
    if (table->size) memcpy(elems, table->elems, table->size * sizeof *elems);
    img->tables[img->num_tables++] = (table_image){table, table->size, elems};
  }
  for (uint32_t i = 0; i < m->num_globals; i++) {
    gw_global *g = inst->globals[i];
    size_t k = 0;
    while (k < img->num_globals && img->globals[k].global != g) k++;
    if (k < img->num_globals) continue;
    img->globals = grow_array(img->globals, img->num_globals, sizeof *img->globals);
    img->globals[img->num_globals++] = (global_image){g, g->value};
  }
  img->dropped = grow_array(img->dropped, img->num_dropped, sizeof *img->dropped);
  dropped_image *d = &img->dropped[img->num_dropped++];
  d->inst = inst;
  d->data = malloc(m->num_datas + 1);
  d->elem = malloc(m->num_elems + 1);
  if (!d->data || !d->elem) abort();
  memcpy(d->data, inst->data_dropped, m->num_datas);
  memcpy(d->elem, inst->elem_dropped, m->num_elems);
}

/* Puts the image's contents back (memories and tables shrink or grow back
 * to their sizes; a shrunk memory's tail is decommitted again, so accesses
 * there trap and a later grow sees zeros). */
static void image_apply(const state_image *img) {
  for (size_t i = 0; i < img->num_mems; i++) {
    const mem_image *mi = &img->mems[i];
    gw_memory *mem = mi->mem;
    if (mem->pages > mi->pages) {
      uint8_t *tail = mem->base + mi->pages * GW_PAGE_SIZE;
      size_t len = (mem->pages - mi->pages) * GW_PAGE_SIZE;
      madvise(tail, len, MADV_DONTNEED);
      mprotect(tail, len, PROT_NONE);
    } else if (mem->pages < mi->pages) {
      mprotect(mem->base + mem->pages * GW_PAGE_SIZE,
               (mi->pages - mem->pages) * GW_PAGE_SIZE,
               PROT_READ | PROT_WRITE);
    }
    mem->pages = mi->pages;
    memcpy(mem->base, mi->bytes, mi->pages * GW_PAGE_SIZE);
  }
  for (size_t i = 0; i < img->num_tables; i++) {
    const table_image *ti = &img->tables[i];
    gw_table *table = ti->table;
    if (table->size != ti->size) {
      void **elems = realloc(table->elems, (ti->size + 1) * sizeof *elems);
      if (!elems) abort();
      table->elems = elems;
      table->size = ti->size;
    }
    if (ti->size) memcpy(table->elems, ti->elems, ti->size * sizeof *ti->elems);
  }
  for (size_t i = 0; i < img->num_globals; i++)
    img->globals[i].global->value = img->globals[i].value;
  for (size_t i = 0; i < img->num_dropped; i++) {
    const dropped_image *d = &img->dropped[i];
    memcpy(d->inst->data_dropped, d->data, d->inst->module->num_datas);
    memcpy(d->inst->elem_dropped, d->elem, d->inst->module->num_elems);
  }
}

static void image_free(state_image *img) {
  for (size_t i = 0; i < img->num_mems; i++) free(img->mems[i].bytes);
  for (size_t i = 0; i < img->num_tables; i++) free(img->tables[i].elems);
  for (size_t i = 0; i < img->num_dropped; i++)
    free(img->dropped[i].data), free(img->dropped[i].elem);
  free(img->mems);
  free(img->tables);
  free(img->globals);
  free(img->dropped);
  memset(img, 0, sizeof *img);
}

/* A reference as seen from inst: a function of inst (its index), another
 * function or a host reference (its address, within one process only). */
static uint64_t ref_key(const gw_instance *inst, char type, const void *ref) {
  if (ref == NULL) return 0;
  if (type == 'r') {
    for (uint32_t i = 0; i < inst->module->num_funcs; i++)
      if (inst->funcs[i] == ref) return 1 + (uint64_t)i;
  }
  return (uint64_t)(uintptr_t)ref | (1ull << 63);
}

/* Quiet NaNs as one canonical pattern. Which quiet NaN an arithmetic
 * operation returns is left open by the spec (x86's addps returns its first
 * operand's payload, and LLVM may swap commutative operands in a resume
 * clone), so a restored run may differ from the uninterrupted one there and
 * nowhere else. Signaling NaNs only come from non-arithmetic operations,
 * which are exact: they keep their bits. */
static uint32_t canon_f32(uint32_t b) {
  return (b & 0x7fc00000u) == 0x7fc00000u ? 0x7fc00000u : b;
}
static uint64_t canon_f64(uint64_t b) {
  const uint64_t q = 0x7ff8000000000000ull;
  return (b & q) == q ? q : b;
}
/* A v128's lanes are of unknown shape: each 64-bit half is canonicalized as
 * an f64 when it is a quiet NaN, else each 32-bit quarter as an f32 (the
 * high word of an f64 NaN looks like an f32 NaN, so the f64 test comes
 * first). Integer lanes that happen to look like quiet NaNs compare alike. */
static void canon_v128(uint8_t v[16]) {
  for (int h = 0; h < 2; h++) {
    uint64_t d;
    memcpy(&d, v + 8 * h, 8);
    const uint64_t q = 0x7ff8000000000000ull;
    if ((d & q) == q) {
      d = q;
      memcpy(v + 8 * h, &d, 8);
      continue;
    }
    for (int q = 0; q < 2; q++) {
      uint32_t f;
      memcpy(&f, v + 8 * h + 4 * q, 4);
      f = canon_f32(f);
      memcpy(v + 8 * h + 4 * q, &f, 4);
    }
  }
}

/* A value's comparable bits: numbers bit for bit (quiet NaNs canonical),
 * references by ref_key. */
static void value_key(const gw_instance *inst, char type, const gw_value *v,
                      uint8_t out[16]) {
  memset(out, 0, 16);
  switch (type) {
  case 'i': case 'I': memcpy(out, v, type == 'i' ? 4 : 8); break;
  case 'f': {
    uint32_t b;
    memcpy(&b, v, 4);
    b = canon_f32(b);
    memcpy(out, &b, 4);
    break;
  }
  case 'F': {
    uint64_t b;
    memcpy(&b, v, 8);
    b = canon_f64(b);
    memcpy(out, &b, 8);
    break;
  }
  case 'v': memcpy(out, v->v128, 16); canon_v128(out); break;
  default: {
    uint64_t k = ref_key(inst, type, v->ref);
    memcpy(out, &k, 8);
  }
  }
}

#define HASH_SEED 0xcbf29ce484222325ull
static uint64_t hash_bytes(uint64_t h, const void *p, size_t len) {
  const uint8_t *b = p;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, b + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  for (; i < len; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}
static uint64_t hash_u64(uint64_t h, uint64_t v) { return hash_bytes(h, &v, 8); }

/* The state reachable from inst, hashed per part: each memory, each table,
 * all globals, the dropped flags; parts[count] is the whole. */
typedef struct state_digest {
  uint64_t *parts;
  size_t count;
} state_digest;

static state_digest digest_state(const gw_instance *inst) {
  const gw_module_desc *m = inst->module;
  state_digest d;
  d.count = (size_t)m->num_memories + m->num_tables + 2;
  d.parts = calloc(d.count + 1, sizeof *d.parts);
  if (!d.parts) abort();
  size_t p = 0;
  for (uint32_t i = 0; i < m->num_memories; i++, p++) {
    const gw_memory *mem = inst->memories[i];
    uint64_t h = hash_u64(HASH_SEED, mem->pages);
    d.parts[p] = hash_bytes(h, mem->base, mem->pages * GW_PAGE_SIZE);
  }
  for (uint32_t i = 0; i < m->num_tables; i++, p++) {
    const gw_table *t = inst->tables[i];
    char type = t->elem_type == GW_FUNCREF ? 'r' : 'e';
    uint64_t h = hash_u64(HASH_SEED, t->size);
    for (uint64_t e = 0; e < t->size; e++)
      h = hash_u64(h, ref_key(inst, type, t->elems[e]));
    d.parts[p] = h;
  }
  uint64_t h = HASH_SEED;
  for (uint32_t i = 0; i < m->num_globals; i++) {
    uint8_t key[16];
    value_key(inst, gw_type_letter(inst->globals[i]->type),
              &inst->globals[i]->value, key);
    h = hash_bytes(h, key, 16);
  }
  d.parts[p++] = h;
  h = hash_bytes(HASH_SEED, inst->data_dropped, m->num_datas);
  d.parts[p++] = hash_bytes(h, inst->elem_dropped, m->num_elems);
  h = HASH_SEED;
  for (size_t i = 0; i < d.count; i++) h = hash_u64(h, d.parts[i]);
  d.parts[d.count] = h;
  return d;
}

/* Describes the first part where two digests of one module differ. */
static void digest_difference(const gw_module_desc *m, const state_digest *a,
                              const state_digest *b, char *out, size_t n) {
  for (size_t i = 0; i < a->count; i++) {
    if (a->parts[i] == b->parts[i]) continue;
    if (i < m->num_memories) snprintf(out, n, "memory %zu differs", i);
    else if (i < (size_t)m->num_memories + m->num_tables)
      snprintf(out, n, "table %zu differs", i - m->num_memories);
    else if (i == a->count - 2) snprintf(out, n, "globals differ");
    else snprintf(out, n, "dropped segments differ");
    return;
  }
  snprintf(out, n, "state differs");
}

/* The outcome of one run: trap kind, result keys and the final state. */
typedef struct run_outcome {
  int32_t kind;
  uint8_t (*results)[16];
  state_digest state;
} run_outcome;

static run_outcome capture_outcome(const gw_instance *inst, int32_t kind,
                                   const call_spec *c, const gw_value *results) {
  run_outcome o;
  o.kind = kind;
  o.results = calloc((size_t)c->nresults + 1, 16);
  if (!o.results) abort();
  if (kind == GW_TRAP_NONE)
    for (int i = 0; i < c->nresults; i++)
      value_key(inst, c->results_sig[i], &results[i], o.results[i]);
  o.state = digest_state(inst);
  return o;
}

static void free_outcome(run_outcome *o) {
  free(o->results);
  free(o->state.parts);
}

/* Compares a restored run with the uninterrupted one; 0 when equal, else
 * -1 with a description. */
static int compare_outcomes(const gw_module_desc *m, const call_spec *c,
                            const run_outcome *want, const run_outcome *got,
                            char *out, size_t n) {
  if (want->kind != got->kind) {
    snprintf(out, n, "uninterrupted: %s, restored: %s",
             want->kind ? gw_trap_message(want->kind) : "returned",
             got->kind ? gw_trap_message(got->kind) : "returned");
    return -1;
  }
  if (want->kind == GW_TRAP_NONE) {
    for (int i = 0; i < c->nresults; i++) {
      if (memcmp(want->results[i], got->results[i], 16) != 0) {
        snprintf(out, n, "result %d differs", i);
        return -1;
      }
    }
  }
  if (want->state.parts[want->state.count] != got->state.parts[got->state.count]) {
    digest_difference(m, &want->state, &got->state, out, n);
    return -1;
  }
  return 0;
}

static char snapshot_path[256]; /* where countdown checkpoints are written */

static int read_file(const char *path, uint8_t **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  if (!buf) abort();
  size_t r;
  while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      if (!buf) abort();
    }
  }
  fclose(f);
  *out = buf;
  *len = n;
  return 0;
}

static int write_file(const char *path, const uint8_t *bytes, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int ok = fwrite(bytes, 1, len, f) == len;
  return fclose(f) == 0 && ok ? 0 : -1;
}

static void put_le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* --debug-corrupt-local: adds 1 (mod 10, in the last digit) to the first
 * i32 local of the innermost frame that has one, and fixes the CRC: a
 * deliberately broken restore that checkpoint injection must detect. */
static void corrupt_one_local(uint8_t *bytes, size_t len) {
  if (len < GW_SNAPSHOT_HEADER_SIZE + GW_SNAPSHOT_TRAILER_SIZE) return;
  uint64_t json_len = get_le64(bytes + 16), blob_len = get_le64(bytes + 24);
  if (GW_SNAPSHOT_HEADER_SIZE + json_len + blob_len + 4 != len) return;
  char *json = (char *)bytes + GW_SNAPSHOT_HEADER_SIZE;
  char *end = json + json_len;
  const char *pattern = "\"type\":\"i32\",\"value\":";
  size_t plen = strlen(pattern);
  char *frames_end = NULL, *last = NULL;
  for (char *p = json; p + 10 < end; p++)
    if (memcmp(p, "\"globals\"", 9) == 0) { frames_end = p; break; }
  if (!frames_end) return;
  for (char *p = json; p + plen < frames_end; p++)
    if (memcmp(p, "\"locals\"", 8) == 0) {
      /* The first i32 of this frame's locals, if any. */
      char *stack = p;
      while (stack + 7 < frames_end && memcmp(stack, "\"stack\"", 7) != 0) stack++;
      for (char *q = p; q + plen < stack; q++)
        if (memcmp(q, pattern, plen) == 0) { last = q + plen; break; }
    }
  if (!last) return;
  char *digit = last;
  while (digit + 1 < end && digit[1] >= '0' && digit[1] <= '9') digit++;
  if (*digit < '0' || *digit > '9') return;
  *digit = (char)('0' + (*digit - '0' + 1) % 10);
  put_le32(bytes + len - 4, gw_crc32(bytes, len - 4));
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* (Re)starts checkpoint/restore state on the driver's exec: a countdown
 * checkpoint at the n-th point (UINT64_MAX: just count), no signal. */
static void cr_arm(uint64_t checkpoint_after) {
  char err[256];
  gw_cr_teardown(&driver_exec);
  if (checkpoint_after == 0) return;
  gw_cr_config cfg = {.snapshot_path = snapshot_path,
                      .checkpoint_after = checkpoint_after,
                      .signal = -1};
  if (gw_cr_setup(&driver_exec, &cfg, err, sizeof err) != 0) {
    fprintf(stderr, "spec_driver: %s\n", err);
    abort();
  }
}

/* Whether a checkpoint error is a known limit of portable snapshots rather
 * than a bug. */
static int is_portability_limit(const char *err) {
  return strstr(err, "several instances") || strstr(err, "externref") ||
         strstr(err, "another instance") ||
         strstr(err, "not a function of this instance");
}

/* Restores snapshot bytes into a fresh instance of rec's module, finishes
 * the call there (results: room for c's results) and captures the outcome.
 * 0, or -1 with a message. */
static int restore_and_finish(load_record *rec, const call_spec *c,
                              uint8_t *bytes, size_t len, gw_value *results,
                              run_outcome *out, char *err, size_t n) {
  gw_instance *fresh = NULL;
  int rc = gw_instantiate_ex(rec->desc, &driver_exec, replay_import, rec, rec,
                             &fresh, err, n, GW_INST_NO_START);
  if (rc != 0) {
    if (rc > 0) snprintf(err, n, "fresh instance trapped: %s", gw_trap_message(rc));
    gw_instance_free(fresh);
    return -1;
  }
  if (corrupt_restores) corrupt_one_local(bytes, len);
  gw_cr_teardown(&driver_exec);
  char inner[256];
  if (gw_cr_restore_bytes(&driver_exec, fresh, bytes, len, inner, sizeof inner) != 0) {
    snprintf(err, n, "restore failed: %s", inner);
    gw_cr_teardown(&driver_exec);
    gw_instance_free(fresh);
    return -1;
  }
  int32_t kind = gw_cr_call(&driver_exec, fresh, c->fn, c->params, results,
                            inner, sizeof inner);
  gw_cr_teardown(&driver_exec);
  if (kind == GW_CR_ERROR || kind == GW_CR_CHECKPOINTED) {
    snprintf(err, n, "restored run failed: %s",
             kind == GW_CR_ERROR ? inner : "checkpointed again");
    gw_instance_free(fresh);
    return -1;
  }
  *out = capture_outcome(fresh, kind, c, results);
  gw_instance_free(fresh);
  return 0;
}

static void print_hex_name(const char *key, const char *s) {
  printf(" %s==", key);
  for (; *s; s++) printf("%02x", (unsigned char)*s);
}

static uint64_t fresh_counter; /* checks so far, for fresh-every sampling */

/* ---- Observed runs: the point trace and in-memory snapshots -------------- */

/* Runtime hooks for the harness (runtime/checkpoint.c; not in snapshot.h,
 * which is the embedder's API). */
typedef int (*gw_cr_point_observer)(void *user, gw_instance *inst,
                                    uint32_t point);
typedef int (*gw_cr_snapshot_sink)(void *user, uint8_t *bytes, size_t len);
void gw_cr_observe_points(gw_exec *exec, gw_cr_point_observer fn, void *user);
void gw_cr_set_snapshot_sink(gw_exec *exec, gw_cr_snapshot_sink fn,
                             void *user);

/* What the uninterrupted run went through: at its k-th point (1-based,
 * index k-1) the migration point id and a hash of the polling instance's
 * globals. */
typedef struct point_trace {
  uint32_t *points;
  uint64_t *globals;
  uint64_t len, cap;
} point_trace;

static void trace_free(point_trace *t) {
  free(t->points);
  free(t->globals);
  memset(t, 0, sizeof *t);
}

static uint64_t globals_hash(const gw_instance *inst) {
  uint64_t h = HASH_SEED;
  for (uint32_t i = 0; i < inst->module->num_globals; i++) {
    uint8_t key[16];
    value_key(inst, gw_type_letter(inst->globals[i]->type),
              &inst->globals[i]->value, key);
    h = hash_bytes(h, key, 16);
  }
  return h;
}

/* The observer's state for one run (see observe_point). */
typedef struct observer_ctx {
  int recording;        /* 1: append to trace; 0: compare with it */
  point_trace *trace;
  uint64_t pos;         /* points observed, numbered as in the trace */
  uint64_t trigger_at;  /* request a checkpoint from this point on (0: no) */
  uint64_t diverged_at; /* first point that differs from the trace (0: none) */
  uint32_t repoll;      /* 1 + a loop point resumed at, whose poll runs again */
  gw_instance *running; /* set: move its memories aside when it unwinds */
  char why[200];
} observer_ctx;

/*
 * The chained check hands memory contents from one instance to the next
 * without the snapshot's zlib streams (compressing, scanning and inflating
 * the pages at every point costs about 1 ms a point and page): when the
 * running instance starts unwinding, its memories' sizes are set to 0 for
 * the snapshot (which then holds no page ranges) and written into the
 * snapshot's JSON afterwards; after the restore the restored instance's
 * memories and these trade reservations (same module, so same size and
 * layout; the restore gave it the same page counts), so the contents move
 * without a copy. Everything else goes through the snapshot's bytes; the
 * memory encoding is what the full-run checks and fresh-process restores
 * exercise.
 */
static const uint8_t *find_key(const uint8_t *p, const uint8_t *end,
                               const char *key);

typedef struct memory_stash {
  gw_instance *inst; /* whose memories these are */
  uint32_t count;
  uint32_t index[8]; /* memory indices (defined memories only) */
  gw_memory *mem[8];
  uint64_t pages[8]; /* their real sizes */
} memory_stash;
static memory_stash stash;

/* Puts the real sizes back (idempotent). */
static void stash_free(memory_stash *m) {
  for (uint32_t i = 0; i < m->count; i++) m->mem[i]->pages = m->pages[i];
  memset(m, 0, sizeof *m);
}

static void stash_memories(const gw_instance *inst) {
  stash_free(&stash);
  const gw_module_desc *m = inst->module;
  /* Imported memories are shared with other instances (the restored one
   * too): the snapshot carries those. */
  for (uint32_t i = m->num_imported_memories; i < m->num_memories; i++) {
    if (stash.count == 8) break; /* the snapshot carries the rest */
    gw_memory *mem = inst->memories[i];
    stash.index[stash.count] = i;
    stash.mem[stash.count] = mem;
    stash.pages[stash.count++] = mem->pages;
    mem->pages = 0;
  }
  stash.inst = (gw_instance *)inst;
}

/* The snapshot of a stashed instance: puts the sizes back, in the
 * instance and in the JSON ("pages":0 of each memory, in order). A new
 * buffer, or NULL when the bytes do not have that shape. */
static uint8_t *unstash_sizes(const uint8_t *bytes, size_t len,
                              size_t *out_len) {
  for (uint32_t i = 0; i < stash.count; i++) stash.mem[i]->pages = stash.pages[i];
  if (len < GW_SNAPSHOT_HEADER_SIZE + GW_SNAPSHOT_TRAILER_SIZE) return NULL;
  uint64_t json_len = get_le64(bytes + 16), blob_len = get_le64(bytes + 24);
  if (GW_SNAPSHOT_HEADER_SIZE + json_len + blob_len + 4 != len) return NULL;
  const uint8_t *json = bytes + GW_SNAPSHOT_HEADER_SIZE, *end = json + json_len;
  size_t cap = len + 24 * (size_t)stash.count;
  uint8_t *out = malloc(cap);
  if (!out) abort();
  memcpy(out, bytes, GW_SNAPSHOT_HEADER_SIZE);
  size_t o = GW_SNAPSHOT_HEADER_SIZE;
  const uint8_t *p = find_key(json, end, "\"memories\":");
  if (!p) {
    free(out);
    return NULL;
  }
  memcpy(out + o, json, (size_t)(p - json));
  o += (size_t)(p - json);
  for (uint32_t i = 0; i < stash.count; i++) {
    char key[48];
    int klen = snprintf(key, sizeof key, "{\"index\":%u,\"pages\":0,", stash.index[i]);
    const uint8_t *q = find_key(p, end, key);
    if (!q) {
      free(out);
      return NULL;
    }
    memcpy(out + o, p, (size_t)(q - p));
    o += (size_t)(q - p);
    o += (size_t)sprintf((char *)out + o, "{\"index\":%u,\"pages\":%" PRIu64 ",",
                         stash.index[i], stash.pages[i]);
    p = q + klen;
  }
  memcpy(out + o, p, (size_t)(end - p));
  o += (size_t)(end - p);
  uint64_t new_json = o - GW_SNAPSHOT_HEADER_SIZE;
  for (int k = 0; k < 8; k++) out[16 + k] = (uint8_t)(new_json >> (8 * k));
  memcpy(out + o, end, (size_t)blob_len);
  o += (size_t)blob_len;
  put_le32(out + o, gw_crc32(out, o));
  *out_len = o + 4;
  return out;
}

/* Hands the stashed contents to inst (just restored from the matching
 * snapshot, so its memories have the stashed sizes): the stashed memories
 * and inst's trade reservations. -1 when the sizes differ. */
static int unstash_memories(gw_instance *inst, memory_stash *m) {
  if (m->count == 0) return 0;
  for (uint32_t i = 0; i < m->count; i++) {
    if (m->index[i] >= inst->module->num_memories) return -1;
    gw_memory *mem = inst->memories[m->index[i]];
    if (mem == m->mem[i] || mem->pages != m->pages[i] ||
        mem->reserved != m->mem[i]->reserved)
      return -1;
  }
  for (uint32_t i = 0; i < m->count; i++) {
    gw_memory *mem = inst->memories[m->index[i]];
    uint8_t *base = mem->base;
    mem->base = m->mem[i]->base;
    m->mem[i]->base = base;
  }
  /* Generated code reads memory 0 through the instance's copy of its base:
   * refresh it here and in every instance that may import one of these
   * memories (a fuzz module's memory read by another instance). */
  if (inst->module->num_memories > 0) {
    inst->mem0_base = inst->memories[0]->base;
    m->inst->mem0_base = m->inst->memories[0]->base;
  }
  for (size_t k = 0; k < num_instances; k++)
    if (instances[k] && instances[k]->module->num_memories > 0)
      instances[k]->mem0_base = instances[k]->memories[0]->base;
  memset(m, 0, sizeof *m);
  return 0;
}

static int observe_point(void *user, gw_instance *inst, uint32_t point) {
  observer_ctx *o = user;
  if (o->repoll) {
    /* A resume at a loop point enters the loop header before its poll
     * (compiler/instrument/checkpoint.ts), so that point polls again
     * first: not a new point. */
    uint32_t expected = o->repoll - 1;
    o->repoll = 0;
    if (point == expected) return 0;
  }
  o->pos++;
  uint64_t g = globals_hash(inst);
  point_trace *t = o->trace;
  if (o->recording) {
    if (t->len == t->cap) {
      t->cap = t->cap ? 2 * t->cap : 1024;
      t->points = realloc(t->points, t->cap * sizeof *t->points);
      t->globals = realloc(t->globals, t->cap * sizeof *t->globals);
      if (!t->points || !t->globals) abort();
    }
    t->points[t->len] = point;
    t->globals[t->len++] = g;
  } else if (!o->diverged_at) {
    if (o->pos > t->len) {
      o->diverged_at = o->pos;
      snprintf(o->why, sizeof o->why,
               "the restored run went on past the uninterrupted run's last "
               "point (%" PRIu64 ")", t->len);
    } else if (t->points[o->pos - 1] != point) {
      const gw_point_desc *a = &inst->module->points[point];
      o->diverged_at = o->pos;
      snprintf(o->why, sizeof o->why,
               "at point %" PRIu64 " the restored run is at function %u "
               "offset %u, the uninterrupted run at another point (id %u)",
               o->pos, a->func, a->offset, t->points[o->pos - 1]);
    } else if (t->globals[o->pos - 1] != g) {
      o->diverged_at = o->pos;
      snprintf(o->why, sizeof o->why, "at point %" PRIu64 " globals differ",
               o->pos);
    }
  }
  if (o->diverged_at) return 1; /* stop the run at once */
  int request = o->trigger_at != 0 && o->pos >= o->trigger_at;
  /* A request at an entry or loop point unwinds right here. */
  if (request && o->running == inst && point < inst->module->num_points &&
      inst->module->points[point].kind != GW_POINT_CALL)
    stash_memories(inst);
  return request;
}

/* The last snapshot taken (the sink's), owned here. */
static uint8_t *last_snap;
static size_t last_snap_len;

static int keep_snapshot(void *user, uint8_t *bytes, size_t len) {
  (void)user;
  free(last_snap);
  last_snap = bytes;
  last_snap_len = len;
  if (stash.count > 0) {
    size_t fixed_len;
    uint8_t *fixed = unstash_sizes(bytes, len, &fixed_len);
    free(bytes);
    last_snap = fixed;
    last_snap_len = fixed ? fixed_len : 0;
    if (!fixed) return -1;
  }
  return 0;
}

/* Takes ownership of the last snapshot (NULL when none). */
static uint8_t *take_snapshot(size_t *len) {
  uint8_t *b = last_snap;
  *len = last_snap_len;
  last_snap = NULL;
  last_snap_len = 0;
  return b;
}

/* Counting with the observer and in-memory snapshots (no file). */
static void cr_arm_observed(observer_ctx *o) {
  cr_arm(UINT64_MAX);
  gw_cr_observe_points(&driver_exec, observe_point, o);
  gw_cr_set_snapshot_sink(&driver_exec, keep_snapshot, NULL);
}

/* A snapshot's Wasm state, hashed: from the "frames" member to the end of
 * the blob (the header, producer, arch, reason and points_reached and the
 * CRC are not state). 0 when the bytes are not a snapshot. */
static const uint8_t *find_key(const uint8_t *p, const uint8_t *end,
                               const char *key) {
  size_t k = strlen(key);
  for (; p + k <= end; p++)
    if (memcmp(p, key, k) == 0) return p;
  return NULL;
}

/* A snapshot's Wasm state without memory contents, hashed: its JSON from
 * "frames" to the end, the memories' page ranges left out (the chained
 * check moves memory contents by copy, see memory_stash; the header,
 * producer, arch, reason and points_reached are not state). 0 when the
 * bytes are not a snapshot. */
static uint64_t snapshot_digest(const uint8_t *bytes, size_t len) {
  if (len < GW_SNAPSHOT_HEADER_SIZE + GW_SNAPSHOT_TRAILER_SIZE) return 0;
  uint64_t json_len = get_le64(bytes + 16);
  if (json_len > len - GW_SNAPSHOT_HEADER_SIZE) return 0;
  const uint8_t *json = bytes + GW_SNAPSHOT_HEADER_SIZE, *end = json + json_len;
  const uint8_t *frames = find_key(json, end, "\"frames\":");
  const uint8_t *mems = frames ? find_key(frames, end, "\"memories\":") : NULL;
  const uint8_t *dropped = mems ? find_key(mems, end, "\"dropped\":") : NULL;
  if (!dropped) return 0;
  uint64_t h = hash_bytes(HASH_SEED, frames, (size_t)(mems - frames));
  /* Each memory's size, not its ranges. */
  for (const uint8_t *p = mems; (p = find_key(p, dropped, "\"pages\":")); p++) {
    const uint8_t *q = p + 8;
    while (q < dropped && *q >= '0' && *q <= '9') q++;
    h = hash_bytes(h, p, (size_t)(q - p));
  }
  h = hash_bytes(h, dropped, (size_t)(end - dropped));
  return h ? h : 1;
}

/* Instantiates rec's module again, linked like the original, start not
 * run. NULL with a message on failure. */
static gw_instance *fresh_instance(load_record *rec, char *err, size_t n) {
  gw_instance *fresh = NULL;
  int rc = gw_instantiate_ex(rec->desc, &driver_exec, replay_import, rec, rec,
                             &fresh, err, n, GW_INST_NO_START);
  if (rc != 0) {
    if (rc > 0) snprintf(err, n, "fresh instance trapped: %s", gw_trap_message(rc));
    gw_instance_free(fresh);
    return NULL;
  }
  return fresh;
}

/* For a snapshot unwound at the trace's point `pos`: 1 + that point's id
 * when it is a loop point (polled again on resume), else 0. */
static uint32_t repoll_after(const gw_instance *inst, const point_trace *trace,
                             uint64_t pos) {
  if (pos == 0 || pos > trace->len) return 0;
  uint32_t id = trace->points[pos - 1];
  if (id >= inst->module->num_points) return 0;
  return inst->module->points[id].kind == GW_POINT_LOOP ? id + 1 : 0;
}

/* What the chained check found. */
typedef struct chain_result {
  uint64_t checked, nocp, mismatched, unchecked;
  char nocp_reason[256];
  char detail[600];
  uint64_t *digests; /* [k]: digest of the snapshot unwound at point k, 0: none */
} chain_result;

static void chain_nocp(chain_result *r, uint64_t count, const char *why) {
  r->nocp += count;
  if (!r->nocp_reason[0]) snprintf(r->nocp_reason, sizeof r->nocp_reason, "%s", why);
}

/*
 * The chained check of every point (docs/proof.md): from the state before
 * the invocation, run to point 1 and checkpoint there; restore the bytes
 * into another instance, resume, checkpoint at the next point, and so on to
 * the end. At every point the run must be where the uninterrupted run was
 * (same migration point, same globals), and the end must equal the
 * uninterrupted run's (results or trap, memories, tables, globals). A point
 * whose checkpoint is not portable is retried from the last good snapshot
 * with the request one point later.
 */
static void run_chain(load_record *rec, gw_instance *target,
                      const call_spec *c, const run_outcome *want,
                      point_trace *trace, const state_image *before,
                      chain_result *r) {
  char err[512] = "";
  uint64_t n = trace->len;
  r->digests = calloc(n + 1, sizeof *r->digests);
  if (!r->digests) abort();
  gw_instance *insts[2] = {fresh_instance(rec, err, sizeof err), NULL};
  if (insts[0]) insts[1] = fresh_instance(rec, err, sizeof err);
  if (!insts[1]) {
    r->mismatched++;
    snprintf(r->detail, sizeof r->detail, "chained check: %s", err);
    r->unchecked = n;
    gw_instance_free(insts[0]);
    return;
  }
  gw_value *results = calloc((size_t)c->nresults + 1, sizeof *results);
  if (!results) abort();
  observer_ctx obs = {.recording = 0, .trace = trace};
  cr_arm_observed(&obs);
  uint8_t *good = NULL; /* the last snapshot that continued the chain */
  size_t good_len = 0;
  memory_stash good_mem = {0}; /* its memories (see memory_stash) */
  uint64_t good_pos = 0;
  int next_inst = 0;
  uint64_t trigger = 1; /* request from this point on; 0: none (the end) */
  for (;;) {
    /* One segment: from the start or from `good`, requesting a checkpoint
     * at `trigger`. */
    gw_instance *running;
    obs.trigger_at = trigger;
    obs.pos = good_pos;
    obs.diverged_at = 0;
    stash_free(&stash);
    int32_t kind;
    if (!good) {
      image_apply(before);
      running = target;
      obs.running = running;
      kind = gw_cr_call(&driver_exec, target, c->fn, c->params, results, err,
                        sizeof err);
    } else {
      running = insts[next_inst];
      next_inst ^= 1;
      uint8_t *copy = NULL;
      const uint8_t *bytes = good;
      if (corrupt_restores) {
        copy = malloc(good_len);
        if (!copy) abort();
        memcpy(copy, good, good_len);
        corrupt_one_local(copy, good_len);
        bytes = copy;
      }
      char inner[256];
      int rc = gw_cr_restore_bytes(&driver_exec, running, bytes, good_len,
                                   inner, sizeof inner);
      free(copy);
      if (rc == 0 && unstash_memories(running, &good_mem) != 0) {
        rc = -1;
        snprintf(inner, sizeof inner, "memory sizes differ from the snapshot's");
      }
      if (rc != 0) {
        r->mismatched++;
        snprintf(r->detail, sizeof r->detail,
                 "chained check: restore at point %" PRIu64 " failed: %s",
                 good_pos, inner);
        r->unchecked += n - good_pos;
        break;
      }
      obs.running = running;
      obs.repoll = repoll_after(running, trace, good_pos);
      kind = gw_cr_call(&driver_exec, running, c->fn, c->params, results, err,
                        sizeof err);
    }
    uint64_t at = obs.pos;
    size_t unused;
    if (obs.diverged_at) {
      r->mismatched++;
      snprintf(r->detail, sizeof r->detail,
               "chained check, resumed from point %" PRIu64 ": %s", good_pos,
               obs.why);
      r->unchecked += n > good_pos ? n - good_pos : 0;
      free(take_snapshot(&unused));
      break;
    }
    if (kind == GW_CR_CHECKPOINTED) {
      size_t len;
      uint8_t *bytes = take_snapshot(&len);
      if (!bytes || at <= good_pos || at > n) {
        r->mismatched++;
        snprintf(r->detail, sizeof r->detail,
                 "chained check: no snapshot at point %" PRIu64, at);
        r->unchecked += n - good_pos;
        free(bytes);
        break;
      }
      r->digests[at] = snapshot_digest(bytes, len);
      r->checked += at - trigger + 1; /* trigger..at-1 are deferred calls */
      free(good);
      good = bytes;
      good_len = len;
      good_pos = at;
      stash_free(&good_mem);
      good_mem = stash; /* moved */
      memset(&stash, 0, sizeof stash);
      trigger = at + 1;
      continue;
    }
    if (kind == GW_CR_ERROR && trigger != 0 && at >= trigger &&
        is_portability_limit(err)) {
      /* Not portable from `trigger` to `at`: again from the start (the
       * last good snapshot's memories were handed on), requesting one
       * point later (none after the last). */
      free(take_snapshot(&unused));
      chain_nocp(r, at - trigger + 1, err);
      trigger = at + 1 > n ? 0 : at + 1;
      stash_free(&good_mem);
      free(good);
      good = NULL;
      good_len = 0;
      good_pos = 0;
      continue;
    }
    if (kind == GW_CR_ERROR || kind == GW_CR_CHECKPOINTED) {
      free(take_snapshot(&unused));
      r->mismatched++;
      snprintf(r->detail, sizeof r->detail,
               "chained check: checkpoint at point %" PRIu64 " failed: %s",
               at, err);
      r->unchecked += n - good_pos;
      break;
    }
    /* The invocation ended (returned or trapped). */
    if (trigger != 0 && at >= trigger)
      chain_nocp(r, at - trigger + 1,
                 "the invocation ended before a checkpoint could be taken");
    char why[512] = "";
    if (at != n) {
      snprintf(why, sizeof why,
               "the restored run ended after %" PRIu64 " points, the "
               "uninterrupted run after %" PRIu64, at, n);
    } else {
      run_outcome got = capture_outcome(running, kind, c, results);
      compare_outcomes(running->module, c, want, &got, why, sizeof why);
      free_outcome(&got);
    }
    if (why[0]) {
      r->mismatched++;
      snprintf(r->detail, sizeof r->detail,
               "chained check, resumed from point %" PRIu64 ": %s", good_pos,
               why);
    }
    break;
  }
  cr_arm(0);
  stash_free(&stash);
  stash_free(&good_mem);
  free(good);
  free(results);
  gw_instance_free(insts[0]);
  gw_instance_free(insts[1]);
}

/* The points the full-run checks take: `max_points` spread evenly over
 * 1..range (first and last included; one: the middle), plus the first occurrence of every
 * migration point of the trace (its resume path, against a snapshot of the
 * normal code), at most `max_first` of those; sorted, no duplicates. */
static uint64_t *full_run_sample(const point_trace *trace, uint64_t range,
                                 uint64_t max_points, uint64_t max_first,
                                 size_t *count) {
  size_t cap = (size_t)(max_points + max_first + 1), k = 0;
  uint64_t *s = malloc(cap * sizeof *s);
  if (!s) abort();
  uint64_t samples = range < max_points ? range : max_points;
  for (uint64_t i = 0; i < samples; i++)
    s[k++] = samples == 1 ? (range + 1) / 2 /* one: the middle */
                          : 1 + (uint64_t)((double)i * (double)(range - 1) /
                                           (double)(samples - 1));
  if (max_first > 0 && trace->len > 0) {
    uint32_t maxid = 0;
    for (uint64_t i = 0; i < trace->len; i++)
      if (trace->points[i] > maxid) maxid = trace->points[i];
    uint8_t *seen = calloc((size_t)maxid + 1, 1);
    if (!seen) abort();
    uint64_t firsts = 0;
    for (uint64_t i = 0; i < trace->len && i < range && firsts < max_first; i++)
      if (!seen[trace->points[i]]) {
        seen[trace->points[i]] = 1;
        s[k++] = i + 1;
        firsts++;
      }
    free(seen);
  }
  /* Sort (insertion: k is small) and drop duplicates. */
  for (size_t i = 1; i < k; i++)
    for (size_t j = i; j > 0 && s[j - 1] > s[j]; j--) {
      uint64_t t = s[j];
      s[j] = s[j - 1];
      s[j - 1] = t;
    }
  size_t u = 0;
  for (size_t i = 0; i < k; i++)
    if (u == 0 || s[u - 1] != s[i]) s[u++] = s[i];
  *count = u;
  return s;
}

/*
 * crinvoke: the uninterrupted run (its point trace recorded), then the
 * chained check of every point (chain=1), then full-run checks at a sample
 * of points: run again with a request at point k, restore the snapshot
 * into a fresh instance, finish and compare with the uninterrupted run,
 * and (with the chain) compare that normal-code snapshot with the chain's
 * at the same point.
 */
static void cmd_crinvoke(gw_instance *inst, const char *name, size_t len,
                         char **opts, char **args, int nargs) {
  call_spec c;
  uint64_t max_points = strtoull(opts[0], NULL, 10);
  uint64_t within = strtoull(opts[1], NULL, 10);
  double budget_ms = strtod(opts[2], NULL);
  uint64_t fresh_every = strtoull(opts[3], NULL, 10);
  const char *prefix = opts[4];
  int chain = strtol(opts[5], NULL, 10) != 0;
  int64_t depth = strtoll(opts[6], NULL, 10);
  if (prepare_call(inst, name, len, args, nargs, &c) != 0) return;
  int64_t saved_left = driver_exec.depth_left, saved_limit = driver_exec.depth_limit;
  if (depth > 0 && c.fn->instance) {
    /* The chain's cost at depth d is d frames a point: with big frames
     * (thousands of locals anywhere in the module) the depth goes down so
     * that the values saved over the whole chain stay about those of
     * depth^2/2 frames of 100 values. */
    const gw_instance *ti = c.fn->instance;
    uint64_t values = 1;
    for (uint32_t p = 0; p < ti->module->num_points; p++) {
      const gw_point_desc *pd = &ti->module->points[p];
      if (pd->num_locals + pd->num_stack > values)
        values = pd->num_locals + pd->num_stack;
    }
    if (values > 100) {
      int64_t scaled = (int64_t)((double)depth * sqrt(100.0 / (double)values));
      depth = scaled < 20 ? 20 : scaled;
    }
  }
  if (depth > 0 && depth < saved_limit)
    driver_exec.depth_left = driver_exec.depth_limit = depth;
  double started = now_ms();
  gw_instance *target = c.fn->instance;
  load_record *rec = target ? target->host : NULL;
  if (!target || !rec || rec->desc != target->module ||
      target->module->num_points == 0) {
    /* A host function, or a module built without migration points. */
    int32_t kind = gw_call(&driver_exec, c.fn, c.params, c.results);
    printf("cr reached=0 checked=0 mismatched=0 nocp=0 unchecked=0 full=0 "
           "fresh=- ; ");
    print_outcome(kind, &c, c.results);
    putchar('\n');
    fflush(stdout);
    free_call(&c);
    driver_exec.depth_left = saved_left, driver_exec.depth_limit = saved_limit;
    return;
  }
  /* The state the invocation may touch: the target's, or, when it is
   * linked to other instances, every instance's. */
  state_image before = {0}, after = {0};
  if (rec->linked) {
    for (size_t i = 0; i < num_all; i++) image_add(&before, all_insts[i]);
  } else {
    image_add(&before, target);
  }

  char err[512] = "";
  point_trace trace = {0};
  observer_ctx rec_obs = {.recording = 1, .trace = &trace};
  cr_arm_observed(&rec_obs);
  int32_t kind = gw_cr_call(&driver_exec, target, c.fn, c.params, c.results,
                            err, sizeof err);
  uint64_t reached = trace.len;
  cr_arm(0);
  run_outcome want = capture_outcome(target, kind, &c, c.results);
  if (rec->linked) {
    for (size_t i = 0; i < num_all; i++) image_add(&after, all_insts[i]);
  } else {
    image_add(&after, target);
  }

  chain_result ch = {0};
  if (chain && reached > 0)
    run_chain(rec, target, &c, &want, &trace, &before, &ch);
  started = now_ms(); /* the budget is the full runs' */
  uint64_t checked = ch.checked, mismatched = ch.mismatched, nocp = ch.nocp;
  uint64_t full = 0, full_nocp = 0;
  char nocp_reason[256], detail[600];
  snprintf(nocp_reason, sizeof nocp_reason, "%s", ch.nocp_reason);
  snprintf(detail, sizeof detail, "%s", ch.detail);
  char fresh_list[512] = "";
  size_t fresh_len = 0;
  int fresh_ok = rec->only_spectest && target == inst && fresh_every > 0 &&
                 strcmp(prefix, "-") != 0;
  uint64_t range = within > 0 && within < reached ? within : reached;
  size_t num_samples = 0;
  uint64_t *sample = full_run_sample(&trace, range, max_points,
                                     chain ? max_points : 0, &num_samples);
  gw_value *results = calloc((size_t)c.nresults + 1, sizeof *results);
  if (!results) abort();
  for (size_t s = 0; s < num_samples; s++) {
    if (s > 0 && now_ms() - started > budget_ms) break;
    uint64_t point = sample[s];
    image_apply(&before);
    observer_ctx obs = {.recording = 0, .trace = &trace, .trigger_at = point};
    cr_arm_observed(&obs);
    int32_t k = gw_cr_call(&driver_exec, target, c.fn, c.params, results, err,
                           sizeof err);
    cr_arm(0);
    size_t blen = 0;
    uint8_t *bytes = take_snapshot(&blen);
    if (k == GW_CR_ERROR && is_portability_limit(err)) {
      free(bytes);
      full_nocp++;
      if (!chain) {
        nocp++;
        if (!nocp_reason[0]) snprintf(nocp_reason, sizeof nocp_reason, "%s", err);
      }
      continue;
    }
    char problem[560] = "";
    if (obs.diverged_at) {
      snprintf(problem, sizeof problem, "the run with a checkpoint request: %s",
               obs.why);
    } else if (k == GW_CR_ERROR) {
      snprintf(problem, sizeof problem, "checkpoint failed: %s", err);
    } else if (k != GW_CR_CHECKPOINTED) {
      /* The request was at the last point (a call whose callee has no
       * point): there was nothing left to checkpoint. */
      free(bytes);
      full_nocp++;
      if (!chain) {
        nocp++;
        if (!nocp_reason[0])
          snprintf(nocp_reason, sizeof nocp_reason,
                   "the invocation ended before a checkpoint could be taken");
      }
      continue;
    } else if (!bytes) {
      snprintf(problem, sizeof problem, "no snapshot was taken");
    } else {
      if (chain && obs.pos <= reached && ch.digests &&
          ch.digests[obs.pos] != 0 &&
          ch.digests[obs.pos] != snapshot_digest(bytes, blen))
        snprintf(problem, sizeof problem,
                 "the chained check's state at point %" PRIu64 " differs from "
                 "the normal run's", obs.pos);
      if (fresh_ok && fresh_counter++ % fresh_every == 0 &&
          fresh_len + 24 < sizeof fresh_list) {
        char path[1024];
        snprintf(path, sizeof path, "%s-%" PRIu64 ".snap", prefix, point);
        if (write_file(path, bytes, blen) == 0)
          fresh_len += (size_t)snprintf(fresh_list + fresh_len,
                                        sizeof fresh_list - fresh_len, "%s%" PRIu64,
                                        fresh_len ? "," : "", point);
      }
      run_outcome got;
      char why[512];
      if (problem[0]) {
        /* already a mismatch */
      } else if (restore_and_finish(rec, &c, bytes, blen, results, &got, why,
                                    sizeof why) != 0) {
        snprintf(problem, sizeof problem, "%s", why);
      } else {
        if (compare_outcomes(target->module, &c, &want, &got, why, sizeof why) != 0)
          snprintf(problem, sizeof problem, "%s", why);
        free_outcome(&got);
      }
    }
    free(bytes);
    full++;
    if (!chain) checked++;
    if (problem[0]) {
      mismatched++;
      if (!detail[0])
        snprintf(detail, sizeof detail,
                 "full run from a checkpoint at point %" PRIu64 " of %" PRIu64
                 ": %s", point, reached, problem);
    }
  }
  free(sample);
  free(results);
  free(ch.digests);
  image_apply(&after);
  image_free(&before);
  image_free(&after);
  trace_free(&trace);
  driver_exec.depth_left = saved_left, driver_exec.depth_limit = saved_limit;

  printf("cr reached=%" PRIu64 " checked=%" PRIu64 " mismatched=%" PRIu64
         " nocp=%" PRIu64 " unchecked=%" PRIu64 " full=%" PRIu64
         " fresh=%s hash=%016" PRIx64,
         reached, checked, mismatched, nocp,
         chain ? ch.unchecked : reached - checked - nocp, full,
         fresh_len ? fresh_list : "-", want.state.parts[want.state.count]);
  (void)full_nocp;
  print_hex_name("nocp_reason", nocp_reason);
  print_hex_name("detail", detail);
  printf(" ; ");
  print_outcome(want.kind, &c, c.results);
  putchar('\n');
  fflush(stdout);
  free_outcome(&want);
  free_call(&c);
}

/* Restores snapshot bytes into a fresh instance of rec's module, runs to
 * the next migration point and checkpoints there (the bytes to *out), or,
 * when the call ends first, captures its outcome in *got (*out NULL).
 * 0, or -1 with a message. */
static int restore_and_hop(load_record *rec, const call_spec *c,
                           const uint8_t *bytes, size_t len, gw_value *results,
                           uint8_t **out, size_t *out_len, run_outcome *got,
                           char *err, size_t n) {
  *out = NULL;
  gw_instance *fresh = fresh_instance(rec, err, n);
  if (!fresh) return -1;
  point_trace none = {0};
  observer_ctx obs = {.recording = 1, .trace = &none, .trigger_at = 1};
  cr_arm(UINT64_MAX);
  char inner[256];
  if (gw_cr_restore_bytes(&driver_exec, fresh, bytes, len, inner, sizeof inner) != 0) {
    snprintf(err, n, "restore failed: %s", inner);
    cr_arm(0);
    gw_instance_free(fresh);
    return -1;
  }
  /* Recording (no comparison); requests from the first point on. */
  obs.repoll = 0;
  gw_cr_observe_points(&driver_exec, observe_point, &obs);
  gw_cr_set_snapshot_sink(&driver_exec, keep_snapshot, NULL);
  int32_t kind = gw_cr_call(&driver_exec, fresh, c->fn, c->params, results,
                            inner, sizeof inner);
  cr_arm(0);
  trace_free(&none);
  int rc = 0;
  if (kind == GW_CR_CHECKPOINTED) {
    *out = take_snapshot(out_len);
    if (!*out) snprintf(err, n, "no snapshot was taken"), rc = -1;
  } else if (kind == GW_CR_ERROR) {
    snprintf(err, n, "restored run failed: %s", inner);
    rc = -1;
  } else {
    *got = capture_outcome(fresh, kind, c, results);
  }
  gw_instance_free(fresh);
  return rc;
}

/*
 * crrestore: the fresh-process half of checkpoint injection (also run by
 * the driver of the other CPU, for --cross-cpu). With `out` (crhop), the
 * restored run checkpoints again at its next point and writes that
 * snapshot to `out` instead of finishing.
 */
static void cmd_crrestore(char *id_text, char *path, char *name, char *snap,
                          const char *out, char **args, int nargs) {
  char err[512] = "";
  char *end;
  unsigned long id = strtoul(id_text, &end, 10);
  int name_len = unhex_name(name);
  if (*end || name_len < 0) return reply("error bad request %s", id_text);
  (void)id;
  void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!so) return reply("error dlopen: %s", dlerror());
  const gw_module_desc *desc = dlsym(so, "gw_module");
  if (!desc) return reply("error no gw_module in %s", path);
  /* Link it like a load, without running anything: restore_and_finish
   * makes the instance that runs. Freed afterwards, so that a long-lived
   * driver (under qemu, say) does not accumulate instances. */
  gw_instance *linked = NULL;
  load_record *rec = new_load_record(desc);
  int rc = gw_instantiate_ex(desc, &driver_exec, resolve_import, rec, rec,
                             &linked, err, sizeof err, GW_INST_NO_START);
  if (rc != 0) {
    gw_instance_free(linked);
    free(rec->imports), free(rec);
    return reply("error cannot link the module: %s", err[0] ? err : gw_trap_message(rc));
  }
  call_spec c;
  uint8_t *bytes = NULL;
  size_t len;
  run_outcome got = {0};
  if (prepare_call(linked, name, (size_t)name_len, args, nargs, &c) != 0) goto done;
  if (read_file(snap, &bytes, &len) != 0) {
    reply("error cannot read %s", snap);
  } else if (!out) {
    if (restore_and_finish(rec, &c, bytes, len, c.results, &got, err,
                           sizeof err) != 0) {
      reply("error %s", err);
    } else {
      printf("cr hash=%016" PRIx64 " ; ", got.state.parts[got.state.count]);
      print_outcome(got.kind, &c, c.results);
      putchar('\n');
      fflush(stdout);
      free_outcome(&got);
    }
  } else {
    uint8_t *next = NULL;
    size_t next_len = 0;
    if (restore_and_hop(rec, &c, bytes, len, c.results, &next, &next_len, &got,
                        err, sizeof err) != 0) {
      reply("error %s", err);
    } else if (next) {
      if (write_file(out, next, next_len) != 0) reply("error cannot write %s", out);
      else reply("cr hop=1 ; ok", "");
      free(next);
    } else {
      printf("cr hop=0 hash=%016" PRIx64 " ; ", got.state.parts[got.state.count]);
      print_outcome(got.kind, &c, c.results);
      putchar('\n');
      fflush(stdout);
      free_outcome(&got);
    }
  }
  free(bytes);
  free_call(&c);
done:
  gw_instance_free(linked);
  free(rec->imports);
  free(rec);
}

#define MAX_ARGS 1024

static int driver_loop(void *unused) {
  (void)unused;
  char err[512] = "";
  gw_instance *spectest = NULL;
  init_spectest_globals();
  if (gw_instantiate(&spectest_module, &driver_exec, resolve_import, NULL,
                     NULL, &spectest, err, sizeof err) != 0) {
    fprintf(stderr, "spec_driver: cannot create spectest: %s\n", err);
    return 2;
  }
  register_instance("spectest", spectest);
  remember_instance(spectest);

  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  static char *words[MAX_ARGS + 4];
  int name_len;
  while ((len = getline(&line, &cap, stdin)) > 0) {
    if (line[len - 1] == '\n') line[--len] = 0;
    int n = 0;
    for (char *tok = strtok(line, " "); tok && n < MAX_ARGS + 4; tok = strtok(NULL, " ")) {
      words[n++] = tok;
    }
    if (n == 0) continue;
    const char *cmd = words[0];
    if (strcmp(cmd, "quit") == 0) break;
    if (strcmp(cmd, "load") == 0 && n == 3) {
      cmd_load(words[1], words[2]);
    } else if (strcmp(cmd, "register") == 0 && n == 3) {
      gw_instance *inst = get_instance(words[2]);
      if (!inst || unhex_name(words[1]) < 0) {
        reply("error no instance %s", words[2]);
      } else {
        register_instance(words[1], inst);
        reply("ok", "");
      }
    } else if (strcmp(cmd, "crinvoke") == 0 && n >= 10) {
      gw_instance *inst = get_instance(words[1]);
      if (!inst) {
        reply("error no instance %s", words[1]);
      } else if ((name_len = unhex_name(words[2])) < 0) {
        reply("error bad name %s", words[2]);
      } else {
        cmd_crinvoke(inst, words[2], (size_t)name_len, words + 3, words + 10, n - 10);
      }
    } else if (strcmp(cmd, "crrestore") == 0 && n >= 5) {
      cmd_crrestore(words[1], words[2], words[3], words[4], NULL, words + 5, n - 5);
    } else if (strcmp(cmd, "crhop") == 0 && n >= 6) {
      cmd_crrestore(words[1], words[2], words[3], words[4], words[5], words + 6, n - 6);
    } else if ((strcmp(cmd, "invoke") == 0 && n >= 3) || (strcmp(cmd, "get") == 0 && n == 3)) {
      gw_instance *inst = get_instance(words[1]);
      if (!inst) {
        reply("error no instance %s", words[1]);
      } else if ((name_len = unhex_name(words[2])) < 0) {
        reply("error bad name %s", words[2]);
      } else if (cmd[0] == 'i') {
        cmd_invoke(inst, words[2], (size_t)name_len, words + 3, n - 3);
      } else {
        cmd_get(inst, words[2], (size_t)name_len);
      }
    } else {
      reply("error unknown request %s", cmd);
    }
  }
  free(line);
  return 0;
}

int main(int argc, char **argv) {
  long long depth = 100000;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--max-call-depth") == 0 && i + 1 < argc) {
      depth = atoll(argv[++i]);
    } else if (strcmp(argv[i], "--print") == 0) {
      print_enabled = 1;
    } else if (strcmp(argv[i], "--debug-corrupt-local") == 0) {
      corrupt_restores = 1;
    } else {
      fprintf(stderr, "usage: spec_driver [--max-call-depth N] [--print] "
                      "[--debug-corrupt-local]\n");
      return 2;
    }
  }
  /* Countdown checkpoints go through this file (tmpfs when there is one). */
  snprintf(snapshot_path, sizeof snapshot_path, "%s/godwit-spec-%ld.snapshot",
           access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (long)getpid());
  gw_exec_init(&driver_exec, depth);
  return gw_run_on_wasm_stack(driver_loop, NULL);
}
