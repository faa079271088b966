/*
 * wasi_fs.c: the fd_* and path_* functions of wasi_snapshot_preview1. Every
 * guest pointer is checked against memory 0 before use (WASI_EFAULT) and
 * every path goes through gw_wasi_resolve_path (the sandbox).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi_internal.h"

/* Largest guest path accepted (bytes). */
#define MAX_GUEST_PATH 65536

/* ---- Small helpers ---------------------------------------------------------- */

static int is_dir_kind(const gw_wasi_fd *f) {
  return f->kind == GW_WASI_FD_PREOPEN || f->kind == GW_WASI_FD_DIR;
}

/* The descriptor for a file operation: EBADF for closed fds and directories
 * (as wasmtime), otherwise 0 with *out set. */
static int32_t file_fd(gw_instance *inst, int32_t fd, gw_wasi_fd **out) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f || is_dir_kind(f)) return WASI_EBADF;
  *out = f;
  return 0;
}

/* Converts a guest iovec array (u32 buf, u32 len each) to host iovecs. */
static int32_t get_iovs(gw_instance *inst, uint32_t iovs, uint32_t iovs_len,
                        struct iovec **out, int *count) {
  uint32_t n = iovs_len > IOV_MAX ? IOV_MAX : iovs_len;
  uint8_t *raw = gw_wasi_mem(inst, iovs, (uint64_t)iovs_len * 8);
  if (!raw) return WASI_EFAULT;
  struct iovec *v = calloc(n ? n : 1, sizeof *v);
  if (!v) return WASI_ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf, len;
    memcpy(&buf, raw + i * 8, 4);
    memcpy(&len, raw + i * 8 + 4, 4);
    uint8_t *p = gw_wasi_mem(inst, buf, len);
    if (!p) {
      free(v);
      return WASI_EFAULT;
    }
    v[i].iov_base = p;
    v[i].iov_len = len;
  }
  *out = v;
  *count = (int)n;
  return 0;
}

/* A guest path as a checked pointer; EFAULT/ENAMETOOLONG otherwise. */
static int32_t get_path(gw_instance *inst, int32_t path, int32_t path_len,
                        const char **out) {
  if ((uint32_t)path_len > MAX_GUEST_PATH) return WASI_ENAMETOOLONG;
  const char *p = (const char *)gw_wasi_mem(inst, (uint32_t)path,
                                            (uint32_t)path_len);
  if (!p) return WASI_EFAULT;
  *out = p;
  return 0;
}

/*
 * Resolves (fd, path) inside the sandbox: *parent is a host directory fd the
 * caller closes, name the final component. *dir (optional) gets the entry.
 */
static int32_t resolve(gw_instance *inst, int32_t fd, int32_t path,
                       int32_t path_len, int follow, int *parent, char *name,
                       gw_wasi_fd **dir) {
  gw_wasi_fd *d = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!d) return WASI_EBADF;
  if (!is_dir_kind(d)) return WASI_ENOTDIR;
  const char *p;
  int32_t e = get_path(inst, path, path_len, &p);
  if (e) return e;
  if (dir) *dir = d;
  e = gw_wasi_resolve_path(d->host_fd, p, (uint32_t)path_len, follow, parent,
                           name, NAME_MAX + 2);
  if (e == 0 && gw_wasi_race_hook) gw_wasi_race_hook(*parent, name);
  return e;
}

/* For a name whose path ended in "/" (gw_wasi_strip_slash): 0 if it is a
 * directory (not following a symlink), else a WASI errno. */
