/*
 * wasi.c: WASI preview 1 state (arguments, environment, preopens, the
 * descriptor table), import resolution, and the functions that do not touch
 * the file system: args, environ, clocks, random, proc, sched, sockets.
 * File system functions are in wasi_fs.c, path resolution in wasi_path.c,
 * poll_oneoff in wasi_poll.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi_internal.h"

#define WASI_MODULE "wasi_snapshot_preview1"

/* ---- errno ---------------------------------------------------------------- */

int32_t gw_wasi_errno(int e) {
  switch (e) {
  case 0: return WASI_ESUCCESS;
  case E2BIG: return WASI_E2BIG;
  case EACCES: return WASI_EACCES;
  case EADDRINUSE: return WASI_EADDRINUSE;
  case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
  case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
  case EAGAIN: return WASI_EAGAIN; /* == EWOULDBLOCK */
  case EALREADY: return WASI_EALREADY;
  case EBADF: return WASI_EBADF;
  case EBADMSG: return WASI_EBADMSG;
  case EBUSY: return WASI_EBUSY;
  case ECANCELED: return WASI_ECANCELED;
  case ECHILD: return WASI_ECHILD;
  case ECONNABORTED: return WASI_ECONNABORTED;
  case ECONNREFUSED: return WASI_ECONNREFUSED;
  case ECONNRESET: return WASI_ECONNRESET;
  case EDEADLK: return WASI_EDEADLK;
  case EDESTADDRREQ: return WASI_EDESTADDRREQ;
  case EDOM: return WASI_EDOM;
  case EDQUOT: return WASI_EDQUOT;
  case EEXIST: return WASI_EEXIST;
  case EFAULT: return WASI_EFAULT;
  case EFBIG: return WASI_EFBIG;
  case EHOSTUNREACH: return WASI_EHOSTUNREACH;
  case EIDRM: return WASI_EIDRM;
  case EILSEQ: return WASI_EILSEQ;
  case EINPROGRESS: return WASI_EINPROGRESS;
  case EINTR: return WASI_EINTR;
  case EINVAL: return WASI_EINVAL;
  case EIO: return WASI_EIO;
  case EISCONN: return WASI_EISCONN;
  case EISDIR: return WASI_EISDIR;
  case ELOOP: return WASI_ELOOP;
  case EMFILE: return WASI_EMFILE;
  case EMLINK: return WASI_EMLINK;
  case EMSGSIZE: return WASI_EMSGSIZE;
  case EMULTIHOP: return WASI_EMULTIHOP;
  case ENAMETOOLONG: return WASI_ENAMETOOLONG;
  case ENETDOWN: return WASI_ENETDOWN;
  case ENETRESET: return WASI_ENETRESET;
  case ENETUNREACH: return WASI_ENETUNREACH;
  case ENFILE: return WASI_ENFILE;
  case ENOBUFS: return WASI_ENOBUFS;
  case ENODEV: return WASI_ENODEV;
  case ENOENT: return WASI_ENOENT;
  case ENOEXEC: return WASI_ENOEXEC;
  case ENOLCK: return WASI_ENOLCK;
  case ENOLINK: return WASI_ENOLINK;
  case ENOMEM: return WASI_ENOMEM;
  case ENOMSG: return WASI_ENOMSG;
  case ENOPROTOOPT: return WASI_ENOPROTOOPT;
  case ENOSPC: return WASI_ENOSPC;
  case ENOSYS: return WASI_ENOSYS;
  case ENOTCONN: return WASI_ENOTCONN;
  case ENOTDIR: return WASI_ENOTDIR;
  case ENOTEMPTY: return WASI_ENOTEMPTY;
  case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
  case ENOTSOCK: return WASI_ENOTSOCK;
  case ENOTSUP: return WASI_ENOTSUP; /* == EOPNOTSUPP on Linux */
  case ENOTTY: return WASI_ENOTTY;
  case ENXIO: return WASI_ENXIO;
  case EOVERFLOW: return WASI_EOVERFLOW;
  case EOWNERDEAD: return WASI_EOWNERDEAD;
  case EPERM: return WASI_EPERM;
  case EPIPE: return WASI_EPIPE;
  case EPROTO: return WASI_EPROTO;
  case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
  case EPROTOTYPE: return WASI_EPROTOTYPE;
  case ERANGE: return WASI_ERANGE;
  case EROFS: return WASI_EROFS;
  case ESPIPE: return WASI_ESPIPE;
  case ESRCH: return WASI_ESRCH;
  case ESTALE: return WASI_ESTALE;
  case ETIMEDOUT: return WASI_ETIMEDOUT;
  case ETXTBSY: return WASI_ETXTBSY;
  case EXDEV: return WASI_EXDEV;
  default: return WASI_EIO; /* no WASI equivalent */
  }
}

