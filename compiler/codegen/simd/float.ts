/**
 * SIMD float arithmetic, comparisons, rounding and conversions, with Wasm's
 * NaN rules.
 *
 * Where LLVM 14's natural lowering differs from Wasm or scalarizes on x86-64
 * (`llvm.minimum` cannot be selected there, `llvm.fptosi.sat` becomes four
 * scalar conversions), the x86 body is the short SSE sequence and the
 * aarch64 body the intrinsic NEON has one instruction for (`fmin`,
 * `fcvtzs`).
 *
 * @module
 */
import {
  binary,
  compare,
  intrinsicSuffix,
  type Shape,
  SHAPES,
  type SimdHelper,
  unary,
  vec,
} from "./helper.ts";
import { isSignalingNan } from "../constants.ts";

const FLOAT_SHAPES: Shape[] = ["f32x4", "f64x2"];

/** The integer shape of the same lane width. */
function intShape(s: Shape): Shape {
  return s === "f32x4" ? "i32x4" : "i64x2";
}

/** The vector constant with `value` (IR text) in every lane of `s`. */
function splatConst(s: Shape, value: string): string {
  const { lanes, elem } = SHAPES[s];
  return `<${Array(lanes).fill(`${elem} ${value}`).join(", ")}>`;
}

/** The quiet NaN Wasm calls canonical, in IR's double-width hex. */
const CANONICAL_NAN = "0x7FF8000000000000";
const TWO_31 = "0x41E0000000000000";

/** A call of the one-operand intrinsic `llvm.<name>` on `s`: `%r` from `%x`. */
function intrinsic(s: Shape, name: string): SimdHelper {
  const t = vec(s);
  return unary(s, `%r = call $T @llvm.${name}.${intrinsicSuffix(s)}($T %x)`, [
    `declare ${t} @llvm.${name}.${intrinsicSuffix(s)}(${t})`,
  ]);
}

/** `abs`/`neg`: a bit operation on the sign, which leaves NaN payloads as they are. */
function signBit(s: Shape, op: "and" | "xor"): SimdHelper {
  const is = intShape(s);
  const bits = SHAPES[is].elem === "i32" ? 32 : 64;
  const sign = -(2n ** BigInt(bits - 1));
  const mask = op === "and" ? -sign - 1n : sign;
  return unary(is, `%r = ${op} $T %x, ${splatConst(is, String(mask))}`);
}

/**
 * A binary helper whose body selects between `%x` and `%y`. For f64x2 they
 * go through an arithmetic fence first: otherwise LLVM turns the select of
 * two bit-cast operands into a select of the `<2 x i64>` originals, which
 * x86 cannot match to minpd/maxpd (a compare and blendvpd instead).
 */
function selecting(s: Shape, body: string): SimdHelper {
  if (s !== "f64x2") return binary(s, body);
  const fence = "llvm.arithmetic.fence.v2f64";
  return {
    params: [["x0", s], ["y0", s]],
    result: s,
    body: `%x = call $T @${fence}($T %x0)
%y = call $T @${fence}($T %y0)
${body}`,
    decls: [`declare <2 x double> @${fence}(<2 x double>)`],
  };
}

/**
 * `min`/`max`: a NaN operand gives the canonical NaN, and -0 < +0.
 *
 * x86 (as V8 does it): minps/maxps return their second operand when either
 * is NaN or both are zero, so both orders are combined. For min, OR of the
 * two keeps a NaN a NaN and makes min(±0, ∓0) = -0. For max, s = a | (a ^ b)
 * keeps a NaN, and s - (a ^ b) turns the (-0, +0) disagreement into +0.
 * Lanes left NaN become the canonical NaN. aarch64 fmin/fmax are exactly
 * Wasm's (a NaN result is the quieted NaN operand).
 */
