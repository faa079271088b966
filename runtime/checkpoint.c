/*
 * checkpoint.c: the runtime half of checkpoint/restore: the slow paths of
 * migration points (gw_cr_poll, gw_cr_save_frame, gw_cr_resume), the
 * triggers (signal, countdown, timer), and the embedder's calls around
 * gw_call (write the snapshot when a call unwound, rewind after a restore
 * or with --continue). The file format is snapshot.c's.
 *
 * exec->cr_request is the one flag generated code tests. Its bits:
 *   REQ_PENDING  a checkpoint is wanted (signal, timer, countdown reached);
 *                the next entry or loop point starts unwinding
 *   REQ_COUNT    counting points for --checkpoint-after
 *   REQ_ACTIVE   unwinding or rewinding is under way
 * A signal handler or the timer thread only ORs REQ_PENDING in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "snapshot_internal.h"

/*
 * Hooks for the spec harness (spec/spec_driver.c declares them; they are
 * not part of snapshot.h's embedder API). An observer is called at every
 * point counted while counting is on (gw_cr_config.checkpoint_after > 0)
 * and requests a checkpoint there by returning nonzero; counting then goes
 * on, so the point where a deferred request (at a call) is honoured is
 * observed too. A sink receives the bytes of each snapshot (and frees
 * them) instead of the snapshot file being written.
 */
typedef int (*gw_cr_point_observer)(void *user, gw_instance *inst,
                                    uint32_t point);
typedef int (*gw_cr_snapshot_sink)(void *user, uint8_t *bytes, size_t len);
void gw_cr_observe_points(gw_exec *exec, gw_cr_point_observer fn, void *user);
void gw_cr_set_snapshot_sink(gw_exec *exec, gw_cr_snapshot_sink fn,
                             void *user);

/* All at or above GW_CR_REQUEST_MIN (see godwit.h for why). */
#define REQ_PENDING (GW_CR_REQUEST_MIN << 0)
#define REQ_COUNT (GW_CR_REQUEST_MIN << 1)
#define REQ_ACTIVE (GW_CR_REQUEST_MIN << 2)

enum { TRIGGER_NONE, TRIGGER_SIGNAL, TRIGGER_TIMER };

typedef struct gw_cr_state {
  gw_cr_config cfg;
  char *path;
  gw_cr_host_hooks hooks;
  uint64_t count;     /* points polled while counting */
  uint64_t snapshots; /* snapshots written */
  /* Who set REQ_PENDING (signal/timer), and when (GODWIT_CR_STATS). The
   * signal handler and the timer thread write them while the Wasm thread
   * reads them: only through the __atomic builtins (set_trigger,
   * take_trigger, set_requested_at, requested_time). */
  int trigger;
  const char *reason;            /* of the checkpoint under way */
  gw_instance *inst;             /* whose frames are being saved */
  /* Unwinding: frames innermost first. After finish: outermost first. */
  gw_cr_frame *frames;
  size_t num_frames, cap_frames;
  /* Rewinding: frames outermost first; the next one to hand out. */
  gw_cr_frame *rewind;
  size_t num_rewind, next_rewind;
  int old_signal_installed;
  struct sigaction old_signal;
  int timer_running;
  int timer_stop;
  pthread_t timer;
  pthread_mutex_t timer_lock;
  pthread_cond_t timer_wake;
  uint64_t timer_epoch; /* bumped (under timer_lock) when a checkpoint ends */
  int import_points;    /* 0 unknown, 1 the module has IMPORT_CALL points, -1 not */
  int write_failed;     /* the last gw_cr_finish_unwind could not store the file */
  char error[256];
  /* GODWIT_CR_STATS: CLOCK_MONOTONIC seconds of each phase (0: unset). */
  int stats;
  double requested_at; /* set by the trigger; 0: unset */
  double point_at;              /* the point that started unwinding */
  double restored_read, restored_decoded; /* restore: file read, loaded */
  /* The spec harness's hooks (gw_cr_observe_points, gw_cr_set_snapshot_sink). */
  gw_cr_point_observer observer;
  void *observer_user;
  gw_cr_snapshot_sink sink;
  void *sink_user;
} gw_cr_state;

/* ---- GODWIT_CR_STATS ---------------------------------------------------- */

