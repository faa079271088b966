/**
 * SIMD float arithmetic, comparisons, rounding and conversions, with Wasm's
 * NaN rules.
 *
 * @module
 */
import { binary, compare, type Shape, type SimdHelper } from "./helper.ts";

const FLOAT_SHAPES: Shape[] = ["f32x4", "f64x2"];

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

/** The float instructions' helpers, by text name. */
export const FLOAT_HELPERS: Record<string, SimdHelper> = {
  ...perShape({
    add: (s) => binary(s, "%r = fadd $T %x, %y"),
    eq: (s) => compare(s, "fcmp oeq"),
  }),
};
