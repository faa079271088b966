/*
 * mutant_harness.c: restores thousands of hostile snapshots in one process.
 *
 * Linked with a module compiled by Godwit (`emit: "obj"`), the runtime
 * (sanitized, see sanitized_build.ts) and runtime/main.c compiled with
 * -Dmain=gw_program_main, so each mutant goes through exactly the produced
 * program's code. Forking per mutant costs far less than exec'ing a
 * sanitized program (measured in tests/hostile_snapshot_test.ts).
 *
 *   mutant_harness run [program options...]
 *       the program itself (gw_program_main): makes the base snapshots.
 *   mutant_harness mutate BASE SEED WORK TIMEOUT_MS [restore options...]
 *       reads mutant records from stdin (below); for each one builds the
 *       mutant from the snapshot file BASE, writes it to WORK/mutant.snap,
 *       refreshes WORK/dir from the directory SEED ("-": none), forks, and
 *       in the child runs `prog --restore WORK/mutant.snap [restore
 *       options...]` with stdin and stdout on /dev/null and stderr to a
 *       file; kills it after TIMEOUT_MS. One line per mutant on stdout:
 *         ID MS exit CODE|signal SIG|timeout STDERR
 *       MS is the child's wall time in milliseconds.
 *       STDERR is the child's stderr (first 400 bytes), \n and \\ escaped.
 *
 * A record (little-endian): u32 id, u32 flags (bit 0: re-seal the CRC
 * after the edits; bits 8-31: this mutant's time limit in ms, if not 0), u64 start, u64 end, u32 repeat, u64 text_len, text: the
 * JSON bytes [start, end) are replaced by text repeated `repeat` times
 * (start = end = ~0: the JSON is kept); u32 npatch, npatch * (u64 offset,
 * u8 xor) applied to the whole file after that; u64 truncate (~0: none).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../snapshot.h"

int gw_program_main(int argc, char **argv);

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc((size_t)n + 1);
  if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fclose(f);
    free(buf);
    return NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* Mutant buffers are mapped, not malloc'd: under ASan, freed blocks stay
 * in its quarantine (up to 256 MB), and a big parent makes every fork
 * slow. */
static void *map_buffer(size_t n) {
  void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static int read_exact(void *p, size_t n) {
  return n == 0 || fread(p, 1, n, stdin) == n ? 0 : -1;
}

static uint64_t get_le(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n; i-- > 0;) v = v << 8 | p[i];
  return v;
}

static void put_le(uint8_t *p, uint64_t v, int n) {
  for (int i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* rm -r PATH (no symlinks followed). */
static void remove_tree(const char *path) {
  struct stat sb;
  if (lstat(path, &sb) != 0) return;
  if (S_ISDIR(sb.st_mode)) {
    DIR *d = opendir(path);
    if (d != NULL) {
      struct dirent *e;
      while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        remove_tree(sub);
      }
      closedir(d);
    }
    rmdir(path);
  } else {
    unlink(path);
  }
}

/* cp -r FROM TO for regular files and directories. */
static void copy_tree(const char *from, const char *to) {
  struct stat sb;
  if (lstat(from, &sb) != 0) return;
  if (S_ISDIR(sb.st_mode)) {
    mkdir(to, 0755);
    DIR *d = opendir(from);
    if (d == NULL) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char a[4096], b[4096];
      snprintf(a, sizeof a, "%s/%s", from, e->d_name);
      snprintf(b, sizeof b, "%s/%s", to, e->d_name);
      copy_tree(a, b);
    }
    closedir(d);
  } else if (S_ISREG(sb.st_mode)) {
    size_t len;
    uint8_t *bytes = read_file(from, &len);
    int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (bytes != NULL && fd >= 0 && write(fd, bytes, len) != (ssize_t)len)
      perror("copy_tree");
    if (fd >= 0) close(fd);
    free(bytes);
  }
}

static void on_alarm(int sig) { (void)sig; }

static int write_all(const char *path, const uint8_t *p, size_t n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  size_t done = 0;
  while (done < n) {
    ssize_t r = write(fd, p + done, n - done);
    if (r <= 0) {
      close(fd);
      return -1;
    }
    done += (size_t)r;
  }
  return close(fd);
}