/* CLOCK_MONOTONIC in seconds (async-signal-safe). */
static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* When the process started running code (before main), for "start to
 * resumed execution". */
static double process_started;
__attribute__((constructor)) static void note_process_start(void) {
  process_started = now_seconds();
}

static int stats_enabled(void) {
  const char *v = getenv("GODWIT_CR_STATS");
  return v != NULL && *v != 0 && strcmp(v, "0") != 0;
}

static void set_trigger(gw_cr_state *st, int trigger) {
  __atomic_store_n(&st->trigger, trigger, __ATOMIC_SEQ_CST);
}
static int take_trigger(gw_cr_state *st) {
  return __atomic_exchange_n(&st->trigger, TRIGGER_NONE, __ATOMIC_SEQ_CST);
}
static void set_requested_at(gw_cr_state *st, double t) {
  __atomic_store(&st->requested_at, &t, __ATOMIC_SEQ_CST);
}
static double requested_time(gw_cr_state *st) {
  double t;
  __atomic_load(&st->requested_at, &t, __ATOMIC_SEQ_CST);
  return t;
}

/* The exec a checkpoint signal is for (signals are process-wide). */
static gw_exec *volatile signal_exec;

static void set_bits(gw_exec *exec, uint64_t bits) {
  __atomic_fetch_or(&exec->cr_request, bits, __ATOMIC_SEQ_CST);
}
static void clear_bits(gw_exec *exec, uint64_t bits) {
  __atomic_fetch_and(&exec->cr_request, ~bits, __ATOMIC_SEQ_CST);
}
/* The flag as C reads it: atomically, since the timer thread and the
 * signal handler OR bits in concurrently (generated code's volatile load
 * is the same single load). */
static uint64_t request_bits(const gw_exec *exec) {
  return __atomic_load_n(&exec->cr_request, __ATOMIC_SEQ_CST);
}

static gw_cr_state *state_of(gw_exec *exec) {
  if (exec->cr == NULL) {
    gw_cr_state *st = calloc(1, sizeof *st);
    if (st == NULL) return NULL;
    pthread_mutex_init(&st->timer_lock, NULL);
    pthread_cond_init(&st->timer_wake, NULL);
    st->path = strdup("godwit.snapshot");
    st->cfg.signal = -1;
    st->stats = stats_enabled();
    exec->cr = st;
  }
  return exec->cr;
}

static void drop_frames(gw_cr_state *st) {
  gw_cr_frames_free(st->frames, st->num_frames);
  st->frames = NULL;
  st->num_frames = st->cap_frames = 0;
}

static void drop_rewind(gw_cr_state *st) {
  gw_cr_frames_free(st->rewind, st->num_rewind);
  st->rewind = NULL;
  st->num_rewind = st->next_rewind = 0;
}

/* Ends any unwinding or rewinding (after an error or a trap). */
static void reset_mode(gw_exec *exec, gw_cr_state *st) {
  exec->cr_mode = GW_CR_NORMAL;
  clear_bits(exec, REQ_ACTIVE);
  drop_frames(st);
  drop_rewind(st);
}

/* An inconsistency generated code cannot recover from: report and trap. */
__attribute__((noreturn)) static void cr_fail(gw_instance *inst,
                                              gw_cr_state *st,
                                              const char *msg) {
  if (st != NULL) snprintf(st->error, sizeof st->error, "%s", msg);
  gw_trap(inst, GW_TRAP_HOST);
}

/* ---- Triggers ------------------------------------------------------------ */

static void on_checkpoint_signal(int sig) {
  (void)sig;
  gw_exec *exec = signal_exec;
  if (exec == NULL) return;
  gw_cr_state *st = exec->cr;
  if (st != NULL) {
    set_trigger(st, TRIGGER_SIGNAL);
    if (st->stats && !(request_bits(exec) & REQ_PENDING))
      set_requested_at(st, now_seconds());
  }
  set_bits(exec, REQ_PENDING);
}