static int32_t must_be_dir(int parent, const char *name) {
  struct stat sb;
  if (fstatat(parent, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
    return gw_wasi_errno(errno);
  return S_ISDIR(sb.st_mode) ? 0 : WASI_ENOTDIR;
}

static void put_filestat(uint8_t *p, const struct stat *sb) {
  uint64_t v[8] = {0};
  v[0] = (uint64_t)sb->st_dev;
  v[1] = (uint64_t)sb->st_ino;
  v[3] = (uint64_t)sb->st_nlink;
  v[4] = (uint64_t)sb->st_size;
  v[5] = (uint64_t)sb->st_atim.tv_sec * 1000000000u +
         (uint64_t)sb->st_atim.tv_nsec;
  v[6] = (uint64_t)sb->st_mtim.tv_sec * 1000000000u +
         (uint64_t)sb->st_mtim.tv_nsec;
  v[7] = (uint64_t)sb->st_ctim.tv_sec * 1000000000u +
         (uint64_t)sb->st_ctim.tv_nsec;
  memcpy(p, v, 64);
  p[16] = gw_wasi_filetype(sb->st_mode); /* filetype u8, then padding */
}

/* WASI (timestamps, fstflags) -> utimensat times; EINVAL on conflicts. */
static int32_t get_times(int64_t atim, int64_t mtim, int32_t fst,
                         struct timespec ts[2]) {
  if ((fst & WASI_FSTFLAG_ATIM) && (fst & WASI_FSTFLAG_ATIM_NOW))
    return WASI_EINVAL;
  if ((fst & WASI_FSTFLAG_MTIM) && (fst & WASI_FSTFLAG_MTIM_NOW))
    return WASI_EINVAL;
  if (fst & ~0xf) return WASI_EINVAL;
  const int64_t stamps[2] = {atim, mtim};
  for (int i = 0; i < 2; i++) {
    int set = fst & (i ? WASI_FSTFLAG_MTIM : WASI_FSTFLAG_ATIM);
    int now = fst & (i ? WASI_FSTFLAG_MTIM_NOW : WASI_FSTFLAG_ATIM_NOW);
    ts[i].tv_sec = 0;
    if (set) {
      uint64_t t = (uint64_t)stamps[i];
      ts[i].tv_sec = (time_t)(t / 1000000000u);
      ts[i].tv_nsec = (long)(t % 1000000000u);
    } else {
      ts[i].tv_nsec = now ? UTIME_NOW : UTIME_OMIT;
    }
  }
  return 0;
}

/* "base/rel" with base "." dropped: the guest path kept for checkpoints. */
static char *join_path(const char *base, const char *rel, size_t rel_len) {
  size_t bl = (base && strcmp(base, ".") != 0) ? strlen(base) : 0;
  char *s = malloc(bl + 1 + rel_len + 1);
  if (!s) return NULL;
  size_t at = 0;
  if (bl) {
    memcpy(s, base, bl);
    s[bl] = '/';
    at = bl + 1;
  }
  memcpy(s + at, rel, rel_len);
  s[at + rel_len] = 0;
  return s;
}

/* ---- Descriptor operations ---------------------------------------------- */

int32_t gw_wasi_fd_advise(gw_instance *inst, int32_t fd, int64_t offset,
                          int64_t len, int32_t advice) {
  gw_wasi_fd *f;
  int32_t e = file_fd(inst, fd, &f);
  if (e) return e;
  static const int host_advice[] = {
      POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
      POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE,
  };
  if (advice < 0 || advice > 5 || offset < 0 || len < 0) return WASI_EINVAL;
  int r = posix_fadvise(f->host_fd, offset, len, host_advice[advice]);
  return r == ESPIPE ? 0 : gw_wasi_errno(r); /* pipes: advice is a no-op */
}

int32_t gw_wasi_fd_allocate(gw_instance *inst, int32_t fd, int64_t offset,
                            int64_t len) {
  gw_wasi_fd *f;
  int32_t e = file_fd(inst, fd, &f);
  if (e) return e;
  if (offset < 0 || len <= 0) return WASI_EINVAL;
  return gw_wasi_errno(posix_fallocate(f->host_fd, offset, len));
}

int32_t gw_wasi_fd_close(gw_instance *inst, int32_t fd) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f) return WASI_EBADF;
  gw_wasi_close_fd(f);
  return 0;
}

int32_t gw_wasi_fd_datasync(gw_instance *inst, int32_t fd) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f) return WASI_EBADF;
  return fdatasync(f->host_fd) == 0 ? 0 : gw_wasi_errno(errno);
}

int32_t gw_wasi_fd_sync(gw_instance *inst, int32_t fd) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f) return WASI_EBADF;
  return fsync(f->host_fd) == 0 ? 0 : gw_wasi_errno(errno);
}

