/**
 * SIMD integer arithmetic, comparisons, shifts, narrowing and extension.
 *
 * Most helpers are plain vector IR or target-independent intrinsics
 * (`llvm.sadd.sat`, `llvm.smin`, `llvm.abs`, `llvm.ctpop`), which LLVM 14
 * selects to single SSE4.2 or NEON instructions. Where it does not find the
 * short sequence, the helper's body (x86) or its aarch64 body uses target
 * intrinsics instead (`pmulhrsw`, `pmaddubsw`, NEON's `sqrdmulh`, `saddlp`),
 * with the Wasm corner cases fixed up.
 *
 * Known cost on aarch64: an operation on the high half of a v128 (extend,
 * extmul, dot) gets an `ext` per operand before sshll/smull, not the one
 * sshll2/smull2: the v128 arrives as `<2 x i64>`, and LLVM 14's DAG turns
 * the high-half extract of its bitcast into a `<1 x i64>` extract, which
 * the `*2` patterns do not match.
 *
 * @module
 */
import {
  binary,
  compare,
  type Shape,
  SHAPES,
  type SimdHelper,
  unary,
  vec,
} from "./helper.ts";

const INT_SHAPES: Shape[] = ["i8x16", "i16x8", "i32x4", "i64x2"];

/** The `llvm.*` intrinsic suffix of an integer shape: `v4i32`. */
function suffix(s: Shape): string {
  return `v${SHAPES[s].lanes}${SHAPES[s].elem}`;
}

/** The integer shape with lanes twice as wide (and half as many). */
function wider(s: Shape): Shape {
  return s === "i8x16" ? "i16x8" : s === "i16x8" ? "i32x4" : "i64x2";
}

/** The integer shape with lanes half as wide (and twice as many). */
function narrower(s: Shape): Shape {
  return s === "i16x8" ? "i8x16" : s === "i32x4" ? "i16x8" : "i32x4";
}

/** `<n x i32> <i32 a, i32 a+step, ...>`, a shufflevector mask. */
function mask(n: number, start: number, step = 1): string {
  return `<${n} x i32> <${
    Array.from({ length: n }, (_, i) => `i32 ${start + i * step}`).join(", ")
  }>`;
}

/** The vector constant with `value` in every lane of `s`. */
function splatConst(s: Shape, value: number | bigint): string {
  const { lanes, elem } = SHAPES[s];
  return `<${Array(lanes).fill(`${elem} ${value}`).join(", ")}>`;
}

/** A call of the binary intrinsic `llvm.<name>` on `s`. */
function intrinsic2(s: Shape, name: string): SimdHelper {
  const t = vec(s), f = `@llvm.${name}.${suffix(s)}`;
  return binary(s, `%r = call $T ${f}($T %x, $T %y)`, [
    `declare ${t} ${f}(${t}, ${t})`,
  ]);
}

/** `abs`: `llvm.abs` with INT_MIN staying INT_MIN (not poison). */
function abs(s: Shape): SimdHelper {
  const t = vec(s), f = `@llvm.abs.${suffix(s)}`;
  return unary(s, `%r = call $T ${f}($T %x, i1 false)`, [
    `declare ${t} ${f}(${t}, i1)`,
  ]);
}

/**
 * A shift by the scalar `%y` modulo the lane width, splatted: LLVM selects
 * a shift by one count (psllw xmm, or NEON's shift by a vector).
 */
function shift(s: Shape, op: "shl" | "ashr" | "lshr"): SimdHelper {
  const { elem } = SHAPES[s];
  const bits = Number(elem.slice(1));
  const count = elem === "i64"
    ? "%c = zext i32 %m to i64"
    : elem === "i32"
    ? ""
    : `%c = trunc i32 %m to ${elem}`;
  return {
    params: [s, "i32"],
    result: s,
    body: `%m = and i32 %y, ${bits - 1}
${count}
%ci = insertelement $T undef, $E ${elem === "i32" ? "%m" : "%c"}, i32 0
%cs = shufflevector $T %ci, $T undef, <$N x i32> zeroinitializer
%r = ${op} $T %x, %cs`,
  };
}