/* ---- Descriptor table ------------------------------------------------------ */

uint8_t gw_wasi_filetype(uint32_t st_mode) {
  switch (st_mode & S_IFMT) {
  case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
  case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
  case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
  case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  default: return WASI_FILETYPE_UNKNOWN; /* FIFOs too, as wasmtime */
  }
}

gw_wasi_fd *gw_wasi_get_fd(gw_wasi *w, int32_t fd) {
  if (fd < 0 || (uint32_t)fd >= w->num_fds) return NULL;
  gw_wasi_fd *f = &w->fds[fd];
  return f->kind == GW_WASI_FD_FREE ? NULL : f;
}

int32_t gw_wasi_add_fd(gw_wasi *w, const gw_wasi_fd *entry) {
  uint32_t i = 0;
  while (i < w->num_fds && w->fds[i].kind != GW_WASI_FD_FREE) i++;
  if (i == w->num_fds) {
    if (w->num_fds >= (1u << 20)) return -1;
    uint32_t n = w->num_fds ? w->num_fds * 2 : 8;
    gw_wasi_fd *fds = realloc(w->fds, n * sizeof *fds);
    if (!fds) return -1;
    memset(fds + w->num_fds, 0, (n - w->num_fds) * sizeof *fds);
    w->fds = fds;
    w->num_fds = n;
  }
  w->fds[i] = *entry;
  return (int32_t)i;
}

void gw_wasi_close_fd(gw_wasi_fd *f) {
  if (f->dir) closedir(f->dir);
  if (f->kind != GW_WASI_FD_STDIO && f->host_fd >= 0) close(f->host_fd);
  free(f->path);
  memset(f, 0, sizeof *f);
}

/* ---- Lifetime -------------------------------------------------------------- */

/* The funcrefs gw_wasi_resolve hands out: they live as long as the gw_wasi. */
struct gw_wasi_funcref_block {
  struct gw_wasi_funcref_block *next;
  gw_funcref ref;
};

static char **copy_strings(int n, const char *const *src) {
  char **out = calloc((size_t)n + 1, sizeof *out);
  if (!out) return NULL;
  for (int i = 0; i < n; i++) {
    out[i] = strdup(src[i] ? src[i] : "");
    if (!out[i]) {
      for (int j = 0; j < i; j++) free(out[j]);
      free(out);
      return NULL;
    }
  }
  return out;
}

static void free_strings(int n, char **s) {
  if (!s) return;
  for (int i = 0; i < n; i++) free(s[i]);
  free(s);
}

static int add_stdio(gw_wasi *w, int host_fd) {
  gw_wasi_fd f = {0};
  f.kind = GW_WASI_FD_STDIO;
  f.host_fd = host_fd;
  f.preopen = -1;
  struct stat sb;
  f.filetype = fstat(host_fd, &sb) == 0 ? gw_wasi_filetype(sb.st_mode)
                                         : WASI_FILETYPE_UNKNOWN;
  int fl = fcntl(host_fd, F_GETFL);
  if (fl >= 0 && (fl & O_APPEND)) f.fdflags |= WASI_FDFLAG_APPEND;
  if (fl >= 0 && (fl & O_NONBLOCK)) f.fdflags |= WASI_FDFLAG_NONBLOCK;
  f.rights_base = WASI_RIGHTS_ALL;
  f.rights_inheriting = WASI_RIGHTS_ALL;
  return gw_wasi_add_fd(w, &f);
}