int32_t gw_wasi_fd_fdstat_get(gw_instance *inst, int32_t fd,
                              int32_t stat_out) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f) return WASI_EBADF;
  uint8_t *p = gw_wasi_mem(inst, (uint32_t)stat_out, 24);
  if (!p) return WASI_EFAULT;
  uint16_t flags = f->fdflags & (WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC |
                                 WASI_FDFLAG_SYNC);
  int fl = fcntl(f->host_fd, F_GETFL);
  if (fl >= 0 && (fl & O_APPEND)) flags |= WASI_FDFLAG_APPEND;
  if (fl >= 0 && (fl & O_NONBLOCK)) flags |= WASI_FDFLAG_NONBLOCK;
  uint8_t buf[24] = {0};
  buf[0] = f->filetype;
  memcpy(buf + 2, &flags, 2);
  memcpy(buf + 8, &f->rights_base, 8);
  memcpy(buf + 16, &f->rights_inheriting, 8);
  memcpy(p, buf, 24);
  return 0;
}

int32_t gw_wasi_fd_fdstat_set_flags(gw_instance *inst, int32_t fd,
                                    int32_t flags) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f) return WASI_EBADF;
  if (flags & ~0x1f) return WASI_EINVAL;
  /* Linux cannot change the sync flags of an open file (wasmtime: ENOTSUP). */
  if ((flags ^ f->fdflags) &
      (WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC))
    return WASI_ENOTSUP;
  int fl = fcntl(f->host_fd, F_GETFL);
  if (fl < 0) return gw_wasi_errno(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & WASI_FDFLAG_APPEND) fl |= O_APPEND;
  if (flags & WASI_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
  if (fcntl(f->host_fd, F_SETFL, fl) != 0) return gw_wasi_errno(errno);
  f->fdflags = (uint16_t)flags;
  return 0;
}

int32_t gw_wasi_fd_fdstat_set_rights(gw_instance *inst, int32_t fd,
                                     int64_t rights_base,
                                     int64_t rights_inheriting) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f) return WASI_EBADF;
  uint64_t b = (uint64_t)rights_base, i = (uint64_t)rights_inheriting;
  if ((b & ~f->rights_base) || (i & ~f->rights_inheriting))
    return WASI_ENOTCAPABLE; /* rights can only be dropped */
  f->rights_base = b;
  f->rights_inheriting = i;
  return 0;
}

int32_t gw_wasi_fd_filestat_get(gw_instance *inst, int32_t fd,
                                int32_t stat_out) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f) return WASI_EBADF;
  uint8_t *p = gw_wasi_mem(inst, (uint32_t)stat_out, 64);
  if (!p) return WASI_EFAULT;
  struct stat sb;
  if (fstat(f->host_fd, &sb) != 0) return gw_wasi_errno(errno);
  put_filestat(p, &sb);
  return 0;
}

int32_t gw_wasi_fd_filestat_set_size(gw_instance *inst, int32_t fd,
                                     int64_t size) {
  gw_wasi_fd *f;
  int32_t e = file_fd(inst, fd, &f);
  if (e) return e;
  if (size < 0) return WASI_EINVAL;
  return ftruncate(f->host_fd, size) == 0 ? 0 : gw_wasi_errno(errno);
}

int32_t gw_wasi_fd_filestat_set_times(gw_instance *inst, int32_t fd,
                                      int64_t atim, int64_t mtim,
                                      int32_t fst_flags) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f) return WASI_EBADF;
  struct timespec ts[2];
  int32_t e = get_times(atim, mtim, fst_flags, ts);
  if (e) return e;
  return futimens(f->host_fd, ts) == 0 ? 0 : gw_wasi_errno(errno);
}

/*
 * Before a read that may block (a pipe or terminal without O_NONBLOCK):
 * waits in slices of at most 50 ms until the descriptor is readable, so that
 * a requested checkpoint is honoured; returns -1 when the read was abandoned
 * for it (gw_cr_abandon_host_call), 0 to go ahead and read.
 */
static int wait_readable(gw_instance *inst, const gw_wasi_fd *f) {
  if (inst->exec == NULL || inst->exec->cr == NULL) return 0;
  struct stat sb;
  if (fstat(f->host_fd, &sb) != 0 || S_ISREG(sb.st_mode) ||
      S_ISDIR(sb.st_mode))
    return 0;
  int fl = fcntl(f->host_fd, F_GETFL);
  if (fl < 0 || (fl & O_NONBLOCK)) return 0;
  for (;;) {
    struct pollfd p = {.fd = f->host_fd, .events = POLLIN};
    int r = poll(&p, 1, 50);
    if (r > 0 || (r < 0 && errno != EINTR)) return 0;
    if (gw_cr_checkpoint_requested(inst) && gw_cr_abandon_host_call(inst))
      return -1;
  }
}

