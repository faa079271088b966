/*
 * wasi_cr_test.c: checkpoint/restore of the WASI state and blocking calls,
 * on a fake instance (a calloc'd buffer as memory 0) with the real runtime.
 *
 *   - open files at offsets, a directory, closed and renumbered descriptors
 *     survive serialize -> JSON -> restore into a fresh gw_wasi: same fd
 *     numbers, same offsets (checked with lseek and by reading on through
 *     WASI against the files' bytes), no O_TRUNC/O_CREAT effects;
 *   - directories come only from the restore's grants: a preopen without
 *     one is an error naming it and the --dir to add (the recorded host path
 *     is used only with GW_WASI_TRUST_SNAPSHOT_PATHS), a grant for a guest
 *     the snapshot lacks is an error, a grant moves a preopen; a vanished
 *     file, a missing directory fail cleanly and leave the target untouched;
 *   - a regular-file stdin is seeked back to its offset;
 *   - poll_oneoff (sleeping) and fd_read (empty pipe) give way to SIGUSR1
 *     within 100 ms and start unwinding; the re-issued sleep, after a
 *     restore into a fresh gw_wasi, waits only for what was left.
 *
 * Usage: wasi_cr_test SCRATCH_DIR (empty). Prints "N checks, M failed".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../snapshot_internal.h"
#include "../wasi_internal.h"
#define RT_TEST_STANDALONE
#include "rt_test.h"


/* ---- A fake instance whose module has one IMPORT_CALL point ------------- */

static const gw_point_desc points[] = {
    {.func = 1, .offset = 10, .kind = GW_POINT_IMPORT_CALL, .types = ""}};
static const gw_module_desc module = {.name = "fake", .num_points = 1,
                                      .points = points};
#define MEM_SIZE 65536
static gw_memory memory;
static gw_memory *memories[1] = {&memory};
static gw_exec exec;
static gw_instance inst;
static char root[4096];

enum { PATH = 0x100, IOV = 0x1000, OUT = 0x1100, BUF = 0x2000,
       SUBS = 0x3000, EVENTS = 0x3400 };

static uint8_t *M(uint32_t off) { return memory.base + off; }
static uint32_t u32_at(uint32_t off) {
  uint32_t v;
  memcpy(&v, M(off), 4);
  return v;
}

static void use(gw_wasi *w) { inst.host = w; }

static int32_t open_file(const char *path, int32_t oflags, uint64_t rights,
                         int32_t fdflags, int32_t *fd) {
  size_t n = strlen(path);
  memcpy(M(PATH), path, n);
  int32_t e = gw_wasi_path_open(&inst, 3, 1, PATH, (int32_t)n, oflags,
                                (int64_t)rights, (int64_t)rights, fdflags,
                                OUT);
  *fd = (int32_t)u32_at(OUT);
  return e;
}

/* fd_read/fd_write of len bytes at BUF; returns bytes done or -errno. */
static int64_t io(int write, int32_t fd, uint32_t len) {
  uint32_t iov[2] = {BUF, len};
  memcpy(M(IOV), iov, 8);
  int32_t e = write ? gw_wasi_fd_write(&inst, fd, IOV, 1, OUT)
                    : gw_wasi_fd_read(&inst, fd, IOV, 1, OUT);
  return e ? -e : (int64_t)u32_at(OUT);
}

static void path_of(char *out, size_t n, const char *rel) {
  snprintf(out, n, "%s/%s", root, rel);
}

static void write_file(const char *rel, const char *text) {
  char p[4200];
  path_of(p, sizeof p, rel);
  FILE *f = fopen(p, "w");
  fputs(text, f);
  fclose(f);
}

static gw_wasi *new_wasi(const char *dir, int stdin_fd) {
  const char *argv[] = {"prog", "a b", ""};
  const char *envp[] = {"K=V"};
  const char *hosts[] = {dir};
  const char *guests[] = {"data"};
  gw_wasi_config cfg = {.argc = dir ? 3 : 1, .argv = argv,
                        .envc = dir ? 1 : 0, .envp = envp,
                        .num_preopens = dir ? 1 : 0, .preopen_host = hosts,
                        .preopen_guest = guests, .stdin_fd = stdin_fd,
                        .stdout_fd = 1, .stderr_fd = 2};
  char err[256];
  gw_wasi *w = gw_wasi_new(&cfg, err, sizeof err);
  if (!w) fprintf(stderr, "gw_wasi_new: %s\n", err);
  return w;
}

