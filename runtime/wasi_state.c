/*
 * wasi_state.c: the WASI state in and out of snapshots (gw_cr_host_hooks).
 *
 * What is recorded: arguments, environment, preopens (absolute host path
 * and guest name), and every open descriptor: its number, kind, preopen,
 * guest path relative to that preopen, flags, rights, and the current
 * offset of files / the readdir position of directories; stdin's offset when
 * it is a regular file; the deadline of a sleep abandoned for the checkpoint.
 *
 * Restoring reopens instead of recreating: O_CREAT, O_EXCL and O_TRUNC are
 * never applied again (the file's contents are whatever the first run left),
 * paths go through the sandboxed resolver, and a preopen or file that is gone
 * is a clear error. Output already written to stdout/stderr is not replayed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi_internal.h"

/* Largest descriptor number a snapshot may name (as gw_wasi_add_fd). */
#define MAX_FDS (1u << 20)

static const char *const kind_names[] = {"free", "stdio", "preopen", "file",
                                         "dir"};

uint64_t gw_wasi_poll_key(const uint8_t *subs, uint32_t count) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < (size_t)count * 48; i++)
    h = (h ^ subs[i]) * 1099511628211ull;
  return h ^ count;
}

int64_t gw_wasi_realtime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- Serialize ------------------------------------------------------------ */

static void put_u64_string(gw_json_writer *jw, const char *key, uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%" PRIu64, v);
  gw_jw_key(jw, key);
  gw_jw_string(jw, buf);
}

static void put_strings(gw_json_writer *jw, const char *key, int n,
                        char **s) {
  gw_jw_key(jw, key);
  gw_jw_begin_array(jw);
  for (int i = 0; i < n; i++) gw_jw_string(jw, s[i]);
  gw_jw_end_array(jw);
}

/* The WASI fd holding preopen p, or -1 (closed by the program). */
static int64_t preopen_fd(const gw_wasi *w, int p) {
  for (uint32_t i = 0; i < w->num_fds; i++)
    if (w->fds[i].kind == GW_WASI_FD_PREOPEN && w->fds[i].preopen == p)
      return i;
  return -1;
}

