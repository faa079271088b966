/**
 * Exact constants. `ConstantInt.get(i64, number)` loses bits above 2^53 and
 * a float constant built from a JS number cannot carry a NaN payload, so
 * 64-bit integers are assembled from two 32-bit halves (the builder folds the
 * shift and the or) and floats are bitcasts of their integer bit patterns.
 *
 * @module
 */
import llvm from "npm:llvm-bindings@0.4.2";

/** An i32 constant from a signed or unsigned 32-bit number. */
export function constI32(b: llvm.IRBuilder, value: number): llvm.Value {
  return b.getInt32(value >>> 0);
}

/** An exact i64 constant from any 64-bit bigint (signed or unsigned). */
export function constI64(b: llvm.IRBuilder, value: bigint): llvm.Value {
  const bits = BigInt.asUintN(64, value);
  const i64 = b.getInt64Ty();
  const hi = b.CreateZExt(b.getInt32(Number(bits >> 32n)), i64);
  const lo = b.CreateZExt(b.getInt32(Number(bits & 0xffffffffn)), i64);
  return b.CreateOr(b.CreateShl(hi, b.getInt64(32)), lo);
}

/** An f32 constant with exactly the given u32 bit pattern. */
export function constF32(b: llvm.IRBuilder, bits: number): llvm.Value {
  return b.CreateBitCast(b.getInt32(bits >>> 0), b.getFloatTy());
}

/** An f64 constant with exactly the given u64 bit pattern. */
export function constF64(b: llvm.IRBuilder, bits: bigint): llvm.Value {
  return b.CreateBitCast(constI64(b, bits), b.getDoubleTy());
}

/** Whether `bits`, an f32 (`width` 32) or f64, is a signaling NaN. */
export function isSignalingNan(bits: bigint, width: 32 | 64): boolean {
  const mantissa = width === 32 ? 23n : 52n;
  const exponent = ((1n << (BigInt(width) - 1n - mantissa)) - 1n) << mantissa;
  const quiet = 1n << (mantissa - 1n);
  const payload = (1n << mantissa) - 1n;
  return (bits & exponent) === exponent && (bits & quiet) === 0n &&
    (bits & payload) !== 0n;
}