static void *timer_main(void *p) {
  gw_exec *exec = p;
  gw_cr_state *st = exec->cr;
  double every = st->cfg.checkpoint_every;
  pthread_mutex_lock(&st->timer_lock);
  while (!st->timer_stop) {
    /* The period runs from the end of the last checkpoint, so a program
     * whose snapshots take longer than the period still makes progress. */
    uint64_t epoch = st->timer_epoch;
    struct timespec next;
    clock_gettime(CLOCK_REALTIME, &next);
    double secs = (double)next.tv_sec + next.tv_nsec / 1e9 + every;
    next.tv_sec = (time_t)secs;
    next.tv_nsec = (long)((secs - (double)next.tv_sec) * 1e9);
    if (next.tv_nsec >= 1000000000L) next.tv_nsec = 999999999L;
    int r = 0;
    while (!st->timer_stop && r != ETIMEDOUT && epoch == st->timer_epoch)
      r = pthread_cond_timedwait(&st->timer_wake, &st->timer_lock, &next);
    if (st->timer_stop) break;
    if (epoch != st->timer_epoch) continue; /* a checkpoint ended: restart */
    set_trigger(st, TRIGGER_TIMER);
    if (st->stats) set_requested_at(st, now_seconds());
    set_bits(exec, REQ_PENDING);
    /* Wait for that checkpoint to happen before arming the next one. */
    while (!st->timer_stop && epoch == st->timer_epoch)
      pthread_cond_wait(&st->timer_wake, &st->timer_lock);
  }
  pthread_mutex_unlock(&st->timer_lock);
  return NULL;
}

int gw_cr_setup(gw_exec *exec, const gw_cr_config *cfg, char *err, size_t n) {
  gw_cr_state *st = state_of(exec);
  if (st == NULL) {
    snprintf(err, n, "out of memory");
    return -1;
  }
  if (cfg->checkpoint_every < 0 || cfg->checkpoint_every != cfg->checkpoint_every) {
    snprintf(err, n, "--checkpoint-every needs a positive number of seconds");
    return -1;
  }
  st->cfg = *cfg;
  free(st->path);
  st->path = strdup(cfg->snapshot_path ? cfg->snapshot_path
                                       : "godwit.snapshot");
  st->cfg.snapshot_path = st->path;
  if (st->path == NULL) {
    snprintf(err, n, "out of memory");
    return -1;
  }
  if (cfg->checkpoint_after > 0) set_bits(exec, REQ_COUNT);
  int sig = cfg->signal == 0 ? SIGUSR1 : cfg->signal;
  if (sig > 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_checkpoint_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    signal_exec = exec;
    if (sigaction(sig, &sa, &st->old_signal) != 0) {
      snprintf(err, n, "cannot install the checkpoint signal handler: %s",
               strerror(errno));
      return -1;
    }
    st->old_signal_installed = sig;
    /* main blocks SIGUSR1 until now, so an early signal waited for this. */
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, sig);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
  }
  if (cfg->checkpoint_every > 0) {
    st->timer_stop = 0;
    if (pthread_create(&st->timer, NULL, timer_main, exec) != 0) {
      snprintf(err, n, "cannot start the checkpoint timer");
      return -1;
    }
    st->timer_running = 1;
  }
  return 0;
}

void gw_cr_set_host_hooks(gw_exec *exec, const gw_cr_host_hooks *hooks) {
  gw_cr_state *st = state_of(exec);
  if (st != NULL) st->hooks = *hooks;
}

void gw_cr_teardown(gw_exec *exec) {
  gw_cr_state *st = exec->cr;
  if (st == NULL) return;
  if (st->timer_running) {
    pthread_mutex_lock(&st->timer_lock);
    st->timer_stop = 1;
    pthread_cond_signal(&st->timer_wake);
    pthread_mutex_unlock(&st->timer_lock);
    pthread_join(st->timer, NULL);
  }
  if (st->old_signal_installed > 0)
    sigaction(st->old_signal_installed, &st->old_signal, NULL);
  if (signal_exec == exec) signal_exec = NULL;
  drop_frames(st);
  drop_rewind(st);
  pthread_mutex_destroy(&st->timer_lock);
  pthread_cond_destroy(&st->timer_wake);
  free(st->path);
  free(st);
  exec->cr = NULL;
  __atomic_store_n(&exec->cr_request, 0, __ATOMIC_SEQ_CST);
  exec->cr_mode = GW_CR_NORMAL;
}

