/**
 * SIMD integer arithmetic, comparisons, shifts, narrowing and extension.
 *
 * Most are one LLVM vector operation or a target-independent intrinsic
 * (`llvm.sadd.sat`, `llvm.smin`, `llvm.abs`, `llvm.ctpop`), which llc
 * selects to one SSE or NEON instruction. Where LLVM 14 would not find the
 * instruction from the portable form, the x86 body names it
 * (`pmulhrsw`, `pmaddwd`, `packsswb`...) and the aarch64 body is the
 * portable form or NEON's own intrinsic (`sqrdmulh`, `saddlp`, `urhadd`).
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
  intrinsicSuffix,
  type Shape,
  SHAPES,
  type SimdHelper,
  unary,
  vec,
} from "./helper.ts";

const INT_SHAPES: Shape[] = ["i8x16", "i16x8", "i32x4", "i64x2"];

/** The shape with lanes of half the width and twice the count (i32x4 -> i16x8). */
const NARROWER: Partial<Record<Shape, Shape>> = {
  i16x8: "i8x16",
  i32x4: "i16x8",
  i64x2: "i32x4",
};

/** Lane bits of a shape. */
function bits(s: Shape): number {
  return 128 / SHAPES[s].lanes;
}

/** `<N x i32> <a, a+step, ...>`: a shufflevector mask. */
function mask(n: number, from: number, step = 1): string {
  return `<${n} x i32> <${
    Array.from({ length: n }, (_, i) => `i32 ${from + i * step}`).join(", ")
  }>`;
}

/** A splat constant of `value` in `<n x t>`. */
function splat(n: number, t: string, value: string | number): string {
  return `<${Array(n).fill(`${t} ${value}`).join(", ")}>`;
}

/** A call of the two-operand intrinsic `llvm.<name>` on `s`. */
function intrinsic2(s: Shape, name: string): SimdHelper {
  const t = vec(s);
  const f = `llvm.${name}.${intrinsicSuffix(s)}`;
  return binary(s, `%r = call $T @${f}($T %x, $T %y)`, [
    `declare ${t} @${f}(${t}, ${t})`,
  ]);
}

/**
 * `shl`, `shr_s`, `shr_u`: Wasm takes the count modulo the lane width (LLVM
 * would make an over-wide shift poison); the count is splatted.
 */
function shift(s: Shape, op: "shl" | "ashr" | "lshr"): SimdHelper {
  const { lanes, elem } = SHAPES[s];
  const width = bits(s);
  const cast = width < 32
    ? `%c = trunc i32 %m to ${elem}`
    : width > 32
    ? `%c = zext i32 %m to ${elem}`
    : `%c = add i32 %m, 0`;
  return {
    params: [s, "i32"],
    result: s,
    body: `%m = and i32 %y, ${width - 1}
${cast}
%i = insertelement $T undef, $E %c, i32 0
%k = shufflevector $T %i, $T undef, <${lanes} x i32> zeroinitializer
%r = ${op} $T %x, %k`,
  };
}

/** `extend_low/high`: half of the narrower lanes, each extended. */
function extend(s: Shape, high: boolean, ext: "sext" | "zext"): SimdHelper {
  const from = NARROWER[s]!;
  const n = SHAPES[s].lanes;
  const half = `<${n} x ${SHAPES[from].elem}>`;
  return {
    params: [from],
    result: s,
    shape: s,
    body: `%h = shufflevector ${vec(from)} %x, ${vec(from)} undef, ${
      mask(n, high ? n : 0)
    }
%r = ${ext} ${half} %h to $T`,
  };
}

/** `extmul_low/high`: the extended halves multiplied (no overflow possible). */
function extmul(s: Shape, high: boolean, ext: "sext" | "zext"): SimdHelper {
  const from = NARROWER[s]!;
  const n = SHAPES[s].lanes;
  const half = `<${n} x ${SHAPES[from].elem}>`;
  const m = mask(n, high ? n : 0);
  return {
    params: [from, from],
    result: s,
    shape: s,
    body: `%hx = shufflevector ${vec(from)} %x, ${vec(from)} undef, ${m}
%hy = shufflevector ${vec(from)} %y, ${vec(from)} undef, ${m}
%ex = ${ext} ${half} %hx to $T
%ey = ${ext} ${half} %hy to $T
%r = mul $T %ex, %ey`,
  };
}

/**
 * `extadd_pairwise`: each pair of adjacent narrower lanes, extended and
 * added. NEON has it (saddlp/uaddlp). On x86 the signed ones and the i8
 * unsigned one are a multiply-add by ones (pmaddubsw, pmaddwd; the sums are
 * far from saturating), which LLVM does not find from the portable form.
 */