/* Serializes w and parses the JSON back (the caller frees it). */
static gw_json *snapshot_state(gw_wasi *w) {
  gw_json_writer jw;
  memset(&jw, 0, sizeof jw);
  char err[256];
  CHECK_EQ(gw_wasi_serialize(w, &jw, err, sizeof err), 0);
  CHECK(!jw.failed);
  gw_json *j = gw_json_parse(jw.buf, jw.len, err, sizeof err);
  if (!j) fprintf(stderr, "bad JSON: %s\n%.*s\n", err, (int)jw.len, jw.buf);
  free(jw.buf);
  return j;
}

static off_t host_offset(gw_wasi *w, int32_t fd) {
  gw_wasi_fd *f = gw_wasi_get_fd(w, fd);
  return f ? lseek(f->host_fd, 0, SEEK_CUR) : -1;
}

/* ---- Files, directories, remaps ------------------------------------------ */

static void test_files(void) {
  char data[4200], moved[4200];
  path_of(data, sizeof data, "data");
  path_of(moved, sizeof moved, "moved");
  mkdir(data, 0755);
  mkdir(strcat(strcpy(moved, data), "/sub"), 0755);
  path_of(moved, sizeof moved, "moved");
  write_file("data/in.txt", "0123456789abcdefghij");
  write_file("data/sub/x", "x");
  write_file("data/sub/y", "y");

  gw_wasi *w = new_wasi(data, 0);
  use(w);
  int32_t in, out, dir, extra;
  uint64_t rw = WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK |
                WASI_RIGHT_FD_TELL;
  CHECK_EQ(open_file("in.txt", 0, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK, 0,
                     &in), 0);
  CHECK_EQ(io(0, in, 7), 7);
  CHECK_EQ(open_file("out.txt", WASI_O_CREAT | WASI_O_TRUNC, rw, 0, &out), 0);
  memcpy(M(BUF), "hello world", 11);
  CHECK_EQ(io(1, out, 11), 11);
  CHECK_EQ(open_file("sub", WASI_O_DIRECTORY,
                     WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_OPEN, 0, &dir),
           0);
  CHECK_EQ(gw_wasi_fd_readdir(&inst, dir, BUF, 40, 0, OUT), 0);
  uint64_t dir_pos = gw_wasi_get_fd(w, dir)->dir_index;
  CHECK(dir_pos >= 1);
  /* A hole in the table and a renumbered descriptor. */
  CHECK_EQ(open_file("in.txt", 0, WASI_RIGHT_FD_READ, 0, &extra), 0);
  CHECK_EQ(gw_wasi_fd_close(&inst, extra), 0);
  int32_t again;
  CHECK_EQ(open_file("sub/x", 0, WASI_RIGHT_FD_READ, 0, &again), 0);
  CHECK_EQ(again, extra);
  CHECK_EQ(open_file("sub/y", 0, WASI_RIGHT_FD_READ, 0, &extra), 0);
  CHECK_EQ(gw_wasi_fd_renumber(&inst, extra, again), 0); /* again = sub/y */
  gw_json *state = snapshot_state(w);
  CHECK(state != NULL);
  if (!state) return;
  CHECK_EQ(gw_json_length(gw_json_get(state, "fds")), 8);

  /* The program goes on writing after the checkpoint (as the first run
   * would, when it was not stopped): restore must not truncate it. */
  memcpy(M(BUF), "!!", 2);
  CHECK_EQ(io(1, out, 2), 2);

  gw_wasi *w2 = new_wasi(NULL, 0);
  char err[512];
  /* No grant for "data": refused, naming it and the --dir to add. */
  CHECK_EQ(gw_wasi_restore(w2, state, NULL, 0, 0, err, sizeof err), -1);
  CHECK(strstr(err, "does not grant the snapshot's preopened directory "
                    "'data': add --dir HOST::data (") != NULL);
  CHECK(strstr(err, data) != NULL); /* the recorded path, as a hint */
  CHECK_EQ(w2->num_preopens, 0);
  gw_wasi_grant grant = {.host = data, .guest = "data"};
  if (gw_wasi_restore(w2, state, &grant, 1, 0, err, sizeof err) != 0) {
    fprintf(stderr, "FAIL restore: %s\n", err);
    exit(1);
  }
  use(w2);
  CHECK_EQ(w2->argc, 3);
  CHECK(strcmp(w2->argv[1], "a b") == 0 && strcmp(w2->argv[2], "") == 0);
  CHECK(w2->envc == 1 && strcmp(w2->envp[0], "K=V") == 0);
  CHECK_EQ(w2->num_preopens, 1);
  CHECK(strcmp(w2->preopens[0].guest, "data") == 0);
  CHECK_EQ(host_offset(w2, in), 7);
  CHECK_EQ(host_offset(w2, out), 11);
  CHECK(gw_wasi_get_fd(w2, extra) == NULL);
  CHECK(strcmp(gw_wasi_get_fd(w2, again)->path, "sub/y") == 0);
  CHECK_EQ(gw_wasi_get_fd(w2, dir)->dir_index, dir_pos);
  CHECK_EQ(gw_wasi_get_fd(w2, in)->rights_base,
           WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK);
  CHECK_EQ(io(0, in, 5), 5);
  CHECK(memcmp(M(BUF), "789ab", 5) == 0);
  CHECK_EQ(io(0, again, 5), 1);
  CHECK(memcmp(M(BUF), "y", 1) == 0);
  struct stat sb;
  char p[4200];
  path_of(p, sizeof p, "data/out.txt");
  CHECK(stat(p, &sb) == 0 && sb.st_size == 13); /* not truncated */
  memcpy(M(BUF), "XY", 2);
  CHECK_EQ(io(1, out, 2), 2); /* overwrites the "!!" at offset 11 */
  FILE *f = fopen(p, "r");
  char text[32] = {0};
  CHECK(fread(text, 1, sizeof text - 1, f) == 13);
  fclose(f);
  CHECK(strcmp(text, "hello worldXY") == 0);
  gw_wasi_free(w2);

  /* Trusting the snapshot: the recorded path is used. */
  w2 = new_wasi(NULL, 0);
  CHECK_EQ(gw_wasi_restore(w2, state, NULL, 0, GW_WASI_TRUST_SNAPSHOT_PATHS,
                           err, sizeof err), 0);
  CHECK(w2->num_preopens == 1 && strcmp(w2->preopens[0].host, data) == 0);
  CHECK_EQ(host_offset(w2, in), 7);
  gw_wasi_free(w2);

  /* The preopen moved: trusted, an error naming it; granted, it works. */
  CHECK_EQ(rename(data, moved), 0);
  w2 = new_wasi(NULL, 0);
  CHECK_EQ(gw_wasi_restore(w2, state, NULL, 0, GW_WASI_TRUST_SNAPSHOT_PATHS,
                           err, sizeof err), -1);
  CHECK(strstr(err, "'data'") != NULL && strstr(err, data) != NULL);
  CHECK_EQ(w2->num_preopens, 0); /* untouched */
  CHECK_EQ(w2->argc, 1);
  CHECK_EQ(gw_wasi_restore(w2, state, &grant, 1, 0, err, sizeof err), -1);
  CHECK(strstr(err, "cannot open directory") != NULL &&
        strstr(err, "for --dir") != NULL);
  gw_wasi_grant remap = {.host = moved, .guest = "data"};
  CHECK_EQ(gw_wasi_restore(w2, state, &remap, 1, 0, err, sizeof err), 0);
  CHECK(strcmp(w2->preopens[0].host, moved) == 0);
  CHECK_EQ(host_offset(w2, in), 7);
  gw_wasi_free(w2);
  /* A grant the snapshot has no preopen for, or one too many. */
  gw_wasi_grant bad[2] = {{.host = moved, .guest = "data"},
                          {.host = moved, .guest = "nope"}};
  w2 = new_wasi(NULL, 0);
  CHECK_EQ(gw_wasi_restore(w2, state, bad, 2, 0, err, sizeof err), -1);
  CHECK(strstr(err, "--dir " ) != NULL &&
        strstr(err, "::nope: the snapshot has no preopened directory 'nope'") !=
            NULL);
  bad[1].guest = "data";
  CHECK_EQ(gw_wasi_restore(w2, state, bad, 2, 0, err, sizeof err), -1);
  CHECK(strstr(err, "::data: given more often than the snapshot has a "
                    "preopened directory 'data'") != NULL);
  CHECK_EQ(w2->num_preopens, 0);

  /* A file that vanished: a clear error, nothing changed. */
  char gone[4300];
  snprintf(gone, sizeof gone, "%s/sub/y", moved);
  CHECK_EQ(unlink(gone), 0);
  CHECK_EQ(gw_wasi_restore(w2, state, &remap, 1, 0, err, sizeof err), -1);
  CHECK(strstr(err, "sub/y") != NULL);
  CHECK(strstr(err, "No such file") != NULL);
  CHECK_EQ(w2->num_preopens, 0);
  CHECK(gw_wasi_get_fd(w2, 3) == NULL);
  gw_wasi_free(w2);
  gw_json_free(state);
  gw_wasi_free(w);
}