void gw_cr_observe_points(gw_exec *exec, gw_cr_point_observer fn,
                          void *user) {
  gw_cr_state *st = state_of(exec);
  if (st == NULL) return;
  st->observer = fn;
  st->observer_user = user;
}

void gw_cr_set_snapshot_sink(gw_exec *exec, gw_cr_snapshot_sink fn,
                             void *user) {
  gw_cr_state *st = state_of(exec);
  if (st == NULL) return;
  st->sink = fn;
  st->sink_user = user;
}

uint64_t gw_cr_points_reached(const gw_exec *exec) {
  const gw_cr_state *st = exec->cr;
  return st ? st->count : 0;
}

uint64_t gw_cr_snapshots_written(const gw_exec *exec) {
  const gw_cr_state *st = exec->cr;
  return st ? st->snapshots : 0;
}

/* ---- Called by generated code ------------------------------------------- */

/* Starts unwinding for the pending request: from here on every frame
 * saves itself and returns. */
static void begin_unwind(gw_exec *exec, gw_cr_state *st, gw_instance *inst) {
  int trigger = take_trigger(st);
  if (trigger == TRIGGER_SIGNAL) st->reason = "signal";
  else if (trigger == TRIGGER_TIMER) st->reason = "timer";
  set_bits(exec, REQ_ACTIVE);
  clear_bits(exec, REQ_PENDING);
  drop_frames(st);
  drop_rewind(st); /* values of the last restore were consumed long ago */
  st->inst = inst;
  st->error[0] = 0;
  if (st->stats) st->point_at = now_seconds();
  exec->cr_mode = GW_CR_UNWINDING;
}

int32_t gw_cr_poll(gw_instance *inst, uint32_t point) {
  gw_exec *exec = inst->exec;
  gw_cr_state *st = exec->cr;
  if (st == NULL || exec->cr_mode != GW_CR_NORMAL ||
      point >= inst->module->num_points)
    return 0;
  /* Left over from a rewind that has completed (see gw_cr_resume). */
  if (request_bits(exec) & REQ_ACTIVE) clear_bits(exec, REQ_ACTIVE);
  if (request_bits(exec) & REQ_COUNT) {
    st->count++;
    if (st->observer != NULL) {
      if (st->observer(st->observer_user, inst, point) &&
          !(request_bits(exec) & REQ_PENDING)) {
        set_trigger(st, TRIGGER_NONE);
        st->reason = "countdown";
        set_bits(exec, REQ_PENDING);
      }
    } else if (st->count >= st->cfg.checkpoint_after) {
      clear_bits(exec, REQ_COUNT);
      set_trigger(st, TRIGGER_NONE);
      st->reason = "countdown";
      if (st->stats) set_requested_at(st, now_seconds());
      set_bits(exec, REQ_PENDING);
    }
  }
  if (!(request_bits(exec) & REQ_PENDING)) return 0;
  /* A frame suspended at a call must have a callee frame above it: a
   * request met before a call waits for the callee's entry point. */
  if (inst->module->points[point].kind == GW_POINT_CALL) return 0;
  begin_unwind(exec, st, inst);
  return 1;
}

/* Whether inst's code saves frames at import calls (GW_POINT_IMPORT_CALL):
 * only then may a host call be abandoned. */
static int has_import_call_points(const gw_instance *inst) {
  const gw_module_desc *m = inst->module;
  for (uint32_t p = 0; p < m->num_points; p++)
    if (m->points[p].kind == GW_POINT_IMPORT_CALL) return 1;
  return 0;
}

int gw_cr_abandon_host_call(gw_instance *inst) {
  gw_exec *exec = inst->exec;
  gw_cr_state *st = exec ? exec->cr : NULL;
  if (st == NULL || exec->cr_mode != GW_CR_NORMAL ||
      !(request_bits(exec) & REQ_PENDING))
    return 0;
  if (st->import_points == 0)
    st->import_points = has_import_call_points(inst) ? 1 : -1;
  if (st->import_points < 0) return 0;
  begin_unwind(exec, st, inst);
  return 1;
}

int gw_cr_checkpoint_requested(const gw_instance *inst) {
  const gw_exec *exec = inst->exec;
  return exec != NULL && exec->cr != NULL && exec->cr_mode == GW_CR_NORMAL &&
         (request_bits(exec) & REQ_PENDING) != 0;
}

