/**
 * For the SIMD tests: a `.wast` folder run through the real compiler,
 * runtime and spec driver on each target and level the tests cover.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runSpec } from "../../../spec/suite.ts";
import { formatReport } from "../../../spec/report.ts";

/** The targets and optimization levels the SIMD tests run on. */
export const SIMD_TEST_TARGETS = [
  ["x86_64", 0],
  ["x86_64", 2],
  ["aarch64", 2],
] as const;

/**
 * Runs the files of `testsuite` matching `filter` on `target` at `optLevel`
 * (a private compile cache) and asserts that all `expected` records (the
 * modules and assertions) passed: none failed, none was skipped.
 */
export async function assertSpecPasses(
  testsuite: string,
  filter: string,
  target: "x86_64" | "aarch64",
  optLevel: 0 | 1 | 2 | 3,
  expected: number,
): Promise<void> {
  const cacheDir = await Deno.makeTempDir({ prefix: "godwit-simd-" });
  try {
    const r = await runSpec({
      testsuite,
      filter,
      optLevel,
      target,
      cacheDir,
      progress: false,
      jobs: 1,
    });
    const report = formatReport(r.files, r.records, 0);
    assert.equal(r.failed, 0, report);
    assert.equal(r.passed, expected, report);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}