static int mutate(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: mutant_harness mutate BASE SEED WORK TIMEOUT_MS "
                    "[restore options...]\n");
    return 2;
  }
  const char *seed = argv[3], *work = argv[4];
  int timeout_ms = atoi(argv[5]);
  size_t base_len;
  uint8_t *base = read_file(argv[2], &base_len);
  if (base == NULL || base_len < 36) {
    fprintf(stderr, "cannot read base snapshot %s\n", argv[2]);
    return 2;
  }
  uint64_t json_len = get_le(base + 16, 8), blob_len = get_le(base + 24, 8);
  const uint8_t *json = base + 32, *blob = base + 32 + json_len;
  char snap[4096], errfile[4096], dir[4096];
  snprintf(snap, sizeof snap, "%s/mutant.snap", work);
  snprintf(errfile, sizeof errfile, "%s/stderr.txt", work);
  snprintf(dir, sizeof dir, "%s/dir", work);
  /* The child's command line: prog --restore SNAP [restore options]. */
  int cargc = 3 + (argc - 6);
  char **cargv = calloc((size_t)cargc + 1, sizeof(char *));
  cargv[0] = argv[0];
  cargv[1] = "--restore";
  cargv[2] = snap;
  for (int i = 6; i < argc; i++) cargv[3 + i - 6] = argv[i];
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART: waitpid returns EINTR */
  sigaction(SIGALRM, &sa, NULL);
  setenv("GODWIT_CR_STATS", "1", 1); /* "resumed" tells a hang from a run */

  uint8_t head[32];
  while (read_exact(head, 28) == 0) {
    uint32_t id = (uint32_t)get_le(head, 4), flags = (uint32_t)get_le(head + 4, 4);
    uint64_t start = get_le(head + 8, 8), end = get_le(head + 16, 8);
    uint32_t repeat = (uint32_t)get_le(head + 24, 4);
    uint8_t b8[8];
    if (read_exact(b8, 8) != 0) return 2;
    uint64_t text_len = get_le(b8, 8);
    uint8_t *text = map_buffer(text_len + 1);
    if (text == NULL || read_exact(text, text_len) != 0) return 2;
    uint8_t b4[4];
    if (read_exact(b4, 4) != 0) return 2;
    uint32_t npatch = (uint32_t)get_le(b4, 4);
    uint64_t *poff = malloc(sizeof(uint64_t) * (npatch + 1));
    uint8_t *pxor = malloc(npatch + 1);
    for (uint32_t k = 0; k < npatch; k++) {
      uint8_t rec[9];
      if (read_exact(rec, 9) != 0) return 2;
      poff[k] = get_le(rec, 8);
      pxor[k] = rec[8];
    }
    if (read_exact(b8, 8) != 0) return 2;
    uint64_t truncate = get_le(b8, 8);

    /* The mutant: header, (spliced) JSON, blob, CRC. */
    int splice = start != UINT64_MAX && start <= end && end <= json_len;
    uint64_t new_json = splice ? json_len - (end - start) + text_len * repeat
                               : json_len;
    size_t len = 32 + new_json + blob_len + 4;
    size_t mapped = len;
    uint8_t *m = map_buffer(mapped);
    if (m == NULL) return 2;
    memcpy(m, base, 32);
    put_le(m + 16, new_json, 8);
    uint8_t *q = m + 32;
    if (splice) {
      memcpy(q, json, start);
      q += start;
      for (uint32_t r = 0; r < repeat; r++, q += text_len)
        memcpy(q, text, text_len);
      memcpy(q, json + end, json_len - end);
      q += json_len - end;
    } else {
      memcpy(q, json, json_len);
      q += json_len;
    }
    memcpy(q, blob, blob_len);
    put_le(m + len - 4, gw_crc32(m, len - 4), 4);
    for (uint32_t k = 0; k < npatch; k++)
      if (poff[k] < len) m[poff[k]] ^= pxor[k];
    if (truncate < len) len = truncate;
    if ((flags & 1) && len >= 4)
      put_le(m + len - 4, gw_crc32(m, len - 4), 4);
    if (write_all(snap, m, len) != 0) {
      fprintf(stderr, "cannot write %s\n", snap);
      return 2;
    }
    munmap(m, mapped);
    munmap(text, text_len + 1);
    free(poff);
    free(pxor);
    if (strcmp(seed, "-") != 0) {
      remove_tree(dir);
      copy_tree(seed, dir);
    }

    fflush(stdout);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) {
      int in = open("/dev/null", O_RDWR);
      int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(in, 0);
      dup2(in, 1);
      dup2(err, 2);
      close(in);
      close(err);
      sa.sa_handler = SIG_DFL;
      sigaction(SIGALRM, &sa, NULL);
      exit(gw_program_main(cargc, cargv));
    }
    int limit = flags >> 8 ? (int)(flags >> 8) : timeout_ms;
    struct itimerval t = {.it_value = {.tv_sec = limit / 1000,
                                       .tv_usec = limit % 1000 * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
    int status = 0, timed_out = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) break;
      timed_out = 1;
      kill(pid, SIGKILL);
    }
    struct itimerval off = {0};
    setitimer(ITIMER_REAL, &off, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%u %lld ", id,
           (long long)((t1.tv_sec - t0.tv_sec) * 1000 +
                       (t1.tv_nsec - t0.tv_nsec) / 1000000));
    if (timed_out) printf("timeout");
    else if (WIFSIGNALED(status)) printf("signal %d", WTERMSIG(status));
    else printf("exit %d", WEXITSTATUS(status));
    putchar(' ');
    size_t elen = 0;
    uint8_t *e = read_file(errfile, &elen);
    for (size_t i = 0; e != NULL && i < elen && i < 400; i++) {
      if (e[i] == '\n') fputs("\\n", stdout);
      else if (e[i] == '\\') fputs("\\\\", stdout);
      else putchar(e[i] >= 0x20 && e[i] < 0x7f ? e[i] : '?');
    }
    free(e);
    putchar('\n');
  }
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "run") == 0) {
    argv[1] = argv[0];
    return gw_program_main(argc - 1, argv + 1);
  }
  if (argc >= 2 && strcmp(argv[1], "mutate") == 0) return mutate(argc, argv);
  fprintf(stderr, "usage: mutant_harness run|mutate ...\n");
  return 2;
}