gw_value *gw_cr_save_frame(gw_instance *inst, uint32_t point) {
  gw_exec *exec = inst->exec;
  gw_cr_state *st = exec->cr;
  if (st == NULL || exec->cr_mode != GW_CR_UNWINDING)
    cr_fail(inst, st, "checkpoint: a frame was saved while not unwinding");
  if (inst != st->inst)
    cr_fail(inst, st, "checkpoint: the call stack spans several instances, "
                      "which snapshots cannot describe");
  if (point >= inst->module->num_points)
    cr_fail(inst, st, "checkpoint: bad migration point id");
  const gw_point_desc *p = &inst->module->points[point];
  if (st->num_frames == st->cap_frames) {
    size_t cap = st->cap_frames ? st->cap_frames * 2 : 64;
    gw_cr_frame *frames = realloc(st->frames, cap * sizeof *frames);
    if (frames == NULL) cr_fail(inst, st, "checkpoint: out of memory");
    st->frames = frames;
    st->cap_frames = cap;
  }
  uint32_t count = p->num_locals + p->num_stack;
  gw_value *values = calloc(count ? count : 1, sizeof(gw_value));
  if (values == NULL) cr_fail(inst, st, "checkpoint: out of memory");
  st->frames[st->num_frames++] = (gw_cr_frame){
      .point = point, .func = p->func, .num_values = count, .values = values};
  return values;
}

uint32_t gw_cr_resume(gw_instance *inst, uint32_t func, gw_value **slots) {
  gw_exec *exec = inst->exec;
  gw_cr_state *st = exec->cr;
  if (st == NULL || exec->cr_mode != GW_CR_REWINDING ||
      st->next_rewind >= st->num_rewind)
    cr_fail(inst, st, "restore: a function resumed with no saved frame left");
  gw_cr_frame *f = &st->rewind[st->next_rewind];
  if (f->func != func) {
    char msg[160];
    snprintf(msg, sizeof msg,
             "restore: the snapshot's frame %zu is in function %u, but "
             "function %u was called (the snapshot does not match the "
             "program)", st->next_rewind, f->func, func);
    cr_fail(inst, st, msg);
  }
  *slots = f->values;
  st->next_rewind++;
  if (st->next_rewind == st->num_rewind) {
    /* The innermost frame: back to normal execution. The values stay
     * allocated until the next checkpoint (the caller still loads them).
     * REQ_ACTIVE stays set: the resume path may still have to pass loop
     * headers, whose slow path dispatches it; the next gw_cr_poll clears it. */
    exec->cr_mode = GW_CR_NORMAL;
    if (st->stats && st->restored_decoded > 0) {
      double t = now_seconds();
      fprintf(stderr,
              "godwit: cr-stats: restore: file read %.4f s after process "
              "start, validate+decompress %.4f s, resumed %.4f s after "
              "process start\n",
              st->restored_read - process_started,
              st->restored_decoded - st->restored_read, t - process_started);
      st->restored_decoded = 0;
    }
  }
  exec->cr_dispatch = (int32_t)f->point; /* loop headers dispatch on it */
  return f->point;
}

/* ---- Called by the embedder ---------------------------------------------- */

