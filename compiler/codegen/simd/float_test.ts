import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runSpec } from "../../../spec/suite.ts";
import { formatReport } from "../../../spec/report.ts";

// testdata/simd_float_fold.wast, through the real compiler, runtime and spec
// driver: float arithmetic whose v128 constant operand LLVM would fold away
// (x*1 and the like) still quiets a signalling NaN, as the spec requires.
const testsuite = fileURLToPath(new URL("./testdata/", import.meta.url));

for (
  const [target, optLevel] of [
    ["x86_64", 0],
    ["x86_64", 2],
    ["aarch64", 2],
  ] as const
) {
  Deno.test({
    name:
      `SIMD float: identity constant operands do not fold a signalling NaN through (${target}, -O${optLevel})`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const cacheDir = await Deno.makeTempDir({ prefix: "godwit-simd-" });
      try {
        const r = await runSpec({
          testsuite,
          filter: "simd_float_fold",
          optLevel,
          target,
          cacheDir,
          progress: false,
          jobs: 1,
        });
        const report = formatReport(r.files, r.records, 0);
        assert.equal(r.failed, 0, report);
        // The module and its 12 assertions: nothing was skipped.
        assert.equal(r.passed, 13, report);
      } finally {
        await Deno.remove(cacheDir, { recursive: true });
      }
    },
  });
}