/* Shared body of fd_read/fd_write/fd_pread/fd_pwrite. */
static int32_t do_io(gw_instance *inst, int32_t fd, int32_t iovs,
                     int32_t iovs_len, int write, int positional,
                     int64_t offset, int32_t count_out) {
  gw_wasi_fd *f;
  int32_t e = file_fd(inst, fd, &f);
  if (e) return e;
  if (!gw_wasi_mem(inst, (uint32_t)count_out, 4)) return WASI_EFAULT;
  if (positional && offset < 0) return WASI_EINVAL;
  struct iovec *v;
  int n;
  e = get_iovs(inst, (uint32_t)iovs, (uint32_t)iovs_len, &v, &n);
  if (e) return e;
  if (!write && !positional && wait_readable(inst, f) != 0) {
    free(v);
    return WASI_EINTR; /* abandoned for a checkpoint: nothing was read */
  }
  ssize_t r;
  do {
    if (positional)
      r = write ? pwritev(f->host_fd, v, n, offset)
                : preadv(f->host_fd, v, n, offset);
    else
      r = write ? writev(f->host_fd, v, n) : readv(f->host_fd, v, n);
  } while (r < 0 && errno == EINTR);
  int saved = errno;
  free(v);
  if (r < 0) return gw_wasi_errno(saved);
  return gw_wasi_put_u32(inst, (uint32_t)count_out, (uint32_t)r);
}

int32_t gw_wasi_fd_read(gw_instance *inst, int32_t fd, int32_t iovs,
                        int32_t iovs_len, int32_t nread_out) {
  return do_io(inst, fd, iovs, iovs_len, 0, 0, 0, nread_out);
}

int32_t gw_wasi_fd_write(gw_instance *inst, int32_t fd, int32_t iovs,
                         int32_t iovs_len, int32_t nwritten_out) {
  return do_io(inst, fd, iovs, iovs_len, 1, 0, 0, nwritten_out);
}

int32_t gw_wasi_fd_pread(gw_instance *inst, int32_t fd, int32_t iovs,
                         int32_t iovs_len, int64_t offset,
                         int32_t nread_out) {
  return do_io(inst, fd, iovs, iovs_len, 0, 1, offset, nread_out);
}

int32_t gw_wasi_fd_pwrite(gw_instance *inst, int32_t fd, int32_t iovs,
                          int32_t iovs_len, int64_t offset,
                          int32_t nwritten_out) {
  return do_io(inst, fd, iovs, iovs_len, 1, 1, offset, nwritten_out);
}

int32_t gw_wasi_fd_prestat_get(gw_instance *inst, int32_t fd,
                               int32_t prestat_out) {
  gw_wasi *w = gw_wasi_of(inst);
  gw_wasi_fd *f = gw_wasi_get_fd(w, fd);
  if (!f || f->kind != GW_WASI_FD_PREOPEN) return WASI_EBADF;
  uint8_t *p = gw_wasi_mem(inst, (uint32_t)prestat_out, 8);
  if (!p) return WASI_EFAULT;
  uint8_t buf[8] = {0}; /* tag 0 = dir, then u32 name length */
  uint32_t len = (uint32_t)strlen(w->preopens[f->preopen].guest);
  memcpy(buf + 4, &len, 4);
  memcpy(p, buf, 8);
  return 0;
}

int32_t gw_wasi_fd_prestat_dir_name(gw_instance *inst, int32_t fd,
                                    int32_t path, int32_t path_len) {
  gw_wasi *w = gw_wasi_of(inst);
  gw_wasi_fd *f = gw_wasi_get_fd(w, fd);
  if (!f || f->kind != GW_WASI_FD_PREOPEN) return WASI_EBADF;
  const char *name = w->preopens[f->preopen].guest;
  size_t len = strlen(name);
  if ((uint32_t)path_len < len) return WASI_ENAMETOOLONG;
  uint8_t *p = gw_wasi_mem(inst, (uint32_t)path, len);
  if (!p) return WASI_EFAULT;
  memcpy(p, name, len);
  return 0;
}

