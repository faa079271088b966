/*
 * Test-only stand-in for the Godwit runtime (compiler/codegen tests): builds
 * one instance of the linked module from a line protocol on stdin and runs
 * calls through gw_trampolines. Follows runtime/godwit.h layouts.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "godwit.h"

extern void *const gw_func_code[];
extern void *const gw_func_resume[];
extern const gw_trampoline gw_trampolines[];

static sigjmp_buf trap_buf;
static volatile int in_call;

void gw_trap(gw_instance *inst, int32_t kind) {
  (void)inst;
  siglongjmp(trap_buf, kind);
}

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)si; (void)uc;
  if (in_call) siglongjmp(trap_buf, GW_TRAP_MEMORY_OOB);
  abort();
}

#define RESERVE (8ull << 30)
static gw_instance inst;
static gw_exec exec_ctx;
static gw_memory mem;
static gw_memory *mems[1] = {&mem};
static gw_table tabs_store[8];
static gw_table *tabs[8];
static int ntabs;
static gw_global globals_store[4096];
static gw_global *globals[4096];
static int nglobals;
static gw_funcref frs[100000];
static gw_funcref *fr_ptrs[100000];
static uint64_t type_ids[100000];
static int nfuncs, ntypes;
static uint32_t func_type[100000];
typedef struct { int mode; uint32_t len; uint8_t *bytes; } seg_t;
static seg_t datas[4096];
static int ndatas;
typedef struct { int mode; uint32_t len; void **items; } eseg_t;
static eseg_t elems[4096];
static int nelems;

int32_t gw_memory_grow(gw_instance *in, uint32_t m, uint32_t delta) {
  (void)in; (void)m;
  uint64_t old = mem.pages;
  if (old + delta > mem.max_pages) return -1;
  if (delta && mprotect(mem.base + old * GW_PAGE_SIZE, (uint64_t)delta * GW_PAGE_SIZE, PROT_READ | PROT_WRITE)) return -1;
  mem.pages = old + delta;
  return (int32_t)old;
}
static void mem_check(uint64_t a, uint64_t n, gw_instance *in) {
  if (a + n > mem.pages * GW_PAGE_SIZE) gw_trap(in, GW_TRAP_MEMORY_OOB);
}
void gw_memory_init(gw_instance *in, uint32_t m, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n) {
  (void)m;
  uint32_t len = datas[seg].mode == 9 ? 0 : datas[seg].len;
  if ((uint64_t)src + n > len) gw_trap(in, GW_TRAP_MEMORY_OOB);
  mem_check(dst, n, in);
  memcpy(mem.base + dst, datas[seg].bytes + src, n);
}
void gw_data_drop(gw_instance *in, uint32_t seg) { (void)in; datas[seg].mode = 9; }
void gw_memory_copy(gw_instance *in, uint32_t dm, uint32_t sm, uint32_t dst, uint32_t src, uint32_t n) {
  (void)dm; (void)sm;
  mem_check(dst, n, in); mem_check(src, n, in);
  memmove(mem.base + dst, mem.base + src, n);
}
void gw_memory_fill(gw_instance *in, uint32_t m, uint32_t dst, uint32_t v, uint32_t n) {
  (void)m;
  mem_check(dst, n, in);
  memset(mem.base + dst, (int)v, n);
}
int32_t gw_table_grow(gw_instance *in, uint32_t t, void *init, uint32_t delta) {
  (void)in;
  gw_table *tb = tabs[t];
  uint64_t old = tb->size;
  if (old + delta > tb->max) return -1;
  void **e = realloc(tb->elems, (old + delta + 1) * sizeof(void *));
  if (!e) return -1;
  for (uint64_t i = old; i < old + delta; i++) e[i] = init;
  tb->elems = e;
  tb->size = old + delta;
  return (int32_t)old;
}
void gw_table_fill(gw_instance *in, uint32_t t, uint32_t dst, void *v, uint32_t n) {
  gw_table *tb = tabs[t];
  if ((uint64_t)dst + n > tb->size) gw_trap(in, GW_TRAP_TABLE_OOB);
  for (uint32_t i = 0; i < n; i++) tb->elems[dst + i] = v;
}
void gw_table_copy(gw_instance *in, uint32_t dt, uint32_t st, uint32_t dst, uint32_t src, uint32_t n) {
  if ((uint64_t)dst + n > tabs[dt]->size || (uint64_t)src + n > tabs[st]->size) gw_trap(in, GW_TRAP_TABLE_OOB);
  memmove(tabs[dt]->elems + dst, tabs[st]->elems + src, n * sizeof(void *));
}
void gw_table_init(gw_instance *in, uint32_t t, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n) {
  uint32_t len = elems[seg].mode == 9 ? 0 : elems[seg].len;
  if ((uint64_t)src + n > len || (uint64_t)dst + n > tabs[t]->size) gw_trap(in, GW_TRAP_TABLE_OOB);
  memcpy(tabs[t]->elems + dst, elems[seg].items + src, n * sizeof(void *));
}
void gw_elem_drop(gw_instance *in, uint32_t seg) { (void)in; elems[seg].mode = 9; }

/* ---- Checkpoint/restore stand-in (compiler/instrument tests) ----------
 * A countdown trigger: the N-th poll starts unwinding; frames are kept in a
 * list (innermost first) and the embedder rewinds by calling the outermost
 * function again. Follows the contract of godwit.h: cr_request stays
 * nonzero while rewinding and until the next poll finds nothing pending. */
