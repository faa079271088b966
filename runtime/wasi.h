/*
 * wasi.h: the interface between runtime/main.c and the WASI preview 1
 * implementation (runtime/wasi*.c).
 */
#ifndef GODWIT_WASI_H
#define GODWIT_WASI_H

#include "godwit.h"
#include "snapshot.h"
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
/* After a call ended with GW_TRAP_EXIT: the code passed to proc_exit, as a
   process exit status (its low 8 bits). */
int32_t gw_wasi_exit_code(gw_wasi *w);


/* ---- Checkpoint/restore of the WASI state (wasi_state.c) ---------------

   The state is one JSON object (docs/cli.md, "Snapshots and WASI"):
   {"args", "env", "preopens": [{"fd", "host", "guest"}], "fds": [{"fd",
   "kind", "path", "flags", "offset", ...}], "sleep"?: resume deadline}. */

/* Writes w's state as one JSON object. 0, or -1 + err. */
int gw_wasi_serialize(gw_wasi *w, gw_json_writer *jw, char *err, size_t n);

/* --dir HOST::GUEST given when restoring: grants the directory HOST to the
   snapshot's preopen named GUEST. A restore's directories come only from
   these (never from the host paths recorded in the snapshot, which are
   informational), unless GW_WASI_TRUST_SNAPSHOT_PATHS is given. */
typedef struct gw_wasi_grant {
  const char *host;
  const char *guest;
} gw_wasi_grant;

/* gw_wasi_restore flags. */
enum {
  /* --trust-snapshot-paths: a preopen that no grant names is opened at the
     host path recorded in the snapshot (the snapshot is trusted). */
  GW_WASI_TRUST_SNAPSHOT_PATHS = 1,
};

/*
 * Replaces w's arguments, environment, preopens and descriptors with the
 * state in `state` (what gw_wasi_serialize wrote).
 *
 * Authority comes from the grants, never from the snapshot: the k-th
 * preopen of the snapshot named GUEST is opened at the k-th grant for GUEST
 * (in command-line order). A preopen without a grant is an error naming the
 * missing guest(s) and the --dir to add (unless
 * GW_WASI_TRUST_SNAPSHOT_PATHS), and so is a grant the snapshot has no
 * preopen for. Files and directories are reopened at their paths relative
 * to their (granted) preopen through the sandboxed resolver (a path that
 * leaves it is refused), never creating or truncating, seeked to their
 * offsets, directories at their readdir position. stdio stays w's own (each
 * stream at most once, and it must be open in this process), except that a
 * regular-file stdin is seeked to the recorded offset. On any failure
 * returns -1 with a one-line message and leaves w unchanged.
 */
int gw_wasi_restore(gw_wasi *w, const gw_json *state,
                    const gw_wasi_grant *grants, int num_grants,
                    unsigned flags, char *err, size_t n);

/* Host hooks for gw_cr_set_host_hooks: the snapshot's "host" becomes
   {"wasi": <state>}; grants (may be NULL) must outlive the hooks; flags as
   gw_wasi_restore's. */
gw_cr_host_hooks gw_wasi_host_hooks(gw_wasi *w, const gw_wasi_grant *grants,
                                    int num_grants, unsigned flags);

#endif /* GODWIT_WASI_H */
