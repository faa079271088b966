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
 *   quit
 *
 * Names are `=` followed by the hex of their bytes (any bytes, even none). Values
 * are lossless: i32:<8 hex> i64:<16 hex> f32:<8 hex> f64:<16 hex>
 * v128:<32 hex, the 128-bit little-endian value, most significant digit
 * first>, funcref:null|func, externref:null|<decimal N> (host reference N).
 *
 * Usage: spec_driver [--max-call-depth N] [--print]
 * (--print: the spectest print functions write to stderr).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "godwit.h"

/* Host reference N (`ref.extern N`) is this tag | N: opaque to Wasm. */
#define EXTERN_TAG 0x4000000000000000ULL

static int print_enabled;
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
    {"print", GW_EXTERN_FUNC, 0},
    {"print_i32", GW_EXTERN_FUNC, 1},
    {"print_i64", GW_EXTERN_FUNC, 2},
    {"print_f32", GW_EXTERN_FUNC, 3},
    {"print_f64", GW_EXTERN_FUNC, 4},
    {"print_i32_f32", GW_EXTERN_FUNC, 5},
    {"print_f64_f64", GW_EXTERN_FUNC, 6},
    {"global_i32", GW_EXTERN_GLOBAL, 0},
    {"global_i64", GW_EXTERN_GLOBAL, 1},
    {"global_f32", GW_EXTERN_GLOBAL, 2},
    {"global_f64", GW_EXTERN_GLOBAL, 3},
    {"table", GW_EXTERN_TABLE, 0},
    {"memory", GW_EXTERN_MEMORY, 0},
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

/* Imports come from registered instances' exports; the runtime type-checks. */
static int resolve_import(void *user, gw_instance *inst,
                          const gw_import_desc *imp, gw_extern *out) {
  (void)user, (void)inst;
  for (size_t i = 0; i < num_registered; i++) {
    if (strcmp(registry[i].name, imp->module) == 0) {
      return gw_export(registry[i].inst, imp->name, out) == 0 ? 0 : 1;
    }
  }
  return 1;
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

static char type_letter(uint8_t code) {
  switch (code) {
  case GW_I32: return 'i';
  case GW_I64: return 'I';
  case GW_F32: return 'f';
  case GW_F64: return 'F';
  case GW_V128: return 'v';
  case GW_FUNCREF: return 'r';
  case GW_EXTERNREF: return 'e';
  default: return '?';
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
  int rc = gw_instantiate(desc, &driver_exec, resolve_import, NULL, NULL,
                          &inst, err, sizeof err);
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

static void cmd_invoke(gw_instance *inst, const char *name, size_t len, char **args, int nargs) {
  gw_extern ex;
  if (gw_export_n(inst, name, len, &ex) != 0 || ex.kind != GW_EXTERN_FUNC) {
    return reply("error unknown function export \"%s\"", name);
  }
  const char *sig = export_sig(inst, name, len);
  if (!sig) return reply("error no signature for \"%s\"", name);
  const char *colon = strchr(sig, ':');
  int nparams = (int)(colon - sig), nresults = (int)strlen(colon + 1);
  if (nparams != nargs) return reply("error wrong number of arguments for %s", sig);
  gw_value *params = calloc((size_t)nparams + 1, sizeof *params);
  gw_value *results = calloc((size_t)nresults + 1, sizeof *results);
  if (!params || !results) abort();
  for (int i = 0; i < nparams; i++) {
    if (parse_value(sig[i], args[i], &params[i]) != 0) {
      free(params), free(results);
      return reply("error bad argument %s", args[i]);
    }
  }
  int32_t kind = gw_call(&driver_exec, ex.u.func, params, results);
  if (kind != GW_TRAP_NONE) {
    reply("trap %s", gw_trap_message(kind));
  } else {
    printf("ok");
    for (int i = 0; i < nresults; i++) print_value(colon[1 + i], &results[i]);
    putchar('\n');
    fflush(stdout);
  }
  free(params);
  free(results);
}

static void cmd_get(gw_instance *inst, const char *name, size_t len) {
  gw_extern ex;
  if (gw_export_n(inst, name, len, &ex) != 0 || ex.kind != GW_EXTERN_GLOBAL) {
    return reply("error unknown global export \"%s\"", name);
  }
  printf("ok");
  print_value(type_letter(ex.u.global->type), &ex.u.global->value);
  putchar('\n');
  fflush(stdout);
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
    } else {
      fprintf(stderr, "usage: spec_driver [--max-call-depth N] [--print]\n");
      return 2;
    }
  }
  gw_exec_init(&driver_exec, depth);
  return gw_run_on_wasm_stack(driver_loop, NULL);
}
