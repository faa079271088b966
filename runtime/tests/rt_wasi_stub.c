/*
 * rt_wasi_stub.c: a minimal stand-in for runtime/wasi.c (the wasi.h API
 * with only proc_exit and fd_write) so main.c can be tested on its own. It
 * echoes the configuration main.c passes (argv, env, preopens) to stderr
 * as "stub: ..." lines for the tests to check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../wasi.h"

struct gw_wasi {
  int stdout_fd;
  int32_t exit_code;
  char error[256];
  gw_funcref funcs[2];
};

gw_wasi *gw_wasi_new(const gw_wasi_config *cfg, char *err, size_t err_len) {
  for (int i = 0; i < cfg->num_preopens; i++) {
    if (access(cfg->preopen_host[i], F_OK) != 0) {
      snprintf(err, err_len, "cannot open directory '%s'",
               cfg->preopen_host[i]);
      return NULL;
    }
  }
  gw_wasi *w = calloc(1, sizeof *w);
  if (w == NULL) return NULL;
  w->stdout_fd = cfg->stdout_fd;
  for (int i = 0; i < cfg->argc; i++)
    fprintf(stderr, "stub: arg %s\n", cfg->argv[i]);
  for (int i = 0; i < cfg->envc; i++)
    fprintf(stderr, "stub: env %s\n", cfg->envp[i]);
  for (int i = 0; i < cfg->num_preopens; i++)
    fprintf(stderr, "stub: dir %s -> %s\n", cfg->preopen_host[i],
            cfg->preopen_guest[i]);
  return w;
}

void gw_wasi_free(gw_wasi *w) { free(w); }

static void stub_proc_exit(gw_instance *inst, int32_t code) {
  ((gw_wasi *)inst->host)->exit_code = code;
  gw_trap(inst, GW_TRAP_EXIT);
}

static int32_t stub_fd_write(gw_instance *inst, int32_t fd, int32_t iovs,
                             int32_t n, int32_t nwritten) {
  gw_wasi *w = inst->host;
  uint32_t total = 0;
  if (fd != 1) return 8; /* EBADF */
  for (int32_t i = 0; i < n; i++) {
    uint32_t ptr, len;
    memcpy(&ptr, inst->mem0_base + (uint32_t)iovs + 8 * i, 4);
    memcpy(&len, inst->mem0_base + (uint32_t)iovs + 8 * i + 4, 4);
    if (write(w->stdout_fd, inst->mem0_base + ptr, len) != (ssize_t)len)
      return 29; /* EIO */
    total += len;
  }
  memcpy(inst->mem0_base + (uint32_t)nwritten, &total, 4);
  return 0;
}

int gw_wasi_resolve(gw_wasi *w, gw_instance *inst, const gw_import_desc *imp,
                    gw_extern *out) {
  static const char *const names[] = {"proc_exit", "fd_write"};
  static const char *const sigs[] = {"i:", "iiii:i"};
  static void *const code[] = {(void *)stub_proc_exit, (void *)stub_fd_write};
  if (strcmp(imp->module, "wasi_snapshot_preview1") != 0) return 1;
  for (int i = 0; i < 2; i++) {
    if (strcmp(imp->name, names[i]) != 0) continue;
    const char *sig = inst->module->type_sigs[imp->type];
    if (imp->kind != GW_EXTERN_FUNC || strcmp(sig, sigs[i]) != 0) {
      snprintf(w->error, sizeof w->error, "expected %s, got %s", sigs[i], sig);
      return -1;
    }
    w->funcs[i].code = code[i];
    w->funcs[i].instance = inst;
    w->funcs[i].type_id = gw_intern_type(sig);
    out->kind = GW_EXTERN_FUNC;
    out->u.func = &w->funcs[i];
    return 0;
  }
  return 1;
}

const char *gw_wasi_last_error(gw_wasi *w) { return w->error; }

int32_t gw_wasi_exit_code(gw_wasi *w) { return w->exit_code; }

/* Checkpoint/restore of the (empty) stub state. */
int gw_wasi_serialize(gw_wasi *w, gw_json_writer *jw, char *err, size_t n) {
  (void)w, (void)err, (void)n;
  gw_jw_null(jw);
  return 0;
}

int gw_wasi_restore(gw_wasi *w, const gw_json *state,
                    const gw_wasi_grant *grants, int num_grants,
                    unsigned flags, char *err, size_t n) {
  (void)w, (void)state, (void)grants, (void)num_grants, (void)flags;
  snprintf(err, n, "the WASI stub cannot restore");
  return -1;
}