/**
 * `extend_low/high`: half the lanes of the narrower `s`, extended. The
 * result shape is `wider(s)`.
 */
function extend(s: Shape, half: "low" | "high", ext: "sext" | "zext") {
  const n = SHAPES[s].lanes / 2;
  const w = wider(s);
  return {
    params: [s],
    result: w,
    shape: s,
    body: `%h = shufflevector $T %x, $T undef, ${
      mask(n, half === "low" ? 0 : n)
    }
%r = ${ext} <${n} x $E> %h to ${vec(w)}`,
  } satisfies SimdHelper;
}

/** `extmul_low/high`: the extended halves of `%x` and `%y`, multiplied. */
function extmul(s: Shape, half: "low" | "high", ext: "sext" | "zext") {
  const n = SHAPES[s].lanes / 2;
  const w = vec(wider(s));
  const m = mask(n, half === "low" ? 0 : n);
  return {
    params: [s, s],
    result: wider(s),
    shape: s,
    body: `%hx = shufflevector $T %x, $T undef, ${m}
%hy = shufflevector $T %y, $T undef, ${m}
%ex = ${ext} <${n} x $E> %hx to ${w}
%ey = ${ext} <${n} x $E> %hy to ${w}
%r = mul ${w} %ex, %ey`,
  } satisfies SimdHelper;
}

/**
 * `extadd_pairwise`: each pair of adjacent lanes of `s`, extended and added.
 * NEON has it (saddlp/uaddlp). On x86 the signed ones and the i8 unsigned
 * one are a multiply-add by ones (pmaddubsw, pmaddwd; the sums are far
 * from saturating), which LLVM does not find from the vector IR.
 */
function extaddPairwise(s: Shape, ext: "sext" | "zext"): SimdHelper {
  const n = SHAPES[s].lanes / 2;
  const w = vec(wider(s));
  const neon = `@llvm.aarch64.neon.${ext === "sext" ? "s" : "u"}addlp.${
    suffix(wider(s))
  }.${suffix(s)}`;
  const ones = splatConst(s, 1);
  const x86 = s === "i8x16"
    ? {
      body: `%r = call ${w} @llvm.x86.ssse3.pmadd.ub.sw.128(${
        ext === "sext" ? `$T ${ones}, $T %x` : `$T %x, $T ${ones}`
      })`,
      decls: [
        `declare ${w} @llvm.x86.ssse3.pmadd.ub.sw.128(<16 x i8>, <16 x i8>)`,
      ],
    }
    : ext === "sext"
    ? {
      body: `%r = call ${w} @llvm.x86.sse2.pmadd.wd($T %x, $T ${ones})`,
      decls: [`declare ${w} @llvm.x86.sse2.pmadd.wd(<8 x i16>, <8 x i16>)`],
    }
    : {
      // (a mask and a shift: as short as the multiply-add)
      body: `%ev = shufflevector $T %x, $T undef, ${mask(n, 0, 2)}
%od = shufflevector $T %x, $T undef, ${mask(n, 1, 2)}
%ee = ${ext} <${n} x $E> %ev to ${w}
%eo = ${ext} <${n} x $E> %od to ${w}
%r = add ${w} %ee, %eo`,
    };
  return {
    params: [s],
    result: wider(s),
    shape: s,
    ...x86,
    aarch64: {
      body: `%r = call ${w} ${neon}($T %x)`,
      decls: [`declare ${w} ${neon}(${vec(s)})`],
    },
  };
}

/**
 * `narrow_*_s/_u`: the lanes of `%x` then of `%y` (of the wider `s`, read
 * as signed), clamped to the narrower signed or unsigned range. LLVM
 * selects the clamp-and-truncate to packss/packus (x86) and, for the
 * signed ones, sqxtn + sqxtn2 (NEON); the unsigned ones there are
 * sqxtun + sqxtun2 (LLVM would clamp each half and then uzp1).
 */