function extaddPairwise(s: Shape, ext: "sext" | "zext"): SimdHelper {
  const from = NARROWER[s]!;
  const n = SHAPES[s].lanes;
  const half = `<${n} x ${SHAPES[from].elem}>`;
  const ones = splat(2 * n, SHAPES[from].elem, 1);
  const f = vec(from);
  const neon = `llvm.aarch64.neon.${ext === "sext" ? "s" : "u"}addlp.${
    intrinsicSuffix(s)
  }.${intrinsicSuffix(from)}`;
  const x86 = from === "i8x16"
    ? {
      // pmaddubsw: unsigned lanes of its first operand, signed of its second.
      body: `%r = call $T @llvm.x86.ssse3.pmadd.ub.sw.128(${
        ext === "sext" ? `${f} ${ones}, ${f} %x` : `${f} %x, ${f} ${ones}`
      })`,
      decls: [
        "declare <8 x i16> @llvm.x86.ssse3.pmadd.ub.sw.128(<16 x i8>, <16 x i8>)",
      ],
    }
    : ext === "sext"
    ? {
      body: `%r = call $T @llvm.x86.sse2.pmadd.wd(${f} %x, ${f} ${ones})`,
      decls: [
        "declare <4 x i32> @llvm.x86.sse2.pmadd.wd(<8 x i16>, <8 x i16>)",
      ],
    }
    : {
      // (shuffled before extending: a blend and a shift)
      body: `%e = shufflevector ${f} %x, ${f} undef, ${mask(n, 0, 2)}
%o = shufflevector ${f} %x, ${f} undef, ${mask(n, 1, 2)}
%we = ${ext} ${half} %e to $T
%wo = ${ext} ${half} %o to $T
%r = add $T %we, %wo`,
    };
  return {
    params: [from],
    result: s,
    shape: s,
    ...x86,
    aarch64: {
      body: `%r = call $T @${neon}(${f} %x)`,
      decls: [`declare ${vec(s)} @${neon}(${f})`],
    },
  };
}

/**
 * `avgr_u`: (x + y + 1) >> 1 without overflow, which x86 has as pavg. On
 * NEON LLVM finds urhadd only for each half: there it is the intrinsic.
 */
function avgr(s: Shape): SimdHelper {
  const n = SHAPES[s].lanes;
  const wide = `<${n} x i${2 * bits(s)}>`;
  const neon = `llvm.aarch64.neon.urhadd.${intrinsicSuffix(s)}`;
  const h = binary(
    s,
    `%wx = zext $T %x to ${wide}
%wy = zext $T %y to ${wide}
%a = add ${wide} %wx, %wy
%b = add ${wide} %a, ${splat(n, `i${2 * bits(s)}`, 1)}
%c = lshr ${wide} %b, ${splat(n, `i${2 * bits(s)}`, 1)}
%r = trunc ${wide} %c to $T`,
  );
  return {
    ...h,
    aarch64: {
      body: `%r = call $T @${neon}($T %x, $T %y)`,
      decls: [`declare ${vec(s)} @${neon}(${vec(s)}, ${vec(s)})`],
    },
  };
}

/**
 * `narrow_s/_u`: the lanes of x then y, each (read as signed) saturated to
 * the narrower signed or unsigned range. x86 has it as one pack instruction.
 */
