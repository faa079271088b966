import assert from "node:assert/strict";
import { allInstructions, isSimd, Op } from "../../wasm/instructions.ts";
import { PRELUDE_IR } from "../prelude.ts";
import { SIMD_HELPERS, simdPreludeIR } from "./index.ts";

Deno.test("SIMD: every v128 instruction of the table has a helper", () => {
  const missing = [...allInstructions()]
    .filter((i) =>
      isSimd(i.op) && i.op !== Op.I8x16Shuffle && !(i.text in SIMD_HELPERS)
    )
    .map((i) => i.text);
  assert.deepEqual(missing, []);
  // And no helper names an instruction the table lacks (a misspelt key),
  // except the fences translate_simd.ts puts on identity constants.
  const texts = new Set([...allInstructions()].map((i) => i.text));
  assert.deepEqual(
    Object.keys(SIMD_HELPERS).filter((t) =>
      !texts.has(t) && !t.endsWith(".arithmetic_fence")
    ),
    [],
  );
});

// A prelude that does not parse makes llvm-bindings' parseIRFile crash the
// process rather than fail, so each target's text is checked by llvm-as.
for (const target of ["x86_64", "aarch64"] as const) {
  Deno.test(`SIMD: the prelude of ${target} assembles (llvm-as-14)`, async () => {
    const mask = Uint8Array.from({ length: 16 }, (_, i) => 31 - i);
    const p = new Deno.Command("llvm-as-14", {
      args: ["-", "-o", "/dev/null"],
      stdin: "piped",
      stderr: "piped",
    }).spawn();
    const w = p.stdin.getWriter();
    await w.write(
      new TextEncoder().encode(PRELUDE_IR + simdPreludeIR([mask], target)),
    );
    await w.close();
    const r = await p.output();
    assert.equal(new TextDecoder().decode(r.stderr), "");
    assert.equal(r.success, true);
  });
}
