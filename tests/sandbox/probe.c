/*
 * probe.c: a wasm32-wasi program that tries to leave its preopened
 * directory in every way tests/sandbox_test.ts knows, through the raw WASI
 * calls (so that the runtime, not wasi-libc, decides), and prints one line
 * per attempt: "what: ok" or "what: <WASI errno name>".
 *
 *   probe sandbox   the preopen named "data" (see sandbox_test.ts for the
 *                   tree): opens a directory and a file, works for a while
 *                   (migration points for a checkpoint), then the attempts
 *   probe grow N    grows memory to N pages, works, then grows one page at a
 *                   time until memory.grow returns -1 (--max-memory)
 *
 * Built by the test: clang-14 --target=wasm32-wasi -O2 probe.c -o probe.wasm
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define ALL_RIGHTS ((__wasi_rights_t)0x1fffffff)

static volatile uint32_t sink;

/* A call per iteration: migration points for --checkpoint-after. */
__attribute__((noinline)) static uint32_t step(uint32_t i) {
  return i * 2654435761u ^ (i >> 3);
}

static void work(int n) {
  for (int i = 0; i < n; i++) sink += step((uint32_t)i);
}

static const char *ename(__wasi_errno_t e) {
  static char other[16];
  switch (e) {
  case __WASI_ERRNO_SUCCESS: return "ok";
  case __WASI_ERRNO_NOTCAPABLE: return "ENOTCAPABLE";
  case __WASI_ERRNO_LOOP: return "ELOOP";
  case __WASI_ERRNO_NOENT: return "ENOENT";
  case __WASI_ERRNO_NOTDIR: return "ENOTDIR";
  case __WASI_ERRNO_ISDIR: return "EISDIR";
  case __WASI_ERRNO_EXIST: return "EEXIST";
  case __WASI_ERRNO_PERM: return "EPERM";
  case __WASI_ERRNO_ACCES: return "EACCES";
  case __WASI_ERRNO_BADF: return "EBADF";
  default: snprintf(other, sizeof other, "E%u", (unsigned)e); return other;
  }
}

static void report(const char *what, __wasi_errno_t e) {
  printf("%s: %s\n", what, ename(e));
}

/* The fd of the preopen named `name`, or exit 3. */
static __wasi_fd_t preopen(const char *name) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) continue;
    char buf[256];
    size_t len = ps.u.dir.pr_name_len;
    if (len >= sizeof buf) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, len) != 0) continue;
    buf[len] = 0;
    if (strcmp(buf, name) == 0) return fd;
  }
  printf("no preopen named %s\n", name);
  exit(3);
}

static __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, int follow,
                              __wasi_oflags_t oflags, __wasi_fd_t *out) {
  return __wasi_path_open(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
                          path, oflags, ALL_RIGHTS, ALL_RIGHTS, 0, out);
}

/* Reads up to n bytes of fd into buf (NUL-terminated, newlines dropped). */
static __wasi_errno_t read_some(__wasi_fd_t fd, char *buf, size_t n) {
  __wasi_iovec_t iov = {(uint8_t *)buf, n - 1};
  __wasi_size_t got = 0;
  __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &got);
  buf[e ? 0 : got] = 0;
  for (char *p = buf; *p; p++)
    if (*p == '\n') *p = ' ';
  return e;
}

/* An open that must fail (prints the errno), closing what it got. */
static void try_open(const char *what, __wasi_fd_t dir, const char *path,
                     int follow, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  __wasi_errno_t e = open_at(dir, path, follow, oflags, &fd);
  report(what, e);
  if (e == 0) {
    char buf[64];
    if (read_some(fd, buf, sizeof buf) == 0) printf("  read: %s\n", buf);
    (void)__wasi_fd_close(fd);
  }
}

/* An open that must work: prints what the file holds. */
static void read_file(const char *what, __wasi_fd_t dir, const char *path) {
  __wasi_fd_t fd;
  char buf[64] = "";
  __wasi_errno_t e = open_at(dir, path, 1, 0, &fd);
  if (e == 0) {
    e = read_some(fd, buf, sizeof buf);
    (void)__wasi_fd_close(fd);
  }
  printf("%s: %s%s%s\n", what, ename(e), e ? "" : ": ", buf);
}

