/*
 * internal.h: declarations shared by the runtime's own C files only.
 * Generated code and embedders use godwit.h; nothing here is ABI.
 */
#ifndef GODWIT_INTERNAL_H
#define GODWIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "godwit.h"

/* Bytes of address space reserved per 32-bit memory: 8 GiB of reachable
 * addresses (base + u32 address + u32 offset) plus a 64 KiB guard. */
#define GW_MEMORY_RESERVATION ((1ull << 33) + 65536ull)

/* Largest table size we agree to allocate (implementation limit). */
#define GW_TABLE_LIMIT (1ull << 24)

/* exec.c: the execution context of the innermost gw_call on this thread. */
gw_exec *gw_current_exec(void);

/* trap.c: installs the process-wide SIGSEGV/SIGBUS handlers (idempotent). */
void gw_install_fault_handlers(void);
/* trap.c: memory reservations the fault handler turns into traps. */
int gw_register_reservation(void *base, uint64_t size);
void gw_unregister_reservation(void *base);
/* trap.c: this thread's stack guard region (a fault there is exhaustion). */
void gw_set_stack_guard(void *lo, void *hi);

/* memory.c / table.c: bounds-checked segment copies used both by the
 * helpers (which trap) and by instantiation (which reports the kind). */
int32_t gw_memory_init_checked(gw_instance *inst, uint32_t mem, uint32_t seg,
                               uint64_t dst, uint64_t src, uint64_t n);
int32_t gw_table_init_checked(gw_instance *inst, uint32_t table, uint32_t seg,
                              uint64_t dst, uint64_t src, uint64_t n);

/* instance.c: runtime-private per-instance state (inst->priv). */
typedef struct gw_instance_priv {
  gw_funcref *own_funcs;     /* defined functions */
  gw_global *own_globals;    /* defined globals */
  uint64_t *type_ids;        /* what inst->type_ids points to */
  void ***elem_values;       /* per element segment: evaluated references */
} gw_instance_priv;

#endif /* GODWIT_INTERNAL_H */
