import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { fuzzInput, generateModule } from "./generate.ts";
import { checkModule } from "../spec/toolchain.ts";

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