function narrow(to: Shape, signed: boolean): SimdHelper {
  const from: Shape = to === "i8x16" ? "i16x8" : "i32x4";
  const n = SHAPES[to].lanes;
  const w = SHAPES[from].elem;
  const wide = `<${n} x ${w}>`;
  const lo = signed ? -(2 ** (bits(to) - 1)) : 0;
  const hi = signed ? 2 ** (bits(to) - 1) - 1 : 2 ** bits(to) - 1;
  const x86 = to === "i8x16"
    ? (signed ? "llvm.x86.sse2.packsswb.128" : "llvm.x86.sse2.packuswb.128")
    : (signed ? "llvm.x86.sse2.packssdw.128" : "llvm.x86.sse41.packusdw");
  const t = vec(to), f = vec(from);
  const halfTo = `<${n / 2} x ${SHAPES[to].elem}>`;
  const sqxtun = `llvm.aarch64.neon.sqxtun.v${n / 2}${SHAPES[to].elem}`;
  // (from the portable form, LLVM clamps each half and then uzp1s them)
  const aarch64Unsigned = {
    body: `%nx = call ${halfTo} @${sqxtun}(${f} %x)
%ny = call ${halfTo} @${sqxtun}(${f} %y)
%r = shufflevector ${halfTo} %nx, ${halfTo} %ny, ${mask(n, 0)}`,
    decls: [`declare ${halfTo} @${sqxtun}(${f})`],
  };
  return {
    params: [from, from],
    result: to,
    shape: to,
    body: `%r = call ${t} @${x86}(${f} %x, ${f} %y)`,
    decls: [`declare ${t} @${x86}(${f}, ${f})`],
    aarch64: signed
      ? {
        body: `%c = shufflevector ${f} %x, ${f} %y, ${mask(n, 0)}
%a = call ${wide} @llvm.smin.v${n}${w}(${wide} %c, ${wide} ${splat(n, w, hi)})
%b = call ${wide} @llvm.smax.v${n}${w}(${wide} %a, ${wide} ${splat(n, w, lo)})
%r = trunc ${wide} %b to $T`,
        decls: [
          `declare ${wide} @llvm.smin.v${n}${w}(${wide}, ${wide})`,
          `declare ${wide} @llvm.smax.v${n}${w}(${wide}, ${wide})`,
        ],
      }
      : aarch64Unsigned,
  };
}

function perShape(
  shapes: Shape[],
  ops: Record<string, (s: Shape) => SimdHelper>,
): Record<string, SimdHelper> {
  const out: Record<string, SimdHelper> = {};
  for (const s of shapes) {
    for (const [op, make] of Object.entries(ops)) out[`${s}.${op}`] = make(s);
  }
  return out;
}

const ADDP =
  "declare <4 x i32> @llvm.aarch64.neon.addp.v4i32(<4 x i32>, <4 x i32>)";