function narrow(s: Shape, signed: boolean): SimdHelper {
  const n = narrower(s);
  const nbits = Number(SHAPES[n].elem.slice(1));
  const lo = signed ? -(2 ** (nbits - 1)) : 0;
  const hi = signed ? 2 ** (nbits - 1) - 1 : 2 ** nbits - 1;
  const lanes = SHAPES[s].lanes * 2;
  const wt = `<${lanes} x $E>`;
  const f = (name: string) => `@llvm.${name}.v${lanes}${SHAPES[s].elem}`;
  const lov = `<${Array(lanes).fill(`$E ${lo}`).join(", ")}>`;
  const hiv = `<${Array(lanes).fill(`$E ${hi}`).join(", ")}>`;
  const wty = `<${lanes} x ${SHAPES[s].elem}>`;
  const half = `<${SHAPES[s].lanes} x ${SHAPES[n].elem}>`;
  const xtun = `@llvm.aarch64.neon.sqxtun.v${SHAPES[s].lanes}${SHAPES[n].elem}`;
  return {
    params: [s, s],
    result: n,
    shape: s,
    aarch64: signed ? undefined : {
      body: `%nx = call ${half} ${xtun}($T %x)
%ny = call ${half} ${xtun}($T %y)
%r = shufflevector ${half} %nx, ${half} %ny, ${mask(lanes, 0)}`,
      decls: [`declare ${half} ${xtun}(${vec(s)})`],
    },
    body: `%c = shufflevector $T %x, $T %y, ${mask(lanes, 0)}
%a = call ${wt} ${f("smax")}(${wt} %c, ${wt} ${lov})
%b = call ${wt} ${f("smin")}(${wt} %a, ${wt} ${hiv})
%r = trunc ${wt} %b to ${vec(n)}`,
    decls: ["smax", "smin"].map((m) =>
      `declare ${wty} ${f(m)}(${wty}, ${wty})`
    ),
  };
}

/**
 * `avgr_u`: (x + y + 1) / 2 without overflow, computed in lanes twice as
 * wide: LLVM finds pavgb/pavgw on x86, but on NEON only a urhadd on each
 * half, so there it is the urhadd intrinsic.
 */
function avgrU(s: Shape): SimdHelper {
  const neon = `@llvm.aarch64.neon.urhadd.${suffix(s)}`;
  return {
    ...avgrWide(s),
    aarch64: {
      body: `%r = call $T ${neon}($T %x, $T %y)`,
      decls: [`declare ${vec(s)} ${neon}(${vec(s)}, ${vec(s)})`],
    },
  };
}

function avgrWide(s: Shape): SimdHelper {
  const n = SHAPES[s].lanes;
  const we = `i${Number(SHAPES[s].elem.slice(1)) * 2}`;
  const wt = `<${n} x ${we}>`;
  const one = `<${Array(n).fill(`${we} 1`).join(", ")}>`;
  return binary(
    s,
    `%ex = zext $T %x to ${wt}
%ey = zext $T %y to ${wt}
%s = add ${wt} %ex, %ey
%s1 = add ${wt} %s, ${one}
%h = lshr ${wt} %s1, ${one}
%r = trunc ${wt} %h to $T`,
  );
}

/**
 * `i16x8.q15mulr_sat_s`: (x * y + 2^14) >> 15, saturated. x86 pmulhrsw is
 * that without the saturation: only -2^15 * -2^15 overflows, to 0x8000,
 * which the xor with its own comparison turns into 0x7fff. NEON's sqrdmulh
 * is exactly the instruction.
 */
const Q15MULR: SimdHelper = {
  params: ["i16x8", "i16x8"],
  result: "i16x8",
  body: `%p = call $T @llvm.x86.ssse3.pmul.hr.sw.128($T %x, $T %y)
%o = icmp eq $T %p, ${splatConst("i16x8", -32768)}
%m = sext $B %o to $T
%r = xor $T %p, %m`,
  decls: [
    "declare <8 x i16> @llvm.x86.ssse3.pmul.hr.sw.128(<8 x i16>, <8 x i16>)",
  ],
  aarch64: {
    body: "%r = call $T @llvm.aarch64.neon.sqrdmulh.v8i16($T %x, $T %y)",
    decls: [
      "declare <8 x i16> @llvm.aarch64.neon.sqrdmulh.v8i16(<8 x i16>, <8 x i16>)",
    ],
  },
};

