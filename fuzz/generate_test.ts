import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { denanAll, fuzzInput, generateModule } from "./generate.ts";
import { checkModule, watToWasm } from "../spec/toolchain.ts";
import { decodeModule } from "../compiler/decode/decoder.ts";
import { ValType } from "../compiler/wasm/types.ts";

Deno.test("fuzzInput: a seed always gives the same bytes, seeds differ", () => {
  assertEquals(fuzzInput(7), fuzzInput(7));
  assertEquals(fuzzInput(7).length >= 256, true);
  assertEquals(fuzzInput(7).join() === fuzzInput(8).join(), false);
});

Deno.test("generateModule: reproducible, valid for V8 and Godwit, logs via fuzzing-support", async () => {
  const a = await generateModule(11);
  assertEquals(await generateModule(11), a);
  assertEquals(WebAssembly.validate(a as Uint8Array<ArrayBuffer>), true);
  checkModule(a); // throws when Godwit's validator rejects it
  const imports = WebAssembly.Module.imports(
    new WebAssembly.Module(a as Uint8Array<ArrayBuffer>),
  );
  assertEquals(imports.every((i) => i.module === "fuzzing-support"), true);
});

Deno.test("generateModule: Debian's binaryen 108 even under deno task (npm binaryen 132 first in PATH): only log-* imports", async () => {
  // Seed 1000085 imports call-export-catch when npm binaryen 132 generates it.
  for (const seed of [1000085, 1000087, 1000089]) {
    const m = new WebAssembly.Module(
      await generateModule(seed) as Uint8Array<ArrayBuffer>,
    );
    for (const i of WebAssembly.Module.imports(m)) {
      assertEquals([i.module, /^log-/.test(i.name)], ["fuzzing-support", true]);
    }
  }
});

Deno.test("denanAll: an f32x4 or f64x2 NaN becomes 0 (binaryen 108's --denan leaves v128 alone)", async () => {
  const wat = `(module
    (func (export "f32x4") (result i32)
      (i32x4.extract_lane 1 (f32x4.div (v128.const f32x4 0 0 0 0)
                                       (v128.const f32x4 0 0 0 0))))
    (func (export "f64x2") (result i64)
      (i64x2.extract_lane 1 (f64x2.sqrt (v128.const f64x2 1 -1))))
    (func (export "finite") (result i32)
      (i32x4.extract_lane 2 (f32x4.add (v128.const f32x4 1 2 3 4)
                                       (v128.const f32x4 1 2 3 4)))))`;
  const run = (bytes: Uint8Array) => {
    const e = new WebAssembly.Instance(
      new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
    ).exports as Record<string, () => number | bigint>;
    return [e.f32x4(), e.f64x2(), e.finite()];
  };
  const raw = await watToWasm(wat, "denan.wat");
  // V8 computes NaNs here (any quiet NaN: the exponent bits are all ones).
  const [a, b] = run(raw);
  assertEquals(((a as number) & 0x7fc00000) === 0x7fc00000, true);
  assertEquals(
    ((b as bigint) & 0x7ff8000000000000n) === 0x7ff8000000000000n,
    true,
  );
  assertEquals(run(await denanAll(raw)), [0, 0n, 0x40c00000]);
});

Deno.test("generateModule --simd: valid for V8 and Godwit, denanned by binaryen 132", async () => {
  const a = await generateModule(5000013, { simd: true });
  assertEquals(await generateModule(5000013, { simd: true }), a);
  assertEquals(WebAssembly.validate(a as Uint8Array<ArrayBuffer>), true);
  checkModule(a);
  const raw = await generateModule(5000013, { simd: true, denan: false });
  // Made without 108's --denan, then denanned with v128 covered.
  assertEquals(a, await denanAll(raw));
  assertEquals(a.length === raw.length, false);
});

Deno.test("generateModule --binaryen 132: reference types, valid for V8 and Godwit, only log-* imports", async () => {
  let refs = 0;
  for (const seed of [7000001, 7000002, 7000003, 7000004]) {
    const a = await generateModule(seed, { binaryen: 132 });
    assertEquals(await generateModule(seed, { binaryen: 132 }), a);
    assertEquals(WebAssembly.validate(a as Uint8Array<ArrayBuffer>), true);
    checkModule(a);
    const m = decodeModule(a);
    const imports = WebAssembly.Module.imports(
      new WebAssembly.Module(a as Uint8Array<ArrayBuffer>),
    );
    assertEquals(
      imports.filter((i) =>
        i.module !== "fuzzing-support" || !i.name.startsWith("log-")
      ),
      [],
    );
    // Not vacuous: a function type or a global holds a reference.
    const isRef = (t: number) =>
      t === ValType.FuncRef || t === ValType.ExternRef;
    if (
      m.types.some((t) => [...t.params, ...t.results].some(isRef)) ||
      m.globals.some((g) => isRef(g.type.type))
    ) refs++;
  }
  assertEquals(refs > 0, true, "no module used reference types");
});
