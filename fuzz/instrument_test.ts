import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { watToWasm } from "../spec/toolchain.ts";
import { exposeState, globalExportName } from "./instrument.ts";
import { MEMORY_EXPORT } from "./logger.ts";

/** The bytes of the first section with this id. */
function section(bytes: Uint8Array, id: number): Uint8Array | undefined {
  let at = 8;
  while (at < bytes.length) {
    const sid = bytes[at];
    let size = 0, shift = 0, p = at + 1;
    for (;;) {
      const b = bytes[p++];
      size |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (sid === id) return bytes.subarray(p, p + size);
    at = p + size;
  }
  return undefined;
}

const WAT = `(module
  (global $a (mut i32) (i32.const 7))
  (global $b i64 (i64.const -1))
  (memory 1)
  (data (i32.const 0) "\\2a")
  (func (export "hangLimitInitializer"))
  (func (export "f") (param i64 f32) (result i32 f64)
    (global.set $a (i32.const 9)) (i32.const 1) (f64.const 2)))`;

Deno.test("exposeState exports every global and the memory, code untouched", async () => {
  const bytes = await watToWasm(WAT);
  const m = exposeState(bytes);
  assertEquals(m.hangLimit, true);
  assertEquals(m.calls, [{
    name: "f",
    params: ["i64", "f32"],
    results: ["i32", "f64"],
  }]);
  assertEquals(m.globals, [
    { name: globalExportName(0), type: "i32" },
    { name: globalExportName(1), type: "i64" },
  ]);
  assertEquals(m.memory, true);
  // Instruction offsets name positions in snapshots: the code must not move.
  assertEquals(section(m.bytes, 10), section(bytes, 10));
  const inst = new WebAssembly.Instance(
    new WebAssembly.Module(m.bytes as Uint8Array<ArrayBuffer>),
  );
  const x = inst.exports as Record<string, unknown>;
  (x.f as (a: bigint, b: number) => unknown)(0n, 0);
  assertEquals((x[globalExportName(0)] as WebAssembly.Global).value, 9);
  assertEquals((x[globalExportName(1)] as WebAssembly.Global).value, -1n);
  const mem = x[MEMORY_EXPORT] as WebAssembly.Memory;
  assertEquals(new Uint8Array(mem.buffer)[0], 0x2a);
});

Deno.test("exposeState adds an export section where the module has none", async () => {
  const bytes = await watToWasm(`(module (global i32 (i32.const 3)) (func))`);
  const m = exposeState(bytes);
  assertEquals(m.calls, []);
  assertEquals(m.memory, false);
  const inst = new WebAssembly.Instance(
    new WebAssembly.Module(m.bytes as Uint8Array<ArrayBuffer>),
  );
  const g =
    (inst.exports as Record<string, WebAssembly.Global>)[globalExportName(0)];
  assertEquals(g.value, 3);
});

Deno.test("exposeState: exports and globals with a v128 are not called or read (JS cannot pass v128)", async () => {
  const m = exposeState(
    await watToWasm(`(module
      (global $v v128 (v128.const i32x4 1 2 3 4))
      (global $i i32 (i32.const 1))
      (func (export "takes") (param v128))
      (func (export "gives") (result v128) (global.get $v))
      (func (export "plain") (result i32) (i32.const 0)))`),
  );
  assertEquals(m.calls.map((c) => c.name), ["plain"]);
  assertEquals(m.globals, [{ name: globalExportName(1), type: "i32" }]);
});