int32_t gw_wasi_fd_readdir(gw_instance *inst, int32_t fd, int32_t buf,
                           int32_t buf_len, int64_t cookie,
                           int32_t bufused_out) {
  gw_wasi_fd *f = gw_wasi_get_fd(gw_wasi_of(inst), fd);
  if (!f) return WASI_EBADF;
  if (!is_dir_kind(f)) return WASI_ENOTDIR;
  uint8_t *out = gw_wasi_mem(inst, (uint32_t)buf, (uint32_t)buf_len);
  if (!out || !gw_wasi_mem(inst, (uint32_t)bufused_out, 4)) return WASI_EFAULT;
  if (!f->dir) { /* own open file description: host_fd's offset stays put */
    int d = openat(f->host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0) return gw_wasi_errno(errno);
    f->dir = fdopendir(d);
    if (!f->dir) {
      int saved = errno;
      close(d);
      return gw_wasi_errno(saved);
    }
    f->dir_index = 0;
  }
  /* Cookies are entry indices: resume where the stream is, else rewind. */
  if ((uint64_t)cookie != f->dir_index) {
    rewinddir(f->dir);
    f->dir_index = 0;
    while (f->dir_index < (uint64_t)cookie) {
      errno = 0;
      if (!readdir(f->dir)) {
        if (errno) return gw_wasi_errno(errno);
        break;
      }
      f->dir_index++;
    }
  }
  uint32_t used = 0, cap = (uint32_t)buf_len;
  while (used < cap) {
    errno = 0;
    struct dirent *de = readdir(f->dir);
    if (!de) {
      if (errno) return gw_wasi_errno(errno);
      break;
    }
    f->dir_index++;
    uint8_t hdr[24] = {0};
    uint64_t next = f->dir_index, ino = (uint64_t)de->d_ino;
    uint32_t namlen = (uint32_t)strlen(de->d_name);
    uint8_t type;
    switch (de->d_type) {
    case DT_BLK: type = WASI_FILETYPE_BLOCK_DEVICE; break;
    case DT_CHR: type = WASI_FILETYPE_CHARACTER_DEVICE; break;
    case DT_DIR: type = WASI_FILETYPE_DIRECTORY; break;
    case DT_REG: type = WASI_FILETYPE_REGULAR_FILE; break;
    case DT_SOCK: type = WASI_FILETYPE_SOCKET_STREAM; break;
    case DT_LNK: type = WASI_FILETYPE_SYMBOLIC_LINK; break;
    case DT_UNKNOWN: {
      struct stat sb;
      type = fstatat(f->host_fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0
                 ? gw_wasi_filetype(sb.st_mode)
                 : WASI_FILETYPE_UNKNOWN;
      break;
    }
    default: type = WASI_FILETYPE_UNKNOWN;
    }
    memcpy(hdr, &next, 8);
    memcpy(hdr + 8, &ino, 8);
    memcpy(hdr + 16, &namlen, 4);
    hdr[20] = type;
    /* A truncated last entry tells the caller to retry with a bigger buffer. */
    uint32_t n = cap - used < 24 ? cap - used : 24;
    memcpy(out + used, hdr, n);
    used += n;
    n = cap - used < namlen ? cap - used : namlen;
    memcpy(out + used, de->d_name, n);
    used += n;
  }
  return gw_wasi_put_u32(inst, (uint32_t)bufused_out, used);
}

int32_t gw_wasi_fd_renumber(gw_instance *inst, int32_t fd, int32_t to) {
  gw_wasi *w = gw_wasi_of(inst);
  gw_wasi_fd *from = gw_wasi_get_fd(w, fd);
  gw_wasi_fd *dst = gw_wasi_get_fd(w, to);
  if (!from || !dst) return WASI_EBADF;
  if (from == dst) return 0;
  gw_wasi_close_fd(dst);
  *dst = *from;
  memset(from, 0, sizeof *from);
  return 0;
}

int32_t gw_wasi_fd_seek(gw_instance *inst, int32_t fd, int64_t offset,
                        int32_t whence, int32_t newoffset_out) {
  gw_wasi_fd *f;
  int32_t e = file_fd(inst, fd, &f);
  if (e) return e;
  static const int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence < 0 || whence > 2) return WASI_EINVAL;
  if (!gw_wasi_mem(inst, (uint32_t)newoffset_out, 8)) return WASI_EFAULT;
  off_t r = lseek(f->host_fd, offset, host_whence[whence]);
  if (r < 0) return gw_wasi_errno(errno);
  return gw_wasi_put_u64(inst, (uint32_t)newoffset_out, (uint64_t)r);
}

