/*
 * wasi_prog.c: a file-system workout, built both natively and for
 * wasm32-wasi; runtime/wasi_test.ts runs both in identical directory trees
 * and requires identical output (the native run is the oracle).
 * Usage: wasi_prog files DIR   |   wasi_prog escape DIR
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case 0: return "OK";
  case ENOENT: return "ENOENT";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case ENOTEMPTY: return "ENOTEMPTY";
  case ELOOP: return "ELOOP";
  case EBADF: return "EBADF";
  case EINVAL: return "EINVAL";
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
#ifdef ENOTCAPABLE
  case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
  default: return "EOTHER";
  }
}

/* DIR/rel in one of 4 rotating buffers (a call may take two paths). */
static const char *P(const char *dir, const char *rel) {
  static char bufs[4][4096];
  static int next;
  char *b = bufs[next++ % 4];
  snprintf(b, 4096, "%s/%s", dir, rel);
  return b;
}

#define SHOW(label, expr)                                                  \
  do {                                                                     \
    errno = 0;                                                             \
    long r_ = (long)(expr);                                                \
    printf("%s: %s\n", label, r_ < 0 ? errname(errno) : "OK");             \
  } while (0)

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    printf("opendir %s: %s\n", path, errname(errno));
    return;
  }
  char *names[256];
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d)) && n < 256) {
    char buf[300];
    snprintf(buf, sizeof buf, "%s%s", de->d_name,
             de->d_type == DT_DIR ? "/" : de->d_type == DT_LNK ? "@" : "");
    names[n++] = strdup(buf);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp_str);
  printf("list:");
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static void files(const char *dir) {
  char buf[256];
  int fd = open(P(dir, "a.txt"), O_CREAT | O_TRUNC | O_RDWR, 0644);
  printf("open a.txt: %s\n", fd < 0 ? errname(errno) : "OK");
  printf("write: %ld\n", (long)write(fd, "hello, world\n", 13));
  printf("lseek end: %ld\n", (long)lseek(fd, 0, SEEK_END));
  printf("lseek 7: %ld\n", (long)lseek(fd, 7, SEEK_SET));
  memset(buf, 0, sizeof buf);
  printf("read: %ld [%s]\n", (long)read(fd, buf, 100), buf);
  printf("pwrite: %ld\n", (long)pwrite(fd, "W", 1, 7));
  memset(buf, 0, sizeof buf);
  printf("pread: %ld [%s]\n", (long)pread(fd, buf, 5, 7), buf);
  struct stat sb;
  fstat(fd, &sb);
  printf("size %ld reg %d nlink %ld\n", (long)sb.st_size, S_ISREG(sb.st_mode),
         (long)sb.st_nlink);
  SHOW("ftruncate", ftruncate(fd, 5));
  fstat(fd, &sb);
  printf("size after truncate %ld\n", (long)sb.st_size);
  close(fd);
  SHOW("close twice", close(fd));

  fd = open(P(dir, "a.txt"), O_WRONLY | O_APPEND);
  (void)!write(fd, "++", 2);
  lseek(fd, 0, SEEK_SET);
  (void)!write(fd, "--", 2);
  close(fd);
  FILE *f = fopen(P(dir, "a.txt"), "r");
  memset(buf, 0, sizeof buf);
  printf("append result: [%s]\n", fgets(buf, sizeof buf, f) ? buf : "");
  fclose(f);

  SHOW("open excl", open(P(dir, "a.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644));
  SHOW("open missing", open(P(dir, "nope.txt"), O_RDONLY));
  SHOW("open file as dir", open(P(dir, "a.txt"), O_RDONLY | O_DIRECTORY));
  SHOW("open dir for write", open(P(dir, "sub"), O_WRONLY));
  SHOW("mkdir", mkdir(P(dir, "made"), 0755));
  SHOW("mkdir again", mkdir(P(dir, "made"), 0755));
  SHOW("mkdir nested missing", mkdir(P(dir, "nope/inner"), 0755));
  SHOW("rename", rename(P(dir, "a.txt"), P(dir, "made/b.txt")));
  SHOW("stat old", stat(P(dir, "a.txt"), &sb));
  SHOW("stat new", stat(P(dir, "made/b.txt"), &sb));
  printf("new size %ld\n", (long)sb.st_size);
  SHOW("rmdir nonempty", rmdir(P(dir, "made")));
  SHOW("link", link(P(dir, "made/b.txt"), P(dir, "hard.txt")));
  stat(P(dir, "hard.txt"), &sb);
  printf("nlink %ld\n", (long)sb.st_nlink);
  SHOW("symlink", symlink("made/b.txt", P(dir, "soft")));
  memset(buf, 0, sizeof buf);
  printf("readlink: %ld [%s]\n", (long)readlink(P(dir, "soft"), buf, 100),
         buf);
  SHOW("lstat soft", lstat(P(dir, "soft"), &sb));
  printf("soft is link %d\n", S_ISLNK(sb.st_mode));
  SHOW("stat soft", stat(P(dir, "soft"), &sb));
  printf("soft target size %ld\n", (long)sb.st_size);
  list_dir(dir);
  list_dir(P(dir, "made"));
  SHOW("unlink dir", unlink(P(dir, "made")));
  SHOW("unlink", unlink(P(dir, "hard.txt")));
  SHOW("unlink again", unlink(P(dir, "hard.txt")));
  SHOW("unlink soft", unlink(P(dir, "soft")));
  SHOW("unlink b", unlink(P(dir, "made/b.txt")));
  SHOW("rmdir", rmdir(P(dir, "made")));
  SHOW("rmdir file", rmdir(P(dir, "sub/file")));
  /* Many entries: readdir must resume across fd_readdir calls. */
  char name[64];
  for (int i = 0; i < 150; i++) {
    snprintf(name, sizeof name, "many/entry-with-a-longish-name-%03d", i);
    if (i == 0) mkdir(P(dir, "many"), 0755);
    int m = open(P(dir, name), O_CREAT | O_WRONLY, 0644);
    close(m);
  }
  DIR *d = opendir(P(dir, "many"));
  int count = 0;
  while (readdir(d)) count++;
  closedir(d);
  printf("many entries: %d\n", count);
  f = fopen(P(dir, "sub/file"), "r");
  memset(buf, 0, sizeof buf);
  printf("sub/file: [%s]\n", f && fgets(buf, sizeof buf, f) ? buf : "");
  if (f) fclose(f);
  fprintf(stderr, "to stderr\n");
}

static void escape(const char *dir) {
  const char *paths[] = {"../secret", "up/secret", "root/etc/passwd",
                         "chain", "loop", "sub/../../secret", "abs"};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    errno = 0;
    int fd = open(P(dir, paths[i]), O_RDONLY);
    printf("%s: %s\n", paths[i], fd >= 0 ? "OPENED" : errname(errno));
    if (fd >= 0) close(fd);
  }
  errno = 0;
  int fd = open("/etc/passwd", O_RDONLY);
  printf("/etc/passwd: %s\n", fd >= 0 ? "OPENED" : errname(errno));
  SHOW("mkdir outside", mkdir(P(dir, "../made-outside"), 0755));
  SHOW("unlink outside", unlink(P(dir, "up/secret")));
  SHOW("rename outside", rename(P(dir, "sub/file"), P(dir, "up/moved")));
  DIR *d = opendir(P(dir, "up"));
  printf("opendir up: %s\n", d ? "OPENED" : errname(errno));
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: wasi_prog files|escape DIR\n");
    return 2;
  }
  printf("argc %d argv1 %s\n", argc, argv[1]);
  if (strcmp(argv[1], "files") == 0) files(argv[2]);
  else escape(argv[2]);
  return 7;
}
