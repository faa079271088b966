/**
 * The `fuzzing-support` host module of binaryen's translate-to-fuzz modules,
 * written in Wasm so that both engines run the same one: each `log-*` call
 * appends (type tag, value bits) to the logger's memory and folds it into a
 * running hash. NaNs are folded canonicalized (see {@link canonicalNanBits})
 * so that the hash compares what the spec makes deterministic; the stored
 * entries keep the exact bits. Wasm-to-Wasm calls keep NaN bits in both
 * engines (a JS logger would not).
 *
 * @module
 */

import { watToWasm } from "../spec/toolchain.ts";

/** The import module name ttf modules use. */
export const LOGGER_MODULE = "fuzzing-support";

/** Entries beyond this many per call are hashed and counted, not stored. */
export const LOG_CAPACITY = 65536;

/** Type tags of log entries, in the order of the `log-*` functions. */
export const LOG_TAGS = [
  "i32",
  "i64",
  "f32",
  "f64",
  "v128.lo",
  "v128.hi",
] as const;

/** The logger's text. */
export const LOGGER_WAT = `(module
  (memory (export "memory") 1)
  (global $n (mut i32) (i32.const 0))
  (global $h (mut i64) (i64.const 0xcbf29ce484222325))
  (func $mix (param $v i64)
    (global.set $h (i64.mul (i64.xor (global.get $h) (local.get $v))
                            (i64.const 0x100000001b3))))
  (func $record (param $tag i32) (param $bits i64) (param $canon i64)
    (local $at i32)
    (call $mix (i64.extend_i32_u (local.get $tag)))
    (call $mix (local.get $canon))
    (if (i32.lt_u (global.get $n) (i32.const ${LOG_CAPACITY}))
      (then
        (local.set $at (i32.mul (global.get $n) (i32.const 16)))
        (if (i32.ge_u (local.get $at)
                      (i32.mul (memory.size) (i32.const 65536)))
          (then (drop (memory.grow (i32.const 1)))))
        (i32.store (local.get $at) (local.get $tag))
        (i64.store offset=8 (local.get $at) (local.get $bits))))
    (global.set $n (i32.add (global.get $n) (i32.const 1))))
  ;; A NaN's canonical form: quiet NaNs (whose sign and payload the spec
  ;; leaves open after arithmetic) all hash alike; signaling NaNs keep their
  ;; payload (only non-arithmetic operations can produce them), sign cleared.
  (func $canon32 (param $b i64) (result i64)
    (if (result i64)
        (i32.and
          (i64.eq (i64.and (local.get $b) (i64.const 0x7f800000))
                  (i64.const 0x7f800000))
          (i64.ne (i64.and (local.get $b) (i64.const 0x7fffff)) (i64.const 0)))
      (then
        (if (result i64) (i64.ne (i64.and (local.get $b) (i64.const 0x400000))
                                 (i64.const 0))
          (then (i64.const 0x7fc00000))
          (else (i64.and (local.get $b) (i64.const 0x7fffffff)))))
      (else (local.get $b))))
  (func $canon64 (param $b i64) (result i64)
    (if (result i64)
        (i32.and
          (i64.eq (i64.and (local.get $b) (i64.const 0x7ff0000000000000))
                  (i64.const 0x7ff0000000000000))
          (i64.ne (i64.and (local.get $b) (i64.const 0xfffffffffffff))
                  (i64.const 0)))
      (then
        (if (result i64) (i64.ne (i64.and (local.get $b)
                                          (i64.const 0x8000000000000))
                                 (i64.const 0))
          (then (i64.const 0x7ff8000000000000))
          (else (i64.and (local.get $b) (i64.const 0x7fffffffffffffff)))))
      (else (local.get $b))))
  (func (export "log-i32") (param $v i32)
    (call $record (i32.const 0) (i64.extend_i32_u (local.get $v))
                  (i64.extend_i32_u (local.get $v))))
  (func (export "log-i64") (param $v i64)
    (call $record (i32.const 1) (local.get $v) (local.get $v)))
  (func (export "log-f32") (param $v f32)
    (local $b i64)
    (local.set $b (i64.extend_i32_u (i32.reinterpret_f32 (local.get $v))))
    (call $record (i32.const 2) (local.get $b) (call $canon32 (local.get $b))))
  (func (export "log-f64") (param $v f64)
    (local $b i64)
    (local.set $b (i64.reinterpret_f64 (local.get $v)))
    (call $record (i32.const 3) (local.get $b) (call $canon64 (local.get $b))))
;; A v128 as two entries, low then high half, bits as they are: the lane
  ;; shape is unknown here, so no NaN canonicalization (modules are denanned).
  (func (export "log-v128") (param $v v128)
    (local $b i64)
    (local.set $b (i64x2.extract_lane 0 (local.get $v)))
    (call $record (i32.const 4) (local.get $b) (local.get $b))
    (local.set $b (i64x2.extract_lane 1 (local.get $v)))
    (call $record (i32.const 5) (local.get $b) (local.get $b)))
  (func (export "reset")
    (global.set $n (i32.const 0))
    (global.set $h (i64.const 0xcbf29ce484222325)))
  (func (export "count") (result i32) (global.get $n))
  (func (export "hash") (result i64) (global.get $h))
  (func (export "tag") (param $i i32) (result i32)
    (i32.load (i32.mul (local.get $i) (i32.const 16))))
  (func (export "bits") (param $i i32) (result i64)
    (i64.load offset=8 (i32.mul (local.get $i) (i32.const 16)))))
`;