gw_wasi *gw_wasi_new(const gw_wasi_config *cfg, char *err, size_t err_len) {
  gw_wasi *w = calloc(1, sizeof *w);
  if (!w) goto oom;
  w->argc = cfg->argc;
  w->envc = cfg->envc;
  w->argv = copy_strings(cfg->argc, cfg->argv);
  w->envp = copy_strings(cfg->envc, cfg->envp);
  if (!w->argv || !w->envp) goto oom;
  w->stdio_host[0] = cfg->stdin_fd;
  w->stdio_host[1] = cfg->stdout_fd;
  w->stdio_host[2] = cfg->stderr_fd;
  if (add_stdio(w, cfg->stdin_fd) != 0 || add_stdio(w, cfg->stdout_fd) != 1 ||
      add_stdio(w, cfg->stderr_fd) != 2)
    goto oom;
  w->preopens = calloc((size_t)cfg->num_preopens + 1, sizeof *w->preopens);
  if (!w->preopens) goto oom;
  for (int i = 0; i < cfg->num_preopens; i++) {
    const char *host = cfg->preopen_host[i];
    const char *guest = cfg->preopen_guest && cfg->preopen_guest[i]
                            ? cfg->preopen_guest[i]
                            : host;
    int fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      snprintf(err, err_len, "cannot open directory '%s' for --dir: %s", host,
               strerror(errno));
      gw_wasi_free(w);
      return NULL;
    }
    w->preopens[i].host = strdup(host);
    w->preopens[i].guest = strdup(guest);
    w->num_preopens = i + 1;
    gw_wasi_fd f = {0};
    f.kind = GW_WASI_FD_PREOPEN;
    f.host_fd = fd;
    f.preopen = i;
    f.filetype = WASI_FILETYPE_DIRECTORY;
    f.rights_base = WASI_RIGHTS_ALL;
    f.rights_inheriting = WASI_RIGHTS_ALL;
    f.path = strdup(".");
    if (!w->preopens[i].host || !w->preopens[i].guest || !f.path ||
        gw_wasi_add_fd(w, &f) < 0) {
      close(fd);
      free(f.path);
      goto oom;
    }
  }
  return w;
oom:
  snprintf(err, err_len, "out of memory while setting up WASI");
  gw_wasi_free(w);
  return NULL;
}

void gw_wasi_free(gw_wasi *w) {
  if (!w) return;
  for (uint32_t i = 0; i < w->num_fds; i++)
    if (w->fds[i].kind != GW_WASI_FD_FREE) gw_wasi_close_fd(&w->fds[i]);
  free(w->fds);
  for (int i = 0; i < w->num_preopens; i++) {
    free(w->preopens[i].host);
    free(w->preopens[i].guest);
  }
  free(w->preopens);
  free_strings(w->argc, w->argv);
  free_strings(w->envc, w->envp);
  free(w->resume_sleep.deadlines);
  while (w->funcrefs) {
    struct gw_wasi_funcref_block *next = w->funcrefs->next;
    free(w->funcrefs);
    w->funcrefs = next;
  }
  free(w);
}

const char *gw_wasi_last_error(gw_wasi *w) { return w->error; }

/* proc_exit takes a u32; a process exit status keeps its low 8 bits, as
 * exit() does natively (a C main returning -3 exits 253): a negative code
 * must not read as "no exit code". */
int32_t gw_wasi_exit_code(gw_wasi *w) {
  return (int32_t)((uint32_t)w->exit_code & 0xffu);
}

/* ---- Import resolution ---------------------------------------------------- */

typedef struct wasi_func {
  const char *name;
  const char *sig; /* godwit.h type_sigs letters */
  void *code;
} wasi_func;

