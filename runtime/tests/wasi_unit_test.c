/*
 * wasi_unit_test.c: calls the WASI functions directly on a fake instance
 * (a calloc'd buffer as memory 0) and checks them against the host (POSIX
 * calls on the same files) and the witx (layouts, errno values).
 * Usage: wasi_unit_test SCRATCH_DIR   (an empty directory)
 * Prints one line per failed check and "N checks, M failed"; exit 1 if any.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../wasi_internal.h"
#define RT_TEST_STANDALONE
#include "rt_test.h"

extern jmp_buf wasi_test_trap_jmp;
extern int32_t wasi_test_trap_kind;


#define PAGES 2
#define MEM_SIZE (PAGES * 65536)
static gw_memory memory;
static gw_memory *memories[1] = {&memory};
static gw_instance inst;
static gw_wasi *w;
static char root[4096]; /* scratch dir; the sandbox is root/sandbox */

static uint8_t *M(uint32_t off) { return memory.base + off; }
static uint32_t u32_at(uint32_t off) {
  uint32_t v;
  memcpy(&v, M(off), 4);
  return v;
}
static uint64_t u64_at(uint32_t off) {
  uint64_t v;
  memcpy(&v, M(off), 8);
  return v;
}
static void set_u32(uint32_t off, uint32_t v) { memcpy(M(off), &v, 4); }
static void set_u64(uint32_t off, uint64_t v) { memcpy(M(off), &v, 8); }

/* Guest scratch areas. */
enum { PATH = 0x100, PATH2 = 0x600, IOV = 0x1000, OUT = 0x1100,
       BUF = 0x2000, BIG = 0x8000 };

static int32_t put_str(uint32_t off, const char *s) {
  size_t n = strlen(s);
  memcpy(M(off), s, n);
  return (int32_t)n;
}

/* path_open relative to `dirfd`; returns the WASI errno, fd in *fd. */
static int32_t open_at(int32_t dirfd, const char *path, int follow,
                       int32_t oflags, uint64_t rights, int32_t fdflags,
                       int32_t *fd) {
  int32_t len = put_str(PATH, path);
  int32_t e = gw_wasi_path_open(&inst, dirfd, follow, PATH, len, oflags,
                                (int64_t)rights, (int64_t)WASI_RIGHTS_ALL,
                                fdflags, OUT);
  *fd = e ? -1 : (int32_t)u32_at(OUT);
  return e;
}

#define RW (WASI_RIGHTS_ALL)
#define RO (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL | \
            WASI_RIGHT_FD_READDIR)

static int32_t write_str(int32_t fd, const char *s, uint32_t *n) {
  uint32_t len = (uint32_t)put_str(BUF, s);
  set_u32(IOV, BUF);
  set_u32(IOV + 4, len);
  int32_t e = gw_wasi_fd_write(&inst, fd, IOV, 1, OUT);
  *n = u32_at(OUT);
  return e;
}

static int32_t read_into(int32_t fd, uint32_t cap, uint32_t *n) {
  memset(M(BUF), 0, cap + 1);
  set_u32(IOV, BUF);
  set_u32(IOV + 4, cap);
  int32_t e = gw_wasi_fd_read(&inst, fd, IOV, 1, OUT);
  *n = u32_at(OUT);
  return e;
}

static char *host_path(const char *rel) {
  static char buf[8192];
  snprintf(buf, sizeof buf, "%s/%s", root, rel);
  return buf;
}

static int host_exists(const char *rel) {
  struct stat sb;
  return lstat(host_path(rel), &sb) == 0;
}

/* ---- Tests ---------------------------------------------------------------- */

static void test_args_env(void) {
  CHECK_EQ(gw_wasi_args_sizes_get(&inst, OUT, OUT + 4), 0);
  CHECK_EQ(u32_at(OUT), 3);
  CHECK_EQ(u32_at(OUT + 4), strlen("prog") + strlen("a b") + strlen("") + 3);
  CHECK_EQ(gw_wasi_args_get(&inst, OUT, BUF), 0);
  CHECK_EQ(u32_at(OUT), BUF);
  CHECK(strcmp((char *)M(u32_at(OUT + 4)), "a b") == 0);
  CHECK(strcmp((char *)M(u32_at(OUT + 8)), "") == 0);
  CHECK_EQ(gw_wasi_environ_sizes_get(&inst, OUT, OUT + 4), 0);
  CHECK_EQ(u32_at(OUT), 2);
  CHECK_EQ(u32_at(OUT + 4), strlen("A=1") + strlen("B=x=y") + 2);
  CHECK_EQ(gw_wasi_environ_get(&inst, OUT, BUF), 0);
  CHECK(strcmp((char *)M(u32_at(OUT + 4)), "B=x=y") == 0);
  /* Pointers at the very end of memory: EFAULT, no write. */
  CHECK_EQ(gw_wasi_args_sizes_get(&inst, MEM_SIZE - 2, OUT), WASI_EFAULT);
  CHECK_EQ(gw_wasi_args_get(&inst, OUT, MEM_SIZE - 3), WASI_EFAULT);
  CHECK_EQ(gw_wasi_environ_get(&inst, (int32_t)0xfffffffc, BUF), WASI_EFAULT);
}

static void test_clock_random(void) {
  CHECK_EQ(gw_wasi_clock_time_get(&inst, 1, 0, OUT), 0);
  uint64_t t0 = u64_at(OUT);
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t host = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  CHECK(t0 <= host && host - t0 < 1000000000u);
  CHECK_EQ(gw_wasi_clock_time_get(&inst, 0, 0, OUT), 0);
  CHECK((int64_t)u64_at(OUT) / 1000000000 - (int64_t)time(NULL) <= 1);
  CHECK_EQ(gw_wasi_clock_res_get(&inst, 1, OUT), 0);
  CHECK(u64_at(OUT) >= 1 && u64_at(OUT) <= 1000000u);
  CHECK_EQ(gw_wasi_clock_time_get(&inst, 4, 0, OUT), WASI_EINVAL);
  CHECK_EQ(gw_wasi_clock_res_get(&inst, -1, OUT), WASI_EINVAL);
  CHECK_EQ(gw_wasi_clock_time_get(&inst, 1, 0, MEM_SIZE - 7), WASI_EFAULT);
  memset(M(BUF), 0, 64);
  CHECK_EQ(gw_wasi_random_get(&inst, BUF, 64), 0);
  int nonzero = 0;
  for (int i = 0; i < 64; i++) nonzero += M(BUF)[i] != 0;
  CHECK(nonzero > 32);
  CHECK_EQ(gw_wasi_random_get(&inst, MEM_SIZE - 10, 11), WASI_EFAULT);
  CHECK_EQ(gw_wasi_random_get(&inst, MEM_SIZE, 0), 0);
  CHECK_EQ(gw_wasi_sched_yield(&inst), 0);
  CHECK_EQ(gw_wasi_proc_raise(&inst, 6), WASI_ENOSYS);
}

