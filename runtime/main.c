/*
 * main.c: the entry of a program produced by Godwit.
 *
 *   ./prog [runtime options] -- [program arguments]
 *   ./prog [program arguments]          (no "--": everything is the program's)
 *
 * Runtime options (only before a literal "--"):
 *   --dir HOST[::GUEST]    preopen host directory HOST as GUEST (default:
 *                          HOST as written); repeatable. With --restore:
 *                          grants HOST to the snapshot's preopen GUEST; every
 *                          preopen of the snapshot needs one
 *   --trust-snapshot-paths with --restore: a preopen no --dir grants is
 *                          opened at the host path recorded in the snapshot
 *   --max-memory SIZE      bound of every linear memory: BYTES (suffix K, M,
 *                          G: KiB, MiB, GiB), or PAGES with suffix "p"
 *                          (64 KiB pages); memory.grow past it returns -1
 *   --env K=V              add K=V to the program's environment; repeatable
 *                          (the program gets no host environment otherwise)
 *   --max-call-depth N     Wasm call-depth limit (default 100000)
 *   --snapshot FILE        where checkpoints go (default ./godwit.snapshot)
 *   --checkpoint-after N   checkpoint at the N-th migration point reached
 *   --checkpoint-every S   checkpoint every S seconds (fractions allowed)
 *   --continue             keep running after a checkpoint (default: the
 *                          first checkpoint written stops the program)
 *   --restore FILE         resume the program saved in FILE instead of
 *                          starting it; arguments, environment, preopens and
 *                          open files come from the snapshot (so no program
 *                          arguments or --env); directories only from --dir
 *   --help                 usage on stdout, exit 0
 *   --version              version on stdout, exit 0
 * SIGUSR1 always requests a checkpoint at the next migration point (a
 * blocking sleep or read gives way within 100 ms).
 *
 * Exit codes:
 *   n     the program called proc_exit(n)
 *   0     `_start` returned normally (or, without `_start`, instantiation
 *         including the start function succeeded)
 *   85    a checkpoint was written and the program stopped (without
 *         --continue): "godwit: checkpoint written to FILE" on stderr
 *   134   the program trapped: "godwit: trap: <message>" on stderr
 *   125   link or instantiation error, a bad runtime option, or a failed
 *         checkpoint or restore: "godwit: error: <message>" on stderr
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "godwit.h"
#include "snapshot.h"
#include "wasi.h"

#define GODWIT_RUNTIME_VERSION "0.1.0"
#define DEFAULT_CALL_DEPTH 100000
#define EXIT_TRAP 134
#define EXIT_ERROR 125
#define EXIT_CHECKPOINTED 85

/* What the program was running when a checkpoint was taken. */
enum { PHASE_START = 0, PHASE_MAIN = 1 };

extern const gw_module_desc gw_module;

typedef struct program {
  gw_wasi *wasi;
  int64_t max_call_depth;
  char wasi_error[512]; /* a WASI import the WASI layer rejected */
  gw_cr_config cr;
  const char *restore;   /* --restore FILE, or NULL */
  gw_wasi_grant *grants; /* --dir given with --restore */
  int num_grants;
  unsigned restore_flags; /* GW_WASI_TRUST_SNAPSHOT_PATHS */
  uint64_t max_pages;     /* --max-memory in pages, or UINT64_MAX */
  int phase;             /* PHASE_*: saved in and read from snapshots */
} program;