int gw_wasi_serialize(gw_wasi *w, gw_json_writer *jw, char *err, size_t n) {
  (void)err, (void)n;
  gw_jw_begin_object(jw);
  put_strings(jw, "args", w->argc, w->argv);
  put_strings(jw, "env", w->envc, w->envp);
  gw_jw_key(jw, "preopens");
  gw_jw_begin_array(jw);
  for (int p = 0; p < w->num_preopens; p++) {
    /* Absolute, so that a restore from another directory finds it. */
    char *abs = realpath(w->preopens[p].host, NULL);
    gw_jw_begin_object(jw);
    gw_jw_key(jw, "fd");
    gw_jw_int(jw, preopen_fd(w, p));
    gw_jw_key(jw, "host");
    gw_jw_string(jw, abs ? abs : w->preopens[p].host);
    gw_jw_key(jw, "guest");
    gw_jw_string(jw, w->preopens[p].guest);
    gw_jw_end_object(jw);
    free(abs);
  }
  gw_jw_end_array(jw);
  gw_jw_key(jw, "fds");
  gw_jw_begin_array(jw);
  for (uint32_t i = 0; i < w->num_fds; i++) {
    const gw_wasi_fd *f = &w->fds[i];
    if (f->kind == GW_WASI_FD_FREE) continue;
    gw_jw_begin_object(jw);
    gw_jw_key(jw, "fd");
    gw_jw_uint(jw, i);
    gw_jw_key(jw, "kind");
    gw_jw_string(jw, kind_names[f->kind]);
    if (f->kind == GW_WASI_FD_STDIO) {
      int stream = -1;
      for (int s = 0; s < 3 && stream < 0; s++)
        if (w->stdio_host[s] == f->host_fd) stream = s;
      static const char *const names[] = {"<stdin>", "<stdout>", "<stderr>"};
      gw_jw_key(jw, "stream");
      gw_jw_int(jw, stream);
      gw_jw_key(jw, "path"); /* informational (inspect) */
      gw_jw_string(jw, stream >= 0 ? names[stream] : "<stdio>");
    } else {
      gw_jw_key(jw, "preopen");
      gw_jw_int(jw, f->preopen);
      gw_jw_key(jw, "path");
      gw_jw_string(jw, f->path ? f->path : ".");
    }
    gw_jw_key(jw, "filetype");
    gw_jw_uint(jw, f->filetype);
    gw_jw_key(jw, "flags");
    gw_jw_begin_object(jw);
    gw_jw_key(jw, "oflags");
    gw_jw_uint(jw, f->oflags);
    gw_jw_key(jw, "fdflags");
    gw_jw_uint(jw, f->fdflags);
    gw_jw_key(jw, "lookupflags");
    gw_jw_uint(jw, f->lookupflags);
    gw_jw_end_object(jw);
    put_u64_string(jw, "rights_base", f->rights_base);
    put_u64_string(jw, "rights_inheriting", f->rights_inheriting);
    struct stat sb;
    if ((f->kind == GW_WASI_FD_FILE || f->kind == GW_WASI_FD_STDIO) &&
        fstat(f->host_fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
      off_t off = lseek(f->host_fd, 0, SEEK_CUR);
      if (off >= 0) put_u64_string(jw, "offset", (uint64_t)off);
    }
    if (f->kind == GW_WASI_FD_DIR || f->kind == GW_WASI_FD_PREOPEN)
      put_u64_string(jw, "dir_index", f->dir ? f->dir_index : 0);
    gw_jw_end_object(jw);
  }
  gw_jw_end_array(jw);
  if (w->resume_sleep.active) {
    gw_jw_key(jw, "sleep");
    gw_jw_begin_object(jw);
    put_u64_string(jw, "key", w->resume_sleep.key);
    gw_jw_key(jw, "deadlines");
    gw_jw_begin_array(jw);
    for (uint32_t i = 0; i < w->resume_sleep.count; i++) {
      int64_t d = w->resume_sleep.deadlines[i];
      if (d < 0) {
        gw_jw_null(jw);
      } else {
        char buf[24];
        snprintf(buf, sizeof buf, "%" PRId64, d);
        gw_jw_string(jw, buf);
      }
    }
    gw_jw_end_array(jw);
    gw_jw_end_object(jw);
  }
  gw_jw_end_object(jw);
  return 0;
}

/* ---- Restore -------------------------------------------------------------- */

/* A restore under way: everything opened so far, released on failure. */
typedef struct restoring {
  int argc, envc, num_preopens;
  char **argv, **envp;
  gw_wasi_preopen *preopens;
  int *preopen_host_fd; /* opened directory per preopen (closed at the end) */
  char *preopen_has_fd;  /* a "preopen" descriptor seen for it */
  char stdio_seen[3];    /* a "stdio" descriptor seen for stream 0/1/2 */
  gw_wasi_fd *fds;
  uint32_t num_fds;
  int64_t stdin_offset; /* -1: none recorded */
  int sleep_active;
  uint64_t sleep_key;
  uint32_t sleep_count;
  int64_t *sleep_deadlines;
} restoring;

static void free_string_array(int n, char **s) {
  if (!s) return;
  for (int i = 0; i < n; i++) free(s[i]);
  free(s);
}

static void restoring_free(restoring *r) {
  free_string_array(r->argc, r->argv);
  free_string_array(r->envc, r->envp);
  for (int p = 0; p < r->num_preopens; p++) {
    free(r->preopens[p].host);
    free(r->preopens[p].guest);
    if (r->preopen_host_fd[p] >= 0) close(r->preopen_host_fd[p]);
  }
  free(r->preopens);
  free(r->preopen_host_fd);
  free(r->preopen_has_fd);
  for (uint32_t i = 0; i < r->num_fds; i++)
    if (r->fds[i].kind != GW_WASI_FD_FREE) gw_wasi_close_fd(&r->fds[i]);
  free(r->fds);
  free(r->sleep_deadlines);
}

/* A JSON array of strings as a NULL-terminated copy; -1 if malformed. */
static int get_strings(const gw_json *v, int *count, char ***out) {
  if (gw_json_kind(v) != GW_JSON_ARRAY) return -1;
  size_t n = gw_json_length(v);
  if (n > INT_MAX - 1) return -1;
  char **s = calloc(n + 1, sizeof *s);
  if (!s) return -1;
  for (size_t i = 0; i < n; i++) {
    const char *str = gw_json_string(gw_json_at(v, i), NULL);
    if (!str || !(s[i] = strdup(str))) {
      free_string_array((int)i, s);
      return -1;
    }
  }
  *count = (int)n;
  *out = s;
  return 0;
}

/* A u64 stored as a decimal string (or a JSON integer); -1 if malformed. */
static int get_u64(const gw_json *v, uint64_t *out) {
  const char *s = gw_json_string(v, NULL);
  if (s == NULL) return gw_json_u64(v, out);
  if (*s < '0' || *s > '9') return -1;
  char *end;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 10);
  if (errno || *end) return -1;
  *out = x;
  return 0;
}

