/*
 * wasi.h: the interface between runtime/main.c and the WASI preview 1
 * implementation (runtime/wasi*.c).
 */
#ifndef GODWIT_WASI_H
#define GODWIT_WASI_H

#include "godwit.h"
typedef struct gw_wasi gw_wasi;
typedef struct gw_wasi_config {
  int argc; const char *const *argv;      /* program name first */
  int envc; const char *const *envp;      /* "K=V" */
  int num_preopens;
  const char *const *preopen_host;        /* host directory */
  const char *const *preopen_guest;       /* name the program sees */
  int stdin_fd, stdout_fd, stderr_fd;     /* host fds for WASI fds 0,1,2 */
} gw_wasi_config;
/* Returns NULL and a message in err on failure (e.g. preopen dir missing). */
gw_wasi *gw_wasi_new(const gw_wasi_config *cfg, char *err, size_t err_len);
void gw_wasi_free(gw_wasi *w);
/* Resolver for imports of module "wasi_snapshot_preview1": 0 = resolved (out filled with a gw_funcref
   whose instance is `inst`, type-checked against the import's type -- returns -1 with a message via
   gw_wasi_last_error on a signature mismatch), 1 = not a WASI import. The WASI functions find their
   gw_wasi through inst->host. */
int gw_wasi_resolve(gw_wasi *w, gw_instance *inst, const gw_import_desc *imp, gw_extern *out);
const char *gw_wasi_last_error(gw_wasi *w);
/* After a call ended with GW_TRAP_EXIT: the code passed to proc_exit. */
int32_t gw_wasi_exit_code(gw_wasi *w);

#endif /* GODWIT_WASI_H */
