/* Heap use: a chained string hash table that grows, plus malloc/realloc/free churn. argv[1] = keys. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry { char *key; long value; struct entry *next; };
struct table { struct entry **buckets; size_t nbuckets, size; };

static uint32_t hash(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
  return h;
}

static void grow(struct table *t) {
  size_t nb = t->nbuckets * 2;
  struct entry **b = calloc(nb, sizeof *b);
  for (size_t i = 0; i < t->nbuckets; i++)
    for (struct entry *e = t->buckets[i], *next; e; e = next) {
      next = e->next;
      size_t k = hash(e->key) & (nb - 1);
      e->next = b[k];
      b[k] = e;
    }
  free(t->buckets);
  t->buckets = b;
  t->nbuckets = nb;
}

static void put(struct table *t, const char *key, long value) {
  size_t k = hash(key) & (t->nbuckets - 1);
  for (struct entry *e = t->buckets[k]; e; e = e->next)
    if (strcmp(e->key, key) == 0) { e->value += value; return; }
  struct entry *e = malloc(sizeof *e);
  e->key = strdup(key);
  e->value = value;
  e->next = t->buckets[k];
  t->buckets[k] = e;
  if (++t->size > t->nbuckets) grow(t);
}

static long get(const struct table *t, const char *key) {
  for (struct entry *e = t->buckets[hash(key) & (t->nbuckets - 1)]; e; e = e->next)
    if (strcmp(e->key, key) == 0) return e->value;
  return -1;
}

static int remove_key(struct table *t, const char *key) {
  struct entry **p = &t->buckets[hash(key) & (t->nbuckets - 1)];
  for (; *p; p = &(*p)->next)
    if (strcmp((*p)->key, key) == 0) {
      struct entry *e = *p;
      *p = e->next;
      free(e->key);
      free(e);
      t->size--;
      return 1;
    }
  return 0;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 20000;
  struct table t = {calloc(8, sizeof(struct entry *)), 8, 0};
  char key[32];
  for (int i = 0; i < n; i++) {
    snprintf(key, sizeof key, "key-%d", (i * 7919) % (n / 2 + 1));
    put(&t, key, i);
  }
  printf("size=%zu buckets=%zu\n", t.size, t.nbuckets);
  printf("key-0=%ld key-1=%ld key-missing=%ld\n", get(&t, "key-0"), get(&t, "key-1"), get(&t, "nope"));
  int removed = 0;
  for (int i = 0; i < n; i += 3) {
    snprintf(key, sizeof key, "key-%d", i);
    removed += remove_key(&t, key);
  }
  printf("removed=%d size=%zu\n", removed, t.size);
  /* Allocation churn with varied sizes, realloc growth, and content checks. */
  void *slots[256] = {0};
  size_t sizes[256] = {0};
  uint32_t x = 1, checksum = 0;
  for (int i = 0; i < 200000; i++) {
    x = x * 1664525u + 1013904223u;
    int s = (x >> 8) & 255;
    if (slots[s]) {
      unsigned char *p = slots[s];
      for (size_t k = 0; k < sizes[s]; k++) checksum += p[k] ^ (unsigned char)k;
      if (x & 0x10000) {
        size_t ns = sizes[s] * 2 + 1;
        p = realloc(p, ns);
        memset(p + sizes[s], (int)(x & 0xff), ns - sizes[s]);
        slots[s] = p;
        sizes[s] = ns;
        if (ns > 4096) { free(p); slots[s] = NULL; }
      } else {
        free(p);
        slots[s] = NULL;
      }
    } else {
      sizes[s] = 1 + ((x >> 16) & 1023);
      slots[s] = malloc(sizes[s]);
      memset(slots[s], s, sizes[s]);
    }
  }
  for (int s = 0; s < 256; s++) free(slots[s]);
  printf("churn checksum=%u\n", checksum);
  for (size_t i = 0; i < t.nbuckets; i++)
    for (struct entry *e = t.buckets[i], *next; e; e = next) {
      next = e->next;
      free(e->key);
      free(e);
    }
  free(t.buckets);
  return 0;
}