int gw_cr_finish_unwind(gw_exec *exec, gw_instance *inst, char *err,
                        size_t n) {
  gw_cr_state *st = exec->cr;
  if (st == NULL || exec->cr_mode != GW_CR_UNWINDING || st->num_frames == 0) {
    snprintf(err, n, "checkpoint: no unwound frames to write");
    return -1;
  }
  /* Saved innermost first; the snapshot lists them outermost first. */
  for (size_t i = 0, j = st->num_frames - 1; i < j; i++, j--) {
    gw_cr_frame t = st->frames[i];
    st->frames[i] = st->frames[j];
    st->frames[j] = t;
  }
  exec->cr_mode = GW_CR_NORMAL;
  clear_bits(exec, REQ_ACTIVE);
  gw_snapshot_meta meta = {.reason = st->reason ? st->reason : "request",
                           .points_reached = st->count};
  uint8_t *bytes;
  size_t len;
  double unwound_at = st->stats ? now_seconds() : 0;
  if (gw_snapshot_encode(inst, st->frames, st->num_frames, &meta, &st->hooks,
                         &bytes, &len, err, n) != 0)
    return -1;
  double encoded_at = st->stats ? now_seconds() : 0;
  int r;
  if (st->sink != NULL) {
    r = st->sink(st->sink_user, bytes, len); /* it owns the bytes */
    if (r != 0) snprintf(err, n, "checkpoint: the snapshot sink failed");
  } else {
    r = gw_snapshot_write_file(st->path, bytes, len, err, n);
    free(bytes);
  }
  st->write_failed = r != 0;
  if (r == 0) st->snapshots++;
  if (r == 0 && st->stats) {
    double t = now_seconds();
    /* Without a recorded request (a blocking call gave way), the
     * request is timed from the point. */
    double requested =
        requested_time(st) > 0 ? requested_time(st) : st->point_at;
    uint64_t mem = 0;
    for (uint32_t i = 0; i < inst->module->num_memories; i++)
      mem += inst->memories[i]->pages * (uint64_t)GW_PAGE_SIZE;
    fprintf(stderr,
            "godwit: cr-stats: checkpoint: request->point %.4f s, unwind "
            "%.4f s, serialize+compress %.4f s, write+fsync %.4f s, "
            "request->durable %.4f s; memory %llu bytes, snapshot %zu "
            "bytes\n",
            st->point_at - requested, unwound_at - st->point_at,
            encoded_at - unwound_at, t - encoded_at, t - requested,
            (unsigned long long)mem, len);
  }
  set_requested_at(st, 0);
  if (st->timer_running) {
    pthread_mutex_lock(&st->timer_lock);
    st->timer_epoch++;
    pthread_cond_signal(&st->timer_wake);
    pthread_mutex_unlock(&st->timer_lock);
  }
  return r;
}

int gw_cr_rewind(gw_exec *exec, char *err, size_t n) {
  gw_cr_state *st = exec->cr;
  if (st == NULL || st->num_frames == 0) {
    snprintf(err, n, "checkpoint: no saved frames to resume from");
    return -1;
  }
  drop_rewind(st);
  st->rewind = st->frames;
  st->num_rewind = st->num_frames;
  st->next_rewind = 0;
  st->frames = NULL;
  st->num_frames = st->cap_frames = 0;
  exec->cr_mode = GW_CR_REWINDING;
  set_bits(exec, REQ_ACTIVE);
  return 0;
}

int gw_cr_restore_bytes(gw_exec *exec, gw_instance *inst,
                        const uint8_t *bytes, size_t len, char *err,
                        size_t n) {
  gw_cr_state *st = state_of(exec);
  if (st == NULL) {
    snprintf(err, n, "out of memory");
    return -1;
  }
  gw_cr_frame *frames;
  size_t num_frames;
  if (gw_snapshot_decode(inst, bytes, len, &st->hooks, &frames, &num_frames,
                         err, n) != 0)
    return -1;
  if (st->stats) st->restored_decoded = now_seconds();
  drop_frames(st);
  st->frames = frames;
  st->num_frames = st->cap_frames = num_frames;
  return gw_cr_rewind(exec, err, n);
}

int gw_cr_restore(gw_exec *exec, gw_instance *inst, const char *path,
                  char *err, size_t n) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(err, n, "cannot open snapshot %s: %s", path, strerror(errno));
    return -1;
  }
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
    snprintf(err, n, "snapshot %s is not a regular file", path);
    fclose(f);
    return -1;
  }
  size_t len = (size_t)sb.st_size;
  uint8_t *bytes = malloc(len ? len : 1);
  if (bytes == NULL || fread(bytes, 1, len, f) != len) {
    snprintf(err, n, "cannot read snapshot %s", path);
    free(bytes);
    fclose(f);
    return -1;
  }
  fclose(f);
  gw_cr_state *st = state_of(exec);
  if (st != NULL && st->stats) st->restored_read = now_seconds();
  int r = gw_cr_restore_bytes(exec, inst, bytes, len, err, n);
  if (r != 0) {
    char inner[512];
    snprintf(inner, sizeof inner, "%s", err);
    snprintf(err, n, "cannot restore %s: %s", path, inner);
  }
  free(bytes);
  return r;
}

