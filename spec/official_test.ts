import assert from "node:assert/strict";
import { defaultTestsuite, runSpec } from "./suite.ts";
import { formatReport } from "./report.ts";

// The official spec scripts that exercise the code generator's core
// (numerics, control flow, calls, memory, tables, bulk operations), run
// through the real compiler, runtime and spec driver. Each invocation is
// also checkpointed once and restored (`cr`), which builds the modules as
// `deno task spec --cr` does: CI's spec run then finds them compiled in the
// shared cache.
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

const testsuite = defaultTestsuite();
let present = false;
try {
  present = Deno.statSync(`${testsuite}/i32.wast`).isFile;
} catch {
  present = false;
}

Deno.test({
  name: `official spec scripts (${FILES.length} files) pass natively`,
  // The suite is not part of the repository (README: "The spec test suite").
  ignore: !present,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const result = await runSpec({
      testsuite,
      filter: FILES.join(","),
      jobs: 2,
      progress: false,
      cr: { maxPoints: 1, freshEvery: 0 },
    });
    const report = formatReport(result.files, result.records, 0);
    assert.equal(result.files.length, FILES.length, report);
    assert.equal(result.failed, 0, report);
    for (const f of result.files) {
      assert.ok(f.passed > 0, `no assertion of ${f.file} ran`);
    }
  },
});
