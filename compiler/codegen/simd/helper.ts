/**
 * How a SIMD instruction's lowering is written: one IR-text helper per
 * instruction, `@gwp_simd_<text name with . as _>` (`gwp_simd_i32x4_add`),
 * `internal alwaysinline` like the rest of the prelude.
 *
 * Why IR text: llvm-bindings 0.4.2 has no builders for vector types,
 * `shufflevector`, `insertelement`, `extractelement` or vector constants, so
 * the translator cannot build vector code itself. It moves `v128` values
 * around as the canonical `<2 x i64>` (locals, the operand stack, calls,
 * globals, snapshot slots) and calls the instruction's helper, which bit-casts
 * its operands to the lane shape it works on. After inlining, the bitcasts
 * fold away and LLVM sees plain vector code, which it selects to SSE4.2/AVX2
 * or NEON; lane and shuffle immediates are constants by then.
 *
 * A helper is written as {@link SimdHelper}: the parameters (each a lane
 * shape, bit-cast for the body, or a scalar), the result, and the body.
 * In the body, the parameters are `%x %y %z` (after the bit-cast) unless
 * named, and the body leaves its result in `%r`. `$T`, `$E`, `$N` and `$B`
 * stand for the helper's `shape`: its vector type (`<4 x i32>`), element
 * type (`i32`), lane count and the matching `<N x i1>`.
 *
 * @module
 */

/** A lane shape of a v128. */
export type Shape = "i8x16" | "i16x8" | "i32x4" | "i64x2" | "f32x4" | "f64x2";

/** The lane count and IR element type of each shape. */
export const SHAPES: Record<Shape, { lanes: number; elem: string }> = {
  i8x16: { lanes: 16, elem: "i8" },
  i16x8: { lanes: 8, elem: "i16" },
  i32x4: { lanes: 4, elem: "i32" },
  i64x2: { lanes: 2, elem: "i64" },
  f32x4: { lanes: 4, elem: "float" },
  f64x2: { lanes: 2, elem: "double" },
};

/** The canonical IR type of a v128 outside helpers. */
export const V128_IR = "<2 x i64>";

/** The `llvm.*` intrinsic suffix of a shape: `v4i32`, `v4f32`. */
export function intrinsicSuffix(s: Shape): string {
  const { lanes, elem } = SHAPES[s];
  return `v${lanes}${
    elem === "float" ? "f32" : elem === "double" ? "f64" : elem
  }`;
}

/** The IR vector type of a shape: `<4 x i32>`. */
export function vec(s: Shape): string {
  return `<${SHAPES[s].lanes} x ${SHAPES[s].elem}>`;
}

/** A parameter or result: a lane shape (a v128 seen as it) or a scalar IR type. */
export type Kind = Shape | "i32" | "i64" | "float" | "double" | "i8*";

/** One instruction's helper. */
export interface SimdHelper {
  /** Parameters in Wasm operand order; `[name, kind]` to name one. */
  params: (Kind | [string, Kind])[];
  /** The result, or `void`. */
  result: Kind | "void";
  /** IR instructions computing `%r` (no `ret`). */
  body: string;
  /** The shape `$T $E $N $B` stand for (default: the first shape seen). */
  shape?: Shape;
  /** `declare` lines of the intrinsics the body calls. */
  decls?: string[];
  /**
   * The body (and its declarations) on aarch64, where NEON has one
   * instruction for what x86 needs a sequence of (a saturating conversion).
   */
  aarch64?: { body: string; decls?: string[] };
}

/** The targets a helper may differ on. */
export type SimdTarget = "x86_64" | "aarch64";

/** The target of an LLVM triple. */
export function simdTarget(triple: string): SimdTarget {
  return triple.startsWith("aarch64") ? "aarch64" : "x86_64";
}

/** The body and declarations of `h` on `target`. */
export function helperBody(
  h: SimdHelper,
  target: SimdTarget,
): { body: string; decls?: string[] } {
  return target === "aarch64" && h.aarch64 ? h.aarch64 : h;
}

function isShape(k: Kind | "void"): k is Shape {
  return k in SHAPES;
}

const DEFAULT_NAMES = ["x", "y", "z", "w"];

/** The IR text of helper `name` on `target` (without its declarations). */
export function helperIR(
  name: string,
  h: SimdHelper,
  target: SimdTarget = "x86_64",
): string {
  const shape = h.shape ??
    [...h.params.map((p) => Array.isArray(p) ? p[1] : p), h.result].find(
      isShape,
    );
  const params: string[] = [];
  const casts: string[] = [];
  h.params.forEach((p, i) => {
    const [pname, kind] = Array.isArray(p) ? p : [DEFAULT_NAMES[i], p];
    if (isShape(kind)) {
      params.push(`${V128_IR} %${pname}.v`);
      casts.push(
        `  %${pname} = bitcast ${V128_IR} %${pname}.v to ${vec(kind)}`,
      );
    } else {
      params.push(`${kind} %${pname}`);
    }
  });
  let body = helperBody(h, target).body.trim().split("\n").map((l) =>
    `  ${l.trim()}`
  ).join("\n");
  if (shape) {
    const { lanes, elem } = SHAPES[shape];
    body = body.replaceAll("$T", vec(shape)).replaceAll("$E", elem)
      .replaceAll("$N", String(lanes)).replaceAll("$B", `<${lanes} x i1>`);
  }
  let ret: string;
  let tail: string;
  if (h.result === "void") {
    ret = "void";
    tail = "  ret void";
  } else if (isShape(h.result)) {
    ret = V128_IR;
    tail = `  %r.v = bitcast ${
      vec(h.result)
    } %r to ${V128_IR}\n  ret ${V128_IR} %r.v`;
  } else {
    ret = h.result;
    tail = `  ret ${h.result} %r`;
  }
  return `define internal ${ret} @${helperName(name)}(${
    params.join(", ")
  }) alwaysinline nounwind {\n${
    [...casts, body, tail].filter((l) => l !== "").join("\n")
  }\n}`;
}

/** The helper symbol of an instruction's text name. */
export function helperName(text: string): string {
  return `gwp_simd_${text.replaceAll(".", "_")}`;
}

/** A unary lane-wise operation on `s`: `%r` from `%x`. */
export function unary(s: Shape, body: string, decls?: string[]): SimdHelper {
  return { params: [s], result: s, body, decls };
}

/** A binary lane-wise operation on `s`: `%r` from `%x`, `%y`. */
export function binary(s: Shape, body: string, decls?: string[]): SimdHelper {
  return { params: [s, s], result: s, body, decls };
}

/** A lane-wise comparison on `s`: `%c` (`$B`) from `%x`, `%y`, widened to a mask. */
export function compare(s: Shape, cmp: string): SimdHelper {
  const intShape: Shape = s === "f32x4" ? "i32x4" : s === "f64x2" ? "i64x2" : s;
  const intVec = vec(intShape);
  return {
    params: [s, s],
    result: intShape,
    shape: s,
    body: `%c = ${cmp} $T %x, %y\n%r = sext $B %c to ${intVec}`,
  };
}