static const wasi_func wasi_funcs[] = {
  {"args_get", "ii:i", (void *)gw_wasi_args_get},
  {"args_sizes_get", "ii:i", (void *)gw_wasi_args_sizes_get},
  {"environ_get", "ii:i", (void *)gw_wasi_environ_get},
  {"environ_sizes_get", "ii:i", (void *)gw_wasi_environ_sizes_get},
  {"clock_res_get", "ii:i", (void *)gw_wasi_clock_res_get},
  {"clock_time_get", "iIi:i", (void *)gw_wasi_clock_time_get},
  {"fd_advise", "iIIi:i", (void *)gw_wasi_fd_advise},
  {"fd_allocate", "iII:i", (void *)gw_wasi_fd_allocate},
  {"fd_close", "i:i", (void *)gw_wasi_fd_close},
  {"fd_datasync", "i:i", (void *)gw_wasi_fd_datasync},
  {"fd_fdstat_get", "ii:i", (void *)gw_wasi_fd_fdstat_get},
  {"fd_fdstat_set_flags", "ii:i", (void *)gw_wasi_fd_fdstat_set_flags},
  {"fd_fdstat_set_rights", "iII:i", (void *)gw_wasi_fd_fdstat_set_rights},
  {"fd_filestat_get", "ii:i", (void *)gw_wasi_fd_filestat_get},
  {"fd_filestat_set_size", "iI:i", (void *)gw_wasi_fd_filestat_set_size},
  {"fd_filestat_set_times", "iIIi:i", (void *)gw_wasi_fd_filestat_set_times},
  {"fd_pread", "iiiIi:i", (void *)gw_wasi_fd_pread},
  {"fd_prestat_get", "ii:i", (void *)gw_wasi_fd_prestat_get},
  {"fd_prestat_dir_name", "iii:i", (void *)gw_wasi_fd_prestat_dir_name},
  {"fd_pwrite", "iiiIi:i", (void *)gw_wasi_fd_pwrite},
  {"fd_read", "iiii:i", (void *)gw_wasi_fd_read},
  {"fd_readdir", "iiiIi:i", (void *)gw_wasi_fd_readdir},
  {"fd_renumber", "ii:i", (void *)gw_wasi_fd_renumber},
  {"fd_seek", "iIii:i", (void *)gw_wasi_fd_seek},
  {"fd_sync", "i:i", (void *)gw_wasi_fd_sync},
  {"fd_tell", "ii:i", (void *)gw_wasi_fd_tell},
  {"fd_write", "iiii:i", (void *)gw_wasi_fd_write},
  {"path_create_directory", "iii:i", (void *)gw_wasi_path_create_directory},
  {"path_filestat_get", "iiiii:i", (void *)gw_wasi_path_filestat_get},
  {"path_filestat_set_times", "iiiiIIi:i", (void *)gw_wasi_path_filestat_set_times},
  {"path_link", "iiiiiii:i", (void *)gw_wasi_path_link},
  {"path_open", "iiiiiIIii:i", (void *)gw_wasi_path_open},
  {"path_readlink", "iiiiii:i", (void *)gw_wasi_path_readlink},
  {"path_remove_directory", "iii:i", (void *)gw_wasi_path_remove_directory},
  {"path_rename", "iiiiii:i", (void *)gw_wasi_path_rename},
  {"path_symlink", "iiiii:i", (void *)gw_wasi_path_symlink},
  {"path_unlink_file", "iii:i", (void *)gw_wasi_path_unlink_file},
  {"poll_oneoff", "iiii:i", (void *)gw_wasi_poll_oneoff},
  {"proc_exit", "i:", (void *)gw_wasi_proc_exit},
  {"proc_raise", "i:i", (void *)gw_wasi_proc_raise},
  {"sched_yield", ":i", (void *)gw_wasi_sched_yield},
  {"random_get", "ii:i", (void *)gw_wasi_random_get},
  {"sock_accept", "iii:i", (void *)gw_wasi_sock_accept},
  {"sock_recv", "iiiiii:i", (void *)gw_wasi_sock_recv},
  {"sock_send", "iiiii:i", (void *)gw_wasi_sock_send},
  {"sock_shutdown", "ii:i", (void *)gw_wasi_sock_shutdown},
};