int32_t gw_wasi_fd_tell(gw_instance *inst, int32_t fd, int32_t offset_out) {
  gw_wasi_fd *f;
  int32_t e = file_fd(inst, fd, &f);
  if (e) return e;
  if (!gw_wasi_mem(inst, (uint32_t)offset_out, 8)) return WASI_EFAULT;
  off_t r = lseek(f->host_fd, 0, SEEK_CUR);
  if (r < 0) return gw_wasi_errno(errno);
  return gw_wasi_put_u64(inst, (uint32_t)offset_out, (uint64_t)r);
}

/* ---- Path operations --------------------------------------------------------- */

int32_t gw_wasi_path_create_directory(gw_instance *inst, int32_t fd,
                                      int32_t path, int32_t path_len) {
  int parent;
  char name[NAME_MAX + 2];
  int32_t e = resolve(inst, fd, path, path_len, 0, &parent, name, NULL);
  if (e) return e;
  int r = mkdirat(parent, name, 0777);
  int saved = errno;
  close(parent);
  return r == 0 ? 0 : gw_wasi_errno(saved);
}

int32_t gw_wasi_path_filestat_get(gw_instance *inst, int32_t fd,
                                  int32_t flags, int32_t path,
                                  int32_t path_len, int32_t stat_out) {
  uint8_t *p = gw_wasi_mem(inst, (uint32_t)stat_out, 64);
  int parent;
  char name[NAME_MAX + 2];
  int32_t e = resolve(inst, fd, path, path_len,
                      flags & WASI_LOOKUP_SYMLINK_FOLLOW, &parent, name, NULL);
  if (e) return e;
  if (!p) {
    close(parent);
    return WASI_EFAULT;
  }
  int dir_only = gw_wasi_strip_slash(name);
  struct stat sb;
  int r = fstatat(parent, name, &sb, AT_SYMLINK_NOFOLLOW);
  int saved = errno;
  close(parent);
  if (r != 0) return gw_wasi_errno(saved);
  if (dir_only && !S_ISDIR(sb.st_mode)) return WASI_ENOTDIR;
  put_filestat(p, &sb);
  return 0;
}

int32_t gw_wasi_path_filestat_set_times(gw_instance *inst, int32_t fd,
                                        int32_t flags, int32_t path,
                                        int32_t path_len, int64_t atim,
                                        int64_t mtim, int32_t fst_flags) {
  struct timespec ts[2];
  int32_t e = get_times(atim, mtim, fst_flags, ts);
  if (e) return e;
  int parent;
  char name[NAME_MAX + 2];
  e = resolve(inst, fd, path, path_len, flags & WASI_LOOKUP_SYMLINK_FOLLOW,
              &parent, name, NULL);
  if (e) return e;
  if (gw_wasi_strip_slash(name) && (e = must_be_dir(parent, name)) != 0) {
    close(parent);
    return e;
  }
  int r = utimensat(parent, name, ts, AT_SYMLINK_NOFOLLOW);
  int saved = errno;
  close(parent);
  return r == 0 ? 0 : gw_wasi_errno(saved);
}

int32_t gw_wasi_path_link(gw_instance *inst, int32_t old_fd,
                          int32_t old_flags, int32_t old_path,
                          int32_t old_path_len, int32_t new_fd,
                          int32_t new_path, int32_t new_path_len) {
  int op, np;
  char on[NAME_MAX + 2], nn[NAME_MAX + 2];
  int32_t e = resolve(inst, old_fd, old_path, old_path_len,
                      old_flags & WASI_LOOKUP_SYMLINK_FOLLOW, &op, on, NULL);
  if (e) return e;
  e = resolve(inst, new_fd, new_path, new_path_len, 0, &np, nn, NULL);
  if (e) {
    close(op);
    return e;
  }
  int r = linkat(op, on, np, nn, 0);
  int saved = errno;
  close(op);
  close(np);
  return r == 0 ? 0 : gw_wasi_errno(saved);
}