static void test_stdio(int out_read_end) {
  uint32_t n;
  CHECK_EQ(write_str(1, "hello stdout\n", &n), 0);
  CHECK_EQ(n, 13);
  char host[64] = {0};
  CHECK_EQ(read(out_read_end, host, sizeof host - 1), 13);
  CHECK(strcmp(host, "hello stdout\n") == 0);
  /* Two iovecs, one of them empty, gathered in order. */
  put_str(BUF, "ab");
  put_str(BUF + 16, "cd");
  set_u32(IOV, BUF);
  set_u32(IOV + 4, 2);
  set_u32(IOV + 8, BUF + 16);
  set_u32(IOV + 12, 0);
  set_u32(IOV + 16, BUF + 16);
  set_u32(IOV + 20, 2);
  CHECK_EQ(gw_wasi_fd_write(&inst, 1, IOV, 3, OUT), 0);
  CHECK_EQ(u32_at(OUT), 4);
  CHECK_EQ(read(out_read_end, host, sizeof host - 1), 4);
  CHECK(memcmp(host, "abcd", 4) == 0);
  /* A buffer reaching past memory: EFAULT and nothing written. */
  set_u32(IOV, MEM_SIZE - 4);
  set_u32(IOV + 4, 5);
  CHECK_EQ(gw_wasi_fd_write(&inst, 1, IOV, 1, OUT), WASI_EFAULT);
  CHECK_EQ(gw_wasi_fd_write(&inst, 1, MEM_SIZE - 4, 1, OUT), WASI_EFAULT);
  CHECK_EQ(gw_wasi_fd_write(&inst, 1, IOV, 0, MEM_SIZE), WASI_EFAULT);
  CHECK_EQ(gw_wasi_fd_write(&inst, 42, IOV, 0, OUT), WASI_EBADF);
  /* fdstat of stdin (/dev/null): character device. */
  CHECK_EQ(gw_wasi_fd_fdstat_get(&inst, 0, OUT), 0);
  CHECK_EQ(M(OUT)[0], WASI_FILETYPE_CHARACTER_DEVICE);
  CHECK_EQ(gw_wasi_fd_fdstat_get(&inst, 2, OUT), 0);
  CHECK_EQ(M(OUT)[0], WASI_FILETYPE_REGULAR_FILE); /* redirected to a file */
  CHECK_EQ(gw_wasi_fd_fdstat_get(&inst, 0, MEM_SIZE - 23), WASI_EFAULT);
  CHECK_EQ(read_into(0, 10, &n), 0);
  CHECK_EQ(n, 0); /* EOF of /dev/null */
  CHECK_EQ(gw_wasi_sock_accept(&inst, 1, 0, OUT), WASI_ENOTSOCK);
  CHECK_EQ(gw_wasi_sock_shutdown(&inst, 99, 0), WASI_EBADF);
}

static void test_prestat(void) {
  CHECK_EQ(gw_wasi_fd_prestat_get(&inst, 3, OUT), 0);
  CHECK_EQ(M(OUT)[0], 0);
  CHECK_EQ(u32_at(OUT + 4), strlen("/sandbox"));
  memset(M(BUF), 0, 32);
  CHECK_EQ(gw_wasi_fd_prestat_dir_name(&inst, 3, BUF, 8), 0);
  CHECK(memcmp(M(BUF), "/sandbox", 8) == 0);
  CHECK_EQ(gw_wasi_fd_prestat_dir_name(&inst, 3, BUF, 7), WASI_ENAMETOOLONG);
  CHECK_EQ(gw_wasi_fd_prestat_get(&inst, 4, OUT), 0);
  CHECK_EQ(u32_at(OUT + 4), 1); /* "." */
  CHECK_EQ(gw_wasi_fd_prestat_get(&inst, 5, OUT), WASI_EBADF);
  CHECK_EQ(gw_wasi_fd_prestat_get(&inst, 1, OUT), WASI_EBADF);
  CHECK_EQ(gw_wasi_fd_fdstat_get(&inst, 3, OUT), 0);
  CHECK_EQ(M(OUT)[0], WASI_FILETYPE_DIRECTORY);
}

