/*
 * rt_modules.h: hand-written modules for the runtime tests: descriptors as
 * the compiler would emit them, and C functions standing in for generated
 * code (native ABI, depth accounting, traps via gw_trap).
 */
#ifndef RT_MODULES_H
#define RT_MODULES_H

#include "../godwit.h"

/* m1: memory 1..3 pages, table 4..10, globals g0 (i32 mut 42),
 * g1 (i64 0x8000000000000001), g2 (funcref get_g0); data "hello" at 16 and
 * passive "xyz!"; elem [add, div] at table 1, passive [load, null],
 * declarative [recurse]. Exports: add load recurse deep div bulk get_g0
 * mem tab g0 g1 g2. */
extern const gw_module_desc rt_m1;
enum { M1_ADD, M1_LOAD, M1_RECURSE, M1_DEEP, M1_DIV, M1_BULK, M1_GET_G0 };
/* bulk(op, x, y, n) ops: */
enum {
  BULK_MEMORY_INIT, BULK_MEMORY_COPY, BULK_MEMORY_FILL, BULK_TABLE_INIT,
  BULK_TABLE_COPY, BULK_TABLE_FILL, BULK_DATA_DROP, BULK_ELEM_DROP,
  BULK_HOST_TRAP
};

/* m2 imports m1's add, mem, tab (min 4 max 10), g1 (i64 const), g0 (i32
 * mut) and "host" "reenter" (i:i); its global 2 = global.get g1; data "M2"
 * at 100; elem [call_reenter] at table 3; start stores add(2, 3) at 200 and
 * increments g0. Exports: call_reenter g2. */
extern const gw_module_desc rt_m2;

/* m3: data "ok" at 0, then "abc" at 65534 of a 1-page memory (out of
 * bounds), then "zz" at 10; elem [f] at 0 of a 2-element table. */
extern const gw_module_desc rt_m3;
/* m4: elem [f, f] at 1 of a 2-element table (out of bounds), data "no". */
extern const gw_module_desc rt_m4;

#endif