static void sandbox(void) {
  __wasi_fd_t data = preopen("data");
  __wasi_fd_t sub, inside;
  report("open sub (a directory fd)",
         open_at(data, "sub", 0, __WASI_OFLAGS_DIRECTORY, &sub));
  report("open inside.txt", open_at(data, "inside.txt", 0, 0, &inside));
  char buf[64];
  read_some(inside, buf, 5);
  printf("inside.txt first 4 bytes: %s\n", buf);
  work(3000); /* checkpoints land here (and anywhere else) */
  read_some(inside, buf, sizeof buf);
  printf("inside.txt rest: %s\n", buf);

  /* Paths out: .., absolute, through symlinks. */
  try_open("open ../secret", data, "../secret", 0, 0);
  try_open("open /etc/passwd", data, "/etc/passwd", 1, 0);
  try_open("open sub/../../secret", data, "sub/../../secret", 1, 0);
  try_open("open up/secret (up -> ..)", data, "up/secret", 1, 0);
  try_open("open abs (abs -> /etc/passwd)", data, "abs", 1, 0);
  try_open("open rootlink/etc/passwd (rootlink -> /)", data,
           "rootlink/etc/passwd", 1, 0);
  try_open("open chain (chain -> sub/../../secret)", data, "chain", 1, 0);
  try_open("open outlink/o.txt (outlink -> ../outside)", data,
           "outlink/o.txt", 1, 0);
  /* Symlinks the program makes. */
  report("symlink made -> ../secret",
         __wasi_path_symlink("../secret", data, "made"));
  try_open("open made", data, "made", 1, 0);
  report("symlink made_abs -> /etc/passwd",
         __wasi_path_symlink("/etc/passwd", data, "made_abs"));
  report("symlink ../madeout -> inside.txt",
         __wasi_path_symlink("inside.txt", data, "../madeout"));
  /* The parent directory: opendir, stat. */
  try_open("opendir ..", data, "..", 0, __WASI_OFLAGS_DIRECTORY);
  try_open("opendir up (up -> ..)", data, "up", 1, __WASI_OFLAGS_DIRECTORY);
  try_open("opendir up/ (up -> ..)", data, "up/", 0, 0);
  __wasi_filestat_t st;
  report("stat ..", __wasi_path_filestat_get(data, 0, "..", &st));
  report("stat up (following)",
         __wasi_path_filestat_get(data, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
                                  "up", &st));
  report("stat up/secret", __wasi_path_filestat_get(data, 0, "up/secret", &st));
  report("stat up (the link itself)",
         __wasi_path_filestat_get(data, 0, "up", &st));
  /* Rename, hard links, unlink across the edge. */
  report("rename inside.txt -> ../moved",
         __wasi_path_rename(data, "inside.txt", data, "../moved"));
  report("rename ../secret -> stolen",
         __wasi_path_rename(data, "../secret", data, "stolen"));
  report("rename up/secret -> stolen",
         __wasi_path_rename(data, "up/secret", data, "stolen"));
  report("link ../secret -> hard",
         __wasi_path_link(data, 0, "../secret", data, "hard"));
  report("link up/secret -> hard (following)",
         __wasi_path_link(data, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "up/secret",
                          data, "hard"));
  report("link inside.txt -> ../hardout",
         __wasi_path_link(data, 0, "inside.txt", data, "../hardout"));
  report("unlink ../secret", __wasi_path_unlink_file(data, "../secret"));
  report("unlink up/secret", __wasi_path_unlink_file(data, "up/secret"));
  report("unlink outlink/o.txt",
         __wasi_path_unlink_file(data, "outlink/o.txt"));
  report("rmdir ../outside", __wasi_path_remove_directory(data, "../outside"));
  try_open("create ../created", data, "../created", 0, __WASI_OFLAGS_CREAT);
  try_open("create up/created", data, "up/created", 1, __WASI_OFLAGS_CREAT);
  report("mkdir ../newdir", __wasi_path_create_directory(data, "../newdir"));
  report("mkdir up/newdir", __wasi_path_create_directory(data, "up/newdir"));
  /* A directory fd is its own root: no way up from it either. */
  try_open("open ../inside.txt from sub", sub, "../inside.txt", 0, 0);
  try_open("open up2/inside.txt from sub (up2 -> ..)", sub, "up2/inside.txt",
           1, 0);
  /* Symlinks that stay inside keep working. */
  read_file("read ok (ok -> sub/file)", data, "ok");
  read_file("read sub/up2/inside.txt (up2 -> ..)", data, "sub/up2/inside.txt");
  read_file("read file from sub", sub, "file");
  report("unlink made", __wasi_path_unlink_file(data, "made"));
  printf("done\n");
}

static void grow(uint32_t target) {
  size_t start = __builtin_wasm_memory_size(0);
  if (target > start) {
    long r = (long)__builtin_wasm_memory_grow(0, target - start);
    printf("grow to %u pages: %s\n", (unsigned)target, r < 0 ? "-1" : "ok");
  }
  work(3000); /* checkpoints land here */
  uint32_t grown = 0;
  while (grown < 70000 && (long)__builtin_wasm_memory_grow(0, 1) >= 0) grown++;
  printf("then grew %u pages one at a time, to %u pages; the next grow "
         "returned -1\n",
         (unsigned)grown, (unsigned)__builtin_wasm_memory_size(0));
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "sandbox") == 0) {
    sandbox();
  } else if (argc >= 3 && strcmp(argv[1], "grow") == 0) {
    grow((uint32_t)atoi(argv[2]));
  } else {
    printf("usage: probe sandbox | probe grow PAGES\n");
    return 2;
  }
  return 0;
}