function minMax(s: Shape, op: "min" | "max"): SimdHelper {
  const it = vec(intShape(s));
  const cmp = op === "min" ? "olt" : "ogt";
  const combine = op === "min"
    ? `%o = or ${it} %ai, %bi
%v = bitcast ${it} %o to $T`
    : `%d = xor ${it} %ai, %bi
%o = or ${it} %ai, %d
%of = bitcast ${it} %o to $T
%df = bitcast ${it} %d to $T
%v = fsub $T %of, %df`;
  const intr = `llvm.${op === "min" ? "minimum" : "maximum"}.${
    intrinsicSuffix(s)
  }`;
  const t = vec(s);
  return {
    ...selecting(
      s,
      `%c1 = fcmp ${cmp} $T %x, %y
%a = select $B %c1, $T %x, $T %y
%c2 = fcmp ${cmp} $T %y, %x
%b = select $B %c2, $T %y, $T %x
%ai = bitcast $T %a to ${it}
%bi = bitcast $T %b to ${it}
${combine}
%un = fcmp uno $T %v, %v
%r = select $B %un, $T ${splatConst(s, CANONICAL_NAN)}, $T %v`,
    ),
    aarch64: {
      // (the f64x2 operands keep their unfenced names, see selecting)
      body: s === "f64x2"
        ? `%r = call $T @${intr}($T %x0, $T %y0)`
        : `%r = call $T @${intr}($T %x, $T %y)`,
      decls: [`declare ${t} @${intr}(${t}, ${t})`],
    },
  };
}

function perShape(
  ops: Record<string, (s: Shape) => SimdHelper | undefined>,
): Record<string, SimdHelper> {
  const out: Record<string, SimdHelper> = {};
  for (const s of FLOAT_SHAPES) {
    for (const [op, make] of Object.entries(ops)) {
      const h = make(s);
      if (h) out[`${s}.${op}`] = h;
    }
  }
  return out;
}

const CVTTPS2DQ = "declare <4 x i32> @llvm.x86.sse2.cvttps2dq(<4 x float>)";
const CVTTPD2DQ = "declare <4 x i32> @llvm.x86.sse2.cvttpd2dq(<2 x double>)";

/**
 * The saturating f32x4 to i32x4 conversions. On x86, cvttps2dq gives
 * 0x80000000 for every lane out of range or NaN.
 */
const TRUNC_SAT_F32X4: Record<string, SimdHelper> = {
  // NaN lanes become 0 first; lanes >= 2^31 flip 0x80000000 to 0x7fffffff.
  "i32x4.trunc_sat_f32x4_s": {
    params: ["f32x4"],
    result: "i32x4",
    body: `%ord = fcmp ord $T %x, %x
%xz = select $B %ord, $T %x, $T zeroinitializer
%i = call <4 x i32> @llvm.x86.sse2.cvttps2dq($T %xz)
%big = fcmp oge $T %xz, ${splatConst("f32x4", TWO_31)}
%m = sext $B %big to <4 x i32>
%r = xor <4 x i32> %i, %m`,
    decls: [CVTTPS2DQ],
    aarch64: {
      body: `%r = call <4 x i32> @llvm.fptosi.sat.v4i32.v4f32($T %x)`,
      decls: ["declare <4 x i32> @llvm.fptosi.sat.v4i32.v4f32(<4 x float>)"],
    },
  },
  // NaN and negative lanes become 0. The low part converts x (0x80000000
  // when x >= 2^31); the high part converts x - 2^31 (0x7fffffff when
  // x >= 2^32, negative and then clamped to 0 when x < 2^31); their sum
  // is the result.
  "i32x4.trunc_sat_f32x4_u": {
    params: ["f32x4"],
    result: "i32x4",
    body: `%pos = fcmp ogt $T %x, zeroinitializer
%xz = select $B %pos, $T %x, $T zeroinitializer
%h = fsub $T %xz, ${splatConst("f32x4", TWO_31)}
%hi = call <4 x i32> @llvm.x86.sse2.cvttps2dq($T %h)
%ovf = fcmp oge $T %h, ${splatConst("f32x4", TWO_31)}
%om = sext $B %ovf to <4 x i32>
%hx = xor <4 x i32> %hi, %om
%hp = icmp sgt <4 x i32> %hx, zeroinitializer
%hc = select $B %hp, <4 x i32> %hx, <4 x i32> zeroinitializer
%lo = call <4 x i32> @llvm.x86.sse2.cvttps2dq($T %xz)
%r = add <4 x i32> %lo, %hc`,
    decls: [CVTTPS2DQ],
    aarch64: {
      body: `%r = call <4 x i32> @llvm.fptoui.sat.v4i32.v4f32($T %x)`,
      decls: ["declare <4 x i32> @llvm.fptoui.sat.v4i32.v4f32(<4 x float>)"],
    },
  },
};

/** The two i32 lanes of `%n`, then two zero lanes. */
const ZERO_HIGH =
  "%r = shufflevector <2 x i32> %n, <2 x i32> zeroinitializer, <4 x i32> <i32 0, i32 1, i32 2, i32 3>";