/* Message for a WASI errno from the sandboxed resolver. */
static const char *resolve_error_text(int32_t e) {
  switch (e) {
  case WASI_ENOENT: return "No such file or directory";
  case WASI_ENOTDIR: return "Not a directory";
  case WASI_ENOTCAPABLE: return "the path leaves its preopened directory";
  case WASI_ELOOP: return "too many symbolic links";
  case WASI_EACCES: return "Permission denied";
  default: return "cannot resolve the path";
  }
}

#define FAIL(...)                    \
  do {                               \
    snprintf(err, n, __VA_ARGS__);   \
    return -1;                       \
  } while (0)

/* Reopens a file or directory descriptor (no create, no truncate). */
static int reopen(restoring *r, gw_wasi_fd *f, const gw_json *jf,
                  uint32_t fd, char *err, size_t n) {
  const char *guest = r->preopens[f->preopen].guest;
  int follow = (f->lookupflags & WASI_LOOKUP_SYMLINK_FOLLOW) != 0;
  int parent;
  char name[NAME_MAX + 2];
  int32_t e = gw_wasi_resolve_path(r->preopen_host_fd[f->preopen], f->path,
                                   strlen(f->path), follow, &parent, name,
                                   sizeof name);
  if (e != 0)
    FAIL("cannot reopen '%s' in '%s' (fd %u): %s", f->path, guest, fd,
         resolve_error_text(e));
  int dir_only = gw_wasi_strip_slash(name);
  uint64_t rb = f->rights_base;
  int want_read = (rb & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)) != 0;
  int want_write = (rb & (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_WRITE |
                          WASI_RIGHT_FD_ALLOCATE |
                          WASI_RIGHT_FD_FILESTAT_SET_SIZE)) != 0;
  int flags = O_CLOEXEC | O_NOFOLLOW;
  if (f->kind == GW_WASI_FD_DIR || dir_only)
    flags |= O_DIRECTORY | O_RDONLY;
  else if (want_write)
    flags |= want_read ? O_RDWR : O_WRONLY;
  else
    flags |= O_RDONLY;
  if (f->fdflags & WASI_FDFLAG_APPEND) flags |= O_APPEND;
  if (f->fdflags & WASI_FDFLAG_DSYNC) flags |= O_DSYNC;
  if (f->fdflags & WASI_FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
  if (f->fdflags & WASI_FDFLAG_RSYNC) flags |= O_RSYNC;
  if (f->fdflags & WASI_FDFLAG_SYNC) flags |= O_SYNC;
  int host = openat(parent, name, flags);
  int saved = errno;
  close(parent);
  if (host < 0)
    FAIL("cannot reopen '%s' in '%s' (fd %u): %s", f->path, guest, fd,
         strerror(saved));
  f->host_fd = host;
  struct stat sb;
  if (fstat(host, &sb) != 0 ||
      (f->kind == GW_WASI_FD_FILE) == (S_ISDIR(sb.st_mode) != 0))
    FAIL("cannot reopen '%s' in '%s' (fd %u): it is no longer a %s", f->path,
         guest, fd, f->kind == GW_WASI_FD_DIR ? "directory" : "file");
  f->filetype = gw_wasi_filetype(sb.st_mode); /* what it is now */
  if (f->kind == GW_WASI_FD_FILE) {
    const gw_json *jo = gw_json_get(jf, "offset");
    uint64_t off;
    if (jo != NULL) {
      if (get_u64(jo, &off) != 0 || off > INT64_MAX)
        FAIL("WASI state: fd %u: bad offset", fd);
      if (lseek(host, (off_t)off, SEEK_SET) < 0)
        FAIL("cannot seek '%s' (fd %u) to offset %" PRIu64 ": %s", f->path,
             fd, off, strerror(errno));
    }
  }
  return 0;
}

