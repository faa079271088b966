/**
 * SIMD integer arithmetic, comparisons, shifts, narrowing and extension.
 *
 * @module
 */
import { binary, compare, type Shape, type SimdHelper } from "./helper.ts";

const INT_SHAPES: Shape[] = ["i8x16", "i16x8", "i32x4", "i64x2"];

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

/** The integer instructions' helpers, by text name. */
export const INTEGER_HELPERS: Record<string, SimdHelper> = {
  ...perShape({
    add: (s) => binary(s, "%r = add $T %x, %y"),
    sub: (s) => binary(s, "%r = sub $T %x, %y"),
    eq: (s) => compare(s, "icmp eq"),
    ne: (s) => compare(s, "icmp ne"),
  }),
};