typedef struct { uint32_t point; uint32_t n; gw_value *values; } cr_frame;
static cr_frame cr_frames[200000];
static int cr_nframes, cr_next;
static uint32_t cr_point_func[1000000], cr_point_vals[1000000];
static uint32_t cr_point_count;
static uint64_t cr_polls, cr_fire_at;
static int cr_counting;

int32_t gw_cr_poll(gw_instance *in, uint32_t point) {
  (void)in; (void)point;
  if (exec_ctx.cr_mode != GW_CR_NORMAL) { printf("E poll while not normal\n"); exit(3); }
  cr_polls++;
  if (cr_fire_at && cr_polls == cr_fire_at) {
    exec_ctx.cr_mode = GW_CR_UNWINDING;
    cr_nframes = 0;
    return 1;
  }
  if (!cr_counting && !(cr_fire_at > cr_polls)) exec_ctx.cr_request = 0;
  return 0;
}

gw_value *gw_cr_save_frame(gw_instance *in, uint32_t point) {
  (void)in;
  if (exec_ctx.cr_mode != GW_CR_UNWINDING) { printf("E save while not unwinding\n"); exit(3); }
  cr_frame *f = &cr_frames[cr_nframes++];
  f->point = point;
  uint32_t n = point < cr_point_count ? cr_point_vals[point] + 1 : 256;
  f->values = malloc(n * sizeof(gw_value));
  memset(f->values, 0xa5, n * sizeof(gw_value)); /* unsaved values show */
  return f->values;
}

void *gw_cr_resume_code(gw_instance *in, const gw_funcref *fn) {
  (void)in;
  for (int i = 0; i < nfuncs; i++)
    if (gw_func_code[i] == fn->code && gw_func_resume[i] != NULL)
      return gw_func_resume[i];
  printf("E resume code\n");
  exit(3);
}