/* Reopens the readdir stream of a directory at entry `index`. */
static int reopen_dir_stream(gw_wasi_fd *f, uint64_t index) {
  if (index == 0) return 0;
  int d = openat(f->host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) return -1;
  f->dir = fdopendir(d);
  if (!f->dir) {
    close(d);
    return -1;
  }
  f->dir_index = 0;
  while (f->dir_index < index && readdir(f->dir)) f->dir_index++;
  return 0;
}

static int restore_fds(gw_wasi *w, restoring *r, const gw_json *jfds,
                       char *err, size_t n) {
  if (gw_json_kind(jfds) != GW_JSON_ARRAY) FAIL("WASI state: bad \"fds\"");
  uint32_t max_fd = 0;
  for (size_t k = 0; k < gw_json_length(jfds); k++) {
    uint64_t fd;
    if (gw_json_u64(gw_json_get(gw_json_at(jfds, k), "fd"), &fd) != 0 ||
        fd >= MAX_FDS)
      FAIL("WASI state: fds[%zu]: bad descriptor number", k);
    if (fd + 1 > max_fd) max_fd = (uint32_t)fd + 1;
  }
  r->num_fds = max_fd < 8 ? 8 : max_fd;
  r->fds = calloc(r->num_fds, sizeof *r->fds);
  if (!r->fds) FAIL("out of memory");
  for (size_t k = 0; k < gw_json_length(jfds); k++) {
    const gw_json *jf = gw_json_at(jfds, k);
    uint64_t fd64 = 0, u;
    gw_json_u64(gw_json_get(jf, "fd"), &fd64);
    uint32_t fd = (uint32_t)fd64;
    if (r->fds[fd].kind != GW_WASI_FD_FREE)
      FAIL("WASI state: descriptor %u appears twice", fd);
    const char *kind = gw_json_string(gw_json_get(jf, "kind"), NULL);
    int k2 = 0;
    for (int i = 1; i < 5 && kind; i++)
      if (strcmp(kind, kind_names[i]) == 0) k2 = i;
    if (k2 == 0) FAIL("WASI state: fd %u: bad kind", fd);
    gw_wasi_fd f = {0};
    f.kind = k2;
    f.host_fd = -1;
    f.preopen = -1;
    const gw_json *flags = gw_json_get(jf, "flags");
    if (gw_json_u64(gw_json_get(jf, "filetype"), &u) != 0 || u > 255)
      FAIL("WASI state: fd %u: bad filetype", fd);
    f.filetype = (uint8_t)u;
    if (gw_json_u64(gw_json_get(flags, "oflags"), &u) != 0 || u > 0xf)
      FAIL("WASI state: fd %u: bad oflags", fd);
    f.oflags = (uint16_t)u;
    if (gw_json_u64(gw_json_get(flags, "fdflags"), &u) != 0 || u > 0x1f)
      FAIL("WASI state: fd %u: bad fdflags", fd);
    f.fdflags = (uint16_t)u;
    if (gw_json_u64(gw_json_get(flags, "lookupflags"), &u) != 0 ||
        u > UINT32_MAX)
      FAIL("WASI state: fd %u: bad lookupflags", fd);
    f.lookupflags = (uint32_t)u;
    if (get_u64(gw_json_get(jf, "rights_base"), &f.rights_base) != 0 ||
        get_u64(gw_json_get(jf, "rights_inheriting"),
                &f.rights_inheriting) != 0)
      FAIL("WASI state: fd %u: bad rights", fd);
    f.rights_base &= WASI_RIGHTS_ALL; /* no rights WASI does not define */
    f.rights_inheriting &= WASI_RIGHTS_ALL;
    if (f.kind == GW_WASI_FD_STDIO) {
      int64_t stream;
      if (gw_json_i64(gw_json_get(jf, "stream"), &stream) != 0 ||
          stream < 0 || stream > 2)
        FAIL("WASI state: fd %u: bad stdio stream", fd);
      /* The stream is this process's own: each at most once, and open. */
      if (r->stdio_seen[stream]++)
        FAIL("WASI state: fd %u: stdio stream %d appears twice", fd,
               (int)stream);
      f.host_fd = w->stdio_host[stream];
      struct stat sb;
      if (fstat(f.host_fd, &sb) != 0)
        FAIL("the snapshot's fd %u is this process's %s, which is not open", fd,
             stream == 0 ? "stdin" : stream == 1 ? "stdout" : "stderr");
      f.filetype = gw_wasi_filetype(sb.st_mode);
      const gw_json *jo = gw_json_get(jf, "offset");
      if (stream == 0 && jo != NULL) {
        uint64_t off;
        if (get_u64(jo, &off) != 0 || off > INT64_MAX)
          FAIL("WASI state: fd %u: bad offset", fd);
        r->stdin_offset = (int64_t)off;
      }
      r->fds[fd] = f;
      continue;
    }
    int64_t p;
    if (gw_json_i64(gw_json_get(jf, "preopen"), &p) != 0 || p < 0 ||
        p >= r->num_preopens)
      FAIL("WASI state: fd %u: bad preopen index", fd);
    f.preopen = (int32_t)p;
    const char *path = gw_json_string(gw_json_get(jf, "path"), NULL);
    if (path == NULL || strlen(path) > 65536)
      FAIL("WASI state: fd %u: bad path", fd);
    f.path = strdup(path);
    if (!f.path) FAIL("out of memory");
    r->fds[fd] = f; /* owned by r from here on (freed on failure) */
    gw_wasi_fd *slot = &r->fds[fd];
    if (f.kind == GW_WASI_FD_PREOPEN) {
      if (r->preopen_has_fd[p]++)
        FAIL("WASI state: fd %u: preopen %d appears twice", fd, (int)p);
      slot->filetype = WASI_FILETYPE_DIRECTORY;
      slot->host_fd = fcntl(r->preopen_host_fd[p], F_DUPFD_CLOEXEC, 0);
      if (slot->host_fd < 0)
        FAIL("cannot reopen preopen '%s': %s", r->preopens[p].guest,
             strerror(errno));
    } else if (reopen(r, slot, jf, fd, err, n) != 0) {
      return -1;
    }
    if (f.kind == GW_WASI_FD_DIR || f.kind == GW_WASI_FD_PREOPEN) {
      uint64_t index = 0;
      const gw_json *ji = gw_json_get(jf, "dir_index");
      if (ji && get_u64(ji, &index) != 0)
        FAIL("WASI state: fd %u: bad dir_index", fd);
      if (reopen_dir_stream(slot, index) != 0)
        FAIL("cannot reopen directory '%s' (fd %u): %s", slot->path, fd,
             strerror(errno));
    }
  }
  return 0;
}