/**
 * `i64x2.mul`. NEON has no 64-bit lane multiply, and LLVM moves both lanes
 * to general registers and back; as V8 does it instead: the cross products
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

const I8_I16: Shape[] = ["i8x16", "i16x8"];
const I8_I32: Shape[] = ["i8x16", "i16x8", "i32x4"];
const WIDE: Shape[] = ["i16x8", "i32x4", "i64x2"];
const I16_I32: Shape[] = ["i16x8", "i32x4"];

/** The integer instructions' helpers, by text name. */
export const INTEGER_HELPERS: Record<string, SimdHelper> = {
  ...perShape(INT_SHAPES, {
    add: (s) => binary(s, "%r = add $T %x, %y"),
    sub: (s) => binary(s, "%r = sub $T %x, %y"),
    neg: (s) => unary(s, "%r = sub $T zeroinitializer, %x"),
    // is_int_min_poison = false: abs(INT_MIN) is INT_MIN, as Wasm says.
    abs: (s) =>
      unary(
        s,
        `%r = call $T @llvm.abs.${intrinsicSuffix(s)}($T %x, i1 false)`,
        [
          `declare ${vec(s)} @llvm.abs.${intrinsicSuffix(s)}(${vec(s)}, i1)`,
        ],
      ),
    shl: (s) => shift(s, "shl"),
    shr_s: (s) => shift(s, "ashr"),
    shr_u: (s) => shift(s, "lshr"),
    eq: (s) => compare(s, "icmp eq"),
    ne: (s) => compare(s, "icmp ne"),
    lt_s: (s) => compare(s, "icmp slt"),
    gt_s: (s) => compare(s, "icmp sgt"),
    le_s: (s) => compare(s, "icmp sle"),
    ge_s: (s) => compare(s, "icmp sge"),
  }),
  ...perShape(I8_I32, {
    lt_u: (s) => compare(s, "icmp ult"),
    gt_u: (s) => compare(s, "icmp ugt"),
    le_u: (s) => compare(s, "icmp ule"),
    ge_u: (s) => compare(s, "icmp uge"),
    min_s: (s) => intrinsic2(s, "smin"),
    min_u: (s) => intrinsic2(s, "umin"),
    max_s: (s) => intrinsic2(s, "smax"),
    max_u: (s) => intrinsic2(s, "umax"),
  }),
  ...perShape(I8_I16, {
    add_sat_s: (s) => intrinsic2(s, "sadd.sat"),
    add_sat_u: (s) => intrinsic2(s, "uadd.sat"),
    sub_sat_s: (s) => intrinsic2(s, "ssub.sat"),
    sub_sat_u: (s) => intrinsic2(s, "usub.sat"),
    avgr_u: avgr,
  }),
  ...perShape(I16_I32, {
    mul: (s) => binary(s, "%r = mul $T %x, %y"),
  }),
  "i64x2.mul": I64X2_MUL,
  "i8x16.popcnt": unary("i8x16", "%r = call $T @llvm.ctpop.v16i8($T %x)", [
    "declare <16 x i8> @llvm.ctpop.v16i8(<16 x i8>)",
  ]),
  "i8x16.narrow_i16x8_s": narrow("i8x16", true),
  "i8x16.narrow_i16x8_u": narrow("i8x16", false),
  "i16x8.narrow_i32x4_s": narrow("i16x8", true),
  "i16x8.narrow_i32x4_u": narrow("i16x8", false),
  // (x*y + 0x4000) >> 15, saturated: only -32768 * -32768 overflows. x86's
  // pmulhrsw computes the rest and gives 0x8000 there, which is flipped to
  // 0x7fff; NEON's sqrdmulh is exactly the Wasm operation.
  "i16x8.q15mulr_sat_s": {
    params: ["i16x8", "i16x8"],
    result: "i16x8",
    body: `%m = call $T @llvm.x86.ssse3.pmul.hr.sw.128($T %x, $T %y)
%o = icmp eq $T %m, ${splat(8, "i16", -32768)}
%f = sext $B %o to $T
%r = xor $T %m, %f`,
    decls: [
      "declare <8 x i16> @llvm.x86.ssse3.pmul.hr.sw.128(<8 x i16>, <8 x i16>)",
    ],
    aarch64: {
      body: `%r = call $T @llvm.aarch64.neon.sqrdmulh.v8i16($T %x, $T %y)`,
      decls: [
        "declare <8 x i16> @llvm.aarch64.neon.sqrdmulh.v8i16(<8 x i16>, <8 x i16>)",
      ],
    },
  },
  // Pairs of products of signed i16 lanes, added: x86's pmaddwd.
  "i32x4.dot_i16x8_s": {
    params: ["i16x8", "i16x8"],
    result: "i32x4",
    shape: "i32x4",
    body: `%r = call $T @llvm.x86.sse2.pmadd.wd(<8 x i16> %x, <8 x i16> %y)`,
    decls: ["declare <4 x i32> @llvm.x86.sse2.pmadd.wd(<8 x i16>, <8 x i16>)"],
    // smull of each half and addp (from the portable form, LLVM adds uzp1
    // and uzp2 of the products).
    aarch64: {
      body: `%xl = shufflevector <8 x i16> %x, <8 x i16> undef, ${mask(4, 0)}
%xh = shufflevector <8 x i16> %x, <8 x i16> undef, ${mask(4, 4)}
%yl = shufflevector <8 x i16> %y, <8 x i16> undef, ${mask(4, 0)}
%yh = shufflevector <8 x i16> %y, <8 x i16> undef, ${mask(4, 4)}
%pl = call $T @llvm.aarch64.neon.smull.v4i32(<4 x i16> %xl, <4 x i16> %yl)
%ph = call $T @llvm.aarch64.neon.smull.v4i32(<4 x i16> %xh, <4 x i16> %yh)
%r = call $T @llvm.aarch64.neon.addp.v4i32($T %pl, $T %ph)`,
      decls: [
        "declare <4 x i32> @llvm.aarch64.neon.smull.v4i32(<4 x i16>, <4 x i16>)",
        ADDP,
      ],
    },
  },
  ...Object.fromEntries(
    WIDE.flatMap((s) => {
      const from = NARROWER[s]!;
      return [
        [`${s}.extend_low_${from}_s`, extend(s, false, "sext")],
        [`${s}.extend_high_${from}_s`, extend(s, true, "sext")],
        [`${s}.extend_low_${from}_u`, extend(s, false, "zext")],
        [`${s}.extend_high_${from}_u`, extend(s, true, "zext")],
        [`${s}.extmul_low_${from}_s`, extmul(s, false, "sext")],
        [`${s}.extmul_high_${from}_s`, extmul(s, true, "sext")],
        [`${s}.extmul_low_${from}_u`, extmul(s, false, "zext")],
        [`${s}.extmul_high_${from}_u`, extmul(s, true, "zext")],
      ];
    }),
  ),
  "i16x8.extadd_pairwise_i8x16_s": extaddPairwise("i16x8", "sext"),
  "i16x8.extadd_pairwise_i8x16_u": extaddPairwise("i16x8", "zext"),
  "i32x4.extadd_pairwise_i16x8_s": extaddPairwise("i32x4", "sext"),
  "i32x4.extadd_pairwise_i16x8_u": extaddPairwise("i32x4", "zext"),
};