/* ---- Edited (hostile) WASI states ----------------------------------------- */

/* w's state as JSON text with every `from` replaced by `to`, parsed. */
static gw_json *edited_state(gw_wasi *w, const char *from, const char *to) {
  gw_json_writer jw;
  memset(&jw, 0, sizeof jw);
  char err[256];
  CHECK_EQ(gw_wasi_serialize(w, &jw, err, sizeof err), 0);
  size_t fl = strlen(from), tl = strlen(to), cap = jw.len * (tl + 1) + 1;
  char *out = calloc(1, cap), *o = out;
  int replaced = 0;
  for (size_t i = 0; i < jw.len;) {
    if (i + fl <= jw.len && memcmp(jw.buf + i, from, fl) == 0) {
      memcpy(o, to, tl);
      o += tl;
      i += fl;
      replaced++;
    } else {
      *o++ = jw.buf[i++];
    }
  }
  CHECK(replaced > 0);
  if (!replaced) fprintf(stderr, "  '%s' not in %.*s\n", from, (int)jw.len,
                         jw.buf);
  gw_json *j = gw_json_parse(out, (size_t)(o - out), err, sizeof err);
  if (!j) fprintf(stderr, "bad JSON: %s\n%s\n", err, out);
  free(out);
  free(jw.buf);
  return j;
}

