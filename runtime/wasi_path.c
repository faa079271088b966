/*
 * wasi_path.c: sandboxed path resolution for WASI. Paths are walked one
 * component at a time with openat(O_NOFOLLOW) from the preopened directory,
 * symlinks are expanded by hand (so their targets go through the same
 * checks), and `..` can never pop above the starting directory. This works
 * on every Linux (and under qemu-user), unlike openat2(RESOLVE_BENEATH).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_internal.h"

void (*gw_wasi_race_hook)(int dirfd, const char *name);

int gw_wasi_strip_slash(char *name) {
  size_t len = strlen(name);
  if (len < 2 || name[len - 1] != '/') return 0;
  name[len - 1] = 0;
  return 1;
}

/* Directories opened so far below the starting one (the walk's stack). */
typedef struct dir_stack {
  int base;   /* the starting directory: not owned */
  int *fds;   /* owned O_PATH fds, innermost last */
  size_t depth, cap;
} dir_stack;

static int stack_top(const dir_stack *s) {
  return s->depth ? s->fds[s->depth - 1] : s->base;
}

static int stack_push(dir_stack *s, int fd) {
  if (s->depth == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 8;
    int *fds = realloc(s->fds, cap * sizeof *fds);
    if (!fds) return -1;
    s->fds = fds;
    s->cap = cap;
  }
  s->fds[s->depth++] = fd;
  return 0;
}

static void stack_free(dir_stack *s) {
  while (s->depth) close(s->fds[--s->depth]);
  free(s->fds);
}

/* Copies comp[0..len) (+ "/" when `slash`) into name; WASI errno. */
static int32_t set_name(char *name, size_t name_size, const char *comp,
                        size_t len, int slash) {
  if (len + (slash ? 1 : 0) + 1 > name_size) return WASI_ENAMETOOLONG;
  memcpy(name, comp, len);
  if (slash) name[len++] = '/';
  name[len] = 0;
  return 0;
}

int32_t gw_wasi_resolve_path(int dirfd, const char *path, size_t path_len,
                             int follow_final, int *parent_fd, char *name,
                             size_t name_size) {
  if (path_len == 0) return WASI_ENOENT;
  if (memchr(path, 0, path_len)) return WASI_EINVAL;
  if (path[0] == '/') return WASI_ENOTCAPABLE;

  char *rem = malloc(path_len + 1); /* what is left to walk */
  if (!rem) return WASI_ENOMEM;
  memcpy(rem, path, path_len);
  rem[path_len] = 0;
  dir_stack st = {dirfd, NULL, 0, 0};
  int links = 0;
  int32_t result = 0;
  size_t pos = 0;
  char *target = malloc(PATH_MAX);
  if (!target) {
    free(rem);
    return WASI_ENOMEM;
  }

  for (;;) {
    while (rem[pos] == '/') pos++;
    if (rem[pos] == 0) { /* only slashes left: the current directory */
      result = set_name(name, name_size, ".", 1, 0);
      break;
    }
    const char *comp = rem + pos;
    size_t end = pos;
    while (rem[end] && rem[end] != '/') end++;
    size_t comp_len = end - pos;
    size_t next = end;
    while (rem[next] == '/') next++;
    int is_last = rem[next] == 0;
    int trailing = is_last && next != end;

    if (comp_len == 1 && comp[0] == '.') {
      pos = end;
      continue;
    }
    if (comp_len == 2 && comp[0] == '.' && comp[1] == '.') {
      if (st.depth == 0) {
        result = WASI_ENOTCAPABLE; /* would leave the sandbox */
        break;
      }
      close(st.fds[--st.depth]);
      pos = end;
      continue;
    }
    if (comp_len > NAME_MAX) {
      result = WASI_ENAMETOOLONG;
      break;
    }
    char comp_buf[NAME_MAX + 1];
    memcpy(comp_buf, comp, comp_len);
    comp_buf[comp_len] = 0;

    if (is_last && !trailing && !follow_final) {
      result = set_name(name, name_size, comp_buf, comp_len, 0);
      break;
    }
    ssize_t n = readlinkat(stack_top(&st), comp_buf, target, PATH_MAX);
    if (n >= 0) { /* a symlink: walk its target instead, with the rest */
      if (++links > GW_WASI_MAX_SYMLINKS) {
        result = WASI_ELOOP;
        break;
      }
      if (n == 0) {
        result = WASI_ENOENT;
        break;
      }
      if (n >= PATH_MAX) {
        result = WASI_ENAMETOOLONG;
        break;
      }
      if (target[0] == '/') {
        result = WASI_ENOTCAPABLE; /* absolute targets leave the sandbox */
        break;
      }
      size_t rest_len = strlen(rem + end);
      char *expanded = malloc((size_t)n + rest_len + 1);
      if (!expanded) {
        result = WASI_ENOMEM;
        break;
      }
      memcpy(expanded, target, (size_t)n);
      memcpy(expanded + n, rem + end, rest_len + 1);
      free(rem);
      rem = expanded;
      pos = 0;
      continue;
    }
    if (errno != EINVAL && errno != ENOENT) {
      result = gw_wasi_errno(errno);
      break;
    }
    if (gw_wasi_race_hook) gw_wasi_race_hook(stack_top(&st), comp_buf);
    if (is_last) { /* not a symlink (or missing): the caller acts on it */
      result = set_name(name, name_size, comp_buf, comp_len, trailing);
      break;
    }
    int fd = openat(stack_top(&st), comp_buf,
                    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      result = gw_wasi_errno(errno);
      break;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISDIR(sb.st_mode)) { /* raced to a link */
      close(fd);
      result = WASI_ENOTDIR;
      break;
    }
    if (stack_push(&st, fd) != 0) {
      close(fd);
      result = WASI_ENOMEM;
      break;
    }
    pos = end;
  }

  if (result == 0) {
    int fd = fcntl(stack_top(&st), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) result = gw_wasi_errno(errno);
    else *parent_fd = fd;
  }
  stack_free(&st);
  free(rem);
  free(target);
  return result;
}
