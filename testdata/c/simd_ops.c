/* wasm-cflags: -O2 -msimd128 */
/* expected: v8 (wasm_simd128.h has no native build; Node's V8 runs the .wasm) */
/*
 * Every group of WebAssembly 2.0's fixed-width SIMD instructions, written
 * with clang's wasm_simd128.h intrinsics. Each round evolves two v128 inputs
 * (integers and floats with NaN, infinities, -0 and out-of-range values
 * mixed in), runs every group on them in a noinline function (v128
 * arguments and results cross calls), and folds the results into per-group
 * v128 accumulators that stay live across the whole loop. The module holds
 * 230 of the 236 SIMD instructions (clang-14 selects f32x4/f64x2.splat of a
 * load as load32/64_splat, and the 16-bit lane loads, 8/16-bit lane stores
 * and load64_zero as equivalent scalar or other forms). Float results
 * have their NaN lanes replaced by one fixed NaN first: Wasm leaves a NaN's
 * sign and payload open.
 *
 *   simd_ops [ROUNDS]   (default 300) prints one checksum line per group
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

#define NOINLINE __attribute__((noinline))

enum {
  G_MEMORY,
  G_LANES,
  G_SHUFFLE,
  G_BITWISE,
  G_TESTS,
  G_INT_ARITH,
  G_INT_SAT,
  G_INT_WIDE,
  G_SHIFTS,
  G_COMPARE,
  G_FLOAT_ARITH,
  G_FLOAT_MINMAX,
  G_ROUNDING,
  G_CONVERT,
  G_NARROW_EXTEND,
  GROUPS
};

static const char *const GROUP_NAMES[GROUPS] = {
    "memory",      "lanes",       "shuffle",    "bitwise",  "tests",
    "int_arith",   "int_sat",     "int_wide",   "shifts",   "compare",
    "float_arith", "float_minmax", "rounding",  "convert",  "narrow_extend",
};

/* Identities through memory, which neither clang nor the wasm-opt that
   clang runs after linking sees through: lane and splat instructions then
   stay in the module instead of folding into shuffles. */
static volatile int32_t cell_i32;
static volatile int64_t cell_i64;
static volatile float cell_f32;
static volatile double cell_f64;
static int32_t opaque_i32(int32_t x) { cell_i32 = x; return cell_i32; }
static int64_t opaque_i64(int64_t x) { cell_i64 = x; return cell_i64; }
static float opaque_f32(float x) { cell_f32 = x; return cell_f32; }
static double opaque_f64(double x) { cell_f64 = x; return cell_f64; }
/* Stores before it are not forwarded to loads after it. */
#define MEMORY_BARRIER() __asm__ volatile("" ::: "memory")

/* Memory the load/store group works on. */
static uint8_t buffer[64];

/* A fixed NaN for every NaN lane (Wasm leaves sign and payload open). */
static v128_t canon_f32(v128_t v) {
  return wasm_v128_bitselect(v, wasm_i32x4_splat(0x7fc00000), wasm_f32x4_eq(v, v));
}
static v128_t canon_f64(v128_t v) {
  return wasm_v128_bitselect(v, wasm_i64x2_splat(0x7ff8000000000000LL),
                             wasm_f64x2_eq(v, v));
}

/* acc * 31 + x, lane-wise on i32x4, rotated so every lane meets every other. */
NOINLINE static v128_t fold(v128_t acc, v128_t x) {
  acc = wasm_i32x4_add(wasm_i32x4_mul(acc, wasm_i32x4_splat(31)), x);
  return wasm_i32x4_shuffle(acc, acc, 1, 2, 3, 0);
}