static void usage(const char *self) {
  printf("Usage: %s [runtime options] -- [program arguments]\n"
         "       %s [program arguments]\n"
         "\n"
         "Runs the WebAssembly module compiled into this program (WASI\n"
         "preview 1). Runtime options are read only before a literal \"--\".\n"
         "\n"
         "Runtime options:\n"
         "  --dir HOST[::GUEST]   give the program directory HOST, seen as\n"
         "                        GUEST (default: HOST); repeatable\n"
         "  --env K=V             set environment variable K; repeatable (the\n"
         "                        host environment is not passed on)\n"
         "  --max-call-depth N    Wasm call-depth limit (default %d)\n"
         "  --max-memory SIZE     bound of each linear memory: bytes (K, M,\n"
         "                        G suffixes: KiB, MiB, GiB) or pages (p\n"
         "                        suffix); memory.grow past it returns -1\n"
         "\n"
         "Checkpoint/restore (SIGUSR1 always requests a checkpoint):\n"
         "  --snapshot FILE       snapshot file (default ./godwit.snapshot)\n"
         "  --checkpoint-after N  checkpoint at the N-th migration point\n"
         "  --checkpoint-every S  checkpoint every S seconds\n"
         "  --continue            keep running after a checkpoint (default:\n"
         "                        stop after writing it, exit status 85)\n"
         "  --restore FILE        resume from a snapshot: arguments,\n"
         "                        environment and files come from it; each\n"
         "                        preopen GUEST it has needs --dir HOST::GUEST\n"
         "  --trust-snapshot-paths  with --restore: open a preopen that no\n"
         "                        --dir grants at the host path the snapshot\n"
         "                        records (only for snapshots you trust)\n"
         "  --help                show this help\n"
         "  --version             show the version\n"
         "\n"
         "Exit status: the program's proc_exit code, 0 when _start returns,\n"
         "85 after a checkpoint that stopped the program, 134 on a trap,\n"
         "125 on a link error, a bad runtime option or a failed\n"
         "checkpoint/restore.\n",
         self, self, DEFAULT_CALL_DEPTH);
}

/* One line on stderr; control characters (a snapshot's or an option's
 * strings may hold any) are shown as '?'. */
