import assert from "node:assert/strict";
import { readModuleFile, watToWasm } from "./wat.ts";
import { WasmError } from "../decode/errors.ts";
import { decodeModule } from "../decode/decoder.ts";

const ADD = `(module
  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func $splat (export "lanes") (result i32)
    (i32x4.extract_lane 2 (i32x4.splat (i32.const 7))))
  (memory 1) (data $d "hi")
  (func (export "bulk") (result i32)
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 2))
    (i32.load16_u (i32.const 0))))`;

Deno.test("text becomes a module that V8 runs with the same results", async () => {
  const bytes = await watToWasm(ADD);
  const { instance } = await WebAssembly.instantiate(bytes);
  const exports = instance.exports as Record<string, () => number>;
  assert.equal((exports.add as (a: number, b: number) => number)(2, 3), 5);
  assert.equal(exports.lanes(), 7);
  assert.equal(exports.bulk(), 0x6968);
});

Deno.test("identifiers become the name section's function names", async () => {
  const m = decodeModule(await watToWasm(ADD));
  assert.equal(m.funcNames.get(0), "add");
  assert.equal(m.funcNames.get(1), "splat");
});

Deno.test("syntax and name errors are WasmErrors with wabt's message", async () => {
  for (
    const [text, pattern] of [
      ["(module (func (i32.frob)))", /x\.wat:1:\d+: error: unexpected token/],
      ["(module (func (call $nowhere)))", /undefined function variable/],
    ] as const
  ) {
    await assert.rejects(watToWasm(text, "x.wat"), (e) => {
      assert.ok(e instanceof WasmError);
      assert.equal(e.kind, "malformed");
      assert.match(e.reason, pattern);
      assert.ok(!e.message.includes("    at "), "no stack trace in message");
      return true;
    });
  }
});

Deno.test("readModuleFile takes binary as is and converts text", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = await watToWasm(ADD);
    await Deno.writeFile(`${dir}/a.wasm`, bytes);
    await Deno.writeTextFile(`${dir}/a.wat`, ADD);
    await Deno.writeTextFile(`${dir}/noext`, ADD);
    await Deno.writeFile(`${dir}/binary.bin`, bytes);
    assert.deepEqual(await readModuleFile(`${dir}/a.wasm`), bytes);
    assert.deepEqual(await readModuleFile(`${dir}/a.wat`), bytes);
    assert.deepEqual(await readModuleFile(`${dir}/noext`), bytes);
    assert.deepEqual(await readModuleFile(`${dir}/binary.bin`), bytes);
    await assert.rejects(
      readModuleFile(`${dir}/missing.wasm`),
      (e) =>
        e instanceof Error &&
        e.message.startsWith(`cannot read ${dir}/missing.wasm: `),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("non-ASCII names and strings keep their UTF-8 bytes", async () => {
  const bytes = await watToWasm(
    `(module (func (export "ünï") (result i32) i32.const 7) (memory 1) (data (i32.const 0) "é"))`,
  );
  const module = decodeModule(bytes);
  assert.equal(module.exports[0].name, "ünï");
  assert.deepEqual([...module.datas[0].bytes], [0xc3, 0xa9]);
  const { instance } = await WebAssembly.instantiate(bytes);
  assert.equal((instance.exports["ünï"] as () => number)(), 7);
});