/* Restores an edited state with the grant data -> "data"; returns the
 * result and leaves the message in err. */
static int restore_edited(gw_wasi *w, const char *from, const char *to,
                          const char *data, char *err, size_t n) {
  gw_json *state = edited_state(w, from, to);
  gw_wasi *w2 = new_wasi(NULL, 0);
  gw_wasi_grant grant = {.host = data, .guest = "data"};
  int r = state ? gw_wasi_restore(w2, state, &grant, 1, 0, err, n) : -2;
  gw_wasi_free(w2);
  gw_json_free(state);
  return r;
}

static void test_hostile_state(void) {
  char data[4200], quoted[4300];
  path_of(data, sizeof data, "hdata");
  mkdir(data, 0755);
  strcat(data, "/sub");
  mkdir(data, 0755);
  path_of(data, sizeof data, "hdata");
  write_file("hdata/in.txt", "inside");
  write_file("hsecret", "secret");
  gw_wasi *w = new_wasi(data, 0);
  use(w);
  int32_t in;
  CHECK_EQ(open_file("in.txt", 0, WASI_RIGHT_FD_READ, 0, &in), 0);
  char err[512];
  snprintf(quoted, sizeof quoted, "\"%s\"", data);

  /* The recorded host says "/": ignored, the preopen is the granted one. */
  gw_json *state = edited_state(w, quoted, "\"/\"");
  gw_wasi *w2 = new_wasi(NULL, 0);
  gw_wasi_grant grant = {.host = data, .guest = "data"};
  CHECK_EQ(gw_wasi_restore(w2, state, &grant, 1, 0, err, sizeof err), 0);
  struct stat want, got;
  CHECK(stat(data, &want) == 0);
  CHECK(fstat(gw_wasi_get_fd(w2, 3)->host_fd, &got) == 0);
  CHECK(want.st_ino == got.st_ino && want.st_dev == got.st_dev);
  use(w2);
  int32_t fd;
  CHECK_EQ(open_file("../hsecret", 0, WASI_RIGHT_FD_READ, 0, &fd),
           WASI_ENOTCAPABLE);
  CHECK_EQ(open_file("etc/passwd", 0, WASI_RIGHT_FD_READ, 0, &fd),
           WASI_ENOENT);
  CHECK_EQ(io(0, in, 6), 6);
  CHECK(memcmp(M(BUF), "inside", 6) == 0);
  use(w);
  gw_wasi_free(w2);
  /* ...and without a grant, "/" is not used either. */
  w2 = new_wasi(NULL, 0);
  CHECK_EQ(gw_wasi_restore(w2, state, NULL, 0, 0, err, sizeof err), -1);
  CHECK(strstr(err, "add --dir HOST::data") != NULL);
  gw_wasi_free(w2);
  gw_json_free(state);

  /* Descriptor paths that leave the preopen. */
  const char *paths[] = {"\"../hsecret\"", "\"/etc/passwd\"",
                         "\"sub/../../hsecret\"", "\"./../hdata/in.txt\""};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    CHECK_EQ(restore_edited(w, "\"in.txt\"", paths[i], data, err, sizeof err),
             -1);
    if (!strstr(err, "leaves its preopened directory"))
      fprintf(stderr, "  %s: %s\n", paths[i], err);
    CHECK(strstr(err, "leaves its preopened directory") != NULL);
  }
  /* A symlink inside the preopen that leads out, named by a descriptor. */
  char link[4300];
  snprintf(link, sizeof link, "%s/out", data);
  CHECK_EQ(symlink("../hsecret", link), 0);
  CHECK_EQ(restore_edited(w, "\"in.txt\"", "\"out\"", data, err, sizeof err),
           -1);
  CHECK(strstr(err, "leaves its preopened directory") != NULL ||
        strstr(err, "too many symbolic links") != NULL);
  /* Kinds and numbers this process does not have. */
  CHECK_EQ(restore_edited(w, "\"kind\":\"file\"", "\"kind\":\"socket\"", data,
                          err, sizeof err), -1);
  CHECK(strstr(err, "bad kind") != NULL);
  CHECK_EQ(restore_edited(w, "\"stream\":2", "\"stream\":1", data, err,
                          sizeof err), -1);
  CHECK(strstr(err, "appears twice") != NULL);
  CHECK_EQ(restore_edited(w, "\"stream\":2", "\"stream\":3", data, err,
                          sizeof err), -1);
  CHECK(strstr(err, "bad stdio stream") != NULL);
  CHECK_EQ(restore_edited(w, "\"kind\":\"file\",\"preopen\":0",
                          "\"kind\":\"preopen\",\"preopen\":0", data, err,
                          sizeof err), -1);
  CHECK(strstr(err, "appears twice") != NULL);
  /* A guest name with control characters is printed cleanly. */
  CHECK_EQ(restore_edited(w, "\"guest\":\"data\"", "\"guest\":\"d\\u001b[2J\"",
                          data, err, sizeof err), -1);
  if (!strstr(err, "'d?[2J'")) fprintf(stderr, "  %s\n", err);
  CHECK(strstr(err, "'d?[2J'") != NULL && strchr(err, 0x1b) == NULL);
  /* Ten preopens without grants: one readable line naming the first 8. */
  {
    const char *hosts[10], *guests[10];
    char names[10][4];
    for (int i = 0; i < 10; i++) {
      snprintf(names[i], sizeof names[i], "g%d", i);
      hosts[i] = data;
      guests[i] = names[i];
    }
    gw_wasi_config cfg = {.argc = 0, .num_preopens = 10, .preopen_host = hosts,
                          .preopen_guest = guests, .stdin_fd = 0,
                          .stdout_fd = 1, .stderr_fd = 2};
    gw_wasi *many = gw_wasi_new(&cfg, err, sizeof err);
    gw_json *ms = many ? snapshot_state(many) : NULL;
    w2 = new_wasi(NULL, 0);
    CHECK(ms && gw_wasi_restore(w2, ms, NULL, 0, 0, err, sizeof err) == -1);
    CHECK(strstr(err, "directories 'g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', "
                      "'g7' and 2 more: add --dir HOST::g0 --dir HOST::g1") !=
          NULL);
    CHECK(strstr(err, "--dir HOST::g7 ... (HOST: the directories to give "
                      "them; `godwit inspect` shows where they were)") != NULL);
    CHECK(strlen(err) < sizeof err - 1); /* not cut off */
    gw_wasi_free(w2);
    gw_json_free(ms);
    gw_wasi_free(many);
  }
  /* The recorded host path is used with the trust flag only. */
  state = edited_state(w, quoted, "\"/nonexistent-godwit\"");
  w2 = new_wasi(NULL, 0);
  CHECK_EQ(gw_wasi_restore(w2, state, NULL, 0, GW_WASI_TRUST_SNAPSHOT_PATHS,
                           err, sizeof err), -1);
  CHECK(strstr(err, "/nonexistent-godwit") != NULL);
  gw_wasi_free(w2);
  gw_json_free(state);
  gw_wasi_free(w);
}