static int fail(const char *fmt, const char *arg) {
  char line[2048];
  snprintf(line, sizeof line, fmt, arg);
  for (char *c = line; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
  fprintf(stderr, "godwit: error: %s\n", line);
  return EXIT_ERROR;
}

static int resolve(void *user, gw_instance *inst, const gw_import_desc *imp,
                   gw_extern *out) {
  program *p = user;
  int r = gw_wasi_resolve(p->wasi, inst, imp, out);
  if (r < 0) {
    const char *msg = gw_wasi_last_error(p->wasi);
    snprintf(p->wasi_error, sizeof p->wasi_error,
             "incompatible import type for \"%s\" \"%s\"%s%s", imp->module,
             imp->name, msg && *msg ? ": " : "", msg ? msg : "");
  }
  return r;
}

static int trapped(program *p, int32_t kind) {
  if (kind == GW_TRAP_EXIT) return gw_wasi_exit_code(p->wasi);
  fprintf(stderr, "godwit: trap: %s\n", gw_trap_message(kind));
  return EXIT_TRAP;
}

/* Host state in snapshots: WASI's, plus which phase was running. */
static int hook_serialize(void *user, gw_json_writer *w, char *err,
                          size_t n) {
  program *p = user;
  gw_jw_begin_object(w);
  gw_jw_key(w, "wasi");
  int r = gw_wasi_serialize(p->wasi, w, err, n);
  gw_jw_key(w, "program");
  gw_jw_begin_object(w);
  gw_jw_key(w, "phase");
  gw_jw_string(w, p->phase == PHASE_START ? "start" : "main");
  gw_jw_end_object(w);
  gw_jw_end_object(w);
  return r;
}

static int hook_restore(void *user, const gw_json *host, char *err,
                        size_t n) {
  program *p = user;
  if (gw_wasi_restore(p->wasi, gw_json_get(host, "wasi"), p->grants,
                      p->num_grants, p->restore_flags, err, n) != 0)
    return -1;
  const char *phase =
      gw_json_string(gw_json_get(gw_json_get(host, "program"), "phase"), NULL);
  p->phase = phase && strcmp(phase, "start") == 0 ? PHASE_START : PHASE_MAIN;
  return 0;
}

/* Maps a gw_cr_call outcome to an exit code; -1 to keep going. */
static int outcome(program *p, int32_t kind, const char *err) {
  if (kind == GW_TRAP_NONE) return -1;
  if (kind == GW_CR_CHECKPOINTED) {
    fprintf(stderr, "godwit: checkpoint written to %s\n",
            p->cr.snapshot_path);
    return EXIT_CHECKPOINTED;
  }
  if (kind == GW_CR_ERROR) return fail("%s", err);
  return trapped(p, kind);
}

/* Applies --max-memory: every memory's maximum becomes at most the bound
 * (so memory.grow past it returns -1, and a restore of a snapshot whose
 * memory is larger is refused); a memory already larger is an error. */
static int limit_memories(program *p, gw_instance *inst, char *err,
                          size_t n) {
  if (p->max_pages == UINT64_MAX) return 0;
  for (uint32_t i = 0; i < inst->module->num_memories; i++) {
    gw_memory *m = inst->memories[i];
    if (m->pages > p->max_pages) {
      snprintf(err, n,
               "memory %u starts at %llu pages (%llu bytes), more than "
               "--max-memory allows (%llu page%s)",
               i, (unsigned long long)m->pages,
               (unsigned long long)m->pages * GW_PAGE_SIZE,
               (unsigned long long)p->max_pages, p->max_pages == 1 ? "" : "s");
      return -1;
    }
    if (m->max_pages > p->max_pages) m->max_pages = p->max_pages;
  }
  return 0;
}

/* Instantiates (without the start function), restores if asked, then runs
 * the start function and `_start`, both checkpointable. */
static int run_instance(program *p, gw_exec *exec) {
  gw_instance *inst = NULL;
  char err[1024];
  int r = gw_instantiate_ex(&gw_module, exec, resolve, p, p->wasi, &inst, err,
                            sizeof err, GW_INST_NO_START);
  if (r < 0) return fail("%s", p->wasi_error[0] ? p->wasi_error : err);
  if (r > 0) return trapped(p, r);
  if (limit_memories(p, inst, err, sizeof err) != 0) return fail("%s", err);
  p->phase = PHASE_START;
  if (p->restore != NULL &&
      gw_cr_restore(exec, inst, p->restore, err, sizeof err) != 0)
    return fail("%s", err);
  if (gw_module.start >= 0 && p->phase == PHASE_START) {
    int32_t kind = gw_cr_call(exec, inst, inst->funcs[gw_module.start], NULL,
                              NULL, err, sizeof err);
    int code = outcome(p, kind, err);
    if (code >= 0) return code;
  }
  p->phase = PHASE_MAIN;
  gw_extern start;
  if (gw_export(inst, "_start", &start) != 0) return 0;
  if (start.kind != GW_EXTERN_FUNC ||
      start.u.func->type_id != gw_intern_type(":"))
    return fail("%s", "export \"_start\" is not a function [] -> []");
  int32_t kind = gw_cr_call(exec, inst, start.u.func, NULL, NULL, err,
                            sizeof err);
  int code = outcome(p, kind, err);
  return code >= 0 ? code : 0;
}

/* Runs on the wasm stack: set up checkpoint/restore, then run. */
static int run_program(void *arg) {
  program *p = arg;
  gw_exec exec;
  gw_exec_init(&exec, p->max_call_depth);
  char err[512];
  if (gw_cr_setup(&exec, &p->cr, err, sizeof err) != 0) {
    gw_cr_teardown(&exec);
    return fail("%s", err);
  }
  gw_cr_host_hooks hooks = {
      .user = p, .serialize = hook_serialize, .restore = hook_restore};
  gw_cr_set_host_hooks(&exec, &hooks);
  int code = run_instance(p, &exec);
  gw_cr_teardown(&exec);
  return code;
}

/* A whole-string unsigned decimal; -1 if not one. */
static int parse_count(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (*s < '0' || *s > '9') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < 1) return -1;
  *out = v;
  return 0;
}

/* A positive number of seconds; -1 if not one. */
static int parse_seconds(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 1e9)
    return -1;
  *out = v;
  return 0;
}

static int parse_depth(const char *s, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < 1 ||
      v > GW_MAX_CALL_DEPTH)
    return -1;
  *out = v;
  return 0;
}

/* --max-memory: bytes (K/M/G: KiB/MiB/GiB), rounded down to whole pages,
 * or pages ("p"); -1 if malformed. */
