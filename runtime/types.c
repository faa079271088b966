/*
 * types.c: canonical function-type ids. Every distinct signature string
 * ("ii:I") gets one id, the same for every module in the process, so a
 * call_indirect or an import check is a single integer comparison.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct type_entry {
  char *sig;
  uint64_t id;
} type_entry;

static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;
static type_entry *types_table; /* open addressing, capacity a power of 2 */
static size_t types_capacity, types_count;

static uint64_t hash_sig(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ull;
  return h;
}

static int grow_table(void) {
  size_t capacity = types_capacity ? types_capacity * 2 : 64;
  type_entry *table = calloc(capacity, sizeof *table);
  if (table == NULL) return -1;
  for (size_t i = 0; i < types_capacity; i++) {
    if (types_table[i].sig == NULL) continue;
    size_t j = hash_sig(types_table[i].sig) & (capacity - 1);
    while (table[j].sig != NULL) j = (j + 1) & (capacity - 1);
    table[j] = types_table[i];
  }
  free(types_table);
  types_table = table;
  types_capacity = capacity;
  return 0;
}

uint64_t gw_intern_type(const char *sig) {
  uint64_t id = 0;
  pthread_mutex_lock(&types_lock);
  if ((types_count + 1) * 2 > types_capacity && grow_table() != 0) {
    pthread_mutex_unlock(&types_lock);
    abort(); /* out of memory while interning: nothing sensible to return */
  }
  size_t i = hash_sig(sig) & (types_capacity - 1);
  while (types_table[i].sig != NULL && strcmp(types_table[i].sig, sig) != 0)
    i = (i + 1) & (types_capacity - 1);
  if (types_table[i].sig == NULL) {
    char *copy = strdup(sig);
    if (copy == NULL) abort();
    types_table[i].sig = copy;
    types_table[i].id = ++types_count; /* ids start at 1; 0 is never valid */
  }
  id = types_table[i].id;
  pthread_mutex_unlock(&types_lock);
  return id;
}
