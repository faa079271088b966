/**
 * JavaScript values from V8's WebAssembly API in the spec driver's wire
 * form, and zero arguments of each type.
 *
 * @module
 */

import type { TypeName } from "./instrument.ts";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** A JS value of Wasm type `type` in wire form (floats' NaN bits are lost: `nan`). */
export function jsToWire(type: TypeName, v: unknown): string {
  switch (type) {
    case "i32":
      return `i32:${((v as number) >>> 0).toString(16).padStart(8, "0")}`;
    case "i64":
      return `i64:${
        BigInt.asUintN(64, v as bigint).toString(16).padStart(16, "0")
      }`;
    case "f32":
      if (Number.isNaN(v)) return "f32:nan";
      f32[0] = v as number;
      return `f32:${u32[0].toString(16).padStart(8, "0")}`;
    case "f64":
      if (Number.isNaN(v)) return "f64:nan";
      f64[0] = v as number;
      return `f64:${u64[0].toString(16).padStart(16, "0")}`;
    case "funcref":
      return v === null ? "funcref:null" : "funcref:func";
    case "externref":
      return v === null || v === undefined
        ? "externref:null"
        : "externref:host";
    default:
      return `${type}:unsupported`;
  }
}

/** The zero (or null) argument of a type, as JS passes it to an export. */
export function zeroArg(type: TypeName): unknown {
  switch (type) {
    case "i64":
      return 0n;
    case "funcref":
    case "externref":
      return null;
    default:
      return 0;
  }
}
