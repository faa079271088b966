/*
 * snapshot.h: checkpoint/restore for the embedder (runtime/main.c, the spec
 * driver) and the snapshot file format (docs/snapshot.md).
 *
 * Generated code only sees gw_cr_poll/gw_cr_save_frame/gw_cr_resume in
 * godwit.h; everything here is called by C code around gw_call:
 *
 *   gw_cr_setup(exec, &cfg)         install triggers (signal, countdown, timer)
 *   gw_cr_restore(exec, inst, path) load a snapshot into a fresh instance and
 *                                   arm rewinding (before the first call)
 *   gw_cr_call(exec, inst, fn, ...) gw_call that also writes the snapshot when
 *                                   the call unwound for a checkpoint, and
 *                                   resumes (--continue, or after a restore)
 *
 * The snapshot describes Wasm-level state only (frames as function index +
 * byte offset + typed values, globals, tables, memories, host state), so any
 * build of the same module, for any CPU, can resume it.
 */
#ifndef GODWIT_SNAPSHOT_H
#define GODWIT_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "godwit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Configuration and the embedder's calls ----------------------------- */

/* Checkpoint triggers, from the runtime options. */
typedef struct gw_cr_config {
  const char *snapshot_path; /* --snapshot FILE (NULL: "godwit.snapshot") */
  uint64_t checkpoint_after; /* --checkpoint-after N: at the N-th migration
                                point reached (0 = off) */
  double checkpoint_every;   /* --checkpoint-every SECONDS (0 = off) */
  int continue_after;        /* --continue: keep running after writing */
  int signal;                /* checkpoint on this signal (0: SIGUSR1,
                                -1: none) */
} gw_cr_config;

/* JSON writer and parsed JSON value, for host hooks (see below). */
typedef struct gw_json_writer gw_json_writer;
typedef struct gw_json gw_json;

/*
 * Host state (WASI: args, env, preopens, open descriptors) plugs in here.
 * `serialize` writes exactly one JSON value (normally an object) with the
 * gw_jw_* functions; it becomes the snapshot's "host" member. `restore`
 * gets that value back (never NULL: a snapshot written without hooks has
 * JSON null there) after everything else in the snapshot was validated and
 * loaded. Both return 0, or -1 with a message in err.
 */
typedef struct gw_cr_host_hooks {
  void *user;
  int (*serialize)(void *user, gw_json_writer *w, char *err, size_t n);
  int (*restore)(void *user, const gw_json *host, char *err, size_t n);
} gw_cr_host_hooks;

/* Installs checkpoint/restore state and triggers on exec. 0, or -1 + err. */
int gw_cr_setup(gw_exec *exec, const gw_cr_config *cfg, char *err, size_t n);
/* Registers host hooks (copied); call after gw_cr_setup. */
void gw_cr_set_host_hooks(gw_exec *exec, const gw_cr_host_hooks *hooks);
/* Stops triggers and frees exec's checkpoint/restore state. */
void gw_cr_teardown(gw_exec *exec);

/*
 * Call after gw_call returned with exec->cr_mode == GW_CR_UNWINDING: all
 * frames are saved; writes the snapshot atomically (temporary file, fsync,
 * rename). Afterwards the saved frames are kept for gw_cr_rewind. 0 or -1.
 */
int gw_cr_finish_unwind(gw_exec *exec, gw_instance *inst, char *err,
                        size_t n);
/* Arms rewinding from the frames of the last unwind (--continue). */
int gw_cr_rewind(gw_exec *exec, char *err, size_t n);

/*
 * Parses and validates a snapshot completely against inst->module, then
 * loads memories, globals, tables, dropped segments and host state into
 * inst (a fresh instance; segments and start need not have run: every piece
 * of state they set is overwritten) and arms rewinding. 0, or -1 with a
 * message; on -1 nothing is armed.
 */
int gw_cr_restore(gw_exec *exec, gw_instance *inst, const char *path,
                  char *err, size_t n);
int gw_cr_restore_bytes(gw_exec *exec, gw_instance *inst,
                        const uint8_t *bytes, size_t len, char *err,
                        size_t n);

/* gw_cr_call outcomes beyond the gw_trap_kind values. */
enum {
  GW_CR_CHECKPOINTED = 1000, /* snapshot written, program stopped */
  GW_CR_ERROR = 1001,        /* checkpoint/restore failed: message in err */
};

/*
 * gw_call with checkpoint/restore: when rewinding is armed (after
 * gw_cr_restore), calls the outermost saved frame's function instead of fn
 * (results must have room for that function's results). When the call
 * unwinds for a checkpoint, writes the snapshot and then either returns
 * GW_CR_CHECKPOINTED or, with --continue, rewinds and calls again.
 * Otherwise returns what gw_call returned (GW_TRAP_NONE or a trap kind).
 */
int32_t gw_cr_call(gw_exec *exec, gw_instance *inst, gw_funcref *fn,
                   const gw_value *args, gw_value *results, char *err,
                   size_t n);

/*
 * For blocking host functions (WASI poll_oneoff, fd_read): whether a
 * checkpoint is requested (a signal or the timer) while the call waits.
 */
