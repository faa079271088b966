import assert from "node:assert/strict";
import {
  blockSignature,
  funcTypeOf,
  globalTypeOf,
  memoryTypeOf,
  numImportedFuncs,
  numImportedGlobals,
  numImportedMemories,
  numImportedTables,
  opcodeName,
  tableTypeOf,
} from "./module_info.ts";
import { decodeModule } from "../decode/decoder.ts";
import { watToWasm } from "../frontend/wat.ts";

const TEXT = `(module
  (type $v (func))
  (type $ii (func (param i32) (result i64 f32)))
  (import "m" "f" (func (type $ii)))
  (import "m" "g" (global f64))
  (import "m" "t" (table 2 externref))
  (func (type $v))
  (func (type $ii) (i64.const 0) (f32.const 0))
  (global (mut i32) (i32.const 1))
  (table 5 10 funcref)
  (memory 3))`;

Deno.test("index spaces put imports first", async () => {
  const m = decodeModule(await watToWasm(TEXT));
  assert.equal(numImportedFuncs(m), 1);
  assert.equal(numImportedGlobals(m), 1);
  assert.equal(numImportedTables(m), 1);
  assert.equal(numImportedMemories(m), 0);
  assert.deepEqual(funcTypeOf(m, 0), { params: [0x7f], results: [0x7e, 0x7d] });
  assert.deepEqual(funcTypeOf(m, 1), { params: [], results: [] });
  assert.deepEqual(funcTypeOf(m, 2), funcTypeOf(m, 0));
  assert.deepEqual(globalTypeOf(m, 0), { type: 0x7c, mutable: false });
  assert.deepEqual(globalTypeOf(m, 1), { type: 0x7f, mutable: true });
  assert.deepEqual(tableTypeOf(m, 0).elemType, 0x6f);
  assert.deepEqual(tableTypeOf(m, 1).limits, { min: 5, max: 10 });
  assert.deepEqual(memoryTypeOf(m, 0).limits, { min: 3 });
  assert.throws(() => funcTypeOf(m, 3), /unknown function 3/);
  assert.throws(() => globalTypeOf(m, 2), /unknown global 2/);
});

Deno.test("block signatures", async () => {
  const m = decodeModule(await watToWasm(TEXT));
  assert.deepEqual(blockSignature(m, { kind: "empty" }), {
    params: [],
    results: [],
  });
  assert.deepEqual(blockSignature(m, { kind: "value", type: 0x7b }), {
    params: [],
    results: [0x7b],
  });
  assert.equal(blockSignature(m, { kind: "index", typeIndex: 1 }), m.types[1]);
});

Deno.test("opcode names across every group match wabt's mnemonics", () => {
  // Oracle: the mnemonics wabt prints. decoder_test.ts compares every
  // instruction of the SIMD spec tests with wasm-objdump; this is a sample
  // across every opcode group and prefix, runnable without wabt.
  const expected: Record<number, string> = {
    0x00: "unreachable",
    0x11: "call_indirect",
    0x1c: "select",
    0x25: "table.get",
    0x3e: "i64.store32",
    0x40: "memory.grow",
    0x4f: "i32.ge_u",
    0x5a: "i64.ge_u",
    0x66: "f64.ge",
    0x78: "i32.rotr",
    0x98: "f32.copysign",
    0xa6: "f64.copysign",
    0xbf: "f64.reinterpret_i64",
    0xc4: "i64.extend32_s",
    0xd2: "ref.func",
    0xfc07: "i64.trunc_sat_f64_u",
    0xfc11: "table.fill",
    0xfd000d: "i8x16.shuffle",
    0xfd0053: "v128.any_true",
    0xfd005b: "v128.store64_lane",
    0xfd005f: "f64x2.promote_low_f32x4",
    0xfd009f: "i16x8.extmul_high_i8x16_u",
    0xfd00d7: "i64x2.ne",
    0xfd00fd: "i32x4.trunc_sat_f64x2_u_zero",
    0xfd00ff: "f64x2.convert_low_i32x4_u",
  };
  for (const [op, name] of Object.entries(expected)) {
    assert.equal(opcodeName(Number(op)), name);
  }
  assert.match(opcodeName(0x06), /unknown opcode 0x6/);
  assert.match(opcodeName(0xfd009a), /unknown/);
});
