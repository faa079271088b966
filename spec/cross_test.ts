import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CROSS_PER_FILE, runSpec } from "./suite.ts";
import { CR_MISMATCH_REASON } from "./runner.ts";
import { crTotals, formatReport } from "./report.ts";

// `--cr --cross-cpu` end to end on spec/testdata/cr.wast: x86-64 snapshots
// restored by the aarch64 spec driver under qemu-aarch64 (modules compiled
// for aarch64) and finished there, and aarch64 snapshots (taken there at the
// next point) restored here. Needs qemu-aarch64 and the aarch64 toolchain
// (scripts/setup.sh); without them runSpec fails with a one-line error.
const testsuite = fileURLToPath(new URL("./testdata/", import.meta.url));

Deno.test({
  name:
    "cross-CPU restores in the harness: both directions; a broken restore is caught",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const cacheDir = await Deno.makeTempDir();
    const run = (driverArgs?: string[]) =>
      runSpec({
        testsuite,
        filter: "cr",
        timeoutMs: 30_000,
        cacheDir,
        progress: false,
        jobs: 2,
        cr: { fullRuns: 2, crossCpu: true },
        driverArgs,
      });
    try {
      await t.step("snapshots cross both ways and end the same", async () => {
        const result = await run();
        const report = formatReport(result.files, result.records, 0);
        assert.equal(result.failed, 0, report);
        const totals = crTotals(result.records);
        assert.equal(totals.crossOut, CROSS_PER_FILE, report);
        assert.equal(totals.crossIn, CROSS_PER_FILE, report);
        assert.equal(totals.mismatched, 0, report);
        assert.match(report, /cross-CPU \(in 1 files\)/);
      });
      await t.step(
        "a corrupted restore on the way back is a failure",
        async () => {
          // The x86-64 driver corrupts every restore it does, including
          // those of the aarch64 snapshots.
          const result = await run(["--debug-corrupt-local"]);
          const report = formatReport(result.files, result.records, 0);
          const back = result.records.filter((r) =>
            r.reason === CR_MISMATCH_REASON &&
            /checkpointed again on aarch64, restored here/.test(r.message!)
          );
          assert.ok(back.length > 0, report);
        },
      );
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});
