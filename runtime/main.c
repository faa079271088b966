/*
 * main.c: the entry of a program produced by Godwit.
 *
 *   ./prog [runtime options] -- [program arguments]
 *   ./prog [program arguments]          (no "--": everything is the program's)
 *
 * Runtime options (only before a literal "--"):
 *   --dir HOST[::GUEST]    preopen host directory HOST as GUEST (default:
 *                          HOST as written); repeatable
 *   --env K=V              add K=V to the program's environment; repeatable
 *                          (the program gets no host environment otherwise)
 *   --max-call-depth N     Wasm call-depth limit (default 100000)
 *   --help                 usage on stdout, exit 0
 *   --version              version on stdout, exit 0
 *
 * Exit codes:
 *   n     the program called proc_exit(n)
 *   0     `_start` returned normally (or, without `_start`, instantiation
 *         including the start function succeeded)
 *   134   the program trapped: "godwit: trap: <message>" on stderr
 *   125   link or instantiation error, or a bad runtime option:
 *         "godwit: error: <message>" on stderr
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "godwit.h"
#include "wasi.h"

#define GODWIT_RUNTIME_VERSION "0.1.0"
#define DEFAULT_CALL_DEPTH 100000
#define EXIT_TRAP 134
#define EXIT_ERROR 125

extern const gw_module_desc gw_module;

typedef struct program {
  gw_wasi *wasi;
  int64_t max_call_depth;
  char wasi_error[512]; /* a WASI import the WASI layer rejected */
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
         "  --help                show this help\n"
         "  --version             show the version\n"
         "\n"
         "Exit status: the program's proc_exit code, 0 when _start returns,\n"
         "134 on a trap, 125 on a link error or a bad runtime option.\n",
         self, self, DEFAULT_CALL_DEPTH);
}

static int fail(const char *fmt, const char *arg) {
  fprintf(stderr, "godwit: error: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
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

/* Runs on the wasm stack: instantiate, then `_start`. */
static int run_program(void *arg) {
  program *p = arg;
  gw_exec exec;
  gw_exec_init(&exec, p->max_call_depth);
  gw_instance *inst = NULL;
  char err[512];
  int r = gw_instantiate(&gw_module, &exec, resolve, p, p->wasi, &inst, err,
                         sizeof err);
  if (r < 0) return fail("%s", p->wasi_error[0] ? p->wasi_error : err);
  if (r > 0) return trapped(p, r);
  gw_extern start;
  if (gw_export(inst, "_start", &start) != 0) return 0;
  if (start.kind != GW_EXTERN_FUNC ||
      start.u.func->type_id != gw_intern_type(":"))
    return fail("%s", "export \"_start\" is not a function [] -> []");
  int32_t kind = gw_call(&exec, start.u.func, NULL, NULL);
  return kind == GW_TRAP_NONE ? 0 : trapped(p, kind);
}

static int parse_depth(const char *s, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < 1) return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  const char *self = argc > 0 ? argv[0] : "program";
  int sep = -1; /* index of the literal "--" */
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--") == 0) {
      sep = i;
      break;
    }
  int nopts = sep < 0 ? 0 : sep - 1;
  const char **hosts = calloc((size_t)nopts + 1, sizeof(char *));
  const char **guests = calloc((size_t)nopts + 1, sizeof(char *));
  const char **envs = calloc((size_t)nopts + 1, sizeof(char *));
  const char **args = calloc((size_t)argc + 1, sizeof(char *));
  if (!hosts || !guests || !envs || !args) return fail("%s", "out of memory");
  int ndirs = 0, nenvs = 0, nargs = 0;
  program p = {.wasi = NULL, .max_call_depth = DEFAULT_CALL_DEPTH};

  for (int i = 1; i < 1 + nopts; i++) {
    const char *opt = argv[i];
    const char *value = NULL;
    const char *names[] = {"--dir", "--env", "--max-call-depth"};
    for (int n = 0; n < 3; n++) {
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
    } else if (opt[0] == '-') {
      return fail("unknown runtime option '%s' (try --help --)", opt);
    } else {
      return fail("unexpected argument '%s' before \"--\"", opt);
    }
  }

  args[nargs++] = self;
  for (int i = sep < 0 ? 1 : sep + 1; i < argc; i++) args[nargs++] = argv[i];

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