int32_t gw_wasi_path_open(gw_instance *inst, int32_t fd, int32_t dirflags,
                          int32_t path, int32_t path_len, int32_t oflags,
                          int64_t rights_base, int64_t rights_inheriting,
                          int32_t fdflags, int32_t fd_out) {
  gw_wasi *w = gw_wasi_of(inst);
  if (!gw_wasi_mem(inst, (uint32_t)fd_out, 4)) return WASI_EFAULT;
  if (oflags & ~0xf || fdflags & ~0x1f) return WASI_EINVAL;
  int follow = dirflags & WASI_LOOKUP_SYMLINK_FOLLOW;
  if ((oflags & WASI_O_CREAT) && (oflags & WASI_O_EXCL)) follow = 0;
  int parent;
  char name[NAME_MAX + 2];
  gw_wasi_fd *d;
  int32_t e = resolve(inst, fd, path, path_len, follow, &parent, name, &d);
  if (e) return e;
  int dir_only = gw_wasi_strip_slash(name);
  if (dir_only && (oflags & WASI_O_CREAT)) { /* as Linux: "new/" + O_CREAT */
    close(parent);
    return WASI_EISDIR;
  }

  uint64_t rb = (uint64_t)rights_base;
  int want_read = (rb & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)) != 0;
  int want_write = (rb & (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_WRITE |
                          WASI_RIGHT_FD_ALLOCATE |
                          WASI_RIGHT_FD_FILESTAT_SET_SIZE)) != 0;
  /* Symlinks were expanded by the resolver when following: the final open
   * never follows one (so nothing can swap a link in under us). */
  int flags = O_CLOEXEC | O_NOFOLLOW;
  if ((oflags & WASI_O_DIRECTORY) || dir_only)
    flags |= O_DIRECTORY | O_RDONLY;
  else if (want_write)
    flags |= want_read ? O_RDWR : O_WRONLY;
  else
    flags |= O_RDONLY;
  if (oflags & WASI_O_CREAT) flags |= O_CREAT;
  if (oflags & WASI_O_EXCL) flags |= O_EXCL;
  if (oflags & WASI_O_TRUNC) flags |= O_TRUNC;
  if (fdflags & WASI_FDFLAG_APPEND) flags |= O_APPEND;
  if (fdflags & WASI_FDFLAG_DSYNC) flags |= O_DSYNC;
  if (fdflags & WASI_FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
  if (fdflags & WASI_FDFLAG_RSYNC) flags |= O_RSYNC;
  if (fdflags & WASI_FDFLAG_SYNC) flags |= O_SYNC;

  int host = openat(parent, name, flags, 0666);
  int saved = errno;
  close(parent);
  if (host < 0) return gw_wasi_errno(saved);
  struct stat sb;
  if (fstat(host, &sb) != 0) {
    saved = errno;
    close(host);
    return gw_wasi_errno(saved);
  }
  gw_wasi_fd f = {0};
  f.kind = S_ISDIR(sb.st_mode) ? GW_WASI_FD_DIR : GW_WASI_FD_FILE;
  f.host_fd = host;
  f.preopen = d->preopen;
  f.filetype = gw_wasi_filetype(sb.st_mode);
  f.oflags = (uint16_t)oflags;
  f.fdflags = (uint16_t)fdflags;
  f.lookupflags = (uint32_t)dirflags;
  f.rights_base = rb & d->rights_inheriting;
  f.rights_inheriting = (uint64_t)rights_inheriting & d->rights_inheriting;
  const char *p = (const char *)gw_wasi_mem(inst, (uint32_t)path,
                                            (uint32_t)path_len);
  f.path = join_path(d->path, p, (uint32_t)path_len);
  int32_t n = f.path ? gw_wasi_add_fd(w, &f) : -1;
  if (n < 0) {
    close(host);
    free(f.path);
    return WASI_ENFILE;
  }
  return gw_wasi_put_u32(inst, (uint32_t)fd_out, (uint32_t)n);
}

