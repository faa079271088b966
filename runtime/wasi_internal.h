/*
 * wasi_internal.h: state and helpers shared by runtime/wasi*.c. Not part of
 * any contract: main.c only sees wasi.h.
 *
 * The descriptor table is deliberately plain data (host fd, kind, guest path
 * relative to its preopen, flags, rights) so that a later checkpoint can
 * serialize it and a restore can reopen every file at its offset.
 */
#ifndef GODWIT_WASI_INTERNAL_H
#define GODWIT_WASI_INTERNAL_H

#include <dirent.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "wasi.h"

/* ---- wasi_snapshot_preview1 constants (from the witx) ------------------ */

enum {
  WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3,
  WASI_EADDRNOTAVAIL = 4, WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6,
  WASI_EALREADY = 7, WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10,
  WASI_ECANCELED = 11, WASI_ECHILD = 12, WASI_ECONNABORTED = 13,
  WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15, WASI_EDEADLK = 16,
  WASI_EDESTADDRREQ = 17, WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20,
  WASI_EFAULT = 21, WASI_EFBIG = 22, WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24,
  WASI_EILSEQ = 25, WASI_EINPROGRESS = 26, WASI_EINTR = 27, WASI_EINVAL = 28,
  WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31, WASI_ELOOP = 32,
  WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36,
  WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39,
  WASI_ENETUNREACH = 40, WASI_ENFILE = 41, WASI_ENOBUFS = 42,
  WASI_ENODEV = 43, WASI_ENOENT = 44, WASI_ENOEXEC = 45, WASI_ENOLCK = 46,
  WASI_ENOLINK = 47, WASI_ENOMEM = 48, WASI_ENOMSG = 49,
  WASI_ENOPROTOOPT = 50, WASI_ENOSPC = 51, WASI_ENOSYS = 52,
  WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
  WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58,
  WASI_ENOTTY = 59, WASI_ENXIO = 60, WASI_EOVERFLOW = 61,
  WASI_EOWNERDEAD = 62, WASI_EPERM = 63, WASI_EPIPE = 64, WASI_EPROTO = 65,
  WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67, WASI_ERANGE = 68,
  WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71, WASI_ESTALE = 72,
  WASI_ETIMEDOUT = 73, WASI_ETXTBSY = 74, WASI_EXDEV = 75,
  WASI_ENOTCAPABLE = 76,
};

