import { fileURLToPath } from "node:url";
import { assertSpecPasses, SIMD_TEST_TARGETS } from "./spec_check.ts";

// testdata/simd_float_fold.wast, through the real compiler, runtime and spec
// driver: float arithmetic whose v128 constant operand LLVM would fold away
// (x*1 and the like) still quiets a signalling NaN, as the spec requires.
const testsuite = fileURLToPath(new URL("./testdata/", import.meta.url));

for (const [target, optLevel] of SIMD_TEST_TARGETS) {
  Deno.test({
    name:
      `SIMD float: identity constant operands do not fold a signalling NaN through (${target}, -O${optLevel})`,
    sanitizeResources: false,
    sanitizeOps: false,
    // The module and its 12 assertions: nothing skipped.
    fn: () =>
      assertSpecPasses(testsuite, "simd_float_fold", target, optLevel, 13),
  });
}