/**
 * The saturating f64x2 to i32x4 conversions (the high lanes zero). On
 * aarch64, a saturating conversion to i64 and a saturating narrow.
 */
const TRUNC_SAT_F64X2: Record<string, SimdHelper> = {
  // x86: NaN becomes 0 and x is clamped to 2^31-1 from above (minpd);
  // below -2^31 cvttpd2dq gives 0x80000000, the saturated value.
  "i32x4.trunc_sat_f64x2_s_zero": {
    params: ["f64x2"],
    result: "i32x4",
    body: `%ord = fcmp ord $T %x, %x
%lim = select $B %ord, $T ${
      splatConst("f64x2", "0x41DFFFFFFFC00000")
    }, $T zeroinitializer
%lt = fcmp olt $T %x, %lim
%m = select $B %lt, $T %x, $T %lim
%r = call <4 x i32> @llvm.x86.sse2.cvttpd2dq($T %m)`,
    decls: [CVTTPD2DQ],
    aarch64: {
      body: `%w = call <2 x i64> @llvm.fptosi.sat.v2i64.v2f64($T %x)
%n = call <2 x i32> @llvm.aarch64.neon.sqxtn.v2i32(<2 x i64> %w)
${ZERO_HIGH}`,
      decls: [
        "declare <2 x i64> @llvm.fptosi.sat.v2i64.v2f64(<2 x double>)",
        "declare <2 x i32> @llvm.aarch64.neon.sqxtn.v2i32(<2 x i64>)",
      ],
    },
  },
  // x86: clamp to [0, 2^32-1] (NaN to 0), truncate, and add 2^52: the low
  // 32 bits of each double are then the integer.
  "i32x4.trunc_sat_f64x2_u_zero": {
    params: ["f64x2"],
    result: "i32x4",
    body: `%pos = fcmp ogt $T %x, zeroinitializer
%a = select $B %pos, $T %x, $T zeroinitializer
%lt = fcmp olt $T %a, ${splatConst("f64x2", "0x41EFFFFFFFE00000")}
%b = select $B %lt, $T %a, $T ${splatConst("f64x2", "0x41EFFFFFFFE00000")}
%t = call $T @llvm.trunc.v2f64($T %b)
%c = fadd $T %t, ${splatConst("f64x2", "0x4330000000000000")}
%ci = bitcast $T %c to <4 x i32>
%r = shufflevector <4 x i32> %ci, <4 x i32> zeroinitializer, <4 x i32> <i32 0, i32 2, i32 4, i32 4>`,
    decls: ["declare <2 x double> @llvm.trunc.v2f64(<2 x double>)"],
    aarch64: {
      body: `%w = call <2 x i64> @llvm.fptoui.sat.v2i64.v2f64($T %x)
%n = call <2 x i32> @llvm.aarch64.neon.uqxtn.v2i32(<2 x i64> %w)
${ZERO_HIGH}`,
      decls: [
        "declare <2 x i64> @llvm.fptoui.sat.v2i64.v2f64(<2 x double>)",
        "declare <2 x i32> @llvm.aarch64.neon.uqxtn.v2i32(<2 x i64>)",
      ],
    },
  },
};

/** int to float, demote and promote. */
const CONVERSIONS: Record<string, SimdHelper> = {
  "f32x4.convert_i32x4_s": {
    params: ["i32x4"],
    result: "f32x4",
    body: "%r = sitofp $T %x to <4 x float>",
  },
  // LLVM's own x86 lowering is the short exact one (two 16-bit halves).
  "f32x4.convert_i32x4_u": {
    params: ["i32x4"],
    result: "f32x4",
    body: "%r = uitofp $T %x to <4 x float>",
  },
  "f64x2.convert_low_i32x4_s": {
    params: ["i32x4"],
    result: "f64x2",
    body: `%l = shufflevector $T %x, $T undef, <2 x i32> <i32 0, i32 1>
%r = sitofp <2 x i32> %l to <2 x double>`,
  },
  "f64x2.convert_low_i32x4_u": {
    params: ["i32x4"],
    result: "f64x2",
    body: `%l = shufflevector $T %x, $T undef, <2 x i32> <i32 0, i32 1>
%r = uitofp <2 x i32> %l to <2 x double>`,
  },
  "f32x4.demote_f64x2_zero": {
    params: ["f64x2"],
    result: "f32x4",
    body: `%d = fptrunc $T %x to <2 x float>
%r = shufflevector <2 x float> %d, <2 x float> zeroinitializer, <4 x i32> <i32 0, i32 1, i32 2, i32 3>`,
  },
  // Fenced so that LLVM cannot fold demote(promote(x)) to x, which would
  // keep a signalling NaN signalling (as scalar f64.promote_f32).
  "f64x2.promote_low_f32x4": {
    params: ["f32x4"],
    result: "f64x2",
    body: `%l = shufflevector $T %x, $T undef, <2 x i32> <i32 0, i32 1>
%e = fpext <2 x float> %l to <2 x double>
%r = call <2 x double> @llvm.arithmetic.fence.v2f64(<2 x double> %e)`,
    decls: [
      "declare <2 x double> @llvm.arithmetic.fence.v2f64(<2 x double>)",
    ],
  },
};