static void test_files(void) {
  int32_t fd, e;
  uint32_t n;
  /* Create, write, read back through the host. */
  CHECK_EQ(open_at(3, "data.txt", 0, WASI_O_CREAT | WASI_O_TRUNC, RW, 0, &fd),
           0);
  CHECK(fd >= 5);
  CHECK_EQ(write_str(fd, "0123456789", &n), 0);
  CHECK_EQ(n, 10);
  char host[64] = {0};
  FILE *hf = fopen(host_path("sandbox/data.txt"), "r");
  CHECK(hf && fread(host, 1, 63, hf) == 10 && strcmp(host, "0123456789") == 0);
  if (hf) fclose(hf);
  /* seek / tell / read */
  CHECK_EQ(gw_wasi_fd_seek(&inst, fd, 2, 0, OUT), 0);
  CHECK_EQ(u64_at(OUT), 2);
  CHECK_EQ(gw_wasi_fd_seek(&inst, fd, -3, 2, OUT), 0);
  CHECK_EQ(u64_at(OUT), 7);
  CHECK_EQ(gw_wasi_fd_seek(&inst, fd, 1, 1, OUT), 0);
  CHECK_EQ(u64_at(OUT), 8);
  CHECK_EQ(gw_wasi_fd_seek(&inst, fd, -100, 1, OUT), WASI_EINVAL);
  CHECK_EQ(gw_wasi_fd_seek(&inst, fd, 0, 3, OUT), WASI_EINVAL);
  CHECK_EQ(gw_wasi_fd_tell(&inst, fd, OUT), 0);
  CHECK_EQ(u64_at(OUT), 8);
  CHECK_EQ(read_into(fd, 100, &n), 0);
  CHECK_EQ(n, 2);
  CHECK(strcmp((char *)M(BUF), "89") == 0);
  /* pread / pwrite don't move the offset */
  set_u32(IOV, BUF);
  set_u32(IOV + 4, 3);
  CHECK_EQ(gw_wasi_fd_pread(&inst, fd, IOV, 1, 4, OUT), 0);
  CHECK_EQ(u32_at(OUT), 3);
  CHECK(memcmp(M(BUF), "456", 3) == 0);
  put_str(BUF, "XY");
  set_u32(IOV + 4, 2);
  CHECK_EQ(gw_wasi_fd_pwrite(&inst, fd, IOV, 1, 1, OUT), 0);
  CHECK_EQ(gw_wasi_fd_pread(&inst, fd, IOV, 1, -1, OUT), WASI_EINVAL);
  CHECK_EQ(gw_wasi_fd_tell(&inst, fd, OUT), 0);
  CHECK_EQ(u64_at(OUT), 10);
  /* filestat vs host stat */
  struct stat sb;
  stat(host_path("sandbox/data.txt"), &sb);
  CHECK_EQ(gw_wasi_fd_filestat_get(&inst, fd, OUT), 0);
  CHECK_EQ(u64_at(OUT), sb.st_dev);
  CHECK_EQ(u64_at(OUT + 8), sb.st_ino);
  CHECK_EQ(M(OUT)[16], WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ(u64_at(OUT + 24), 1);
  CHECK_EQ(u64_at(OUT + 32), 10);
  CHECK_EQ(u64_at(OUT + 48), (uint64_t)sb.st_mtim.tv_sec * 1000000000u +
                                 (uint64_t)sb.st_mtim.tv_nsec);
  CHECK_EQ(gw_wasi_fd_filestat_set_size(&inst, fd, 4), 0);
  stat(host_path("sandbox/data.txt"), &sb);
  CHECK_EQ(sb.st_size, 4);
  hf = fopen(host_path("sandbox/data.txt"), "r");
  memset(host, 0, sizeof host);
  CHECK(hf && fread(host, 1, 63, hf) == 4 && strcmp(host, "0XY3") == 0);
  if (hf) fclose(hf);
  CHECK_EQ(gw_wasi_fd_filestat_set_times(&inst, fd, 5000000000ll, 7000000123ll,
                                         WASI_FSTFLAG_ATIM | WASI_FSTFLAG_MTIM),
           0);
  stat(host_path("sandbox/data.txt"), &sb);
  CHECK_EQ(sb.st_atim.tv_sec, 5);
  CHECK_EQ(sb.st_mtim.tv_sec, 7);
  CHECK_EQ(sb.st_mtim.tv_nsec, 123);
  CHECK_EQ(gw_wasi_fd_filestat_set_times(&inst, fd, 0, 0,
                                         WASI_FSTFLAG_ATIM |
                                             WASI_FSTFLAG_ATIM_NOW),
           WASI_EINVAL);
  CHECK_EQ(gw_wasi_fd_allocate(&inst, fd, 0, 100), 0);
  stat(host_path("sandbox/data.txt"), &sb);
  CHECK_EQ(sb.st_size, 100);
  CHECK_EQ(gw_wasi_fd_advise(&inst, fd, 0, 0, 1), 0);
  CHECK_EQ(gw_wasi_fd_advise(&inst, fd, 0, 0, 6), WASI_EINVAL);
  CHECK_EQ(gw_wasi_fd_sync(&inst, fd), 0);
  CHECK_EQ(gw_wasi_fd_datasync(&inst, fd), 0);
  /* fdstat: rights are the requested ones; flags follow set_flags */
  CHECK_EQ(gw_wasi_fd_fdstat_get(&inst, fd, OUT), 0);
  CHECK_EQ(M(OUT)[0], WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ(u64_at(OUT + 8), RW);
  CHECK_EQ(gw_wasi_fd_fdstat_set_flags(&inst, fd, WASI_FDFLAG_APPEND), 0);
  CHECK_EQ(gw_wasi_fd_fdstat_get(&inst, fd, OUT), 0);
  CHECK_EQ(M(OUT)[2], WASI_FDFLAG_APPEND);
  CHECK_EQ(gw_wasi_fd_fdstat_set_flags(&inst, fd, WASI_FDFLAG_SYNC),
           WASI_ENOTSUP);
  CHECK_EQ(gw_wasi_fd_fdstat_set_rights(&inst, fd, (int64_t)RO, 0), 0);
  CHECK_EQ(gw_wasi_fd_fdstat_get(&inst, fd, OUT), 0);
  CHECK_EQ(u64_at(OUT + 8), RO);
  CHECK_EQ(gw_wasi_fd_fdstat_set_rights(&inst, fd, (int64_t)RW, 0),
           WASI_ENOTCAPABLE);
  /* renumber onto another open fd, then close */
  int32_t fd2;
  CHECK_EQ(open_at(3, "data.txt", 0, 0, RO, 0, &fd2), 0);
  CHECK(fd2 != fd);
  CHECK_EQ(gw_wasi_fd_renumber(&inst, fd, fd2), 0);
  CHECK_EQ(gw_wasi_fd_close(&inst, fd), WASI_EBADF);
  CHECK_EQ(gw_wasi_fd_renumber(&inst, fd2, 77), WASI_EBADF);
  CHECK_EQ(gw_wasi_fd_fdstat_get(&inst, fd2, OUT), 0);
  CHECK_EQ(u64_at(OUT + 8), RO); /* it is the old fd's entry */
  CHECK_EQ(gw_wasi_fd_close(&inst, fd2), 0);
  CHECK_EQ(gw_wasi_fd_close(&inst, fd2), WASI_EBADF);
  /* The lowest free fd is reused. */
  CHECK_EQ(open_at(3, "data.txt", 0, 0, RO, 0, &fd), 0);
  CHECK_EQ(fd, 5);
  /* O_APPEND writes go to the end; read-only fds refuse writes. */
  CHECK_EQ(write_str(fd, "no", &n), WASI_EBADF);
  CHECK_EQ(gw_wasi_fd_close(&inst, fd), 0);
  CHECK_EQ(open_at(3, "data.txt", 0, WASI_O_TRUNC, RW, WASI_FDFLAG_APPEND, &fd),
           0);
  CHECK_EQ(write_str(fd, "abc", &n), 0);
  CHECK_EQ(gw_wasi_fd_seek(&inst, fd, 0, 0, OUT), 0);
  CHECK_EQ(write_str(fd, "def", &n), 0);
  CHECK_EQ(gw_wasi_fd_pread(&inst, fd, IOV, 1, 0, OUT), 0);
  set_u32(IOV + 4, 6);
  CHECK_EQ(gw_wasi_fd_pread(&inst, fd, IOV, 1, 0, OUT), 0);
  CHECK(memcmp(M(BUF), "abcdef", 6) == 0);
  CHECK_EQ(gw_wasi_fd_close(&inst, fd), 0);
  /* oflags */
  CHECK_EQ(open_at(3, "data.txt", 0, WASI_O_CREAT | WASI_O_EXCL, RW, 0, &fd),
           WASI_EEXIST);
  CHECK_EQ(open_at(3, "missing", 0, 0, RO, 0, &fd), WASI_ENOENT);
  CHECK_EQ(open_at(3, "data.txt", 0, WASI_O_DIRECTORY, RO, 0, &fd),
           WASI_ENOTDIR);
  CHECK_EQ(open_at(3, "data.txt/", 0, 0, RO, 0, &fd), WASI_ENOTDIR);
  CHECK_EQ(open_at(3, "sub", 0, 0, RW, 0, &fd), WASI_EISDIR);
  CHECK_EQ(open_at(3, "data.txt", 0, 0x10, RO, 0, &fd), WASI_EINVAL);
  CHECK_EQ(open_at(5, "x", 0, 0, RO, 0, &fd), WASI_EBADF);
  CHECK_EQ(open_at(1, "x", 0, 0, RO, 0, &fd), WASI_ENOTDIR);
  CHECK_EQ(open_at(3, "", 0, 0, RO, 0, &fd), WASI_ENOENT);
  e = gw_wasi_path_open(&inst, 3, 0, MEM_SIZE - 2, 3, 0, RO, RO, 0, OUT);
  CHECK_EQ(e, WASI_EFAULT);
  e = gw_wasi_path_open(&inst, 3, 0, PATH, 1, 0, RO, RO, 0, MEM_SIZE - 1);
  CHECK_EQ(e, WASI_EFAULT);
  memcpy(M(PATH), "data.txt\0x", 10);
  e = gw_wasi_path_open(&inst, 3, 0, PATH, 10, 0, RO, RO, 0, OUT);
  CHECK_EQ(e, WASI_EINVAL);
}

static void test_paths(void) {
  int32_t len, len2, fd;
  /* mkdir / rmdir */
  len = put_str(PATH, "newdir");
  CHECK_EQ(gw_wasi_path_create_directory(&inst, 3, PATH, len), 0);
  CHECK(host_exists("sandbox/newdir"));
  CHECK_EQ(gw_wasi_path_create_directory(&inst, 3, PATH, len), WASI_EEXIST);
  len = put_str(PATH, "newdir/inner/");
  CHECK_EQ(gw_wasi_path_create_directory(&inst, 3, PATH, len), 0);
  CHECK(host_exists("sandbox/newdir/inner"));
  CHECK_EQ(gw_wasi_path_remove_directory(&inst, 3, PATH, len), 0);
  CHECK(!host_exists("sandbox/newdir/inner"));
  len = put_str(PATH, "sub");
  CHECK_EQ(gw_wasi_path_remove_directory(&inst, 3, PATH, len), WASI_ENOTEMPTY);
  len = put_str(PATH, "sub/file");
  CHECK_EQ(gw_wasi_path_remove_directory(&inst, 3, PATH, len), WASI_ENOTDIR);
  CHECK_EQ(gw_wasi_path_unlink_file(&inst, 3, PATH2, put_str(PATH2, "sub")),
           WASI_EISDIR);
  /* rename, link, unlink */
  len = put_str(PATH, "data.txt");
  len2 = put_str(PATH2, "newdir/renamed.txt");
  CHECK_EQ(gw_wasi_path_rename(&inst, 3, PATH, len, 3, PATH2, len2), 0);
  CHECK(!host_exists("sandbox/data.txt"));
  CHECK(host_exists("sandbox/newdir/renamed.txt"));
  len = put_str(PATH, "newdir/renamed.txt");
  len2 = put_str(PATH2, "hardlink");
  CHECK_EQ(gw_wasi_path_link(&inst, 3, 0, PATH, len, 3, PATH2, len2), 0);
  CHECK_EQ(gw_wasi_path_filestat_get(&inst, 3, 0, PATH2, len2, OUT), 0);
  CHECK_EQ(u64_at(OUT + 24), 2); /* nlink */
  CHECK_EQ(gw_wasi_path_unlink_file(&inst, 3, PATH2, len2), 0);
  CHECK(!host_exists("sandbox/hardlink"));
  CHECK_EQ(gw_wasi_path_unlink_file(&inst, 3, PATH2, len2), WASI_ENOENT);
  /* symlink / readlink / filestat follow vs nofollow */
  len = put_str(PATH, "newdir/renamed.txt");
  len2 = put_str(PATH2, "mylink");
  CHECK_EQ(gw_wasi_path_symlink(&inst, PATH, len, 3, PATH2, len2), 0);
  char target[256] = {0};
  CHECK_EQ(readlink(host_path("sandbox/mylink"), target, 255), len);
  CHECK_EQ(gw_wasi_path_readlink(&inst, 3, PATH2, len2, BUF, 100, OUT), 0);
  CHECK_EQ(u32_at(OUT), len);
  CHECK(memcmp(M(BUF), "newdir/renamed.txt", (size_t)len) == 0);
  CHECK_EQ(gw_wasi_path_readlink(&inst, 3, PATH2, len2, BUF, 3, OUT), 0);
  CHECK_EQ(u32_at(OUT), 3);
  CHECK_EQ(gw_wasi_path_filestat_get(&inst, 3, 0, PATH2, len2, OUT), 0);
  CHECK_EQ(M(OUT)[16], WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_EQ(gw_wasi_path_filestat_get(&inst, 3, 1, PATH2, len2, OUT), 0);
  CHECK_EQ(M(OUT)[16], WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ(u64_at(OUT + 32), 6);
  CHECK_EQ(gw_wasi_path_filestat_set_times(&inst, 3, 1, PATH2, len2, 0,
                                           3000000000ll, WASI_FSTFLAG_MTIM),
           0);
  struct stat sb;
  stat(host_path("sandbox/newdir/renamed.txt"), &sb);
  CHECK_EQ(sb.st_mtim.tv_sec, 3);
  CHECK_EQ(open_at(3, "mylink", 0, 0, RO, 0, &fd), WASI_ELOOP);
  CHECK_EQ(open_at(3, "mylink", 1, 0, RO, 0, &fd), 0);
  CHECK_EQ(gw_wasi_fd_close(&inst, fd), 0);
  len = put_str(PATH, "data.txt");
  CHECK_EQ(gw_wasi_path_readlink(&inst, 3, PATH, put_str(PATH, "sub"), BUF,
                                 100, OUT),
           WASI_EINVAL);
  /* Through the second preopen (".": the scratch root). */
  CHECK_EQ(open_at(4, "sandbox/sub/file", 0, 0, RO, 0, &fd), 0);
  uint32_t n;
  CHECK_EQ(read_into(fd, 100, &n), 0);
  CHECK(strcmp((char *)M(BUF), "inside\n") == 0);
  CHECK_EQ(gw_wasi_fd_close(&inst, fd), 0);
  /* A directory fd as the base of further lookups. */
  int32_t dfd;
  CHECK_EQ(open_at(3, "sub", 0, WASI_O_DIRECTORY, RO, 0, &dfd), 0);
  CHECK_EQ(gw_wasi_fd_fdstat_get(&inst, dfd, OUT), 0);
  CHECK_EQ(M(OUT)[0], WASI_FILETYPE_DIRECTORY);
  CHECK_EQ(open_at(dfd, "file", 0, 0, RO, 0, &fd), 0);
  CHECK_EQ(gw_wasi_fd_close(&inst, fd), 0);
  CHECK_EQ(open_at(dfd, "../data2", 0, 0, RO, 0, &fd), WASI_ENOTCAPABLE);
  CHECK_EQ(read_into(dfd, 10, &n), WASI_EBADF);
  CHECK_EQ(gw_wasi_fd_close(&inst, dfd), 0);
}

/* Lists a directory through fd_readdir with a small buffer (resuming by
 * cookie) and compares the names and types with the host's readdir. */
static void test_readdir(void) {
  int32_t dfd;
  CHECK_EQ(open_at(3, "many", 0, WASI_O_DIRECTORY, RO, 0, &dfd), 0);
  char seen[64][32];
  int nseen = 0, bad = 0;
  uint64_t cookie = 0;
  for (int round = 0; round < 1000; round++) {
    uint32_t cap = 100; /* fits ~2 entries: forces many resumptions */
    CHECK_EQ(gw_wasi_fd_readdir(&inst, dfd, BIG, (int32_t)cap,
                                (int64_t)cookie, OUT),
             0);
    uint32_t used = u32_at(OUT), at = 0;
    while (at + 24 <= used) {
      uint64_t next = u64_at(BIG + at);
      uint32_t namlen = u32_at(BIG + at + 16);
      if (at + 24 + namlen > used) break; /* truncated: resume here */
      if (nseen < 64 && namlen < 32) {
        memcpy(seen[nseen], M(BIG + at + 24), namlen);
        seen[nseen][namlen] = 0;
        uint8_t type = M(BIG + at + 20)[0];
        int isdir = strcmp(seen[nseen], ".") == 0 ||
                    strcmp(seen[nseen], "..") == 0 ||
                    strcmp(seen[nseen], "d") == 0;
        if (type != (isdir ? WASI_FILETYPE_DIRECTORY
                           : WASI_FILETYPE_REGULAR_FILE))
          bad++;
        nseen++;
      }
      cookie = next;
      at += 24 + namlen;
    }
    if (used < cap) break;
  }
  CHECK_EQ(bad, 0);
  DIR *d = opendir(host_path("sandbox/many"));
  struct dirent *de;
  int nhost = 0, missing = 0;
  while ((de = readdir(d))) {
    nhost++;
    int found = 0;
    for (int i = 0; i < nseen; i++) found |= strcmp(seen[i], de->d_name) == 0;
    missing += !found;
  }
  closedir(d);
  CHECK_EQ(nseen, nhost);
  CHECK_EQ(missing, 0);
  CHECK_EQ(nhost, 23); /* ".", "..", 20 files, "d" */
  /* A cookie past the end gives an empty buffer. */
  CHECK_EQ(gw_wasi_fd_readdir(&inst, dfd, BIG, 100, 1000, OUT), 0);
  CHECK_EQ(u32_at(OUT), 0);
  CHECK_EQ(gw_wasi_fd_readdir(&inst, 1, BIG, 100, 0, OUT), WASI_ENOTDIR);
  CHECK_EQ(gw_wasi_fd_readdir(&inst, dfd, MEM_SIZE - 10, 100, 0, OUT),
           WASI_EFAULT);
  CHECK_EQ(gw_wasi_fd_close(&inst, dfd), 0);
}

/* Every way out of the sandbox must fail, and nothing outside may change. */
static void test_escapes(void) {
  int32_t fd, len, len2;
  struct {
    const char *path;
    int follow;
    int32_t expect;
  } opens[] = {
      {"../secret", 0, WASI_ENOTCAPABLE},
      {"/etc/passwd", 1, WASI_ENOTCAPABLE},
      {"/", 1, WASI_ENOTCAPABLE},
      {"sub/../../secret", 1, WASI_ENOTCAPABLE},
      {"a/../../x", 1, WASI_ENOTCAPABLE},
      {"zz/../../x", 1, WASI_ENOENT},      /* like wasmtime: zz is missing */
      {"sub/../sub/../..", 1, WASI_ENOTCAPABLE},
      {"..", 0, WASI_ENOTCAPABLE},
      {"./../sandbox/sub/file", 0, WASI_ENOTCAPABLE},
      {"up/secret", 0, WASI_ENOTCAPABLE},  /* up -> .. */
      {"up/", 0, WASI_ENOTCAPABLE},
      {"up", 1, WASI_ENOTCAPABLE},
      {"up", 0, WASI_ELOOP},               /* the link itself, O_NOFOLLOW */
      {"root/etc/passwd", 1, WASI_ENOTCAPABLE}, /* root -> / */
      {"root", 1, WASI_ENOTCAPABLE},
      {"abs", 1, WASI_ENOTCAPABLE},        /* abs -> /etc/passwd */
      {"chain1", 1, WASI_ENOTCAPABLE},     /* chain1 -> chain2 -> out */
      {"sub/deep/../../chain1", 1, WASI_ENOTCAPABLE},
      {"loop1", 1, WASI_ELOOP},            /* loop1 <-> loop2 */
      {"loop1/x", 0, WASI_ELOOP},
      {"self/x", 0, WASI_ELOOP},           /* self -> self */
      {"c0", 1, WASI_ELOOP},               /* 41 links in a row */
      {"c2", 1, 0},                        /* 39 links: fine */
      {"ok", 1, 0},                        /* ok -> sub/file */
      {"sub/up2/data2", 1, 0},             /* up2 -> .. (stays inside) */
      {"sub/..", 0, 0},
      {"sub/../data2", 0, 0},
      {"sub/deep/../../data2", 0, 0},
      {"./data2", 0, 0},
  };
  for (size_t i = 0; i < sizeof opens / sizeof opens[0]; i++) {
    int32_t e = open_at(3, opens[i].path, opens[i].follow, 0, RO, 0, &fd);
    if (e != opens[i].expect)
      fprintf(stderr, "  path_open(\"%s\", follow=%d) = %d, expected %d\n",
              opens[i].path, opens[i].follow, e, opens[i].expect);
    CHECK_EQ(e, opens[i].expect);
    if (e == 0) gw_wasi_fd_close(&inst, fd);
  }
  /* Directory opens of escaping paths. */
  CHECK_EQ(open_at(3, "up", 1, WASI_O_DIRECTORY, RO, 0, &fd),
           WASI_ENOTCAPABLE);
  CHECK_EQ(open_at(3, "root", 1, WASI_O_DIRECTORY, RO, 0, &fd),
           WASI_ENOTCAPABLE);
  /* Creating outside. */
  CHECK_EQ(open_at(3, "../created", 0, WASI_O_CREAT, RW, 0, &fd),
           WASI_ENOTCAPABLE);
  CHECK_EQ(open_at(3, "up/created", 1, WASI_O_CREAT, RW, 0, &fd),
           WASI_ENOTCAPABLE);
  CHECK_EQ(open_at(3, "dangling", 1, WASI_O_CREAT, RW, 0, &fd),
           WASI_ENOTCAPABLE); /* dangling -> ../created */
  CHECK(!host_exists("created"));
  len = put_str(PATH, "../newdir");
  CHECK_EQ(gw_wasi_path_create_directory(&inst, 3, PATH, len),
           WASI_ENOTCAPABLE);
  len = put_str(PATH, "up/newdir");
  CHECK_EQ(gw_wasi_path_create_directory(&inst, 3, PATH, len),
           WASI_ENOTCAPABLE);
  CHECK(!host_exists("newdir"));
  /* Deleting, renaming, linking outside. */
  len = put_str(PATH, "up/secret");
  CHECK_EQ(gw_wasi_path_unlink_file(&inst, 3, PATH, len), WASI_ENOTCAPABLE);
  len = put_str(PATH, "../secret");
  CHECK_EQ(gw_wasi_path_unlink_file(&inst, 3, PATH, len), WASI_ENOTCAPABLE);
  len = put_str(PATH, "../outdir");
  CHECK_EQ(gw_wasi_path_remove_directory(&inst, 3, PATH, len),
           WASI_ENOTCAPABLE);
  CHECK(host_exists("secret") && host_exists("outdir"));
  len = put_str(PATH, "../secret");
  len2 = put_str(PATH2, "stolen");
  CHECK_EQ(gw_wasi_path_rename(&inst, 3, PATH, len, 3, PATH2, len2),
           WASI_ENOTCAPABLE);
  CHECK_EQ(gw_wasi_path_link(&inst, 3, 1, PATH, len, 3, PATH2, len2),
           WASI_ENOTCAPABLE);
  len = put_str(PATH, "root/etc/passwd");
  CHECK_EQ(gw_wasi_path_link(&inst, 3, 0, PATH, len, 3, PATH2, len2),
           WASI_ENOTCAPABLE);
  len = put_str(PATH, "abs"); /* linking the link itself is fine... */
  len2 = put_str(PATH2, "data2");
  len2 = put_str(PATH2, "../moved");
  CHECK_EQ(gw_wasi_path_rename(&inst, 3, PATH, len, 3, PATH2, len2),
           WASI_ENOTCAPABLE);
  CHECK(!host_exists("moved") && !host_exists("sandbox/stolen"));
  /* Symlinks: creating an absolute one is refused, following outside too. */
  len = put_str(PATH, "/etc");
  len2 = put_str(PATH2, "etc");
  CHECK_EQ(gw_wasi_path_symlink(&inst, PATH, len, 3, PATH2, len2),
           WASI_ENOTCAPABLE);
  len = put_str(PATH, "../..");
  len2 = put_str(PATH2, "../evil");
  CHECK_EQ(gw_wasi_path_symlink(&inst, PATH, len, 3, PATH2, len2),
           WASI_ENOTCAPABLE);
  len2 = put_str(PATH2, "evil");
  CHECK_EQ(gw_wasi_path_symlink(&inst, PATH, len, 3, PATH2, len2), 0);
  CHECK_EQ(open_at(3, "evil/etc/passwd", 1, 0, RO, 0, &fd), WASI_ENOTCAPABLE);
  /* stat and times through escaping links. */
  len = put_str(PATH, "root");
  CHECK_EQ(gw_wasi_path_filestat_get(&inst, 3, 1, PATH, len, OUT),
           WASI_ENOTCAPABLE);
  CHECK_EQ(gw_wasi_path_filestat_get(&inst, 3, 0, PATH, len, OUT), 0);
  CHECK_EQ(M(OUT)[16], WASI_FILETYPE_SYMBOLIC_LINK);
  len = put_str(PATH, "up/secret");
  CHECK_EQ(gw_wasi_path_filestat_set_times(&inst, 3, 0, PATH, len, 0, 0,
                                           WASI_FSTFLAG_MTIM),
           WASI_ENOTCAPABLE);
  struct stat sb;
  stat(host_path("secret"), &sb);
  CHECK(sb.st_mtim.tv_sec != 0);
  len = put_str(PATH, "up/secret");
  CHECK_EQ(gw_wasi_path_readlink(&inst, 3, PATH, len, BUF, 10, OUT),
           WASI_ENOTCAPABLE);
  /* The secret is untouched. */
  char host[64] = {0};
  FILE *f = fopen(host_path("secret"), "r");
  CHECK(f && fread(host, 1, 63, f) == 7 && strcmp(host, "secret\n") == 0);
  if (f) fclose(f);
}

/* ---- A symlink swapped in between check and use --------------------------- */

/* Armed: the next time the resolver or a path function reports `race_name`
 * (with or without a trailing "/"), that entry is replaced by a symlink to
 * `race_to` (a directory is moved aside to race_name + ".orig"). */
static const char *race_name, *race_to;
static int races_fired;

static void race_hook(int dirfd, const char *name) {
  if (!race_name) return;
  size_t n = strlen(race_name);
  if (strncmp(name, race_name, n) != 0 || (name[n] && strcmp(name + n, "/")))
    return;
  char aside[300];
  snprintf(aside, sizeof aside, "%s.orig", race_name);
  struct stat sb;
  if (fstatat(dirfd, race_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISDIR(sb.st_mode))
    renameat(dirfd, race_name, dirfd, aside);
  else
    unlinkat(dirfd, race_name, 0);
  if (symlinkat(race_to, dirfd, race_name) == 0) races_fired++;
  race_name = NULL; /* once */
}

/* Puts sandbox/<name> back as it was (a directory or a file). */
static void race_undo(const char *name, int was_dir) {
  char p[300], aside[8300];
  snprintf(p, sizeof p, "sandbox/%s", name);
  unlink(host_path(p));
  snprintf(aside, sizeof aside, "%s", host_path(p));
  strcat(aside, ".orig");
  if (was_dir) {
    char back[8192];
    snprintf(back, sizeof back, "%s", host_path(p));
    rename(aside, back);
  } else {
    FILE *f = fopen(host_path(p), "w");
    if (f) fclose(f);
  }
  race_name = NULL;
}

static void test_races(void) {
  gw_wasi_race_hook = race_hook;
  CHECK_EQ(mkdir(host_path("sandbox/racedir"), 0755), 0);
  FILE *f = fopen(host_path("sandbox/racefile"), "w");
  if (f) fclose(f);
  struct stat outdir, secret, sb;
  CHECK(stat(host_path("outdir"), &outdir) == 0);
  CHECK(stat(host_path("secret"), &secret) == 0);
  int32_t fd, len, len2;
  const int before = races_fired;

  /* Opening "racedir/": the kernel follows a final symlink before a "/"
   * even with O_NOFOLLOW, so the name must reach openat without it. */
  race_name = "racedir", race_to = "../outdir";
  int32_t e = open_at(3, "racedir/", 0, 0, RO, 0, &fd);
  CHECK(e == WASI_ELOOP || e == WASI_ENOTDIR);
  if (e == 0) {
    CHECK(fstat(gw_wasi_get_fd(w, fd)->host_fd, &sb) == 0 &&
          sb.st_ino != outdir.st_ino);
    gw_wasi_fd_close(&inst, fd);
  }
  race_undo("racedir", 1);
  race_name = "racedir", race_to = "../outdir";
  CHECK(open_at(3, "racedir/", 1, WASI_O_DIRECTORY, RO, 0, &fd) != 0);
  race_undo("racedir", 1);
  /* An intermediate directory swapped: never walked through. */
  race_name = "racedir", race_to = "..";
  CHECK(open_at(3, "racedir/secret", 0, 0, RO, 0, &fd) != 0);
  race_undo("racedir", 1);
  /* The final file swapped after the check (following was asked). */
  race_name = "racefile", race_to = "../secret";
  CHECK_EQ(open_at(3, "racefile", 1, 0, RO, 0, &fd), WASI_ELOOP);
  race_undo("racefile", 0);
  race_name = "racefile", race_to = "../secret";
  CHECK_EQ(open_at(3, "racefile", 1, WASI_O_TRUNC, RW, 0, &fd), WASI_ELOOP);
  race_undo("racefile", 0);
  /* stat and times of "racedir/" swapped: not the outside directory. */
  race_name = "racedir", race_to = "../outdir";
  len = put_str(PATH, "racedir/");
  e = gw_wasi_path_filestat_get(&inst, 3, 0, PATH, len, OUT);
  CHECK(e == WASI_ENOTDIR || (e == 0 && u64_at(OUT + 8) != outdir.st_ino));
  race_undo("racedir", 1);
  race_name = "racedir", race_to = "../outdir";
  CHECK(gw_wasi_path_filestat_set_times(&inst, 3, 0, PATH, len, 0, 0,
                                        WASI_FSTFLAG_MTIM) != 0);
  race_undo("racedir", 1);
  CHECK(stat(host_path("outdir"), &sb) == 0 &&
        sb.st_mtim.tv_sec == outdir.st_mtim.tv_sec);
  /* unlink, rename, link of a swapped file act on the link, inside. */
  race_name = "racefile", race_to = "../secret";
  len = put_str(PATH, "racefile");
  CHECK_EQ(gw_wasi_path_unlink_file(&inst, 3, PATH, len), 0);
  CHECK(host_exists("secret") && !host_exists("sandbox/racefile"));
  race_undo("racefile", 0);
  race_name = "racefile", race_to = "../secret";
  len2 = put_str(PATH2, "hardrace");
  CHECK_EQ(gw_wasi_path_link(&inst, 3, 0, PATH, len, 3, PATH2, len2), 0);
  CHECK(lstat(host_path("sandbox/hardrace"), &sb) == 0 && S_ISLNK(sb.st_mode));
  CHECK(stat(host_path("secret"), &sb) == 0 && sb.st_nlink == secret.st_nlink);
  unlink(host_path("sandbox/hardrace"));
  race_undo("racefile", 0);
  race_name = "racefile", race_to = "../secret";
  CHECK_EQ(gw_wasi_path_rename(&inst, 3, PATH, len, 3, PATH2, len2), 0);
  CHECK(lstat(host_path("sandbox/hardrace"), &sb) == 0 && S_ISLNK(sb.st_mode));
  CHECK(host_exists("secret"));
  unlink(host_path("sandbox/hardrace"));
  race_undo("racefile", 0);
  CHECK_EQ(races_fired - before, 10); /* every swap really happened */
  gw_wasi_race_hook = NULL;
  /* The secret is untouched. */
  char text[64] = {0};
  f = fopen(host_path("secret"), "r");
  CHECK(f && fread(text, 1, 63, f) == 7 && strcmp(text, "secret\n") == 0);
  if (f) fclose(f);
}

static void test_poll(int in_read_end, int in_write_end) {
  /* 1: relative monotonic clock, 20 ms. */
  memset(M(BUF), 0, 48 * 3);
  set_u64(BUF, 0x1111);
  M(BUF)[8] = 0;
  set_u32(BUF + 16, 1);
  set_u64(BUF + 24, 20000000);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, BUF, BIG, 1, OUT), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  CHECK(ms >= 20 && ms < 1000);
  CHECK_EQ(u32_at(OUT), 1);
  CHECK_EQ(u64_at(BIG), 0x1111);
  CHECK_EQ(M(BIG)[10], 0);
  CHECK_EQ(M(BIG)[8], 0);
  /* 2: absolute realtime clock in the past: immediate. */
  set_u32(BUF + 16, 0);
  set_u64(BUF + 24, 1000);
  M(BUF)[40] = 1;
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, BUF, BIG, 1, OUT), 0);
  CHECK_EQ(u32_at(OUT), 1);
  /* 3: absolute monotonic clock 30 ms ahead. */
  clock_gettime(CLOCK_MONOTONIC, &t0);
  set_u32(BUF + 16, 1);
  set_u64(BUF + 24, (uint64_t)t0.tv_sec * 1000000000u + (uint64_t)t0.tv_nsec +
                        30000000u);
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, BUF, BIG, 1, OUT), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  CHECK(ms >= 30 && ms < 1000);
  /* 4: fd_read on an empty pipe + 20 ms clock: only the clock fires. */
  gw_wasi_fd pipe_entry = {0};
  pipe_entry.kind = GW_WASI_FD_STDIO; /* not owned: test closes it */
  pipe_entry.host_fd = in_read_end;
  pipe_entry.preopen = -1;
  int32_t pfd = gw_wasi_add_fd(w, &pipe_entry);
  memset(M(BUF), 0, 96);
  set_u64(BUF, 1);
  M(BUF)[8] = 1;
  set_u32(BUF + 16, (uint32_t)pfd);
  set_u64(BUF + 48, 2);
  M(BUF + 48)[8] = 0;
  set_u32(BUF + 48 + 16, 1);
  set_u64(BUF + 48 + 24, 20000000);
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, BUF, BIG, 2, OUT), 0);
  CHECK_EQ(u32_at(OUT), 1);
  CHECK_EQ(u64_at(BIG), 2);
  /* 5: data in the pipe: the read fires with its byte count. */
  CHECK_EQ(write(in_write_end, "12345", 5), 5);
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, BUF, BIG, 2, OUT), 0);
  CHECK_EQ(u32_at(OUT), 1);
  CHECK_EQ(u64_at(BIG), 1);
  CHECK_EQ(M(BIG)[10], 1);
  CHECK_EQ(u64_at(BIG + 16), 5);
  /* 6: bad fd -> an event carrying EBADF; nsubscriptions 0 -> EINVAL. */
  set_u32(BUF + 16, 99);
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, BUF, BIG, 1, OUT), 0);
  CHECK_EQ(u32_at(OUT), 1);
  CHECK_EQ(M(BIG)[8], WASI_EBADF);
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, BUF, BIG, 0, OUT), WASI_EINVAL);
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, MEM_SIZE - 40, BIG, 1, OUT),
           WASI_EFAULT);
  gw_wasi_fd_close(&inst, pfd);
}