int gw_wasi_resolve(gw_wasi *w, gw_instance *inst, const gw_import_desc *imp,
                    gw_extern *out) {
  if (strcmp(imp->module, WASI_MODULE) != 0) return 1;
  const wasi_func *fn = NULL;
  for (size_t i = 0; i < sizeof wasi_funcs / sizeof wasi_funcs[0]; i++)
    if (strcmp(wasi_funcs[i].name, imp->name) == 0) fn = &wasi_funcs[i];
  if (!fn) return 1;
  if (imp->kind != GW_EXTERN_FUNC) {
    snprintf(w->error, sizeof w->error,
             "incompatible import type for \"%s\" \"%s\": expected a function",
             imp->module, imp->name);
    return -1;
  }
  const char *sig = imp->type < inst->module->num_types
                        ? inst->module->type_sigs[imp->type]
                        : "?";
  if (strcmp(sig, fn->sig) != 0) {
    snprintf(w->error, sizeof w->error,
             "incompatible import type for \"%s\" \"%s\": expected (%s), "
             "module declares (%s)",
             imp->module, imp->name, fn->sig, sig);
    return -1;
  }
  struct gw_wasi_funcref_block *b = calloc(1, sizeof *b);
  if (!b) {
    snprintf(w->error, sizeof w->error, "out of memory");
    return -1;
  }
  b->ref.code = fn->code;
  b->ref.instance = inst;
  b->ref.type_id = gw_intern_type(fn->sig);
  b->next = w->funcrefs;
  w->funcrefs = b;
  out->kind = GW_EXTERN_FUNC;
  out->u.func = &b->ref;
  return 0;
}

/* ---- args / environ ----------------------------------------------------- */

static int32_t strings_sizes(gw_instance *inst, int n, char **s,
                             uint32_t count_out, uint32_t size_out) {
  uint64_t size = 0;
  for (int i = 0; i < n; i++) size += strlen(s[i]) + 1;
  if (size > UINT32_MAX) return WASI_EOVERFLOW;
  if (!gw_wasi_mem(inst, count_out, 4) || !gw_wasi_mem(inst, size_out, 4))
    return WASI_EFAULT;
  gw_wasi_put_u32(inst, count_out, (uint32_t)n);
  gw_wasi_put_u32(inst, size_out, (uint32_t)size);
  return 0;
}

static int32_t strings_get(gw_instance *inst, int n, char **s, uint32_t ptrs,
                           uint32_t buf) {
  uint64_t size = 0;
  for (int i = 0; i < n; i++) size += strlen(s[i]) + 1;
  uint8_t *b = gw_wasi_mem(inst, buf, size);
  if (!b || !gw_wasi_mem(inst, ptrs, (uint64_t)n * 4)) return WASI_EFAULT;
  uint32_t at = buf;
  for (int i = 0; i < n; i++) {
    size_t len = strlen(s[i]) + 1;
    memcpy(b, s[i], len);
    gw_wasi_put_u32(inst, ptrs + (uint32_t)i * 4, at);
    b += len;
    at += (uint32_t)len;
  }
  return 0;
}

int32_t gw_wasi_args_sizes_get(gw_instance *inst, int32_t argc_out,
                               int32_t buf_size_out) {
  gw_wasi *w = gw_wasi_of(inst);
  return strings_sizes(inst, w->argc, w->argv, (uint32_t)argc_out,
                       (uint32_t)buf_size_out);
}

int32_t gw_wasi_args_get(gw_instance *inst, int32_t argv, int32_t argv_buf) {
  gw_wasi *w = gw_wasi_of(inst);
  return strings_get(inst, w->argc, w->argv, (uint32_t)argv,
                     (uint32_t)argv_buf);
}

int32_t gw_wasi_environ_sizes_get(gw_instance *inst, int32_t count_out,
                                  int32_t buf_size_out) {
  gw_wasi *w = gw_wasi_of(inst);
  return strings_sizes(inst, w->envc, w->envp, (uint32_t)count_out,
                       (uint32_t)buf_size_out);
}

