/**
 * SIMD bitwise operations and lane tests: `not and andnot or xor bitselect`,
 * `any_true`, `all_true`, `bitmask`.
 *
 * @module
 */
import { binary, type Shape, type SimdHelper, unary } from "./helper.ts";

/** `xN.all_true`: 1 when no lane is zero. */
function allTrue(shape: Shape): SimdHelper {
  return {
    params: [shape],
    result: "i32",
    body: `%c = icmp ne $T %x, zeroinitializer
%m = bitcast $B %c to i$N
%a = icmp eq i$N %m, -1
%r = zext i1 %a to i32`,
  };
}

/** `xN.bitmask`: the sign bit of each lane, lane 0 in bit 0. */
function bitmask(shape: Shape): SimdHelper {
  return {
    params: [shape],
    result: "i32",
    body: `%c = icmp slt $T %x, zeroinitializer
%m = bitcast $B %c to i$N
%r = zext i$N %m to i32`,
  };
}

/** The bitwise instructions' helpers, by text name. */
export const BITWISE_HELPERS: Record<string, SimdHelper> = {
  "v128.not": unary("i64x2", "%r = xor $T %x, <i64 -1, i64 -1>"),
  "v128.and": binary("i64x2", "%r = and $T %x, %y"),
  "v128.andnot": binary(
    "i64x2",
    "%n = xor $T %y, <i64 -1, i64 -1>\n%r = and $T %x, %n",
  ),
  "v128.or": binary("i64x2", "%r = or $T %x, %y"),
  "v128.xor": binary("i64x2", "%r = xor $T %x, %y"),
  // Bits of %x where the mask %z is 1, of %y where it is 0.
  "v128.bitselect": {
    params: ["i64x2", "i64x2", "i64x2"],
    result: "i64x2",
    body: `%a = and $T %x, %z
%n = xor $T %z, <i64 -1, i64 -1>
%b = and $T %y, %n
%r = or $T %a, %b`,
  },
  "v128.any_true": {
    params: ["i64x2"],
    result: "i32",
    body: `%w = bitcast $T %x to i128
%c = icmp ne i128 %w, 0
%r = zext i1 %c to i32`,
  },
  "i8x16.all_true": allTrue("i8x16"),
  "i16x8.all_true": allTrue("i16x8"),
  "i32x4.all_true": allTrue("i32x4"),
  "i64x2.all_true": allTrue("i64x2"),
  "i8x16.bitmask": bitmask("i8x16"),
  "i16x8.bitmask": bitmask("i16x8"),
  "i32x4.bitmask": bitmask("i32x4"),
  "i64x2.bitmask": bitmask("i64x2"),
};
