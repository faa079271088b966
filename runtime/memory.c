/*
 * memory.c: linear memories. Each 32-bit memory reserves 8 GiB + 64 KiB of
 * address space (PROT_NONE, MAP_NORESERVE) so that any base + u32 address +
 * u32 offset lands inside it; the current size is read/write, the rest
 * faults and the fault handler turns that into "out of bounds memory
 * access". Growing only changes protections: `base` never moves.
 * Also the bulk-memory helpers called by generated code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define MAX_PAGES_32 65536ull

gw_memory *gw_memory_new(uint64_t min_pages, uint64_t max_pages, char *err,
                         size_t err_len) {
  uint64_t max = max_pages > MAX_PAGES_32 ? MAX_PAGES_32 : max_pages;
  if (min_pages > max) {
    snprintf(err, err_len, "memory size %llu pages exceeds the limit",
             (unsigned long long)min_pages);
    return NULL;
  }
  gw_memory *mem = calloc(1, sizeof *mem);
  if (mem == NULL) {
    snprintf(err, err_len, "out of host memory");
    return NULL;
  }
  void *base = mmap(NULL, GW_MEMORY_RESERVATION, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    snprintf(err, err_len, "cannot reserve memory: %s", strerror(errno));
    free(mem);
    return NULL;
  }
  if (min_pages > 0 &&
      mprotect(base, min_pages * GW_PAGE_SIZE, PROT_READ | PROT_WRITE) != 0) {
    snprintf(err, err_len, "cannot commit %llu memory pages: %s",
             (unsigned long long)min_pages, strerror(errno));
    munmap(base, GW_MEMORY_RESERVATION);
    free(mem);
    return NULL;
  }
  if (gw_register_reservation(base, GW_MEMORY_RESERVATION) != 0) {
    snprintf(err, err_len, "too many memories in one process");
    munmap(base, GW_MEMORY_RESERVATION);
    free(mem);
    return NULL;
  }
  mem->base = base;
  mem->pages = min_pages;
  mem->max_pages = max;
  mem->reserved = GW_MEMORY_RESERVATION;
  return mem;
}

void gw_memory_free(gw_memory *mem) {
  if (mem == NULL) return;
  gw_unregister_reservation(mem->base);
  munmap(mem->base, mem->reserved);
  free(mem);
}

int32_t gw_memory_grow(gw_instance *inst, uint32_t index, uint32_t delta) {
  gw_memory *mem = inst->memories[index];
  uint64_t old = mem->pages;
  uint64_t pages = old + delta;
  if (delta == 0) return (int32_t)old;
  if (pages > mem->max_pages || pages > MAX_PAGES_32) return -1;
  if (mprotect(mem->base + old * GW_PAGE_SIZE, (uint64_t)delta * GW_PAGE_SIZE,
               PROT_READ | PROT_WRITE) != 0)
    return -1;
  mem->pages = pages;
  return (int32_t)old;
}

int32_t gw_memory_init_checked(gw_instance *inst, uint32_t index, uint32_t seg,
                               uint64_t dst, uint64_t src, uint64_t n) {
  gw_memory *mem = inst->memories[index];
  const gw_data_desc *data = &inst->module->datas[seg];
  uint64_t size = inst->data_dropped[seg] ? 0 : data->size;
  if (src + n > size || dst + n > mem->pages * GW_PAGE_SIZE)
    return GW_TRAP_MEMORY_OOB;
  if (n > 0) memmove(mem->base + dst, data->bytes + src, n);
  return GW_TRAP_NONE;
}

void gw_memory_init(gw_instance *inst, uint32_t mem, uint32_t seg,
                    uint32_t dst, uint32_t src, uint32_t n) {
  int32_t kind = gw_memory_init_checked(inst, mem, seg, dst, src, n);
  if (kind != GW_TRAP_NONE) gw_trap(inst, kind);
}

void gw_data_drop(gw_instance *inst, uint32_t seg) {
  inst->data_dropped[seg] = 1;
}

void gw_memory_copy(gw_instance *inst, uint32_t dst_mem, uint32_t src_mem,
                    uint32_t dst, uint32_t src, uint32_t n) {
  gw_memory *d = inst->memories[dst_mem];
  gw_memory *s = inst->memories[src_mem];
  if ((uint64_t)src + n > s->pages * GW_PAGE_SIZE ||
      (uint64_t)dst + n > d->pages * GW_PAGE_SIZE)
    gw_trap(inst, GW_TRAP_MEMORY_OOB);
  if (n > 0) memmove(d->base + dst, s->base + src, n);
}

void gw_memory_fill(gw_instance *inst, uint32_t index, uint32_t dst,
                    uint32_t value, uint32_t n) {
  gw_memory *mem = inst->memories[index];
  if ((uint64_t)dst + n > mem->pages * GW_PAGE_SIZE)
    gw_trap(inst, GW_TRAP_MEMORY_OOB);
  if (n > 0) memset(mem->base + dst, (int)(uint8_t)value, n);
}
