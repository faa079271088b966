import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runSpec } from "./suite.ts";
import { escapeNonAsciiInStrings } from "./runner.ts";
import { formatReport } from "./report.ts";

// End to end through the real compiler, runtime and spec_driver: outcomes
// per line of spec/testdata/harness.wast, whose expectations follow the
// spec (and a few deliberate failures: a wrong result, a hang, an
// accepted module in assert_invalid).
Deno.test({
  name: "harness.wast: passes, failures, a hang and recovery",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const cacheDir = await Deno.makeTempDir();
    try {
      const result = await runSpec({
        testsuite: fileURLToPath(new URL("./testdata/", import.meta.url)),
        filter: "harness",
        timeoutMs: 3000,
        cacheDir,
        progress: false,
        jobs: 2,
      });
      const byLine = new Map(result.records.map((r) => [r.line, r]));
      const failedLines = result.records.filter((r) => r.outcome === "fail")
        .map((r) => r.line);
      assert.deepEqual(
        failedLines,
        [10, 31, 32, 36],
        formatReport(result.files, result.records, 0),
      );
      assert.match(
        byLine.get(10)!.message!,
        /expected i32:0x00000004 \(4\), got returned i32:0x00000003 \(3\)/,
      );
      assert.match(byLine.get(31)!.message!, /timeout|no reply/);
      assert.match(byLine.get(32)!.message!, /instance lost/);
      assert.equal(byLine.get(34)!.outcome, "pass"); // registered module reloaded after the restart
      assert.match(byLine.get(36)!.message!, /accepted/);
      assert.equal(result.failed, 4);
      assert.equal(result.skipped, 0);
      assert.equal(result.passed, result.records.length - 4);
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

Deno.test("non-ASCII string characters become escapes, nothing else changes", () => {
  assert.equal(
    escapeNonAsciiInStrings(
      `(func (export "\uFEFFé😀\\"x") ;; é\n (; é ;) "a")`,
    ),
    `(func (export "\\u{feff}\\u{e9}\\u{1f600}\\"x") ;; é\n (; é ;) "a")`,
  );
  assert.equal(escapeNonAsciiInStrings(`(module)`), `(module)`);
});