/**
 * The helper that hides a v128 constant operand of float arithmetic from
 * LLVM (see {@link fenceNeeded}), by shape.
 */
export const FENCE_HELPER: Record<"f32x4" | "f64x2", string> = {
  f32x4: "f32x4.arithmetic_fence",
  f64x2: "f64x2.arithmetic_fence",
};

/** The float arithmetic whose constant operands may need the fence. */
export const FENCED_ARITHMETIC = new Set(
  FLOAT_SHAPES.flatMap((s) =>
    ["add", "sub", "mul", "div"].map((o) => `${s}.${o}`)
  ),
);

/**
 * Whether the v128 constant `bits` (lane 0 lowest), an operand of float
 * arithmetic on `s`, has a lane equal to ±0 or ±1 or a signaling NaN. LLVM
 * folds x*1, x/1, x+(-0), x-0, x*(-1) to x or -x, which returns a signalling
 * NaN x unquieted, and x*sNaN to the sNaN; Wasm requires an arithmetic NaN.
 */
export function fenceNeeded(s: "f32x4" | "f64x2", bits: bigint): boolean {
  const w = s === "f32x4" ? 32n : 64n;
  const identities = s === "f32x4"
    ? [0n, 0x80000000n, 0x3f800000n, 0xbf800000n]
    : [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n];
  for (let i = 0n; i < 128n; i += w) {
    const lane = (bits >> i) & ((1n << w) - 1n);
    if (identities.includes(lane)) return true;
    // LLVM 14 folds x*sNaN (and +, -, /) to that sNaN, unquieted.
    if (isSignalingNan(lane, s === "f32x4" ? 32 : 64)) return true;
  }
  return false;
}

/** The float instructions' helpers, by text name. */
export const FLOAT_HELPERS: Record<string, SimdHelper> = {
  ...perShape({
    eq: (s) => compare(s, "fcmp oeq"),
    ne: (s) => compare(s, "fcmp une"),
    lt: (s) => compare(s, "fcmp olt"),
    gt: (s) => compare(s, "fcmp ogt"),
    le: (s) => compare(s, "fcmp ole"),
    ge: (s) => compare(s, "fcmp oge"),
    abs: (s) => signBit(s, "and"),
    neg: (s) => signBit(s, "xor"),
    sqrt: (s) => intrinsic(s, "sqrt"),
    add: (s) => binary(s, "%r = fadd $T %x, %y"),
    sub: (s) => binary(s, "%r = fsub $T %x, %y"),
    mul: (s) => binary(s, "%r = fmul $T %x, %y"),
    div: (s) => binary(s, "%r = fdiv $T %x, %y"),
    min: (s) => minMax(s, "min"),
    max: (s) => minMax(s, "max"),
    // Exactly `b < a ? b : a` and `a < b ? b : a` (minps/maxps on x86).
    pmin: (s) =>
      selecting(s, "%c = fcmp olt $T %y, %x\n%r = select $B %c, $T %y, $T %x"),
    pmax: (s) =>
      selecting(s, "%c = fcmp olt $T %x, %y\n%r = select $B %c, $T %y, $T %x"),
    ceil: (s) => intrinsic(s, "ceil"),
    floor: (s) => intrinsic(s, "floor"),
    trunc: (s) => intrinsic(s, "trunc"),
    nearest: (s) => intrinsic(s, "roundeven"),
    arithmetic_fence: (s) => intrinsic(s, "arithmetic.fence"),
  }),
  ...TRUNC_SAT_F32X4,
  ...TRUNC_SAT_F64X2,
  ...CONVERSIONS,
};