/* Appends s to buf[*at..n) for an error line: control characters (a
 * hostile snapshot's strings reach the terminal) become '?'. */
static void append_clean(char *buf, size_t n, size_t *at, const char *s) {
  for (; *s && *at + 1 < n; s++)
    buf[(*at)++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
  buf[*at < n ? *at : n - 1] = 0;
}

/* "... the snapshot's preopened director(y|ies) 'a', 'b': add --dir HOST::a
 * --dir HOST::b (...)", one line, for the preopens in missing[0..count). */
static void missing_grants_error(const gw_json *jp, const int *missing,
                                 int count, char *err, size_t n) {
  size_t at = 0;
  const char *const parts[] = {
      "this restore does not grant the snapshot's preopened ",
      count == 1 ? "directory " : "directories "};
  for (int i = 0; i < 2; i++) append_clean(err, n, &at, parts[i]);
  /* The recorded path is a hint for one directory; for several, the line
   * would grow too long: inspect lists them. */
  for (int pass = 0; pass < (count == 1 ? 3 : 2); pass++) {
    if (pass == 1) append_clean(err, n, &at, ": add");
    if (pass == 2)
      append_clean(err, n, &at, " (HOST: the directory to give it; it was ");
    int shown = count < 8 ? count : 8; /* the line stays readable */
    for (int i = 0; i < shown; i++) {
      const gw_json *e = gw_json_at(jp, (size_t)missing[i]);
      const char *guest = gw_json_string(gw_json_get(e, "guest"), NULL);
      const char *host = gw_json_string(gw_json_get(e, "host"), NULL);
      if (pass == 0) {
        append_clean(err, n, &at, i ? ", '" : "'");
        append_clean(err, n, &at, guest);
        append_clean(err, n, &at, "'");
      } else if (pass == 1) {
        append_clean(err, n, &at, " --dir HOST::");
        append_clean(err, n, &at, guest);
      } else {
        if (i) append_clean(err, n, &at, ", ");
        append_clean(err, n, &at, host ? host : "?");
      }
    }
    if (shown < count) {
      char more[48];
      snprintf(more, sizeof more, pass == 0 ? " and %d more" : " ...",
               count - shown);
      append_clean(err, n, &at, more);
    }
  }
  append_clean(err, n, &at,
               count == 1 ? " on the checkpointing host)"
                          : " (HOST: the directories to give them; `godwit "
                            "inspect` shows where they were)");
}

/*
 * Opens every preopen of the snapshot at the directory granted for it now:
 * the k-th preopen named G at the k-th grant for G. The snapshot's "host" is
 * used only with GW_WASI_TRUST_SNAPSHOT_PATHS, for preopens no grant names.
 */
static int open_granted_preopens(restoring *r, const gw_json *jp,
                                 const gw_wasi_grant *grants, int num_grants,
                                 unsigned flags, char *err, size_t n) {
  int np = r->num_preopens;
  int *grant_of = calloc((size_t)np + 1, sizeof(int)); /* grant index or -1 */
  int *missing = calloc((size_t)np + 1, sizeof(int));
  char *used = calloc((size_t)num_grants + 1, 1);
  if (!grant_of || !missing || !used) {
    free(grant_of), free(missing), free(used);
    FAIL("out of memory");
  }
  int num_missing = 0, bad = -1;
  for (int p = 0; p < np && bad < 0; p++) {
    const gw_json *e = gw_json_at(jp, (size_t)p);
    const char *host = gw_json_string(gw_json_get(e, "host"), NULL);
    const char *guest = gw_json_string(gw_json_get(e, "guest"), NULL);
    if (!host || !guest || !*guest) {
      bad = p;
      break;
    }
    grant_of[p] = -1;
    for (int g = 0; g < num_grants && grant_of[p] < 0; g++)
      if (!used[g] && strcmp(grants[g].guest, guest) == 0) {
        used[g] = 1;
        grant_of[p] = g;
      }
    if (grant_of[p] < 0 && !(flags & GW_WASI_TRUST_SNAPSHOT_PATHS))
      missing[num_missing++] = p;
  }
  int extra = -1;
  for (int g = 0; g < num_grants && extra < 0; g++)
    if (!used[g]) extra = g;
  free(used);
  if (bad >= 0) {
    free(grant_of), free(missing);
    FAIL("WASI state: preopens[%d]: bad host or guest", bad);
  }
  if (num_missing > 0) {
    missing_grants_error(jp, missing, num_missing, err, n);
    free(grant_of), free(missing);
    return -1;
  }
  if (extra >= 0) {
    int known = 0; /* granted more often than the snapshot has it */
    for (int p = 0; p < np; p++)
      if (grant_of[p] >= 0 &&
          strcmp(grants[grant_of[p]].guest, grants[extra].guest) == 0)
        known = 1;
    free(grant_of), free(missing);
    size_t at = 0;
    const char *const parts[] = {
        "--dir ", grants[extra].host, "::", grants[extra].guest,
        known ? ": given more often than the snapshot has a preopened "
                "directory '"
              : ": the snapshot has no preopened directory '",
        grants[extra].guest,
        "' (a restored program cannot gain directories)"};
    for (int i = 0; i < 7; i++) append_clean(err, n, &at, parts[i]);
    return -1;
  }
  free(missing);
  for (int p = 0; p < np; p++) {
    const gw_json *e = gw_json_at(jp, (size_t)p);
    const char *guest = gw_json_string(gw_json_get(e, "guest"), NULL);
    const char *host = grant_of[p] >= 0
                           ? grants[grant_of[p]].host
                           : gw_json_string(gw_json_get(e, "host"), NULL);
    r->preopens[p].host = strdup(host);
    r->preopens[p].guest = strdup(guest);
    if (!r->preopens[p].host || !r->preopens[p].guest) {
      free(grant_of);
      FAIL("out of memory");
    }
    /* As gw_wasi_new: HOST is the restorer's own path (or trusted). */
    int fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      int saved = errno;
      size_t at = 0;
      const char *const parts[] = {
          grant_of[p] >= 0 ? "cannot open directory '"
                           : "cannot open the snapshot's recorded directory '",
          host, grant_of[p] >= 0 ? "' for --dir " : "' (trusted) for '",
          grant_of[p] >= 0 ? host : guest, grant_of[p] >= 0 ? "::" : "'",
          grant_of[p] >= 0 ? guest : "", ": ", strerror(saved)};
      for (int i = 0; i < 8; i++) append_clean(err, n, &at, parts[i]);
      free(grant_of);
      return -1;
    }
    r->preopen_host_fd[p] = fd;
  }
  free(grant_of);
  return 0;
}

