import assert from "node:assert/strict";
import { decodeModule } from "./decoder.ts";
import { validateModule } from "./validator.ts";
import { WasmError } from "./errors.ts";
import { watToWasm } from "../frontend/wat.ts";

/**
 * Each case is a module in text form (wabt does not validate it) and the
 * spec's reason when it is invalid. V8 (`WebAssembly.validate`) is checked
 * to agree on every case, as an independent oracle, except where a later
 * proposal that V8 implements allows what 2.0 forbids.
 */
const CASES: [string, string | null, "allowed later"?][] = [
  // Valid: the polymorphic stack, multi-value blocks, references, SIMD.
  [`(func (result i32) unreachable i32.add)`, null],
  [`(func (result i32) (br 0 (i32.const 1)) i64.const 0 drop)`, null],
  [
    `(func (param i32) (result f64)
       (block (result f64) (br_table 0 0 (f64.const 1) (local.get 0))))`,
    null,
  ],
  [
    `(type $t (func (param i32 i64) (result i64 i32)))
     (func (param i64) (result i64 i32) (local i32)
       (i32.const 1) (local.get 0)
       (block (type $t) (param i32 i64) (result i64 i32)
         (local.set 0) (local.set 1) (local.get 0) (local.get 1)))`,
    null,
  ],
  [
    `(func (result i32 i64)
       (block (result i32 i64) (i32.const 1) (i64.const 2)))`,
    null,
  ],
  [
    `(table 1 funcref) (elem declare func 0)
     (func (result funcref) (ref.func 0))
     (func (result i32) (ref.is_null (table.get 0 (i32.const 0))))`,
    null,
  ],
  [
    `(memory 1) (func (param v128) (result i32)
       (i8x16.extract_lane_u 15 (local.get 0))
       (v128.store8_lane 15 (i32.const 0) (local.get 0))
       (i32x4.all_true (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31
         (local.get 0) (local.get 0))) i32.add)`,
    null,
  ],
  [`(func (select (unreachable)) drop)`, null],
  [
    `(func (result funcref) (select (result funcref) (ref.null func) (ref.null func) (i32.const 1)))`,
    null,
  ],
  [
    `(memory 1) (data "x") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)))`,
    null,
  ],
  [`(global (import "m" "g") i32) (global i32 (global.get 0))`, null],
  // Invalid bodies.
  [`(func (result i32) (i64.const 0))`, "type mismatch"],
  [`(func (i32.add (i32.const 1) (i64.const 2)) drop)`, "type mismatch"],
  [`(func (result i32) (block (i32.const 1)) (i32.const 2))`, "type mismatch"],
  [
    `(func (if (result i32) (i32.const 1) (then (i32.const 1))) drop)`,
    "type mismatch",
  ],
  [`(func (param i32) (local.get 1) drop)`, "unknown local 1"],
  [`(func (br 1))`, "unknown label"],
  [`(func (global.get 0) drop)`, "unknown global 0"],
  [
    `(global i32 (i32.const 0)) (func (global.set 0 (i32.const 1)))`,
    "global is immutable",
  ],
  [`(func (call 5))`, "unknown function 5"],
  [`(func (i32.load (i32.const 0)) drop)`, "unknown memory 0"],
  [
    `(memory 1) (func (i32.load align=8 (i32.const 0)) drop)`,
    "alignment must not be larger than natural",
  ],
  [
    `(memory 1) (func (param v128) (v128.load8_lane 16 (i32.const 0) (local.get 0)) drop)`,
    "invalid lane index",
  ],
  [
    `(func (param v128) (i32x4.extract_lane 4 (local.get 0)) drop)`,
    "invalid lane index",
  ],
  [
    `(func (select (ref.null func) (ref.null func) (i32.const 1)) drop)`,
    "type mismatch",
  ],
  [`(func (result funcref) (ref.func 0))`, "undeclared function reference"],
  [`(table 1 externref) (func (call_indirect (i32.const 0)))`, "type mismatch"],
  [`(func (table.size 0) drop)`, "unknown table 0"],
  [`(func (elem.drop 0))`, "unknown elem segment 0"],
  [`(memory 1) (data "") (func (data.drop 1))`, "unknown data segment 1"],
  [
    `(func (block (result i32) (block (br_table 0 1 (i32.const 0))) (i32.const 1)) drop)`,
    "type mismatch",
  ],
  // Invalid module-level rules.
  [`(memory 2 1)`, "size minimum must not be greater than maximum"],
  [`(memory 65537)`, "memory size must be at most 65536 pages (4GiB)"],
  [`(memory 1) (memory 1)`, "multiple memories", "allowed later"],
  [`(func $f (param i32)) (start $f)`, "start function"],
  [
    `(func) (export "a" (func 0)) (export "a" (func 0))`,
    "duplicate export name",
  ],
  [
    `(global i32 (i32.const 0)) (global i32 (global.get 0))`,
    "unknown global 0",
    "allowed later",
  ],
  [
    `(global (import "m" "g") (mut i32)) (global i32 (global.get 0))`,
    "constant expression required",
  ],
  [`(global i32 (i64.const 0))`, "type mismatch"],
  [
    `(global i32 (i32.add (i32.const 1) (i32.const 2)))`,
    "constant expression required",
    "allowed later",
  ],
  [`(table 1 funcref) (elem (i64.const 0) func)`, "type mismatch"],
  [`(data (i32.const 0) "")`, "unknown memory 0"],
  [
    `(table 1 externref) (func) (elem (table 0) (i32.const 0) func 0)`,
    "type mismatch",
  ],
  [`(export "m" (memory 0))`, "unknown memory 0"],
];

function ourReason(bytes: Uint8Array): string | null {
  try {
    validateModule(decodeModule(bytes));
    return null;
  } catch (e) {
    assert.ok(e instanceof WasmError, `not a WasmError: ${e}`);
    return e.reason;
  }
}

Deno.test("validation verdicts and reasons, checked against V8", async () => {
  for (const [body, expected, allowedLater] of CASES) {
    const bytes = await watToWasm(`(module ${body})`);
    const reason = ourReason(bytes);
    if (expected === null) {
      assert.equal(reason, null, body);
    } else {
      assert.ok(reason?.startsWith(expected), `${body}: got ${reason}`);
    }
    // V8 implements later proposals (multi-memory, extended constants, GC)
    // that make some of these valid.
    if (!allowedLater) {
      assert.equal(WebAssembly.validate(bytes), expected === null, body);
    }
  }
});

Deno.test("errors name the function, offset and instruction", async () => {
  const bytes = await watToWasm(
    `(module (import "m" "f" (func)) (func) (func (result i32) (i64.const 0)))`,
  );
  const m = decodeModule(bytes);
  const e = (() => {
    try {
      validateModule(m);
    } catch (e) {
      return e as WasmError;
    }
  })();
  assert.ok(e instanceof WasmError);
  assert.equal(e.kind, "invalid");
  assert.equal(e.func, 2);
  assert.equal(e.section, "code");
  // The end of the body, where the i64 result meets the i32 type.
  assert.equal(e.offset, m.codes[1].body.at(-1)!.offset);
  assert.equal(
    e.message,
    `invalid module: type mismatch in end (section code, function 2, offset 0x${
      e.offset!.toString(16)
    })`,
  );
});