/* Import resolution and proc_exit. */
static void test_resolve(void) {
  static const char *const sigs[] = {"iiii:i", "ii:i", "i:"};
  gw_module_desc mod = {0};
  mod.num_types = 3;
  mod.type_sigs = sigs;
  const gw_module_desc *saved = inst.module;
  inst.module = &mod;
  gw_import_desc imp = {0};
  imp.module = "wasi_snapshot_preview1";
  imp.name = "fd_write";
  imp.kind = GW_EXTERN_FUNC;
  imp.type = 0;
  gw_extern ext = {0};
  CHECK_EQ(gw_wasi_resolve(w, &inst, &imp, &ext), 0);
  CHECK_EQ(ext.kind, GW_EXTERN_FUNC);
  CHECK(ext.u.func && ext.u.func->code == (void *)gw_wasi_fd_write);
  CHECK(ext.u.func->instance == &inst);
  CHECK(ext.u.func->type_id == gw_intern_type("iiii:i"));
  imp.type = 1;
  CHECK_EQ(gw_wasi_resolve(w, &inst, &imp, &ext), -1);
  CHECK(strstr(gw_wasi_last_error(w), "incompatible import type") != NULL);
  imp.name = "proc_exit";
  imp.type = 2;
  CHECK_EQ(gw_wasi_resolve(w, &inst, &imp, &ext), 0);
  imp.name = "no_such_function";
  CHECK_EQ(gw_wasi_resolve(w, &inst, &imp, &ext), 1);
  imp.module = "env";
  imp.name = "fd_write";
  CHECK_EQ(gw_wasi_resolve(w, &inst, &imp, &ext), 1);
  inst.module = saved;
  if (setjmp(wasi_test_trap_jmp) == 0) {
    gw_wasi_proc_exit(&inst, 42);
    CHECK(0); /* not reached */
  }
  CHECK_EQ(wasi_test_trap_kind, GW_TRAP_EXIT);
  CHECK_EQ(gw_wasi_exit_code(w), 42);
}

