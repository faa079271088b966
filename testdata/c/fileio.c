/* File I/O through a preopened directory (the run's working directory natively, "." under WASI):
   create, write, read back, seek, append, list, rename, stat, unlink, mkdir/rmdir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) { printf("opendir %s failed\n", dir); return; }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  printf("%s:", dir);
  for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
  printf("\n");
}

static void show_stat(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) { printf("stat %s: %s\n", path, errno == ENOENT ? "ENOENT" : "error"); return; }
  /* A directory's st_size depends on the host file system: print sizes of files only. */
  if (S_ISDIR(st.st_mode)) printf("stat %s: dir\n", path);
  else printf("stat %s: size=%lld %s\n", path, (long long)st.st_size, S_ISREG(st.st_mode) ? "file" : "other");
}

int main(void) {
  /* Read a file that was there before the program started. */
  FILE *f = fopen("seed.txt", "r");
  char line[256];
  if (f) {
    while (fgets(line, sizeof line, f)) printf("seed: %s", line);
    fclose(f);
  } else {
    printf("seed.txt missing\n");
  }
  f = fopen("out.txt", "w");
  for (int i = 0; i < 100; i++) fprintf(f, "line %d: %d\n", i, i * i);
  fclose(f);
  show_stat("out.txt");
  f = fopen("out.txt", "r");
  long total = 0;
  int lines = 0;
  while (fgets(line, sizeof line, f)) { lines++; total += (long)strlen(line); }
  fseek(f, 10, SEEK_SET);
  int c = fgetc(f);
  printf("read back %d lines, %ld bytes, byte 10 = '%c', tell=%ld\n", lines, total, c, ftell(f));
  fclose(f);
  f = fopen("out.txt", "a");
  fputs("appended\n", f);
  fclose(f);
  show_stat("out.txt");
  /* Low-level I/O: open/pwrite/pread/lseek. */
  int fd = open("raw.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
  unsigned char buf[64];
  for (int i = 0; i < 64; i++) buf[i] = (unsigned char)(i * 3);
  printf("write=%zd\n", write(fd, buf, 64));
  printf("lseek=%lld\n", (long long)lseek(fd, 16, SEEK_SET));
  memset(buf, 0, sizeof buf);
  printf("read=%zd first=%d\n", read(fd, buf, 8), buf[0]);
  printf("pread=%zd val=%d\n", pread(fd, buf, 4, 60), buf[3]);
  close(fd);
  if (mkdir("sub", 0755) != 0) printf("mkdir failed\n");
  f = fopen("sub/inner.txt", "w");
  fputs("inside\n", f);
  fclose(f);
  list(".");
  list("sub");
  if (rename("out.txt", "sub/moved.txt") != 0) printf("rename failed\n");
  show_stat("out.txt");
  show_stat("sub/moved.txt");
  show_stat("sub");
  list("sub");
  printf("unlink=%d\n", unlink("raw.bin"));
  printf("unlink missing=%d errno=%s\n", unlink("raw.bin"), errno == ENOENT ? "ENOENT" : "other");
  printf("rmdir nonempty=%d\n", rmdir("sub"));
  unlink("sub/inner.txt");
  list(".");
  f = fopen("nonexistent/x.txt", "r");
  printf("fopen missing dir: %s\n", f ? "opened" : errno == ENOENT ? "ENOENT" : "other error");
  return 0;
}