uint32_t gw_cr_resume(gw_instance *in, uint32_t func, gw_value **slots) {
  (void)in;
  if (exec_ctx.cr_mode != GW_CR_REWINDING || cr_next >= cr_nframes) { printf("E resume\n"); exit(3); }
  cr_frame *f = &cr_frames[cr_nframes - 1 - cr_next++];
  if (cr_point_count && (f->point >= cr_point_count || cr_point_func[f->point] != func)) {
    printf("E resume of function %u at point %u\n", func, f->point); exit(3);
  }
  *slots = f->values;
  if (cr_next == cr_nframes) exec_ctx.cr_mode = GW_CR_NORMAL;
  exec_ctx.cr_dispatch = (int32_t)f->point;
  return f->point;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, uint64_t n) {
  for (uint64_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

static uint8_t *read_hex(const char *h, uint32_t *len) {
  size_t n = strlen(h) / 2;
  uint8_t *b = malloc(n + 1);
  for (size_t i = 0; i < n; i++) sscanf(h + 2 * i, "%2hhx", &b[i]);
  *len = (uint32_t)n;
  return b;
}

static void *ref_value(long long v) { return v < 0 ? NULL : (void *)fr_ptrs[v]; }

static int run(void *arg) {
  (void)arg;
  char line[1 << 20];
  static char hex[1 << 24];
  inst.exec = &exec_ctx;
  inst.memories = mems;
  inst.tables = tabs;
  inst.globals = globals;
  inst.funcs = fr_ptrs;
  inst.type_ids = type_ids;
  while (fgets(line, sizeof line, stdin)) {
    char cmd[32];
    if (sscanf(line, "%31s", cmd) != 1) continue;
    if (!strcmp(cmd, "type")) {
      unsigned long long id; sscanf(line + 5, "%llu", &id); type_ids[ntypes++] = id;
    } else if (!strcmp(cmd, "func")) {
      unsigned t; sscanf(line + 5, "%u", &t);
      func_type[nfuncs] = t;
      frs[nfuncs] = (gw_funcref){gw_func_code[nfuncs], &inst, type_ids[t]};
      fr_ptrs[nfuncs] = &frs[nfuncs];
      nfuncs++;
    } else if (!strcmp(cmd, "mem")) {
      unsigned long long min, max; sscanf(line + 4, "%llu %llu", &min, &max);
      mem.base = mmap(NULL, RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      mem.max_pages = max; mem.reserved = RESERVE; mem.pages = 0;
      gw_memory_grow(&inst, 0, (uint32_t)min);
      inst.mem0_base = mem.base;
    } else if (!strcmp(cmd, "data")) {
      int mode; unsigned off; sscanf(line + 5, "%d %u %s", &mode, &off, hex);
      seg_t *s = &datas[ndatas++];
      s->mode = mode; s->bytes = read_hex(hex, &s->len);
      if (mode == 0) {
        if ((uint64_t)off + s->len > mem.pages * GW_PAGE_SIZE) { printf("T %d\n", GW_TRAP_MEMORY_OOB); fflush(stdout); return 0; }
        memcpy(mem.base + off, s->bytes, s->len); s->mode = 9;
      }
    } else if (!strcmp(cmd, "global")) {
      int kind; unsigned long long v; sscanf(line + 7, "%d %llx", &kind, &v);
      gw_global *g = &globals_store[nglobals];
      memset(g, 0, sizeof *g);
      if (kind == 0) g->value.i64 = (int64_t)v; else if (kind == 2) g->value.ref = fr_ptrs[v];
      globals[nglobals++] = g;
    } else if (!strcmp(cmd, "table")) {
      unsigned long long min, max; sscanf(line + 6, "%llu %llu", &min, &max);
      gw_table *t = &tabs_store[ntabs];
      t->elems = calloc(min + 1, sizeof(void *)); t->size = min; t->max = max;
      tabs[ntabs++] = t;
    } else if (!strcmp(cmd, "elem")) {
      int mode, table, n, pos; unsigned off; char *p = line + 5;
      sscanf(p, "%d %d %u %d%n", &mode, &table, &off, &n, &pos); p += pos;
      eseg_t *e = &elems[nelems++];
      e->mode = mode; e->len = n; e->items = calloc(n + 1, sizeof(void *));
      for (int i = 0; i < n; i++) { long long v; sscanf(p, "%lld%n", &v, &pos); p += pos; e->items[i] = ref_value(v); }
      if (mode == 0) {
        if ((uint64_t)off + n > tabs[table]->size) { printf("T %d\n", GW_TRAP_TABLE_OOB); fflush(stdout); return 0; }
        memcpy(tabs[table]->elems + off, e->items, n * sizeof(void *));
      }
      if (mode != 1) e->mode = 9;
    } else if (!strcmp(cmd, "pt")) {
      sscanf(line + 3, "%u %u", &cr_point_func[cr_point_count], &cr_point_vals[cr_point_count]);
      cr_point_count++;
    } else if (!strcmp(cmd, "state")) {
      printf("S %llx", (unsigned long long)fnv(0xcbf29ce484222325ull, mem.base, mem.pages * GW_PAGE_SIZE));
      for (int i = 0; i < nglobals; i++) printf(" %llx", (unsigned long long)globals[i]->value.i64);
      printf("\n");
      fflush(stdout);
    } else if (!strcmp(cmd, "crcall")) {
      /* crcall f first every nargs args: checkpoint at poll `first` (0:
       * never), after each restore again `every` polls later (0: once). */
      unsigned f; unsigned long long first, every; int nargs, pos; char *p = line + 7;
      sscanf(p, "%u %llu %llu %d%n", &f, &first, &every, &nargs, &pos); p += pos;
      gw_value args[64], res[64], zero[64];
      memset(args, 0, sizeof args); memset(res, 0, sizeof res); memset(zero, 0, sizeof zero);
      for (int i = 0; i < nargs; i++) { unsigned long long v; sscanf(p, "%llx%n", &v, &pos); p += pos; args[i].i64 = (int64_t)v; }
      exec_ctx.depth_left = 20000;
      cr_polls = 0; cr_fire_at = first; cr_counting = 1;
      exec_ctx.cr_request = GW_CR_REQUEST_MIN; exec_ctx.cr_mode = GW_CR_NORMAL;
      int checkpoints = 0, max_frames = 0, bad_depth = 0;
      int kind = sigsetjmp(trap_buf, 1);
      if (kind == 0) {
        in_call = 1;
        gw_trampolines[func_type[f]](frs[f].code, &inst, args, res);
        while (exec_ctx.cr_mode == GW_CR_UNWINDING) {
          checkpoints++;
          if (cr_nframes > max_frames) max_frames = cr_nframes;
          if (exec_ctx.depth_left != 20000) bad_depth = 1;
          cr_next = 0;
          exec_ctx.cr_mode = GW_CR_REWINDING;
          exec_ctx.cr_request = GW_CR_REQUEST_MIN;
          cr_fire_at = every ? cr_polls + every : 0;
          cr_counting = every != 0;
          memset(res, 0, sizeof res);
          /* Resume through the resume clone (the outermost frame is f's). */
          gw_trampolines[func_type[f]](gw_func_resume[f], &inst, zero, res);
        }
        in_call = 0;
        printf("R");
        for (int i = 0; i < 8; i++) printf(" %llx", (unsigned long long)res[i].i64);
        printf("\n");
      } else {
        in_call = 0;
        printf("T %d\n", kind);
      }
      printf("P %llu %d %d %d\n", (unsigned long long)cr_polls, checkpoints, max_frames, bad_depth);
      exec_ctx.cr_request = 0; exec_ctx.cr_mode = GW_CR_NORMAL;
      fflush(stdout);
    } else if (!strcmp(cmd, "call")) {
      unsigned f; int nargs, pos; char *p = line + 5;
      sscanf(p, "%u %d%n", &f, &nargs, &pos); p += pos;
      gw_value args[64], res[64];
      memset(args, 0, sizeof args); memset(res, 0, sizeof res);
      for (int i = 0; i < nargs; i++) { unsigned long long v; sscanf(p, "%llx%n", &v, &pos); p += pos; args[i].i64 = (int64_t)v; }

      exec_ctx.depth_left = 20000;
      int kind = sigsetjmp(trap_buf, 1);
      if (kind == 0) {
        in_call = 1;
        gw_trampolines[func_type[f]](frs[f].code, &inst, args, res);
        in_call = 0;
        printf("R");
        for (int i = 0; i < 8; i++) printf(" %llx", (unsigned long long)res[i].i64);
        printf("\n");
      } else {
        in_call = 0;
        printf("T %d\n", kind);
      }
      fflush(stdout);

    }
  }
  return 0;
}

static void *thread_main(void *arg) {
  static uint8_t alt[1 << 16];
  stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  run(arg);
  return NULL;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256u << 20);
  pthread_t t;
  pthread_create(&t, &attr, thread_main, NULL);
  pthread_join(t, NULL);
  return 0;
}