/* ---- stdin at an offset ----------------------------------------------------- */

static void test_stdin(void) {
  write_file("stdin.txt", "line one\nline two\n");
  char p[4200];
  path_of(p, sizeof p, "stdin.txt");
  int fd1 = open(p, O_RDONLY);
  gw_wasi *w = new_wasi(NULL, fd1);
  use(w);
  CHECK_EQ(io(0, 0, 9), 9);
  gw_json *state = snapshot_state(w);
  int fd2 = open(p, O_RDONLY);
  gw_wasi *w2 = new_wasi(NULL, fd2);
  char err[256];
  CHECK_EQ(gw_wasi_restore(w2, state, NULL, 0, 0, err, sizeof err), 0);
  CHECK_EQ(lseek(fd2, 0, SEEK_CUR), 9);
  use(w2);
  CHECK_EQ(io(0, 0, 20), 9);
  CHECK(memcmp(M(BUF), "line two\n", 9) == 0);
  /* A pipe as stdin on restore: nothing to seek, no error. */
  int pfd[2];
  CHECK_EQ(pipe(pfd), 0);
  gw_wasi *w3 = new_wasi(NULL, pfd[0]);
  CHECK_EQ(gw_wasi_restore(w3, state, NULL, 0, 0, err, sizeof err), 0);
  gw_wasi_free(w3);
  close(pfd[0]);
  close(pfd[1]);
  gw_json_free(state);
  gw_wasi_free(w2);
  gw_wasi_free(w);
  close(fd1);
  close(fd2);
}