enum {
  WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1,
  WASI_FILETYPE_CHARACTER_DEVICE = 2, WASI_FILETYPE_DIRECTORY = 3,
  WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
  WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

enum {
  WASI_FDFLAG_APPEND = 1, WASI_FDFLAG_DSYNC = 2, WASI_FDFLAG_NONBLOCK = 4,
  WASI_FDFLAG_RSYNC = 8, WASI_FDFLAG_SYNC = 16,
};
enum {
  WASI_O_CREAT = 1, WASI_O_DIRECTORY = 2, WASI_O_EXCL = 4, WASI_O_TRUNC = 8,
};
enum { WASI_LOOKUP_SYMLINK_FOLLOW = 1 };
enum {
  WASI_FSTFLAG_ATIM = 1, WASI_FSTFLAG_ATIM_NOW = 2, WASI_FSTFLAG_MTIM = 4,
  WASI_FSTFLAG_MTIM_NOW = 8,
};

#define WASI_RIGHT(n) ((uint64_t)1 << (n))
#define WASI_RIGHT_FD_DATASYNC WASI_RIGHT(0)
#define WASI_RIGHT_FD_READ WASI_RIGHT(1)
#define WASI_RIGHT_FD_SEEK WASI_RIGHT(2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS WASI_RIGHT(3)
#define WASI_RIGHT_FD_SYNC WASI_RIGHT(4)
#define WASI_RIGHT_FD_TELL WASI_RIGHT(5)
#define WASI_RIGHT_FD_WRITE WASI_RIGHT(6)
#define WASI_RIGHT_FD_ADVISE WASI_RIGHT(7)
#define WASI_RIGHT_FD_ALLOCATE WASI_RIGHT(8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY WASI_RIGHT(9)
#define WASI_RIGHT_PATH_CREATE_FILE WASI_RIGHT(10)
#define WASI_RIGHT_PATH_OPEN WASI_RIGHT(13)
#define WASI_RIGHT_FD_READDIR WASI_RIGHT(14)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE WASI_RIGHT(22)
#define WASI_RIGHTS_ALL (WASI_RIGHT(30) - 1)

/* ---- Descriptor table --------------------------------------------------- */

typedef enum gw_wasi_fd_kind {
  GW_WASI_FD_FREE = 0, /* unused slot */
  GW_WASI_FD_STDIO,    /* 0/1/2: the embedder's host fd, never closed by us */
  GW_WASI_FD_PREOPEN,  /* a --dir directory */
  GW_WASI_FD_FILE,     /* opened by path_open, not a directory */
  GW_WASI_FD_DIR,      /* opened by path_open, a directory */
} gw_wasi_fd_kind;

/* One WASI descriptor. */
typedef struct gw_wasi_fd {
  int32_t kind;        /* gw_wasi_fd_kind */
  int32_t host_fd;
  int32_t preopen;     /* index of the preopen `path` is relative to, or -1 */
  uint8_t filetype;    /* WASI_FILETYPE_* */
  uint16_t oflags;     /* as passed to path_open */
  uint16_t fdflags;    /* as passed to path_open / fd_fdstat_set_flags */
  uint32_t lookupflags;
  uint64_t rights_base, rights_inheriting;
  char *path;          /* guest path relative to the preopen ("." for it) */
  DIR *dir;            /* fd_readdir stream (owns a dup of host_fd) */
  uint64_t dir_index;  /* entries consumed from `dir` */
} gw_wasi_fd;

/* A --dir HOST::GUEST preopen. */
typedef struct gw_wasi_preopen {
  char *host;
  char *guest;
} gw_wasi_preopen;

struct gw_wasi {
  int argc;
  char **argv;
  int envc;
  char **envp;
  int num_preopens;
  gw_wasi_preopen *preopens;
  gw_wasi_fd *fds;     /* indexed by WASI fd */
  uint32_t num_fds;    /* slots allocated */
  int32_t exit_code;
  char error[256];
  struct gw_wasi_funcref_block *funcrefs; /* handed out by gw_wasi_resolve */
  int stdio_host[3];   /* the embedder's host fds for stdin/stdout/stderr */
  /* Grants and restore flags of gw_wasi_host_hooks (not owned). */
  const gw_wasi_grant *grants;
  int num_grants;
  unsigned restore_flags;
  /* A poll_oneoff abandoned for a checkpoint: when the same call (same
   * subscription bytes, `key`) is issued again, its relative clock
   * subscriptions wait until these absolute CLOCK_REALTIME deadlines (ns;
   * -1: not a relative clock subscription). One-shot: the next poll_oneoff
   * clears it whether or not it matched. */
  struct {
    int active;
    uint64_t key;
    uint32_t count;
    int64_t *deadlines;
  } resume_sleep;
};

/* Identifies a poll_oneoff call by its subscriptions (FNV-1a of the bytes). */
uint64_t gw_wasi_poll_key(const uint8_t *subs, uint32_t count);

/* Current CLOCK_REALTIME in ns. */
int64_t gw_wasi_realtime_ns(void);

/* ---- Helpers shared by wasi*.c ------------------------------------------ */

/* The gw_wasi of an instance (inst->host). */
static inline gw_wasi *gw_wasi_of(gw_instance *inst) {
  return (gw_wasi *)inst->host;
}

/*
 * A pointer to guest memory [ptr, ptr+len) or NULL when that range is not
 * inside memory 0 (the caller returns WASI_EFAULT).
 */
static inline uint8_t *gw_wasi_mem(gw_instance *inst, uint32_t ptr,
                                   uint64_t len) {
  if (!inst->memories || !inst->memories[0] || !inst->mem0_base) return NULL;
  uint64_t size = inst->memories[0]->pages * (uint64_t)GW_PAGE_SIZE;
  if ((uint64_t)ptr + len > size) return NULL;
  return inst->mem0_base + ptr;
}

/* Writes a little-endian u32 / u64 at a checked guest address: 0 or
   WASI_EFAULT. */
static inline int32_t gw_wasi_put_u32(gw_instance *inst, uint32_t ptr,
                                      uint32_t v) {
  uint8_t *p = gw_wasi_mem(inst, ptr, 4);
  if (!p) return WASI_EFAULT;
  memcpy(p, &v, 4);
  return 0;
}

static inline int32_t gw_wasi_put_u64(gw_instance *inst, uint32_t ptr,
                                      uint64_t v) {
  uint8_t *p = gw_wasi_mem(inst, ptr, 8);
  if (!p) return WASI_EFAULT;
  memcpy(p, &v, 8);
  return 0;
}

/* Host errno -> WASI errno. */
int32_t gw_wasi_errno(int host_errno);

/* The open descriptor `fd`, or NULL. */
gw_wasi_fd *gw_wasi_get_fd(gw_wasi *w, int32_t fd);

/* Installs `entry` at the lowest free WASI fd; returns it, or -1. */
int32_t gw_wasi_add_fd(gw_wasi *w, const gw_wasi_fd *entry);

/* Releases a slot: closes the host fd (unless stdio) and frees its state. */
void gw_wasi_close_fd(gw_wasi_fd *f);

/* Host clock of a WASI clock id; 0, or -1 if the id is invalid. */
int gw_wasi_host_clock(int32_t id, clockid_t *out);

/* WASI filetype of a host st_mode. */
uint8_t gw_wasi_filetype(uint32_t st_mode);

/* ---- Sandboxed path resolution (wasi_path.c) ---------------------------- */

/* Maximum number of symlinks expanded while resolving one path. */
#define GW_WASI_MAX_SYMLINKS 40

/*
 * Resolves a guest path relative to the directory host fd `dirfd` without
 * ever leaving it: absolute paths, `..` above it and symlinks (relative or
 * absolute) that lead outside fail with WASI_ENOTCAPABLE; more than
 * GW_WASI_MAX_SYMLINKS expansions fail with WASI_ELOOP. Intermediate
 * symlinks are always followed (inside the sandbox); the last component is
 * followed only if `follow_final`. On success returns 0, *parent_fd is a new
 * host fd (O_PATH) of the directory holding the final component (the caller
 * closes it) and `name` holds that component: "." for the directory itself,
 * never "..", with a trailing "/" when the path had one (only after any
 * symlink there was expanded). Otherwise returns a WASI errno.
 */
int32_t gw_wasi_resolve_path(int dirfd, const char *path, size_t path_len,
                             int follow_final, int *parent_fd, char *name,
                             size_t name_size);

/*
 * Drops the trailing "/" that gw_wasi_resolve_path leaves on `name`; returns
 * 1 if there was one (the entry must be a directory), else 0. A name with a
 * trailing slash must never reach a call that can follow a symlink (openat,
 * fstatat, utimensat, readlinkat): the kernel follows a final symlink before
 * a trailing slash even with O_NOFOLLOW / AT_SYMLINK_NOFOLLOW, so a symlink
 * swapped in after the resolver's check would lead out of the sandbox.
 * Those callers strip it and ask for a directory themselves (O_DIRECTORY, or
 * a check of the fstatat result).
 */
int gw_wasi_strip_slash(char *name);

/*
 * Test seam (NULL in production): called by the resolver with the directory
 * and the name of each component right after it checked that the component
 * is not a symlink, and by the WASI path functions right before they act on
 * the resolved (parent, name), so that a test can swap a symlink in between
 * check and use. Never set outside tests.
 */
extern void (*gw_wasi_race_hook)(int dirfd, const char *name);

/* ---- The wasi_snapshot_preview1 functions (native ABI of godwit.h) ---- */

int32_t gw_wasi_args_get(gw_instance *inst, int32_t argv, int32_t argv_buf);
int32_t gw_wasi_args_sizes_get(gw_instance *inst, int32_t argc_out, int32_t buf_size_out);
int32_t gw_wasi_environ_get(gw_instance *inst, int32_t environ_ptr, int32_t environ_buf);
int32_t gw_wasi_environ_sizes_get(gw_instance *inst, int32_t count_out, int32_t buf_size_out);
int32_t gw_wasi_clock_res_get(gw_instance *inst, int32_t clock_id, int32_t res_out);
int32_t gw_wasi_clock_time_get(gw_instance *inst, int32_t clock_id, int64_t precision, int32_t time_out);
int32_t gw_wasi_fd_advise(gw_instance *inst, int32_t fd, int64_t offset, int64_t len, int32_t advice);
int32_t gw_wasi_fd_allocate(gw_instance *inst, int32_t fd, int64_t offset, int64_t len);
int32_t gw_wasi_fd_close(gw_instance *inst, int32_t fd);
int32_t gw_wasi_fd_datasync(gw_instance *inst, int32_t fd);
int32_t gw_wasi_fd_fdstat_get(gw_instance *inst, int32_t fd, int32_t stat_out);
int32_t gw_wasi_fd_fdstat_set_flags(gw_instance *inst, int32_t fd, int32_t flags);
int32_t gw_wasi_fd_fdstat_set_rights(gw_instance *inst, int32_t fd, int64_t rights_base, int64_t rights_inheriting);
int32_t gw_wasi_fd_filestat_get(gw_instance *inst, int32_t fd, int32_t stat_out);
int32_t gw_wasi_fd_filestat_set_size(gw_instance *inst, int32_t fd, int64_t size);
int32_t gw_wasi_fd_filestat_set_times(gw_instance *inst, int32_t fd, int64_t atim, int64_t mtim, int32_t fst_flags);
int32_t gw_wasi_fd_pread(gw_instance *inst, int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset, int32_t nread_out);
int32_t gw_wasi_fd_prestat_get(gw_instance *inst, int32_t fd, int32_t prestat_out);
int32_t gw_wasi_fd_prestat_dir_name(gw_instance *inst, int32_t fd, int32_t path, int32_t path_len);
int32_t gw_wasi_fd_pwrite(gw_instance *inst, int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset, int32_t nwritten_out);
int32_t gw_wasi_fd_read(gw_instance *inst, int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread_out);
int32_t gw_wasi_fd_readdir(gw_instance *inst, int32_t fd, int32_t buf, int32_t buf_len, int64_t cookie, int32_t bufused_out);
int32_t gw_wasi_fd_renumber(gw_instance *inst, int32_t fd, int32_t to);
int32_t gw_wasi_fd_seek(gw_instance *inst, int32_t fd, int64_t offset, int32_t whence, int32_t newoffset_out);
int32_t gw_wasi_fd_sync(gw_instance *inst, int32_t fd);
int32_t gw_wasi_fd_tell(gw_instance *inst, int32_t fd, int32_t offset_out);
int32_t gw_wasi_fd_write(gw_instance *inst, int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten_out);
int32_t gw_wasi_path_create_directory(gw_instance *inst, int32_t fd, int32_t path, int32_t path_len);
int32_t gw_wasi_path_filestat_get(gw_instance *inst, int32_t fd, int32_t flags, int32_t path, int32_t path_len, int32_t stat_out);
int32_t gw_wasi_path_filestat_set_times(gw_instance *inst, int32_t fd, int32_t flags, int32_t path, int32_t path_len, int64_t atim, int64_t mtim, int32_t fst_flags);
int32_t gw_wasi_path_link(gw_instance *inst, int32_t old_fd, int32_t old_flags, int32_t old_path, int32_t old_path_len, int32_t new_fd, int32_t new_path, int32_t new_path_len);
int32_t gw_wasi_path_open(gw_instance *inst, int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags, int64_t rights_base, int64_t rights_inheriting, int32_t fdflags, int32_t fd_out);
int32_t gw_wasi_path_readlink(gw_instance *inst, int32_t fd, int32_t path, int32_t path_len, int32_t buf, int32_t buf_len, int32_t bufused_out);
int32_t gw_wasi_path_remove_directory(gw_instance *inst, int32_t fd, int32_t path, int32_t path_len);
int32_t gw_wasi_path_rename(gw_instance *inst, int32_t fd, int32_t old_path, int32_t old_path_len, int32_t new_fd, int32_t new_path, int32_t new_path_len);
int32_t gw_wasi_path_symlink(gw_instance *inst, int32_t old_path, int32_t old_path_len, int32_t fd, int32_t new_path, int32_t new_path_len);
int32_t gw_wasi_path_unlink_file(gw_instance *inst, int32_t fd, int32_t path, int32_t path_len);
int32_t gw_wasi_poll_oneoff(gw_instance *inst, int32_t in, int32_t out, int32_t nsubscriptions, int32_t nevents_out);
__attribute__((noreturn)) void gw_wasi_proc_exit(gw_instance *inst, int32_t code);
int32_t gw_wasi_proc_raise(gw_instance *inst, int32_t sig);
int32_t gw_wasi_sched_yield(gw_instance *inst);
int32_t gw_wasi_random_get(gw_instance *inst, int32_t buf, int32_t buf_len);
int32_t gw_wasi_sock_accept(gw_instance *inst, int32_t fd, int32_t flags, int32_t fd_out);
int32_t gw_wasi_sock_recv(gw_instance *inst, int32_t fd, int32_t ri_data, int32_t ri_data_len, int32_t ri_flags, int32_t ro_datalen_out, int32_t ro_flags_out);
int32_t gw_wasi_sock_send(gw_instance *inst, int32_t fd, int32_t si_data, int32_t si_data_len, int32_t si_flags, int32_t so_datalen_out);
int32_t gw_wasi_sock_shutdown(gw_instance *inst, int32_t fd, int32_t how);

#endif /* GODWIT_WASI_INTERNAL_H */
