import assert from "node:assert/strict";
import { runSpecFile } from "./testing/spec_runner.ts";

// Spec files whose modules need no imports (or whose import-free modules
// cover the feature); every assertion the harness can run must pass.
const FILES = [
  "i32",
  "i64",
  "f32",
  "f64",
  "conversions",
  "int_exprs",
  "float_exprs",
  "float_misc",
  "f32_bitwise",
  "f64_bitwise",
  "f32_cmp",
  "f64_cmp",
  "int_literals",
  "float_literals",
  "float_memory",
  "address",
  "memory",
  "br_table",
  "call_indirect",
  "call",
  "block",
  "loop",
  "br",
  "br_if",
  "return",
  "select",
  "local_get",
  "local_set",
  "local_tee",
  "nop",
  "unreachable",
  "unwind",
  "switch",
  "fac",
  "forward",
  "left-to-right",
  "labels",
  "stack",
  "traps",
  "memory_grow",
  "endianness",
  "load",
  "store",
  "memory_size",
  "bulk",
  "memory_copy",
  "memory_fill",
  "memory_init",
  "memory_trap",
  "table_copy",
  "table_init",
  "ref_is_null",
  "elem",
  "start",
  "align",
];

for (const file of FILES) {
  Deno.test(`spec ${file}.wast runs natively`, async () => {
    const dir = Deno.makeTempDirSync({ prefix: "godwit-spec-" });
    try {
      const r = await runSpecFile(
        `/work/shared/testsuite/wasm-2.0/${file}.wast`,
        dir,
      );
      assert.deepEqual(r.failures, []);
      assert.equal(r.failed, 0);
      assert.ok(r.passed > 0, `no assertion of ${file}.wast ran`);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}