NOINLINE static v128_t group_memory(v128_t a, v128_t b, int round) {
  wasm_v128_store(buffer, a);
  wasm_v128_store(buffer + 16, b);
  int k = round & 7;
  /* A barrier before each access: otherwise clang reads the overlapping
     loads as one and builds the rest with shuffles. */
  MEMORY_BARRIER();
  v128_t r = wasm_v128_load(buffer + k); /* unaligned */
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_v128_load8_splat(buffer + k + 1));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_v128_load16_splat(buffer + k + 2));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_v128_load32_splat(buffer + k + 3));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_v128_load64_splat(buffer + k + 4));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_i16x8_load8x8(buffer + k + 5));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_u16x8_load8x8(buffer + k + 6));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_i32x4_load16x4(buffer + k + 7));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_u32x4_load16x4(buffer + k + 8));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_i64x2_load32x2(buffer + k + 9));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_u64x2_load32x2(buffer + k + 10));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_v128_load32_zero(buffer + k + 11));
  MEMORY_BARRIER();
  r = wasm_i32x4_add(r, wasm_v128_load64_zero(buffer + k + 12));
  MEMORY_BARRIER();
  r = wasm_v128_load8_lane(buffer + 20, r, 3);
  MEMORY_BARRIER();
  r = wasm_v128_load16_lane(buffer + 21, r, 5);
  MEMORY_BARRIER();
  r = wasm_v128_load32_lane(buffer + 22, r, 2);
  MEMORY_BARRIER();
  r = wasm_v128_load64_lane(buffer + 23, r, 1);
  MEMORY_BARRIER();
  wasm_v128_store8_lane(buffer + 40, r, 15);
  MEMORY_BARRIER();
  wasm_v128_store16_lane(buffer + 41, r, 6);
  MEMORY_BARRIER();
  wasm_v128_store32_lane(buffer + 43, r, 1);
  MEMORY_BARRIER();
  wasm_v128_store64_lane(buffer + 47, r, 0);
  wasm_v128_store(buffer + 33 + k, r);
  MEMORY_BARRIER();
  return wasm_i32x4_add(r, wasm_v128_load(buffer + 40));
}

NOINLINE static v128_t group_lanes(v128_t a, v128_t b) {
  v128_t r = wasm_i8x16_replace_lane(
      a, 0, (int8_t)opaque_i32(wasm_i8x16_extract_lane(b, 15)));
  r = wasm_i8x16_replace_lane(r, 9,
                              (int8_t)opaque_i32(wasm_u8x16_extract_lane(b, 3)));
  r = wasm_i16x8_replace_lane(
      r, 7, (int16_t)opaque_i32(wasm_i16x8_extract_lane(b, 2)));
  r = wasm_i16x8_replace_lane(
      r, 2, (int16_t)opaque_i32(wasm_u16x8_extract_lane(a, 5)));
  r = wasm_i32x4_replace_lane(r, 1, opaque_i32(wasm_i32x4_extract_lane(b, 3)));
  r = wasm_i64x2_replace_lane(r, 1, opaque_i64(wasm_i64x2_extract_lane(b, 0) ^
                                               wasm_i64x2_extract_lane(a, 1)));
  float f = opaque_f32(wasm_f32x4_extract_lane(b, 1));
  double d = opaque_f64(wasm_f64x2_extract_lane(a, 0));
  v128_t fr = wasm_f32x4_replace_lane(wasm_f32x4_splat(f), 2,
                                      opaque_f32(1.5f));
  v128_t dr = wasm_f64x2_replace_lane(wasm_f64x2_splat(d), 1,
                                      opaque_f64(-2.25));
  r = wasm_v128_xor(r, wasm_i8x16_splat((int8_t)opaque_i32(
                           wasm_i8x16_extract_lane(a, 4))));
  r = wasm_v128_xor(r, wasm_i16x8_splat((int16_t)opaque_i32(
                           wasm_i16x8_extract_lane(a, 6))));
  r = wasm_v128_xor(r, wasm_i32x4_splat(opaque_i32(wasm_i32x4_extract_lane(a, 2))));
  r = wasm_v128_xor(r, wasm_i64x2_splat(opaque_i64(wasm_i64x2_extract_lane(b, 1))));
  r = wasm_v128_xor(r, canon_f32(fr));
  r = wasm_v128_xor(r, canon_f32(wasm_f32x4_splat(opaque_f32(f * 2.0f))));
  r = wasm_v128_xor(r, canon_f64(wasm_f64x2_splat(opaque_f64(d * 0.5))));
  return wasm_v128_xor(r, canon_f64(dr));
}