const ADDP =
  "declare <4 x i32> @llvm.aarch64.neon.addp.v4i32(<4 x i32>, <4 x i32>)";

/**
 * `i32x4.dot_i16x8_s`: the products of adjacent signed lanes, added in
 * pairs (wrapping only for -2^15 * -2^15 twice, as pmaddwd does).
 */
const DOT: SimdHelper = {
  params: ["i16x8", "i16x8"],
  result: "i32x4",
  body: `%ex = sext $T %x to <8 x i32>
%ey = sext $T %y to <8 x i32>
%p = mul <8 x i32> %ex, %ey
%ev = shufflevector <8 x i32> %p, <8 x i32> undef, ${mask(4, 0, 2)}
%od = shufflevector <8 x i32> %p, <8 x i32> undef, ${mask(4, 1, 2)}
%r = add <4 x i32> %ev, %od`,
  // (LLVM would add uzp1 and uzp2 of the products, not addp them)
  aarch64: {
    body: `%xl = shufflevector $T %x, $T undef, ${mask(4, 0)}
%xh = shufflevector $T %x, $T undef, ${mask(4, 4)}
%yl = shufflevector $T %y, $T undef, ${mask(4, 0)}
%yh = shufflevector $T %y, $T undef, ${mask(4, 4)}
%pl = call <4 x i32> @llvm.aarch64.neon.smull.v4i32(<4 x i16> %xl, <4 x i16> %yl)
%ph = call <4 x i32> @llvm.aarch64.neon.smull.v4i32(<4 x i16> %xh, <4 x i16> %yh)
%r = call <4 x i32> @llvm.aarch64.neon.addp.v4i32(<4 x i32> %pl, <4 x i32> %ph)`,
    decls: [
      "declare <4 x i32> @llvm.aarch64.neon.smull.v4i32(<4 x i16>, <4 x i16>)",
      ADDP,
    ],
  },
};

/**
 * `i64x2.mul`. NEON has no 64-bit lane multiply (LLVM moves both lanes to
 * general registers and back); as V8 does it: the cross products
 * lo(x)·hi(y) + hi(x)·lo(y) in 32-bit lanes (rev64, mul, addp), shifted up
 * (shll), plus the full lo(x)·lo(y) (umlal).
 */
const I64X2_MUL: SimdHelper = {
  ...binary("i64x2", "%r = mul $T %x, %y"),
  aarch64: {
    body: `%a = bitcast $T %x to <4 x i32>
%b = bitcast $T %y to <4 x i32>
%bs = shufflevector <4 x i32> %b, <4 x i32> undef, <4 x i32> <i32 1, i32 0, i32 3, i32 2>
%c = mul <4 x i32> %a, %bs
%cs = call <4 x i32> @llvm.aarch64.neon.addp.v4i32(<4 x i32> %c, <4 x i32> %c)
%c2 = shufflevector <4 x i32> %cs, <4 x i32> undef, <2 x i32> <i32 0, i32 1>
%cw = zext <2 x i32> %c2 to $T
%hi = shl $T %cw, <i64 32, i64 32>
%al = trunc $T %x to <2 x i32>
%bl = trunc $T %y to <2 x i32>
%lo = call $T @llvm.aarch64.neon.umull.v2i64(<2 x i32> %al, <2 x i32> %bl)
%r = add $T %hi, %lo`,
    decls: [
      ADDP,
      "declare <2 x i64> @llvm.aarch64.neon.umull.v2i64(<2 x i32>, <2 x i32>)",
    ],
  },
};

function perShape(
  ops: Record<string, (s: Shape) => SimdHelper | undefined>,
): Record<string, SimdHelper> {
  const out: Record<string, SimdHelper> = {};
  for (const s of INT_SHAPES) {
    for (const [op, make] of Object.entries(ops)) {
      const h = make(s);
      if (h) out[`${s}.${op}`] = h;
    }
  }
  return out;
}