static int parse_memory_size(const char *s, uint64_t *pages) {
  char *end;
  errno = 0;
  if (*s < '0' || *s > '9') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0) return -1;
  static const struct {
    const char *suffix;
    uint64_t unit; /* bytes, or 0 for pages */
  } units[] = {{"", 1},          {"K", 1ull << 10}, {"KiB", 1ull << 10},
               {"M", 1ull << 20}, {"MiB", 1ull << 20}, {"G", 1ull << 30},
               {"GiB", 1ull << 30}, {"p", 0},        {"pages", 0}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (strcmp(end, units[i].suffix) != 0) continue;
    if (units[i].unit == 0) {
      *pages = v;
    } else {
      if (v > UINT64_MAX / units[i].unit) return -1;
      *pages = v * units[i].unit / GW_PAGE_SIZE;
    }
    return 0;
  }
  return -1;
}

int main(int argc, char **argv) {
  /* A checkpoint signal that arrives before the handler is installed (on
   * the Wasm thread, in gw_cr_setup) stays pending instead of killing the
   * process: blocked here, inherited by that thread, unblocked there. */
  sigset_t cr_signal;
  sigemptyset(&cr_signal);
  sigaddset(&cr_signal, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &cr_signal, NULL);
  const char *self = argc > 0 ? argv[0] : "program";
  int sep = -1; /* index of the literal "--" */
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--") == 0) {
      sep = i;
      break;
    }
  /* A restored program's arguments come from the snapshot, so
   * `./prog --restore FILE [options]` needs no "--". */
  if (sep < 0 && argc > 1 &&
      (strcmp(argv[1], "--restore") == 0 ||
       strncmp(argv[1], "--restore=", 10) == 0))
    sep = argc;
  int nopts = sep < 0 ? 0 : sep - 1;
  const char **hosts = calloc((size_t)nopts + 1, sizeof(char *));
  const char **guests = calloc((size_t)nopts + 1, sizeof(char *));
  const char **envs = calloc((size_t)nopts + 1, sizeof(char *));
  const char **args = calloc((size_t)argc + 1, sizeof(char *));
  if (!hosts || !guests || !envs || !args) return fail("%s", "out of memory");
  int ndirs = 0, nenvs = 0, nargs = 0;
  program p = {.wasi = NULL, .max_call_depth = DEFAULT_CALL_DEPTH,
               .max_pages = UINT64_MAX};
  p.cr.snapshot_path = "godwit.snapshot";
  p.cr.signal = 0; /* SIGUSR1 */

  for (int i = 1; i < 1 + nopts; i++) {
    const char *opt = argv[i];
    const char *value = NULL;
    const char *names[] = {"--dir", "--env", "--max-call-depth",
                           "--snapshot", "--checkpoint-after",
                           "--checkpoint-every", "--restore",
                           "--max-memory"};
    for (int n = 0; n < 8; n++) {
      size_t len = strlen(names[n]);
      if (strncmp(opt, names[n], len) != 0) continue;
      if (opt[len] == '=') value = opt + len + 1;
      else if (opt[len] == '\0') {
        if (i + 1 >= 1 + nopts) return fail("option %s needs a value", opt);
        value = argv[++i];
      } else continue;
      opt = names[n];
      break;
    }
    if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
      usage(self);
      return 0;
    } else if (strcmp(opt, "--version") == 0) {
      printf("godwit runtime %s (module \"%s\")\n", GODWIT_RUNTIME_VERSION,
             gw_module.name ? gw_module.name : "");
      return 0;
    } else if (value != NULL && strcmp(opt, "--dir") == 0) {
      const char *sepr = strstr(value, "::");
      if (sepr == NULL) {
        hosts[ndirs] = value;
        guests[ndirs] = value;
      } else {
        size_t hlen = (size_t)(sepr - value);
        char *host = strndup(value, hlen);
        if (host == NULL) return fail("%s", "out of memory");
        hosts[ndirs] = host;
        guests[ndirs] = sepr + 2;
        if (hlen == 0 || sepr[2] == '\0')
          return fail("bad --dir value '%s' (expected HOST[::GUEST])", value);
      }
      ndirs++;
    } else if (value != NULL && strcmp(opt, "--env") == 0) {
      const char *eq = strchr(value, '=');
      if (eq == NULL || eq == value)
        return fail("bad --env value '%s' (expected K=V)", value);
      envs[nenvs++] = value;
    } else if (value != NULL && strcmp(opt, "--max-call-depth") == 0) {
      if (parse_depth(value, &p.max_call_depth) != 0)
        return fail("bad --max-call-depth value '%s'", value);
    } else if (value != NULL && strcmp(opt, "--max-memory") == 0) {
      if (parse_memory_size(value, &p.max_pages) != 0)
        return fail("bad --max-memory value '%s' (expected BYTES, with an "
                    "optional K, M or G, or PAGES with a p: 64K, 16M, 256p)",
                    value);
    } else if (value != NULL && strcmp(opt, "--snapshot") == 0) {
      if (*value == '\0') return fail("%s", "--snapshot needs a file name");
      p.cr.snapshot_path = value;
    } else if (value != NULL && strcmp(opt, "--checkpoint-after") == 0) {
      if (parse_count(value, &p.cr.checkpoint_after) != 0)
        return fail("bad --checkpoint-after value '%s' (expected a positive "
                    "integer)", value);
    } else if (value != NULL && strcmp(opt, "--checkpoint-every") == 0) {
      if (parse_seconds(value, &p.cr.checkpoint_every) != 0)
        return fail("bad --checkpoint-every value '%s' (expected a positive "
                    "number of seconds)", value);
    } else if (value != NULL && strcmp(opt, "--restore") == 0) {
      if (*value == '\0') return fail("%s", "--restore needs a file name");
      p.restore = value;
    } else if (strcmp(opt, "--trust-snapshot-paths") == 0) {
      p.restore_flags |= GW_WASI_TRUST_SNAPSHOT_PATHS;
    } else if (strcmp(opt, "--continue") == 0) {
      p.cr.continue_after = 1;
    } else if (opt[0] == '-') {
      return fail("unknown runtime option '%s' (try --help --)", opt);
    } else {
      return fail("unexpected argument '%s' before \"--\"", opt);
    }
  }

  args[nargs++] = self;
  for (int i = sep < 0 ? 1 : sep + 1; i < argc; i++) args[nargs++] = argv[i];
  if (p.restore != NULL) {
    /* The program's own state comes from the snapshot; its directories
     * only from --dir (gw_wasi_restore matches them to its preopens). */
    if (nargs > 1)
      return fail("%s", "--restore: the program's arguments come from the "
                        "snapshot (give none after \"--\")");
    if (nenvs > 0)
      return fail("%s", "--restore: the environment comes from the snapshot "
                        "(--env is not allowed)");
    p.grants = calloc((size_t)ndirs + 1, sizeof *p.grants);
    if (p.grants == NULL) return fail("%s", "out of memory");
    for (int i = 0; i < ndirs; i++)
      p.grants[i] = (gw_wasi_grant){.host = hosts[i], .guest = guests[i]};
    p.num_grants = ndirs;
    ndirs = 0;
  } else if (p.restore_flags & GW_WASI_TRUST_SNAPSHOT_PATHS) {
    return fail("%s", "--trust-snapshot-paths is only for --restore");
  }

  gw_wasi_config cfg = {
      .argc = nargs, .argv = args,
      .envc = nenvs, .envp = envs,
      .num_preopens = ndirs, .preopen_host = hosts, .preopen_guest = guests,
      .stdin_fd = 0, .stdout_fd = 1, .stderr_fd = 2,
  };
  char err[512];
  err[0] = '\0';
  p.wasi = gw_wasi_new(&cfg, err, sizeof err);
  if (p.wasi == NULL) return fail("%s", err[0] ? err : "cannot set up WASI");
  int code = gw_run_on_wasm_stack(run_program, &p);
  fflush(stdout);
  gw_wasi_free(p.wasi);
  return code;
}