NOINLINE static v128_t group_shuffle(v128_t a, v128_t b) {
  v128_t r = wasm_i8x16_shuffle(a, b, 0, 17, 2, 19, 4, 21, 6, 23, 31, 30, 29,
                                28, 3, 3, 16, 0);
  r = wasm_v128_xor(r, wasm_i16x8_shuffle(a, b, 7, 6, 5, 4, 8, 9, 10, 11));
  r = wasm_v128_xor(r, wasm_i32x4_shuffle(r, b, 3, 0, 5, 6));
  r = wasm_v128_xor(r, wasm_i64x2_shuffle(a, r, 1, 2));
  /* Indexes 0..31 and wrapped bytes: out-of-range lanes give 0. */
  v128_t idx = wasm_v128_and(b, wasm_i8x16_splat(0x1f));
  r = wasm_i8x16_add(r, wasm_i8x16_swizzle(a, idx));
  return wasm_i8x16_add(r, wasm_i8x16_swizzle(r, b));
}

NOINLINE static v128_t group_bitwise(v128_t a, v128_t b) {
  v128_t r = wasm_v128_and(a, b);
  r = wasm_v128_xor(r, wasm_v128_or(a, wasm_v128_not(b)));
  r = wasm_i32x4_add(r, wasm_v128_andnot(a, b));
  r = wasm_v128_bitselect(r, a, b);
  return wasm_i8x16_add(r, wasm_i8x16_popcnt(a));
}

NOINLINE static v128_t group_tests(v128_t a, v128_t b) {
  v128_t z = wasm_v128_and(a, wasm_i8x16_splat((int8_t)(wasm_i8x16_extract_lane(b, 0) & 0x81)));
  int t = wasm_v128_any_true(a) | wasm_v128_any_true(z) << 1 |
          wasm_i8x16_all_true(a) << 2 | wasm_i16x8_all_true(b) << 3 |
          wasm_i32x4_all_true(z) << 4 | wasm_i64x2_all_true(a) << 5 |
          wasm_i8x16_all_true(wasm_v128_or(a, wasm_i8x16_splat(1))) << 6 |
          wasm_v128_any_true(wasm_i64x2_splat(0)) << 7;
  return wasm_i32x4_make(t, wasm_i8x16_bitmask(a) | wasm_i16x8_bitmask(b) << 16,
                         wasm_i32x4_bitmask(a) | wasm_i64x2_bitmask(b) << 4 |
                             wasm_i8x16_bitmask(z) << 8,
                         wasm_i16x8_bitmask(a) ^ wasm_i32x4_bitmask(b));
}