/* Number of parameters of function `func` of inst. */
static size_t param_count(const gw_instance *inst, uint32_t func) {
  const char *sig = inst->module->type_sigs[inst->module->func_types[func]];
  const char *colon = strchr(sig, ':');
  return colon ? (size_t)(colon - sig) : strlen(sig);
}

/* The resume clone of a defined function of inst, or its normal entry in a
 * module without clones (there the normal entries resume). */
static void *resume_code(const gw_instance *inst, uint32_t func) {
  const gw_module_desc *m = inst->module;
  if (func < m->num_imported_funcs || func >= m->num_funcs) return NULL;
  uint32_t d = func - m->num_imported_funcs;
  return m->func_resume ? m->func_resume[d] : m->func_code[d];
}

void *gw_cr_resume_code(gw_instance *inst, const gw_funcref *fn) {
  const gw_instance *owner = fn ? fn->instance : NULL;
  if (owner != NULL && owner->module != NULL) {
    const gw_module_desc *m = owner->module;
    for (uint32_t d = 0; d < m->num_funcs - m->num_imported_funcs; d++)
      if (m->func_code[d] == fn->code) {
        void *code = resume_code(owner, m->num_imported_funcs + d);
        if (code != NULL) return code;
        break;
      }
  }
  cr_fail(inst, inst->exec->cr,
          "restore: a saved indirect call's callee cannot be resumed");
  return NULL;
}

int32_t gw_cr_call(gw_exec *exec, gw_instance *inst, gw_funcref *fn,
                   const gw_value *args, gw_value *results, char *err,
                   size_t n) {
  gw_cr_state *st = exec->cr;
  gw_value *zeros = NULL;
  gw_funcref resume_ref;
  int32_t kind;
  for (;;) {
    if (st != NULL && exec->cr_mode == GW_CR_REWINDING) {
      /* The outermost frame's function, through its resume clone; its
       * parameters come from the frame. */
      uint32_t func = st->rewind[st->next_rewind].func;
      void *code = resume_code(inst, func);
      if (code == NULL) {
        snprintf(err, n, "restore: function %u cannot be resumed", func);
        reset_mode(exec, st);
        kind = GW_CR_ERROR;
        break;
      }
      resume_ref = *inst->funcs[func];
      resume_ref.code = code;
      fn = &resume_ref;
      free(zeros);
      zeros = calloc(param_count(inst, func) + 1, sizeof(gw_value));
      if (zeros == NULL) {
        snprintf(err, n, "out of memory");
        kind = GW_CR_ERROR;
        break;
      }
      args = zeros;
    }
    kind = gw_call(exec, fn, args, results);
    st = exec->cr;
    if (st == NULL) break;
    if (kind != GW_TRAP_NONE) {
      if (st->error[0] != 0) { /* the trap was checkpoint/restore failing */
        snprintf(err, n, "%s", st->error);
        st->error[0] = 0;
        kind = GW_CR_ERROR;
      }
      reset_mode(exec, st);
      break;
    }
    if (exec->cr_mode == GW_CR_REWINDING) {
      snprintf(err, n, "restore: the program returned before every saved "
                       "frame was resumed");
      reset_mode(exec, st);
      kind = GW_CR_ERROR;
      break;
    }
    if (exec->cr_mode != GW_CR_UNWINDING) break;
    st->write_failed = 0;
    int finished = gw_cr_finish_unwind(exec, inst, err, n);
    if (finished != 0 && st->write_failed) {
      /* The file could not be stored (a full disk, a file-size limit):
       * the previous snapshot is untouched and the program's state is
       * still in the saved frames, so it resumes from them, as with
       * --continue, instead of being lost. */
      fprintf(stderr,
              "godwit: error: checkpoint not written: %s; the program "
              "keeps running\n",
              err);
      if (gw_cr_rewind(exec, err, n) != 0) {
        kind = GW_CR_ERROR;
        break;
      }
      continue;
    }
    if (finished != 0) {
      reset_mode(exec, st);
      kind = GW_CR_ERROR;
      break;
    }
    if (!st->cfg.continue_after) {
      kind = GW_CR_CHECKPOINTED;
      break;
    }
    if (gw_cr_rewind(exec, err, n) != 0) {
      kind = GW_CR_ERROR;
      break;
    }
  }
  free(zeros);
  return kind;
}