/* Allocates r's preopens from the snapshot's "preopens" and opens them. */
static int restore_preopens(restoring *r, const gw_json *jp,
                            const gw_wasi_grant *grants, int num_grants,
                            unsigned flags, char *err, size_t n) {
  if (gw_json_kind(jp) != GW_JSON_ARRAY || gw_json_length(jp) > MAX_FDS)
    FAIL("WASI state: bad \"preopens\"");
  int np = (int)gw_json_length(jp);
  r->preopens = calloc((size_t)np + 1, sizeof *r->preopens);
  r->preopen_host_fd = calloc((size_t)np + 1, sizeof(int));
  r->preopen_has_fd = calloc((size_t)np + 1, 1);
  if (!r->preopens || !r->preopen_host_fd || !r->preopen_has_fd)
    FAIL("out of memory");
  for (int p = 0; p < np; p++) r->preopen_host_fd[p] = -1;
  r->num_preopens = np;
  return open_granted_preopens(r, jp, grants, num_grants, flags, err, n);
}

static int restore_into(gw_wasi *w, restoring *r, const gw_json *state,
                        const gw_wasi_grant *grants, int num_grants,
                        unsigned flags, char *err, size_t n) {
  if (gw_json_kind(state) != GW_JSON_OBJECT)
    FAIL("the snapshot has no WASI state");
  if (get_strings(gw_json_get(state, "args"), &r->argc, &r->argv) != 0)
    FAIL("WASI state: bad \"args\"");
  if (get_strings(gw_json_get(state, "env"), &r->envc, &r->envp) != 0)
    FAIL("WASI state: bad \"env\"");
  if (restore_preopens(r, gw_json_get(state, "preopens"), grants, num_grants,
                       flags, err, n) != 0)
    return -1;
  r->stdin_offset = -1;
  if (restore_fds(w, r, gw_json_get(state, "fds"), err, n) != 0) return -1;
  const gw_json *js = gw_json_get(state, "sleep");
  if (js != NULL && gw_json_kind(js) != GW_JSON_NULL) {
    const gw_json *jd = gw_json_get(js, "deadlines");
    if (get_u64(gw_json_get(js, "key"), &r->sleep_key) != 0 ||
        gw_json_kind(jd) != GW_JSON_ARRAY || gw_json_length(jd) > 1u << 24)
      FAIL("WASI state: bad \"sleep\"");
    r->sleep_count = (uint32_t)gw_json_length(jd);
    r->sleep_deadlines = calloc(r->sleep_count + 1, sizeof(int64_t));
    if (!r->sleep_deadlines) FAIL("out of memory");
    for (uint32_t i = 0; i < r->sleep_count; i++) {
      const gw_json *d = gw_json_at(jd, i);
      uint64_t v;
      if (gw_json_kind(d) == GW_JSON_NULL) {
        r->sleep_deadlines[i] = -1;
      } else if (get_u64(d, &v) == 0 && v <= INT64_MAX) {
        r->sleep_deadlines[i] = (int64_t)v;
      } else {
        FAIL("WASI state: bad sleep deadline");
      }
    }
    r->sleep_active = 1;
  }
  return 0;
}