NOINLINE static v128_t group_int_arith(v128_t a, v128_t b) {
  v128_t r = wasm_i8x16_add(a, b);
  r = wasm_v128_xor(r, wasm_i8x16_sub(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_mul(a, b));
  r = wasm_i16x8_sub(r, wasm_i16x8_add(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_mul(a, b));
  r = wasm_i32x4_sub(r, wasm_i32x4_sub(b, a));
  r = wasm_i64x2_add(r, wasm_i64x2_mul(a, b));
  r = wasm_i64x2_sub(r, wasm_i64x2_add(a, b));
  /* xor, not add: clang would fold r + -x into r - x. */
  r = wasm_v128_xor(r, wasm_i8x16_neg(a));
  r = wasm_v128_xor(wasm_i16x8_add(r, b), wasm_i16x8_neg(b));
  r = wasm_v128_xor(wasm_i32x4_add(r, a), wasm_i32x4_neg(a));
  r = wasm_v128_xor(wasm_i64x2_add(r, b), wasm_i64x2_neg(b));
  r = wasm_v128_xor(r, wasm_i8x16_abs(a));
  r = wasm_i16x8_add(r, wasm_i16x8_abs(b));
  r = wasm_i32x4_add(r, wasm_i32x4_abs(a));
  r = wasm_i64x2_add(r, wasm_i64x2_abs(b));
  r = wasm_v128_xor(r, wasm_i8x16_min(a, b));
  r = wasm_i8x16_add(r, wasm_u8x16_min(a, b));
  r = wasm_i8x16_add(r, wasm_i8x16_max(a, b));
  r = wasm_i8x16_add(r, wasm_u8x16_max(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_min(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_min(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_max(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_max(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_min(a, b));
  r = wasm_i32x4_add(r, wasm_u32x4_min(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_max(a, b));
  r = wasm_i32x4_add(r, wasm_u32x4_max(a, b));
  r = wasm_v128_xor(r, wasm_u8x16_avgr(a, b));
  return wasm_i16x8_add(r, wasm_u16x8_avgr(a, b));
}

NOINLINE static v128_t group_int_sat(v128_t a, v128_t b) {
  v128_t r = wasm_i8x16_add_sat(a, b);
  r = wasm_v128_xor(r, wasm_u8x16_add_sat(a, b));
  r = wasm_i8x16_add(r, wasm_i8x16_sub_sat(a, b));
  r = wasm_i8x16_add(r, wasm_u8x16_sub_sat(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_add_sat(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_add_sat(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_sub_sat(b, a));
  r = wasm_i16x8_add(r, wasm_u16x8_sub_sat(b, a));
  /* -32768 * -32768 saturates. */
  v128_t m = wasm_i16x8_replace_lane(a, 3, -32768);
  v128_t n = wasm_i16x8_replace_lane(b, 3, -32768);
  return wasm_v128_xor(r, wasm_i16x8_q15mulr_sat(m, n));
}

NOINLINE static v128_t group_int_wide(v128_t a, v128_t b) {
  v128_t r = wasm_i32x4_dot_i16x8(a, b);
  r = wasm_v128_xor(r, wasm_i16x8_extmul_low_i8x16(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_extmul_high_i8x16(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_extmul_low_u8x16(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_extmul_high_u8x16(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_extmul_low_i16x8(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_extmul_high_i16x8(a, b));
  r = wasm_i32x4_add(r, wasm_u32x4_extmul_low_u16x8(a, b));
  r = wasm_i32x4_add(r, wasm_u32x4_extmul_high_u16x8(a, b));
  r = wasm_i64x2_add(r, wasm_i64x2_extmul_low_i32x4(a, b));
  r = wasm_i64x2_add(r, wasm_i64x2_extmul_high_i32x4(a, b));
  r = wasm_i64x2_add(r, wasm_u64x2_extmul_low_u32x4(a, b));
  r = wasm_i64x2_add(r, wasm_u64x2_extmul_high_u32x4(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_extadd_pairwise_i8x16(a));
  r = wasm_i16x8_add(r, wasm_u16x8_extadd_pairwise_u8x16(b));
  r = wasm_i32x4_add(r, wasm_i32x4_extadd_pairwise_i16x8(a));
  return wasm_i32x4_add(r, wasm_u32x4_extadd_pairwise_u16x8(b));
}

NOINLINE static v128_t group_shifts(v128_t a, v128_t b) {
  /* C leaves counts of the lane width or more undefined: masked here, as
     Wasm masks them (clang then leaves the masking to the instruction). */
  uint32_t c = (uint32_t)wasm_i32x4_extract_lane(b, 0);
  uint32_t c2 = c >> 8;
  v128_t r = wasm_i8x16_shl(a, c & 7);
  r = wasm_v128_xor(r, wasm_i8x16_shr(a, c2 & 7));
  r = wasm_i8x16_add(r, wasm_u8x16_shr(b, c & 7));
  r = wasm_i16x8_add(r, wasm_i16x8_shl(a, c2 & 15));
  r = wasm_i16x8_add(r, wasm_i16x8_shr(b, c & 15));
  r = wasm_i16x8_add(r, wasm_u16x8_shr(a, c2 & 15));
  r = wasm_i32x4_add(r, wasm_i32x4_shl(b, c & 31));
  r = wasm_i32x4_add(r, wasm_i32x4_shr(a, c2 & 31));
  r = wasm_i32x4_add(r, wasm_u32x4_shr(b, c & 31));
  r = wasm_i64x2_add(r, wasm_i64x2_shl(a, c2 & 63));
  r = wasm_i64x2_add(r, wasm_i64x2_shr(b, c & 63));
  r = wasm_i64x2_add(r, wasm_u64x2_shr(a, c2 & 63));
  /* Constant counts. */
  r = wasm_i32x4_add(r, wasm_i32x4_shl(a, 31));
  r = wasm_i16x8_add(r, wasm_i16x8_shr(b, 1));
  return wasm_i8x16_add(r, wasm_u8x16_shr(a, 3));
}

NOINLINE static v128_t group_compare(v128_t a, v128_t b) {
  v128_t r = wasm_i8x16_eq(a, b);
  r = wasm_i8x16_add(r, wasm_i8x16_ne(a, b));
  r = wasm_i8x16_add(r, wasm_i8x16_lt(a, b));
  r = wasm_i8x16_add(r, wasm_u8x16_lt(a, b));
  r = wasm_i8x16_add(r, wasm_i8x16_gt(a, b));
  r = wasm_i8x16_add(r, wasm_u8x16_gt(a, b));
  r = wasm_i8x16_add(r, wasm_i8x16_le(a, b));
  r = wasm_i8x16_add(r, wasm_u8x16_le(a, b));
  r = wasm_i8x16_add(r, wasm_i8x16_ge(a, b));
  r = wasm_i8x16_add(r, wasm_u8x16_ge(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_eq(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_ne(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_lt(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_lt(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_gt(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_gt(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_le(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_le(a, b));
  r = wasm_i16x8_add(r, wasm_i16x8_ge(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_ge(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_eq(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_ne(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_lt(a, b));
  r = wasm_i32x4_add(r, wasm_u32x4_lt(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_gt(a, b));
  r = wasm_i32x4_add(r, wasm_u32x4_gt(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_le(a, b));
  r = wasm_i32x4_add(r, wasm_u32x4_le(a, b));
  r = wasm_i32x4_add(r, wasm_i32x4_ge(a, b));
  r = wasm_i32x4_add(r, wasm_u32x4_ge(a, b));
  r = wasm_i64x2_add(r, wasm_i64x2_eq(a, b));
  r = wasm_i64x2_add(r, wasm_i64x2_ne(a, b));
  r = wasm_i64x2_add(r, wasm_i64x2_lt(a, b));
  r = wasm_i64x2_add(r, wasm_i64x2_gt(a, b));
  r = wasm_i64x2_add(r, wasm_i64x2_le(a, b));
  r = wasm_i64x2_add(r, wasm_i64x2_ge(a, b));
  /* Float comparisons: NaN lanes compare unequal and unordered. */
  r = wasm_i32x4_add(r, wasm_f32x4_eq(a, b));
  r = wasm_i32x4_add(r, wasm_f32x4_ne(a, a));
  r = wasm_i32x4_add(r, wasm_f32x4_lt(a, b));
  r = wasm_i32x4_add(r, wasm_f32x4_gt(a, b));
  r = wasm_i32x4_add(r, wasm_f32x4_le(a, b));
  r = wasm_i32x4_add(r, wasm_f32x4_ge(a, b));
  r = wasm_i64x2_add(r, wasm_f64x2_eq(a, b));
  r = wasm_i64x2_add(r, wasm_f64x2_ne(b, b));
  r = wasm_i64x2_add(r, wasm_f64x2_lt(a, b));
  r = wasm_i64x2_add(r, wasm_f64x2_gt(a, b));
  r = wasm_i64x2_add(r, wasm_f64x2_le(a, b));
  return wasm_i64x2_add(r, wasm_f64x2_ge(a, b));
}

NOINLINE static v128_t group_float_arith(v128_t a, v128_t b) {
  v128_t r = canon_f32(wasm_f32x4_add(a, b));
  r = wasm_v128_xor(r, canon_f32(wasm_f32x4_sub(a, b)));
  r = wasm_i32x4_add(r, canon_f32(wasm_f32x4_mul(a, b)));
  r = wasm_i32x4_add(r, canon_f32(wasm_f32x4_div(a, b)));
  r = wasm_i32x4_add(r, canon_f32(wasm_f32x4_sqrt(a)));
  r = wasm_i32x4_add(r, wasm_f32x4_neg(b));
  r = wasm_i32x4_add(r, wasm_f32x4_abs(a));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_add(a, b)));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_sub(b, a)));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_mul(a, b)));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_div(b, a)));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_sqrt(b)));
  r = wasm_i64x2_add(r, wasm_f64x2_neg(a));
  return wasm_i64x2_add(r, wasm_f64x2_abs(b));
}

NOINLINE static v128_t group_float_minmax(v128_t a, v128_t b) {
  v128_t r = canon_f32(wasm_f32x4_min(a, b));
  r = wasm_v128_xor(r, canon_f32(wasm_f32x4_max(a, b)));
  /* pmin/pmax return one operand unchanged, NaN included. */
  r = wasm_i32x4_add(r, wasm_f32x4_pmin(a, b));
  r = wasm_i32x4_add(r, wasm_f32x4_pmax(a, b));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_min(a, b)));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_max(a, b)));
  r = wasm_i64x2_add(r, wasm_f64x2_pmin(a, b));
  r = wasm_i64x2_add(r, wasm_f64x2_pmax(a, b));
  /* -0 against +0: min is -0, max is +0. */
  v128_t z = wasm_f32x4_make(-0.0f, 0.0f, -0.0f, 0.0f);
  v128_t y = wasm_f32x4_make(0.0f, -0.0f, -0.0f, 0.0f);
  r = wasm_v128_xor(r, wasm_f32x4_min(z, y));
  return wasm_i32x4_add(r, wasm_f32x4_max(z, y));
}

NOINLINE static v128_t group_rounding(v128_t a, v128_t b) {
  v128_t r = canon_f32(wasm_f32x4_ceil(a));
  r = wasm_v128_xor(r, canon_f32(wasm_f32x4_floor(b)));
  r = wasm_i32x4_add(r, canon_f32(wasm_f32x4_trunc(a)));
  r = wasm_i32x4_add(r, canon_f32(wasm_f32x4_nearest(b)));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_ceil(b)));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_floor(a)));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_trunc(b)));
  r = wasm_i64x2_add(r, canon_f64(wasm_f64x2_nearest(a)));
  /* Ties to even. */
  v128_t h = wasm_f32x4_make(0.5f, 1.5f, 2.5f, -3.5f);
  return wasm_i32x4_add(r, wasm_f32x4_nearest(h));
}

NOINLINE static v128_t group_convert(v128_t a, v128_t b) {
  /* Saturating truncation: NaN -> 0, out of range -> the bound. */
  v128_t r = wasm_i32x4_trunc_sat_f32x4(a);
  r = wasm_v128_xor(r, wasm_u32x4_trunc_sat_f32x4(b));
  r = wasm_i32x4_add(r, wasm_i32x4_trunc_sat_f64x2_zero(a));
  r = wasm_i32x4_add(r, wasm_u32x4_trunc_sat_f64x2_zero(b));
  r = wasm_i32x4_add(r, wasm_f32x4_convert_i32x4(a));
  r = wasm_i32x4_add(r, wasm_f32x4_convert_u32x4(b));
  r = wasm_i64x2_add(r, wasm_f64x2_convert_low_i32x4(a));
  r = wasm_i64x2_add(r, wasm_f64x2_convert_low_u32x4(b));
  r = wasm_i32x4_add(r, canon_f32(wasm_f32x4_demote_f64x2_zero(a)));
  return wasm_i64x2_add(r, canon_f64(wasm_f64x2_promote_low_f32x4(b)));
}

NOINLINE static v128_t group_narrow_extend(v128_t a, v128_t b) {
  v128_t r = wasm_i8x16_narrow_i16x8(a, b);
  r = wasm_v128_xor(r, wasm_u8x16_narrow_i16x8(b, a));
  r = wasm_i16x8_add(r, wasm_i16x8_narrow_i32x4(a, b));
  r = wasm_i16x8_add(r, wasm_u16x8_narrow_i32x4(b, a));
  r = wasm_i16x8_add(r, wasm_i16x8_extend_low_i8x16(a));
  r = wasm_i16x8_add(r, wasm_i16x8_extend_high_i8x16(b));
  r = wasm_i16x8_add(r, wasm_u16x8_extend_low_u8x16(a));
  r = wasm_i16x8_add(r, wasm_u16x8_extend_high_u8x16(b));
  r = wasm_i32x4_add(r, wasm_i32x4_extend_low_i16x8(a));
  r = wasm_i32x4_add(r, wasm_i32x4_extend_high_i16x8(b));
  r = wasm_i32x4_add(r, wasm_u32x4_extend_low_u16x8(a));
  r = wasm_i32x4_add(r, wasm_u32x4_extend_high_u16x8(b));
  r = wasm_i64x2_add(r, wasm_i64x2_extend_low_i32x4(a));
  r = wasm_i64x2_add(r, wasm_i64x2_extend_high_i32x4(b));
  r = wasm_i64x2_add(r, wasm_u64x2_extend_low_u32x4(a));
  return wasm_i64x2_add(r, wasm_u64x2_extend_high_u32x4(b));
}

/* Rotates and mixes v at least n times, then while lane 0 is odd (at most
   8 times): a loop that ends on a computed value polls (docs/snapshot.md),
   so it is reached while main has a v128 result waiting on its operand
   stack. */
NOINLINE static v128_t spin(v128_t v, int n) {
  int i = 0;
  do {
    v = wasm_v128_xor(wasm_i32x4_shuffle(v, v, 3, 0, 1, 2),
                      wasm_i32x4_shl(v, 1));
    i++;
  } while (i < n || ((wasm_i32x4_extract_lane(v, 0) & 1) && i < 8));
  return v;
}
static v128_t (*volatile SPIN)(v128_t, int) = spin;

typedef v128_t (*group_fn)(v128_t, v128_t);
static group_fn volatile GROUP_FNS[GROUPS] = {
    [G_LANES] = group_lanes,
    [G_SHUFFLE] = group_shuffle,
    [G_BITWISE] = group_bitwise,
    [G_TESTS] = group_tests,
    [G_INT_ARITH] = group_int_arith,
    [G_INT_SAT] = group_int_sat,
    [G_INT_WIDE] = group_int_wide,
    [G_SHIFTS] = group_shifts,
    [G_COMPARE] = group_compare,
    [G_FLOAT_ARITH] = group_float_arith,
    [G_FLOAT_MINMAX] = group_float_minmax,
    [G_ROUNDING] = group_rounding,
    [G_CONVERT] = group_convert,
    [G_NARROW_EXTEND] = group_narrow_extend,
};

/* Interesting float bit patterns mixed into the inputs. */
static const uint32_t SPECIAL_F32[] = {
    0x7fc00000, 0xffc00001, 0x7f800000, 0xff800000, 0x80000000, 0x00000000,
    0x4f000000, 0xcf000001, 0x4f800000, 0x3f000000, 0xbfc00000, 0x00000001,
    0x40200000, 0xc0600000, 0x5f000000, 0x7f7fffff,
};
static const uint64_t SPECIAL_F64[] = {
    0x7ff8000000000000ULL, 0xfff0000000000000ULL, 0x7ff0000000000000ULL,
    0x8000000000000000ULL, 0x41e0000000000000ULL, 0xc1e0000000200000ULL,
    0x41f0000000000000ULL, 0x3fe0000000000000ULL, 0x4004000000000000ULL,
    0x0000000000000001ULL, 0x7fefffffffffffffULL, 0xbff8000000000000ULL,
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* New inputs from the old: random bits, small floats, specials in some lanes. */
NOINLINE static v128_t evolve(v128_t v, int round, int which) {
  uint64_t x = next_random(), y = next_random();
  v128_t r = wasm_v128_xor(v, wasm_i64x2_make((int64_t)x, (int64_t)y));
  switch ((round + which) % 4) {
  case 0: /* f32 lanes in [-64, 64) with a special one */
    r = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_shr(r, 24)),
                       wasm_f32x4_splat(0.5f));
    r = (x & 1) ? wasm_i32x4_replace_lane(r, 1, (int32_t)SPECIAL_F32[y % 16])
                : wasm_i32x4_replace_lane(r, 2, (int32_t)SPECIAL_F32[y % 16]);
    break;
  case 1: /* f64 lanes in [-2^20, 2^20) with a special one */
    r = wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(wasm_i32x4_shr(r, 11)),
                       wasm_f64x2_splat(0.25));
    r = (x & 1) ? wasm_i64x2_replace_lane(r, 0, (int64_t)SPECIAL_F64[y % 12])
                : wasm_i64x2_replace_lane(r, 1, (int64_t)SPECIAL_F64[y % 12]);
    break;
  case 2: /* small integers: equal lanes and saturation edges */
    r = wasm_v128_and(r, wasm_i8x16_splat((int8_t)0x87));
    break;
  default: /* raw bits */
    break;
  }
  return r;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 300;
  v128_t acc[GROUPS];
  for (int g = 0; g < GROUPS; g++) acc[g] = wasm_i32x4_splat(g);
  /* Inputs and two accumulators stay in locals (v128 live across every call). */
  v128_t a = wasm_i32x4_make(1, -2, 0x7fffffff, (int32_t)0x80000000);
  v128_t b = wasm_i16x8_make(-32768, 32767, 255, -1, 128, -129, 0, 7);
  v128_t all = wasm_i32x4_splat(0), floats = wasm_i64x2_splat(0);
  for (int round = 0; round < rounds; round++) {
    a = evolve(a, round, 0);
    b = evolve(b, round, 1);
    acc[G_MEMORY] = fold(acc[G_MEMORY], group_memory(a, b, round));
    /* Through a table in memory: call_indirect with v128 arguments, and
       wasm-opt cannot inline the groups into main. */
    for (int g = G_LANES; g < GROUPS; g++) {
      acc[g] = fold(acc[g], GROUP_FNS[g](a, b));
    }
    /* fold's result stays on the operand stack while spin runs. */
    all = wasm_v128_xor(fold(all, wasm_v128_xor(a, b)), SPIN(b, (round & 3) + 1));
    floats = canon_f64(wasm_f64x2_add(
        wasm_f64x2_mul(wasm_f64x2_abs(canon_f64(floats)), wasm_f64x2_splat(0.5)),
        wasm_f64x2_promote_low_f32x4(wasm_f32x4_convert_i32x4(wasm_i32x4_shr(a, 20)))));
    if (round % 100 == 99) {
      printf("round %d: %08x %08x\n", round + 1,
             (uint32_t)wasm_i32x4_extract_lane(all, 0),
             (uint32_t)wasm_i32x4_extract_lane(all, 3));
    }
  }
  for (int g = 0; g < GROUPS; g++) {
    printf("%-14s %08x %08x %08x %08x\n", GROUP_NAMES[g],
           (uint32_t)wasm_i32x4_extract_lane(acc[g], 0),
           (uint32_t)wasm_i32x4_extract_lane(acc[g], 1),
           (uint32_t)wasm_i32x4_extract_lane(acc[g], 2),
           (uint32_t)wasm_i32x4_extract_lane(acc[g], 3));
  }
  printf("floats %.6f %.6f\n", wasm_f64x2_extract_lane(floats, 0),
         wasm_f64x2_extract_lane(floats, 1));
  return 0;
}
