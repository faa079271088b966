/*
 * table.c: tables of references (gw_funcref * or externref) and the table
 * helpers called by generated code. `elems` may move when a table grows;
 * generated code reloads it from the gw_table on every access.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

gw_table *gw_table_new(uint32_t elem_type, uint64_t min, uint64_t max,
                       char *err, size_t err_len) {
  uint64_t limit = max > UINT32_MAX ? UINT32_MAX : max;
  if (min > limit || min > GW_TABLE_LIMIT) {
    snprintf(err, err_len, "table size %llu exceeds the limit",
             (unsigned long long)min);
    return NULL;
  }
  gw_table *table = calloc(1, sizeof *table);
  void **elems = calloc(min ? min : 1, sizeof(void *));
  if (table == NULL || elems == NULL) {
    free(table);
    free(elems);
    snprintf(err, err_len, "out of host memory");
    return NULL;
  }
  table->elems = elems;
  table->size = min;
  table->max = limit;
  table->elem_type = elem_type;
  return table;
}

void gw_table_free(gw_table *table) {
  if (table == NULL) return;
  free(table->elems);
  free(table);
}

int32_t gw_table_grow(gw_instance *inst, uint32_t index, void *init,
                      uint32_t delta) {
  gw_table *table = inst->tables[index];
  uint64_t old = table->size;
  uint64_t size = old + delta;
  if (delta == 0) return (int32_t)old;
  if (size > table->max || size > GW_TABLE_LIMIT) return -1;
  void **elems = realloc(table->elems, size * sizeof(void *));
  if (elems == NULL) return -1;
  for (uint64_t i = old; i < size; i++) elems[i] = init;
  table->elems = elems;
  table->size = size;
  return (int32_t)old;
}

void gw_table_fill(gw_instance *inst, uint32_t index, uint32_t dst,
                   void *value, uint32_t n) {
  gw_table *table = inst->tables[index];
  if ((uint64_t)dst + n > table->size) gw_trap(inst, GW_TRAP_TABLE_OOB);
  for (uint32_t i = 0; i < n; i++) table->elems[dst + i] = value;
}

void gw_table_copy(gw_instance *inst, uint32_t dst_table, uint32_t src_table,
                   uint32_t dst, uint32_t src, uint32_t n) {
  gw_table *d = inst->tables[dst_table];
  gw_table *s = inst->tables[src_table];
  if ((uint64_t)src + n > s->size || (uint64_t)dst + n > d->size)
    gw_trap(inst, GW_TRAP_TABLE_OOB);
  if (n > 0) memmove(d->elems + dst, s->elems + src, n * sizeof(void *));
}

int32_t gw_table_init_checked(gw_instance *inst, uint32_t index, uint32_t seg,
                              uint64_t dst, uint64_t src, uint64_t n) {
  gw_table *table = inst->tables[index];
  gw_instance_priv *priv = inst->priv;
  uint64_t size = inst->elem_dropped[seg] ? 0 : inst->module->elems[seg].count;
  if (src + n > size || dst + n > table->size) return GW_TRAP_TABLE_OOB;
  if (n > 0)
    memmove(table->elems + dst, priv->elem_values[seg] + src,
            n * sizeof(void *));
  return GW_TRAP_NONE;
}

void gw_table_init(gw_instance *inst, uint32_t table, uint32_t seg,
                   uint32_t dst, uint32_t src, uint32_t n) {
  int32_t kind = gw_table_init_checked(inst, table, seg, dst, src, n);
  if (kind != GW_TRAP_NONE) gw_trap(inst, kind);
}

void gw_elem_drop(gw_instance *inst, uint32_t seg) {
  inst->elem_dropped[seg] = 1;
}