/* ---- Blocking calls give way to a checkpoint --------------------------------- */

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static volatile double signal_sent_ms;
static void *send_signal(void *arg) {
  usleep((useconds_t)(intptr_t)arg * 1000);
  signal_sent_ms = now_ms();
  kill(getpid(), SIGUSR1);
  return NULL;
}

/* Sends SIGUSR1 to the process after `ms` milliseconds. */
static pthread_t signal_later(int ms) {
  pthread_t t;
  pthread_create(&t, NULL, send_signal, (void *)(intptr_t)ms);
  return t;
}

static void set_sleep(uint64_t ns, uint64_t userdata) {
  uint8_t s[48] = {0};
  memcpy(s, &userdata, 8);
  s[8] = 0;     /* clock */
  uint32_t id = 1; /* monotonic */
  memcpy(s + 16, &id, 4);
  memcpy(s + 24, &ns, 8);
  memcpy(M(SUBS), s, 48);
}

static void reset_exec(void) {
  gw_cr_teardown(&exec);
  gw_exec_init(&exec, 1000);
  gw_cr_config cfg = {.snapshot_path = "unused", .signal = 0};
  char err[256];
  CHECK_EQ(gw_cr_setup(&exec, &cfg, err, sizeof err), 0);
}

static void test_blocking(void) {
  gw_wasi *w = new_wasi(NULL, 0);
  use(w);
  reset_exec();

  /* A 600 ms sleep, SIGUSR1 at 200 ms: abandoned promptly. */
  set_sleep(600000000ull, 42);
  pthread_t t = signal_later(200);
  double start = now_ms(), first_start = start;
  int32_t e = gw_wasi_poll_oneoff(&inst, SUBS, EVENTS, 1, OUT);
  double end = now_ms();
  pthread_join(t, NULL);
  CHECK_EQ(e, WASI_EINTR);
  CHECK_EQ(exec.cr_mode, GW_CR_UNWINDING);
  printf("sleep abandoned %.1f ms after the signal\n", end - signal_sent_ms);
  CHECK(end - signal_sent_ms < 100);
  CHECK(end - start < 400);
  CHECK(w->resume_sleep.active);
  gw_json *state = snapshot_state(w);
  CHECK(gw_json_get(state, "sleep") != NULL);

  /* 100 ms later, a fresh process restores and issues the call again: it
   * waits for what was left of the 600 ms (about 300 ms), not 600 ms. */
  usleep(100000);
  gw_wasi *w2 = new_wasi(NULL, 0);
  char err[256];
  CHECK_EQ(gw_wasi_restore(w2, state, NULL, 0, 0, err, sizeof err), 0);
  use(w2);
  reset_exec();
  memset(M(EVENTS), 0xff, 32);
  start = now_ms();
  e = gw_wasi_poll_oneoff(&inst, SUBS, EVENTS, 1, OUT);
  double waited = now_ms() - start;
  CHECK_EQ(e, 0);
  CHECK_EQ(u32_at(OUT), 1);
  uint64_t userdata;
  memcpy(&userdata, M(EVENTS), 8);
  CHECK_EQ(userdata, 42);
  printf("re-issued sleep waited %.1f ms (%.1f ms after the first call)\n",
         waited, now_ms() - first_start);
  CHECK(waited > 200 && waited < 400);
  CHECK(!w2->resume_sleep.active); /* one-shot */
  /* The same call once more: a full 600 ms... shortened to 150 ms here, as
   * a different call (key) never uses the recorded deadline. */
  set_sleep(150000000ull, 42);
  start = now_ms();
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, SUBS, EVENTS, 1, OUT), 0);
  CHECK(now_ms() - start >= 140);
  gw_json_free(state);
  gw_wasi_free(w2);

  /* A read on an empty pipe gives way too, and reads nothing. */
  int pfd[2];
  CHECK_EQ(pipe(pfd), 0);
  gw_wasi *w3 = new_wasi(NULL, pfd[0]);
  use(w3);
  reset_exec();
  t = signal_later(150);
  e = (int32_t)-io(0, 0, 10);
  end = now_ms();
  pthread_join(t, NULL);
  CHECK_EQ(e, WASI_EINTR);
  CHECK_EQ(exec.cr_mode, GW_CR_UNWINDING);
  printf("read abandoned %.1f ms after the signal\n", end - signal_sent_ms);
  CHECK(end - signal_sent_ms < 100);
  reset_exec();
  CHECK_EQ(write(pfd[1], "data", 4), 4);
  CHECK_EQ(io(0, 0, 10), 4); /* re-issued: the bytes are all there */
  CHECK(memcmp(M(BUF), "data", 4) == 0);

  /* Without IMPORT_CALL points the call cannot be resumed: it keeps
   * waiting (the checkpoint is taken at the next migration point). */
  static const gw_point_desc entry_only[] = {
      {.func = 1, .offset = 10, .kind = GW_POINT_ENTRY, .types = ""}};
  static const gw_module_desc plain = {.name = "plain", .num_points = 1,
                                       .points = entry_only};
  inst.module = &plain;
  reset_exec();
  set_sleep(300000000ull, 7);
  use(w);
  t = signal_later(50);
  start = now_ms();
  CHECK_EQ(gw_wasi_poll_oneoff(&inst, SUBS, EVENTS, 1, OUT), 0);
  pthread_join(t, NULL);
  CHECK(now_ms() - start >= 290);
  CHECK_EQ(exec.cr_mode, GW_CR_NORMAL);
  inst.module = &module;
  gw_wasi_free(w3);
  close(pfd[0]);
  close(pfd[1]);
  gw_wasi_free(w);
  gw_cr_teardown(&exec);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: wasi_cr_test SCRATCH_DIR\n");
    return 2;
  }
  snprintf(root, sizeof root, "%s", argv[1]);
  memory.base = calloc(1, MEM_SIZE);
  memory.pages = 1;
  memory.max_pages = 1;
  inst.mem0_base = memory.base;
  inst.memories = memories;
  inst.module = &module;
  inst.exec = &exec;
  gw_exec_init(&exec, 1000);
  test_files();
  test_hostile_state();
  test_stdin();
  test_blocking();
  printf("%d checks, %d failed\n", rt_checks, rt_failures);
  return rt_failures ? 1 : 0;
}
