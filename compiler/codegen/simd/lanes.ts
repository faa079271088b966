/**
 * SIMD lane operations: constants, splats, lane extraction and replacement,
 * `i8x16.shuffle` (one helper per distinct mask, see {@link shuffleIR}) and
 * `i8x16.swizzle`.
 *
 * @module
 */
import {
  helperName,
  type Shape,
  SHAPES,
  type SimdHelper,
  V128_IR,
} from "./helper.ts";

/** `xN.splat`: the scalar operand in every lane. */
function splat(shape: Shape): SimdHelper {
  return {
    params: [SHAPES[shape].elem as "i32"],
    result: shape,
    body: `%i = insertelement $T undef, $E %x, i32 0
%r = shufflevector $T %i, $T undef, <$N x i32> zeroinitializer`,
  };
}

/** i8 and i16 splats take an i32 and wrap it. */
function narrowSplat(shape: Shape): SimdHelper {
  return {
    params: ["i32"],
    result: shape,
    body: `%t = trunc i32 %x to $E
%i = insertelement $T undef, $E %t, i32 0
%r = shufflevector $T %i, $T undef, <$N x i32> zeroinitializer`,
  };
}

function extract(shape: Shape, ext?: "sext" | "zext"): SimdHelper {
  const elem = SHAPES[shape].elem;
  return {
    params: [shape, ["lane", "i32"]],
    result: ext ? "i32" : elem as "i32",
    body: ext
      ? `%e = extractelement $T %x, i32 %lane\n%r = ${ext} $E %e to i32`
      : `%r = extractelement $T %x, i32 %lane`,
  };
}

function replace(shape: Shape): SimdHelper {
  const elem = SHAPES[shape].elem;
  const narrow = elem === "i8" || elem === "i16";
  return {
    params: [shape, narrow ? "i32" : elem as "i32", ["lane", "i32"]],
    result: shape,
    body: narrow
      ? `%t = trunc i32 %y to $E\n%r = insertelement $T %x, $E %t, i32 %lane`
      : `%r = insertelement $T %x, $E %y, i32 %lane`,
  };
}

/** The lane instructions' helpers, by text name. */
export const LANE_HELPERS: Record<string, SimdHelper> = {
  // The translator passes the constant as two i64 halves (low first).
  "v128.const": {
    params: [["lo", "i64"], ["hi", "i64"]],
    result: "i64x2",
    body: `%l = insertelement $T undef, i64 %lo, i32 0
%r = insertelement $T %l, i64 %hi, i32 1`,
  },
  "i8x16.splat": narrowSplat("i8x16"),
  "i16x8.splat": narrowSplat("i16x8"),
  "i32x4.splat": splat("i32x4"),
  "i64x2.splat": splat("i64x2"),
  "f32x4.splat": splat("f32x4"),
  "f64x2.splat": splat("f64x2"),
  "i8x16.extract_lane_s": extract("i8x16", "sext"),
  "i8x16.extract_lane_u": extract("i8x16", "zext"),
  "i16x8.extract_lane_s": extract("i16x8", "sext"),
  "i16x8.extract_lane_u": extract("i16x8", "zext"),
  "i32x4.extract_lane": extract("i32x4"),
  "i64x2.extract_lane": extract("i64x2"),
  "f32x4.extract_lane": extract("f32x4"),
  "f64x2.extract_lane": extract("f64x2"),
  "i8x16.replace_lane": replace("i8x16"),
  "i16x8.replace_lane": replace("i16x8"),
  "i32x4.replace_lane": replace("i32x4"),
  "i64x2.replace_lane": replace("i64x2"),
  "f32x4.replace_lane": replace("f32x4"),
  "f64x2.replace_lane": replace("f64x2"),
  // Lane i of the result is x[y[i]], or 0 when y[i] >= 16. On x86, a
  // vector of extracts at indices y & 15, each lane i indexed by lane i of
  // one vector, is the build_vector pattern llc selects to one pshufb
  // (SSSE3, in x86-64-v2); the out-of-range lanes are a vector select.
  // NEON's tbl is exactly Wasm's swizzle.
  "i8x16.swizzle": {
    params: ["i8x16", "i8x16"],
    result: "i8x16",
    body: [
      "%m = and $T %y, <" + Array(16).fill("i8 15").join(", ") + ">",
      ...Array.from({ length: 16 }, (_, i) => {
        const prev = i === 0 ? "undef" : `%p${i - 1}`;
        return `%i${i} = extractelement $T %m, i32 ${i}
%e${i} = extractelement $T %x, i8 %i${i}
%p${i} = insertelement $T ${prev}, i8 %e${i}, i32 ${i}`;
      }),
      "%in = icmp ult $T %y, <" + Array(16).fill("i8 16").join(", ") + ">",
      "%r = select $B %in, $T %p15, $T zeroinitializer",
    ].join("\n"),
    aarch64: {
      body:
        "%r = call <16 x i8> @llvm.aarch64.neon.tbl1.v16i8(<16 x i8> %x, <16 x i8> %y)",
      decls: [
        "declare <16 x i8> @llvm.aarch64.neon.tbl1.v16i8(<16 x i8>, <16 x i8>)",
      ],
    },
  },
};

/** The helper symbol of `i8x16.shuffle` with lane indices `mask`. */
export function shuffleName(mask: Uint8Array): string {
  return `${helperName("i8x16.shuffle")}_${
    Array.from(mask, (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

/**
 * The helper of `i8x16.shuffle` with lane indices `mask` (validated < 32):
 * `shufflevector` needs its mask as a constant, so each distinct mask of the
 * module gets its own helper.
 */
export function shuffleIR(mask: Uint8Array): string {
  const m = Array.from(mask, (b) => `i32 ${b}`).join(", ");
  return `define internal ${V128_IR} @${
    shuffleName(mask)
  }(${V128_IR} %x.v, ${V128_IR} %y.v) alwaysinline nounwind {
  %x = bitcast ${V128_IR} %x.v to <16 x i8>
  %y = bitcast ${V128_IR} %y.v to <16 x i8>
  %r = shufflevector <16 x i8> %x, <16 x i8> %y, <16 x i32> <${m}>
  %r.v = bitcast <16 x i8> %r to ${V128_IR}
  ret ${V128_IR} %r.v
}`;
}