int32_t gw_wasi_path_readlink(gw_instance *inst, int32_t fd, int32_t path,
                              int32_t path_len, int32_t buf, int32_t buf_len,
                              int32_t bufused_out) {
  uint8_t *out = gw_wasi_mem(inst, (uint32_t)buf, (uint32_t)buf_len);
  if (!out || !gw_wasi_mem(inst, (uint32_t)bufused_out, 4)) return WASI_EFAULT;
  int parent;
  char name[NAME_MAX + 2];
  int32_t e = resolve(inst, fd, path, path_len, 0, &parent, name, NULL);
  if (e) return e;
  if (gw_wasi_strip_slash(name)) { /* a directory, never a symlink */
    e = must_be_dir(parent, name);
    close(parent);
    return e ? e : WASI_EINVAL;
  }
  char *target = malloc(PATH_MAX);
  if (!target) {
    close(parent);
    return WASI_ENOMEM;
  }
  ssize_t n = readlinkat(parent, name, target, PATH_MAX);
  int saved = errno;
  close(parent);
  if (n < 0) {
    free(target);
    return gw_wasi_errno(saved);
  }
  uint32_t len = (uint64_t)n < (uint32_t)buf_len ? (uint32_t)n
                                                 : (uint32_t)buf_len;
  memcpy(out, target, len); /* truncated like wasmtime, no NUL */
  free(target);
  return gw_wasi_put_u32(inst, (uint32_t)bufused_out, len);
}

int32_t gw_wasi_path_remove_directory(gw_instance *inst, int32_t fd,
                                      int32_t path, int32_t path_len) {
  int parent;
  char name[NAME_MAX + 2];
  int32_t e = resolve(inst, fd, path, path_len, 0, &parent, name, NULL);
  if (e) return e;
  int r = unlinkat(parent, name, AT_REMOVEDIR);
  int saved = errno;
  close(parent);
  return r == 0 ? 0 : gw_wasi_errno(saved);
}

int32_t gw_wasi_path_rename(gw_instance *inst, int32_t fd, int32_t old_path,
                            int32_t old_path_len, int32_t new_fd,
                            int32_t new_path, int32_t new_path_len) {
  int op, np;
  char on[NAME_MAX + 2], nn[NAME_MAX + 2];
  int32_t e = resolve(inst, fd, old_path, old_path_len, 0, &op, on, NULL);
  if (e) return e;
  e = resolve(inst, new_fd, new_path, new_path_len, 0, &np, nn, NULL);
  if (e) {
    close(op);
    return e;
  }
  int r = renameat(op, on, np, nn);
  int saved = errno;
  close(op);
  close(np);
  return r == 0 ? 0 : gw_wasi_errno(saved);
}

int32_t gw_wasi_path_symlink(gw_instance *inst, int32_t old_path,
                             int32_t old_path_len, int32_t fd,
                             int32_t new_path, int32_t new_path_len) {
  const char *t;
  int32_t e = get_path(inst, old_path, old_path_len, &t);
  if (e) return e;
  if (old_path_len == 0) return WASI_ENOENT;
  if (memchr(t, 0, (uint32_t)old_path_len)) return WASI_EINVAL;
  if (t[0] == '/') return WASI_ENOTCAPABLE; /* never create an escape */
  char *target = strndup(t, (uint32_t)old_path_len);
  if (!target) return WASI_ENOMEM;
  int parent;
  char name[NAME_MAX + 2];
  e = resolve(inst, fd, new_path, new_path_len, 0, &parent, name, NULL);
  if (e) {
    free(target);
    return e;
  }
  int r = symlinkat(target, parent, name);
  int saved = errno;
  close(parent);
  free(target);
  return r == 0 ? 0 : gw_wasi_errno(saved);
}

int32_t gw_wasi_path_unlink_file(gw_instance *inst, int32_t fd, int32_t path,
                                 int32_t path_len) {
  int parent;
  char name[NAME_MAX + 2];
  int32_t e = resolve(inst, fd, path, path_len, 0, &parent, name, NULL);
  if (e) return e;
  int r = unlinkat(parent, name, 0);
  int saved = errno;
  close(parent);
  return r == 0 ? 0 : gw_wasi_errno(saved);
}