static void setup_tree(void) {
  char cmd[8192];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && mkdir -p sandbox/sub/deep sandbox/many/d outdir && "
           "printf 'secret\\n' > secret && printf 'inside\\n' > "
           "sandbox/sub/file && printf 'two\\n' > sandbox/data2 && "
           "cd sandbox && ln -s .. up && ln -s / root && "
           "ln -s /etc/passwd abs && ln -s chain2 chain1 && "
           "ln -s sub/deep/../../../secret chain2 && ln -s loop2 loop1 && "
           "ln -s loop1 loop2 && ln -s self self && ln -s sub/file ok && "
           "ln -s .. sub/up2 && ln -s ../created dangling && "
           "for i in $(seq 0 40); do ln -s c$((i+1)) c$i; done && "
           "printf 'end\\n' > c41 && mkdir a && "
           "for i in $(seq 1 20); do printf x > many/f$i; done",
           root);
  if (system(cmd) != 0) {
    fprintf(stderr, "setup failed\n");
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: wasi_unit_test SCRATCH_DIR\n");
    return 2;
  }
  if (!realpath(argv[1], root)) return 2;
  setup_tree();
  memory.base = calloc(1, MEM_SIZE);
  memory.pages = PAGES;
  memory.max_pages = PAGES;
  inst.mem0_base = memory.base;
  inst.memories = memories;

  int out_pipe[2], in_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(in_pipe) != 0) return 2;
  int devnull = open("/dev/null", O_RDONLY);
  int errfile = open(host_path("stderr.txt"), O_WRONLY | O_CREAT, 0644);
  static const char *const args[] = {"prog", "a b", ""};
  static const char *const env[] = {"A=1", "B=x=y"};
  char sandbox[8192];
  snprintf(sandbox, sizeof sandbox, "%s/sandbox", root);
  const char *hosts[] = {sandbox, root};
  const char *guests[] = {"/sandbox", "."};
  gw_wasi_config cfg = {3, args, 2, env, 2, hosts, guests,
                        devnull, out_pipe[1], errfile};
  char err[256];
  const char *bad_hosts[] = {"/nonexistent/dir"};
  gw_wasi_config bad = cfg;
  bad.num_preopens = 1;
  bad.preopen_host = bad_hosts;
  CHECK(gw_wasi_new(&bad, err, sizeof err) == NULL);
  CHECK(strstr(err, "/nonexistent/dir") != NULL);
  w = gw_wasi_new(&cfg, err, sizeof err);
  if (!w) {
    fprintf(stderr, "gw_wasi_new: %s\n", err);
    return 2;
  }
  inst.host = w;

  test_args_env();
  test_clock_random();
  test_stdio(out_pipe[0]);
  test_prestat();
  test_files();
  test_paths();
  test_readdir();
  test_escapes();
  test_races();
  test_poll(in_pipe[0], in_pipe[1]);
  test_resolve();

  gw_wasi_free(w);
  /* stdio host fds belong to the embedder: still open after free. */
  CHECK(fcntl(out_pipe[1], F_GETFD) >= 0);
  printf("%d checks, %d failed\n", rt_checks, rt_failures);
  return rt_failures ? 1 : 0;
}