/** Only on the shapes in `shapes`. */
function only(
  shapes: Shape[],
  make: (s: Shape) => SimdHelper,
): (s: Shape) => SimdHelper | undefined {
  return (s) => shapes.includes(s) ? make(s) : undefined;
}

const SAT_LANES: Shape[] = ["i8x16", "i16x8"];
const NOT_I64: Shape[] = ["i8x16", "i16x8", "i32x4"];

/** The widening instructions, by the name of their result shape. */
function widening(): Record<string, SimdHelper> {
  const out: Record<string, SimdHelper> = {};
  for (const s of ["i8x16", "i16x8", "i32x4"] as Shape[]) {
    const w = wider(s);
    for (const half of ["low", "high"] as const) {
      for (const [sign, ext] of [["s", "sext"], ["u", "zext"]] as const) {
        out[`${w}.extend_${half}_${s}_${sign}`] = extend(s, half, ext);
        out[`${w}.extmul_${half}_${s}_${sign}`] = extmul(s, half, ext);
      }
    }
    if (s !== "i32x4") {
      out[`${w}.extadd_pairwise_${s}_s`] = extaddPairwise(s, "sext");
      out[`${w}.extadd_pairwise_${s}_u`] = extaddPairwise(s, "zext");
      out[`${narrower(w)}.narrow_${w}_s`] = narrow(w, true);
      out[`${narrower(w)}.narrow_${w}_u`] = narrow(w, false);
    }
  }
  return out;
}

/** The integer instructions' helpers, by text name. */
export const INTEGER_HELPERS: Record<string, SimdHelper> = {
  ...perShape({
    eq: (s) => compare(s, "icmp eq"),
    ne: (s) => compare(s, "icmp ne"),
    lt_s: (s) => compare(s, "icmp slt"),
    gt_s: (s) => compare(s, "icmp sgt"),
    le_s: (s) => compare(s, "icmp sle"),
    ge_s: (s) => compare(s, "icmp sge"),
    lt_u: only(NOT_I64, (s) => compare(s, "icmp ult")),
    gt_u: only(NOT_I64, (s) => compare(s, "icmp ugt")),
    le_u: only(NOT_I64, (s) => compare(s, "icmp ule")),
    ge_u: only(NOT_I64, (s) => compare(s, "icmp uge")),
    abs: abs,
    neg: (s) => unary(s, "%r = sub $T zeroinitializer, %x"),
    popcnt: only(["i8x16"], (s) => {
      const t = vec(s), f = `@llvm.ctpop.${suffix(s)}`;
      return unary(s, `%r = call $T ${f}($T %x)`, [`declare ${t} ${f}(${t})`]);
    }),
    add: (s) => binary(s, "%r = add $T %x, %y"),
    sub: (s) => binary(s, "%r = sub $T %x, %y"),
    mul: only(["i16x8", "i32x4"], (s) => binary(s, "%r = mul $T %x, %y")),
    add_sat_s: only(SAT_LANES, (s) => intrinsic2(s, "sadd.sat")),
    add_sat_u: only(SAT_LANES, (s) => intrinsic2(s, "uadd.sat")),
    sub_sat_s: only(SAT_LANES, (s) => intrinsic2(s, "ssub.sat")),
    sub_sat_u: only(SAT_LANES, (s) => intrinsic2(s, "usub.sat")),
    min_s: only(NOT_I64, (s) => intrinsic2(s, "smin")),
    min_u: only(NOT_I64, (s) => intrinsic2(s, "umin")),
    max_s: only(NOT_I64, (s) => intrinsic2(s, "smax")),
    max_u: only(NOT_I64, (s) => intrinsic2(s, "umax")),
    avgr_u: only(SAT_LANES, avgrU),
    shl: (s) => shift(s, "shl"),
    shr_s: (s) => shift(s, "ashr"),
    shr_u: (s) => shift(s, "lshr"),
  }),
  "i16x8.q15mulr_sat_s": Q15MULR,
  "i32x4.dot_i16x8_s": DOT,
  "i64x2.mul": I64X2_MUL,
  ...widening(),
};