int gw_cr_checkpoint_requested(const gw_instance *inst);
/*
 * A blocking host call that has had no effect yet gives way to a pending
 * checkpoint: starts unwinding (exec->cr_mode = GW_CR_UNWINDING) and
 * returns 1; the host function must then return at once (any value). The
 * generated code saves the caller's frame AT the import call, arguments
 * included (GW_POINT_IMPORT_CALL), so the call is issued again after the
 * restore. Returns 0 (keep waiting) when nothing is pending, when not in
 * normal execution, or when the module has no IMPORT_CALL points (a build
 * whose code could not resume the call).
 */
int gw_cr_abandon_host_call(gw_instance *inst);

/* Migration points polled while counting (--checkpoint-after), in total. */
uint64_t gw_cr_points_reached(const gw_exec *exec);
/* Snapshots written by this exec so far. */
uint64_t gw_cr_snapshots_written(const gw_exec *exec);

/* ---- JSON for host hooks ---------------------------------------------- */

void gw_jw_begin_object(gw_json_writer *w);
void gw_jw_end_object(gw_json_writer *w);
void gw_jw_begin_array(gw_json_writer *w);
void gw_jw_end_array(gw_json_writer *w);
void gw_jw_key(gw_json_writer *w, const char *key); /* inside an object */
void gw_jw_string(gw_json_writer *w, const char *s); /* UTF-8 bytes */
void gw_jw_string_n(gw_json_writer *w, const char *s, size_t len);
void gw_jw_int(gw_json_writer *w, int64_t v);  /* exact only to 2^53 in JS */
void gw_jw_uint(gw_json_writer *w, uint64_t v);
void gw_jw_bool(gw_json_writer *w, int v);
void gw_jw_null(gw_json_writer *w);

enum { GW_JSON_NULL, GW_JSON_BOOL, GW_JSON_NUMBER, GW_JSON_STRING,
       GW_JSON_ARRAY, GW_JSON_OBJECT };
int gw_json_kind(const gw_json *v);
/* Member of an object, or NULL (also when v is not an object). */
const gw_json *gw_json_get(const gw_json *v, const char *key);
/* Elements of an array (members of an object, in order); 0 otherwise. */
size_t gw_json_length(const gw_json *v);
const gw_json *gw_json_at(const gw_json *v, size_t i);
/* Key of the i-th member of an object, or NULL. */
const char *gw_json_key_at(const gw_json *v, size_t i);
/* String contents (NUL-terminated; *len may be NULL), or NULL. */
const char *gw_json_string(const gw_json *v, size_t *len);
/* Integer numbers: 0 on success, -1 when not an integer in range. */
int gw_json_i64(const gw_json *v, int64_t *out);
int gw_json_u64(const gw_json *v, uint64_t *out);
int gw_json_bool(const gw_json *v); /* 1 for true, 0 otherwise */

/* ---- The file format (snapshot.c) ------------------------------------- */

#define GW_SNAPSHOT_MAGIC "\x89GWSNAP\n" /* 8 bytes */
#define GW_SNAPSHOT_VERSION 1u
#define GW_SNAPSHOT_HEADER_SIZE 32u
#define GW_SNAPSHOT_TRAILER_SIZE 4u

/* One saved frame (runtime-internal; shared by checkpoint.c/snapshot.c). */
typedef struct gw_cr_frame {
  uint32_t point;   /* point id in this build */
  uint32_t func;    /* function index */
  uint32_t num_values; /* locals then stack */
  gw_value *values;
} gw_cr_frame;

/* What a snapshot holds besides instance state. */
typedef struct gw_snapshot_meta {
  const char *reason;       /* "signal", "countdown", "timer", ... */
  uint64_t points_reached;  /* counted points so far (informational) */
} gw_snapshot_meta;

/*
 * Serializes frames (outermost first) and inst's state into a malloc'd
 * snapshot in *out, its size in *out_len. 0, or -1 + err.
 */
int gw_snapshot_encode(gw_instance *inst, const gw_cr_frame *frames,
                       size_t num_frames, const gw_snapshot_meta *meta,
                       const gw_cr_host_hooks *hooks, uint8_t **out,
                       size_t *out_len, char *err, size_t n);
/* Writes bytes to path atomically (path.tmp, fsync, rename). 0 or -1. */
int gw_snapshot_write_file(const char *path, const uint8_t *bytes,
                           size_t len, char *err, size_t n);
/*
 * Validates bytes against inst->module and loads the state into inst; the
 * frames (outermost first, with this build's point ids) go to *frames
 * (malloc'd; free with gw_cr_frames_free). Nothing in inst changes unless
 * everything validated, except the host hook's own restore.
 */
int gw_snapshot_decode(gw_instance *inst, const uint8_t *bytes, size_t len,
                       const gw_cr_host_hooks *hooks, gw_cr_frame **frames,
                       size_t *num_frames, char *err, size_t n);
void gw_cr_frames_free(gw_cr_frame *frames, size_t num_frames);

/* Checksums and compression, exposed for tests. */
uint32_t gw_crc32(const uint8_t *p, size_t len);
/* zlib-format (RFC 1950/1951) stream; malloc'd. 0 or -1 (out of memory). */
int gw_deflate(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);
/* Inflates a zlib stream into exactly out_len bytes; 0, or -1 when the
 * stream is malformed, has the wrong length or a bad checksum. */
int gw_inflate(const uint8_t *in, size_t len, uint8_t *out, size_t out_len);

#ifdef __cplusplus
}
#endif
#endif /* GODWIT_SNAPSHOT_H */