/** The export name under which instrumented modules expose their memory. */
export const MEMORY_EXPORT = "gw$memory";
/** The import module name the memory reader links the fuzzed instance as. */
export const FUZZED_MODULE = "gw$fuzzed";

/**
 * Reads a fuzzed instance's memory: its size, a hash of a byte range (the
 * spec driver's word-wise FNV variant, {@link hashBytes} in TypeScript) and
 * single bytes, so that both engines' memories can be compared, and a
 * difference narrowed down, without copying them.
 */
export const READER_WAT = `(module
  (import "${FUZZED_MODULE}" "${MEMORY_EXPORT}" (memory 0))
  (func (export "pages") (result i32) (memory.size))
  (func (export "load8") (param $at i32) (result i32)
    (i32.load8_u (local.get $at)))
  (func (export "hash") (param $at i32) (param $len i32) (result i64)
    (local $h i64) (local $end i32)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (local.set $end (i32.add (local.get $at) (local.get $len)))
    (block $done
      (loop $words
        (br_if $done (i32.gt_u (i32.add (local.get $at) (i32.const 8))
                               (local.get $end)))
        (local.set $h (i64.mul (i64.xor (local.get $h)
                                        (i64.load (local.get $at)))
                               (i64.const 0x100000001b3)))
        (local.set $h (i64.xor (local.get $h)
                               (i64.shr_u (local.get $h) (i64.const 29))))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (br $words)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $h (i64.mul (i64.xor (local.get $h)
                                        (i64.load8_u (local.get $at)))
                               (i64.const 0x100000001b3)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $bytes)))
    (local.get $h)))
`;

let loggerBytes: Promise<Uint8Array> | undefined;
let readerBytes: Promise<Uint8Array> | undefined;

/** The logger module's binary. */
export function loggerModule(): Promise<Uint8Array> {
  return loggerBytes ??= watToWasm(LOGGER_WAT, "fuzz-logger.wat");
}

/** The memory reader module's binary. */
export function readerModule(): Promise<Uint8Array> {
  return readerBytes ??= watToWasm(READER_WAT, "fuzz-reader.wat");
}

/** The reader's `hash` over `bytes` (the same function, for V8's copy). */
export function hashBytes(bytes: Uint8Array): bigint {
  const mask = (1n << 64n) - 1n;
  const prime = 0x100000001b3n;
  let h = 0xcbf29ce484222325n;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (; at + 8 <= bytes.length; at += 8) {
    h = ((h ^ view.getBigUint64(at, true)) * prime) & mask;
    h ^= h >> 29n;
  }
  for (; at < bytes.length; at++) h = ((h ^ BigInt(bytes[at])) * prime) & mask;
  return h;
}
