/**
 * SIMD bitwise operations and lane tests: `not and andnot or xor bitselect`,
 * `any_true`, `all_true`, `bitmask`.
 *
 * @module
 */
import {
  binary,
  intrinsicSuffix,
  type Shape,
  SHAPES,
  type SimdHelper,
  unary,
} from "./helper.ts";

/**
 * `xN.all_true`: 1 when no lane is zero. On x86 the lane mask's bits
 * (pmovmskb); on aarch64, where LLVM 14 moves each lane of such a mask to a
 * general register, the minimum lane (uminv; 64-bit lanes as the 32-bit
 * halves of their compare mask, NEON having no 64-bit uminv).
 */
function allTrue(shape: Shape): SimdHelper {
  const { lanes, elem } = SHAPES[shape];
  const aarch64 = elem === "i64"
    ? `%c = icmp ne $T %x, zeroinitializer
%s = sext $B %c to $T
%w = bitcast $T %s to <4 x i32>
%m = call i32 @llvm.vector.reduce.umin.v4i32(<4 x i32> %w)
%a = icmp ne i32 %m, 0
%r = zext i1 %a to i32`
    : `%m = call $E @llvm.vector.reduce.umin.${intrinsicSuffix(shape)}($T %x)
%a = icmp ne $E %m, 0
%r = zext i1 %a to i32`;
  return {
    params: [shape],
    result: "i32",
    body: `%c = icmp ne $T %x, zeroinitializer
%m = bitcast $B %c to i$N
%a = icmp eq i$N %m, -1
%r = zext i1 %a to i32`,
    aarch64: {
      body: aarch64,
      decls: [
        elem === "i64"
          ? "declare i32 @llvm.vector.reduce.umin.v4i32(<4 x i32>)"
          : `declare ${elem} @llvm.vector.reduce.umin.${
            intrinsicSuffix(shape)
          }(<${lanes} x ${elem}>)`,
      ],
    },
  };
}

/**
 * `xN.bitmask`: the sign bit of each lane, lane 0 in bit 0. On x86 the lane
 * mask's bits (pmovmskb/movmskps); on aarch64 each lane's sign spread over
 * the lane (cmlt), kept only in bit i of lane i, and the lanes added (addv;
 * i8x16 per half, whose sums are the two bytes of the result).
 */
function bitmask(shape: Shape): SimdHelper {
  const { lanes, elem } = SHAPES[shape];
  const width = 128 / lanes;
  const weights = (n: number) =>
    `<${
      Array.from({ length: lanes }, (_, i) => `${elem} ${1 << (i % n)}`)
        .join(", ")
    }>`;
  const signs = `%s = ashr $T %x, <${
    Array(lanes).fill(`${elem} ${width - 1}`).join(", ")
  }>`;
  const add = (t: string, v: string, out: string) =>
    `${out} = call ${t.split(" x ")[1].slice(0, -1)} @llvm.vector.reduce.add.${
      t.replace(/<(\d+) x (\w+)>/, "v$1$2")
    }(${t} ${v})`;
  let body: string;
  const decls: string[] = [];
  if (elem === "i8") {
    const m = (from: number) =>
      `<8 x i32> <${
        Array.from({ length: 8 }, (_, i) => `i32 ${from + i}`).join(", ")
      }>`;
    body = `${signs}
%b = and $T %s, ${weights(8).replaceAll("i8 128", "i8 -128")}
%lo = shufflevector $T %b, $T undef, ${m(0)}
%hi = shufflevector $T %b, $T undef, ${m(8)}
${add("<8 x i8>", "%lo", "%l")}
${add("<8 x i8>", "%hi", "%h")}
%lz = zext i8 %l to i32
%hz = zext i8 %h to i32
%hs = shl i32 %hz, 8
%r = or i32 %lz, %hs`;
    decls.push("declare i8 @llvm.vector.reduce.add.v8i8(<8 x i8>)");
  } else {
    body = `${signs}
%b = and $T %s, ${weights(lanes)}
${add(`<${lanes} x ${elem}>`, "%b", "%a")}
%r = ${elem === "i64" ? "trunc" : elem === "i32" ? "add" : "zext"} ${elem} %a${
      elem === "i32" ? ", 0" : " to i32"
    }`;
    decls.push(
      `declare ${elem} @llvm.vector.reduce.add.${
        intrinsicSuffix(shape)
      }(<${lanes} x ${elem}>)`,
    );
  }
  return {
    params: [shape],
    result: "i32",
    body: `%c = icmp slt $T %x, zeroinitializer
%m = bitcast $B %c to i$N
%r = zext i$N %m to i32`,
    aarch64: { body, decls },
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