int32_t gw_wasi_environ_get(gw_instance *inst, int32_t environ_ptr,
                            int32_t environ_buf) {
  gw_wasi *w = gw_wasi_of(inst);
  return strings_get(inst, w->envc, w->envp, (uint32_t)environ_ptr,
                     (uint32_t)environ_buf);
}

/* ---- Clocks ---------------------------------------------------------------- */

int gw_wasi_host_clock(int32_t id, clockid_t *out) {
  switch (id) {
  case 0: *out = CLOCK_REALTIME; return 0;
  case 1: *out = CLOCK_MONOTONIC; return 0;
  case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return 0;
  case 3: *out = CLOCK_THREAD_CPUTIME_ID; return 0;
  default: return -1;
  }
}

int32_t gw_wasi_clock_res_get(gw_instance *inst, int32_t clock_id,
                              int32_t res_out) {
  clockid_t c;
  if (gw_wasi_host_clock(clock_id, &c) != 0) return WASI_EINVAL;
  struct timespec ts;
  if (clock_getres(c, &ts) != 0) return gw_wasi_errno(errno);
  return gw_wasi_put_u64(inst, (uint32_t)res_out,
                 (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

int32_t gw_wasi_clock_time_get(gw_instance *inst, int32_t clock_id,
                               int64_t precision, int32_t time_out) {
  (void)precision;
  clockid_t c;
  if (gw_wasi_host_clock(clock_id, &c) != 0) return WASI_EINVAL;
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0) return gw_wasi_errno(errno);
  return gw_wasi_put_u64(inst, (uint32_t)time_out,
                 (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/* ---- proc, sched, random ---------------------------------------------------- */

void gw_wasi_proc_exit(gw_instance *inst, int32_t code) {
  gw_wasi_of(inst)->exit_code = code;
  gw_trap(inst, GW_TRAP_EXIT);
}

int32_t gw_wasi_proc_raise(gw_instance *inst, int32_t sig) {
  (void)inst;
  (void)sig;
  return WASI_ENOSYS;
}

int32_t gw_wasi_sched_yield(gw_instance *inst) {
  (void)inst;
  sched_yield();
  return 0;
}

int32_t gw_wasi_random_get(gw_instance *inst, int32_t buf, int32_t buf_len) {
  uint8_t *p = gw_wasi_mem(inst, (uint32_t)buf, (uint32_t)buf_len);
  if (!p) return WASI_EFAULT;
  size_t done = 0, len = (uint32_t)buf_len;
  while (done < len) {
    ssize_t n = getrandom(p + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return gw_wasi_errno(errno);
    }
    done += (size_t)n;
  }
  return 0;
}

/* ---- Sockets: no socket descriptors exist (as in wasmtime without
 * --tcplisten); valid descriptors are simply not sockets. ------------------ */

static int32_t not_a_socket(gw_instance *inst, int32_t fd) {
  return gw_wasi_get_fd(gw_wasi_of(inst), fd) ? WASI_ENOTSOCK : WASI_EBADF;
}

int32_t gw_wasi_sock_accept(gw_instance *inst, int32_t fd, int32_t flags,
                            int32_t fd_out) {
  (void)flags;
  (void)fd_out;
  return not_a_socket(inst, fd);
}

int32_t gw_wasi_sock_recv(gw_instance *inst, int32_t fd, int32_t ri_data,
                          int32_t ri_data_len, int32_t ri_flags,
                          int32_t ro_datalen_out, int32_t ro_flags_out) {
  (void)ri_data, (void)ri_data_len, (void)ri_flags, (void)ro_datalen_out,
      (void)ro_flags_out;
  return not_a_socket(inst, fd);
}

int32_t gw_wasi_sock_send(gw_instance *inst, int32_t fd, int32_t si_data,
                          int32_t si_data_len, int32_t si_flags,
                          int32_t so_datalen_out) {
  (void)si_data, (void)si_data_len, (void)si_flags, (void)so_datalen_out;
  return not_a_socket(inst, fd);
}

int32_t gw_wasi_sock_shutdown(gw_instance *inst, int32_t fd, int32_t how) {
  (void)how;
  return not_a_socket(inst, fd);
}