int gw_wasi_restore(gw_wasi *w, const gw_json *state,
                    const gw_wasi_grant *grants, int num_grants,
                    unsigned flags, char *err, size_t n) {
  restoring r;
  memset(&r, 0, sizeof r);
  if (restore_into(w, &r, state, grants, num_grants, flags, err, n) != 0) {
    restoring_free(&r);
    return -1;
  }
  /* Everything is open: swap the new state in, release the old. */
  for (uint32_t i = 0; i < w->num_fds; i++)
    if (w->fds[i].kind != GW_WASI_FD_FREE) gw_wasi_close_fd(&w->fds[i]);
  free(w->fds);
  w->fds = r.fds;
  w->num_fds = r.num_fds;
  for (int p = 0; p < w->num_preopens; p++) {
    free(w->preopens[p].host);
    free(w->preopens[p].guest);
  }
  free(w->preopens);
  w->preopens = r.preopens;
  w->num_preopens = r.num_preopens;
  /* The descriptors hold their own copies of the preopens' directories. */
  for (int p = 0; p < r.num_preopens; p++)
    if (r.preopen_host_fd[p] >= 0) close(r.preopen_host_fd[p]);
  free(r.preopen_host_fd);
  free(r.preopen_has_fd);
  free_string_array(w->argc, w->argv);
  free_string_array(w->envc, w->envp);
  w->argc = r.argc;
  w->argv = r.argv;
  w->envc = r.envc;
  w->envp = r.envp;
  free(w->resume_sleep.deadlines);
  w->resume_sleep.active = r.sleep_active;
  w->resume_sleep.key = r.sleep_key;
  w->resume_sleep.count = r.sleep_count;
  w->resume_sleep.deadlines = r.sleep_deadlines;
  struct stat sb;
  if (r.stdin_offset >= 0 && fstat(w->stdio_host[0], &sb) == 0 &&
      S_ISREG(sb.st_mode))
    lseek(w->stdio_host[0], (off_t)r.stdin_offset, SEEK_SET);
  return 0;
}

/* ---- Host hooks ------------------------------------------------------------ */

static int hook_serialize(void *user, gw_json_writer *jw, char *err,
                          size_t n) {
  gw_jw_begin_object(jw);
  gw_jw_key(jw, "wasi");
  int r = gw_wasi_serialize(user, jw, err, n);
  gw_jw_end_object(jw);
  return r;
}

static int hook_restore(void *user, const gw_json *host, char *err,
                        size_t n) {
  gw_wasi *w = user;
  return gw_wasi_restore(w, gw_json_get(host, "wasi"), w->grants,
                         w->num_grants, w->restore_flags, err, n);
}

gw_cr_host_hooks gw_wasi_host_hooks(gw_wasi *w, const gw_wasi_grant *grants,
                                    int num_grants, unsigned flags) {
  w->grants = grants;
  w->num_grants = num_grants;
  w->restore_flags = flags;
  return (gw_cr_host_hooks){
      .user = w, .serialize = hook_serialize, .restore = hook_restore};
}
